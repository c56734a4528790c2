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
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs

from flashcards import sm2
from flashcards.build import BuildReport, build_deck
from flashcards.decks import DeckSpec, is_deck_spec, load_deck
from flashcards.store import Store
from flashcards.study import DEFAULT_ROLLOVER_HOUR, Counts, Study, replay_row, state_from_row


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


def _view(row) -> CardView:
    state = state_from_row(
        (row["repetitions"], row["ef"], row["interval"], row["due"], row["lapses"])
    )
    if row["retired"]:
        status = "retired"
    elif row["suspended"]:
        status = "suspended"
    elif row["buried_until"]:
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

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        timezone: str | tzinfo | None = None,
        rollover_hour: int | None = None,
    ) -> Collection:
        """Open (creating if missing) a collection file; StoreError if it is not usable."""
        tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        return cls(Store(Path(path) if path else default_path()), tz, rollover_hour)

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
        return self.study.day(now)

    # -- building ----------------------------------------------------------------

    def build(
        self,
        spec_or_notes: str | Path | DeckSpec,
        progress: Callable[[int, int], None] | None = None,
    ) -> BuildReport:
        """Build one deck from a spec, or from a notes file or folder (a deck named after it)."""
        if isinstance(spec_or_notes, DeckSpec):
            spec = spec_or_notes
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
            return tuple(int(r["id"]) for r in self.store.deck_rows())
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

    def card(self, card_id: int) -> CardView:
        row = self.store.card_with_state(card_id)
        if row is None:
            raise CollectionError(f"no card with id {card_id}")
        return _view(row)

    def cards(self, deck: str | None = None, include_retired: bool = True) -> list[CardView]:
        deck_id = self.deck_id(deck) if deck is not None else None
        return [_view(r) for r in self.store.cards_with_state(deck_id, include_retired)]

    # -- studying ----------------------------------------------------------------

    def next_card(self, deck: str | None = None, now: datetime | None = None) -> CardView | None:
        """The card to study now, or None when nothing is left today."""
        card_id = self.study.next_card_id(self._deck_ids(deck), now)
        return None if card_id is None else self.card(card_id)

    def counts(self, deck: str | None = None, now: datetime | None = None) -> Counts:
        """New, review and drill cards left in today's session."""
        return self.study.counts(self._deck_ids(deck), now)

    def next_states(self, card_id: int, now: datetime | None = None) -> dict[int, sm2.State]:
        """The state each answer key would lead to (keys 1–4, or 0–5 for six-grade decks)."""
        card = self.card(card_id)
        day = self.today(now)
        row = self.store.state_of(card_id)
        if row[5] == day.isoformat():  # a drill: the schedule does not move
            return {b.key: card.state for b in sm2.buttons(card.grades)}
        return sm2.next_states(card.state, day, card.grades)

    def answer(
        self, card_id: int, q: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> CardView:
        """Record an answer with SM-2 quality q (0–5), in one transaction."""
        try:
            self.study.answer(card_id, q, now, duration_ms)
        except KeyError:
            raise CollectionError(f"no card with id {card_id}") from None
        return self.card(card_id)

    def undo(self) -> CardView | None:
        """Take back the last answer (or suspend, bury) of this session."""
        card_id = self.study.undo()
        return None if card_id is None else self.card(card_id)

    @property
    def can_undo(self) -> bool:
        return self.study.can_undo

    def suspend(self, card_id: int) -> None:
        self._known(card_id)
        self.study.suspend(card_id, True)

    def unsuspend(self, card_id: int) -> None:
        self._known(card_id)
        self.study.suspend(card_id, False)

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide a card until tomorrow."""
        self._known(card_id)
        self.study.bury(card_id, now)

    def _known(self, card_id: int) -> None:
        if self.store.state_of(card_id) is None:
            raise CollectionError(f"no card with id {card_id}")

    def next_due(self, deck: str | None = None) -> date | None:
        """The earliest due date of any scheduled card (for 'nothing due — next on ...')."""
        day = self.store.next_due_day(self._deck_ids(deck))
        return date.fromisoformat(day) if day else None

    # -- stats -------------------------------------------------------------------

    def stats(self, deck: str | None = None, now: datetime | None = None) -> dict[str, object]:
        from flashcards.stats import compute

        deck_id = self.deck_id(deck) if deck is not None else None
        return compute(self.store, deck_id, self.today(now), self.tz, self.rollover_hour, now)

    # -- integrity ---------------------------------------------------------------

    def doctor(self, repair: bool = False) -> list[str]:
        """Problems found; with repair, derived state is rebuilt from the reviews."""
        problems = self.store.integrity_problems()
        states = self.store.all_states()
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
        wrong = [cid for cid, state in states.items() if tuple(state) != expected.get(cid, fresh)]
        if wrong:
            problems.append(
                f"{len(wrong)} card states differ from a replay of their reviews "
                f"(e.g. card {wrong[0]}); run `flashcards doctor --repair`"
            )
        if repair and (wrong or problems):
            with self.store.atomic():
                self.store.add_missing_states()
                for cid in wrong:
                    self.store.write_state(cid, expected.get(cid, fresh))
            self.study.invalidate()
        return problems
