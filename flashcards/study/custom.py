"""Custom study: what a user studies beyond today's queue, and how its answers count.

Four kinds, as in Anki's Custom Study:

- `ahead` — cards due in the next N days, studied now. Logged as `ahead`: no
  schedule moves and retention does not count them, unless the user chooses to
  reschedule, which makes each answer a real review (SM-2 from today).
- `failed` — today's failed cards again. They were answered today, so every answer
  is a same-day drill, as in the ordinary queue: logged `drill`, no schedule moves.
- `new` — N more new cards today in a deck: the deck's new-card limit for today goes
  up, and the ordinary queue serves them (real reviews).
- `cram` — every active card of a deck, or of a tag. Logged `cram` (no schedule
  moves) unless the user chooses to reschedule.

`CustomSession` is the session's own queue: plain data, the cards offered in
order; a card answered below 4 comes back after DRILL_GAP others, as a drill does.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from flashcards import sm2
from flashcards.study.queue import DRILL_GAP

KINDS = ("ahead", "failed", "new", "cram")
KIND_LABELS = {
    "ahead": "Study ahead",
    "failed": "Today's failed cards again",
    "new": "More new cards today",
    "cram": "Cram a deck or a tag",
}
MAX_DAYS = 365
MAX_NEW = 9999


class CustomStudyError(ValueError):
    """A custom study the user asked for that cannot be made (a bad number...)."""


@dataclass(frozen=True)
class CustomStudy:
    """What the user chose."""

    kind: str
    deck: str | None = None  # None: all decks
    days: int = 1  # ahead
    new: int = 10  # new
    tag: str | None = None  # cram: only cards with this tag
    reschedule: bool = False  # ahead, cram: answers are real reviews

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CustomStudyError(f"unknown custom study {self.kind!r}; use one of {KINDS}")
        if self.kind == "ahead" and not 1 <= self.days <= MAX_DAYS:
            raise CustomStudyError(f"study ahead takes 1–{MAX_DAYS} days, not {self.days}")
        if self.kind == "new" and not 1 <= self.new <= MAX_NEW:
            raise CustomStudyError(f"more new cards takes 1–{MAX_NEW} cards, not {self.new}")

    @property
    def log_kind(self) -> str | None:
        """The review kind its answers are logged as; None: ordinary answers (the
        schedule decides review or drill)."""
        if self.kind in ("ahead", "cram") and not self.reschedule:
            return self.kind
        return None

    def describe(self) -> str:
        where = self.deck or "all decks"
        if self.kind == "ahead":
            text = f"study ahead {self.days} day{'s' if self.days != 1 else ''} in {where}"
        elif self.kind == "failed":
            text = f"today's failed cards again in {where}"
        elif self.kind == "new":
            text = f"{self.new} more new cards today in {where}"
        else:
            text = f"cram {where}" + (f", tag {self.tag}" if self.tag else "")
        if self.kind in ("ahead", "cram"):
            text += ", rescheduling" if self.reschedule else ", schedule unchanged"
        return text


@dataclass
class CustomSession:
    """A custom study's cards, in the order they come; failures come back."""

    study: CustomStudy
    cards: deque[int] = field(default_factory=deque)
    answered: int = 0  # answers so far
    _waiting: list[tuple[int, int]] = field(default_factory=list)  # (card, ready at answer)

    @classmethod
    def of(cls, study: CustomStudy, card_ids: list[int]) -> CustomSession:
        return cls(study, deque(card_ids))

    def next_card_id(self) -> int | None:
        for i, (card_id, ready) in enumerate(self._waiting):
            if ready <= self.answered or not self.cards:
                del self._waiting[i]
                self.cards.appendleft(card_id)
                break
        return self.cards[0] if self.cards else None

    def answer(self, card_id: int, q: int) -> None:
        """Take the answer in: the card leaves, or waits to come back when below 4."""
        if self.cards and self.cards[0] == card_id:
            self.cards.popleft()
        self.answered += 1
        if q < sm2.DRILL_UNTIL:
            self._waiting.append((card_id, self.answered + DRILL_GAP))

    def unanswer(self, card_id: int) -> None:
        """Undo's own: the card is first again."""
        self.answered = max(0, self.answered - 1)
        self._waiting = [w for w in self._waiting if w[0] != card_id]
        self.cards.appendleft(card_id)

    def drop(self, card_id: int) -> None:
        """The card leaves the session unanswered (suspended, buried, gone)."""
        self.cards = deque(c for c in self.cards if c != card_id)
        self._waiting = [w for w in self._waiting if w[0] != card_id]

    @property
    def left(self) -> int:
        return len(self.cards) + len(self._waiting)
