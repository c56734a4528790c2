"""Today's queue, answering and undo: the study's hot path, a few indexed look-ups each.

Rows come back as named tuples (cheap to make by the thousand). The review log
is append-only except for undo, which removes the session's own last answer;
a card's state row is derived from its reviews and moved with each answer in
the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import compress
from operator import ne
from typing import TYPE_CHECKING, NamedTuple

from flashcards.store import pending_mark
from flashcards.store.db import marks

if TYPE_CHECKING:
    from flashcards.store.db import Store


class StateRow(NamedTuple):
    """A card_state row."""

    repetitions: int
    ef: int  # thousandths
    interval: int
    due: str | None
    lapses: int
    last_day: str | None  # the study day of its last answer
    drill: int  # 1 while it is to come back today (answered below 4)


class DueCard(NamedTuple):
    due: str
    source: str
    position: int
    id: int
    deck_id: int
    block_hash: str
    ancestors: str | None  # block hashes above its block, spaced (NULL: not known)


class NewCard(NamedTuple):
    source: str
    position: int
    id: int
    block_hash: str
    ancestors: str | None


class TodayAnswer(NamedTuple):
    """One of today's answers, with what the queue needs of its card."""

    card_id: int
    deck_id: int
    block_hash: str
    kind: str  # review or drill
    was_new: int  # the card had never been scheduled
    q: int
    review_id: int
    suspended: int
    buried_until: str | None
    back_today: int  # the card's drill flag: its last answer brings it back today
    ancestors: str | None


class AnswerState(NamedTuple):
    """What answering a card needs, in one look-up."""

    repetitions: int
    ef: int
    interval: int
    due: str | None
    lapses: int
    last_day: str | None
    drill: int
    deck_id: int
    block_hash: str
    suspended: int
    buried_until: str | None
    ancestors: str | None
    latest_ms: int | None  # the time of its latest review (None: never reviewed)


class ReviewOf(NamedTuple):
    """A card's review as its replay needs it (the state after: an import row's start)."""

    q: int
    day: str
    kind: str
    time_ms: int
    reps_after: int
    ef_after: int
    interval_after: int
    due_after: str | None
    lapses_after: int


_AFTER = "reps_after, ef_after, interval_after, due_after, lapses_after"


# The order a card's reviews replay in, the same on every device that holds them: by
# time, then by device (this device's own reviews carry no device: the collection's id
# stands in), then as they were written. Answers append, so locally it is the order of
# the rows; reviews merged from other devices' journals (`flashcards.sync`) fall into it.
def replay_order(table: str = "") -> str:
    """The ORDER BY terms of that order (after the card), for `reviews` named `table`."""
    r = f"{table}." if table else ""
    return (
        f"{r}time_ms, COALESCE({r}device, (SELECT value FROM config WHERE key = 'device_id')), "
        f"{r}id"
    )


REPLAY_ORDER = replay_order()

_AVAILABLE = (
    "+c.retired = 0 AND +c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= ?)"
)


def due_count(store: Store, day: str, deck_ids: Sequence[int]) -> int:
    """Active cards due on or before `day` (not suspended, not buried past it)."""
    return int(
        store.one(  # type: ignore[arg-type]
            "SELECT COUNT(*) FROM card_state s CROSS JOIN cards c ON c.id = s.card_id "
            f"WHERE s.due <= ? AND c.deck_id IN ({marks(len(deck_ids))}) AND {_AVAILABLE}",
            (day, *deck_ids, day),
        )
    )


def _page_end(store: Store, day: str, after: str, rows: int) -> str:
    """The last due day of a page after `after`: that of the rows-th card due after it (all
    decks: a cheap bound from the covering index), or `day` when fewer are due."""
    last = store.one(
        "SELECT due FROM card_state WHERE due > ? AND due <= ? ORDER BY due LIMIT 1 OFFSET ?",
        (after, day, max(rows - 1, 0)),
    )
    return str(last) if last is not None else day


def due_page(
    store: Store, day: str, deck_ids: Sequence[int], after: str, rows: int
) -> tuple[list[DueCard], str]:
    """Due reviews with `after` < due <= `day`, in queue order (most overdue first, then
    outline order) — and the last due day read.

    Whole due days at a time, at least `rows` cards when there are that many: a page
    never splits a day, so no day is read (and sorted) twice however many cards it has.
    """
    upto = _page_end(store, day, after, rows)
    found = store.execute(
        "SELECT s.due, c.source, c.position, c.id, c.deck_id, c.block_hash, c.ancestors "
        "FROM card_state s CROSS JOIN cards c ON c.id = s.card_id "
        f"WHERE s.due > ? AND s.due <= ? AND c.deck_id IN ({marks(len(deck_ids))}) "
        f"AND {_AVAILABLE} ORDER BY s.due, c.source, c.position, c.id",
        (after, upto, *deck_ids, day),
    ).fetchall()
    return list(map(DueCard._make, found)), upto


