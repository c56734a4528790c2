"""The harmless inline HTML tags notes use (`<u>`, `<sup>`, `<kbd>`, `<br>`...) as styles.

Notes written for Anki or Obsidian carry a few inline tags that Markdown has no
syntax for. `flashcards.notes.render` shows them as their text with the matching
style (underline, italic, strong, strike, highlight, code), a `<br>` as a line
break, and `<sup>`/`<sub>` as Unicode superscript/subscript characters where
every character has one (`x<sup>2</sup>` → `x²`; otherwise the text as it is).
The tags are read, never passed on: a tag this module does not know, one that does
not close (or closes without opening), or one whose attributes are not well formed
stays as written, as text. Pure: no Textual, no Rich.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

TOKEN = "html_tag"  # the markdown-it token this module's rule makes
SUP = "sup"
SUB = "sub"
BREAK = "br"

UNDERLINE = "underline"  # the one style no Markdown syntax gives

# tag → the style its text gets (`flashcards.notes.render`'s names), "" for none
TAG_STYLES = {
    "u": UNDERLINE,
    "ins": UNDERLINE,
    "i": "em",
    "em": "em",
    "cite": "em",
    "var": "em",
    "b": "strong",
    "strong": "strong",
    "s": "strike",
    "del": "strike",
    "strike": "strike",
    "mark": "mark",
    "kbd": "code",
    "code": "code",
    "samp": "code",
    "tt": "code",
    "small": "",
    "big": "",
    "span": "",
    "abbr": "",
    "q": "",
    SUP: "",
    SUB: "",
}

_ATTR = r"""\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?"""
_TAG = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9]*)((?:{_ATTR})*)\s*(/?)>")

_SUPERSCRIPT = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-−=()aeoxi", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₒₓᵢ")
_SHIFTABLE = {SUP: set("0123456789+-−=()ni"), SUB: set("0123456789+-−=()aeoxi")}


def _html_tag(state: StateInline, silent: bool) -> bool:
    """One of TAG_STYLES' tags (or `<br>`, `<br/>`): an `html_tag` token."""
    if state.src[state.pos] != "<":
        return False
    m = _TAG.match(state.src, state.pos)
    if m is None:
        return False
    closing, name, _attrs, void = m.groups()
    name = name.lower()
    if name != BREAK and (name not in TAG_STYLES or void):
        return False
    if name == BREAK and closing:
        return False
    if not silent:
        token = state.push(TOKEN, "", 0)
        token.content = m.group(0)
        token.meta["name"] = name
        token.meta["closing"] = bool(closing)
    state.pos = m.end()
    return True


def html_tag_plugin(md: MarkdownIt) -> None:
    """Teach a parser (one with `html` off) the tags of TAG_STYLES as `html_tag` tokens."""
    md.inline.ruler.before("html_inline", TOKEN, _html_tag)


def paired(tokens: list[Token]) -> set[int]:
    """The indexes of the `html_tag` tokens that open and close in pairs (each `<br>`
    too); the others are text."""
    found: set[int] = set()
    open_: list[tuple[str, int]] = []
    for i, tok in enumerate(tokens):
        if tok.type != TOKEN:
            continue
        name = tok.meta["name"]
        if name == BREAK:
            found.add(i)
        elif not tok.meta["closing"]:
            open_.append((name, i))
        elif open_ and any(n == name for n, _ in open_):
            # close the nearest open tag of this name; any opened after it stay text
            while open_:
                n, at = open_.pop()
                if n == name:
                    found.update((at, i))
                    break
    return found


def shifted(texts: list[str], name: str) -> list[str]:
    """A `<sup>` or `<sub>` run's texts as Unicode superscript/subscript characters,
    when every character has one; as they are otherwise."""
    if not all(set(t) <= _SHIFTABLE[name] for t in texts):
        return texts
    table = _SUPERSCRIPT if name == SUP else _SUBSCRIPT
    return [t.translate(table) for t in texts]
