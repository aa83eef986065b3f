"""Validation of a data folder: the error types and the three layers of checks.

1. **File layer** (:func:`check_files`): every file is present, not empty, UTF-8 (a BOM is
   fine), separated by commas and headed by the schema's column names. A wrong separator or
   header is said once per file, since every row would otherwise repeat it.
2. **Schema layer** (:func:`check_schema`): types, constraints, primary and foreign keys,
   checked by the ``frictionless`` validator and read from its structured error fields.
   Mistakes a spreadsheet makes in a whole column (a thousands separator, a decimal comma,
   decimals on whole numbers, spaces around a value) are said once per column, naming the
   first row and counting the others.
3. **Logic layer** (:func:`check_logic`): the figures make sense together (years within the
   span the data can have, parts within wholes, violations within orders).

Every problem names the file, the row and the column. This module imports nothing from the
package except the inputs log; :mod:`dvregions.data` calls it and returns nothing half-loaded.
"""

from __future__ import annotations

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


# --------------------------------------------------------------------------- error types


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible.

    ``row`` counts data rows from 1 (the header is not a data row); ``row=None`` means the
    problem concerns the whole file or its header.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        """The problem as one line: file, row (line), column, then the message."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        elif self.column is not None:
            where.append("header")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(ValueError):
    """Raised when a data folder fails validation; ``problems`` lists every problem found.

    The message lists the first :data:`MAX_SHOWN` problems and counts the rest.
    """

    def __init__(self, data_dir: Path, problems: list[Problem]):
        self.data_dir = data_dir
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in {data_dir}:"] + [f"  - {p}" for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            lines.append(f"  ... and {len(problems) - MAX_SHOWN} more")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- descriptor


def read_descriptor(folder: Path, required: Iterable[str]) -> dict:
    """The parsed ``datapackage.json`` of ``folder``.

    Raises
    ------
    DataValidationError
        If the folder or descriptor is missing, is not UTF-8 JSON, or lacks a ``required`` resource.
    """
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
    missing = [name for name in required if name not in known]
    if missing:
        raise DataValidationError(folder, [Problem(DESCRIPTOR, f"resource(s) missing: {', '.join(missing)}")])
    return descriptor


def resource_of(descriptor: dict, name: str) -> dict:
    """The resource called ``name`` in a parsed descriptor."""
    return next(r for r in descriptor["resources"] if r["name"] == name)


# --------------------------------------------------------------------------- file layer


def check_files(folder: Path, descriptor: dict, names: list[str]) -> list[Problem]:
    """File-level problems of the named resources: missing, empty, not UTF-8, wrong separator or header."""
    problems = []
    for name in names:
        resource = resource_of(descriptor, name)
        problems += _check_file(folder, resource["path"], [f["name"] for f in resource["schema"]["fields"]])
    return problems


def _check_file(folder: Path, relative: str, columns: list[str]) -> list[Problem]:
    path = folder / relative
    if not path.is_file():
        return [Problem(relative, "file not found")]
    record_read(path)
    raw = path.read_bytes()
    if not raw.strip():
        return [Problem(relative, "file is empty (expected a header row and data rows)")]
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's byte-order mark is harmless
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Problem(relative, f"not UTF-8: byte 0x{raw[error.start]:02x} on line {line} cannot be decoded; "
                        "save the file as UTF-8 (in a spreadsheet: CSV UTF-8)", row=line - 1 if line > 1 else None)]
    header_line = text.splitlines()[0]
    return _check_separator(relative, header_line) or _check_header(relative, header_line, columns)


def _check_separator(file: str, header_line: str) -> list[Problem]:
    """A file saved with another cell separator (a spreadsheet in a Dutch locale uses semicolons)."""
    commas = header_line.count(",")
    for separator, plural in SEPARATORS.items():
        if header_line.count(separator) > commas:
            return [Problem(file, f"cells are separated by {plural}, not commas: save the file as "
                            "comma-separated CSV (in a spreadsheet: CSV UTF-8, comma delimited)")]
    return []


def _check_header(file: str, header_line: str, columns: list[str]) -> list[Problem]:
    """Compare the header row with the schema's columns; one message for a header that is wholly wrong."""
    labels = next(csv.reader([header_line]))
    if labels == columns:
        return []
    expected = ", ".join(columns)
    stripped = [label.strip() for label in labels]
    if stripped == columns:
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
    problems = [Problem(file, "column missing from the header", column=column) for column in missing]
    problems += [Problem(file, f"unexpected column {label!r}; expected only {expected}") for label in unknown]
    return problems


