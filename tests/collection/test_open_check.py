"""The soundness check on open (store/soundness.py) runs once per version of the file:
opening and closing a sound collection without writing to it does not make the next
open read every page again (a big collection's list would wait seconds each time)."""

from __future__ import annotations

from helpers import NOW

from flashcards.collection import Collection
from flashcards.store import soundness


def test_a_file_read_and_closed_is_not_checked_again(notes, db_path):
    notes.write("deck.md", "- Water boils at **one hundred** degrees.\n")
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
    for _ in range(2):
        with Collection.open(db_path, timezone="UTC", backup=False) as col:
            col.decks(NOW)  # reads only
        # what the next open compares with is the file as it is now
        assert soundness._load()[str(db_path.absolute())] == soundness.identity(db_path)
