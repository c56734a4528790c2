"""The review summaries behind the stats: one table kept by triggers on `reviews`, read
through two views.

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

Both live in one table, `review_summary`, whose key starts (day, deck, slot): a day
row has slot -1 and the answers' kind, q, new and mature, a slot row its quarter hour
and '', -1, 0, 0 there; `value` is a day row's time, a slot row's passed answers. The
views `review_days` and `review_slots` read them apart. So an answer's two summary rows
sit side by side in one B-tree page: one page fewer to write and sync per answer than
two tables (schema step m020).

An answer is not counted in the table as it is saved: it is pending (`pending_mark`)
until `pending.fold` adds it, and the views add the pending answers to the table's rows
(a reader sums its rows per key), so what they show is whole all the same.

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

from flashcards.store import deck_summaries, pending_mark


class _Executes(Protocol):
    """What these functions need of the store: its `execute` (a Store, a connection)."""

    def execute(self, sql: str, params: Sequence[object] = ...) -> sqlite3.Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> object: ...


MATURE_DAYS = 21  # young/mature line of review_days.mature (Anki's)
PASS_Q = 3  # review_slots.passed counts answers with q >= 3
SLOT_MS = 900_000  # a quarter hour: every time zone's offset is a multiple of it

DAY_ROW = -1  # review_summary.slot of a day row

_SUMMARY_TABLE = """CREATE TABLE review_summary (
    day TEXT NOT NULL,
    deck_id INTEGER NOT NULL,
    slot INTEGER NOT NULL,
    kind TEXT NOT NULL,
    q INTEGER NOT NULL,
    new INTEGER NOT NULL,
    mature INTEGER NOT NULL,
    answers INTEGER NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (day, deck_id, slot, kind, q, new, mature)
) WITHOUT ROWID"""
TABLE = "review_summary"
VIEWS = ("review_days", "review_slots")
LIVE_VIEWS = ("review_days_live", "review_slots_live")
_COLUMNS = "day, deck_id, slot, kind, q, new, mature, answers, value"
# a slot row's kind, q, new and mature
_SLOT_KEY = "'', -1, 0, 0"
# adds counted rows (day rows and slot rows alike: their `value`s add up the same way)
UPSERT = (
    f"INSERT INTO review_summary({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT DO UPDATE SET answers = answers + excluded.answers, "
    "value = value + excluded.value"
)


def review_keys(row: str) -> dict[str, str]:
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


def _views() -> list[str]:
    """The two views the stats read, and their live views (`pending_mark.reading`): the
    table's rows and a row per pending answer (not counted in the table yet), which a
    reader's SUM adds up."""
    # a reader's day range applies to `+r.day`, which no index serves: the pending
    # answers are found by their ids (left to choose, the planner reads a year of the
    # log through reviews_day for a stats page)
    k = {**review_keys("r"), "day": "+r.day"}
    pending = f"FROM reviews r WHERE {pending_mark.PENDING} AND {_ANSWERED}"
    days = (
        "SELECT day, deck_id, kind, q, new, mature, answers, value AS duration_ms "
        f"FROM review_summary WHERE slot = {DAY_ROW}"
    )
    slots = (
        "SELECT day, deck_id, slot, answers, value AS passed "
        f"FROM review_summary WHERE slot > {DAY_ROW}"
    )
    return [
        f"CREATE VIEW IF NOT EXISTS review_days AS {days}",
        f"CREATE VIEW IF NOT EXISTS review_slots AS {slots}",
        f"CREATE VIEW IF NOT EXISTS review_days_live AS {days} UNION ALL "
        f"SELECT {k['day']}, {k['deck_id']}, {k['kind']}, {k['q']}, {k['new']}, "
        f"{k['mature']}, 1, {k['duration_ms']} {pending}",
        f"CREATE VIEW IF NOT EXISTS review_slots_live AS {slots} UNION ALL "
        f"SELECT {k['day']}, {k['deck_id']}, {k['slot']}, 1, {k['passed']} {pending}",
    ]


