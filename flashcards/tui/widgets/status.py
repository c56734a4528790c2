"""The review's status line: the counts on the left, where the card comes from on the right.

One widget draws what a row of two Statics drew (the counts as wide as they are, two
columns, then the card's deck and `file:line` right-aligned in what is left, cut with
an ellipsis when it does not fit), so the first card's screen has two widgets fewer to
make, style and lay out. tests/tui/test_status.py compares it with the row it replaces.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

GAP = 2  # columns between the counts and the rest


class StatusLine(Widget, can_focus=False):
    """Counts, then `where`, right-aligned; both are literal Content (never markup)."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        text-wrap: nowrap;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.counts = Content("")
        self.where = Content("")

    def show(self, counts: Content | None = None, where: Content | None = None) -> None:
        """Change the counts, `where`, or both (None: as they are)."""
        changed = False
        if counts is not None and counts != self.counts:
            self.counts, changed = counts, True
        if where is not None and where != self.where:
            self.where, changed = where, True
        if changed:
            self.refresh()

    def render(self) -> RenderResult:
        width = self.content_region.width
        counts = self.counts.truncate(width)
        room = width - counts.cell_length - GAP
        if room <= 0 or not self.where:
            return counts
        where = self.where.truncate(room, ellipsis=True)
        gap = GAP + room - where.cell_length
        return Content.assemble(counts, " " * gap, where)
