"""Answers pending in the summaries (store/pending.py, schema step m021).

An answer writes its review and its card's state and marks itself pending; the
summaries behind the deck list and the stats are added to later, by `fold`. What
readers see never depends on whether that has happened yet.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import NOW, analyzed_large, rows_in, run_python
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.collection import IDLE_CHECKPOINT, Collection
from flashcards.store import SCHEMA_VERSION, deck_summaries, pending_mark, summaries
from flashcards.study.custom import CustomStudy

NOTES = "".join(f"- Word {i} is spelled **word{i}x** here.\n" for i in range(12))
SUMMARY_TABLES = (summaries.TABLE, *deck_summaries.TABLES)


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Every summary table's rows, as stored (no pending answer added)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in SUMMARY_TABLES}
    finally:
        conn.close()


def _recounted(path: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """The summary tables a full recount of a copy of the file gives (the truth)."""
    copy = tmp_path / "recount.sqlite"
    copy.unlink(missing_ok=True)
    source, conn = sqlite3.connect(path), sqlite3.connect(copy)
    try:
        source.backup(conn)
        summaries.rebuild_summaries(conn)
        deck_summaries.rebuild(conn)
        conn.commit()
    finally:
        source.close()
        conn.close()
    return _tables(copy)


def _pending(path: Path) -> list[tuple]:
    return rows_in(path, f"SELECT * FROM {pending_mark.TABLE}")


def _answer_some(col: Collection, n: int, start=NOW) -> None:  # noqa: ANN001
    """n answers over two days: new cards, reviews, a lapse, a drill, an easy one."""
    for k in range(n):
        now = start + timedelta(days=k // 6, minutes=k)
        card = col.next_card(now=now)
        assert card is not None
        col.answer(card.id, (4, 1, 5, 4, 3, 2)[k % 6], now=now, duration_ms=1000 + k)


def _cram(col: Collection) -> None:
    """A practice answer (cram: the schedule stays), a write of its own kind."""
    session = col.custom_study(CustomStudy("cram"), now=NOW)
    col.answer_custom(session, col.cards()[3].id, 4, now=NOW)


def _built(col: Collection, notes) -> Path:  # noqa: ANN001
    path = notes.write("words.md", NOTES)
    col.build(path)
    return path


def test_an_answer_leaves_the_summaries_and_marks_itself_pending(col, notes, tmp_path):
    _built(col, notes)
    _answer_some(col, 3)
    before = _tables(col.path)
    card = col.next_card(now=NOW + timedelta(minutes=10))
    col.answer(card.id, 4, now=NOW + timedelta(minutes=10))
    assert _tables(col.path) == before  # the answer wrote no summary row
    (mark,) = _pending(col.path)
    assert mark[1] <= col.last_review_id
    assert col.doctor() == []  # the summaries as read, pending answers and all, are right
    assert col._store.fold_pending() is True
    assert _pending(col.path) == []
    assert _tables(col.path) == _recounted(col.path, tmp_path)


def test_readers_see_the_same_pending_or_folded(col, notes, db_path):
    _built(col, notes)
    _answer_some(col, 12)
    now = NOW + timedelta(days=1, hours=1)
    col.suspend(col.cards()[0].id, now=now)  # folds the answers so far
    _answer_some(col, 6, start=NOW + timedelta(days=7))
    assert _pending(col.path) != []
    later = NOW + timedelta(days=8)
    # another session, which wrote nothing: it reads the summaries as they are
    with Collection.open(db_path, timezone="UTC", backup=False) as reader:
        seen = (reader.stats(now=later), reader.stats("words", now=later), reader.decks(later))
        assert _pending(col.path) != []  # read through the live views
        assert reader.doctor() == []
        assert col._store.fold_pending() is True
        assert (
            reader.stats(now=later),
            reader.stats("words", now=later),
            reader.decks(later),
        ) == seen
    # and the session that answered folds its own before it reads
    _answer_some(col, 3, start=NOW + timedelta(days=9))
    col.stats(now=later)
    assert _pending(col.path) == []


def test_every_other_write_folds_the_pending_answers_first(col, notes, tmp_path):
    path = _built(col, notes)
    writes = {
        "suspend": lambda: col.suspend(col.cards()[1].id, now=NOW),
        "unsuspend": lambda: col.unsuspend(col.cards()[1].id, now=NOW),
        "bury": lambda: col.bury(col.cards()[2].id, now=NOW),
        "undo": lambda: col.undo(now=NOW),
        "practice": lambda: _cram(col),
        "build": lambda: (
            notes.write("words.md", NOTES + "- A new **fact** here.\n"),
            col.build(path),
        ),
    }
    for k, (name, write) in enumerate(writes.items()):
        _answer_some(col, 2, start=NOW + timedelta(minutes=20 * k))
        assert _pending(col.path) != [], name
        write()
        assert _pending(col.path) == [], name
        assert _tables(col.path) == _recounted(col.path, tmp_path), name


def test_another_connection_s_write_folds_this_one_s_answers(col, notes, db_path, tmp_path):
    _built(col, notes)
    _answer_some(col, 4)
    with Collection.open(db_path, timezone="UTC", backup=False) as other:
        other.suspend(other.cards()[5].id, now=NOW)
        assert _pending(db_path) == []
    assert _tables(db_path) == _recounted(db_path, tmp_path)
    col.refresh()
    _answer_some(col, 2, start=NOW + timedelta(hours=1))  # pending again, counted once
    assert col.doctor() == []


def test_closing_folds_them(db_path, notes, tmp_path):
    with Collection.open(db_path, timezone="UTC") as col:
        _built(col, notes)
        _answer_some(col, 5)
        assert _pending(db_path) != []
    assert _pending(db_path) == []
    assert _tables(db_path) == _recounted(db_path, tmp_path)


def test_answers_left_pending_by_a_killed_app_are_read_from_a_read_only_file(
    db_path, notes, tmp_path
):
    with Collection.open(db_path, timezone="UTC") as col:
        _built(col, notes)
    # answers, then the process ends without closing (as a killed app would)
    code = (
        "import os, sys\n"
        "from datetime import datetime, timedelta, UTC\n"
        "from flashcards.collection import Collection\n"
        "col = Collection.open(sys.argv[1], timezone='UTC', backup=False)\n"
        "now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)\n"
        "for k in range(6):\n"
        "    card = col.next_card(now=now + timedelta(minutes=k))\n"
        "    col.answer(card.id, (4, 1, 5)[k % 3], now=now + timedelta(minutes=k))\n"
        "os._exit(0)\n"
    )
    run_python(code, str(db_path)).check_returncode()
    assert _pending(db_path) != []
    later = NOW + timedelta(days=1)
    copy = tmp_path / "folded.sqlite"
    source, conn = sqlite3.connect(db_path), sqlite3.connect(copy)
    source.backup(conn)
    source.close()
    conn.close()
    with Collection.open(copy, timezone="UTC", backup=False) as folded:
        assert folded._store.fold_pending() is True
        expected = (folded.stats(now=later), folded.decks(later))
    db_path.chmod(0o444)
    try:
        with Collection.open(db_path, timezone="UTC", readonly=True) as seen:
            assert (seen.stats(now=later), seen.decks(later)) == expected
            assert seen.doctor() == []
    finally:
        db_path.chmod(0o644)
    assert _pending(db_path) != []  # reading wrote nothing


def test_migration_makes_the_summaries_wait_for_the_fold(col, notes, db_path, tmp_path):
    """A collection from before step m021 (its triggers always counting, no mark) gets
    the mark, triggers that stand still while it is set, and views that read it."""
    _built(col, notes)
    _answer_some(col, 8)
    col.close()
    expected = _tables(db_path)
    conn = sqlite3.connect(db_path)
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"
    ).fetchall():
        if pending_mark.TABLE not in sql:
            continue
        old = sql.replace(f" AND {pending_mark.LIVE}", "").replace(f"WHEN {pending_mark.LIVE} ", "")
        if " UNION ALL " in old:  # a view: its rows, without the pending answers
            old = old.split(" UNION ALL ")[0]
        if name.endswith("_live"):
            old = None  # the views of the state summaries came with m021
        kind = "TRIGGER" if "TRIGGER" in sql.upper()[:20] else "VIEW"
        conn.execute(f"DROP {kind} {name}")
        if old is not None:
            conn.execute(old)
    conn.execute(f"DROP TABLE {pending_mark.TABLE}")
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE name IN ('m021_pending_answers', 'm022_pending_by_id')"
    )
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 2}")
    conn.commit()
    assert not any(
        pending_mark.TABLE in sql
        for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
    )
    conn.close()
    with Collection.open(db_path, timezone="UTC") as again:
        assert _tables(db_path) == expected
        assert again.doctor() == []
        _answer_some(again, 2, start=NOW + timedelta(days=3))
        assert _tables(db_path) == expected  # the new triggers wait for the fold
        assert _pending(db_path) != []
        assert again.doctor() == []
    assert _tables(db_path) == _recounted(db_path, tmp_path)


def test_migration_tells_the_views_how_few_the_pending_answers_are(col, notes, db_path):
    """A collection from step m021, whose live views read the pending range unmarked
    (found by a pass over a large log or cards table), gets them made again (m022)."""
    _built(col, notes)
    _answer_some(col, 8)
    col.close()
    expected = _tables(db_path)
    conn = sqlite3.connect(db_path)
    unmarked = f"r.id >= (SELECT first_review FROM {pending_mark.TABLE})"
    views = (*summaries.LIVE_VIEWS, *deck_summaries.LIVE_VIEWS)
    for name in views:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        assert pending_mark.PENDING in sql
        conn.execute(f"DROP VIEW {name}")
        conn.execute(sql.replace(pending_mark.PENDING, unmarked))
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm022_pending_by_id'")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Collection.open(db_path, timezone="UTC") as again:
        made = dict(again._store.conn.execute("SELECT name, sql FROM sqlite_master").fetchall())
        assert all(pending_mark.PENDING in made[name] for name in views)
        assert _tables(db_path) == expected
        _answer_some(again, 2, start=NOW + timedelta(days=3))
        assert again.doctor() == []


_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.sampled_from((1, 2, 3, 4, 5))),
        st.tuples(st.just("undo"), st.just(0)),
        st.tuples(st.just("suspend"), st.integers(0, 5)),
        st.tuples(st.just("unsuspend"), st.integers(0, 5)),
        st.tuples(st.just("fold"), st.just(0)),
        st.tuples(st.just("next day"), st.just(0)),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_STEPS)
def test_any_mix_of_answers_and_other_writes_keeps_the_summaries_right(steps, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mix")
    (folder / "words.md").write_text(NOTES, encoding="utf-8")
    with Collection.open(folder / "c.sqlite", timezone="UTC", backup=False) as col:
        col.build(folder / "words.md")
        ids = [c.id for c in col.cards()]
        now = NOW
        for what, arg in steps:
            now += timedelta(minutes=7)
            if what == "answer":
                card = col.next_card(now=now)
                if card is not None:
                    col.answer(card.id, arg, now=now, duration_ms=900)
            elif what == "undo":
                col.undo(now=now)
            elif what == "suspend":
                col.suspend(ids[arg], now=now)
            elif what == "unsuspend":
                col.unsuspend(ids[arg], now=now)
            elif what == "fold":
                col._store.fold_pending()
            else:
                now += timedelta(days=1)
            assert col.doctor() == [], (what, arg)
        col._store.fold_pending()
        assert _tables(col.path) == _recounted(col.path, folder)


def _passes(conn: sqlite3.Connection, statements: list[str]) -> list[tuple[str, list[str]]]:
    """The statements whose plans pass over the cards or the log, or scan them into a
    Bloom filter, rather than start from the pending answers' ids."""
    found = []
    for sql in statements:
        plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", _params(sql))]
        passes = [step for step in plan if step.split()[:2] in (["SCAN", "c"], ["SCAN", "r"])]
        passes += [step for step in plan if "BLOOM FILTER" in step]
        passes += [s for s in plan if s.startswith("SEARCH r ") and "(rowid>?)" not in s]
        if passes:
            found.append((sql, plan))
    return found


