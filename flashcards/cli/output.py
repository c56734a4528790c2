"""The CLI's output layer: every line, table and bar a command prints goes through here.

Note text, deck and file names are data, and a control character in them must
never drive the terminal: plain text passes through `visible` (imported as
`_clean`), JSON through `json_dumps`, and Rich gets `Text` objects, never
markup. This is the CLI's only module that draws with Rich (with the stats
report, `stats_report`); Rich is imported inside the functions that use it, so
`--help` and the JSON outputs start without it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from flashcards.display import json_dumps
from flashcards.display import visible as _clean

if TYPE_CHECKING:
    from flashcards.build import BuildReport
    from flashcards.collection import DeckSummary
    from flashcards.evaluate import Evaluation
    from flashcards.notes.outline import NoteError

_COUNTS = ("new", "updated", "edited", "moved", "restored", "unchanged", "rescheduled")


def warn(err: NoteError | str) -> None:
    """`warning: ...` on stderr."""
    click.echo(_clean(f"warning: {err}"), err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """`error: ...` on stderr, then exit with `code`."""
    click.echo(_clean(f"error: {message}"), err=True)
    sys.exit(code)


def echo(text: str) -> None:
    """One line on stdout."""
    click.echo(_clean(text))


def echo_json(value: object) -> None:
    """`value` as indented JSON on stdout."""
    click.echo(json_dumps(value, indent=2))


_CHUNK = 1 << 16  # characters of JSON held before they are written


def echo_json_array(rows: Iterable[dict[str, object]]) -> None:
    """A JSON array, as `json.dumps(list(rows), indent=2)` prints it, written an element
    at a time: the text of 100,000 cards never has to be in memory at once."""
    # through click.echo (its stream and its encoding fixes), ~64 KiB a call: echo
    # flushes every time, and a call per row would be a write per row
    chunk: list[str] = []
    size = 0
    first = True
    for row in rows:
        piece = ("[\n  " if first else ",\n  ") + json_dumps(row, indent=2).replace("\n", "\n  ")
        first = False
        chunk.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            click.echo("".join(chunk), nl=False)
            chunk, size = [], 0
    chunk.append("[]\n" if first else "\n]\n")
    click.echo("".join(chunk), nl=False)


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
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


def _short(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def card_table(rows: list[dict[str, object]]) -> None:
    """Cards (as their `to_json()` dicts) as a where / front / answer table, then the count."""
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


def decks_table(summaries: Sequence[DeckSummary]) -> None:
    """The decks as a table: cards, new, due today, left today, retired (and suspended)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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
        name = _clean(d.name) + (" (retired)" if d.retired_deck else "")
        table.add_row(Text(name), *(str(c) for c in cells))
    Console().print(table)


def build_report(reports: Sequence[BuildReport], path: Path, targets: Sequence[str] = ()) -> None:
    """One line per deck, so many decks fit a screen and none needs 80+ columns (a table
    with a column per count did not). Counts that are 0 are left out; --json has them all.
    Under a deck: the dialects its files were read in, the deletions the junk rules
    skipped (and the command that lists them: `targets[i]` built `reports[i]`), the
    hidden folders left out."""
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
    for i, r in enumerate(reports):
        head = Text(_clean(r.deck), style="bold")
        head.append(f": {r.cards} card{'' if r.cards == 1 else 's'}")
        tail = Text(", ".join(f"{getattr(r, n)} {n}" for n in _COUNTS if getattr(r, n)))
        if r.retired:
            tail.append(f"{'; ' if tail else ''}{r.retired} retired", style="bold")
        if r.schedules:
            tail.append(f"{'; ' if tail else ''}{r.schedules} schedules imported from the notes")
        if not tail:
            console.print(head)
        elif len(head) + 3 + len(tail) <= console.width:
            console.print(Text.assemble(head, " — ", tail))
        else:  # a long deck name: the counts go under it rather than wrap mid-count
            console.print(head)
            console.print(Text.assemble("  ", tail))
        target = targets[i] if i < len(targets) else r.deck
        for line in deck_notes_lines(r, target):
            console.print(Text(_clean(line)), soft_wrap=True)


def deck_notes_lines(r: BuildReport, target: str) -> list[str]:
    """What a deck's build says about its notes besides the counts."""
    lines = []
    if set(r.dialects) - {"markdown"}:  # plain Markdown goes without saying (--json says it)
        read = ", ".join(f"{n} as {d}" for d, n in sorted(r.dialects.items()))
        lines.append(f"  files read: {read}")
    skipped = sum(r.skipped.values())
    if skipped:
        reasons = ", ".join(
            f"{reason} {n}" for reason, n in sorted(r.skipped.items(), key=lambda x: -x[1])
        )
        lines.append(
            f"  {skipped} deletion{'' if skipped == 1 else 's'} made no card ({reasons}); "
            f"see flashcards cards {_quoted(target)} --skipped"
        )
    if r.hidden:
        names = sorted({Path(h).name for h in r.hidden})
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        lines.append(
            f"  skipped {len(r.hidden)} hidden folder{'' if len(r.hidden) == 1 else 's'}: {shown}"
        )
    return lines


def _quoted(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def skipped_table(rows: list[dict[str, object]]) -> None:
    """Skipped deletions as a where / answer / reason table, then the count."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    table = Table(show_lines=False, expand=False, pad_edge=False)
    for column in ("where", "answer", "reason"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            Text(_clean(f"{_short(str(row['source']))}:{row['line']}")),
            Text(_clean(str(row["answer"]))),
            Text(_clean(str(row["reason"]))),
        )
    console.print(table)
    n = len(rows)
    console.print(Text(f"{n} deletion{'' if n == 1 else 's'} made no card"))


def print_renderables(parts: Iterable[object]) -> None:
    """Rich renderables (the stats report) on stdout, one after the other."""
    from rich.console import Console

    console = Console()
    for part in parts:
        console.print(part)


_SCHEDULER_NAMES = {"sm2": "SM-2", "fsrs": "FSRS (default)", "fsrs_trained": "FSRS (trained)"}


def evaluation_table(found: Evaluation) -> None:
    """`evaluate`'s scores, one row per scheduler, and its recommendation."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(f"{_clean(found.deck)}: {found.reviews} reviews scored"), title_justify="left"
    )
    table.add_column("scheduler")
    for name in ("log loss ↓", "RMSE(bins) ↓", "AUC ↑"):
        table.add_column(name, justify="right")
    for key, scores in found.schedulers.items():
        table.add_row(
            _SCHEDULER_NAMES.get(key, key),
            *(
                "—" if scores[m] is None else f"{scores[m]:.4f}"
                for m in ("log_loss", "rmse_bins", "auc")
            ),
        )
    console = Console()
    console.print(table)
    console.print(Text(found.recommendation()))