def _add(row: str) -> list[str]:
    """One statement adds the review to its day row and its slot row."""
    k = review_keys(row)
    return [
        f"INSERT INTO review_summary({_COLUMNS}) VALUES "
        f"({k['day']}, {k['deck_id']}, {DAY_ROW}, {k['kind']}, {k['q']}, {k['new']}, "
        f"{k['mature']}, 1, {k['duration_ms']}), "
        f"({k['day']}, {k['deck_id']}, {k['slot']}, {_SLOT_KEY}, 1, {k['passed']}) "
        "ON CONFLICT DO UPDATE SET answers = answers + 1, value = value + excluded.value"
    ]


def _remove(row: str) -> list[str]:
    k = review_keys(row)
    days = (
        f"day = {k['day']} AND deck_id = {k['deck_id']} AND slot = {DAY_ROW} "
        f"AND kind = {k['kind']} AND q = {k['q']} AND new = {k['new']} "
        f"AND mature = {k['mature']}"
    )
    slots = (
        f"day = {k['day']} AND deck_id = {k['deck_id']} AND slot = {k['slot']} "
        f"AND (kind, q, new, mature) = ({_SLOT_KEY})"
    )
    return [
        f"UPDATE review_summary SET answers = answers - 1, "
        f"value = value - {k['duration_ms']} WHERE {days}",
        f"UPDATE review_summary SET answers = answers - 1, value = value - {k['passed']} "
        f"WHERE {slots}",
        f"DELETE FROM review_summary WHERE {days} AND answers <= 0",
        f"DELETE FROM review_summary WHERE {slots} AND answers <= 0",
    ]


def _fills() -> dict[str, tuple[str, str]]:
    """Per summary table: (its columns, the SELECT that computes it from the log)."""
    k = review_keys("r")
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
    answered = " OR ".join(f"{row}.kind != 'import'" for row in rows)
    return f"WHEN ({answered}) AND {pending_mark.LIVE} "


def _count_statements(source: str = f"reviews r WHERE {_ANSWERED}", add: str = "") -> list[str]:
    """The summary rows of the reviews `r` of `source`, counted into the one table (`add`:
    an upsert clause, to add them to rows already there)."""
    k = review_keys("r")
    return [
        f"INSERT INTO review_summary({_COLUMNS}) "
        f"SELECT {k['day']}, {k['deck_id']}, {DAY_ROW}, {k['kind']}, {k['q']}, {k['new']}, "
        f"{k['mature']}, COUNT(*), SUM({k['duration_ms']}) "
        f"FROM {source} GROUP BY 1, 2, 4, 5, 6, 7{add}",
        f"INSERT INTO review_summary({_COLUMNS}) "
        f"SELECT {k['day']}, {k['deck_id']}, {k['slot']}, {_SLOT_KEY}, COUNT(*), "
        f"SUM({k['passed']}) FROM {source} GROUP BY 1, 2, 3{add}",
    ]


def fold_statements() -> list[str]:
    """The pending answers (`pending_mark`) added to the table, as the insert trigger
    would have added them one by one (`pending.fold`)."""
    return _count_statements(
        f"reviews r WHERE {pending_mark.PENDING} AND {_ANSWERED}",
        " ON CONFLICT DO UPDATE SET answers = answers + excluded.answers, "
        "value = value + excluded.value",
    )


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
    return [pending_mark.CREATE, _SUMMARY_TABLE, *_views(), *_count_statements(), *triggers]


_TRIGGERS = ("reviews_summary_insert", "reviews_summary_delete", "reviews_summary_update")


class _Fold:
    """The summary rows a batch of appended review rows adds, counted in Python: the same
    keys as `review_keys` (doctor's `summary_problems` holds the two to agreement)."""

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
        write_counts(self._store, self.days, self.slots)


