"""The `flashcards` command line: the click group and its commands. Bare `flashcards`
opens the study app.

The commands live by job in this package (notes, collection, export, stats,
study); everything they print goes through `flashcards.cli.output`. Textual is
imported only inside the commands that open the app (`flashcards.cli.study`),
and Rich, the collection and the notes reader only inside the commands that use
them, so `--help`, `cards`, `build`, `stats` and `export` start without Textual
and `--help` starts fast.
"""

from __future__ import annotations

import click

from flashcards.cli import (
    collection,
    export,
    flags,
    fsrs,
    importing,
    notes,
    serve,
    stats,
    study,
    sync,
)
from flashcards.cli.interrupt import caused_by_ctrl_c, interrupted
from flashcards.cli.output import fail
from flashcards.cli.refused import refused


class _Group(click.Group):
    """Turns a collection that fails mid-command (damaged, or held by a stuck writer),
    or a file the system refuses where no command expected it, into a message saying
    what to do instead of a traceback, and a Ctrl-C wherever it lands into one line
    saying what the collection has (not click's "Aborted!")."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except KeyboardInterrupt:
            interrupted(ctx)

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return self._invoke(ctx)
        except KeyboardInterrupt:
            interrupted(ctx)
        except Exception as exc:
            # a Ctrl-C in a module's first import may come wrapped (Python 3.11 raises
            # RuntimeError for one in a dataclass field's __set_name__)
            if caused_by_ctrl_c(exc):
                interrupted(ctx)
            raise

    def _invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        import errno
        import sqlite3

        from flashcards.clock import DateOutOfRange
        from flashcards.store import StoreError
        from flashcards.store.errors import explain

        try:
            return super().invoke(ctx)
        except sqlite3.Error as exc:
            # what SQLite's result code means: read-only, busy, disk full or damaged
            fail(str(explain(exc, _db_shown(ctx))))
        except StoreError as err:
            fail(str(err))
        except DateOutOfRange as err:
            fail(str(err))
        except OSError as exc:  # a file the system refused where no command expected it
            if exc.errno == errno.EPIPE:
                raise  # output piped into `head`: click ends quietly
            fail(refused(exc))


def _db_shown(ctx: click.Context) -> str:
    from flashcards.collection import default_path

    return str((ctx.obj or {}).get("db") or default_path())


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="FLASHCARDS_DB",
    help="The collection file (default: your user data folder; or $FLASHCARDS_DB).",
)
@click.version_option(package_name="flashcards")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Spaced-repetition cloze cards from your outline notes.

    Run without a command to open the study app.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        study.run_app(ctx, deck=None)


# `--help` lists the commands by name, whatever the order here
main.add_command(notes.build)
main.add_command(notes.cards)
main.add_command(collection.decks)
main.add_command(collection.doctor)
main.add_command(collection.backup)
main.add_command(collection.restore)
main.add_command(export.export_decks)
main.add_command(importing.import_package)
main.add_command(stats.stats)
main.add_command(study.review)
main.add_command(fsrs.optimize)
main.add_command(fsrs.evaluate)
main.add_command(sync.sync)
main.add_command(flags.suspend)
main.add_command(flags.unsuspend)
main.add_command(flags.unbury)
main.add_command(serve.serve)
