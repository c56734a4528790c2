"""Start-up: the cyclic collector waits while the app draws its first screen.

`flashcards.gcpause.StartupPause` turns the collector off from the app's Load event
until the first screen is drawn (a card, the decks, a message), and freezes what the
imports made, so that no full collection lands in the middle of the first paint. These
tests check that it is off while the first screen is made, on again once it shows, on
every path, and never turned on when someone else had turned it off.

The first card's screen is laid out and painted once with everything on it: the card is
read before the screen's widgets are made, and the footer draws its keys from the first
paint on, in one widget (tests/tui/test_footer.py: the same line as Textual's Footer).

The first card needs the deck settings, not the notes reader that parses deck specs:
opening the app and its review screen loads neither the dialects nor the junk rules
(flashcards.deck_settings holds the settings apart from flashcards.decks), nor the
notes walk that watching the notes needs, nor the builds an edit starts.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import run_python
from textual import events
from textual.message import Message

from flashcards.collection import Collection
from flashcards.gcpause import StartupPause
from flashcards.study.custom import CustomSession, CustomStudy
from flashcards.tui.screens.custom import CustomReviewScreen
from flashcards.tui.screens.home import HomeScreen
from flashcards.tui.screens.message import MessageScreen
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.widgets.keys import Keys


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    """Each test leaves the collector as it found it, whatever it asserts."""
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def _enabled_during_and_after(app) -> tuple[bool, bool, type]:
    """Whether the collector ran while the first screen was made, and once it showed."""
    during: list[bool] = []

    def hook(message: Message) -> None:
        if isinstance(message, events.Mount) and message._sender is app:
            during.append(gc.isenabled())  # the app's on_mount opens the collection

    async def main() -> tuple[bool, type]:
        async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
            await pilot.pause()
            await pilot.pause()
            return gc.isenabled(), type(app.screen)

    after, screen = asyncio.run(main())
    return during[0], after, screen


def test_off_while_the_first_card_is_made_and_on_once_it_shows(app_factory):
    gc.enable()
    during, after, screen = _enabled_during_and_after(app_factory(study=True))
    assert screen is ReviewScreen
    assert (during, after) == (False, True)
    assert gc.get_freeze_count() > 0  # the imports' objects are out of the collector's reach


def test_on_again_when_the_first_screen_is_the_decks(app_factory):
    gc.enable()
    during, after, screen = _enabled_during_and_after(app_factory())
    assert screen is HomeScreen
    assert (during, after) == (False, True)


def test_on_again_when_the_collection_cannot_be_opened(app_factory, tmp_path: Path):
    bad = tmp_path / "not-a-collection.sqlite"
    bad.write_bytes(b"this is not an SQLite database" * 100)
    gc.enable()
    during, after, screen = _enabled_during_and_after(app_factory(path=bad))
    assert screen is MessageScreen
    assert (during, after) == (False, True)


def test_a_collector_turned_off_by_the_caller_stays_off(app_factory):
    gc.disable()
    during, after, _ = _enabled_during_and_after(app_factory(study=True))
    assert (during, after) == (False, False)


def test_the_pause_ends_once():
    gc.enable()
    pause = StartupPause()
    pause.begin()
    assert not gc.isenabled()
    pause.end()
    assert gc.isenabled()
    gc.disable()  # someone else's pause after ours: a second end must not undo it
    pause.end()
    assert not gc.isenabled()


NOT_FOR_THE_FIRST_CARD = (
    "flashcards.decks",  # deck specs: YAML, the notes reader
    "flashcards.notes.dialect",
    "flashcards.notes.junk",
    "flashcards.build",
    "markdown_it",
    "flashcards.tui.notes_watch",  # the notes walk: the watch starts once the card shows
    "flashcards.notes.files",
    "flashcards.tui.building",  # builds: on the first edit, or when the notes change
    "flashcards.notes.outline",  # the outline reader: NoteError has a module of its own
    "flashcards.study.custom",  # custom study: when one starts
    "flashcards.store.matching",  # what builds match on
    "flashcards.store.deck_list",  # the deck list's figures
)

# the app run to its first card in a fresh process, which then lists what it imported
_FIRST_CARD = """
import asyncio, sys
from pathlib import Path
from flashcards.tui.app import make_app
from flashcards.tui.screens.review import ReviewScreen

async def main():
    app = make_app(Path(sys.argv[1]), study=True)
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, ReviewScreen) and app.screen.card is not None):
            await asyncio.sleep(0.001)
        await pilot.pause()
        print(" ".join(sorted(sys.modules)))
        made = {  # the classes the flashcards modules loaded so far have made
            v.__qualname__
            for name, m in list(sys.modules.items()) if name.startswith("flashcards")
            for v in vars(m).values() if isinstance(v, type) and v.__module__ == name
        }
        print(" ".join(sorted(made)))
        undocumented = [  # dataclass makes their docstring from their signature, slowly
            c.__qualname__
            for name, m in list(sys.modules.items()) if name.startswith("flashcards")
            for c in vars(m).values()
            if hasattr(c, "__dataclass_fields__") and c.__module__ == name
            and (c.__doc__ or "").startswith(c.__name__ + "(")
        ]
        print(" ".join(sorted(undocumented)) or "-")

