"""Helpers for the collection tests: rows read past the code under test."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def review_rows(db_path: Path) -> list[tuple]:
    """Every review row, straight from the file."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()
