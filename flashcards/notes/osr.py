"""Cards as the Obsidian spaced-repetition plugin makes them, with the vault's settings.

A port of the plugin's own parser (`src/parser.ts`, `question-type.ts`,
`question.ts` in github.com/st3v3nmw/obsidian-spaced-repetition), line by line:

- only notes tagged with one of `flashcardTags` (in front matter `tags:` or in
  the text; a sub-tag such as `#flashcards/biology` too) give cards, and the tag
  names the card's deck: the card's own leading tag, else the last tag line above
  it, else the front matter's, else the note's first;
- `Q::A` is a basic card, `Q:::A` a reversed one (two cards), separators from
  the settings (longest first, not inside inline code);
- `?` and `??` on a line of their own split a multi-line card, which runs to a
  blank line (or to `multilineCardEndMarker` when one is set);
- a line holding one of `clozePatterns` starts a cloze card: each deletion one
  card, deletions with the same sequence number together;
- fenced code is card text, never cards; `<!--SR:…-->` schedules and a trailing
  ` ^blockid` are never text and never part of a hash.

Question/answer cards are `basic` cards of the shape `#card` blocks have: the
question is the block text, the answer its children.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from flashcards.cards import BASIC, CLOZE, BlockText, Card
from flashcards.identity import block_hash, card_hash, normalize
from flashcards.notes.inline import code_spans, plain_text
from flashcards.notes.markers import ANKI_CLOZE, Deletion
from flashcards.notes.osr_settings import OsrSettings
from flashcards.notes.outline import parse_tags

REVERSED = "reversed"  # the deletion key of a reversed card's second side
_SR_COMMENT = re.compile(r"\s?<!--SR:.*?-->")
_SR_CALLOUT = "> [!sr|card-metadata]"
_BLOCK_ID = re.compile(r" \^[a-zA-Z0-9-]+$")
_TAG = re.compile(r"(?<![\w#/&`])#([^\s#,;:!?()\[\]{}'\"`]+)")
_LEADING_TAG = re.compile(r"^#[^\s#]+")
_HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[.\][ \t]+)?")
MAX_CARD_LINES = 2_000  # a multi-line card this long is a note that lost its blank lines

SINGLE, SINGLE_REVERSED, MULTI, MULTI_REVERSED, CLOZE_CARD = range(5)


@dataclass
class _Question:
    kind: int
    text: str
    first: int  # 0-based line of the note's body
    last: int


def _has_marker(line: str, marker: str) -> bool:
    """The plugin's `hasInlineMarker`: the first `marker` in `line`, not in inline code."""
    if not marker:
        return False
    at = line.find(marker)
    if at < 0:
        return False
    before = line.count("`", 0, at)
    after = line.count("`", at + len(marker))
    return not (before % 2 == 1 and after % 2 == 1)


@lru_cache(maxsize=64)
def cloze_regex(pattern: str) -> re.Pattern[str] | None:
    """A clozecraft pattern (`==[123;;]answer[;;hint]==`) as a regular expression with
    groups `seq`, `answer` and `hint`; None when the pattern names no `answer`.

    Brackets make an optional part holding `123` (the sequence) or `hint`; a bracket
    after a backslash is a literal one."""
    out: list[str] = []
    group: list[str] | None = None
    i = 0
    seen = {"answer": False, "seq": False, "hint": False}
    while i < len(pattern):
        ch = pattern[i]
        target = out if group is None else group
        if ch == "\\":
            j = i
            while j < len(pattern) and pattern[j] == "\\":
                j += 1
            if j < len(pattern):
                target.append(re.escape(pattern[j]))
            i = j + 1
            continue
        if ch == "[" and group is None:
            group = []
        elif ch == "]" and group is not None:
            out.append("(?:" + "".join(group) + ")?")
            group = None
        elif pattern.startswith("answer", i) and group is None and not seen["answer"]:
            out.append(r"(?P<answer>[^\n]+?)")
            seen["answer"] = True
            i += len("answer")
            continue
        elif pattern.startswith("123", i) and group is not None and not seen["seq"]:
            group.append(r"(?P<seq>\d+|[ahs]+)")
            seen["seq"] = True
            i += 3
            continue
        elif pattern.startswith("hint", i) and group is not None and not seen["hint"]:
            group.append(r"(?P<hint>[^\n]+?)")
            seen["hint"] = True
            i += len("hint")
            continue
        else:
            target.append(re.escape(ch))
        i += 1
    if group is not None or not seen["answer"]:
        return None
    try:
        return re.compile("".join(out))
    except re.error:
        return None


