"""Fixtures for the app's tests: a small physics deck copied to a temporary folder,
built into a fresh collection, and the app made by the same factory as the CLI's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import NOW

from flashcards.collection import Collection
from flashcards.tui.app import FlashcardsApp, make_app

DATA = Path(__file__).parent / "data"


class FakeClock:
    """A monotonic clock the test moves by hand: answer times become exact."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    """A copy of tests/tui/data (decks/physics.md + notes/physics.md) the test may edit."""
    target = tmp_path / "vault"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def collection_path(tmp_path: Path, deck_dir: Path) -> Path:
    """A collection with the physics deck built into it."""
    path = tmp_path / "collection.sqlite"
    with Collection.open(path) as col:
        col.build(deck_dir / "decks" / "physics.md")
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_factory(collection_path: Path, clock: FakeClock) -> Iterator:
    def factory(**kwargs: object) -> FlashcardsApp:
        kwargs.setdefault("now", NOW)
        kwargs.setdefault("clock", clock)
        # make_app watches the notes only when asked (tests/tui/test_watching.py): a
        # test that edits a file by hand must not race a rebuild it did not ask for
        path = kwargs.pop("path", collection_path)
        return make_app(path, **kwargs)  # type: ignore[arg-type]

    yield factory


def screen_text(app: FlashcardsApp) -> str:
    """What the terminal shows right now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def flat(app: FlashcardsApp) -> str:
    """The screen's text with lines and runs of spaces folded (wrapping-independent)."""
    return " ".join(screen_text(app).split())
