"""The disk work of one answer, by SQLite's own counts: one write transaction, and no
WAL page but those the answer changes (each is written and synced before the answer is
acknowledged). The next card is read outside any write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from flashcards import Collection
from flashcards.store import Store
from flashcards.store import queue as queue_rows
from flashcards.study import Study
from flashcards.study.state import replay_card

from .conftest import at

NOTES = """\
- Alpha is **a1**.
- Beta is **b1**.
- Gamma is **c1**.
"""


def _frames(path: Path, run: Callable[[], object]) -> int:
    """The WAL frames (pages) that `run()` commits: the WAL is emptied first (a TRUNCATE
    checkpoint) and its frames counted after (a PASSIVE checkpoint reports them)."""
    probe = sqlite3.connect(path)
    try:
        busy, _, _ = probe.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
        run()
        busy, frames, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0
        return int(frames)
    finally:
        probe.close()


def _statements(store: Store, run: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        store.db.conn.set_trace_callback(None)
    return [s.split()[0].upper() for s in seen]


def _study(col: Collection, deck) -> tuple[Store, Study, dict[str, int]]:  # noqa: ANN001
    ids = deck("Deck", NOTES)
    store = Store(col.path)
    return store, Study(store), ids


def test_an_answer_writes_only_the_index_pages_of_the_columns_it_changes(col, deck) -> None:
    store, study, ids = _study(col, deck)
    try:
        a, b, c = ids["a1"], ids["b1"], ids["c1"]
        # a practice answer appends a review and moves no state: the floor of any answer
        # (the review row, its three indexes, the two summary rows)
        practice = _frames(col.path, lambda: study.practice(c, 4, "cram", at(0)))
        first = _frames(col.path, lambda: study.answer(a, 4, at(0)))
        study.answer(b, 1, at(0, minutes=1))  # failed: b comes back today
        # a drill under SM-2 moves nothing of the state: no index of card_state is touched
        drill = _frames(col.path, lambda: study.answer(b, 4, at(0, minutes=2)))
        # a's review the next day, q=4: the ease and the lapses stay, so their indexes do
        review = _frames(col.path, lambda: study.answer(a, 4, at(1)))
    finally:
        store.close()
    assert practice > 0
    assert drill <= practice + 1  # + the state row's page (the drill flag)
    # a review that moves the due day also moves the card between the deck summary's
    # due-day rows (m015's triggers): the old day's row, the new day's row and its index
    moved_due = 3
    # + the state row and the index of due (m019 dropped those of interval and last_day)
    assert review <= practice + 1 + 1 + moved_due
    # a new card's first answer moves every column, and the card from new to due
    assert first <= practice + 1 + 1 + moved_due


# The B-trees an answer writes (schema steps m019, m020, m021), on a collection small
# enough that each is one page, so that the WAL frames of the commit count them: the
# review row, its two indexes (reviews_replay: card and time; reviews_day), the state row
# and its due index. The summaries behind the stats and the deck list (review_summary,
# deck_due, card_intervals, card_eases) are left to the fold (store/pending.py); the
# first answer after a fold writes the pending mark's page too. Before m019 an answer also
# wrote reviews_card, the browse sorts' indexes of interval and last_day, and card_eases
# on every answer: 13, 14, 13; before m020 the day's summary rows were in two tables: 9,
# 10, 8; before m021 the summaries were written by the answer: 8, 9, 7.
REVIEW_PAGES = 5  # q=4: the due day moves
EASE_PAGES = REVIEW_PAGES  # q=5: the ease moves too, and nothing reads it by an index
LAPSE_PAGES = REVIEW_PAGES  # q=2 after one day: the due day moves, the interval stays 1
MARK_PAGES = 1  # the first answer after a fold: the pending mark


def test_an_answer_commits_no_more_pages_than_the_b_trees_it_changes(col, deck) -> None:
    store, study, ids = _study(col, deck)
    try:
        a, b, c = ids["a1"], ids["b1"], ids["c1"]
        for card in (a, b, c):  # the cards' first answers: every one is scheduled
            study.answer(card, 4, at(0))
        review = _frames(col.path, lambda: study.answer(a, 4, at(1)))  # due day and interval
        easy = _frames(col.path, lambda: study.answer(b, 5, at(1)))  # and the ease
        lapse = _frames(col.path, lambda: study.answer(c, 2, at(1)))  # lapses, back today
        assert store.fold_pending()
        after_fold = _frames(col.path, lambda: study.answer(a, 4, at(2)))
    finally:
        store.close()
    assert review <= REVIEW_PAGES
    assert easy <= EASE_PAGES
    assert lapse <= LAPSE_PAGES
    assert after_fold <= REVIEW_PAGES + MARK_PAGES


def test_an_answer_is_one_write_transaction_and_the_next_card_none(col, deck) -> None:
    store, study, ids = _study(col, deck)
    try:
        decks = study.all_decks()
        card = study.next_card_id(decks, at(0))
        assert card is not None
        answered = _statements(store, lambda: study.answer(card, 4, at(0)))
        shown = _statements(store, lambda: study.next_card_id(decks, at(0)))
    finally:
        store.close()
    assert answered.count("BEGIN") == 1 and answered.count("COMMIT") == 1
    assert answered[0] == "BEGIN" and answered[-1] == "COMMIT"
    assert "BEGIN" not in shown and not {"INSERT", "UPDATE", "DELETE"} & set(shown)


def test_the_state_written_is_the_state_answered(col, deck) -> None:
    """Writing only the changed columns leaves every column as a full write would."""
    store, study, ids = _study(col, deck)
    try:
        a, b = ids["a1"], ids["b1"]
        for now, card, q in (
            (at(0), a, 1),
            (at(0, minutes=1), a, 4),
            (at(0, minutes=2), b, 5),
            (at(1), a, 4),
            (at(7), b, 3),
            (at(8), a, 2),
        ):
            study.answer(card, q, now)
        for card in (a, b):
            stored = tuple(queue_rows.state_of(store, card))
            replayed, _ = replay_card(queue_rows.reviews_of(store, card), None)
            assert stored == tuple(replayed)
    finally:
        store.close()
