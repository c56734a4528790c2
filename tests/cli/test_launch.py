"""The `flashcards` entry (flashcards.launch): the app opens before the click CLI loads,
and the command behaves exactly as when the CLI opened it.

- Only bare `flashcards` and `flashcards review [DECK]` (with `--db FILE` before them, or
  $FLASHCARDS_DB), from a terminal, open the app first; every other command line,
  including the ones click refuses, goes to the CLI untouched.
- Through click's runner: whatever the app returns or raises (a Ctrl-C, a damaged
  collection, a file the system refuses), the CLI ends the same way — output, status —
  whether it opened the app itself or took what the app did before it loaded.
- As a real process in a pseudo-terminal: the app runs with neither click nor the CLI
  loaded, its status is the command's, and a Ctrl-C in the app or while the CLI loads
  after it ends in the one line and status 130; without a terminal, the CLI refuses as
  before, without opening the app.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import child_env, hearing_ctrl_c, run_python

from flashcards import launch, launched
from flashcards.launch import launch_form
from flashcards.launched import Launched, LaunchForm
from flashcards.store import StoreError

# -- which command lines open the app first ------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "form"),
    [
        ([], {}, LaunchForm(None, None, study=False)),
        (["review"], {}, LaunchForm(None, None, study=True)),
        (["review", "physics"], {}, LaunchForm(None, "physics", study=True)),
        (["--db", "c.sqlite"], {}, LaunchForm("c.sqlite", None, study=False)),
        (["--db=c.sqlite", "review"], {}, LaunchForm("c.sqlite", None, study=True)),
        (["--db", "c.sqlite", "review", "a deck"], {}, LaunchForm("c.sqlite", "a deck", True)),
        ([], {"FLASHCARDS_DB": "e.sqlite"}, LaunchForm("e.sqlite", None, study=False)),
        (["--db", "c.sqlite"], {"FLASHCARDS_DB": "e.sqlite"}, LaunchForm("c.sqlite", None, False)),
    ],
)
def test_the_forms_that_open_the_app(args, env, form, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert launch_form(args, env, terminal=True) == form
    assert launch_form(args, env, terminal=False) is None  # the CLI refuses, as before


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--version"],
        ["decks"],
        ["build", "notes"],
        ["review", "--help"],
        ["review", "-h"],
        ["review", "a", "b"],
        ["review", "--"],
        ["review", ""],
        ["--", "review"],
        ["--db"],
        ["--db", "--help"],
        ["--db="],
        ["--dbx", "c.sqlite"],
        ["--db", "c.sqlite", "--db", "d.sqlite"],
        ["review", "--db", "c.sqlite"],
        ["--db", "folder"],  # click: "File 'folder' is a directory."
        ["--db", "unreadable.sqlite"],  # click: "... is not readable."
    ],
)
def test_anything_else_is_the_cli_s(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    unreadable = tmp_path / "unreadable.sqlite"
    unreadable.write_bytes(b"")
    # a file this user cannot read, whoever runs the tests (root reads a mode-0 file)
    access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode: False if path == "unreadable.sqlite" else access(path, mode),
    )
    assert launch_form(args, {}, terminal=True) is None


def test_an_empty_flashcards_db_is_the_cli_s():
    assert launch_form([], {"FLASHCARDS_DB": ""}, terminal=True) is None


# -- through click's runner: the same ending either way ------------------------------


class _Tty:
    def isatty(self) -> bool:
        return True


OUTCOMES = {
    "status 0": 0,
    "status 1": 1,
    "ctrl-c": KeyboardInterrupt(),
    "ctrl-c wrapped": RuntimeError("Error calling __set_name__"),
    "damaged": sqlite3.DatabaseError("file is not a database"),
    "refused": StoreError("c.sqlite: was written by a newer flashcards; upgrade it"),
    "os error": OSError(errno.EACCES, "Permission denied", "c.sqlite"),
}
OUTCOMES["ctrl-c wrapped"].__cause__ = KeyboardInterrupt()


def _fake_app(outcome, calls: list):
    def run_app(path: Path, deck: str | None = None, *, study: bool = False) -> int:
        calls.append((str(path), deck, study))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return run_app


def _ended(result) -> tuple[int, str]:
    return result.exit_code, result.output


@pytest.mark.parametrize("outcome", list(OUTCOMES))
@pytest.mark.parametrize("args", [[], ["review"], ["review", "physics"]], ids=repr)
def test_the_cli_ends_as_when_it_opened_the_app(outcome, args, tmp_path, monkeypatch, user_dirs):
    from flashcards.cli import main
    from flashcards.cli import study as cli_study

    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"COLUMNS": "80", **user_dirs})
    line = ["--db", str(tmp_path / "c.sqlite"), *args]

    # before: the CLI checked for a terminal and opened the app itself
    before: list = []
    monkeypatch.setattr("flashcards.tui.app.run_app", _fake_app(OUTCOMES[outcome], before))
    tty = types.SimpleNamespace(stdin=_Tty(), stdout=_Tty(), exit=sys.exit)
    with monkeypatch.context() as patch:
        patch.setattr(cli_study, "sys", tty)
        was = _ended(runner.invoke(main, line))

    # now: the app ran first; the CLI (no terminal under the runner) must not run it again
    now: list = []
    monkeypatch.setattr("flashcards.tui.app.run_app", _fake_app(OUTCOMES[outcome], now))
    form = launch_form(line, {}, terminal=True)
    assert form is not None
    monkeypatch.setattr(launched, "launched", launch._run_app_first(form))
    assert _ended(runner.invoke(main, line)) == was
    assert now == before and len(now) == 1
    assert launched.launched is None  # taken


def test_a_ctrl_c_while_the_cli_loads_after_the_app_is_the_cli_s(tmp_path, monkeypatch, user_dirs):
    from flashcards.cli import main

    runner = CliRunner(env={"COLUMNS": "80", **user_dirs})
    line = ["--db", str(tmp_path / "c.sqlite"), "review"]
    form = launch_form(line, {}, terminal=True)
    monkeypatch.setattr(launched, "launched", Launched(form, 0, interrupted=True))
    result = runner.invoke(main, line)
    assert result.exit_code == 130
    # (what the line says of the collection depends on what this process has committed:
    # other tests ran in it)
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: interrupted: the collection ")


def test_the_cli_refuses_an_app_that_opened_for_another_command(tmp_path, monkeypatch):
    from flashcards.cli import main

    form = LaunchForm(str(tmp_path / "c.sqlite"), "physics", study=True)
    monkeypatch.setattr(launched, "launched", Launched(form, 0))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "c.sqlite"), "review", "other"])
    assert isinstance(result.exception, AssertionError)  # a bug, never a second app


# -- as a real process, in a pseudo-terminal ----------------------------------------

# the child: `flashcards ARGS` through flashcards.launch, its app replaced by one that
# says what was loaded when it ran, then does ACTION (return a status, or Ctrl-C)
_CHILD = """
    import signal, sys
    import flashcards.tui.app

    action, *args = sys.argv[1:]

    def run_app(path, deck=None, *, study=False):
        loaded = [m for m in ("click", "flashcards.cli") if m in sys.modules]
        print(f"APP loaded={loaded} deck={deck} study={study} path={path}", flush=True)
        if action == "ctrl-c":
            signal.raise_signal(signal.SIGINT)
        if action == "ctrl-c-after":  # at the CLI's first line, as it loads
            def hook(frame, event, arg):
                if event == "call" and frame.f_code.co_filename.endswith("cli/__init__.py"):
                    sys.setprofile(None)
                    signal.raise_signal(signal.SIGINT)
            sys.setprofile(hook)
        return 3

    flashcards.tui.app.run_app = run_app
    sys.argv = ["flashcards", *args]
    from flashcards.launch import main
    main()
