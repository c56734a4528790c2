"""markdown-it's inline loop, each character sent only to the rules that can start there.

markdown-it's inline loop tries every rule, in turn, at every character that
stops a run of text; `dispatch_by_character` gives a parser a loop where each
such character goes straight to the rules that can start with it (as the Rust
port of markdown-it does with its MARKER characters). Same rules, same order
among them, same tokens: only the rules that would have failed at once are not
called. The same loop stamps source positions on the tokens of emphasis runs and
code spans, which `flashcards.notes.inline` reads deletions and code spans by.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import StateInline

# The characters each inline rule can start at: every rule's first test is for one of
# them, so at any other character it fails without doing anything.
_RULE_STARTS = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "emphasis": "*_",
    "mark": "=",
    "caret_mark": "^",
    "cloze": "{",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}


def dispatch_by_character(md: MarkdownIt, stops: str) -> None:
    """Give `md` an inline loop that calls, at each character, only the rules that can
    start there, in the parser's own order; `text` everywhere else.

    This replaces markdown-it's `tokenize` and `skipToken` (the same loops, with the
    rule list looked up by character) and stamps source positions on the tokens of
    emphasis runs and code spans. A rule this table does not know (a markdown-it
    upgrade) leaves markdown-it's own loop in place, its rules stamping all the same.
    """
    inline = md.inline
    chain = [r for r in inline.ruler.__rules__ if r.enabled]
    rules_at = _rules_by_character(chain, stops)
    if rules_at is None:
        for rule in inline.ruler.__rules__:
            if rule.name in _STAMPS:
                rule.fn = _STAMPS[rule.name](rule.fn)
        inline.ruler.__cache__ = None  # its chains are compiled again, with them
        return
    text = chain[0].fn
    text_only = (text,)
    max_nesting = md.options["maxNesting"]

    def tokenize(state: StateInline) -> None:
        src = state.src
        end = state.posMax
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < max_nesting:
                for rule in rules_at.get(src[pos], text_only):
                    if rule(state, False):
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        ok = True
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.append_pending(src[state.pos])
            state.pos += 1
        if state.pending:
            state.pushPending()

    def skip_token(state: StateInline) -> None:
        pos = state.pos
        cache = state.cache
        if pos in cache:
            state.pos = cache[pos]
            return
        ok = False
        if state.level < max_nesting:
            for rule in rules_at.get(state.src[pos], text_only):
                state.level += 1
                ok = rule(state, True)
                state.level -= 1
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        else:
            state.pos = state.posMax
        if not ok:
            state.pos += 1
        cache[pos] = state.pos

    inline.tokenize = tokenize  # type: ignore[method-assign]
    inline.skipToken = skip_token  # type: ignore[method-assign]


def _rules_by_character(chain: list, stops: str) -> dict[str, tuple] | None:
    """{character: the rules that can start there, in the chain's order}, the emphasis
    and code span rules stamping; None for a chain the table does not know."""
    if chain[0].name != "text" or any(r.name not in _RULE_STARTS for r in chain[1:]):
        return None
    table: dict[str, list] = {ch: [] for ch in stops}  # a stop no rule starts at: plain text
    for rule in chain[1:]:
        fn = _STAMPS[rule.name](rule.fn) if rule.name in _STAMPS else rule.fn
        for ch in _RULE_STARTS[rule.name]:
            if ch not in table:
                return None  # `text` would run past this rule's character
            table[ch].append(fn)
    return {ch: tuple(fns) for ch, fns in table.items()}


def _stamp_emphasis(
    rule: Callable[[StateInline, bool], bool],
) -> Callable[[StateInline, bool], bool]:
    """markdown-it's emphasis rule, and the source position of each marker token it pushed
    (one per character of the run, the last tokens of the stream)."""

    def emphasis(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        tokens = state.tokens
        run = state.pos - start
        for k in range(run):
            tokens[k - run].meta["pos"] = start + k
        return True

    return emphasis


def _stamp_code(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """markdown-it's code span rule, and the source position of the code span it pushed."""

    def backticks(state: StateInline, silent: bool) -> bool:
        start = state.pos
        tokens = state.tokens
        count = len(tokens)
        if not rule(state, silent):
            return False
        if len(tokens) > count and tokens[-1].type == "code_inline":
            tokens[-1].meta["pos"] = start
        return True

    return backticks


_STAMPS = {"emphasis": _stamp_emphasis, "backticks": _stamp_code}
