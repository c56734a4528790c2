"""Exporting decks: the format registry, the data every format reads, atomic writes.

```python
from flashcards import Collection
from flashcards.export import export
with Collection.open(path) as col:
    result = export(col, ["My deck"], "apkg", "my-deck.apkg")
```
One module per format (`apkg`, `tsv`, `md`, `jsonfmt`, `reviews_csv`), each with
`write(job, path) -> int`; `render` turns card text into Anki's HTML for the
two Anki formats. Their SQL is in `flashcards/store/export.py`. A file is
written next to its target under a temporary name and renamed over it, so a
reader never sees half an export and a failed export leaves no file behind.

Temporary files are named `.NAME.flashcards-export-PID-RANDOM.part` (the apkg
writer's scratch database `….anki2`): the name says whose they are, so an export
into a folder removes the ones a killed export left there (their process is gone),
and nothing else. SIGTERM and SIGHUP during the write raise `ExportInterrupted`,
which removes the partial files on its way out. A full disk, or any other failed
write, is an `ExportError` that says so and names the file.

Cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
`@`, a tab or a carriage return) are defused by `spreadsheet_cell`, for the tsv
and reviews-csv writers.
"""

from __future__ import annotations

import errno
import importlib
import json
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, TypeVar

from flashcards.store import export as queries

if TYPE_CHECKING:
    from flashcards.collection import Collection

Progress = Callable[[int, int], None]


class ExportError(Exception):
    """An export a user asked for that cannot be made; nothing was written."""


class ExportInterrupted(SystemExit):
    """SIGTERM or SIGHUP arrived while an export was being written.

    The partial files are removed as it propagates. A SystemExit, like the signal's
    own default action: a script that does not catch it ends with its one-line
    message and status 1, no traceback; `except Exception` does not swallow it.
    """

    def __init__(self, target: Path | str, signum: int) -> None:
        self.signum = signum
        name = signal.Signals(signum).name
        super().__init__(f"{target}: the export was stopped by {name}; nothing was written")


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


@dataclass(slots=True)
class ExportCard:
    """One card as the Anki and Markdown exporters see it: its content and status.

    What those formats write and nothing more (the json and reviews-csv formats read
    state and reviews with their own queries): a 50,000-card export builds 50,000 of
    these, positionally, in the order of the query's columns (`CARD_EXPORT_COLUMNS`),
    and every column costs. Cards with the same context or tags share one list
    (`load_decks` parses each text once): read them, never change them.
    """

    id: int
    guid: str
    deck: str
    block_hash: str
    kind: str
    source: str
    line: int
    position: int
    text: str
    front: str
    back: str
    cloze: str
    status: str  # active, retired, suspended, buried
    updated_at: str
    context: list[str]
    tags: list[str]


@dataclass
class ExportDeck:
    id: int
    name: str
    description: str
    settings: dict[str, object]
    spec_path: str | None
    notes: list[str]
    built_at: str | None
    cards: list[ExportCard] = field(default_factory=list)
    _shown: dict[str, str] = field(default_factory=dict, repr=False)  # short_source's cache

    def short_source(self, source: str) -> str:
        """A card's file as a reader of the export should see it: relative to the deck's
        notes folder (or the file's own name), not the exporting machine's home folder."""
        shown = self._shown.get(source)
        if shown is None:
            path = PurePath(source)
            shown = path.name
            for root in self.notes:
                base = PurePath(root)
                if path != base and path.is_relative_to(base):
                    shown = str(path.relative_to(base.parent))
                    break
            self._shown[source] = shown
        return shown


@dataclass
class ExportJob:
    """What a format writer gets: the decks (with their cards when its Format reads
    cards), the clock, the reviews, and where to report progress."""

    collection: Collection
    decks: list[ExportDeck]
    now: datetime
    progress: Progress | None = None
    include_retired: bool = False
    target: Path | None = None  # the file being made (a writer writes to a temporary one)

    @property
    def deck_ids(self) -> list[int]:
        return [d.id for d in self.decks]

    @property
    def cards(self) -> Iterator[ExportCard]:
        for deck in self.decks:
            yield from deck.cards

    @property
    def card_count(self) -> int:
        return sum(len(d.cards) for d in self.decks)

    def reviews(self) -> Iterator[tuple]:
        """Every review of the decks' cards, by card then time (`REVIEW_COLUMNS`)."""
        return queries.review_rows(self.collection.store, self.deck_ids)

    def review_count(self) -> int:
        return queries.review_count(self.collection.store, self.deck_ids)

    def tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


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


