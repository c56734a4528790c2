"""Read outline Markdown (Logseq, Obsidian, plain lists) into a tree of blocks.

No database and no UI here: text in, `Note` out. The reader is a single pass
over the lines with an explicit stack, so 300 levels of nesting or a 5 MB line
cost no recursion and no quadratic work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

TAB_WIDTH = 4

_BULLET = re.compile(r"([-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_HEADING = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_PROPERTY = re.compile(r"([A-Za-z0-9][\w.-]*)::(?:[ \t]+(.*)|[ \t]*)$")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_HRULE = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")


class NoteError(Exception):
    """A note file that cannot be read; carries where and why."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


@dataclass
class Block:
    """One bullet (or top-level paragraph) and the blocks nested under it."""

    lines: list[str]
    line: int
    properties: dict[str, str] = field(default_factory=dict)
    children: list[Block] = field(default_factory=list)
    headings: tuple[str, ...] = ()
    # (start, end) line ranges within `lines` that are fenced code, end exclusive
    code: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")

    @property
    def is_heading(self) -> bool:
        """A Logseq heading block: `- ## Usage`."""
        return bool(self.lines) and _HEADING.match(self.lines[0]) is not None


@dataclass
class Note:
    path: str
    blocks: list[Block]
    metadata: dict[str, object]
    tags: list[str]
    line_count: int


def read_note(path: str | Path, display_path: str | None = None) -> Note:
    """Read one notes file. Raises NoteError for anything a user must fix."""
    shown = display_path or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise NoteError(shown, None, f"cannot be read ({exc.strerror or exc})") from None
    return parse_note(raw, shown)


