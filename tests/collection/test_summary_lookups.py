"""Every trigger that takes a card out of a deck summary finds its count row by the row's
whole primary key, never by a prefix and a scan (store/deck_summaries.py `_take`), in a
new collection and in one migrated from before schema step m018.

A plan test, deterministic: each statement of the trigger bodies is run through EXPLAIN
QUERY PLAN with a real row's values bound where it names OLD and NEW."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from helpers import NOW, Notes

from flashcards.collection import Collection
from flashcards.store import SCHEMA_VERSION, deck_summaries

FACTS = "- Paris is the capital of **France**\n- Rome is the capital of **Italy**\n"


_ROW = re.compile(r"\b(OLD|NEW)\.(\w+)")


def _keys(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[5]]


def _slow_lookups(path: Path) -> list[str]:
    """The statements of the summary triggers that search a summary table by less than
    its whole primary key: '<trigger>: <statement> -> <plan line>'."""
    conn = sqlite3.connect(path)
    try:
        found = []
        for name, table, sql in conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            if name not in deck_summaries.TRIGGERS:
                continue
            # a real row of the trigger's table stands in for OLD and NEW, bound as values
            cur = conn.execute(f"SELECT * FROM {table} LIMIT 1")
            real = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
            body = sql[sql.index("BEGIN ") + 6 : sql.rindex("; END")]
            for statement in body.split("; "):
                target = re.match(r"(?:UPDATE|DELETE FROM) (\w+)", statement)
                if not target or target[1] not in deck_summaries.TABLES:
                    continue
                summary = target[1]
                whole = " AND ".join(f"{key}=?" for key in _keys(conn, summary))
                values = [real[column] for _, column in _ROW.findall(statement)]
                query = _ROW.sub("?", statement)
                plan = [line[3] for line in conn.execute(f"EXPLAIN QUERY PLAN {query}", values)]
                lookup = [line for line in plan if line.startswith(f"SEARCH {summary} ")]
                if lookup != [f"SEARCH {summary} USING PRIMARY KEY ({whole})"]:
                    found.append(f"{name}: {statement} -> {plan}")
        return found
    finally:
        conn.close()


def _built(db_path: Path, notes: Notes) -> Path:
    notes.write("facts.md", FACTS)
    with Collection.open(db_path, timezone="UTC", backup=False) as col:
        col.build(notes.root)
        col.answer(col.cards()[0].id, 4, now=NOW)
    return db_path


def test_a_new_collection_looks_summary_rows_up_by_their_whole_key(db_path, notes):
    path = _built(db_path, notes)
    assert _slow_lookups(path) == []


def test_m018_remakes_the_triggers_of_an_older_collection(db_path, notes):
    path = _built(db_path, notes)
    # the collection as the step before m018 left it: the summary triggers matched with IN (SELECT ...)
    conn = sqlite3.connect(path)
    with conn:
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            if name in deck_summaries.TRIGGERS and ") = (SELECT " in sql:
                conn.execute(f"DROP TRIGGER {name}")
                conn.execute(sql.replace(") = (SELECT ", ") IN (SELECT "))
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm018_summary_lookups'")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()
    assert _slow_lookups(path)  # the old form scans: the check sees it

    with Collection.open(path, timezone="UTC", backup=False) as col:
        for card in col.cards():
            col.answer(card.id, 2, now=NOW)  # the remade triggers count every move
            col.suspend(card.id)
    assert _slow_lookups(path) == []
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert deck_summaries.problems(conn) == []
    finally:
        conn.close()