# --------------------------------------------------------------------------- schema layer


def check_schema(folder: Path, names: list[str]) -> list[Problem]:
    """Type, constraint and key problems found by frictionless, one message per cause.

    A pass is remembered (see :func:`schema_pass_marker`), so the kernels of one build, and the
    test runs after it, validate unchanged data once instead of once each.
    """
    marker = schema_pass_marker(folder, names)
    if marker is not None and marker.is_file():
        return []
    problems = _check_schema(folder, names)
    if marker is not None and not problems:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:  # a read-only cache only costs time
            pass
    return problems


def schema_pass_marker(folder: Path, names: list[str]) -> Path | None:
    """Where a schema pass for these exact bytes is recorded; None when it cannot be keyed safely.

    The key hashes everything the schema layer's answer depends on: the descriptor's bytes, the bytes
    of every file it names, the requested tables, this module's code and the frictionless and Python
    versions. Changing any of them gives another key, so the data are validated again. Only passes
    are recorded: a folder with problems is checked (and its problems reported) every time.
    """
    from importlib import metadata

    digest = hashlib.sha256()
    descriptor_path = folder / DESCRIPTOR
    try:
        raw = descriptor_path.read_bytes()
        resources = json.loads(raw.decode("utf-8-sig")).get("resources", [])
        digest.update(raw)
        for resource in resources:
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


def _check_schema(folder: Path, names: list[str]) -> list[Problem]:
    from frictionless import Package

    package = Package(str(folder / DESCRIPTOR))
    problems = []
    for name in names:
        resource = package.get_resource(name)
        report = resource.validate(limit_errors=MAX_SCANNED)
        errors = report.tasks[0].errors if report.tasks else report.errors
        problems += _problems_of_table(resource.path, resource.schema, _raw_rows(folder / resource.path), errors)
    return problems


