"""The card browser and custom study, driven with Pilot as a user would: open the
browser from the decks and from a review, search as you type, sort, suspend and
unsuspend, read a card's history; choose each kind of custom study and study it."""

from __future__ import annotations

from helpers import NOW, reviews_in

from flashcards.collection import Collection
from flashcards.tui.screens.browse import BrowseScreen
from flashcards.tui.screens.custom import CustomReviewScreen, CustomStudyScreen
from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.review import ReviewScreen

from .conftest import flat
from .test_flows import drive
from .test_flows import shown_buttons as shown

SIZE = (100, 30)


def table_ids(app) -> list[int]:
    return [c.id for c in app.screen.found]


async def searched(pilot) -> None:
    """Wait until the browser shows the answer to the last search asked for (the search
    runs on a thread of its own)."""
    await pilot.pause(0.2)  # the search starts a moment after the last key
    # `searching` holds from the last key (its debounce timer) to the answer shown, so a
    # timer that a loaded machine fires late is waited for too
    for _ in range(200):
        if not getattr(pilot.app.screen, "searching", False):
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await searched(pilot)


async def press(pilot, *keys: str) -> None:
    """Keys that change cards or the order: the browser searches again."""
    await pilot.press(*keys)
    await searched(pilot)


def test_browse_search_sort_suspend_unsuspend_history(app_factory, collection_path):
    app = app_factory()

    async def scenario(pilot):
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "slash")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert len(app.screen.found) == 4 and "4 cards" in flat(app)
        await type_text(pilot, "newton")
        assert [c.answers for c in app.screen.found] == [("newton",)]
        assert "never reviewed" in flat(app)  # the detail pane's history
        await pilot.press("down")  # from the search to the table
        await press(pilot, "s")
        await pilot.pause()
        assert app.screen.found[0].states == ("new", "suspended")
        assert "suspended" in flat(app)
        # the search field: clear it (Esc), then search for the state
        await pilot.press("slash")
        await press(pilot, "escape")
        await type_text(pilot, "is:suspended")
        (suspended,) = app.screen.found
        with Collection.open(collection_path, readonly=True) as col:
            assert col.card(suspended.id, NOW).status == "suspended"  # written already
        await pilot.press("enter")  # to the table
        await press(pilot, "s")  # unsuspend: it leaves the search
        await pilot.pause()
        assert app.screen.found == [] and "No card matches" in flat(app)
        await press(pilot, "u")  # undo: suspended again
        await pilot.pause()
        assert [c.id for c in app.screen.found] == [suspended.id]
        await press(pilot, "s")
        await pilot.pause()
        assert app.screen.found == []
        # sorting: o cycles the columns, r reverses
        await pilot.press("slash")
        await press(pilot, "escape")
        await pilot.press("down")
        await press(pilot, "o")  # by due
        await pilot.pause()
        assert app.screen.sort == "due" and "sorted by due date ↑" in flat(app)
        await press(pilot, "r")
        await pilot.pause()
        assert app.screen.descending and "Due ↓" in flat(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario, SIZE)
    with Collection.open(collection_path, readonly=True) as col:
        assert col.find(states=("suspended",), now=NOW).cards == []


def test_browse_from_review_shows_history_and_suspending_the_shown_card(
    app_factory, collection_path
):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        first = app.screen.card
        await pilot.press("space")
        await pilot.press("1")  # Again: a review, then it comes back as a drill
        await pilot.pause()
        shown = app.screen.card
        await press(pilot, "B")
        assert isinstance(app.screen, BrowseScreen)
        await type_text(pilot, first.answers[0].split()[0])
        await pilot.press("down")
        assert app.screen.selected().id == first.id
        assert "History (1 review)" in flat(app) and "review Again (q1)" in flat(app)
        # suspend the card the review shows: back in the review, it has moved on
        await pilot.press("slash")
        await press(pilot, "escape")
        await pilot.press("escape")  # clear, then leave
        await pilot.pause()
        await press(pilot, "B")
        table = app.screen
        await type_text(pilot, shown.answers[0].split()[0])
        await pilot.press("down")
        assert table.selected().id == shown.id
        await press(pilot, "s")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.card is None or app.screen.card.id != shown.id

    drive(app, scenario, SIZE)


async def open_custom(pilot, app) -> None:
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, CustomStudyScreen)


