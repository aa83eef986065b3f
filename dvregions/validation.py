"""Validation of a data folder in three layers: the files, their schema, the logic of the figures.

Every problem names the file, the row and the column, and a mistake a spreadsheet makes in a whole file or column
is said once, not once per row. This module imports nothing from the package but the inputs log.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dvregions.inputs_log import record_read

DESCRIPTOR = "datapackage.json"
MAX_SHOWN = 20
"""Problems listed in an error message; the rest are counted."""
MAX_SCANNED = 1000
"""Errors collected from frictionless per table: enough to group every column-wide mistake."""

FIRST_YEAR = 2009
"""The temporary restraining order (Wet tijdelijk huisverbod) took effect on 1 January 2009."""

SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: ``row`` counts data rows from 1, ``None`` for the whole file or header."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        """The problem as one line: file, row (line), column, then the message."""
        row = f"row {self.row} (line {self.row + 1})" if self.row is not None else None
        column = f"column '{self.column}'" if self.column is not None else None
        where = [self.file, *filter(None, [row or ("header" if column else None), column])]
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(ValueError):
    """Raised when a data folder fails validation: ``problems`` lists all, the message the first :data:`MAX_SHOWN`."""

    def __init__(self, data_dir: Path, problems: list[Problem]):
        self.data_dir = data_dir
        self.problems = problems
        more = [f"  ... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else []
        shown = [f"  - {p}" for p in problems[:MAX_SHOWN]]
        super().__init__("\n".join([f"{len(problems)} problem(s) in {data_dir}:", *shown, *more]))


def read_descriptor(folder: Path, required: Iterable[str]) -> dict:
    """The parsed ``datapackage.json`` of ``folder``; DataValidationError if absent, not JSON or lacking a table."""
    path = folder / DESCRIPTOR
    if not folder.is_dir():
        raise DataValidationError(folder, [Problem(str(folder), "data folder not found")])
    if not path.is_file():
        raise DataValidationError(folder, [Problem(DESCRIPTOR, f"file not found in {folder}")])
    record_read(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataValidationError(folder, [Problem(DESCRIPTOR, f"not valid UTF-8 JSON: {error}")]) from None
    known = {resource.get("name") for resource in descriptor.get("resources", [])}
    if missing := [name for name in required if name not in known]:
        raise DataValidationError(folder, [Problem(DESCRIPTOR, f"resource(s) missing: {', '.join(missing)}")])
    return descriptor


def resource_of(descriptor: dict, name: str) -> dict:
    """The resource called ``name`` in a parsed descriptor."""
    return next(r for r in descriptor["resources"] if r["name"] == name)


def check_files(folder: Path, descriptor: dict, names: list[str]) -> list[Problem]:
    """File-level problems of the named resources: missing, empty, not UTF-8, wrong separator or header."""
    return [problem for name in names for problem in _check_file(folder, resource_of(descriptor, name))]


def _check_file(folder: Path, resource: dict) -> list[Problem]:
    relative = resource["path"]
    path = folder / relative
    if not path.is_file():
        return [Problem(relative, "file not found")]
    record_read(path)
    raw = path.read_bytes()
    if not raw.strip():
        return [Problem(relative, "file is empty (expected a header row and data rows)")]
    try:
        header_line = raw.decode("utf-8-sig").splitlines()[0]  # a spreadsheet's byte-order mark is harmless
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Problem(relative, f"not UTF-8: byte 0x{raw[error.start]:02x} on line {line} cannot be decoded; "
                        "save the file as UTF-8 (in a spreadsheet: CSV UTF-8)", row=line - 1 if line > 1 else None)]
    for separator, plural in SEPARATORS.items():  # a spreadsheet in a Dutch locale saves with semicolons
        if header_line.count(separator) > header_line.count(","):
            return [Problem(relative, f"cells are separated by {plural}, not commas: save the file as "
                            "comma-separated CSV (in a spreadsheet: CSV UTF-8, comma delimited)")]
    return _check_header(relative, header_line, [field["name"] for field in resource["schema"]["fields"]])


def _check_header(file: str, header_line: str, columns: list[str]) -> list[Problem]:
    """Compare the header row with the schema's columns; one message for a header that is wholly wrong."""
    labels = next(csv.reader([header_line]))
    expected = ", ".join(columns)
    if labels == columns:
        return []
    if [label.strip() for label in labels] == columns:
        return [Problem(file, f"the header has spaces around column names; expected exactly: {expected}")]
    if sorted(labels) == sorted(columns):
        return [Problem(file, f"the columns are in another order; expected: {expected}")]
    unknown = [label for label in labels if label not in columns]
    missing = [column for column in columns if column not in labels]
    if len(labels) == len(columns) and len(unknown) == 1:
        return [Problem(file, f"column named {unknown[0]!r} (found {unknown[0]!r}); expected {missing[0]!r}: "
                        "rename it back", column=missing[0])]
    if len(unknown) > len(columns) // 2:
        return [Problem(file, f"the header row is not the expected one (renamed or translated?): found "
                        f"{', '.join(labels)}; expected {expected}. Put back the original header row")]
    return ([Problem(file, "column missing from the header", column=column) for column in missing]
            + [Problem(file, f"unexpected column {label!r}; expected only {expected}") for label in unknown])