def _raw_rows(path: Path) -> list[list[str]]:
    """Every line of a CSV as cells (a blank line as ``[]``); index i is frictionless's row number i + 1."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _problems_of_table(file: str, schema, rows: list[list[str]], errors: list) -> list[Problem]:
    last_line = max((i + 1 for i, row in enumerate(rows) if any(cell.strip() for cell in row)), default=1)
    blank = {e.row_number for e in errors if e.type == "blank-row"}
    grouped: dict[tuple[str, str], list[tuple[int, str]]] = {}
    problems: list[Problem] = []
    seen: set[tuple[int | None, str | None]] = set()
    for error in errors:
        line = getattr(error, "row_number", None)
        if line is not None and line > last_line:
            continue  # blank lines after the last row: harmless, a spreadsheet often adds them
        if error.type == "primary-key" and line in blank:
            continue  # a blank row has an empty key: the blank row itself is the problem
        cause = _column_cause(schema, error)
        if cause is not None:
            grouped.setdefault(cause, []).append((line - 1, _cell_of(error)))
            continue
        problem = _row_problem(file, schema, rows, error)
        if (problem.row, problem.column) not in seen or problem.row is None:
            seen.add((problem.row, problem.column))
            problems.append(problem)
    problems += [_column_problem(file, column, kind, hits) for (column, kind), hits in grouped.items()]
    return sorted(problems, key=lambda p: (p.row or 0))


def _cell_of(error) -> str:
    if error.type == "foreign-key":
        return str(error.field_cells[0])
    return str(error.cell)


# Mistakes a spreadsheet makes in a whole column: (kind, applies to field types, test on the cell, advice).
COLUMN_CAUSES: tuple[tuple[str, set[str], Callable[[str], bool], str], ...] = (
    ("spaces", {"string", "integer", "number"}, lambda cell: cell != cell.strip(),
     "has a space before or after the value: remove the spaces"),
    ("thousands", {"integer"}, lambda cell: re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", cell) is not None,
     "has a thousands separator: write whole numbers without separators (1234, not 1.234)"),
    ("decimal-comma", {"integer", "number"}, lambda cell: re.fullmatch(r"-?\d+,\d+", cell) is not None,
     "has a decimal comma: write decimals with a point (12.5), and whole numbers without decimals"),
    ("decimals", {"integer"}, lambda cell: re.fullmatch(r"-?\d+\.0+", cell) is not None,
     "is a whole number written with decimals: write it without them (12, not 12.0); "
     "in a spreadsheet, format the column as a number with 0 decimals"),
)


def _column_cause(schema, error) -> tuple[str, str] | None:
    """``(column, kind)`` when the error comes from a column-wide spreadsheet mistake, else None."""
    if error.type == "foreign-key" and len(error.field_names) == 1:
        column, cell = error.field_names[0], error.field_cells[0]
    elif error.type in ("type-error", "constraint-error"):
        column, cell = error.field_name, error.cell
    else:
        return None
    if not isinstance(cell, str) or not schema.has_field(column):
        return None
    field_type = schema.get_field(column).type
    for kind, types, test, _ in COLUMN_CAUSES:
        if field_type in types and test(cell):
            return column, kind
    return None


def _column_problem(file: str, column: str, kind: str, hits: list[tuple[int, str]]) -> Problem:
    rows = sorted({row for row, _ in hits})
    first_cell = next(cell for row, cell in hits if row == rows[0])
    advice = next(text for name, _, _, text in COLUMN_CAUSES if name == kind)
    also = f" (and {len(rows) - 1} more row(s) of this column)" if len(rows) > 1 else ""
    return Problem(file, f"{first_cell!r}{also} {advice}", row=rows[0], column=column)


TYPE_WORDS = {"integer": "whole number", "number": "number", "boolean": "true or false", "date": "date (YYYY-MM-DD)"}


def _row_problem(file: str, schema, rows: list[list[str]], error) -> Problem:
    """A Problem for one frictionless error, from its structured fields (row number, field, cell)."""
    line = getattr(error, "row_number", None)
    row = line - 1 if line else None
    column = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    kind = error.type
    if kind == "foreign-key":
        values = ", ".join(repr(v) for v in error.field_cells)
        target = ", ".join(error.reference_field_names)
        return Problem(file, f"{values} is not a known {target} in {error.reference_name or 'this table'}", row,
                       ", ".join(error.field_names))
    if kind == "primary-key":
        return _duplicate_problem(file, schema, rows, line)
    if kind == "type-error":
        field = schema.get_field(column)
        return Problem(file, f"{cell!r} is not a {TYPE_WORDS.get(field.type, field.type)}", row, column)
    if kind == "constraint-error":
        return Problem(file, _constraint_message(schema.get_field(column), cell), row, column)
    if kind == "unique-error":
        return Problem(file, f"{cell!r} appears in an earlier row too; each value here must be unique", row, column)
    if kind == "blank-row":
        return Problem(file, "blank row in the middle of the table: delete it", row)
    if kind == "missing-cell":
        return Problem(file, "value missing: the row has fewer cells than the header", row, column)
    if kind == "extra-cell":
        return Problem(file, "the row has more cells than the header: put a value that contains a comma "
                       "in double quotes", row)
    return Problem(file, error.message, row, column)


def _duplicate_problem(file: str, schema, rows: list[list[str]], line: int) -> Problem:
    """Name the earlier row with the same primary key, found in the file's own rows."""
    key = list(schema.primary_key)
    positions = [schema.field_names.index(name) for name in key]

    def key_of(cells: list[str]) -> list[str]:
        return [cells[p] if p < len(cells) else "" for p in positions]

    current = rows[line - 1]
    earlier = next((i for i in range(1, line - 1) if key_of(rows[i]) == key_of(current)), None)
    if earlier is None:  # frictionless compares typed keys: '12' and '012' are the same year
        return Problem(file, f"duplicate row: same {', '.join(key)} as an earlier row; keep one", line - 1,
                       ", ".join(key))
    same = "the same row as" if rows[earlier] == current else f"same {', '.join(key)} as"
    return Problem(file, f"duplicate row: {same} row {earlier}; keep one", line - 1, ", ".join(key))


