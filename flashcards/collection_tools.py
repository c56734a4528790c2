"""The collection's tools beyond studying: part of the `Collection` façade.

Stats, export, Anki import, sync, `doctor`, and FSRS training and evaluation.
`Collection` takes these methods in (it is the one class callers use); they live
here so the façade's module stays one job. Each imports its engine when first
called (start-up of the study app needs none of them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.collection_errors import CollectionError
from flashcards.views import Counts

if TYPE_CHECKING:
    from flashcards.evaluate import Evaluation
    from flashcards.export import ExportResult
    from flashcards.importing.job import ImportReport
    from flashcards.optimize import Optimized
    from flashcards.store import Store
    from flashcards.study import Study
    from flashcards.sync import SyncReport


class ToolMethods:
    """Stats, export, import, sync, doctor and FSRS (mixed into Collection)."""

    # Collection's own: its store, study engine, zone and day start, and the methods
    # used here (today, deck_id, deck_names, refresh)
    _store: Store
    _study: Study
    tz: tzinfo | None
    rollover_hour: int

    # -- stats, export, integrity ----------------------------------------------------

    def stats(self, deck: str | None = None, now: datetime | None = None) -> dict[str, object]:
        """Every progress figure (see `flashcards.stats.compute` for the keys)."""
        from flashcards.stats import compute

        self.fold_own_answers()  # type: ignore[attr-defined]

        deck_id = self.deck_id(deck) if deck is not None else None
        deck_ids = (deck_id,) if deck_id is not None else self._study.all_decks()
        # "left today" is this session's own queue
        left = self._study.counts(deck_ids, now) if deck_ids else Counts()
        return compute(
            self._store, deck_id, deck, self.today(now), self.tz, self.rollover_hour, left
        )

    def export(
        self,
        decks: list[str] | tuple[str, ...],
        fmt: str,
        path: str | Path,
        *,
        force: bool = False,
        now: datetime | None = None,
        progress: Callable[[int, int], None] | None = None,
        scheduling: bool = True,
    ) -> ExportResult:
        """Export the named decks (all when none is named) to `path` in format `fmt`
        (see `flashcards.export`); `scheduling`: an apkg carries states and reviews."""
        from flashcards.clock import zone_name
        from flashcards.export import run

        return run(
            self._store,
            decks,
            fmt,
            path,
            force=force,
            now=now,
            progress=progress,
            scheduling=scheduling,
            timezone=zone_name(self.tz),
            day_start=self.rollover_hour,
        )

    def import_package(
        self, path: str | Path, deck: str | None = None, to: str | Path | None = None
    ) -> ImportReport:
        """Import an Anki package's history (and its own notes, written to `to`): one
        transaction; PackageError says why nothing was imported (see
        `flashcards.importing`)."""
        from flashcards.importing.job import run_import

        report = run_import(
            self._store,
            Path(path),
            deck,
            Path(to).absolute() if to is not None else None,
            self.tz,
            self.rollover_hour,
        )
        self.refresh()
        return report

    def sync(self, folder: str | Path) -> SyncReport:
        """Write this device's new reviews to its journal in `folder` and merge every other
        device's (see `flashcards.sync`); CollectionError when the folder or a journal
        cannot be used (then nothing was changed)."""
        from flashcards.sync import SyncError, sync

        try:
            report = sync(self._store, folder)
        except SyncError as err:
            raise CollectionError(str(err)) from None
        if report.changed:
            self.refresh()
        return report

    @property
    def device_id(self) -> str:
        """This collection's name in sync journals, made once."""
        from flashcards.store.sync import device_id

        return device_id(self._store)

    def doctor(self, repair: bool = False) -> list[str]:
        """Problems found (each says what to do); with repair, derived rows are rebuilt
        (see `flashcards.doctor`). Never touches a review."""
        from flashcards.doctor import check

        problems = check(self._store, repair)
        if repair and problems:
            self.refresh()
        return problems

    # -- FSRS ------------------------------------------------------------------------

    def one_deck(self, deck: str | None) -> str:
        """The deck named, or the only one; CollectionError says which to name."""
        if deck is not None:
            self.deck_id(deck)
            return deck
        names = self.deck_names()
        if len(names) == 1:
            return names[0]
        known = ", ".join(names) or "none yet — run `flashcards build`"
        raise CollectionError(f"name a deck (decks: {known})")

    def optimize(
        self,
        deck: str | None = None,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Optimized:
        """Train FSRS parameters on a deck's reviews and store them (see
        `flashcards.optimize`); NotEnoughReviews says how many more are needed."""
        from flashcards.optimize import optimize

        found = optimize(self._store, self.one_deck(deck), dry_run, progress)
        if found.stored:
            self.refresh()
        return found

    def evaluate(self, deck: str | None = None) -> Evaluation:
        """SM-2, FSRS and FSRS trained, scored on the deck's own history (see
        `flashcards.evaluate`)."""
        from flashcards.evaluate import evaluate

        return evaluate(self._store, self.one_deck(deck))