# What counting due cards one per block needs of each (`flashcards.study.due_counts`):
# (card id, deck id, block hash, ancestors) as plain tuples, thousands at a time.
_DUE_BLOCKS = (
    "SELECT c.id, c.deck_id, c.block_hash, c.ancestors "
    "FROM card_state s CROSS JOIN cards c ON c.id = s.card_id "
    "WHERE s.due > ? AND s.due <= ? AND c.deck_id IN ({decks}) AND " + _AVAILABLE
)


def due_blocks(
    store: Store, day: str, deck_ids: Sequence[int]
) -> list[tuple[int, int, str, str | None]]:
    """Every due review of these decks (due on or before `day`, not suspended, not buried
    past it) as counting needs it, in no order: nothing is sorted."""
    sql = _DUE_BLOCKS.format(decks=marks(len(deck_ids)))
    return store.execute(sql, ("", day, *deck_ids, day)).fetchall()


def due_blocks_page(
    store: Store, day: str, deck_ids: Sequence[int], after: str, rows: int
) -> tuple[list[tuple[int, int, str, str | None]], str]:
    """`due_page`'s cards (whole due days after `after`, in queue order) as counting needs
    them, and the last due day read: sorted as `due_page` sorts, none of the keys read."""
    upto = _page_end(store, day, after, rows)
    sql = _DUE_BLOCKS.format(decks=marks(len(deck_ids)))
    found = store.execute(
        f"{sql} ORDER BY s.due, c.source, c.position, c.id", (after, upto, *deck_ids, day)
    ).fetchall()
    return found, upto


def new_page(
    store: Store, day: str, deck_id: int, after: tuple[str, int, int], rows: int
) -> list[NewCard]:
    """Up to `rows` new cards of a deck after `after` = (source, position, id), in outline
    order. Walks the cards_order index and stops early."""
    return list(
        map(
            NewCard._make,
            store.execute(
                "SELECT c.source, c.position, c.id, c.block_hash, c.ancestors "
                "FROM cards c JOIN card_state s ON s.card_id = c.id "
                "WHERE c.deck_id = ? AND (c.source, c.position, c.id) > (?, ?, ?) "
                # `+` keeps the planner on cards_order: most cards are not new, but walking
                # in outline order lets the LIMIT stop the scan early
                f"AND +s.due IS NULL AND {_AVAILABLE} "
                "ORDER BY c.source, c.position, c.id LIMIT ?",
                (deck_id, *after, day, rows),
            ),
        )
    )


def answers_on(store: Store, day: str) -> list[TodayAnswer]:
    """A study day's answers, in order (practice reviews left out)."""
    return list(
        map(
            TodayAnswer._make,
            store.execute(
                "SELECT r.card_id, c.deck_id, c.block_hash, r.kind, r.due_before IS NULL, r.q, "
                "r.id, c.suspended, c.buried_until, s.drill, c.ancestors "
                "FROM reviews r JOIN cards c ON c.id = r.card_id "
                "JOIN card_state s ON s.card_id = r.card_id "
                # practice (cram, study ahead) and imported schedules are not the day's answers
                "WHERE r.day = ? AND r.kind IN ('review', 'drill') ORDER BY r.id",
                (day,),
            ),
        )
    )


_ANSWER_STATE = (
    "SELECT s.repetitions, s.ef, s.interval, s.due, s.lapses, s.last_day, s.drill, c.deck_id, "
    "c.block_hash, c.suspended, c.buried_until, c.ancestors, "
    "(SELECT MAX(time_ms) FROM reviews WHERE card_id = s.card_id) "
    "FROM card_state s JOIN cards c ON c.id = s.card_id WHERE s.card_id = ?"
)


def answer_state(store: Store, card_id: int) -> AnswerState | None:
    """A card's state with its deck, block, flags and latest review time, in one look-up:
    read inside the answer's transaction."""
    row = store.execute(_ANSWER_STATE, (card_id,)).fetchone()
    return AnswerState._make(row) if row else None


def answer_time(latest_ms: int | None, time_ms: int) -> int:
    """When an answer at `time_ms` is recorded, given the card's latest review time
    (`AnswerState.latest_ms`): never at or before it (a review imported or synced from a
    device whose clock ran ahead), so that the replay order of the log is the order the
    states were written in."""
    return time_ms if latest_ms is None or latest_ms < time_ms else latest_ms + 1


def state_of(store: Store, card_id: int) -> StateRow | None:
    row = store.execute(
        "SELECT repetitions, ef, interval, due, lapses, last_day, drill FROM card_state "
        "WHERE card_id = ?",
        (card_id,),
    ).fetchone()
    return StateRow._make(row) if row else None


_ADD = (
    "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, ef_before, "
    "interval_before, due_before, lapses_before, reps_after, ef_after, interval_after, "
    "due_after, lapses_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_WRITE_STATE = (
    "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
    "last_day = ?, drill = ? WHERE card_id = ?"
)


