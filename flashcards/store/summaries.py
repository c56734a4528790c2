"""The review summaries behind the stats: two tables kept by triggers on `reviews`.

They hold the review log folded per study day, so a year of figures costs a
few thousand rows however many answers there are. Like `card_state`, they are
derived: `rebuild_summaries` recomputes them from the log and
`summary_problems` compares the two (`doctor`).

- `review_days` — answers per (study day, deck, kind, q, new, mature) with
  their total time. `new`: the card had never been scheduled (due_before
  NULL); `mature`: interval before the answer >= 21 days.
- `review_slots` — answers per (study day, deck, quarter hour since 1970 in
  UTC, i.e. time_ms / 900000) and how many passed (q >= 3): the local hour of
  day is worked out at read time, in whatever time zone the collection is
  opened with (every zone's offset is a whole number of quarter hours).

An import, and a sync merging a thousand reviews or more, append them under
`appending_in_bulk`: the insert trigger is off for the block and the batch's summaries
are counted in Python and upserted once.

The tables and triggers are schema step m003 (`summary_statements`): change
what they hold only together with a new step that rebuilds them (m009 did, to
leave out the "import" rows that hold schedules imported from other tools).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol


class _Executes(Protocol):
    """What these functions need of the store: its `execute` (a Store, a connection)."""

    def execute(self, sql: str, params: Sequence[object] = ...) -> sqlite3.Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> object: ...


MATURE_DAYS = 21  # young/mature line of review_days.mature (Anki's)
PASS_Q = 3  # review_slots.passed counts answers with q >= 3
SLOT_MS = 900_000  # a quarter hour: every time zone's offset is a multiple of it

_SUMMARY_TABLES = """
CREATE TABLE review_days (
    day TEXT NOT NULL,
    deck_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    q INTEGER NOT NULL,
    new INTEGER NOT NULL,
    mature INTEGER NOT NULL,
    answers INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (day, deck_id, kind, q, new, mature)
) WITHOUT ROWID;
CREATE TABLE review_slots (
    day TEXT NOT NULL,
    deck_id INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    answers INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    PRIMARY KEY (day, deck_id, slot)
) WITHOUT ROWID
"""


def _keys(row: str) -> dict[str, str]:
    """The summary keys of a review row (NEW or OLD inside a trigger, r in a query)."""
    return {
        "day": f"{row}.day",
        # 0 only for a review whose card is gone (a damaged file): it still counts
        "deck_id": f"COALESCE((SELECT deck_id FROM cards WHERE id = {row}.card_id), 0)",
        "kind": f"{row}.kind",
        "q": f"{row}.q",
        "new": f"({row}.due_before IS NULL)",
        "mature": f"({row}.due_before IS NOT NULL AND {row}.interval_before >= {MATURE_DAYS})",
        "duration_ms": f"COALESCE({row}.duration_ms, 0)",
        "slot": f"({row}.time_ms / {SLOT_MS})",
        "passed": f"({row}.q >= {PASS_Q})",
    }


def _add(row: str) -> list[str]:
    k = _keys(row)
    return [
        "INSERT INTO review_days(day, deck_id, kind, q, new, mature, answers, duration_ms) "
        f"VALUES ({k['day']}, {k['deck_id']}, {k['kind']}, {k['q']}, {k['new']}, "
        f"{k['mature']}, 1, {k['duration_ms']}) "
        "ON CONFLICT DO UPDATE SET answers = answers + 1, "
        "duration_ms = duration_ms + excluded.duration_ms",
        "INSERT INTO review_slots(day, deck_id, slot, answers, passed) "
        f"VALUES ({k['day']}, {k['deck_id']}, {k['slot']}, 1, {k['passed']}) "
        "ON CONFLICT DO UPDATE SET answers = answers + 1, passed = passed + excluded.passed",
    ]


def _remove(row: str) -> list[str]:
    k = _keys(row)
    days = (
        f"day = {k['day']} AND deck_id = {k['deck_id']} AND kind = {k['kind']} "
        f"AND q = {k['q']} AND new = {k['new']} AND mature = {k['mature']}"
    )
    slots = f"day = {k['day']} AND deck_id = {k['deck_id']} AND slot = {k['slot']}"
    return [
        f"UPDATE review_days SET answers = answers - 1, "
        f"duration_ms = duration_ms - {k['duration_ms']} WHERE {days}",
        f"DELETE FROM review_days WHERE {days} AND answers <= 0",
        f"UPDATE review_slots SET answers = answers - 1, passed = passed - {k['passed']} "
        f"WHERE {slots}",
        f"DELETE FROM review_slots WHERE {slots} AND answers <= 0",
    ]


def _fills() -> dict[str, tuple[str, str]]:
    """Per summary table: (its columns, the SELECT that computes it from the log)."""
    k = _keys("r")
    return {
        "review_days": (
            "day, deck_id, kind, q, new, mature, answers, duration_ms",
            f"SELECT {k['day']}, {k['deck_id']}, {k['kind']}, {k['q']}, {k['new']}, "
            f"{k['mature']}, COUNT(*), SUM({k['duration_ms']}) "
            f"FROM reviews r WHERE {_ANSWERED} GROUP BY 1, 2, 3, 4, 5, 6",
        ),
        "review_slots": (
            "day, deck_id, slot, answers, passed",
            f"SELECT {k['day']}, {k['deck_id']}, {k['slot']}, COUNT(*), SUM({k['passed']}) "
            f"FROM reviews r WHERE {_ANSWERED} GROUP BY 1, 2, 3",
        ),
    }


# An "import" row holds a schedule another tool wrote, not an answer: no figure counts it.
_ANSWERED = "r.kind != 'import'"


def _when(event: str) -> str:
    rows = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
    return "WHEN " + " OR ".join(f"{row}.kind != 'import'" for row in rows) + " "


def _fill_statements() -> list[str]:
    return [
        f"INSERT INTO {table}({columns}) {select}" for table, (columns, select) in _fills().items()
    ]


def _triggers() -> dict[str, str]:
    """{trigger name: its CREATE statement}."""
    body = {
        "INSERT": _add("NEW"),
        "DELETE": _remove("OLD"),
        "UPDATE": _remove("OLD") + _add("NEW"),  # the log is append-only; this is for safety
    }
    return {
        f"reviews_summary_{event.lower()}": f"CREATE TRIGGER reviews_summary_{event.lower()} "
        f"AFTER {event} ON reviews {_when(event)}BEGIN {'; '.join(statements)}; END"
        for event, statements in body.items()
    }


def summary_statements() -> list[str]:
    """The schema step that adds the summary tables and their triggers, filled from the log."""
    triggers = list(_triggers().values())
    tables = [s.strip() for s in _SUMMARY_TABLES.split(";") if s.strip()]
    return [*tables, *_fill_statements(), *triggers]


_TRIGGERS = ("reviews_summary_insert", "reviews_summary_delete", "reviews_summary_update")


class _Fold:
    """The summary rows a batch of appended review rows adds, counted in Python: the same
    keys as `_keys` (doctor's `summary_problems` holds the two to agreement)."""

    def __init__(self, store: _Executes) -> None:
        self._store = store
        self.days: dict[tuple, list[int]] = {}
        self.slots: dict[tuple, list[int]] = {}

    def __call__(self, rows: Sequence[tuple]) -> None:
        """Rows as `history.add_reviews` takes them (card, time_ms, day, q, duration, kind,
        before ×5, after ×5; any further columns, a sync's device, are not read)."""
        deck_of: dict[int, int] = {}
        ids = sorted({r[0] for r in rows})
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            deck_of.update(
                self._store.execute(
                    f"SELECT id, deck_id FROM cards WHERE id IN ({','.join('?' * len(part))})",
                    part,
                )
            )
        days, slots = self.days, self.slots
        for card, time_ms, day, q, duration, kind, _, _, interval, due, *_ in rows:
            if kind == "import":
                continue
            deck = deck_of.get(card, 0)
            new = 1 if due is None else 0
            key = (day, deck, kind, q, new, 1 if not new and interval >= MATURE_DAYS else 0)
            found = days.get(key)
            if found is None:
                days[key] = [1, duration or 0]
            else:
                found[0] += 1
                found[1] += duration or 0
            passed = 1 if q >= PASS_Q else 0
            key = (day, deck, time_ms // SLOT_MS)
            found = slots.get(key)
            if found is None:
                slots[key] = [1, passed]
            else:
                found[0] += 1
                found[1] += passed

    def write(self) -> None:
        self._store.executemany(
            "INSERT INTO review_days(day, deck_id, kind, q, new, mature, answers, duration_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "answers = answers + excluded.answers, duration_ms = duration_ms + excluded.duration_ms",
            [(*k, *v) for k, v in self.days.items()],
        )
        self._store.executemany(
            "INSERT INTO review_slots(day, deck_id, slot, answers, passed) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET answers = answers + excluded.answers, "
            "passed = passed + excluded.passed",
            [(*k, *v) for k, v in self.slots.items()],
        )


@contextmanager
def appending_in_bulk(store: _Executes) -> Iterator[Callable[[Sequence[tuple]], None]]:
    """For appending half a million reviews (an import): yields `fold`, to be called with
    every batch of rows appended inside the block; their summaries are written once, at
    its end, instead of row by row by the insert trigger, which is dropped meanwhile and
    made again, inside the caller's write transaction (it must roll back if the block
    fails)."""
    name = "reviews_summary_insert"
    present = store.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone()
    if present is None:  # a damaged collection: doctor reports it, nothing to keep up
        yield lambda rows: None
        return
    fold = _Fold(store)
    store.execute(f"DROP TRIGGER {name}")
    try:
        yield fold
        fold.write()
    finally:
        store.execute(_triggers()[name])


def rebuild_summaries(store: _Executes) -> None:
    """Recreate the summary tables and triggers and refill them from the review log,
    inside the caller's transaction (it heals a dropped table or trigger too)."""
    for trigger in _TRIGGERS:
        store.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _fills():
        store.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in summary_statements():
        store.execute(statement)


def summary_problems(store: _Executes) -> list[str]:
    """Where the summary tables disagree with the review log ([] when they agree)."""
    present = {
        name
        for (name,) in store.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
        )
    }
    missing = [name for name in (*_fills(), *_TRIGGERS) if name not in present]
    if missing:
        return [
            f"the review summaries behind the stats lack {', '.join(missing)}; "
            "run `flashcards doctor --repair`"
        ]
    problems = []
    for table, (columns, select) in _fills().items():
        wrong = store.execute(
            f"SELECT (SELECT COUNT(*) FROM ({select} EXCEPT SELECT {columns} FROM {table})) "
            f"+ (SELECT COUNT(*) FROM (SELECT {columns} FROM {table} EXCEPT {select}))"
        ).fetchone()[0]
        if wrong:
            problems.append(
                f"{wrong} rows of {table} (the review summaries behind the stats) disagree "
                "with the review log; run `flashcards doctor --repair`"
            )
    return problems
