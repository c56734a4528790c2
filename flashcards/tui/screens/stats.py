"""The stats screen: a year of reviews, the forecast, retention, the answer buttons,
intervals, ease and hours of day as pictures (all that `flashcards stats` reports).

The figures come from `Collection.stats()` (flashcards.stats), computed in a
worker thread on the screen's own connection to the collection, so a large
review log never blocks the UI; the worker posts them back as a message.
Counts and the streak are numbers; the calendar heatmap, the 30-day forecast
and retention are laid out by flashcards.charts, as in `flashcards stats`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, VerticalGroup, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from flashcards import charts
from flashcards.display import visible
from flashcards.tui.widgets.keys import Keys
from flashcards.tui.widgets.title import TitleBar


def heatmap_text(cal: charts.Calendar) -> Text:
    """Month names over one column per week, a row per weekday (Mon/Wed/Fri labelled)."""
    text = Text(charts.month_line(cal) + "\n", style="dim")
    for weekday, row in enumerate(cal.cells):
        text.append(charts.weekday_label(weekday), style="dim")
        for glyph, level in charts.heat_cells(row):
            text.append(glyph, "" if level is None else charts.HEAT_STYLES[level])
        if weekday < 6:
            text.append("\n")
    return text


def legend_text() -> Text:
    text = Text("less ")
    for level in range(5):
        text.append(charts.HEAT[level], charts.HEAT_STYLES[level])
    text.append(" more")
    return text


def forecast_text(due: list[int], height: int = 4) -> Text:
    """Cards due per day as columns, today first, with the busiest day's count on top."""
    chart = charts.columns(due, height, {0: "today", 7: "+7", 14: "+14", 21: "+21", 28: "+28"})
    text = Text()
    for scale, bars in zip(chart.scale, chart.bars, strict=True):
        text.append(scale, style="dim")
        text.append(bars, style="green")
        text.append("\n")
    text.append(chart.axis, style="dim")
    return text


def retention_text(retention: dict, width: int = 5) -> Text:
    """Young / mature / all × 7 / 30 / 365 days: a bar and the share passed."""
    text = Text(f"{'':7}", style="dim")
    for period in ("7", "30", "365"):
        text.append(f"{period + ' days':<{width + 6}}", style="dim")
    for group in ("young", "mature", "all"):
        text.append(f"\n{group:<7}")
        for period in ("7", "30", "365"):
            cell = retention[period][group]
            rate = cell["rate"]
            bar = charts.horizontal_bar(rate or 0, 1, width)
            text.append(f"{bar:<{width}}", style="cyan")
            text.append(f"{'—' if rate is None else f'{rate:.0%}':>5} ")
    return text


def buttons_text(buttons: dict) -> Text:
    """Answer buttons of the last 365 days per kind of card: each button's count and share."""
    from flashcards.stats import BUTTONS

    text = Text(f"{'':7}" + "".join(f"{b:>11}" for b in BUTTONS), style="dim")
    for group in ("new", "young", "mature", "drill"):
        counts = buttons[group]
        total = sum(counts)
        text.append(f"\n{group:<7}")
        for n in counts:
            text.append(f"{n:>6}")
            text.append(f" {n / total:>4.0%}" if total else "     ", style="dim")
    return text


def histogram_text(rows: list[tuple[str, int]], style: str, width: int = 12) -> Text:
    """One labelled bar per bucket, scaled to the largest, with its count of cards."""
    top = max((n for _, n in rows), default=0)
    text = Text()
    for i, (label, n) in enumerate(rows):
        text.append(f"{label:>8} ", style="dim")
        text.append(f"{charts.horizontal_bar(n, top, width):<{width}}", style=style)
        text.append(f"{n:>5}" + ("\n" if i < len(rows) - 1 else ""))
    return text


def interval_label(lo: int, hi: int | None) -> str:
    return f"{lo}d" if lo == hi else f"{lo}-{hi}d" if hi else f"> {lo - 1}d"