asyncio.run(main())
"""


def test_the_review_loads_no_notes_reader():
    code = (
        "import sys\n"
        "import flashcards.tui.app, flashcards.tui.screens.review\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert {"flashcards.tui.app", "flashcards.deck_settings", "textual"} <= loaded
    assert not [m for m in loaded if m.startswith(NOT_FOR_THE_FIRST_CARD)], sorted(
        m for m in loaded if m.startswith(NOT_FOR_THE_FIRST_CARD)
    )


def test_the_first_card_loads_no_notes_reader_nor_custom_study(collection_path: Path):
    """Not only the imports: showing the first card loads none of them either."""
    done = run_python(_FIRST_CARD, str(collection_path))
    assert done.returncode == 0, done.stderr
    modules, classes, undocumented = done.stdout.splitlines()[-3:]
    loaded = set(modules.split())
    assert {"flashcards.tui.screens.review", "flashcards.notes.errors"} <= loaded
    assert not [m for m in loaded if m.startswith(NOT_FOR_THE_FIRST_CARD)], sorted(
        m for m in loaded if m.startswith(NOT_FOR_THE_FIRST_CARD)
    )
    # what a build matches and compares cards on (flashcards.store.matching)
    assert {"CardRow", "CardView"} <= set(classes.split())
    assert not {"CardKey", "Stored", "DeckCounts"} & set(classes.split())
    # a dataclass without a docstring gets one made from inspect.signature at import
    assert undocumented == "-"


def test_the_first_card_parses_no_other_screens_rules(app_factory):
    """The decks', summary's, keys page's and messages' own rules load when their screen
    first shows (each screen's CSS), the grade buttons' colours at the first reveal: the
    first card's stylesheet has only what it uses."""
    app = app_factory(study=True)
    others = {"#home-middle", "#decks", "#build-bar", "#summary-box", "#help-box", "#message-box"}
    others |= {".-success", ".-warning", ".-error"}  # only the grade buttons have these

    async def main() -> tuple[set[str], set[str]]:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
            first = {name for rule in app.stylesheet.rules for name in rule.selector_names}
            await pilot.press("question_mark")  # the keys page brings its own
            await pilot.pause()
            return first, {name for rule in app.stylesheet.rules for name in rule.selector_names}

    first, after_help = asyncio.run(main())
    assert "#card" in first and not first & others, sorted(first & others)
    assert "#help-box" in after_help


def test_the_first_card_shows_its_keys_in_one_widget(app_factory):
    app = app_factory(study=True)

    async def main() -> list[str]:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
            assert not app.screen.query("FooterKey")  # no widget per key
            return [key.description for key in app.screen.query_one(Keys).keys]

    shown = asyncio.run(main())
    assert "Show answer / Good" in shown and "Suspend" in shown


def test_a_custom_review_opens_on_its_own_first_card(app_factory):
    """Only the ordinary review reads its first card before its widgets: a custom
    session's comes from its own queue, not the day's."""
    app = app_factory(study=True)

    async def main() -> tuple[int, int]:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            ordinary = app.screen.card
            ids = [c.id for c in app.opened.cards()]
            last = next(i for i in reversed(ids) if i != ordinary.id)
            session = CustomSession.of(CustomStudy("cram"), [last])
            app.push_screen(
                CustomReviewScreen(
                    app.opened,
                    session,
                    collection_path=app.collection_path,
                    now=app.now,
                    clock=app.clock,
                )
            )
            await pilot.pause()
            await pilot.pause()
            return app.screen.card.id, last

    shown, wanted = asyncio.run(main())
    assert shown == wanted


def test_the_first_card_is_read_once(app_factory, monkeypatch):
    """Textual resumes a screen when it first shows: the review reads its card's state
    and counts again only when it comes back from under another screen."""
    calls: list[str] = []
    for name in ("counts", "card", "next_card"):
        original = getattr(Collection, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Collection, name, counted)
    app = app_factory(study=True)

    async def main() -> list[str]:  # what the first card read
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen) and app.screen.card is not None
            first = list(calls)
            await pilot.press("question_mark")  # the keys page over the review, and back
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            return first

    first = asyncio.run(main())
    assert first == ["next_card", "card", "counts"]  # (next_card reads the card it picks)
    assert calls[len(first) :] == ["card", "counts"]  # back from the keys page: still due?