@contextmanager
def _answered_with_stats(col: Collection, notes, stats: str) -> Iterator[Collection]:  # noqa: ANN001
    """The words deck built, the planner's statistics as `stats` says (none, or a large
    collection's), and a session of the file with 4 answers pending."""
    _built(col, notes)
    col.close()
    if stats == "large":
        analyzed_large(col.path)
    with Collection.open(col.path, timezone="UTC") as again:
        _answer_some(again, 4)
        yield again


@pytest.mark.parametrize("stats", ["none", "large"])
def test_readers_look_the_pending_answers_up_by_their_ids(col, notes, stats):
    """The views' pending arms start from the log's id range, never a pass over the
    cards or the log, whatever filter a reader adds (a plan test: deterministic)."""
    with _answered_with_stats(col, notes, stats) as again:
        seen: list[str] = []
        with Collection.open(col.path, timezone="UTC", readonly=True) as reader:
            reader._store.conn.set_trace_callback(seen.append)
            reader.stats(now=NOW)
            reader.stats("words", now=NOW)
            reader.decks(NOW)
        views = (*summaries.LIVE_VIEWS, *deck_summaries.LIVE_VIEWS)
        reads = [sql for sql in seen if any(v in sql for v in views)]
        assert len(reads) >= 5
        assert _passes(again._store.conn, reads) == []


