"""FSRS's rows: each card's memory (derived from its reviews) and each deck's trained
parameters (with the date and review count they came from).

Every writer here runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from flashcards.fsrs_scheduler import Memory
    from flashcards.store.db import Store


class Trained(NamedTuple):
    parameters: tuple[float, ...]
    trained_at: str  # UTC, to the second
    reviews: int


_MEMORY = "SELECT stability, difficulty, phase, step, last_ms, due_ms FROM fsrs_state"


def memory_of(store: Store, card_id: int) -> Memory | None:
    row = store.execute(f"{_MEMORY} WHERE card_id = ?", (card_id,)).fetchone()
    if not row:
        return None
    from flashcards.fsrs_scheduler import Memory  # SM-2 decks never load FSRS

    return Memory(*row)


def write_memory(store: Store, card_id: int, memory: Memory | None) -> None:
    """Store a card's FSRS memory (None: the card has none, e.g. under SM-2)."""
    if memory is None:
        store.execute("DELETE FROM fsrs_state WHERE card_id = ?", (card_id,))
        return
    store.execute(
        "INSERT OR REPLACE INTO fsrs_state"
        "(card_id, stability, difficulty, phase, step, last_ms, due_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (card_id, *memory_tuple(memory)),
    )


def memory_tuple(memory: Memory) -> tuple:
    return (
        memory.stability,
        memory.difficulty,
        memory.phase,
        memory.step,
        memory.last_ms,
        memory.due_ms,
    )


def all_memories(store: Store) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in store.execute(f"SELECT card_id, {_MEMORY[7:]}")}


def trained(store: Store, deck_id: int) -> Trained | None:
    row = store.execute(
        "SELECT parameters, trained_at, reviews FROM fsrs_parameters WHERE deck_id = ?",
        (deck_id,),
    ).fetchone()
    if row is None:
        return None
    return Trained(tuple(float(p) for p in json.loads(row[0])), row[1], int(row[2]))


def store_trained(store: Store, deck_id: int, found: Trained) -> None:
    store.execute(
        "INSERT OR REPLACE INTO fsrs_parameters(deck_id, parameters, trained_at, reviews) "
        "VALUES (?, ?, ?, ?)",
        (deck_id, json.dumps(list(found.parameters)), found.trained_at, found.reviews),
    )
