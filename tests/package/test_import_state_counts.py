"""A big import's new card states reach the card summaries behind the deck list and the
stats (store/deck_summaries.py) as grouped counts, not one trigger run per card: the
collection comes out row for row as the per-row triggers leave it, the triggers are back
as they were, and a failed import leaves the counts and the triggers untouched. The
cycle collector waits while the answers go in (they hold no cycles) and is back after."""

from __future__ import annotations

import gc
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from anki_package import DAY_MS, colpkg
from helpers import NOW

from flashcards import Collection
from flashcards.importing import apply
from flashcards.store import deck_summaries, history

CARDS = 240  # above deck_summaries.BULK_ROWS: an import of them all counts in bulk
DECK = "".join(f"- Fact {i} is **answer {i}** here.\n" for i in range(CARDS))


def _contents(db_path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, and the schema: the collection as a user's tools see it."""
    db = sqlite3.connect(db_path)
    try:
        names = [
            n
            for (n,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}
        out["schema"] = db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        return out
    finally:
        db.close()


def _collection(tmp_path: Path, notes, db_path: Path) -> tuple[Path, list]:  # noqa: ANN001
    """The deck built, some cards answered here (a few days after the package's first
    answers, so theirs interleave), and the package: 1-3 answers per card, on days 0-4."""
    notes.write("deck.md", DECK)
    answers = []
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        cards = col.cards()
        for card in cards[::7]:
            col.answer(card.id, 2 + card.id % 4, now=NOW + timedelta(days=3))
        start = int(NOW.timestamp() * 1000)
        for i, card in enumerate(cards):
            for n in range(1 + i % 3):
                answers.append((start + (n * 2 + i % 2) * DAY_MS + i * 1000, card.guid, 1 + i % 4))
    return colpkg(tmp_path / "phone.colpkg", answers), answers


def _import(db_path: Path, package: Path):  # noqa: ANN202 - (report, row changes)
    with Collection.open(db_path, timezone="UTC") as col:
        conn = col._store.db.conn
        before = conn.total_changes
        report = col.import_package(package)
        changes = conn.total_changes - before
        assert col.doctor() == []
    return report, changes


def test_the_counts_come_out_as_the_per_row_triggers_leave_them(tmp_path, notes, monkeypatch):
    one, other = tmp_path / "bulk.sqlite", tmp_path / "rows.sqlite"
    package, answers = _collection(tmp_path, notes, one)
    other.write_bytes(one.read_bytes())
    before = _contents(one)
    report, bulk_changes = _import(one, package)
    assert (report.cards, report.reviews) == (CARDS, len(answers))
    monkeypatch.setattr(deck_summaries, "BULK_ROWS", 10**9)  # every state by its triggers
    assert _import(other, package)[0] == report
    assert _contents(one) == _contents(other)
    after = _contents(one)
    assert after["schema"] == before["schema"]  # the triggers are back, as they were
    assert after["deck_due"] != before["deck_due"]  # the import did move the counts
    # the rows the import changes: its reviews, the cards' states, a few summary groups
    # each; the per-row triggers change a card's old and new group rows for every card
    groups = sum(len(after[t]) + len(before[t]) for t in ("deck_due", "card_intervals"))
    groups += len(after["card_eases"]) + len(before["card_eases"])
    # the review summaries: day rows before and after, slot rows after
    groups += len(after["review_summary"]) + len(
        [row for row in before["review_summary"] if row[2] == -1]
    )
    assert bulk_changes <= len(answers) + 2 * CARDS + 2 * groups < len(answers) + 4 * CARDS


def test_a_failed_import_leaves_the_counts_and_triggers(tmp_path, notes, db_path, monkeypatch):
    package, _ = _collection(tmp_path, notes, db_path)
    before = _contents(db_path)
    monkeypatch.setattr(apply, "BATCH_ROWS", 100)  # several batches: fail in the second
    calls = []
    written = history.write_states

    def write_states(store, rows):  # noqa: ANN001, ANN202
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk gone")
        written(store, rows)

    monkeypatch.setattr(history, "write_states", write_states)
    with Collection.open(db_path, timezone="UTC") as col, pytest.raises(RuntimeError):
        col.import_package(package)
    assert _contents(db_path) == before
    monkeypatch.setattr(history, "write_states", written)
    report, _ = _import(db_path, package)  # the batches all go in, the counts follow
    assert report.reviews > 0 and len(calls) == 2


def test_the_cycle_collector_waits_for_the_answers_and_comes_back(
    tmp_path, notes, db_path, monkeypatch
):
    package, _ = _collection(tmp_path, notes, db_path)
    seen = []
    written = history.add_reviews

    def add_reviews(store, rows):  # noqa: ANN001, ANN202
        seen.append(gc.isenabled())
        written(store, rows)

    monkeypatch.setattr(history, "add_reviews", add_reviews)
    with Collection.open(db_path, timezone="UTC") as col:
        assert gc.isenabled()
        col.import_package(package)
        assert seen == [False] and gc.isenabled()  # off for the answers, on after
        late = int(NOW.timestamp() * 1000) + 99 * DAY_MS
        other = colpkg(tmp_path / "late.colpkg", [(late, col.cards()[0].guid, 3)])
        gc.disable()  # a caller's own choice is left as it was
        try:
            col.import_package(other)
            assert seen == [False, False] and not gc.isenabled()
        finally:
            gc.enable()
