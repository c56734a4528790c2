"""Build a deck into the collection, keeping review history through every edit.

Three steps: `read` finds what changed in the deck's notes and reads it (no
lock held: a long read never keeps answers waiting), `match` pairs the cards
the notes now make with the stored ones (pure), `write` applies the outcome.
Matching and writing are one transaction, and what the reading was based on
(the deck row, its file records, the reader version) is read again inside it:
if another build changed the deck meanwhile, this build reads again. Nothing
here deletes a card or a review.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial

from flashcards import gcpause
from flashcards.decks import DeckError, DeckSettings, DeckSpec
from flashcards.notes.junk import REASONS
from flashcards.store import Store, matching
from flashcards.store import cards as card_rows
from flashcards.store import decks as deck_rows
from flashcards.store import graph as graph_rows
from flashcards.study.replay import replay_deck

from .noted import apply_schedules
from .read import Reading, Snapshot, read_notes
from .write import match_and_write, write_new_deck

__all__ = ["BuildReport", "build_deck", "deck_identity"]

# Up to this share of a deck's files changed, a build looks only at their cards and at
# cards of the same content; above it, reading the whole deck's index is as quick.
FEW_FILES = 0.25
BUILD_ATTEMPTS = 3  # reads a build may redo when another build changed the deck meanwhile

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    """What one build did. `cards` counts the deck's active cards afterwards."""

    deck: str
    files: int = 0
    read: int = 0  # files parsed in this build
    new: int = 0
    updated: int = 0
    edited: int = 0
    moved: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    schedules: int = 0  # cards given the schedule their notes write (build/noted.py)
    cards: int = 0
    rescheduled: int = 0  # cards whose states were replayed under a changed scheduler
    lines: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # junk reason -> deletions skipped
    hidden: list[str] = field(default_factory=list)  # dot-folders left out of the notes
    dialects: dict[str, int] = field(default_factory=dict)  # dialect -> files read in it
    renamed_from: str | None = None  # the deck's name before this build (its spec's name: changed)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class _Stale(Exception):
    """Another build changed the deck while this one read its files: read again."""


def build_deck(store: Store, spec: DeckSpec, progress: Progress | None = None) -> BuildReport:
    """Build one deck into the collection; see the module docstring."""
    # A cold build makes hundreds of thousands of objects (blocks, tokens, cards) and keeps
    # them; the cycle collector would rescan them all again and again (~15% of the build).
    # They hold no cycles worth collecting mid-build, so it waits until the end.
    with gcpause.paused():
        for _attempt in range(BUILD_ATTEMPTS - 1):
            try:
                return _build_once(store, spec, progress)
            except _Stale:
                continue
        # raced every time (builds of this deck in a loop elsewhere): read under the lock
        with store.atomic(f"building deck {spec.name}"):
            return _build_once(store, spec, progress)


def deck_identity(spec: DeckSpec) -> str | None:
    """What a deck is, whatever its `name:` says: its spec file, or for a deck built from
    a notes path alone (`flashcards build FOLDER`), that file or folder."""
    if spec.path is not None:
        return f"spec:{spec.path.resolve()}"
    if spec.from_notes and len(spec.notes) == 1:
        return f"notes:{spec.notes[0].resolve()}"
    return None  # a spec made in code, without a file: its name is all there is


def _deck_row(store: Store, spec: DeckSpec) -> deck_rows.DeckRow | None:
    """The deck this spec builds: found by its identity, else (a deck never keyed) by name.
    A name another spec's deck already has is refused, saying which."""
    identity = deck_identity(spec)
    row = deck_rows.by_identity(store, identity) if identity else None
    if row is None and spec.adopts is not None:  # the user's copy of the bundled sample
        row = deck_rows.by_identity(store, f"spec:{spec.adopts.resolve()}")
    named = deck_rows.by_name(store, spec.name)
    if row is None:
        # a spec made in code (no identity) names its deck; a spec file may not take the
        # name of a deck another spec file or notes path makes
        if named is not None and identity is not None and named.identity not in (None, identity):
            raise _taken(spec, named)
        return named
    if named is not None and named.id != row.id:
        raise _taken(spec, named)
    return row


def _taken(spec: DeckSpec, other: deck_rows.DeckRow) -> DeckError:
    source = other.spec_path or ", ".join(other.notes) or "another build"
    return DeckError(
        str(spec.path or spec.notes[0]),
        1 if spec.path else None,
        f"the deck name {spec.name!r} is already used by the deck built from {source}; "
        "give this deck another `name:` (or `flashcards decks rename` the other)",
    )


def _data_version(store: Store) -> int:
    """SQLite's count of other connections' commits, as this connection sees it."""
    return store.execute("PRAGMA data_version").fetchone()[0]


def _snapshot(store: Store, spec: DeckSpec, graph: bool = False) -> Snapshot:
    """What the build depends on; the Logseq index only with `graph` (see `_with_graph`)."""
    row = _deck_row(store, spec)
    if row is None:
        return Snapshot(None, None, {}, None, {}, {})
    snap = Snapshot(
        row.id,
        row.settings_json,
        deck_rows.sources(store, row.id),
        deck_rows.reader_version(store, row.id),
        skipped=deck_rows.skipped_counts(store, row.id),
    )
    return _with_graph(store, snap) if graph else snap


