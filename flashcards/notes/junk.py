"""Junk rules: strong and highlight deletions that make no card a student would want.

Bold and highlight are emphasis as often as they are answers. A deletion is
skipped when its answer is a stock label (`**Note:**`, `**Ex.**`, `**Step 2**`),
a version number (`**v1.2**`, `**1.2.3**`, `**2.0**` next to "version" or
"release"), a lone emphasis word (`**not**`, `**only**`), bold inside a word
(`foo**bar**`, Python's `__init__`), one or two characters, a whole sentence, the
subject a list is introduced with (`- MIT **Probability** (videos):`), a word of a
question (`What is the **cheapest** sort?`: a question's answer is not in it), a word
of a quoted example (`"the **river** flows into a quiet lake"`), a table cell (row and
column names, figures: the table is what there is to read), a lead-in that opens its
line and ends it with a colon, naming the lines below it (`**Algorithm**:` above the
code), the same answer as an earlier deletion of the block (its card hides both
already), or a refrain: the same bold in every item of a list of three or more (`- As
a **guest**, I want …` down a list of user stories, `- **Alice** said …` down a
dialogue), which marks the list's pattern, not what each item teaches. `**term:**
definition` is the commonest good card in study notes and is kept. Explicit
clozes (`{{c1::…}}`, `{{cloze …}}`) are what an author wrote on purpose: no rule
looks at them. Every rule can be switched off in a deck spec (`junk:`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from flashcards.notes.junk_labels import is_note_label
from flashcards.notes.markers import HIGHLIGHT, STRONG, Deletion

LABEL = "label"
VERSION = "version"
EMPHASIS = "emphasis"
INSIDE_WORD = "inside_word"
SHORT = "short"
SENTENCE = "sentence"
LIST_HEADING = "list_heading"
QUESTION = "question"
QUOTED = "quoted"
REPEAT = "repeat"
TABLE = "table"
LEAD_IN = "lead_in"
REFRAIN = "refrain"
ALL_RULES = (
    LABEL, VERSION, EMPHASIS, INSIDE_WORD, SHORT, SENTENCE, LIST_HEADING, QUESTION, QUOTED,
    REPEAT, TABLE, LEAD_IN, REFRAIN,
)  # fmt: skip
# What the build report and `cards --skipped` call each rule.
REASONS = {
    LABEL: "stock label",
    VERSION: "version number",
    EMPHASIS: "emphasis word",
    INSIDE_WORD: "bold inside a word",
    SHORT: "1–2 characters",
    SENTENCE: "a whole sentence",
    LIST_HEADING: "names the list below",
    QUESTION: "a word of a question",
    QUOTED: "a word of a quoted example",
    REPEAT: "the same answer again",
    TABLE: "a table cell",
    LEAD_IN: "introduces the lines below",
    REFRAIN: "bold in every item of the list",
}
# A sentence in bold is emphasis, not a term to recall word for word: eight words, or
# five opening a line or a sentence and ending as a sentence ends (`**I do not recommend
# my cards.**`, `It gets messy. **I use a pencil.**`)
_SENTENCE_END = re.compile(r"[.!?。！？។]$")
_SENTENCE_BEFORE = re.compile(r"[.!?。！？។][\s\u3000]*\Z")
_SENTENCE_WORDS, _PHRASE_WORDS = 5, 8
# The end of the sentence a deletion stands in: a full stop, question or exclamation mark
# followed by a space or the end, or the end of the line
_SENTENCE_STOP = re.compile(r"[.!?。！？](?=\s|\Z|[*_=\])\"'”’])|\n")
_QUESTION_MARKS = ("?", "？")
# A quoted passage on one line; quotes of a word or two are names or terms, not examples
_QUOTES = re.compile(r'"[^"\n]+"|“[^”\n]+”|„[^“”\n]+[“”]|«[^»\n]+»')
_QUOTE_OPEN = re.compile(r'["“„«]')
_MARK_CHARS = re.compile(r"[*_=~`]+")
_QUOTE_WORDS = 3  # words of the quote besides the deletion that make it an example
# A lead-in this long is a phrase naming what follows, not a term to recall
_LEAD_IN_WORDS = 3
# What a lead-in may stand above: code, a table, an image, a list item, a quote
_SHOWN_BELOW = re.compile(r"[ \t]*(?:```|~~~|\||!\[|[-*+][ \t]|\d+[.)][ \t]|>)")
# A row of a pipe table, and the rule under its header row
_TABLE_ROW = re.compile(r"[ \t>]*\|.*\|[ \t]*")
_TABLE_RULE = re.compile(r"^[ \t>]*\|?[ \t]*:?-{3,}:?[ \t]*\|", re.MULTILINE)

_LABELS = {
    "note", "notes", "nb", "n.b", "example", "examples", "ex", "e.g", "eg", "i.e", "tip",
    "tips", "hint", "hints", "warning", "caution", "danger", "attention", "important", "info",
    "question", "questions", "answer", "answers", "q", "a", "summary", "tl;dr", "tldr",
    "definition", "definitions", "def", "remark", "remarks", "todo", "update", "edit",
    "breaking change", "breaking changes", "deprecated", "key point", "key points",
    "takeaway", "takeaways", "key takeaway", "key takeaways", "conclusion", "overview",
    "introduction", "see also", "pros", "cons", "advantages", "disadvantages", "why", "how",
    "what", "notice", "explanation", "meaning", "translation", "synonyms", "antonyms",
    "recap", "exercise", "exercises", "solution", "mnemonic", "reminder",
    # the same labels in the languages study notes are often written in
    "nota", "notas", "let op", "opmerking", "hinweis", "wichtig", "achtung", "beispiel",
    "remarque", "exemple", "importante", "ejemplo", "esempio", "uwaga",
    "примечание", "примітка", "внимание", "важно", "увага", "пример", "приклад",
    "注意", "注", "重要", "例", "提示", "참고", "주의",
}  # fmt: skip
# `**Please Note:**`, `**Side note:**`, `**Note on flashcards:**`: a note's label however
# it is phrased (with a colon; `**note on X**` alone may be a title worth asking)
_NOTE_PHRASE = re.compile(
    r"(?:(?:please|side|important|quick|small|final|general|one|a|an|another|short)\s+)*"
    r"(?:note|nota|notiz|remarque|hinweis)s?"
    r"(?:\s+(?:on|about|to|for|regarding|of|en|op|sur|zu|sobre|de)\b.{0,60})?",
    re.IGNORECASE,
)
# Words that are labels only as `**Word:**` (elsewhere they may well be the answer).
_COLON_LABELS = {
    "problem", "result", "results", "output", "input", "source", "sources", "usage",
    "syntax", "context", "background", "goal", "goals", "purpose", "status", "reference",
    "references", "features", "security", "fixed", "added", "changed", "removed", "new",
    "when", "where", "who", "use", "uses", "use case", "use cases", "idea", "key", "main",
    "rule", "rules", "steps", "method", "approach", "issue", "cause", "fix", "effect",
    "intuition", "insight", "insights", "observation", "observations", "motivation",
    "caveat", "caveats", "analogy", "concept",
}  # fmt: skip
_NUMBERED = re.compile(
    r"(?:step|stage|part|phase|chapter|section|lesson|lecture|week|day|unit|module|"
    r"example|exercise|question|problem|task|theorem|lemma|corollary|proposition|"
    r"definition|figure|fig|table|case|option|round|level|rule|tip|note)"
    r"\s*(?:\d+|[ivxlc]+|[a-z])(?:[.)]\d+)*",
    re.IGNORECASE,
)
_EMPHASIS_WORDS = {
    "not", "never", "only", "must", "all", "always", "no", "none", "nothing", "nobody",
    "any", "every", "each", "both", "either", "neither", "nor", "very", "most", "least",
    "cannot", "can't", "can not", "don't", "do not", "doesn't", "does not", "won't",
    "will not", "shouldn't", "should not", "mustn't", "must not", "isn't", "is not",
    "aren't", "are not", "should", "shall", "will", "may", "might", "can", "is", "are",
    "and", "or", "but", "also", "even", "just", "exactly", "really", "still", "ever",
    "at all", "at least", "at most", "every time", "don’t", "can’t", "won’t", "isn’t",
    "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "same",
    "wasn't", "weren't", "hasn't", "haven't", "didn't", "wasn’t", "didn’t", "doesn’t",
    "until", "unless", "except", "without", "within", "than",
}  # fmt: skip
# Words that only soften or sharpen the emphasis words they go with: `**Please don't**`,
# `**really not**`, `**absolutely never**` are emphasis all the same
_INTENSIFIERS = {
    "please", "really", "absolutely", "definitely", "certainly", "actually", "strictly",
    "completely", "entirely", "totally", "necessarily", "simply", "so", "too", "much",
}  # fmt: skip
_VERSION = re.compile(
    r"v(?:ersion)?\.?\s*\d+(?:\.\d+)*[a-z0-9.+-]*|\d+\.\d+\.\d+[a-z0-9.+-]*", re.I
)
_DECIMAL = re.compile(r"\d+\.\d+[a-z0-9+-]*", re.I)
_VERSION_WORD = re.compile(r"\b(?:version|release|released|v\d|upgrade|changelog)", re.I)
_LEAD = re.compile(r"[\s>*\-+#(\[\d.)]+")  # list markers, quotes, headings before a label
_TRAILING = re.compile(r"[\s:：៖ៈ.\-–—)!?]+$")
_COLON_AFTER = (":", ".", "：", "៖", "ៈ")
_WORD_CHAR = re.compile(r"\w")
# Python's special names: `__init__` is code, where `__term__` is emphasis
_DUNDERS = {
    "init", "new", "del", "name", "main", "file", "doc", "dict", "slots", "class", "module",
    "all", "str", "repr", "bytes", "format", "hash", "bool", "len", "iter", "next", "call",
    "getattr", "getattribute", "setattr", "delattr", "getitem", "setitem", "delitem",
    "contains", "enter", "exit", "aenter", "aexit", "eq", "ne", "lt", "le", "gt", "ge",
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor", "neg",
    "pos", "abs", "int", "float", "index", "get", "set", "set_name", "init_subclass",
    "post_init", "future", "builtins", "version", "path", "package", "spec", "loader",
    "qualname", "annotations", "mro", "subclasses", "await", "aiter", "anext", "reversed",
    "missing", "copy", "deepcopy", "reduce", "getstate", "setstate", "sizeof", "fspath",
}  # fmt: skip
_DUNDER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")  # `__class_getitem__`
# These two wide character classes take ~3.5 ms to compile, paid by every process that
# imports the deck settings (the study app's start among them): compiled on first use


@cache
def _cjk() -> re.Pattern[str]:
    return re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@cache
def _unspaced() -> re.Pattern[str]:
    """Scripts written without spaces between words (Thai, Lao, Khmer, Myanmar, Chinese,
    Japanese): there two characters count as a word when a bold is measured as a sentence."""
    return re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff]")


# What may stand around a title's bold: a task checkbox before it (`- [ ]**X**` too); after
# it colons, dashes, links and parentheticals (`- [ ] **AVL trees** (videos)`, `**X**:
# [Primer](url)`), on the following lines too and between commas (`**Translators**: [A](url),
# [B](url)`): nothing a student could recall
_TITLE_BEFORE = re.compile(r"\[[ xX]\][ \t]*")
_LINK = r"\[[^\]\n]*+\][ \t]?\([^)\n]*+\)|<[^>\n]*+>|https?://[^\s)]++"
# possessive: each character is looked at once, however long a hostile line of spaces is
_TITLE_AFTER = re.compile(rf"(?:[\s,;/:：\-–—]++|{_LINK}|\([^()\n]*+\)|\((?:{_LINK})\))*+")
# A bold that closes a line introducing a list of resources: after it an aside saying what
# they are, and the colon (`- MIT **Probability** (videos):`); `we learn a **similarity
# function**:` and `Translation (**many to many**):` are answers
_LIST_HEAD_AFTER = re.compile(r"(?:[ \t]*+\([^()\n]*+\))++[ \t]*+[:：][ \t]*+\Z")


def is_title(text: str, d: Deletion) -> bool:
    """Whether the block is a title, not a card: one strong deletion that is all of it
    but a task checkbox before and links or parentheticals after (`- **Chapter 1**`,
    `- [ ] **AVL trees** (videos)`, `- **START HERE**: [The Primer](url)`)."""
    if d.kind != STRONG:
        return False
    before = text[: d.start]
    if before and not _TITLE_BEFORE.fullmatch(before):
        return False
    return _TITLE_AFTER.fullmatch(text, d.end) is not None


class Skipped(NamedTuple):
    """A deletion that made no card: where, what it hid, and which rule said so."""

    source: str
    line: int
    answer: str
    rule: str  # one of ALL_RULES

    @property
    def reason(self) -> str:
        return REASONS[self.rule]


def _bare(answer: str) -> str:
    """The answer as a label reads: case folded, a trailing colon, dot or dash dropped."""
    return _TRAILING.sub("", answer.strip()).lower()


def junk_rule(d: Deletion, text: str, rules: frozenset[str]) -> str | None:
    """The first of `rules` that says deletion `d` of `text` is junk, or None.

    Only strong and highlight deletions are judged; clozes never are.
    """
    if d.kind not in (STRONG, HIGHLIGHT) or not rules:
        return None
    answer = d.answer.strip()
    bare = _bare(answer)
    if INSIDE_WORD in rules and _inside_word(d, text):
        return INSIDE_WORD
    if LABEL in rules and _is_label(answer, bare, d, text):
        return LABEL
    if VERSION in rules and _is_version(answer, d, text):
        return VERSION
    if EMPHASIS in rules and (bare in _EMPHASIS_WORDS or (" " in bare and _is_emphasis(bare))):
        return EMPHASIS
    if SHORT in rules and len(bare) <= 2 and not _cjk().search(bare):
        return SHORT
    if SENTENCE in rules and _is_sentence(answer, d, text):
        return SENTENCE
    if LIST_HEADING in rules and _LIST_HEAD_AFTER.match(text, d.end) is not None:
        return LIST_HEADING  # the list below is what there is to learn, the bold its subject
    if QUESTION in rules and ("?" in text or "？" in text) and _in_question(answer, d, text):
        return QUESTION
    if QUOTED in rules and _QUOTE_OPEN.search(text) and _in_quoted_example(d, text):
        return QUOTED
    if TABLE in rules and "|" in text and _in_table(d, text):
        return TABLE
    if (
        LEAD_IN in rules
        and (text[d.end : d.end + 1] in ":：\n" or answer.endswith(_COLON_AFTER))
        and "\n" in text
        and _is_lead_in(answer, d, text)
    ):
        return LEAD_IN
    return None


def _line_of(d: Deletion, text: str) -> tuple[int, int]:
    start = text.rfind("\n", 0, d.start) + 1
    end = text.find("\n", d.end)
    return start, len(text) if end < 0 else end


def _in_table(d: Deletion, text: str) -> bool:
    """Whether `d` stands in a row of a pipe table (the block has its `|---|` row)."""
    start, end = _line_of(d, text)
    return _TABLE_ROW.fullmatch(text, start, end) is not None and bool(_TABLE_RULE.search(text))


def _is_lead_in(answer: str, d: Deletion, text: str) -> bool:
    """`**Algorithm**:` alone on its line above code, a table, an image, a list or a
    quote, or a lead-in phrase of three words or more (`**Things to check first:**`) above
    anything: it names what follows. A term alone on its line above its definition
    (`**Osmosis:**` then `water crossing a membrane`) is a card, as on one line."""
    start, end = _line_of(d, text)
    if end >= len(text.rstrip()) or not _opens_line(d, text):
        return False
    rest = text[d.end : end].strip()
    if not ((answer.endswith(_COLON_AFTER) and not rest) or rest in (":", "：")):
        return False
    return _words(answer) >= _LEAD_IN_WORDS or _SHOWN_BELOW.match(text, end + 1) is not None


def is_repeat(d: Deletion, kept: set[str], rules: frozenset[str]) -> bool:
    """Whether strong or highlight `d` hides the same answer (in any case) as a deletion
    of the block already kept (`kept`: their answers, case folded; `d`'s is added): that
    card hides every copy of its answer, so a second card would be the same card
    (`a **heap** is a tree; a binary **heap** …`)."""
    if REPEAT not in rules or d.kind not in (STRONG, HIGHLIGHT):
        return False
    folded = d.answer.strip().casefold()
    if folded in kept:
        return True
    kept.add(folded)
    return False


# A bold in every item of a list this long is the list's refrain
REFRAIN_BLOCKS = 3
_BOLD_SOURCE = re.compile(r"\*\*([^*\n]{1,200})\*\*|__([^_\n]{1,200})__|==([^=\n]{1,200})==")
# and with Logseq's `^^highlight^^` (`carets`)
_CARET_SOURCE = re.compile(_BOLD_SOURCE.pattern + r"|\^\^([^^\n]{1,200})\^\^")


def refrains(blocks: list[list[str]], carets: bool = False) -> frozenset[str]:
    """The bold and highlighted texts (as written, case folded) that every one of `blocks`
    (the lines of each block of one list) that bolds anything bolds, when at least
    REFRAIN_BLOCKS do. A list whose items bold different answers (`A novel is a **short
    loan**`, `A map is a **reference loan**`) teaches each of them; one that
    bolds the same in every item gives cards that all have one answer. With `carets`,
    `^^x^^` is a highlight too (Logseq)."""
    common: set[str] | None = None
    bolding = 0
    source = _CARET_SOURCE if carets else _BOLD_SOURCE
    for lines in blocks:
        keys = {
            "".join(m.groups("")).strip().casefold()
            for line in lines
            if "**" in line
            or "__" in line
            or "==" in line
            or (carets and "^" in line and "^^" in line)
            for m in source.finditer(line)
        }
        if not keys:
            continue
        bolding += 1
        common = keys if common is None else common & keys
        if not common:
            return frozenset()  # most lists: the second item bolds something else
    return frozenset(common) if common and bolding >= REFRAIN_BLOCKS else frozenset()


def is_refrain(d: Deletion, found: frozenset[str], rules: frozenset[str]) -> bool:
    """Whether strong or highlight `d` is one of the list's refrains (`refrains`)."""
    return (
        REFRAIN in rules and d.kind in (STRONG, HIGHLIGHT) and d.inner.strip().casefold() in found
    )


def _is_emphasis(bare: str) -> bool:
    """An emphasis word, or words that are all emphasis words or their intensifiers
    (`please don't`), at least one of them an emphasis word."""
    if bare in _EMPHASIS_WORDS:
        return True
    words = bare.split()
    return (
        len(words) > 1
        and all(w in _EMPHASIS_WORDS or w in _INTENSIFIERS for w in words)
        and any(w in _EMPHASIS_WORDS for w in words)
    )


def _in_question(answer: str, d: Deletion, text: str) -> bool:
    """Whether `d` is a part of a question: the sentence it stands in ends with a
    question mark (`What is the **cheapest** way to sort?`), or the bold is one."""
    if answer.endswith(_QUESTION_MARKS):
        return True
    end = _SENTENCE_STOP.search(text, d.end)
    return end is not None and end.group() in _QUESTION_MARKS


def _in_quoted_example(d: Deletion, text: str) -> bool:
    """Whether `d` is a word or two of a quoted sentence on its line (`"the **river** flows
    into a quiet **lake**"`): the example shows a point, its words are not facts to recall.
    A bold that is the whole quote, or a quote of a word or two, is an answer."""
    line_start, line_end = _line_of(d, text)
    line = text[line_start:line_end]
    at, end = d.start - line_start, d.end - line_start
    for quote in _QUOTES.finditer(line):
        if quote.start() < at and end < quote.end():
            inside = _MARK_CHARS.sub(" ", quote.group()[1:-1])
            outside = len(inside.split()) - len(_MARK_CHARS.sub(" ", d.answer).split())
            return outside >= _QUOTE_WORDS
    return False


def _opens_line(d: Deletion, text: str) -> bool:
    """Whether only list markers, a quote or a heading's `#` stand before `d` on its line."""
    line_start = text.rfind("\n", 0, d.start) + 1
    return not _LEAD.sub("", text[line_start : d.start])


def _words(answer: str) -> int:
    """Words of `answer`; in scripts without spaces, a word per two characters (Chinese,
    Japanese) or four (Thai, Khmer: their vowels are characters of their own)."""
    count = 0
    for token in answer.split():
        unspaced = _unspaced().findall(token)
        if not unspaced:
            count += 1
            continue
        ideographs = sum(ch >= "\u3040" for ch in unspaced)
        count += max(1, ideographs // 2 + (len(unspaced) - ideographs) // 4)
    return count


def _is_sentence(answer: str, d: Deletion, text: str) -> bool:
    words = _words(answer)
    if words >= _PHRASE_WORDS:
        return True
    if words < _SENTENCE_WORDS:
        return False
    ends = _SENTENCE_END.search(answer) is not None or text[d.end : d.end + 1] in ".!?。！？។"
    # `first, **focus on the business metrics!**` is an answer; a bold that opens its line
    # or follows a full stop and ends with one is a sentence of its own
    return ends and (
        _opens_line(d, text)
        or _SENTENCE_BEFORE.search(text[max(0, d.start - 8) : d.start]) is not None
    )


def _is_label(answer: str, bare: str, d: Deletion, text: str) -> bool:
    """A stock label: `**Step 2**` anywhere; `**Note**` opening a line or with a colon
    (`the **answer** is 42` is a sentence, `**Answer:** 42` a label)."""
    if _NUMBERED.fullmatch(bare):
        return True
    colon = answer.endswith(_COLON_AFTER) or text[d.end : d.end + 1] in _COLON_AFTER
    if colon and (_NOTE_PHRASE.fullmatch(bare) or is_note_label(bare)):
        return True
    if bare in _COLON_LABELS:
        return colon
    if bare not in _LABELS:
        return False
    return colon or _opens_line(d, text)


def _inside_word(d: Deletion, text: str) -> bool:
    before = text[d.start - 1] if d.start > 0 else ""
    after = text[d.end] if d.end < len(text) else ""
    if (before and _WORD_CHAR.match(before)) or (after and _WORD_CHAR.match(after)):
        return True
    # `__init__`, `__name__`: a Python dunder name, not `__term__` emphasis
    return text.startswith("__", d.start) and (
        d.inner in _DUNDERS or _DUNDER.fullmatch(d.inner) is not None
    )


def _is_version(answer: str, d: Deletion, text: str) -> bool:
    if _VERSION.fullmatch(answer):
        return True
    if _DECIMAL.fullmatch(answer):
        near = text[max(0, d.start - 40) : d.end + 40]
        return _VERSION_WORD.search(near) is not None
    return False
