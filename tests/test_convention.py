"""The Convention layer: the mapping tables, the derived links, their validation and the chart."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dvregions import convention, data
from dvregions.charts import convention as convention_charts
from dvregions.charts import layers

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def dataset():
    return data.load(DATA_DIR)


@pytest.fixture
def broken(tmp_path):
    """A copy of the data folder to break, one cell at a time."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; ``row`` counts data rows from 1."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    rows[row - 1][column] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _drop_rows(path: Path, keep) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if keep(r))


# --- the shipped tables ------------------------------------------------------------------


class TestTables:
    def test_package_declares_the_tables_with_keys(self):
        descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
        resources = {r["name"]: r for r in descriptor["resources"]}
        article = next(f for f in resources["convention_articles"]["schema"]["fields"] if f["name"] == "article")
        assert article["constraints"]["minimum"] == 1 and article["constraints"]["maximum"] == 81
        keys = {(k["fields"], k["reference"]["resource"]) for k in resources["theme_articles"]["schema"]["foreignKeys"]}
        assert keys == {("theme_id", "themes"), ("article", "convention_articles")}

    def test_every_theme_mapped_or_marked(self, dataset):
        primary = set(dataset.theme_articles.loc[dataset.theme_articles["strength"] == "primary", "theme_id"])
        marked = set(dataset.themes_without_article["theme_id"])
        for theme_id in dataset.themes["theme_id"]:
            assert (theme_id in primary) != (theme_id in marked), theme_id

    def test_themes_without_article_are_the_three_expected(self, dataset):
        marked = dataset.themes_without_article.set_index("theme_id")
        assert set(marked.index) == {"child_abuse", "elder_abuse", "human_trafficking"}
        assert marked.loc["child_abuse", "other_instrument"] == "CETS No. 201"
        assert marked.loc["human_trafficking", "other_instrument"] == "CETS No. 197"
        assert pd.isna(marked.loc["elder_abuse", "other_instrument"])
        assert marked["source"].str.startswith("CETS No. 210").all()

    def test_every_article_has_title_summary_and_group(self, dataset):
        articles = convention.articles(dataset)
        assert articles["article"].between(1, 81).all()
        assert articles["group_label"].notna().all()
        assert (articles["source"] == "CETS No. 210").all()
        assert articles.groupby("chapter")["group"].nunique().max() == 1
        assert set(dataset.theme_articles["article"]) <= set(articles["article"])

    def test_key_titles(self, dataset):
        titles = dataset.convention_articles.set_index("article")["title"]
        assert titles[52] == "Emergency barring orders"
        assert titles[53] == "Restraining or protection orders"
        assert titles[11] == "Data collection and research"
        assert titles[66].startswith("Group of experts")


# --- derived links, worked by hand ---------------------------------------------------------


