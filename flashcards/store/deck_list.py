"""The deck list's figures: each deck's cards by status, read from the summaries.

Only the deck list reads them (`Collection.decks`: the decks screen, `flashcards decks`),
so the review's start makes none of this (a frozen dataclass of ten fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flashcards.store import deck_summaries

if TYPE_CHECKING:
    from flashcards.store.db import Store


@dataclass(frozen=True)
class DeckCounts:
    """A deck's cards by status, for the deck list."""

    id: int
    name: str
    built_at: str | None
    total: int
    active: int
    new: int
    due: int
    retired: int
    suspended: int
    retired_deck: bool = False  # the deck itself is retired (listed with --all only)


def counts(store: Store, day: str, retired: bool = False) -> list[DeckCounts]:
    """Per deck in use (with `retired`, retired decks too): cards, new, due today
    (reviews), retired cards, suspended.

    Read from the card summaries the triggers keep (`deck_summaries`, schema step
    m015): a few rows per deck and due day, never a pass over the cards.
    """
    totals = deck_summaries.totals(store)
    waiting = deck_summaries.waiting(store, day)
    out = []
    for deck_id, name, built, retired_deck in store.execute(
        "SELECT id, name, built_at, retired FROM decks WHERE retired = 0 OR ? ORDER BY name",
        (int(retired),),
    ):
        total, retired_count, suspended = totals.get(deck_id, deck_summaries.Totals(0, 0, 0))
        out.append(
            DeckCounts(
                deck_id,
                name,
                built,
                total,
                total - retired_count,
                waiting.get((deck_id, True), 0),
                waiting.get((deck_id, False), 0),
                retired_count,
                suspended,
                bool(retired_deck),
            )
        )
    return out
