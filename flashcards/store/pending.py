"""Answers folded into the summaries after they are saved, not while.

The summaries behind the deck list and the stats (`summaries.py`: the review log per
day; `deck_summaries.py`: the cards per deck, due day, interval and ease) are kept by
triggers. Run by an answer, their rows are three or four B-tree pages of the answer's
own commit, each written and synced before the answer counts as saved
(synchronous=FULL), and their statements a fifth of its work: about a quarter of the
time from a key press to the next card (issue 10 item 18).

So an answer marks itself pending instead (`pending_mark`): its transaction writes the
review and the card's state, and the summary triggers stand still while anything is
pending. `fold` then adds the pending answers to the summaries in one transaction:

- the app runs it while the user reads a card (`Collection.idle`, with its checkpoint)
  and when the collection is closed;
- every other write transaction runs it first (`Store.atomic`), so a build, an undo, a
  suspend, a sync, an import or a repair always finds the summaries whole and their
  triggers running, whichever process answered.

Nothing waits for it to be right: while answers are pending, readers read the
summaries through live views that add them (`pending_mark.reading`: review_days_live,
review_slots_live, `deck_summaries.live`), so another process, a read-only
collection with answers pending, or one whose app was killed before it folded them,
shows the same figures. `doctor` checks the summaries as read, pending answers and
all.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from typing import Protocol

from flashcards.store import deck_summaries, pending_mark, summaries


class _Executes(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ...) -> sqlite3.Cursor: ...


# A pending answer's card before and after it: its `cards` row as it is (nothing but
# answers wrote since the summaries were whole), its state as the review row `r`
# recorded it on either side. Every state column a summary reads is one of these.
_RECORDED = re.compile(r"\bS\.(due|interval|lapses|ef)\b")


def _recorded(expression: str, side: str) -> str:
    text = _RECORDED.sub(rf"r.\1_{side}", expression.format(c="c", s="S"))
    if "S." in text:
        raise ValueError(f"a review row does not record the state {expression} reads")
    return text


def moves(name: str) -> str:
    """The SELECT of the changes the pending answers make to the state summary `name`
    (each answer's card out of its group before the answer, -1, and into its group after
    it, +1), in the summary's columns: what `fold` adds, and its live view at read time."""
    summary = deck_summaries.SUMMARIES[name]
    keys = {}
    where = {}
    for side in ("before", "after"):
        # named as the summary's columns (a compound SELECT's names are its first one's)
        keys[side] = ", ".join(f"{_recorded(e, side)} AS {k}" for k, e in summary.keys.items())
        where[side] = _recorded(summary.where, side)
    # the pending answers first, by their ids (CROSS JOIN keeps that order: left to
    # choose, the planner may scan every card for a review of it)
    source = f"FROM reviews r CROSS JOIN cards c ON c.id = r.card_id WHERE {pending_mark.PENDING}"
    return (
        f"SELECT {keys['before']}, -1 AS n {source} AND {where['before']} UNION ALL "
        f"SELECT {keys['after']}, 1 AS n {source} AND {where['after']}"
    )


def make_live_views(store: _Executes) -> None:
    """The views the state summaries' readers read (`deck_summaries.live`): the table's
    rows and the pending answers' moves. Those present are left as they are."""
    for view in deck_summaries.LIVE_VIEWS:
        table = view.removesuffix("_live")
        store.execute(
            f"CREATE VIEW IF NOT EXISTS {view} AS "
            f"SELECT {deck_summaries.columns(table)} FROM {table} UNION ALL {moves(table)}"
        )


def remake_live_views(store: _Executes) -> None:
    """Schema step m022: every live view made again from its definition here (the
    pending range as `pending_mark.PENDING` says it now); the summaries stay as they are."""
    for view in (*summaries.LIVE_VIEWS, *deck_summaries.LIVE_VIEWS):
        store.execute(f"DROP VIEW IF EXISTS {view}")
    summaries.make_views(store)  # the live ones: the others are there
    make_live_views(store)


def fold(store: _Executes) -> bool:
    """Add the pending answers to the summaries and clear the mark, inside the caller's
    write transaction; True when there were any. The triggers are still for it: it
    adds each answer as the triggers would have (the review to its day and quarter
    hour; its card out of the groups of its state before the answer, into those of its
    state after it), grouped, one statement per summary."""
    if not pending_mark.waiting(store):
        return False
    for statement in summaries.fold_statements():
        store.execute(statement)
    for name in deck_summaries.LIVE_VIEWS:
        table = name.removesuffix("_live")
        columns = deck_summaries.columns(table)
        keys = columns.removesuffix(", n")
        counted = store.execute(
            f"INSERT INTO {table}({columns}) SELECT {keys}, SUM(n) "
            f"FROM ({moves(table)}) "
            f"GROUP BY {keys} HAVING SUM(n) != 0 "
            f"ON CONFLICT DO UPDATE SET n = n + excluded.n RETURNING {keys}, n"
        ).fetchall()
        # a group the answers emptied goes, as its trigger would take it away; only the
        # groups just counted can be empty (a pass over the table cost ~1 ms at 100k cards)
        match = " AND ".join(f"{key} = ?" for key in keys.split(", "))
        for row in counted:
            if row[-1] <= 0:
                store.execute(f"DELETE FROM {table} WHERE {match}", row[:-1])
    store.execute(f"DELETE FROM {pending_mark.TABLE}")
    return True


def step(store: _Executes) -> None:
    """Schema step m021: the mark, the summaries' triggers made again to stand still
    while it is set, and the views that read the pending answers into the summaries.
    Nothing is pending in a collection this old: no count changes."""
    store.execute(pending_mark.CREATE)
    summaries.make_views(store)  # the live ones: the others are there
    summaries.remake_triggers(store)
    deck_summaries.remake_triggers(store)
    make_live_views(store)
