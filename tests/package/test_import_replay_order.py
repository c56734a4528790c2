"""An import starts each card from the replay of its log in replay order (time, device,
id), not in the order the rows were written: a sync may have merged older answers from
another device after newer local ones."""

from __future__ import annotations

from datetime import timedelta

from anki_package import colpkg
from helpers import NOW

from flashcards import Collection
from flashcards.store import history

NOTES = "- The **heart** pumps blood.\n"


def test_card_reviews_come_in_replay_order_after_a_sync(tmp_path, notes):
    notes.write("deck.md", NOTES)
    phone = Collection.open(tmp_path / "phone.sqlite", timezone="UTC")
    laptop = Collection.open(tmp_path / "laptop.sqlite", timezone="UTC")
    folder = tmp_path / "sync"
    folder.mkdir()
    try:
        for col in (phone, laptop):
            col.build(notes.root)
        (card,) = laptop.cards()
        # the phone fails the card on day 1; the laptop, not yet told, passes it on day 2
        phone.answer(phone.cards()[0].id, 1, now=NOW + timedelta(days=1))
        laptop.answer(card.id, 5, now=NOW + timedelta(days=2))
        phone.sync(folder)
        laptop.sync(folder)  # the phone's older answer is written after the laptop's
        log = history.card_reviews(laptop._store, [card.id])[card.id]
        assert [row[0] for row in log] == [1, 5]  # q: the day-1 fail, then the day-2 pass
        assert laptop.doctor() == []

        # an answer from Anki on day 9 continues from that replay
        at = int((NOW + timedelta(days=9)).timestamp() * 1000)
        report = laptop.import_package(colpkg(tmp_path / "p.colpkg", [(at, card.guid, 3)]))
        assert report.reviews == 1
        assert laptop.doctor() == []
    finally:
        phone.close()
        laptop.close()
