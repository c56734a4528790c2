"""The collection's card browser and custom study: part of the `Collection` façade.

`Collection` takes these methods in (it is the one class callers use); they live
here so the façade's module stays one job. Searching reads one page in SQL
(`flashcards.store.browse`); every change is one transaction and undoable in the
session, like an answer (`flashcards.study`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flashcards.collection_errors import CollectionError
from flashcards.store import custom as custom_rows

if TYPE_CHECKING:
    from flashcards.browse import Found, PastReview
    from flashcards.store import Store
    from flashcards.study import Study
    from flashcards.study.custom import CustomSession, CustomStudy
    from flashcards.views import CardView

FLAG_CHANGES = ("suspend", "unsuspend", "unbury")


class BrowseMethods:
    """Finding cards, changing their flags, and custom study (mixed into Collection)."""

    # Collection's own: its store, study engine, last card shown, and the methods
    # used here (today, card, answer, _deck_ids)
    _store: Store
    _study: Study
    _shown: object

    # -- the browser -------------------------------------------------------------

    def find(
        self,
        text: str = "",
        *,
        decks: tuple[str, ...] = (),
        states: tuple[str, ...] = (),
        sort: str = "card",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        now: datetime | None = None,
    ) -> Found:
        """A page of the cards a search matches (see `flashcards.browse`), and their count:
        `limit` cards at most (None: `flashcards.browse.PAGE`).

        Raises CollectionError for an unknown state or sort (the message says which)."""
        # the browser's modules load when it is first used: the study app starts without them
        from flashcards.browse import PAGE, Found, SearchError, parse_search
        from flashcards.store import browse as browse_rows

        limit = PAGE if limit is None else limit
        try:
            search = parse_search(
                text, states=states, decks=decks, sort=sort, descending=descending
            )
        except SearchError as err:
            raise CollectionError(str(err)) from None
        today = self.today(now).isoformat()
        cards = browse_rows.search(self._store, search, today, limit, offset)
        if offset == 0 and len(cards) < limit:
            total = len(cards)  # the whole result is on this page
        else:
            total = browse_rows.count(self._store, search, today)
        return Found(cards, total)

    def history(self, card_id: int) -> list[PastReview]:
        """A card's reviews, oldest first."""
        from flashcards.store import browse as browse_rows

        return browse_rows.history(self._store, card_id)

    def change_cards(self, card_ids: list[int], change: str, now: datetime | None = None) -> None:
        """Suspend, unsuspend or unbury cards in one transaction (one undo takes it back).
        An unknown id is a CollectionError naming it, and nothing is changed."""
        if change not in FLAG_CHANGES:
            raise CollectionError(f"unknown change {change!r}; use one of {FLAG_CHANGES}")
        self._shown = None
        missing = self._study.change_flags(
            list(card_ids),
            suspended={"suspend": True, "unsuspend": False}.get(change),
            unbury=change == "unbury",
            now=now,
        )
        if missing:
            which = ", ".join(str(i) for i in missing)
            raise CollectionError(
                f"no card with id {which}; nothing was changed "
                "(`flashcards cards --json` lists the ids)"
            )

    def unbury(self, card_id: int, now: datetime | None = None) -> None:
        """Bring a buried card back today (undo buries it again)."""
        self.change_cards([card_id], "unbury", now)

    # -- custom study --------------------------------------------------------------

    def custom_study(self, study: CustomStudy, now: datetime | None = None) -> CustomSession:
        """Start a custom study. `new` raises today's new-card limit (in one transaction,
        undoable) and returns an empty session: the ordinary queue serves the cards."""
        # custom study's classes load when one starts: the first card needs none of them
        from flashcards.study.custom import CustomSession

        deck_ids = self._deck_ids(study.deck)
        today = self.today(now)
        iso = today.isoformat()
        if study.kind == "new":
            self._study.add_new_today(deck_ids, study.new, now)
            ids: list[int] = []
        elif study.kind == "ahead":
            until = (today + timedelta(days=study.days)).isoformat()
            ids = custom_rows.ahead(self._store, deck_ids, iso, until)
        elif study.kind == "failed":
            ids = custom_rows.failed_on(self._store, deck_ids, iso)
        else:
            ids = custom_rows.cram(self._store, deck_ids, iso, study.tag)
        return CustomSession.of(study, ids)

    def answer_custom(
        self,
        session: CustomSession,
        card_id: int,
        q: int,
        now: datetime | None = None,
        duration_ms: int | None = None,
    ) -> CardView:
        """Answer a card of a custom session: a practice review (the schedule stays), or a
        real answer when the session reschedules (see `flashcards.study.custom`)."""
        kind = session.study.log_kind
        if kind is None:
            card = self.answer(card_id, q, now, duration_ms)  # type: ignore[attr-defined]
        else:
            self._shown = None
            try:
                self._study.practice(card_id, q, kind, now, duration_ms)
            except KeyError:
                raise CollectionError(f"no card with id {card_id}") from None
            except ValueError as err:
                raise CollectionError(f"{err} (the SM-2 quality of the answer)") from None
            card = self.card(card_id, now)
        session.answer(card_id, q)
        return card
