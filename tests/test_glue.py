"""Numbers in the prose follow the data: change a figure in a copy, and the sentence changes."""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dvregions.data import DATA_DIR_ENV

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_zeeland.ipynb"
GLUE_MIME = "application/papermill.record/text/plain"
GLUE_MARKDOWN_MIME = "application/papermill.record/text/markdown"


def glued(notebook) -> dict[str, str]:
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = output.get("data", {})
            # glued numbers are formatted strings: '71' in the text/plain representation; glued Markdown
            # (chapter.glue_text) has only an object's repr there, and its text under text/markdown
            if name and GLUE_MARKDOWN_MIME in data:
                values[name] = data[GLUE_MARKDOWN_MIME]
            elif name and GLUE_MIME in data:
                values[name] = ast.literal_eval(data[GLUE_MIME])
    return values


def chart_descriptions(notebook) -> list[str]:
    return [output["data"]["text/plain"] for cell in notebook.cells for output in cell.get("outputs", [])
            if "application/vnd.dvregions.chart+json" in output.get("data", {})]


def execute(data_dir: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


@pytest.fixture
def changed_data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    path = copy / "restraining_orders.csv"
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    for row in rows:
        if (row["area"], row["year"], row["measure"]) == ("Zeeland", "2016", "orders_imposed"):
            row["value"] = "80"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return copy


def test_sentence_uses_the_glued_figure():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "{glue:md}`orders_by_year`" in prose
    assert not re.search(r"\b71\b", prose)  # the figure itself is never typed into the prose


def test_changed_figure_changes_the_text(changed_data, monkeypatch):
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert glued(stored)["orders_by_year"].startswith("71 in 2016")

    rerun = execute(changed_data, monkeypatch)
    values = glued(rerun)
    assert values["orders_by_year"].startswith("80 in 2016")
    assert values["violation_rate_by_year"].startswith("0.05 in 2016")  # derived: 4 violations over 80 orders
    assert values["rate_by_year"].startswith("2.10 in 2016")  # derived: 80 orders over 38.1252 ten-thousands
    assert "Orders imposed: 80 in 2016 and 45 in 2017." in chart_descriptions(rerun)[0]
    assert json.dumps(glued(stored)) != json.dumps(values)