def check_schema(folder: Path, names: list[str]) -> list[Problem]:
    """Type, constraint and key problems found by frictionless, one message per cause; a pass is remembered."""
    marker = schema_pass_marker(folder, names)
    if marker is not None and marker.is_file():
        return []
    from frictionless import Package  # slow to import: not needed when a pass is remembered

    package = Package(str(folder / DESCRIPTOR))
    problems = []
    for name in names:
        resource = package.get_resource(name)
        report = resource.validate(limit_errors=MAX_SCANNED)
        # Every line of the CSV as cells (a blank line as []): index i is frictionless's row number i + 1.
        rows = list(csv.reader(io.StringIO((folder / resource.path).read_text(encoding="utf-8-sig"), newline="")))
        problems += _problems_of_table(resource.path, resource.schema, rows,
                                       report.tasks[0].errors if report.tasks else report.errors)
    if marker is not None and not problems:
        with contextlib.suppress(OSError):  # a read-only cache only costs time
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return problems


def schema_pass_marker(folder: Path, names: list[str]) -> Path | None:
    """Where a schema pass is recorded (so the kernels of a build check unchanged data once); None if not keyable.

    The key hashes all the answer depends on (descriptor, files, tables, this code, frictionless, Python); only
    passes are recorded, so a folder with problems is checked, and its problems reported, every time.
    """
    from importlib import metadata

    try:
        raw = (folder / DESCRIPTOR).read_bytes()
        digest = hashlib.sha256(raw)
        for resource in json.loads(raw.decode("utf-8-sig")).get("resources", []):
            relative = resource.get("path")
            if not isinstance(relative, str) or "://" in relative or not (folder / relative).is_file():
                return None  # remote, multi-part or missing files: always validate
            digest.update(f"\0{relative}\0".encode())
            digest.update(hashlib.sha256((folder / relative).read_bytes()).digest())
        digest.update(json.dumps(sorted(names)).encode())
        digest.update(Path(__file__).read_bytes())
        digest.update(f"{metadata.version('frictionless')} {sys.version}".encode())
    except (OSError, ValueError, AttributeError, metadata.PackageNotFoundError):
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "dvregions" / "schema-passed" / digest.hexdigest()


