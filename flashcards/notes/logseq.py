"""What only Logseq writes, read as Logseq shows it.

- `graph_root`: the Logseq graph a notes file sits in (a folder above it holding
  `logseq/config.edn`), or None;
- `page_title`: a page's title (`title::`, else its file name decoded as Logseq
  encodes it), the root of its cards' breadcrumbs;
- `clean`: what Logseq shows as chrome, not as text, taken out of the blocks —
  drawers (`:LOGBOOK:` … `:END:`), `SCHEDULED:`/`DEADLINE:` lines, task markers
  and priorities, the `#+BEGIN_X`/`#+END_X` lines (a QUERY's body with them, a
  SRC or EXAMPLE body kept as code), and macros other than clozes and embeds;
- `entries` and `resolve`: `((uuid))` block references and `{{embed …}}` shown
  as the text they point to, from the graph's index (`GraphIndex`: block uuid →
  its text, `[[page` → the page's text). A reference shows plain text: the marks
  of the block it points to make no deletion where it is shown. One that points
  nowhere shows a short placeholder, never the uuid.

`clean` is harmless outside a graph (no other dialect writes drawers or `{{…}}`
macros), so every note gets it; the rest applies to a graph's notes.
"""

from __future__ import annotations

import os
import re
from collections import ChainMap
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from flashcards.notes.markers import ALL_MARKERS, CARET_HIGHLIGHT
from flashcards.notes.outline import Block, Note

GraphIndex = Mapping[str, str]  # block uuid (lower case) or "[[" + page name (lower) -> text

MISSING_BLOCK = "[missing block]"
MISSING_PAGE = "[missing page]"
MAX_GRAPH_DEPTH = 32  # folders looked at above a file for `logseq/config.edn`
MAX_REF_DEPTH = 3  # references inside referenced text resolved, then a placeholder
MAX_ENTRY_CHARS = 2_000  # of one block's text in the index
MAX_PAGE_CHARS = 600  # of a page's text where it is embedded

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_IS_UUID = re.compile(_UUID + r"\Z")
_REF = re.compile(r"\[([^\[\]]*)\]\(\(\((" + _UUID + r")\)\)\)|\(\((" + _UUID + r")\)\)")
_EMBED = re.compile(
    r"\{\{embed[ \t]+(?:\(\((" + _UUID + r")\)\)|\[\[([^\[\]{}]{1,500})\]\])[ \t]*\}\}"
)
# `{{name …}}` macros other than clozes and embeds: query, renderer, video, youtube, …
_MACRO = re.compile(
    r"\{\{(?!\{)[ \t]*(?!cloze\b|embed\b|c\d{1,3}::)[A-Za-z][\w-]*[^{}]{0,4000}\}\}"
)
_TASK = re.compile(
    r"(?:(?:TODO|DOING|DONE|LATER|NOW|WAITING|WAIT|CANCELED|CANCELLED|IN-PROGRESS)(?:[ \t]+|$))?"
    r"(?:\[#[A-Ca-c]\](?:[ \t]+|$))?"
)
_DRAWER = re.compile(r"[ \t]*:([A-Za-z][\w-]*):[ \t]*$")
_DRAWER_END = re.compile(r"[ \t]*:END:[ \t]*$", re.IGNORECASE)
_PLANNING = re.compile(r"[ \t]*(?:SCHEDULED|DEADLINE):[ \t]*<")
_BEGIN = re.compile(r"[ \t]*#\+BEGIN_(\w+)", re.IGNORECASE)
_END = re.compile(r"[ \t]*#\+END_(\w+)[ \t]*$", re.IGNORECASE)
_CODE_BODIES = {"SRC", "EXAMPLE", "EXPORT"}  # shown as written: code, no deletions
_DROPPED_BODIES = {"QUERY", "COMMENT"}  # not text at all
_JOURNAL = re.compile(r"(\d{4})_(\d{2})_(\d{2})\Z")
# what a referenced entry is read with: every marker, and `^^x^^` (a graph's highlight)
_SHOWN_MARKERS = frozenset({*ALL_MARKERS, CARET_HIGHLIGHT})
_TRIGGER = re.compile(r"\*\*|__|==|\^\^|\{\{")


@lru_cache(maxsize=1024)
def _root_above(folder: str) -> str | None:
    here = folder
    for _ in range(MAX_GRAPH_DEPTH):
        if os.path.isfile(os.path.join(here, "logseq", "config.edn")):
            return here
        up = os.path.dirname(here)
        if up == here:
            return None
        here = up
    return None


def graph_root(path: str | Path) -> str | None:
    """The Logseq graph `path` (a notes file or folder) belongs to, or None."""
    path = os.path.abspath(path)
    return _root_above(path if os.path.isdir(path) else os.path.dirname(path))


