"""What reading notes makes: `Card`, the `BlockText` its block shares, `Extraction`.

A card keeps its block's text as written, the block's deletions, which of them
it hides, and the block's children; its fronts and backs are rendered from
those by `flashcards.faces`. `flashcards.cards` makes these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flashcards import faces
from flashcards.notes.inline import Deletion
from flashcards.notes.junk import Skipped
from flashcards.notes.outline import NoteError

__all__ = ["BlockText", "Card", "Extraction"]


@dataclass(slots=True)
class BlockText:
    """What a block's cards show, stored once for all of them."""

    source: str
    line: int
    body: str  # the block's text as written (a question card's: without its tag)
    marks: tuple[Deletion, ...]  # its deletions, in text order
    children: str  # its children as an indented outline, clozes resolved
    context: list[str]  # ancestors and headings above it, outermost first
    tags: list[str]
    norm: str  # its text normalised: what edits are matched by
    # the block hashes of the outline blocks above it, outermost first: its cards are
    # related to theirs (a study day buries them once one is answered)
    ancestors: tuple[str, ...] = ()


@dataclass(slots=True)
class Card:
    content_hash: str
    kind: str  # CLOZE or BASIC
    block: BlockText
    hidden: tuple[int, ...]  # which of the block's marks this card hides
    answers: list[str]
    hint: str | None
    block_hash: str  # cards of one block are siblings
    deletion: str  # which deletion this card hides, e.g. 'learning#0' or 'c1'
    position: int = 0  # outline order within its deck
    deck: str | None = None  # the sub-deck its notes name (the spaced-repetition plugin's tag)
    dialect: str = "markdown"  # which dialect read its file (flashcards.notes.dialect)

    @property
    def source(self) -> str:
        return self.block.source

    @property
    def line(self) -> int:
        return self.block.line

    @property
    def context(self) -> list[str]:
        return self.block.context

    @property
    def tags(self) -> list[str]:
        return self.block.tags

    @property
    def text(self) -> str:
        """The block's normalised text (what edited cards are matched by)."""
        return self.block.norm

    @property
    def front(self) -> str:
        b = self.block
        return faces.front(b.body, b.marks, self.hidden)

    @property
    def back(self) -> str:
        b = self.block
        return faces.back(b.body, b.marks, b.children)

    @property
    def cloze(self) -> str:
        b = self.block
        return faces.cloze(self.kind, b.body, b.marks, self.hidden)

    @property
    def front_text(self) -> str:
        """The front as a reader sees it: rendered, its answers hidden wherever they stand."""
        b = self.block
        return faces.front_text(b.body, b.marks, self.hidden, self.answers)

    @property
    def back_text(self) -> str:
        b = self.block
        return faces.back_text(b.body, b.marks, b.children)

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
            "front": self.front_text,
            "back": self.back_text,
            "tags": list(self.tags),
            "deck": self.deck,
            "dialect": self.dialect,
        }


@dataclass
class Extraction:
    cards: list[Card] = field(default_factory=list)
    warnings: list[NoteError] = field(default_factory=list)
    files: int = 0
    lines: int = 0
    blocks: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # deletions the junk rules skipped
    hidden: list[str] = field(default_factory=list)  # dot-folders left out of the walk
