"""Blocks → cards: one cloze card per deletion, question cards, context and hashes.

A card's content hash covers the block's normalized text and which deletion it
hides — not the file, the line or the ancestors — so reordering, re-indenting,
moving a block between files or renaming a file keeps the card's identity.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flashcards.notes.inline import (
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
from flashcards.notes.outline import Block, Note, NoteError, iter_blocks, parse_tags, read_note

CLOZE = "cloze"
BASIC = "basic"

_CARD_TAG = re.compile(r"(?<![\w#/\[])(?:#card\b(?![-/])|#?\[\[card\]\])", re.IGNORECASE)
# Folders a notes vault keeps that are not notes: Logseq's backups and trash, VCS and app state.
_SKIP_DIRS = {"bak", ".recycle", "version-files", "node_modules"}


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


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


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


def _outline(children: list[Block], markers: frozenset[str], shown: dict[int, str]) -> str:
    """The children as an indented outline, clozes resolved, for a card's back.

    `shown` remembers each block's resolved text, so a deep outline is parsed once
    however many of its ancestors are cards.
    """
    lines: list[str] = []
    for block, ancestors in iter_blocks(children):
        text = shown.get(id(block))
        if text is None:
            text = block.text
            if "{{" in text:
                text = _resolved(text, _deletions(block, text, markers))
            shown[id(block)] = text
        if not text:
            continue
        pad = "  " * len(ancestors)
        body = text.split("\n")
        lines.append(f"{pad}- {body[0]}")
        lines.extend(f"{pad}  {rest}" if rest else "" for rest in body[1:])
    return "\n".join(lines)


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


def _context(
    block: Block, ancestors: tuple[Block, ...], markers: frozenset[str], titles: dict[int, str]
) -> list[str]:
    """Headings above the outline, then the ancestors' titles, outermost first."""
    headings = ancestors[0].headings if ancestors else block.headings
    context = [t for t in (_heading_title(h, markers) for h in headings) if t]
    for ancestor in ancestors:
        title = titles.get(id(ancestor))
        if title is None:
            title = titles[id(ancestor)] = _title(ancestor, markers)
        if title:
            context.append(title)
    return context


def extract(note: Note, markers: Iterable[str] = ALL_MARKERS) -> Iterator[Card]:
    """The cards of one note, in outline order. Hashes are not yet told apart."""
    markers = frozenset(markers)
    skip_under: set[int] = set()  # ids of question-card blocks: their subtrees are answers
    titles: dict[int, str] = {}  # id(block) -> its title in context (computed once per block)
    shown: dict[int, str] = {}  # id(block) -> its text with clozes resolved, for backs
    for block, ancestors in iter_blocks(note.blocks):
        if not block.lines:
            continue
        if skip_under and any(id(a) in skip_under for a in ancestors):
            continue
        lines = block.lines
        text = lines[0] if len(lines) == 1 else "\n".join(lines).strip("\n")
        if not text or block.is_heading:
            continue
        if ("#" in text or "[[" in text) and _CARD_TAG.search(text):
            card_tags = _card_tags(block, text)
            if card_tags:
                skip_under.add(id(block))
                yield _question_card(
                    note, block, ancestors, text, card_tags, markers, titles, shown
                )
                continue

        if block.children and len(block.lines) == 1 and not block.code:
            # one parse gives the deletions and the block's title in its children's context
            deletions, plain = scan(text, markers, plain=True)
            if plain is not None:
                titles[id(block)] = _CARD_TAG.sub("", plain).strip()
        else:
            deletions = _deletions(block, text, markers)
        if not deletions:
            continue
        if (
            len(deletions) == 1
            and deletions[0].kind == STRONG
            and deletions[0].start == 0
            and deletions[0].end == len(text)
        ):
            continue  # `- **Chapter 1**` is a heading, not a card

        norm = normalize(text)
        block_hash = _digest(norm)
        tags = _tags(note, block)
        context = _context(block, ancestors, markers, titles)
        children = _outline(block.children, markers, shown)
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
        for key, hidden in groups.items():
            hidden_ids = {id(d) for d in hidden}
            others = [d for d in deletions if id(d) not in hidden_ids]
            visible = [
                (d.start, d.end, d.inner) for d in others if d.kind not in (STRONG, HIGHLIGHT)
            ]
            front = _replace(
                text,
                visible + [(d.start, d.end, f"[{d.hint}]" if d.hint else "[...]") for d in hidden],
            )
            cloze = _replace(
                text,
                visible
                + [
                    (d.start, d.end, f"{{{{c1::{d.inner}{'::' + d.hint if d.hint else ''}}}}}")
                    for d in hidden
                ],
            )
            hints = [d.hint for d in hidden if d.hint]
            yield Card(
                content_hash=_digest(CLOZE, norm, key),
                kind=CLOZE,
                source=note.path,
                line=block.line,
                context=list(context),
                answers=[d.answer for d in hidden],
                hint=hints[0] if hints else None,
                front=front,
                back=back,
                tags=list(tags),
                text=norm,
                block_hash=block_hash,
                deletion=key,
                cloze=cloze,
            )


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