def decode(raw: bytes, path: str) -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise NoteError(
            path, line, "contains NUL bytes; is it a binary file? Move it out of the notes folder"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NoteError(path, line, "is not UTF-8 text; save it as UTF-8") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_note(raw: bytes | str, path: str = "<text>") -> Note:
    text = decode(raw, path) if isinstance(raw, bytes) else raw.replace("\r\n", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    metadata: dict[str, object] = {}
    offset = 0
    if text.startswith("---\n") or text == "---":
        end = _FRONT_MATTER_END.search(text, 4)
        if end is None:
            raise NoteError(
                path, 1, "front matter opened with '---' is never closed; add a closing '---' line"
            )
        block = text[4 : end.start()]
        try:
            loaded = frontmatter.YAMLHandler().load(block) if block.strip() else {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = 2 + mark.line if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise NoteError(
                path, line, f"broken YAML front matter ({problem}); fix or remove it"
            ) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise NoteError(
                path, 2, "front matter is not a mapping of keys to values; fix or remove it"
            )
        metadata = dict(loaded or {})
        nl = text.find("\n", end.end())
        offset = text.count("\n", 0, end.end()) + 1
        text = "" if nl == -1 else text[nl + 1 :]
    lines = text.split("\n")
    blocks, page_props = _parse_lines(lines, offset)
    for key, value in page_props.items():
        metadata.setdefault(key, value)
    return Note(
        path=path,
        blocks=blocks,
        metadata=metadata,
        tags=parse_tags(metadata.get("tags")),
        line_count=offset + len(lines),
    )


def parse_tags(value: object) -> list[str]:
    """`tags: [a, b]`, `tags: a, b` or `tags:: [[A b]], #c` → ['a', 'b', ...]."""
    if value is None:
        return []
    items: list[str] = []
    if isinstance(value, (list, tuple)):
        for item in value:
            items.extend(parse_tags(item))
        return items
    for part in re.split(r",|(?<=\]\])\s+(?=#|\[\[)", str(value)):
        tag = part.strip().lstrip("#").strip()
        if tag.startswith("[[") and tag.endswith("]]"):
            tag = tag[2:-2].strip()
        if tag and tag not in items:
            items.append(tag)
    return items


def _indent_width(s: str) -> int:
    width = 0
    for ch in s:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += TAB_WIDTH - width % TAB_WIDTH
        else:
            break
    return width


def _strip_indent(line: str, width: int) -> str:
    """Remove up to `width` columns of leading whitespace."""
    col = 0
    i = 0
    while i < len(line) and col < width and line[i] in " \t":
        col += TAB_WIDTH - col % TAB_WIDTH if line[i] == "\t" else 1
        i += 1
    return line[i:]


def _parse_lines(lines: list[str], offset: int) -> tuple[list[Block], dict[str, str]]:
    roots: list[Block] = []
    page_props: dict[str, str] = {}
    stack: list[tuple[int, int, Block]] = []  # (bullet indent, content indent, block)
    headings: list[tuple[int, str]] = []
    paragraph: Block | None = None  # open top-level paragraph, outside any bullet
    fence: tuple[str, int, Block, int] | None = None  # (marker, first line, block, indent)
    seen_content = False  # anything but page properties and blank lines yet
    blank_before = False

    for idx, raw_line in enumerate(lines):
        lineno = offset + idx + 1
        if fence is not None:
            marker, start, block, strip = fence
            body = _strip_indent(raw_line, strip).rstrip()
            block.lines.append(body)
            closing = body.strip()
            if closing.startswith(marker) and not closing.strip(marker[0]):
                block.code.append((start, len(block.lines)))
                fence = None
            continue

        stripped = raw_line.strip()
        if not stripped:
            blank_before = True
            continue
        indent = _indent_width(raw_line)
        content = raw_line.lstrip(" \t")

        bullet = _BULLET.match(content)
        if bullet and not stack and _HRULE.match(content):
            bullet = None  # '---' or '* * *' at top level is a thematic break, not a bullet
        if bullet:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            block = Block(lines=[], line=lineno, headings=tuple(h for _, h in headings))
            (stack[-1][2].children if stack else roots).append(block)
            content_indent = indent + bullet.end()
            stack.append((indent, content_indent, block))
            paragraph = None
            seen_content = True
            blank_before = False
            body = content[bullet.end() :].rstrip()
            prop = _PROPERTY.match(body)
            if prop:  # `- id:: 123`: a bullet that opens with a property
                block.properties[prop.group(1).lower()] = (prop.group(2) or "").strip()
            elif body:
                block.lines.append(body)
                fence = _open_fence(body, block, content_indent)
            continue

        heading = _HEADING.match(content)
        if heading and indent < 4 and (not stack or indent <= stack[0][0]):
            stack.clear()
            paragraph = None
            level = len(heading.group(1))
            while headings and headings[-1][0] >= level:
                headings.pop()
            title = (heading.group(2) or "").strip()
            if title:
                headings.append((level, title))
            seen_content = True
            blank_before = False
            continue

        prop = _PROPERTY.match(stripped)
        if prop and not seen_content:
            page_props[prop.group(1).lower()] = (prop.group(2) or "").strip()
            continue

        target: Block | None = None
        strip = 0
        if stack:
            if indent > stack[-1][0] or not blank_before:
                target, strip = stack[-1][2], stack[-1][1]  # indented under it, or a lazy line
            else:
                while stack and stack[-1][0] >= indent:
                    stack.pop()
                if stack:
                    target, strip = stack[-1][2], stack[-1][1]
        elif paragraph is not None and not blank_before:
            target, strip = paragraph, indent
        seen_content = True

        if target is not None and prop and stack and target is stack[-1][2]:
            target.properties[prop.group(1).lower()] = (prop.group(2) or "").strip()
        elif target is not None:
            if blank_before and target.lines:
                target.lines.append("")
            body = _strip_indent(raw_line, strip).rstrip()
            target.lines.append(body)
            fence = _open_fence(body, target, strip)
        else:
            # a top-level paragraph outside any bullet is a block of its own
            stack.clear()
            paragraph = Block(
                lines=[content.rstrip()], line=lineno, headings=tuple(h for _, h in headings)
            )
            roots.append(paragraph)
            fence = _open_fence(content, paragraph, indent)
        blank_before = False

    if fence is not None:
        marker, start, block, _ = fence
        block.code.append((start, len(block.lines)))  # an unclosed fence runs to the end
    return roots, page_props


def _open_fence(body: str, block: Block, strip: int) -> tuple[str, int, Block, int] | None:
    text = body.strip()
    m = _FENCE.match(text)
    if not m:
        return None
    marker = m.group(1)
    if marker[0] == "`" and "`" in text[len(marker) :]:
        return None  # ```inline``` is a code span, not a fence
    return marker, len(block.lines) - 1, block, strip


def iter_blocks(blocks: list[Block]):
    """Depth-first, outline order, without recursion. Yields (block, ancestors)."""
    stack: list[tuple[Block, tuple[Block, ...]]] = [(b, ()) for b in reversed(blocks)]
    while stack:
        block, ancestors = stack.pop()
        yield block, ancestors
        if block.children:
            inner = (*ancestors, block)
            stack.extend((c, inner) for c in reversed(block.children))
