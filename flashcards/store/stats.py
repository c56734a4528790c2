"""The SQL behind the progress stats (`flashcards.stats` composes it).

Two summary tables, kept by triggers on `reviews`, hold the review log
folded per study day; the stats read them instead of the log, so a year of
figures costs a few thousand rows however many answers there are (the log of
a heavy user reaches millions of rows, and a GROUP BY over them sorts every
one). Like `card_state`, they are derived: `rebuild_summaries` recomputes
them from the log and `summary_problems` compares the two.

- `review_days` — answers per (study day, deck, kind, q, new, mature) with
  their total time. `new`: the card had never been scheduled (due_before
  NULL); `mature`: interval before the answer >= 21 days.
- `review_slots` — answers per (study day, deck, quarter hour since 1970 in
  UTC, i.e. time_ms / 900000) and how many passed (q >= 3): the local hour of
  day is worked out at read time, in whatever time zone the collection is
  opened with (every zone's offset is a whole number of quarter hours).

The tables and triggers are schema step m003 (`summary_statements`): change
what they hold only together with a new step that rebuilds them.

Every other function runs one aggregate query and returns grouped rows.
`deck_id=None` means every deck. Days are ISO study days (`reviews.day`
already carries the 04:00 rollover), so date ranges compare as strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.store import Store

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
            "FROM reviews r GROUP BY 1, 2, 3, 4, 5, 6",
        ),
        "review_slots": (
            "day, deck_id, slot, answers, passed",
            f"SELECT {k['day']}, {k['deck_id']}, {k['slot']}, COUNT(*), SUM({k['passed']}) "
            "FROM reviews r GROUP BY 1, 2, 3",
        ),
    }


def _fill_statements() -> list[str]:
    return [
        f"INSERT INTO {table}({columns}) {select}" for table, (columns, select) in _fills().items()
    ]


def summary_statements() -> list[str]:
    """The schema step that adds the summary tables and their triggers, filled from the log."""
    body = {
        "INSERT": _add("NEW"),
        "DELETE": _remove("OLD"),
        "UPDATE": _remove("OLD") + _add("NEW"),  # the log is append-only; this is for safety
    }
    triggers = [
        f"CREATE TRIGGER reviews_summary_{event.lower()} AFTER {event} ON reviews "
        f"BEGIN {'; '.join(statements)}; END"
        for event, statements in body.items()
    ]
    tables = [s.strip() for s in _SUMMARY_TABLES.split(";") if s.strip()]
    return [*tables, *_fill_statements(), *triggers]


_TRIGGERS = ("reviews_summary_insert", "reviews_summary_delete", "reviews_summary_update")


def rebuild_summaries(store: Store) -> None:
    """Recreate the summary tables and triggers and refill them from the review log,
    inside the caller's transaction (it heals a dropped table or trigger too)."""
    for trigger in _TRIGGERS:
        store.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in _fills():
        store.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in summary_statements():
        store.execute(statement)


def summary_problems(store: Store) -> list[str]:
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


def review_groups(
    store: Store, deck_id: int | None, first_day: str, last_day: str
) -> list[tuple[str, str, int, int, int, int, int]]:
    """Answers between two study days, grouped:
    (day, kind, q, new, mature, answers, duration_ms), in day order."""
    deck = "" if deck_id is None else " AND deck_id = ?"
    return store.execute(
        "SELECT day, kind, q, new, mature, SUM(answers), SUM(duration_ms) FROM review_days "
        f"WHERE day BETWEEN ? AND ?{deck} GROUP BY day, kind, q, new, mature",
        [first_day, last_day] + ([] if deck_id is None else [deck_id]),
    ).fetchall()


def hour_groups(
    store: Store,
    deck_id: int | None,
    first_day: str,
    last_day: str,
    offsets: Sequence[tuple[int | None, int]],
) -> list[tuple[int, int, int]]:
    """Answers by local hour of day: (hour 0-23, answers, answers with q >= 3).

    `offsets` maps UTC milliseconds to the collection's UTC offset: a list of
    (until_ms, offset_ms) pieces in time order, the last with until_ms None.
    The offset is chosen per quarter hour with a CASE, so a daylight-saving
    change in the range moves the hour of the answers on either side correctly.
    """
    params: list[object] = []
    if len(offsets) == 1:
        shift = "?"
        params.append(offsets[0][1])
    else:
        whens = []
        for until, offset in offsets[:-1]:
            whens.append(f"WHEN slot * {SLOT_MS} < ? THEN ?")
            params.extend([until, offset])
        shift = f"(CASE {' '.join(whens)} ELSE ? END)"
        params.append(offsets[-1][1])
    deck = "" if deck_id is None else " AND deck_id = ?"
    sql = (
        f"SELECT ((slot * {SLOT_MS} + {shift}) / 3600000) % 24 AS hour, "
        "SUM(answers), SUM(passed) FROM review_slots "
        f"WHERE day BETWEEN ? AND ?{deck} GROUP BY hour"
    )
    params.extend([first_day, last_day])
    if deck_id is not None:
        params.append(deck_id)
    return store.execute(sql, params).fetchall()


