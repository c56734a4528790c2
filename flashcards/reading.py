"""Reading notes files into cards, in parallel where that pays.

`extract_paths` reads files and folders into cards for a preview; `read_files`
runs a reader function over many files in this process and a forked one,
yielding results in file order as they arrive (the build uses it with its own
reader). Workers send plain tuples through an in-memory file, which pickles
far faster than objects and never waits on a full pipe.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from flashcards import gcpause
from flashcards.cards import BlockText, Card, Extraction
from flashcards.identity import disambiguate
from flashcards.notes import logseq
from flashcards.notes.by_dialect import read_text
from flashcards.notes.dialect import ReadOptions, options_for
from flashcards.notes.files import MAX_FILE_MB, Walk, note_files, read_bounded
from flashcards.notes.graph import index_of_graph
from flashcards.notes.inline import ALL_MARKERS, Deletion
from flashcards.notes.junk import ALL_RULES, Skipped
from flashcards.notes.outline import NoteError
from flashcards.notes.schedules import NotedSchedule

_Job = TypeVar("_Job", Path, tuple)  # a path, or a tuple starting with one
# Below this many files to read, forking costs more than it saves.
PARALLEL_FILES = 50
# Pieces per worker: a worker's results come a piece at a time, each as soon as it is read.
_PIECES = 8
# At most this many bytes of notes per piece: a piece's results are held whole, packed, by
# the worker that reads it and by this process as it loads them (a piece of 50,000 files'
# eighth half was ~60,000 cards: 300 MiB at the peak of each)
_PIECE_BYTES = 2_000_000


def default_workers(files: int) -> int:
    """Processes worth reading `files` notes files in: up to 2 (this one and a forked
    one) for more than PARALLEL_FILES files, where the CPUs are there."""
    if files <= PARALLEL_FILES:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(2, cpus or 1))


def extract_paths(
    paths: Iterable[str | Path],
    markers: Iterable[str] = ALL_MARKERS,
    workers: int | None = None,
    max_bytes: int | None = None,
    junk: Iterable[str] = ALL_RULES,
    dialect: str | None = None,
) -> Extraction:
    """Read notes files and folders into cards; unreadable files and folders become
    warnings. `max_bytes` caps one file's size (default `files.MAX_FILE_MB`). Each path
    is read in its dialect (detected, or `dialect`), with the `junk` rules switched on.

    `workers` > 1 reads the files in that many processes (this one included) where
    that is safe (see `read_files`), and in this process otherwise; None chooses
    (`default_workers`). Cards, warnings and counts are the same either way, in the
    same order.
    """
    walk = Walk()
    jobs: list[tuple[Path, ReadOptions]] = []
    result = Extraction()
    for path in paths:
        options = options_for(
            path,
            frozenset(markers),
            frozenset(junk),
            max_bytes or MAX_FILE_MB * 1_000_000,
            dialect,
        )
        result.warnings.extend(NoteError(*w) for w in options.warnings)
        jobs.extend((file, options) for file in note_files([path], walk))
    result.hidden = list(walk.hidden)
    # a Logseq graph's references may point anywhere in it: its index first, from all of it
    roots = {root for root in (logseq.graph_root(job[0]) for job in jobs) if root is not None}
    graphs = {root: index_of_graph(root, max_bytes) for root in sorted(roots)}
    for folder, why in walk.unreadable.items():
        result.warnings.append(
            NoteError(folder, None, f"folder cannot be read ({why}); its notes were skipped")
        )
    with gcpause.paused():
        for read in read_files(jobs, partial(_read_note_file, graphs=graphs), workers):
            if read.error is not None:
                result.warnings.append(read.error)
                continue
            result.warnings.extend(read.warnings)
            result.skipped.extend(read.skipped)
            result.files += 1
            result.lines += read.lines
            result.blocks += read.blocks
            result.cards.extend(read.cards or ())
        disambiguate(result.cards)
    return result


@dataclass
class FileRead:
    """What reading one notes file gave: its cards, or why there are none."""

    path: str
    cards: list[Card] | None = None  # None: unreadable, or its content is as already known
    lines: int = 0
    blocks: int = 0
    error: NoteError | None = None
    unreadable: bool = False  # the error is the file's (permissions...), not its content's
    size: int = 0
    mtime_ns: int = 0
    digest: str = ""  # of the bytes read, when the reader looks at them
    warnings: list[NoteError] = field(default_factory=list)  # what reading cut short
    skipped: list[Skipped] = field(default_factory=list)  # deletions the junk rules skipped
    # a Logseq graph's note: what other notes can point to in it, and what it showed of
    # theirs (entry -> its text then, None: missing)
    entries: dict[str, str] | None = None
    seen: dict[str, str | None] | None = None
    # (index in `cards`, the schedule its note writes for it): notes/schedules.py
    schedules: list[tuple[int, NotedSchedule]] = field(default_factory=list)
    # a worker's cards as it sent them, for a caller that keeps them so (`read_files`
    # with `packed`; `cards` is then None): how many, and `pack_cards` of them pickled
    packed: tuple[int, bytes] | None = None


def _read_note_file(job: tuple[Path, ReadOptions], graphs: dict[str, dict[str, str]]) -> FileRead:
    path, options = job
    shown = str(path)
    try:
        raw, _ = read_bounded(path, options.max_bytes, shown)
        root = logseq.graph_root(path)
        read = read_text(raw, shown, options, graphs.get(root) if root else None)
    except NoteError as err:
        return FileRead(shown, error=err)
    return FileRead(
        shown,
        read.cards,
        read.lines,
        read.blocks,
        warnings=read.warnings,
        skipped=read.skipped,
        entries=read.entries,
        seen=read.seen,
        schedules=read.schedules,
    )


def read_files(
    jobs: Sequence[_Job],
    read: Callable[[_Job], FileRead],
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    packed: bool = False,
) -> Iterator[FileRead]:
    """`read(job)` for each job, in job order, in up to `workers` processes (None:
    `default_workers`).

    A job is a path, or a tuple starting with one. `read` must be picklable (a module's
    function, or a `functools.partial` of one). This process reads a first run of the
    files (as many bytes as each worker reads), and its results come as they are read. Forked workers read the rest in pieces, whose
    results follow in order, each as soon as it is read — so a caller with work of its
    own to do with each result does it while the workers read on. Forking is used only
    where it is safe: on Linux with no other thread running (a build on the study app's
    worker thread reads in its own process). `progress(done)` is told about how many
    jobs are done. With `packed`, what a worker read comes as it sent it: cards in
    `FileRead.packed`, unpickled by whoever needs them (`unpack`), if anyone does.
    """
    count = default_workers(len(jobs)) if workers is None else workers
    if count > 1 and len(jobs) > 1 and _can_fork():
        share = 1 / count
        first, pieces = _split(jobs, share, pieces=_PIECES * (count - 1))
        if pieces:
            yield from _read_in_processes(
                first, pieces, read, count - 1, progress, len(jobs), packed
            )
            return
    yield from _read_all(jobs, read, progress)


def _read_in_processes(
    first: list[_Job],
    pieces: list[list[_Job]],
    read: Callable[[_Job], FileRead],
    workers: int,
    progress: Callable[[int], None] | None,
    total: int,
    keep_packed: bool = False,
) -> Iterator[FileRead]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    told = 0

    def tell(done: int) -> None:  # never backwards; a guess while this process reads
        nonlocal told
        if progress and done > told:
            told = min(done, total)
            progress(told)

    context = multiprocessing.get_context("fork")
    # the workers are forked at the first `map`, before the executor starts its thread
    pool = ProcessPoolExecutor(
        workers, context, initializer=_worker_started, initargs=(os.getpid(),)
    )
    files = _memory_files(len(pieces))
    try:
        results = pool.map(_read_packed, [(read, p, f) for p, f in zip(pieces, files, strict=True)])
        # while this process reads its run, each worker reads about as many files
        yield from _read_all(first, read, progress and (lambda d: tell(d * (workers + 1))))
        done = len(first)
        try:
            for result, file in zip(results, files, strict=True):
                packed = result if file is None else _load(file, result)
                for p in packed:
                    yield _unpack(p, keep_packed)
                done += len(packed)
                tell(done)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): what it had not sent is read here
            for piece in pieces[_piece_of(pieces, done - len(first)) :]:
                yield from _read_all(piece, read, None)
                done += len(piece)
                tell(done)
    finally:
        # pieces not started are dropped (a caller that stops early waits for one piece)
        pool.shutdown(wait=True, cancel_futures=True)
        for file in files:
            if file is not None:
                os.close(file)
    if progress:
        progress(total)


def _piece_of(pieces: list[list[_Job]], jobs_before: int) -> int:
    """The index of the piece that starts after the first `jobs_before` jobs of `pieces`."""
    for i, piece in enumerate(pieces):
        if jobs_before <= 0:
            return i
        jobs_before -= len(piece)
    return len(pieces)


def _worker_started(parent: int) -> None:
    """In a forked reader: die with the process that forked it (`parent`). A build killed
    part-way must not leave a worker reading on, or waiting for work, on its own."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):  # forking is for Linux only anyway
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _read_all(
    jobs: Sequence[_Job], read: Callable[[_Job], FileRead], progress: Callable[[int], None] | None
) -> Iterator[FileRead]:
    for i, job in enumerate(jobs):
        if progress and i % 16 == 0:
            progress(i)
        yield read(job)
    if progress:
        progress(len(jobs))