def _constraint_message(field, cell: object) -> str:
    """Say which of the field's constraints the cell breaks, using the notes frictionless keys by constraint."""
    _, notes = field.read_cell(cell)
    broken = next(iter(notes or {}), None)
    limit = field.constraints.get(broken) if broken else None
    if broken == "required":
        return "a value is required here"
    if broken == "enum":
        return f"{cell!r} is not one of the allowed values: {', '.join(map(str, limit))}"
    phrases = {"minimum": "is below the minimum", "maximum": "is above the maximum",
               "pattern": "does not match the pattern", "minLength": "is shorter than",
               "maxLength": "is longer than"}
    if broken in phrases:
        return f"{cell!r} {phrases[broken]} {limit}"
    return f"{cell!r} breaks the rule {broken}: {limit}"


# --------------------------------------------------------------------------- logic layer

Tables = dict[str, pd.DataFrame]

ORDERS_FILE = "restraining_orders.csv"
AREAS_FILE = "areas.csv"
INITIATIVES_FILE = "initiatives.csv"
POPULATIONS_FILE = "populations.csv"

LEVELS = ("municipality", "municipality_group", "centrumgemeente_region", "province")
"""The levels of area, from narrowest to widest: an area lies only in one of a later level."""

# (smaller measure, larger measure): the smaller can never exceed the larger for one area and year.
MEASURE_ORDER = (("violations", "orders_imposed"), ("orders_imposed", "procedures_started"))


def check_logic(tables: Tables, today: datetime.date | None = None) -> list[Problem]:
    """Run every check the loaded tables allow: structure first, figures only on a sound structure.

    Parameters
    ----------
    tables
        The typed tables, by resource name.
    today
        The date that bounds the years (default: today), so tests can fix it.
    """
    checks = [(needed, check) for needed, check in STRUCTURE_CHECKS]
    checks.append(({"restraining_orders"}, lambda t: check_years(t, (today or datetime.date.today()).year)))
    for stage in (checks, FIGURE_CHECKS):
        problems = [p for needed, check in stage if needed <= tables.keys() for p in check(tables)]
        if problems:
            return problems
    return []


def _row(index: int) -> int:
    return int(index) + 1


def check_years(tables: Tables, current_year: int) -> list[Problem]:
    """Figures are from 2009 (the law's first year) up to the current year."""
    orders = tables["restraining_orders"]
    problems = []
    for index, year in orders["year"].items():
        if year < FIRST_YEAR:
            problems.append(Problem(ORDERS_FILE, f"year {year} is before {FIRST_YEAR}, when the restraining-order "
                                    "law took effect", _row(index), "year"))
        elif year > current_year:
            problems.append(Problem(ORDERS_FILE, f"year {year} is after the current year {current_year}: "
                                    "figures cannot come from the future", _row(index), "year"))
    return problems


def check_area_consistency(tables: Tables) -> list[Problem]:
    """An order row's level and region must be those of its area in areas.csv."""
    orders = tables["restraining_orders"].reset_index()
    areas = tables["areas"][["area", "area_level", "region_id"]]
    merged = orders.merge(areas, on="area", how="inner", suffixes=("", "_of_area"))
    problems = []
    for column in ("area_level", "region_id"):
        bad = merged[merged[column] != merged[f"{column}_of_area"]]
        problems += [Problem(ORDERS_FILE, f"{getattr(r, column)!r} does not match {getattr(r, column + '_of_area')!r}, "
                             f"the {column} of {r.area!r} in {AREAS_FILE}", _row(r.index), column)
                     for r in bad.itertuples(index=False)]
    return sorted(problems, key=lambda p: p.row or 0)


