"""The `.md` export, judged by `flashcards build`: the file builds into the same cards."""

from __future__ import annotations

import frontmatter
import pytest
from helpers import NOW, sample_card_count

from flashcards.decks import DeckSettings, DeckSpec
from flashcards.export import ExportError, export

from .support import SAMPLE_DECK, open_collection


def rebuilt(tmp_path, exported, deletions=None):
    """The cards a fresh collection builds from the exported file."""
    spec = DeckSpec(name="rebuilt", notes=[exported])
    if deletions is not None:
        spec.settings = DeckSettings(deletions=frozenset(deletions))
    with open_collection(tmp_path / "rebuilt.sqlite") as col:
        report = col.build(spec)
        assert report.warnings == []
        return col.cards(include_retired=False)


def by_hash(cards):
    return {c.content_hash: c for c in cards}


def assert_same_cards(original, again):
    before, after = by_hash(original), by_hash(again)
    assert sorted(after) == sorted(before)  # same content hashes, none lost, none added
    for h, card in before.items():
        assert after[h].kind == card.kind
        assert after[h].answers == card.answers
        assert after[h].hint == card.hint
        assert after[h].front == card.front
        assert after[h].context == card.context
        assert after[h].back == card.back
        assert sorted(after[h].tags) == sorted(card.tags)


def test_sample_deck_round_trips_through_build(sample, tmp_path):
    out = tmp_path / "sample.md"
    export(sample, [SAMPLE_DECK], "md", out, now=NOW)
    original = [c for c in sample.cards() if c.status != "retired"]
    assert_same_cards(original, rebuilt(tmp_path, out))


def test_outline_edge_cases_round_trip(tmp_path, notes_dir):
    """Multi-line blocks, fenced code, duplicates, question cards, both cloze syntaxes
    (also over several lines), context deeper than six levels, headings ending in '#',
    paragraphs with `key:: value` lines, an unclosed fence, several files."""
    with open_collection(tmp_path / "edge.sqlite") as col:
        col.build(notes_dir / "edge-cases")
        original = col.cards(include_retired=False)
        out = tmp_path / "edge.md"
        result = export(col, [], "md", out, now=NOW)
    assert result.cards == len(original) == 23
    texts = [c.content_hash for c in original]
    assert len(texts) == len(set(texts))
    assert_same_cards(original, rebuilt(tmp_path, out))


def test_identical_blocks_are_written_once_each_in_order(tmp_path, notes_dir):
    with open_collection(tmp_path / "edge.sqlite") as col:
        col.build(notes_dir / "edge-cases")
        out = tmp_path / "edge.md"
        export(col, [], "md", out, now=NOW)
    # three copies of the block in the deck (two in one file, one in another)
    assert out.read_text().count("- duplicate **dup** block") == 3


def test_front_matter_describes_the_export(sample, tmp_path):
    out = tmp_path / "sample.md"
    export(sample, [], "md", out, now=NOW)
    meta = frontmatter.load(out).metadata
    assert meta["deck"] == SAMPLE_DECK
    assert meta["description"].startswith("Reading notes on Chip Huyen")
    assert meta["exported_at"] == "2025-03-10T12:00:00Z"
    assert meta["cards"] == sample_card_count()
    assert meta["source"]["spec"].endswith("designing-machine-learning-systems.md")
    assert meta["source"]["notes"][0].endswith("designing-machine-learning-systems.md")
    assert meta["source"]["collection"] == str(sample.path)
    assert sorted(meta["deletions"]) == ["anki_cloze", "highlight", "logseq_cloze", "strong"]
    # the page's tags, which every card has, are the file's tags
    assert meta["tags"][:2] == ["books", "machine learning"]


def test_a_deck_with_markers_switched_off_round_trips_with_the_same_deletions(tmp_path, notes_dir):
    spec = DeckSpec(
        name="no highlights",
        notes=[notes_dir / "edge-cases"],
        settings=DeckSettings(deletions=frozenset({"strong", "logseq_cloze", "anki_cloze"})),
    )
    with open_collection(tmp_path / "spec.sqlite") as col:
        col.build(spec)
        original = col.cards(include_retired=False)
        out = tmp_path / "no-highlights.md"
        export(col, [], "md", out, now=NOW)
    assert frontmatter.load(out).metadata["deletions"] == sorted(spec.deletions)
    assert_same_cards(original, rebuilt(tmp_path, out, spec.deletions))


def test_retired_cards_are_not_exported(cells, notes_dir, tmp_path):
    notes = notes_dir / "cells.md"
    notes.write_text(notes.read_text().replace("- Water boils at **100 °C** at sea level\n", ""))
    cells.build(notes)
    out = tmp_path / "cells.md"
    result = export(cells, [], "md", out, now=NOW)
    assert [c.status for c in cells.cards() if c.answers == ["100 °C"]] == ["retired"]
    assert "Water boils" not in out.read_text()
    assert result.cards == len(cells.cards(include_retired=False)) == 6
    assert_same_cards(cells.cards(include_retired=False), rebuilt(tmp_path, out))


def test_one_deck_per_file(cells, notes_dir, tmp_path):
    cells.build(notes_dir / "edge-cases")
    with pytest.raises(ExportError, match="holds one deck; name one of: cells, edge-cases"):
        export(cells, [], "md", tmp_path / "both.md", now=NOW)
    assert not (tmp_path / "both.md").exists()
    export(cells, ["cells"], "md", tmp_path / "cells.md", now=NOW)
    assert frontmatter.load(tmp_path / "cells.md").metadata["deck"] == "cells"
