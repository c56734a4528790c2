"""The `flashcards` command line. Bare `flashcards` opens the study app.

Textual is imported only inside the command that opens the app, so `--help`,
`cards`, `build`, `stats` and `export` start without it.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
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
        if row.get("status") not in (None, "active"):
            answer += f" ({row['status']})"
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


def _open_collection(ctx: click.Context, must_exist: bool = False):
    """The collection named by --db / $FLASHCARDS_DB / the default path."""
    from flashcards.collection import Collection, default_path
    from flashcards.store import StoreError

    path = Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()
    if must_exist and not path.exists():
        _fail(f"no collection at {path} yet; run `flashcards build` first (or pass --db)")
    try:
        return Collection.open(path)
    except StoreError as err:
        _fail(str(err))


@contextmanager
def _progress_bar(label: str, enabled: bool):
    """A progress bar on a terminal (stderr), nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


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
        _run_app(ctx, deck=None)


def _run_app(ctx: click.Context, deck: str | None) -> None:
    # Textual is imported here only, so every other command starts without it.
    from flashcards.collection import default_path
    from flashcards.tui.app import run_app

    path = Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()
    sys.exit(run_app(path, deck=deck))


@main.command()
@click.argument("deck", required=False)
@click.pass_context
def review(ctx: click.Context, deck: str | None) -> None:
    """Study DECK (all decks when none is named) in the app."""
    _run_app(ctx, deck=deck)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--strict", is_flag=True, help="Exit 1 when any notes file could not be read.")
@click.pass_context
def build(ctx: click.Context, paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Build decks from deck specs or notes files/folders into the collection.

    With no PATHS: every spec in ./decks, or the bundled sample deck when
    there is no ./decks folder.
    """
    from flashcards.collection import CollectionError

    targets = list(paths) or [str(p) for p in default_deck_specs()]
    if not targets:
        _fail("no deck specs in ./decks; pass a deck spec or a notes folder to build")
    for target in targets:
        if not Path(target).exists():
            _fail(f"{target}: no such file or folder; pass a deck spec, notes file or folder")
    col = _open_collection(ctx)
    reports = []
    warnings = 0
    with col:
        for target in targets:
            try:
                with _progress_bar(f"building {Path(target).name}", not as_json) as progress:
                    report = col.build(target, progress=progress)
            except (DeckError, CollectionError) as err:
                _fail(str(err))
            for w in report.warnings:
                _warn(w)
            warnings += len(report.warnings)
            reports.append(report)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in reports], indent=2))
    else:
        _build_table(reports, col.path)
    if strict and warnings:
        sys.exit(1)


def _build_table(reports, path: Path) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    columns = ("new", "updated", "edited", "moved", "retired", "restored", "unchanged")
    table = Table(title=Text(f"Built into {path}"), title_justify="left")
    table.add_column("deck")
    for c in (*columns, "cards", "seconds"):
        table.add_column(c, justify="right")
    for r in reports:
        table.add_row(
            Text(r.deck), *(str(getattr(r, c)) for c in columns), str(r.cards), f"{r.seconds:.2f}"
        )
    Console().print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per deck.")
@click.pass_context
def decks(ctx: click.Context, as_json: bool) -> None:
    """The decks in the collection: cards, new, due today, retired."""
    with _open_collection(ctx, must_exist=True) as col:
        summaries = col.decks()
    if as_json:
        click.echo(json.dumps([d.to_json() for d in summaries], indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if not summaries:
        click.echo("No decks yet; run `flashcards build`.")
        return
    table = Table()
    table.add_column("deck")
    for c in ("cards", "new", "due today", "left today", "retired", "suspended"):
        table.add_column(c, justify="right")
    for d in summaries:
        table.add_row(
            Text(d.name),
            str(d.cards),
            str(d.new),
            str(d.due),
            str(d.left.total),
            str(d.retired),
            str(d.suspended),
        )
    Console().print(table)


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per card.")
@click.option("--strict", is_flag=True, help="Exit 1 when any notes file could not be read.")
@click.option("--retired", is_flag=True, help="Include retired cards (collection only).")
@click.pass_context
def cards(
    ctx: click.Context, targets: tuple[str, ...], as_json: bool, strict: bool, retired: bool
) -> None:
    """The cards of DECKs in the collection, or a preview of notes PATHs.

    A target that is an existing file or folder is previewed straight from
    the notes without touching the collection; otherwise it names a deck.
    With no target: every deck in the collection.
    """
    from flashcards.collection import CollectionError

    paths = tuple(t for t in targets if Path(t).exists())
    names = tuple(t for t in targets if not Path(t).exists())
    if paths and names:
        _fail(
            f"{names[0]}: neither a notes path nor — when mixed with paths — a deck; list decks or paths"
        )
    if paths:
        found, problems = preview_cards(paths, strict)
        rows = [c.to_json() for c in found]
    else:
        rows = []
        problems = 0
        with _open_collection(ctx, must_exist=True) as col:
            try:
                for name in names or (None,):
                    rows.extend(
                        c.to_json()
                        for c in col.cards(name, include_retired=retired)
                        if retired or c.status != "retired"
                    )
            except CollectionError as err:
                _fail(str(err))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _card_table(rows)
    if strict and problems:
        sys.exit(1)


@main.command()
@click.option("--repair", is_flag=True, help="Rebuild derived card state from the review log.")
@click.pass_context
def doctor(ctx: click.Context, repair: bool) -> None:
    """Check the collection: schema, links, card state against the review log."""
    from flashcards.store import SCHEMA_VERSION

    with _open_collection(ctx, must_exist=True) as col:
        problems = col.doctor(repair=repair)
        click.echo(
            f"{col.path}: schema version {SCHEMA_VERSION}, {col.store.review_count()} reviews"
        )
        if not problems:
            click.echo("ok: no problems found")
            return
        for p in problems:
            click.echo(f"problem: {p}")
        if repair:
            left = col.doctor(repair=False)
            if not left:
                click.echo("repaired: card state rebuilt from the reviews")
                return
            for p in left:
                click.echo(f"still wrong: {p}")
    sys.exit(1)
