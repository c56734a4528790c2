"""`flashcards stats`: the terminal report (a syrupy snapshot at 80 columns) and --json.

The hidden `--now` and `--timezone` options pin the moment and the zone, so
the report does not depend on the day or the machine the tests run on.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from flashcards.collection import Collection

ZONE = "Europe/Berlin"
# the report's own moment, not helpers.NOW: the snapshot shows its dates (the study day
# 2025-06-10, a summer day in Berlin, and the year of history before it)
REPORT_NOW = "2025-06-10T12:00:00+00:00"


def write_deck(folder: Path, name: str, words: tuple[str, ...]) -> Path:
    notes = folder / "notes.md"
    notes.write_text("".join(f"- {w} is spelled **{w}**\n" for w in words), encoding="utf-8")
    spec = folder / "deck.md"
    spec.write_text(f"---\nname: '{name}'\nnotes: [notes.md]\n---\n", encoding="utf-8")
    return spec


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    """Five cards; 28 days of study ending today, one answer a day, every third one failed."""
    spec = write_deck(tmp_path, "Words", ("one", "two", "three", "four", "five"))
    path = tmp_path / "collection.sqlite"
    now = datetime.fromisoformat(REPORT_NOW)
    with Collection.open(path, timezone=ZONE) as col:
        col.build(spec)
        cards = [c.id for c in col.cards()]
        for k in range(28):
            when = now - timedelta(days=27 - k, hours=2)  # 12:00 Berlin summer time
            col.answer(cards[k % 4], 2 if k % 3 == 2 else 4, now=when, duration_ms=6000)
    return path


@pytest.fixture
def run(cli):
    """`flashcards --db PATH stats ARGS` at the report's moment and zone, through the shared
    `cli` (80 columns fix rich's width; the output is not a terminal, so it has no colours)."""

    def stats(path: Path, *args: str):
        return cli("--db", str(path), "stats", "--now", REPORT_NOW, "--timezone", ZONE, *args)

    return stats


def test_report(collection, snapshot, run):
    result = run(collection)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Stats — all decks")
    assert "study day 2025-06-10 (Europe/Berlin, days start 04:00)" in lines[0]
    assert any(line.startswith("Streak  28 days (longest 28 days)") for line in lines)
    assert any(line.startswith("Reviews, last 365 days  28 answers on 28 days") for line in lines)
    assert any("less ·░▒▓█ more" in line for line in lines)
    assert max(len(line) for line in lines) <= 80
    assert result.output == snapshot


def test_json_is_collection_stats(collection, run):
    result = run(collection, "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    with Collection.open(collection, timezone=ZONE) as col:
        assert printed == col.stats(now=datetime.fromisoformat(REPORT_NOW))
    assert printed["streak"]["current"] == 28
    assert printed["today"]["answers"] == 1
    assert printed["timezone"] == ZONE


def test_one_deck_and_an_unknown_one(collection, run):
    result = run(collection, "Words", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["deck"] == "Words"
    result = run(collection, "Nope")
    assert result.exit_code == 1
    assert "no deck named 'Nope' (decks: Words)" in result.output


def test_deck_names_are_text_not_markup(tmp_path, run):
    spec = write_deck(tmp_path, "[bold]Loud[/bold] deck", ("word",))
    path = tmp_path / "c.sqlite"
    with Collection.open(path) as col:
        col.build(spec)
    result = run(path, "[bold]Loud[/bold] deck")
    assert result.exit_code == 0, result.output
    assert "Stats — [bold]Loud[/bold] deck" in result.output


def test_empty_collection(tmp_path, run):
    path = tmp_path / "empty.sqlite"
    Collection.open(path).close()
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "Streak  0 days (longest 0 days); 0 study days, 0 answers in all" in result.output
    assert "Reviews, last 365 days  0 answers on 0 days, 0s" in result.output


def test_user_errors(tmp_path, collection, run, cli):
    missing = tmp_path / "nothing-here.sqlite"
    result = run(missing)
    assert result.exit_code == 1
    assert f"no collection at {missing} yet; run `flashcards build` first" in result.output
    assert not missing.exists()
    result = cli("--db", str(collection), "stats", "--now", "yesterday")
    assert result.exit_code == 2
    assert "--now 'yesterday': not an ISO date-time" in result.output
    result = cli("--db", str(collection), "stats", "--timezone", "Mars/Base")
    assert result.exit_code == 2
    assert "--timezone 'Mars/Base': no such time zone" in result.output
    not_ours = tmp_path / "notes.txt"
    not_ours.write_text("hello", encoding="utf-8")
    result = run(not_ours)
    assert result.exit_code == 1
    assert "not a flashcards collection" in result.output
    assert not_ours.read_text(encoding="utf-8") == "hello"
