"""The stats screen (`t` on the decks screen): a snapshot at 80×24 and its flows.

The physics deck is studied at noon UTC on twenty of the last thirty days
before the app opens; noon UTC is the same study day in every time zone
from UTC-12 to UTC+12, so the picture does not depend on the machine's zone
(its hours of day are drawn with TZ=UTC).
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import NOW

from flashcards.collection import Collection
from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.stats import StatsScreen, Tile

from .conftest import flat

SIZE = (80, 24)


@pytest.fixture
def studied(collection_path: Path) -> Path:
    """Every card answered when due on 20 of the last 30 days; one card failed a day."""
    with Collection.open(collection_path) as col:
        for back in range(30, 0, -1):
            if back % 3 == 0:
                continue
            when = NOW - timedelta(days=back)
            for i in range(10):
                card = col.next_card(now=when)
                if card is None:
                    break
                col.answer(card.id, 2 if i == 0 else 4, now=when, duration_ms=7000)
                when += timedelta(seconds=20)
    return collection_path


async def open_stats(pilot) -> None:
    await pilot.press("t")
    await settle(pilot)


async def settle(pilot) -> None:
    """Let the stats worker finish and its message land."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def drive(app, scenario, **kwargs) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE, **kwargs) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_stats_screen(snap_compare, app_factory, studied, size, monkeypatch):
    """Tiles, the year's heatmap, the forecast and retention bars, the answer buttons,
    intervals, ease and hours of day for Physics (hours in UTC, whatever the machine's)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    assert snap_compare(app_factory(), terminal_size=size, run_before=open_stats)


def test_figures_come_from_a_worker_thread(app_factory, studied, monkeypatch):
    """The figures are computed off the UI's thread and posted back as a message."""
    posted: list = []
    threads: list[threading.Thread] = []
    compute = Collection.stats

    def recording(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return compute(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "stats", recording)
    app = app_factory()

    async def scenario(pilot) -> None:
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        await settle(pilot)
        assert threads and threads[0] is not threading.current_thread()
        assert screen.figures is not None
        assert not screen.query_one("#stats-body").loading
        text = flat(app)
        assert "statistics — Physics" in text
        assert "Reviews, last 365 days" in text
        cards, streak = screen.figures["cards"], screen.figures["streak"]
        for name in ("new", "learning", "young", "mature", "suspended", "leeches"):
            assert screen.query_one(f"#{name}", Tile).value == str(cards[name])
        assert screen.query_one("#streak", Tile).value == f"{streak['current']} days"

    drive(app, scenario, message_hook=posted.append)
    loaded = [m for m in posted if isinstance(m, StatsScreen.Loaded)]
    assert len(loaded) == 1
    with Collection.open(studied) as col:
        assert loaded[0].figures == col.stats("Physics", now=NOW)
    assert loaded[0].figures["streak"]["days_studied"] == 20


@pytest.mark.parametrize("key", ["escape", "q"])
def test_back_to_the_decks(app_factory, studied, key):
    app = app_factory()

    async def scenario(pilot) -> None:
        await open_stats(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.is_running  # q leaves the stats, not the app

    drive(app, scenario)


def test_all_decks(app_factory, studied):
    app = app_factory()

    async def scenario(pilot) -> None:
        await pilot.pause()
        app.push_screen(StatsScreen(studied, None))
        await settle(pilot)
        assert "statistics — all decks" in flat(app)
        assert app.screen.figures["deck"] is None

    drive(app, scenario)


def test_a_failure_is_shown_not_raised(app_factory, studied):
    app = app_factory()

    async def scenario(pilot) -> None:
        await pilot.pause()
        app.push_screen(StatsScreen(studied, "[b]Gone[/b]"))
        await settle(pilot)
        text = flat(app)
        assert "The statistics could not be computed:" in text
        # deck names are shown as text, never read as markup
        assert "statistics — [b]Gone[/b]" in text
        assert "no deck named '[b]Gone[/b]'" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario)


def test_everything_the_cli_reports_is_on_the_screen(app_factory, studied):
    """The answer buttons, intervals, ease and hours of `flashcards stats`, with the same
    figures; at 80×24 they are below the fold and scroll into view."""
    app = app_factory()

    async def scenario(pilot) -> None:
        await open_stats(pilot)
        screen = app.screen
        figures = screen.figures
        buttons = str(screen.query_one("#buttons").render())
        young = figures["buttons"]["young"]
        for n in young:
            assert str(n) in buttons
        assert sum(young) > 0
        intervals = str(screen.query_one("#intervals").render())
        for bucket in figures["intervals"]:
            if bucket["cards"]:
                assert f"{bucket['cards']}" in intervals
        ease = str(screen.query_one("#ease").render())
        assert f"{figures['ease'][0]['from']:.1f}" in ease
        hours = str(screen.query_one("#hours").render())
        assert str(max(h["answers"] for h in figures["hours"])) in hours
        assert "Answer buttons" not in flat(app)  # below the fold at 80×24
        body = screen.query_one("#stats-body")
        body.scroll_to_widget(screen.query_one("#more"), animate=False, top=True)
        await pilot.pause()
        assert "Answer buttons, last 365 days" in flat(app)
        body.scroll_end(animate=False)
        await pilot.pause()
        assert "Hour of day, last 365 days" in flat(app)

    drive(app, scenario)
