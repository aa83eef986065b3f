"""Text written by code follows the language: Dutch words, Dutch sentences and Dutch numbers in a Dutch kernel,
and in an English kernel exactly the English it always wrote."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from sample_tables import orders, theme_matrix

from dvbook import translations
from dvregions import analysis, chapter, convention, data, i18n
from dvregions.charts import across, layers, plots
from dvregions.charts.render import static_svg
from dvregions.charts.theme import enable_theme

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dataset() -> data.Dataset:
    """The shipped data, loaded in English (the Dutch data catalog is translated apart from the code)."""
    enable_theme()
    return data.load(ROOT / "data")


@pytest.fixture
def dutch(monkeypatch) -> None:
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")


def _matrix() -> pd.DataFrame:
    return theme_matrix()


def _orders() -> pd.DataFrame:
    return orders([("c", "Town C", "municipality", 2016, "orders_imposed", 14)])


def test_every_message_of_the_code_has_a_dutch_translation_that_keeps_its_placeholders():
    catalog = translations.table(i18n.catalog_path("nl"))
    found = translations.catalogs(ROOT, "nl")[i18n.catalog_path("nl")]
    placeholder = re.compile(r"\{\w*\}")
    for message in found:
        assert message in catalog, f"no Dutch translation of {message!r}"
        if message in translations.CODE_TOGGLES.values():
            continue  # myst-nb fills {type} with an English word ("source"), so a translation leaves it out
        assert sorted(placeholder.findall(catalog[message])) == sorted(placeholder.findall(message)), message


def test_a_missing_translation_is_an_error_not_english(dutch):
    with pytest.raises(i18n.MissingTranslation):
        i18n._("A message nobody has translated")


# --------------------------------------------------------------------------- sentences


def test_rare_themes_are_one_whole_dutch_sentence_with_number_words(dutch):
    assert chapter.rare_themes_text(_matrix(), "a", max_others=1) == (
        "twee thema's die in hoogstens één andere regio voorkomen: shelter (geen andere regio); "
        "elder abuse (ook Region B)")
    assert chapter.rare_themes_text(_matrix(), "c", max_others=1) == \
        "geen thema dat in hoogstens één andere regio voorkomt"


def test_rare_themes_agree_in_english_with_the_regions_and_in_dutch_with_the_themes(monkeypatch):
    english = chapter.rare_themes_text(_matrix(), "a", max_others=2)
    assert english.startswith("three themes that at most two other regions report: ")
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    assert chapter.rare_themes_text(_matrix(), "a", max_others=2).startswith(
        "drie thema's die in hoogstens twee andere regio's voorkomen: ")


def test_comparable_areas_in_dutch(dutch):
    assert chapter.comparable_areas_text(_orders(), "a") == (
        "het gemeentelijke cijfer voor Town A kan alleen naast dat van Town B en Town C worden gelegd; "
        "het regionale cijfer voor Region of A heeft in geen andere regio een tegenhanger op hetzelfde niveau")


def test_verdict_phrases_in_both_languages(monkeypatch):
    assert analysis.verdict_phrase("within_chance", "orders") == "a change in orders within what chance produces"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    assert analysis.verdict_phrase("fewer", i18n._("orders")) == "minder huisverboden"
    assert analysis.verdict_phrase("within_chance", i18n._("orders")) == \
        "een verandering in het aantal huisverboden die binnen de toevalsmarge valt"


def test_change_verdict_names_what_the_adjusted_test_supports(dataset):
    assert analysis.change_verdict(dataset.orders, "Zeeland", "orders_imposed") == "within_chance"
    assert analysis.change_verdict(dataset.orders, "regio Gouda", "violations") == "more"


def test_describe_writes_dutch_numbers_and_words(dataset, dutch):
    zeeland = dataset.orders[dataset.orders["region_id"] == "zeeland"]
    assert analysis.describe(zeeland) == (
        "Opgelegde huisverboden: 71 in 2016 en 45 in 2017. Overtredingen: 4 in 2016 en 3 in 2017.")


def test_labels_are_read_when_called_not_at_import(monkeypatch):
    assert analysis.measure_labels()["orders_imposed"] == "Orders imposed"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    assert analysis.measure_labels()["orders_imposed"] == "Opgelegde huisverboden"
    assert convention.group_labels()["prevention"] == "Preventie"


def test_number_words():
    assert [i18n.number_word(n) for n in (1, 2, 7, 12)] == ["one", "two", "seven", "12"]


# --------------------------------------------------------------------------- tables


def test_data_table_in_dutch_has_dutch_cells(dutch):
    frame = pd.DataFrame({"rate": [0.125, None], "passes": [True, False]})
    html = chapter.data_table(frame, "Bijschrift", labels={"rate": "Gemiddelde"}).data
    assert "<summary>Datatabel: Bijschrift</summary>" in html
    assert "<td>0,125</td>" in html and "<td>niet vermeld</td>" in html
    assert "<td>ja</td>" in html and "<td>nee</td>" in html


def test_data_table_in_english_is_left_to_pandas():
    frame = pd.DataFrame({"rate": [0.125, None], "passes": [True, False]})
    html = chapter.data_table(frame, "Caption").data
    assert "<summary>Data table: Caption</summary>" in html
    assert "<td>0.125</td>" in html and "<td>not stated</td>" in html and "<td>True</td>" in html


# --------------------------------------------------------------------------- charts


def test_dutch_charts_carry_the_dutch_number_locale_and_english_ones_none(dataset, monkeypatch):
    assert "locale" not in alt.Chart(pd.DataFrame({"x": [1]})).mark_point().to_dict().get("config", {})
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    spec = across.violation_rates(dataset.orders).to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    # long enough to wrap into even lines (dvregions.charts.layers)
    assert " ".join(spec["title"]["text"]) == "0,00 tot 0,27 overtredingen per huisverbod, geteld zoals de bron het per gebied omschrijft"


def test_vl_convert_draws_dutch_numbers_in_the_static_image(dataset, monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    svg = static_svg(across.violation_rates(dataset.orders).to_dict())
    labels = re.findall(r">([^<>]*)</text>", svg)
    assert "0,10" in labels and "0.10" not in labels  # the axis, format ".2f"
    assert "Overtredingen per opgelegd huisverbod (exact 95%-interval, Poisson)" in labels


def test_thousands_take_a_point_in_dutch(monkeypatch):
    table = pd.DataFrame({"label": ["a"], "value": [1234]})
    base = alt.Chart(table).encode(x="value:Q", y="label:N")
    chart = base.mark_bar() + layers.value_labels(base)
    assert "1,234" in re.findall(r">([^<>]*)</text>", static_svg(chart.to_dict()))
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    assert "1.234" in re.findall(r">([^<>]*)</text>", static_svg(chart.to_dict()))


def test_a_translated_title_breaks_where_its_language_breaks_it(dataset):
    chart = layers.finish(plots.region_figures(dataset.orders, "zeeland"), title="First line\nsecond line",
                          description="d", source=layers.source_line())
    assert chart.to_dict()["title"]["text"] == ["First line", "second line"]


def test_vega_expression_from_a_translated_template():
    assert plots.template_expression("{part} {part_value} of {whole_value}") == \
        "datum.part + ' ' + datum.part_value + ' of ' + datum.whole_value"
    assert plots.template_expression("{a} it's {b}") == "datum.a + ' it\\'s ' + datum.b"


# --------------------------------------------------------------------------- the loader


def test_loader_translates_the_text_columns_after_validating_the_english(monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    monkeypatch.setattr(i18n, "_translations", lambda lang: _Prefixed())
    loaded = data.load(ROOT / "data", tables=["themes"])
    assert loaded.themes["label"].str.startswith("NL ").all()
    assert not loaded.themes["theme_id"].str.startswith("NL ").any()  # codes stay as they are
    assert not loaded.as_written("themes")["label"].str.startswith("NL ").any()


class _Prefixed(dict):
    """A stand-in catalog that 'translates' every text by prefixing it, to see which text was translated."""

    def __missing__(self, message: str) -> str:
        return "NL " + message


def test_p_values_and_the_dutch_minus_sign(monkeypatch):
    assert i18n.p_value(0.0204) == "0.020" and i18n.p_value(1.0) == "1.00" and i18n.number(-3) == "-3"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    assert i18n.p_value(0.0204) == "0,020" and i18n.p_value(1.0) == "1,00"
    assert i18n.number(-3) == "\u22123"


def test_dutch_prose_spells_out_counts_up_to_twenty(monkeypatch):
    assert i18n.count(9) == "9" and i18n.number_word(9) == "9" and i18n.number_word(7) == "seven"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "nl")
    assert (i18n.count(9), i18n.count(20), i18n.count(21)) == ("negen", "twintig", "21")
