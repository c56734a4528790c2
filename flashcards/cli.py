"""The `flashcards` command line. Bare `flashcards` opens the study app.

Textual is imported only inside the command that opens the app, so `--help`,
`cards`, `build`, `stats` and `export` start without it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import click

from flashcards.cards import Card, extract_paths
from flashcards.decks import DeckError, default_deck_specs, is_deck_spec, load_deck
from flashcards.display import json_dumps
from flashcards.display import visible as _clean
from flashcards.notes.outline import NoteError

# Everything printed passes through _clean (or json_dumps): note text, deck and file
# names are data, and a control character in them must never drive the terminal.


def _warn(err: NoteError | str) -> None:
    click.echo(_clean(f"warning: {err}"), err=True)


def _fail(message: str, code: int = 1) -> None:
    click.echo(_clean(f"error: {message}"), err=True)
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
        if row.get("leech"):
            answer += f" (leech: {row['lapses']} lapses)"
        # Text(...) keeps note text literal: it is never read as console markup.
        table.add_row(
            Text(_clean(f"{_short(str(row['source']))}:{row['line']}")),
            Text(_clean(front)),
            Text(_clean(answer)),
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


def _open_collection(
    ctx: click.Context, readonly: bool = False, allow_damaged: bool = False, **options
):
    """The collection named by --db / $FLASHCARDS_DB / the default path.

    Reading commands pass `readonly`: they never create, convert or leave a file.
    A writing command on a file it cannot write stops here, saying so.
    """
    from flashcards.collection import Collection, default_path
    from flashcards.store import StoreError

    path = Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()
    try:
        col = Collection.open(path, readonly=readonly, allow_damaged=allow_damaged, **options)
    except StoreError as err:
        _fail(str(err))
    if col.readonly and not readonly and not allow_damaged:
        col.close()
        _fail(
            f"{path}: the collection is read-only ({col.notice or 'it cannot be written'}); "
            "nothing was changed — make it writable, or pass another file with --db"
        )
    if col.backup_problem:
        _warn(col.backup_problem)
    return col


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


class _Group(click.Group):
    """Turns a collection that fails mid-command (damaged, or held by a stuck writer)
    into a message saying what to do instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        import sqlite3

        from flashcards.clock import DateOutOfRange
        from flashcards.store import StoreError
        from flashcards.store.errors import explain

        try:
            return super().invoke(ctx)
        except sqlite3.Error as exc:
            # what SQLite's result code means: read-only, busy, disk full or damaged
            _fail(str(explain(exc, _db_shown(ctx))))
        except StoreError as err:
            _fail(str(err))
        except DateOutOfRange as err:
            _fail(str(err))


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
        _run_app(ctx, deck=None)


def _run_app(ctx: click.Context, deck: str | None, study: bool = False) -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _fail(
            "the study app needs a terminal (stdin and stdout are not one); run it in a "
            "terminal, or use `flashcards cards`, `stats` or `export` from scripts"
        )
    # Textual is imported here only, so every other command starts without it.
    from flashcards.collection import default_path
    from flashcards.tui.app import run_app

    path = Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()
    sys.exit(run_app(path, deck=deck, study=study))


@main.command()
@click.argument("deck", required=False)
@click.pass_context
def review(ctx: click.Context, deck: str | None) -> None:
    """Study DECK (all decks when none is named) in the app."""
    _run_app(ctx, deck=deck, study=True)


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
            for w in report.warnings[:_SHOWN_WARNINGS]:
                _warn(w)
            if len(report.warnings) > _SHOWN_WARNINGS:
                _warn(
                    f"… and {len(report.warnings) - _SHOWN_WARNINGS} more for {report.deck} "
                    "(all of them with --json)"
                )
            warnings += len(report.warnings)
            reports.append(report)
    if as_json:
        click.echo(json_dumps([r.to_json() for r in reports], indent=2))
    else:
        _build_report(reports, col.path)
    if strict and warnings:
        sys.exit(1)


_SHOWN_WARNINGS = 10  # per build; the rest are counted, so the report stays on one screen
_COUNTS = ("new", "updated", "edited", "moved", "restored", "unchanged")


