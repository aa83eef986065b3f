"""Intervals and tests against published reference values, hand-worked values and their defining properties."""

import math

import pytest
from scipy.stats import poisson

from dvregions import stats
from dvregions.stats import holm, poisson_rate_interval, poisson_ratio_interval, poisson_ratio_p_value, wilson_interval


class TestWilsonInterval:
    def test_reference_value(self):
        # Wilson 95% interval for 4 of 71 (Zeeland 2016), worked by hand from the closed form:
        # centre = (p + z^2/2n) / (1 + z^2/n) = 0.079110; half-width = 0.056985.
        low, high = wilson_interval(4, 71)
        assert low == pytest.approx(0.022125, abs=2e-6)
        assert high == pytest.approx(0.136095, abs=2e-6)

    @pytest.mark.parametrize("k, n, low, high", [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ])
    def test_published_reference_values(self, k, n, low, high):
        got = wilson_interval(k, n)
        assert got[0] == pytest.approx(low, abs=6e-5)
        assert got[1] == pytest.approx(high, abs=6e-5)

    def test_zero_successes_has_zero_lower_bound_and_positive_upper(self):
        low, high = wilson_interval(0, 36)
        assert low == 0.0 and 0 < high < 0.15

    def test_contains_the_observed_share(self):
        for k, n in [(3, 23), (31, 236), (57, 297), (8, 30)]:
            low, high = wilson_interval(k, n)
            assert low < k / n < high

    def test_narrows_with_more_trials(self):
        narrow = wilson_interval(100, 1000)
        wide = wilson_interval(10, 100)
        assert narrow[1] - narrow[0] < wide[1] - wide[0]

    @pytest.mark.parametrize("k, n", [(5, 0), (-1, 10), (11, 10)])
    def test_rejects_impossible_counts(self, k, n):
        with pytest.raises(ValueError, match="must"):
            wilson_interval(k, n)


class TestPoissonRateInterval:
    @pytest.mark.parametrize("k, low, high", [
        # Exact (Garwood) 95% limits for a Poisson count, as tabulated e.g. by Ulm (1990),
        # American Journal of Epidemiology 131:373-375; 0 -> 3.689 is the familiar "rule of 3.7".
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (4, 1.0899, 10.2416),
        (10, 4.7954, 18.3904),
    ])
    def test_published_reference_values(self, k, low, high):
        got = poisson_rate_interval(k)
        assert got[0] == pytest.approx(low, abs=6e-5)
        assert got[1] == pytest.approx(high, abs=6e-5)

    def test_exposure_divides_the_bounds(self):
        # Rotterdam 2016: 45 violations, 261 orders; count limits 32.8233 and 60.2135, worked from chi-square quantiles.
        low, high = poisson_rate_interval(45, 261)
        assert low == pytest.approx(32.8233 / 261, abs=1e-6)
        assert high == pytest.approx(60.2135 / 261, abs=1e-6)

    def test_tail_probabilities_at_the_bounds(self):
        low, high = poisson_rate_interval(9)
        assert poisson.sf(8, low) == pytest.approx(0.025, abs=1e-9)
        assert poisson.cdf(9, high) == pytest.approx(0.025, abs=1e-9)

    def test_may_exceed_one_per_unit(self):
        # More events than units (several violations of one order) is a valid rate, not an impossible share.
        low, high = poisson_rate_interval(12, 10)
        assert low < 1.2 < high

    @pytest.mark.parametrize("count, exposure", [(-1, 10), (3, 0)])
    def test_rejects_impossible_inputs(self, count, exposure):
        with pytest.raises(ValueError, match="must"):
            poisson_rate_interval(count, exposure)