def _clozes(line: str, patterns: tuple[re.Pattern[str], ...]) -> list[re.Match[str]]:
    """The cloze deletions of one line, in order, none overlapping, none in inline code."""
    found: list[re.Match[str]] = []
    for rx in patterns:
        found.extend(rx.finditer(line))
    if not found:
        return []
    code = code_spans(line) if "`" in line else []
    found.sort(key=lambda m: (m.start(), -m.end()))
    kept: list[re.Match[str]] = []
    end = -1
    for m in found:
        if m.start() >= end and not any(a <= m.start() < b for a, b in code):
            kept.append(m)
            end = m.end()
    return kept


def parse(lines: list[str], settings: OsrSettings) -> list[_Question]:
    """The plugin's `parse()`: the questions of a note's body, with their lines."""
    inline = sorted(
        [(settings.single_line, SINGLE), (settings.single_line_reversed, SINGLE_REVERSED)],
        key=lambda s: -len(s[0]),
    )
    patterns = tuple(rx for p in settings.cloze_patterns if (rx := cloze_regex(p)))
    end_marker = settings.multiline_end
    questions: list[_Question] = []
    text: list[str] = []
    kind: int | None = None
    first = 0
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        trimmed = line.strip()
        if line.startswith("<!--") and not line.startswith("<!--SR:"):
            while i < n and "-->" not in lines[i]:  # an HTML comment is no card
                i += 1
            i += 1
            continue
        empty = not trimmed
        if (
            (empty and not end_marker)
            or (empty and kind is None)
            or (end_marker and trimmed == end_marker)
            or len(text) >= MAX_CARD_LINES
        ):
            if kind is not None:
                questions.append(_Question(kind, "\n".join(text).rstrip(), first, i - 1))
                kind = None
            text = []
            first = i + 1
            i += 1
            continue
        text.append(line.rstrip())
        for separator, single in inline:
            if _has_marker(line, separator):
                kind = single
                break
        if kind in (SINGLE, SINGLE_REVERSED):
            card = [line]
            start = i
            if i + 1 < n and lines[i + 1].startswith("<!--SR:"):
                card.append(lines[i + 1])
                i += 1
            elif i + 1 < n and lines[i + 1].startswith(_SR_CALLOUT):
                for j in range(i + 1, n):
                    card.append(lines[j])
                    i += 1
                    if "<!--SR:" in lines[j]:
                        break
            questions.append(_Question(kind, "\n".join(card), start, i))
            kind = None
            text = []
        elif trimmed == settings.multiline:
            if len("\n".join(text)) > 1:
                kind = MULTI
        elif trimmed == settings.multiline_reversed:
            if len("\n".join(text)) > 1:
                kind = MULTI_REVERSED
        elif line.startswith("```") or line.startswith("~~~"):
            fence = re.match(r"`+|~+", line).group(0)  # type: ignore[union-attr]
            while i + 1 < n and not lines[i + 1].startswith(fence):
                i += 1
                text.append(lines[i])
            text.append(fence)
            i += 1
        elif kind is None and patterns and _clozes(line, patterns):
            kind = CLOZE_CARD
        i += 1
    if kind is not None and text:
        questions.append(_Question(kind, "\n".join(text).rstrip(), first, n - 1))
    return questions


