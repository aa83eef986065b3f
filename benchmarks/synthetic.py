"""A synthetic national data set in the book's CSV schema, for scale tests only.

35 centrumgemeente regions and 342 municipalities (times ``scale``), 17 years (2009-2025, the
span validation accepts), the three restraining-order measures with procedures_started >= orders_imposed >= violations, and
region rows that are the sums of their municipalities (so every logic check holds).
Magnitudes follow the real ones: a few to a few hundred orders per municipality per year.
Fixed seed: the same call always writes the same bytes. None of it describes a real place.
"""

from __future__ import annotations

import csv
import shutil
import string
from pathlib import Path

import numpy as np

REGIONS = 35
MUNICIPALITIES = 342
FIRST_YEAR = 2009
YEARS = 17
SEED = 20260101
PROVINCES = (
    "Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland",
    "Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
)


def letters(index: int, width: int = 2) -> str:
    """``0 -> 'aa'``, ``1 -> 'ab'``: ids must be letters only (schema pattern ``[a-z][a-z_]*``)."""
    out = ""
    for _ in range(width):
        index, rest = divmod(index, 26)
        out = string.ascii_lowercase[rest] + out
    return out


def header(repo_data: Path, name: str) -> list[str]:
    """Column order of the repo's own CSV, so the synthetic files follow the live schema."""
    with open(repo_data / name, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def write_rows(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate(out: Path, repo_data: Path, scale: int = 1, seed: int = SEED) -> int:
    """Write the data folder ``out``; return the number of restraining-order rows."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo_data / "datapackage.json", out / "datapackage.json")
    # Themes and the Convention mapping are not regional data: the national set keeps the book's own.
    for name in ("themes.csv", "convention_articles.csv", "theme_articles.csv", "themes_without_article.csv"):
        shutil.copy(repo_data / name, out / name)
    first_theme = next(csv.DictReader(open(repo_data / "themes.csv", encoding="utf-8")))["theme_id"]

    region_rows, area_rows, initiative_rows, link_rows = [], [], [], []
    for r in range(REGIONS):
        region_id = f"synthetic_{letters(r)}"
        region_rows.append({"region_id": region_id, "name_en": f"Synthetic region {letters(r).upper()}",
                            "name_nl": f"Synthetische regio {letters(r).upper()}",
                            "province": PROVINCES[r % len(PROVINCES)], "source_paragraphs": "1"})
        area_rows.append({"area": f"Synthetic region {letters(r).upper()}", "area_level": "centrumgemeente_region",
                          "region_id": region_id, "source_paragraph": 1})
        # one initiative per region keeps the initiative tables non-empty and their keys valid
        initiative_rows.append({"initiative_id": f"{letters(r)}-01", "region_id": region_id,
                                "description": "Synthetic initiative.", "source_paragraph": 1})
        link_rows.append({"initiative_id": f"{letters(r)}-01", "theme_id": first_theme})

    municipalities = MUNICIPALITIES * scale
    region_of = np.sort(rng.integers(0, REGIONS, municipalities))
    region_of[:REGIONS] = np.arange(REGIONS)  # every region gets at least one municipality
    region_of.sort()
    # procedures per year: lognormal, median ~25, from a few to several hundred
    base = np.clip(rng.lognormal(mean=3.2, sigma=1.0, size=municipalities), 5, 800)
    trend = 1 + 0.02 * (np.arange(YEARS) - YEARS / 2)
    procedures = rng.poisson(base[:, None] * trend[None, :])
    orders = rng.binomial(procedures, 0.8)
    violations = rng.binomial(orders, 0.12)
    # about 2.5 orders per 10,000 inhabitants, with the spread between areas the annex's figures show
    populations = np.round(base * 0.8 * 10_000 / 2.5 * rng.lognormal(0, 0.4, municipalities)).astype(np.int64)

    seen_regions: set[int] = set()
    for m in range(municipalities):
        r = int(region_of[m])
        area_rows.append({"area": f"Municipality {m + 1:06d}", "area_level": "municipality",
                          "region_id": f"synthetic_{letters(r)}", "part_of": f"Synthetic region {letters(r).upper()}",
                          "centrumgemeente": "" if r in seen_regions else "stated", "source_paragraph": 1})
        seen_regions.add(r)

    order_rows = []
    measures = {"procedures_started": procedures, "orders_imposed": orders, "violations": violations}
    years = FIRST_YEAR + np.arange(YEARS)
    for measure, values in measures.items():
        region_totals = np.zeros((REGIONS, YEARS), dtype=np.int64)
        np.add.at(region_totals, region_of, values)
        for r in range(REGIONS):
            for y, year in enumerate(years):
                order_rows.append(_order(f"synthetic_{letters(r)}", f"Synthetic region {letters(r).upper()}",
                                         "centrumgemeente_region", int(year), measure, int(region_totals[r, y])))
        for m in range(municipalities):
            r = int(region_of[m])
            for y, year in enumerate(years):
                order_rows.append(_order(f"synthetic_{letters(r)}", f"Municipality {m + 1:06d}", "municipality",
                                         int(year), measure, int(values[m, y])))

    population_rows = [{"area": f"Municipality {m + 1:06d}", "reference_date": f"{FIRST_YEAR}-01-01",
                        "population": int(populations[m]), "definition": "registered_population_1_january",
                        "source": "cbs37713", "source_table": "37713", "cbs_code": f"GM{m % 10_000:04d}"}
                       for m in range(municipalities)]
    write_rows(out / "populations.csv", header(repo_data, "populations.csv"), population_rows)
    write_rows(out / "initiatives_without_article.csv", header(repo_data, "initiatives_without_article.csv"),
               [{"initiative_id": row["initiative_id"], "reason": "A synthetic initiative reads no article."}
                for row in initiative_rows])
    write_rows(out / "initiative_articles.csv", header(repo_data, "initiative_articles.csv"), [])
    write_rows(out / "regions.csv", header(repo_data, "regions.csv"), region_rows)
    write_rows(out / "areas.csv", header(repo_data, "areas.csv"), area_rows)
    write_rows(out / "restraining_orders.csv", header(repo_data, "restraining_orders.csv"), order_rows)
    write_rows(out / "initiatives.csv", header(repo_data, "initiatives.csv"), initiative_rows)
    write_rows(out / "initiative_themes.csv", header(repo_data, "initiative_themes.csv"), link_rows)
    return len(order_rows)


def _order(region_id: str, area: str, level: str, year: int, measure: str, value: int) -> dict:
    return {"region_id": region_id, "area": area, "area_level": level, "year": year, "measure": measure,
            "value": value, "source": "annex3", "source_paragraph": 1, "basis": "stated"}
