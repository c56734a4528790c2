"""A build's first step: which notes files changed, and their cards — no lock held.

A file whose size and mtime are unchanged is not re-read, and one whose bytes
hash as before is not re-parsed: its cards stay as the collection has them.
Every file is read again when the deck's deletion markers changed, or its
cards were made by another version of the reader or with other read options
(dialect, the spaced-repetition plugin's settings, junk switches: the stored
reader key holds them all). Many files are read in two
processes (`flashcards.reading.read_files`). A file or folder that cannot be
read keeps its cards; only a file that is gone from the notes loses them.
In a Logseq graph, files are read with the graph's index (the collection's
entries of the unchanged files), and a file, changed or not, that shows an
entry whose text is now different is read again (`flashcards.notes.graph`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flashcards import cards as notes_reader
from flashcards import reading as parallel_reading
from flashcards.decks import DeckSpec
from flashcards.notes import logseq
from flashcards.notes.by_dialect import read_text
from flashcards.notes.dialect import LOGSEQ, ReadOptions
from flashcards.notes.files import Walk, note_paths, read_bounded
from flashcards.notes.graph import to_reread
from flashcards.notes.junk import Skipped
from flashcards.notes.outline import NoteError
from flashcards.notes.schedules import NotedSchedule
from flashcards.reading import FileRead, read_files
from flashcards.store.decks import SourceRecord

from .preindex import Kept, entries_of_new_files
from .spool import ParsedCards

# A file modified this close to a build may change again within its mtime's granularity
# (2 s on FAT) without changing size: its mtime is not trusted next time ("racy git").
RACY_NS = 2_000_000_000

# Notes the pre-index parsed (`preindex.entries_of_new_files`), for `read_source` to take
# instead of parsing the same bytes again: file -> its bytes and note. Each is taken once
# (its references are then resolved in it) and checked against the bytes read; what a
# build leaves is dropped when its reading ends. (A forked reader has its own copy.)
_PARSED: Kept = {}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Snapshot:
    """What a build's choice of files depends on, as the collection had it."""

    deck_id: int | None
    settings: str | None  # the deck's settings JSON
    prior: dict[str, SourceRecord]  # its files as the last build read them
    reader: str | None  # the reader version and read options of its cards (`reader_key`)
    # A Logseq graph's index as the collection has it: file -> its entries, file -> the
    # entries it shows. None: not read (a build with no file to read and none gone has no
    # use for it, and reading it was a tenth of a no-change rebuild).
    graph: dict[str, dict[str, str]] | None = None
    refs: dict[str, list[str]] | None = None
    skipped: dict[str, dict[str, int]] = field(default_factory=dict, compare=False)

    def reparse_all(self, settings: dict[str, object], reader: str) -> bool:
        """Whether every file must be read again: the markers, the reader or its
        options changed."""
        return (
            self.deck_id is None
            or json.loads(self.settings or "{}").get("deletions") != settings["deletions"]
            or self.reader != reader
        )


def reader_key(options: list[ReadOptions]) -> str:
    """The reader version and the options of a deck's notes paths: what its cards were
    made with. A build that would read with another key reads every file again."""
    keys = sorted({o.key() for o in options})
    return f"{notes_reader.READER_VERSION}:{json.dumps(keys, ensure_ascii=False)}"