@lru_cache(maxsize=64)
def _legacy_names(root: str) -> bool:
    """Whether the graph names files the old way (`a.b.md` is page `a/b`): its config
    does not say `:file/name-format :triple-lowbar`."""
    try:
        with open(os.path.join(root, "logseq", "config.edn"), "rb") as f:
            config = f.read(200_000).decode("utf-8", "replace")
    except OSError:
        return False
    return not re.search(r"^[ \t]*:file/name-format[ \t]+:triple-lowbar", config, re.MULTILINE)


def page_title(path: str | Path, metadata: Mapping[str, object], root: str | None = None) -> str:
    """A page's title: its `title::`, else its file name decoded as Logseq encodes it
    (`___` and `%2F` for `/`, other `%XX` escapes; journals' `2024_01_31` as a date)."""
    title = metadata.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    path = Path(path)
    stem = path.stem
    if path.parent.name == "journals" and (m := _JOURNAL.match(stem)):
        return f"{m[1]}-{m[2]}-{m[3]}"
    if root is not None and _legacy_names(root) and "___" not in stem and "%" not in stem:
        stem = stem.replace(".", "/")
    return unquote(stem.replace("___", "/"))


def _outside_code(line: str, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> str:
    """`pattern.sub(repl, line)`, leaving inline code as written."""
    if "`" not in line:
        return pattern.sub(repl, line)
    from flashcards.notes.inline import code_spans

    out: list[str] = []
    at = 0
    for start, end in code_spans(line):
        out.append(pattern.sub(repl, line[at:start]))
        out.append(line[start:end])
        at = end
    out.append(pattern.sub(repl, line[at:]))
    return "".join(out)


def clean(note: Note) -> None:
    """Take Logseq's chrome out of every block of `note` (see the module docstring)."""
    for block in note.in_order():
        lines = block.lines
        if lines and _has_chrome(lines):
            _clean_block(block)


# what `_chrome` looks for at a line's start: `:` once its whitespace is stripped, a task
# marker or a priority
_CHROME_START = re.compile(
    r"\s*:|(?:TODO|DOING|DONE|LATER|NOW|WAITING|WAIT|CANCELED|CANCELLED|IN-PROGRESS)"
    r"(?:[ \t]+|$)|\[#[A-Ca-c]\](?:[ \t]+|$)"
)


def _has_chrome(lines: list[str]) -> bool:
    """Whether `_chrome` holds for any of a block's lines: substring tests over them all
    at once, a regex only on lines whose first character can start chrome."""
    text = lines[0] if len(lines) == 1 else "\n".join(lines)
    if "{{" in text or "#+" in text or "SCHEDULED:" in text or "DEADLINE:" in text:
        return True
    start = _CHROME_START.match
    for line in lines:
        first = line[:1]
        if first and (first in ":TDLNWCI[" or first.isspace()) and start(line):
            return True
    return False


def _chrome(line: str) -> bool:
    """Whether a line may hold something `clean` takes out (a cheap first test)."""
    return (
        "{{" in line
        or "#+" in line
        or line.lstrip()[:1] == ":"
        or "SCHEDULED:" in line
        or "DEADLINE:" in line
        or (line[:1] in "TDLNWCI[" and _TASK.match(line).end() > 0)  # type: ignore[union-attr]
    )


def _clean_block(block: Block) -> None:
    code = set()
    for start, end in block.code:
        code.update(range(start, end))
    out: list[str] = []
    out_code: list[tuple[int, int]] = []
    body: str | None = None  # the `#+BEGIN_X` open, by name
    body_start = 0
    drawer = False
    lines = block.lines
    for i, line in enumerate(lines):
        if i in code:
            if not out_code or out_code[-1][1] != len(out):
                out_code.append((len(out), len(out)))
            out.append(line)
            out_code[-1] = (out_code[-1][0], len(out))
            continue
        if drawer:
            drawer = not _DRAWER_END.match(line)
            continue
        if body is not None:
            end = _END.match(line)
            if end and end[1].upper() == body:
                if body in _CODE_BODIES and len(out) > body_start:
                    out_code.append((body_start, len(out)))
                body = None
            elif body not in _DROPPED_BODIES:
                out.append(line)
            continue
        begin = _BEGIN.match(line)
        if begin:
            body = begin[1].upper()
            body_start = len(out)
            continue
        if _END.match(line):
            continue  # a stray end marker
        if _DRAWER.match(line) and any(_DRAWER_END.match(rest) for rest in lines[i + 1 :]):
            drawer = True
            continue
        if _PLANNING.match(line):
            continue
        new = line
        if i == 0:
            new = new[_TASK.match(new).end() :]  # type: ignore[union-attr]
        if "{{" in new:
            new = _outside_code(new, _MACRO, lambda m: "")
            new = new.strip() if i == 0 else new.rstrip()
        if new != line and not new.strip():
            continue
        out.append(new)
    if body is not None and body in _CODE_BODIES and len(out) > body_start:
        out_code.append((body_start, len(out)))  # an unclosed SRC runs to the block's end
    while out and not out[-1].strip() and not (out_code and out_code[-1][1] == len(out)):
        out.pop()
    block.lines[:] = out
    block.code[:] = sorted(out_code)


def _prose(block: Block) -> list[int]:
    """The indices of the block's lines outside fenced code."""
    if not block.code:
        return list(range(len(block.lines)))
    code = set()
    for start, end in block.code:
        code.update(range(start, end))
    return [i for i in range(len(block.lines)) if i not in code]


def entries(note: Note) -> dict[str, str]:
    """What other notes can point to in this one: each block with an `id::` (its text),
    and the page (`[[` + its title, lower case: its blocks' text, bounded)."""
    found: dict[str, str] = {}
    page: list[str] = []
    size = 0
    for block in note.in_order():
        uid = block.properties.get("id", "") if block.properties else ""
        if not uid and size >= MAX_PAGE_CHARS:
            continue  # its text is neither an entry nor part of the page's
        text = " ".join(line.strip() for line in block.lines if line.strip())
        if uid and _IS_UUID.match(uid):
            found[uid.lower()] = text[:MAX_ENTRY_CHARS]
        if text and size < MAX_PAGE_CHARS:
            page.append(text)
            size += len(text) + 2
    if note.title:
        whole = "; ".join(page)
        found["[[" + note.title.lower()] = (
            whole if len(whole) <= MAX_PAGE_CHARS else whole[: MAX_PAGE_CHARS - 1] + "…"
        )
    return found


def prepare(
    note: Note, graph: GraphIndex | None, root: str | None, cleaned: bool = False
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Read a graph's note as Logseq shows it: chrome out, its title set, references
    resolved from `graph` (the rest of the graph) and the note itself. `cleaned`: the
    first two are done already (`graph.indexed_note` made the note).

    Returns the note's own index entries and every entry resolving it looked at, with
    the text it found (None: missing) — a build reads the note again when one changes.
    """
    if not cleaned:
        note.title = page_title(note.path, note.metadata, root)
        clean(note)
    own = entries(note)
    index: GraphIndex = ChainMap(own, graph) if graph else own  # type: ignore[arg-type]
    seen: dict[str, str | None] = {}
    for block in note.in_order():
        lines = block.lines
        if not lines:
            continue
        # neither can straddle two lines joined by a newline
        joined = lines[0] if len(lines) == 1 else "\n".join(lines)
        if "((" not in joined and "{{embed" not in joined:
            continue
        before = block.text
        changed = False
        for i in _prose(block):
            line = lines[i]
            if "((" in line or "{{embed" in line:
                new = _resolve_line(line, index, seen, 0)
                if new != line:
                    lines[i] = new
                    changed = True
        if changed and block.ident is None:
            block.ident = before
    return own, seen


def _resolve_line(line: str, index: GraphIndex, seen: dict[str, str | None], depth: int) -> str:
    def embed(m: re.Match[str]) -> str:
        if m[1]:
            return _shown(m[1].lower(), index, seen, depth, MISSING_BLOCK)
        return _shown("[[" + m[2].strip().lower(), index, seen, depth, MISSING_PAGE)

    def ref(m: re.Match[str]) -> str:
        if m[2]:  # `[label](((uuid)))`: a link to a block shows its label
            seen.setdefault(m[2].lower(), index.get(m[2].lower()))
            return m[1]
        return _shown(m[3].lower(), index, seen, depth, MISSING_BLOCK)

    if "{{embed" in line:
        line = _outside_code(line, _EMBED, embed)
    if "((" in line:
        line = _outside_code(line, _REF, ref)
    return line


def _shown(
    key: str, index: GraphIndex, seen: dict[str, str | None], depth: int, missing: str
) -> str:
    """An entry as shown where it is referred to: its references resolved, plain text,
    its deletion markers made text."""
    from flashcards.notes.inline import plain_text

    raw = index.get(key)
    seen[key] = raw
    if raw is None:
        return missing
    if "((" in raw or "{{embed" in raw:
        if depth + 1 >= MAX_REF_DEPTH:
            raw = _REF.sub("…", _EMBED.sub("…", raw))
        else:
            raw = _resolve_line(raw, index, seen, depth + 1)
    text = plain_text(raw, _SHOWN_MARKERS)
    # what is left of a marker (from code or an escape) must not become a deletion here
    return _TRIGGER.sub(lambda m: "\\" + m[0][0] + "\\" + m[0][1], text)
