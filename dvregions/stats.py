"""Intervals and tests for honest comparisons of small counts.

The computations are SciPy's; this module only chooses the method, checks the inputs and maps
the result to the quantity the book reports. The intervals and tests describe chance variation
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

from collections.abc import Sequence


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / trials`` (SciPy's ``method="wilson"``).

    Only for a true proportion: each of the ``trials`` counts at most once among the
    ``successes``. A count of events that can happen several times per unit is a rate; use
    :func:`poisson_rate_interval` for it.
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    from scipy.stats import binomtest  # scipy.stats takes ~0.5 s to import: only chapters that test pay it

    interval = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


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
    from scipy.stats import chi2

    low = chi2.ppf(alpha / 2, 2 * count) / 2 if count > 0 else 0.0
    high = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(low) / exposure, float(high) / exposure


def _check_pair(later: int, earlier: int) -> None:
    if later < 0 or earlier < 0:
        raise ValueError("counts must not be negative")
    if later + earlier == 0:
        raise ValueError("at least one count must be positive")


def poisson_ratio_interval(later: int, earlier: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact interval for the ratio of two Poisson counts over equal periods, ``later / earlier``.

    Conditional on the total, ``later`` is binomial with share ``r / (1 + r)``; SciPy's
    Clopper-Pearson bounds for that share (``method="exact"``) map back to bounds for the ratio
    ``r``. An interval that contains 1 means the change could well be chance. This interval is
    not adjusted for multiple comparisons.
    """
    _check_pair(later, earlier)
    from scipy.stats import binomtest

    interval = binomtest(int(later), int(later + earlier)).proportion_ci(confidence_level=confidence,
                                                                         method="exact")
    low_share, high_share = float(interval.low), float(interval.high)
    low = low_share / (1 - low_share)
    high = high_share / (1 - high_share) if high_share < 1 else float("inf")
    return low, high


def poisson_ratio_p_value(later: int, earlier: int) -> float:
    """Two-sided exact p-value for "no change" between two Poisson counts over equal periods.

    The conditional binomial test of ``later`` out of ``later + earlier`` against a share of 1/2
    (``scipy.stats.binomtest``). Under that null the binomial is symmetric, so the p-value is below
    ``1 - confidence`` exactly when :func:`poisson_ratio_interval` excludes 1.
    """
    _check_pair(later, earlier)
    from scipy.stats import binomtest

    return float(binomtest(int(later), int(later + earlier), 0.5, alternative="two-sided").pvalue)


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
