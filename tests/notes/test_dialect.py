"""Dialects: detected from the vault's markers, overridden by a deck spec, carried by
every file job (DESIGN.md "Dialects", issue 12 item 1)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from flashcards.decks import DeckError, load_deck
from flashcards.notes.dialect import LOGSEQ, MARKDOWN, OBSIDIAN, ReadOptions, detect, options_for
from flashcards.notes.junk import ALL_RULES
from flashcards.reading import extract_paths


def test_markers_of_a_vault_or_graph_name_the_dialect(tmp_path: Path) -> None:
    (tmp_path / "vault" / ".obsidian").mkdir(parents=True)
    (tmp_path / "vault" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "graph" / "logseq").mkdir(parents=True)
    (tmp_path / "graph" / "logseq" / "config.edn").write_text("{}")
    (tmp_path / "graph" / "pages").mkdir()
    (tmp_path / "plain").mkdir()
    assert detect(tmp_path / "vault" / "deep" / "er") == (OBSIDIAN, tmp_path / "vault")
    assert detect(tmp_path / "graph" / "pages") == (LOGSEQ, tmp_path / "graph")
    assert detect(tmp_path / "plain") == (MARKDOWN, None)
    (tmp_path / "vault" / "deep" / "er" / "n.md").write_text("- the **liver** filters\n")
    assert detect(tmp_path / "vault" / "deep" / "er" / "n.md")[0] == OBSIDIAN


def test_cards_say_which_dialect_read_them(tmp_path: Path) -> None:
    (tmp_path / "vault" / ".obsidian").mkdir(parents=True)
    (tmp_path / "vault" / "n.md").write_text("- the **liver** filters\n")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "n.md").write_text("- the **kidney** filters\n")
    found = extract_paths([tmp_path / "vault", tmp_path / "plain"]).cards
    assert [(c.answers, c.to_json()["dialect"]) for c in found] == [
        (["liver"], OBSIDIAN),
        (["kidney"], MARKDOWN),
    ]


def test_a_deck_spec_overrides_the_dialect(tmp_path: Path) -> None:
    (tmp_path / "logseq").mkdir()
    (tmp_path / "logseq" / "config.edn").write_text("{}")
    (tmp_path / "n.md").write_text("- the **liver** filters\n")
    spec = tmp_path / "deck.md"
    spec.write_text("---\nname: d\nnotes: [n.md]\ndialect: obsidian\n---\n")
    deck = load_deck(spec)
    assert deck.read_options(deck.notes[0]).dialect == OBSIDIAN
    assert options_for(tmp_path / "n.md").dialect == LOGSEQ


def test_a_bad_dialect_says_where(tmp_path: Path) -> None:
    spec = tmp_path / "deck.md"
    spec.write_text("---\nname: d\nnotes: [n.md]\n\ndialect: roam\n---\n")
    with pytest.raises(DeckError) as err:
        load_deck(spec)
    assert str(err.value).startswith(f"{spec}:5: unknown dialect 'roam'; use one of ")


def test_read_options_travel_pickled_and_have_a_stable_key(tmp_path: Path) -> None:
    plugin = tmp_path / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    plugin.mkdir(parents=True)
    options = options_for(tmp_path)
    assert options.osr is not None and options.dialect == OBSIDIAN
    again = pickle.loads(pickle.dumps(options))
    assert again == options and again.key() == options.key() == options_for(tmp_path).key()
    assert ReadOptions(junk=frozenset(ALL_RULES) - {"short"}).key() != ReadOptions().key()
    (plugin / "data.json").write_text('{"settings": {"singleLineCardSeparator": ";;"}}')
    assert options_for(tmp_path).key() != options.key()
