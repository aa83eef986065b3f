"""Unit tests for the chapter helpers in dvregions.chapter that compute analysis sentences."""

from __future__ import annotations

import pandas as pd
from sample_tables import orders, theme_matrix

from dvregions import chapter, i18n


def _matrix() -> pd.DataFrame:
    return theme_matrix([("d", "Region D", "research", "Research")])


def _orders() -> pd.DataFrame:
    return orders([("a", "Town A", "municipality", 2016, "violations", 1),
                   ("c", "Province C", "province", 2016, "orders_imposed", 50),
                   ("c", "Province C", "province", 2017, "orders_imposed", 40)])


def test_rare_themes_lists_themes_few_others_report() -> None:
    table = chapter.rare_themes(_matrix(), "a", max_others=1)
    assert list(table["theme_id"]) == ["shelter", "elder_abuse"]
    assert list(table["others"]) == [[], ["Region B"]]


def test_rare_themes_excludes_common_themes() -> None:
    assert "research" not in set(chapter.rare_themes(_matrix(), "a", max_others=2)["theme_id"])


def test_rare_themes_text() -> None:
    assert chapter.rare_themes_text(_matrix(), "a", max_others=1) == \
        "two themes that at most one other region reports: shelter (no other region); elder abuse (also Region B)"
    assert chapter.rare_themes_text(_matrix(), "c", max_others=2) == "no theme that at most two other regions report"


def test_comparable_areas_by_level() -> None:
    table = chapter.comparable_areas(_orders(), "a")
    assert list(table["area_level"]) == ["municipality", "centrumgemeente_region"]
    assert list(table["others"]) == [["Town B"], []]


def test_comparable_areas_text() -> None:
    text = chapter.comparable_areas_text(_orders(), "a")
    assert text == ("the municipal figure for Town A can be set only beside Town B; "
                    "the regional figure for Region of A has no counterpart at the same level "
                    "in any other region")


def test_names_are_joined_with_and() -> None:
    assert i18n.join(["A"]) == "A"
    assert i18n.join(["A", "B"]) == "A and B"
    assert i18n.join(["A", "B", "C"]) == "A, B and C"


def test_plain_drops_a_trailing_parenthesis() -> None:
    assert chapter._plain("Shelter (vrouwenopvang)") == "Shelter"
    assert chapter._plain("Gelderland-Zuid (Nijmegen)") == "Gelderland-Zuid"
