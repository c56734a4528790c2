"""The `.json` export: valid against its published schema, and true to the collection."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import jsonschema
import pytest
from anki_package import colpkg
from helpers import NOW

from flashcards import sm2
from flashcards.export import export
from flashcards.export.jsonfmt import SCHEMA_PATH

from .support import SAMPLE_DECK, open_collection


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # the schema itself is valid JSON Schema
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_export_validates_against_the_schema(sample, tmp_path, validator):
    out = tmp_path / "sample.json"
    export(sample, [], "json", out, now=NOW)
    document = json.loads(out.read_text())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert errors == []
    assert document["exported_at"] == "2025-03-10T12:00:00Z"
    assert [d["name"] for d in document["decks"]] == [SAMPLE_DECK]


def test_the_schema_rejects_what_it_should(sample, tmp_path, validator):
    out = tmp_path / "sample.json"
    export(sample, [], "json", out, now=NOW)
    document = json.loads(out.read_text())
    card = document["cards"][0]
    card["reviews"][0]["rating"] = 5
    del card["state"]["due"]
    card["surprise"] = True
    messages = [e.message for e in validator.iter_errors(document)]
    assert len(messages) == 3
    assert any("5 is greater than the maximum of 4" in m for m in messages)
    assert any("'due' is a required property" in m for m in messages)
    assert any("'surprise' was unexpected" in m for m in messages)


def test_every_card_with_its_state_and_reviews(sample, tmp_path):
    # a retired card keeps its history, and the export keeps both
    out = tmp_path / "sample.json"
    result = export(sample, [], "json", out, now=NOW)
    document = json.loads(out.read_text())

    cards = {c["id"]: c for c in document["cards"]}
    ours = sample.cards()
    assert result.cards == len(cards) == len(ours) == document["decks"][0]["cards"]
    for view in ours:
        card = cards[view.id]
        assert card["guid"] == view.guid
        assert card["content_hash"] == view.content_hash
        assert card["status"] == view.status
        assert card["answers"] == view.answers
        assert card["context"] == view.context
        assert card["state"]["repetitions"] == view.repetitions
        assert card["state"]["ef"] == view.ef
        assert card["state"]["interval"] == view.interval
        assert card["state"]["due"] == (view.due.isoformat() if view.due else None)
        assert card["state"]["lapses"] == view.lapses

    reviews = [(cid, r) for cid, c in cards.items() for r in c["reviews"]]
    assert len(reviews) == sample.review_count() == 9
    rows = {
        r[0]: r
        for r in sqlite3.connect(sample.path).execute(
            "SELECT id, card_id, time_ms, q, duration_ms, kind FROM reviews"
        )
    }
    for card_id, review in reviews:
        rid, rcard, time_ms, q, duration, kind = rows[review["id"]]
        assert (card_id, review["time_ms"], review["q"]) == (rcard, time_ms, q)
        assert review["duration_ms"] == duration
        assert review["kind"] == kind
        assert review["rating"] == sm2.rating(q)

    first = cards[min(cards)]
    assert [r["kind"] for r in first["reviews"]] == ["review", "review", "review", "drill", "drill"]
    assert [r["q"] for r in first["reviews"]] == [5, 4, 2, 3, 4]
    assert first["reviews"][0]["time"] == "2025-03-10T12:00:00.000Z"
    assert first["reviews"][0]["before"]["due"] is None  # it was new
    assert first["reviews"][-1]["after"] == {
        k: first["state"][k] for k in ("repetitions", "ef", "interval", "due", "lapses")
    }


def test_retired_cards_are_kept_with_their_history(cells, notes_dir, tmp_path):
    (boil,) = [c for c in cells.cards() if c.answers == ["100 °C"]]
    cells.answer(boil.id, 4, now=NOW)
    notes = notes_dir / "cells.md"
    notes.write_text(notes.read_text().replace("- Water boils at **100 °C** at sea level\n", ""))
    cells.build(notes)

    out = tmp_path / "cells.json"
    export(cells, [], "json", out, now=NOW)
    cards = {c["id"]: c for c in json.loads(out.read_text())["cards"]}
    assert cards[boil.id]["status"] == "retired"
    assert len(cards[boil.id]["reviews"]) == 1


def test_practice_reviews_keep_their_kind(sample, tmp_path, validator):
    from .test_reviews_csv import cram_twice

    later = NOW + timedelta(days=30)
    cram_twice(sample, later)
    out = tmp_path / "sample.json"
    export(sample, [], "json", out, now=later)
    document = json.loads(out.read_text())
    kinds = [r["kind"] for c in document["cards"] for r in c["reviews"]]
    assert kinds.count("cram") == 2 and len(kinds) == 11
    assert list(validator.iter_errors(document)) == []  # the schema knows the kind


def test_a_cards_reviews_come_oldest_first_whatever_order_they_were_saved_in(
    tmp_path, notes, db_path
):
    # answers studied on the phone before the desktop's own, imported after them: their
    # review ids are newer than their times
    notes.write("deck.md", "- Paris is the capital of **France**.\n")
    with open_collection(db_path) as col:
        col.build(notes.root)
        (card,) = col.cards()
        col.answer(card.id, 4, now=NOW + timedelta(days=3))
        phone = [(int((NOW + timedelta(days=d)).timestamp() * 1000), card.guid, 3) for d in (1, 2)]
        col.import_package(colpkg(tmp_path / "phone.colpkg", phone))
        saved = [
            r[0]
            for r in sqlite3.connect(db_path).execute(
                "SELECT time_ms FROM reviews WHERE card_id = ? ORDER BY id", (card.id,)
            )
        ]
        assert saved != sorted(saved)  # the log holds them out of time order
        out = tmp_path / "deck.json"
        export(col, [], "json", out, now=NOW + timedelta(days=4))
    (exported,) = json.loads(out.read_text())["cards"]
    times = [r["time_ms"] for r in exported["reviews"]]
    assert times == sorted(saved)
