"""Snapshots of the card browser at 60×18, 80×24 and 160×50: the search, the table with
its sort mark, and the detail pane with a card's history (a failed review, its drill)
and a suspended card in the list.

After a deliberate change to the browser, look at the report and run
`python -m pytest tests/tui/test_browse_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from helpers import NOW

from flashcards.collection import Collection

from .test_browse_flows import searched


@pytest.fixture
def browsed(collection_path):
    """The physics deck with one card failed then drilled today, another suspended."""
    with Collection.open(collection_path) as col:
        first, _, third, _ = col.cards()
        col.answer(first.id, 1, NOW, duration_ms=6000)
        col.answer(first.id, 4, NOW, duration_ms=3000)
        col.suspend(third.id, NOW)
    return collection_path


async def open_browser(pilot) -> None:
    await pilot.press("slash")
    await searched(pilot)  # the first search, on the browser's own thread
    await pilot.press("down")  # to the table: the first card's history below
    await pilot.pause()


@pytest.mark.parametrize("size", [(60, 18), (80, 24), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_browser(snap_compare, app_factory, browsed, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=open_browser)
