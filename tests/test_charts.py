"""Chart functions: finished charts carry a title, text alternative, source and tooltips;
the cross-region charts work unchanged on a national-scale synthetic data set."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import altair as alt
import pytest

from dvregions import analysis, data
from dvregions.charts import across, figures, layers
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
        chart = layers.finish(figures.region_figures(dataset.orders, "zeeland"), title="A finding",
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
        lambda d: figures.region_figures(d.orders, "hollands_midden"),
        lambda d: figures.procedure_path(d.orders, "Amsterdam"),
        lambda d: figures.parts_of_wholes(d.orders, d.areas, "hollands_midden"),
        lambda d: figures.coverage_matrix(analysis.coverage(d.orders, d.regions)),
        lambda d: figures.theme_heatmap(
            analysis.theme_matrix(d.initiatives, d.initiative_themes, d.themes, d.regions),
            d.themes["label"].tolist(), d.regions["name_en"].tolist()),
    ])
    def test_every_data_mark_has_a_tooltip(self, dataset, build):
        spec = build(dataset).to_dict()
        marks = data_marks(spec)
        assert marks
        for mark in marks:
            assert "tooltip" in mark.get("encoding", {}), mark

    def test_region_chart_holds_only_that_regions_figures(self, dataset):
        spec = figures.region_figures(dataset.orders, "rotterdam").to_dict()
        rows = next(iter(spec["datasets"].values()))
        assert {r["area"] for r in rows} == {"Rotterdam"}
        assert sorted(r["value"] for r in rows) == [45, 57, 261, 297]

    def test_parts_of_wholes_pairs_municipality_and_region(self, dataset):
        spec = figures.parts_of_wholes(dataset.orders, dataset.areas, "hollands_midden").to_dict()
        rows = next(iter(spec["datasets"].values()))
        pairs = {(r["part"], r["year"]): (r["part_value"], r["whole_value"]) for r in rows}
        assert pairs[("Leiden", "2016")] == (23, 83)
        assert pairs[("Gouda", "2017")] == (15, 30)


class TestAcrossRegions:
    def test_titles_state_computed_findings(self, dataset):
        changes = analysis.year_changes(dataset.orders)
        fewer = int((changes["change"] < 0).sum())
        spec = across.orders_by_year(dataset.orders).to_dict()
        assert spec["title"]["text"] == f"{fewer} of {len(changes)} areas imposed fewer orders in 2017 than in 2016"
        assert "Zeeland (province): 71 to 45." in spec["description"]

    def test_zeeland_is_the_only_change_beyond_chance(self, dataset):
        changes = analysis.year_changes(dataset.orders).set_index("area")
        assert list(changes.index[~changes["could_be_chance"]]) == ["Zeeland"]


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
        assert 0 < len(areas) <= figures.MAX_AREAS
        assert len(json.dumps(spec)) < 200_000
        assert "shown" in spec["title"]["subtitle"]

    def test_default_row_limit_not_lifted(self):
        assert alt.data_transformers.options.get("max_rows", 5000) == 5000
