"""A deck is its spec file, not its name: renaming `name:` keeps every card and review;
`decks rename / retire / restore` keep history; a notes file in two decks is flagged."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import NOW, run_flashcards

from flashcards import Collection

FACTS = "- The powerhouse of the cell is the **mitochondria**.\n- Paris is in **France**.\n"


def spec(root: Path, name: str, notes: str = "../notes/facts.md") -> Path:
    path = root / "decks" / "facts.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: {name}\nnotes: [{notes}]\n---\n", encoding="utf-8")
    return path


def test_renaming_name_in_the_spec_keeps_the_reviewed_cards_and_they_still_come_up(
    col: Collection, notes
) -> None:
    notes.write("notes/facts.md", FACTS)
    path = spec(notes.root, "Facts")
    col.build(path)
    ids = {c.id for c in col.cards("Facts")}
    card = col.next_card("Facts", NOW)
    col.answer(card.id, 1, NOW)  # Again: due tomorrow
    spec(notes.root, "Cell and world")
    report = col.build(path)
    assert report.renamed_from == "Facts" and report.new == 0
    assert any("now named 'Cell and world'" in w for w in report.warnings)
    assert col.deck_names() == ["Cell and world"]
    assert {c.id for c in col.cards("Cell and world")} == ids
    tomorrow = col.next_card("Cell and world", NOW.replace(day=NOW.day + 1))
    assert tomorrow is not None and tomorrow.id == card.id  # its history came along
    assert tomorrow.lapses == 0 and tomorrow.interval == 1


def test_a_second_spec_cannot_take_a_name_in_use(col: Collection, notes) -> None:
    notes.write("notes/facts.md", FACTS)
    col.build(spec(notes.root, "Facts"))
    other = notes.root / "decks" / "other.md"
    other.write_text("---\nname: Facts\nnotes: [../notes/facts.md]\n---\n", encoding="utf-8")
    try:
        col.build(other)
    except Exception as err:  # noqa: BLE001 - the message is what the user reads
        message = str(err)
    else:
        raise AssertionError("a second deck named Facts was built")
    assert f"{other}:1" in message and "already used by the deck built from" in message
    assert col.deck_names() == ["Facts"]


def test_a_notes_file_of_another_deck_is_flagged_naming_it(col: Collection, notes) -> None:
    notes.write("notes/facts.md", FACTS)
    col.build(spec(notes.root, "Facts"))
    report = col.build(notes.root / "notes")  # the folder: a deck of its own
    text = " ".join(report.warnings)
    assert str((notes.root / "notes" / "facts.md").resolve()) in text
    assert "already part of deck 'Facts'" in text


def test_decks_rename_retire_restore_with_the_cli(cli, notes, db_path) -> None:
    notes.write("notes/facts.md", FACTS)
    path = spec(notes.root, "Facts")
    cli("--db", str(db_path), "build", str(path))
    with Collection.open(db_path) as col:
        card = col.next_card("Facts", NOW)
        col.answer(card.id, 4, NOW)
    out = cli("--db", str(db_path), "decks", "rename", "Facts", "Trivia").stdout
    assert "Renamed deck 'Facts' to 'Trivia'" in out and f"{path.resolve()}" in out
    listed = json.loads(cli("--db", str(db_path), "decks", "--json").stdout)
    assert [d["name"] for d in listed] == ["Trivia"]
    out = cli("--db", str(db_path), "decks", "retire", "Trivia").stdout
    assert "decks restore Trivia" in out
    assert json.loads(cli("--db", str(db_path), "decks", "--json").stdout) == []
    assert "No decks in use; 1 retired" in cli("--db", str(db_path), "decks").stdout
    every = json.loads(cli("--db", str(db_path), "decks", "--all", "--json").stdout)
    assert [(d["name"], d["retired_deck"]) for d in every] == [("Trivia", True)]
    assert "(retired)" in cli("--db", str(db_path), "decks", "--all").stdout
    with Collection.open(db_path) as col:
        assert col.next_card(None, NOW.replace(day=NOW.day + 2)) is None  # out of every queue
    cli("--db", str(db_path), "decks", "restore", "Trivia")
    with Collection.open(db_path) as col:
        assert col.card(card.id).repetitions == 1  # the history was kept all along
        assert col.next_card(None, NOW.replace(day=NOW.day + 2)).deck == "Trivia"
    failed = cli("--db", str(db_path), "decks", "rename", "Nope", "X", env=None)
    assert failed.exit_code != 0 and "no deck named 'Nope'" in failed.output


def test_a_deck_cannot_be_renamed_to_a_blank_name(cli, notes, db_path) -> None:
    notes.write("notes/facts.md", FACTS)
    cli("--db", str(db_path), "build", str(spec(notes.root, "Facts")))
    for blank in ("", "   "):
        failed = cli("--db", str(db_path), "decks", "rename", "Facts", blank)
        assert failed.exit_code == 1
        assert (
            failed.stderr
            == "error: a deck needs a name: the new name is empty; nothing was changed\n"
        )
    # the spaces around a name go, as they do from a spec's `name:`
    assert (
        "Renamed deck 'Facts' to 'Trivia'"
        in cli("--db", str(db_path), "decks", "rename", "Facts", " Trivia ").stdout
    )
    with Collection.open(db_path) as col:
        assert col.deck_names() == ["Trivia"]


def test_decks_rename_in_a_real_process(tmp_path: Path, notes) -> None:
    notes.write("notes/facts.md", FACTS)
    path = spec(notes.root, "Facts")
    db = tmp_path / "real.sqlite"
    assert run_flashcards("--db", str(db), "build", str(path)).returncode == 0
    done = run_flashcards("--db", str(db), "decks", "rename", "Facts", "Trivia")
    assert done.returncode == 0, done.stderr
    assert "Renamed deck 'Facts' to 'Trivia'" in done.stdout
    taken = run_flashcards("--db", str(db), "decks", "rename", "Nope", "Trivia")
    assert taken.returncode == 1 and "Traceback" not in taken.stderr
    assert "no deck named 'Nope'" in taken.stderr
