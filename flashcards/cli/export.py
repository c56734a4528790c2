"""The `export` command: decks to an Anki package, TSV, Markdown, JSON or a reviews CSV."""

from __future__ import annotations

import click

from flashcards.cli.interrupt import on_interrupt
from flashcards.cli.opening import open_collection
from flashcards.cli.output import echo, fail, progress_bar


@click.command("export")
@click.argument("decks", nargs=-1)
@click.option(
    "--format",
    "-f",
    "fmt",
    metavar="FORMAT",
    help="apkg, tsv, md, json or reviews-csv (default: from PATH's extension).",
)
@click.option("--output", "-o", "output", required=True, metavar="PATH", help="The file to write.")
@click.option("--force", is_flag=True, help="Overwrite PATH when it exists.")
@click.option(
    "--no-scheduling",
    is_flag=True,
    help="apkg: the cards as new, without their states and reviews.",
)
@click.pass_context
def export_decks(
    ctx: click.Context,
    decks: tuple[str, ...],
    fmt: str | None,
    output: str,
    force: bool,
    no_scheduling: bool,
) -> None:
    """Export DECKs (every deck when none is named) to PATH.

    \b
    Formats:
      apkg         Anki package: cloze and basic notes, one Anki deck per deck,
                   with each card's schedule and reviews (--no-scheduling: as
                   new); importing a newer export updates the notes
      tsv          Anki's text import (notetype, deck, GUID and tags columns)
      md           outline Markdown that `flashcards build` turns back into
                   the same cards (one deck)
      json         every card with its state and reviews (schema in the README)
      reviews-csv  one row per review, the columns the FSRS optimizer reads
    """
    from flashcards.export import (
        FORMATS,
        ExportError,
        ExportInterrupted,
        check_target,
        export,
        guess_format,
    )

    name = fmt.lower() if fmt else guess_format(output)  # --format APKG is apkg
    if name is None:
        fail(
            f"{output}: cannot tell the format from the name; "
            f"pass --format (one of {', '.join(FORMATS)})",
            2,
        )
    if name not in FORMATS:
        fail(f"unknown export format {name!r}; use one of {', '.join(FORMATS)}", 2)
    try:
        check_target(output, force)
    except ExportError as err:
        fail(str(err))
    with open_collection(ctx, readonly=True) as col:
        try:
            with progress_bar(f"exporting {name}", True) as progress:
                result = export(
                    col,
                    decks,
                    name,
                    output,
                    force=force,
                    progress=progress,
                    scheduling=not no_scheduling,
                )
        except ExportError as err:  # a full disk too: said plainly, the partial file removed
            fail(str(err))
        except ExportInterrupted as err:  # SIGTERM / SIGHUP: partial files removed
            fail(str(err), 128 + err.signum)  # the status a shell gives a killed command
    on_interrupt(f"interrupted as the export ended: {result.path} was written")
    what = "reviews" if name == "reviews-csv" else "cards"
    count = result.items if name == "reviews-csv" else result.cards
    echo(
        f"Exported {count} {what} of {len(result.decks)} deck{'s' * (len(result.decks) != 1)} "
        f"to {result.path} ({name}, {result.seconds:.2f} s)"
    )
