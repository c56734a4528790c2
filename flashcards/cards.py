"""Blocks → cards: one cloze card per deletion, question cards, context and hashes.

A card's content hash covers the block's normalized text and which deletion it
hides — not the file, the line or the ancestors — so reordering, re-indenting,
moving a block between files or renaming a file keeps the card's identity.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TypeVar

from flashcards.notes.files import Walk, note_files
from flashcards.notes.inline import (
    _TRIGGERS,
    ALL_MARKERS,
    ANKI_CLOZE,
    HIGHLIGHT,
    LOGSEQ_CLOZE,
    STRONG,
    Deletion,
    code_spans,
    find_deletions,
    plain_text,
    scan,
)
from flashcards.notes.outline import Block, Note, NoteError, parse_tags, read_note

CLOZE = "cloze"
BASIC = "basic"

# The version of what reading notes makes of them. Bump it with any change that gives
# the same notes different cards (text, fronts, backs, context, answers, hashes): a
# build then reads every file of a deck again, once, instead of trusting the cards an
# older reader made of files that did not change.
READER_VERSION = 1

# Bounds on what one block gives (a hostile or generated note must not exhaust memory)
MAX_CONTEXT = 32  # breadcrumb entries
MAX_DELETIONS = 200  # deletions of one block that make cards; the rest stay text
MAX_BACK_DEPTH = 12  # levels of children on a card's back
MAX_BACK_CHARS = 20_000  # characters of children on a card's back

_CARD_TAG = re.compile(r"(?<![\w#/\[])(?:#card\b(?![-/])|#?\[\[card\]\])", re.IGNORECASE)


@dataclass
class Card:
    content_hash: str
    kind: str  # CLOZE or BASIC
    source: str
    line: int
    context: list[str]
    answers: list[str]
    hint: str | None
    front: str
    back: str
    tags: list[str]
    text: str  # the block's normalized text, for matching edited cards
    block_hash: str  # cards of one block are siblings
    deletion: str  # which deletion this card hides, e.g. 'learning#0' or 'c1'
    cloze: str  # the block in Anki cloze syntax, this card's deletion as c1
    position: int = 0  # outline order within its deck

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.content_hash,
            "content_hash": self.content_hash,
            "kind": self.kind,
            "source": self.source,
            "line": self.line,
            "context": list(self.context),
            "answers": list(self.answers),
            "hint": self.hint,
            "front": self.front,
            "back": self.back,
            "tags": list(self.tags),
        }


@dataclass
class Extraction:
    cards: list[Card] = field(default_factory=list)
    warnings: list[NoteError] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    blocks: int = 0


def normalize(text: str) -> str:
    """Whitespace folded to single spaces (what `\\s+` → ' ' and strip give, faster)."""
    return " ".join(text.split())


def _digest(*parts: str, _blake2b=hashlib.blake2b) -> str:  # bound once: a card makes two
    return _blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def _prose_spans(block: Block, text: str) -> list[tuple[int, int]]:
    """Character ranges of `text` outside fenced code."""
    if not block.code:
        return [(0, len(text))]
    starts = [0]
    for line in block.lines:
        starts.append(starts[-1] + len(line) + 1)
    spans: list[tuple[int, int]] = []
    at = 0
    for first, end in block.code:
        spans.append((at, max(at, starts[first] - 1)))
        at = min(len(text), starts[min(end, len(block.lines))])
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    at = 0
    for start, end, new in sorted(edits):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


def _resolved(text: str, deletions: list[Deletion]) -> str:
    """The text with cloze syntax replaced by what it hides (strong/highlight stay)."""
    return _replace(
        text,
        [(d.start, d.end, d.inner) for d in deletions if d.kind not in (STRONG, HIGHLIGHT)],
    )


def _masked(text: str, deletions: list[Deletion], hidden: list[Deletion]) -> tuple[str, str]:
    """A card's front and its Anki cloze text: the `hidden` deletions shown as `[...]` (or
    `[hint]`) and as `{{c1::answer::hint}}`, the other clozes resolved, strong and highlight
    kept. `deletions` are in text order and do not overlap (as `find_deletions` gives them)."""
    if len(deletions) == 1:  # most blocks: one deletion, hidden
        d = deletions[0]
        head, tail = text[: d.start], text[d.end :]
        return (
            f"{head}[{d.hint or '...'}]{tail}",
            f"{head}{{{{c1::{d.inner}{'::' + d.hint if d.hint else ''}}}}}{tail}",
        )
    front: list[str] = []
    cloze: list[str] = []
    at = 0
    for d in deletions:
        if any(d is h for h in hidden):
            kept = text[at : d.start]
            front.append(f"{kept}[{d.hint or '...'}]")
            cloze.append(f"{kept}{{{{c1::{d.inner}{'::' + d.hint if d.hint else ''}}}}}")
        elif d.kind not in (STRONG, HIGHLIGHT):
            kept = text[at : d.start]
            front.append(kept + d.inner)
            cloze.append(kept + d.inner)
        else:
            continue  # strong and highlight of other cards stay as written
        at = d.end
    front.append(text[at:])
    cloze.append(text[at:])
    return "".join(front), "".join(cloze)


def _deletions(block: Block, text: str, markers: frozenset[str]) -> list[Deletion]:
    if not block.code:
        return find_deletions(text, markers)
    found: list[Deletion] = []
    for a, b in _prose_spans(block, text):
        segment = text[a:b]
        for d in find_deletions(segment, markers):
            if a:
                d = Deletion(d.kind, d.start + a, d.end + a, d.inner, d.answer, d.hint, d.number)
            found.append(d)
    return found


def _title(block: Block, markers: frozenset[str]) -> str:
    """A block as one entry of its descendants' context: its first line, plain."""
    first = next((line for line in block.lines if line), "")
    title = plain_text(first.lstrip("#").strip() if block.is_heading else first, markers)
    return _CARD_TAG.sub("", title).strip()