class TestPoissonRatioPValue:
    def test_hand_worked_small_case(self):
        # 0 against 8: P(X = 0) = P(X = 8) = 1/256 under Binomial(8, 1/2); two-sided p = 2/256.
        assert poisson_ratio_p_value(8, 0) == pytest.approx(2 / 256)
        assert poisson_ratio_p_value(0, 8) == pytest.approx(2 / 256)

    def test_hand_worked_four_against_none_and_equal_counts(self):
        # 4 against 0: two-sided p = 2/16; 15 against 15: p = 1.
        assert poisson_ratio_p_value(4, 0) == pytest.approx(0.125)
        assert poisson_ratio_p_value(15, 15) == pytest.approx(1.0)

    @pytest.mark.parametrize("later, earlier", [(45, 71), (297, 261), (14, 25), (8, 0), (7, 14), (30, 36)])
    def test_agrees_with_the_interval(self, later, earlier):
        low, high = poisson_ratio_interval(later, earlier)
        assert (poisson_ratio_p_value(later, earlier) < 0.05) == (high < 1 or low > 1)

    def test_zeeland_is_nominally_below_five_percent(self):
        assert poisson_ratio_p_value(45, 71) == pytest.approx(0.01988, abs=1e-5)


class TestHolm:
    def test_hand_worked_values(self):
        # Sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04, raised to 0.06.
        assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])

    def test_caps_at_one_and_keeps_order(self):
        assert holm([0.5, 0.2, 0.9]) == pytest.approx([1.0, 0.6, 1.0])

    def test_single_test_is_unchanged(self):
        assert holm([0.0199]) == pytest.approx([0.0199])

    def test_ties(self):
        assert holm([0.02, 0.02]) == pytest.approx([0.04, 0.04])

    def test_zeeland_in_a_family_of_eleven(self):
        # 0.019880 x 11 = 0.2187: the smallest p-value of eleven, not below 0.05 after adjustment.
        assert holm([0.019880] + [0.5] * 10)[0] == pytest.approx(0.21868, abs=1e-5)

    def test_never_smaller_than_unadjusted(self):
        p = [0.001, 0.2, 0.03, 0.04, 0.7]
        assert all(a >= u for a, u in zip(holm(p), p))

    def test_empty_and_invalid(self):
        assert holm([]) == []
        with pytest.raises(ValueError, match="must"):
            holm([1.2])


class TestPoissonRatioInterval:
    def test_equal_counts_contain_one(self):
        low, high = poisson_ratio_interval(15, 15)
        assert low < 1 < high

    def test_large_drop_excludes_one(self):
        low, high = poisson_ratio_interval(45, 71)
        assert high < 1

    def test_coverage_of_the_bounds(self):
        # At the lower bound r_L, P(X >= later | total) = alpha/2 for the conditional binomial.
        later, earlier = 297, 261
        low, high = poisson_ratio_interval(later, earlier)
        share_low = low / (1 + low)
        from scipy.stats import binom
        assert binom.sf(later - 1, later + earlier, share_low) == pytest.approx(0.025, abs=1e-6)
        share_high = high / (1 + high)
        assert binom.cdf(later, later + earlier, share_high) == pytest.approx(0.025, abs=1e-6)

    def test_zero_in_later_year(self):
        low, high = poisson_ratio_interval(0, 10)
        assert low == 0.0 and math.isfinite(high)

    def test_zero_in_earlier_year_is_unbounded_above(self):
        low, high = poisson_ratio_interval(5, 0)
        assert low > 0 and high == math.inf

    def test_rejects_no_events(self):
        with pytest.raises(ValueError, match="at least one"):
            poisson_ratio_interval(0, 0)

    def test_simulated_coverage_is_at_least_nominal(self):
        # Exact (conservative) intervals cover the true ratio at least 95% of the time.
        import numpy as np
        rng = np.random.default_rng(7)
        covered = 0
        for later, earlier in zip(poisson.rvs(30, size=400, random_state=rng), poisson.rvs(40, size=400, random_state=rng)):
            low, high = poisson_ratio_interval(int(later), int(earlier))
            covered += low <= 0.75 <= high
        assert covered / 400 >= 0.93


@pytest.mark.parametrize(("later", "earlier"), [(0, 8), (8, 0), (3, 9), (9, 3), (45, 71), (71, 45), (15, 15),
                                                (1, 1), (263, 201), (4, 25)])
