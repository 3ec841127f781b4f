"""Item response theory behind one small surface: 2PL calibration (through `mirt`), item
parameters from the authored difficulty when data are too few, and ability posteriors.

The 2PL model: P(correct | θ) = 1 / (1 + exp(−a(θ − b))). Abilities are on a standard normal
scale. A question worth several points contributes the share of its points as a fractional
outcome (a Bernoulli likelihood with exponent x ∈ [0, 1]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = np.linspace(-4, 4, 161)
PRIOR = np.exp(-GRID**2 / 2)
PRIOR /= PRIOR.sum()
MIN_RESPONSES = 50  # an item needs this many responses before its parameters are calibrated


@dataclass(frozen=True)
class ItemParams:
    a: float  # discrimination
    b: float  # difficulty
    calibrated: bool = False
    responses: int = 0


def prior_params(difficulty: int) -> ItemParams:
    """The authored difficulty 1…5 as a 2PL prior: b from −1.5 to +1.5, a = 1."""
    return ItemParams(a=1.0, b=0.75 * (difficulty - 3))


def p_correct(theta: np.ndarray, a: float, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a * (theta - b)))


def calibrate(matrix: np.ndarray, min_responses: int = MIN_RESPONSES) -> list[ItemParams | None]:
    """2PL by marginal maximum likelihood (mirt's EM) on the columns with enough responses.

    `matrix`: persons × items of 0/1 (fractions are rounded), NaN where an item was not shown.
    Returns fitted parameters per column, or None where a column had too few responses.
    """
    import mirt

    counts = (~np.isnan(matrix)).sum(axis=0)
    usable = np.flatnonzero(counts >= min_responses)
    out: list[ItemParams | None] = [None] * matrix.shape[1]
    if usable.size < 2:
        return out
    data = np.round(matrix[:, usable])
    data[np.isnan(matrix[:, usable])] = np.nan
    rows = ~np.all(np.isnan(data), axis=1)
    fit = mirt.fit_mirt(data[rows], model="2PL", verbose=False)
    params = fit.model.parameters
    for k, j in enumerate(usable):
        out[j] = ItemParams(float(np.ravel(params["discrimination"])[k]), float(params["difficulty"][k]),
                            calibrated=True, responses=int(counts[j]))
    return out


def posterior(outcomes: list[tuple[ItemParams, float]]) -> np.ndarray:
    """The ability posterior on GRID given (item parameters, share of points) pairs."""
    log = np.log(PRIOR)
    for params, x in outcomes:
        p = np.clip(p_correct(GRID, params.a, params.b), 1e-9, 1 - 1e-9)
        log += x * np.log(p) + (1 - x) * np.log(1 - p)
    post = np.exp(log - log.max())
    return post / post.sum()


def expected_share(params: list[ItemParams], weights: np.ndarray | None = None) -> np.ndarray:
    """Expected share of points on GRID over a set of items (optionally weighted)."""
    probs = np.array([p_correct(GRID, p.a, p.b) for p in params])
    w = np.ones(len(params)) if weights is None else weights
    return (w[:, None] * probs).sum(axis=0) / w.sum()


def quantile(post: np.ndarray, values: np.ndarray, q: float) -> float:
    """The q-quantile of `values` (monotone in θ) under the posterior."""
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(post[order])
    return float(values[order][min(np.searchsorted(cdf, q), len(cdf) - 1)])
