"""Exporting decks: the format registry and the one entry point.

```python
from flashcards import Collection
from flashcards.export import export
with Collection.open(path) as col:
    result = export(col, ["My deck"], "apkg", "my-deck.apkg")
```
One module per format (`apkg`, `tsv`, `md`, `jsonfmt`, `reviews_csv`), each with
`write(job, path) -> int`; `job` holds what they read, `files` writes safely,
`render` turns card text into Anki's HTML for the two Anki formats. Their SQL is
in `flashcards/store/export.py`.

"""

from __future__ import annotations

import importlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from flashcards import gcpause
from flashcards.clock import DEFAULT_ROLLOVER_HOUR
from flashcards.export.files import (
    ExportError,
    ExportInterrupted,
    atomic_path,
    check_target,
    write_failure,
)
from flashcards.export.job import ExportJob, Progress, load_decks
from flashcards.store import export as queries

if TYPE_CHECKING:
    from flashcards.store import Store


class _Exporting(Protocol):
    """A collection (`flashcards.Collection`): what `export` needs of one."""

    def export(
        self,
        decks: list[str],
        fmt: str,
        path: str | Path,
        *,
        force: bool = ...,
        now: datetime | None = ...,
        progress: Progress | None = ...,
    ) -> ExportResult: ...


__all__ = ["FORMATS", "ExportError", "ExportInterrupted", "ExportResult", "export", "guess_format"]


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    module: str
    summary: str
    one_deck: bool = False  # the format holds exactly one deck
    cards: bool = True  # the writer reads ExportCards (else it queries what it needs)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("apkg", ".apkg", "flashcards.export.apkg", "Anki package (genanki)"),
        Format("tsv", ".tsv", "flashcards.export.tsv", "Anki text import (tab-separated)"),
        Format(
            "md", ".md", "flashcards.export.md", "outline Markdown that builds the same cards", True
        ),
        Format(
            "json",
            ".json",
            "flashcards.export.jsonfmt",
            "every card with its state and reviews",
            cards=False,
        ),
        Format(
            "reviews-csv",
            ".csv",
            "flashcards.export.reviews_csv",
            "review log for the FSRS optimizer",
            cards=False,
        ),
    )
}


def format_names() -> str:
    return ", ".join(FORMATS)


def guess_format(path: str | Path) -> str | None:
    """The format a file name asks for (`.apkg`, `.tsv`, `.md`, `.json`, `.csv`), if any."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if fmt.suffix == suffix:
            return fmt.name
    return None


@dataclass
class ExportResult:
    format: str
    path: Path
    decks: list[str]
    cards: int
    items: int  # what the format counts: notes, rows, cards or reviews
    seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "format": self.format,
            "path": str(self.path),
            "decks": self.decks,
            "cards": self.cards,
            "items": self.items,
            "seconds": self.seconds,
        }


def export(
    col: _Exporting,
    decks: Sequence[str],
    fmt: str,
    path: str | Path,
    *,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    scheduling: bool = True,
) -> ExportResult:
    """Export the named decks of `col` (all when none is named) to `path` in format `fmt`."""
    return col.export(
        list(decks), fmt, path, force=force, now=now, progress=progress, scheduling=scheduling
    )


def run(
    store: Store,
    decks: Sequence[str],
    fmt: str,
    path: str | Path,
    *,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
    scheduling: bool = True,
    timezone: str | None = None,
    day_start: int = DEFAULT_ROLLOVER_HOUR,
) -> ExportResult:
    """The export itself, on the collection's store (`Collection.export` calls it)."""
    started = time.perf_counter()
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ExportError(f"unknown export format {fmt!r}; use one of {format_names()}")
    target = check_target(path, force).resolve()
    own = store.path.resolve()
    if target.parent == own.parent and target.name.startswith(own.name):
        raise ExportError(f"{path}: is the collection's own file; choose another path")
    include_retired = fmt in ("json", "reviews-csv")  # the history of retired cards is data too
    # the cards, rows and fields of an export form no reference cycles and live to its end:
    # the collector would only rescan them again and again (at 50,000 cards: 7% of an apkg
    # export, 8% of a tsv, 16% of an md — measured with gc.callbacks)
    with gcpause.paused():
        loaded = load_decks(store, decks, include_retired, cards=spec.cards)
        if spec.one_deck and len(loaded) > 1:
            raise ExportError(
                f"the {fmt} format holds one deck; name one of: {', '.join(d.name for d in loaded)}"
            )
        job = ExportJob(
            store=store,
            collection_path=store.path,
            decks=loaded,
            now=now or datetime.now(UTC),
            progress=progress,
            include_retired=include_retired,
            target=Path(path),
            scheduling=scheduling,
            timezone=timezone,
            day_start=day_start,
        )
        writer = importlib.import_module(spec.module)
        try:
            with atomic_path(path, force) as tmp:
                items = writer.write(job, tmp)
        except OSError as exc:  # a full disk, a vanished folder... (the partial file is gone)
            raise write_failure(path, exc) from exc
        return ExportResult(
            format=fmt,
            path=Path(path),
            decks=[d.name for d in loaded],
            cards=job.card_count
            if spec.cards
            else queries.card_count(store, job.deck_ids, include_retired),
            items=items,
            seconds=round(time.perf_counter() - started, 3),
        )