@pytest.mark.parametrize("stats", ["none", "large"])
def test_the_fold_looks_the_pending_answers_up_by_their_ids(col, notes, stats):
    """Each statement of the fold starts from the pending answers' ids: a pass over a
    large log or a large cards table would make every fold cost what the whole
    collection costs to read (it did: ~170 ms at 100k cards / 1M reviews)."""
    with _answered_with_stats(col, notes, stats) as again:
        conn = again._store.conn
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        assert again._store.fold_pending()
        conn.set_trace_callback(None)
        folds = [sql for sql in seen if pending_mark.PENDING in sql]
        # the day rows, the quarter-hour rows, then each state summary
        assert len(folds) == len(summaries.fold_statements()) + len(deck_summaries.LIVE_VIEWS)
        assert _passes(conn, folds) == []


def _params(sql: str) -> list[object]:
    """Stand-ins for a traced statement's parameters (its plan does not depend on them)."""
    return ["2025-03-10"] * sql.count("?")


def test_the_app_s_idle_moment_folds_them_with_its_checkpoint(col, notes, tmp_path):
    many = "".join(
        f"- Term {i} is written **term{i}x** here.\n" for i in range(IDLE_CHECKPOINT + 4)
    )
    col.build(notes.write("terms.md", many))
    folded_at = []
    for k in range(IDLE_CHECKPOINT + 1):
        _answer_some(col, 1, start=NOW + timedelta(minutes=k))
        assert _pending(col.path) != []
        if col.idle():  # it checkpointed: the answers went into the summaries first
            folded_at.append(k)
            assert _pending(col.path) == []
            assert _tables(col.path) == _recounted(col.path, tmp_path)
    assert folded_at