def _question_card(
    note: Note,
    block: Block,
    ancestors: tuple[Block, ...],
    text: str,
    card_tags: list[tuple[int, int]],
    markers: frozenset[str],
    titles: dict[int, str],
    shown: dict[int, str],
) -> Card:
    """A `#card` / `[[card]]` block: the block is the front, its children the back."""
    norm = normalize(text)
    front_text = _replace(text, [(a, b, "") for a, b in card_tags]).strip()
    front_text = normalize(front_text) if "\n" not in front_text else front_text
    # its cloze markers are hidden; strong and highlight are emphasis in a question
    hidden = [
        d for d in _deletions(block, front_text, markers) if d.kind in (LOGSEQ_CLOZE, ANKI_CLOZE)
    ]
    front = _replace(
        front_text, [(d.start, d.end, f"[{d.hint}]" if d.hint else "[...]") for d in hidden]
    )
    resolved = _resolved(front_text, hidden)
    children = _outline(block.children, markers, shown)
    return Card(
        content_hash=_digest(BASIC, norm),
        kind=BASIC,
        source=note.path,
        line=block.line,
        context=_context(block, ancestors, markers, titles),
        answers=[],
        hint=None,
        front=front,
        back=resolved + ("\n" + children if children else ""),
        tags=_tags(note, block),
        text=norm,
        block_hash=_digest(norm),
        deletion="",
        cloze=resolved,
    )


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


def note_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """`*.md` files under the given files and folders, sorted, skipping vault internals."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                found.extend(
                    Path(root) / f
                    for f in files
                    if f.lower().endswith(".md") and not f.startswith(".")
                )
            yield from sorted(found)
        else:
            yield path


def extract_paths(
    paths: Iterable[str | Path], markers: Iterable[str] = ALL_MARKERS, workers: int = 1
) -> Extraction:
    """Read notes files and folders into cards; unreadable files become warnings.

    `workers` > 1 reads the files in that many processes (this one included) where
    that is safe — Linux, and no other thread running — and in this process
    otherwise. Cards, warnings and counts are the same either way, in the same order.
    """
    markers = frozenset(markers)
    files = list(note_files(paths))
    result = Extraction()
    with _gc_paused():
        if workers > 1 and len(files) > 1 and _can_fork():
            parts = _extract_in_processes(files, markers, workers)
        else:
            parts = [_extract_files(files, markers)]
        for part in parts:
            result.cards.extend(part.cards)
            result.warnings.extend(part.warnings)
            result.files += part.files
            result.lines += part.lines
            result.blocks += part.blocks
        disambiguate(result.cards)
    return result


def _extract_files(files: list[Path], markers: frozenset[str]) -> Extraction:
    part = Extraction()
    for path in files:
        try:
            note = read_note(path)
        except NoteError as err:
            part.warnings.append(err)
            continue
        part.files += 1
        part.lines += note.line_count
        part.blocks += note.block_count
        part.cards.extend(extract(note, markers))
    return part


def _can_fork() -> bool:
    """Forking is cheap on Linux, and safe only while no other thread holds a lock."""
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


def _extract_in_processes(
    files: list[Path], markers: frozenset[str], workers: int
) -> list[Extraction]:
    """Contiguous runs of files of about equal size: this process reads the first run,
    forked workers the others; the parts come back in file order."""
    import multiprocessing

    sizes = []
    for path in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    share = sum(sizes) / workers
    chunks: list[list[Path]] = [[]]
    filled = 0
    for path, size in zip(files, sizes, strict=True):
        if filled >= share * len(chunks) and len(chunks) < workers:
            chunks.append([])
        chunks[-1].append(path)
        filled += size
    if len(chunks) == 1:
        return [_extract_files(files, markers)]
    context = multiprocessing.get_context("fork")
    with context.Pool(len(chunks) - 1) as pool:
        pending = pool.map_async(_extract_packed, [(chunk, markers) for chunk in chunks[1:]])
        first = _extract_files(chunks[0], markers)
        packed = pending.get()
    return [first, *(_unpack(p) for p in packed)]


def _extract_packed(job: tuple[list[Path], frozenset[str]]) -> tuple:
    """In a worker: a part as plain tuples, which pickle far faster than objects."""
    part = _extract_files(*job)
    return (
        [tuple(vars(card).values()) for card in part.cards],
        [(w.path, w.line, w.reason) for w in part.warnings],
        part.files,
        part.lines,
        part.blocks,
    )


def _unpack(packed: tuple) -> Extraction:
    cards, warnings, files, lines, blocks = packed
    return Extraction(
        cards=[Card(*row) for row in cards],
        warnings=[NoteError(*w) for w in warnings],
        files=files,
        lines=lines,
        blocks=blocks,
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
