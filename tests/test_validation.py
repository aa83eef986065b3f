"""Every validation rule, each against a copy of the shipped data with one mistake in it.

Each error path is checked on its message (``pytest.raises(..., match=...)``) and on where it
points (file, row, column), and each mistake must give exactly one problem: one cause, one message.
"""

from __future__ import annotations

import csv
import datetime
import re
import shutil
from pathlib import Path

import pytest

from dvregions import data, validation
from dvregions.__main__ import main as cli_main
from dvregions.validation import DataValidationError, Problem

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ORDERS = "restraining_orders.csv"
ORDER_ROWS = 37


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


def edit_bytes(folder: Path, name: str, edit) -> None:
    """Apply ``edit(raw)`` to the bytes of a file, as a spreadsheet saving it would."""
    path = folder / name
    path.write_bytes(edit(path.read_bytes()))


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


def only_problem(folder: Path, match: str) -> Problem:
    """Load ``folder``, expect failure with exactly one problem whose text matches ``match``."""
    with pytest.raises(DataValidationError, match=match) as caught:
        data.load(folder)
    assert len(caught.value.problems) == 1, caught.value
    return caught.value.problems[0]


def where(problem: Problem) -> tuple[str, int | None, str | None]:
    return problem.file, problem.row, problem.column


# --- file layer ---------------------------------------------------------------------------

class TestFileLayer:
    def test_missing_folder(self, tmp_path):
        with pytest.raises(DataValidationError, match="nowhere: data folder not found"):
            data.load(tmp_path / "nowhere")

    def test_missing_descriptor(self, data_copy):
        (data_copy / "datapackage.json").unlink()
        only_problem(data_copy, r"datapackage.json: file not found in ")

    def test_descriptor_not_json(self, data_copy):
        (data_copy / "datapackage.json").write_text("{", encoding="utf-8")
        only_problem(data_copy, r"datapackage.json: not valid UTF-8 JSON")

    def test_missing_data_file(self, data_copy):
        (data_copy / "areas.csv").unlink()
        assert where(only_problem(data_copy, r"areas.csv: file not found")) == ("areas.csv", None, None)

    def test_empty_file(self, data_copy):
        (data_copy / ORDERS).write_text("")
        only_problem(data_copy, r"restraining_orders.csv: file is empty \(expected a header row and data rows\)")

    def test_header_only_file_loads(self, data_copy):
        # A table with no rows is valid for the schema (e.g. a new data folder being filled in).
        edit_csv(data_copy, ORDERS, lambda rows: rows.__delitem__(slice(1, None)))
        assert data.load(data_copy).orders.empty

    def test_not_utf8(self, data_copy):
        text = (data_copy / ORDERS).read_text(encoding="utf-8").replace("Zeeland", "Zeeländ", 1)
        (data_copy / ORDERS).write_bytes(text.encode("latin-1"))
        problem = only_problem(data_copy, r"row 1 \(line 2\): not UTF-8: byte 0xe4 on line 2 cannot be decoded; "
                                          r"save the file as UTF-8")
        assert where(problem) == (ORDERS, 1, None)

    @pytest.mark.parametrize("separator, name", [(";", "semicolons"), ("\t", "tabs")])
    def test_other_separator_is_one_message(self, data_copy, separator, name):
        # A spreadsheet in a Dutch locale saves "CSV" with semicolons: one message, not one per row.
        edit_bytes(data_copy, ORDERS, lambda raw: raw.replace(b",", separator.encode()))
        problem = only_problem(data_copy, rf"restraining_orders.csv: cells are separated by {name}, not commas: "
                                          r"save the file as comma-separated CSV")
        assert where(problem) == (ORDERS, None, None)

    def test_translated_header_is_one_message(self, data_copy):
        dutch = ["regio", "gebied", "niveau", "jaar", "maatregel", "waarde", "bron", "paragraaf", "grondslag", "noot"]
        edit_csv(data_copy, ORDERS, lambda rows: rows.__setitem__(0, dutch))
        only_problem(data_copy, r"restraining_orders.csv: the header row is not the expected one \(renamed or "
                                r"translated\?\): found regio, gebied, .*; expected region_id, area, .*")

    def test_renamed_column(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(0, "value", "count"))
        problem = only_problem(data_copy, r"header, column 'value': column named 'count' .*expected 'value'")
        assert where(problem) == (ORDERS, None, "value")

    def test_missing_column(self, data_copy):
        # The shifted cells of every row are a consequence, not problems of their own.
        edit_csv(data_copy, ORDERS, lambda rows: [row.pop(5) for row in rows])
        problem = only_problem(data_copy, r"restraining_orders.csv, header, column 'value': column missing")
        assert where(problem) == (ORDERS, None, "value")

    def test_columns_reordered(self, data_copy):
        edit_csv(data_copy, ORDERS, lambda rows: [row.insert(0, row.pop(1)) for row in rows])
        only_problem(data_copy, r"restraining_orders.csv: the columns are in another order; expected: region_id, area")

    def test_spaces_in_header(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(0, "value", "value "))
        only_problem(data_copy, r"restraining_orders.csv: the header has spaces around column names")


