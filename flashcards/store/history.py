"""The queries imports need: cards by place or guid, what history they have, links to
Anki notes. Inside the caller's write transaction; reviews are only ever added."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flashcards import sm2
from flashcards.store.db import chunks, marks
from flashcards.store.queue import replay_order

if TYPE_CHECKING:
    from flashcards.store.db import Store


def card_at(store: Store, deck_id: int, source: str, position: int) -> int | None:
    """The active card of a deck at this place of its notes."""
    found = store.one(
        "SELECT id FROM cards WHERE deck_id = ? AND source = ? AND position = ? AND retired = 0",
        (deck_id, source, position),
    )
    return int(found) if found is not None else None


def reviewed(store: Store, card_ids: Sequence[int]) -> set[int]:
    """Which of these cards have any history."""
    out: set[int] = set()
    for part in chunks(card_ids):
        out.update(
            r[0]
            for r in store.execute(
                f"SELECT DISTINCT card_id FROM reviews WHERE card_id IN ({marks(len(part))})",
                tuple(part),
            )
        )
    return out


def cards_by_guid(store: Store) -> dict[str, tuple[int, int]]:
    """{guid: (card id, deck id)} of every card."""
    return {g: (i, d) for g, i, d in store.execute("SELECT guid, id, deck_id FROM cards")}


def linked_notes(store: Store) -> dict[tuple[str, int], int]:
    """{(Anki note guid, card ordinal): card id} of notes imported from Anki before."""
    return {(g, o): c for g, o, c in store.execute("SELECT guid, ord, card_id FROM anki_notes")}


def link_notes(store: Store, links: Iterable[tuple[str, int, int]]) -> None:
    store.executemany(
        "INSERT OR IGNORE INTO anki_notes(guid, ord, card_id) VALUES (?, ?, ?)", links
    )


def card_reviews(store: Store, card_ids: Sequence[int]) -> dict[int, list[tuple]]:
    """{card id: [(q, day, kind, time_ms, reps, ef, interval, due, lapses (after)), …]}
    in replay order (time, device, id: `store.queue.replay_order`, which a sync's merged
    rows need), the rows `study.state.replay_row` takes."""
    out: dict[int, list[tuple]] = {i: [] for i in card_ids}
    for part in chunks(card_ids):
        for row in store.execute(
            "SELECT card_id, q, day, kind, time_ms, reps_after, ef_after, interval_after, "
            f"due_after, lapses_after FROM reviews WHERE card_id IN ({marks(len(part))}) "
            f"ORDER BY card_id, {replay_order()}",
            tuple(part),
        ):
            out[row[0]].append(row[1:])
    return out


def review_times(store: Store, card_ids: Sequence[int]) -> dict[int, list[int]]:
    """{card id: the times (ms) of its review rows, in order} (from an index alone)."""
    out: dict[int, list[int]] = {i: [] for i in card_ids}
    for part in chunks(card_ids):
        for card_id, time_ms in store.execute(
            f"SELECT card_id, time_ms FROM reviews WHERE card_id IN ({marks(len(part))}) "
            "ORDER BY card_id, time_ms",
            tuple(part),
        ):
            out[card_id].append(time_ms)
    return out


def deck_of(store: Store, card_ids: Sequence[int]) -> dict[int, int]:
    """{card id: deck id} of these cards."""
    out: dict[int, int] = {}
    for part in chunks(card_ids):
        out.update(
            store.execute(
                f"SELECT id, deck_id FROM cards WHERE id IN ({marks(len(part))})", tuple(part)
            )
        )
    return out


def review_count(store: Store, card_ids: Sequence[int]) -> int:
    """How many review rows these cards have."""
    total = 0
    for part in chunks(card_ids):
        total += int(
            store.one(  # type: ignore[call-overload]
                f"SELECT COUNT(*) FROM reviews WHERE card_id IN ({marks(len(part))})", tuple(part)
            )
        )
    return total


def decks_of(store: Store, card_ids: Sequence[int]) -> set[int]:
    """The decks these cards belong to."""
    out: set[int] = set()
    for part in chunks(card_ids):
        out.update(
            row[0]
            for row in store.execute(
                f"SELECT DISTINCT deck_id FROM cards WHERE id IN ({marks(len(part))})", tuple(part)
            )
        )
    return out


_ADD = (
    "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, ef_before, "
    "interval_before, due_before, lapses_before, reps_after, ef_after, interval_after, "
    "due_after, lapses_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_STATE = (
    "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
    "last_day = ?, drill = ? WHERE card_id = ?"
)


def add_reviews(store: Store, rows: Iterable[tuple]) -> None:
    """Append review rows (card, time_ms, day, q, duration, kind, before ×5, after ×5)."""
    store.executemany(_ADD, rows)


def write_states(store: Store, rows: Iterable[tuple]) -> None:
    """(repetitions, ef, interval, due, lapses, last_day, drill, card id) rows."""
    store.executemany(_STATE, rows)


def cards_by_place(store: Store, deck: str, source: str) -> dict[tuple[int, str], int]:
    """{(block line, deletion): card id} of a deck's active cards from one notes file."""
    return {
        (line, deletion): card_id
        for card_id, line, deletion in store.execute(
            "SELECT c.id, b.line, c.deletion FROM cards c JOIN blocks b ON b.id = c.block_id "
            "JOIN decks d ON d.id = c.deck_id "
            "WHERE d.name = ? AND c.source = ? AND c.retired = 0",
            (deck, source),
        )
    }