"""


def _in_a_terminal(tmp_path: Path, action: str, *args: str) -> tuple[int, str, str]:
    """The child in a pseudo-terminal (stdin and stdout): its status, what it printed on
    the terminal, and its stderr."""
    main_fd, child_fd = os.openpty()
    with hearing_ctrl_c():
        proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_CHILD), action, *args],
            cwd=tmp_path,
            stdin=child_fd,
            stdout=child_fd,
            stderr=subprocess.PIPE,
            env=child_env(XDG_CONFIG_HOME=str(tmp_path / "config")),
        )
    os.close(child_fd)
    shown = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main_fd)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    return proc.wait(timeout=120), shown.decode(errors="replace"), stderr


def test_the_app_opens_before_the_cli_loads(tmp_path):
    db = tmp_path / "c.sqlite"
    status, shown, stderr = _in_a_terminal(tmp_path, "return", "--db", str(db), "review", "physics")
    assert f"APP loaded=[] deck=physics study=True path={db}" in shown, (shown, stderr)
    assert status == 3, stderr  # the app's status is the command's
    assert "Traceback" not in stderr


def test_bare_flashcards_opens_the_decks_before_the_cli_loads(tmp_path):
    db = tmp_path / "c.sqlite"
    status, shown, stderr = _in_a_terminal(tmp_path, "return", "--db", str(db))
    assert f"APP loaded=[] deck=None study=False path={db}" in shown, (shown, stderr)
    assert status == 3, stderr


def test_a_ctrl_c_in_the_app_is_one_line_and_130(tmp_path):
    db = tmp_path / "c.sqlite"
    status, shown, stderr = _in_a_terminal(tmp_path, "ctrl-c", "--db", str(db), "review")
    assert "APP loaded=[]" in shown, (shown, stderr)
    assert status == 130
    assert stderr.strip() == (
        "error: interrupted: the collection was not changed; run `flashcards review` again"
    )


def test_a_ctrl_c_while_the_cli_loads_after_the_app_is_one_line_and_130(tmp_path):
    db = tmp_path / "c.sqlite"
    status, shown, stderr = _in_a_terminal(tmp_path, "ctrl-c-after", "--db", str(db), "review")
    assert "APP loaded=[]" in shown, (shown, stderr)
    assert status == 130, stderr
    assert stderr.strip() == (
        "error: interrupted: the collection was not changed; run `flashcards review` again"
    )


def test_without_a_terminal_the_cli_refuses_and_no_app_opens(tmp_path):
    done = run_python(
        _CHILD,
        "return",
        "--db",
        "c.sqlite",
        "review",
        cwd=tmp_path,
        env={"XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert "APP" not in done.stdout
    assert done.returncode == 1
    assert done.stderr.startswith("error: the study app needs a terminal")


def test_other_commands_in_a_terminal_are_the_cli_s(tmp_path):
    status, shown, stderr = _in_a_terminal(tmp_path, "return", "--help")
    assert "APP" not in shown
    assert status == 0 and "Usage:" in shown and "review" in shown
