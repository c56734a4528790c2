"""The answer bar: one button per grade, labelled with where it sends the card.

Buttons never take focus, so Space, Enter and the number keys always reach
the review screen's bindings; a mouse click works the same as the key.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Button

from flashcards import sm2


class AnswerButton(Button, can_focus=False):
    """A compact button that reports its answer key."""

    def __init__(self, label: str, key: int | None, **kwargs: object) -> None:
        # Content(...) keeps the label literal: never parsed as markup
        super().__init__(Content(label), compact=True, **kwargs)  # type: ignore[arg-type]
        self.answer_key = key


def button_label(button: sm2.Button, state: sm2.State, today: date) -> str:
    """'3 Good · 6d': the key, the grade and the interval it leads to."""
    days = (state.due - today).days if state.due else state.interval
    return f"{button.key} {button.label} · {sm2.describe_interval(max(days, 0))}"


FOUR_VARIANTS = {1: "error", 2: "warning", 3: "primary", 4: "success"}
SIX_VARIANTS = {0: "error", 1: "error", 2: "warning", 3: "warning", 4: "primary", 5: "success"}


class AnswerBar(Horizontal):
    """'Space Show answer' before the reveal; the grade buttons after it."""

    DEFAULT_CSS = """
    AnswerBar { height: 1; width: 1fr; }
    AnswerBar AnswerButton { width: 1fr; min-width: 8; margin: 0 1 0 0; }
    /* six grades do not fit one 80-column row: two rows of three */
    AnswerBar.six { layout: grid; grid-size: 3; grid-gutter: 0 1; height: 2; }
    AnswerBar.six AnswerButton { margin: 0; }
    """

    class Chosen(Message):
        """A button was clicked: `key` is an answer key, or None for 'show answer'."""

        def __init__(self, key: int | None) -> None:
            super().__init__()
            self.key = key

    def compose(self) -> ComposeResult:
        # all buttons exist from the start and are shown or hidden: no remounting per card
        yield AnswerButton("Space  Show answer", None, id="show", variant="primary")
        for key in range(6):
            button = AnswerButton(str(key), key, id=f"grade-{key}")
            button.display = False
            yield button

    def show_front(self) -> None:
        """Only the 'show answer' button."""
        self.remove_class("six")
        for button in self.query(AnswerButton):
            button.display = button.answer_key is None

    def show_grades(
        self, grades: int, outcomes: dict[int, sm2.State], today: date, drill: bool = False
    ) -> None:
        """One button per answer key, with the interval each answer would give."""
        self.set_class(grades == 6, "six")
        shown = {b.key: b for b in sm2.buttons(grades)}
        variants = FOUR_VARIANTS if grades == 4 else SIX_VARIANTS
        for button in self.query(AnswerButton):
            b = shown.get(button.answer_key) if button.answer_key is not None else None
            button.display = b is not None
            if b is None:
                continue
            # a same-day drill does not move the schedule: no interval to show
            label = f"{b.key} {b.label}" if drill else button_label(b, outcomes[b.key], today)
            button.label = Content(label)
            button.variant = variants[b.key]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, AnswerButton):
            self.post_message(self.Chosen(event.button.answer_key))
