"""What a build matches cards on, and the stored cards it compares with the notes.

Only builds read these (`flashcards.build`); they live apart from the card rows the
study reads (`flashcards.store.cards`), so that the app's start makes none of their
classes (a frozen dataclass of 21 fields, a named tuple) before its first card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from flashcards.store.db import chunks, marks

if TYPE_CHECKING:
    from flashcards.store.db import Store


class CardKey(NamedTuple):
    """The light columns a build matches a card on."""

    id: int
    content_hash: str
    base_hash: str
    source: str
    position: int
    retired: int


_KEY = "SELECT id, content_hash, base_hash, source, position, retired FROM cards"


def keys(store: Store, deck_id: int) -> list[CardKey]:
    """Match columns of every card of a deck, retired ones too."""
    return list(map(CardKey._make, store.execute(f"{_KEY} WHERE deck_id = ?", (deck_id,))))


def keys_of(store: Store, deck_id: int, sources: Sequence[str]) -> list[CardKey]:
    """Match columns of every card (active or retired) from the given files."""
    return _keys_where(store, deck_id, "source", sources)


def keys_like(store: Store, deck_id: int, base_hashes: Sequence[str]) -> list[CardKey]:
    """Match columns of every card with one of the given contents (before copy numbers)."""
    return _keys_where(store, deck_id, "base_hash", base_hashes)


def _keys_where(store: Store, deck_id: int, column: str, values: Sequence[str]) -> list[CardKey]:
    out: list[CardKey] = []
    for chunk in chunks(values):
        out.extend(
            map(
                CardKey._make,
                store.execute(
                    f"{_KEY} WHERE deck_id = ? AND {column} IN ({marks(len(chunk))})",
                    (deck_id, *chunk),
                ),
            )
        )
    return out


@dataclass(frozen=True)
class Stored:
    """A card as a build compares it with what the notes now say."""

    id: int
    content_hash: str
    base_hash: str
    kind: str
    answers: str  # JSON, as a build encodes it
    hint: str | None
    deletion: str
    source: str
    position: int
    block_hash: str
    hidden: str  # JSON
    block_id: int
    # what its block shows
    line: int
    body: str
    marks: str  # JSON
    children: str
    context: str  # JSON
    tags: str  # JSON
    norm: str
    ancestors: str | None  # block hashes, space-separated (NULL: not read since m011)
    dialect: str | None


def stored(store: Store, ids: Iterable[int]) -> dict[int, Stored]:
    """The cards with these ids, with their blocks."""
    ids = list(ids)
    out: dict[int, Stored] = {}
    for chunk in chunks(ids):
        for row in store.execute(
            "SELECT c.id, c.content_hash, c.base_hash, c.kind, c.answers, c.hint, c.deletion, c.source, c.position, "
            "c.block_hash, c.hidden, c.block_id, b.line, b.body, b.marks, b.children, "
            "b.context, b.tags, b.norm, c.ancestors, c.dialect "
            "FROM cards c JOIN blocks b ON b.id = c.block_id "
            f"WHERE c.id IN ({marks(len(chunk))})",
            chunk,
        ):
            out[row[0]] = Stored(*row)
    return out