def _split(
    jobs: Sequence[_Job], first_share: float, pieces: int
) -> tuple[list[_Job], list[list[_Job]]]:
    """A first run of jobs holding about `first_share` of the files' bytes, and the rest
    in up to `pieces` contiguous runs of about equal size — more where runs would hold
    over `_PIECE_BYTES` each."""
    sizes = []
    for job in jobs:
        path = job[0] if isinstance(job, tuple) else job
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    first_end = total * first_share
    pieces = max(pieces, math.ceil((total - first_end) / _PIECE_BYTES))
    step = (total - first_end) / pieces
    runs: list[list[_Job]] = [[]]
    filled = 0
    for job, size in zip(jobs, sizes, strict=True):
        if runs[-1] and filled >= first_end + step * (len(runs) - 1) and len(runs) <= pieces:
            runs.append([])
        runs[-1].append(job)
        filled += size
    return runs[0], runs[1:]


def _can_fork() -> bool:
    """Forking is cheap on Linux, and safe only while no other thread holds a lock."""
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


def _memory_files(count: int) -> list[int | None]:
    """Anonymous in-memory files (Linux), one per piece, shared with the forked workers.

    A worker writes a piece's results there instead of sending them down the pool's
    pipe: a pipe holds 64 KiB, and a worker would wait, with a full pipe, for this
    process's result thread to get a turn at the GIL to empty it — while this process
    is busy reading files of its own (it cost a fifth of the workers' time).
    """
    if not hasattr(os, "memfd_create"):
        return [None] * count
    files: list[int | None] = []
    try:
        for _ in range(count):
            files.append(os.memfd_create("flashcards-read"))
    except OSError:
        for file in files:
            if file is not None:
                os.close(file)
        return [None] * count
    return files


