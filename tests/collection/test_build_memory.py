"""A build's memory: the cards it reads are spooled, and a new deck is written file by file.

Memory is measured with tracemalloc (Python's own allocations, deterministic for the
same notes), never with timings; the peak a build adds per card is what would grow
without bound if a cold build held every card at once.
"""

from __future__ import annotations

import random
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from helpers import Notes, forking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards import Collection
from flashcards.build import json_columns, spool, write
from flashcards.build.hashset import HashSet
from flashcards.build.spool import ParsedCards
from flashcards.cards import extract
from flashcards.notes.outline import parse_note

CARDS_PER_FILE = 24


def _vault(root: Path, files: int) -> Path:
    """`files` notes of CARDS_PER_FILE cards each, under headings and parents, with one
    block every file repeats (copy numbers run across files) and one repeated in a file."""
    notes = Notes(root)
    for i in range(files):
        lines = [f"# Topic {i}", "- A block every file has: the **common fact** here."]
        for j in range((CARDS_PER_FILE - 2) // 2):
            lines.append(f"- Part {j} of note {i}, about systems")
            lines.append(
                f"  - The **term{i}x{j}** of this part is linked to **other{i}x{j}**, "
                "which the reader should remember for later."
            )
        lines.append("- The same line twice in a file: **twice**.")
        notes.write(f"note-{i:04d}.md", "\n".join(lines) + "\n")
    return root


def _peak_of_build(notes: Path, db: Path) -> tuple[int, int]:
    """The peak of Python allocations a cold build adds (bytes), and its cards."""
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    with Collection.open(db) as col:
        report = col.build(notes)
    return tracemalloc.get_traced_memory()[1] - before, report.cards


def test_a_cold_build_does_not_hold_every_card(tmp_path: Path, monkeypatch) -> None:
    """Three times the notes, not three times the memory: each card past the first
    build's adds tens of bytes at the peak (its copy-number entry, its file's records),
    not the ~1.4 KB of a card held as objects until the last file is read (measured
    before the cards were spooled)."""
    monkeypatch.setattr(spool, "HELD_CARDS", 400)
    monkeypatch.setattr(write, "BATCH", 256)  # rows waiting for an insert: as many in both
    monkeypatch.setattr(json_columns.Json, "KEPT", 500)  # lists remembered: as many in both
    small = _vault(tmp_path / "small", 120)
    large = _vault(tmp_path / "large", 360)
    with forking(False):  # every card made in this process, where tracemalloc sees it
        # warm: imports and caches allocate on a first build, whatever its size
        _peak_of_build(_vault(tmp_path / "warm", 30), tmp_path / "warm.sqlite")
        tracemalloc.start()
        try:
            peak_small, cards_small = _peak_of_build(small, tmp_path / "small.sqlite")
            peak_large, cards_large = _peak_of_build(large, tmp_path / "large.sqlite")
        finally:
            tracemalloc.stop()
    assert cards_large == 3 * cards_small == 360 * CARDS_PER_FILE
    per_card = (peak_large - peak_small) / (cards_large - cards_small)
    assert per_card < 200, f"{per_card:.0f} bytes per card at the peak"


def _rows(db: Path) -> dict[str, list[tuple]]:
    """The tables a build writes, without what differs between any two builds (the
    random guids, the timestamps)."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in ("cards", "blocks", "card_state", "sources", "graph_entries"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in columns if c not in ("guid", "created_at", "updated_at")]
            out[table] = conn.execute(
                f"SELECT {', '.join(keep)} FROM {table} ORDER BY rowid"
            ).fetchall()
        return out
    finally:
        conn.close()


@pytest.mark.parametrize("held", [0, 50])
def test_spooled_cards_make_the_same_collection(tmp_path: Path, monkeypatch, held: int) -> None:
    """Spooled to disk from the first card, or every few files, or held all along: the
    same rows (copy numbers across files, a file's shared blocks, ids in file order)."""
    notes = _vault(tmp_path / "notes", 60)
    with Collection.open(tmp_path / "held.sqlite") as col:
        col.build(notes)
    monkeypatch.setattr(spool, "HELD_CARDS", held)
    with Collection.open(tmp_path / "spooled.sqlite") as col:
        report = col.build(notes)
    assert report.new == 60 * CARDS_PER_FILE
    assert _rows(tmp_path / "spooled.sqlite") == _rows(tmp_path / "held.sqlite")


def test_parsed_cards_read_back_as_they_were_set(tmp_path: Path) -> None:
    """ParsedCards behaves as the dict it replaces: keys in the order first set, a file
    set again replaced in place, cards equal field by field, counts without reading."""
    note = tmp_path / "a.md"
    texts = {
        "a": "- **alpha** and **beta** share a block\n  - a child on the back\n",
        "b": "# Head\n- The **gamma** ray\n- {{c1::delta}} and {{c2::epsilon::hint}}\n",
        "c": "- ==zeta== once\n",
    }
    made = {}
    for key, text in texts.items():
        note.write_text(text)
        made[key] = list(extract(parse_note(note.read_bytes(), str(note))))
    spooled = ParsedCards(held=2)
    plain: dict[str, list] = {}
    for key in ("a", "b", "c", "a"):
        spooled[key] = made[key]
        plain[key] = made[key]
    assert spooled.spilled > 0
    assert list(spooled) == list(plain) == ["a", "b", "c"]
    assert spooled.total == sum(len(v) for v in plain.values())
    for key, cards in plain.items():
        back = spooled[key]
        assert back == cards
        # a block's cards share one block, as they did
        assert len({id(c.block) for c in back}) == len({id(c.block) for c in cards})
    del spooled["b"]
    assert "b" not in spooled and spooled.total == len(made["a"]) + len(made["c"])
    spooled.close()


def test_hash_set_says_what_a_set_says() -> None:
    """HashSet (the copy numbers' seen hashes) against a set: new or not, through growth,
    with 0 and the largest 64-bit number, repeats and near neighbours."""
    rng = random.Random(16)
    values = [rng.getrandbits(64) for _ in range(5000)] + [0, 0, 1, 2, 1025, 2**64 - 1]
    values += [v & 0xFFFF for v in values[:500]] + rng.sample(values, 2000)
    ours, theirs = HashSet(expected=10), set()
    for value in values:
        assert ours.add(value) == (value not in theirs)
        theirs.add(value)
    assert len(ours) == len(theirs)


_PIECES = st.sampled_from(
    [
        "- plain words\n",
        "- the **alpha** and ==beta== here\n",
        "  - a child with **gamma** in it\n",
        "    - a grandchild {{c1::delta::a hint}} and {{c2::eps}}\n",
        "- {{cloze zeta \\\\ a cue}} in Logseq's form\n",
        "# A heading\n",
        "- the same **repeated** block\n",
        "- the same **repeated** block\n",
        "- `code **not** a deletion` but **this** is\n",
        "- tags:: [[x]], y\n  the **tagged** one\n",
        "- a question #card\n  - its answer\n",
        "---\ntags: [t1, t2]\n---\n",
        "- line one **first**\n  line two ==second==\n",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=12).map("".join), min_size=1, max_size=4))
def test_a_spooled_file_is_written_as_its_cards_would_be(texts: list[str]) -> None:
    """A new deck's spooled files are written from their packed tuples (`new_packed`),
    without making card objects: the rows are those `new_card` writes of the cards."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        notes = Notes(root / "notes")
        front = "---\ntags: [t1, t2]\n---\n"
        for i, text in enumerate(texts):
            # front matter only where it opens a file
            opens = text.startswith(front)
            notes.write(f"n{i}.md", (front if opens else "") + text.replace(front, ""))
        rows = {}
        for held in (10**9, 0):
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(spool, "HELD_CARDS", held)
                mp.setattr(write, "BULK_CARDS", 0)  # indexes after the rows, in both
                with Collection.open(root / f"{held}.sqlite") as col:
                    col.build(root / "notes")
            rows[held] = _rows(root / f"{held}.sqlite")
        assert rows[0] == rows[10**9]


def test_a_spooled_new_deck_makes_no_card_objects(tmp_path: Path, monkeypatch) -> None:
    """Every file spooled: the write reads each back as tuples, never as cards."""
    notes = _vault(tmp_path / "notes", 5)
    monkeypatch.setattr(spool, "HELD_CARDS", 0)

    def refuse(data: bytes) -> list:
        raise AssertionError("a spooled file was read back as card objects")

    monkeypatch.setattr(spool, "unpack", refuse)
    with Collection.open(tmp_path / "c.sqlite") as col:
        assert col.build(notes).new == 5 * CARDS_PER_FILE
