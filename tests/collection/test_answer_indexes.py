"""Schema step m019: the indexes an answer no longer writes, and what reads without them.

m019 drops card_state's browse-sort indexes (interval, ef, lapses, last_day) and
reviews_card(card_id, id), and remakes the deck summaries' triggers. Plan tests,
deterministic: every statement a day of use runs (answers over days, undo, a card's
history, the stats, every export, a sync, doctor) is run through EXPLAIN QUERY PLAN on
the collection and on a copy with the dropped indexes made again; each table the
statement looked up through an index there it still looks up through one (SEARCH, never
a SCAN of the table). The browser's sorts are tested in tests/study/test_browse.py.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

from helpers import NOW, Notes

from flashcards.collection import Collection
from flashcards.store import SCHEMA_VERSION, deck_summaries
from flashcards.store.schema import ANSWER_DROPPED_INDEXES

# the dropped indexes as m001, m005 made them
_BEFORE_M019 = (
    "CREATE INDEX card_state_interval ON card_state(interval)",
    "CREATE INDEX card_state_ef ON card_state(ef)",
    "CREATE INDEX card_state_lapses ON card_state(lapses)",
    "CREATE INDEX card_state_last ON card_state(last_day)",
    "CREATE INDEX reviews_card ON reviews(card_id, id)",
)
_NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "CREATE", "DROP")
_LOOKUP = re.compile(r"^(SEARCH|SCAN) (\w+)")


def _facts(n: int) -> str:
    return "".join(f"- Fact number {i} is **answer{i}x**.\n" for i in range(n))


def _a_day_of_use(db_path: Path, notes: Notes, tmp_path: Path) -> list[str]:
    """The statements the collection runs (answers over four days, undo, history, stats,
    exports, sync, doctor), each once."""
    path = notes.write("facts.md", _facts(30))
    seen: list[str] = []
    with Collection.open(db_path, timezone="UTC", backup=False) as col:
        col.build(path)
        conn = col._store.db.conn
        conn.set_trace_callback(seen.append)
        now = NOW
        for day in range(4):
            now = NOW + timedelta(days=day)
            for k in range(12):
                card = col.next_card(now=now)
                if card is None:
                    break
                col.answer(card.id, (1, 3, 4, 5)[k % 4], now=now + timedelta(minutes=k))
        col.undo(now=now)
        first = col.cards()[0]
        col.history(first.id)
        col.stats(now=now)
        col.stats("facts", now=now)
        for fmt in ("json", "apkg", "tsv", "md", "reviews-csv"):
            col.export([], fmt, tmp_path / f"out-{fmt}", force=True)
        (tmp_path / "sync").mkdir()
        col.sync(tmp_path / "sync")
        assert col.doctor() == []
        conn.set_trace_callback(None)
    queries = []
    for sql in seen:
        if sql.lstrip().upper().startswith(_NOT_QUERIES) or sql in queries:
            continue
        queries.append(sql)
    return queries


def _searched(conn: sqlite3.Connection, sql: str) -> tuple[set[str], set[str]]:
    """(tables searched through an index, tables scanned) in the statement's plan."""
    searched, scanned = set(), set()
    for *_, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        found = _LOOKUP.match(detail)
        if found:
            (searched if found[1] == "SEARCH" else scanned).add(found[2])
    return searched, scanned


def test_every_query_that_searched_an_index_before_m019_still_does(db_path, notes, tmp_path):
    queries = _a_day_of_use(db_path, notes, tmp_path)
    assert any("FROM reviews WHERE card_id" in q for q in queries)  # the per-card reads ran
    before = tmp_path / "before-m019.sqlite"
    now_conn, old_conn = sqlite3.connect(db_path), sqlite3.connect(before)
    try:
        now_conn.backup(old_conn)
        for sql in _BEFORE_M019:
            old_conn.execute(sql)
        old_conn.commit()
        lost = []
        for sql in queries:
            was, was_scanned = _searched(old_conn, sql)
            searched, scanned = _searched(now_conn, sql)
            # a name scanned there too (a recount of the log beside a look-up of its
            # pending answers, both `r`) is not one the indexes kept from a scan
            for table in sorted(was - searched) + sorted((was - was_scanned) & scanned):
                lost.append(f"{table}: {sql}")
        indexes = {
            name
            for (name,) in now_conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    finally:
        now_conn.close()
        old_conn.close()
    assert lost == []
    assert not indexes & set(ANSWER_DROPPED_INDEXES)


def test_a_card_s_reviews_are_read_through_the_card_and_time_index(db_path, notes, tmp_path):
    """reviews_replay(card_id, time_ms) does reviews_card's work: a card's reviews in id
    order are its few rows, sorted; the day's answers are read through reviews_day."""
    queries = _a_day_of_use(db_path, notes, tmp_path)
    conn = sqlite3.connect(db_path)
    try:
        plans = {
            sql: " | ".join(r[-1] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in queries
        }
    finally:
        conn.close()
    by_card = [p for q, p in plans.items() if re.search(r"FROM reviews WHERE card_id (=|IN)", q)]
    assert by_card
    for plan in by_card:
        assert re.search(r"SEARCH reviews USING (COVERING )?INDEX reviews_replay \(card_id=", plan)
    by_day = [p for q, p in plans.items() if re.search(r"FROM reviews (r )?WHERE (r\.)?day = ", q)]
    assert by_day
    for plan in by_day:
        assert "INDEX reviews_day (day=?)" in plan


_UPDATE_WHEN = re.compile(r"AFTER UPDATE OF ([\w, ]+) ON \w+ WHEN (.*?) BEGIN ")


def _moves_per_column(conn: sqlite3.Connection) -> list[str]:
    """The summary triggers that fire on every change of a column they read (m018's
    form), not only on a change of the group (m019's)."""
    found = []
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"):
        when = _UPDATE_WHEN.search(sql)
        if name in deck_summaries.TRIGGERS and when and " IS NOT (" not in when[2]:
            found.append(name)
    return found


def test_m019_drops_the_indexes_and_remakes_the_triggers_of_an_older_collection(db_path, notes):
    path = notes.write("facts.md", _facts(6))
    with Collection.open(db_path, timezone="UTC", backup=False) as col:
        col.build(path)
        for card in col.cards()[:3]:
            col.answer(card.id, 4, now=NOW)
    # the collection as m018 left it: the indexes there, the triggers' column-wise WHEN
    conn = sqlite3.connect(db_path)
    with conn:
        for sql in _BEFORE_M019:
            conn.execute(sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            found = _UPDATE_WHEN.search(sql)
            if name in deck_summaries.TRIGGERS and found:
                columns = found[1].split(", ")
                when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
                conn.execute(f"DROP TRIGGER {name}")
                conn.execute(sql[: found.start(2)] + when + sql[found.end(2) :])
        assert _moves_per_column(conn)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm019_answer_pages'")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()

    with Collection.open(db_path, timezone="UTC", backup=False) as col:
        for day, card in enumerate(col.cards()):
            col.answer(card.id, (2, 4, 5)[day % 3], now=NOW + timedelta(days=day))
        assert col.doctor() == []
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert not names & set(ANSWER_DROPPED_INDEXES)
        assert not _moves_per_column(conn)
        made = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        expected = deck_summaries._triggers()
        assert {name: made.get(name) for name in expected} == expected
        assert deck_summaries.problems(conn) == []
    finally:
        conn.close()
