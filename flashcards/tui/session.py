"""One sitting of study: which cards were answered how, and when it began.

The review screen fills it in; the summary reads it; the app carries it
between them (in the navigation messages). Plain data: no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Session:
    """What this sitting did, for the summary."""

    started: float | None = None  # clock() when the first card was shown
    answers: list[tuple[int, int]] = field(default_factory=list)  # (card id, q) in order

    @property
    def studied(self) -> int:
        return len({card_id for card_id, _ in self.answers})

    def first_answers(self) -> list[int]:
        """Each card's first answer of the session: the honest measure of recall."""
        seen: dict[int, int] = {}
        for card_id, q in self.answers:
            seen.setdefault(card_id, q)
        return list(seen.values())