def test_custom_study_cram_from_home(app_factory, collection_path):
    app = app_factory()

    async def scenario(pilot):
        await open_custom(pilot, app)
        await pilot.press("4")  # cram; the tag field is focused, empty: the whole deck
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomReviewScreen)
        assert "practice: the schedule stays" in flat(app)
        for _ in range(4):
            await pilot.press("space")
            assert "Good ·" not in flat(app)  # no interval: nothing is scheduled
            await pilot.press("3")
            await pilot.pause()
        assert "Custom study done" in flat(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario, SIZE)
    assert [r[3] for r in reviews_in(collection_path)] == ["cram"] * 4
    with Collection.open(collection_path, readonly=True) as col:
        assert col.doctor() == []
        assert len(col.find(states=("new",), now=NOW).cards) == 4  # still new


def test_custom_study_ahead_with_reschedule_from_nothing_due(app_factory, collection_path):
    from datetime import timedelta

    with Collection.open(collection_path) as col:
        for card in col.cards():
            col.answer(card.id, 5, NOW - timedelta(days=2))
            col.answer(card.id, 5, NOW - timedelta(days=1))  # interval 6: due in 5 days
        before = {c.id: c.due for c in col.cards()}
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        assert "Press c for custom study" in flat(app)
        await open_custom(pilot, app)
        await pilot.press("1")  # ahead; the days field is focused, "1" in it
        await pilot.press("enter")
        await pilot.pause()
        assert "No cards for study ahead 1 day in Physics" in flat(app)  # due in 5
        await pilot.press("escape")
        await pilot.pause()
        await open_custom(pilot, app)
        await pilot.press("1")
        await pilot.press("backspace")
        await pilot.press("5")
        await pilot.press("ctrl+r")  # reschedule: real reviews
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomReviewScreen)
        assert "answers reschedule" in flat(app) and "Left 4" in flat(app)
        for _ in range(4):
            await pilot.press("space")
            # a real review: its interval is shown (practice shows none)
            assert any(b.startswith("3 Good") and b.rstrip().endswith("d") for b in shown(app))
            await pilot.press("3")
            await pilot.pause()
        assert "Custom study done" in flat(app)

    drive(app, scenario, SIZE)
    with Collection.open(collection_path, readonly=True) as col:
        assert all(c.due > before[c.id] for c in col.cards())  # rescheduled from today
        assert col.doctor() == []
    assert [r[3] for r in reviews_in(collection_path)] == ["review"] * 12


def test_custom_study_each_kind(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        # fail one card, pass the rest: then nothing is due
        await pilot.press("space")
        await pilot.press("1")
        for _ in range(10):
            await pilot.pause()
            if not isinstance(app.screen, ReviewScreen) or app.screen.card is None:
                break
            await pilot.press("space")
            await pilot.press("4")
        await pilot.pause()
        # the summary; back to the decks
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # today's failed cards again: one card, logged as a drill
        await open_custom(pilot, app)
        await pilot.press("2")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomReviewScreen)
        assert "Left 1" in flat(app)
        await pilot.press("space")
        await pilot.press("4")
        await pilot.pause()
        assert "Custom study done" in flat(app)
        await pilot.press("u")  # undo takes it back: the card is shown again
        await pilot.pause()
        assert app.screen.card is not None and "Left 1" in flat(app)
        await pilot.press("space")
        await pilot.press("4")
        await pilot.press("escape")
        await pilot.pause()
        # more new cards today: the ordinary review
        await open_custom(pilot, app)
        await pilot.press("3")
        await pilot.press("ctrl+a")
        await type_text(pilot, "x")
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a whole number" in flat(app)  # said in the dialog
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario, SIZE)
    kinds = [r[3] for r in reviews_in(collection_path)]
    assert kinds.count("drill") >= 1
    with Collection.open(collection_path, readonly=True) as col:
        assert col.doctor() == []


def test_edit_from_the_browser_rebuilds_and_keeps_the_card(
    app_factory, collection_path, deck_dir, tmp_path, monkeypatch
):
    from .test_flows import fake_editor

    notes = deck_dir / "notes" / "physics.md"
    edited = "sed -i 's/The SI unit of force/The SI unit of force, in physics,/' \"$2\""
    monkeypatch.setenv("VISUAL", str(fake_editor(tmp_path, edited)))
    app = app_factory()

    async def scenario(pilot):
        await press(pilot, "slash")
        await type_text(pilot, "newton")
        (card,) = app.screen.found
        await pilot.press("down")
        await pilot.press("e")
        # the edit's rebuild: every worker but the browser's searcher, which waits on
        # (an empty list would mean every worker to Textual)
        others = [w for w in pilot.app.workers if w.group != "search"]
        if others:
            await pilot.app.workers.wait_for_complete(others)
        await pilot.pause()
        await searched(pilot)
        assert isinstance(app.screen, BrowseScreen)
        (after,) = app.screen.found
        assert after.id == card.id and "in physics" in after.text  # rebuilt, same card

    drive(app, scenario, SIZE)
    assert (tmp_path / "editor-args").read_text().split() == ["+12", str(notes)]