def _problems_of_table(file: str, schema, rows: list[list[str]], errors: list) -> list[Problem]:
    last_line = max((i + 1 for i, row in enumerate(rows) if any(cell.strip() for cell in row)), default=1)
    blank = {e.row_number for e in errors if e.type == "blank-row"}
    by_column: dict[tuple[str, str], list[tuple[int, str]]] = {}
    problems: list[Problem] = []
    seen: set[tuple[int | None, str | None]] = set()
    for error in errors:
        line = getattr(error, "row_number", None)
        if line is not None and line > last_line:
            continue  # blank lines after the last row: harmless, a spreadsheet often adds them
        if error.type == "primary-key" and line in blank:
            continue  # a blank row has an empty key: the blank row itself is the problem
        if cause := _column_cause(schema, error):
            column, kind, cell = cause
            by_column.setdefault((column, kind), []).append((line - 1, cell))
            continue
        problem = _row_problem(file, schema, rows, error)
        if (problem.row, problem.column) not in seen or problem.row is None:
            seen.add((problem.row, problem.column))
            problems.append(problem)
    for (column, kind), hits in by_column.items():
        row, cell = min(hits, key=lambda hit: hit[0])
        more = len({hit_row for hit_row, _ in hits}) - 1
        also = f" (and {more} more row(s) of this column)" if more else ""
        problems.append(Problem(file, f"{cell!r}{also} {COLUMN_CAUSES[kind][2]}", row, column))
    return sorted(problems, key=lambda p: (p.row or 0))


# Mistakes a spreadsheet makes in a whole column: kind -> (applies to field types, test on the cell, advice).
COLUMN_CAUSES: dict[str, tuple[set[str], Callable[[str], bool], str]] = {
    "spaces": ({"string", "integer", "number"}, lambda cell: cell != cell.strip(),
               "has a space before or after the value: remove the spaces"),
    "thousands": ({"integer"}, lambda cell: re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", cell) is not None,
                  "has a thousands separator: write whole numbers without separators (1234, not 1.234)"),
    "decimal-comma": ({"integer", "number"}, lambda cell: re.fullmatch(r"-?\d+,\d+", cell) is not None,
                      "has a decimal comma: write decimals with a point (12.5), and whole numbers without decimals"),
    "decimals": ({"integer"}, lambda cell: re.fullmatch(r"-?\d+\.0+", cell) is not None,
                 "is a whole number written with decimals: write it without them (12, not 12.0); "
                 "in a spreadsheet, format the column as a number with 0 decimals"),
}


def _column_cause(schema, error) -> tuple[str, str, str] | None:
    """``(column, kind, cell)`` when the error comes from a column-wide spreadsheet mistake, else None."""
    one_key = error.type == "foreign-key" and len(error.field_names) == 1
    if not one_key and error.type not in ("type-error", "constraint-error"):
        return None
    column, cell = (error.field_names[0], error.field_cells[0]) if one_key else (error.field_name, error.cell)
    field_type = schema.get_field(column).type if isinstance(cell, str) and schema.has_field(column) else None
    return next(((column, kind, cell) for kind, (types, test, _) in COLUMN_CAUSES.items()
                 if field_type in types and test(cell)), None)


TYPE_WORDS = {"integer": "whole number", "number": "number", "boolean": "true or false", "date": "date (YYYY-MM-DD)"}


def _row_problem(file: str, schema, rows: list[list[str]], error) -> Problem:
    """A Problem for one frictionless error, from its structured fields (row number, field, cell)."""
    line = getattr(error, "row_number", None)
    row, column, cell = line - 1 if line else None, getattr(error, "field_name", None), getattr(error, "cell", None)
    if error.type == "foreign-key":
        values = ", ".join(repr(v) for v in error.field_cells)
        return Problem(file, f"{values} is not a known {', '.join(error.reference_field_names)} in "
                       f"{error.reference_name or 'this table'}", row, ", ".join(error.field_names))
    if error.type == "primary-key":
        return _duplicate_problem(file, schema, rows, line)
    if error.type == "type-error":
        field_type = schema.get_field(column).type
        return Problem(file, f"{cell!r} is not a {TYPE_WORDS.get(field_type, field_type)}", row, column)
    if error.type == "constraint-error":
        return Problem(file, _constraint_message(schema.get_field(column), cell), row, column)
    if error.type == "unique-error":
        return Problem(file, f"{cell!r} appears in an earlier row too; each value here must be unique", row, column)
    if error.type == "blank-row":
        return Problem(file, "blank row in the middle of the table: delete it", row)
    if error.type == "missing-cell":
        return Problem(file, "value missing: the row has fewer cells than the header", row, column)
    if error.type == "extra-cell":
        return Problem(file, "the row has more cells than the header: put a value that contains a comma "
                       "in double quotes", row)
    return Problem(file, error.message, row, column)


