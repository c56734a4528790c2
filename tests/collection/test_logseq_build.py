"""Building a Logseq graph: references resolved across files, and kept up to date.

A build reads only changed files, so the graph's index (each file's `id::`
blocks and embeddable page) lives in the collection; a file that shows a
referenced block is read again when that block's text changes, and its cards
keep their ids and history.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import NOW, Notes

import flashcards.build.read
import flashcards.notes.by_dialect
import flashcards.notes.graph
import flashcards.reading

UID = "6401b0c2-aaaa-4bbb-8ccc-000000000001"
CELLS = f"- The cell's powerhouse is the mitochondrion\n  id:: {UID}\n"
JOURNAL = f"- Recall: (({UID})) — it makes **ATP**\n"


@pytest.fixture
def graph(notes: Notes) -> Notes:
    notes.write("logseq/config.edn", "{:file/name-format :triple-lowbar}\n")
    notes.write("pages/Cells.md", CELLS)
    notes.write("journals/2024_01_31.md", JOURNAL)
    notes.write("pages/Other.md", "- Unrelated **fact**\n")
    return notes


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files each build parses."""
    seen: list[str] = []
    parse = flashcards.notes.by_dialect.parse_note

    def spy(raw, path):
        seen.append(Path(path).name)
        return parse(raw, path)

    monkeypatch.setattr(flashcards.notes.by_dialect, "parse_note", spy)
    return seen


def _atp(col):
    (card,) = [c for c in col.cards() if c.answers == ["ATP"]]
    return card


def test_a_build_resolves_a_reference_to_another_file(col, graph):
    col.build(graph.root)
    assert _atp(col).front == "Recall: The cell's powerhouse is the mitochondrion — it makes [...]"


def test_an_edited_referenced_block_updates_the_referrer_keeping_its_id_and_history(
    col, graph, parses, db_path
):
    col.build(graph.root)
    before = _atp(col)
    col.answer(before.id, 5, now=NOW)
    parses.clear()

    graph.write("pages/Cells.md", CELLS.replace("powerhouse", "power plant"))
    report = col.build(graph.root)

    # the journal did not change, but it shows the block that did: it is read again
    assert sorted(parses) == ["2024_01_31.md", "Cells.md"]
    after = _atp(col)
    assert after.front == "Recall: The cell's power plant is the mitochondrion — it makes [...]"
    assert (after.id, after.guid) == (before.id, before.guid)
    assert col.card(after.id).repetitions == 1
    assert (report.updated, report.new, report.retired) == (1, 0, 0)
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT COUNT(*) FROM reviews WHERE card_id = ?", (after.id,))
        assert rows.fetchone() == (1,)
    finally:
        conn.close()

    parses.clear()
    col.build(graph.root)
    assert parses == []  # once: nothing changed since


def test_an_edit_elsewhere_reads_only_that_file_and_keeps_resolving(col, graph, parses):
    col.build(graph.root)
    parses.clear()
    graph.write("journals/2024_01_31.md", JOURNAL + "- and **NADH** too\n")
    col.build(graph.root)
    assert parses == ["2024_01_31.md"]  # Cells.md's block comes from the collection
    assert _atp(col).front.startswith("Recall: The cell's powerhouse is the mitochondrion")
    parses.clear()
    graph.write("pages/Other.md", "- Unrelated **facts**\n")
    col.build(graph.root)
    assert parses == ["Other.md"]  # nobody shows anything of it


def test_a_deleted_referenced_block_shows_the_placeholder(col, graph):
    col.build(graph.root)
    before = _atp(col)
    graph.write("pages/Cells.md", "- The cell's powerhouse, no id any more\n")
    col.build(graph.root)
    after = _atp(col)
    assert after.front == "Recall: [missing block] — it makes [...]" and after.id == before.id
    graph.remove("pages/Cells.md")
    col.build(graph.root)
    assert _atp(col).front == "Recall: [missing block] — it makes [...]"


def test_a_cold_build_reads_each_file_once_even_when_it_shows_a_later_files_block(
    col, graph, parses, monkeypatch
):
    # the journal (read first) shows a block of pages/Cells.md (read after it): the new
    # files' entries are indexed before reading, so it is not read a second time — and
    # the note the pre-index parsed is the one its reading takes: one parse of each file
    indexed: list[str] = []
    parse = flashcards.notes.graph.parse_note

    def spy(raw, path):
        indexed.append(Path(path).name)
        return parse(raw, path)

    monkeypatch.setattr(flashcards.notes.graph, "parse_note", spy)
    col.build(graph.root)
    assert indexed == ["Cells.md"]
    assert sorted(parses) == ["2024_01_31.md", "Other.md"]
    assert not flashcards.build.read._PARSED  # nothing left behind
    assert _atp(col).front == "Recall: The cell's powerhouse is the mitochondrion — it makes [...]"


def test_a_file_changed_after_the_pre_index_is_parsed_again(col, graph, monkeypatch):
    """The note the pre-index kept is of the bytes it read: a file whose bytes differ
    by the time it is read is parsed from those, and its cards are the new text's."""
    index = flashcards.build.read.entries_of_new_files

    def then_edit(*args, **kwargs):
        found = index(*args, **kwargs)
        graph.write("pages/Cells.md", CELLS + "- A new **ribosome** block\n")
        return found

    monkeypatch.setattr(flashcards.build.read, "entries_of_new_files", then_edit)
    col.build(graph.root)
    assert any(c.answers == ["ribosome"] for c in col.cards())
    assert not flashcards.build.read._PARSED


def test_a_read_in_two_processes_keeps_no_pre_index_notes(col, graph, parses, monkeypatch):
    """A forked reader would hold a copy of every kept note: with two, none is kept (each
    file is parsed by its own reading, in whichever process reads it)."""
    monkeypatch.setattr(flashcards.reading, "default_workers", lambda files: 2)
    monkeypatch.setattr(flashcards.build.read, "_PARSED", {})
    kept = []
    index = flashcards.build.read.entries_of_new_files

    def spy(files, embedded=(), keep=None):
        kept.append(keep)
        return index(files, embedded, keep)

    monkeypatch.setattr(flashcards.build.read, "entries_of_new_files", spy)
    col.build(graph.root)
    assert kept == [None]
    assert _atp(col).front == "Recall: The cell's powerhouse is the mitochondrion — it makes [...]"
