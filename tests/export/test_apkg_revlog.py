"""The review log an apkg carries: one revlog row per answer, as Anki's columns want it."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import timedelta

from helpers import NOW

from flashcards import sm2
from flashcards.export import export
from flashcards.store import history


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
