"""The `flashcards` command line. Bare `flashcards` opens the study app.

Textual is imported only inside the command that opens the app, so `--help`,
`cards`, `build`, `stats` and `export` start without it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from flashcards.cards import Card, extract_paths
from flashcards.decks import DeckError, default_deck_specs, is_deck_spec, load_deck
from flashcards.notes.outline import NoteError


def _warn(err: NoteError | str) -> None:
    click.echo(f"warning: {err}", err=True)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _card_table(rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    table = Table(show_lines=False, expand=False, pad_edge=False)
    for column in ("where", "front", "answer"):
        table.add_column(column, overflow="fold")
    for row in rows:
        front = str(row["front"]).replace("\n", " ")
        if len(front) > 160:
            front = front[:157] + "…"
        answer = ", ".join(row["answers"]) if row["answers"] else "(basic)"  # type: ignore[arg-type]
        # Text(...) keeps note text literal: it is never read as console markup.
        table.add_row(
            Text(f"{_short(str(row['source']))}:{row['line']}"), Text(front), Text(answer)
        )
    console.print(table)
    console.print(Text(f"{len(rows)} cards"))


def preview_cards(paths: tuple[str, ...], strict: bool) -> tuple[list[Card], int]:
    """Cards from notes paths and deck specs, touching no collection."""
    cards: list[Card] = []
    problems = 0
    for path in paths:
        if not Path(path).exists():
            _warn(f"{path}: no such file or folder; check the path")
            problems += 1
            continue
        if is_deck_spec(path):
            try:
                spec = load_deck(path)
            except DeckError as err:
                _warn(err)
                problems += 1
                continue
            result = extract_paths(spec.notes, spec.deletions)
        else:
            result = extract_paths([path])
        for err in result.warnings:
            _warn(err)
        problems += len(result.warnings)
        cards.extend(result.cards)
    return cards, problems


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
        ctx.invoke(cards, paths=tuple(str(p) for p in default_deck_specs()))


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per card.")
@click.option("--strict", is_flag=True, help="Exit 1 when any file could not be read.")
def cards(paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Preview the cards in notes files, folders or deck specs."""
    if not paths:
        paths = tuple(str(p) for p in default_deck_specs())
    found, problems = preview_cards(paths, strict)
    rows = [c.to_json() for c in found]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _card_table(rows)
    if strict and problems:
        sys.exit(1)
