"""An export runs with the cyclic garbage collector paused, and leaves it as it found it.

The tens of thousands of cards, rows and fields an export makes form no reference
cycles and live to its end: the collector would only rescan them again and again
(`flashcards.gcpause`; at 50,000 cards 7% of an apkg export, 8% of a tsv, 16% of an md).
"""

from __future__ import annotations

import gc

import pytest
from helpers import NOW

import flashcards.export.job as job_module
from flashcards.export import FORMATS, ExportError, export

from .support import open_collection


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:  # as it was before the test, whatever the test did to it
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_collector_is_paused_while_cards_are_read_and_written(
    db, tmp_path, monkeypatch, fmt, collector_on
):
    seen: list[bool] = []
    module = __import__(FORMATS[fmt].module, fromlist=["write"])
    real_write, real_load = module.write, job_module.load_decks

    def write(job, path):
        seen.append(gc.isenabled())
        return real_write(job, path)

    def load_decks(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(module, "write", write)
    monkeypatch.setattr("flashcards.export.load_decks", load_decks)
    with open_collection(db) as col:
        result = export(col, [], fmt, tmp_path / f"out{FORMATS[fmt].suffix}", now=NOW)
    assert result.cards > 0
    assert seen == [False, False]  # reading the decks, then writing the file
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_failed_export(db, tmp_path, collector_on):
    with open_collection(db) as col, pytest.raises(ExportError):
        export(col, ["no such deck"], "tsv", tmp_path / "out.tsv", now=NOW)
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(db, tmp_path, collector_on):
    gc.disable()
    with open_collection(db) as col:
        export(col, [], "tsv", tmp_path / "out.tsv", now=NOW)
    assert not gc.isenabled()