def check_area_nesting(tables: Tables) -> list[Problem]:
    """``part_of`` must point at a larger area of the same region."""
    areas = tables["areas"].set_index("area")
    problems = []
    for position, (name, area) in enumerate(areas.iterrows()):
        parent = area["part_of"]
        if pd.isna(parent) or parent not in areas.index:
            continue
        if LEVELS.index(areas.loc[parent, "area_level"]) <= LEVELS.index(area["area_level"]):
            problems.append(Problem(AREAS_FILE, f"{name!r} ({area['area_level']}) cannot lie in {parent!r} "
                                    f"({areas.loc[parent, 'area_level']}), which is not a larger area",
                                    _row(position), "part_of"))
        elif areas.loc[parent, "region_id"] != area["region_id"]:
            problems.append(Problem(AREAS_FILE, f"{name!r} lies in {parent!r}, which belongs to another region",
                                    _row(position), "part_of"))
    return problems


def check_measure_order(tables: Tables) -> list[Problem]:
    """Violations <= orders imposed <= procedures started, for the same area and year."""
    orders = tables["restraining_orders"]
    wide = orders.reset_index().pivot_table(index=["area", "year"], columns="measure", values=["value", "index"],
                                            aggfunc="first")
    problems = []
    for smaller, larger in MEASURE_ORDER:
        if ("value", smaller) not in wide.columns or ("value", larger) not in wide.columns:
            continue
        both = wide[[("value", smaller), ("value", larger), ("index", smaller)]].dropna()
        for (area, year), row in both[both[("value", smaller)] > both[("value", larger)]].iterrows():
            problems.append(Problem(
                ORDERS_FILE,
                f"{smaller} ({int(row[('value', smaller)])}) exceeds {larger} ({int(row[('value', larger)])}) "
                f"for {area!r} in {year}", _row(row[("index", smaller)]), "value"))
    return problems


def check_parts_within_whole(tables: Tables) -> list[Problem]:
    """A figure for an area is at most the figure for every larger area it lies in (same year and measure)."""
    orders, areas = tables["restraining_orders"].reset_index(), tables["areas"]
    parent = dict(zip(areas["area"], areas["part_of"]))
    pairs = pd.DataFrame([(area, ancestor) for area in parent for ancestor in _ancestors(area, parent)],
                         columns=["area", "whole"])
    wholes = orders[["area", "year", "measure", "value"]].rename(columns={"area": "whole", "value": "whole_value"})
    merged = orders.merge(pairs, on="area").merge(wholes, on=["whole", "year", "measure"])
    bad = merged[merged["value"] > merged["whole_value"]].sort_values("index")
    return [Problem(ORDERS_FILE, f"{r.measure} for {r.area!r} ({r.value}) exceeds the figure for {r.whole!r}, "
                    f"which contains it ({r.whole_value}), in {r.year}", _row(r.index), "value")
            for r in bad.itertuples(index=False)]


def _ancestors(area: str, parent: dict[str, object]) -> list[str]:
    chain, seen = [], {area}
    current = parent.get(area)
    while isinstance(current, str) and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parent.get(current)
    return chain


def check_population_dates(tables: Tables) -> list[Problem]:
    """A population is counted on 1 January, as its definition says."""
    dates = tables["populations"]["reference_date"]
    return [Problem(POPULATIONS_FILE, f"reference date {day} is not a 1 January: the populations are counted on "
                    "1 January of a year", _row(index), "reference_date")
            for index, day in dates.items() if not str(day).endswith("-01-01")]


def check_population_parts(tables: Tables) -> list[Problem]:
    """The populations of an area's parts never add up to more than the area's own, on the same date."""
    populations, areas = tables["populations"].reset_index(), tables["areas"]
    parent = dict(zip(areas["area"], areas["part_of"]))
    parts = populations.assign(whole=populations["area"].map(parent)).dropna(subset=["whole"])
    sums = parts.groupby(["whole", "reference_date"])["population"].sum().rename("parts").reset_index()
    merged = populations.merge(sums, left_on=["area", "reference_date"], right_on=["whole", "reference_date"])
    bad = merged[merged["parts"] > merged["population"]].sort_values("index")
    return [Problem(POPULATIONS_FILE, f"the parts of {r.area!r} add up to {r.parts} inhabitants on {r.reference_date}, "
                    f"more than its own population ({r.population})", _row(r.index), "population")
            for r in bad.itertuples(index=False)]