def _build_report(reports, path: Path) -> None:
    """One line per deck, so many decks fit a screen and none needs 80+ columns (a table
    with a column per count did not). Counts that are 0 are left out; --json has them all."""
    from rich.console import Console
    from rich.text import Text

    console = Console()
    files = sum(r.files for r in reports)
    seconds = sum(r.seconds for r in reports)
    console.print(
        Text(
            _clean(
                f"Built into {path}: {len(reports)} deck{'' if len(reports) == 1 else 's'}, "
                f"{files} file{'' if files == 1 else 's'} ({sum(r.read for r in reports)} read) "
                f"in {seconds:.2f} s"
            )
        ),
        soft_wrap=True,  # a long path: let the terminal wrap it, no hard breaks
    )
    for r in reports:
        head = Text(_clean(r.deck), style="bold")
        head.append(f": {r.cards} card{'' if r.cards == 1 else 's'}")
        tail = Text(", ".join(f"{getattr(r, n)} {n}" for n in _COUNTS if getattr(r, n)))
        if r.retired:
            tail.append(f"{'; ' if tail else ''}{r.retired} retired", style="bold")
        if not tail:
            console.print(head)
        elif len(head) + 3 + len(tail) <= console.width:
            console.print(Text.assemble(head, " — ", tail))
        else:  # a long deck name: the counts go under it rather than wrap mid-count
            console.print(head)
            console.print(Text.assemble("  ", tail))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per deck.")
@click.pass_context
def decks(ctx: click.Context, as_json: bool) -> None:
    """The decks in the collection: cards, new, due today, retired."""
    with _open_collection(ctx, readonly=True) as col:
        summaries = col.decks()
    if as_json:
        click.echo(json_dumps([d.to_json() for d in summaries], indent=2))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if not summaries:
        click.echo("No decks yet; run `flashcards build`.")
        return
    from rich import box

    # two-line headers and no side borders leave the deck name room at 80 columns
    suspended = any(d.suspended for d in summaries)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("deck", overflow="fold")
    headers = ["cards", "new", "due\ntoday", "left\ntoday", "retired"]
    for c in headers + (["suspended"] if suspended else []):
        table.add_column(c, justify="right")
    for d in summaries:
        cells = [d.cards, d.new, d.due, d.left.total, d.retired]
        cells += [d.suspended] if suspended else []
        table.add_row(Text(_clean(d.name)), *(str(c) for c in cells))
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
    for name in names:
        if paths or "/" in name or name.lower().endswith(".md"):
            _fail(f"{name}: no such file or folder; check the path (or name a deck on its own)")
    if paths:
        found, problems = preview_cards(paths, strict)
        rows = (c.to_json() for c in found)  # made one at a time, as they are printed
    else:
        rows = []
        problems = 0
        with _open_collection(ctx, readonly=True) as col:
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
        _echo_array(rows)
    else:
        _card_table(list(rows))
    if strict and problems:
        sys.exit(1)


