"""`Collection`: the façade the CLI, the app and scripts use.

```python
from flashcards import Collection
with Collection.open(path) as col:
    report = col.build("decks/my-deck.md")
    card = col.next_card()
    col.answer(card.id, 4)
```
Screens and commands get plain dataclasses back, never a database cursor.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import platformdirs

from flashcards import sm2
from flashcards.clock import DEFAULT_ROLLOVER_HOUR, DateOutOfRange
from flashcards.store import Store
from flashcards.study import Counts, Study, replay_row, state_from_row

if TYPE_CHECKING:
    # building pulls in the notes parser (markdown-it) and deck specs (YAML): ~100 ms
    # the study app's start does not need; `build` imports them when it runs
    from flashcards.build import BuildReport
    from flashcards.decks import DeckSpec


def default_path() -> Path:
    """$FLASHCARDS_DB, else collection.sqlite in the user data folder."""
    env = os.environ.get("FLASHCARDS_DB")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("flashcards", appauthor=False)) / "collection.sqlite"


class CollectionError(Exception):
    """Something a user asked for that the collection cannot do (unknown deck, card...)."""


@dataclass
class CardView:
    """A card with its state, as screens and scripts see it."""

    id: int
    guid: str
    deck: str
    content_hash: str
    kind: str
    source: str
    line: int
    context: list[str]
    answers: list[str]
    hint: str | None
    front: str
    back: str
    cloze: str
    tags: list[str]
    status: str  # active, retired, suspended, buried
    repetitions: int
    ef: float
    interval: int
    due: date | None
    lapses: int
    grades: int = 4
    created_at: str = ""
    buried_until: str | None = None

    @property
    def state(self) -> sm2.State:
        return sm2.State(
            self.repetitions, round(self.ef * 1000), self.interval, self.due, self.lapses
        )

    @property
    def leech(self) -> bool:
        return self.lapses >= sm2.LEECH_LAPSES

    @property
    def is_new(self) -> bool:
        return self.due is None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "guid": self.guid,
            "deck": self.deck,
            "content_hash": self.content_hash,
            "status": self.status,
            "kind": self.kind,
            "source": self.source,
            "line": self.line,
            "context": self.context,
            "answers": self.answers,
            "hint": self.hint,
            "front": self.front,
            "back": self.back,
            "tags": self.tags,
            "repetitions": self.repetitions,
            "ef": self.ef,
            "interval": self.interval,
            "due": self.due.isoformat() if self.due else None,
            "lapses": self.lapses,
            "leech": self.leech,
        }


@dataclass
class DeckSummary:
    id: int
    name: str
    cards: int
    new: int
    due: int
    retired: int
    suspended: int
    built_at: str | None
    studied_today: int = 0
    left: Counts = field(default_factory=Counts)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "cards": self.cards,
            "new": self.new,
            "due": self.due,
            "retired": self.retired,
            "suspended": self.suspended,
            "studied_today": self.studied_today,
            "left_today": {
                "new": self.left.new,
                "review": self.left.review,
                "drill": self.left.drill,
            },
            "built_at": self.built_at,
        }


def _view(row, today: str) -> CardView:
    """A card row joined with its state and deck; `today` (ISO) tells whether a bury still holds."""
    state = state_from_row(
        (row["repetitions"], row["ef"], row["interval"], row["due"], row["lapses"])
    )
    if row["retired"]:
        status = "retired"
    elif row["suspended"]:
        status = "suspended"
    elif row["buried_until"] and row["buried_until"] > today:
        status = "buried"
    else:
        status = "active"
    settings = json.loads(row["deck_settings"] or "{}")
    return CardView(
        id=row["id"],
        guid=row["guid"],
        deck=row["deck"],
        content_hash=row["content_hash"],
        kind=row["kind"],
        source=row["source"],
        line=row["line"],
        context=json.loads(row["context"]),
        answers=json.loads(row["answers"]),
        hint=row["hint"],
        front=row["front"],
        back=row["back"],
        cloze=row["cloze"],
        tags=json.loads(row["tags"]),
        status=status,
        repetitions=state.repetitions,
        ef=state.ef / 1000,
        interval=state.interval,
        due=state.due,
        lapses=state.lapses,
        grades=int(settings.get("grades", 4)),
        created_at=row["created_at"],
        buried_until=row["buried_until"],
    )


class Collection:
    """One collection file: decks, cards, reviews and today's queue."""

    def __init__(
        self, store: Store, tz: tzinfo | None = None, rollover_hour: int | None = None
    ) -> None:
        self.store = store
        if rollover_hour is None:
            rollover_hour = int(store.get_config("rollover_hour", str(DEFAULT_ROLLOVER_HOUR)) or 4)
        self.tz = tz
        self.rollover_hour = rollover_hour
        self.study = Study(store, tz, rollover_hour)
        # the card next_card handed out, so answering it need not read it again
        self._shown: tuple[int, CardView] | None = None
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
        tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
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

    def daily_backup(self) -> str | None:
        """Today's backup, unless made already or the collection has no reviews yet; what
        went wrong, if anything (a backup that fails never stops the work)."""
        from flashcards.store import StoreError

        try:
            if self.store.review_count_above(0):
                self.store.daily_backup()
        except StoreError as err:
            return f"no backup could be made today: {err}"
        return None

    @property
    def readonly(self) -> bool:
        """Whether nothing can be saved (opened read-only, or the file cannot be written)."""
        return self.store.readonly

    @property
    def notice(self) -> str | None:
        """Why the collection is read-only, when it is; for the user."""
        return self.store.notice

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time --------------------------------------------------------------------

    def today(self, now: datetime | None = None) -> date:
        """The study day of `now` (CollectionError for a moment outside the years 1971–9000)."""
        try:
            return self.study.day(now)
        except DateOutOfRange as err:
            raise CollectionError(str(err)) from None

    # -- building ----------------------------------------------------------------

    def build(
        self,
        spec_or_notes: str | Path | DeckSpec,
        progress: Callable[[int, int], None] | None = None,
    ) -> BuildReport:
        """Build one deck from a spec, or from a notes file or folder (a deck named after it)."""
        from flashcards.build import build_deck
        from flashcards.decks import DeckSpec, is_deck_spec, load_deck, unreadable_file

        if isinstance(spec_or_notes, DeckSpec):
            spec = spec_or_notes
        elif (why := unreadable_file(spec_or_notes)) is not None:
            # not a spec we could tell, and not a notes file to build an empty deck from
            raise CollectionError(f"{spec_or_notes}: {why}; check its permissions")
        elif is_deck_spec(spec_or_notes):
            spec = load_deck(spec_or_notes)
        else:
            path = Path(spec_or_notes)
            if not path.exists():
                raise CollectionError(
                    f"{path}: no such file or folder; pass a deck spec, notes file or folder"
                )
            spec = DeckSpec.for_notes(path)
        report = build_deck(self.store, spec, progress)
        self.study.invalidate()
        return report

    # -- decks -------------------------------------------------------------------

    def deck_id(self, name: str) -> int:
        row = self.store.deck_by_name(name)
        if row is None:
            known = (
                ", ".join(r["name"] for r in self.store.deck_rows())
                or "none yet — run `flashcards build`"
            )
            raise CollectionError(f"no deck named {name!r} (decks: {known})")
        return int(row["id"])

    def _deck_ids(self, deck: str | None) -> tuple[int, ...]:
        if deck is None:
            return self.study.all_decks()
        return (self.deck_id(deck),)

    def decks(self, now: datetime | None = None) -> list[DeckSummary]:
        day = self.today(now).isoformat()
        studied = {}
        for card_id, deck_id, *_ in self.store.reviews_on(day):
            studied.setdefault(deck_id, set()).add(card_id)
        out = []
        for row in self.store.deck_counts(day):
            out.append(
                DeckSummary(
                    id=row["id"],
                    name=row["name"],
                    cards=int(row["active"] or 0),
                    new=int(row["new"] or 0),
                    due=int(row["due"] or 0),
                    retired=int(row["retired"] or 0),
                    suspended=int(row["suspended"] or 0),
                    built_at=row["built_at"],
                    studied_today=len(studied.get(row["id"], ())),
                    left=self.study.counts((row["id"],), now),
                )
            )
        return out

    def deck_info(self, name: str) -> dict[str, object]:
        row = self.store.deck_by_name(name)
        if row is None:
            self.deck_id(name)
        return {
            "name": row["name"],
            "spec_path": row["spec_path"],
            "notes": json.loads(row["notes"]),
            "description": row["description"],
            "settings": json.loads(row["settings"]),
            "built_at": row["built_at"],
        }

    # -- cards -------------------------------------------------------------------

    def card(self, card_id: int, now: datetime | None = None) -> CardView:
        """The card with its state; `now` decides whether a bury still holds."""
        row = self.store.card_with_state(card_id)
        if row is None:
            raise CollectionError(f"no card with id {card_id}")
        return _view(row, self.today(now).isoformat())

    def cards(
        self, deck: str | None = None, include_retired: bool = True, now: datetime | None = None
    ) -> list[CardView]:
        deck_id = self.deck_id(deck) if deck is not None else None
        today = self.today(now).isoformat()
        return [_view(r, today) for r in self.store.cards_with_state(deck_id, include_retired)]

    # -- studying ----------------------------------------------------------------

    def next_card(self, deck: str | None = None, now: datetime | None = None) -> CardView | None:
        """The card to study now, or None when nothing is left today."""
        card_id = self.study.next_card_id(self._deck_ids(deck), now)
        if card_id is None:
            return None
        card = self.card(card_id, now)
        self._shown = (self.study.generation, card)
        return card

    def counts(self, deck: str | None = None, now: datetime | None = None) -> Counts:
        """New, review and drill cards left in today's session."""
        return self.study.counts(self._deck_ids(deck), now)

    def next_states(self, card_id: int, now: datetime | None = None) -> dict[int, sm2.State]:
        """The state each answer key would lead to (keys 1–4, or 0–5 for six-grade decks).

        For a card already answered today (a drill) every key leaves the state as it is.
        """
        try:
            return self.study.next_states(card_id, now)
        except KeyError:
            raise CollectionError(f"no card with id {card_id}") from None

    def answer(
        self, card_id: int, q: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> CardView:
        """Record an answer with SM-2 quality q (0–5), in one transaction: the review row is
        appended and the card's state moved together. Returns the card as it now is."""
        try:
            state = self.study.answer(card_id, q, now, duration_ms)
        except KeyError:
            raise CollectionError(f"no card with id {card_id}") from None
        except DateOutOfRange as err:
            raise CollectionError(str(err)) from None
        except ValueError as err:
            raise CollectionError(f"{err} (the SM-2 quality of the answer)") from None
        shown = self._shown
        self._shown = None
        if shown is not None and shown[0] == self.study.generation:
            card = shown[1]
            # the card just shown, active then and now (answering changes no flag): only
            # its state moved, and that is known — no need to read it again
            if card.id == card_id and card.status == "active":
                card = copy(card)  # cheaper than dataclasses.replace on the hot path
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
        card_id = self.study.undo()
        return None if card_id is None else self.card(card_id, now)

    @property
    def can_undo(self) -> bool:
        return self.study.can_undo

    def suspend(self, card_id: int, now: datetime | None = None) -> None:
        """Take a card out of every queue until it is unsuspended (undo takes it back)."""
        self._known(card_id)
        self._shown = None
        self.study.suspend(card_id, True, now)

    def unsuspend(self, card_id: int, now: datetime | None = None) -> None:
        self._known(card_id)
        self._shown = None
        self.study.suspend(card_id, False, now)

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide a card until the next study day (undo takes it back)."""
        self._known(card_id)
        self._shown = None
        self.study.bury(card_id, now)

    def _known(self, card_id: int) -> None:
        if self.store.state_of(card_id) is None:
            raise CollectionError(f"no card with id {card_id}")

    def next_due(self, deck: str | None = None) -> date | None:
        """The earliest due date of any scheduled card (for 'nothing due — next on ...')."""
        day = self.store.next_due_day(self._deck_ids(deck))
        return date.fromisoformat(day) if day else None

    def due_by(self, day: date, deck: str | None = None) -> int:
        """How many active cards are due for review on or before `day` ('due tomorrow')."""
        return len(self.store.due_candidates(day.isoformat(), self._deck_ids(deck)))

    # -- stats -------------------------------------------------------------------

    def stats(self, deck: str | None = None, now: datetime | None = None) -> dict[str, object]:
        """Every progress figure (see `flashcards.stats.compute` for the keys)."""
        from flashcards.stats import compute

        deck_id = self.deck_id(deck) if deck is not None else None
        return compute(
            self.store,
            deck_id,
            self.today(now),
            self.tz,
            self.rollover_hour,
            now,
            study=self.study,  # "left today" matches this session's queue
        )

    # -- integrity ---------------------------------------------------------------

    def doctor(self, repair: bool = False) -> list[str]:
        """Problems found (each says what to do); with repair, derived rows are rebuilt.

        Checked: SQLite integrity, schema version, foreign keys and orphan rows, and
        every card's state against a replay of its reviews, the stats' review summaries
        against the review log. Repair rebuilds what is derived (card states, sources,
        review summaries) and never touches a review.
        """
        problems = self.store.integrity_problems()
        if problems and (self.store.damage() or self.store.missing_tables()):
            return problems  # the reviews cannot be replayed from a broken file
        wrong = self._states_off()
        if wrong:
            problems.append(
                f"{len(wrong)} card states differ from a replay of their reviews "
                f"(e.g. card {next(iter(wrong))}); run `flashcards doctor --repair`"
            )
        from flashcards.store.stats import rebuild_summaries, summary_problems

        summaries = summary_problems(self.store)  # the per-day tables behind the stats
        problems += summaries
        if repair and problems:
            with self.store.atomic():
                self.store.repair_rows()
                for cid, state in self._states_off().items():
                    self.store.write_state(cid, state)
                if summaries:
                    rebuild_summaries(self.store)
            self.study.invalidate()
        return problems

    def _states_off(self) -> dict[int, tuple]:
        """Cards whose stored state is not the replay of their reviews: {id: replayed}."""
        expected: dict[int, tuple] = {}
        current: list[tuple] = []
        current_id = None
        for card_id, q, day, kind, *_ in self.store.all_reviews():
            if card_id != current_id:
                if current_id is not None:
                    expected[current_id] = replay_row(current)
                current_id, current = card_id, []
            current.append((q, day, kind))
        if current_id is not None:
            expected[current_id] = replay_row(current)
        fresh = replay_row([])
        return {
            cid: expected.get(cid, fresh)
            for cid, state in self.store.all_states().items()
            if tuple(state) != expected.get(cid, fresh)
        }