@lru_cache(maxsize=4096)
def _heading_title(heading: str, markers: frozenset[str]) -> str:
    """A Markdown heading as context: plain text (headings repeat on every card under them)."""
    return plain_text(heading, markers)


class _NoteReader:
    """Cards of one note. Remembers what it works out about each block — its deletions,
    its title in context, the context of its children, its subtree as an outline — so
    none of it is worked out twice, however many cards and ancestors share it."""

    def __init__(self, note: Note, markers: frozenset[str]) -> None:
        self.note = note
        self.markers = markers
        self.found: dict[int, tuple[list[Deletion], str | None]] = {}  # id(block) -> scan
        self.titles: dict[int, str] = {}  # id(block) -> its title in its children's context
        self.contexts: dict[int, list[str]] = {}  # id(block) -> its children's context
        self.outlines: dict[int, str] = {}  # id(block) -> its children as a back shows them
        self.warnings: list[NoteError] = []  # what was cut short, with the line
        self.deep_warned = False

    def cards(self, block: Block, ancestors: tuple[Block, ...]) -> tuple[list[Card], bool]:
        """The block's cards, and whether it is a question card (its subtree is its back)."""
        lines = block.lines
        if not lines:
            return [], False
        text = lines[0] if len(lines) == 1 else "\n".join(lines).strip("\n")
        if not text or block.is_heading:
            return [], False
        if ("#" in text or "[[" in text) and _CARD_TAG.search(text):
            card_tags = _card_tags(block, text)
            if card_tags:
                return [self.question_card(block, ancestors, text, card_tags)], True
        if not _TRIGGERS.search(text):
            return [], False  # no marker: no deletion (most blocks)

        found = self.found.pop(id(block), None) or self.scan(block, text)
        deletions, plain = found
        if plain is not None:
            self.titles[id(block)] = _CARD_TAG.sub("", plain).strip()
        if not deletions:
            return [], False
        if len(deletions) > MAX_DELETIONS:
            self.warn(
                block.line,
                f"has {len(deletions)} deletions; the first {MAX_DELETIONS} make cards, "
                "the rest are kept as text",
            )
            deletions = deletions[:MAX_DELETIONS]
        if (
            len(deletions) == 1
            and deletions[0].kind == STRONG
            and deletions[0].start == 0
            and deletions[0].end == len(text)
        ):
            return [], False  # `- **Chapter 1**` is a heading, not a card

        norm = normalize(text)
        block_hash = _digest(norm)
        tags = _tags(self.note, block)
        context = self.context(block, ancestors)
        children = self.outline(block)
        back = _resolved(text, deletions) + ("\n" + children if children else "")
        groups: dict[str, list[Deletion]] = {}
        seen_answers: dict[str, int] = {}
        for d in deletions:
            if d.kind == ANKI_CLOZE:
                key = f"c{d.number}"
            else:
                n = seen_answers.get(d.answer, 0)
                seen_answers[d.answer] = n + 1
                key = f"{d.answer}#{n}"
            groups.setdefault(key, []).append(d)
        cards: list[Card] = []
        source, line = self.note.path, block.line
        for key, hidden in groups.items():
            front, cloze = _masked(text, deletions, hidden)
            hint = next((d.hint for d in hidden if d.hint), None)
            cards.append(
                Card(
                    content_hash=_digest(CLOZE, norm, key),
                    kind=CLOZE,
                    source=source,
                    line=line,
                    context=list(context),
                    answers=[d.answer for d in hidden],
                    hint=hint,
                    front=front,
                    back=back,
                    tags=list(tags),
                    text=norm,
                    block_hash=block_hash,
                    deletion=key,
                    cloze=cloze,
                )
            )
        return cards, False

    def scan(self, block: Block, text: str) -> tuple[list[Deletion], str | None]:
        """The block's deletions, and its plain text when the same parse gives it."""
        if block.children and len(block.lines) == 1 and not block.code:
            # one parse gives the deletions and the block's title in its children's context
            return scan(text, self.markers, plain=True)
        return _deletions(block, text, self.markers), None

    def context(self, block: Block, ancestors: tuple[Block, ...]) -> list[str]:
        """Headings above the outline, then the ancestors' titles, outermost first.

        At most MAX_CONTEXT entries: deeper down, the outermost one, `…`, and the
        innermost ones (a 3,000-level outline must not give every card 3,000 crumbs).
        """
        if not ancestors:
            return [t for t in (_heading_title(h, self.markers) for h in block.headings) if t]
        parent = ancestors[-1]
        context = self.contexts.get(id(parent))
        if context is None:
            above = self.contexts.get(id(ancestors[-2])) if len(ancestors) > 1 else None
            if above is not None:  # the grandparent's context, one title longer
                title = self._title_of(parent)
                context = [*above, title] if title else list(above)
            else:
                headings = ancestors[0].headings
                context = [t for t in (_heading_title(h, self.markers) for h in headings) if t]
                for ancestor in ancestors:
                    title = self._title_of(ancestor)
                    if title:
                        context.append(title)
            if len(context) > MAX_CONTEXT:
                if not self.deep_warned:
                    self.deep_warned = True
                    self.warn(
                        block.line,
                        f"blocks are nested more than {MAX_CONTEXT} levels deep; their cards' "
                        f"context shows the outermost and the {MAX_CONTEXT - 2} innermost",
                    )
                context = [context[0], "…", *context[-(MAX_CONTEXT - 2) :]]
            self.contexts[id(parent)] = context
        return context

    def _title_of(self, block: Block) -> str:
        title = self.titles.get(id(block))
        if title is None:
            title = self.titles[id(block)] = _title(block, self.markers)
        return title

    def warn(self, line: int, reason: str) -> None:
        self.warnings.append(NoteError(self.note.path, line, reason))

    def outline(self, block: Block) -> str:
        """The block's children as an indented outline, clozes resolved, for a card's back.

        Bounded: MAX_BACK_DEPTH levels and MAX_BACK_CHARS characters, then `…` — a
        card's back is read, not scrolled for ever, and a deep outline must not make
        every ancestor's back hold all of it. One walk per block, without recursion.
        """
        if not block.children:
            return ""
        cached = self.outlines.get(id(block))
        if cached is not None:
            return cached
        lines: list[str] = []
        size = 0
        stack = [(child, 0) for child in reversed(block.children)]
        while stack:
            node, depth = stack.pop()
            pad = "  " * depth
            if depth >= MAX_BACK_DEPTH or size >= MAX_BACK_CHARS:
                lines.append(f"{pad}- …")
                break
            text = self.shown(node)
            if text:
                first, *rest = text.split("\n")
                lines.append(f"{pad}- {first}")
                lines.extend(f"{pad}  {line}" if line else "" for line in rest)
                size += len(text) + len(pad) + 2
            stack.extend((c, depth + 1) for c in reversed(node.children))
        outline = self.outlines[id(block)] = "\n".join(lines)
        return outline

    def shown(self, block: Block) -> str:
        """A block's text on its ancestors' backs: clozes resolved."""
        text = block.text
        if "{{" in text:
            # the block's own visit comes later (outline order) and reuses this parse
            found = self.found[id(block)] = self.scan(block, text)
            text = _resolved(text, found[0])
        return text

    def question_card(
        self,
        block: Block,
        ancestors: tuple[Block, ...],
        text: str,
        card_tags: list[tuple[int, int]],
    ) -> Card:
        """A `#card` / `[[card]]` block: the block is the front, its children the back."""
        markers = self.markers
        norm = normalize(text)
        front_text = _replace(text, [(a, b, "") for a, b in card_tags]).strip()
        front_text = normalize(front_text) if "\n" not in front_text else front_text
        # its cloze markers are hidden; strong and highlight are emphasis in a question
        hidden = [
            d
            for d in _deletions(block, front_text, markers)
            if d.kind in (LOGSEQ_CLOZE, ANKI_CLOZE)
        ]
        front = _replace(
            front_text, [(d.start, d.end, f"[{d.hint}]" if d.hint else "[...]") for d in hidden]
        )
        resolved = _resolved(front_text, hidden)
        children = self.outline(block)
        return Card(
            content_hash=_digest(BASIC, norm),
            kind=BASIC,
            source=self.note.path,
            line=block.line,
            context=list(self.context(block, ancestors)),
            answers=[],
            hint=None,
            front=front,
            back=resolved + ("\n" + children if children else ""),
            tags=_tags(self.note, block),
            text=norm,
            block_hash=_digest(norm),
            deletion="",
            cloze=resolved,
        )


