"""Load the book's data package into typed DataFrames, validated on every load.

:func:`load` runs the three layers of :mod:`dvregions.validation` (files, schema, logic of the
figures) and returns nothing unless all pass. Every problem names the file, the row and the
column, so a person adding next year's figures knows exactly what to fix.

Tables come from the resources of ``datapackage.json``: a new resource with its schema is
loaded and validated without changes here. :data:`TABLES` are the ones the book needs.

The files are in English. In a kernel of another language (:mod:`dvregions.i18n`), the text
columns readers see (:data:`dvregions.i18n.TRANSLATED_COLUMNS`) come in that language, after the
files have passed validation as they are; :meth:`Dataset.as_written` keeps the English.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dvregions import i18n, inputs_log, validation
from dvregions.validation import DataValidationError, Problem

__all__ = ["DATA_DIR_ENV", "INPUTS_LOG_ENV", "TABLES", "DataValidationError", "Dataset", "Problem",
           "default_data_dir", "load", "validate"]

DATA_DIR_ENV = "DVREGIONS_DATA_DIR"
"""Environment variable that points the loader at another data folder (e.g. a copy)."""

INPUTS_LOG_ENV = inputs_log.ENV_VAR
"""See :mod:`dvregions.inputs_log`: where the loader logs every file it reads, for the build."""

TABLES = ("regions", "areas", "restraining_orders", "populations", "themes", "initiatives", "initiative_themes",
          "convention_articles", "theme_articles", "themes_without_article", "initiative_articles",
          "initiatives_without_article")
"""Resources the book needs; the descriptor may hold more."""


@dataclass(frozen=True)
class Dataset:
    """The validated tables of one data folder, as typed pandas DataFrames.

    ``tables`` hold the text columns readers see in the current language; ``written`` holds the
    tables as the files have them (English), or is empty when the two are the same.
    """

    data_dir: Path
    tables: dict[str, pd.DataFrame] = field(repr=False)
    written: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        """A loaded table by name, e.g. ``dataset.regions``."""
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table {name!r} loaded; loaded: {sorted(tables)}")

    @property
    def orders(self) -> pd.DataFrame:
        """Shorthand for the restraining-order figures."""
        return self.tables["restraining_orders"]

    def as_written(self, name: str) -> pd.DataFrame:
        """A loaded table as its file holds it, text in English whatever the language.

        For code that reads the text itself (a word search), so that its result is the same in
        every edition.

        Parameters
        ----------
        name : str
            A loaded table, e.g. ``"initiatives"``.

        Returns
        -------
        DataFrame

        Raises
        ------
        KeyError
            When ``name`` is not a loaded table.
        """
        if name not in self.tables:
            raise KeyError(f"no table {name!r} loaded; loaded: {sorted(self.tables)}")
        return self.written.get(name, self.tables[name])


def default_data_dir() -> Path:
    """The data folder: ``$DVREGIONS_DATA_DIR`` if set, else the book's ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent / "data"


def load(data_dir: str | Path | None = None, tables: Iterable[str] | None = None) -> Dataset:
    """Validate and load tables of a data folder.

    Parameters
    ----------
    data_dir
        Folder holding ``datapackage.json`` (default: :func:`default_data_dir`).
    tables
        Tables to load (default: every resource of the descriptor); the tables they refer to
        through foreign keys are loaded and checked with them.

    Returns
    -------
    Dataset
        The typed tables, only when every check passed.

    Raises
    ------
    DataValidationError
        Listing every problem found, located by file, row and column.
    ValueError
        If ``tables`` names a table the descriptor does not have.
    """
    folder = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    descriptor = validation.read_descriptor(folder, required=TABLES)
    names = _with_references(descriptor, tables)
    problems = validation.check_files(folder, descriptor, names) or validation.check_schema(folder, names)
    if problems:
        raise DataValidationError(folder, problems)
    frames = {name: _read_typed(folder, validation.resource_of(descriptor, name)) for name in names}
    problems = validation.check_logic(frames)
    if problems:
        raise DataValidationError(folder, problems)
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return Dataset(data_dir=folder, tables=frames)
    return Dataset(data_dir=folder, tables=_in_language(frames), written=frames)


def _in_language(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Copies of validated tables whose reader-facing text columns are in the current language."""
    translated = {}
    for name, frame in frames.items():
        columns = [column for column in i18n.TRANSLATED_COLUMNS.get(name, ()) if column in frame.columns]
        translated[name] = frame.assign(**{column: i18n.translate_column(frame[column]) for column in columns})
    return translated


def validate(data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem in a data folder (empty when it is valid)."""
    try:
        load(data_dir)
    except DataValidationError as error:
        return error.problems
    return []


def _with_references(descriptor: dict, tables: Iterable[str] | None) -> list[str]:
    """The requested tables plus every table they reach through foreign keys, in package order."""
    order = [resource["name"] for resource in descriptor["resources"]]
    wanted = set(order if tables is None else tables)
    unknown = wanted - set(order)
    if unknown:
        raise ValueError(f"unknown table(s) {sorted(unknown)}; tables are {order}")
    pending = list(wanted)
    while pending:
        schema = validation.resource_of(descriptor, pending.pop())["schema"]
        for key in schema.get("foreignKeys", []):
            target = key["reference"]["resource"]
            if target and target not in wanted:
                wanted.add(target)
                pending.append(target)
    return [name for name in order if name in wanted]


# Other Table Schema types (date, ...) stay text: the schema layer has already checked them.
_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "string": "string", "number": "Float64", "boolean": "boolean"}


def _read_typed(folder: Path, resource: dict) -> pd.DataFrame:
    """Read a validated CSV with the dtypes its Table Schema declares."""
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields}
    # utf-8-sig: a byte-order mark, which validation accepts, must not end up in the first column's name.
    frame = pd.read_csv(folder / resource["path"], dtype=dtypes, keep_default_na=False, na_values=[""],
                        encoding="utf-8-sig")
    return frame[[f["name"] for f in fields]]
