"""An answer is recorded after the card's latest review, even when that review came from a
device (an import, a sync) whose clock ran ahead of this one: the log's replay order is
then the order the states were written in, and `doctor` agrees with the stored state."""

from __future__ import annotations

from datetime import timedelta

from anki_package import colpkg
from helpers import NOW

from flashcards.collection import Collection


def test_an_answer_timed_before_an_imported_review_comes_after_it(notes, db_path, tmp_path):
    notes.write("deck.md", "- Paris is the capital of **France**.\n")
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        (card,) = col.cards()
        ahead = int((NOW + timedelta(minutes=5)).timestamp() * 1000)  # the other clock
        col.import_package(colpkg(tmp_path / "p.colpkg", [(ahead, card.guid, 3)]))
        col.answer(card.id, 0, now=NOW)  # this device's clock: five minutes earlier
        times = [r.time_ms for r in col.history(card.id)]
        assert times == [ahead, ahead + 1]
        assert col.doctor() == []
