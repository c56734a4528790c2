"""The SQL behind the progress stats (`flashcards.stats` composes it).

The stats read the review summaries (`summaries.py`) instead of the log: the
log of a heavy user reaches millions of rows, and a GROUP BY over them sorts
every one. Every function runs one aggregate query and returns grouped rows.
`deck_id=None` means every deck. Days are ISO study days (`reviews.day`
already carries the 04:00 rollover), so date ranges compare as strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from flashcards.store.summaries import SLOT_MS

if TYPE_CHECKING:
    from flashcards.store.db import Store


class AnswerGroup(NamedTuple):
    day: str
    kind: str  # review or drill
    q: int
    new: int  # the card had never been scheduled
    mature: int  # its interval before was >= MATURE_DAYS
    answers: int
    duration_ms: int


class HourGroup(NamedTuple):
    hour: int  # local hour of day
    answers: int
    passed: int


class StudyRun(NamedTuple):
    """Consecutive study days with answers."""

    first: str
    last: str
    days: int
    answers: int


class ScheduleGroup(NamedTuple):
    interval: int
    ef: int
    cards: int


class DueGroup(NamedTuple):
    day: str
    cards: int


def review_groups(
    store: Store, deck_id: int | None, first_day: str, last_day: str
) -> list[AnswerGroup]:
    """Answers between two study days, grouped:
    (day, kind, q, new, mature, answers, duration_ms), in day order."""
    deck = "" if deck_id is None else " AND deck_id = ?"
    rows = store.execute(
        "SELECT day, kind, q, new, mature, SUM(answers), SUM(duration_ms) FROM review_days "
        f"WHERE day BETWEEN ? AND ?{deck} GROUP BY day, kind, q, new, mature",
        [first_day, last_day] + ([] if deck_id is None else [deck_id]),
    )
    return list(map(AnswerGroup._make, rows))


def hour_groups(
    store: Store,
    deck_id: int | None,
    first_day: str,
    last_day: str,
    offsets: Sequence[tuple[int | None, int]],
) -> list[HourGroup]:
    """Answers by local hour of day (0-23), and those with q >= 3.

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
    return list(map(HourGroup._make, store.execute(sql, params)))


def study_runs(store: Store, deck_id: int | None, last_day: str) -> list[StudyRun]:
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
    return list(
        map(StudyRun._make, store.execute(sql, [last_day] + ([] if deck_id is None else [deck_id])))
    )


def cards_studied(store: Store, deck_id: int | None, day: str) -> int:
    """How many different cards were answered on a study day."""
    # +card_id keeps SQLite on the day index (one day's rows) rather than walking
    # every review of the deck's cards
    deck = "" if deck_id is None else " AND +card_id IN (SELECT id FROM cards WHERE deck_id = ?)"
    params: list[object] = [day] if deck_id is None else [day, deck_id]
    return int(
        store.execute(
            f"SELECT COUNT(DISTINCT card_id) FROM reviews WHERE day = ? AND kind != 'import'{deck}",
            params,
        ).fetchone()[0]
    )


# Card queries read `cards` through its narrow covering index cards_stats (m014: deck,
# retired, suspended, buried_until, and the id), never its wide rows, and look each
# state up by its key (CROSS JOIN pins that order): starting from the card_state_due
# index instead means a random jump per card, three times slower.
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


def schedule_groups(store: Store, deck_id: int | None) -> list[ScheduleGroup]:
    """Active cards that have been scheduled, by interval and EF: (days, EF thousandths, cards).

    One pass serves both histograms; the pairs are far fewer than the cards.
    """
    deck, params = _deck(deck_id)
    rows = store.execute(
        f"SELECT s.interval, s.ef, COUNT(*) FROM {_CARDS} "
        f"WHERE c.retired = 0 AND s.due IS NOT NULL{deck} GROUP BY s.interval, s.ef",
        params,
    )
    return list(map(ScheduleGroup._make, rows))


def due_groups(store: Store, deck_id: int | None, today: str, until: str) -> list[DueGroup]:
    """Cards due per day from today to `until` (exclusive): (day, cards).

    Overdue cards count today; a buried card counts on the day it comes back.
    Suspended and retired cards are not due.
    """
    deck, params = _deck(deck_id)
    rows = store.execute(
        "SELECT MAX(s.due, ?, COALESCE(c.buried_until, '')) AS day, COUNT(*) "
        f"FROM {_CARDS} WHERE s.due < ? AND c.retired = 0 AND c.suspended = 0{deck} "
        "GROUP BY day HAVING day < ?",
        [today, until, *params, until],
    )
    return list(map(DueGroup._make, rows))
