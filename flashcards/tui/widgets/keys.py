"""The footer of key bindings, wrapped into rows of two on a phone-sized screen.

Textual's Footer runs its keys off the right edge when they do not fit; at 40-50
columns (`flashcards serve` on a phone) that hides Undo, Edit, Keys and End from
anyone without a keyboard. Below the app's `-narrow` breakpoint this footer lays
the same keys out two to a row, each one tappable (a click runs its action).

Textual's Footer also remakes every key each time the screen says its bindings may have
changed — on every focus move and `refresh_bindings` — which at start-up is four times
before the first card shows, ~10 ms each. This one remakes them only when what it shows
(the keys, their state, the width's layout) is not what it already shows, and makes them
when it is first composed (Footer waits for the screen's first word on its bindings and
makes them after the next refresh: a second layout and paint of the screen).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

NARROW = 50  # widest a phone's browser shows at a readable font (app.tcss: `-narrow`)
PER_ROW = 2


class Keys(Footer):
    """Footer that wraps its keys into rows when the screen is narrow."""

    DEFAULT_CSS = """
    Keys.-rows { layout: grid; grid-gutter: 0 1; grid-rows: 1; height: auto; }
    Keys.-rows FooterKey { width: 1fr; height: 1; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._composed_for: tuple[object, ...] | None = None  # what the keys on show were made from

    def _shown(self) -> tuple[object, ...]:
        """Everything Footer.compose draws the keys from, to compare with what is on show."""
        if not self._bindings_ready:
            return ()
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        keys = tuple(
            (b.key, self.app.get_key_display(b), b.description, b.action, b.group, on, tip)
            for name, (_, b, on, tip) in self.screen.active_bindings.items()
            if b.show or (palette and name == self.app.COMMAND_PALETTE_BINDING)
        )
        return keys, palette, self.compact, self.app.size.width <= NARROW

    async def recompose(self) -> None:
        if self.is_attached and self._shown() == self._composed_for:
            return  # the same keys in the same state: remaking them would change nothing
        await super().recompose()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready and self.is_attached:
            # the keys are known now; should they change, the screen says so and
            # `recompose` remakes them
            self.set_reactive(Footer._bindings_ready, True)
        self._composed_for = self._shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # made with the footer's style already: a key starts compact and is told
                # otherwise as it mounts, each change restyling it (~0.5 ms a key)
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
        # Footer sets one grid column per key inline; rows of PER_ROW on a phone
        narrow = self.app.size.width <= NARROW
        self.set_class(narrow, "-rows")
        if narrow:
            self.styles.grid_size_columns = PER_ROW

    def on_resize(self, event: events.Resize) -> None:
        if (self.app.size.width <= NARROW) != self.has_class("-rows"):
            self.refresh(recompose=True)
