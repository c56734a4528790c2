"""Notes change, the app follows: files edited on disk while the app is open.

Each test runs the app (as the CLI makes it, with the notes watched) on the small
physics deck, changes the deck's notes file with plain file writes — as any
editor would — and waits for the app to follow by polling its state a bounded
number of times (never a clock).
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import reviews_in

from flashcards.collection import Collection
from flashcards.tui.notes_watch import watch_plan
from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.review import ReviewScreen

from .conftest import flat

SIZE = (100, 30)
POLLS = 400  # looks at the app, 50 ms apart, before a test gives up


def drive(app, scenario, **options) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE, **options) as pilot:
            await until(pilot, lambda: app.watching, "the watcher to start")
            await scenario(pilot)

    asyncio.run(main())


async def until(pilot, condition, what: str) -> None:
    """Let the app run until `condition()` holds, looking at most POLLS times."""
    for _ in range(POLLS):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def notes_of(deck_dir: Path) -> Path:
    return deck_dir / "notes" / "physics.md"


def test_the_shown_card_follows_an_edit_of_its_note(app_factory, deck_dir):
    app = app_factory(deck="Physics", watch=True)

    async def scenario(pilot):
        card = app.screen.card
        assert card.answers == ["net force"] and "stays at rest" in flat(app)
        edit(notes_of(deck_dir), "a body stays at rest", "a body remains quietly at rest")
        await until(pilot, lambda: "remains quietly at rest" in flat(app), "the new text")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.card.id == card.id  # the same card, its history kept
        assert not app.screen.revealed
        assert "net force" not in flat(app)  # still the front: the answer hidden
        await pilot.press("space", "3")

    drive(app, scenario)


def test_a_deleted_block_leaves_the_queue(app_factory, deck_dir, collection_path):
    app = app_factory(deck="Physics", watch=True)

    async def scenario(pilot):
        card = app.screen.card
        assert card.answers == ["net force"]
        edit(
            notes_of(deck_dir),
            "\t- The first law says a body stays at rest or in uniform motion unless a "
            "**net force** acts on it.\n",
            "",
        )
        await until(pilot, lambda: app.screen.card.id != card.id, "another card")
        assert "net force" not in flat(app)
        # the rest of the session never shows it again
        for _ in range(10):
            if not isinstance(app.screen, ReviewScreen) or app.screen.card is None:
                break
            assert app.screen.card.id != card.id
            await pilot.press("space", "4")
            await pilot.pause()

    drive(app, scenario)
    with Collection.open(collection_path) as col:
        assert col.card(card_id_of(col, "net force")).status == "retired"
        assert all(r[0] != card_id_of(col, "net force") for r in reviews_in(collection_path))


def card_id_of(col: Collection, answer: str) -> int:
    return next(c.id for c in col.cards("Physics") if c.answers == [answer])


def test_the_deck_list_counts_follow_the_notes(app_factory, deck_dir):
    app = app_factory(watch=True)

    def cards() -> int:
        (deck,) = app.screen.summaries
        return deck.cards

    async def scenario(pilot):
        assert isinstance(app.screen, HomeScreen)
        before = cards()
        notes = notes_of(deck_dir)
        notes.write_text(
            notes.read_text(encoding="utf-8")
            + "- Momentum\n\t- Momentum is **mass times velocity**.\n"
            "\t- Its SI unit is the ==kilogram metre per second==.\n",
            encoding="utf-8",
        )
        await until(pilot, lambda: cards() == before + 2, "two more cards")
        row = app.screen.query_one("#decks").get_row_at(0)
        assert str(row[3]) == str(before + 2)  # the table shows it, not only the state
        edit(notes, "- Energy\n", "- Energy (removed)\n")  # a heading edit: context only
        edit(notes, "\t- The SI unit of force is the ==newton==.\n", "")
        await until(pilot, lambda: cards() == before + 1, "one card fewer")

    drive(app, scenario)


def test_an_answer_being_saved_is_kept_and_the_rebuild_waits(
    app_factory, deck_dir, collection_path
):
    """The collection is busy (another process writes) when the answer is given, and
    the notes change meanwhile: the rebuild waits for the answer; both land."""
    app = app_factory(deck="Physics", watch=True)
    other = sqlite3.connect(collection_path, isolation_level=None)

    async def scenario(pilot):
        card = app.screen.card
        other.execute("BEGIN IMMEDIATE")  # another writer holds the collection
        await pilot.press("space", "3")
        assert app.screen.pending is not None and app.screen.pending.card_id == card.id
        edit(notes_of(deck_dir), "a body stays at rest", "a body remains quietly at rest")
        # the change is seen and held: nothing rebuilds under the answer in flight
        await until(pilot, lambda: app._watch_waiting, "the change to be seen")
        assert app.screen.holds_rebuild() and not app._watch_building
        other.execute("COMMIT")
        await until(pilot, lambda: app.screen.pending is None, "the answer to be saved")
        await until(
            pilot,
            lambda: not app._watch_waiting and not app._watch_building,
            "the rebuild after the answer",
        )
        return card

    drive(app, scenario)
    other.close()
    with Collection.open(collection_path) as col:
        first = card_id_of(col, "net force")
        assert [r[:2] for r in reviews_in(collection_path)] == [(first, 4)]
        assert "remains quietly at rest" in col.card(first).front


def test_an_edit_while_the_answer_shows_waits_for_the_next_card(app_factory, deck_dir):
    app = app_factory(deck="Physics", watch=True)

    async def scenario(pilot):
        card = app.screen.card
        await pilot.press("space")
        assert app.screen.revealed and "net force" in flat(app)
        rebuilt_before = app._watch_building
        edit(notes_of(deck_dir), "a body stays at rest", "a body remains quietly at rest")
        edit(notes_of(deck_dir), "==newton==", "==newton (N)==")
        await until(pilot, lambda: app.col.card(card.id).body.count("quietly"), "the rebuild")
        await until(pilot, lambda: not app._watch_building, "the rebuild's end")
        await pilot.pause()
        assert not rebuilt_before
        # the card answered is the card read: same id, still revealed, old text
        assert app.screen.card.id == card.id and app.screen.revealed
        assert "stays at rest" in flat(app)
        await pilot.press("3")
        await until(pilot, lambda: app.screen.card.id != card.id, "the next card")

    drive(app, scenario)


def test_a_spec_that_no_longer_reads_is_a_notification(app_factory, deck_dir):
    """A build error while watching: a notification naming the file and line; the
    review goes on, and the app follows again once the file is fixed."""
    app = app_factory(deck="Physics", watch=True)
    spec = deck_dir / "decks" / "physics.md"

    def errors() -> list[str]:
        return [n.message for n in app._notifications if "could not be built" in n.message]

    async def scenario(pilot):
        card = app.screen.card
        edit(spec, "new_per_day: 20", "new_per_day: [20")
        await until(pilot, errors, "the build error")
        assert f"{spec}:5: broken YAML" in errors()[0]
        assert isinstance(app.screen, ReviewScreen) and app.screen.card.id == card.id
        edit(spec, "new_per_day: [20", "new_per_day: 20")
        edit(notes_of(deck_dir), "a body stays at rest", "a body remains quietly at rest")
        await until(pilot, lambda: "remains quietly at rest" in flat(app), "the fixed deck")
        await pilot.press("space", "3")

    drive(app, scenario)


def test_the_plan_watches_spec_and_notes(collection_path, deck_dir):
    with Collection.open(collection_path) as col:
        plan = watch_plan(col)
    notes = str(notes_of(deck_dir))
    assert plan.decks_touched([notes]) == {"Physics"}
    assert plan.decks_touched([str(deck_dir / "decks" / "physics.md")]) == {"Physics"}
    assert plan.decks_touched([str(deck_dir / "notes" / "other.md")]) == set()
    assert sorted(plan.flat_roots) == sorted({str(deck_dir / "notes"), str(deck_dir / "decks")})
    assert plan.tree_roots == []


def test_quitting_with_the_watcher_running_ends_the_process(collection_path, tmp_path):
    """A real process: the app opens headless with its watchers, quits on `q`, and the
    interpreter ends (a watch thread left running would keep it alive)."""
    script = tmp_path / "quit.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio
            from flashcards.tui.app import make_app

            async def main():
                app = make_app({str(collection_path)!r}, watch=True)
                async with app.run_test() as pilot:
                    for _ in range({POLLS}):
                        if app.watching:
                            break
                        await pilot.pause(0.05)
                    assert app.watching, "the watcher did not start"
                    await pilot.press("q")
                print("quit", app.return_code)

            asyncio.run(main())
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "quit 0"


def test_watch_false_leaves_the_notes_alone(app_factory, deck_dir, collection_path):
    app = app_factory(deck="Physics", watch=False)

    async def scenario(pilot):
        assert not app.watching
        edit(notes_of(deck_dir), "a body stays at rest", "a body remains quietly at rest")
        for _ in range(20):
            await pilot.pause(0.05)
        assert "stays at rest" in flat(app)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def test_the_notes_changed_toast_leaves_the_answer_bar_free(app_factory, deck_dir):
    """The rebuild's toast comes while a card is shown: it sits under the header, not
    over the answer buttons (Textual docks its toasts at the bottom by default)."""
    from textual.widgets._toast import Toast

    from flashcards.tui.widgets.answers import AnswerBar

    app = app_factory(deck="Physics", watch=True)

    async def scenario(pilot):
        await pilot.press("space")
        edit(notes_of(deck_dir), "==newton==", "==newton (N)==")
        await until(pilot, lambda: list(app.screen.query(Toast)), "the toast")
        await pilot.pause()
        bar = app.screen.query_one(AnswerBar).region
        toasts = [t.region for t in app.screen.query(Toast)]
        assert all(not t.overlaps(bar) for t in toasts), (toasts, bar)
        assert min(t.y for t in toasts) <= 2  # from the top, under the header

    drive(app, scenario, notifications=True)  # the test terminal shows no toasts unless asked


def test_the_settings_file_turns_watching_off(tmp_path):
    import pytest

    from flashcards.config import ConfigError, load_config

    settings = tmp_path / "config.toml"
    assert load_config(settings).watch  # no file: watched
    settings.write_text("watch = false\n")
    assert load_config(settings).watch is False
    settings.write_text('watch = "no"\n')
    with pytest.raises(ConfigError, match="`watch` must be true or false"):
        load_config(settings)
