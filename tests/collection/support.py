"""Helpers for the collection tests: a notes folder with controlled mtimes, row readers."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from flashcards import Collection

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


class Notes:
    """A notes folder. Every write gets a distinct mtime an hour in the past, so the
    incremental build sees each edit and trusts the mtime of files left alone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._tick = time.time_ns() - 3600 * 10**9

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.touch(path)
        return path

    def touch(self, path: Path) -> None:
        self._tick += 10**9
        os.utime(path, ns=(self._tick, self._tick))

    def remove(self, name: str) -> None:
        (self.root / name).unlink()

    def rename(self, old: str, new: str) -> Path:
        target = self.root / new
        (self.root / old).rename(target)
        return target


def by_answer(col: Collection, deck: str | None = None) -> dict[str, object]:
    """The deck's cards keyed by their (first) answer; tests use distinct answers."""
    return {c.answers[0]: c for c in col.cards(deck)}


def review_rows(db_path: Path) -> list[tuple]:
    """Every review row, straight from the file."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()
