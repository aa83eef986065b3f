"""Chart functions: finished charts carry a title, text alternative, source and tooltips;
the cross-region charts work unchanged on a national-scale synthetic data set."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from dvregions import analysis, data
from dvregions.charts import across, layers, plots
from dvregions.charts.theme import enable_theme

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dataset() -> data.Dataset:
    enable_theme()
    return data.load(ROOT / "data")


def marks_of(spec: dict) -> list[dict]:
    """Every unit spec (a dict with a mark) inside a composed spec."""
    found = []
    if isinstance(spec, dict):
        if "mark" in spec:
            found.append(spec)
        for value in spec.values():
            found.extend(marks_of(value))
    elif isinstance(spec, list):
        for value in spec:
            found.extend(marks_of(value))
    return found


def data_marks(spec: dict) -> list[dict]:
    """Unit specs that draw data (every mark with an encoding)."""
    return [m for m in marks_of(spec) if "encoding" in m]


class TestFinish:
    def test_title_description_and_source_line(self, dataset):
        chart = layers.finish(plots.region_figures(dataset.orders, "zeeland"), title="A finding",
                              description="What it shows", source=layers.source_line("4"))
        spec = chart.to_dict()
        assert spec["title"]["text"] == "A finding"
        assert spec["description"] == "What it shows"
        source = spec["vconcat"][0]["title"]
        assert source["orient"] == "bottom"
        assert source["text"].startswith("Source: Annex 3") and source["text"].endswith("paragraph 4.")

    def test_source_line_plural(self):
        assert layers.source_line("4-21").endswith("paragraphs 4-21.")


class TestFigures:
    @pytest.mark.parametrize("build", [
        lambda d: plots.region_figures(d.orders, "hollands_midden"),
        lambda d: plots.procedure_path(d.orders, "Amsterdam"),
        lambda d: plots.parts_of_wholes(d.orders, d.areas, "hollands_midden"),
        lambda d: plots.coverage_matrix(analysis.coverage(d.orders, d.regions)),
    ])
    def test_every_data_mark_has_a_tooltip(self, dataset, build):
        spec = build(dataset).to_dict()
        marks = data_marks(spec)
        assert marks
        for mark in marks:
            assert "tooltip" in mark.get("encoding", {}), mark

    def test_region_chart_holds_only_that_regions_figures(self, dataset):
        spec = plots.region_figures(dataset.orders, "rotterdam").to_dict()
        rows = next(iter(spec["datasets"].values()))
        assert {r["area"] for r in rows} == {"Rotterdam"}
        assert sorted(r["value"] for r in rows) == [45, 57, 261, 297]

    def test_parts_of_wholes_pairs_municipality_and_region(self, dataset):
        spec = plots.parts_of_wholes(dataset.orders, dataset.areas, "hollands_midden").to_dict()
        rows = next(iter(spec["datasets"].values()))
        pairs = {(r["part"], r["year"]): (r["part_value"], r["whole_value"]) for r in rows}
        assert pairs[("Leiden", "2016")] == (23, 83)
        assert pairs[("Gouda", "2017")] == (15, 30)


class TestAcrossRegions:
    def test_titles_count_non_overlapping_areas_and_state_the_adjusted_verdict(self, dataset):
        # Zeeland's nominal p of 0.020 becomes 0.219 after Holm's adjustment for 11 tests: no direction is named.
        spec = across.orders_by_year(dataset.orders).to_dict()
        assert spec["title"]["text"] == "No change in orders beyond chance in 9 non-overlapping areas"
        assert "Holm's adjustment for 11 tests" in " ".join(spec["title"]["subtitle"])
        assert "Zeeland (province): 71 to 45." in spec["description"]

    def test_change_ratio_chart_carries_both_p_values(self, dataset):
        spec = across.change_ratios(dataset.orders).to_dict()
        assert spec["title"]["text"] == "No change in orders beyond chance in 9 non-overlapping areas"
        assert "Zeeland: ratio 0.63, unadjusted interval" in spec["description"]
        assert "p 0.020, Holm-adjusted p 0.219, within chance after adjustment." in spec["description"]
        rows = next(iter(spec["datasets"].values()))
        assert {r["verdict"] for r in rows} == {plots.verdict_labels()[False]}

    def test_title_names_a_direction_only_beyond_chance(self, dataset):
        changes = analysis.year_changes(dataset.orders, "violations")
        # regio Gouda 0 -> 8 violations survives (Holm p 0.047); Gouda lies inside it and is not counted again.
        assert across.verdict_title(changes, "violations") == (
            "Beyond chance: more violations in 1 of 5 non-overlapping areas")

    def test_violations_are_a_rate_not_a_share(self, dataset):
        spec = across.violation_rates(dataset.orders).to_dict()
        assert spec["title"]["text"] == "0.00 to 0.27 violations per order, counted as each area's source words it"
        assert "A rate, not a share" in spec["title"]["subtitle"][0]
        assert ("Rotterdam 2016: 45 violations, 261 orders, 0.17 per order (interval 0.13 to 0.23); what is "
                "counted: known violations of the restraining order or the contact ban.") in spec["description"]
        assert "Zeeland 2016: 4 violations, 71 orders, 0.06 per order (interval 0.02 to 0.14); what is counted: " \
               "the annex speaks of violations (overtredingen), not of orders violated." in spec["description"]
        marks = data_marks(spec)
        assert marks and all("tooltip" in m["encoding"] for m in marks)
        titles = [m["encoding"]["x"].get("title") for m in marks if "title" in m["encoding"].get("x", {})]
        assert titles == ["Violations per order imposed (exact 95% Poisson interval)"]


def load_synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> data.Dataset:
    folder = tmp_path_factory.mktemp("national")
    rows = load_synthetic().generate(folder, ROOT / "data")
    assert rows > 15_000
    return data.load(folder)


class TestNationalScale:
    @pytest.mark.parametrize("chart", across.CHARTS, ids=lambda f: f.__name__)
    def test_cross_region_charts_stay_readable(self, national, chart):
        enable_theme()
        spec = chart(national.orders).to_dict()  # raises MaxRowsError if a chart embeds too many rows
        rows = [row for values in spec.get("datasets", {}).values() for row in values]
        areas = {row["area"].split(" (")[0] for row in rows if "area" in row}
        assert 0 < len(areas) <= plots.MAX_AREAS
        assert len(json.dumps(spec)) < 200_000
        assert "shown" in " ".join(spec["title"]["subtitle"])

    def test_default_row_limit_not_lifted(self):
        assert alt.data_transformers.options.get("max_rows", 5000) == 5000


def drawn_areas(spec: dict) -> set[str]:
    """Areas in a chart's data, without the "(level)" some charts append to the name."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    return {row["area"].split(" (")[0] for row in rows if "area" in row}


