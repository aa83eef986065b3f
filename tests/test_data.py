"""The shipped data package, loaded as the book loads it (validation rules: test_validation.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from frictionless import Package

from dvregions import data

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
            _ = dataset.themes

    def test_unknown_table_name(self):
        with pytest.raises(ValueError, match=r"unknown table\(s\) \['orders'\]; tables are \["):
            data.load(DATA_DIR, tables=["orders"])

    def test_env_var_selects_data_dir(self, tmp_path, monkeypatch):
        copy = tmp_path / "d"
        shutil.copytree(DATA_DIR, copy)
        monkeypatch.setenv(data.DATA_DIR_ENV, str(copy))
        assert data.load().data_dir == copy.resolve()

    def test_public_names_of_the_loader(self):
        # Chapters, tests and benchmarks catch and inspect these through dvregions.data.
        from dvregions import validation

        assert data.DataValidationError is validation.DataValidationError
        assert data.Problem is validation.Problem
