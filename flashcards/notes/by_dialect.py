"""One notes file's text into cards, by the rules of the dialect it is read with.

An Obsidian vault that uses the spaced-repetition plugin is read by the plugin's
rules (`osr`); every other note by flashcards' own (`flashcards.cards`), with the
junk rules the options switch on (and in Logseq's, `^^x^^` a highlight as
`==x==` is: `CARET_HIGHLIGHT`). The preview and the build both read through
here, so they never disagree on a file's cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from flashcards.cards import Card, extract
from flashcards.notes import logseq, osr
from flashcards.notes.dialect import LOGSEQ, ReadOptions
from flashcards.notes.junk import Skipped
from flashcards.notes.logseq import GraphIndex
from flashcards.notes.markers import CARET_HIGHLIGHT
from flashcards.notes.outline import Note, NoteError, note_text, parse_note, split_front_matter
from flashcards.notes.schedules import NotedSchedule, for_cards, note_schedules


@dataclass
class TextRead:
    """The cards of one file, what its reading had to say, and what it skipped."""

    cards: list[Card]
    lines: int
    blocks: int
    warnings: list[NoteError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # a Logseq graph's note: what other notes can point to in it, and what it showed of
    # theirs (entry -> its text then, None: missing)
    entries: dict[str, str] | None = None
    seen: dict[str, str | None] | None = None
    # (index in `cards`, the schedule its note writes for it): notes/schedules.py
    schedules: list[tuple[int, NotedSchedule]] = field(default_factory=list)


def read_text(
    raw: bytes | str,
    path: str,
    options: ReadOptions,
    graph: GraphIndex | None = None,
    parsed: Note | None = None,
) -> TextRead:
    """The cards of a note's bytes or text, in order (not yet told apart); NoteError for
    what its author must fix. A Logseq graph's note shows references from `graph` (the
    rest of the graph's index) and its own entries. `parsed`: a graph note's parse of
    these very bytes, titled and cleaned (`graph.indexed_note`), used instead of parsing
    them again (it is changed: references are resolved in it)."""
    if options.osr is not None:
        text = note_text(raw, path)
        metadata, offset, body = split_front_matter(text, path)
        lines = body.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        cards = osr.extract(lines, offset, path, metadata, options.osr)
        read = TextRead(cards, offset + len(lines), len(cards))
        note = parse_note(text, path) if cards and "<!--SR:" in text else None
    else:
        root = logseq.graph_root(path) if options.dialect == LOGSEQ else None
        cleaned = parsed is not None and root is not None
        note = parsed if parsed is not None and cleaned else parse_note(raw, path)
        read = TextRead([], note.line_count, note.block_count)
        if root is not None:
            read.entries, read.seen = logseq.prepare(note, graph, root, cleaned)
        else:
            logseq.clean(note)
        markers = options.markers
        if options.dialect == LOGSEQ:
            markers = _with_carets(markers)
        read.cards = list(extract(note, markers, read.warnings, options.junk, read.skipped))
    if note is not None and read.cards:
        card_lines = [card.line for card in read.cards]
        found = note_schedules(note, card_lines, read.warnings)
        read.schedules = for_cards(found, card_lines)
    dialect = options.dialect
    for card in read.cards:
        card.dialect = dialect
    return read


@lru_cache(maxsize=16)
def _with_carets(markers: frozenset[str]) -> frozenset[str]:
    """A Logseq note's markers: its deck's, and `^^x^^` a highlight (one set per deck's
    markers, so the parser cached for it is one too)."""
    return markers | {CARET_HIGHLIGHT}
