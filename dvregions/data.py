"""Load the book's data package into typed DataFrames, validated on every load.

Validation runs in two stages and nothing is returned unless both pass:

1. the file layer and the Table Schema in ``datapackage.json`` (files present, UTF-8,
   not empty, columns, types, constraints, primary and foreign keys), checked by the
   ``frictionless`` validator;
2. the logic of the figures (see :mod:`dvregions.checks`), checked on the typed tables.

Every problem names the file, the row and the column, so a person adding next year's
figures knows exactly what to fix.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

DATA_DIR_ENV = "DVREGIONS_DATA_DIR"
"""Environment variable that points the loader at another data folder (e.g. a copy)."""

INPUTS_LOG_ENV = "DVREGIONS_INPUTS_LOG"
"""When set, the absolute path of every file the loader reads is appended to this file,
one per line, so the build knows which notebooks read which data files."""

DESCRIPTOR = "datapackage.json"
MAX_PROBLEMS = 50

TABLES = ("regions", "areas", "restraining_orders", "themes", "initiatives", "initiative_themes")


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
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        elif self.column is not None:
            where.append("header")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(ValueError):
    """Raised when a data folder fails validation; ``problems`` lists every problem found."""

    def __init__(self, data_dir: Path, problems: list[Problem]):
        self.data_dir = data_dir
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in {data_dir}:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Dataset:
    """The validated tables of one data folder, as typed pandas DataFrames."""

    data_dir: Path
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table {name!r} loaded; loaded: {sorted(tables)}")

    @property
    def orders(self) -> pd.DataFrame:
        """Shorthand for the restraining-order figures."""
        return self.tables["restraining_orders"]


def default_data_dir() -> Path:
    """The data folder: ``$DVREGIONS_DATA_DIR`` if set, else the book's ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent / "data"


