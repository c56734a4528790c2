"""`flashcards evaluate`: SM-2, FSRS with its default parameters and FSRS trained on
the earlier part of a deck's history, each scored on the later part (`metrics`).

The split is srs-benchmark's time-series split (scikit-learn's TimeSeriesSplit
with 5 folds): the scorable reviews, in the order they were made, are cut into 6
equal parts; for each of the last 5, FSRS is trained on every review before
that part and predicts it. All three schedulers are scored on those same
reviews. A scorable review came a day or more after its card's previous one
(same-day reviews are never scored).

Predictions: SM-2's recall is 0.9 ** (elapsed / interval), with the interval
SM-2 had scheduled (its replay of the card: only a day's first answer moves
it); FSRS's is its forgetting curve at the elapsed days, from the memory state
fsrs-rs computes after the card's earlier reviews.
"""

from __future__ import annotations

from dataclasses import dataclass

from flashcards import metrics, sm2
from flashcards.optimize import History, histories, train, training_items
from flashcards.store import Store
from flashcards.store import decks as deck_rows

SPLITS = 5
SCHEDULERS = ("sm2", "fsrs", "fsrs_trained")


@dataclass(frozen=True)
class _Row:
    """A scorable review: its id (time order), card, position, and what it was scored on."""

    review_id: int
    card: int  # index into the histories
    at: int  # index of the review in the card's history
    y: int
    delta_t: int
    lapses: int
    sm2_p: float


def _rows(cards: list[History]) -> list[_Row]:
    rows = []
    for c, card in enumerate(cards):
        deltas = card.delta_t()
        state = sm2.State()
        lapses = 0
        for k, rating in enumerate(card.ratings):
            if k and deltas[k] > 0:
                p = 0.9 ** (deltas[k] / state.interval) if state.interval else 0.9
                rows.append(_Row(card.ids[k], c, k, int(rating > 1), deltas[k], lapses, p))
                if rating == 1:
                    lapses += 1
            if k == 0 or deltas[k] > 0:  # a day's first answer moves SM-2
                state = sm2.apply(state, _quality(rating), card.days[k])
    rows.sort(key=lambda r: r.review_id)
    return rows


def _quality(rating: int) -> int:
    """The SM-2 quality a rating stands for (Again 1, Hard 3, Good 4, Easy 5)."""
    return sm2.FOUR_BUTTONS[rating]


def _fsrs_p(parameters: list[float], cards: list[History], rows: list[_Row]) -> list[float]:
    """FSRS's predicted recall of each row, with these parameters."""
    from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

    from flashcards.fsrs_scheduler import retrievability

    wanted = sorted({r.card for r in rows})
    items = [
        FSRSItem(
            [FSRSReview(g, t) for g, t in zip(cards[c].ratings, cards[c].delta_t(), strict=True)]
        )
        for c in wanted
    ]
    # the memory after each of a card's reviews; a row is predicted from the one before it
    states = dict(zip(wanted, FSRS(parameters).historical_memory_state_batch(items), strict=True))
    w = tuple(parameters)
    return [retrievability(w, states[r.card][r.at - 1].stability, r.delta_t) for r in rows]


@dataclass(frozen=True)
class Evaluation:
    deck: str
    reviews: int  # reviews scored
    schedulers: dict[str, dict[str, float | None]]

    def to_json(self) -> dict[str, object]:
        return {"deck": self.deck, "reviews": self.reviews, "schedulers": self.schedulers}

    def recommendation(self) -> str:
        scores = {k: v["log_loss"] for k, v in self.schedulers.items()}
        if any(v is None for v in scores.values()):
            return "Too few reviews a day or more apart to compare; study on and evaluate again."
        best = min(scores, key=lambda k: scores[k])  # type: ignore[arg-type,return-value]
        if best == "sm2":
            return "SM-2 predicts your recall best here: keep `scheduler: sm2`."
        how = (
            "with trained parameters (run `flashcards optimize`)"
            if best == "fsrs_trained"
            else ("with its default parameters")
        )
        return (
            f"FSRS {how} predicts your recall best (log loss {scores[best]:.3f} against "
            f"SM-2's {scores['sm2']:.3f}): consider `scheduler: fsrs` in the deck spec."
        )


def evaluate(store: Store, deck: str) -> Evaluation:
    """Score the three schedulers on a deck's own history (see the module docstring)."""
    from fsrs_rs_python import DEFAULT_PARAMETERS

    row = deck_rows.by_name(store, deck)
    if row is None:
        raise KeyError(deck)
    cards = list(histories(store, row.id))
    rows = _rows(cards)
    size = len(rows) // (SPLITS + 1)
    if size == 0:
        return Evaluation(deck, 0, {k: metrics.summary([]) for k in SCHEDULERS})
    start = len(rows) - SPLITS * size
    tested = rows[start:]
    trained_p: list[float] = []
    for fold in range(SPLITS):
        part = rows[start + fold * size : start + (fold + 1) * size]
        items, _ = training_items(cards, before_id=part[0].review_id)
        trained_p += _fsrs_p(train(items), cards, part)
    default_p = _fsrs_p(list(DEFAULT_PARAMETERS), cards, tested)

    def scored(ps: list[float]) -> list[metrics.Scored]:
        return [
            metrics.Scored(r.y, p, r.delta_t, r.at + 1, r.lapses)
            for r, p in zip(tested, ps, strict=True)
        ]

    return Evaluation(
        deck,
        len(tested),
        {
            "sm2": metrics.summary(scored([r.sm2_p for r in tested])),
            "fsrs": metrics.summary(scored(default_p)),
            "fsrs_trained": metrics.summary(scored(trained_p)),
        },
    )
