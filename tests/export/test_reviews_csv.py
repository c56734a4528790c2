"""The review log for the FSRS optimizer, parsed back with the csv module."""

from __future__ import annotations

import csv
import sqlite3

from helpers import NOW

from flashcards import sm2
from flashcards.export import export
from flashcards.export.job import ExportJob
from flashcards.export.reviews_csv import write
from flashcards.store.export import LoggedReview

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3


def read(path):
    with path.open(newline="") as fh:
        assert fh.readline().startswith("# timezone=")
        return list(csv.DictReader(fh))


def test_the_first_line_says_the_time_zone_and_day_start(tmp_path):
    from helpers import SAMPLE_SPEC

    from flashcards import Collection

    with Collection.open(tmp_path / "c.sqlite", timezone="Europe/Berlin", rollover_hour=5) as col:
        col.build(SAMPLE_SPEC)
        export(col, [], "reviews-csv", tmp_path / "revlog.csv", now=NOW)
    first = (tmp_path / "revlog.csv").read_text().splitlines()[0]
    assert first == "# timezone=Europe/Berlin, day_start=5"


def test_one_row_per_review_with_the_optimizer_columns(sample, tmp_path):
    out = tmp_path / "revlog.csv"
    result = export(sample, [], "reviews-csv", out, now=NOW)
    rows = read(out)

    assert list(rows[0]) == [
        "card_id",
        "review_time",
        "review_rating",
        "review_duration",
        "review_state",
    ]
    log = (
        sqlite3.connect(sample.path)
        .execute("SELECT card_id, time_ms, q, duration_ms FROM reviews ORDER BY card_id, id")
        .fetchall()
    )
    assert result.items == len(rows) == len(log) == 9
    for row, (card_id, time_ms, q, duration) in zip(rows, log, strict=True):
        assert int(row["card_id"]) == card_id
        assert int(row["review_time"]) == time_ms
        assert int(row["review_rating"]) == sm2.rating(q)
        assert int(row["review_duration"]) == (duration or 0)


def test_states_follow_the_card_through_new_learning_review_relearning(sample, tmp_path):
    out = tmp_path / "revlog.csv"
    export(sample, [], "reviews-csv", out, now=NOW)
    by_card: dict[int, list[tuple[int, int]]] = {}
    for row in read(out):
        by_card.setdefault(int(row["card_id"]), []).append(
            (int(row["review_rating"]), int(row["review_state"]))
        )
    first, second, third = (by_card[c.id] for c in sample.cards()[:3])
    # new (Easy), next day a review (Good), a week later a lapse (Again) and two repeats
    assert first == [(4, NEW), (3, REVIEW), (1, REVIEW), (2, RELEARNING), (3, RELEARNING)]
    # new and failed, repeated the same day (learning), then reviewed the next day
    assert second == [(1, NEW), (3, LEARNING), (3, REVIEW)]
    assert third == [(3, NEW)]
    # every card's history starts New, which the optimizer requires
    assert all(states[0][1] == NEW for states in by_card.values())


def test_times_are_milliseconds_since_the_epoch(sample, tmp_path):
    out = tmp_path / "revlog.csv"
    export(sample, [], "reviews-csv", out, now=NOW)
    times = [int(r["review_time"]) for r in read(out)]
    assert int(NOW.timestamp() * 1000) in times
    assert all(abs(t - NOW.timestamp() * 1000) < 8 * 86_400_000 for t in times)


def test_only_the_named_decks(cells, notes_dir, tmp_path):
    cells.build(notes_dir / "edge-cases")
    (card, *_) = cells.cards("cells")
    (other, *_) = cells.cards("edge-cases")
    cells.answer(card.id, 4, now=NOW, duration_ms=1234)
    cells.answer(other.id, 5, now=NOW)
    out = tmp_path / "cells.csv"
    export(cells, ["cells"], "reviews-csv", out, now=NOW)
    assert read(out) == [
        {
            "card_id": str(card.id),
            "review_time": str(int(NOW.timestamp() * 1000)),
            "review_rating": "3",
            "review_duration": "1234",
            "review_state": "0",
        }
    ]


class _Log(ExportJob):
    """A job whose review log holds whatever a test puts in it."""

    def __init__(self, rows: list[tuple]) -> None:
        super().__init__(store=None, collection_path=None, decks=[], now=NOW)  # type: ignore[arg-type]
        self.rows = rows

    def reviews(self):
        return iter(self.rows)

    def review_count(self) -> int:
        return len(self.rows)


def _review(card_id, time_ms, duration) -> LoggedReview:
    return LoggedReview(card_id, time_ms, "2025-03-10", 4, duration, "review", 1)


def test_a_cell_that_is_not_a_number_never_starts_as_a_formula(tmp_path):
    # every cell is a number today; a text cell (a damaged or foreign log) is defused
    out = tmp_path / "revlog.csv"
    log = [_review('=HYPERLINK("http://x")', -5, "@SUM(1)"), _review(7, "-1+cmd|' /C calc'!A0", 0)]
    write(_Log(log), out)
    rows = [list(r.values()) for r in read(out)]
    assert rows == [
        ['\'=HYPERLINK("http://x")', "-5", "3", "'@SUM(1)", "0"],
        ["7", "'-1+cmd|' /C calc'!A0", "3", "0", "0"],
    ]


def cram_twice(col, moment):
    from flashcards.study.custom import CustomStudy

    session = col.custom_study(CustomStudy("cram"), moment)
    for _ in range(2):
        col.answer_custom(session, session.next_card_id(), 5, moment)


def test_practice_reviews_are_left_out(sample, tmp_path):
    """Cramming and studying ahead test no recall: the optimizer must not learn from them."""
    from datetime import timedelta

    later = NOW + timedelta(days=30)
    cram_twice(sample, later)
    out = tmp_path / "revlog.csv"
    result = export(sample, [], "reviews-csv", out, now=later)
    assert result.items == len(read(out)) == 9  # the sample's nine answers, not eleven
