"""Card rows read ahead, while the user reads the card on screen.

`Collection.idle` reads the rows of the cards the queue is likely to hand out
next (`flashcards.study.ahead`); `Collection.next_card` takes its card from
here when it was read ahead, and reads it as always when not. A row read ahead
is used only while nothing has changed since it was read but answers to other
cards, which move no other card's row: every write of this connection (SQLite's
count of changed rows, triggers included) and every `refresh` after another
connection's writes (the queue's generation) invalidates them all.
"""

from __future__ import annotations

from flashcards.store.cards import CardRow

Stamp = tuple[int, int]  # (queue generation, the connection's total changes)


class ReadAhead:
    """The rows read ahead, and the moment they were read at."""

    def __init__(self) -> None:
        self._rows: dict[int, CardRow] = {}
        self._stamp: Stamp | None = None

    def fill(self, rows: dict[int, CardRow], stamp: Stamp) -> None:
        if stamp != self._stamp:
            self._rows = {}
            self._stamp = stamp
        self._rows.update(rows)

    def has(self, card_id: int, stamp: Stamp) -> bool:
        return stamp == self._stamp and card_id in self._rows

    def take(self, card_id: int, stamp: Stamp) -> CardRow | None:
        """The card's row, if it was read ahead and still holds."""
        if stamp != self._stamp:
            self._rows = {}
            self._stamp = None
            return None
        return self._rows.pop(card_id, None)

    def answered(self, card_id: int, before: Stamp, after: Stamp) -> None:
        """An answer to `card_id` moved the stamp from `before` to `after`: the other rows
        still hold (an answer writes its own card's state and the review log only)."""
        if self._stamp == before and before[0] == after[0]:
            self._rows.pop(card_id, None)
            self._stamp = after
