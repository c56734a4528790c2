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

from flashcards.store import deck_summaries, pending_mark
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
        "SELECT day, kind, q, new, mature, SUM(answers), SUM(duration_ms) "
        f"FROM {pending_mark.reading(store, 'review_days')} "
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
        f"SUM(answers), SUM(passed) FROM {pending_mark.reading(store, 'review_slots')} "
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
        f"SELECT day, SUM(answers) AS n FROM {pending_mark.reading(store, 'review_days')} "
        f"WHERE day <= ?{deck} GROUP BY day"
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


# The card figures read the card summaries the triggers keep (`deck_summaries`, schema
# step m015: per deck, cards by interval and by EF, due cards by day), a few thousand rows
# however many cards there are. What depends on the day is corrected from the few cards
# it concerns, found through narrow indexes: the buried ones (cards_stats: deck, flags,
# buried_until) and those in a same-day drill (through the day's reviews: reviews_day).

STATUSES = ("suspended", "buried", "new", "learning", "young", "mature", "retired")


def _deck(deck_id: int | None, column: str = "deck_id") -> tuple[str, list[object]]:
    return ("", []) if deck_id is None else (f" AND {column} = ?", [deck_id])


def _buried(deck_id: int | None) -> tuple[str, list[object]]:
    """FROM-and-WHERE of the active cards buried past a day (the first parameter), each
    joined to its state: one range of the cards_stats index per deck."""
    decks = "(SELECT DISTINCT deck_id FROM deck_cards)" if deck_id is None else "(?)"
    return (
        "FROM cards c INDEXED BY cards_stats CROSS JOIN card_state s ON s.card_id = c.id "
        f"WHERE c.deck_id IN {decks} AND c.retired = 0 AND c.suspended = 0 "
        "AND c.buried_until > ?",
        [] if deck_id is None else [deck_id],
    )


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
    if (mature_days, leech_lapses) != (deck_summaries.MATURE_DAYS, deck_summaries.LEECH_LAPSES):
        raise ValueError("the card summaries count young/mature and leeches at other lines")
    deck, params = _deck(deck_id)
    counts = dict.fromkeys(("total", *STATUSES, "leeches"), 0)
    rows = store.execute(
        "SELECT CASE WHEN retired THEN 'retired' WHEN suspended THEN 'suspended' "
        "WHEN new THEN 'new' WHEN interval < ? THEN 'young' ELSE 'mature' END AS status, "
        f"SUM(n), SUM(leech * n) FROM {pending_mark.reading(store, 'card_intervals')} "
        f"WHERE 1{deck} GROUP BY status",
        [mature_days, *params],
    )
    for status, n, leeches in rows:
        counts[status] = n
        if status != "retired":
            counts["total"] += n
            counts["leeches"] += leeches
    # a buried card is 'buried' first; the summary counted it by its state
    source, decks = _buried(deck_id)
    rows = store.execute(
        "SELECT CASE WHEN s.due IS NULL THEN 'new' WHEN s.interval < ? THEN 'young' "
        f"ELSE 'mature' END, COUNT(*) {source} GROUP BY 1",
        [mature_days, *decks, today],
    )
    for status, n in rows:
        counts[status] -= n
        counts["buried"] += n
    # a scheduled card in a same-day drill is 'learning' (unless buried or inactive). Its
    # last_day is the day of its last answer, a row of the log: the cards answered today
    # (reviews_day) hold every one of them. card_state keeps no index of last_day (m019:
    # every answer moved the card in it, a page more to write and sync).
    deck, params = _deck(deck_id, "c.deck_id")
    rows = store.execute(
        "SELECT s.interval < ?, COUNT(*) FROM (SELECT DISTINCT card_id FROM reviews "
        "WHERE day = ?) AS r CROSS JOIN card_state s ON s.card_id = r.card_id "
        "CROSS JOIN cards c ON c.id = s.card_id WHERE s.last_day = ? AND s.drill = 1 "
        "AND s.due IS NOT NULL AND c.retired = 0 AND c.suspended = 0 "
        f"AND (c.buried_until IS NULL OR c.buried_until <= ?){deck} GROUP BY 1",
        [mature_days, today, today, today, *params],
    )
    for young, n in rows:
        counts["young" if young else "mature"] -= n
        counts["learning"] += n
    return counts


class ValueGroup(NamedTuple):
    value: int  # an interval in days, or an EF in thousandths
    cards: int


def schedule_groups(store: Store, deck_id: int | None) -> tuple[list[ValueGroup], list[ValueGroup]]:
    """Active cards that have been scheduled (suspended and buried ones too), by interval
    and by EF: ([(days, cards)], [(EF thousandths, cards)])."""
    deck, params = _deck(deck_id)
    return tuple(  # type: ignore[return-value]
        list(
            map(
                ValueGroup._make,
                store.execute(
                    f"SELECT {column}, SUM(n) FROM {pending_mark.reading(store, table)} "
                    f"WHERE retired = 0 AND new = 0{deck} GROUP BY {column} HAVING SUM(n) != 0",
                    params,
                ),
            )
        )
        for table, column in (("card_intervals", "interval"), ("card_eases", "ef"))
    )


def due_groups(store: Store, deck_id: int | None, today: str, until: str) -> list[DueGroup]:
    """Cards due per day from today to `until` (exclusive): (day, cards).

    Overdue cards count today; a buried card counts on the day it comes back.
    Suspended and retired cards are not due.
    """
    deck, params = _deck(deck_id)
    days: dict[str, int] = dict(
        store.execute(
            f"SELECT MAX(due, ?) AS day, SUM(n) FROM {pending_mark.reading(store, 'deck_due')} "
            f"WHERE due != '' AND due < ?{deck} GROUP BY day HAVING SUM(n) != 0",
            [today, until, *params],
        )
    )
    # the summary counts a buried card on its due day: it comes back later
    source, decks = _buried(deck_id)
    moved = store.execute(
        f"SELECT MAX(s.due, ?), MAX(s.due, ?, c.buried_until), COUNT(*) {source} "
        "AND s.due < ? GROUP BY 1, 2",
        [today, today, *decks, today, until],
    )
    for due, back, n in moved:
        days[due] -= n
        if back < until:
            days[back] = days.get(back, 0) + n
    return [DueGroup(day, n) for day, n in sorted(days.items()) if n]