@dataclass
class Reading:
    """What the notes say now."""

    files: list[str]  # the deck's notes files (absolute paths), in build order
    parsed: ParsedCards = field(default_factory=ParsedCards)  # files read: their cards
    source_rows: list[tuple[str, SourceRecord]] = field(default_factory=list)  # new records
    kept: set[str] = field(default_factory=set)  # files whose cards stay as they are
    # the Logseq files read: their entries and the entries they show, for the collection
    graph: dict[str, tuple[dict[str, str], list[str]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # (file, position, schedule) of new cards whose notes carry a schedule
    schedules: list[tuple[str, int, NotedSchedule]] = field(default_factory=list)
    read: int = 0
    lines: int = 0
    reader: str = ""  # the reader key the cards are made with (`reader_key`)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)  # file -> rule -> count
    skipped_now: list[Skipped] = field(default_factory=list)  # in the files read this time
    hidden: list[str] = field(default_factory=list)  # dot-folders left out
    dialects: dict[str, int] = field(default_factory=dict)  # dialect -> files read in it
    snapshot: Snapshot | None = None  # what the reading was based on (`read_notes`)


def read_notes(
    spec: DeckSpec,
    snap: Snapshot,
    progress: Progress | None,
    load_graph: Callable[[Snapshot], Snapshot] | None = None,
) -> Reading:
    """Read what changed in the deck's notes since `snap` (see the module docstring).
    When some file is to be read or is gone and `snap` has no graph index, `load_graph`
    gives the snapshot with it; `Reading.snapshot` is the snapshot the reading used."""
    kept: list[str] = []  # the files whose pre-index notes wait in _PARSED
    try:
        return _read_notes(spec, snap, progress, load_graph, kept)
    finally:
        for key in kept:  # not taken (a file that changed meanwhile, an interrupted read)
            _PARSED.pop(key, None)


def _read_notes(
    spec: DeckSpec,
    snap: Snapshot,
    progress: Progress | None,
    load_graph: Callable[[Snapshot], Snapshot] | None,
    kept: list[str],
) -> Reading:
    racy_after = time.time_ns() - RACY_NS
    settings = spec.settings.to_json()
    prior = snap.prior
    where = spec.path or spec.name
    present = []
    warnings: list[str] = []
    for notes in spec.notes:
        if Path(notes).exists():
            present.append(notes)
        else:
            warnings.append(
                f"{where}: notes path {notes} does not exist; fix the deck's 'notes:' list "
                "(its cards are retired until it is back)"
            )
    walk = Walk()
    files: list[str] = []
    options_of: dict[str, ReadOptions] = {}
    used: list[ReadOptions] = []
    for notes in present:
        options = spec.read_options(notes)
        used.append(options)
        warnings.extend(str(NoteError(*w)) for w in options.warnings)
        for path in note_paths([notes], walk):
            if path not in options_of:
                options_of[path] = options
                files.append(path)
    reader = reader_key(used)
    reparse_all = snap.reparse_all(settings, reader)
    out = Reading(files, warnings=warnings, reader=reader, hidden=list(walk.hidden))
    # what the junk rules skipped in files not read again is as the last build found it
    out.skipped = {key: counts for key, counts in snap.skipped.items() if key in options_of}
    # a folder that could not be listed: its files are not gone, just unseen this time
    unseen = [os.path.abspath(d).rstrip(os.sep) + os.sep for d in walk.unreadable]
    for folder, why in sorted(walk.unreadable.items()):
        warnings.append(
            f"{folder}: folder cannot be read ({why}); check its permissions — the cards of "
            "its notes are kept as they were"
        )
    if unseen:
        out.kept = {key for key in prior if key.startswith(tuple(unseen))}

    def keep(key: str, record: SourceRecord | None) -> None:
        if record is not None:
            out.kept.add(key)
            if record != prior.get(key):
                out.source_rows.append((key, record))

    def keep_unread(key: str) -> None:
        """A file that could not be read keeps its cards. When every file was to be read
        again (new markers, new reader), its record is made stale so the next build reads
        it, however unchanged its size and mtime then are."""
        old = prior.get(key)
        keep(key, SourceRecord(old.size, 0, "") if old and reparse_all else old)

    unreadable: dict[str, str] = {}
    present_keys = set(files)
    # what the files read are shown of the others: the entries the collection has
    index: dict[str, str] = {}
    jobs: list[tuple[str, str | None, ReadOptions, dict[str, str]]] = []
    stat = os.stat
    for key in files:
        old = prior.get(key)
        try:
            st = stat(key)
        except OSError as exc:
            unreadable[key] = f"cannot be read ({exc.strerror or exc})"
            continue
        if old and not reparse_all and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
            continue
        jobs.append((key, old.digest if old and not reparse_all else None, options_of[key], index))
    if snap.graph is None and load_graph and (jobs or not present_keys.issuperset(prior)):
        snap = load_graph(snap)
    out.snapshot = snap
    graph, refs = snap.graph or {}, snap.refs or {}
    if jobs and graph and any(logseq.graph_root(p) for p in files):
        for source, found in graph.items():
            if source in present_keys:
                index.update(found)
    _index_new_files(jobs, graph, refs, index, kept)
    skipped = len(files) - len(jobs)

    def reading(done: int) -> None:
        assert progress is not None
        progress(skipped + done, len(files))

    if progress:
        progress(0, len(files))
    # a worker's cards stay as it sent them, bytes, until the write reads them
    reads = iter(read_files(jobs, read_source, progress=reading if progress else None, packed=True))
    seen: dict[str, dict[str, str | None]] = {}  # the Logseq files read: the entries they show
    to_read = {job[0] for job in jobs}
    for key in files:  # each file's outcome, in file order (as its warnings are reported)
        if key not in to_read:
            if key in unreadable:
                warnings.append(
                    f"{key}: {unreadable[key]}; check its permissions — its cards are kept "
                    "as they were"
                )
                keep_unread(key)
            else:
                keep(key, prior.get(key))
            continue
        result = next(reads)
        if result.error is not None:
            fix = "check its permissions — " if result.unreadable else ""
            warnings.append(f"{result.error}; {fix}its cards are kept as they were")
            keep_unread(key)
            continue
        # 0 never equals a real mtime: a racy file is hashed again next time
        mtime = result.mtime_ns if result.mtime_ns < racy_after else 0
        record = SourceRecord(result.size, mtime, result.digest)
        if result.cards is None and result.packed is None:
            keep(key, record)  # touched, not changed
            continue
        out.read += 1
        out.lines += result.lines
        dialect = options_of[key].dialect
        out.dialects[dialect] = out.dialects.get(dialect, 0) + 1
        warnings.extend(str(w) for w in result.warnings)
        out.skipped_now.extend(result.skipped)
        counts: dict[str, int] = {}
        for k in result.skipped:
            counts[k.rule] = counts.get(k.rule, 0) + 1
        if counts:
            out.skipped[key] = counts
        else:
            out.skipped.pop(key, None)
        if result.packed is not None:
            out.parsed.put(key, *result.packed)
        else:
            assert result.cards is not None
            out.parsed[key] = result.cards
        # a card's position is its index in its file's cards (`read_source`)
        out.schedules.extend((key, i, s) for i, s in result.schedules)
        out.source_rows.append((key, record))
        if result.entries is not None:
            out.graph[key] = (result.entries, sorted(result.seen or ()))
            seen[key] = result.seen or {}
    next(reads, None)  # the reader finishes: its last progress, its worker gone
    if graph or out.graph:
        _follow_references(graph, refs, out, seen, options_of)
    return out


def _index_new_files(
    jobs: list[tuple[str, str | None, ReadOptions, dict[str, str]]],
    graph: dict[str, dict[str, str]],
    refs: dict[str, list[str]],
    index: dict[str, str],
    kept: list[str],
) -> None:
    """Add to `index` the entries of the Logseq files to read that no build has read yet
    (`flashcards.build.preindex`), so that files showing them are not read twice; the
    notes it parsed wait in `_PARSED` for their reading (their files added to `kept`) —
    when the reading runs in this process alone: a forked reader would hold a copy of
    them all (twice the memory) for the half of the files it reads."""
    new = []
    for path, _known, options, _index in jobs:
        if options.dialect == LOGSEQ and path not in graph:
            root = logseq.graph_root(path)
            if root is not None:
                new.append((path, root, options.max_bytes))
    if new:
        shown = [key for keys in refs.values() for key in keys]
        parsed: Kept | None = {} if parallel_reading.default_workers(len(jobs)) == 1 else None
        index.update(entries_of_new_files(new, shown, parsed))
        if parsed is None:
            return
        _PARSED.update(parsed)
        kept.extend(parsed)


def _follow_references(
    graph: dict[str, dict[str, str]],
    refs: dict[str, list[str]],
    out: Reading,
    seen: dict[str, dict[str, str | None]],
    options_of: dict[str, ReadOptions],
) -> None:
    """Read again the files that show an entry whose text is not what they showed:
    files read with an entry of another changed file as it was, and unchanged files
    showing an entry that changed."""
    shown_before: dict[str, str] = {}  # the index as the last build left it
    for found in graph.values():
        shown_before.update(found)
    index: dict[str, str] = {}  # the index now
    for source, found in graph.items():
        if source in out.kept and source not in out.parsed:
            index.update(found)
    for found, _ in out.graph.values():
        index.update(found)
    for key in out.kept - set(out.parsed):
        if key in refs:
            seen[key] = {ref: shown_before.get(ref) for ref in refs[key]}
    for key in to_reread(index, seen.items()):
        if key not in options_of:
            continue  # no longer one of the deck's files
        result = read_source((key, None, options_of[key], index))
        if result.error is not None or result.cards is None:
            continue  # its cards stay as they were; its own warning came with its first read
        if key in out.kept:
            out.kept.discard(key)
            out.read += 1
            out.lines += result.lines
        out.parsed[key] = result.cards
        out.graph[key] = (result.entries or {}, sorted(result.seen or ()))


def read_source(job: tuple[str | Path, str | None, ReadOptions, dict[str, str]]) -> FileRead:
    """Read one notes file of a deck: its cards, numbered in outline order — or, when its
    bytes hash to `known` (touched, not changed), no cards. A Logseq graph's file shows
    references from `index` and its own entries. Runs in a forked worker for big builds:
    it returns plain data and touches no collection."""
    path, known, options, index = job
    key = str(path)
    try:
        raw, st = read_bounded(path, options.max_bytes, key)
    except NoteError as err:
        return FileRead(key, error=err, unreadable=err.unreadable)
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if digest == known:
        return FileRead(key, size=st.st_size, mtime_ns=st.st_mtime_ns, digest=digest)
    kept = _PARSED.pop(key, None) if _PARSED else None
    try:
        read = read_text(raw, key, options, index, kept[1] if kept and kept[0] == raw else None)
    except NoteError as err:
        return FileRead(key, error=err)
    for position, card in enumerate(read.cards):
        card.position = position
    return FileRead(
        key,
        read.cards,
        read.lines,
        read.blocks,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        digest=digest,
        warnings=read.warnings,
        skipped=read.skipped,
        entries=read.entries,
        seen=read.seen,
        schedules=read.schedules,
    )
