"""The card counts behind the deck list and the stats (store/deck_summaries.py, kept by
triggers) always equal a full recount of the cards: after random answers, undos, suspends, burials, builds that
add and retire cards, retired decks and imported answers; doctor finds drift and
--repair rebuilds them; schema step m015 fills them for an existing collection."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

from anki_package import colpkg
from helpers import NOW, Notes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards import sm2
from flashcards.collection import Collection
from flashcards.store import Store, deck_summaries, summaries
from flashcards.store import stats as stats_rows

DAY_MS = 86_400_000


def recount(db_path: Path, day: str) -> dict[int, tuple[int, int, int, int, int]]:
    """Per deck: (cards, retired, suspended, new, due today), counted from the cards
    themselves, past the code under test."""
    db = sqlite3.connect(db_path)
    try:
        out = {}
        for (deck_id,) in db.execute("SELECT id FROM decks"):
            total, retired, suspended = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(retired), 0), "
                "COALESCE(SUM(retired = 0 AND suspended), 0) FROM cards WHERE deck_id = ?",
                (deck_id,),
            ).fetchone()
            new, due = db.execute(
                "SELECT COALESCE(SUM(s.due IS NULL), 0), COALESCE(SUM(s.due <= ?), 0) "
                "FROM cards c JOIN card_state s ON s.card_id = c.id "
                "WHERE c.deck_id = ? AND c.retired = 0 AND c.suspended = 0",
                (day, deck_id),
            ).fetchone()
            out[deck_id] = (total, retired, suspended, new, due)
        return out
    finally:
        db.close()


def shown(col: Collection, now) -> dict[int, tuple[int, int, int, int, int]]:
    """The same figures as the deck list shows them."""
    return {
        d.id: (d.cards + d.retired, d.retired, d.suspended, d.new, d.due)
        for d in col.decks(now, retired=True)
    }


# the due cards as today's queue reads them (store/queue.py `due_page`)
_DUE_PAGE = (
    "SELECT s.due, c.source, c.position, c.id, c.deck_id, c.block_hash, c.ancestors "
    "FROM card_state s CROSS JOIN cards c ON c.id = s.card_id "
    "WHERE s.due > '' AND s.due <= '2025-03-10' AND c.deck_id IN (1, 2) "
    "AND +c.retired = 0 AND +c.suspended = 0 "
    "AND (c.buried_until IS NULL OR c.buried_until <= '2025-03-10') "
    "ORDER BY s.due, c.source, c.position, c.id"
)
_OLD_CARDS = "cards c JOIN card_state s ON s.card_id = c.id"


def card_figures(db_path: Path, deck_id: int | None, today: str, until: str) -> tuple:
    """The stats' card figures counted from the cards themselves (the queries the summaries
    replaced): statuses, scheduled cards by interval and by EF, due cards per day."""
    db = sqlite3.connect(db_path)
    deck, params = ("", []) if deck_id is None else (" AND c.deck_id = ?", [deck_id])
    try:
        statuses = db.execute(
            "SELECT CASE WHEN c.retired THEN 'retired' WHEN c.suspended THEN 'suspended' "
            "WHEN c.buried_until > ? THEN 'buried' WHEN s.due IS NULL THEN 'new' "
            "WHEN s.drill = 1 AND s.last_day = ? THEN 'learning' "
            "WHEN s.interval < 21 THEN 'young' ELSE 'mature' END AS status, "
            f"COUNT(*), SUM(s.lapses >= 8) FROM {_OLD_CARDS} WHERE 1{deck} GROUP BY status",
            [today, today, *params],
        ).fetchall()
        counts: dict[str, int] = {}
        for status, n, leeches in statuses:
            counts[status] = n
            if status != "retired":
                counts["total"] = counts.get("total", 0) + n
                counts["leeches"] = counts.get("leeches", 0) + leeches
        by = {}
        for column in ("interval", "ef"):
            by[column] = db.execute(
                f"SELECT s.{column}, COUNT(*) FROM {_OLD_CARDS} "
                f"WHERE c.retired = 0 AND s.due IS NOT NULL{deck} GROUP BY 1 ORDER BY 1",
                params,
            ).fetchall()
        due = db.execute(
            "SELECT MAX(s.due, ?, COALESCE(c.buried_until, '')) AS day, COUNT(*) "
            f"FROM {_OLD_CARDS} WHERE s.due < ? AND c.retired = 0 AND c.suspended = 0{deck} "
            "GROUP BY day HAVING day < ? ORDER BY day",
            [today, until, *params, until],
        ).fetchall()
    finally:
        db.close()
    return {k: v for k, v in counts.items() if v}, by["interval"], by["ef"], due


def figures_read(store: Store, deck_id: int | None, today: str, until: str) -> tuple:
    """The same figures as the stats read them."""
    counts = stats_rows.card_counts(store, deck_id, today, 21, 8)
    intervals, eases = stats_rows.schedule_groups(store, deck_id)
    due = stats_rows.due_groups(store, deck_id, today, until)
    return (
        {k: v for k, v in counts.items() if v},
        sorted(map(tuple, intervals)),
        sorted(map(tuple, eases)),
        [tuple(g) for g in due],
    )


def _text(blocks: list[int]) -> str:
    return "".join(f"- Fact {b} says **answer{b}** and **extra{b}** hold.\n" for b in blocks)


step = st.one_of(
    st.tuples(st.just("answer"), st.integers(0, 99), st.integers(0, 5)),
    st.tuples(st.just("undo"), st.just(0), st.just(0)),
    st.tuples(st.just("suspend"), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("bury"), st.integers(0, 99), st.just(0)),
    st.tuples(st.just("delete"), st.integers(0, 1), st.integers(0, 99)),
    st.tuples(st.just("add"), st.integers(0, 1), st.just(0)),
    st.tuples(st.just("retire deck"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("import"), st.integers(0, 99), st.integers(1, 4)),
    st.tuples(st.just("next day"), st.integers(1, 30), st.just(0)),
)


@settings(
    max_examples=int(os.environ.get("FLASHCARDS_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12), bulk=st.booleans())
def test_counts_equal_a_recount_after_any_writes(steps, bulk):
    saved = deck_summaries.BULK_ROWS
    # bulk: every build's new cards are counted in one go (as a big build's are), else
    # row by row by the triggers
    deck_summaries.BULK_ROWS = 1 if bulk else 10**9
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _run(Path(tmp), steps)
    finally:
        deck_summaries.BULK_ROWS = saved


def _run(tmp: Path, steps: list[tuple]) -> None:
    notes = [Notes(tmp / "one"), Notes(tmp / "two")]
    files = [[0, 1, 2], [3, 4]]
    added = 5
    for folder, blocks in zip(notes, files, strict=True):
        folder.write("deck.md", _text(blocks))
    db_path = tmp / "c.sqlite"
    store = Store(db_path)  # a second connection, to look at the tables
    now = NOW
    with Collection.open(db_path, timezone="UTC") as col:
        for folder in notes:
            col.build(folder.root)
        for op, a, b in steps:
            cards = col.cards()
            card = cards[a % len(cards)] if cards else None
            if op == "answer" and card is not None and card.status == "active":
                col.answer(card.id, b, now=now)
            elif op == "undo" and col.can_undo:
                col.undo(now=now)
            elif op == "suspend" and card is not None:
                (col.suspend if b else col.unsuspend)(card.id, now=now)
            elif op == "bury" and card is not None and card.status == "active":
                col.bury(card.id, now=now)
            elif op in ("delete", "add"):
                if op == "delete" and files[a]:
                    files[a].pop(b % len(files[a]))
                elif op == "add":
                    files[a].append(added)
                    added += 1
                notes[a].write("deck.md", _text(files[a]))
                col.build(notes[a].root)
            elif op == "retire deck":
                col.retire_deck(col.deck_names(retired=True)[a], retired=b)
            elif op == "import" and card is not None:
                at = int((now + timedelta(minutes=5)).timestamp() * 1000)
                package = colpkg(tmp / f"p{a}-{b}.colpkg", [(at, card.guid, b)])
                col.import_package(package)
            elif op == "next day":
                now += timedelta(days=a)
            assert deck_summaries.problems(store) == [], op
            today = col.today(now)
            assert shown(col, now) == recount(db_path, today.isoformat()), op
            until = (today + timedelta(days=30)).isoformat()
            for deck_id in (None, *(d.id for d in col.decks(now, retired=True))):
                assert figures_read(store, deck_id, today.isoformat(), until) == card_figures(
                    db_path, deck_id, today.isoformat(), until
                ), (op, deck_id)
        assert col.doctor() == []
    store.close()


def test_the_summaries_draw_the_lines_the_stats_draw():
    assert deck_summaries.LEECH_LAPSES == sm2.LEECH_LAPSES
    assert deck_summaries.MATURE_DAYS == summaries.MATURE_DAYS


def test_drift_is_found_and_rebuilt(tmp_path, notes, db_path):
    notes.write("deck.md", _text([1, 2, 3]))
    store = Store(db_path)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        before = shown(col, NOW)
        store.execute("UPDATE deck_due SET n = n + 1")
        store.execute("DELETE FROM deck_cards")
        found = col.doctor()
        assert len(found) == 2 and all("deck list" in p for p in found)
        assert all("flashcards doctor --repair" in p for p in found)
        col.doctor(repair=True)
        assert col.doctor() == []
        col.refresh()
        assert shown(col, NOW) == before
        store.execute("DROP TRIGGER deck_due_state_update")
        (missing,) = col.doctor()
        assert "deck_due_state_update" in missing
        col.doctor(repair=True)
        assert col.doctor() == []
        card = col.cards()[0]
        col.answer(card.id, 4, now=NOW)  # the trigger is back: the counts follow
        assert deck_summaries.problems(store) == []
    store.close()


def test_the_schema_step_fills_them_for_a_collection_made_before(notes, db_path):
    notes.write("deck.md", _text([1, 2, 3, 4]))
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        card = col.cards()[0]
        col.answer(card.id, 5, now=NOW)
        col.suspend(col.cards()[1].id, now=NOW)
        expected = shown(col, NOW), col.stats(now=NOW)
    # the file as schema step 14 left it: no tables, no triggers, one step fewer
    db = sqlite3.connect(db_path)
    for trigger in deck_summaries.TRIGGERS:
        db.execute(f"DROP TRIGGER {trigger}")
    for table in deck_summaries.TABLES:
        db.execute(f"DROP TABLE {table}")
    db.execute("CREATE INDEX cards_status ON cards(deck_id, retired, suspended)")
    db.execute("CREATE INDEX cards_flags ON cards(id, deck_id, retired, suspended)")
    (version,) = db.execute("PRAGMA user_version").fetchone()
    db.execute(f"PRAGMA user_version = {version - 1}")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_deck_summaries'")
    db.commit()
    db.close()
    with Collection.open(db_path, timezone="UTC") as col:
        assert (shown(col, NOW), col.stats(now=NOW)) == expected
        plan = " ".join(r[3] for r in col._store.execute(f"EXPLAIN QUERY PLAN {_DUE_PAGE}"))
        assert "cards_flags" not in plan  # one look-up per due card, by its id
        assert col.doctor() == []


def test_new_cards_in_bulk_are_counted_in_one_pass(tmp_path: Path, monkeypatch):
    # a big build's new cards are counted into all four summaries from one grouped pass
    # over them, next to counts already there (another deck's, answered and suspended)
    monkeypatch.setattr(deck_summaries, "BULK_ROWS", 2)
    one, two = Notes(tmp_path / "one"), Notes(tmp_path / "two")
    one.write("deck.md", _text([0, 1, 2]))
    two.write("deck.md", _text([3, 4, 5, 6]))
    statements: list[str] = []
    with Collection.open(tmp_path / "c.sqlite", timezone="UTC") as col:
        col.build(one.root)
        first, second = col.cards()[:2]
        col.answer(first.id, 4, now=NOW)
        col.suspend(second.id, now=NOW)
        col._store.conn.set_trace_callback(statements.append)
        assert col.build(two.root).new == 8
        col._store.conn.set_trace_callback(None)
        assert deck_summaries.problems(col._store) == []
        assert sum(n for (n,) in col._store.execute("SELECT n FROM deck_cards")) == 14
    passes = [s for s in statements if "FROM cards c" in s and "GROUP BY" in s]
    assert len(passes) == 1
