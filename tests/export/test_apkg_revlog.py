"""The review log an apkg carries: one revlog row per answer, as Anki's columns want it."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import timedelta

import pytest
from helpers import NOW

from flashcards import sm2
from flashcards.export import export
from flashcards.export.apkg_scheduling import clash_spans
from flashcards.store import Store, history


def _revlog(tmp_path, col) -> list[tuple]:
    out = tmp_path / "deck.apkg"
    export(col, [], "apkg", out, now=NOW + timedelta(days=10))
    with zipfile.ZipFile(out) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.anki2")
    try:
        return conn.execute(
            "SELECT id, cid, usn, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_each_answer_is_one_row_with_its_rating_time_and_type(sample, tmp_path):
    rows = _revlog(tmp_path, sample)
    answers = sample.review_count()
    assert len(rows) == answers == 9
    assert len({r[0] for r in rows}) == answers  # two answers in one millisecond: ids differ
    # support.answer_some: q 5, 1, 4, 4, 4, 4, 2, 3, 4 -> Anki's eases
    assert sorted(r[3] for r in rows) == sorted(sm2.rating(q) for q in (5, 1, 4, 4, 4, 4, 2, 3, 4))
    assert {r[2] for r in rows} == {-1}
    assert 0 in {r[7] for r in rows}  # an answer without a duration: 0 ms
    assert {r[8] for r in rows} == {0, 1}  # a new card's answers learn, the others review


def test_an_answer_longer_than_an_hour_is_logged_as_an_hour(sample, tmp_path):
    card = sample.cards()[5].id
    sample.answer(card, 4, now=NOW + timedelta(days=9), duration_ms=5 * 3_600_000)
    assert max(r[7] for r in _revlog(tmp_path, sample)) == 3_600_000


def test_the_sql_rating_is_sm2s_for_every_quality():
    conn = sqlite3.connect(":memory:")
    for q in range(-2, 9):
        (sql,) = conn.execute(f"SELECT {history._RATING} FROM (SELECT ? AS q)", (q,)).fetchone()
        assert sql == sm2.rating(q), q


def _clashing_answers(col) -> None:
    """Answers of different cards in the same milliseconds, in runs that push into each
    other: three at t, one at t + 1 (bumped past by them), two at t + 10 (a run of its own)."""
    ids = [c.id for c in col.cards()]
    at = NOW + timedelta(days=20)
    for card in (ids[7], ids[5], ids[6]):
        col.answer(card, 4, now=at)
    col.answer(ids[8], 3, now=at + timedelta(milliseconds=1))
    col.answer(ids[9], 5, now=at + timedelta(milliseconds=10))
    col.answer(ids[4], 4, now=at + timedelta(milliseconds=10))


def test_the_revlog_sqlite_copies_is_the_one_python_writes(sample, tmp_path, monkeypatch):
    """The review log goes from the collection to the package by SQLite (the collection
    attached); the rows written one by one in Python, which a collection that cannot be
    attached gets, are the same, ids bumped past clashes alike."""
    _clashing_answers(sample)
    copied = _revlog(tmp_path, sample)
    times = [r[0] for r in copied]
    assert len(set(times)) == len(times) == sample.review_count() == 15
    base = int((NOW + timedelta(days=20)).timestamp() * 1000)
    assert [t - base for t in times if 0 <= t - base < 20] == [0, 1, 2, 3, 10, 11]

    monkeypatch.setattr(Store, "reader_uri", lambda self: None)
    (tmp_path / "python").mkdir()
    assert _revlog(tmp_path / "python", sample) == copied


@pytest.mark.parametrize("readonly", [False, True])
def test_a_collection_is_attached_by_a_read_only_uri(db, readonly):
    store = Store(db, readonly=readonly)  # the CLI exports through a read-only store
    try:
        uri = store.reader_uri()
    finally:
        store.close()
    assert uri is not None and uri.startswith("file:") and uri.endswith("?mode=ro")


def test_clash_spans_are_the_runs_where_answers_met():
    assert clash_spans([]) == []
    assert clash_spans([1, 2, 3, 7]) == []
    # 20, 20, 20 take 20-22, and 23 is next to them: one run
    assert clash_spans([5, 5, 6, 9, 20, 20, 20, 23]) == [(5, 7), (20, 23)]
    assert clash_spans([5, 5, 7]) == [(5, 7)]  # 5 is bumped to 6, next to 7: one run
    assert clash_spans([5, 5, 8]) == [(5, 6)]