def _echo_array(rows: Iterable[dict[str, object]]) -> None:
    """A JSON array, as `json.dumps(list(rows), indent=2)` prints it, written an element
    at a time: the text of 100,000 cards never has to be in memory at once."""
    out = click.get_text_stream("stdout")
    first = True
    for row in rows:
        out.write(("[\n  " if first else ",\n  ") + json_dumps(row, indent=2).replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


@main.command()
@click.option("--repair", is_flag=True, help="Rebuild derived card state from the review log.")
@click.pass_context
def doctor(ctx: click.Context, repair: bool) -> None:
    """Check the collection: schema, links, card state against the review log."""
    from flashcards.store import SCHEMA_VERSION

    with _open_collection(ctx, readonly=not repair, allow_damaged=True) as col:
        if repair and col.readonly and not col.store.damaged:
            _fail(
                f"{col.path}: the collection is read-only ({col.notice}); `doctor` without "
                "--repair can still check it"
            )
        problems = col.doctor(repair=repair and not col.readonly)
        reviews = "?" if col.store.damaged else col.store.review_count()
        click.echo(_clean(f"{col.path}: schema version {SCHEMA_VERSION}, {reviews} reviews"))
        if not problems:
            click.echo("ok: no problems found")
            return
        for p in problems:
            click.echo(_clean(f"problem: {p}"))
        if repair:
            left = col.doctor(repair=False)
            if not left:
                click.echo("repaired: card state rebuilt from the reviews")
                return
            for p in left:
                click.echo(_clean(f"still wrong: {p}"))
    sys.exit(1)


@main.command()
@click.option("--list", "list_them", is_flag=True, help="List the backups instead of making one.")
@click.pass_context
def backup(ctx: click.Context, list_them: bool) -> None:
    """Back the collection up now (into `backups/` beside it), or list the backups.

    A backup is also made on the first open of each day; the newest of each of
    the last 7 days and of the 4 weeks before are kept.
    """
    from flashcards.collection import default_path
    from flashcards.store import StoreError
    from flashcards.store.backup import list_backups

    path = Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()
    if list_them:
        found = list_backups(path)
        if not found:
            click.echo(_clean(f"no backups of {path} yet; `flashcards backup` makes one"))
            return
        for b in found:
            why = f"  ({b.why})" if b.why else ""
            click.echo(_clean(f"{b.made:%Y-%m-%d %H:%M:%S}  {b.size / 1e6:8.1f} MB  {b.path}{why}"))
        return
    with _open_collection(ctx, readonly=True, backup=False) as col:
        try:
            made = col.store.backup()
        except StoreError as err:
            _fail(str(err))
    click.echo(_clean(f"Backed up {path} to {made}"))


@main.command()
@click.argument("backup_file", metavar="FILE")
@click.pass_context
def restore(ctx: click.Context, backup_file: str) -> None:
    """Put the backup FILE in place of the collection (a copy of it is kept first).

    FILE is a path, or a name that `flashcards backup --list` shows.
    """
    from flashcards.collection import default_path
    from flashcards.store import StoreError
    from flashcards.store.backup import backups_dir
    from flashcards.store.backup import restore as restore_backup

    path = Path(ctx.obj["db"]) if ctx.obj.get("db") else default_path()
    source = Path(backup_file)
    if not source.exists() and (backups_dir(path) / backup_file).exists():
        source = backups_dir(path) / backup_file
    if not source.is_file():
        _fail(f"{backup_file}: no such backup; `flashcards backup --list` shows them")
    try:
        kept = restore_backup(path, source)
    except StoreError as err:
        _fail(str(err))
    click.echo(_clean(f"Restored {path} from {source}"))
    if kept:
        click.echo(_clean(f"The collection as it was is kept at {kept}"))


@main.command("export")
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
@click.pass_context
def export_decks(
    ctx: click.Context, decks: tuple[str, ...], fmt: str | None, output: str, force: bool
) -> None:
    """Export DECKs (every deck when none is named) to PATH.

    \b
    Formats:
      apkg         Anki package: cloze and basic notes, one Anki deck per deck;
                   importing a newer export updates the notes
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

    name = fmt or guess_format(output)
    if name is None:
        _fail(
            f"{output}: cannot tell the format from the name; "
            f"pass --format (one of {', '.join(FORMATS)})",
            2,
        )
    if name not in FORMATS:
        _fail(f"unknown export format {name!r}; use one of {', '.join(FORMATS)}", 2)
    try:
        check_target(output, force)
    except ExportError as err:
        _fail(str(err))
    with _open_collection(ctx, readonly=True) as col:
        try:
            with _progress_bar(f"exporting {name}", True) as progress:
                result = export(col, decks, name, output, force=force, progress=progress)
        except ExportError as err:  # a full disk too: said plainly, the partial file removed
            _fail(str(err))
        except ExportInterrupted as err:  # SIGTERM / SIGHUP: partial files removed
            _fail(str(err), 128 + err.signum)  # the status a shell gives a killed command
    what = "reviews" if name == "reviews-csv" else "cards"
    count = result.items if name == "reviews-csv" else result.cards
    click.echo(
        _clean(
            f"Exported {count} {what} of {len(result.decks)} deck{'s' * (len(result.decks) != 1)} "
            f"to {result.path} ({name}, {result.seconds:.2f} s)"
        )
    )


# -- stats ---------------------------------------------------------------------------


@main.command()
@click.argument("deck", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as one JSON object.")
# for tests and for looking back: pretend it is this moment / this time zone
@click.option("--now", "now_text", hidden=True, help="An ISO date-time to compute the stats at.")
@click.option("--timezone", "zone", hidden=True, help="An IANA time zone, e.g. Europe/Berlin.")
@click.pass_context
def stats(
    ctx: click.Context, deck: str | None, as_json: bool, now_text: str | None, zone: str | None
) -> None:
    """Progress for DECK (all decks when none is named).

    Card counts, today, the streak, a year of reviews as a calendar, true
    retention, the 30-day forecast, answer buttons, intervals, ease and hours.
    `--json` prints the same figures (the README lists the keys).
    """
    from datetime import datetime

    from flashcards.collection import CollectionError

    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            _fail(f"--now {now_text!r}: not an ISO date-time like 2025-06-01T12:00:00+00:00", 2)
    if zone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            _fail(f"--timezone {zone!r}: no such time zone; use an IANA name like Europe/Berlin", 2)
    col = _open_collection(ctx, readonly=True, timezone=zone)
    with col:
        try:
            figures = col.stats(deck, now=now)
        except CollectionError as err:
            _fail(str(err))
    if as_json:
        click.echo(json_dumps(figures, indent=2))
        return
    from rich.console import Console

    console = Console()
    for part in stats_report(figures):
        console.print(part)


def stats_report(figures: dict) -> list[object]:
    """The `flashcards stats` report as rich renderables, 80 columns wide."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from flashcards import charts
    from flashcards import stats as st

    def heading(title: str, note: str = "") -> Text:
        text = Text("\n")
        text.append(title, style="bold")
        if note:
            text.append(f"  {note}", style="dim")
        return text

    def grid() -> Table:
        return Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1))

    def calendar_text(cal: charts.Calendar) -> Text:
        """Month names over week columns, Mon/Wed/Fri labels, and the legend."""
        text = Text(charts.month_line(cal) + "\n", style="dim")
        for weekday, row in enumerate(cal.cells):
            text.append(charts.weekday_label(weekday), style="dim")
            for glyph, level in charts.heat_cells(row):
                text.append(glyph, style=None if level is None else charts.HEAT_STYLES[level])
            text.rstrip()
            text.append("\n")
        text.append("    less ", style="dim")
        for level in range(5):
            text.append(charts.HEAT[level], style=charts.HEAT_STYLES[level])
        text.append(f" more   (busiest day: {_count(cal.maximum, 'answer')})", style="dim")
        return text

    def columns_text(values: list[int], height: int, labels: dict[int, str]) -> Text:
        """One bar per value, two characters apart, the largest value on the scale."""
        chart = charts.columns(values, height, labels, gap=1, scale_width=5, zero_on_scale=True)
        text = Text()
        for scale, bars in zip(chart.scale, chart.bars, strict=True):
            text.append(scale, style="dim")
            text.append(bars, style="green")
            text.append("\n")
        text.append(chart.axis, style="dim")
        return text

    parts: list[object] = []
    deck = figures["deck"]
    title = Text("Stats — ", style="bold")
    title.append(_clean(deck) if deck is not None else "all decks", style="bold")
    zone = figures["timezone"] or "this computer's time"
    title.append(
        f"   study day {figures['day']} ({zone}, days start {figures['rollover_hour']:02d}:00)",
        style="dim",
    )
    parts.append(title)

    today, streak, cards = figures["today"], figures["streak"], figures["cards"]
    left = today["left"]
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row(
        "Today",
        f"{_count(today['answers'], 'answer')} on {_count(today['cards'], 'card')} "
        f"({today['new']} new, {_count(today['drills'], 'drill')}) "
        f"in {charts.duration(today['time_ms'])}",
    )
    summary.add_row(
        "Left",
        f"{left['new']} new, {left['review']} review, {left['drill']} drill to study today",
    )
    summary.add_row(
        "Streak",
        f"{_days(streak['current'])} (longest {_days(streak['longest'])}); "
        f"{_count(streak['days_studied'], 'study day')}, "
        f"{_count(streak['answers'], 'answer')} in all",
    )
    parts.append(summary)

    parts.append(heading("Cards"))
    table = grid()
    columns = ("total", "new", "learning", "young", "mature", "suspended", "buried", "retired")
    for name in (*columns, "leeches"):
        table.add_column(name, justify="right")
    table.add_row(*(str(cards[name]) for name in (*columns, "leeches")))
    parts.append(table)

    history = figures["history"]
    answers = history["answers"]
    studied = sum(1 for n in answers if n)
    parts.append(
        heading(
            "Reviews, last 365 days",
            f"{_count(sum(answers), 'answer')} on {_count(studied, 'day')}, "
            f"{charts.duration(sum(history['time_ms']))}",
        )
    )
    parts.append(calendar_text(charts.calendar(history)))

    parts.append(heading("Time spent"))
    spent = Table.grid(padding=(0, 3))
    ms = history["time_ms"]
    cells = []
    for label, days in (("today", 1), ("7 days", 7), ("30 days", 30), ("365 days", 365)):
        cells.append(Text.assemble((label + " ", "dim"), charts.duration(sum(ms[-days:]))))
    per_day = sum(ms) // studied if studied else 0
    cells.append(Text.assemble(("per study day ", "dim"), charts.duration(per_day)))
    spent.add_row(*cells)
    parts.append(spent)

    due = figures["forecast"]["due"]
    parts.append(
        heading(
            "Forecast, cards due in the next 30 days",
            f"{sum(due)} in all; overdue cards count today",
        )
    )
    parts.append(columns_text(due, 6, {0: "today", 7: "+7", 14: "+14", 21: "+21", 28: "+28"}))

    parts.append(heading("True retention", "share of scheduled answers of seen cards with q >= 3"))
    table = grid()
    table.add_column("")
    for period in ("7", "30", "365"):
        table.add_column(f"{period} days", justify="right")
    for group in ("young", "mature", "all"):
        row = [group]
        for period in ("7", "30", "365"):
            cell = figures["retention"][period][group]
            row.append(
                f"{charts.percent(cell['rate'])} of {cell['reviews']}" if cell["reviews"] else "—"
            )
        table.add_row(*row)
    parts.append(table)

    parts.append(heading("Answer buttons, last 365 days"))
    table = grid()
    table.add_column("")
    for name in st.BUTTONS:
        table.add_column(name, justify="right")
    for group in ("new", "young", "mature", "drill"):
        counts = figures["buttons"][group]
        total = sum(counts)
        table.add_row(
            group,
            *(f"{n} ({n / total:.0%})" if total else "0" for n in counts),
        )
    parts.append(table)

    def histogram(title: str, rows: list[tuple[str, int]], style: str) -> Table:
        """One labelled bar per bucket, scaled to the largest."""
        table = grid()
        table.add_column(title)
        table.add_column("cards", justify="right")
        table.add_column("", width=14)
        top = max((n for _, n in rows), default=0)
        for label, n in rows:
            table.add_row(label, str(n), Text(charts.horizontal_bar(n, top, 14), style=style))
        return table

    def interval_label(lo: int, hi: int | None) -> str:
        return f"{lo}d" if lo == hi else f"{lo}-{hi}d" if hi else f"> {lo - 1}d"

    intervals = histogram(
        "interval",
        [(interval_label(b["from"], b["to"]), b["cards"]) for b in figures["intervals"]],
        "cyan",
    )
    ease = histogram("EF", [(f"{b['from']:.1f}", b["cards"]) for b in figures["ease"]], "magenta")
    side = Table.grid(padding=(0, 4))
    side.add_row(intervals, ease)
    parts.append(heading("Intervals and ease", "of scheduled cards"))
    parts.append(side)

    hours = [h["answers"] for h in figures["hours"]]
    parts.append(heading("Hour of day, last 365 days", "answers by local time"))
    parts.append(columns_text(hours, 4, {0: "0h", 6: "6h", 12: "12h", 18: "18h", 23: "23h"}))
    return [Group(*parts)]


def _days(n: int) -> str:
    return _count(n, "day")


def _count(n: int, word: str) -> str:
    from flashcards.charts import count

    return count(n, word)
