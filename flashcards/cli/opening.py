"""The collection a command works on: --db, else $FLASHCARDS_DB, else the default path.

The collection module is imported inside these functions, so `--help` and the
commands that only read notes start without SQLite and the study engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from flashcards.cli.output import fail, warn

if TYPE_CHECKING:
    from flashcards.collection import Collection


def collection_path(ctx: click.Context) -> Path:
    """The collection file the command line names (click reads $FLASHCARDS_DB into --db)."""
    from flashcards.collection import default_path

    return Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()


def open_collection(
    ctx: click.Context, readonly: bool = False, allow_damaged: bool = False, **options: Any
) -> Collection:
    """The collection named by --db / $FLASHCARDS_DB / the default path.

    Reading commands pass `readonly`: they never create, convert or leave a file.
    A writing command on a file it cannot write stops here, saying so.
    """
    from flashcards.collection import Collection
    from flashcards.store import StoreError

    path = collection_path(ctx)
    try:
        col = Collection.open(path, readonly=readonly, allow_damaged=allow_damaged, **options)
    except StoreError as err:
        fail(str(err))
    if col.readonly and not readonly and not allow_damaged:
        col.close()
        fail(
            f"{path}: the collection is read-only ({col.notice or 'it cannot be written'}); "
            "nothing was changed — make it writable, or pass another file with --db"
        )
    if col.backup_problem:
        warn(col.backup_problem)
    return col
