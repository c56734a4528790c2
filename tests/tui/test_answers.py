"""The answer buttons (flashcards.tui.widgets.answers.AnswerButton) look as Textual's
compact Button does.

AnswerButton carries only the rules of Button's CSS that a button which never takes
focus and is never disabled can use; the answer bar it makes must be drawn the same,
cell for cell and style for style, as the same bar made of Buttons: the 'show answer'
button, four and six grades on one line or two, under the pointer, in the flash of a
click, in the dark, light and ANSI themes.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, Static

from flashcards.study.buttons import ButtonFace
from flashcards.tui.widgets import answers
from flashcards.tui.widgets.answers import AnswerBar


class AnswerButton(Button, can_focus=False):
    """The answer button as it was: a compact Button (its class name is the one the
    bar's CSS names)."""

    def __init__(self, label: str, key: int | None, **kwargs: object) -> None:
        from textual.content import Content

        super().__init__(Content(label), compact=True, **kwargs)  # type: ignore[arg-type]
        self.answer_key = key


class Probe(App[None]):
    ENABLE_COMMAND_PALETTE = False

    def compose(self) -> ComposeResult:
        yield Static("a card")
        yield AnswerBar(id="answers")


def _faces(grades: int) -> list[ButtonFace]:
    names = ["Blackout", "Wrong", "Hard", "Hard", "Good", "Easy"]
    keys = range(6) if grades == 6 else range(1, 5)
    return [
        ButtonFace(k, names[k] if grades == 6 else ["", "Again", "Hard", "Good", "Easy"][k],
                   today=k < 2, failed=k < 2, days=[1, 1, 1, 6, 15, 40][k], ease=None)
        for k in keys
    ]  # fmt: skip


Screen = list[list[tuple[str, object]]]


def _screen(monkeypatch, button: type, theme: str, width: int, grades: int, pointer: str) -> Screen:
    monkeypatch.setattr(answers, "AnswerButton", button)
    app = Probe()

    async def main() -> Screen:
        async with app.run_test(size=(width, 8)) as pilot:
            app.theme = theme
            bar = app.query_one(AnswerBar)
            if grades:
                bar.show_grades(grades, _faces(grades))
            await pilot.pause()
            shown = [b for b in bar.query(button) if b.display]
            target = shown[len(shown) // 2]
            if pointer == "hover":
                await pilot.hover(target)
            elif pointer == "click":
                target.add_class("-active")  # the flash a click gives (0.2 s)
            await pilot.pause()
            await pilot.pause()
            return [
                [(s.text, s.style) for s in strip]
                for strip in app.screen._compositor.render_strips()
            ]

    return asyncio.run(main())


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
@pytest.mark.parametrize("width", [100, 60])
@pytest.mark.parametrize("grades", [0, 4, 6])
@pytest.mark.parametrize("pointer", ["none", "hover", "click"])
def test_the_bar_is_drawn_as_buttons_draw_it(monkeypatch, theme, width, grades, pointer):
    ours = _screen(monkeypatch, answers.AnswerButton, theme, width, grades, pointer)
    text = "\n".join("".join(t for t, _ in row) for row in ours)
    if grades:
        assert "Again" in text or "Wrong" in text  # the grades show (not the flashed one)
    elif not (pointer == "click" and theme.startswith("ansi")):  # its flash is a blank border
        assert "Show answer" in text
    theirs = _screen(monkeypatch, AnswerButton, theme, width, grades, pointer)
    assert len(ours) == len(theirs)
    for y, (row, their_row) in enumerate(zip(ours, theirs, strict=True)):
        assert row == their_row, f"row {y}"