class TestInitiativeLinks:
    def test_every_count_comes_from_the_links_read_per_initiative(self, dataset):
        links = convention.initiative_articles(dataset)
        got = set(map(tuple, links[["initiative_id", "article", "strength"]].values))
        read = set(map(tuple, dataset.initiative_articles[["initiative_id", "article", "strength"]].values))
        assert got == read
        matrix = convention.article_region_matrix(dataset)
        assert matrix["initiatives"].sum() == len(links[links["article"].isin(matrix["article"])])

    @pytest.mark.parametrize("initiative_id, expected", [
        # ze-01 Veerkracht: support for children in the shelter -> child witnesses (26) first, the shelter (23) related
        ("ze-01", {26: "primary", 23: "related"}),
        # am-17 the restraining-order work process: the emergency barring order (52); monitoring touches data (11)
        ("am-17", {52: "primary", 11: "related"}),
        # pl-02 AWARE alarm devices with support: risk management (51), the one Article 51 link
        ("pl-02", {51: "primary", 18: "related"}),
        # am-19 a forced-marriage campaign for professionals: awareness (13), not genital mutilation (38)
        ("am-19", {13: "primary", 15: "related", 37: "related"}),
        # ro-05 empowerment of women: the gender perspective (6) and empowering women (12(6))
        ("ro-05", {6: "primary", 12: "primary", 18: "related"}),
        # gz-11 a question in a residents' panel is research (11), not awareness (13)
        ("gz-11", {11: "primary", 27: "related"}),
    ])
    def test_read_by_hand(self, dataset, initiative_id, expected):
        links = convention.initiative_articles(dataset)
        got = links[links["initiative_id"] == initiative_id]
        assert dict(zip(got["article"], got["strength"])) == expected

    def test_article_51_only_for_the_alarm_devices(self, dataset):
        links = convention.initiative_articles(dataset)
        assert links.loc[links["article"] == 51, "initiative_id"].tolist() == ["pl-02"]

    def test_an_initiative_without_article_says_why(self, dataset):
        without = dataset.initiatives_without_article.set_index("initiative_id")
        assert "gz-04" in without.index and "trafficking" in without.loc["gz-04", "reason"]

    def test_rationales_are_written_one_by_one(self, dataset):
        counts = dataset.as_written("initiative_articles")["rationale"].value_counts()
        assert counts.max() <= 2, counts[counts > 2]

    def test_matrix_counts(self, dataset):
        matrix = convention.article_region_matrix(dataset).set_index(["article", "region_id"])
        assert matrix.loc[(52, "amsterdam_amstelland"), "initiatives"] == 1
        assert matrix.loc[(52, "rotterdam"), "link"] == "none"
        assert matrix.loc[(26, "zeeland"), "link"] == "primary"
        assert matrix.loc[(23, "zeeland"), "link"] == "related only"
        assert "ze-01 (para. 3)" in matrix.loc[(26, "zeeland"), "initiative_list"]
        assert len(matrix) == (dataset.convention_articles["group"] != "monitoring").sum() * len(dataset.regions)

    def test_region_articles_and_notable(self, dataset):
        table = convention.region_articles(dataset, "zeeland")
        expected = set(dataset.initiative_articles.merge(dataset.initiatives, on="initiative_id")
                       .query("region_id == 'zeeland'")["article"])
        assert set(table["article"]) == expected
        # Articles 11 and 18 tie with two primary links each in Zeeland: the sentence names both.
        assert convention.notable_article_text(dataset, "zeeland").startswith("Articles 11 (")
        assert "18 (" in convention.notable_article_text(dataset, "zeeland")
        with pytest.raises(KeyError):
            convention.region_articles(dataset, "utrecht")

    def test_region_section_lists_articles_with_initiatives(self, dataset):
        html = convention.region_section(dataset, "rotterdam").data
        assert "<strong>Art. 6 Gender-sensitive policies</strong>" in html
        assert "ro-" in html and "annex paragraph" in html
        assert "id=" not in html

    def test_theme_labels_name_other_instrument(self, dataset):
        labels = convention.theme_article_labels(dataset).set_index("theme_id")["articles"]
        assert labels["human_trafficking"] == "no dedicated article (see CETS No. 197)"
        assert labels["shelter"] == "Art. 23 (primary); Art. 22 (related)"


# --- validation -----------------------------------------------------------------------------


