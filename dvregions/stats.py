"""Intervals and tests for honest comparisons of small counts.

The distributions are SciPy's special functions (``scipy.special``: normal, beta and gamma
quantiles, the binomial distribution); this module writes each method in its textbook form from
them, checks the inputs and maps the result to the quantity the book reports. ``scipy.stats``
would give the same numbers (the tests compare with it and with published tables) but costs
a third of a second more to import in every chapter that tests. The intervals and tests describe chance variation
in counts; they say nothing about differences in how regions record or report their figures.

- :func:`wilson_interval`: a proportion (k of n things that either happen or not) (Wilson 1927).
- :func:`poisson_rate_interval`: a count of events per unit of exposure, when one unit can
  produce several events, such as violations per order imposed (exact Garwood interval)
  (Garwood 1936).
- :func:`poisson_ratio_interval` and :func:`poisson_ratio_p_value`: the ratio of two counts,
  later year to earlier year, by the exact conditional binomial method.
- :func:`holm`: Holm's step-down adjustment of a family of p-values (Holm 1979).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / trials`` (no continuity correction).

    Only for a true proportion: each of the ``trials`` counts at most once among the
    ``successes``. A count of events that can happen several times per unit is a rate; use
    :func:`poisson_rate_interval` for it.
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    from scipy.special import ndtri

    z = float(ndtri(1 - (1 - confidence) / 2))
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def poisson_rate_interval(count: int, exposure: float = 1.0, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson rate ``count / exposure``.

    The bounds for the expected count are the chi-square quantiles ``chi2(alpha/2; 2k) / 2`` and
    ``chi2(1 - alpha/2; 2k + 2) / 2`` (the lower bound is 0 when ``count`` is 0); dividing by the
    exposure gives the bounds for the rate. With orders imposed as the exposure, the result is
    violations per order, which may exceed 1 because one order can be violated more than once.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if exposure <= 0:
        raise ValueError("exposure must be positive")
    alpha = 1 - confidence
    from scipy.special import gammaincinv

    # chi2(q; 2k) / 2 is the q-quantile of a gamma distribution with shape k.
    low = gammaincinv(count, alpha / 2) if count > 0 else 0.0
    high = gammaincinv(count + 1, 1 - alpha / 2)
    return float(low) / exposure, float(high) / exposure


def clopper_pearson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial share, from beta quantiles."""
    from scipy.special import betaincinv

    alpha = 1 - confidence
    low = betaincinv(successes, trials - successes + 1, alpha / 2) if successes > 0 else 0.0
    high = betaincinv(successes + 1, trials - successes, 1 - alpha / 2) if successes < trials else 1.0
    return float(low), float(high)


def _check_pair(later: int, earlier: int) -> None:
    if later < 0 or earlier < 0:
        raise ValueError("counts must not be negative")
    if later + earlier == 0:
        raise ValueError("at least one count must be positive")


