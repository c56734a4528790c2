"""Each export format loads what it writes with, and nothing more: only the apkg writer
loads genanki (~70 ms of imports, which a 50,000-card tsv export paid for one function
that returns a card's guid)."""

from __future__ import annotations

from pathlib import Path

from helpers import run_python

CODE = """
import sys
from datetime import UTC, datetime
from flashcards.collection import Collection
from flashcards.export import export
with Collection.open(sys.argv[1], timezone="UTC") as col:
    export(col, [], sys.argv[2], sys.argv[3], now=datetime(2026, 1, 15, tzinfo=UTC))
print("genanki" in sys.modules)
"""


def _loads_genanki(db: Path, fmt: str, out: Path) -> bool:
    done = run_python(CODE, str(db), fmt, str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    return done.stdout.split() == ["True"]


def test_only_the_apkg_writer_loads_genanki(db: Path, tmp_path: Path):
    for fmt in ("tsv", "md", "json", "reviews-csv"):
        assert not _loads_genanki(db, fmt, tmp_path / f"out.{fmt}"), fmt
    assert _loads_genanki(db, "apkg", tmp_path / "out.apkg")