def extract(
    note: Note, markers: Iterable[str] = ALL_MARKERS, warnings: list[NoteError] | None = None
) -> Iterator[Card]:
    """The cards of one note, in outline order. Hashes are not yet told apart.

    What had to be cut short (deep nesting, too many deletions) is added to `warnings`.
    """
    reader = _NoteReader(note, frozenset(markers))
    if warnings is not None:
        reader.warnings = warnings
    # depth first, in outline order, without recursion; a question card's subtree is its
    # back and makes no cards of its own
    stack: list[tuple[Block, tuple[Block, ...]]] = [(b, ()) for b in reversed(note.blocks)]
    while stack:
        block, ancestors = stack.pop()
        cards, question = reader.cards(block, ancestors)
        if cards:
            yield from cards
        if block.children and not question:
            inner = (*ancestors, block)
            stack.extend([(c, inner) for c in reversed(block.children)])


def _card_tags(block: Block, text: str) -> list[tuple[int, int]]:
    """Where the block is tagged `#card` / `[[card]]`: in its prose, not in any code."""
    found: list[tuple[int, int]] = []
    for a, b in _prose_spans(block, text):
        segment = text[a:b]
        matches = [(m.start(), m.end()) for m in _CARD_TAG.finditer(segment)]
        if matches and "`" in segment:
            code = code_spans(segment)
            matches = [m for m in matches if not any(s <= m[0] < e for s, e in code)]
        found.extend((start + a, end + a) for start, end in matches)
    return found