def hours_text(hours: list[dict], height: int = 3) -> Text:
    """Answers by local hour of day, midnight first."""
    labels = {0: "0h", 6: "6h", 12: "12h", 18: "18h", 23: "23h"}
    chart = charts.columns([h["answers"] for h in hours], height, labels)
    text = Text()
    for scale, bars in zip(chart.scale, chart.bars, strict=True):
        text.append(scale, style="dim")
        text.append(bars, style="yellow")
        text.append("\n")
    text.append(chart.axis, style="dim")
    return text


class Tile(Static):
    """A figure over its label."""

    def __init__(self, label: str, tile_id: str) -> None:
        super().__init__(Text(f"—\n{label}"), id=tile_id, classes="tile", markup=False)
        self.label = label
        self.value: str | None = None

    def show(self, value: str) -> None:
        self.value = value
        text = Text(value, style="bold")
        text.append(f"\n{self.label}", style="dim")
        self.update(text)


class StatsScreen(Screen[None]):
    """Progress for one deck (or all): pushed from the decks screen with `t`."""

    # 80×24 shows: header 1, tiles 1+2+2, year 10, forecast/retention 7, footer 1; the
    # buttons, intervals, ease and hours follow (160×50 shows them all; smaller, scroll)
    DEFAULT_CSS = """
    StatsScreen #stats-body { height: 1fr; padding: 0 0 0 1; scrollbar-size-vertical: 1; }
    StatsScreen .tiles { height: 2; }
    StatsScreen #today-tiles { margin-top: 1; }
    StatsScreen .tile { width: 1fr; height: 2; text-align: center; }
    StatsScreen #year { height: 10; }
    StatsScreen #heatmap {
        width: 61; height: 10; border: round $primary-darken-1; padding: 0 1;
        border-subtitle-color: $text-muted;
    }
    StatsScreen #year-figures { width: 1fr; height: 10; padding: 1 0 0 2; }
    StatsScreen #lower { height: 7; }
    StatsScreen #forecast { width: 37; height: 7; border: round $primary-darken-1; }
    StatsScreen #retention { width: 1fr; height: 7; border: round $primary-darken-1; }
    StatsScreen #more { height: auto; }
    StatsScreen #buttons, StatsScreen #intervals, StatsScreen #ease, StatsScreen #hours {
        height: auto; border: round $primary-darken-1; padding: 0 1;
    }
    StatsScreen #buttons-ease { width: 55; }
    StatsScreen #intervals { width: 1fr; }
    StatsScreen #stats-error { color: $text-error; padding: 1 2; display: none; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    class Loaded(Message, bubble=False):  # for this screen only
        """The worker's figures (the dict `Collection.stats` returns)."""

        def __init__(self, figures: dict) -> None:
            super().__init__()
            self.figures = figures

    class Failed(Message, bubble=False):
        """The worker could not compute the figures; `error` says why."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        collection_path: Path,
        deck: str | None,
        *,
        now: datetime | None = None,
        timezone: str | None = None,
    ) -> None:
        super().__init__()
        self.collection_path = Path(collection_path)
        self.deck = deck
        self.fixed_now = now
        self.timezone = timezone
        self.figures: dict | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="▦")
        with VerticalScroll(id="stats-body"):
            with Horizontal(id="today-tiles", classes="tiles"):
                yield Tile("streak", "streak")
                yield Tile("longest", "longest")
                yield Tile("answers today", "answers")
                yield Tile("time today", "time")
                yield Tile("left today", "left")
            with Horizontal(classes="tiles"):
                for name in ("new", "learning", "young", "mature"):
                    yield Tile(name, name)
                yield Tile("suspended", "suspended")
                yield Tile("buried", "buried")
                yield Tile("retired", "retired")
                yield Tile("leeches", "leeches")
            with Horizontal(id="year"):
                yield Static(id="heatmap", markup=False)
                yield Static(id="year-figures", markup=False)
            with Horizontal(id="lower"):
                yield Static(id="forecast", markup=False)
                yield Static(id="retention", markup=False)
            with HorizontalGroup(id="more"):
                with VerticalGroup(id="buttons-ease"):  # ease has few rows: under the buttons
                    yield Static(id="buttons", markup=False)
                    yield Static(id="ease", markup=False)
                yield Static(id="intervals", markup=False)
            yield Static(id="hours", markup=False)
        yield Static(id="stats-error", markup=False)
        yield Keys()

    def on_mount(self) -> None:
        self.sub_title = visible(
            f"statistics — {self.deck if self.deck is not None else 'all decks'}"
        )
        self.query_one("#heatmap").border_title = "Reviews, last 365 days"
        self.query_one("#forecast").border_title = "Due, next 30 days"
        self.query_one("#retention").border_title = "True retention"
        self.query_one("#buttons").border_title = "Answer buttons, last 365 days"
        self.query_one("#intervals").border_title = "Intervals"
        self.query_one("#ease").border_title = "Ease (EF)"
        self.query_one("#hours").border_title = "Hour of day, last 365 days"
        self.query_one("#stats-body").loading = True
        self.load()

    @property
    def now(self) -> datetime | None:
        """The moment to compute at: given, else the app's fixed moment (tests), else the clock."""
        return self.fixed_now if self.fixed_now is not None else getattr(self.app, "now", None)

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        """Compute the figures on a connection of this thread's own (a Store is per thread)."""
        from flashcards.collection import Collection, CollectionError
        from flashcards.store import StoreError

        try:
            with Collection.open(
                self.collection_path, timezone=self.timezone, readonly=True
            ) as col:
                figures = col.stats(self.deck, now=self.now)
        except (CollectionError, StoreError, sqlite3.Error, OSError) as err:
            self.post_message(self.Failed(str(err)))
            return
        self.post_message(self.Loaded(figures))

    def on_stats_screen_loaded(self, message: Loaded) -> None:
        self.figures = figures = message.figures
        today, streak, cards = figures["today"], figures["streak"], figures["cards"]
        left = today["left"]
        self.query_one("#streak", Tile).show(_days(streak["current"]))
        self.query_one("#longest", Tile).show(_days(streak["longest"]))
        self.query_one("#answers", Tile).show(str(today["answers"]))
        self.query_one("#time", Tile).show(charts.duration(today["time_ms"]))
        self.query_one("#left", Tile).show(str(left["new"] + left["review"] + left["drill"]))
        for name in (
            "new",
            "learning",
            "young",
            "mature",
            "suspended",
            "buried",
            "retired",
            "leeches",
        ):
            self.query_one(f"#{name}", Tile).show(str(cards[name]))

        history = figures["history"]
        heatmap = self.query_one("#heatmap", Static)
        heatmap.update(heatmap_text(charts.calendar(history)))
        heatmap.border_subtitle = legend_text()
        answers = history["answers"]
        studied = sum(1 for n in answers if n)
        year = Text()
        for value, label in (
            (str(sum(answers)), "answers"),
            (str(studied), "study days"),
            (charts.duration(sum(history["time_ms"])), "spent"),
        ):
            year.append(value, style="bold")
            year.append(f"\n{label}\n\n", style="dim")
        year.rstrip()
        self.query_one("#year-figures", Static).update(year)
        self.query_one("#forecast", Static).update(forecast_text(figures["forecast"]["due"]))
        self.query_one("#retention", Static).update(retention_text(figures["retention"]))
        self.query_one("#buttons", Static).update(buttons_text(figures["buttons"]))
        intervals = [(interval_label(b["from"], b["to"]), b["cards"]) for b in figures["intervals"]]
        self.query_one("#intervals", Static).update(histogram_text(intervals, "cyan"))
        ease = [(f"{b['from']:.1f}", b["cards"]) for b in figures["ease"]]
        self.query_one("#ease", Static).update(histogram_text(ease, "magenta"))
        self.query_one("#hours", Static).update(hours_text(figures["hours"]))
        self.query_one("#stats-body").loading = False

    def on_stats_screen_failed(self, message: Failed) -> None:
        body = self.query_one("#stats-body")
        body.loading = False
        body.display = False
        error = self.query_one("#stats-error", Static)
        error.update(Text(visible(f"The statistics could not be computed:\n{message.error}")))
        error.display = True

    def action_back(self) -> None:
        self.app.pop_screen()


def _days(n: int) -> str:
    return charts.count(n, "day")
