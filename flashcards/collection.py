"""`Collection`: the façade the CLI, the app and scripts use — and the only way in.

```python
from flashcards import Collection
with Collection.open(path) as col:
    report = col.build("decks/my-deck.md")
    card = col.next_card()
    col.answer(card.id, 4)
```
Callers get plain records back (`flashcards.views`), never a database row, a
cursor, the store or the study engine. Every method that depends on the time
takes `now=`, so scripts and tests can travel in time; heavy parts (the notes
reader, YAML, the stats) are imported when first used.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from datetime import date, datetime, tzinfo
from pathlib import Path

import platformdirs

from flashcards import sm2
from flashcards.clock import DEFAULT_ROLLOVER_HOUR, DateOutOfRange
from flashcards.collection_browse import BrowseMethods
from flashcards.collection_decks import DeckMethods
from flashcards.collection_errors import CollectionError
from flashcards.collection_tools import ToolMethods
from flashcards.deck_settings import DeckSettings
from flashcards.read_ahead import ReadAhead, Stamp
from flashcards.store import SCHEMA_VERSION, CollectionBusy, Store, StoreError
from flashcards.store import cards as card_rows
from flashcards.store import queue as queue_rows
from flashcards.study import Study
from flashcards.study.buttons import ButtonFace
from flashcards.study.buttons import faces as button_faces
from flashcards.views import CardView, Counts, DeckSummary

# Commits (answers, mostly) between the checkpoints `Collection.idle` makes. Each answer
# commits ~10 WAL frames, so the WAL cycles at ~170 frames (~0.7 MB): the first 16 answers
# after an open grow it, the others rewrite it in place; restarting it costs one more
# sync, once every 16 answers. Without idle moments (scripts) SQLite's own checkpoint,
# every 4000 frames, still runs (`store.connection`).
IDLE_CHECKPOINT = 16

# Cards whose rows `Collection.idle` reads ahead: the queue's next few candidates (with
# the card on screen answered, the next card is one of them unless it comes back at once).
READ_AHEAD = 4

__all__ = ["CardView", "Collection", "CollectionError", "Counts", "DeckSummary", "default_path"]


def default_path() -> Path:
    """$FLASHCARDS_DB, else collection.sqlite in the user data folder."""
    env = os.environ.get("FLASHCARDS_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("flashcards", appauthor=False)) / "collection.sqlite"


def _view(row: card_rows.CardRow, today: str) -> CardView:
    """A card row as the shells see it; `today` (ISO) tells whether a bury still holds."""
    if row.retired:
        status = "retired"
    elif row.suspended:
        status = "suspended"
    elif row.buried_until and row.buried_until > today:
        status = "buried"
    else:
        status = "active"
    grades = _grades(row.deck_settings)
    return CardView(
        id=row.id,
        guid=row.guid,
        deck=row.deck,
        content_hash=row.content_hash,
        kind=row.kind,
        source=row.source,
        line=row.line,
        context=row.context,
        answers=row.answers,
        hint=row.hint,
        body=row.body,
        marks=row.marks,
        hidden=row.hidden,
        children=row.children,
        tags=row.tags,
        status=status,
        repetitions=row.repetitions,
        ef=row.ef / 1000,
        interval=row.interval,
        due=date.fromisoformat(row.due) if row.due else None,
        lapses=row.lapses,
        grades=grades,
        created_at=row.created_at,
        buried_until=row.buried_until,
        dialect=row.dialect,
    )


_SETTINGS: dict[str, dict] = {}  # a deck's settings JSON, parsed once per process


_GRADES: dict[str, int] = {}  # the grades of a deck's settings JSON, worked out once


def _grades(text: str) -> int:
    found = _GRADES.get(text)
    if found is None:  # every card shown asks: the deck's settings are read once
        found = _GRADES[text] = DeckSettings.from_json(_settings(text)).grades
    return found


def _settings(text: str) -> dict:
    found = _SETTINGS.get(text)
    if found is None:
        import json

        found = _SETTINGS[text] = json.loads(text or "{}")
    return found


class Collection(DeckMethods, BrowseMethods, ToolMethods):
    """One collection file: cards, reviews and today's queue (and, from
    `flashcards.collection_decks`, building and managing decks, and the deck list; from
    `flashcards.collection_browse`, the card browser and custom study; from
    `flashcards.collection_tools`, stats, export, import, sync, doctor and FSRS)."""

    def __init__(
        self, store: Store, tz: tzinfo | None = None, rollover_hour: int | None = None
    ) -> None:
        self._store = store
        if rollover_hour is None:
            rollover_hour = int(store.get_config("rollover_hour", str(DEFAULT_ROLLOVER_HOUR)) or 4)
        self.tz = tz
        self.rollover_hour = rollover_hour
        self._study = Study(store, tz, rollover_hour)
        # the card next_card handed out, so answering it need not read it again
        self._shown: tuple[int, CardView] | None = None
        # the rows of the cards likely next, read in idle moments; the last queue asked
        self._ahead = ReadAhead()
        self._studied: tuple[tuple[int, ...], datetime | None] | None = None
        self.backup_problem: str | None = None

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        timezone: str | tzinfo | None = None,
        rollover_hour: int | None = None,
        readonly: bool = False,
        allow_damaged: bool = False,
        backup: bool = True,
        busy_timeout_ms: int | None = None,
    ) -> Collection:
        """Open (creating if missing) a collection file; StoreError if it is not usable.

        `readonly` reads an existing collection without creating, converting or leaving
        any file; a collection this process cannot write opens read-only whatever was
        asked (`col.readonly`, `col.notice`). A damaged file is refused, unless
        `allow_damaged` (for `doctor`): then it is opened read-only. Opened for writing,
        a collection with reviews gets its daily backup (`backup=False` leaves that to
        the caller, as the app does off its UI thread). `busy_timeout_ms`: how long a
        write waits for another process's (default: 10 s, three times).
        """
        if isinstance(timezone, str):
            from zoneinfo import ZoneInfo  # a zone by name (tests, sync): ~2 ms of an app start

            tz: tzinfo | None = ZoneInfo(timezone)
        else:
            tz = timezone
        store = Store(
            Path(path) if path else default_path(),
            readonly=readonly,
            allow_damaged=allow_damaged,
            busy_timeout_ms=busy_timeout_ms,
        )
        col = cls(store, tz, rollover_hour)
        if backup and not store.readonly:
            col.backup_problem = col.daily_backup()
        return col

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def commits(self) -> int:
        """How many transactions this collection has committed since it was opened: a
        caller interrupted mid-call tells by it whether the call saved anything."""
        return self._store.commits

    def fold_own_answers(self) -> None:
        """A session that wrote folds the answers pending into the summaries before it
        reads them (`store/pending.py`): the plain summaries read quicker than their live
        views. Another session's, or a file that cannot be written, is read as it is."""
        store = self._store
        if store.commits and not store.closed:
            with suppress(StoreError):
                store.fold_pending()

    def close(self) -> None:
        """Close the file (folding this session's pending answers in first). Closing
        twice closes once."""
        self.fold_own_answers()
        self._store.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the file ------------------------------------------------------------------

    @property
    def readonly(self) -> bool:
        """Whether nothing can be saved (opened read-only, or the file cannot be written)."""
        return self._store.readonly

    @property
    def notice(self) -> str | None:
        """Why the collection is read-only, when it is; for the user."""
        return self._store.notice

    @property
    def damaged(self) -> bool:
        """Opened with `allow_damaged` and SQLite found damage."""
        return bool(self._store.damaged)

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    def daily_backup(self) -> str | None:
        """Today's backup, unless made already or the collection has no reviews yet; what
        went wrong, if anything (a backup that fails never stops the work)."""
        from flashcards.store import StoreError

        try:
            if queue_rows.has_reviews(self._store):
                self._store.daily_backup()
        except StoreError as err:
            return f"no backup could be made today: {err}"
        return None

    def idle(self) -> bool:
        """Work for the moments the user is reading a card (the app calls it then): once
        IDLE_CHECKPOINT commits have gone into the WAL since the last checkpoint, copy them
        into the file (`Store.checkpoint`). Then no answer pays for SQLite's automatic
        checkpoint, and the WAL, restarted from its start, is rewritten in place instead
        of growing (a growing file's new size is synced too, on every commit). True when
        it checkpointed; a collection busy with another process's checkpoint is left be.
        After it, the answers since the last are folded into the summaries behind the
        deck list and the stats (`store/pending.py`), which answers leave pending: the
        first write after a checkpoint restarts the WAL and syncs its new header once
        more, and it is the fold's, not the next answer's. Then it reads ahead the rows
        of the cards likely to come next (`_read_ahead`)."""
        store = self._store
        checkpointed = False
        if store.commits - store.checkpointed_at >= IDLE_CHECKPOINT:
            with suppress(CollectionBusy):
                checkpointed = store.checkpoint() is not None
            with suppress(StoreError):  # left pending, counted by readers: the next write retries
                store.fold_pending(after_checkpoint=True)
        # only a guess: the next card is read (and a failure to read it told) as always
        with suppress(sqlite3.Error):
            self._read_ahead()
        return checkpointed

    def backup(self) -> Path:
        """A backup now, into `backups/` beside the collection; its path."""
        return self._store.backup()

    def review_count(self) -> int:
        return queue_rows.review_count(self._store)

    def refresh(self) -> None:
        """Forget what was read: another connection (a build on a worker, another
        process) changed the collection. The queue is read again on next use."""
        self._shown = None
        self._study.invalidate()

    # -- time --------------------------------------------------------------------

    def today(self, now: datetime | None = None) -> date:
        """The study day of `now` (CollectionError for a moment outside the years 1971–9000)."""
        try:
            return self._study.day(now)
        except DateOutOfRange as err:
            raise CollectionError(str(err)) from None

    # -- cards -------------------------------------------------------------------

    def card(self, card_id: int, now: datetime | None = None) -> CardView:
        """The card with its state; `now` decides whether a bury still holds."""
        row = card_rows.card(self._store, card_id)
        if row is None:
            raise CollectionError(f"no card with id {card_id}")
        return _view(row, self.today(now).isoformat())

    def cards(
        self, deck: str | None = None, include_retired: bool = True, now: datetime | None = None
    ) -> list[CardView]:
        deck_id = self.deck_id(deck) if deck is not None else None
        today = self.today(now).isoformat()
        return [_view(r, today) for r in card_rows.cards(self._store, deck_id, include_retired)]

    # -- studying ----------------------------------------------------------------

    def next_card(self, deck: str | None = None, now: datetime | None = None) -> CardView | None:
        """The card to study now, or None when nothing is left today."""
        deck_ids = self._deck_ids(deck)
        card_id = self._study.next_card_id(deck_ids, now)
        self._studied = (deck_ids, now)
        if card_id is None:
            return None
        card = self._ahead.take(card_id, self._stamp(now)) or self.card(card_id, now)
        self._shown = (self._study.generation, card)
        return card

    def _stamp(self, now: datetime | None = None) -> Stamp:
        return (self._study.generation, self._store.changes, self.today(now).isoformat())

    def _read_ahead(self) -> None:
        """Read the rows of the cards the queue is likely to hand out after the one on
        screen (`flashcards.read_ahead`), so that the next answer does not wait for them."""
        if self._studied is None:
            return
        deck_ids, now = self._studied
        stamp = self._stamp(now)
        shown = self._shown[1].id if self._shown else None
        wanted = [
            card_id
            for card_id in self._study.upcoming(deck_ids, READ_AHEAD + 1, now)
            if card_id != shown and not self._ahead.has(card_id, stamp)
        ][:READ_AHEAD]
        if wanted:
            rows = card_rows.cards_by_id(self._store, wanted)
            self._ahead.fill({i: _view(row, stamp[2]) for i, row in rows.items()}, stamp)

    def counts(self, deck: str | None = None, now: datetime | None = None) -> Counts:
        """New, review and drill cards left in today's session."""
        return self._study.counts(self._deck_ids(deck), now)

    def next_states(self, card_id: int, now: datetime | None = None) -> sm2.Outcomes:
        """The state each answer key would lead to (keys 1–4, or 0–5 for six-grade decks),
        under the deck's scheduler; `.today` holds the keys after which the card comes
        back later today.

        For a card already answered today (a drill) `.drill` is set; under SM-2 every key
        then leaves the state as it is, under FSRS the answer is a learning step.
        """
        try:
            return self._study.next_states(card_id, now)
        except KeyError:
            raise CollectionError(f"no card with id {card_id}") from None

    def buttons(self, card_id: int, now: datetime | None = None) -> list[ButtonFace]:
        """What each answer button does to the card, as its label says it: whether the
        card comes back today, the interval it leaves, and where two buttons leave the same
        interval, the ease change (`flashcards.study.buttons`)."""
        outcomes = self.next_states(card_id, now)
        card = self.card(card_id, now)
        return button_faces(card.state, outcomes, self.today(now), card.grades)

    def answer(
        self, card_id: int, q: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> CardView:
        """Record an answer with SM-2 quality q (0–5), in one transaction: the review row is
        appended and the card's state moved together. Returns the card as it now is."""
        before = self._stamp(now)
        try:
            state = self._study.answer(card_id, q, now, duration_ms)
        except KeyError:
            raise CollectionError(f"no card with id {card_id}") from None
        except DateOutOfRange as err:
            raise CollectionError(str(err)) from None
        except ValueError as err:
            raise CollectionError(f"{err} (the SM-2 quality of the answer)") from None
        # the same moment, so the same study day: only the changes moved
        self._ahead.answered(
            card_id, before, (self._study.generation, self._store.changes, before[2])
        )
        shown = self._shown
        self._shown = None
        if shown is not None and shown[0] == self._study.generation:
            card = shown[1]
            # the card just shown, active then and now (answering changes no flag): only
            # its state moved, and that is known — no need to read it again
            if card.id == card_id and card.status == "active":
                # a shallow copy of the plain dataclass, as copy.copy makes it but without
                # its reduce protocol (~6x faster; dataclasses.replace is slower still)
                fresh = object.__new__(CardView)
                fresh.__dict__.update(card.__dict__)
                card = fresh
                card.repetitions = state.repetitions
                card.ef = state.ef / 1000
                card.interval = state.interval
                card.due = state.due
                card.lapses = state.lapses
                return card
        return self.card(card_id, now)

    def undo(self, now: datetime | None = None) -> CardView | None:
        """Take back the last answer (or suspend, bury) of this session; None when none is left."""
        self._shown = None
        card_id = self._study.undo()
        return None if card_id is None else self.card(card_id, now)

    @property
    def last_review_id(self) -> int | None:
        """The review row the last answer of this session wrote (a global name for it)."""
        return self._study.last_review_id

    @property
    def can_undo(self) -> bool:
        return self._study.can_undo

    def suspend(self, card_id: int, now: datetime | None = None) -> None:
        """Take a card out of every queue until it is unsuspended (undo takes it back)."""
        self._known(card_id)
        self._shown = None
        self._study.suspend(card_id, True, now)

    def unsuspend(self, card_id: int, now: datetime | None = None) -> None:
        self._known(card_id)
        self._shown = None
        self._study.suspend(card_id, False, now)

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide a card until the next study day (undo takes it back)."""
        self._known(card_id)
        self._shown = None
        self._study.bury(card_id, now)

    def _known(self, card_id: int) -> None:
        if not card_rows.exists(self._store, card_id):
            raise CollectionError(f"no card with id {card_id}")

    def next_due(self, deck: str | None = None) -> date | None:
        """The earliest due date of any scheduled card (for 'nothing due — next on ...')."""
        day = queue_rows.next_due_day(self._store, self._deck_ids(deck))
        return date.fromisoformat(day) if day else None

    def due_by(self, day: date, deck: str | None = None) -> int:
        """How many active cards are due for review on or before `day` ('due tomorrow')."""
        return queue_rows.due_count(self._store, day.isoformat(), self._deck_ids(deck))
