"""Intervals and tests for honest comparisons of small counts: chance variation, not how regions record them.

Each method is written in its textbook form from ``scipy.special``: ``scipy.stats`` gives the same numbers (the
tests compare) but costs a third of a second more to import in every chapter that tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) interval for a true share, no continuity correction (a rate: :func:`poisson_rate_interval`)."""
    if trials <= 0:
        raise ValueError("trials must be positive")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    z = normal_quantile(1 - (1 - confidence) / 2)
    share, spread = successes / trials, z * z / trials
    centre = (share + spread / 2) / (1 + spread)
    half_width = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / (1 + spread)
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def poisson_rate_interval(count: int, exposure: float = 1.0, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood 1936) interval for a Poisson rate ``count / exposure``, e.g. violations per order (may be > 1)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if exposure <= 0:
        raise ValueError("exposure must be positive")
    from scipy.special import gammaincinv

    # chi2(q; 2k) / 2, the textbook bound for the expected count, is the q-quantile of a gamma with shape k.
    alpha = 1 - confidence
    low = gammaincinv(count, alpha / 2) if count > 0 else 0.0
    return float(low) / exposure, float(gammaincinv(count + 1, 1 - alpha / 2)) / exposure


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
    """Exact (unadjusted) interval for the ratio ``r = later / earlier`` of two Poisson counts over equal periods.

    Given the total, ``later`` is binomial with share ``r / (1 + r)``, whose Clopper-Pearson bounds map back to ``r``.
    """
    _check_pair(later, earlier)
    low, high = clopper_pearson_interval(int(later), int(later + earlier), confidence)
    return low / (1 - low), high / (1 - high) if high < 1 else float("inf")


def poisson_ratio_p_value(later: int, earlier: int) -> float:
    """Two-sided exact p-value for "no change" between two Poisson counts over equal periods.

    The conditional binomial test against 1/2 (as ``scipy.stats.binomtest``): below ``1 - confidence`` exactly
    when :func:`poisson_ratio_interval` excludes 1.
    """
    _check_pair(later, earlier)
    from scipy.special import bdtr

    if later == earlier:
        return 1.0
    # Symmetric under the null: twice the smaller tail, P(X <= min(k, n - k)).
    return min(1.0, 2 * float(bdtr(min(later, earlier), later + earlier, 0.5)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's (1979) step-down adjusted p-values, in the order given, valid whatever the tests' dependence.

    The i-th smallest of m is multiplied by ``m - i + 1``, capped at 1 and kept no smaller than the one before.
    """
    values = [float(p) for p in p_values]
    if any(not 0 <= p <= 1 for p in values):
        raise ValueError("p-values must lie between 0 and 1")
    adjusted, running = [0.0] * len(values), 0.0
    for rank, index in enumerate(sorted(range(len(values)), key=values.__getitem__)):
        running = adjusted[index] = max(running, min(1.0, (len(values) - rank) * values[index]))
    return adjusted


def poisson_quantile_limit(expected: float, probability: float) -> float:
    """Exact control limit of a Poisson count with mean ``expected``, interpolated between whole counts.

    The quantile is the smallest whole ``r`` with ``P(X <= r) >= probability``; so that a funnel does not jump
    in steps, Spiegelhalter (2005, appendix) moves it down by ``(P(X <= r) - probability) / P(X = r)``.
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
    """Additive between-unit variance ``tau^2`` of a random-effects funnel (Spiegelhalter 2005, section 7).

    ``(sum z^2 - (I - 1)) / (sum w - sum w^2 / sum w)`` over the I units, with ``w`` one over the variance of a
    unit's rate under the target; 0 when the units vary no more than chance.
    """
    if len(z_scores) < 2 or len(z_scores) != len(weights):
        raise ValueError("need at least two units, each with a weight")
    total = sum(weights)
    spread = total - sum(w * w for w in weights) / total
    return max(0.0, (sum(z * z for z in z_scores) - (len(z_scores) - 1)) / spread)


def poisson_deviance(counts: Sequence[int], exposures: Sequence[float]) -> float:
    """Deviance ``G^2 = 2 * sum O * ln(O / E)`` of one common Poisson rate against one rate per unit.

    ``E`` is a unit's exposure times the pooled rate; on units - 1 degrees of freedom it tests the rates differ.
    """
    if len(counts) != len(exposures) or len(counts) < 2:
        raise ValueError("need at least two units, each with an exposure")
    total, exposure = sum(counts), sum(exposures)
    if total == 0:
        return 0.0
    return 2 * sum(count * math.log(count / (own * total / exposure))
                   for count, own in zip(counts, exposures) if count > 0)