def load(data_dir: str | Path | None = None, tables: Iterable[str] | None = None) -> Dataset:
    """Validate and load tables of a data folder.

    ``tables`` selects tables to load (default: all); the tables they refer to through
    foreign keys are loaded and checked with them. Raises :class:`DataValidationError`
    listing every problem, and returns nothing half-loaded.
    """
    folder = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    descriptor, problems = _read_descriptor(folder)
    if problems:
        raise DataValidationError(folder, problems)
    names = _with_references(descriptor, tables)
    problems = _check_files(folder, descriptor, names) or _check_schema(folder, names)
    if problems:
        raise DataValidationError(folder, problems[:MAX_PROBLEMS])
    frames = {name: _read_typed(folder, _resource(descriptor, name)) for name in names}

    from dvregions import checks  # local import: checks imports this module's Problem

    problems = checks.check_logic(frames)
    if problems:
        raise DataValidationError(folder, problems[:MAX_PROBLEMS])
    return Dataset(data_dir=folder, tables=frames)


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem in a data folder (empty when it is valid)."""
    try:
        load(data_dir)
    except DataValidationError as error:
        return error.problems
    return []


def _log_read(path: Path) -> None:
    log = os.environ.get(INPUTS_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{path.resolve()}\n")


def _read_descriptor(folder: Path) -> tuple[dict, list[Problem]]:
    path = folder / DESCRIPTOR
    if not folder.is_dir():
        return {}, [Problem(str(folder), "data folder not found")]
    if not path.is_file():
        return {}, [Problem(DESCRIPTOR, f"file not found in {folder}")]
    _log_read(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, [Problem(DESCRIPTOR, f"not valid UTF-8 JSON: {error}")]
    known = {r.get("name") for r in descriptor.get("resources", [])}
    missing = [name for name in TABLES if name not in known]
    if missing:
        return {}, [Problem(DESCRIPTOR, f"resource(s) missing: {', '.join(missing)}")]
    return descriptor, []


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _with_references(descriptor: dict, tables: Iterable[str] | None) -> list[str]:
    """The requested tables plus every table they reach through foreign keys, in package order."""
    wanted = set(TABLES if tables is None else tables)
    unknown = wanted - set(TABLES)
    if unknown:
        raise ValueError(f"unknown table(s) {sorted(unknown)}; tables are {list(TABLES)}")
    pending = list(wanted)
    while pending:
        schema = _resource(descriptor, pending.pop())["schema"]
        for key in schema.get("foreignKeys", []):
            target = key["reference"]["resource"]
            if target and target not in wanted:
                wanted.add(target)
                pending.append(target)
    return [name for name in TABLES if name in wanted]


def _check_files(folder: Path, descriptor: dict, names: list[str]) -> list[Problem]:
    """File-level problems: missing, empty or not UTF-8 (reported with the line of the first bad byte)."""
    problems = []
    for name in names:
        relative = _resource(descriptor, name)["path"]
        path = folder / relative
        if not path.is_file():
            problems.append(Problem(relative, "file not found"))
            continue
        _log_read(path)
        raw = path.read_bytes()
        if not raw.strip():
            problems.append(Problem(relative, "file is empty (expected a header row and data rows)"))
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            row = line - 1 if line > 1 else None
            problems.append(
                Problem(relative, f"not UTF-8: byte 0x{raw[error.start]:02x} on line {line} cannot be decoded; "
                        "save the file as UTF-8", row=row)
            )
    return problems


def _check_schema(folder: Path, names: list[str]) -> list[Problem]:
    """Schema problems found by the frictionless validator, located by file, row and column."""
    from frictionless import Package

    package = Package(str(folder / DESCRIPTOR))
    problems = []
    for name in names:
        resource = package.get_resource(name)
        report = resource.validate(limit_errors=MAX_PROBLEMS)
        for error in report.tasks[0].errors if report.tasks else report.errors:
            problems.append(_problem_from(resource.path, resource.schema, error))
    return problems


def _problem_from(file: str, schema, error) -> Problem:
    """Turn a frictionless error into a Problem with a plain-English message."""
    line = getattr(error, "row_number", None)
    row = line - 1 if line else None
    column = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    kind = error.type
    if kind in ("foreign-key",):
        column = ", ".join(error.field_names)
        values = ", ".join(repr(v) for v in error.field_cells)
        message = f"{values} is not a known {', '.join(error.reference_field_names)} in {error.reference_name or 'this table'}"
    elif kind == "primary-key":
        column = ", ".join(schema.primary_key)
        first = re.search(r"position \"?(\d+)", error.note)
        earlier = f"row {int(first.group(1)) - 1}" if first else "an earlier row"
        message = f"duplicate row: same {column} as {earlier}"
    elif kind == "type-error":
        field = schema.get_field(column)
        message = f"{cell!r} is not a valid {field.type}"
    elif kind == "constraint-error":
        message = _constraint_message(cell, error.note)
    elif kind in ("missing-label", "incorrect-label", "extra-label", "duplicate-label", "blank-label"):
        found = getattr(error, "label", None)
        found_text = f"found {found!r}" if found else "column missing"
        message = f"{error.title.lower()} ({found_text}); expected the columns {', '.join(schema.field_names)}"
        column = column or found
    elif kind == "missing-cell":
        message = "value missing (the row has too few cells)"
    elif kind == "extra-cell":
        message = "the row has more cells than there are columns"
    else:
        message = error.message
    return Problem(file, message, row=row, column=column)


def _constraint_message(cell: object, note: str) -> str:
    """Rephrase frictionless's 'constraint "enum" is "[...]"' notes for people."""
    match = re.fullmatch(r'constraint "(\w+)" is "(.*)"', note)
    if not match:
        return f"{cell!r} breaks a rule: {note}"
    rule, limit = match.groups()
    if rule == "enum":
        allowed = ", ".join(ast.literal_eval(limit))
        return f"{cell!r} is not one of the allowed values: {allowed}"
    if rule == "required":
        return "a value is required here"
    phrases = {"minimum": "is below the minimum", "maximum": "is above the maximum", "pattern": "does not match the pattern",
               "unique": "must be unique", "minLength": "is shorter than", "maxLength": "is longer than"}
    return f"{cell!r} {phrases.get(rule, 'breaks the rule ' + rule)} {limit}".rstrip()


_PANDAS_TYPES = {"integer": "Int64", "string": "string", "number": "Float64", "boolean": "boolean"}


def _read_typed(folder: Path, resource: dict) -> pd.DataFrame:
    """Read a validated CSV with the dtypes its Table Schema declares."""
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES[f.get("type", "string")] for f in fields}
    frame = pd.read_csv(folder / resource["path"], dtype=dtypes, keep_default_na=False, na_values=[""],
                        encoding="utf-8")
    return frame[[f["name"] for f in fields]]
