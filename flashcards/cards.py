"""Blocks → cards: one cloze card per deletion, question cards, context and hashes.

A card's content hash covers the block's normalized text and which deletion it
hides — not the file, the line or the ancestors — so reordering, re-indenting,
moving a block between files or renaming a file keeps the card's identity.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashcards.notes.inline import (
    ALL_MARKERS,
    ANKI_CLOZE,
    STRONG,
    Deletion,
    find_deletions,
    plain_text,
)
from flashcards.notes.outline import Block, Note, NoteError, iter_blocks, parse_tags, read_note

CLOZE = "cloze"
BASIC = "basic"

_CARD_TAG = re.compile(r"(?<![\w#/\[])(?:#card\b(?![-/])|#?\[\[card\]\])", re.IGNORECASE)
_FOLD = re.compile(r"\s+")
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
    return _FOLD.sub(" ", text).strip()


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
        [(d.start, d.end, d.inner) for d in deletions if d.kind not in (STRONG, "highlight")],
    )


def _outline(children: list[Block], markers: frozenset[str]) -> str:
    lines: list[str] = []
    for block, ancestors in iter_blocks(children):
        text = block.text
        if not text:
            continue
        shown = _resolved(text, _deletions(block, text, markers)) if "{{" in text else text
        pad = "  " * len(ancestors)
        body = shown.split("\n")
        lines.append(f"{pad}- {body[0]}")
        lines.extend(f"{pad}  {rest}" if rest else "" for rest in body[1:])
    return "\n".join(lines)


def _deletions(block: Block, text: str, markers: frozenset[str]) -> list[Deletion]:
    found: list[Deletion] = []
    for a, b in _prose_spans(block, text):
        segment = text[a:b]
        for d in find_deletions(segment, markers):
            if a:
                d = Deletion(d.kind, d.start + a, d.end + a, d.inner, d.answer, d.hint, d.number)
            found.append(d)
    return found


def _context(block: Block, ancestors: tuple[Block, ...], markers: frozenset[str]) -> list[str]:
    context = list(ancestors[0].headings if ancestors else block.headings)
    for ancestor in ancestors:
        first = ancestor.text.split("\n", 1)[0]
        title = plain_text(first.lstrip("#").strip() if ancestor.is_heading else first, markers)
        title = _CARD_TAG.sub("", title).strip()
        if title:
            context.append(title)
    return context


def extract(note: Note, markers: Iterable[str] = ALL_MARKERS) -> Iterator[Card]:
    """The cards of one note, in outline order. Hashes are not yet told apart."""
    markers = frozenset(markers)
    skip_under: set[int] = set()  # ids of question-card blocks: their subtrees are answers
    for block, ancestors in iter_blocks(note.blocks):
        if skip_under and any(id(a) in skip_under for a in ancestors):
            continue
        text = "\n".join(block.lines).strip("\n")
        if not text or block.is_heading:
            continue
        tags = list(note.tags)
        for tag in parse_tags(block.properties.get("tags")):
            if tag not in tags:
                tags.append(tag)
        norm = normalize(text)
        block_hash = _digest(norm)
        deletions = _deletions(block, text, markers)
        prose_card_tag = any(_CARD_TAG.search(text[a:b]) for a, b in _prose_spans(block, text))

        if prose_card_tag:
            skip_under.add(id(block))
            front_text = _CARD_TAG.sub("", text).strip()
            front_text = normalize(front_text) if "\n" not in front_text else front_text
            hidden = _deletions(block, front_text, markers)
            front = _replace(
                front_text, [(d.start, d.end, f"[{d.hint}]" if d.hint else "[...]") for d in hidden]
            )
            resolved = _resolved(front_text, hidden)
            children = _outline(block.children, markers)
            yield Card(
                content_hash=_digest(BASIC, norm),
                kind=BASIC,
                source=note.path,
                line=block.line,
                context=_context(block, ancestors, markers),
                answers=[],
                hint=None,
                front=front,
                back=resolved + ("\n" + children if children else ""),
                tags=tags,
                text=norm,
                block_hash=block_hash,
                deletion="",
                cloze=resolved,
            )
            continue

        if not deletions:
            continue
        if (
            len(deletions) == 1
            and deletions[0].kind == STRONG
            and deletions[0].start == 0
            and deletions[0].end == len(text)
        ):
            continue  # `- **Chapter 1**` is a heading, not a card

        context = None
        back = None
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
            if context is None:
                context = _context(block, ancestors, markers)
                children = _outline(block.children, markers)
                back = _resolved(text, deletions) + ("\n" + children if children else "")
            hidden_ids = {id(d) for d in hidden}
            others = [d for d in deletions if id(d) not in hidden_ids]
            shown = [
                (d.start, d.end, d.inner) for d in others if d.kind not in (STRONG, "highlight")
            ]
            front = _replace(
                text,
                shown + [(d.start, d.end, f"[{d.hint}]" if d.hint else "[...]") for d in hidden],
            )
            cloze = _replace(
                text,
                shown
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
                back=back or text,
                tags=tags,
                text=norm,
                block_hash=block_hash,
                deletion=key,
                cloze=cloze,
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


def extract_paths(paths: Iterable[str | Path], markers: Iterable[str] = ALL_MARKERS) -> Extraction:
    """Read notes files and folders into cards; unreadable files become warnings."""
    result = Extraction()
    markers = frozenset(markers)
    for path in note_files(paths):
        try:
            note = read_note(path)
        except NoteError as err:
            result.warnings.append(err)
            continue
        result.files += 1
        result.lines += note.line_count
        result.blocks += sum(1 for _ in iter_blocks(note.blocks))
        result.cards.extend(extract(note, markers))
    disambiguate(result.cards)
    return result
