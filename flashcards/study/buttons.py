"""What each answer button says it does, from the scheduler's `next_states` alone.

`Again · today`, `Hard · today, then 1d`, `Good · 6d`: whether the card comes
back later today (`Outcomes.today`), then the interval it leaves. Where two
buttons leave the same interval (SM-2 as published uses the ease in force
before the answer, so Hard, Good and Easy of a review card often do), each
also says how it moves the ease (`Hard · 15d · ease −0.14`). Any scheduler
whose outcomes carry `due` (and, if it has one, `ef` in thousandths) is
labelled the same way. Pure: no I/O, no clock, no Textual.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from flashcards import sm2


@dataclass(frozen=True)
class ButtonFace:
    """One button's label, in the three widths the answer bar may have room for."""

    key: int
    name: str
    today: bool  # the answer brings the card back later the same day
    failed: bool  # a failing grade: 'today' says it all (the card is relearned)
    days: int  # the interval the answer leaves
    ease: str | None  # e.g. '−0.14', where another button leaves the same interval
    practice: bool = False  # cramming or studying ahead: the answer moves no schedule

    @property
    def when(self) -> str:
        interval = sm2.describe_interval(self.days)
        if not self.today:
            return interval
        return "today" if self.failed else f"today, then {interval}"

    @property
    def when_short(self) -> str:
        interval = sm2.describe_interval(self.days)
        if not self.today:
            return interval
        return "today" if self.failed else f"today→{interval}"

    def full(self) -> str:
        """'2 Hard · today, then 1d' or '3 Good · 15d · ease ±0'."""
        if self.practice:
            return f"{self.key} {self.name}"
        ease = f" · ease {self.ease}" if self.ease else ""
        return f"{self.key} {self.name} · {self.when}{ease}"

    def compact(self) -> str:
        """'2 Hard today→1d −0.14': one line, for a narrower bar."""
        if self.practice:
            return f"{self.key} {self.name}"
        ease = f" {self.ease}" if self.ease else ""
        return f"{self.key} {self.name} {self.when_short}{ease}"

    def two_lines(self) -> str:
        """'2 Hard −0.14' over 'today→1d': for the narrowest bar (60 columns)."""
        if self.practice:
            return f"{self.key} {self.name}\n"
        ease = f" {self.ease}" if self.ease else ""
        return f"{self.key} {self.name}{ease}\n{self.when_short}"


def ease_change(before: int, after: int) -> str:
    """'+0.10', '−0.14' (a true minus sign), '±0' for no change; ease in thousandths."""
    delta = after - before
    if delta == 0:
        return "±0"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{abs(delta) / 1000:.2f}"


def _days(state: sm2.State, today: date) -> int:
    if state.due is not None:
        return max((state.due - today).days, 0)
    return max(state.interval, 0)


def faces(
    before: sm2.State, outcomes: sm2.Outcomes, today: date, grades: int = 4
) -> list[ButtonFace]:
    """The label of every button of a `grades`-grade deck, in key order."""
    shown = [b for b in sm2.buttons(grades) if b.key in outcomes]
    plain = [
        ButtonFace(
            key=b.key,
            name=b.label,
            today=b.key in outcomes.today,
            failed=b.q < sm2.PASS,
            days=_days(outcomes[b.key], today),
            ease=None,
        )
        for b in shown
    ]
    if outcomes.drill:
        return plain  # nothing moves: no ease changes to tell apart
    # passing buttons that leave the same interval: the ease change tells them apart
    same = Counter(f.days for f in plain if not f.failed)
    out = []
    for f in plain:
        ef_before = getattr(before, "ef", None)
        ef_after = getattr(outcomes[f.key], "ef", None)
        if not f.failed and same[f.days] > 1 and ef_before is not None and ef_after is not None:
            f = replace(f, ease=ease_change(ef_before, ef_after))
        out.append(f)
    return out
