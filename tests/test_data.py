"""The shipped data package, and every validation rule against a broken copy."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from frictionless import Package

from dvregions import data
from dvregions.__main__ import main as cli_main

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Every restraining-order figure in Annex 3, typed in from the annex by hand:
# (area, year) -> {measure: value}. A measure the annex does not state is absent.
ANNEX_FIGURES = {
    ("Zeeland", 2016): {"orders_imposed": 71, "violations": 4},
    ("Zeeland", 2017): {"orders_imposed": 45, "violations": 3},
    ("Friesland", 2016): {"orders_imposed": 69},
    ("Friesland", 2017): {"orders_imposed": 74},
    ("Amsterdam", 2016): {"procedures_started": 300, "orders_imposed": 236, "violations": 31},
    ("Amsterdam", 2017): {"procedures_started": 263, "orders_imposed": 201, "violations": 25},
    ("Leiden", 2016): {"orders_imposed": 23, "violations": 3},
    ("regio Leiden", 2016): {"orders_imposed": 83, "violations": 9},
    ("Gouda", 2016): {"orders_imposed": 15, "violations": 0},
    ("regio Gouda", 2016): {"orders_imposed": 36, "violations": 0},
    ("Leiden", 2017): {"orders_imposed": 15},
    ("regio Leiden", 2017): {"orders_imposed": 70, "violations": 4},
    ("Gouda", 2017): {"orders_imposed": 15, "violations": 4},
    ("regio Gouda", 2017): {"orders_imposed": 30, "violations": 8},
    ("Nijmegen", 2016): {"orders_imposed": 25},
    ("Nijmegen", 2017): {"orders_imposed": 14},
    ("Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen", 2016): {"orders_imposed": 25},
    ("Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen", 2017): {"orders_imposed": 26},
    ("Heerlen", 2016): {"orders_imposed": 14},
    ("Heerlen", 2017): {"orders_imposed": 7},
    ("Rotterdam", 2016): {"orders_imposed": 261, "violations": 45},
    ("Rotterdam", 2017): {"orders_imposed": 297, "violations": 57},
}

ANNEX_LEVELS = {
    "Zeeland": ("zeeland", "province"),
    "Friesland": ("friesland", "province"),
    "Amsterdam": ("amsterdam_amstelland", "municipality"),
    "Leiden": ("hollands_midden", "municipality"),
    "regio Leiden": ("hollands_midden", "centrumgemeente_region"),
    "Gouda": ("hollands_midden", "municipality"),
    "regio Gouda": ("hollands_midden", "centrumgemeente_region"),
    "Nijmegen": ("gelderland_zuid", "municipality"),
    "Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen": ("west_veluwe_vallei", "municipality_group"),
    "Heerlen": ("parkstad_limburg", "municipality"),
    "Rotterdam": ("rotterdam", "municipality"),
}


# --- the shipped data ----------------------------------------------------------------

class TestShippedData:
    def test_frictionless_validator_passes(self):
        report = Package(str(DATA_DIR / "datapackage.json")).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    def test_package_checks_pass(self):
        assert data.validate(DATA_DIR) == []

    def test_every_annex_figure_exactly(self):
        orders = data.load(DATA_DIR).orders
        found: dict[tuple[str, int], dict[str, int]] = {}
        for row in orders.itertuples():
            found.setdefault((row.area, int(row.year)), {})[row.measure] = int(row.value)
        assert found == ANNEX_FIGURES

    def test_areas_regions_and_levels(self):
        orders = data.load(DATA_DIR).orders
        levels = {r.area: (r.region_id, r.area_level) for r in orders.itertuples()}
        assert levels == ANNEX_LEVELS

    def test_every_region_has_figures_and_initiatives(self):
        dataset = data.load(DATA_DIR)
        regions = set(dataset.regions["region_id"])
        assert len(regions) == 8
        assert set(dataset.orders["region_id"]) == regions
        assert set(dataset.initiatives["region_id"]) == regions

    def test_every_theme_is_used(self):
        dataset = data.load(DATA_DIR)
        assert set(dataset.initiative_themes["theme_id"]) == set(dataset.themes["theme_id"])

    def test_typed_columns(self):
        orders = data.load(DATA_DIR).orders
        assert str(orders["value"].dtype) == "Int64"
        assert str(orders["year"].dtype) == "Int64"
        assert str(orders["measure"].dtype) == "string"

    def test_subset_loads_referenced_tables_only(self):
        dataset = data.load(DATA_DIR, tables=["restraining_orders"])
        assert sorted(dataset.tables) == ["areas", "regions", "restraining_orders"]
        with pytest.raises(AttributeError, match="no table 'themes' loaded"):
            dataset.themes

    def test_unknown_table_name(self):
        with pytest.raises(ValueError, match="unknown table"):
            data.load(DATA_DIR, tables=["orders"])

    def test_inputs_log_lists_files_read(self, tmp_path, monkeypatch):
        log = tmp_path / "inputs.log"
        monkeypatch.setenv(data.INPUTS_LOG_ENV, str(log))
        data.load(DATA_DIR, tables=["themes"])
        read = {Path(line).name for line in log.read_text().splitlines()}
        assert read == {"datapackage.json", "themes.csv"}

    def test_env_var_selects_data_dir(self, tmp_path, monkeypatch):
        copy = tmp_path / "d"
        shutil.copytree(DATA_DIR, copy)
        monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
        assert data.load().data_dir == copy.resolve()


# --- broken copies ---------------------------------------------------------------------

@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit_csv(folder: Path, name: str, edit) -> None:
    """Apply ``edit(rows)`` to the rows (header first) of a CSV in ``folder``."""
    path = folder / name
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(row_number: int, column: str, value: str):
    """An edit that sets one cell; ``row_number`` counts data rows from 1."""
    def edit(rows):
        rows[row_number][rows[0].index(column)] = value
    return edit


def find_row(folder: Path, name: str, **match) -> int:
    with open(folder / name, newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            if all(row[k] == v for k, v in match.items()):
                return number
    raise LookupError(match)


def only_problem(folder: Path) -> data.Problem:
    with pytest.raises(data.DataValidationError) as caught:
        data.load(folder)
    assert len(caught.value.problems) == 1, caught.value
    return caught.value.problems[0]


ORDERS = "restraining_orders.csv"


class TestSchemaRules:
    def test_missing_column(self, data_copy):
        edit_csv(data_copy, ORDERS, lambda rows: [row.pop(5) for row in rows])
        with pytest.raises(data.DataValidationError, match=r"restraining_orders.csv, header, column '.*': missing label"):
            data.load(data_copy)

    def test_renamed_column(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(0, "value", "count"))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row, problem.column) == (ORDERS, None, "value")
        assert "found 'count'" in problem.message

    # (data row, column, bad value, what the message must say): one broken cell each.
    @pytest.mark.parametrize("row, column, value, says", [
        (3, "value", "12.5", "'12.5' is not a valid integer"),
        (2, "value", "-4", "below the minimum 0"),
        (5, "measure", "arrests", "'arrests' is not one of the allowed values"),
        (1, "area_level", "country", "'country' is not one of the allowed values"),
        (7, "region_id", "utrecht", "'utrecht' is not a known region_id in regions"),
        (7, "area", "Utrecht", "'Utrecht' is not a known area in"),
        (9, "year", "", "a value is required here"),
    ], ids=["non-integer", "negative", "unknown-measure", "unknown-level", "unknown-region", "unknown-area",
            "missing-value"])
    def test_bad_cell(self, data_copy, row, column, value, says):
        edit_csv(data_copy, ORDERS, set_cell(row, column, value))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row, problem.column) == (ORDERS, row, column)
        assert says in problem.message

    def test_duplicate_row(self, data_copy):
        edit_csv(data_copy, ORDERS, lambda rows: rows.append(list(rows[4])))
        problem = only_problem(data_copy)
        assert (problem.row, problem.column) == (37 + 1, "area, year, measure")
        assert "duplicate row" in problem.message and "row 4" in problem.message

    def test_unknown_theme_in_coding(self, data_copy):
        edit_csv(data_copy, "initiative_themes.csv", set_cell(1, "theme_id", "policing"))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row, problem.column) == ("initiative_themes.csv", 1, "theme_id")


class TestFileRules:
    def test_empty_file(self, data_copy):
        (data_copy / ORDERS).write_text("")
        problem = only_problem(data_copy)
        assert problem.file == ORDERS and "empty" in problem.message

    def test_header_only_file_loads(self, data_copy):
        # A table with no rows is valid for the schema (e.g. a new data folder being filled in).
        edit_csv(data_copy, ORDERS, lambda rows: rows.__delitem__(slice(1, None)))
        assert data.load(data_copy).orders.empty

    def test_not_utf8(self, data_copy):
        text = (data_copy / ORDERS).read_text(encoding="utf-8").replace("Zeeland", "Zeeländ", 1)
        (data_copy / ORDERS).write_bytes(text.encode("latin-1"))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row) == (ORDERS, 1)
        assert "not UTF-8" in problem.message and "line 2" in problem.message

    def test_missing_data_file(self, data_copy):
        (data_copy / "areas.csv").unlink()
        problem = only_problem(data_copy)
        assert problem.file == "areas.csv" and problem.message == "file not found"

    def test_missing_descriptor(self, data_copy):
        (data_copy / "datapackage.json").unlink()
        problem = only_problem(data_copy)
        assert problem.file == "datapackage.json" and "file not found" in problem.message

    def test_missing_folder(self, tmp_path):
        with pytest.raises(data.DataValidationError, match="data folder not found"):
            data.load(tmp_path / "nowhere")


class TestLogicRules:
    def test_violations_above_orders(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Rotterdam", year="2017", measure="violations")
        edit_csv(data_copy, ORDERS, set_cell(row, "value", "298"))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row, problem.column) == (ORDERS, row, "value")
        assert "violations (298) exceeds orders_imposed (297) for 'Rotterdam' in 2017" in problem.message

    def test_orders_above_procedures(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Amsterdam", year="2016", measure="orders_imposed")
        edit_csv(data_copy, ORDERS, set_cell(row, "value", "301"))
        problem = only_problem(data_copy)
        assert problem.row == row
        assert "orders_imposed (301) exceeds procedures_started (300)" in problem.message

    def test_municipality_above_its_region(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Leiden", year="2016", measure="orders_imposed")
        edit_csv(data_copy, ORDERS, set_cell(row, "value", "84"))
        problem = only_problem(data_copy)
        assert problem.row == row
        assert "exceeds the figure for 'regio Leiden', which contains it (83), in 2016" in problem.message

    def test_level_must_match_areas_table(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Nijmegen", year="2016")
        edit_csv(data_copy, ORDERS, set_cell(row, "area_level", "province"))
        problem = only_problem(data_copy)
        assert (problem.row, problem.column) == (row, "area_level")
        assert "does not match 'municipality'" in problem.message

    def test_region_must_match_areas_table(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Nijmegen", year="2017")
        edit_csv(data_copy, ORDERS, set_cell(row, "region_id", "rotterdam"))
        problem = only_problem(data_copy)
        assert (problem.row, problem.column) == (row, "region_id")

    def test_area_inside_smaller_area(self, data_copy):
        row = find_row(data_copy, "areas.csv", area="regio Leiden")
        edit_csv(data_copy, "areas.csv", set_cell(row, "part_of", "Leiden"))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row, problem.column) == ("areas.csv", row, "part_of")
        assert "not a larger area" in problem.message

    def test_initiative_ends_before_it_starts(self, data_copy):
        row = find_row(data_copy, "initiatives.csv", initiative_id="fr-02")
        edit_csv(data_copy, "initiatives.csv", set_cell(row, "year_end", "2015"))
        problem = only_problem(data_copy)
        assert (problem.file, problem.row, problem.column) == ("initiatives.csv", row, "year_end")

    def test_all_problems_reported_together(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(1, "value", "x"))
        edit_csv(data_copy, ORDERS, set_cell(2, "measure", "y"))
        with pytest.raises(data.DataValidationError) as caught:
            data.load(data_copy)
        assert [(p.row, p.column) for p in caught.value.problems] == [(1, "value"), (2, "measure")]


class TestValidateCommand:
    def test_valid_folder_exits_zero_with_summary(self, capsys):
        assert cli_main(["validate", str(DATA_DIR)]) == 0
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1
        assert out[0].startswith("OK:") and "37 restraining-order figures" in out[0]

    def test_invalid_folder_exits_nonzero_with_errors(self, data_copy, capsys):
        edit_csv(data_copy, ORDERS, set_cell(3, "value", "-1"))
        assert cli_main(["validate", str(data_copy)]) == 1
        err = capsys.readouterr().err
        assert "restraining_orders.csv, row 3 (line 4), column 'value'" in err
