"""Fixtures for the collection tests (helpers live in support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flashcards import Collection

from .support import Notes


@pytest.fixture
def notes(tmp_path: Path) -> Notes:
    return Notes(tmp_path / "notes")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "collection.sqlite"


@pytest.fixture
def col(db_path: Path) -> Iterator[Collection]:
    with Collection.open(db_path, timezone="UTC") as c:
        yield c
