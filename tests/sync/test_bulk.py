"""A big merge writes its cards' states in bulk (the deck summaries' per-row update
triggers off, the cards counted out and back in once): the collection it leaves is the
one the triggers, row by row, leave."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from flashcards import Collection
from flashcards.store import deck_summaries

from .support import history, make_device, states, study

NOTES = "\n".join(f"- Fact number {i} is **answer{i}** here" for i in range(14)) + "\n"
SUMMARIES = ("deck_cards", "deck_due", "card_intervals", "card_eases", "review_days")


def _tables(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall() for t in SUMMARIES
        }
    finally:
        conn.close()


def _merged(tmp_path: Path, notes, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> Path:
    """b's collection after merging a's journal, with the bulk path forced on or off."""
    folder = tmp_path / "sync"
    target = tmp_path / f"b-{bulk}.sqlite"
    shutil.copyfile(tmp_path / "b.sqlite", target)
    monkeypatch.setattr(deck_summaries, "BULK_ROWS", 1 if bulk else 10**9)
    with Collection.open(target, timezone="UTC") as b:
        seen: list[str] = []
        b._store.db.conn.set_trace_callback(seen.append)
        report = b.sync(folder)
        b._store.db.conn.set_trace_callback(None)
        assert report.added > 0
        dropped = [s for s in seen if s.startswith("DROP TRIGGER deck_due_state_update")]
        assert bool(dropped) == bulk  # the path asked for is the one taken
        assert b.doctor() == []  # states, review and card summaries all equal a recount
    return target


@pytest.mark.parametrize("cards_studied", [14, 4])  # all of them (indexes made again), a few
def test_a_bulk_state_write_leaves_what_the_triggers_leave(
    tmp_path, notes, monkeypatch, cards_studied
):
    notes.write("facts.md", NOTES)
    a = make_device(tmp_path, "a", notes.root)
    b = make_device(tmp_path, "b", notes.root)
    for day in range(0, 12, 3):
        study(a, day, [4, 5, 2, 3, 1, 4, 5, 4, 4, 3, 5, 2, 4, 4][:cards_studied], day * 60)
    study(b, 1, [4, 2, 5], 0)  # b's own history, interleaved with a's
    b.suspend(b.cards()[5].id)  # a card the deck's due counts leave out
    folder = tmp_path / "sync"
    folder.mkdir()
    a.sync(folder)
    a.close()
    b.close()
    row_by_row = _merged(tmp_path, notes, False, monkeypatch)
    bulk = _merged(tmp_path, notes, True, monkeypatch)
    with Collection.open(row_by_row) as one, Collection.open(bulk) as other:
        assert states(one) == states(other)
        assert history(one) == history(other)
    assert _tables(row_by_row) == _tables(bulk)
    assert any(n for _, _, n in _tables(bulk)["deck_due"])