def add_review(
    store: Store,
    card_id: int,
    time_ms: int,
    day: str,
    q: int,
    duration_ms: int | None,
    kind: str,
    before: tuple,
    after: tuple,
    drill: int,
    stored: Sequence[object] | None = None,
    pending: bool = False,
) -> int:
    """Append a review and move the card's state, inside the caller's transaction.
    `before` and `after` are (repetitions, ef, interval, due, lapses); `stored`, when
    given, is the card's state row as read in this transaction (`STATE_COLUMNS`): then
    only the columns that change are written (`move_state`). `pending`: the summaries
    are left to `pending.fold` (an answer, in a `Store.atomic(answer=True)`)."""
    if pending:
        store.execute(pending_mark.MARK)
    cur = store.execute(_ADD, (card_id, time_ms, day, q, duration_ms, kind, *before, *after))
    if stored is None:
        store.execute(_WRITE_STATE, (*after, day, drill, card_id))
    else:
        move_state(store, card_id, stored, (*after, day, drill))
    return int(cur.lastrowid)  # type: ignore[arg-type]


# card_state's columns in the order of StateRow; due is indexed, and the deck summaries'
# triggers read due, interval, lapses and ef (m019 dropped the indexes of the others)
STATE_COLUMNS = ("repetitions", "ef", "interval", "due", "lapses", "last_day", "drill")


_POSITIONS = range(len(STATE_COLUMNS))


@lru_cache(maxsize=128)  # at most 2**7 column sets
def _move_sql(columns: tuple[int, ...]) -> str:
    sets = ", ".join(f"{STATE_COLUMNS[i]} = ?" for i in columns)
    return f"UPDATE card_state SET {sets} WHERE card_id = ?"


def move_state(store: Store, card_id: int, old: Sequence[object], new: Sequence[object]) -> None:
    """Write the columns of a card's state that differ between `old` (the row as read in
    this transaction) and `new`, both in `STATE_COLUMNS` order.

    SQLite rewrites the index entry of every column named in an UPDATE's SET, changed
    or not, and each is a page of its own in the WAL that the answer's commit must
    write and sync: a review leaves the ease and the lapses as they were (answers of 4,
    most of them), and a drill under SM-2 moves nothing but the drill flag. Naming only
    the changed columns keeps those index pages out of the commit.
    """
    if len(old) != len(new):
        raise ValueError("a state row and its new values differ in length")
    changed = tuple(compress(_POSITIONS, map(ne, old, new)))  # in C: this runs every answer
    if changed:
        store.execute(_move_sql(changed), (*(new[i] for i in changed), card_id))


def delete_review(store: Store, review_id: int) -> None:
    """Undo's own: the session's last answer taken back."""
    store.execute("DELETE FROM reviews WHERE id = ?", (review_id,))


def reviews_of(store: Store, card_id: int) -> list[ReviewOf]:
    """A card's reviews in order, as its replay needs them."""
    return list(
        map(
            ReviewOf._make,
            store.execute(
                f"SELECT q, day, kind, time_ms, {_AFTER} FROM reviews WHERE card_id = ? "
                f"ORDER BY {REPLAY_ORDER}",
                (card_id,),
            ),
        )
    )


def write_state(store: Store, card_id: int, state: StateRow | tuple) -> None:
    store.execute(_WRITE_STATE, (*state, card_id))


def next_due_day(store: Store, deck_ids: Sequence[int]) -> str | None:
    """The earliest due day of any active, unsuspended card of these decks."""
    day = store.one(
        "SELECT MIN(s.due) FROM card_state s CROSS JOIN cards c ON c.id = s.card_id "
        f"WHERE c.deck_id IN ({marks(len(deck_ids))}) AND c.retired = 0 AND c.suspended = 0 "
        "AND s.due IS NOT NULL",
        tuple(deck_ids),
    )
    return str(day) if day is not None else None


class ReplayRow(NamedTuple):
    card_id: int
    q: int
    day: str
    kind: str
    time_ms: int
    duration_ms: int | None
    review_id: int
    after: tuple  # (repetitions, ef, interval, due, lapses) after it: an import row's state


def all_reviews(store: Store, deck_id: int | None = None) -> Iterator[ReplayRow]:
    """Every review (of one deck, or all), by card and time."""
    if deck_id is None:
        rows = store.execute(
            f"SELECT card_id, q, day, kind, time_ms, duration_ms, id, {_AFTER} FROM reviews "
            f"ORDER BY card_id, {REPLAY_ORDER}"
        )
    else:
        rows = store.execute(
            "SELECT r.card_id, r.q, r.day, r.kind, r.time_ms, r.duration_ms, r.id, "
            "r.reps_after, r.ef_after, r.interval_after, r.due_after, r.lapses_after "
            "FROM reviews r "
            "JOIN cards c ON c.id = r.card_id WHERE c.deck_id = ? "
            f"ORDER BY r.card_id, {replay_order('r')}",
            (deck_id,),
        )
    return (ReplayRow(*row[:7], row[7:]) for row in rows)


def all_states(store: Store) -> dict[int, StateRow]:
    return {
        row[0]: StateRow._make(row[1:])
        for row in store.execute(
            "SELECT card_id, repetitions, ef, interval, due, lapses, last_day, drill "
            "FROM card_state"
        )
    }


def review_count(store: Store) -> int:
    return int(store.one("SELECT COUNT(*) FROM reviews"))  # type: ignore[arg-type]


def has_reviews(store: Store) -> bool:
    return store.one("SELECT 1 FROM reviews LIMIT 1") is not None
