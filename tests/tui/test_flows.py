"""Whole flows through the study app, driven with Textual's Pilot.

Each test runs the app made by `make_app` (what the CLI runs) on a small
physics deck at a fixed moment, presses keys, and checks both what the screen
shows and what the collection recorded.
"""

from __future__ import annotations

import asyncio
import stat
from datetime import timedelta
from pathlib import Path

from helpers import NOW, reviews_in

from flashcards.collection import Collection
from flashcards.tui.app import make_app
from flashcards.tui.screens.help import HelpScreen
from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.message import MessageScreen
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.screens.summary import SummaryScreen
from flashcards.tui.widgets.answers import AnswerButton

from .conftest import flat, screen_text

SIZE = (80, 24)


def drive(app, scenario, size=SIZE) -> None:
    """Run `scenario(pilot)` against the app in a headless terminal."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


async def settle(pilot) -> None:
    """Let workers finish and their messages land."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def reviews(path: Path) -> list[tuple]:
    return reviews_in(path)


def shown_buttons(app) -> list[str]:
    return [str(b.label) for b in app.screen.query(AnswerButton) if b.display]


# -- studying ------------------------------------------------------------------


def test_study_a_deck_to_the_end(app_factory, clock, collection_path):
    app = app_factory(deck="Physics")
    seen = []

    async def scenario(pilot):
        for _ in range(4):
            assert isinstance(app.screen, ReviewScreen)
            card = app.screen.card
            seen.append(card.id)
            assert card.answers[0] not in flat(app)  # the front hides the answer
            assert "[...]" in flat(app) or "[a]" in flat(app)
            clock.advance(1.0)  # reading the front does not count
            await pilot.press("space")
            assert card.answers[0] in flat(app)
            # at 80 columns the labels take two lines: what each does, then when
            assert shown_buttons(app) == [
                "1 Again\ntoday",
                "2 Hard −0.14\ntoday→1d",
                "3 Good ±0\n1d",
                "4 Easy +0.10\n1d",
            ]
            clock.advance(2.5)
            await pilot.press("3")
        assert isinstance(app.screen, SummaryScreen)
        text = flat(app)
        assert "Done for today — Physics" in text
        assert "Cards studied 4" in text
        assert "Time 14 s" in text
        assert "Correct 100% (4 of 4 first answers" in text
        assert "Due tomorrow 4 cards" in text
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert "4 done · 0 left" in flat(app)

    drive(app, scenario)
    assert len(set(seen)) == 4
    rows = reviews(collection_path)
    assert sorted(r[0] for r in rows) == sorted(seen)
    # q 4 for Good, and the answer time runs from the reveal: 2.5 s
    assert {(r[1], r[3], r[5]) for r in rows} == {(4, "review", 2500)}


