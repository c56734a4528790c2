"""How well predicted recall matches what happened, the srs-benchmark way: pure.

Each scored review is a `Scored`: whether it was recalled (`y`, rating > 1), the
predicted probability `p`, the days since the card's previous review
(`delta_t`, never 0: same-day reviews are not scored), its review number `i`
(1 for a card's first answer) and the lapses before it (earlier answers rated
Again a day or more after the one before them).

- log loss: the mean of -(y ln p + (1-y) ln(1-p)), p kept inside (0, 1).
- RMSE(bins): reviews grouped by delta_t, i and lapses, each rounded down onto
  a geometric grid (srs-benchmark's bases 3.62, 1.89 and 1.73); the root of the
  mean of (mean y - mean p)² over the bins, weighted by their review counts.
- AUC: the chance a recalled review got a higher p than a forgotten one (ties
  count half); None when every review has the same outcome.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

_EPS = 1e-15


class Scored(NamedTuple):
    y: int
    p: float
    delta_t: int
    i: int
    lapses: int


def log_loss(rows: Sequence[Scored]) -> float:
    total = 0.0
    for r in rows:
        p = min(max(r.p, _EPS), 1 - _EPS)
        total -= math.log(p) if r.y else math.log(1 - p)
    return total / len(rows)


def _grid(x: float, scale: float, base: float, digits: int) -> float:
    """srs-benchmark's bin of x: scale × base^floor(log_base x), rounded."""
    return round(scale * base ** math.floor(math.log(x) / math.log(base)), digits)


def bin_of(row: Scored) -> tuple[float, float, float]:
    """The (interval, review number, lapses) bin of a scored review."""
    return (
        _grid(row.delta_t, 2.48, 3.62, 2),
        _grid(row.i, 1.99, 1.89, 0),
        _grid(row.lapses, 1.65, 1.73, 0) if row.lapses else 0,
    )


def rmse_bins(rows: Sequence[Scored]) -> float:
    bins: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])  # type: ignore[arg-type,return-value]
    for r in rows:
        b = bins[bin_of(r)]
        b[0] += r.y
        b[1] += r.p
        b[2] += 1
    total = sum(n for _, _, n in bins.values())
    return math.sqrt(sum(n * ((y - p) / n) ** 2 for y, p, n in bins.values()) / total)


def auc(rows: Sequence[Scored]) -> float | None:
    """The area under the ROC curve, from average ranks (Mann–Whitney U)."""
    order = sorted(range(len(rows)), key=lambda k: rows[k].p)
    ranks = [0.0] * len(rows)
    k = 0
    while k < len(order):
        j = k
        while j + 1 < len(order) and rows[order[j + 1]].p == rows[order[k]].p:
            j += 1
        for m in range(k, j + 1):
            ranks[order[m]] = (k + j) / 2 + 1
        k = j + 1
    positives = sum(r.y for r in rows)
    negatives = len(rows) - positives
    if not positives or not negatives:
        return None
    rank_sum = sum(rank for rank, r in zip(ranks, rows, strict=True) if r.y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def summary(rows: Sequence[Scored]) -> dict[str, float | None]:
    """{"log_loss", "rmse_bins", "auc"} of the rows (None for each when there are none)."""
    if not rows:
        return {"log_loss": None, "rmse_bins": None, "auc": None}
    return {"log_loss": log_loss(rows), "rmse_bins": rmse_bins(rows), "auc": auc(rows)}
