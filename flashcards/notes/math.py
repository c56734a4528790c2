"""Math in notes: the `$…$` / `$$…$$` Markdown rule, and LaTeX as readable Unicode.

`math_plugin` teaches a markdown-it parser Pandoc's dollar rule (the plain renderer
and the Anki exporter share it); `math_text` turns a formula into Unicode through
pylatexenc, bounded (a formula longer than MAX_MATH, or one pylatexenc cannot read,
shows as written), with amsmath's fractions added to what pylatexenc knows.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it and pylatexenc load with the first formula, not before
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.macrospec import LatexContextDb

MAX_MATH = 1_000  # characters of one formula given to pylatexenc; longer ones show as written


def _math(state: StateInline, silent: bool) -> bool:
    """`$$display$$` and `$inline$` (Pandoc's rule: no space inside the dollars, no
    digit right after the closing one, so `$5 and $10` stay text)."""
    src, pos = state.src, state.pos
    if src[pos] != "$":
        return False
    if src.startswith("$$", pos):
        end = src.find("$$", pos + 2)
        if end < 0 or not src[pos + 2 : end].strip():
            return False
        if not silent:
            token = state.push("math", "", 0)
            token.content = src[pos + 2 : end]
            token.meta["display"] = True
        state.pos = end + 2
        return True
    if pos + 1 >= len(src) or src[pos + 1].isspace():
        return False
    end = pos + 1
    while True:
        end = src.find("$", end)
        if end < 0:
            return False
        if src[end - 1] == "\\":
            end += 1
            continue
        if src[end - 1].isspace() or src[end + 1 : end + 2].isdigit():
            return False
        break
    if not silent:
        token = state.push("math", "", 0)
        token.content = src[pos + 1 : end]
        token.meta["display"] = False
    state.pos = end + 1
    return True


def math_plugin(md: MarkdownIt) -> None:
    """Teach a parser `$…$` / `$$…$$` (`math` tokens; `meta["display"]` for `$$`): the
    plain renderer and the Anki exporter share this one definition."""
    md.inline.ruler.before("escape", "math", _math)
    md.inline.add_terminator_char("$")


@lru_cache(maxsize=2048)
def math_text(source: str) -> str:
    """LaTeX → readable Unicode (pylatexenc); the source itself when too long or unreadable."""
    if len(source) > MAX_MATH:
        return source
    converter, context = _latex()
    try:
        text = converter.latex_to_text(source, latex_context=context)
    except Exception:  # noqa: BLE001 - any failure of the converter shows the formula as written
        return source
    return " ".join(text.split()) or source


# pylatexenc knows `\frac` but not amsmath's display, text and continued fractions, and
# reads `\dfrac{9}{2}` as `92`: they are fractions all the same
_FRACTIONS = ("dfrac", "tfrac", "cfrac")


@lru_cache(maxsize=1)
def _latex() -> tuple[LatexNodes2Text, LatexContextDb]:
    """The LaTeX-to-Unicode converter and the parser's macros, amsmath's fractions added."""
    from pylatexenc import latex2text, latexwalker, macrospec  # deferred: ~30 ms, only for math

    texts = latex2text.get_default_latex_context_db()
    frac = texts.get_macro_spec("frac")
    texts.add_context_category(
        "amsmath-fractions",
        macros=[latex2text.MacroTextSpec(n, simplify_repl=frac.simplify_repl) for n in _FRACTIONS],
        prepend=True,
    )
    parsing = latexwalker.get_default_latex_context_db()
    parsing.add_context_category(
        "amsmath-fractions", macros=[macrospec.MacroSpec(n, "{{") for n in _FRACTIONS], prepend=True
    )
    converter = latex2text.LatexNodes2Text(
        latex_context=texts, math_mode="text", strict_latex_spaces=False
    )
    return converter, parsing
