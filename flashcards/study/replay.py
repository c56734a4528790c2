"""Card states as the replay of the review log under each deck's scheduler.

`replay_deck` rewrites a deck's derived rows (card_state, fsrs_state) from its
whole log, inside the caller's transaction: switching a deck's scheduler, or
training new parameters, is this replay, and no review is touched.
`expected_states` is what `doctor` compares the stored rows with.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING

from flashcards import scheduling
from flashcards.deck_settings import DeckSettings
from flashcards.store import Store
from flashcards.store import decks as deck_rows
from flashcards.store import fsrs as fsrs_rows
from flashcards.store import history as history_rows
from flashcards.store import queue as queue_rows
from flashcards.study.state import replay_card

if TYPE_CHECKING:
    from flashcards.fsrs_scheduler import Config


def deck_config(store: Store, deck_id: int, settings: DeckSettings | None = None) -> Config | None:
    """The FSRS config a deck schedules with (its trained parameters unless the spec pins
    some), or None for an SM-2 deck."""
    if settings is None:
        settings = DeckSettings.from_json(deck_rows.settings_of(store, deck_id))
    if settings.scheduler != "fsrs":
        return None
    found = fsrs_rows.trained(store, deck_id)
    return scheduling.config(settings, found.parameters if found else None)


def _replayed(
    store: Store, deck_id: int | None, cfg_of: dict[int, Config | None] | None = None
) -> Iterator[tuple[int, tuple, tuple | None]]:
    """(card, card_state columns, memory columns or None) for every card with reviews."""
    decks = dict(store.execute("SELECT id, deck_id FROM cards")) if deck_id is None else None
    cfgs: dict[int, Config | None] = cfg_of if cfg_of is not None else {}
    for card_id, rows in groupby(queue_rows.all_reviews(store, deck_id), key=lambda r: r[0]):
        deck = deck_id if decks is None else decks.get(card_id)
        if deck is None:
            continue  # a review of a missing card: integrity reports it
        if deck not in cfgs:
            cfgs[deck] = deck_config(store, deck)
        reviews = [(r.q, r.day, r.kind, r.time_ms, *r.after) for r in rows]
        state, memory = replay_card(reviews, cfgs[deck])
        yield card_id, state, fsrs_rows.memory_tuple(memory) if memory else None


def replay_deck(store: Store, deck_id: int) -> int:
    """Recompute every card state of a deck from its reviews, inside the caller's
    transaction; returns how many cards have reviews."""
    fresh = replay_card([], None)[0]
    of_deck = "SELECT id FROM cards WHERE deck_id = ?"
    store.execute(f"DELETE FROM fsrs_state WHERE card_id IN ({of_deck})", (deck_id,))
    store.execute(
        "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
        f"last_day = ?, drill = ? WHERE card_id IN ({of_deck})",
        (*fresh, deck_id),
    )
    states: list[tuple] = []
    memories: list[tuple] = []
    for card_id, state, memory in _replayed(store, deck_id):
        states.append((*state, card_id))
        if memory is not None:
            memories.append((card_id, *memory))
    store.executemany(
        "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
        "last_day = ?, drill = ? WHERE card_id = ?",
        states,
    )
    store.executemany("INSERT INTO fsrs_state VALUES (?, ?, ?, ?, ?, ?, ?)", memories)
    return len(states)


def replay_fsrs_decks(store: Store, card_ids: Iterable[int]) -> None:
    """Replay under FSRS the decks of these cards that schedule with it, inside the
    caller's transaction: code that adds reviews and replays states with SM-2 (imports,
    sync merges) leaves FSRS decks' states and memory to this."""
    for deck_id in history_rows.decks_of(store, sorted(set(card_ids))):
        if deck_config(store, deck_id) is not None:
            replay_deck(store, deck_id)


def states_off(store: Store) -> dict[int, tuple[tuple, tuple | None]]:
    """Cards whose stored state or FSRS memory is not the replay of their reviews under
    their deck's scheduler: {id: (replayed state, replayed memory)}."""
    expected = {card_id: (state, memory) for card_id, state, memory in _replayed(store, None)}
    fresh = (replay_card([], None)[0], None)
    memories = fsrs_rows.all_memories(store)
    off: dict[int, tuple[tuple, tuple | None]] = {}
    for card_id, state in queue_rows.all_states(store).items():
        want = expected.get(card_id, fresh)
        if tuple(state) != want[0] or memories.get(card_id) != want[1]:
            off[card_id] = want
    return off
