"""Matching a deck's cards to what its notes now say: pure, no SQLite.

Per deck (DESIGN.md "Card identity"):
1. by content: a card whose block text and deletion are unchanged keeps its
   id wherever the block went — same file first, then another file of the
   deck (moved), then a retired card of the same content (restored). Identical
   blocks are matched copy by copy, their own file first, so deleting one copy
   never hands its history to the other;
2. by similarity: vanished and appeared cards with the same kind and answers
   and nearly the same text (a fixed typo, a reworded sentence) are paired —
   the edited card keeps its id, state and reviews;
3. the rest are new, or retired (history kept, out of the queue).

`assign` does step 1 and says which stored cards step 2 needs to see;
`pair_edits` does step 2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from flashcards.cards import Card
from flashcards.identity import with_copy
from flashcards.store.matching import CardKey

SIMILAR = 0.6  # SequenceMatcher ratio from which an appeared card is a vanished one, edited


class Slot:
    """A card the deck should have after this build, and the collection card it became."""

    __slots__ = ("base", "source", "card", "kept", "card_id", "order", "copy", "final")

    def __init__(
        self, base: str, source: str, card: Card | None, kept: int | None, order: tuple[int, int]
    ) -> None:
        self.base = base  # content hash before identical blocks are told apart
        self.source = source
        self.card = card  # from a parsed file; None for a card of an unchanged file
        self.kept = kept  # the card id, for a card of an unchanged file
        self.card_id: int | None = kept
        self.order = order  # (file number, position): the deck's outline order
        self.copy = 0  # 0 for a block's first copy in the deck, 1 for the second...
        self.final = base  # the content hash: copies of a block get their copy number in it


@dataclass
class Assignment:
    """Step 1's outcome: every slot, which stored cards are taken, which vanished."""

    slots: list[Slot]
    fresh: list[Slot]  # the slots of parsed files
    used: set[int]  # stored cards matched (or kept as they were)
    vanished: list[int] = field(default_factory=list)  # active stored cards not matched

    @property
    def appeared(self) -> list[Slot]:
        return [s for s in self.fresh if s.card_id is None]


def assign(
    index: list[CardKey],
    files: Sequence[str | Path],
    parsed: dict[str, list[Card]],
    kept_sources: set[str],
) -> Assignment:
    """Step 1: slots for the deck's cards, copy numbers, and matches by content.

    `index` holds the stored cards that can be affected: those of the files read or
    gone, and those with the same content as any parsed card (or the whole deck).
    """
    file_no = {str(p): i for i, p in enumerate(files)}
    # A card of an unchanged file stays as it is, unless it is one of several identical
    # blocks (or was): then its copy number is looked at.
    kept = [k for k in index if not k.retired and k.source in kept_sources]
    copies = Counter(k.base_hash for k in kept)
    copies.update(c.content_hash for cards in parsed.values() for c in cards)
    slots: list[Slot] = [
        Slot(k.base_hash, k.source, None, k.id, (file_no[k.source], k.position))
        for k in kept
        if copies[k.base_hash] > 1 or k.content_hash != k.base_hash
    ]
    fresh: list[Slot] = []
    for key, cards in parsed.items():
        n = file_no[key]
        fresh.extend(Slot(c.content_hash, key, c, None, (n, c.position)) for c in cards)
    slots.extend(fresh)

    # identical blocks of one deck are told apart by their order
    groups: dict[str, list[Slot]] = {}
    for s in slots:
        if copies[s.base] > 1:
            groups.setdefault(s.base, []).append(s)
    for group in groups.values():
        group.sort(key=lambda s: s.order)
        for n, s in enumerate(group[1:], 1):
            s.copy, s.final = n, with_copy(s.base, n)

    # by content: the same file first, then another file of the deck (moved), then a
    # retired card (its history comes back)
    used = {k.id for k in kept}
    candidates: dict[str, list[CardKey]] = {}
    for k in index:
        if k.id not in used and k.base_hash in copies:
            candidates.setdefault(k.base_hash, []).append(k)
    loose = [s for s in fresh if s.base in candidates]
    for wanted in (
        lambda s, k: not k.retired and k.source == s.source,
        lambda s, k: not k.retired,
        lambda s, k: k.source == s.source,
        lambda s, k: True,
    ):
        for s in loose:
            if s.card_id is None:
                for k in candidates[s.base]:
                    if k.id not in used and wanted(s, k):
                        s.card_id = k.id
                        used.add(k.id)
                        break
    vanished = [k.id for k in index if not k.retired and k.id not in used]
    return Assignment(slots, fresh, used, vanished)


def pair_edits(
    appeared: list[Slot],
    vanished: dict[int, tuple[str, str, str]],
    answers_json: Callable[[list[str]], str],
) -> dict[int, int]:
    """Step 2: pair appeared cards with vanished ones (card id -> (kind, answers JSON,
    normalised text)): same kind and answers, nearly the same text; `answers_json` is
    how the stored answers were encoded. Returns {id(slot): card id}."""
    if not appeared or not vanished:
        return {}
    groups: dict[tuple[str, str], list[int]] = {}
    for card_id, (kind, answers, _text) in vanished.items():
        groups.setdefault((kind, answers), []).append(card_id)
    candidates: list[tuple[float, int, int]] = []
    for i, s in enumerate(appeared):
        card = s.card
        assert card is not None
        ids = groups.get((card.kind, answers_json(card.answers)))
        if not ids:
            continue
        # SequenceMatcher caches its analysis of the second sequence: the appeared text
        matcher = SequenceMatcher(None, "", card.text, autojunk=False)
        for card_id in ids:
            matcher.set_seq1(vanished[card_id][2])
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR:
                candidates.append((ratio, i, card_id))
    # best pairs first; ties go to outline order
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, card_id in candidates:
        key = id(appeared[i])
        if key in pairs or card_id in taken:
            continue
        pairs[key] = card_id
        taken.add(card_id)
    return pairs