def _tags(note: Note, block: Block) -> list[str]:
    tags = list(note.tags)
    if "tags" in block.properties:
        for tag in parse_tags(block.properties["tags"]):
            if tag not in tags:
                tags.append(tag)
    return tags


def disambiguate(cards: list[Card]) -> list[Card]:
    """Tell identical blocks of one deck apart by their order; number positions."""
    seen: dict[str, int] = {}
    blocks: dict[tuple[str, str], str] = {}
    for position, card in enumerate(cards):
        card.position = position
        n = seen.get(card.content_hash, 0)
        seen[card.content_hash] = n + 1
        if n:
            card.content_hash = _digest(card.content_hash, str(n))
            # siblings of a repeated block stay together, apart from the first copy
            card.block_hash = blocks.setdefault(
                (card.block_hash, str(n)), _digest(card.block_hash, str(n))
            )
    return cards


_Job = TypeVar("_Job", Path, tuple)  # a path, or a tuple starting with one
# Below this many files to read, forking costs more than it saves.
PARALLEL_FILES = 50
# Pieces per worker: a worker's results come a piece at a time, each as soon as it is read.
_PIECES = 8


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
) -> Extraction:
    """Read notes files and folders into cards; unreadable files and folders become
    warnings. `max_bytes` caps one file's size (default `files.MAX_FILE_MB`).

    `workers` > 1 reads the files in that many processes (this one included) where
    that is safe (see `read_files`), and in this process otherwise; None chooses
    (`default_workers`). Cards, warnings and counts are the same either way, in the
    same order.
    """
    walk = Walk()
    files = list(note_files(paths, walk))
    result = Extraction()
    for folder, why in walk.unreadable.items():
        result.warnings.append(
            NoteError(folder, None, f"folder cannot be read ({why}); its notes were skipped")
        )
    with _gc_paused():
        for read in read_files(
            files,
            partial(_read_note_file, markers=frozenset(markers), max_bytes=max_bytes),
            workers,
        ):
            if read.error is not None:
                result.warnings.append(read.error)
                continue
            result.warnings.extend(read.warnings)
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


