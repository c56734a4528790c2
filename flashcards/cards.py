"""Blocks → cards: one cloze card per deletion, question cards, their context.

Each card keeps its block's text as written with the block's deletions, which
of them it hides, and the block's children (`BlockText`, shared by the
block's cards); `flashcards.faces` renders fronts and backs from those, so no
consumer has to take a flattened string apart again. Content hashes and copy
numbers come from `flashcards.identity` (`disambiguate` tells a deck's identical
blocks apart); where in a block's text markup counts, from `flashcards.notes.prose`;
the records themselves live in `flashcards.card_records` (and are importable from here).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from flashcards import faces
from flashcards.card_records import BlockText, Card, Extraction
from flashcards.identity import BASIC, CLOZE, block_hash, card_hash, normalize
from flashcards.notes.card_tags import CARD_TAG as _CARD_TAG
from flashcards.notes.card_tags import card_tag_spans as _card_tags
from flashcards.notes.card_tags import may_be_tagged as _may_be_tagged
from flashcards.notes.card_tags import tagged_card as _tagged_card
from flashcards.notes.card_tags import untagged as _untagged
from flashcards.notes.carets import as_equals_marked
from flashcards.notes.inline import (
    ALL_MARKERS,
    ANKI_CLOZE,
    CARET_HIGHLIGHT,
    HIGHLIGHT,
    LOGSEQ_CLOZE,
    STRONG,
    Deletion,
    has_trigger,
    plain_text,
    scan,
)
from flashcards.notes.junk import (
    ALL_RULES,
    REFRAIN,
    REFRAIN_BLOCKS,
    REPEAT,
    Skipped,
    is_refrain,
    is_repeat,
    is_title,
    junk_rule,
    refrains,
)
from flashcards.notes.outline import Block, Note, NoteError, parse_tags
from flashcards.notes.prose import outside_comments as _outside_comments
from flashcards.notes.prose import prose_deletions as _deletions
from flashcards.notes.prose import prose_spans as _prose_spans

__all__ = ["BASIC", "CLOZE", "BlockText", "Card", "Extraction", "extract"]

# The version of what reading notes makes of them. Bump it with any change that gives
# the same notes different cards (text, fronts, backs, context, answers, hashes): a
# build then reads every file of a deck again, once, instead of trusting the cards an
# older reader made of files that did not change.
# 6: junk rules (questions, quotes, repeats, refrains, tables, lead-ins, emphasis),
# #card bold, \dfrac
# 7: Logseq's `^^highlight^^`
READER_VERSION = 7

# Bounds on what one block gives (a hostile or generated note must not exhaust memory)
MAX_CONTEXT = 32  # breadcrumb entries
MAX_DELETIONS = 200  # deletions of one block that make cards; the rest stay text
MAX_BACK_DEPTH = 12  # levels of children on a card's back
MAX_BACK_CHARS = 20_000  # characters of children on a card's back


def _replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    at = 0
    for start, end, new in sorted(edits):
        out.append(text[at:start])
        out.append(new)
        at = end
    out.append(text[at:])
    return "".join(out)


def _title(block: Block, markers: frozenset[str]) -> str:
    """A block as one entry of its descendants' context: its first line, plain."""
    first = next((line for line in block.lines if line), "")
    title = plain_text(first.lstrip("#").strip() if block.is_heading else first, markers)
    return _untagged(title).strip()


@lru_cache(maxsize=4096)
def _heading_title(heading: str, markers: frozenset[str]) -> str:
    """A Markdown heading as context: plain text (headings repeat on every card under them)."""
    return plain_text(heading, markers)