def check_target(path: str | Path, force: bool = False) -> Path:
    """The output path, or ExportError saying why it cannot be written."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; pass a file name, e.g. {target / 'deck.apkg'}")
    parent = target.parent
    if not parent.is_dir():
        raise ExportError(
            f"{target}: folder {parent} does not exist; create it first or choose another path"
        )
    if target.exists() and not force:
        raise ExportError(f"{target}: already exists; pass --force to overwrite it")
    return target


# -- temporary files ------------------------------------------------------------------

TEMP_TAG = "flashcards-export"
# `.deck.apkg.flashcards-export-4242-k3j2h1g0.part`; the apkg's scratch database ends
# `.anki2` (and SQLite would name its journal `….anki2-journal`)
_TEMP_NAME = re.compile(
    rf"\..+\.{TEMP_TAG}-([1-9][0-9]{{0,9}})-[a-z0-9_]+\.(?:part|anki2)(?:-journal)?", re.DOTALL
)
_SHOWN_NAME_BYTES = 100  # of the target's name in a temporary name (names are ≤ 255 bytes)


def temp_file(folder: Path, name: str, suffix: str) -> Path:
    """A new empty file in `folder`, named as ours for target `name`:
    `.NAME.flashcards-export-PID-RANDOM{suffix}`."""
    shown = name.encode()[:_SHOWN_NAME_BYTES].decode(errors="ignore")
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix=f".{shown}.{TEMP_TAG}-{os.getpid()}-", suffix=suffix
    )
    os.close(fd)
    return Path(tmp)


def temp_owner(name: str) -> int | None:
    """The pid in a temporary file name of ours; None for any other name."""
    if TEMP_TAG not in name:
        return None
    m = _TEMP_NAME.fullmatch(name)
    return int(m.group(1)) if m else None


def _process_gone(pid: int) -> bool:
    """True only when no process `pid` exists: this one, or another user's, is alive."""
    if os.name == "nt" or pid == os.getpid():
        return False  # (on Windows os.kill(pid, 0) would terminate that process)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):
        return False  # alive but not ours (EPERM), or cannot tell: keep the file
    return False


def sweep_stale(folder: Path) -> list[Path]:
    """Remove the temporary files a killed export left in `folder`: regular files of
    our naming whose process is gone. Anything else is left alone; returns what went."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = temp_owner(entry.name)
        if pid is None or not _process_gone(pid):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # another export swept it first, or the folder is read-only
    return removed


def write_failure(target: Path | str, exc: OSError) -> ExportError:
    """The ExportError for a write to `target` that failed with `exc`."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            f"{target}: the disk is full; nothing was written — free some space and try again"
        )
    reason = exc.strerror or str(exc) or type(exc).__name__
    return ExportError(
        f"{target}: cannot write the export ({reason}); nothing was written — "
        "check the folder and its disk, or choose another path"
    )


# -- signals --------------------------------------------------------------------------

