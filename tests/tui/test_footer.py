"""The footer (flashcards.tui.widgets.keys.Keys) draws the line Textual's Footer draws.

Keys draws every key in one widget where Footer makes a widget per key; the line must
be the same, segment for segment and style for style: the keys the bindings show, in
order, a disabled one dimmed, hidden ones left out, in both themes and at any width.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from flashcards.tui.widgets.keys import Keys


class Probe(App[None]):
    """Bindings of every kind a screen has: shown, hidden, disabled, with a key display."""

    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("space,enter", "go", "Show answer / Good", key_display="space"),
        Binding("1", "answer(1)", show=False),
        Binding("u", "undo", "Undo"),
        Binding("c", "custom", "Custom study"),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("escape,q", "end", "End", key_display="esc"),
    ]

    def __init__(self, footer: type) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Static("a card")
        yield self.footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "custom":
            return False  # hidden
        if action == "undo":
            return None  # shown, disabled
        return True


def _footer_line(footer: type, size: tuple[int, int], theme: str) -> list[tuple[str, str]]:
    app = Probe(footer)

    async def main() -> list[tuple[str, str]]:
        async with app.run_test(size=size) as pilot:
            app.theme = theme
            await pilot.pause()
            await pilot.pause()
            line = app.screen._compositor.render_strips()[-1]
            return [(segment.text, str(segment.style)) for segment in line]

    return asyncio.run(main())


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("size", [(100, 10), (60, 10)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_line_is_footer_s(size, theme):
    ours = _footer_line(Keys, size, theme)
    assert "".join(text for text, _ in ours).startswith(" space Show answer / Good  u Undo ")
    assert "Custom study" not in "".join(text for text, _ in ours)  # hidden
    assert [text for text, style in ours if "dim" in style] == [" u ", "Undo "]  # disabled
    assert ours == _footer_line(Footer, size, theme)


def test_a_tap_runs_the_key_and_a_disabled_one_rings():
    app = Probe(Keys)
    ran: list[str] = []
    app.action_go = lambda: ran.append("go")  # type: ignore[method-assign]
    app.action_undo = lambda: ran.append("undo")  # type: ignore[method-assign]
    rang: list[bool] = []
    app.bell = lambda: rang.append(True)  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(100, 10)) as pilot:
            await pilot.pause()
            keys = app.query_one(Keys)
            where = {key.description: region for key, region in keys.key_regions()}
            await pilot.click(Keys, offset=(where["Show answer / Good"].x + 2, 0))
            await pilot.click(Keys, offset=(where["Undo"].x + 2, 0))
            await pilot.pause()

    asyncio.run(main())
    assert ran == ["go"] and rang == [True]