def _duplicate_problem(file: str, schema, rows: list[list[str]], line: int) -> Problem:
    """Name the earlier row with the same primary key, found in the file's own rows."""
    key = ", ".join(schema.primary_key)
    positions = [schema.field_names.index(name) for name in schema.primary_key]
    keys = [[cells[p] if p < len(cells) else "" for p in positions] for cells in rows[:line]]
    earlier = next((i for i in range(1, line - 1) if keys[i] == keys[line - 1]), None)
    if earlier is None:  # frictionless compares typed keys: '12' and '012' are the same year
        return Problem(file, f"duplicate row: same {key} as an earlier row; keep one", line - 1, key)
    same = "the same row as" if rows[earlier] == rows[line - 1] else f"same {key} as"
    return Problem(file, f"duplicate row: {same} row {earlier}; keep one", line - 1, key)


def _constraint_message(field, cell: object) -> str:
    """Say which of the field's constraints the cell breaks, using the notes frictionless keys by constraint."""
    _, notes = field.read_cell(cell)
    broken = next(iter(notes or {}), None)
    if broken == "required":
        return "a value is required here"
    limit = field.constraints.get(broken) if broken else None
    if broken == "enum":
        limit = ", ".join(map(str, limit))
    phrases = {"minimum": "is below the minimum", "maximum": "is above the maximum",
               "pattern": "does not match the pattern", "minLength": "is shorter than",
               "maxLength": "is longer than", "enum": "is not one of the allowed values:"}
    return f"{cell!r} {phrases[broken]} {limit}" if broken in phrases else f"{cell!r} breaks the rule {broken}: {limit}"


Tables = dict[str, pd.DataFrame]

LEVELS = ("municipality", "municipality_group", "centrumgemeente_region", "province")
"""The levels of area, from narrowest to widest: an area lies only in one of a later level."""

# (smaller measure, larger measure): the smaller can never exceed the larger for one area and year.
MEASURE_ORDER = (("violations", "orders_imposed"), ("orders_imposed", "procedures_started"))


def check_logic(tables: Tables) -> list[Problem]:
    """Every check the loaded tables allow: structure first, the figures only on a sound structure."""
    for stage in (STRUCTURE_CHECKS, FIGURE_CHECKS):
        if problems := [p for needed, check in stage if needed <= tables.keys() for p in check(tables)]:
            return problems
    return []


def _located(table: str, column: str, messages: Iterable[tuple[int, str]]) -> list[Problem]:
    """A Problem in ``table``'s file and ``column`` for each ``(index, message)``: index i is row i + 1."""
    return [Problem(f"{table}.csv", message, int(index) + 1, column) for index, message in messages]


def check_years(tables: Tables, current_year: int | None = None) -> list[Problem]:
    """Figures are from 2009 (the law's first year) up to ``current_year`` (default: this year)."""
    current_year = datetime.date.today().year if current_year is None else current_year
    return _located("restraining_orders", "year", (
        (index, f"year {year} is before {FIRST_YEAR}, when the restraining-order law took effect") if year < FIRST_YEAR
        else (index, f"year {year} is after the current year {current_year}: figures cannot come from the future")
        for index, year in tables["restraining_orders"]["year"].items() if not FIRST_YEAR <= year <= current_year))


