"""A Ctrl-C wherever it lands in a command: one line saying what the collection has,
status 130, no traceback, no click "Aborted!".

Each test lands the SIGINT at one chosen point, deterministically: the child runs the
command under a profile hook that raises it at the first call of a named function
(once the command itself has started). The points are the two windows a sweep of
SIGINTs over a build found outside the build loop's own handling: the command's code
being imported for the first time (Python 3.11 wraps an interrupt in a dataclass
field's `__set_name__` in a RuntimeError), and the report being printed after the work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import hearing_ctrl_c, run_python

from flashcards import Collection

FACTS = "- Paris is the capital of **France**.\n- Water boils at **100** degrees.\n"

# the child: `flashcards ARGS` with a SIGINT at the first call of FUNCTION (in a file
# whose path ends with WHERE) after COMMAND's function (in cli/COMMAND_FILE) was entered
_CHILD = """
    import signal, sys

    command_file, command, where, function, *args = sys.argv[1:]
    armed = False

    def hook(frame, event, arg):
        global armed
        if event != "call":
            return
        code = frame.f_code
        if not armed:
            armed = code.co_name == command and code.co_filename.endswith(command_file)
        elif code.co_name == function and code.co_filename.endswith(where):
            sys.setprofile(None)
            signal.raise_signal(signal.SIGINT)

    sys.argv = ["flashcards", *args]
    from flashcards.cli import main

    sys.setprofile(hook)
    main()