def _is_flashcard_tag(tag: str, settings: OsrSettings) -> bool:
    tag = "#" + tag.lstrip("#")
    for wanted in settings.flashcard_tags:
        wanted = "#" + wanted.lstrip("#")
        if tag.lower() == wanted.lower() or tag.lower().startswith(wanted.lower() + "/"):
            return True
    return False


def _tags_of(line: str) -> list[str]:
    if "#" not in line:
        return []
    tags = [m.group(1) for m in _TAG.finditer(line)]
    if tags and "`" in line:
        code = code_spans(line)
        tags = [
            m.group(1) for m in _TAG.finditer(line) if not any(a <= m.start() < b for a, b in code)
        ]
    return [t for t in tags if not t.isdigit()]


def _strip_schedule(text: str) -> str:
    """A question's text without its `<!--SR:…-->` schedule, metadata callout and
    trailing ` ^blockid` (the plugin's `splitText`)."""
    if "<!--SR:" in text:
        text = _SR_COMMENT.sub("", text)
    if _SR_CALLOUT in text:
        text = "\n".join(line for line in text.split("\n") if not line.startswith(">"))
    text = text.rstrip()
    return _BLOCK_ID.sub("", text).rstrip()


def _side(text: str) -> str:
    """One side of a card as it shows: a leading list marker or heading dropped."""
    if "\n" not in text:
        return _LIST_MARKER.sub("", text, count=1).lstrip("#").strip()
    return text.strip("\n")


def extract(
    lines: list[str],
    offset: int,
    path: str,
    metadata: dict[str, object],
    settings: OsrSettings,
) -> list[Card]:
    """The cards of one note's body (`lines`, after `offset` lines of front matter)."""
    note_tags = parse_tags(metadata.get("tags"))
    front_decks = [t for t in note_tags if _is_flashcard_tag(t, settings)]
    # tag lines and headings outside fenced code, by line
    tag_lines: list[tuple[int, list[str]]] = []
    headings: list[tuple[int, int, str]] = []  # (line, level, title)
    every_tag = set(note_tags)
    fence = ""
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
            continue
        if line.startswith("#"):
            heading = _HEADING.match(line)
            if heading:
                headings.append((i, len(heading.group(1)), heading.group(2)))
                continue
        line_tags = _tags_of(line)
        every_tag.update(line_tags)
        found = [t for t in line_tags if _is_flashcard_tag(t, settings)]
        if found:
            tag_lines.append((i, found))
    if not front_decks and not tag_lines:
        return []
    if settings.tags_to_ignore and any(_is_ignored(t, settings) for t in every_tag):
        return []
    questions = parse(lines, settings)
    asked = [(q.first, q.last) for q in questions]
    note_level = [
        (line, tags)
        for line, tags in tag_lines
        if not any(a <= line <= b for a, b in asked)
        or (lines[line].strip().startswith("#") and _only_tags(lines[line]))
    ]
    first_tag = (front_decks or tag_lines[0][1])[0]
    patterns = tuple(rx for p in settings.cloze_patterns if (rx := cloze_regex(p)))
    cards: list[Card] = []
    for q in questions:
        text = _strip_schedule(q.text)
        deck = None
        lead = _LEADING_TAG.match(text.lstrip())
        if lead and _is_flashcard_tag(lead.group(0), settings):
            deck = lead.group(0).lstrip("#")
            text = text.lstrip()[lead.end() :].lstrip()
        if deck is None:
            above = [tags for line, tags in note_level if line < q.first]
            deck = (above[-1] if above else front_decks or [first_tag])[0]
        deck = deck.lstrip("#")
        if not text.strip():
            continue
        context = _context(headings, q.first)
        tags = list(note_tags)
        if deck not in tags:
            tags.append(deck)
        cards.extend(_cards(q.kind, text, path, offset + q.first + 1, context, tags, deck,
                            settings, patterns))  # fmt: skip
    return cards


