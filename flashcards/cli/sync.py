"""`flashcards sync [DIR]`, and the sync the settings ask for after a session or build."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from flashcards.cli.interrupt import on_interrupt
from flashcards.cli.opening import open_collection
from flashcards.cli.output import echo, fail, warn

if TYPE_CHECKING:
    from flashcards.collection import Collection


def configured_folder(after: str = "") -> Path | None:
    """The `sync` folder of the settings file (a broken file stops the command; `after`
    says what the command saved before it looked)."""
    from flashcards.config import ConfigError, load_config

    try:
        return load_config().sync
    except ConfigError as err:
        fail(f"{err}{f' ({after}; nothing was synced)' if after else ''}")


def run_sync(
    col: Collection, folder: Path, quiet: bool = False, silent: bool = False, done: str = ""
) -> None:
    """Sync and say what happened (`quiet`: only when something did; `silent`: never, for
    JSON output); a folder or journal that cannot be used stops here. `done` is what the
    command saved before (a Ctrl-C during the sync says it, and that the sync may not
    have finished)."""
    from flashcards.collection import CollectionError

    if done:
        on_interrupt(f"{done}; the sync after it may not have finished: run `flashcards sync`")
    try:
        report = col.sync(folder)
    except CollectionError as err:
        fail(str(err))
    on_interrupt(
        done or f"interrupted as the sync ended: synced with {folder}, the collection has it"
    )
    for w in report.warnings:
        warn(w)
    if silent or (quiet and not (report.written or report.changed)):
        return
    waiting = f", {report.pending} waiting for cards not built here" if report.pending else ""
    echo(
        f"synced with {folder}: {report.written} written to {report.device}.jsonl, "
        f"{report.added} merged from {report.journals} journals, {report.undone} undone"
        f"{waiting}"
    )


def sync_if_configured(
    ctx: click.Context, silent: bool = False, done: str = "", saved: str = ""
) -> None:
    """After a session or a build: sync when the settings name a folder (`done`: what
    the session or build saved, for a Ctrl-C to say; `saved`: the same, for a broken
    settings file to say)."""
    folder = configured_folder(after=saved or "what this command did is saved")
    if folder is None:
        return
    with open_collection(ctx) as col:
        run_sync(col, folder, quiet=True, silent=silent, done=done)


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def sync(ctx: click.Context, folder: Path | None) -> None:
    """Share review history through FOLDER (default: `sync` in config.toml).

    This device appends its new reviews to FOLDER/<device-id>.jsonl and merges every
    other device's journal there. Sync FOLDER itself with git, Syncthing, Dropbox...;
    never the collection file.
    """
    from flashcards.config import config_path

    folder = folder or configured_folder()
    if folder is None:
        fail(
            f'name the folder to sync through: `flashcards sync DIR`, or sync = "DIR" in {config_path()}'
        )
    with open_collection(ctx) as col:
        run_sync(col, folder)
