"""Imported answers get the SM-2 steps `sm2.apply` gives, row by row: the import's own
loop on plain integers is held to it (before and after columns, card states, drills),
and answers older than the card's own log leave the card at the replay of the whole log."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta

from anki_package import DAY_MS, colpkg
from helpers import NOW

from flashcards import Collection
from flashcards.study.state import replay_steps

DECK = "".join(f"- Fact {i} is **answer {i}** here.\n" for i in range(5))


def _log(db_path, card_id: int) -> list[tuple]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(
            "SELECT q, day, kind, reps_before, ef_before, interval_before, due_before, "
            "lapses_before, reps_after, ef_after, interval_after, due_after, lapses_after "
            "FROM reviews WHERE card_id = ? ORDER BY time_ms, id",
            (card_id,),
        ).fetchall()
    finally:
        db.close()


def test_every_imported_row_is_an_sm2_step(tmp_path, notes, db_path):
    notes.write("deck.md", DECK)
    rng = random.Random(7)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        cards = col.cards()
        col.answer(cards[0].id, 4, now=NOW)  # a local answer the package sends back too
        local_ms = int(NOW.timestamp() * 1000)
        start = local_ms + DAY_MS
        answers = [(local_ms + 300, cards[0].guid, 3)]  # the same answer: recognised
        for i, card in enumerate(cards):
            at = start + i * 1000
            for _ in range(40):
                # mostly passes, far apart (long intervals, the ceiling), some Hard runs
                # (EF down to its floor), fails (lapses) and same-day answers (drills)
                button = rng.choice((1, 2, 2, 3, 3, 3, 4) if i % 2 else (2, 2, 2, 1, 3))
                answers.append((at, card.guid, button))
                if rng.random() < 0.3:
                    answers.append((at + 600_000, card.guid, rng.choice((1, 3))))
                at += DAY_MS * rng.choice((1, 1, 2, 5, 30, 200))
        report = col.import_package(colpkg(tmp_path / "phone.colpkg", answers))
        assert (report.reviews, report.known) == (len(answers) - 1, 1)
        assert col.doctor() == []
        kinds, efs = set(), set()
        for card in cards:
            log = _log(db_path, card.id)
            steps = replay_steps(log)
            assert [tuple(r[3:8]) for r in log] == [before for before, _ in steps]
            assert [tuple(r[8:13]) for r in log] == [after for _, after in steps]
            kinds.update(r[2] for r in log)
            efs.update(r[9] for r in log)
        assert kinds == {"review", "drill"} and 1300 in efs  # the test reached both


def test_answers_older_than_the_log_leave_the_replay_of_the_whole_log(tmp_path, notes, db_path):
    notes.write("deck.md", DECK)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        card = col.cards()[0]
        col.answer(card.id, 5, now=NOW + timedelta(days=10))  # answered here on day 10
        older = int(NOW.timestamp() * 1000)
        answers = [(older + day * DAY_MS, card.guid, 1 + day % 4) for day in range(5)]
        report = col.import_package(colpkg(tmp_path / "phone.colpkg", answers))
        assert report.reviews == 5
        assert col.doctor() == []  # the state is that of days 0-4, then day 10


def _schema(db_path) -> list[tuple]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    finally:
        db.close()


def test_a_bulk_import_leaves_the_schema_as_it_was(tmp_path, notes, db_path):
    """The indexes a bulk import drops for its writes are back, as they were, after it
    (and after a small one, which leaves them in place)."""
    notes.write("deck.md", DECK)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        cards = col.cards()
        before = _schema(db_path)
        start = int(NOW.timestamp() * 1000)
        many = [(start + d * DAY_MS + i, c.guid, 3) for d in range(20) for i, c in enumerate(cards)]
        assert col.import_package(colpkg(tmp_path / "many.colpkg", many)).reviews == len(many)
        assert _schema(db_path) == before
        late = start + 100 * DAY_MS
        one = [(late, cards[0].guid, 4)]
        assert col.import_package(colpkg(tmp_path / "one.colpkg", one)).reviews == 1
        assert _schema(db_path) == before
        assert col.doctor() == []
