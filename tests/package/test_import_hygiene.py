"""Import hygiene: the domain never loads a UI toolkit, and the CLI loads Textual only to open
the app.

Every module is imported in a fresh interpreter, so what it pulls in is its own doing and
not left over from another test. The modules are found by walking the package, so a new
module is covered as soon as it exists:

- outside `flashcards.tui`, nothing imports Textual (the CLI's commands that open the app
  import it inside the function that opens it, when it opens);
- outside `flashcards.tui` and `flashcards.cli` (the domain), nothing imports Rich either;
- `flashcards --help` and `flashcards decks`, run as users run them, load neither Textual
  nor the notes reader's markdown-it, so they start fast: neither is named in `-X importtime`'s
  report, nor in `sys.modules` once the command has run (a module put there by hand, or
  loaded lazily after the last import the report shows, counts too).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import child_env, run_python

import flashcards
from flashcards.collection import Collection


def _modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages(flashcards.__path__, "flashcards.")
        if m.name != "flashcards.__main__"  # the entry script: importing it runs the CLI
    )


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _loaded_by(module: str) -> set[str]:
    """The top-level packages in sys.modules after importing `module` in a fresh interpreter."""
    code = (
        f"import {module}, sys\n"
        "print(' '.join(sorted({m.partition('.')[0] for m in sys.modules})))\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


NOT_THE_APP = [m for m in _modules() if not _within(m, "flashcards.tui")]
DOMAIN = [m for m in NOT_THE_APP if not _within(m, "flashcards.cli")]


def test_the_walk_finds_the_modules():
    # a guard on the walk itself: an empty list would make every check below pass vacuously
    assert {"flashcards.stats", "flashcards.charts", "flashcards.cli.output"} <= set(NOT_THE_APP)
    assert "flashcards.cli.output" not in DOMAIN
    assert not [m for m in NOT_THE_APP if _within(m, "flashcards.tui")]


@pytest.mark.parametrize("module", NOT_THE_APP)
def test_no_textual_outside_the_app(module: str):
    loaded = _loaded_by(module)
    assert "textual" not in loaded, (
        f"importing {module} loads Textual; only flashcards.tui may import it at the top, "
        "and the CLI only inside the function that opens the app"
    )
    if module in DOMAIN:
        assert "rich" not in loaded, (
            f"importing {module} loads Rich; domain modules return data, and only "
            "flashcards.cli and flashcards.tui draw it"
        )


def _command_loads(args: list[str], cwd: Path) -> set[str]:
    """The modules `python -m flashcards ARGS` imports, read from -X importtime's report."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flashcards", *args],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert len(lines) > 10, done.stderr  # the report is there: an empty one proves nothing
    return {line.rpartition("|")[2].strip().partition(".")[0] for line in lines}


# the command runs inside this script, so sys.modules can be read once click is done with it
AFTER_COMMAND = r"""
import sys
from pathlib import Path
from flashcards.cli import main
out, sys.argv = Path(sys.argv[1]), ["flashcards", *sys.argv[2:]]
try:
    main()
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
out.write_text(" ".join(sorted(sys.modules)), encoding="utf-8")
"""

SLOW = ("textual", "markdown_it")


def _in_sys_modules_after(args: list[str], cwd: Path) -> set[str]:
    """Every name in sys.modules after `flashcards ARGS` ran in a fresh interpreter."""
    report = cwd / "sys-modules.txt"
    done = run_python(AFTER_COMMAND, str(report), *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return set(report.read_text(encoding="utf-8").split())


def _slow_ones(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(_within(m, package) for package in SLOW))


def test_help_loads_neither_textual_nor_markdown_it(tmp_path: Path):
    loaded = _command_loads(["--help"], tmp_path)
    assert "click" in loaded
    assert not {"textual", "markdown_it"} & loaded, sorted({"textual", "markdown_it"} & loaded)
    modules = _in_sys_modules_after(["--help"], tmp_path)
    assert "flashcards.cli" in modules and "click" in modules  # the command did run
    assert not _slow_ones(modules), _slow_ones(modules)


def test_decks_loads_neither_textual_nor_markdown_it(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "page.md").write_text("- The capital of France is **Paris**\n", encoding="utf-8")
    db = tmp_path / "collection.sqlite"
    with Collection.open(db) as col:
        col.build(notes)
    loaded = _command_loads(["--db", str(db), "decks"], tmp_path)
    assert "flashcards" in loaded and "rich" in loaded  # it did draw the table
    assert not {"textual", "markdown_it"} & loaded, sorted({"textual", "markdown_it"} & loaded)
    modules = _in_sys_modules_after(["--db", str(db), "decks"], tmp_path)
    assert "flashcards.cli.collection" in modules and "rich" in modules  # the table was drawn
    assert not _slow_ones(modules), _slow_ones(modules)
