"""Where a block is tagged a question card: `#card`, `[[card]]`, `tags:: card`.

The tag is matched case-insensitively and not inside another word or tag; a cheap
first test (`may_be_tagged`) keeps the regex off the blocks that cannot hold it
(most of them).
"""

from __future__ import annotations

import re

from flashcards.notes.inline import code_spans
from flashcards.notes.outline import Block, parse_tags
from flashcards.notes.prose import prose_spans

CARD_TAG = re.compile(r"(?<![\w#/\[])(?:#card\b(?![-/])|#?\[\[card\]\])", re.IGNORECASE)


def may_be_tagged(text: str) -> bool:
    """Whether `CARD_TAG` could match: the text holds `card` in some case. A search that
    starts with a look-behind tries every position (~5 µs a block); this is ~0.2 µs. (No
    character but the ASCII letters matches c, a, r or d under IGNORECASE, and those lower
    to themselves.)"""
    return "card" in text.lower()


def untagged(text: str) -> str:
    """`text` without its `#card` / `[[card]]` tags."""
    return CARD_TAG.sub("", text) if may_be_tagged(text) else text


def tagged_card(block: Block) -> bool:
    """Whether the block's `tags::` property names `card`."""
    return any(tag.lower() == "card" for tag in parse_tags(block.properties["tags"]))


def card_tag_spans(block: Block, text: str) -> list[tuple[int, int]]:
    """Where the block is tagged `#card` / `[[card]]`: in its prose, not in any code."""
    found: list[tuple[int, int]] = []
    for a, b in prose_spans(block, text):
        segment = text[a:b]
        matches = [(m.start(), m.end()) for m in CARD_TAG.finditer(segment)]
        if matches and "`" in segment:
            code = code_spans(segment)
            matches = [m for m in matches if not any(s <= m[0] < e for s, e in code)]
        found.extend((start + a, end + a) for start, end in matches)
    return found