def write_counts(
    store: _Executes, days: dict[tuple, list[int]], slots: dict[tuple, list[int]]
) -> None:
    """Add counted summaries, inside the caller's transaction: `days` {(day, deck, kind, q,
    new, mature): [answers, duration ms]}, `slots` {(day, deck, quarter hour): [answers,
    passed]}."""
    store.executemany(
        UPSERT,
        [
            (day, deck, DAY_ROW, kind, q, new, mature, answers, duration)
            for (day, deck, kind, q, new, mature), (answers, duration) in days.items()
        ]
        + [
            (day, deck, slot, "", -1, 0, 0, answers, passed)
            for (day, deck, slot), (answers, passed) in slots.items()
        ],
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
    # the views, or the two tables they were before step m020
    kinds = dict(
        store.execute(
            "SELECT name, type FROM sqlite_master WHERE name IN (?, ?, ?, ?, ?)",
            (TABLE, *VIEWS, *LIVE_VIEWS),
        ).fetchall()
    )
    for name, kind in kinds.items():
        store.execute(f"DROP {'VIEW' if kind == 'view' else 'TABLE'} {name}")
    for statement in summary_statements():
        store.execute(statement)


def make_views(store: _Executes) -> None:
    """The two views the stats read, made (schema step m021 makes them read the pending
    answers too)."""
    for view in _views():
        store.execute(view)


def remake_triggers(store: _Executes) -> None:
    """Each of the log's summary triggers the collection has, made again from its
    definition here; a missing one stays missing, for `summary_problems` to name."""
    deck_summaries.remake_present(store, _triggers())


def merge_tables(store: _Executes) -> None:
    """Schema step m020: the two summary tables of before become the one table and its
    views, their rows copied as they are, inside the caller's transaction (a collection
    that has the views already is left as it is)."""
    old = store.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)", VIEWS
    ).fetchone()[0]
    if old != len(VIEWS):
        if old:  # one of the two was lost: count them again from the log
            rebuild_summaries(store)
        return
    for trigger in _TRIGGERS:
        store.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    store.execute(pending_mark.CREATE)
    store.execute(_SUMMARY_TABLE)
    store.execute(
        f"INSERT INTO review_summary({_COLUMNS}) "
        f"SELECT day, deck_id, {DAY_ROW}, kind, q, new, mature, answers, duration_ms "
        "FROM review_days"
    )
    store.execute(
        f"INSERT INTO review_summary({_COLUMNS}) "
        f"SELECT day, deck_id, slot, {_SLOT_KEY}, answers, passed FROM review_slots"
    )
    for name in VIEWS:
        store.execute(f"DROP TABLE {name}")
    make_views(store)
    for trigger in _triggers().values():
        store.execute(trigger)


def summary_problems(store: _Executes) -> list[str]:
    """Where the summary tables disagree with the review log ([] when they agree)."""
    present = {
        name
        for (name,) in store.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')"
        )
    }
    missing = [name for name in (TABLE, *VIEWS, *LIVE_VIEWS, *_TRIGGERS) if name not in present]
    if missing:
        return [
            f"the review summaries behind the stats lack {', '.join(missing)}; "
            "run `flashcards doctor --repair`"
        ]
    problems = []
    for table, (columns, select) in _fills().items():
        # the view as its readers add it up: the table's rows and the pending answers'
        *keys, answers, value = columns.split(", ")
        groups = ", ".join(str(i + 1) for i in range(len(keys)))
        seen = (
            f"SELECT {', '.join(keys)}, SUM({answers}), SUM({value}) FROM {table}_live "
            f"GROUP BY {groups}"
        )
        wrong = store.execute(
            f"SELECT (SELECT COUNT(*) FROM ({select} EXCEPT {seen})) "
            f"+ (SELECT COUNT(*) FROM ({seen} EXCEPT {select}))"
        ).fetchone()[0]
        if wrong:
            problems.append(
                f"{wrong} rows of {table} (the review summaries behind the stats) disagree "
                "with the review log; run `flashcards doctor --repair`"
            )
    return problems
