"""The footer of key bindings, wrapped into rows of two on a phone-sized screen.

Textual's Footer runs its keys off the right edge when they do not fit; at 40-50
columns (`flashcards serve` on a phone) that hides Undo, Edit, Keys and End from
anyone without a keyboard. Below the app's `-narrow` breakpoint this footer lays
the same keys out two to a row, each one tappable (a click runs its action).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

NARROW = 50  # widest a phone's browser shows at a readable font (app.tcss: `-narrow`)
PER_ROW = 2


class Keys(Footer):
    """Footer that wraps its keys into rows when the screen is narrow."""

    DEFAULT_CSS = """
    Keys.-rows { layout: grid; grid-gutter: 0 1; grid-rows: 1; height: auto; }
    Keys.-rows FooterKey { width: 1fr; height: 1; }
    """

    def compose(self) -> ComposeResult:
        yield from super().compose()
        # Footer sets one grid column per key inline; rows of PER_ROW on a phone
        narrow = self.app.size.width <= NARROW
        self.set_class(narrow, "-rows")
        if narrow:
            self.styles.grid_size_columns = PER_ROW

    def on_resize(self, event: events.Resize) -> None:
        if (self.app.size.width <= NARROW) != self.has_class("-rows"):
            self.refresh(recompose=True)
