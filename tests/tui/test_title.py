"""The title bar (flashcards.tui.widgets.title.TitleBar) draws the line Textual's Header draws.

TitleBar is one widget where Header is four (icon, title, clock space and the bar); the
line must be the same, segment for segment and style for style (the styles' meta too: the
offsets Textual marks text with): in both themes, at two widths and where the title must be cut,
with the pointer over the icon, and after a click has made it three lines tall.
"""

from __future__ import annotations

import asyncio

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.widgets import Header, Static

from flashcards.tui.widgets.title import TitleBar

Line = list[tuple[str, Style | None]]


class Probe(App[None]):
    """A screen with a title bar over a card, titled as the app's screens are."""

    TITLE = "flashcards"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, bar: type, sub_title: str) -> None:
        super().__init__()
        self.bar = bar
        self.screen_sub_title = sub_title

    def compose(self) -> ComposeResult:
        yield self.bar(icon="▦")
        yield Static("a card")

    def on_mount(self) -> None:
        self.screen.sub_title = self.screen_sub_title


def _lines(
    bar: type, size: tuple[int, int], theme: str, sub_title: str, *, hover=False, click=False
) -> list[Line]:
    app = Probe(bar, sub_title)

    async def main() -> list[Line]:
        async with app.run_test(size=size) as pilot:
            app.theme = theme
            await pilot.pause()
            if hover:
                await pilot.hover(bar, offset=(2, 0))
            if click:
                await pilot.click(bar, offset=(size[0] // 2, 0))
            await pilot.pause()
            await pilot.pause()
            strips = app.screen._compositor.render_strips()
            rows = 3 if click else 1
            # under it, the card's line: the bar took its rows and no more
            return [[(s.text, s.style) for s in strip] for strip in strips[: rows + 1]]

    return asyncio.run(main())


THEMES = ["textual-dark", "textual-light"]
SIZES = [(100, 10), (61, 10)]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_line_is_header_s(size, theme):
    ours = _lines(TitleBar, size, theme, "all decks")
    text = "".join(t for t, _ in ours[0])
    assert text.startswith(" ▦ ") and text.strip().endswith(" flashcards — all decks")
    assert len(text) == size[0]
    assert ours == _lines(Header, size, theme, "all decks")


@pytest.mark.parametrize("theme", THEMES)
def test_a_title_too_long_is_cut_as_header_cuts_it(theme):
    long = "systems design · " * 6
    ours = _lines(TitleBar, (60, 10), theme, long)
    assert "…" in "".join(t for t, _ in ours[0])
    assert ours == _lines(Header, (60, 10), theme, long)


@pytest.mark.parametrize("theme", THEMES)
def test_the_icon_lights_under_the_pointer_as_header_s(theme):
    ours = _lines(TitleBar, (80, 10), theme, "all decks", hover=True)
    assert ours != _lines(TitleBar, (80, 10), theme, "all decks")
    assert ours == _lines(Header, (80, 10), theme, "all decks", hover=True)


def _cells(line: Line) -> list[tuple[str, str | None, str | None]]:
    """Each cell as the terminal shows it: its character, and colours where one shows."""
    cells = []
    for text, style in line:
        parsed = style or Style()
        for char in text:
            fg = parsed.color.name if parsed.color and char != " " else None
            bg = parsed.bgcolor.name if parsed.bgcolor else None
            cells.append((char, fg, bg))
    return cells


@pytest.mark.parametrize("theme", THEMES)
def test_a_click_makes_it_three_lines_tall_as_header(theme):
    ours = _lines(TitleBar, (80, 10), theme, "all decks", click=True)
    theirs = _lines(Header, (80, 10), theme, "all decks", click=True)
    assert "flashcards — all decks" in "".join(t for t, _ in ours[0])
    assert "▦" in "".join(t for t, _ in ours[1])
    assert "a card" in "".join(t for t, _ in ours[3])
    # a blank cell's foreground draws nothing: the rows are the same cell for cell
    assert [_cells(line) for line in ours] == [_cells(line) for line in theirs]
