"""The book follows its data: figures for a year after the annex's reach every sentence, title and test.

*How to add next year's figures* (chapter 13) promises that a new year's rows are all a maintainer adds. This
module does what it says on a copy of the data: registers a source of its own in ``datapackage.json``, adds rows
for a year after the last one for several areas (with no note, so no new text to translate), executes the chapters
that read them in English and in Dutch, and checks what they say.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from dvbook.build import execute_in_fresh_kernel
from dvregions import analysis, data
from dvregions.charts import across

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHAPTERS = ("03_zeeland", "10_rotterdam", "11_across_regions", "13_limits")
SOURCE = "test_next_year"

# area -> measure -> the new year's figure (made up for the test)
NEW_FIGURES = {
    ("zeeland", "Zeeland", "province"): {"orders_imposed": 60, "violations": 5},
    ("friesland", "Friesland", "province"): {"orders_imposed": 80},
    ("rotterdam", "Rotterdam", "municipality"): {"orders_imposed": 280, "violations": 50},
}


def next_year_data(folder: Path) -> int:
    """Copy the data into ``folder`` with a new year's figures and their own source; return that year."""
    shutil.copytree(ROOT / "data", folder)
    year = int(data.load(ROOT / "data").orders["year"].max()) + 1
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["sources"].append({"name": SOURCE, "title": "Figures made up for a test of the book"})
    orders = next(r for r in descriptor["resources"] if r["name"] == "restraining_orders")
    field = next(f for f in orders["schema"]["fields"] if f["name"] == "source")
    field["constraints"]["enum"].append(SOURCE)
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with open(folder / "restraining_orders.csv", "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for (region_id, area, level), figures in NEW_FIGURES.items():
            for measure, value in figures.items():
                writer.writerow([region_id, area, level, year, measure, value, SOURCE, 1, "stated", ""])
    return year


def glued(notebook) -> dict[str, str]:
    """Every glued value of an executed notebook: name -> the text a page shows."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                shown = output["data"]
                values[name] = shown.get("application/papermill.record/text/markdown") or shown[
                    "application/papermill.record/text/plain"].strip("'")
    return values


def charts(notebook) -> list[dict]:
    """The finished chart specs of an executed notebook, in order."""
    return [output["data"]["application/vnd.dvregions.chart+json"]["spec"] for cell in notebook.cells
            for output in cell.get("outputs", []) if "application/vnd.dvregions.chart+json" in output.get("data", {})]


def chart_text(spec: dict) -> str:
    """A chart's title, subtitle and description as one text."""
    title = spec.get("title", {})
    parts = [title.get("text", ""), title.get("subtitle", ""), spec.get("description", "")]
    return " ".join(" ".join(p) if isinstance(p, list) else str(p) for p in parts)


@pytest.fixture(scope="module", params=["en", "nl"])
def executed(request, tmp_path_factory) -> tuple[str, int, dict]:
    """The chapters executed on the data with a new year, in one language: (language, year, name -> notebook)."""
    folder = tmp_path_factory.mktemp(f"next-year-{request.param}") / "data"
    year = next_year_data(folder)
    env = {**os.environ, "DVREGIONS_DATA_DIR": str(folder), "DVREGIONS_LANGUAGE": request.param}
    env.pop("DVREGIONS_INPUTS_LOG", None)
    notebooks = {}
    for name in CHAPTERS:
        notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        execute_in_fresh_kernel(notebook, NOTEBOOKS, timeout=300, env=env)
        notebooks[name] = notebook
    return request.param, year, notebooks


def test_the_copy_validates_with_its_own_source(tmp_path):
    year = next_year_data(tmp_path / "data")
    orders = data.load(tmp_path / "data").orders
    assert set(orders.loc[orders["year"] == year, "source"]) == {SOURCE}


def test_every_chapter_runs_and_names_the_new_year(executed):
    """In Dutch too: no new message to translate (the kernel raises on a missing translation)."""
    _language, year, notebooks = executed
    for name, notebook in notebooks.items():
        assert str(year) in json.dumps(glued(notebook), ensure_ascii=False), name


def names_pair(text: str, earlier: tuple[int, int], later: tuple[int, int], old: int) -> bool:
    """``text`` gives both (value, year) figures of the pair compared, and not the annex's first figure."""
    words = text.replace(",", " ").replace(";", " ").replace("(", " ").replace(")", " ").split()
    return all(str(v) in words for pair in (earlier, later) for v in pair) and str(old) not in words


def test_a_region_chapter_states_and_tests_the_new_figures(executed):
    _language, year, notebooks = executed
    values = glued(notebooks["03_zeeland"])
    assert str(year) in values["orders_by_year"] and "60" in values["orders_by_year"].split()
    assert str(year) in values["violations_by_year"] and "5" in values["violations_by_year"].split()
    # The change test compares the last two years Zeeland reports, not the annex's pair.
    assert names_pair(values["orders_verdict"], (45, year - 1), (60, year), old=71)
    title = chart_text(charts(notebooks["03_zeeland"])[0])
    assert names_pair(title.split(".")[0], (45, year - 1), (60, year), old=71)
    assert str(year) in values["rate_by_year"] and str(year) in values["funnel_position"]
    assert str(year) in values["years"]


def test_the_verdicts_are_recomputed(executed):
    _language, year, notebooks = executed
    values = glued(notebooks["10_rotterdam"])
    assert names_pair(values["orders_verdict"], (297, year - 1), (280, year), old=261)
    assert names_pair(values["violations_verdict"], (57, year - 1), (50, year), old=45)


def test_the_limits_chapter_counts_the_years(executed):
    language, year, notebooks = executed
    values = glued(notebooks["13_limits"])
    assert values["n_years"] == {"en": "three", "nl": "drie"}[language]
    assert str(year) in values["years"]


def test_the_funnel_plot_gains_a_panel(executed):
    _language, year, notebooks = executed
    funnel = next(spec for spec in charts(notebooks["11_across_regions"]) if len(spec.get("vconcat", [{}])[0]
                                                                                .get("vconcat", [])) >= 2)
    assert f"{year}:" in funnel["description"]
    assert len(funnel["vconcat"][0]["vconcat"]) == 3


def test_an_area_given_a_population_appears_in_the_funnel_plot(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    with open(folder / "populations.csv", "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["regio Leiden", "2016-01-01", "400000", "registered_population_1_january", "cbs37713", "37713",
             "GM0546", ""])
    dataset = data.load(folder)
    results = across.funnels(dataset.orders, dataset.populations, dataset.areas, dataset.regions)
    assert all("regio Leiden" in set(r.points["area"]) and "Leiden" not in set(r.points["area"]) for r in results)
    spec = across.funnel_plots(dataset.orders, dataset.populations, dataset.areas, dataset.regions).to_dict()
    assert "regio Leiden: 83 orders, 400,000 inhabitants" in spec["description"]
    rates = analysis.population_rates(dataset.orders, analysis.populations(dataset.populations, dataset.areas))
    assert "regio Leiden" in set(rates["area"])
