"""How ``make test`` shares tests between workers (the root ``conftest.py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


@pytest.fixture(scope="module")
def worker_group():
    # Loaded under its own name: "conftest" is the name of every conftest.py pytest has imported.
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.worker_group


def test_a_notebooks_cells_stay_together(worker_group) -> None:
    groups = {worker_group(f"notebooks/03_zeeland.ipynb::Cell {n}") for n in range(12)}
    assert groups == {"notebooks/03_zeeland.ipynb"}
    assert worker_group("notebooks/04_friesland.ipynb::Cell 0") != "notebooks/03_zeeland.ipynb"


def test_a_modules_tests_stay_together(worker_group) -> None:
    ids = ["tests/test_build_staleness.py::test_one", "tests/test_build_staleness.py::TestA::test_two[x-1]"]
    assert {worker_group(nodeid) for nodeid in ids} == {"tests/test_build_staleness.py"}


def test_each_page_check_is_shared_out_on_its_own(worker_group) -> None:
    ids = [f"tests/browser/test_book_pages.py::test_page[notebooks/0{n}.html-{mode}]"
           for n in range(3) for mode in ("first-visit", "dark")]
    assert len({worker_group(nodeid) for nodeid in ids}) == len(ids)


def test_each_edition_is_printed_by_one_worker(worker_group) -> None:
    groups = {lang: {worker_group(f"tests/browser/test_pdf.py::{name}[{lang}]") for name in ("test_a", "test_b")}
              for lang in ("en", "nl")}
    assert all(len(found) == 1 for found in groups.values()), groups
    assert groups["en"] != groups["nl"]