def check_year_ranges(tables: Tables) -> list[Problem]:
    """An initiative cannot end before it starts."""
    initiatives = tables["initiatives"]
    bad = initiatives[initiatives["year_end"] < initiatives["year_start"]]
    return [Problem(INITIATIVES_FILE, f"year_end {r.year_end} is before year_start {r.year_start}",
                    _row(i), "year_end") for i, r in zip(bad.index, bad.itertuples())]


def check_theme_mapping(tables: Tables) -> list[Problem]:
    """Every theme has a primary Convention article or is marked as having none, never both.

    Also checks that each chapter of the Convention sits in one group only.

    Parameters
    ----------
    tables
        Needs ``themes``, ``theme_articles``, ``themes_without_article`` and ``convention_articles``.

    Returns
    -------
    list of Problem
        Located by file, row and column.
    """
    links = tables["theme_articles"]
    marked = set(tables["themes_without_article"]["theme_id"])
    articles = tables["convention_articles"]
    primary = set(links.loc[links["strength"] == "primary", "theme_id"])
    problems = [Problem("themes.csv", f"theme {theme_id!r} has no primary article in theme_articles.csv and is not "
                        "listed in themes_without_article.csv", _row(index), "theme_id")
                for index, theme_id in tables["themes"]["theme_id"].items()
                if theme_id not in primary and theme_id not in marked]
    problems += [Problem("themes_without_article.csv", f"theme {theme_id!r} is marked as having no dedicated article "
                         "but has a primary row in theme_articles.csv", _row(index), "theme_id")
                 for index, theme_id in tables["themes_without_article"]["theme_id"].items() if theme_id in primary]
    groups = articles.groupby("chapter")["group"].nunique()
    problems += [Problem("convention_articles.csv", f"chapter {chapter} is put in more than one group",
                         _row(articles.index[articles["chapter"] == chapter][0]), "group")
                 for chapter in groups[groups > 1].index]
    return problems


def check_initiative_links(tables: Tables) -> list[Problem]:
    """Every initiative bears on an article or says why not, never both; a link cites its initiative's paragraph."""
    initiatives = tables["initiatives"]
    links, without = tables["initiative_articles"], tables["initiatives_without_article"]
    linked, marked = set(links["initiative_id"]), set(without["initiative_id"])
    problems = [Problem(INITIATIVES_FILE, f"initiative {i!r} has no row in initiative_articles.csv and is not listed "
                        "in initiatives_without_article.csv", _row(index), "initiative_id")
                for index, i in initiatives["initiative_id"].items() if i not in linked | marked]
    problems += [Problem("initiatives_without_article.csv", f"initiative {i!r} is listed as bearing on no article but "
                         "has rows in initiative_articles.csv", _row(index), "initiative_id")
                 for index, i in without["initiative_id"].items() if i in linked]
    paragraph = dict(zip(initiatives["initiative_id"], initiatives["source_paragraph"]))
    problems += [Problem("initiative_articles.csv", f"paragraph {p} is not the paragraph of initiative {i!r} "
                         f"({paragraph.get(i)})", _row(index), "source_paragraph")
                 for index, (i, p) in enumerate(zip(links["initiative_id"], links["source_paragraph"]))
                 if i in paragraph and paragraph[i] != p]
    return problems


Stage = tuple[tuple[set[str], Callable[[Tables], list[Problem]]], ...]

STRUCTURE_CHECKS: Stage = (
    ({"restraining_orders", "areas"}, check_area_consistency),
    ({"areas"}, check_area_nesting),
    ({"initiatives"}, check_year_ranges),
    ({"populations"}, check_population_dates),
    ({"themes", "theme_articles", "themes_without_article", "convention_articles"}, check_theme_mapping),
    ({"initiatives", "initiative_articles", "initiatives_without_article"}, check_initiative_links),
)
FIGURE_CHECKS: Stage = (
    ({"restraining_orders"}, check_measure_order),
    ({"restraining_orders", "areas"}, check_parts_within_whole),
    ({"populations", "areas"}, check_population_parts),
)