# --- what a spreadsheet does to a file, harmless ------------------------------------------

class TestHarmlessSpreadsheetHabits:
    @pytest.mark.parametrize("edit", [
        lambda raw: b"\xef\xbb\xbf" + raw,
        lambda raw: raw.replace(b"\n", b"\r\n"),
        lambda raw: raw + b"\n\n",
        lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n") + b"\r\n",
    ], ids=["byte-order-mark", "windows-line-endings", "blank-lines-at-end", "all-three"])
    def test_loads_the_same_tables(self, data_copy, edit):
        edit_bytes(data_copy, ORDERS, edit)
        loaded = data.load(data_copy).orders
        assert loaded.equals(data.load(DATA_DIR).orders)
        assert list(loaded.columns)[0] == "region_id"

    def test_spaces_around_a_number(self, data_copy):
        # Both the validator and the loader read ' 71 ' as 71, so nothing needs fixing.
        edit_csv(data_copy, ORDERS, set_cell(1, "value", " 71 "))
        assert data.load(data_copy).orders.loc[0, "value"] == 71


# --- schema layer -------------------------------------------------------------------------

class TestSchemaLayer:
    # (data row, column, bad value, the whole message): one broken cell each.
    @pytest.mark.parametrize("row, column, value, message", [
        (3, "value", "12.5", "'12.5' is not a whole number"),
        (3, "value", "twelve", "'twelve' is not a whole number"),
        (2, "value", "-4", "'-4' is below the minimum 0"),
        (5, "measure", "arrests", "'arrests' is not one of the allowed values: procedures_started, orders_imposed, "
                                  "violations"),
        (1, "area_level", "country", "'country' is not one of the allowed values: municipality, "),
        (7, "region_id", "utrecht", "'utrecht' is not a known region_id in regions"),
        (7, "region_id", "Utrecht", "'Utrecht' does not match the pattern [a-z][a-z_]*"),
        (7, "area", "Utrecht", "'Utrecht' is not a known area in areas"),
        (9, "year", "", "a value is required here"),
        (9, "year", "2008", "'2008' is below the minimum 2009"),
    ], ids=["decimal", "text", "negative", "unknown-measure", "unknown-level", "unknown-region", "bad-pattern",
            "unknown-area", "missing-value", "before-the-law"])
    def test_bad_cell(self, data_copy, row, column, value, message):
        edit_csv(data_copy, ORDERS, set_cell(row, column, value))
        problem = only_problem(data_copy, rf"{ORDERS}, row {row} \(line {row + 1}\), column '{column}': "
                                          + re.escape(message))
        assert where(problem) == (ORDERS, row, column)

    def test_duplicate_row(self, data_copy):
        edit_csv(data_copy, ORDERS, lambda rows: rows.append(list(rows[4])))
        problem = only_problem(data_copy, r"duplicate row: the same row as row 4; keep one")
        assert where(problem) == (ORDERS, ORDER_ROWS + 1, "area, year, measure")

    def test_second_figure_for_the_same_key(self, data_copy):
        def edit(rows):
            rows.append(list(rows[4]))
            rows[-1][rows[0].index("value")] = "1"
        edit_csv(data_copy, ORDERS, edit)
        only_problem(data_copy, r"duplicate row: same area, year, measure as row 4; keep one")

    def test_blank_row_in_the_middle(self, data_copy):
        # The blank row's empty key is no second problem.
        edit_csv(data_copy, ORDERS, lambda rows: rows.insert(3, []))
        problem = only_problem(data_copy, r"row 3 \(line 4\): blank row in the middle of the table: delete it")
        assert where(problem) == (ORDERS, 3, None)

    def test_row_with_too_many_cells(self, data_copy):
        edit_csv(data_copy, ORDERS, lambda rows: rows[2].append("extra"))
        only_problem(data_copy, r"row 2 \(line 3\): the row has more cells than the header")

    def test_unknown_theme_in_coding(self, data_copy):
        edit_csv(data_copy, "initiative_themes.csv", set_cell(1, "theme_id", "policing"))
        problem = only_problem(data_copy, r"'policing' is not a known theme_id in themes")
        assert where(problem) == ("initiative_themes.csv", 1, "theme_id")

    def test_all_problems_reported_together(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(1, "value", "x"))
        edit_csv(data_copy, ORDERS, set_cell(2, "measure", "y"))
        with pytest.raises(DataValidationError, match=r"^2 problem\(s\) in ") as caught:
            data.load(data_copy)
        assert [(p.row, p.column) for p in caught.value.problems] == [(1, "value"), (2, "measure")]


