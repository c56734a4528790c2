"""Schema step m020: the review summaries' two tables become one, read through views."""

from __future__ import annotations

from flashcards.collection import Collection
from flashcards.store import SCHEMA_VERSION, Store, summaries

from .test_stats import HISTORY_NOW, history, older_copy  # noqa: F401, F811 - the fixture


def test_migration_puts_the_two_summary_tables_into_one(history, tmp_path):  # noqa: F811
    """A collection from before step m020, whose summaries were two tables, gets the one
    table with the same rows, read through views of the old names."""
    expected, old, conn = older_copy(history, tmp_path)
    rows = {
        v: conn.execute(f"SELECT * FROM {v} ORDER BY 1, 2, 3, 4").fetchall()
        for v in summaries.VIEWS
    }
    # as step m019 left it: two tables, their triggers (the same counts, by rebuild below)
    for view in summaries.VIEWS:
        conn.execute(f"CREATE TABLE {view}_rows AS SELECT * FROM {view}")
        conn.execute(f"DROP VIEW {view}")
        conn.execute(f"ALTER TABLE {view}_rows RENAME TO {view}")
    conn.execute("DROP TABLE review_summary")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm020_review_summary'")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Collection.open(old, timezone="UTC") as col:
        kinds = dict(Store(old).execute("SELECT name, type FROM sqlite_master").fetchall())
        assert [kinds.get(v) for v in summaries.VIEWS] == ["view", "view"]
        assert kinds.get("review_summary") == "table"
        after = {
            v: Store(old).execute(f"SELECT * FROM {v} ORDER BY 1, 2, 3, 4").fetchall()
            for v in summaries.VIEWS
        }
        assert after == rows
        assert col.stats(now=HISTORY_NOW) == expected
        assert col.doctor() == []
        hotel = next(c for c in col.cards() if c.answers == ["hotel"])
        col.answer(hotel.id, 4, now=HISTORY_NOW)  # the new triggers count it
        assert col.doctor() == []
