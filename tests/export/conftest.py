"""Fixtures for the export tests: small real notes built into fresh collections,
some cards answered at fixed times, and fresh collections of the real Anki
library to import the exports into."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flashcards.collection import Collection

from .support import NOTES, SAMPLE_SPEC, answer_some, open_collection


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    """A copy of tests/export/notes the test may edit."""
    target = tmp_path / "notes"
    shutil.copytree(NOTES, target)
    return target


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A collection file with the bundled sample deck built, never studied."""
    path = tmp_path / "collection.sqlite"
    with open_collection(path) as col:
        col.build(SAMPLE_SPEC)
    return path


@pytest.fixture
def export_cli(cli) -> Callable[..., object]:
    """`export_cli(db, *args)`: `flashcards --db DB export ARGS` through the shared `cli`."""

    def run(db: Path, *args: str):
        return cli("--db", str(db), "export", *args)

    return run


@pytest.fixture
def cells(tmp_path: Path, notes_dir: Path) -> Iterator[Collection]:
    """The small 'cells' deck (hints, a question card, HTML in a note, tags), built."""
    with open_collection(tmp_path / "cells.sqlite") as col:
        col.build(notes_dir / "cells.md")
        yield col


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Collection]:
    """The bundled sample deck, built, with a few days of answers (drills included)."""
    with open_collection(tmp_path / "sample.sqlite") as col:
        col.build(SAMPLE_SPEC)
        answer_some(col)
        yield col


@pytest.fixture
def anki_collection(tmp_path: Path) -> Iterator[Callable[[str], object]]:
    """A factory of fresh, empty collections of the real Anki library."""
    anki = pytest.importorskip(
        "anki.collection",
        reason="the `anki` wheel (a test-only dependency) is not available on this platform",
    )
    opened = []

    def make(name: str = "anki"):
        folder = tmp_path / name
        folder.mkdir()
        col = anki.Collection(str(folder / "collection.anki2"))
        opened.append(col)
        return col

    yield make
    for col in opened:
        col.close()