class TestColumnWideMistakes:
    """A spreadsheet applies a format to a whole column: the cause is said once, with the first row."""

    @pytest.mark.parametrize("values, message", [
        ({1: "71.0", 2: "4.0"}, "'71.0' (and 1 more row(s) of this column) is a whole number written with decimals: "
                                "write it without them (12, not 12.0)"),
        ({1: "1.071", 5: "2.000"}, "'1.071' (and 1 more row(s) of this column) has a thousands separator: "
                                   "write whole numbers without separators (1234, not 1.234)"),
        ({1: "71,5"}, "'71,5' has a decimal comma: write decimals with a point (12.5)"),
    ], ids=["decimals", "thousands-separator", "decimal-comma"])
    def test_number_formats(self, data_copy, values, message):
        def edit(rows):
            for row, value in values.items():
                set_cell(row, "value", value)(rows)
        edit_csv(data_copy, ORDERS, edit)
        problem = only_problem(data_copy, r"row 1 \(line 2\), column 'value': " + re.escape(message))
        assert where(problem) == (ORDERS, 1, "value")

    def test_trailing_space_in_region_id_is_one_message(self, data_copy):
        # The pattern and the foreign key both reject 'zeeland ': the person needs to hear only the cause.
        edit_csv(data_copy, ORDERS, set_cell(2, "region_id", "zeeland "))
        problem = only_problem(data_copy, r"row 2 \(line 3\), column 'region_id': 'zeeland ' has a space before or "
                                          r"after the value: remove the spaces")
        assert where(problem) == (ORDERS, 2, "region_id")

    def test_trailing_space_in_area(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(1, "area", "Zeeland "))
        only_problem(data_copy, r"column 'area': 'Zeeland ' has a space before or after the value")


class TestMessageLength:
    def test_many_row_problems_are_capped_with_a_count(self, data_copy):
        edit_csv(data_copy, ORDERS, lambda rows: [set_cell(i, "measure", f"m{i}")(rows) for i in range(1, 31)])
        with pytest.raises(DataValidationError, match=r"^30 problem\(s\) in ") as caught:
            data.load(data_copy)
        text = str(caught.value)
        assert len(caught.value.problems) == 30
        assert text.count("\n  - ") == validation.MAX_SHOWN
        assert text.endswith(f"  ... and {30 - validation.MAX_SHOWN} more")


# --- logic layer --------------------------------------------------------------------------