def _load(file: int, size: int) -> list[tuple]:
    """A piece's results, as a worker wrote them into the memory file."""
    import pickle

    data = bytearray()
    while len(data) < size:
        chunk = os.pread(file, size - len(data), len(data))
        if not chunk:
            raise OSError(f"a reader's results are cut short ({len(data)} of {size} bytes)")
        data += chunk
    os.ftruncate(file, 0)  # its memory goes back now, not when the last piece is read
    return pickle.loads(data)


def _read_packed(
    task: tuple[Callable[[_Job], FileRead], list[_Job], int | None],
) -> list[tuple] | int:
    """In a worker: the reads as plain tuples, which pickle far faster than objects —
    into the memory file `file` when there is one, and then only their size is returned."""
    read, jobs, file = task
    out = []
    for job in jobs:
        r = read(job)
        out.append(
            (
                r.path,
                None if r.cards is None else (len(r.cards), packed_cards(r.cards)),
                r.lines,
                r.blocks,
                None if r.error is None else (r.error.path, r.error.line, r.error.reason),
                r.unreadable,
                r.size,
                r.mtime_ns,
                r.digest,
                [(w.path, w.line, w.reason) for w in r.warnings],
                [tuple(k) for k in r.skipped],
                r.entries,
                r.seen,
                r.schedules,
            )
        )
    if file is None:
        return out
    import pickle

    data = memoryview(pickle.dumps(out, pickle.HIGHEST_PROTOCOL))
    written = 0
    while written < len(data):
        written += os.pwrite(file, data[written:], written)
    return len(data)


def _unpack(packed: tuple, keep_packed: bool = False) -> FileRead:
    (
        path,
        cards,
        lines,
        blocks,
        error,
        unreadable,
        size,
        mtime_ns,
        digest,
        warnings,
        skipped,
        *graph,
    ) = packed
    kept = cards if keep_packed else None
    return FileRead(
        path,
        None if cards is None or kept else unpack(cards[1]),
        lines,
        blocks,
        None if error is None else NoteError(*error),
        unreadable,
        size,
        mtime_ns,
        digest,
        [NoteError(*w) for w in warnings],
        [Skipped(*k) for k in skipped],
        *graph,
        packed=kept,
    )


def pack_cards(cards: list[Card]) -> tuple[list[tuple], list[tuple]]:
    """A file's cards as (blocks, cards) tuples: a block's text once for its cards."""
    blocks: list[tuple] = []
    index: dict[int, int] = {}
    rows: list[tuple] = []
    for card in cards:
        b = card.block
        at = index.get(id(b))
        if at is None:
            at = index[id(b)] = len(blocks)
            marks = [tuple(d) for d in b.marks]
            blocks.append(
                (
                    b.source,
                    b.line,
                    b.body,
                    marks,
                    b.children,
                    b.context,
                    b.tags,
                    b.norm,
                    b.ancestors,
                )
            )
        rows.append(
            (
                card.content_hash,
                card.kind,
                at,
                card.hidden,
                card.answers,
                card.hint,
                card.block_hash,
                card.deletion,
                card.position,
                card.deck,
                card.dialect,
            )
        )
    return blocks, rows


def packed_cards(cards: list[Card]) -> bytes:
    """A file's cards as one compact string of bytes (`pack_cards`, pickled): what a
    worker sends, and what a build spools; `unpack` makes the cards again."""
    import pickle

    return pickle.dumps(pack_cards(cards), pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> list[Card]:
    """The cards `packed_cards` made `data` of."""
    import pickle

    return unpack_cards(pickle.loads(data))


def unpack_cards(packed: tuple[list[tuple], list[tuple]]) -> list[Card]:
    blocks, rows = packed
    shown = [
        BlockText(
            source, line, body, tuple(Deletion(*d) for d in marks), children, ctx, tags, *rest
        )
        for source, line, body, marks, children, ctx, tags, *rest in blocks
    ]
    return [Card(row[0], row[1], shown[row[2]], *row[3:]) for row in rows]
