"""Intervals for honest comparisons of small counts.

Both intervals describe chance variation in counts; they say nothing about differences in
how regions record or report their figures.
"""

from __future__ import annotations

from scipy.stats import beta, norm


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / trials``.

    Preferred over the normal approximation for small counts and proportions near 0,
    as with violations of a few dozen restraining orders.
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    z = norm.ppf(0.5 + confidence / 2)
    share = successes / trials
    denominator = 1 + z**2 / trials
    centre = (share + z**2 / (2 * trials)) / denominator
    half_width = z * ((share * (1 - share) / trials + z**2 / (4 * trials**2)) ** 0.5) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def poisson_ratio_interval(later: int, earlier: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact interval for the ratio of two Poisson rates, ``later / earlier``.

    Conditional on the total, ``later`` is binomial with share ``r / (1 + r)``; the
    Clopper-Pearson bounds for that share map back to bounds for the ratio ``r``.
    An interval that contains 1 means the change could well be chance.
    """
    if later < 0 or earlier < 0:
        raise ValueError("counts must not be negative")
    if later + earlier == 0:
        raise ValueError("at least one count must be positive")
    alpha = 1 - confidence
    low_share = beta.ppf(alpha / 2, later, earlier + 1) if later > 0 else 0.0
    high_share = beta.ppf(1 - alpha / 2, later + 1, earlier) if earlier > 0 else 1.0
    low = low_share / (1 - low_share)
    high = high_share / (1 - high_share) if high_share < 1 else float("inf")
    return float(low), float(high)
