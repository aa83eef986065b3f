"""Intervals against published reference values and their defining properties."""

import math

import pytest
from scipy.stats import poisson

from dvregions.stats import poisson_ratio_interval, wilson_interval


class TestWilsonInterval:
    def test_reference_value(self):
        # Wilson 95% interval for 4 of 71 (Zeeland 2016), worked by hand from the closed form:
        # centre = (p + z^2/2n) / (1 + z^2/n) = 0.079110; half-width = 0.056985.
        low, high = wilson_interval(4, 71)
        assert low == pytest.approx(0.022125, abs=2e-6)
        assert high == pytest.approx(0.136095, abs=2e-6)

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
