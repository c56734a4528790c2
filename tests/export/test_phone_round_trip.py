"""Exporting with scheduling, studying in Anki (the real library, as AnkiDroid would), and
importing the answers back: judged end to end by Anki itself."""

from __future__ import annotations

import json
from datetime import date, timedelta

from helpers import NOW

from flashcards.collection import Collection

from .support import card_by_note_guid, import_apkg

DECK = (
    "- The **mitochondria** is the powerhouse of the cell.\n"
    "- Paris is the capital of **France**.\n"
    "- Water boils at **one hundred** degrees.\n"
)


def anki_today(anki) -> date:
    """Anki's study day now (it rolls over at its cutoff, 04:00 by default)."""
    return date.fromtimestamp(anki.sched.day_cutoff) - timedelta(days=1)


def _answer_in_anki(anki, how_many: int) -> list[int]:
    """Answer the first due cards Good through Anki's v3 scheduler; returns their ids."""
    from anki.scheduler.v3 import CardAnswer

    done = []
    for _ in range(how_many):
        queued = anki.sched.get_queued_cards().cards[0]
        card = anki.get_card(queued.card.id)
        card.start_timer()
        anki.sched.answer_card(
            anki.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )
        done.append(card.id)
    return done


def test_apkg_carries_due_dates_and_history(tmp_path, notes, db_path, anki_collection):
    notes.write("deck.md", DECK)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        studied = col.cards()[0]
        col.answer(studied.id, 5, now=NOW)
        col.answer(studied.id, 5, now=NOW + timedelta(days=1))  # interval 6
        ours = col.card(studied.id)
        col.export([], "apkg", tmp_path / "deck.apkg")
        col.export([], "apkg", tmp_path / "fresh.apkg", scheduling=False)
    anki = anki_collection()
    import_apkg(anki, tmp_path / "deck.apkg", with_scheduling=True)
    card = card_by_note_guid(anki, studied.guid)
    due = anki_today(anki) + timedelta(days=card.due - anki.sched.today)
    assert due == ours.state.due
    assert (card.ivl, card.factor, card.lapses, card.type) == (6, ours.state.ef, 0, 2)
    log = anki.db.list("SELECT ease FROM revlog WHERE cid = ? ORDER BY id", card.id)
    assert log == [4, 4]
    fresh = anki_collection("fresh")
    import_apkg(fresh, tmp_path / "fresh.apkg", with_scheduling=True)
    assert fresh.db.scalar("SELECT COUNT(*) FROM revlog") == 0
    assert card_by_note_guid(fresh, studied.guid).type == 0


def test_study_on_the_phone_and_bring_the_answers_back(
    tmp_path, notes, db_path, anki_collection, cli
):
    notes.write("deck.md", DECK)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        first = col.cards()[0]
        col.answer(first.id, 4, now=NOW)
        col.export([], "apkg", tmp_path / "deck.apkg")
        reviews_before = col.review_count()
    anki = anki_collection()
    import_apkg(anki, tmp_path / "deck.apkg", with_scheduling=True)
    # later days on the phone: make every card due now, then answer two in Anki
    anki.db.execute("UPDATE cards SET due = ? WHERE type = 2", anki.sched.today)
    anki.decks.select(anki.decks.id_for_name(notes.root.name))
    answered = _answer_in_anki(anki, 2)
    guids = {anki.get_note(anki.get_card(c).nid).guid for c in answered}
    anki.export_collection_package(str(tmp_path / "phone.colpkg"), True, False)

    result = cli("--db", str(db_path), "import", str(tmp_path / "phone.colpkg"), "--json")
    assert result.exit_code == 0, result.output

    report = json.loads(result.stdout)
    assert report["reviews"] == 2 and report["known"] == 1 and report["new_notes"] == 0
    with Collection.open(db_path, timezone="UTC") as col:
        assert col.review_count() == reviews_before + 2
        assert col.doctor() == []
        by_guid = {c.guid: c for c in col.cards()}
        for guid in guids:
            assert by_guid[guid].state.due is not None
        # importing the same file again adds nothing
    again = json.loads(
        cli("--db", str(db_path), "import", str(tmp_path / "phone.colpkg"), "--json").stdout
    )
    assert (again["reviews"], again["known"]) == (0, 3)
    # export again and Anki updates its notes in place
    with Collection.open(db_path, timezone="UTC") as col:
        col.export([], "apkg", tmp_path / "again.apkg")
    from anki.collection import Collection as AnkiCollection

    phone = AnkiCollection(anki.path)
    try:
        notes_before = phone.note_count()
        import_apkg(phone, tmp_path / "again.apkg", with_scheduling=True)
        assert phone.note_count() == notes_before == 3
    finally:
        phone.close()
