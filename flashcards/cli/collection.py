"""The commands that look after the collection file: `decks`, `doctor`, `backup`, `restore`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flashcards.cli.opening import collection_path, open_collection
from flashcards.cli.output import decks_table, echo, echo_json, fail


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per deck.")
@click.option("--all", "show_all", is_flag=True, help="Retired decks too.")
@click.pass_context
def decks(ctx: click.Context, as_json: bool, show_all: bool) -> None:
    """The decks in the collection: cards, new, due today, retired.

    `decks rename OLD NEW`, `decks retire NAME` and `decks restore NAME` look
    after them: a deck keeps its cards and history through all three.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_collection(ctx, readonly=True) as col:
        summaries = col.decks(retired=show_all)
        retired = 0 if summaries or show_all else len(col.decks(retired=True))
    if as_json:
        echo_json([d.to_json() for d in summaries])
        return
    if retired:
        echo(f"No decks in use; {retired} retired (`flashcards decks --all` lists them).")
        return
    if not summaries:
        echo("No decks yet; run `flashcards build`.")
        return
    decks_table(summaries)


@decks.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
def rename_deck(ctx: click.Context, old: str, new: str) -> None:
    """Rename deck OLD to NEW: same cards, same history. Change `name:` in its spec too."""
    from flashcards.collection import CollectionError

    new = new.strip()  # as the collection keeps it
    with open_collection(ctx) as col:
        try:
            col.rename_deck(old, new)
            spec = col.deck_info(new)["spec_path"]
        except CollectionError as err:
            fail(str(err))
    echo(f"Renamed deck {old!r} to {new!r}; its cards keep their history.")
    if spec:
        echo(f"Set `name: {new}` in {spec}, or the next build names it back.")


@decks.command("retire")
@click.argument("name")
@click.pass_context
def retire_deck(ctx: click.Context, name: str) -> None:
    """Take deck NAME out of every queue and deck list; its history is kept."""
    from flashcards.collection import CollectionError

    with open_collection(ctx) as col:
        try:
            col.retire_deck(name)
        except CollectionError as err:
            fail(str(err))
    echo(f"Retired deck {name!r}: history kept; `flashcards decks restore {name}` brings it back.")


@decks.command("restore")
@click.argument("name")
@click.pass_context
def restore_deck(ctx: click.Context, name: str) -> None:
    """Bring retired deck NAME back into the queues and the deck list."""
    from flashcards.collection import CollectionError

    with open_collection(ctx) as col:
        try:
            col.retire_deck(name, retired=False)
        except CollectionError as err:
            fail(str(err))
    echo(f"Restored deck {name!r}.")


@click.command()
@click.option("--repair", is_flag=True, help="Rebuild derived card state from the review log.")
@click.pass_context
def doctor(ctx: click.Context, repair: bool) -> None:
    """Check the collection: schema, links, card state against the review log."""
    from flashcards.store import SCHEMA_VERSION

    with open_collection(ctx, readonly=not repair, allow_damaged=True) as col:
        if repair and col.readonly and not col.damaged:
            fail(
                f"{col.path}: the collection is read-only ({col.notice}); `doctor` without "
                "--repair can still check it"
            )
        problems = col.doctor(repair=repair and not col.readonly)
        reviews = "?" if col.damaged else col.review_count()
        echo(f"{col.path}: schema version {SCHEMA_VERSION}, {reviews} reviews")
        if not problems:
            echo("ok: no problems found")
            return
        for p in problems:
            echo(f"problem: {p}")
        if repair:
            left = col.doctor(repair=False)
            if not left:
                echo("repaired: card state rebuilt from the reviews")
                return
            for p in left:
                echo(f"still wrong: {p}")
    sys.exit(1)


@click.command()
@click.option("--list", "list_them", is_flag=True, help="List the backups instead of making one.")
@click.pass_context
def backup(ctx: click.Context, list_them: bool) -> None:
    """Back the collection up now (into `backups/` beside it), or list the backups.

    A backup is also made on the first open of each day; the newest of each of
    the last 7 days and of the 4 weeks before are kept.
    """
    from flashcards.store import StoreError
    from flashcards.store.backup import list_backups

    path = collection_path(ctx)
    if list_them:
        found = list_backups(path)
        if not found:
            echo(f"no backups of {path} yet; `flashcards backup` makes one")
            return
        for b in found:
            why = f"  ({b.why})" if b.why else ""
            echo(f"{b.made:%Y-%m-%d %H:%M:%S}  {b.size / 1e6:8.1f} MB  {b.path}{why}")
        return
    with open_collection(ctx, readonly=True, backup=False) as col:
        try:
            made = col.backup()
        except StoreError as err:
            fail(str(err))
    echo(f"Backed up {path} to {made}")


@click.command()
@click.argument("backup_file", metavar="FILE")
@click.pass_context
def restore(ctx: click.Context, backup_file: str) -> None:
    """Put the backup FILE in place of the collection (a copy of it is kept first).

    FILE is a path, or a name that `flashcards backup --list` shows.
    """
    from flashcards.store import StoreError
    from flashcards.store.backup import backups_dir
    from flashcards.store.restore import restore as restore_backup

    path = collection_path(ctx)
    source = Path(backup_file)
    if not source.exists() and (backups_dir(path) / backup_file).exists():
        source = backups_dir(path) / backup_file
    if not source.is_file():
        fail(f"{backup_file}: no such backup; `flashcards backup --list` shows them")
    try:
        kept = restore_backup(path, source)
    except StoreError as err:
        fail(str(err))
    echo(f"Restored {path} from {source}")
    if kept:
        echo(f"The collection as it was is kept at {kept}")
