"""The footer of key bindings: Textual's Footer line, drawn by one widget.

It shows what Textual's Footer shows — each key the screen's bindings show, in their
order, its key bold in the footer's key colour and its description after it, dimmed
when the key does nothing now — and a tap or click on a key runs it (a disabled one
rings the bell), as Footer's keys do. Footer makes a widget per key (seven on the
review screen: ~20 ms of a ~0.3 s launch, the most the first card cost beyond a
bare Textual app); this draws them all as one line of segments, styled the same way.

At 40-50 columns (`flashcards serve` on a phone) Footer would run its keys off the
right edge; below the app's `-narrow` breakpoint this one lays them out two to a row,
each in a cell of half the width, so every key shows and can be tapped.

It redraws when the screen says its bindings may have changed (every focus move and
`refresh_bindings`) only if what it shows — the keys, their state, the layout — is
not what it already shows.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

NARROW = 50  # widest a phone's browser shows at a readable font (app.tcss: `-narrow`)
PER_ROW = 2
GUTTER = 1  # columns between two keys of a row


class Key(NamedTuple):
    """One key as the footer shows it."""

    key: str  # what a tap presses
    display: str  # how the key is written ("space", "?")
    description: str
    enabled: bool
    tooltip: str


class Keys(Widget, can_focus=False):
    """The screen's keys along the bottom: one line, or rows of two when narrow."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keys--key", "keys--description", "keys--hover"}
    DEFAULT_CSS = """
    Keys {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        &.-rows { height: auto; }
        .keys--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[Key] = []
        self._hover: int | None = None  # the key under the pointer

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.keys = self._read_keys()
        self.set_class(self.app.size.width <= NARROW, "-rows")

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _read_keys(self) -> list[Key]:
        """The keys the screen's bindings show now (Footer's choice: the first binding of
        each action that has `show`)."""
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        return [
            Key(b.key, self.app.get_key_display(b), b.description, enabled, tip)
            for b, enabled, tip in shown.values()
        ]

    def bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = self._read_keys()
        if keys != self.keys:
            rows_before = self._rows()
            self.keys = keys
            self.refresh(layout=self._rows() != rows_before)

    # -- layout ------------------------------------------------------------------

    def _narrow(self) -> bool:
        return self.has_class("-rows")

    def _rows(self) -> int:
        return -(-len(self.keys) // PER_ROW) if self._narrow() else 1

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(self._rows(), 1)

    def on_resize(self, event: events.Resize) -> None:
        narrow = self.app.size.width <= NARROW
        if narrow != self._narrow():
            self.set_class(narrow, "-rows")
            self.refresh(layout=True)

    def _cells(self, width: int) -> list[tuple[int, int, int]]:
        """Where each key is drawn: (row, first column, width) for each key in order."""
        if not self._narrow():
            cells, x = [], 0
            for key in self.keys:
                w = len(self._label(key))
                cells.append((0, x, w))
                x += w
            return cells
        room = max(width - GUTTER * (PER_ROW - 1), PER_ROW)
        # as Textual's grid shares 1fr columns: what does not divide goes to the last
        extra = room % PER_ROW
        widths = [room // PER_ROW + (i >= PER_ROW - extra) for i in range(PER_ROW)]
        starts = [sum(widths[:i]) + GUTTER * i for i in range(PER_ROW)]
        return [
            (i // PER_ROW, starts[i % PER_ROW], widths[i % PER_ROW]) for i in range(len(self.keys))
        ]

    @staticmethod
    def _label(key: Key) -> str:
        return f" {key.display} {key.description} " if key.description else key.display

    def key_regions(self) -> list[tuple[Key, Region]]:
        """Each key with the screen region it is drawn in (where a tap runs it)."""
        x0, y0 = self.content_region.offset
        width = self.content_region.width
        return [
            (key, Region(x0 + x, y0 + row, min(w, max(width - x, 0)), 1))
            for key, (row, x, w) in zip(self.keys, self._cells(width), strict=True)
        ]

    # -- drawing -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        fill = Style(bgcolor=base.bgcolor)
        key_style = self.get_component_rich_style("keys--key")
        description_style = self.get_component_rich_style("keys--description")
        segments: list[Segment] = []
        x = 0
        for i, (key, (row, at, cell)) in enumerate(zip(self.keys, self._cells(width), strict=True)):
            if row != y:
                continue
            if at > x:
                segments.append(Segment(" " * (at - x), fill))
            under = base
            if i == self._hover:
                under = base + self.get_component_rich_style("keys--hover")
            if not key.enabled:
                under += Style(dim=True)
            on = Style(bgcolor=under.bgcolor)  # the key's own background (hovered or not)
            if key.description:
                parts = [
                    (f" {key.display} ", under + key_style + on),
                    (f"{key.description} ", under + description_style + on),
                ]
            else:
                parts = [(key.display, under + key_style + on)]
            drawn = 0
            for text, style in parts:
                if self._narrow():
                    text = text[: cell - drawn]  # a key keeps to its cell, as in a grid
                if text:
                    segments.append(Segment(text, style))
                    drawn += len(text)
            if self._narrow() and cell > drawn:
                segments.append(Segment(" " * (cell - drawn), on))
                drawn = cell
            x = at + drawn
        if x < width:
            segments.append(Segment(" " * (width - x), fill))
        return Strip(segments).crop(0, width)

    # -- the pointer -------------------------------------------------------------

    def _key_at(self, event: events.MouseEvent) -> int | None:
        for i, (row, x, w) in enumerate(self._cells(self.size.width)):
            if row == event.y and x <= event.x < x + w:
                return i
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        at = self._key_at(event)
        if at != self._hover:
            self._hover = at
            key = self.keys[at] if at is not None else None
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        at = self._key_at(event)
        if at is None:
            return
        key = self.keys[at]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