class TestLogicLayer:
    def test_year_after_the_current_year(self, data_copy):
        edit_csv(data_copy, ORDERS, set_cell(4, "year", "2099"))
        this_year = datetime.date.today().year
        problem = only_problem(data_copy, rf"row 4 \(line 5\), column 'year': year 2099 is after the current year "
                                          rf"{this_year}: figures cannot come from the future")
        assert where(problem) == (ORDERS, 4, "year")

    def test_year_check_follows_the_calendar(self):
        orders = data.load(DATA_DIR).orders
        assert validation.check_years({"restraining_orders": orders}, current_year=2017) == []
        problems = validation.check_years({"restraining_orders": orders}, current_year=2016)
        assert {p.row for p in problems} == {i + 1 for i in orders.index[orders["year"] == 2017]}

    def test_year_before_the_law(self):
        orders = data.load(DATA_DIR).orders.copy()
        orders.loc[0, "year"] = 2008
        [problem] = validation.check_years({"restraining_orders": orders}, current_year=2030)
        assert str(problem) == ("restraining_orders.csv, row 1 (line 2), column 'year': year 2008 is before 2009, "
                                "when the restraining-order law took effect")

    def test_violations_above_orders(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Rotterdam", year="2017", measure="violations")
        edit_csv(data_copy, ORDERS, set_cell(row, "value", "298"))
        problem = only_problem(data_copy, r"violations \(298\) exceeds orders_imposed \(297\) for 'Rotterdam' in 2017")
        assert where(problem) == (ORDERS, row, "value")

    def test_orders_above_procedures(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Amsterdam", year="2016", measure="orders_imposed")
        edit_csv(data_copy, ORDERS, set_cell(row, "value", "301"))
        problem = only_problem(data_copy, r"orders_imposed \(301\) exceeds procedures_started \(300\)")
        assert where(problem) == (ORDERS, row, "value")

    def test_municipality_above_its_region(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Leiden", year="2016", measure="orders_imposed")
        edit_csv(data_copy, ORDERS, set_cell(row, "value", "84"))
        problem = only_problem(data_copy, r"exceeds the figure for 'regio Leiden', which contains it \(83\), in 2016")
        assert where(problem) == (ORDERS, row, "value")

    def test_level_must_match_areas_table(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Nijmegen", year="2016")
        edit_csv(data_copy, ORDERS, set_cell(row, "area_level", "province"))
        problem = only_problem(data_copy, r"'province' does not match 'municipality', the area_level of 'Nijmegen'")
        assert where(problem) == (ORDERS, row, "area_level")

    def test_region_must_match_areas_table(self, data_copy):
        row = find_row(data_copy, ORDERS, area="Nijmegen", year="2017")
        edit_csv(data_copy, ORDERS, set_cell(row, "region_id", "rotterdam"))
        problem = only_problem(data_copy, r"'rotterdam' does not match 'gelderland_zuid', the region_id of 'Nijmegen'")
        assert where(problem) == (ORDERS, row, "region_id")

    def test_area_inside_smaller_area(self, data_copy):
        row = find_row(data_copy, "areas.csv", area="regio Leiden")
        edit_csv(data_copy, "areas.csv", set_cell(row, "part_of", "Leiden"))
        problem = only_problem(data_copy, r"'regio Leiden' \(centrumgemeente_region\) cannot lie in 'Leiden' "
                                          r"\(municipality\), which is not a larger area")
        assert where(problem) == ("areas.csv", row, "part_of")

    def test_initiative_ends_before_it_starts(self, data_copy):
        row = find_row(data_copy, "initiatives.csv", initiative_id="fr-02")
        edit_csv(data_copy, "initiatives.csv", set_cell(row, "year_end", "2015"))
        problem = only_problem(data_copy, r"year_end 2015 is before year_start")
        assert where(problem) == ("initiatives.csv", row, "year_end")


# --- the command ----------------------------------------------------------------------------

class TestValidateCommand:
    def test_valid_folder_exits_zero_with_summary(self, capsys):
        assert cli_main(["validate", str(DATA_DIR)]) == 0
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1
        assert re.fullmatch(r"OK: .* is valid: 37 restraining-order figures for 11 areas in 8 regions \(2016-2017\), "
                            r"\d+ initiatives coded with \d+ themes\.", out[0])

    def test_invalid_folder_exits_nonzero_with_errors(self, data_copy, capsys):
        edit_csv(data_copy, ORDERS, set_cell(3, "value", "-1"))
        assert cli_main(["validate", str(data_copy)]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == (f"INVALID: 1 problem(s) in {data_copy.resolve()}:\n"
                                "  - restraining_orders.csv, row 3 (line 4), column 'value': '-1' is below the "
                                "minimum 0\n")


class TestPopulations:
    POPULATIONS = "populations.csv"

    def test_population_without_a_source(self, data_copy):
        row = find_row(data_copy, self.POPULATIONS, area="Gouda")
        edit_csv(data_copy, self.POPULATIONS, set_cell(row, "source", ""))
        problem = only_problem(data_copy, rf"{self.POPULATIONS}, row {row} \(line {row + 1}\), column 'source': "
                                          "a value is required here")
        assert where(problem) == (self.POPULATIONS, row, "source")

    @pytest.mark.parametrize("value, message", [("0", "'0' is below the minimum 1"),
                                                ("71189.5", "'71189.5' is not a whole number")])
    def test_population_is_a_positive_whole_number(self, data_copy, value, message):
        row = find_row(data_copy, self.POPULATIONS, area="Gouda")
        edit_csv(data_copy, self.POPULATIONS, set_cell(row, "population", value))
        problem = only_problem(data_copy, re.escape(message))
        assert where(problem) == (self.POPULATIONS, row, "population")

    def test_population_of_an_unknown_area(self, data_copy):
        row = find_row(data_copy, self.POPULATIONS, area="Gouda")
        edit_csv(data_copy, self.POPULATIONS, set_cell(row, "area", "Utrecht"))
        problem = only_problem(data_copy, r"'Utrecht' is not a known area in areas")
        assert where(problem) == (self.POPULATIONS, row, "area")

    def test_parts_add_up_to_more_than_the_whole(self, data_copy):
        group = "Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen"
        edit_csv(data_copy, self.POPULATIONS, lambda rows: rows.append(
            [group, "2016-01-01", "200000", "registered_population_1_january", "cbs37713", "37713", "GM0203", ""]))
        problem = only_problem(data_copy, r"the parts of 'Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen' add up "
                                          r"to 256433 inhabitants on 2016-01-01, more than its own population \(200000\)")
        assert where(problem) == (self.POPULATIONS, 14, "population")

    def test_population_counted_on_another_day(self, data_copy):
        row = find_row(data_copy, self.POPULATIONS, area="Gouda")
        edit_csv(data_copy, self.POPULATIONS, set_cell(row, "reference_date", "2016-07-01"))
        problem = only_problem(data_copy, r"reference date 2016-07-01 is not a 1 January")
        assert where(problem) == (self.POPULATIONS, row, "reference_date")