DESCRIBED = {  # how each cross-region description names an area, as a pattern with the name as group 1
    "orders_by_year": r"(?<=\. )([^.:]+?) \([a-z ]+\): \d+ to \d+\.",
    "violation_rates": r"(?<=\. )([^.:]+?) \d{4}: \d+ violations",
    "change_ratios": r"(?<=\. )([^.:]+?): ratio ",
}


def change_sizes(orders: pd.DataFrame) -> pd.Series:
    changes = analysis.year_changes(orders)
    return changes.set_index("area")["change"].abs()


def rate_sizes(orders: pd.DataFrame) -> pd.Series:
    rates = analysis.violation_rates(orders)
    return rates[rates["year"].isin(sorted(rates["year"].unique())[-2:])].groupby("area")["orders_imposed"].max()


SIZES = {"orders_by_year": change_sizes, "violation_rates": rate_sizes, "change_ratios": change_sizes}
"""What each cross-region chart ranks areas by when it cannot show them all."""


def limits_at_ties(sizes: pd.Series) -> list[int]:
    """Limits up to MAX_AREAS at which the last area shown ties with the first one left out."""
    ordered = sizes.sort_values(ascending=False).tolist()
    return [k for k in range(1, min(plots.MAX_AREAS, len(ordered) - 1) + 1) if ordered[k - 1] == ordered[k]]


