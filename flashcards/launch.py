"""The `flashcards` command's entry: the study app opens before the click CLI is loaded.

Bare `flashcards` and `flashcards review [DECK]` (with `--db FILE` before the command,
or $FLASHCARDS_DB) open the app; click and the CLI's commands cost about 20 ms of a
start that is on the clock (launch to first card), and the app needs neither. So
`main` recognises those forms with a few string tests and runs the app at once; then
it hands the same command line to the CLI (`flashcards.cli:main`) as before, whose
`run_app` takes what the app returned — or raised — instead of running it
(flashcards.launched). Everything after the app (the sync, the exit status) and every
failure (a Ctrl-C, a damaged collection: its message and status) is the CLI's own
doing, as when the CLI opened the app itself.

Anything else — another command, any other option (`--help`, `--version`), a `--db`
that click would refuse (a folder, an unreadable file), no terminal — goes straight
to the CLI, which behaves exactly as it always has.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from flashcards import launched as record
from flashcards.launched import Launched, LaunchForm

DB_OPTION = "--db"
DB_ENV = "FLASHCARDS_DB"


def launch_form(
    args: Sequence[str], environ: Mapping[str, str], terminal: bool
) -> LaunchForm | None:
    """The app to open when `args` are one of the forms that open it and click would
    accept them as they are; None for anything else (the CLI then reads them)."""
    if not terminal:
        return None  # the CLI refuses, saying what to use instead
    rest = list(args)
    db: str | None = None
    if rest and rest[0].startswith(DB_OPTION):
        first = rest.pop(0)
        if first == DB_OPTION:
            if not rest:
                return None
            db = rest.pop(0)
        elif first.startswith(DB_OPTION + "="):
            db = first[len(DB_OPTION) + 1 :]
        else:
            return None  # --dbx: not an option of ours
        if not db or db.startswith("-"):
            return None
    elif DB_ENV in environ:
        db = environ[DB_ENV]
        if not db:
            return None
    if db is not None and not _click_accepts_path(db):
        return None
    if not rest:
        return LaunchForm(db, None, study=False)
    if rest[0] != "review" or len(rest) > 2:
        return None
    deck = rest[1] if len(rest) == 2 else None
    if deck is not None and (not deck or deck.startswith("-")):
        return None  # an option, `--`, or an empty name: the CLI's to read
    return LaunchForm(db, deck, study=True)


def _click_accepts_path(value: str) -> bool:
    """What `click.Path(dir_okay=False)` accepts: a missing path, or one that is not a
    folder and can be read."""
    try:
        st = os.stat(value)
    except OSError:
        return True
    return not stat.S_ISDIR(st.st_mode) and os.access(value, os.R_OK)


def _run_app_first(form: LaunchForm) -> Launched:
    launched = Launched(form)
    try:
        from flashcards.collection import default_path
        from flashcards.tui.app import run_app

        path = Path(form.db) if form.db else default_path()
        launched.status = run_app(path, deck=form.deck, study=form.study)
    except BaseException as exc:  # the CLI says what it means (a Ctrl-C, a damaged file)
        launched.error = exc
    return launched


def _load_cli_holding_ctrl_c(launched: Launched):  # type: ignore[no-untyped-def]
    """Import the CLI; a Ctrl-C meanwhile is kept for the CLI to handle, as one landing
    just after the app would have been."""

    def hold(signum: int, frame: object) -> None:
        launched.interrupted = True

    try:
        previous = signal.signal(signal.SIGINT, hold)
    except ValueError:  # not the main thread: nothing to hold
        previous = None
    try:
        from flashcards.cli import main as cli
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return cli


def main() -> None:
    """The `flashcards` command."""
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    form = launch_form(sys.argv[1:], os.environ, terminal)
    if form is None:
        from flashcards.cli import main as cli
    else:
        launched = _run_app_first(form)
        cli = _load_cli_holding_ctrl_c(launched)
        record.launched = launched
    cli()
