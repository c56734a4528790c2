"""Other devices' reviews merged into the collection, and the merged cards replayed.

A union: a review is named by (device, card, time), so one already here adds
nothing, and an undo line takes back the review it names (and keeps it from coming
back when a journal is read again). A review of a card this collection has not
built yet waits in the collection and is merged once the card appears. The cards
whose history changed get their state from a replay of all their reviews in the
order every device shares (`flashcards.store.queue.replay_order`), so every device
that holds the same reviews holds the same states. Runs inside the caller's
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from flashcards.store import Store
from flashcards.store import sync as sync_rows
from flashcards.study.replay import replay_fsrs_decks
from flashcards.sync.journal import UNDO, Entry
from flashcards.sync.steps import new_rows
from flashcards.sync.steps import replay as replay_steps


@dataclass
class Merged:
    added: int = 0
    undone: int = 0
    pending: int = 0  # waiting for their cards after this merge


def merge(store: Store, entries: Sequence[Entry], also_replay: Iterable[str] = ()) -> Merged:
    """Merge these entries (and those waiting from before) and replay the cards they
    touch, with the cards of the guids `also_replay` (this device's just journaled)."""
    waiting = [Entry(*row) for row in sync_rows.pending(store)]
    result = Merged()
    also = set(also_replay)
    if not entries and not waiting and not also:
        return result
    by_guid, by_hash = sync_rows.card_keys(store)
    replay = {by_guid[guid] for guid in also if guid in by_guid}
    devices = sorted({e.device for e in entries} | {e.device for e in waiting})
    taken_back = sync_rows.undone(store, devices)
    new_undone: set[tuple[str, str, int]] = set()
    for entry in entries:
        if entry.kind == UNDO:
            new_undone.add((entry.device, entry.guid, entry.time))
    taken_back |= new_undone
    resolved: dict[int, dict[tuple[str, int], Entry]] = {}
    undos: dict[int, set[tuple[str, int]]] = defaultdict(set)
    still_waiting: list[Entry] = []
    card_of_guid, card_of_hash = by_guid.get, by_hash.get
    for entry in chain(waiting, entries):
        device, guid, deck, content_hash, time, _, _, _, kind = entry
        card_id = card_of_guid(guid) or card_of_hash((deck, content_hash))
        if card_id is None:
            if kind != UNDO and (device, guid, time) not in taken_back:
                still_waiting.append(entry)
            continue
        if kind == UNDO:
            undos[card_id].add((device, time))
            found = resolved.get(card_id)
            if found is not None:
                found.pop((device, time), None)
        elif not taken_back or (device, guid, time) not in taken_back:
            found = resolved.get(card_id)
            if found is None:
                resolved[card_id] = {(device, time): entry}
            else:
                found.setdefault((device, time), entry)
    replay.update(resolved, undos)
    inserts, deletes, states = _replay(store, replay, resolved, undos)
    sync_rows.delete_reviews(store, deletes)
    sync_rows.insert_reviews(store, inserts)
    sync_rows.write_states(store, states)
    replay_fsrs_decks(store, (card_id for card_id, _ in states))
    sync_rows.add_undone(store, new_undone)
    sync_rows.drop_pending(store, ((e.device, e.guid, e.time) for e in waiting))
    sync_rows.drop_pending(store, new_undone)
    sync_rows.add_pending(store, still_waiting)
    result.added, result.undone = len(inserts), len(deletes)
    result.pending = sync_rows.pending_count(store)
    return result


def _replay(
    store: Store,
    card_ids: set[int],
    resolved: dict[int, dict[tuple[str, int], Entry]],
    undos: dict[int, set[tuple[str, int]]],
) -> tuple[list[tuple], list[int], list[tuple[int, tuple]]]:
    """The review rows to add and to delete, and the cards' replayed states."""
    me = sync_rows.device_id(store)
    history = sync_rows.reviews_of_cards(store, card_ids)
    inserts: list[tuple] = []
    deletes: list[int] = []
    states: list[tuple[int, tuple]] = []
    nothing: dict = {}
    for card_id in sorted(card_ids):
        new = resolved.get(card_id, nothing)
        rows = history.get(card_id)
        if rows is None:  # no review here yet (most of a first sync's cards)
            added, state = new_rows(card_id, new.values())
            inserts += added
            states.append((card_id, state))
            continue
        taken = undos.get(card_id, nothing)
        # in replay order (time, device, id): this device's own rows (device NULL) go by
        # its id; a new review after the rows here of its moment and device (none: the
        # rows of a device are unique by card and time), then gets an id above them all
        kept: list[tuple] = []
        for _, review_id, device, time_ms, day, q, kind in rows:
            if device is not None:
                if (device, time_ms) in taken:
                    deletes.append(review_id)
                    continue
                new.pop((device, time_ms), None)  # already here
            kept.append((time_ms, device or me, 0, review_id, q, day, kind, None))
        kept += [
            (time_ms, device, 1, 0, q, day, kind, duration)
            for device, _, _, _, time_ms, day, q, duration, kind in new.values()
        ]
        kept.sort()
        # inserted in their order of replay: ids then agree with it (ties by id)
        added, state = replay_steps(card_id, kept)
        inserts += added
        states.append((card_id, state))
    return inserts, deletes, states