"""


def _interrupted(
    tmp_path: Path, at: tuple[str, str], command: tuple[str, str], *args: str
) -> tuple[int, str]:
    """`flashcards ARGS` interrupted at the first call of `at` (file suffix, function)
    once `command` (file suffix, function) runs: its status and its stderr."""
    with hearing_ctrl_c():
        proc = run_python(
            _CHILD,
            *command,
            *at,
            *args,
            cwd=tmp_path,
            env={"XDG_CONFIG_HOME": str(tmp_path / "config")},
        )
    return proc.returncode, proc.stderr


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "Aborted!" not in stderr, stderr
    (line,) = stderr.strip().splitlines()  # nothing but the one line
    return line


_BUILD = ("cli/notes.py", "build")
_IMPORTS = {
    # a dataclass field's __set_name__ as a module of the build is first imported:
    # Python 3.11 raises RuntimeError("Error calling __set_name__ ...") from the Ctrl-C
    "a class of a module being imported": ("dataclasses.py", "__set_name__"),
    # the first line of the collection module, which the command imports first
    "a module being imported": ("flashcards/collection.py", "<module>"),
}


@pytest.mark.parametrize("at", _IMPORTS.values(), ids=_IMPORTS.keys())
def test_ctrl_c_as_the_build_is_first_imported_leaves_the_collection_unchanged(
    tmp_path, notes, db_path, at
):
    notes.write("facts.md", FACTS)
    with Collection.open(db_path) as col:
        col.build(notes.root)
    notes.write("facts.md", FACTS + "- The sun is a **star**.\n")  # a build would add one
    status, stderr = _interrupted(tmp_path, at, _BUILD, "--db", str(db_path), "build", "notes")
    assert status == 130, stderr
    assert _one_line(stderr) == (
        "error: interrupted: the collection was not changed; run `flashcards build` again"
    )
    with Collection.open(db_path, readonly=True) as col:
        assert len(list(col.cards(None))) == 2


@pytest.mark.parametrize("as_json", [False, True], ids=["report", "json"])
def test_ctrl_c_as_the_build_report_is_printed_says_the_deck_was_built(
    tmp_path, notes, db_path, as_json
):
    notes.write("facts.md", FACTS)
    at = ("cli/output.py", "echo_json" if as_json else "build_report")
    flags = ["--json"] if as_json else []
    status, stderr = _interrupted(
        tmp_path, at, _BUILD, "--db", str(db_path), "build", *flags, "notes"
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        "error: interrupted as the build ended: notes was built, the collection has it"
    )
    with Collection.open(db_path, readonly=True) as col:
        assert len(list(col.cards(None))) == 2


def test_ctrl_c_as_two_built_decks_are_reported_says_both_were_built(tmp_path, notes, db_path):
    notes.write("facts.md", FACTS)
    more = tmp_path / "more"
    more.mkdir()
    (more / "gold.md").write_text("- Gold is **Au** on the table.\n")
    status, stderr = _interrupted(
        tmp_path,
        ("cli/output.py", "build_report"),
        _BUILD,
        "--db",
        str(db_path),
        "build",
        "notes",
        "more",
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        "error: interrupted as the build ended: notes, more were built, the collection has them"
    )


def test_ctrl_c_in_the_sync_after_a_build_says_the_deck_was_built(tmp_path, notes, db_path):
    notes.write("facts.md", FACTS)
    folder = tmp_path / "shared"
    folder.mkdir()
    (tmp_path / "config" / "flashcards").mkdir(parents=True)
    (tmp_path / "config" / "flashcards" / "config.toml").write_text(f'sync = "{folder}"\n')
    status, stderr = _interrupted(
        tmp_path,
        ("flashcards/collection_tools.py", "sync"),
        _BUILD,
        "--db",
        str(db_path),
        "build",
        "--json",
        "notes",
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        "error: interrupted as the build ended: notes was built, the collection has it; "
        "the sync after it may not have finished: run `flashcards sync`"
    )


@pytest.fixture
def built(tmp_path, notes, db_path) -> Path:
    """A collection with the two facts cards built."""
    notes.write("facts.md", FACTS)
    with Collection.open(db_path) as col:
        col.build(notes.root)
    return db_path


def test_ctrl_c_as_an_export_is_reported_says_the_file_was_written(tmp_path, built):
    out = tmp_path / "deck.tsv"
    status, stderr = _interrupted(
        tmp_path,
        ("cli/output.py", "echo"),
        ("cli/export.py", "export_decks"),
        "--db",
        str(built),
        "export",
        "-o",
        str(out),
    )
    assert status == 130, stderr
    assert _one_line(stderr) == f"error: interrupted as the export ended: {out} was written"
    assert len(out.read_text().splitlines()) >= 2


def test_ctrl_c_as_an_export_is_first_imported_says_nothing_changed(tmp_path, built):
    out = tmp_path / "deck.tsv"
    status, stderr = _interrupted(
        tmp_path,
        ("flashcards/export/__init__.py", "<module>"),
        ("cli/export.py", "export_decks"),
        "--db",
        str(built),
        "export",
        "-o",
        str(out),
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        "error: interrupted: the collection was not changed; run `flashcards export` again"
    )
    assert not out.exists()


def test_ctrl_c_as_an_import_is_reported_says_it_was_imported(tmp_path, built):
    package = tmp_path / "deck.apkg"
    with Collection.open(built) as col:
        col.export([], "apkg", package)
    status, stderr = _interrupted(
        tmp_path,
        ("cli/output.py", "echo"),
        ("cli/importing.py", "import_package"),
        "--db",
        str(built),
        "import",
        str(package),
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        f"error: interrupted as the import ended: {package} was imported, the collection has it"
    )


def test_ctrl_c_as_a_sync_is_reported_says_it_was_synced(tmp_path, built):
    folder = tmp_path / "shared"
    folder.mkdir()
    status, stderr = _interrupted(
        tmp_path,
        ("cli/output.py", "echo"),
        ("cli/sync.py", "sync"),
        "--db",
        str(built),
        "sync",
        str(folder),
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        f"error: interrupted as the sync ended: synced with {folder}, the collection has it"
    )


def test_ctrl_c_as_stats_are_printed_says_nothing_changed(tmp_path, built):
    status, stderr = _interrupted(
        tmp_path,
        ("cli/output.py", "echo_json"),
        ("cli/stats.py", "stats"),
        "--db",
        str(built),
        "stats",
        "--json",
    )
    assert status == 130, stderr
    assert _one_line(stderr) == (
        "error: interrupted: the collection was not changed; run `flashcards stats` again"
    )