class TestValidation:
    def test_shipped_data_valid(self):
        assert data.validate(DATA_DIR) == []

    @pytest.mark.parametrize("value", ["82", "0"])
    def test_article_number_out_of_range(self, broken, value):
        _set_cell(broken / "convention_articles.csv", 3, "article", value)
        problems = data.validate(broken)
        text = "\n".join(str(p) for p in problems)
        assert any(p.file == "convention_articles.csv" and p.row == 3 and p.column == "article" for p in problems), text
        assert "convention_articles.csv, row 3 (line 4), column 'article'" in text

    def test_mapping_to_unknown_article(self, broken):
        _set_cell(broken / "theme_articles.csv", 1, "article", "1")
        problems = data.validate(broken)
        assert any(p.file == "theme_articles.csv" and p.row == 1 and p.column == "article" for p in problems)

    def test_mapping_to_unknown_theme(self, broken):
        _set_cell(broken / "theme_articles.csv", 2, "theme_id", "no_such_theme")
        problems = data.validate(broken)
        assert any(p.file == "theme_articles.csv" and p.row == 2 and p.column == "theme_id" for p in problems)

    def test_unknown_strength(self, broken):
        _set_cell(broken / "theme_articles.csv", 1, "strength", "strong")
        problems = data.validate(broken)
        assert any(p.column == "strength" and "primary, related" in p.message for p in problems)

    def test_theme_neither_mapped_nor_marked(self, broken):
        _drop_rows(broken / "theme_articles.csv", lambda r: r["theme_id"] != "shelter")
        problems = data.validate(broken)
        assert [(p.file, p.column) for p in problems] == [("themes.csv", "theme_id")]
        assert "'shelter'" in problems[0].message and problems[0].row == 10

    def test_theme_both_mapped_and_marked(self, broken):
        _set_cell(broken / "theme_articles.csv", 1, "theme_id", "child_abuse")  # regional_plan,7,primary
        problems = data.validate(broken)
        assert any(p.file == "themes_without_article.csv" and "child_abuse" in p.message for p in problems)


    def test_initiative_neither_linked_nor_marked(self, broken):
        _drop_rows(broken / "initiative_articles.csv", lambda r: r["initiative_id"] != "ze-03")
        problems = data.validate(broken)
        assert [(p.file, p.column) for p in problems] == [("initiatives.csv", "initiative_id")]
        assert "'ze-03' has no row in initiative_articles.csv" in problems[0].message and problems[0].row == 3

    def test_initiative_both_linked_and_marked(self, broken):
        _set_cell(broken / "initiatives_without_article.csv", 1, "initiative_id", "ze-03")
        problems = data.validate(broken)
        assert any(p.file == "initiatives_without_article.csv" and "'ze-03'" in p.message for p in problems)

    def test_link_cites_another_paragraph(self, broken):
        _set_cell(broken / "initiative_articles.csv", 1, "source_paragraph", "4")
        problems = data.validate(broken)
        assert [(p.file, p.row, p.column) for p in problems] == [("initiative_articles.csv", 1, "source_paragraph")]

    def test_link_to_an_article_the_book_does_not_list(self, broken):
        _set_cell(broken / "initiative_articles.csv", 1, "article", "19")
        problems = data.validate(broken)
        assert any(p.file == "initiative_articles.csv" and p.row == 1 and p.column == "article" for p in problems)


# --- the chart ----------------------------------------------------------------------------------


class TestChart:
    def test_spec_offline_and_described(self, dataset):
        matrix = convention.article_region_matrix(dataset)
        chart = layers.finish(
            convention_charts.article_region_matrix(matrix, dataset.regions["name_en"].tolist(),
                                                    list(convention.group_labels().values())),
            title="T", description="Articles by region", source=layers.source_line("3-21"))
        spec = chart.to_dict()
        assert spec["description"] == "Articles by region"
        text = json.dumps(spec)
        assert "http" not in text.replace(spec.get("$schema", ""), "")
        assert "Initiatives (annex paragraph)" in text

    def test_theme_matrix_tooltip_names_articles(self, dataset):
        from dvregions import analysis

        matrix = analysis.theme_matrix(dataset.initiatives, dataset.initiative_themes, dataset.themes, dataset.regions)
        matrix = matrix.merge(convention.theme_article_labels(dataset)[["theme_id", "articles"]], on="theme_id")
        spec = convention_charts.theme_matrix_with_articles(matrix, dataset.themes["label"].tolist(),
                                                            dataset.regions["name_en"].tolist()).to_dict()
        assert "Istanbul Convention articles" in json.dumps(spec)