def check_area_consistency(tables: Tables) -> list[Problem]:
    """An order row's level and region must be those of its area in areas.csv."""
    areas = tables["areas"][["area", "area_level", "region_id"]]
    merged = tables["restraining_orders"].reset_index().merge(areas, on="area", suffixes=("", "_of_area"))
    problems = []
    for column in ("area_level", "region_id"):
        bad = merged[merged[column] != merged[f"{column}_of_area"]]
        problems += _located("restraining_orders", column, (
            (r.index, f"{getattr(r, column)!r} does not match {getattr(r, column + '_of_area')!r}, the {column} of "
                      f"{r.area!r} in areas.csv") for r in bad.itertuples(index=False)))
    return sorted(problems, key=lambda p: p.row or 0)


def check_area_nesting(tables: Tables) -> list[Problem]:
    """``part_of`` must point at a larger area of the same region."""
    areas = tables["areas"]
    nested = areas.reset_index().merge(areas, left_on="part_of", right_on="area", suffixes=("", "_whole"))
    problems = []
    for r in nested.sort_values("index").itertuples(index=False):
        if LEVELS.index(r.area_level_whole) <= LEVELS.index(r.area_level):
            problems.append((r.index, f"{r.area!r} ({r.area_level}) cannot lie in {r.part_of!r} "
                                      f"({r.area_level_whole}), which is not a larger area"))
        elif r.region_id_whole != r.region_id:
            problems.append((r.index, f"{r.area!r} lies in {r.part_of!r}, which belongs to another region"))
    return _located("areas", "part_of", problems)


def check_measure_order(tables: Tables) -> list[Problem]:
    """Violations <= orders imposed <= procedures started, for the same area and year."""
    orders = tables["restraining_orders"].reset_index()
    problems = []
    for smaller, larger in MEASURE_ORDER:
        both = orders[orders["measure"] == smaller].merge(orders[orders["measure"] == larger], on=["area", "year"],
                                                          suffixes=("", "_larger"))
        bad = both[both["value"] > both["value_larger"]].sort_values(["area", "year"])
        problems += _located("restraining_orders", "value", (
            (r.index, f"{smaller} ({r.value}) exceeds {larger} ({r.value_larger}) for {r.area!r} in {r.year}")
            for r in bad.itertuples(index=False)))
    return problems


def _containing(areas: pd.DataFrame) -> pd.DataFrame:
    """Every ``(area, whole)`` pair where the area lies in the whole, directly or through ``part_of`` links."""
    parent = dict(zip(areas["area"], areas["part_of"]))
    pairs = []
    for area, whole in parent.items():
        seen = {area}
        while isinstance(whole, str) and whole not in seen:
            pairs.append((area, whole))
            seen.add(whole)
            whole = parent.get(whole)
    return pd.DataFrame(pairs, columns=["area", "whole"])


def check_parts_within_whole(tables: Tables) -> list[Problem]:
    """A figure for an area is at most the figure for every larger area it lies in (same year and measure)."""
    orders = tables["restraining_orders"].reset_index()
    wholes = orders[["area", "year", "measure", "value"]].rename(columns={"area": "whole", "value": "whole_value"})
    merged = orders.merge(_containing(tables["areas"]), on="area").merge(wholes, on=["whole", "year", "measure"])
    bad = merged[merged["value"] > merged["whole_value"]].sort_values("index")
    return _located("restraining_orders", "value", (
        (r.index, f"{r.measure} for {r.area!r} ({r.value}) exceeds the figure for {r.whole!r}, which contains it "
                  f"({r.whole_value}), in {r.year}") for r in bad.itertuples(index=False)))


def check_population_dates(tables: Tables) -> list[Problem]:
    """A population is counted on 1 January, as its definition says."""
    return _located("populations", "reference_date", (
        (index, f"reference date {day} is not a 1 January: the populations are counted on 1 January of a year")
        for index, day in tables["populations"]["reference_date"].items() if not str(day).endswith("-01-01")))


