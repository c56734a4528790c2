"""`flashcards optimize`: FSRS parameters trained on a deck's own reviews with
fsrs-rs-python (the Rust optimizer Anki uses), stored with the date and review
count they came from.

A card's history becomes FSRS items the way fsrs-rs reads them: each review is
(rating 1–4, days since the previous review's study day, 0 for the first and
for same-day answers), and every review that came a day or more after the one
before it closes a training item (the card's reviews up to it). Below
MIN_REVIEWS such reviews fsrs-rs hands back its default parameters unchanged,
so flashcards refuses and says how many more are needed.

Storing trained parameters replays the deck's states in the same transaction
when the deck schedules with them (an FSRS deck whose spec pins none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from flashcards import sm2
from flashcards.clock import iso_utc
from flashcards.deck_settings import DeckSettings
from flashcards.store import Store
from flashcards.store import decks as deck_rows
from flashcards.store import fsrs as fsrs_rows
from flashcards.store import queue as queue_rows

# fsrs-rs-python 0.9.3 trains nothing below about 300 long-term reviews (it returns its
# defaults: measured on synthetic logs); a margin above that, as Anki asks for hundreds.
MIN_REVIEWS = 400

Progress = Callable[[int, int], None]


class NotEnoughReviews(ValueError):
    def __init__(self, deck: str, reviews: int) -> None:
        self.deck, self.reviews, self.needed = deck, reviews, MIN_REVIEWS - reviews
        super().__init__(
            f"deck {deck!r} has {reviews} reviews FSRS can learn from (a day or more after "
            f"the card's previous one); the optimizer needs {MIN_REVIEWS}: study "
            f"{self.needed} more, then run `flashcards optimize` again"
        )


@dataclass(frozen=True)
class History:
    """One card's answers in order: ratings 1–4, study days, review ids."""

    card_id: int
    ratings: list[int]
    days: list[date]
    ids: list[int]

    def delta_t(self) -> list[int]:
        """Days since the previous answer's study day (0 for the first)."""
        days = self.days
        return [0] + [(days[i] - days[i - 1]).days for i in range(1, len(days))]


def histories(store: Store, deck_id: int) -> Iterator[History]:
    """Every card's history in a deck, card by card."""
    rating = {q: sm2.rating(q) for q in range(6)}
    for card_id, rows in groupby(queue_rows.all_reviews(store, deck_id), key=lambda r: r[0]):
        rows_ = list(rows)
        yield History(
            card_id,
            [rating[r.q] for r in rows_],
            [date.fromisoformat(r.day) for r in rows_],
            [r.review_id for r in rows_],
        )


def training_items(cards: list[History], before_id: int | None = None) -> tuple[list, int]:
    """fsrs-rs items from card histories (only reviews with id < `before_id`, if given),
    and how many long-term reviews they hold."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items = []
    for card in cards:
        reviews = [FSRSReview(r, t) for r, t in zip(card.ratings, card.delta_t(), strict=True)]
        deltas = card.delta_t()
        for i in range(1, len(reviews)):
            if before_id is not None and card.ids[i] >= before_id:
                break
            if deltas[i] > 0:
                items.append(FSRSItem(reviews[: i + 1]))
    return items, len(items)


def train(items: list) -> list[float]:
    """FSRS parameters fitted to the items (fsrs-rs's defaults when it cannot fit)."""
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    if not items:
        return list(DEFAULT_PARAMETERS)
    try:
        return list(FSRS(DEFAULT_PARAMETERS).compute_parameters(items))
    except KeyboardInterrupt:
        raise
    except BaseException:  # a Rust panic (not an Exception) on data fsrs-rs cannot use
        return list(DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class Optimized:
    deck: str
    reviews: int
    parameters: list[float]
    stored: bool
    rescheduled: int  # cards replayed with the new parameters

    def to_json(self) -> dict[str, object]:
        return {"deck": self.deck, "reviews": self.reviews, "parameters": self.parameters}


def optimize(
    store: Store, deck: str, dry_run: bool = False, progress: Progress | None = None
) -> Optimized:
    """Train a deck's parameters; unless `dry_run`, store them (and replay the deck when
    it schedules with them) in one transaction. NotEnoughReviews below MIN_REVIEWS."""
    row = deck_rows.by_name(store, deck)
    if row is None:
        raise KeyError(deck)
    cards = list(histories(store, row.id))
    items, reviews = training_items(cards)
    if reviews < MIN_REVIEWS:
        raise NotEnoughReviews(deck, reviews)
    if progress:
        progress(1, 3)
    parameters = train(items)
    if progress:
        progress(2, 3)
    rescheduled = 0
    if not dry_run:
        from flashcards.study.replay import replay_deck

        with store.atomic(f"storing the FSRS parameters of deck {deck}"):
            fsrs_rows.store_trained(
                store, row.id, fsrs_rows.Trained(tuple(parameters), iso_utc(), reviews)
            )
            settings = DeckSettings.from_json(deck_rows.settings_of(store, row.id))
            if settings.scheduler == "fsrs" and settings.parameters is None:
                rescheduled = replay_deck(store, row.id)
    if progress:
        progress(3, 3)
    return Optimized(deck, reviews, parameters, not dry_run, rescheduled)
