"""Fixtures for the collection tests (helpers live in collection_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from collection_support import Notes

from flashcards import Collection


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
