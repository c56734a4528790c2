"""Cards read ahead, while the user reads the card on screen.

`Collection.idle` reads the cards the queue is likely to hand out next
(`flashcards.study.ahead`) and makes them what the shells receive;
`Collection.next_card` takes its card from here when it was read ahead, and
reads it as always when not. A card read ahead is used only while nothing has
changed since it was read but answers to other cards, which move no other
card's row, and only on the study day it was read for (a bury may end): every
write of this connection (SQLite's count of changed rows, triggers included)
and every `refresh` after another connection's writes (the queue's generation)
invalidates them all.
"""

from __future__ import annotations

from flashcards.views import CardView

Stamp = tuple[int, int, str]  # (queue generation, the connection's total changes, study day)


class ReadAhead:
    """The cards read ahead, and the moment they were read at."""

    def __init__(self) -> None:
        self._cards: dict[int, CardView] = {}
        self._stamp: Stamp | None = None

    def fill(self, cards: dict[int, CardView], stamp: Stamp) -> None:
        if stamp != self._stamp:
            self._cards = {}
            self._stamp = stamp
        self._cards.update(cards)

    def has(self, card_id: int, stamp: Stamp) -> bool:
        return stamp == self._stamp and card_id in self._cards

    def take(self, card_id: int, stamp: Stamp) -> CardView | None:
        """The card, if it was read ahead and still holds."""
        if stamp != self._stamp:
            self._cards = {}
            self._stamp = None
            return None
        return self._cards.pop(card_id, None)

    def answered(self, card_id: int, before: Stamp, after: Stamp) -> None:
        """An answer to `card_id` moved the stamp from `before` to `after`: the other rows
        still hold (an answer writes its own card's state and the review log only)."""
        if self._stamp == before and (before[0], before[2]) == (after[0], after[2]):
            self._cards.pop(card_id, None)
            self._stamp = after
