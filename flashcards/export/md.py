"""Export one deck as an outline Markdown file that builds back into the same cards.

A card's content hash covers its block's normalized text and which deletion
it hides, so the file writes every block that makes cards exactly once, in
outline order (identical blocks keep their order, and so their numbering):

- the block's own lines, as the notes had them, when its back holds them
  (blocks with `{{cloze}}` / `{{c1::}}` markers keep only their normalized text,
  on one line — the same hash, since the hash folds whitespace anyway);
- its tags as a `tags::` block property;
- its children (the card's back extra) nested under it; children that make
  cards of their own are written from their own text at that place;
- its context (headings and ancestor blocks) as Markdown headings, and below
  six levels as `- **title**` bullets, which make no cards.

YAML front matter says where the file came from (deck, description, export
time, card count, source, deletions). `flashcards build exported.md` gives the
same content hashes when the deck used every deletion marker; a deck with
markers switched off needs a deck spec with the same `deletions:`, and one whose
Logseq notes write highlights `^^x^^` (kept as written) one with `dialect: logseq`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from flashcards.cards import extract, normalize
from flashcards.clock import iso_utc
from flashcards.export.job import ExportCard, ExportDeck, ExportJob, Progress
from flashcards.export.render import open_fence
from flashcards.notes.inline import (
    ALL_MARKERS,
    ANKI_CLOZE,
    LOGSEQ_CLOZE,
    find_deletions,
)

# The outline reader's own patterns: the export must read back exactly as it parses.
from flashcards.notes.outline import Block, is_property_line, parse_note

HEADING_LEVELS = 6
# ASCII punctuation, which CommonMark lets a backslash make literal
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Logseq `{{cloze answer \\ cue}}` and Anki `{{c1::answer::hint}}`, found quickly
_CLOZE = re.compile(r"\{\{cloze[ \t]+(.*?)\}\}|\{\{c(\d{1,3})::(.*?)\}\}", re.DOTALL)
# The whitespace runs _restore_lines must look at: those holding a line break, and those
# that folding to one space shortens (a run of one other character folds in place).
_FOLDED = re.compile(r"\s{2,}|\n")
# Text without these makes no card, so it need not be run through the extractor.
_MAY_MAKE_CARDS = re.compile(r"\*\*|__|==|\{\{|card", re.IGNORECASE)


@dataclass
class _Block:
    """A block that makes cards: the siblings it makes and how to write it."""

    cards: list[ExportCard]
    lines: list[str]  # the block's text to write, first line after the bullet
    children: str  # the outline of its children, as its back shows them
    key: str  # the block as its ancestors' backs show it (clozes resolved), normalized
    unclosed: bool = False  # its text ends inside fenced code (it swallowed its file's rest)

    @property
    def first(self) -> ExportCard:
        return self.cards[0]

    @property
    def is_question(self) -> bool:
        return self.first.kind == "basic"


def _cloze_spans(
    text: str, markers: frozenset[str], exact: bool
) -> list[tuple[int, int, str, int]]:
    """(start, end, answer as written, where the answer starts) of each cloze marker.

    Quick: the reader's own patterns, by regex. Exact: markdown-it, as the reader
    decides (a marker in a code span, or inside a strong span, is no cloze). Callers
    check the quick result against the card's back and fall back to exact.
    """
    if "{{" not in text:
        return []
    spans: list[tuple[int, int, str, int]] = []
    if exact:
        for d in find_deletions(text, markers):
            if d.kind in (LOGSEQ_CLOZE, ANKI_CLOZE):
                # the answer sits after '{{c1::' or '{{cloze'
                begin = text.find("::", d.start) + 2 if d.kind == ANKI_CLOZE else d.start + 7
                spans.append((d.start, d.end, d.inner, text.find(d.inner, begin, d.end)))
        return spans
    logseq, anki = LOGSEQ_CLOZE in markers, ANKI_CLOZE in markers
    for m in _CLOZE.finditer(text):
        if m.group(1) is not None and logseq:
            inner = m.group(1).partition("\\\\")[0].strip()
            spans.append((m.start(), m.end(), inner, text.find(inner, m.start(1), m.end())))
        elif m.group(3) is not None and anki:
            spans.append((m.start(), m.end(), m.group(3).partition("::")[0], m.start(3)))
    return spans


def _unclozed(text: str, spans: list[tuple[int, int, str, int]]) -> str:
    """The text with its cloze markers replaced by their answers."""
    out, at = [], 0
    for start, end, inner, _ in spans:
        out.append(text[at:start])
        out.append(inner)
        at = end
    out.append(text[at:])
    return "".join(out)


def _restore_lines(own: str, text: str, markers: frozenset[str]) -> str | None:
    """The block as written — `text` (normalized, with its cloze markers) with the line
    breaks and indentation of `own` (its lines as the back shows them, clozes resolved).
    None when they do not line up."""
    wanted = normalize(own)
    for exact in (False, True):
        spans = _cloze_spans(text, markers, exact)
        if all(s[3] >= 0 for s in spans) and _unclozed(text, spans) == wanted:
            break
    else:
        return None
    # pieces of `text` that the resolved text shows: (start there, start in text, length)
    segments: list[tuple[int, int, int]] = []
    shown = at = 0
    for start, end, inner, inner_at in spans:
        segments.append((shown, at, start - at))
        shown += start - at
        segments.append((shown, inner_at, len(inner)))
        shown += len(inner)
        at = end
    segments.append((shown, at, len(text) - at))
    pieces: list[str] = []
    last = seg = folded = 0
    for m in _FOLDED.finditer(own.strip()):
        if "\n" not in m.group():
            folded += len(m.group()) - 1
            continue
        p = m.start() - folded  # where this run is a single space in `wanted`
        folded += len(m.group()) - 1
        while seg + 1 < len(segments) and segments[seg + 1][0] <= p:
            seg += 1
        q = segments[seg][1] + p - segments[seg][0]
        if text[q] != " ":
            return None
        pieces += [text[last:q], m.group()]
        last = q + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _blocks(cards: list[ExportCard], markers: frozenset[str]) -> list[_Block]:
    """Cards grouped into their blocks (siblings are adjacent in outline order)."""
    blocks: list[_Block] = []
    last: tuple[str, str] | None = None  # the last block's (file, block hash)
    for card in cards:
        key = (card.source, card.block_hash)
        if key == last:
            blocks[-1].cards.append(card)
            continue
        last = key
        own, children = card.resolved, card.children
        shown = normalize(own)
        # The back starts with the block's own lines, clozes resolved: their line
        # breaks (code, paragraphs) go back into the text, which the hash folds anyway.
        if shown == card.text:
            written = own
        elif card.kind == "cloze" and "\n" in own:
            written = _restore_lines(own, card.text, markers) or card.text
        else:
            written = card.text
        if card.kind == "basic":
            # ancestors' backs show a question block with its tag, clozes resolved
            spans = _cloze_spans(card.text, markers, exact=True)
            key = normalize(_unclozed(card.text, spans))
        else:
            key = shown  # exactly what ancestors' backs show for this block
        lines = written.split("\n")
        blocks.append(_Block([card], lines, children, key, open_fence(lines) is not None))
    return blocks


def _has_property_line(lines: list[str]) -> bool:
    """Whether a line outside fenced code reads as `key:: value`: only a paragraph
    (text outside any bullet) keeps such lines as text."""
    fence = None
    for line in lines:
        if fence is None and is_property_line(line.strip()):
            return True
        fence = open_fence([line], fence)
    return False


def _strong_title(title: str) -> str:
    """A context title as a bullet that is all one strong span: a heading, not a card."""
    return "**" + _PUNCTUATION.sub(r"\\\1", title) + "**"


def _heading(level: int, title: str) -> str:
    # a closing run of '#' is not part of a heading's title: keep a title's own '#'
    return "#" * level + " " + title + (" #" if title.endswith("#") else "")


class _Outline:
    """Writes blocks under their context, tracking what is open."""

    def __init__(self, blocks: list[_Block], markers: frozenset[str], file_tags: list[str]) -> None:
        self.blocks = blocks
        self.markers = markers
        self.file_tags = file_tags  # in the front matter: every card has them
        self.out: list[str] = []
        self.open: list[str] = []  # the context the next line is under
        self.bullets_open = True  # False after a paragraph: deep context bullets were closed

    # -- context ---------------------------------------------------------------

    def context(self, context: list[str]) -> int:
        """Open `context` for the next block; returns the depth to write it at."""
        common = 0
        for have, want in zip(self.open, context, strict=False):
            if have != want:
                break
            common += 1
        if not self.bullets_open:
            common = min(common, HEADING_LEVELS)
        if common < HEADING_LEVELS:
            if len(context) == common and len(self.open) > common:
                # a title-less heading closes the deeper ones
                self.out.extend(["", "#" * (common + 1)])
            for level in range(common + 1, min(len(context), HEADING_LEVELS) + 1):
                self.out.extend(["", _heading(level, context[level - 1])])
            if len(context) > common:
                self.out.append("")
        for level in range(max(common, HEADING_LEVELS) + 1, len(context) + 1):
            pad = "  " * (level - HEADING_LEVELS - 1)
            self.out.append(f"{pad}- {_strong_title(context[level - 1])}")
        self.open = list(context)
        self.bullets_open = True
        return max(0, len(context) - HEADING_LEVELS)

    # -- blocks ----------------------------------------------------------------

    def _lines(self, lines: list[str], depth: int) -> None:
        pad = "  " * depth
        self.out.append(f"{pad}- {lines[0]}")
        self.out.extend(f"{pad}  {line}" if line else "" for line in lines[1:])

    def card_block(self, block: _Block, depth: int) -> None:
        self._lines(block.lines, depth)
        tags = [t for t in block.first.tags if t not in self.file_tags and "," not in t]
        if tags and not block.unclosed:
            self.out.append(f"{'  ' * depth}  tags:: {', '.join(tags)}")

    def paragraph(self, block: _Block) -> None:
        """A top-level paragraph: its text has `key:: value` lines, which a bullet
        would read as properties."""
        context = block.first.context[:HEADING_LEVELS]
        self.context(context)
        # A heading line right before closes any open bullets (the paragraph must not
        # continue one) and is content (so the lines are not page properties).
        level = len(context)
        self.out.extend(["", _heading(level, context[-1]) if level else "#", ""])
        # one space of indent: same text, and no `notes:` at column 0 for the
        # deck-spec sniffer to mistake this file for a deck spec
        self.out.extend(f" {line}" for line in block.lines)
        self.out.append("")
        self.bullets_open = False

    def _makes_cards(self, lines: list[str]) -> bool:
        text = "\n".join(lines)
        if not _MAY_MAKE_CARDS.search(text):
            return False
        note = parse_note("- " + "\n  ".join(lines))
        return any(True for _ in extract(note, self.markers))

    def children(self, nodes: list[Block], depth: int, at: int, source: str, question: bool) -> int:
        """Write a block's children; those that make cards are taken from `blocks[at:]`
        (they follow it in outline order). Returns the index of the next unwritten block.

        Depth-first with an explicit stack: an outline hundreds of levels deep costs
        no recursion.
        """
        stack = [(iter(nodes), depth, question)]
        while stack:
            siblings, depth, question = stack[-1]
            node = next(siblings, None)
            if node is None:
                stack.pop()
                continue
            if not node.text:
                stack.append((iter(node.children), depth, question))
                continue
            lines = node.text.split("\n")
            if question:  # under a #card block nothing makes cards: the back, verbatim
                self._lines(lines, depth)
                stack.append((iter(node.children), depth + 1, True))
                continue
            nxt = self.blocks[at] if at < len(self.blocks) else None
            if nxt is not None and nxt.first.source == source and nxt.key == normalize(node.text):
                self.card_block(nxt, depth)
                at += 1
                stack.append((iter(node.children), depth + 1, nxt.is_question))
            elif self._makes_cards(lines):
                # a card block that did not line up: it is written at its own place
                # later, so here only its children are kept
                stack.append((iter(node.children), depth, False))
            else:
                self._lines(lines, depth)
                stack.append((iter(node.children), depth + 1, False))
        return at

    def write(self, tick: Progress) -> list[str]:
        blocks = self.blocks
        # A block ending inside an unclosed fence swallowed the rest of its file;
        # written last, it swallows nothing else here.
        self.blocks = blocks = [b for b in blocks if not b.unclosed] + [
            b for b in blocks if b.unclosed
        ]
        done = [0]  # cards written before each block, for the progress figure
        for block in blocks:
            done.append(done[-1] + len(block.cards))
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if not block.children and _has_property_line(block.lines):
                self.paragraph(block)
                i += 1
                continue
            depth = self.context(block.first.context)
            self.card_block(block, depth)
            nodes = parse_note(block.children).blocks if block.children else []
            i = self.children(nodes, depth + 1, i + 1, block.first.source, block.is_question)
            tick(done[i], done[-1])
        return self.out


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (a description) as `|` blocks, as a person would write them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def common_tags(cards: list[ExportCard]) -> list[str]:
    """Tags every card has (a notes file's own tags), in the first card's order."""
    if not cards:
        return []
    common = [t for t in cards[0].tags if "," not in t]
    for card in cards[1:]:
        if common:
            have = set(card.tags)
            common = [t for t in common if t in have]
    return common


def front_matter(deck: ExportDeck, job: ExportJob, tags: list[str]) -> str:
    meta: dict[str, object] = {
        "deck": deck.name,
        "description": deck.description,
        "exported_at": iso_utc(job.now),
        "cards": len(deck.cards),
        "source": {
            "collection": str(job.collection_path),
            "spec": deck.spec_path,
            "notes": deck.notes,
        },
        "deletions": list(deck.settings.get("deletions", ALL_MARKERS)),
    }
    if tags:
        meta["tags"] = tags  # the file's tags: the reader gives them to every card
    text = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{text}---\n"


def render(deck: ExportDeck, job: ExportJob) -> str:
    """The deck as outline Markdown with front matter."""
    markers = frozenset(deck.settings.get("deletions", ALL_MARKERS))
    tags = common_tags(deck.cards)
    outline = _Outline(_blocks(deck.cards, markers), markers, tags)
    body = outline.write(job.tick)
    return front_matter(deck, job, tags) + "\n".join(body).lstrip("\n") + "\n"


def write(job: ExportJob, path: Path) -> int:
    """Write the deck to `path`; returns the number of cards it builds into."""
    (deck,) = job.decks
    path.write_text(render(deck, job), encoding="utf-8")
    job.tick(len(deck.cards), len(deck.cards))
    return len(deck.cards)
