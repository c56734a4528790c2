"""Sync through a folder the user already syncs (git, Syncthing, Dropbox, iCloud).

The collection itself never goes into a synced folder (a database copied mid-write
is a damaged one). Each device keeps a journal of its own reviews there,
`DIR/<device-id>.jsonl` (`journal.py` has the format), which only it writes: git
merges and file-sync tools never see two writers of one file. `sync(store, DIR)`:

1. appends this device's reviews (and undos) not yet written to its journal,
   fsync'd (`writer.py`);
2. reads every other device's journal past where it last stopped and merges the
   reviews this collection lacks (`merge.py`); those of cards not built here yet
   wait in the collection;
3. replays every card whose history changed.

All of it is one transaction: nothing is half-applied. A review's global name is
(device, card, time), so merging is a union and a journal read twice adds nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from flashcards import gcpause
from flashcards.store import Store
from flashcards.store import sync as sync_rows
from flashcards.sync.journal import SUFFIX, Entry, JournalError, Read, Seen, read_new, unchanged
from flashcards.sync.merge import merge
from flashcards.sync.writer import append

__all__ = ["JournalError", "SyncError", "SyncReport", "apply_pending", "sync"]


class SyncError(Exception):
    """A sync that could not run (the folder, a journal); nothing was changed."""


@dataclass
class SyncReport:
    folder: Path
    device: str
    written: int = 0  # lines appended to this device's journal
    added: int = 0  # other devices' reviews merged in
    undone: int = 0  # other devices' reviews taken back by their undo
    pending: int = 0  # reviews waiting for cards this collection has not built
    journals: int = 0  # other devices' journals read
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.undone)


def check_folder(folder: Path) -> None:
    """SyncError unless `folder` is a folder this process can write."""
    if not folder.exists():
        raise SyncError(
            f"{folder}: no such folder; create it, or name the folder your devices sync"
        )
    if not folder.is_dir():
        raise SyncError(f"{folder}: not a folder; name the folder your devices sync")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SyncError(
            f"{folder}: the folder is read-only; this device's journal must be written "
            "there — make it writable; nothing was changed"
        )


def sync(store: Store, folder: str | Path) -> SyncReport:
    """Write this device's news to its journal, merge every other device's: see above."""
    folder = Path(folder)
    check_folder(folder)
    me = sync_rows.device_id(store)
    report = SyncReport(folder, me)
    own_path = folder / f"{me}{SUFFIX}"
    journals = _journals(folder, me)
    known = _peers(store)
    if not sync_rows.has_news(store) and not _peer_news(journals, known):
        return report  # nothing to write, nothing new to read: no transaction at all
    # 300,000 journal entries and their rows, kept to the end: the cycle collector would
    # rescan them again and again (a tenth of the merge), so it waits (`gcpause`)
    with gcpause.paused(), store.atomic("syncing"):
        # read again inside the transaction: another sync may have run meanwhile
        known = _peers(store)
        reads = _read_peers(journals, known, me, report)
        mark = sync_rows.written_mark(store)
        own = sync_rows.own_reviews_after(store, mark)
        undos = sync_rows.outbox(store)
        lines = [_entry(me, row) for row in (*own, *undos)]
        try:
            append(own_path, me, lines)
        except JournalError as err:
            raise SyncError(str(err)) from None
        report.written = len(lines)
        sync_rows.clear_outbox(store)
        entries = [e for read in reads for e in read.entries]
        by_guid_touched = {row.guid for row in own} | {row.guid for row in undos}
        merged = merge(store, entries, by_guid_touched)
        for read in reads:
            sync_rows.set_peer(store, read.device, read.seen)
        # every own review is journaled now, and the merged ones are not own: the mark
        # goes to the last id, so the next sync's look for news starts past them all.
        # And never above it: with merged rows at the top taken back, the next answer
        # gets a freed id, which must count as news.
        sync_rows.set_written_mark(store, sync_rows.last_review_id(store))
        report.added, report.undone, report.pending = merged.added, merged.undone, merged.pending
    return report


def apply_pending(store: Store) -> int:
    """Merge the reviews waiting for cards a build has just made; how many were merged."""
    if not sync_rows.has_pending(store):
        return 0
    with gcpause.paused(), store.atomic("merging synced reviews of new cards"):
        return merge(store, ()).added


def _entry(me: str, row: sync_rows.OwnReview) -> Entry:
    return Entry(
        me,
        row.guid,
        row.deck,
        row.content_hash,
        row.time_ms,
        row.day,
        row.q,
        row.duration_ms,
        row.kind,
    )


def _journals(folder: Path, me: str) -> list[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError as err:
        raise SyncError(f"{folder}: cannot be read ({err.strerror}); check it") from None
    return [
        folder / name
        for name in names
        if name.endswith(SUFFIX) and not name.startswith(".") and name != f"{me}{SUFFIX}"
    ]


def _peers(store: Store) -> dict[str, Seen]:
    return {device: Seen(*row) for device, row in sync_rows.peers(store).items()}


def _peer_news(journals: list[Path], known: dict[str, Seen]) -> bool:
    return not all(unchanged(path, known.get(path.name[: -len(SUFFIX)])) for path in journals)


def _read_peers(
    journals: list[Path], known: dict[str, Seen], me: str, report: SyncReport
) -> list[Read]:
    reads = []
    for path in journals:
        device = path.name[: -len(SUFFIX)]
        seen = known.get(device)
        if unchanged(path, seen):
            continue  # the same size and time as when last read: not even opened
        try:
            read = read_new(path, seen)
        except JournalError as err:
            raise SyncError(str(err)) from None
        if not read.device:
            continue  # its header is still being written
        if read.device != device or device == me:
            report.warnings.append(
                f"{path}:1: the journal's header names device {read.device!r}, not the "
                f"one its name says; journal skipped — each device writes <its id>{SUFFIX}"
            )
            continue
        report.warnings += read.warnings
        report.journals += 1
        reads.append(read)
    return reads
