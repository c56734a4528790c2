"""The collection's decks: building them, finding them by name, renaming, retiring, listing.

Part of the `Collection` façade: `Collection` takes these methods in (it is the
one class callers use); they live here so the façade's module stays one job. A
deck is built from its spec, or from a notes file or folder alone; it is found
by its name (`deck_id`: a CollectionError naming the decks there are when none
has it); renaming and retiring are one transaction each and keep the deck's id,
cards and history; `decks` gives the deck list's figures for today.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.collection_errors import CollectionError
from flashcards.store import decks as deck_rows
from flashcards.store import queue as queue_rows
from flashcards.views import DeckSummary

if TYPE_CHECKING:
    # building pulls in the notes parser (markdown-it) and deck specs (YAML): ~100 ms
    # the study app's start does not need; `build` imports them when it runs
    from flashcards.build import BuildReport
    from flashcards.decks import DeckSpec
    from flashcards.store import Store
    from flashcards.study import Study


class DeckMethods:
    """Building, finding, renaming and retiring decks, and the deck list (mixed into
    Collection)."""

    # Collection's own: its store, study engine, and the methods used here (today,
    # refresh, fold_own_answers)
    _store: Store
    _study: Study

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
        report = build_deck(self._store, spec, progress)
        from flashcards.sync import apply_pending

        apply_pending(self._store)  # synced reviews waiting for cards this build made
        self.refresh()
        return report

    def deck_id(self, name: str) -> int:
        row = deck_rows.by_name(self._store, name)
        if row is None:
            known = ", ".join(self.deck_names()) or "none yet — run `flashcards build`"
            raise CollectionError(f"no deck named {name!r} (decks: {known})")
        return row.id

    def deck_names(self, retired: bool = False) -> list[str]:
        return [d.name for d in deck_rows.all_decks(self._store, retired)]

    def _deck_ids(self, deck: str | None) -> tuple[int, ...]:
        if deck is None:
            return self._study.all_decks()
        return (self.deck_id(deck),)

    def rename_deck(self, old: str, new: str) -> None:
        """Rename a deck, keeping its id, cards and history (one transaction). Its spec's
        `name:` should say the new name too, or the next build names it back. The name is
        kept as a spec's `name:` is (without the spaces around it); a blank one is refused."""
        new = new.strip()
        if not new:
            raise CollectionError("a deck needs a name: the new name is empty; nothing was changed")
        with self._store.atomic("renaming the deck"):
            deck_id = self.deck_id(old)
            other = deck_rows.by_name(self._store, new)
            if other is not None and other.id != deck_id:
                raise CollectionError(f"there is already a deck named {new!r}; choose another")
            deck_rows.rename(self._store, deck_id, new)
        self.refresh()

    def retire_deck(self, name: str, retired: bool = True) -> None:
        """Retire a deck (out of every queue and deck list; history kept) or restore it."""
        with self._store.atomic("retiring the deck" if retired else "restoring the deck"):
            deck_rows.set_retired(self._store, self.deck_id(name), retired)
        self.refresh()

    def decks(self, now: datetime | None = None, retired: bool = False) -> list[DeckSummary]:
        """The decks in use (with `retired`, the retired ones too) and today's figures (one
        queue over all decks counts every deck's; see `TodayQueue.deck_counts`)."""
        self.fold_own_answers()  # type: ignore[attr-defined]
        day = self.today(now).isoformat()
        studied: dict[int, set[int]] = {}
        for answer in queue_rows.answers_on(self._store, day):
            studied.setdefault(answer.deck_id, set()).add(answer.card_id)
        from flashcards.store import deck_list  # the deck list's own: not the review's

        rows = deck_list.counts(self._store, day, retired)
        ids = tuple(row.id for row in rows)
        left = self._study.deck_counts(ids, now) if ids else {}
        return [
            DeckSummary(
                id=row.id,
                name=row.name,
                cards=row.active,
                new=row.new,
                due=row.due,
                retired=row.retired,
                suspended=row.suspended,
                built_at=row.built_at,
                studied_today=len(studied.get(row.id, ())),
                left=left[row.id],
                retired_deck=row.retired_deck,
            )
            for row in rows
        ]

    def deck_info(self, name: str) -> dict[str, object]:
        row = deck_rows.by_name(self._store, name)
        if row is None:
            self.deck_id(name)  # raises, naming the decks there are
            raise AssertionError
        return {
            "name": row.name,
            "spec_path": row.spec_path,
            "notes": row.notes,
            "description": row.description,
            "settings": row.settings,
            "built_at": row.built_at,
        }
