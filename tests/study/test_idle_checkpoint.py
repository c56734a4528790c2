"""`Collection.idle`: the checkpoint the app makes while the user reads a card.

Once IDLE_CHECKPOINT commits have gone into the WAL it copies them into the file, so
that no answer pays for SQLite's automatic checkpoint, and the WAL, restarted from its
start by the fold that follows the checkpoint, is rewritten in place rather than grown
(a grown file's new size is synced on every commit too). Sizes are read with `os.stat`
only; frame counts by SQLite (a checkpoint from another connection).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flashcards import Collection
from flashcards.collection import IDLE_CHECKPOINT

from .conftest import at

# more new cards than three cycles of answers take, one block each (no siblings wait)
NOTES = "".join(f"- Fact {i} is **x{i}**.\n" for i in range(3 * IDLE_CHECKPOINT + 4))


def _wal_size(path: Path) -> int:
    return Path(str(path) + "-wal").stat().st_size


def _answer(col: Collection, minute: int) -> None:
    card = col.next_card(now=at(0, minutes=minute))
    assert card is not None
    col.answer(card.id, 4, now=at(0, minutes=minute))


def _study(col: Collection, deck) -> Collection:  # noqa: ANN001
    """A session of its own on the deck's collection: its commit count starts at 0."""
    deck("Deck", NOTES, new_per_day=500)
    return Collection.open(col.path, timezone="UTC", backup=False)


def test_idle_checkpoints_once_every_idle_checkpoint_commits(col, deck) -> None:
    with _study(col, deck) as session:
        checkpointed = []
        for minute in range(2 * IDLE_CHECKPOINT):
            _answer(session, minute)
            checkpointed.append(session.idle())
        # the answers' frames are in the file now: a checkpoint finds none left to copy
        probe = sqlite3.connect(col.path)
        try:
            busy, frames, copied = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            probe.close()
    cycle = [False] * (IDLE_CHECKPOINT - 1) + [True]
    assert checkpointed == cycle * 2
    assert (busy, copied) == (0, frames)


def _wal_frames(path: Path) -> int:
    """The frames in the WAL now, by a passive checkpoint from another connection (it
    copies them into the file too: take it last)."""
    probe = sqlite3.connect(path)
    try:
        return int(probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        probe.close()


def test_the_idle_moment_restarts_the_wal_not_the_next_answer(col, deck) -> None:
    """The first write after a checkpoint restarts the WAL, its new header written and
    synced before its frames: the fold of the idle moment makes it, so the WAL holds the
    fold's few frames after it (not the cycle's, left for the next answer to restart)."""
    with _study(col, deck) as session:
        for minute in range(IDLE_CHECKPOINT):
            _answer(session, minute)
            assert session.idle() == (minute == IDLE_CHECKPOINT - 1)
        frames = _wal_frames(session.path)
    assert 0 < frames < IDLE_CHECKPOINT  # a cycle's answers wrote ~5 each


def test_after_the_first_cycle_the_wal_is_rewritten_in_place(col, deck) -> None:
    with _study(col, deck) as session:
        grew = []
        sizes = []
        for minute in range(3 * IDLE_CHECKPOINT):
            before = _wal_size(session.path)
            _answer(session, minute)
            grew.append(_wal_size(session.path) > before)
            session.idle()
            if minute % IDLE_CHECKPOINT == IDLE_CHECKPOINT - 1:
                sizes.append(_wal_size(session.path))
    # the first cycle appends to the WAL (after the build's frames); then it cycles in place
    assert any(grew[:IDLE_CHECKPOINT])
    assert not any(grew[IDLE_CHECKPOINT:])
    assert sizes == [sizes[0]] * 3


def test_a_read_only_collection_is_never_checkpointed(col, deck) -> None:
    deck("Deck", NOTES)
    with Collection.open(col.path, timezone="UTC", readonly=True) as reader:
        assert reader.readonly
        assert reader._store.checkpoint() is None
        assert not reader.idle()