def _read_note_file(path: Path, markers: frozenset[str], max_bytes: int | None = None) -> FileRead:
    try:
        note = read_note(path, max_bytes=max_bytes)
    except NoteError as err:
        return FileRead(str(path), error=err)
    warnings: list[NoteError] = []
    cards = list(extract(note, markers, warnings))
    return FileRead(str(path), cards, note.line_count, note.block_count, warnings=warnings)


def read_files(
    jobs: Sequence[_Job],
    read: Callable[[_Job], FileRead],
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    first_share: float | None = None,
) -> Iterator[FileRead]:
    """`read(job)` for each job, in job order, in up to `workers` processes (None:
    `default_workers`).

    A job is a path, or a tuple starting with one. `read` must be picklable (a module's
    function, or a `functools.partial` of one). This process reads a first run of the
    files, its share of their bytes (`first_share`; by default as much as each worker),
    and its results come as they are read. Forked workers read the rest in pieces, whose
    results follow in order, each as soon as it is read — so a caller with work of its
    own to do with each result does it while the workers read on. Forking is used only
    where it is safe: on Linux with no other thread running (a build on the study app's
    worker thread reads in its own process). `progress(done)` is told about how many
    jobs are done.
    """
    count = default_workers(len(jobs)) if workers is None else workers
    if count > 1 and len(jobs) > 1 and _can_fork():
        share = 1 / count if first_share is None else first_share
        first, pieces = _split(jobs, share, pieces=_PIECES * (count - 1))
        if pieces:
            yield from _read_in_processes(first, pieces, read, count - 1, progress, len(jobs))
            return
    yield from _read_all(jobs, read, progress)


def _read_in_processes(
    first: list[_Job],
    pieces: list[list[_Job]],
    read: Callable[[_Job], FileRead],
    workers: int,
    progress: Callable[[int], None] | None,
    total: int,
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
                    yield _unpack(p)
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
    in up to `pieces` contiguous runs of about equal size."""
    sizes = []
    for job in jobs:
        path = job[0] if isinstance(job, tuple) else job
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    first_end = total * first_share
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
                None if r.cards is None else [tuple(vars(card).values()) for card in r.cards],
                r.lines,
                r.blocks,
                None if r.error is None else (r.error.path, r.error.line, r.error.reason),
                r.unreadable,
                r.size,
                r.mtime_ns,
                r.digest,
                [(w.path, w.line, w.reason) for w in r.warnings],
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


def _unpack(packed: tuple) -> FileRead:
    path, cards, lines, blocks, error, unreadable, size, mtime_ns, digest, warnings = packed
    return FileRead(
        path,
        None if cards is None else [Card(*row) for row in cards],
        lines,
        blocks,
        None if error is None else NoteError(*error),
        unreadable,
        size,
        mtime_ns,
        digest,
        [NoteError(*w) for w in warnings],
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading a vault.

    Blocks, tokens and cards form no reference cycles, so reference counting frees
    them all; the collector would only re-scan the growing heap again and again
    (it took about a third of the time on a 200,000-line vault).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