def study_runs(store: Store, deck_id: int | None, last_day: str) -> list[tuple[str, str, int, int]]:
    """Runs of consecutive study days with answers, up to last_day: (first, last, days, answers).

    Gaps and islands: along consecutive days, julianday(day) - row_number stays constant.
    """
    deck = "" if deck_id is None else " AND deck_id = ?"
    sql = (
        "SELECT MIN(day), MAX(day), COUNT(*), SUM(n) FROM ("
        "SELECT day, n, julianday(day) - ROW_NUMBER() OVER (ORDER BY day) AS island FROM ("
        f"SELECT day, SUM(answers) AS n FROM review_days WHERE day <= ?{deck} GROUP BY day"
        ")) GROUP BY island ORDER BY 1"
    )
    return store.execute(sql, [last_day] + ([] if deck_id is None else [deck_id])).fetchall()


def cards_studied(store: Store, deck_id: int | None, day: str) -> int:
    """How many different cards were answered on a study day."""
    # +card_id keeps SQLite on the day index (one day's rows) rather than walking
    # every review of the deck's cards
    deck = "" if deck_id is None else " AND +card_id IN (SELECT id FROM cards WHERE deck_id = ?)"
    params: list[object] = [day] if deck_id is None else [day, deck_id]
    return int(
        store.execute(
            f"SELECT COUNT(DISTINCT card_id) FROM reviews WHERE day = ?{deck}", params
        ).fetchone()[0]
    )


# Card queries walk `cards` in table order and look each state up by its key
# (CROSS JOIN pins that order): starting from the card_state_due index instead
# means a random jump into the wide cards rows per card, three times slower.
_CARDS = "cards c CROSS JOIN card_state s ON s.card_id = c.id"


def _deck(deck_id: int | None) -> tuple[str, list[object]]:
    return ("", []) if deck_id is None else (" AND c.deck_id = ?", [deck_id])


STATUSES = ("suspended", "buried", "new", "learning", "young", "mature", "retired")


def card_counts(
    store: Store, deck_id: int | None, today: str, mature_days: int, leech_lapses: int
) -> dict[str, int]:
    """Cards by status: total (active), suspended, buried, new, learning, young,
    mature, retired, leeches.

    Each active card falls in exactly one of suspended, buried, new, learning
    (answered below 4 today: a same-day drill is pending), young, mature — the
    first that applies; leeches (active cards with lapses >= leech_lapses)
    overlap them.
    """
    deck, params = _deck(deck_id)
    rows = store.execute(
        "SELECT CASE WHEN c.retired THEN 'retired' WHEN c.suspended THEN 'suspended' "
        "WHEN c.buried_until > ? THEN 'buried' WHEN s.due IS NULL THEN 'new' "
        "WHEN s.drill = 1 AND s.last_day = ? THEN 'learning' "
        "WHEN s.interval < ? THEN 'young' ELSE 'mature' END AS status, "
        f"COUNT(*), SUM(s.lapses >= ?) FROM {_CARDS} WHERE 1{deck} GROUP BY status",
        [today, today, mature_days, leech_lapses, *params],
    ).fetchall()
    counts = dict.fromkeys(("total", *STATUSES, "leeches"), 0)
    for status, n, leeches in rows:
        counts[status] = n
        if status != "retired":
            counts["total"] += n
            counts["leeches"] += leeches
    return counts


def schedule_groups(store: Store, deck_id: int | None) -> list[tuple[int, int, int]]:
    """Active cards that have been scheduled, by interval and EF: (days, EF thousandths, cards).

    One pass serves both histograms; the pairs are far fewer than the cards.
    """
    deck, params = _deck(deck_id)
    return store.execute(
        f"SELECT s.interval, s.ef, COUNT(*) FROM {_CARDS} "
        f"WHERE c.retired = 0 AND s.due IS NOT NULL{deck} GROUP BY s.interval, s.ef",
        params,
    ).fetchall()


def due_groups(store: Store, deck_id: int | None, today: str, until: str) -> list[tuple[str, int]]:
    """Cards due per day from today to `until` (exclusive): (day, cards).

    Overdue cards count today; a buried card counts on the day it comes back.
    Suspended and retired cards are not due.
    """
    deck, params = _deck(deck_id)
    return store.execute(
        "SELECT MAX(s.due, ?, COALESCE(c.buried_until, '')) AS day, COUNT(*) "
        f"FROM {_CARDS} WHERE s.due < ? AND c.retired = 0 AND c.suspended = 0{deck} "
        "GROUP BY day HAVING day < ?",
        [today, until, *params, until],
    ).fetchall()
