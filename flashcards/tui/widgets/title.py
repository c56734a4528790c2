"""The title bar: Textual's Header line, drawn by one widget.

It shows what Textual's Header shows with `icon=` and no clock — the icon in an
eight-column cell on the left (lit under the pointer), the screen's title and sub
title ("flashcards — all decks", the sub title dimmed) centred in the middle and cut
with an ellipsis when they do not fit, ten blank columns on the right — in the same
colours; a click makes it three lines tall and back, as Header's does. Header is four
widgets with their CSS (about 49 million instructions of the first card's start-up,
the most a review's first paint cost beyond a bare Textual app); this draws the same
line, segment for segment (tests/tui/test_title.py compares the two).

The title follows the app's and the screen's `title` and `sub_title`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.strip import Strip
from textual.style import Style as ContentStyle
from textual.widget import Widget

ICON_WIDTH = 8  # Header's icon cell: one column of padding each side
CLOCK_WIDTH = 10  # the blank cell Header keeps on the right for a clock it does not show
TALL = 3  # rows, after a click


class TitleBar(Widget, can_focus=False):
    """The app's title line along the top of a screen."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"title-bar--icon-hover"}
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        &.-tall { height: 3; }
        .title-bar--icon-hover { background: $foreground 10%; }
    }
    """

    def __init__(self, icon: str = "⭘") -> None:
        super().__init__()
        self.icon = icon
        self._icon_hover = False
        self._title = Content("")

    def on_mount(self) -> None:
        self._title = self._format_title()
        for node in (self.app, self.screen):
            self.watch(node, "title", self._title_changed, init=False)
            self.watch(node, "sub_title", self._title_changed, init=False)

    def _format_title(self) -> Content:
        """What Header shows: the screen's title and sub title, else the app's."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def _title_changed(self) -> None:
        title = self._format_title()
        if title != self._title:
            self._title = title
            self.refresh()

    # -- the pointer ---------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        self.toggle_class("-tall")

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_icon_hover(event.x < ICON_WIDTH)

    def on_leave(self, event: events.Leave) -> None:
        self._set_icon_hover(False)

    def _set_icon_hover(self, hover: bool) -> None:
        if hover != self._icon_hover:
            self._icon_hover = hover
            self.refresh()

    # -- drawing -------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style  # foreground on the panel
        fill = Style(bgcolor=base.bgcolor)
        pad = base + Style(reverse=False)  # how Textual pads a line of content
        icon_base = base
        if self._icon_hover:
            icon_base = base + self.get_component_rich_style("title-bar--icon-hover")
        icon_fill = Style(bgcolor=icon_base.bgcolor)
        icon_pad = icon_base + Style(reverse=False)
        # Header's icon sits in the middle of its rows, the title on the first
        middle = y == (self.size.height - 1) // 2
        inner = ICON_WIDTH - 2
        segments = [Segment(" ", icon_fill)]
        if middle:
            icon = self.icon[:inner]
            segments.append(Segment(icon, icon_base + _offset(0)))
            if len(icon) < inner:
                segments.append(Segment(" " * (inner - len(icon)), icon_pad))
        else:
            segments.append(Segment(" " * inner, icon_pad))
        segments.append(Segment(" ", icon_fill))
        room = max(width - ICON_WIDTH - CLOCK_WIDTH, 0)
        if y == 0:
            segments.extend(self._title_segments(room, base, pad))
        elif room:
            segments.append(Segment(" " * room, fill))
        segments.append(Segment(" ", fill))
        if y == 0:
            # the clock space's empty content, as Header draws it: the same runs of colour
            # (the snapshot tests compare pictures run by run)
            segments.append(Segment("", base + _offset(0)))
            segments.append(Segment(" " * (CLOCK_WIDTH - 2), fill))
        else:
            segments.append(Segment(" " * (CLOCK_WIDTH - 2), base))
        segments.append(Segment(" ", fill))
        return Strip(segments).crop(0, width)

    def _title_segments(self, room: int, base: Style, pad: Style) -> list[Segment]:
        """The title centred in `room` columns, cut with an ellipsis when it does not fit."""
        if room <= 0:
            return []
        title = self._title.truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        right = room - title.cell_length - left
        segments = []
        if left:
            segments.append(Segment(" " * left, pad))
        x = 0
        for text, style, _ in title.render_segments(ContentStyle.from_rich_style(base)):
            # where each piece sits in the title, as Textual marks text (for selection)
            segments.append(Segment(text, (style or Style()) + _offset(x)))
            x += len(text)
        if right:
            segments.append(Segment(" " * right, pad))
        return segments


def _offset(x: int) -> Style:
    return Style.from_meta({"offset": (x, 0)})
