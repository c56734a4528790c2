"""The screens ask, the app goes: the navigation messages each key posts.

Every navigation is a message from a screen (flashcards.tui.messages) that the
app routes; these tests watch them with `run_test(message_hook=...)` and check
both the message and the screen the app then shows.
"""

from __future__ import annotations

import asyncio
import sqlite3

from textual import events

from flashcards.tui.messages import (
    FailureReported,
    HelpRequested,
    HomeRequested,
    ResumeRequested,
    StatsRequested,
    StudyRequested,
    SummaryRequested,
)
from flashcards.tui.screens.help import HelpScreen
from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.message import MessageScreen
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.screens.stats import StatsScreen
from flashcards.tui.screens.summary import SummaryScreen

from .test_flows import SIZE, reviews, settle


class Posted:
    """The messages the app and its screens handled, each once (a message that bubbles
    from a screen to the app is seen at both)."""

    def __init__(self) -> None:
        self.seen: list[object] = []

    def __call__(self, message: object) -> None:
        if not any(m is message for m in self.seen):
            self.seen.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.seen if isinstance(m, kind)]


def drive(app, scenario, posted: Posted | None = None) -> Posted:
    """Run `scenario(pilot)` on the app, collecting what was posted (into `posted`)."""
    posted = Posted() if posted is None else posted

    async def main() -> None:
        async with app.run_test(size=SIZE, message_hook=posted) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())
    return posted


def test_choosing_a_deck_posts_study_requested(app_factory):
    app = app_factory()

    async def scenario(pilot):
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck == "Physics"

    posted = drive(app, scenario)
    assert [m.deck for m in posted.of(StudyRequested)] == ["Physics"]


def test_all_decks_posts_study_requested_for_every_deck(app_factory):
    app = app_factory()

    async def scenario(pilot):
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck is None

    posted = drive(app, scenario)
    assert [m.deck for m in posted.of(StudyRequested)] == [None]


def test_esc_after_answers_posts_summary_requested_with_the_session(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        review = app.screen
        assert isinstance(review, ReviewScreen)
        first = review.card.id
        await pilot.press("space", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        (asked,) = posted.of(SummaryRequested)
        assert asked.deck == "Physics" and asked.session is review.session
        assert asked.session.answers == [(first, 4)]

    posted = Posted()
    drive(app, scenario, posted)


def test_esc_before_any_answer_posts_home_requested(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    posted = drive(app, scenario)
    assert len(posted.of(HomeRequested)) == 1
    assert not posted.of(SummaryRequested)


def test_the_last_answer_posts_summary_requested(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        for _ in range(4):
            await pilot.press("space", "3")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)

    posted = drive(app, scenario)
    (asked,) = posted.of(SummaryRequested)
    assert len(asked.session.answers) == 4


def test_t_posts_stats_requested_for_the_highlighted_deck(app_factory):
    app = app_factory()

    async def scenario(pilot):
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen) and app.screen.deck == "Physics"

    posted = drive(app, scenario)
    assert [m.deck for m in posted.of(StatsRequested)] == ["Physics"]


def test_question_mark_posts_help_requested_from_every_screen(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "escape")  # the keys page, then the review
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    posted = drive(app, scenario)
    assert len(posted.of(HelpRequested)) == 2


def test_the_summary_posts_home_and_resume_requested(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("space", "3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.session.answers == []
        await pilot.press("space", "3", "escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    posted = drive(app, scenario)
    (resume,) = posted.of(ResumeRequested)
    assert resume.deck == "Physics"
    assert len(posted.of(SummaryRequested)) == 2
    assert len(posted.of(HomeRequested)) == 1


def test_a_failure_is_posted_and_shown_over_the_screen(app_factory):
    app = app_factory()

    async def scenario(pilot):
        assert isinstance(app.screen, HomeScreen)
        decks = app.col.decks

        def broken(*args: object, **kwargs: object) -> None:
            app.col.decks = decks  # once: the decks read again when the message closes
            raise sqlite3.OperationalError("disk I/O error")

        app.col.decks = broken  # the next read of the decks fails
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.is_running

    posted = drive(app, scenario)
    (failure,) = posted.of(FailureReported)
    assert failure.doing == "starting the build"
    assert isinstance(failure.error, sqlite3.OperationalError)


def test_keys_typed_ahead_of_the_summary_answer_nothing_more(app_factory, collection_path):
    """After the last answer the review has asked for the summary; a key typed before the
    app shows it must not answer the last card again."""
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        review = app.screen
        for _ in range(3):
            await pilot.press("space", "3")
        await pilot.press("space")
        review.action_answer(3)  # the last answer: the review asks for the summary
        # a key typed just before, already past the focused widget, meets the app's
        # bindings before that request reaches the app (a forwarded Key: Textual's flag)
        typed = events.Key("3", "3")
        typed._set_forwarded()
        app.post_message(typed)
        for _ in range(200):  # event-loop turns, not time: a loaded machine needs more
            await pilot.pause()
            if isinstance(app.screen, SummaryScreen):
                break
        assert isinstance(app.screen, SummaryScreen)
        assert len(review.session.answers) == 4

    posted = drive(app, scenario)
    assert len(posted.of(SummaryRequested)) == 1
    assert len(reviews(collection_path)) == 4  # the last card was answered once