def test_again_brings_the_card_back_as_a_drill(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        first = app.screen.card.id
        await pilot.press("space", "1")
        for _ in range(3):  # it comes back after three other cards
            assert app.screen.card.id != first
            await pilot.press("space", "3")
        assert app.screen.card.id == first
        assert "Drill 1" in flat(app)
        await pilot.press("space")
        # a drill does not move the schedule: the card is due tomorrow whatever the answer,
        # and only Again or Hard bring it back again today
        assert shown_buttons(app) == [
            "1 Again today",
            "2 Hard today→1d",
            "3 Good 1d",
            "4 Easy 1d",
        ]
        await pilot.press("4")
        assert isinstance(app.screen, SummaryScreen)
        text = flat(app)
        assert "Cards studied 4 (5 answers with drills)" in text
        assert "Correct 75% (3 of 4 first answers" in text

    drive(app, scenario)
    kinds = [r[3] for r in reviews(collection_path)]
    assert kinds.count("drill") == 1 and kinds.count("review") == 4


def test_undo_takes_back_the_answer(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        first = app.screen.card.id
        await pilot.press("space", "4")
        assert app.screen.card.id != first
        assert len(reviews(collection_path)) == 1
        await pilot.press("u")
        assert app.screen.card.id == first
        assert not app.screen.revealed  # shown again from the front
        assert reviews(collection_path) == []
        assert "New 4" in flat(app)

    drive(app, scenario)
    with Collection.open(collection_path) as col:
        assert col.cards("Physics")[0].is_new


def test_undo_on_the_summary_takes_back_the_last_answer(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        for _ in range(3):
            await pilot.press("space", "3")
        last = app.screen.card.id
        await pilot.press("space", "1")  # a slip on the last card: Again
        for _ in range(3):  # ...which comes back as a drill; pass it
            if isinstance(app.screen, ReviewScreen):
                await pilot.press("space", "4")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("u")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.card.id == last
        await pilot.press("u")  # and the slip itself
        assert app.screen.card.id == last
        await pilot.press("space", "3")
        assert isinstance(app.screen, SummaryScreen)
        text = flat(app)
        assert "Cards studied 4" in text and "Correct 100% (4 of 4" in text

    drive(app, scenario)
    rows = reviews(collection_path)
    assert sorted(r[1] for r in rows) == [4, 4, 4, 4]


def test_suspend_and_undo(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        card = app.screen.card.id
        await pilot.press("s")
        assert app.screen.card.id != card
        assert "New 3" in flat(app)
        with Collection.open(collection_path) as col:
            assert col.card(card, NOW).status == "suspended"
        await pilot.press("u")
        assert app.screen.card.id == card
        with Collection.open(collection_path) as col:
            assert col.card(card, NOW).status == "active"
        await pilot.press("s")

    drive(app, scenario)
    with Collection.open(collection_path) as col:
        assert sum(c.status == "suspended" for c in col.cards("Physics")) == 1


def test_bury_hides_the_card_until_tomorrow(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        card = app.screen.card.id
        await pilot.press("b")
        assert app.screen.card.id != card
        for _ in range(3):
            await pilot.press("space", "3")
        # the buried card does not come back today
        assert isinstance(app.screen, SummaryScreen)
        assert "Cards studied 3" in flat(app)
        buried.append(card)

    buried: list[int] = []
    drive(app, scenario)
    with Collection.open(collection_path) as col:
        assert col.card(buried[0], NOW).status == "buried"
        assert col.next_card("Physics", now=NOW + timedelta(days=1)) is not None


def test_six_grade_deck_has_keys_0_to_5(app_factory, deck_dir, tmp_path):
    spec = deck_dir / "decks" / "physics.md"
    spec.write_text(spec.read_text().replace("grades: 4", "grades: 6"))
    path = tmp_path / "six.sqlite"
    with Collection.open(path) as col:
        col.build(spec)
    app = app_factory(path=path, deck="Physics")

    async def scenario(pilot):
        await pilot.press("space")
        labels = shown_buttons(app)
        assert labels[0] == "0 Blackout today" and labels[2] == "2 Almost today"
        assert labels[3] == "3 Hard today→1d −0.14" and labels[5] == "5 Perfect 1d +0.10"
        assert len(labels) == 6
        await pilot.press("0")

    drive(app, scenario)
    assert [r[1] for r in reviews(path)] == [0]


def test_clicking_an_answer_button_answers(app_factory, collection_path):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.click("#show")
        assert app.screen.revealed
        await pilot.click("#grade-2")

    drive(app, scenario)
    assert [r[1] for r in reviews(collection_path)] == [3]


# -- editing -------------------------------------------------------------------


def fake_editor(tmp_path: Path, body: str) -> Path:
    """An executable standing in for $EDITOR: records its arguments, then runs `body`."""
    script = tmp_path / "fake-editor"
    log = tmp_path / "editor-args"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n{body}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_edit_opens_the_editor_at_the_line_and_keeps_history(
    app_factory, collection_path, deck_dir, tmp_path, monkeypatch
):
    notes = deck_dir / "notes" / "physics.md"
    # a review yesterday makes the first-law card due today, with history to keep
    with Collection.open(collection_path) as col:
        card = next(c for c in col.cards("Physics") if c.answers == ["net force"])
        col.answer(card.id, 3, now=NOW - timedelta(days=1))
    editor = fake_editor(
        tmp_path,
        f"sed -i 's/a body stays at rest/a body remains at rest/' \"{notes}\"",
    )
    monkeypatch.setenv("VISUAL", str(editor))
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        assert app.screen.card.id == card.id  # the due review comes first
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.card.id == card.id
        assert "a body remains at rest" in flat(app)
        await pilot.press("space", "4")

    drive(app, scenario)
    args = (tmp_path / "editor-args").read_text().split("\n")
    assert args[:2] == [f"+{card.line}", str(notes)]
    with Collection.open(collection_path) as col:
        edited = col.card(card.id)
        assert "remains at rest" in edited.front
        assert edited.repetitions == 2  # yesterday's review survived the edit
        assert [r[1] for r in reviews_in(col.path) if r[0] == card.id] == [3, 5]


def test_editor_failing_is_a_message_and_nothing_is_rebuilt(
    app_factory, collection_path, tmp_path, monkeypatch
):
    monkeypatch.setenv("VISUAL", str(fake_editor(tmp_path, "exit 3")))
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MessageScreen)
        text = flat(app)
        assert "The editor failed" in text and "exited with status 3" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("space", "3")  # studying goes on

    drive(app, scenario)
    assert len(reviews(collection_path)) == 1


def test_editor_not_found_is_a_message(app_factory, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-xyz --wait")
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("e")
        assert isinstance(app.screen, MessageScreen)
        assert "'no-such-editor-xyz' is not installed" in flat(app)

    drive(app, scenario)


def test_a_vanished_notes_file_is_a_message(app_factory, deck_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("VISUAL", str(fake_editor(tmp_path, "exit 0")))
    (deck_dir / "notes" / "physics.md").unlink()
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.press("e")
        assert isinstance(app.screen, MessageScreen)
        text = flat(app)
        assert "The notes file is gone" in text and "physics.md:7 no longer exists" in text

    drive(app, scenario, size=(120, 30))
    assert not (tmp_path / "editor-args").exists()  # the editor never ran


# -- notes are data --------------------------------------------------------------

MARKUP_NOTES = (
    "- Rich markup such as [bold]this[/] and [@click=app.quit]quit[/] is **just text** here.\n"
    "\t- [red]children[/red] too: [link=https://example.com]x[/link] and $accent\n"
    "\t- ```\n"
    "\t  [b]code[/b] keeps   its   spacing\n"
    "\t  ```\n"
)


def test_markup_in_notes_shows_literally_and_runs_nothing(tmp_path, clock):
    notes = tmp_path / "markup.md"
    notes.write_text(MARKUP_NOTES)
    path = tmp_path / "markup.sqlite"
    with Collection.open(path) as col:
        col.build(notes)
    from flashcards.tui.app import make_app

    app = make_app(path, deck="markup", now=NOW, clock=clock)

    async def scenario(pilot):
        text = flat(app)
        assert (
            "Rich markup such as [bold]this[/] and [@click=app.quit]quit[/] is [...] here." in text
        )
        # clicking all over the card: a [@click] in a note must never run an action
        for x in range(2, 78, 4):
            await pilot.click("#card", offset=(x, 1))
        await pilot.press("space")
        text = flat(app)
        assert "[red]children[/red] too: [link=https://example.com]x[/link] and $accent" in text
        assert "[b]code[/b] keeps   its   spacing" in screen_text(app)  # spaces kept
        for x in range(2, 78, 4):
            for y in (1, 2, 3):
                await pilot.click("#card", offset=(x, y))
        assert app.is_running and isinstance(app.screen, ReviewScreen)

    drive(app, scenario, size=(100, 30))
    assert app.return_code in (None, 0)


def test_long_blocks_wrap_and_code_keeps_its_layout(app_factory):
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        while app.screen.card.answers != ["one half m v squared"]:
            await pilot.press("space", "3")
        await pilot.press("space")
        lines = screen_text(app).split("\n")
        assert any(line.rstrip().endswith("def kinetic(m, v):") for line in lines)
        ret = next(line for line in lines if "return 0.5" in line)
        header = next(line for line in lines if "def kinetic" in line)
        # the code's own indentation survives (4 more columns than its def line)
        assert ret.index("return") == header.index("def") + 4
        assert "**not** a card" in ret  # code is verbatim: no strong styling eats the stars
        assert max(len(line) for line in lines) <= SIZE[0]

    drive(app, scenario)


# -- home, building, bad situations ------------------------------------------------


def test_home_lists_decks_and_enter_studies(app_factory):
    app = app_factory()

    async def scenario(pilot):
        assert isinstance(app.screen, HomeScreen)
        text = flat(app)
        assert "Physics 4 0 4 0 done · 4 left" in text
        assert "Today: 0 studied, 4 left" in text
        assert "First-year mechanics kept as outline notes" in text  # the description
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck == "Physics"
        await pilot.press("space", "3", "escape")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "Physics 3 0 4 1 done · 3 left" in flat(app)
        await pilot.press("a")
        assert isinstance(app.screen, ReviewScreen) and app.screen.deck is None
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "edit the note in $VISUAL / $EDITOR" in flat(app)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")

    drive(app, scenario)
    assert app.return_code == 0


def test_first_run_builds_the_default_decks(tmp_path, deck_dir, clock):
    from flashcards.tui.app import make_app

    path = tmp_path / "fresh.sqlite"
    app = make_app(path, now=NOW, clock=clock, specs=[deck_dir / "decks" / "physics.md"])

    async def scenario(pilot):
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Physics 4 0 4" in flat(app)

    drive(app, scenario)
    with Collection.open(path) as col:
        assert [d.name for d in col.decks()] == ["Physics"]


def test_review_on_an_empty_collection_builds_first_then_studies(tmp_path, deck_dir, clock):
    from flashcards.tui.app import make_app

    path = tmp_path / "fresh.sqlite"
    app = make_app(
        path, now=NOW, clock=clock, study=True, specs=[deck_dir / "decks" / "physics.md"]
    )

    async def scenario(pilot):
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.card is not None

    drive(app, scenario)


def test_rebuild_runs_in_a_worker_and_refreshes_the_table(app_factory, deck_dir):
    notes = deck_dir / "notes" / "physics.md"
    app = app_factory()

    async def scenario(pilot):
        notes.write_text(notes.read_text() + "- Power is the rate of doing **work**.\n")
        await pilot.press("r")
        await settle(pilot)
        assert "Physics 5 0 5" in flat(app)
        assert not app.screen.building

    drive(app, scenario)


def test_no_decks_at_all_says_what_to_do(tmp_path, clock):
    from flashcards.tui.app import make_app

    app = make_app(tmp_path / "empty.sqlite", now=NOW, clock=clock, specs=[])

    async def scenario(pilot):
        await settle(pilot)
        text = flat(app)
        assert "No decks yet." in text and "press r to build them" in text
        await pilot.press("enter")  # nothing to study: a notice, not a crash
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario)


def test_nothing_due_says_when_the_next_card_is(app_factory, collection_path):
    with Collection.open(collection_path) as col:
        for card in col.cards("Physics"):
            col.answer(card.id, 5, now=NOW)  # all done today, due tomorrow
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        text = flat(app)
        assert "Nothing due in Physics right now." in text
        assert "The next review is due tomorrow, Tue 11 Mar 2025." in text
        await pilot.press("space", "3")  # no card: keys do nothing
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "Today: 4 studied, 0 left — next review due Tue 11 Mar 2025" in flat(app)

    drive(app, scenario)


def test_new_card_limit_reached_says_the_rest_wait(app_factory, deck_dir, tmp_path):
    spec = deck_dir / "decks" / "physics.md"
    spec.write_text(spec.read_text().replace("new_per_day: 20", "new_per_day: 2"))
    path = tmp_path / "limited.sqlite"
    with Collection.open(path) as col:
        col.build(spec)
    app = app_factory(path=path, deck="Physics")

    async def scenario(pilot):
        await pilot.press("space", "4", "space", "4")
        assert isinstance(app.screen, SummaryScreen)
        assert "Done for today" in flat(app)
        await pilot.press("enter", "enter")  # home, then study the deck again
        text = flat(app)
        assert "Nothing due in Physics right now." in text
        assert "The next review is due tomorrow, Tue 11 Mar 2025." in text
        assert "2 new cards wait for another day" in text

    drive(app, scenario)


def test_unknown_deck_is_a_message(app_factory):
    app = app_factory(deck="Chemistry")

    async def scenario(pilot):
        assert isinstance(app.screen, MessageScreen)
        assert "no deck named 'Chemistry'" in flat(app)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario)


def test_a_collection_that_cannot_be_opened_is_a_message_and_exit_1(tmp_path, clock):
    from flashcards.tui.app import make_app

    broken = tmp_path / "notes.txt"
    broken.write_text("this is not a database\n" * 10)
    app = make_app(broken, now=NOW, clock=clock)

    async def scenario(pilot):
        assert isinstance(app.screen, MessageScreen)
        text = flat(app)
        assert "The collection cannot be opened" in text
        assert "not a flashcards collection" in text and "Nothing was changed" in text
        await pilot.press("enter")

    drive(app, scenario)
    assert app.return_code == 1
    assert broken.read_text() == "this is not a database\n" * 10


def test_counts_stay_whole_on_a_narrow_terminal_when_studying_all_decks(deck_dir, tmp_path, clock):
    """All decks show the deck name and file beside the counts; at 80 columns the
    counts must stay readable and the place gives way (ellipsis)."""
    spec = deck_dir / "decks" / "physics.md"
    spec.write_text(
        spec.read_text().replace("name: Physics", "name: Physics for engineers, first year")
    )
    notes = deck_dir / "notes"
    (notes / "physics.md").rename(notes / "a-rather-long-file-name-for-first-year-physics.md")
    spec.write_text(
        spec.read_text().replace(
            "../notes/physics.md", "../notes/a-rather-long-file-name-for-first-year-physics.md"
        )
    )
    path = tmp_path / "narrow.sqlite"
    with Collection.open(path) as col:
        col.build(spec)
    app = make_app(path, now=NOW, clock=clock)

    async def scenario(pilot):
        await pilot.press("a")
        assert isinstance(app.screen, ReviewScreen)
        status = [line for line in screen_text(app).splitlines() if "Review" in line][0]
        assert "New 4  Review 0  Drill 0" in status
        assert "Physics for engineers" in status and status.rstrip().endswith("…")

    drive(app, scenario)


def test_home_reads_the_deck_list_once_on_start(app_factory, monkeypatch):
    # each read counts every deck's cards and queue: the first paint pays for one only
    reads: list[int] = []
    decks = Collection.decks

    def counted(self, *args, **kwargs):
        reads.append(1)
        return decks(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "decks", counted)
    app = app_factory()

    async def scenario(pilot):
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Physics 4 0 4 0 done · 4 left" in flat(app)
        assert len(reads) == 1
        await pilot.press("enter", "space", "3", "escape", "escape")
        assert isinstance(app.screen, HomeScreen)  # back from a review: read again
        assert "Physics 3 0 4 1 done · 3 left" in flat(app)
        assert len(reads) == 2
        await pilot.press("q")

    drive(app, scenario)


def test_the_app_checkpoints_while_the_user_reads_not_while_answering(
    app_factory, collection_path, monkeypatch
):
    """After an answer the review screen runs the collection's idle work (a timer, so
    that it lands while the next card is read): every IDLE_CHECKPOINT answers the WAL's
    frames are copied into the file, off the answer's path (`Collection.idle`)."""
    from flashcards.collection import IDLE_CHECKPOINT
    from flashcards.tui.screens import review

    monkeypatch.setattr(review, "IDLE_SECONDS", 0.001, raising=False)
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        store = app.col._store
        assert store.checkpointed_at == 0
        for _ in range(IDLE_CHECKPOINT):  # Again every time: the cards keep coming back
            await pilot.press("space", "1")
        for _ in range(500):  # the timers' turn comes (a bound, not a measure of time)
            if store.checkpointed_at:
                break
            await pilot.pause(0.01)
        assert store.commits >= IDLE_CHECKPOINT
        assert store.checkpointed_at >= IDLE_CHECKPOINT
        assert store.commits - store.checkpointed_at < IDLE_CHECKPOINT

    drive(app, scenario)
    assert len(reviews(collection_path)) == IDLE_CHECKPOINT
