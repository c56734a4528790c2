"""A block's text is stored once for its cards, and collections from before keep every card.

Before schema step m004 every card stored its own front, back and cloze text and
its context: a 520 KB note made a 350 MB collection. Now cards name their block.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from flashcards import Collection
from flashcards.decks import DeckSpec
from flashcards.identity import block_hash, card_hash, normalize
from flashcards.store.schema import migrations

NOW_ISO = "2024-03-01T12:00:00Z"


def test_a_block_with_many_deletions_is_stored_once(tmp_path: Path) -> None:
    words = " ".join(f"**word{i}** and some words around it to make it long" for i in range(150))
    children = "".join(
        f"  - child {i} " + "with a long line of text " * 10 + "\n" for i in range(200)
    )
    note = tmp_path / "notes" / "big.md"
    note.parent.mkdir()
    note.write_text(f"- {words}\n{children}")
    db = tmp_path / "c.sqlite"
    with Collection.open(db) as col:
        report = col.build(note.parent)
    assert report.new == 150
    conn = sqlite3.connect(db)
    (blocks,) = conn.execute("SELECT COUNT(*) FROM blocks").fetchone()
    conn.close()
    assert blocks == 1
    # 150 cards of a 60 KB note: the block once, not 150 fronts and backs of 60 KB each
    assert db.stat().st_size < 10 * note.stat().st_size


def _old_collection(path: Path) -> dict[str, int]:
    """A collection as flashcards wrote it before m004 (schema steps m001-m003): two cloze
    cards of one block with a child, a question card, reviews. {answer: card id}."""
    import sqlite_utils

    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    migrations.apply(db, stop_before="m004_blocks")
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO decks(id, name, settings) VALUES (1, 'Old', '{}')")
    text = "The **mitochondria** is the {{c1::powerhouse}} of the cell"
    norm = normalize(text)
    shared = block_hash(norm)
    rows = [
        # kind, deletion, answers, front, back, cloze
        (
            "cloze",
            "mitochondria#0",
            ["mitochondria"],
            "The [...] is the powerhouse of the cell",
            "The **mitochondria** is the powerhouse of the cell\n- a child",
            "The {{c1::mitochondria}} is the powerhouse of the cell",
        ),
        (
            "cloze",
            "c1",
            ["powerhouse"],
            "The **mitochondria** is the [...] of the cell",
            "The **mitochondria** is the powerhouse of the cell\n- a child",
            "The **mitochondria** is the {{c1::powerhouse}} of the cell",
        ),
    ]
    ids = {}
    for n, (kind, deletion, answers, front, back, cloze) in enumerate(rows, 1):
        conn.execute(
            "INSERT INTO cards(id, guid, deck_id, content_hash, base_hash, block_hash, kind, "
            "deletion, source, line, position, context, text, front, back, cloze, answers, "
            "hint, tags, created_at, updated_at) "
            "VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, 1, ?, '[]', ?, ?, ?, ?, ?, NULL, '[]', ?, ?)",
            (
                n,
                f"guid{n}",
                card_hash(kind, norm, deletion),
                card_hash(kind, norm, deletion),
                shared,
                kind,
                deletion,
                str(path.parent / "notes" / "cell.md"),
                n - 1,
                norm,
                front,
                back,
                cloze,
                json.dumps(answers),
                NOW_ISO,
                NOW_ISO,
            ),
        )
        conn.execute("INSERT INTO card_state(card_id) VALUES (?)", (n,))
        ids[answers[0]] = n
    conn.execute(
        "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, "
        "ef_before, interval_before, due_before, lapses_before, reps_after, ef_after, "
        "interval_after, due_after, lapses_after) "
        "VALUES (1, 1709294400000, '2024-03-01', 4, 3000, 'review', 0, 2500, 0, NULL, 0, "
        "1, 2500, 1, '2024-03-02', 0)"
    )
    conn.execute(
        "UPDATE card_state SET repetitions = 1, interval = 1, due = '2024-03-02', "
        "last_day = '2024-03-01' WHERE card_id = 1"
    )
    conn.commit()
    conn.close()
    return ids


def test_an_older_collection_shows_the_same_cards_and_a_rebuild_keeps_them(tmp_path):
    db = tmp_path / "old.sqlite"
    ids = _old_collection(db)
    with Collection.open(db, timezone="UTC") as col:  # migrated here: m004
        cards = {c.answers[0]: c for c in col.cards()}
        assert cards["mitochondria"].front == "The [...] is the powerhouse of the cell"
        assert cards["powerhouse"].front == "The **mitochondria** is the [...] of the cell"
        for card in cards.values():
            assert card.back == "The **mitochondria** is the powerhouse of the cell\n- a child"
            assert card.children == "- a child"
        assert (
            cards["powerhouse"].cloze
            == "The **mitochondria** is the {{c1::powerhouse}} of the cell"
        )
        assert col.doctor() == []
        # the notes they came from, read by this version's reader (a new reader version)
        notes = tmp_path / "notes"
        notes.mkdir()
        (notes / "cell.md").write_text(
            "- The **mitochondria** is the {{c1::powerhouse}} of the cell\n  - a child\n"
        )
        report = col.build(DeckSpec(name="Old", notes=[notes]))
        assert (report.read, report.new, report.retired) == (1, 0, 0)
        assert {c.answers[0]: c.id for c in col.cards()} == ids
        assert col.review_count() == 1 and col.card(ids["mitochondria"]).repetitions == 1
        assert col.doctor() == []
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == 1  # shared now
    conn.close()
