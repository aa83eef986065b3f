"""Every published number from the analysis module, against values worked out by hand from the annex figures.

Notebook tests prove a chapter reproduces; these prove its numbers are right.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dvregions import analysis, data, stats

ROOT = Path(__file__).resolve().parent.parent
WIDEST = ["Zeeland", "Friesland", "Amsterdam", "regio Leiden", "regio Gouda", "Nijmegen",
          "Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen", "Heerlen", "Rotterdam"]


@pytest.fixture(scope="module")
def dataset() -> data.Dataset:
    return data.load(ROOT / "data")


@pytest.fixture(scope="module")
def orders(dataset) -> pd.DataFrame:
    return dataset.orders


class TestFigures:
    def test_wide_keeps_gaps_as_missing(self, orders):
        table = analysis.wide(orders).set_index(["area", "year"])
        assert table.loc[("Amsterdam", 2016), "procedures_started"] == 300
        assert pd.isna(table.loc[("Leiden", 2017), "violations"])
        assert table.loc[("Rotterdam", 2017), "violations"] == 57


class TestNonOverlapping:
    def test_widest_area_per_region_from_nesting(self, dataset):
        assert analysis.non_overlapping_areas(dataset.orders, dataset.areas) == WIDEST

    def test_level_fallback_gives_the_same_set(self, orders):
        assert analysis.non_overlapping_areas(orders) == WIDEST

    def test_municipalities_inside_reported_regions_are_left_out(self, dataset):
        chosen = set(analysis.non_overlapping_areas(dataset.orders, dataset.areas))
        assert not {"Leiden", "Gouda"} & chosen
        assert {"regio Leiden", "regio Gouda"} <= chosen

    def test_a_municipality_alone_stays(self, dataset):
        # Without its region's rows, Leiden is the widest area reported for Hollands Midden.
        only = dataset.orders[dataset.orders["area"] == "Leiden"]
        assert analysis.non_overlapping_areas(only, dataset.areas) == ["Leiden"]

    def test_nesting_over_two_steps(self):
        orders = pd.DataFrame({"region_id": ["r", "r"], "area": ["Town", "Province"],
                               "area_level": ["municipality", "province"]})
        areas = pd.DataFrame({"area": ["Town", "Group", "Province"], "part_of": ["Group", "Province", None]})
        assert analysis.non_overlapping_areas(orders, areas) == ["Province"]


@pytest.fixture(scope="module")
def changes(dataset) -> pd.DataFrame:
    return analysis.year_changes(dataset.orders, areas=dataset.areas).set_index("area")


@pytest.fixture(scope="module")
def rates(orders) -> pd.DataFrame:
    return analysis.violation_rates(orders).set_index(["area", "year"])


class TestYearChanges:
    def test_family_is_every_area_with_both_years(self, changes):
        assert len(changes) == 11
        assert int(changes["non_overlapping"].sum()) == 9
        assert set(changes.index[~changes["non_overlapping"]]) == {"Leiden", "Gouda"}

    def test_zeeland_by_hand(self, changes):
        # 45 of 116 under Binomial(116, 1/2): two-sided p = 0.019880; Holm, smallest of 11: x 11 = 0.21868.
        row = changes.loc["Zeeland"]
        assert (row["earlier"], row["later"], row["change"]) == (71, 45, -26)
        assert row["ratio"] == pytest.approx(45 / 71)
        assert row["ratio_high"] < 1  # the unadjusted interval excludes no change
        assert row["p_value"] == pytest.approx(0.019880, abs=1e-6)
        assert row["p_holm"] == pytest.approx(11 * row["p_value"])
        assert not row["beyond_chance"] and row["could_be_chance"]

    def test_no_change_in_orders_survives_the_adjustment(self, changes):
        assert not changes["beyond_chance"].any()
        assert (changes["p_holm"] >= changes["p_value"]).all()

    def test_equal_counts(self, changes):
        row = changes.loc["Gouda"]
        assert row["change"] == 0 and row["p_value"] == pytest.approx(1.0) and row["p_holm"] == pytest.approx(1.0)

    def test_violations_family(self, orders):
        # Six areas state violations in both years (not Leiden). regio Gouda 0 -> 8: p = 2/256 = 0.0078125,
        # the smallest of six, x 6 = 0.046875 < 0.05. Gouda 0 -> 4: p = 2/16 = 0.125, second smallest, x 5 = 0.625.
        changes = analysis.year_changes(orders, "violations").set_index("area")
        assert sorted(changes.index) == ["Amsterdam", "Gouda", "Rotterdam", "Zeeland", "regio Gouda", "regio Leiden"]
        assert changes.loc["regio Gouda", "p_value"] == pytest.approx(2 / 256)
        assert changes.loc["regio Gouda", "p_holm"] == pytest.approx(6 * 2 / 256)
        assert changes.loc["Gouda", "p_holm"] == pytest.approx(5 * 0.125)
        assert list(changes.index[changes["beyond_chance"]]) == ["regio Gouda"]


class TestDirections:
    @pytest.mark.parametrize("area, measure, direction, phrase", [
        ("Zeeland", "orders_imposed", None, "a change in orders within what chance produces"),
        ("Gouda", "orders_imposed", None, "the same number of orders"),
        ("regio Gouda", "violations", "more", "more violations"),
        ("regio Leiden", "violations", None, "a change in violations within what chance produces"),
        ("Rotterdam", "orders_imposed", None, "a change in orders within what chance produces"),
    ])
    def test_direction_follows_the_adjusted_test(self, orders, area, measure, direction, phrase):
        assert analysis.change_direction(orders, area, measure) == direction
        noun = "orders" if measure == "orders_imposed" else "violations"
        assert analysis.change_phrase(orders, area, measure, noun) == phrase

    def test_default_noun_is_the_measure_label(self, orders):
        assert analysis.change_phrase(orders, "Heerlen", "orders_imposed") == (
            "a change in orders imposed within what chance produces")

    def test_fewer_when_the_drop_is_large(self):
        orders = pd.DataFrame({"region_id": "r", "area": "A", "area_level": "municipality",
                               "year": [2016, 2017], "measure": "orders_imposed", "value": [100, 40]})
        assert analysis.change_direction(orders, "A", "orders_imposed") == "fewer"
        assert analysis.change_phrase(orders, "A", "orders_imposed", "orders") == "fewer orders"

    def test_missing_year_is_an_error_not_chance(self, orders):
        with pytest.raises(KeyError, match="both years"):
            analysis.change_direction(orders, "Leiden", "violations")


class TestViolationRates:
    def test_area_years_with_both_figures(self, rates):
        assert len(rates) == 13
        assert ("Leiden", 2017) not in rates.index

    def test_rotterdam_by_hand(self, rates):
        # 45 violations, 261 orders: 0.1724 per order; Garwood count limits 32.8233 and 60.2135.
        row = rates.loc[("Rotterdam", 2016)]
        assert row["rate"] == pytest.approx(45 / 261)
        assert row["rate_low"] == pytest.approx(32.8233 / 261, abs=1e-6)
        assert row["rate_high"] == pytest.approx(60.2135 / 261, abs=1e-6)
        assert row["counted"] == "Known violations of the restraining order or the contact ban."

    def test_zero_violations_have_an_upper_bound(self, rates):
        # 0 violations, 36 orders: upper count limit 3.6889, so at most 0.1025 per order.
        row = rates.loc[("regio Gouda", 2016)]
        assert row["rate"] == 0 and row["rate_low"] == 0
        assert row["rate_high"] == pytest.approx(3.6889 / 36, abs=1e-5)

    def test_what_is_counted_is_each_figure_s_own_wording(self, rates):
        counted = rates["counted"]
        assert counted.loc[("Rotterdam", 2016)].startswith("Known violations")
        assert "orders that were violated" in counted.loc[("Amsterdam", 2016)]
        assert "not of orders violated" in counted.loc[("Amsterdam", 2017)]
        assert "not of orders violated" in counted.loc[("Zeeland", 2016)]


class TestCoverage:
    def test_cells_and_stated(self, dataset):
        table = analysis.coverage(dataset.orders, dataset.regions)
        # 8 regions x 3 measures x 2 years; stated: Zeeland 4, Friesland 2, Amsterdam 6, Hollands Midden 4,
        # Gelderland-Zuid 2, West Veluwe Vallei 2, Parkstad 2, Rotterdam 4 = 26.
        assert len(table) == 48
        assert int((table["figures"] > 0).sum()) == 26
        cell = table[(table["region_id"] == "hollands_midden") & (table["measure"] == "violations")
                     & (table["year"] == 2017)].iloc[0]
        assert cell["figures"] == 3 and cell["level_label"] == "Several levels"
        missing = table[(table["region_id"] == "friesland") & (table["measure"] == "violations")].iloc[0]
        assert missing["areas"] == "none" and missing["level_label"] == "Not stated"


class TestThemeMatrix:
    def test_counts_match_the_coded_rows(self, dataset):
        matrix = analysis.theme_matrix(dataset.initiatives, dataset.initiative_themes, dataset.themes,
                                       dataset.regions)
        assert matrix["initiatives"].sum() == len(dataset.initiative_themes)
        coded = dataset.initiative_themes.merge(dataset.initiatives, on="initiative_id")
        first = coded.groupby(["region_id", "theme_id"]).size().sort_index()
        got = matrix.set_index(["region_id", "theme_id"])["initiatives"].sort_index()
        assert first.to_dict() == got.to_dict()


class TestDescribe:
    def test_one_area(self, orders):
        assert analysis.describe(orders[orders["area"] == "Zeeland"]) == (
            "Orders imposed: 71 in 2016 and 45 in 2017. Violations: 4 in 2016 and 3 in 2017.")

    def test_several_areas_are_named(self, orders):
        text = analysis.describe(orders[orders["area"].isin(["Leiden", "Gouda"])])
        assert "Leiden, orders imposed: 23 in 2016 and 15 in 2017." in text
        assert "Leiden, violations: 3 in 2016." in text
        assert "Gouda, violations: 0 in 2016 and 4 in 2017." in text


@pytest.fixture(scope="module")
def per_inhabitant(dataset) -> pd.DataFrame:
    populations = analysis.populations(dataset.populations, dataset.areas)
    return analysis.population_rates(dataset.orders, populations).set_index(["area", "year"])


class TestPopulationRates:
    @pytest.mark.parametrize("area, year, orders, population, rate", [
        ("Zeeland", 2016, 71, 381_252, 1.862285),    # 71 / 38.1252 ten-thousands
        ("Rotterdam", 2017, 297, 629_606, 4.717236),  # 297 / 62.9606
        # 25 / (55,441 + 112,427 + 41,199 + 9,529 + 37,837 = 256,433) ten-thousands
        ("Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen", 2016, 25, 256_433, 0.974914),
    ])
    def test_hand_worked_rates(self, per_inhabitant, area, year, orders, population, rate):
        row = per_inhabitant.loc[(area, year)]
        assert (row["orders_imposed"], row["population"]) == (orders, population)
        assert row["rate"] == pytest.approx(rate, abs=1e-6)
        low, high = stats.poisson_rate_interval(orders, population / 10_000)
        assert (row["rate_low"], row["rate_high"]) == pytest.approx((low, high))

    def test_the_group_is_the_sum_of_its_members_and_marked_derived(self, dataset):
        table = analysis.populations(dataset.populations, dataset.areas).set_index("area")
        group = table.loc["Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen"]
        assert group["derived"] and group["population"] == 256_433
        assert not table.loc["Ede", "derived"]

    def test_no_rate_without_a_sourced_population(self, per_inhabitant):
        areas = set(per_inhabitant.index.get_level_values("area"))
        assert not areas & {"regio Leiden", "regio Gouda", "regio Amsterdam-Amstelland"}

    def test_a_year_uses_the_latest_population_on_or_before_its_first_of_january(self, dataset):
        later = dataset.populations.iloc[[0]].assign(reference_date="2017-01-01", population=400_000)
        populations = analysis.populations(pd.concat([dataset.populations, later], ignore_index=True), dataset.areas)
        rates = analysis.population_rates(dataset.orders, populations).set_index(["area", "year"])
        assert rates.loc[("Zeeland", 2016), "population"] == 381_252
        assert rates.loc[("Zeeland", 2017), "population"] == 400_000


class TestFunnel:
    def test_hand_worked_example(self, dataset):
        # Two areas of 10,000 and 40,000 people with 2 and 18 orders: pooled 4 per 10,000; expected 4 and 16;
        # z = -1 and 0.5; chi-square 1.25 on 1 df; tau^2 = 0.625 (see test_stats). The widened 95% limits at
        # 10,000 people are 4 +- 1.96 * sqrt(4 / 1 + 0.625) = 4 +- 4.215.
        rates = pd.DataFrame({"area": ["Leiden", "Gouda"], "year": [2016, 2016], "orders_imposed": [2, 18],
                              "population": [10_000, 40_000], "rate": [2.0, 4.5]})
        result = analysis.funnel(rates, dataset.areas, 2016)
        assert result.pooled == pytest.approx(4.0)
        assert result.points["z"].tolist() == pytest.approx([-1.0, 0.5])
        assert (result.chi_square, result.degrees_of_freedom) == (pytest.approx(1.25), 1)
        assert result.tau ** 2 == pytest.approx(0.625)
        low, high = analysis._limit_band(4.0, result.tau, 10_000, 0.95, "widened")
        assert (low, high) == (0.0, pytest.approx(4 + 1.959964 * 4.625 ** 0.5, abs=1e-5))
        # Plain Poisson limit at 10,000 people: expected count 4, 97.5% quantile interpolated, per 10,000.
        assert analysis._limit_band(4.0, 0, 10_000, 0.95, "poisson")[1] == pytest.approx(
            stats.poisson_quantile_limit(4.0, 0.975))

    def test_the_areas_shown_do_not_contain_one_another(self, dataset):
        populations = analysis.populations(dataset.populations, dataset.areas)
        rates = analysis.population_rates(dataset.orders, populations)
        first = int(rates["year"].min())
        result = analysis.funnel(rates, dataset.areas, first)
        assert sorted(result.points["area"]) == sorted(
            ["Zeeland", "Friesland", "Amsterdam", "Leiden", "Gouda", "Nijmegen",
             "Barneveld, Ede, Nijkerk, Scherpenzeel en Wageningen", "Heerlen", "Rotterdam"])
        # The overdispersion the annex's figures show: Pearson's chi-square near 176 on 8 degrees of freedom.
        assert result.chi_square == pytest.approx(176.4, abs=0.1)
        assert result.degrees_of_freedom == 8

    def test_an_area_inside_another_with_a_rate_is_left_out(self, dataset):
        rates = pd.DataFrame({"area": ["Leiden", "regio Leiden", "Gouda"], "year": [2016] * 3,
                              "orders_imposed": [23, 83, 15], "population": [122_561, 400_000, 71_189],
                              "rate": [1.0, 2.0, 2.1]})
        assert analysis.funnel_areas(rates, dataset.areas) == ["regio Leiden", "Gouda"]


class TestViolationRateDifferences:
    def test_one_test_a_year_over_the_non_overlapping_areas(self, dataset):
        table = analysis.violation_rate_differences(dataset.orders, dataset.areas).set_index("year")
        first = table.iloc[0]
        assert sorted(first["areas"]) == ["Amsterdam", "Rotterdam", "Zeeland", "regio Gouda", "regio Leiden"]
        assert first["degrees_of_freedom"] == 4
        assert table["p_holm"].tolist() == pytest.approx(stats.holm(table["p_value"].tolist()))
