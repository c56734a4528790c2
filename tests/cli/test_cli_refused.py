"""Paths the system refuses: a notes folder that cannot be looked into, a file inside
one. Each is said in a line with the path and what to do; never a traceback.

Run as an ordinary user would run them (`as_user`): root ignores the permissions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import run_flashcards

from flashcards import Collection

FACTS = "- Paris is the capital of **France**.\n- Water boils at **100** degrees.\n"


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.chmod(0)
    try:
        yield
    finally:
        folder.chmod(0o755)


def _hashes(db: Path) -> list[str]:
    with Collection.open(db, readonly=True) as col:
        return sorted(c.content_hash for c in col.cards(None))


def test_a_notes_folder_that_cannot_be_looked_into_is_warned_about(
    tmp_path, notes, db_path, as_user, user_dirs
):
    notes.write("facts.md", FACTS)
    with Collection.open(db_path) as col:
        col.build(notes.root)
    before = _hashes(db_path)
    with _locked(notes.root):
        built = run_flashcards(
            "--db", str(db_path), "build", "notes", cwd=tmp_path, user=as_user, env=user_dirs
        )
        previewed = run_flashcards("cards", "./notes", cwd=tmp_path, user=as_user, env=user_dirs)
    assert "Traceback" not in built.stderr and "Traceback" not in previewed.stderr
    told = " ".join(built.stderr.split())
    assert "notes: folder cannot be read (Permission denied); check its permissions" in told
    assert built.returncode == 0
    assert _hashes(db_path) == before  # its cards are kept as they were
    assert "notes: folder cannot be read (Permission denied)" in previewed.stderr


def test_a_notes_file_in_a_folder_that_cannot_be_looked_into_is_one_line(
    tmp_path, notes, db_path, as_user, user_dirs
):
    notes.write("facts.md", FACTS)
    with Collection.open(db_path) as col:
        col.build(notes.root)
    before = _hashes(db_path)
    with _locked(notes.root):
        built = run_flashcards(
            "--db",
            str(db_path),
            "build",
            "notes/facts.md",
            cwd=tmp_path,
            user=as_user,
            env=user_dirs,
        )
        previewed = run_flashcards(
            "cards", "notes/facts.md", cwd=tmp_path, user=as_user, env=user_dirs
        )
    line = (
        "error: notes/facts.md: Permission denied; check its permissions and those of "
        "the folders above it (the collection was not changed)\n"
    )
    assert (built.returncode, built.stderr) == (1, line)
    assert (previewed.returncode, previewed.stderr) == (1, line)
    assert _hashes(db_path) == before
