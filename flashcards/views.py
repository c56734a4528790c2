"""The plain records the shells receive: a card, a deck's summary, what is left today.

Screens, commands and scripts get these from the `Collection` facade, never a
database row or cursor. A card carries its block's text, its gaps and its
children; its faces are rendered from those (`flashcards.faces`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flashcards import faces, sm2
from flashcards.deck_settings import DEFAULT_GRADES
from flashcards.notes.markers import Deletion


@dataclass
class Counts:
    """What is left in today's session."""

    new: int = 0
    review: int = 0
    drill: int = 0

    @property
    def total(self) -> int:
        return self.new + self.review + self.drill


@dataclass
class CardView:
    """A card with its state, as screens and scripts see it."""

    id: int
    guid: str
    deck: str
    content_hash: str
    kind: str
    source: str
    line: int
    context: list[str]
    answers: list[str]
    hint: str | None
    body: str  # the block's text as written
    marks: tuple[Deletion, ...]  # the block's deletions
    hidden: tuple[int, ...]  # which of them this card hides
    children: str  # the block's children, as an outline
    tags: list[str]
    status: str  # active, retired, suspended, buried
    repetitions: int
    ef: float
    interval: int
    due: date | None
    lapses: int
    grades: int = DEFAULT_GRADES
    created_at: str = ""
    buried_until: str | None = None
    dialect: str | None = None  # which dialect read its notes (None: not read since m011)

    @property
    def pieces(self) -> list[faces.Piece]:
        """The block as runs of text and this card's gaps, to show with styles."""
        return faces.pieces(self.body, self.marks, self.hidden)

    @property
    def front(self) -> str:
        return faces.front(self.body, self.marks, self.hidden)

    @property
    def back(self) -> str:
        return faces.back(self.body, self.marks, self.children)

    @property
    def cloze(self) -> str:
        return faces.cloze(self.kind, self.body, self.marks, self.hidden)

    @property
    def segments(self) -> list[faces.Segment]:
        """The block rendered: styled spans, this card's gaps, its answers' echoes."""
        return faces.segments(self.body, self.marks, self.hidden, self.answers)

    @property
    def crumbs(self) -> list[str]:
        """The context as the front shows it: rendered, this card's answers hidden."""
        return faces.crumbs(self.context, self.answers)

    @property
    def front_text(self) -> str:
        """The front as a reader sees it: rendered, its answers hidden wherever they stand."""
        return faces.front_text(self.body, self.marks, self.hidden, self.answers)

    @property
    def back_text(self) -> str:
        return faces.back_text(self.body, self.marks, self.children)

    @property
    def state(self) -> sm2.State:
        return sm2.State(
            self.repetitions, round(self.ef * 1000), self.interval, self.due, self.lapses
        )

    @property
    def leech(self) -> bool:
        return self.lapses >= sm2.LEECH_LAPSES

    @property
    def is_new(self) -> bool:
        return self.due is None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "guid": self.guid,
            "deck": self.deck,
            "content_hash": self.content_hash,
            "status": self.status,
            "kind": self.kind,
            "source": self.source,
            "line": self.line,
            "context": self.context,
            "answers": self.answers,
            "hint": self.hint,
            "front": self.front_text,
            "back": self.back_text,
            "tags": self.tags,
            "dialect": self.dialect,
            "repetitions": self.repetitions,
            "ef": self.ef,
            "interval": self.interval,
            "due": self.due.isoformat() if self.due else None,
            "lapses": self.lapses,
            "leech": self.leech,
        }


@dataclass
class DeckSummary:
    """A deck as the deck list shows it: its cards by status and today's progress."""

    id: int
    name: str
    cards: int
    new: int
    due: int
    retired: int
    suspended: int
    built_at: str | None
    studied_today: int = 0
    left: Counts = field(default_factory=Counts)
    retired_deck: bool = False  # the deck is retired (`decks --all` lists it)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "cards": self.cards,
            "new": self.new,
            "due": self.due,
            "retired": self.retired,
            "suspended": self.suspended,
            "studied_today": self.studied_today,
            "left_today": {
                "new": self.left.new,
                "review": self.left.review,
                "drill": self.left.drill,
            },
            "built_at": self.built_at,
            "retired_deck": self.retired_deck,
        }
