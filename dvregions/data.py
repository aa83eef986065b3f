"""Load the book's data package (the resources of ``datapackage.json``) into typed DataFrames, validated on every load.

In a kernel of another language, the text columns readers see come in that language, after the English files
have passed validation; :meth:`Dataset.as_written` keeps the English.
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
    """The validated tables of a data folder; ``written`` holds them in English when ``tables`` are translated."""

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
        """A loaded table as its file holds it (English), so code reading its text finds the same in every edition."""
        if name not in self.tables:
            raise KeyError(f"no table {name!r} loaded; loaded: {sorted(self.tables)}")
        return self.written.get(name, self.tables[name])


def default_data_dir() -> Path:
    """The data folder: ``$DVREGIONS_DATA_DIR`` if set, else the book's ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).resolve() if override else Path(__file__).resolve().parent.parent / "data"


def load(data_dir: str | Path | None = None, tables: Iterable[str] | None = None) -> Dataset:
    """The ``tables`` of ``data_dir`` (default: all, and those they refer to), only when every check passed.

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
    frames: dict[str, pd.DataFrame] = {}
    problems = validation.check_files(folder, descriptor, names) or validation.check_schema(folder, names)
    if not problems:  # only files that passed both layers are read, and their figures checked
        frames = {name: _read_typed(folder, validation.resource_of(descriptor, name)) for name in names}
        problems = validation.check_logic(frames)
    if problems:
        raise DataValidationError(folder, problems)
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        return Dataset(data_dir=folder, tables=frames)
    translated = {name: frame.assign(**{column: i18n.translate_column(frame[column])
                                        for column in i18n.TRANSLATED_COLUMNS.get(name, ()) if column in frame})
                  for name, frame in frames.items()}
    return Dataset(data_dir=folder, tables=translated, written=frames)


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
    if unknown := wanted - set(order):
        raise ValueError(f"unknown table(s) {sorted(unknown)}; tables are {order}")
    while True:  # until the tables referred to are all wanted already ("" refers to the table itself)
        referred = {key["reference"]["resource"] for name in wanted
                    for key in validation.resource_of(descriptor, name)["schema"].get("foreignKeys", [])} - {""}
        if referred <= wanted:
            return [name for name in order if name in wanted]
        wanted |= referred


# Other Table Schema types (date, ...) stay text: the schema layer has already checked them.
_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "string": "string", "number": "Float64", "boolean": "boolean"}


def _read_typed(folder: Path, resource: dict) -> pd.DataFrame:
    """Read a validated CSV with the dtypes its Table Schema declares."""
    dtypes = {f["name"]: _PANDAS_TYPES.get(f.get("type", "string"), "string") for f in resource["schema"]["fields"]}
    # utf-8-sig: a byte-order mark, which validation accepts, must not end up in the first column's name.
    return pd.read_csv(folder / resource["path"], dtype=dtypes, keep_default_na=False, na_values=[""],
                       encoding="utf-8-sig")
