"""The review's status line (flashcards.tui.widgets.status.StatusLine) draws what the row
of two Statics it replaces drew.

The row was a Horizontal with the counts (as wide as they are, two columns of margin)
and `where` (the rest, right-aligned, cut with an ellipsis): the line must be the same
cell for cell as a terminal shows it (each character in its style; a blank, in its
background and the attributes a blank shows) — with both parts, with `where` too long, empty, or
alone (the saving message), and at a width where nothing but the counts fits — in the
dark and light themes.
"""

from __future__ import annotations

import asyncio

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from flashcards.tui.widgets.status import StatusLine

ROW_CSS = """
#status { height: 1; padding: 0 2; }
#counts { width: auto; margin-right: 2; }
#where { width: 1fr; text-align: right; text-wrap: nowrap; text-overflow: ellipsis; }
"""

COUNTS = Content.assemble(
    ("New ", "$text-muted"),
    ("12", "bold $text-primary"),
    ("  Review ", "$text-muted"),
    ("3", "bold $text-success"),
    ("  Drill ", "$text-muted"),
    ("0", "bold $text-warning"),
)
WHERE = Content.assemble(
    (" leech · 9 lapses ", "bold reverse $error"),
    "  ",
    ("physics  ", "$text-muted"),
    ("mechanics.md:12", "$text-muted"),
)
LONG = Content.assemble(("a-folder-of-notes/" * 6 + "page.md:3", "$text-muted"))
SAVING = Content("Saving your answer… the collection is busy (another flashcards is writing)")


class Probe(App[None]):
    ENABLE_COMMAND_PALETTE = False
    CSS = ROW_CSS

    def __init__(self, row: bool, counts: Content, where: Content) -> None:
        super().__init__()
        self.row, self.counts, self.where = row, counts, where

    def compose(self) -> ComposeResult:
        yield Static("a card")
        if self.row:
            with Horizontal(id="status"):
                yield Static(self.counts, id="counts", markup=False)
                yield Static(self.where, id="where", markup=False)
        else:
            line = StatusLine(id="status")
            line.show(self.counts, self.where)
            yield line


def _cells(line: list[tuple[str, Style | None]]) -> list[tuple[str, object]]:
    """Each cell as the terminal shows it. The styles' meta (the offsets Textual marks
    text with, for selection) is left out: it counts from the start of each widget."""
    cells: list[tuple[str, object]] = []
    for text, style in line:
        style = (style or Style()).clear_meta_and_links()
        for char in text:
            if char == " ":
                shown = (style.bgcolor, style.reverse, style.underline, style.strike)
                cells.append((char, shown if not style.reverse else style))
            else:
                cells.append((char, style))
    return cells


def _line(row: bool, width: int, theme: str, counts: Content, where: Content) -> list:
    app = Probe(row, counts, where)

    async def main() -> list:
        async with app.run_test(size=(width, 5)) as pilot:
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            return _cells([(s.text, s.style) for s in app.screen._compositor.render_strips()[1]])

    return asyncio.run(main())


CASES = {
    "both": (COUNTS, WHERE),
    "long": (COUNTS, LONG),
    "no-where": (COUNTS, Content("")),
    "saving": (Content(""), SAVING),
    "custom": (Content("Left 4  ·  answers reschedule"), WHERE),
}


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("width", [100, 60, 30])
@pytest.mark.parametrize("case", list(CASES))
def test_the_line_is_the_row_s(case, width, theme):
    counts, where = CASES[case]
    ours = _line(False, width, theme, counts, where)
    assert len(ours) == width
    assert ours == _line(True, width, theme, counts, where)
