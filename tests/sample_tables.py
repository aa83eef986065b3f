"""Small hand-made tables for the tests of the chapter helpers' sentences (in English and in Dutch)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

MATRIX_COLUMNS = ["region_id", "name_en", "theme_id", "label"]
THREE_REGIONS = [
    ("a", "Region A", "shelter", "Shelter (opvang)"), ("a", "Region A", "research", "Research"),
    ("a", "Region A", "elder_abuse", "Elder abuse"),
    ("b", "Region B", "research", "Research"), ("b", "Region B", "elder_abuse", "Elder abuse"),
    ("c", "Region C", "research", "Research"),
]
"""Region A has a theme no one else has (shelter), one shared with B (elder abuse) and one everyone has."""

ORDER_COLUMNS = ["region_id", "area", "area_level", "year", "measure", "value"]
TWO_REGIONS_ORDERS = [
    ("a", "Town A", "municipality", 2016, "orders_imposed", 10),
    ("a", "Region of A", "centrumgemeente_region", 2016, "orders_imposed", 30),
    ("b", "Town B", "municipality", 2016, "orders_imposed", 12),
]
"""Region A states a town and its region; B a town only."""


def theme_matrix(more: Sequence[tuple] = ()) -> pd.DataFrame:
    """:data:`THREE_REGIONS`, and ``more`` rows, as ``analysis.theme_matrix`` shapes them."""
    return pd.DataFrame([*THREE_REGIONS, *more], columns=MATRIX_COLUMNS)


def orders(more: Sequence[tuple] = ()) -> pd.DataFrame:
    """:data:`TWO_REGIONS_ORDERS`, and ``more`` rows, in the columns of the restraining-order table."""
    return pd.DataFrame([*TWO_REGIONS_ORDERS, *more], columns=ORDER_COLUMNS)