# sm2.rating (SM-2 quality -> Anki's 1-4) as SQL, generated from it so the two cannot
# disagree: below a pass, each passing quality, above the last
_RATING = (
    f"CASE WHEN q < {sm2.PASS} THEN {sm2.rating(sm2.PASS - 1)} "
    + " ".join(f"WHEN q = {q} THEN {sm2.rating(q)}" for q in range(sm2.PASS, 6))
    + f" ELSE {sm2.rating(6)} END"
)


# revlog_answers' columns after the time and the card, of a `reviews` row (three
# parameters: max_ms, learn, review), and which reviews are answers: for a writer that
# reads them with SQL of its own (the apkg export, SQLite to SQLite)
REVLOG_VALUES = (
    f"{_RATING}, interval_after, interval_before, ef_after, "
    "MIN(COALESCE(duration_ms, 0), ?), CASE WHEN due_before IS NULL THEN ? ELSE ? END"
)
REVLOG_ANSWERS = "kind != 'import'"


def _exported(deck_ids: Sequence[int]) -> str:
    """The cards an export of these decks can hold (its retired cards never)."""
    return f"SELECT id FROM cards WHERE deck_id IN ({marks(len(deck_ids))}) AND retired = 0"


def scheduled_states(store: Store, deck_ids: Sequence[int]) -> Iterator[tuple]:
    """(card id, repetitions, ef, interval, due, lapses, answers) of the scheduled cards
    (a due date) of these decks, `answers` counting its reviews and drills (imported
    schedules are no answers)."""
    return store.execute(
        "SELECT s.card_id, s.repetitions, s.ef, s.interval, s.due, s.lapses, "
        f"(SELECT COUNT(*) FROM reviews WHERE card_id = s.card_id AND {REVLOG_ANSWERS}) "
        f"FROM card_state s WHERE s.due IS NOT NULL AND s.card_id IN ({_exported(deck_ids)})",
        tuple(deck_ids),
    )


def revlog_answers(
    store: Store, card_ids: Sequence[int], max_ms: int, learn: int, review: int
) -> list[tuple]:
    """(time_ms, card id, rating 1-4, interval after, interval before, ef after, duration
    in ms (none: 0; at most `max_ms`), `learn` for a new card's answer or else `review`)
    of every answer of these cards, by card and time, as an Anki revlog row wants them
    (SQLite works them out: an export reads every review); imported schedules are no
    answers."""
    out: list[tuple] = []
    for part in chunks(card_ids):
        out.extend(
            store.execute(
                f"SELECT time_ms, card_id, {REVLOG_VALUES} FROM reviews "
                f"WHERE {REVLOG_ANSWERS} AND card_id IN ({marks(len(part))}) "
                "ORDER BY card_id, id",
                (max_ms, learn, review, *part),
            )
        )
    return out


# Indexes a bulk write would update at random positions, row by row: card_state's (a
# card's new state lands anywhere in each), and the reviews' by day (answers come in by
# card, not by day). The reviews' other indexes lead with the card: those rows append.
BULK_INDEXES = {"card_state": None, "reviews": ("reviews_day",)}


def table_size(store: Store, table: str) -> int:
    """About how many rows `table` has: its largest rowid (never fewer than it has)."""
    return int(store.one(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}") or 0)  # type: ignore[call-overload]


@contextmanager
def bulk_writes(store: Store, table: str, rows: int) -> Iterator[None]:
    """For a block that writes about `rows` rows of `table` (`BULK_INDEXES`), inside the
    caller's write transaction: when that is at least half as many as the table holds,
    its randomly hit indexes are dropped for the block and made again after it, from
    their own SQL: one sort of the table beats a random B-tree step per row. If the block
    fails the transaction must roll back (as every write's does), which restores them."""
    names = BULK_INDEXES[table]
    if rows < max(table_size(store, table), 1) / 2:
        yield
        return
    found = store.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()
    found = [(name, sql) for name, sql in found if names is None or name in names]
    for name, _ in found:
        store.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in found:
        store.execute(sql)
