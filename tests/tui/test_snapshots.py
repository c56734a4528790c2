"""Snapshots of the app's screens (pytest-textual-snapshot): the decks, a card's front and
back at 60×18, 80×24 and 160×50 (the card column centred and of readable width, the
answer bar at the bottom with every interval), the summary and the keys at 80×24.

The pictures live in `__snapshots__/test_snapshots/` and are reviewed like
code: after a deliberate change to a screen, look at the report and run
`python -m pytest tests/tui/test_snapshots.py --snapshot-update`.

Every picture is independent of the wall clock (a fixed `now` and a hand-moved
clock) and of the temporary folder (the app shows file names, not paths).
"""

from __future__ import annotations

import pytest

SIZE = (80, 24)
SIZES = pytest.mark.parametrize(
    "size", [(60, 18), (80, 24), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}"
)


async def answer_all(pilot) -> None:
    """Study the physics deck to its end, four seconds a card."""
    clock = pilot.app.clock
    for _ in range(4):
        clock.advance(1.5)
        await pilot.press("space")
        clock.advance(2.5)
        await pilot.press("3")
    await pilot.pause()


async def reveal(pilot) -> None:
    await pilot.press("space")
    await pilot.pause()


async def show_help(pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


@SIZES
def test_home(snap_compare, app_factory, size):
    """The decks table with new / due / total and today's progress."""
    assert snap_compare(app_factory(), terminal_size=size)


@SIZES
def test_review_front(snap_compare, app_factory, size):
    """Breadcrumb, the front with its gap, counts, and the show-answer bar."""
    assert snap_compare(app_factory(deck="Physics"), terminal_size=size)


@SIZES
def test_review_back(snap_compare, app_factory, size):
    """The answer filled in, the block's children, and buttons saying what each does."""
    assert snap_compare(app_factory(deck="Physics"), terminal_size=size, run_before=reveal)


def test_summary(snap_compare, app_factory):
    """The end of the session: cards, time, share correct, due tomorrow."""
    assert snap_compare(app_factory(deck="Physics"), terminal_size=SIZE, run_before=answer_all)


def test_help(snap_compare, app_factory):
    """The keys page over the decks screen."""
    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=show_help)