def poisson_ratio_interval(later: int, earlier: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact interval for the ratio of two Poisson counts over equal periods, ``later / earlier``.

    Conditional on the total, ``later`` is binomial with share ``r / (1 + r)``; the
    Clopper-Pearson bounds for that share map back to bounds for the ratio
    ``r``. An interval that contains 1 means the change could well be chance. This interval is
    not adjusted for multiple comparisons.
    """
    _check_pair(later, earlier)
    low_share, high_share = clopper_pearson_interval(int(later), int(later + earlier), confidence)
    low = low_share / (1 - low_share)
    high = high_share / (1 - high_share) if high_share < 1 else float("inf")
    return low, high


def poisson_ratio_p_value(later: int, earlier: int) -> float:
    """Two-sided exact p-value for "no change" between two Poisson counts over equal periods.

    The conditional binomial test of ``later`` out of ``later + earlier`` against a share of 1/2
    (as ``scipy.stats.binomtest`` computes it). Under that null the binomial is symmetric, so the p-value is below
    ``1 - confidence`` exactly when :func:`poisson_ratio_interval` excludes 1.
    """
    _check_pair(later, earlier)
    from scipy.special import bdtr

    trials = later + earlier
    if 2 * later == trials:
        return 1.0
    # Symmetric under the null: twice the smaller tail, P(X <= min(k, n - k)).
    return min(1.0, 2 * float(bdtr(min(later, earlier), trials, 0.5)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given.

    Sort the m p-values from smallest to largest; the i-th smallest (i from 1) is multiplied by
    ``m - i + 1``, capped at 1, and made no smaller than the adjusted value before it. A test
    whose adjusted p-value is below 0.05 is rejected with a family-wise error rate of at most 5%,
    whatever the dependence between the tests (so areas that contain each other may share a family).
    """
    values = [float(p) for p in p_values]
    if any(not 0 <= p <= 1 for p in values):
        raise ValueError("p-values must lie between 0 and 1")
    m = len(values)
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(sorted(range(m), key=lambda i: values[i])):
        running = max(running, min(1.0, (m - rank) * values[index]))
        adjusted[index] = running
    return adjusted


def poisson_quantile_limit(expected: float, probability: float) -> float:
    """Exact control limit of a Poisson count with mean ``expected``, interpolated between whole counts.

    The ``probability`` quantile of a Poisson count is a whole number ``r``: the smallest with
    ``P(X <= r) >= probability``. A funnel drawn through whole numbers would jump in steps, so
    Spiegelhalter (2005, appendix) moves the limit down by the fraction
    ``(P(X <= r) - probability) / P(X = r)``; the result is on the count scale (divide by the
    population for a rate).
    """
    if expected <= 0:
        raise ValueError("expected must be positive")
    if not 0 < probability < 1:
        raise ValueError("probability must lie between 0 and 1")
    from scipy.special import pdtr, pdtrik

    count = max(0, math.ceil(float(pdtrik(probability, expected))) - 1)
    while pdtr(count, expected) < probability:
        count += 1
    at_count = float(pdtr(count, expected))
    below = float(pdtr(count - 1, expected)) if count > 0 else 0.0
    return count - (at_count - probability) / (at_count - below)


def normal_quantile(probability: float) -> float:
    """The standard normal quantile, e.g. 1.96 for 0.975."""
    from scipy.special import ndtri

    return float(ndtri(probability))


def chi_square_p_value(statistic: float, degrees_of_freedom: int) -> float:
    """Upper-tail p-value of a chi-square statistic."""
    if degrees_of_freedom < 1:
        raise ValueError("degrees_of_freedom must be at least 1")
    from scipy.special import chdtrc

    return float(chdtrc(degrees_of_freedom, statistic))


def between_unit_variance(z_scores: Sequence[float], weights: Sequence[float]) -> float:
    """Additive between-unit variance of a random-effects funnel (Spiegelhalter 2005, section 7).

    ``tau^2 = (I * phi - (I - 1)) / (sum w - sum w^2 / sum w)``, where ``phi`` is the mean squared
    z-score of the I units and ``w`` are the units' weights (one over the variance of each unit's
    rate under the target), and 0 when ``I * phi`` does not exceed ``I - 1`` (no overdispersion).
    """
    units = len(z_scores)
    if units < 2 or units != len(weights):
        raise ValueError("need at least two units, each with a weight")
    chi_square = sum(z * z for z in z_scores)
    total = sum(weights)
    spread = total - sum(w * w for w in weights) / total
    return max(0.0, (chi_square - (units - 1)) / spread)


def poisson_deviance(counts: Sequence[int], exposures: Sequence[float]) -> float:
    """Deviance of one common Poisson rate against one rate per unit (likelihood-ratio statistic).

    ``G^2 = 2 * sum O * ln(O / E)`` with ``E`` each unit's exposure times the pooled rate; a unit
    with no events adds nothing. Compared with a chi-square on one fewer degrees of freedom than
    there are units, it tests whether the units' rates differ more than Poisson chance.
    """
    if len(counts) != len(exposures) or len(counts) < 2:
        raise ValueError("need at least two units, each with an exposure")
    total, exposure = sum(counts), sum(exposures)
    if total == 0:
        return 0.0
    return 2 * sum(count * math.log(count / (exposure_i * total / exposure))
                   for count, exposure_i in zip(counts, exposures) if count > 0)
