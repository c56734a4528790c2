"""`flashcards import`: an Anki user's own deck, every package format, and bad input."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from flashcards import Collection

anki_collection_module = pytest.importorskip("anki.collection")


def anki_package(tmp_path: Path, legacy: bool, colpkg: bool) -> Path:
    """A small Anki collection of the user's own: a basic note with an image, a cloze
    note with two deletions, one answer, exported as Anki writes it."""
    from anki.scheduler.v3 import CardAnswer

    folder = tmp_path / "anki"
    folder.mkdir(exist_ok=True)
    col = anki_collection_module.Collection(str(folder / "collection.anki2"))
    basic, cloze = col.models.by_name("Basic"), col.models.by_name("Cloze")
    note = col.new_note(basic)
    note["Front"], note["Back"] = "What is <b>H2O</b>?", 'water <img src="drop.png">'
    col.add_note(note, 1)
    note = col.new_note(cloze)
    note["Text"] = "{{c1::Paris}} is in {{c2::France}}"
    col.add_note(note, 1)
    (folder / "drop.png").write_bytes(b"\x89PNG not really")
    col.media.add_file(str(folder / "drop.png"))
    queued = col.sched.get_queued_cards().cards[0]
    card = col.get_card(queued.card.id)
    card.start_timer()
    col.sched.answer_card(
        col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
    )
    out = tmp_path / f"{'legacy' if legacy else 'latest'}.{'colpkg' if colpkg else 'apkg'}"
    if colpkg:
        col.export_collection_package(str(out), True, legacy)
    else:
        from anki.collection import ExportAnkiPackageOptions

        col.export_anki_package(
            out_path=str(out),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy),
            limit=None,
        )
        col.close()
    return out


@pytest.mark.parametrize(
    ("legacy", "colpkg"), [(True, True), (False, True), (False, False), (True, False)]
)
def test_an_anki_users_deck_becomes_notes_with_its_history(tmp_path, cli, legacy, colpkg):
    package = anki_package(tmp_path, legacy, colpkg)
    if not legacy:
        assert "collection.anki21b" in zipfile.ZipFile(package).namelist()
    db = tmp_path / "c.sqlite"
    target = tmp_path / "notes" / "imported.md"
    target.parent.mkdir()
    result = cli("--db", str(db), "import", str(package), "--to", str(target), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["new_notes"], report["cards"], report["reviews"], report["media"]) == (
        2,
        3,
        1,
        1,
    )
    text = target.read_text()
    assert "- What is **H2O**? #card\n  - water ![](imported-media/drop.png)" in text
    assert "- {{c1::Paris}} is in {{c2::France}}" in text
    assert (target.parent / "imported-media" / "drop.png").read_bytes() == b"\x89PNG not really"
    with Collection.open(db, timezone="UTC") as col:
        cards = col.cards()
        assert sorted(tuple(c.answers) for c in cards) == [(), ("France",), ("Paris",)]
        assert col.review_count() == 1 and col.doctor() == []
        # the notes file reads back into the same cards: a build changes nothing
        report_again = col.build(target)
        assert (report_again.new, report_again.retired) == (0, 0)
    again = cli("--db", str(db), "import", str(package), "--json")  # linked: no --to needed
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["reviews"] == 0


def test_notes_not_ours_need_a_new_file(tmp_path, cli):
    package = anki_package(tmp_path, True, True)
    db = tmp_path / "c.sqlite"
    result = cli("--db", str(db), "import", str(package))
    assert result.exit_code == 1 and "pass --to NOTES.md" in result.stderr
    existing = tmp_path / "mine.md"
    existing.write_text("- mine\n")
    result = cli("--db", str(db), "import", str(package), "--to", str(existing))
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert existing.read_text() == "- mine\n"


def _bad(tmp_path: Path, name: str, members: dict[str, bytes]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


def test_bad_packages_are_refused_by_name_and_change_nothing(tmp_path, cli):
    db = tmp_path / "c.sqlite"
    good = anki_package(tmp_path, False, True)
    truncated = tmp_path / "truncated.colpkg"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    members = dict(
        (i.filename, zipfile.ZipFile(good).read(i)) for i in zipfile.ZipFile(good).infolist()
    )
    broken_zstd = _bad(
        tmp_path,
        "broken.colpkg",
        {**members, "collection.anki21b": members["collection.anki21b"][:200]},
    )
    cases = {
        _bad(tmp_path, "photos.zip", {"holiday.jpg": b"\xff\xd8"}): "without an Anki collection",
        truncated: "not an Anki package",
        broken_zstd: "damaged or truncated",
        _bad(
            tmp_path, "future.colpkg", {"meta": b"\x08\x07", "collection.anki21b": b""}
        ): "newer Anki",
    }
    for path, why in cases.items():
        result = cli("--db", str(db), "import", str(path), "--to", str(tmp_path / "out.md"))
        assert result.exit_code == 1, result.output
        assert str(path) in result.stderr and why in result.stderr
        assert "Traceback" not in result.output
        assert not (tmp_path / "out.md").exists()


def test_notes_of_an_unknown_note_type_import_nothing(tmp_path, cli):
    package = anki_package(tmp_path, True, True)
    members = {
        i.filename: zipfile.ZipFile(package).read(i) for i in zipfile.ZipFile(package).infolist()
    }
    scratch = tmp_path / "edit.anki21"
    scratch.write_bytes(members["collection.anki21"])
    with sqlite3.connect(scratch) as conn:
        conn.execute("UPDATE notes SET mid = 42 WHERE id = (SELECT MIN(id) FROM notes)")
    members["collection.anki21"] = scratch.read_bytes()
    bad = _bad(tmp_path, "unknown.colpkg", members)
    db = tmp_path / "c.sqlite"
    result = cli("--db", str(db), "import", str(bad), "--to", str(tmp_path / "out.md"))
    assert result.exit_code == 1 and "note type the collection does not define" in result.stderr
    assert str(bad) in result.stderr and not (tmp_path / "out.md").exists()
    with Collection.open(db) as col:
        assert col.review_count() == 0 and col.cards() == []
