"""The keys as the help page and README state them: Space after the reveal is Good, one
rule for Esc and q on every screen, j/k scroll, the help page lists every key, and the
answer buttons keep their intervals from 60 to 160 columns."""

from __future__ import annotations

from helpers import reviews_in

from flashcards.tui.screens.help import TABLES, HelpScreen
from flashcards.tui.screens.home import DecksTable, HomeScreen
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.screens.stats import StatsScreen
from flashcards.tui.screens.summary import SummaryScreen
from flashcards.tui.widgets.answers import AnswerButton

from .conftest import flat
from .test_flows import drive, settle


def shown_buttons(app) -> list[str]:
    return [str(b.label) for b in app.screen.query(AnswerButton) if b.display]


def test_space_and_enter_after_the_reveal_answer_good(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("space")  # reveal
        await pilot.press("space")  # Good
        await pilot.press("enter")  # reveal
        await pilot.press("enter")  # Good

    drive(app, scenario)
    assert [r[1] for r in reviews_in(collection_path)] == [4, 4]  # quality 4: Good


def test_esc_and_q_go_back_one_screen_and_q_on_the_decks_quits(app_factory):
    app = app_factory()
    seen = []

    async def scenario(pilot):
        for back in ("escape", "q"):
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(back)
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, StatsScreen)
            await pilot.press(back)
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("enter")
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press(back)  # nothing answered: straight back to the decks
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("enter", "space", "3")
            await pilot.press(back)  # a session: its summary
            assert isinstance(app.screen, SummaryScreen)
            await pilot.press(back)
            assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # Esc on the first screen does nothing
        assert isinstance(app.screen, HomeScreen) and app.is_running
        seen.append("home")
        await pilot.press("q")
        await pilot.pause()

    drive(app, scenario)
    assert seen == ["home"]
    assert app.return_code == 0


def test_j_and_k_scroll_a_long_answer(app_factory, deck_dir, tmp_path):
    from flashcards.collection import Collection

    notes = deck_dir / "notes" / "physics.md"
    long = "\n".join(f"\t\t- detail number {i} of the first law" for i in range(40))
    notes.write_text(
        "- Newton's laws\n\t- The first law names a **net force** here.\n" + long + "\n"
    )
    path = tmp_path / "long.sqlite"
    with Collection.open(path) as col:
        col.build(deck_dir / "decks" / "physics.md")
    app = app_factory(path=path, deck="Physics")
    moves = []

    async def scenario(pilot):
        await pilot.press("space")
        card = app.screen.query_one("#card")
        assert card.max_scroll_y > 0
        for key in ("j", "j", "j", "k", "down", "up", "up"):
            await pilot.press(key)
            await pilot.pause()
            moves.append(card.scroll_y)

    drive(app, scenario)
    assert moves == [1, 2, 3, 2, 3, 2, 1]


def test_the_help_page_lists_every_key_of_every_screen():
    listed = " ".join(key for _, keys in TABLES for key, _ in keys).lower()
    names = {
        "question_mark": "?",
        "escape": "esc",
        "space": "space",
        "enter": "enter",
        "up": "↑",
        "down": "↓",
        "ctrl+c": "ctrl+c",
        "ctrl+t": "ctrl+t",
        "slash": "/",
        "0": "0–5",
        "5": "0–5",
    }
    from flashcards.tui.app import FlashcardsApp

    owners = [FlashcardsApp, HomeScreen, DecksTable, ReviewScreen, SummaryScreen, StatsScreen]
    missing = []
    for owner in owners:
        for binding in owner.BINDINGS:
            for key in binding.key.split(","):
                if names.get(key, key).lower() not in listed:
                    missing.append((owner.__name__, key))
    assert missing == []


def labels_at(app_factory, size) -> list[str]:
    app = app_factory(deck="Physics")
    shown = []

    async def scenario(pilot):
        await pilot.press("space")
        await pilot.pause()
        shown.extend(shown_buttons(app))
        shown.append(flat(app))

    drive(app, scenario, size=size)
    return shown


def test_the_buttons_keep_their_intervals_from_60_to_160_columns(app_factory):
    *narrow, screen = labels_at(app_factory, (60, 18))
    assert narrow == [
        "1 Again\ntoday",
        "2 Hard −0.14\ntoday→1d",
        "3 Good ±0\n1d",
        "4 Easy +0.10\n1d",
    ]
    for label in narrow:  # and every line of every label is on the screen, uncut
        for line in label.split("\n"):
            assert line in screen
    *middle, screen = labels_at(app_factory, (100, 30))
    assert middle == [
        "1 Again today",
        "2 Hard today→1d −0.14",
        "3 Good 1d ±0",
        "4 Easy 1d +0.10",
    ]
    assert all(label in screen for label in middle)
    *wide, screen = labels_at(app_factory, (160, 50))
    assert wide == [
        "1 Again · today",
        "2 Hard · today, then 1d · ease −0.14",
        "3 Good · 1d · ease ±0",
        "4 Easy · 1d · ease +0.10",
    ]
    assert all(label in screen for label in wide)


def test_the_grade_buttons_are_made_at_the_first_reveal_and_kept(app_factory):
    # the start shows a card without making the six hidden grade buttons (launch cost)
    app = app_factory(deck="Physics")
    seen = []

    async def scenario(pilot):
        seen.append((len(app.screen.query(AnswerButton)), shown_buttons(app)))
        await pilot.press("space")  # reveal: the buttons now, labelled at once
        seen.append((len(app.screen.query(AnswerButton)), shown_buttons(app)))
        made = list(app.screen.query(AnswerButton))
        await pilot.press("3")  # Good, then the next card's front and its reveal
        await pilot.press("space")
        assert list(app.screen.query(AnswerButton)) == made  # the same buttons, reused

    drive(app, scenario)
    assert seen[0] == (1, ["Space  Show answer"])
    count, labels = seen[1]
    assert count == 7
    assert [label.split()[:2] for label in labels] == [
        ["1", "Again"],
        ["2", "Hard"],
        ["3", "Good"],
        ["4", "Easy"],
    ]
