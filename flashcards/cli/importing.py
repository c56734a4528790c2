"""`flashcards import FILE`: history from an Anki package (.apkg, .colpkg)."""

from __future__ import annotations

from pathlib import Path

import click

from flashcards.cli.interrupt import on_interrupt
from flashcards.cli.opening import open_collection
from flashcards.cli.output import echo, echo_json, fail, warn


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--deck", help="The deck an Anki user's own notes go to (default: named after --to).")
@click.option(
    "--to",
    "to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A new notes file for the notes that are not flashcards' own (never overwritten).",
)
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@click.pass_context
def import_package(
    ctx: click.Context, file: Path, deck: str | None, to: Path | None, as_json: bool
) -> None:
    """Import reviews (and notes) from an Anki or AnkiDroid package.

    Answers to flashcards' own cards (exported with `flashcards export --format apkg`)
    become their reviews, matched by note GUID; importing a file twice adds nothing.
    Other notes become a notes file at --to, built as a deck, with their history.
    """
    from flashcards.importing import PackageError

    with open_collection(ctx) as col:
        try:
            report = col.import_package(file, deck=deck, to=to)
        except PackageError as err:
            fail(str(err))
    on_interrupt(f"interrupted as the import ended: {file} was imported, the collection has it")
    if as_json:
        echo_json(report.to_json())
        return
    echo(
        f"{file}: {report.notes + report.new_notes} notes, {report.cards} cards, "
        f"{report.reviews} reviews, {report.media} media imported"
        + (f" ({report.known} reviews were already here)" if report.known else "")
    )
    if report.notes_file:
        echo(
            f"{report.new_notes} notes written to {report.notes_file}, deck {report.deck}: {report.new_cards} new cards"
        )
    for problem in report.not_converted:
        warn(f"not converted: {problem}")