class _NoteReader:
    """Cards of one note. Remembers what it works out about each block — its deletions,
    its title in context, the context of its children, its subtree as an outline — so
    none of it is worked out twice, however many cards and ancestors share it."""

    def __init__(
        self, note: Note, markers: frozenset[str], junk: frozenset[str] = frozenset()
    ) -> None:
        self.note = note
        self.markers = markers
        self.carets = CARET_HIGHLIGHT in markers  # `^^x^^` is a highlight (Logseq)
        self.junk = junk  # the junk rules switched on (flashcards.notes.junk)
        self.skipped: list[Skipped] = []
        self.found: dict[int, tuple[list[Deletion], str | None]] = {}  # id(block) -> scan
        self.titles: dict[int, str] = {}  # id(block) -> its title in its children's context
        self.contexts: dict[int, list[str]] = {}  # id(block) -> its children's context
        self.outlines: dict[int, str] = {}  # id(block) -> its children as a back shows them
        self.hashes: dict[int, str] = {}  # id(block) -> its block hash, as an ancestor
        self.lineages: dict[int, tuple[str, ...]] = {}  # id(parent) -> its children's lineage
        # id(block) -> its lines on its ancestors' backs (clozes resolved), and their size
        self.back_lines: dict[int, tuple[list[str], int]] = {}
        self.refrains: dict[int, frozenset[str]] = {}  # id(block) -> its children's refrains
        self.warnings: list[NoteError] = []  # what was cut short, with the line
        self.deep_warned = False

    def cards(self, block: Block, ancestors: tuple[Block, ...]) -> tuple[list[Card], bool]:
        """The block's cards, and whether it is a question card (its subtree is its back)."""
        lines = block.lines
        if not lines:
            return [], False
        text = lines[0] if len(lines) == 1 else "\n".join(lines).strip("\n")
        if not text or (lines[0][:1] == "#" and block.is_heading):
            return [], False
        if ("#" in text or "[[" in text) and _may_be_tagged(text) and _CARD_TAG.search(text):
            card_tags = _card_tags(block, text)
            if card_tags:
                return self.question_card(block, ancestors, text, card_tags), True
        if "tags" in block.properties and _tagged_card(block):  # `tags:: card` is `#card`
            return self.question_card(block, ancestors, text, []), True
        # (`"^" in` first: a one-character search is several times quicker than `"^^" in`)
        if not has_trigger(text) and not (self.carets and "^" in text and "^^" in text):
            return [], False  # no marker: no deletion (most blocks)

        found = self.found.pop(id(block), None) or self.scan(block, text)
        deletions, plain = found
        if "%%" in text:  # a `%% comment %%` is no card text: nothing in it is a deletion
            deletions = _outside_comments(text, deletions)
        if plain is not None:
            self.titles[id(block)] = _untagged(plain).strip()
        if not deletions:
            return [], False
        if len(deletions) > MAX_DELETIONS:
            self.warn(
                block.line,
                f"has {len(deletions)} deletions; the first {MAX_DELETIONS} make cards, "
                "the rest are kept as text",
            )
            deletions = deletions[:MAX_DELETIONS]
        if len(deletions) == 1 and is_title(text, deletions[0]):
            return [], False  # `- **Chapter 1**`, `- [ ] **AVL trees** (videos)`: a heading
        if self.junk:
            parent = ancestors[-1] if ancestors else None
            deletions = self.drop_junk(block, text, deletions, parent)
            if not deletions:
                return [], False

        norm = normalize(block.ident or text)  # a Logseq ref counts by its uuid
        shared = block_hash(norm)
        body, marks = text, tuple(deletions)
        if self.carets and "^" in text and "^^" in text:
            body, marks = self.respelled(block, text, marks)
        shown = BlockText(
            self.note.path,
            block.line,
            body,
            marks,
            self.outline(block),
            self.context(block, ancestors),
            _tags(self.note, block),
            norm,
            self.lineage(ancestors),
        )
        groups: dict[str, list[int]] = {}
        seen_answers: dict[str, int] = {}
        for i, d in enumerate(deletions):
            if d.kind == ANKI_CLOZE:
                key = f"c{d.number}"
            else:
                n = seen_answers.get(d.answer, 0)
                seen_answers[d.answer] = n + 1
                key = f"{d.answer}#{n}"
            groups.setdefault(key, []).append(i)
        cards: list[Card] = []
        for key, hidden in groups.items():
            hint = next((deletions[i].hint for i in hidden if deletions[i].hint), None)
            cards.append(
                Card(
                    card_hash(CLOZE, norm, key),
                    CLOZE,
                    shown,
                    tuple(hidden),
                    [deletions[i].answer for i in hidden],
                    hint,
                    shared,
                    key,
                )
            )
        return cards, False

    def drop_junk(
        self, block: Block, text: str, deletions: list[Deletion], parent: Block | None = None
    ) -> list[Deletion]:
        """The deletions that make cards; the others are kept in `skipped` with the rule."""
        kept: list[Deletion] = []
        answers: set[str] = set()  # of the kept strong and highlight deletions, folded
        refrains = self.refrains_under(parent) if parent is not None else frozenset()
        for d in deletions:
            rule = junk_rule(d, text, self.junk)
            if rule is None and is_repeat(d, answers, self.junk):
                rule = REPEAT
            if rule is None and refrains and is_refrain(d, refrains, self.junk):
                rule = REFRAIN
            if rule is None:
                kept.append(d)
            else:
                line = block.line + text.count("\n", 0, d.start)
                self.skipped.append(Skipped(self.note.path, line, d.answer, rule))
        return kept

    def respelled(
        self, block: Block, text: str, marks: list[Deletion] | tuple[Deletion, ...]
    ) -> tuple[str, tuple[Deletion, ...]]:
        """A block's text and marks as its cards keep them (Logseq's `^^` written `==`)."""
        if not self.carets or "^^" not in text:
            return text, tuple(marks)
        return as_equals_marked(text, marks, self.markers, _prose_spans(block, text))

    def refrains_under(self, parent: Block) -> frozenset[str]:
        """What `parent`'s children bold again and again (`junk.refrains`), worked out once."""
        found = self.refrains.get(id(parent))
        if found is None:
            found = self.refrains[id(parent)] = (
                refrains([c.lines for c in parent.children], self.carets)
                if REFRAIN in self.junk and len(parent.children) >= REFRAIN_BLOCKS
                else frozenset()
            )
        return found

    def scan(self, block: Block, text: str) -> tuple[list[Deletion], str | None]:
        """The block's deletions, and its plain text when the same parse gives it."""
        if block.children and len(block.lines) == 1 and not block.code:
            # one parse gives the deletions and the block's title in its children's context
            return scan(text, self.markers, plain=True)
        return _deletions(block, text, self.markers), None

    def lineage(self, ancestors: tuple[Block, ...]) -> tuple[str, ...]:
        """The block hashes of `ancestors` (as their own cards would have them), worked out
        once per parent: the ancestors of its children are the same blocks."""
        if not ancestors:
            return ()
        found = self.lineages.get(id(ancestors[-1]))
        if found is None:
            found = self.lineages[id(ancestors[-1])] = self._lineage(ancestors)
        return found

    def _lineage(self, ancestors: tuple[Block, ...]) -> tuple[str, ...]:
        out = []
        for a in ancestors:
            found = self.hashes.get(id(a))
            if found is None:
                text = "\n".join(a.lines).strip("\n")
                found = self.hashes[id(a)] = block_hash(normalize(a.ident or text))
            out.append(found)
        return tuple(out)

    def context(self, block: Block, ancestors: tuple[Block, ...]) -> list[str]:
        """Headings above the outline, then the ancestors' titles, outermost first.

        At most MAX_CONTEXT entries: deeper down, the outermost one, `…`, and the
        innermost ones (a 3,000-level outline must not give every card 3,000 crumbs).
        """
        if not ancestors:
            return self.root_context(block.headings)
        parent = ancestors[-1]
        context = self.contexts.get(id(parent))
        if context is None:
            above = self.contexts.get(id(ancestors[-2])) if len(ancestors) > 1 else None
            if above is not None:  # the grandparent's context, one title longer
                title = self._title_of(parent)
                context = [*above, title] if title else list(above)
            else:
                context = self.root_context(ancestors[0].headings)
                for ancestor in ancestors:
                    title = self._title_of(ancestor)
                    if title:
                        context.append(title)
            if len(context) > MAX_CONTEXT:
                if not self.deep_warned:
                    self.deep_warned = True
                    self.warn(
                        block.line,
                        f"blocks are nested more than {MAX_CONTEXT} levels deep; their cards' "
                        f"context shows the outermost and the {MAX_CONTEXT - 2} innermost",
                    )
                context = [context[0], "…", *context[-(MAX_CONTEXT - 2) :]]
            self.contexts[id(parent)] = context
        return context

    def root_context(self, headings: tuple[str, ...]) -> list[str]:
        """The page's title (where the dialect gives one), then the headings, plain."""
        context = [self.note.title] if self.note.title else []
        context.extend(t for t in (_heading_title(h, self.markers) for h in headings) if t)
        return context

    def _title_of(self, block: Block) -> str:
        title = self.titles.get(id(block))
        if title is None:
            title = self.titles[id(block)] = _title(block, self.markers)
        return title

    def warn(self, line: int, reason: str) -> None:
        self.warnings.append(NoteError(self.note.path, line, reason))

    def outline(self, block: Block) -> str:
        """The block's children as an indented outline, clozes resolved, for a card's back.

        Bounded: MAX_BACK_DEPTH levels and MAX_BACK_CHARS characters, then `…` — a
        card's back is read, not scrolled for ever, and a deep outline must not make
        every ancestor's back hold all of it. One walk per block, without recursion.
        """
        if not block.children:
            return ""
        cached = self.outlines.get(id(block))
        if cached is not None:
            return cached
        lines: list[str] = []
        size = 0
        stack = [(child, 0) for child in reversed(block.children)]
        while stack:
            node, depth = stack.pop()
            pad = "  " * depth
            if depth >= MAX_BACK_DEPTH or size >= MAX_BACK_CHARS:
                lines.append(f"{pad}- …")
                break
            shown = self.back_lines.get(id(node))
            if shown is None:  # each ancestor's back shows it: split it once
                text = self.shown(node)
                shown = self.back_lines[id(node)] = (text.split("\n") if text else [], len(text))
            parts, chars = shown
            if parts:
                lines.append(f"{pad}- {parts[0]}")
                if len(parts) > 1:
                    lines.extend(f"{pad}  {line}" if line else "" for line in parts[1:])
                size += chars + len(pad) + 2
            stack.extend((c, depth + 1) for c in reversed(node.children))
        outline = self.outlines[id(block)] = "\n".join(lines)
        return outline

    def shown(self, block: Block) -> str:
        """A block's text on its ancestors' backs: clozes resolved."""
        text = block.text
        marks: list[Deletion] | tuple[Deletion, ...] = ()
        if "{{" in text:
            # the block's own visit comes later (outline order) and reuses this parse
            found = self.found[id(block)] = self.scan(block, text)
            marks = found[0]
        if self.carets and "^" in text and "^^" in text:  # (most blocks: no call)
            text, marks = self.respelled(block, text, marks)
        return faces.resolved(text, marks) if marks else text

    def question_card(
        self,
        block: Block,
        ancestors: tuple[Block, ...],
        text: str,
        card_tags: list[tuple[int, int]],
    ) -> list[Card]:
        """A `#card` / `[[card]]` block: the block is the front, its children the back.

        Its cloze markers are hidden; strong and highlight are emphasis in a question,
        unless the block has nothing else to reveal (no children, no cloze): then its
        bold and highlight are the answer its author marked (`the **answer** #card`).
        With none of them either, no card, and a warning."""
        markers = self.markers
        norm = normalize(block.ident or text)
        front_text = _replace(text, [(a, b, "") for a, b in card_tags]).strip()
        front_text = normalize(front_text) if "\n" not in front_text else front_text
        found = _outside_comments(front_text, _deletions(block, front_text, markers))
        marks = tuple(d for d in found if d.kind in (LOGSEQ_CLOZE, ANKI_CLOZE))
        if not marks and not block.children:
            emphasis = [d for d in found if d.kind in (STRONG, HIGHLIGHT)]
            marks = tuple(self.drop_junk(block, front_text, emphasis) if self.junk else emphasis)
        if not marks and not block.children:
            self.warn(
                block.line,
                "is a #card block with nothing to reveal (no children, no cloze, no bold); "
                "add its answer as a child block",
            )
            return []
        front_text, marks = self.respelled(block, front_text, marks)
        shown = BlockText(
            self.note.path,
            block.line,
            front_text,
            marks,
            self.outline(block),
            self.context(block, ancestors),
            _tags(self.note, block),
            norm,
            self.lineage(ancestors),
        )
        return [
            Card(
                card_hash(BASIC, norm),
                BASIC,
                shown,
                tuple(range(len(marks))),
                [],
                None,
                block_hash(norm),
                "",
            )
        ]