def test_textbook_forms_agree_with_scipy_stats(later, earlier):
    """The methods written from scipy.special give what scipy.stats computes."""
    from scipy.stats import binomtest, chi2

    trials = later + earlier
    wilson = binomtest(later, trials).proportion_ci(method="wilson")
    assert stats.wilson_interval(later, trials) == pytest.approx((wilson.low, wilson.high), abs=1e-12)
    exact = binomtest(later, trials).proportion_ci(method="exact")
    assert stats.clopper_pearson_interval(later, trials) == pytest.approx((exact.low, exact.high), abs=1e-12)
    p_value = binomtest(later, trials, 0.5, alternative="two-sided").pvalue
    assert stats.poisson_ratio_p_value(later, earlier) == pytest.approx(p_value, rel=1e-9)
    low = chi2.ppf(0.025, 2 * later) / 2 if later else 0.0
    assert stats.poisson_rate_interval(later) == pytest.approx((low, chi2.ppf(0.975, 2 * later + 2) / 2), rel=1e-9)


def _poisson_cdf(count: int, mean: float) -> float:
    """P(X <= count) summed term by term, independent of SciPy."""
    return sum(math.exp(-mean) * mean ** k / math.factorial(k) for k in range(count + 1))


class TestPoissonQuantileLimit:
    def test_worked_example(self):
        # Mean 10, upper 97.5% limit: P(X <= 16) = 0.97296 < 0.975 <= P(X <= 17) = 0.98572, so r = 17, and the
        # limit moves down by (0.98572 - 0.975) / P(X = 17) = 0.01072 / 0.01276 = 0.840, to 16.160.
        assert stats.poisson_quantile_limit(10, 0.975) == pytest.approx(16.160, abs=1e-3)

    @pytest.mark.parametrize("mean, probability", [(10, 0.025), (2.5, 0.999), (100, 0.001), (0.3, 0.975)])
    def test_matches_the_interpolation_formula(self, mean, probability):
        count = 0
        while _poisson_cdf(count, mean) < probability:
            count += 1
        at, below = _poisson_cdf(count, mean), _poisson_cdf(count - 1, mean) if count else 0.0
        assert stats.poisson_quantile_limit(mean, probability) == pytest.approx(
            count - (at - probability) / (at - below), rel=1e-9)

    @pytest.mark.parametrize("mean, probability, message", [
        (0, 0.5, "expected must be positive"), (5, 1.0, "probability must lie between 0 and 1")])
    def test_rejects_impossible_inputs(self, mean, probability, message):
        with pytest.raises(ValueError, match=message):
            stats.poisson_quantile_limit(mean, probability)


class TestBetweenUnitVariance:
    def test_worked_example(self):
        # z = (-1, 0.5): chi-square 1.25 on 1 degree of freedom; weights 0.25 and 1 give
        # 1.25 - 1.0625 / 1.25 = 0.4, so tau^2 = (1.25 - 1) / 0.4 = 0.625.
        assert stats.between_unit_variance([-1, 0.5], [0.25, 1]) == pytest.approx(0.625)

    def test_no_overdispersion_gives_zero(self):
        assert stats.between_unit_variance([0.1, -0.2, 0.3], [1, 2, 3]) == 0.0

    def test_needs_a_weight_per_unit(self):
        with pytest.raises(ValueError, match="need at least two units, each with a weight"):
            stats.between_unit_variance([1.0], [1.0])


class TestPoissonDeviance:
    def test_worked_example(self):
        # 0 of 10 and 10 of 10 exposures: pooled rate 0.5, expected 5 each; G^2 = 2 * 10 * ln(10 / 5).
        assert stats.poisson_deviance([0, 10], [10, 10]) == pytest.approx(20 * math.log(2))

    def test_equal_rates_give_zero(self):
        assert stats.poisson_deviance([3, 6], [10, 20]) == pytest.approx(0.0)

    def test_chi_square_p_value(self):
        # The 95th percentile of a chi-square on 4 degrees of freedom is 9.4877.
        assert stats.chi_square_p_value(9.4877, 4) == pytest.approx(0.05, abs=1e-5)
        with pytest.raises(ValueError, match="degrees_of_freedom must be at least 1"):
            stats.chi_square_p_value(1.0, 0)
