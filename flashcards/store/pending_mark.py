"""The mark of answers not yet in the summaries: one row, and the SQL that reads it.

An answer saves its review and its card's state and leaves the summaries behind the
deck list and the stats as they are (`pending.py` says why and folds them in). The
answers left out are the reviews from `pending_answers.first_review` on; while that
row exists, every summary trigger stands still (`LIVE` is their WHEN), so nothing is
counted twice or counted from a state the summaries do not hold. No row: nothing is
pending, and the triggers keep the summaries as they always did.

Only the mark here, nothing of flashcards imported: the summaries' modules build their
triggers and views from it, `pending.py` builds on them, and every write transaction
looks at the mark (`Store.atomic`) without loading any of them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Protocol


class _Executes(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ...) -> sqlite3.Cursor: ...


TABLE = "pending_answers"

# one row at most (slot 0): the first review id the summaries do not hold yet
CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "slot INTEGER PRIMARY KEY CHECK (slot = 0), first_review INTEGER NOT NULL)"
)

# a summary trigger's condition: no answer is pending
LIVE = f"NOT EXISTS (SELECT 1 FROM {TABLE})"

# an answer's first statement: the next review id is the first pending one, unless an
# earlier answer is pending already (then the row stays as it is: no page is written)
MARK = (
    f"INSERT OR IGNORE INTO {TABLE}(slot, first_review) "
    "VALUES (0, (SELECT COALESCE(MAX(id), 0) + 1 FROM reviews))"
)

# which reviews `r` are pending: a range of the log's ids, none when there is no row.
# `likelihood` tells the planner what the range is: the few answers at the end of the
# log since the last fold. Left to guess, it takes a range for a large part of the
# table, so at 100k cards / 1M reviews a fold read the whole log through reviews_day
# (to group the answers by day without sorting them) and scanned every card into a
# Bloom filter (to look up their cards): ~170 ms, where the app idles, undoes or shows
# the deck list; ~2 ms told (schema step m022 makes the views again with it).
PENDING = f"likelihood(r.id >= (SELECT first_review FROM {TABLE}), 0.0001)"


def waiting(conn: sqlite3.Connection | _Executes) -> bool:
    """Whether any answer is pending (False where the schema has no mark yet)."""
    try:
        return conn.execute(f"SELECT 1 FROM {TABLE}").fetchone() is not None
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return False  # a collection older than the mark: nothing can be pending
        raise


def reading(conn: sqlite3.Connection | _Executes, name: str) -> str:
    """What a reader of the summary `name` reads: the summary itself, or, while answers
    are pending, its live view (`name_live`), which adds them. The views are compound
    SELECTs, which SQLite cannot merge into a reader's GROUP BY (a stats page at 100,000
    cards took 1.6x the CPU through them): only a moment's pending answers pay for it."""
    return f"{name}_live" if waiting(conn) else name