_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class _StopSignals:
    """SIGTERM and SIGHUP, while an export writes: armed, they raise ExportInterrupted
    (so the cleanup runs); installed but not armed, they wait (see `restore`).

    Only signals left at their default action are taken: one that is ignored (nohup)
    or handled by the program calling us stays as it was. Only the main thread can
    install handlers; elsewhere this does nothing.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.armed = False
        self.pending: int | None = None
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in _STOP_SIGNALS:
            try:
                if signal.getsignal(sig) == signal.SIG_DFL:
                    self.previous[sig] = signal.signal(sig, self._handle)
            except (ValueError, OSError):
                pass

    def _handle(self, signum: int, frame: object) -> None:
        if self.armed:
            self.armed = False  # one exception; a second signal while unwinding waits
            raise ExportInterrupted(self.target, signum)
        if self.pending is None:
            self.pending = signum

    def arm(self) -> None:
        """From now on a signal raises; one that came while disarmed raises at once."""
        if self.pending is not None:
            signum, self.pending = self.pending, None
            raise ExportInterrupted(self.target, signum)
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def restore(self, redeliver: bool) -> None:
        """The previous handlers back; a signal that waited is delivered to them now
        (unless `redeliver` is False: the export was interrupted already)."""
        self.armed = False
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self.previous.clear()
        if redeliver and self.pending is not None:
            signal.raise_signal(self.pending)


@contextmanager
def atomic_path(path: str | Path, force: bool = False) -> Iterator[Path]:
    """A temporary file next to `path`, renamed over it when the block succeeds.

    The temporary file lives in the target's folder so the final `os.replace`
    is a rename on one file system (atomic); on any error, and on SIGTERM or
    SIGHUP (ExportInterrupted), it is removed and `path` is left as it was.
    Temporary files that killed exports left in the folder are removed first.
    """
    target = check_target(path, force)
    sweep_stale(target.parent)
    stop = _StopSignals(target)
    stop.install()  # before the file exists, so that no signal can leave it behind
    try:
        tmp = temp_file(target.parent, target.name, ".part")
    except BaseException as exc:
        stop.restore(redeliver=True)
        if not isinstance(exc, OSError):
            raise
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise write_failure(target, exc) from None
        raise ExportError(
            f"{target}: cannot write in {target.parent} ({exc.strerror}); choose another folder"
        ) from None
    interrupted = False
    try:
        stop.arm()
        yield tmp
        stop.disarm()  # a signal from here on waits for the rename
        if target.exists() and not force:  # appeared while we were writing
            raise ExportError(f"{target}: already exists; pass --force to overwrite it")
        with suppress(OSError):
            # mkstemp makes the file private; an export gets the usual permissions
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        stop.disarm()
        interrupted = isinstance(exc, ExportInterrupted)
        with suppress(OSError):
            tmp.unlink()
        raise
    finally:
        stop.restore(redeliver=not interrupted)


# -- spreadsheet cells ----------------------------------------------------------------

_Cell = TypeVar("_Cell")
_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def spreadsheet_cell(value: _Cell, html: bool = False) -> _Cell:
    """A cell that a spreadsheet cannot read as a formula (OWASP, "CSV Injection").

    Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
    `'`, or, in an HTML field (`html=True`), has that first character written as a
    character reference (`=` → `&#61;`), which Anki shows as the same character.
    Numbers, and text that is a number (`-5`, `1e3`), are left as they are.
    """
    if not isinstance(value, str) or not value or value[0] not in _FORMULA_START:
        return value
    if _NUMBER.fullmatch(value):
        return value
    if html:
        return f"&#{ord(value[0])};{value[1:]}"  # type: ignore[return-value]
    return "'" + value  # type: ignore[return-value]


def load_decks(
    col: Collection, names: Sequence[str] = (), include_retired: bool = False, cards: bool = True
) -> list[ExportDeck]:
    """The named decks (every deck when none is named), with their cards in outline
    order unless `cards` is False."""
    from flashcards.collection import CollectionError

    store = col.store
    if names:
        ids = []
        for name in dict.fromkeys(names):
            try:
                ids.append(col.deck_id(name))
            except CollectionError as err:
                raise ExportError(str(err)) from None
    else:
        ids = [int(r["id"]) for r in store.deck_rows()]
    if not ids:
        raise ExportError("the collection has no decks yet; run `flashcards build` first")
    decks = {
        row["name"]: ExportDeck(
            id=row["id"],
            name=row["name"],
            description=row["description"] or "",
            settings=json.loads(row["settings"] or "{}"),
            spec_path=row["spec_path"],
            notes=json.loads(row["notes"] or "[]"),
            built_at=row["built_at"],
        )
        for row in queries.deck_rows(store, ids)
    }
    ordered = list(decks.values())
    if names:
        by_id = {d.id: d for d in ordered}
        ordered = [by_id[i] for i in ids]
    if not cards:
        return ordered
    loads = json.loads
    lists: dict[str, list[str]] = {}  # context and tags text → its list, parsed once
    for row in queries.card_rows(store, ids, include_retired):
        context, tags = row[-2:]
        context_list = lists.get(context)
        if context_list is None:
            context_list = lists[context] = loads(context)
        tag_list = lists.get(tags)
        if tag_list is None:
            tag_list = lists[tags] = loads(tags)
        decks[row[2]].cards.append(ExportCard(*row[:-2], context_list, tag_list))
    for deck in ordered:
        # a deck's files in the order a build reads them (sorted paths), then outline order;
        # the query sorts by path text, which is usually the same order already
        sources = sorted({c.source for c in deck.cards})
        by_path = sorted(sources, key=PurePath)
        if by_path != sources:
            files = {s: i for i, s in enumerate(by_path)}
            deck.cards.sort(key=lambda c: (files[c.source], c.position))
    return ordered


def export(
    col: Collection,
    decks: Sequence[str],
    fmt: str,
    path: str | Path,
    *,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Export the named decks (all when none is named) to `path` in format `fmt`."""
    started = time.perf_counter()
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ExportError(f"unknown export format {fmt!r}; use one of {format_names()}")
    target = check_target(path, force).resolve()
    if target.parent == col.path.resolve().parent and target.name.startswith(col.path.name):
        raise ExportError(f"{path}: is the collection's own file; choose another path")
    include_retired = fmt in ("json", "reviews-csv")  # the history of retired cards is data too
    loaded = load_decks(col, decks, include_retired, cards=spec.cards)
    if spec.one_deck and len(loaded) > 1:
        raise ExportError(
            f"the {fmt} format holds one deck; name one of: {', '.join(d.name for d in loaded)}"
        )
    job = ExportJob(
        collection=col,
        decks=loaded,
        now=now or datetime.now(UTC),
        progress=progress,
        include_retired=include_retired,
        target=Path(path),
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
        else queries.card_count(col.store, job.deck_ids, include_retired),
        items=items,
        seconds=round(time.perf_counter() - started, 3),
    )