class TestDescribedAreasAreDrawn:
    @pytest.mark.parametrize("chart", across.CHARTS, ids=lambda f: f.__name__)
    def test_at_national_scale(self, national, chart):
        """With more areas than a chart shows, its text alternative names exactly the areas it draws.

        Checked at the default limit and at every smaller one where areas tie at the cut, since
        which of them are shown then depends on how ties are broken.
        """
        enable_theme()
        limits = [plots.MAX_AREAS, *limits_at_ties(SIZES[chart.__name__](national.orders))]
        for limit in limits:
            spec = chart(national.orders, limit).to_dict()
            described = set(re.findall(DESCRIBED[chart.__name__], spec["description"]))
            assert len(drawn_areas(spec)) == limit
            assert described == drawn_areas(spec), f"limit {limit}"

    @pytest.mark.parametrize("chart", across.CHARTS, ids=lambda f: f.__name__)
    def test_on_the_annex(self, dataset, chart):
        spec = chart(dataset.orders).to_dict()
        assert set(re.findall(DESCRIBED[chart.__name__], spec["description"])) == drawn_areas(spec)

    def test_ties_are_broken_by_area_name(self):
        table = pd.DataFrame({"area": ["b", "c", "a", "d"], "size": [5, 3, 3, 3]})
        assert plots.shown_areas(table, "size", 2) == ["b", "a"]
        assert plots.shown_areas(table, "size", 4) == ["b", "a", "c", "d"]


def _finished(chart: alt.Chart) -> dict:
    title = "A finding stated in a title long enough to need two lines on a phone screen"
    return layers.finish(chart, title=title, description="A chart.", source=layers.source_line("4")).to_dict()


class TestPhoneLayout:
    """dvregions.charts.narrow: the same chart, drawn narrow for a phone instead of shrunk."""

    def test_bar_chart_gets_narrow_plots_and_short_title_lines(self, dataset):
        from dvregions.charts import narrow

        spec = _finished(plots.region_figures(dataset.orders, "zeeland"))
        phone = narrow.narrow_spec(spec)
        assert phone is not None
        assert phone["datasets"] == spec["datasets"] and phone["description"] == spec["description"]
        widths = [view["width"] for view in phone["vconcat"]]
        assert widths and all(width <= narrow.PLOT_WIDTH for width in widths)
        lines = phone["title"]["text"] if isinstance(phone["title"]["text"], list) else [phone["title"]["text"]]
        assert all(len(line) <= narrow.TITLE_CHARS for line in lines)
        assert " ".join(lines) == " ".join(spec["title"]["text"] if isinstance(spec["title"]["text"], list)
                                         else [spec["title"]["text"]])

    def test_fitted_layout_fits_a_320_px_phone(self, dataset):
        from dvregions.charts import narrow
        from dvregions.charts.render import static_svg

        spec = _finished(plots.region_figures(dataset.orders, "hollands_midden"))
        phone, svg = narrow.fitted(spec, static_svg)
        assert narrow.svg_width(svg) <= narrow.TARGET_WIDTH < narrow.svg_width(static_svg(spec))

    def test_a_matrix_sized_by_its_cells_has_no_phone_layout(self):
        from dvregions.charts import narrow

        spec = {"mark": "rect", "width": {"step": 40}, "title": {"text": "A matrix"}}
        assert narrow.narrow_spec(spec) is None

    def test_long_legend_labels_wrap(self):
        from dvregions.charts import narrow

        label = "Within what chance produces after the adjustment"
        spec = {"width": 400, "encoding": {"color": {"field": "v", "scale": {"domain": [label, "Short"]}}}}
        expression = narrow.narrow_spec(spec)["encoding"]["color"]["legend"]["labelExpr"]
        assert expression.startswith(f'datum.label === "{label}" ? [') and expression.endswith(": datum.label")
