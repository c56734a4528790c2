"""The srs-benchmark metrics and SM-2's prediction, pinned on small hand-computed logs."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from flashcards import evaluate
from flashcards.metrics import Scored, auc, bin_of, log_loss, rmse_bins, summary
from flashcards.optimize import History

LOG = [
    Scored(y=1, p=0.8, delta_t=1, i=2, lapses=0),
    Scored(y=0, p=0.4, delta_t=1, i=2, lapses=0),
    Scored(y=1, p=0.6, delta_t=10, i=3, lapses=1),
]


def test_log_loss() -> None:
    # -(ln 0.8 + ln(1 - 0.4) + ln 0.6) / 3
    assert log_loss(LOG) == pytest.approx((0.2231435513 + 0.5108256238 * 2) / 3)


def test_bins_follow_srs_benchmark_grid() -> None:
    # delta_t 1 -> 2.48; 10 -> 2.48 * 3.62 = 8.98; review 2 and 3 -> round(1.99 * 1.89) = 4;
    # one lapse -> round(1.65) = 2, none -> 0
    assert [bin_of(r) for r in LOG] == [(2.48, 4, 0), (2.48, 4, 0), (8.98, 4, 2)]
    assert bin_of(Scored(1, 0.5, 40, 8, 3)) == (32.5, 13, 5)  # 1.99 * 1.89^3 = 13.4


def test_rmse_bins() -> None:
    # bin A: two reviews, mean y 0.5, mean p 0.6; bin B: one review, y 1, p 0.6
    assert rmse_bins(LOG) == pytest.approx(math.sqrt((2 * 0.1**2 + 1 * 0.4**2) / 3))


def test_auc_counts_ties_half() -> None:
    assert auc(LOG) == 1.0
    tied = [Scored(1, 0.5, 1, 2, 0), Scored(0, 0.5, 1, 2, 0), Scored(1, 0.9, 1, 2, 0)]
    tied.append(Scored(0, 0.1, 1, 2, 0))
    assert auc(tied) == pytest.approx(3.5 / 4)
    assert auc(LOG[:1]) is None  # one outcome only: no AUC


def test_no_reviews_no_scores() -> None:
    assert summary([]) == {"log_loss": None, "rmse_bins": None, "auc": None}


def test_sm2_predicts_from_its_interval_and_same_day_answers_are_not_scored() -> None:
    start = date(2025, 1, 1)
    days = [start + timedelta(days=d) for d in (0, 1, 1, 13)]
    # Good; Good a day later (interval 1, scored: 0.9); Again the same day (a drill: not
    # scored, SM-2 unmoved, not a lapse); Good 12 days later (interval 6: 0.9 ** 2)
    card = History(card_id=1, ratings=[3, 3, 1, 3], days=days, ids=[1, 2, 3, 4])
    rows = evaluate._rows([card])
    assert [(r.review_id, r.delta_t, r.at + 1, r.lapses) for r in rows] == [
        (2, 1, 2, 0),
        (4, 12, 4, 0),
    ]
    assert [r.sm2_p for r in rows] == pytest.approx([0.9, 0.81])
