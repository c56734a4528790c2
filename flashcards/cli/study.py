"""The commands that open the study app: `review DECK`, and bare `flashcards` (via `run_app`).

Textual is imported inside `run_app` only, when the app really opens, so every
other command, and `--help`, starts without it. From a terminal, the `flashcards`
command (flashcards.launch) has usually opened the app already, before loading this
CLI: `run_app` then takes what it returned or raised, and goes on from there.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from flashcards.cli.opening import collection_path
from flashcards.cli.output import fail


def run_app(ctx: click.Context, deck: str | None, study: bool = False) -> NoReturn:
    """Open the app on the collection (studying `deck` at once with `study`) and exit with
    its status; outside a terminal, say what to use instead."""
    from flashcards.launched import take_launched

    launched = take_launched(ctx.obj.get("db"), deck, study)
    if launched is not None:  # the app ran before the CLI loaded (flashcards.launch)
        if launched.error is not None:
            raise launched.error
        if launched.interrupted:
            raise KeyboardInterrupt
        status = launched.status
    else:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            fail(
                "the study app needs a terminal (stdin and stdout are not one); run it in a "
                "terminal, or use `flashcards cards`, `stats` or `export` from scripts"
            )
        from flashcards.tui.app import run_app as run_tui

        status = run_tui(collection_path(ctx), deck=deck, study=study)
    from flashcards.cli.sync import sync_if_configured

    # the session's reviews go to this device's journal
    sync_if_configured(ctx, saved="the session's answers are saved")
    sys.exit(status)


@click.command()
@click.argument("deck", required=False)
@click.pass_context
def review(ctx: click.Context, deck: str | None) -> None:
    """Study DECK (all decks when none is named) in the app."""
    run_app(ctx, deck=deck, study=True)