def _only_tags(line: str) -> bool:
    return not _TAG.sub("", line).strip()


def _is_ignored(tag: str, settings: OsrSettings) -> bool:
    tag = tag.lstrip("#").lower()
    for ignored in settings.tags_to_ignore:
        ignored = ignored.lstrip("#").lower()
        if tag == ignored or tag.startswith(ignored + "/"):
            return True
    return False


def _context(headings: list[tuple[int, int, str]], line: int) -> list[str]:
    chain: list[tuple[int, str]] = []
    for at, level, title in headings:
        if at >= line:
            break
        while chain and chain[-1][0] >= level:
            chain.pop()
        chain.append((level, plain_text(title)))
    return [title for _, title in chain if title]


def _cards(
    kind: int,
    text: str,
    path: str,
    line: int,
    context: list[str],
    tags: list[str],
    deck: str,
    settings: OsrSettings,
    patterns: tuple[re.Pattern[str], ...],
) -> list[Card]:
    norm = normalize(text)
    shared = block_hash(norm)
    if kind == CLOZE_CARD:
        return _cloze_cards(text, path, line, context, tags, deck, patterns, norm, shared)
    if kind in (SINGLE, SINGLE_REVERSED):
        separator = settings.single_line if kind == SINGLE else settings.single_line_reversed
        at = text.find(separator)
        question, answer = text[:at], text[at + len(separator) :]
    else:
        separator = settings.multiline if kind == MULTI else settings.multiline_reversed
        rows = text.split("\n")
        at = next(i for i, row in enumerate(rows) if row.strip() == separator)
        question, answer = "\n".join(rows[:at]), "\n".join(rows[at + 1 :])
    question, answer = _side(question), _side(answer)
    if not question or not answer:
        return []
    sides = [(question, answer, "")]
    if kind in (SINGLE_REVERSED, MULTI_REVERSED):
        sides.append((answer, question, REVERSED))
    return [
        Card(
            card_hash(BASIC, norm, key),
            BASIC,
            BlockText(path, line, front, (), back, context, tags, norm),
            (),
            [],
            None,
            shared,
            key,
            deck=deck,
        )
        for front, back, key in sides
    ]


def _cloze_cards(
    text: str,
    path: str,
    line: int,
    context: list[str],
    tags: list[str],
    deck: str,
    patterns: tuple[re.Pattern[str], ...],
    norm: str,
    shared: str,
) -> list[Card]:
    marks: list[Deletion] = []
    at = 0
    for row in text.split("\n"):
        for m in _clozes(row, patterns):
            raw = m.group("answer")
            seq = m.group("seq") if "seq" in m.re.groupindex else None
            hint = m.group("hint") if "hint" in m.re.groupindex else None
            number = int(seq) if seq and seq.isdigit() else None
            answer = plain_text(raw) or raw.strip()
            marks.append(Deletion(ANKI_CLOZE, at + m.start(), at + m.end(), raw, answer, hint,
                                  number))  # fmt: skip
        at += len(row) + 1
    if not marks:
        return []
    shown = BlockText(path, line, text, tuple(marks), "", context, tags, norm)
    groups: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    for i, d in enumerate(marks):
        if d.number is not None:  # classic clozes: one card per sequence number
            key = f"c{d.number}"
        else:
            # simplified clozes (and overlapping ones, `a`/`h`/`s`): one card each
            k = seen.get(d.answer, 0)
            seen[d.answer] = k + 1
            key = f"{d.answer}#{k}"
        groups.setdefault(key, []).append(i)
    return [
        Card(
            card_hash(CLOZE, norm, key),
            CLOZE,
            shown,
            tuple(hidden),
            [marks[i].answer for i in hidden],
            next((marks[i].hint for i in hidden if marks[i].hint), None),
            shared,
            key,
            deck=deck,
        )
        for key, hidden in groups.items()
    ]