def extract(
    note: Note,
    markers: Iterable[str] = ALL_MARKERS,
    warnings: list[NoteError] | None = None,
    junk: Iterable[str] = ALL_RULES,
    skipped: list[Skipped] | None = None,
) -> Iterator[Card]:
    """The cards of one note, in outline order. Hashes are not yet told apart.

    What had to be cut short (deep nesting, too many deletions) is added to `warnings`;
    strong and highlight deletions the `junk` rules skip are added to `skipped`.
    """
    reader = _NoteReader(note, frozenset(markers), frozenset(junk))
    if warnings is not None:
        reader.warnings = warnings
    if skipped is not None:
        reader.skipped = skipped
    # depth first, in outline order, without recursion; a question card's subtree is its
    # back and makes no cards of its own
    stack: list[tuple[Block, tuple[Block, ...]]] = [(b, ()) for b in reversed(note.blocks)]
    while stack:
        block, ancestors = stack.pop()
        cards, question = reader.cards(block, ancestors)
        if cards:
            yield from cards
        if block.children and not question:
            inner = (*ancestors, block)
            stack.extend([(c, inner) for c in reversed(block.children)])


def _tags(note: Note, block: Block) -> list[str]:
    tags = list(note.tags)
    if "tags" in block.properties:
        for tag in parse_tags(block.properties["tags"]):
            if tag not in tags:
                tags.append(tag)
    return tags
