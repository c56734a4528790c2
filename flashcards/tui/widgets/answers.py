"""The answer bar: one button per grade, labelled with where it sends the card.

The labels come from `flashcards.study.buttons`; the bar only picks the widest
form that fits the width it has (`Good · 15d · ease ±0`, `Good · 15d ±0`, or
two lines at 60 columns), so the intervals always show.

Buttons never take focus, so Space, Enter and the number keys always reach
the review screen's bindings; a mouse click works the same as the key.

A button is Textual's compact Button with only the rules of Button's CSS that apply to
one that never takes focus and is never disabled (Button's whole DEFAULT_CSS, parsed and
matched at start-up, was about 63 million instructions of the first card's launch):
the same colours, hover, the flash of a click and the ANSI-colour look
(tests/tui/test_answers.py draws both, cell for cell).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import RenderableType
from rich.style import Style
from textual import events
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from flashcards.study.buttons import ButtonFace

ACTIVE_SECONDS = 0.2  # how long a clicked button shows pressed (Button's active effect)


class AnswerButton(Widget, can_focus=False):
    """A compact button that reports its answer key (see the module's docstring)."""

    ALLOW_SELECT = False
    # Button's rules for its default (not flat) style, compact (no border), in the same
    # order, so that the same rule wins; `:focus` and `:disabled` never apply here; the
    # error, warning and success colours are GradeButton's
    DEFAULT_CSS = """
    AnswerButton:ansi {
        border: tall $border-blurred;
        background: ansi_default;
        &:hover {
            background: $ansi-background;
            border: tall $border;
        }
        &.-active {
            background: $ansi-background !important;
            border: blank $background !important;
            tint: transparent;
        }
        &.-primary {
            color: $primary;
            border: tall $primary;
            background: ansi_default;
            &:hover { background: $ansi-background; }
        }
    }
    AnswerButton {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;
        text-style: bold;
        color: $button-foreground;
        background: $surface;
        border: none !important;
        &:hover { background: $surface-darken-1; }
        &.-active {
            background: $surface;
            tint: $background 30%;
        }
        &.-primary {
            color: $button-color-foreground;
            background: $primary;
            &:hover { background: $primary-darken-2; }
            &.-active { background: $primary; }
        }
    }
    """

    class Pressed(Message):
        """The button was clicked."""

        def __init__(self, button: AnswerButton) -> None:
            super().__init__()
            self.button = button

    def __init__(
        self, label: str, key: int | None, *, id: str | None = None, variant: str = "default"
    ) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.answer_key = key
        self._label = Content(label)  # literal: never parsed as markup
        self._variant = variant
        self.add_class(f"-{variant}")

    @property
    def label(self) -> Content:
        return self._label

    @label.setter
    def label(self, label: Content) -> None:
        if label != self._label:
            self._label = label
            self.refresh()

    @property
    def variant(self) -> str:
        """default, primary, success, warning or error: the button's colour."""
        return self._variant

    @variant.setter
    def variant(self, variant: str) -> None:
        if variant != self._variant:
            self.remove_class(f"-{self._variant}")
            self.add_class(f"-{variant}")
            self._variant = variant

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cell_len(line) for line in self._label.plain.splitlines()), default=0) + 2

    def render(self) -> RenderResult:
        return self._label

    def post_render(self, renderable: RenderableType, base_style: Style) -> RenderableType:
        return renderable  # as Button: the label is drawn as it is

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if self.has_class("-active") or not self.display:
            return
        self.add_class("-active")
        self.set_timer(ACTIVE_SECONDS, lambda: self.remove_class("-active"))
        self.post_message(self.Pressed(self))


class GradeButton(AnswerButton):
    """A grade's button: its colours (error, warning, success) are rules of their own,
    parsed at the first reveal, when the first grade buttons are made; the front's one
    button (primary) needs none of them. Same rules, same order as AnswerButton's were."""

    DEFAULT_CSS = """
    GradeButton:ansi {
        &.-success {
            color: $success;
            border: tall $success;
            background: ansi_default;
            &:hover { background: $ansi-background; }
        }
        &.-warning {
            color: $warning;
            border: tall $warning;
            background: ansi_default;
            &:hover { background: $ansi-background; }
        }
        &.-error {
            color: $error;
            border: tall $error;
            background: ansi_default;
            &:hover { background: $ansi-background; }
        }
    }
    GradeButton {
        &.-success {
            color: $button-color-foreground;
            background: $success;
            &:hover { background: $success-darken-2; }
            &.-active { background: $success; }
        }
        &.-warning {
            color: $button-color-foreground;
            background: $warning;
            &:hover { background: $warning-darken-2; }
            &.-active { background: $warning; }
        }
        &.-error {
            color: $button-color-foreground;
            background: $error;
            &:hover { background: $error-darken-1; }
            &.-active { background: $error; }
        }
    }
    """


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
    AnswerBar.tall { height: 2; }
    AnswerBar.tall AnswerButton { height: 2; }
    AnswerBar.six.tall { height: 4; }
    """

    class Chosen(Message):
        """A button was clicked: `key` is an answer key, or None for 'show answer'."""

        def __init__(self, key: int | None) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.faces: list[ButtonFace] = []  # the labels shown after the reveal

    def compose(self) -> ComposeResult:
        yield AnswerButton("Space  Show answer", None, id="show", variant="primary")

    def add_grades(self) -> None:
        """The grade buttons, made at the first reveal (six buttons are ~6 ms of CPU the
        start of the app need not pay), then shown or hidden: no remounting per card."""
        if len(self.children) > 1:
            return
        buttons = []
        for key in range(6):
            button = GradeButton(str(key), key, id=f"grade-{key}")
            button.display = False
            buttons.append(button)
        self.mount(*buttons)  # in the DOM at once: the lines below find them

    def show_front(self) -> None:
        """Only the 'show answer' button."""
        self.faces = []
        self.remove_class("six", "tall")
        for button in self.query(AnswerButton):
            button.display = button.answer_key is None

    def show_grades(self, grades: int, faces: list[ButtonFace]) -> None:
        """One button per answer key, saying where each answer sends the card."""
        self.add_grades()
        self.faces = faces
        self.set_class(grades == 6, "six")
        shown = {f.key: f for f in faces}
        variants = FOUR_VARIANTS if grades == 4 else SIX_VARIANTS
        for button in self.query(AnswerButton):
            face = shown.get(button.answer_key) if button.answer_key is not None else None
            button.display = face is not None
            if face is not None:
                button.variant = variants[face.key]
        self.fit_labels()

    def fit_labels(self) -> None:
        """The widest form of the labels that fits every button, on one line or two."""
        faces = self.faces
        if not faces:
            self.remove_class("tall")
            return
        columns = 3 if self.has_class("six") else len(faces)
        width = self.size.width or self.app.size.width - 4
        room = width // columns - 1  # each button keeps a column of margin
        fits = None
        for form in (ButtonFace.full, ButtonFace.compact):
            if all(len(form(f)) <= room - 2 for f in faces):  # line-pad: 1 each side
                fits = form
                break
        self.set_class(fits is None, "tall")
        labels = {f.key: (fits or ButtonFace.two_lines)(f) for f in faces}
        for button in self.query(AnswerButton):
            if button.answer_key in labels:
                button.label = Content(labels[button.answer_key])
                # two lines use the button's whole width (CSS cannot say line-pad: 0)
                button.styles.line_pad = 1 if fits else 0

    def on_resize(self, event: events.Resize) -> None:
        self.fit_labels()

    def on_answer_button_pressed(self, event: AnswerButton.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(event.button.answer_key))
