"""The app at phone size (45x30, `flashcards serve` in a phone's browser): every
step of a session is a tap: a deck row, Show answer, a grade, and the footer's
keys, wrapped into rows so none runs off the edge."""

from __future__ import annotations

from helpers import reviews_in

from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.widgets.keys import Keys

from .conftest import screen_text
from .test_flows import drive, settle

PHONE = (45, 30)


def footer_keys(app) -> list[str]:
    return [key.description for key in app.screen.query_one(Keys).keys]


def test_a_tap_on_a_deck_then_show_answer_then_a_grade_records_a_review(
    app_factory, collection_path
):
    app = app_factory()

    async def scenario(pilot):
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.click("#decks", offset=(4, 1))  # the Physics row
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.click("#show")
        await pilot.pause()
        assert app.screen.revealed
        text = screen_text(app)
        for label in ("1 Again", "2 Hard", "3 Good", "4 Easy"):
            assert label in text
        await pilot.click("#grade-4")
        await settle(pilot)
        assert not app.screen.revealed  # on to the next card

    drive(app, scenario, size=PHONE)
    assert [r[1] for r in reviews_in(collection_path)] == [5]


def test_every_footer_key_shows_and_a_tap_runs_it(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await settle(pilot)
        await pilot.click("#show")
        await pilot.click("#grade-3")
        await settle(pilot)
        keys = app.screen.query_one(Keys)
        assert keys.size.height >= 3  # rows, not one line running off the edge
        text = screen_text(app)
        for description in footer_keys(app):
            assert description[:6] in text
        regions = keys.key_regions()
        assert len(regions) == len(footer_keys(app)) > 4
        for _, region in regions:
            assert region.right <= PHONE[0]
        undo = next(region for key, region in regions if key.description == "Undo")
        await pilot.click(Keys, offset=(undo.x - keys.region.x + 1, undo.y - keys.region.y))
        await settle(pilot)

    drive(app, scenario, size=PHONE)
    assert [r[1] for r in reviews_in(collection_path)] == []  # the tap on Undo undid it


def test_a_wide_terminal_keeps_the_one_line_footer(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await settle(pilot)
        assert app.screen.query_one(Keys).size.height == 1
        await pilot.resize_terminal(*PHONE)
        await settle(pilot)
        assert app.screen.query_one(Keys).size.height >= 3

    drive(app, scenario, size=(100, 30))
