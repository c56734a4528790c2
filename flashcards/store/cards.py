"""Blocks and cards: what a build writes, and cards as readers see them.

A block row holds what a block's cards show (its text as written, its
deletions, its children, its context and tags), once; a card row names its
block, which of the block's deletions it hides, and carries its identity
(guid, content hashes) and status. Card ids and block ids only grow: new rows
are numbered here, under the build's write lock. Nothing here deletes a card;
a block goes only when no card points at it any more. What a build matches and
compares cards on is `flashcards.store.matching`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from flashcards.notes.markers import Deletion
from flashcards.store import deck_summaries
from flashcards.store.db import chunks, marks

if TYPE_CHECKING:
    from flashcards.store.db import Store

STATE_COLUMNS = "repetitions, ef, interval, due, lapses, last_day, drill"


def active_count(store: Store, deck_id: int) -> int:
    return int(
        store.one("SELECT COUNT(*) FROM cards WHERE deck_id = ? AND retired = 0", (deck_id,))  # type: ignore[arg-type]
    )


# -- what a build writes ------------------------------------------------------------------

# a block row, in this order: id, deck, source, line, body, marks, children, context, tags, norm
BLOCK_COLUMNS = "id, deck_id, source, line, body, marks, children, context, tags, norm"
# a new card row, in this order
CARD_COLUMNS = (
    "id",
    "guid",
    "deck_id",
    "content_hash",
    "base_hash",
    "block_hash",
    "kind",
    "deletion",
    "source",
    "position",
    "block_id",
    "hidden",
    "answers",
    "hint",
    "created_at",
    "updated_at",
    "ancestors",
    "dialect",
)


def next_ids(store: Store) -> tuple[int, int]:
    """The next free block id and card id (under the caller's write lock)."""
    block = store.one("SELECT COALESCE(MAX(id), 0) FROM blocks")
    card = store.one("SELECT COALESCE(MAX(id), 0) FROM cards")
    return int(block) + 1, int(card) + 1  # type: ignore[call-overload]


def insert_blocks(store: Store, rows: Iterable[Sequence[object]]) -> None:
    """New block rows, values in BLOCK_COLUMNS order (their ids given)."""
    store.executemany(f"INSERT INTO blocks({BLOCK_COLUMNS}) VALUES ({marks(10)})", rows)


def insert_cards(store: Store, rows: Sequence[Sequence[object]]) -> int:
    """New cards, values in CARD_COLUMNS order (their ids given), each with a fresh state."""
    if not rows:
        return 0
    # ids only grow, and these were handed out in order: one statement makes their states
    with deck_summaries.inserting(store, rows[0][0], rows[-1][0]):  # type: ignore[arg-type]
        store.executemany(
            f"INSERT INTO cards({', '.join(CARD_COLUMNS)}) VALUES ({marks(len(CARD_COLUMNS))})",
            rows,
        )
        store.execute(
            "INSERT INTO card_state(card_id) SELECT id FROM cards WHERE id BETWEEN ? AND ?",
            (rows[0][0], rows[-1][0]),
        )
    return len(rows)


def update_cards(store: Store, updates: dict[int, dict[str, object]]) -> None:
    """Partial updates: {card id: {column: value}}, batched by the set of columns."""
    groups: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
    for card_id, values in updates.items():
        groups.setdefault(tuple(values), []).append((*values.values(), card_id))
    for columns, params in groups.items():
        sets = ", ".join(f"{c} = ?" for c in columns)
        store.executemany(f"UPDATE cards SET {sets} WHERE id = ?", params)


def retire(store: Store, ids: Iterable[int], stamp: str) -> None:
    store.executemany(
        "UPDATE cards SET retired = 1, updated_at = ? WHERE id = ?", ((stamp, i) for i in ids)
    )


def park_hashes(store: Store, ids: Iterable[int]) -> None:
    """Give cards a placeholder hash while hashes change hands (they are unique per deck)."""
    store.executemany(
        "UPDATE cards SET content_hash = 'moving:' || id WHERE id = ?", ((i,) for i in ids)
    )


def set_hashes(store: Store, pairs: Iterable[tuple[str, int]]) -> None:
    """(content hash, card id) pairs."""
    store.executemany("UPDATE cards SET content_hash = ? WHERE id = ?", pairs)


def drop_unused_blocks(store: Store, deck_id: int, sources: Sequence[str]) -> None:
    """Forget the blocks of these files that no card shows any more (their files were
    read again: their cards now show new blocks). A retired card keeps its block."""
    for chunk in chunks(list(sources)):
        store.execute(
            f"DELETE FROM blocks WHERE deck_id = ? AND source IN ({marks(len(chunk))}) "
            "AND NOT EXISTS (SELECT 1 FROM cards WHERE cards.block_id = blocks.id)",
            (deck_id, *chunk),
        )


# -- flags ---------------------------------------------------------------------------------


class Flags(NamedTuple):
    suspended: int
    buried_until: str | None


def flags(store: Store, card_id: int) -> Flags | None:
    row = store.execute(
        "SELECT suspended, buried_until FROM cards WHERE id = ?", (card_id,)
    ).fetchone()
    return Flags(*row) if row else None


def set_flags(
    store: Store, card_id: int, *, suspended: int | None = None, buried_until: object = ...
) -> None:
    if suspended is not None:
        store.execute("UPDATE cards SET suspended = ? WHERE id = ?", (suspended, card_id))
    if buried_until is not ...:
        store.execute("UPDATE cards SET buried_until = ? WHERE id = ?", (buried_until, card_id))


# -- cards as readers see them ------------------------------------------------------------


class CardRow(NamedTuple):
    """A card with its block, deck and state: what a CardView is made of (a named tuple:
    one is made for every card shown, and a frozen dataclass of 31 fields took ~7x as
    long to make, one `object.__setattr__` a field)."""

    id: int
    guid: str
    deck: str
    deck_settings: str  # JSON
    content_hash: str
    kind: str
    deletion: str
    source: str
    position: int
    hidden: tuple[int, ...]
    answers: list[str]
    hint: str | None
    retired: int
    suspended: int
    buried_until: str | None
    created_at: str
    updated_at: str
    line: int
    body: str
    marks: tuple[Deletion, ...]
    children: str
    context: list[str]
    tags: list[str]
    norm: str
    repetitions: int
    ef: int
    interval: int
    due: str | None
    lapses: int
    last_day: str | None
    dialect: str | None


_VIEW = (
    "SELECT c.id, c.guid, d.name, d.settings, c.content_hash, c.kind, c.deletion, c.source, "
    "c.position, c.hidden, c.answers, c.hint, c.retired, c.suspended, c.buried_until, "
    "c.created_at, c.updated_at, b.line, b.body, b.marks, b.children, b.context, b.tags, "
    "b.norm, s.repetitions, s.ef, s.interval, s.due, s.lapses, s.last_day, c.dialect "
    "FROM cards c JOIN decks d ON d.id = c.deck_id JOIN blocks b ON b.id = c.block_id "
    "JOIN card_state s ON s.card_id = c.id"
)
_ONE = f"{_VIEW} WHERE c.id = ?"  # the study's hot path: built once


# A block's marks, context and tags, and a card's hidden deletions, repeat from card to
# card (siblings share a block, a section its context; most cards hide '[0]' and have the
# file's tags): parsed once each, as tuples nothing can change. ~1/3 of reading a card
# to show it.
@lru_cache(maxsize=4096)
def _tuple(text: str) -> tuple:
    return tuple(json.loads(text))


@lru_cache(maxsize=4096)
def _marks(text: str) -> tuple[Deletion, ...]:
    return tuple(Deletion(*m) for m in json.loads(text))


def _row(row: tuple) -> CardRow:
    values = list(row)
    values[9] = _tuple(values[9])  # hidden
    values[10] = json.loads(values[10])  # answers
    values[19] = _marks(values[19])
    values[21] = list(_tuple(values[21]))  # context: a list of the caller's own
    values[22] = list(_tuple(values[22]))  # tags
    return CardRow._make(values)


def card(store: Store, card_id: int) -> CardRow | None:
    row = store.execute(_ONE, (card_id,)).fetchone()
    return _row(row) if row else None


def cards_by_id(store: Store, card_ids: list[int]) -> dict[int, CardRow]:
    """The rows of these cards (those that exist), by id."""
    marks = ", ".join("?" * len(card_ids))
    rows = store.execute(f"{_VIEW} WHERE c.id IN ({marks})", card_ids)
    return {row[0]: _row(row) for row in rows}


def cards(store: Store, deck_id: int | None = None, include_retired: bool = True) -> list[CardRow]:
    """Cards in deck name and outline order."""
    where: list[str] = []
    params: list[object] = []
    if deck_id is not None:
        where.append("c.deck_id = ?")
        params.append(deck_id)
    if not include_retired:
        where.append("c.retired = 0")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [
        _row(r)
        for r in store.execute(f"{_VIEW}{clause} ORDER BY d.name, c.source, c.position", params)
    ]


def exists(store: Store, card_id: int) -> bool:
    return store.one("SELECT 1 FROM card_state WHERE card_id = ?", (card_id,)) is not None
