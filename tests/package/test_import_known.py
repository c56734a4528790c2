"""Answers already in the collection are recognised from the cards' review times alone: a
file imported again adds nothing and reads no card's whole log; a file with some new
answers reads the logs of just the cards that get them, and leaves every card at the
replay of its whole log (new answers older than its own included)."""

from __future__ import annotations

from anki_package import DAY_MS, colpkg
from helpers import NOW

from flashcards import Collection
from flashcards.store import history

DECK = "".join(f"- Fact {i} is **answer {i}** here.\n" for i in range(6))


def test_known_answers_read_times_not_logs(tmp_path, notes, db_path, monkeypatch):
    notes.write("deck.md", DECK)
    start = int(NOW.timestamp() * 1000)
    read: list[list[int]] = []
    whole_log = history.card_reviews

    def card_reviews(store, card_ids):  # noqa: ANN001, ANN202
        read.append(sorted(card_ids))
        return whole_log(store, card_ids)

    monkeypatch.setattr(history, "card_reviews", card_reviews)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        cards = col.cards()
        answers = [
            (start + d * 2 * DAY_MS + i, c.guid, 3) for d in range(4) for i, c in enumerate(cards)
        ]
        first = col.import_package(colpkg(tmp_path / "first.colpkg", answers))
        assert (first.reviews, first.known) == (len(answers), 0)
        assert read == [[]]  # no card had a log
        read.clear()
        again = col.import_package(colpkg(tmp_path / "again.colpkg", answers))
        assert (again.reviews, again.known) == (0, len(answers))
        assert read == [[]]  # every answer known from the times: no log read
        read.clear()
        # two cards get new answers, one of them older than its log (between its days)
        more = [
            *answers,
            (start + 10 * DAY_MS, cards[1].guid, 4),
            (start + 1 * DAY_MS + 3, cards[3].guid, 1),
        ]
        report = col.import_package(colpkg(tmp_path / "more.colpkg", more))
        assert (report.reviews, report.known) == (2, len(answers))
        assert read[0] == sorted([cards[1].id, cards[3].id])
        assert read[1:] == [[cards[3].id]]  # the older answer: the replay of the whole log
        assert col.doctor() == []  # every state is the replay of its card's log
