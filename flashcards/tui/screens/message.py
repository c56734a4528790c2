"""A message the user must read: what happened, where, and what to do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from flashcards.display import visible
from flashcards.tui.screens.modal_box import modal_box_css


class MessageScreen(ModalScreen[str | None]):
    """A boxed message over the current screen; Enter or Esc closes it.

    With `fatal`, closing it quits the app with exit code 1 (the collection
    could not be opened: there is nothing else to show). With `retry`, `r`
    closes it with the result "retry".
    """

    # this screen's own rules, loaded when it first shows (app.tcss has the shared ones)
    CSS = (
        modal_box_css("MessageScreen", "#message-box")
        + """
    #message-title {
        text-style: bold;
        color: $text-accent;
        margin-bottom: 1;
    }
    MessageScreen.fatal #message-box {
        border: round $error;
    }
    #message-body {
        height: auto;
    }
    #message-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """
    )

    BINDINGS = [
        Binding("enter,escape,space", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("r", "retry", "Retry", show=False),
    ]

    def __init__(self, title: str, body: str, *, fatal: bool = False, retry: bool = False) -> None:
        super().__init__(classes="fatal" if fatal else "")
        self.title_text = title
        self.body = body
        self.fatal = fatal
        self.retry = retry

    def compose(self) -> ComposeResult:
        with Vertical(id="message-box"):
            # paths and note text inside messages are data: Content, never markup
            yield Static(Content(visible(self.title_text)), id="message-title", markup=False)
            yield Static(Content(visible(self.body)), id="message-body", markup=False)
            hint = (
                "q / Enter  quit"
                if self.fatal
                else "r  try again · Esc  go on"
                if self.retry
                else "Enter / Esc  close"
            )
            yield Static(Content(hint), id="message-hint", markup=False)

    def action_retry(self) -> None:
        if self.retry:
            self.dismiss("retry")

    def action_close(self) -> None:
        if self.fatal:
            self.app.exit(return_code=1)
        else:
            self.dismiss(None)