def _with_graph(store: Store, snap: Snapshot) -> Snapshot:
    """`snap` with the deck's Logseq index, read when the build has files to read."""
    if snap.deck_id is None:
        return replace(snap, graph={}, refs={})
    return replace(
        snap,
        graph=graph_rows.entries(store, snap.deck_id),
        refs=graph_rows.refs(store, snap.deck_id),
    )


def _build_once(store: Store, spec: DeckSpec, progress: Progress | None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(deck=spec.name)
    version = _data_version(store)
    reading = read_notes(spec, _snapshot(store, spec), progress, partial(_with_graph, store))
    try:
        return _write_reading(store, spec, reading, report, version, started)
    finally:
        reading.parsed.close()  # the cards it spooled to disk, if any


def _write_reading(
    store: Store,
    spec: DeckSpec,
    reading: Reading,
    report: BuildReport,
    version: int,
    started: float,
) -> BuildReport:
    assert reading.snapshot is not None
    snapshot = reading.snapshot
    report.files, report.read, report.lines = len(reading.files), reading.read, reading.lines
    report.warnings = [*spec.warnings, *reading.warnings]
    report.hidden = reading.hidden
    report.dialects = reading.dialects
    for counts in reading.skipped.values():
        for rule, n in counts.items():
            reason = REASONS.get(rule, rule)
            report.skipped[reason] = report.skipped.get(reason, 0) + n
    with store.atomic(f"building deck {spec.name}"):  # a savepoint when already locked
        # nothing committed by another connection since the snapshot: it still holds
        # (re-reading it costs a fifth of a no-change rebuild)
        if (
            _data_version(store) != version
            and _snapshot(store, spec, snapshot.graph is not None) != snapshot
        ):
            raise _Stale  # rolled back before anything was written
        old = deck_rows.by_id(store, snapshot.deck_id) if snapshot.deck_id else None
        if old is not None and old.name != spec.name:
            report.renamed_from = old.name
            report.warnings.append(
                f"deck {old.name!r} is now named {spec.name!r}: same deck, its cards keep "
                "their history"
            )
        deck_id = deck_rows.upsert(
            store,
            snapshot.deck_id,
            spec.name,
            deck_identity(spec),
            str(spec.path.resolve()) if spec.path else None,
            [str(p.resolve()) for p in spec.notes],
            spec.description,
            spec.settings.to_json(),
        )
        for path, other in deck_rows.owners_of(store, reading.parsed, snapshot.deck_id).items():
            report.warnings.append(
                f"{path}: already part of deck {other!r}; its cards are now in "
                f"{spec.name!r} too (take it out of one deck's notes to keep a single copy)"
            )
        gone = sorted(set(snapshot.prior) - reading.kept - set(reading.parsed))
        deck_rows.write_sources(store, deck_id, reading.source_rows, gone)
        if reading.graph or snapshot.graph:
            graph_rows.write(store, deck_id, reading.graph, gone)
        # written only when changed: at 25,000 files the skipped counts are a large JSON
        if reading.reader != snapshot.reader:
            deck_rows.set_reader_version(store, deck_id, reading.reader)
        if snapshot.deck_id is None or reading.skipped != snapshot.skipped:
            deck_rows.set_skipped_counts(store, deck_id, reading.skipped)
        if snapshot.deck_id is None:  # a new deck: nothing to match
            report.new = write_new_deck(store, deck_id, reading.files, reading.parsed)
        elif reading.parsed or gone:
            counts = match_and_write(
                store,
                deck_id,
                _index(store, deck_id, reading, gone),
                reading.files,
                reading.parsed,
                reading.kept,
                [*reading.parsed, *gone],
            )
            for name, n in counts.items():
                setattr(report, name, n)
        if reading.schedules:
            report.schedules = apply_schedules(store, deck_id, reading.schedules, report.warnings)
        report.cards = card_rows.active_count(store, deck_id)
        # every active card not counted as something else stayed as it was
        report.unchanged = report.cards - (
            report.new + report.updated + report.edited + report.moved + report.restored
        )
        if snapshot.deck_id is not None and _scheduling(snapshot) != spec.settings.scheduling():
            # a new scheduler (or new FSRS settings): the deck's whole log, replayed
            report.rescheduled = replay_deck(store, deck_id)
        deck_rows.mark_built(store, deck_id)
    report.seconds = round(time.perf_counter() - started, 4)
    return report


def _scheduling(snapshot: Snapshot) -> tuple:
    return DeckSettings.from_json(json.loads(snapshot.settings or "{}")).scheduling()


def _index(store: Store, deck_id: int, reading: Reading, gone: list[str]) -> list[matching.CardKey]:
    """The stored cards a build must look at: all of the deck's, or — when few files
    changed — those of the changed files and those with the same content anywhere in the
    deck (moves, restores, identical blocks)."""
    touched = [*reading.parsed, *gone]
    if not reading.kept or len(touched) > FEW_FILES * (len(reading.files) + len(gone)):
        return matching.keys(store, deck_id)
    index = matching.keys_of(store, deck_id, touched)
    bases = {k.base_hash for k in index}
    bases.update(c.content_hash for cards in reading.parsed.values() for c in cards)
    return list(
        {k.id: k for k in [*index, *matching.keys_like(store, deck_id, sorted(bases))]}.values()
    )
