"""Card identity: normalised text, content hashes and copy numbers.

A card's content hash covers its block's normalised text (whitespace folded)
and which deletion it hides — not the file, the line or the ancestors — so
reordering, re-indenting, moving a block between files or renaming a file
keeps the card's identity. Identical blocks in one deck are told apart by
their order (`disambiguate`): the second copy's hashes get copy number 1, and so
on. Every hash a card or block carries is made here, so the notes reader and the
build can never disagree on one.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.card_records import Card

CLOZE = "cloze"
BASIC = "basic"


def normalize(text: str) -> str:
    """Whitespace folded to single spaces (what `\\s+` → ' ' and strip give, faster)."""
    return " ".join(text.split())


def digest(*parts: str, _blake2b=hashlib.blake2b) -> str:  # bound once: hot in cold builds
    """16 hex digits of BLAKE2b over the parts, joined by a unit separator."""
    return _blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def block_hash(norm: str) -> str:
    """What a block's cards share (siblings): the digest of its normalised text."""
    return digest(norm)


def card_hash(kind: str, norm: str, deletion: str = "") -> str:
    """A card's content hash: its kind, its block's normalised text and, for a cloze
    card, which deletion it hides ('learning#0', 'c1'); for a basic card, which side it
    asks when there are two ('' for the first: a reversed card's second side is another)."""
    if kind == CLOZE:
        return digest(CLOZE, norm, deletion)
    return digest(BASIC, norm, deletion) if deletion else digest(BASIC, norm)


def with_copy(value: str, copy: int) -> str:
    """A hash for the `copy`-th identical block of a deck (0: the first, unchanged)."""
    return digest(value, str(copy)) if copy else value


def retired_hash(content_hash: str, card_id: int) -> str:
    """The hash a retired card gives up its own for, when a new card takes that one
    (content hashes are unique per deck); its id keeps it unique."""
    return digest(content_hash, "retired", str(card_id))


def disambiguate(cards: list[Card]) -> list[Card]:
    """Tell identical blocks of one deck apart by their order; number positions."""
    seen: dict[str, int] = {}
    blocks: dict[tuple[str, int], str] = {}
    for position, card in enumerate(cards):
        card.position = position
        n = seen.get(card.content_hash, 0)
        seen[card.content_hash] = n + 1
        if n:
            card.content_hash = with_copy(card.content_hash, n)
            # siblings of a repeated block stay together, apart from the first copy
            card.block_hash = blocks.setdefault((card.block_hash, n), with_copy(card.block_hash, n))
    return cards
