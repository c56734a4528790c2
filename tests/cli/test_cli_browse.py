"""`flashcards cards [DECK] --state/--search` and `flashcards suspend|unsuspend|unbury
CARD_ID...`: through click's runner, and once as a real process."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import reviews_in, run_flashcards

NOTES = """\
- Alpha is **alef**.
- Beta is **beth**.
- Gamma is **gimel**.
"""


def build(cli, tmp_path: Path, name: str = "greek") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "letters.md").write_text(NOTES, encoding="utf-8")
    result = cli("build", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def listed(cli, *args: str) -> list[dict]:
    result = cli("cards", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_suspend_then_find_then_unsuspend(cli, tmp_path):
    build(cli, tmp_path)
    ids = [c["id"] for c in listed(cli)]
    assert [c["states"] for c in listed(cli, "--state", "new")] == [["new"]] * 3
    done = cli("suspend", str(ids[0]), str(ids[2]))
    assert done.exit_code == 0 and "Suspended 2 cards" in done.output
    suspended = listed(cli, "--state", "suspended")
    assert [c["id"] for c in suspended] == [ids[0], ids[2]]
    assert suspended[0]["status"] == "suspended" and suspended[0]["states"] == ["new", "suspended"]
    assert [c["id"] for c in listed(cli, "greek", "--search", "gamma")] == [ids[2]]
    table = cli("cards", "--search", "suspended")
    assert "alef (suspended)" in table.output and "2 cards" in table.output
    assert cli("unsuspend", str(ids[0])).exit_code == 0
    assert [c["id"] for c in listed(cli, "--state", "suspended")] == [ids[2]]


def test_an_unknown_id_changes_nothing(cli, tmp_path):
    build(cli, tmp_path)
    ids = [c["id"] for c in listed(cli)]
    result = cli("suspend", str(ids[0]), "4242")
    assert result.exit_code == 1
    assert "no card with id 4242; nothing was changed" in result.output
    assert listed(cli, "--state", "suspended") == []
    assert cli("unbury").exit_code == 1  # no ids: says what to give
    assert "Error" in cli("suspend", "seven").output  # not a number: click says so


def test_unbury_from_the_shell(cli, tmp_path):
    from flashcards import Collection

    build(cli, tmp_path)
    db = tmp_path / "db" / "collection.sqlite"
    with Collection.open(db) as col:
        card = col.next_card()
        col.bury(card.id)
    assert [c["id"] for c in listed(cli, "--state", "buried")] == [card.id]
    assert "Unburied 1 card" in cli("unbury", str(card.id)).output
    assert listed(cli, "--state", "buried") == []


def test_deck_or_path(cli, tmp_path):
    folder = build(cli, tmp_path)
    # a path written as one previews the notes; a bare name is the deck
    preview = cli("cards", "./greek", "--json")
    assert preview.exit_code == 0 and "states" not in preview.output
    bare = cli("cards", "greek", "--json")  # both a deck and a folder here: the deck
    assert bare.exit_code == 0 and "write ./greek for the notes" in bare.stderr
    assert [c["deck"] for c in json.loads(bare.stdout)] == ["greek"] * 3
    assert "states" not in preview.output and "guid" not in preview.output
    (folder / "letters.md").rename(tmp_path / "letters.md")
    folder.rmdir()
    assert len(listed(cli, "greek")) == 3  # no folder of that name: the deck
    assert cli("cards", "./letters.md", "--state", "new").exit_code == 1  # needs decks
    assert "name decks, not notes paths" in cli("cards", "letters.md", "--search", "x").output
    unknown = cli("cards", "latin", "--state", "new")
    assert unknown.exit_code == 1 and "latin" in unknown.output
    bad = cli("cards", "--state", "frozen")
    assert bad.exit_code == 2 and "frozen" in bad.output


def test_a_real_process(user_dirs, tmp_path):
    env = {**user_dirs, "COLUMNS": "120"}
    folder = tmp_path / "greek"
    folder.mkdir()
    (folder / "letters.md").write_text(NOTES, encoding="utf-8")
    assert run_flashcards("build", str(folder), cwd=tmp_path, env=env).returncode == 0
    found = run_flashcards("cards", "--search", "beta", "--json", cwd=tmp_path, env=env)
    assert found.returncode == 0, found.stderr
    (card,) = json.loads(found.stdout)
    done = run_flashcards("suspend", str(card["id"]), cwd=tmp_path, env=env)
    assert done.returncode == 0 and "Suspended 1 card" in done.stdout
    missing = run_flashcards("unsuspend", "999", cwd=tmp_path, env=env)
    assert missing.returncode == 1 and "no card with id 999" in missing.stderr
    assert "Traceback" not in missing.stderr
    listed = run_flashcards("cards", "--state", "suspended", "--json", cwd=tmp_path, env=env)
    assert [c["id"] for c in json.loads(listed.stdout)] == [card["id"]]
    assert reviews_in(user_dirs["FLASHCARDS_DB"]) == []  # flags are no reviews
