"""`flashcards optimize` and `flashcards evaluate` on a deck's own history."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from flashcards import Collection
from flashcards.decks import DeckSettings, DeckSpec
from flashcards.optimize import MIN_REVIEWS

START = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


def _history(col: Collection, notes, cards: int, days: int, **settings) -> None:  # noqa: ANN001
    """A deck of `cards` cards answered on their due days for `days` days."""
    path = notes.write("deck.md", "".join(f"- Fact {n} is **answer{n}**.\n" for n in range(cards)))
    col.build(DeckSpec(name="deck", notes=[path], settings=DeckSettings(**settings)))
    ids = [c.id for c in col.cards("deck")]
    rng = random.Random(3)
    for day in range(days):
        now = START + timedelta(days=day)
        today = col.today(now)
        for card_id in ids:
            card = col.card(card_id)
            if card.due is None or card.due <= today:
                col.answer(card_id, rng.choice([1, 3, 4, 4, 4, 5]), now)


def test_optimize_refuses_below_the_minimum_and_says_how_many_more(cli, col, notes) -> None:
    _history(col, notes, cards=5, days=10)
    result = cli("--db", str(col.path), "optimize", "deck")
    assert result.exit_code == 1
    assert f"needs {MIN_REVIEWS}" in result.stderr and "more" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def studied(tmp_path_factory) -> str:  # noqa: ANN001
    """A collection with enough history to train on (made once: it takes a while)."""
    from helpers import Notes

    root = tmp_path_factory.mktemp("fsrs")
    path = root / "col.sqlite"
    with Collection.open(path, timezone="UTC") as col:
        _history(col, Notes(root / "notes"), cards=120, days=90, scheduler="fsrs")
    return str(path)


def test_optimize_stores_parameters_and_reschedules_the_fsrs_deck(cli, studied) -> None:
    conn = sqlite3.connect(studied)
    before = conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall()
    dry = json.loads(cli("--db", studied, "optimize", "--dry-run", "--json").stdout)
    assert conn.execute("SELECT COUNT(*) FROM fsrs_parameters").fetchone() == (0,)
    assert set(dry) == {"deck", "reviews", "parameters"} and dry["reviews"] >= MIN_REVIEWS
    assert len(dry["parameters"]) == 21
    out = json.loads(cli("--db", studied, "optimize", "deck", "--json").stdout)
    assert out["parameters"] == dry["parameters"]  # fsrs-rs is deterministic
    stored = conn.execute("SELECT parameters, reviews, trained_at FROM fsrs_parameters").fetchone()
    assert json.loads(stored[0]) == out["parameters"] and stored[1] == out["reviews"]
    assert conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall() != before
    conn.close()
    assert cli("--db", studied, "doctor").exit_code == 0


def test_evaluate_scores_three_schedulers(cli, studied) -> None:
    out = json.loads(cli("--db", studied, "evaluate", "--json").stdout)
    assert out["deck"] == "deck" and out["reviews"] > 0
    assert set(out["schedulers"]) == {"sm2", "fsrs", "fsrs_trained"}
    for scores in out["schedulers"].values():
        assert set(scores) == {"log_loss", "rmse_bins", "auc"}
        assert 0 < scores["log_loss"] < 2 and 0 <= scores["rmse_bins"] < 1
    table = cli("--db", studied, "evaluate", "deck").stdout
    assert f"{out['reviews']} reviews scored" in table
    assert "SM-2" in table and "FSRS (trained)" in table
    assert "predicts your recall best" in " ".join(table.split())


def test_evaluate_names_the_decks_when_none_is_given(cli, col, notes) -> None:
    for name in ("a", "b"):
        path = notes.write(f"{name}.md", "- Fact is **x1x**.\n")
        col.build(DeckSpec(name=name, notes=[path]))
    result = cli("--db", str(col.path), "evaluate")
    assert result.exit_code == 1
    assert "name a deck (decks: a, b)" in result.stderr