def check_population_parts(tables: Tables) -> list[Problem]:
    """The populations of an area's parts never add up to more than the area's own, on the same date."""
    populations, areas = tables["populations"].reset_index(), tables["areas"]
    parts = populations.assign(whole=populations["area"].map(dict(zip(areas["area"], areas["part_of"]))))
    sums = parts.dropna(subset=["whole"]).groupby(["whole", "reference_date"])["population"].sum().rename("parts")
    merged = populations.merge(sums, left_on=["area", "reference_date"], right_index=True)
    bad = merged[merged["parts"] > merged["population"]].sort_values("index")
    return _located("populations", "population", (
        (r.index, f"the parts of {r.area!r} add up to {r.parts} inhabitants on {r.reference_date}, more than its "
                  f"own population ({r.population})") for r in bad.itertuples(index=False)))


def check_year_ranges(tables: Tables) -> list[Problem]:
    """An initiative cannot end before it starts."""
    initiatives = tables["initiatives"]
    bad = initiatives[initiatives["year_end"] < initiatives["year_start"]]
    return _located("initiatives", "year_end", (
        (r.Index, f"year_end {r.year_end} is before year_start {r.year_start}") for r in bad.itertuples()))


def _in_one_list(tables: Tables, table: str, column: str, linked: set, missing: str, both: str) -> list[Problem]:
    """Each ``column`` of ``table`` is in ``linked`` or listed in ``{table}_without_article``, never both."""
    without = f"{table}_without_article"
    marked = set(tables[without][column])
    return (_located(table, column, ((index, missing.format(key)) for index, key in tables[table][column].items()
                                     if key not in linked | marked))
            + _located(without, column, ((index, both.format(key)) for index, key in tables[without][column].items()
                                         if key in linked)))


def check_theme_mapping(tables: Tables) -> list[Problem]:
    """Every theme has a primary Convention article or is marked as having none; a chapter is in one group."""
    links, articles = tables["theme_articles"], tables["convention_articles"]
    groups = articles.groupby("chapter")["group"].nunique()
    return _in_one_list(
        tables, "themes", "theme_id", set(links.loc[links["strength"] == "primary", "theme_id"]),
        "theme {!r} has no primary article in theme_articles.csv and is not listed in themes_without_article.csv",
        "theme {!r} is marked as having no dedicated article but has a primary row in theme_articles.csv",
    ) + _located("convention_articles", "group", (
        (articles.index[articles["chapter"] == chapter][0], f"chapter {chapter} is put in more than one group")
        for chapter in groups[groups > 1].index))


def check_initiative_links(tables: Tables) -> list[Problem]:
    """Every initiative bears on an article or says why not, never both; a link cites its initiative's paragraph."""
    initiatives, links = tables["initiatives"], tables["initiative_articles"]
    paragraph = dict(zip(initiatives["initiative_id"], initiatives["source_paragraph"]))
    return _in_one_list(
        tables, "initiatives", "initiative_id", set(links["initiative_id"]),
        "initiative {!r} has no row in initiative_articles.csv and is not listed in initiatives_without_article.csv",
        "initiative {!r} is listed as bearing on no article but has rows in initiative_articles.csv",
    ) + _located("initiative_articles", "source_paragraph", (
        (index, f"paragraph {p} is not the paragraph of initiative {i!r} ({paragraph.get(i)})")
        for index, (i, p) in enumerate(zip(links["initiative_id"], links["source_paragraph"]))
        if i in paragraph and paragraph[i] != p))


# (tables a check needs, the check), run in this order when the tables are loaded.
STRUCTURE_CHECKS: tuple[tuple[set[str], Callable[[Tables], list[Problem]]], ...] = (
    ({"restraining_orders", "areas"}, check_area_consistency),
    ({"areas"}, check_area_nesting),
    ({"initiatives"}, check_year_ranges),
    ({"populations"}, check_population_dates),
    ({"themes", "theme_articles", "themes_without_article", "convention_articles"}, check_theme_mapping),
    ({"initiatives", "initiative_articles", "initiatives_without_article"}, check_initiative_links),
    ({"restraining_orders"}, check_years),
)
FIGURE_CHECKS = (
    ({"restraining_orders"}, check_measure_order),
    ({"restraining_orders", "areas"}, check_parts_within_whole),
    ({"populations", "areas"}, check_population_parts),
)
