"""Whatever is answered, undone, buried or suspended, and however time moves on, the
stored card state is a replay of the review log, the counts match the queue, and undo
puts the day back exactly."""

from __future__ import annotations

import itertools
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards import Collection
from flashcards.decks import DeckSettings, DeckSpec

from .conftest import NOTES, at, states

EXAMPLES = itertools.count()
MORE = NOTES + "- Zeta has **zeta1**, **zeta2** and **zeta3**.\n- Eta is **eta1**.\n"

operations = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, 5)),  # the next card, with quality q
        st.tuples(st.just("answer any"), st.integers(0, 5), st.integers(0, 11)),  # any card
        st.tuples(st.just("undo")),
        st.tuples(st.just("wait"), st.integers(1, 36 * 60)),  # minutes, across days too
        st.tuples(st.just("bury")),
        st.tuples(st.just("suspend")),
        st.tuples(st.just("unsuspend"), st.integers(0, 11)),
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A built collection, copied for each example (building once keeps the test quick)."""
    folder = tmp_path_factory.mktemp("template")
    notes = folder / "one.md"
    notes.write_text(MORE, encoding="utf-8")
    other = folder / "two.md"
    other.write_text(NOTES.replace("**", "=="), encoding="utf-8")
    path = folder / "c.sqlite"
    with Collection.open(path, timezone="UTC") as col:
        col.build(
            DeckSpec(
                name="Deck", notes=[notes], settings=DeckSettings(new_per_day=3, reviews_per_day=4)
            )
        )
        col.build(
            DeckSpec(
                name="Other", notes=[other], settings=DeckSettings(new_per_day=2, reviews_per_day=3)
            )
        )
    return path


def look(col: Collection, now) -> dict[str, object]:
    card = col.next_card(now=now)
    return {
        "day": col.today(now),
        "next": card.id if card else None,
        "counts": col.counts(now=now),
        "counts in Deck": col.counts("Deck", now),
        "states": states(col),
        "reviews": col.review_count(),
        "flags": [(c.id, c.status, c.buried_until) for c in col.cards(now=now)],
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_state_is_a_replay_of_the_log_and_undo_is_exact(template, tmp_path, ops) -> None:
    path = tmp_path / f"c-{next(EXAMPLES)}.sqlite"  # a fresh copy per example
    shutil.copy(template, path)
    with Collection.open(path, timezone="UTC") as col:
        ids = sorted(states(col))
        now = at(0)
        before: list[dict[str, object]] = []  # one per action undo can take back
        for op in ops:
            seen = look(col, now)
            card = col.next_card(now=now)
            if op[0] == "answer" and card is not None:
                before.append(seen)
                col.answer(card.id, op[1], now)
            elif op[0] == "answer any":
                before.append(seen)
                col.answer(ids[op[2] % len(ids)], op[1], now)
            elif op[0] == "bury" and card is not None:
                before.append(seen)
                col.bury(card.id, now)
            elif op[0] == "suspend" and card is not None:
                before.append(seen)
                col.suspend(card.id, now)
            elif op[0] == "unsuspend":
                before.append(seen)
                col.unsuspend(ids[op[1] % len(ids)], now)
            elif op[0] == "undo":
                assert col.can_undo == bool(before)
                if col.undo(now) is not None:
                    then = before.pop()
                    after = look(col, now)
                    assert after["states"] == then["states"]
                    assert after["reviews"] == then["reviews"]
                    assert after["flags"] == then["flags"] or then["day"] != after["day"]
                    if then["day"] == after["day"]:  # the same study day: the same queue
                        assert after == then
            elif op[0] == "wait":
                now += timedelta(minutes=op[1])
            # the counts are the queue's: something is left exactly when a card comes
            counts = col.counts(now=now)
            assert (col.next_card(now=now) is None) == (counts.total == 0)
            # and they are what a fresh look at the collection counts
            with Collection.open(col.path, timezone=col.tz) as fresh:
                assert counts == fresh.counts(now=now)
                assert col.counts("Deck", now) == fresh.counts("Deck", now)
        assert col.doctor() == []
