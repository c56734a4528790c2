"""Read outline Markdown (Logseq, Obsidian, plain lists) into a tree of blocks.

No database and no UI here: text in, `Note` out. The reader is a single pass
over the lines with an explicit stack, so 300 levels of nesting or a 5 MB line
cost no recursion and no quadratic work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flashcards.notes.errors import NoteError

TAB_WIDTH = 4

_BULLET = re.compile(r"([-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_HEADING = re.compile(r"(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_PROPERTY = re.compile(r"([A-Za-z0-9][\w.-]*)::(?:[ \t]+(.*)|[ \t]*)$")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_HRULE = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")


@dataclass(slots=True)
class Block:
    """One bullet (or top-level paragraph) and the blocks nested under it."""

    lines: list[str]
    line: int
    properties: dict[str, str] = field(default_factory=dict)
    children: list[Block] = field(default_factory=list)
    headings: tuple[str, ...] = ()
    # (start, end) line ranges within `lines` that are fenced code, end exclusive
    code: list[tuple[int, int]] = field(default_factory=list)
    # its text as identity sees it, where what it shows differs (Logseq refs resolved)
    ident: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")

    @property
    def is_heading(self) -> bool:
        """A Logseq heading block: `- ## Usage`."""
        return (
            bool(self.lines)
            and self.lines[0][:1] == "#"
            and _HEADING.match(self.lines[0]) is not None
        )


@dataclass
class Note:
    path: str
    blocks: list[Block]
    metadata: dict[str, object]
    tags: list[str]
    line_count: int
    block_count: int = 0
    title: str | None = None  # the page's title, its cards' breadcrumb root (Logseq)
    # every block in outline order, once asked for (`in_order`): the tree's shape never
    # changes after parsing (only blocks' lines do), and four passes walk it
    _order: list[Block] | None = field(default=None, repr=False, compare=False)

    def in_order(self) -> list[Block]:
        """Every block, depth first in outline order (`iter_blocks` without ancestors)."""
        if self._order is None:
            self._order = outline_order(self.blocks)
        return self._order


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


def note_text(raw: bytes | str, path: str = "<text>") -> str:
    """A note's text: decoded (bytes), without a BOM, with LF line ends."""
    if isinstance(raw, bytes):
        return decode(raw, path)
    text = raw[1:] if raw.startswith("\ufeff") else raw
    if "\r" in text:  # as `decode` does: CRLF and lone CR end lines like LF
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str, path: str) -> tuple[dict[str, object], int, str]:
    """A note's YAML front matter (safely loaded), how many lines it took, and the rest."""
    metadata: dict[str, object] = {}
    offset = 0
    if text.startswith("---\n") or text == "---":
        end = _FRONT_MATTER_END.search(text, 4)
        if end is None:
            raise NoteError(
                path, 1, "front matter opened with '---' is never closed; add a closing '---' line"
            )
        block = text[4 : end.start()]
        # YAML (and python-frontmatter) load only for notes that have front matter
        import yaml

        from flashcards.notes import yamlsafe

        try:
            loaded = yamlsafe.load(block)
        except yamlsafe.YamlTooBig as err:
            raise NoteError(path, 1, f"front matter {err}; simplify it") from None
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
    return metadata, offset, text


def parse_note(raw: bytes | str, path: str = "<text>") -> Note:
    metadata, offset, text = split_front_matter(note_text(raw, path), path)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline ending the last line starts no line of its own
    blocks, page_props, count = _parse_lines(lines, offset)
    for key, value in page_props.items():
        metadata.setdefault(key, value)
    return Note(
        path=path,
        blocks=blocks,
        metadata=metadata,
        tags=parse_tags(metadata.get("tags")),
        line_count=offset + len(lines),
        block_count=count,
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


def _parse_lines(lines: list[str], offset: int) -> tuple[list[Block], dict[str, str], int]:
    """One pass over the lines with an explicit stack of open blocks.

    Returns the root blocks, the page properties and the number of blocks made.
    The loop is the reader's hot path: cheap first-character checks guard every
    regular expression, and the headings tuple is rebuilt only when it changes.
    """
    roots: list[Block] = []
    page_props: dict[str, str] = {}
    stack: list[tuple[int, int, Block]] = []  # (bullet indent, content indent, block)
    headings: list[tuple[int, str]] = []
    context: tuple[str, ...] = ()  # the titles in `headings`
    paragraph: Block | None = None  # open top-level paragraph, outside any bullet
    # an open fence: (marker, its line in the block, block, indent to strip, bullet indent or -1)
    fence: tuple[str, int, Block, int, int] | None = None
    seen_content = False  # anything but page properties and blank lines yet
    blank_before = False
    count = 0
    bullet_match = _BULLET.match
    property_match = _PROPERTY.match

    for idx, raw_line in enumerate(lines):
        if fence is not None:
            marker, start, block, strip, limit = fence
            if limit >= 0 and raw_line.strip() and _indent_width(raw_line) <= limit:
                # a line no longer indented under the fence's bullet ends the bullet, and
                # the fence with it: one stray ``` does not swallow the rest of the page
                block.code.append((start, len(block.lines)))
                fence = None
                blank_before = True
            else:
                body = _strip_indent(raw_line, strip).rstrip() if strip else raw_line.rstrip()
                block.lines.append(body)
                closing = body.strip()
                if closing.startswith(marker) and not closing.strip(marker[0]):
                    block.code.append((start, len(block.lines)))
                    fence = None
                continue

        content = raw_line.lstrip(" \t")
        if not content or content.isspace():
            blank_before = True
            continue
        lead = len(raw_line) - len(content)
        indent = lead
        if lead and "\t" in raw_line[:lead]:
            spaces = raw_line[:lead].lstrip("\t")  # Logseq indents with tabs, then spaces
            tabs = lead - len(spaces)
            indent = (
                TAB_WIDTH * tabs + len(spaces) if "\t" not in spaces else _indent_width(raw_line)
            )
        first = content[0]
        lineno = offset + idx + 1

        bullet = bullet_match(content) if first in "-*+" or first.isdigit() else None
        if (
            first in "-*_"
            and (not stack or indent <= stack[0][0])
            and (content[-1] == first or content[-1] in " \t")  # a rule ends with its mark
            and _HRULE.match(content)
        ):
            # '---', '***' or '* * *' outside any bullet's text is a thematic break
            stack.clear()
            paragraph = None
            seen_content = True
            blank_before = False
            continue
        if bullet:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            block = Block(lines=[], line=lineno, headings=context)
            count += 1
            (stack[-1][2].children if stack else roots).append(block)
            content_indent = indent + bullet.end()
            stack.append((indent, content_indent, block))
            paragraph = None
            seen_content = True
            blank_before = False
            body = content[bullet.end() :].rstrip()
            prop = property_match(body) if "::" in body else None
            if prop:  # `- id:: 123`: a bullet that opens with a property
                block.properties[prop.group(1).lower()] = (prop.group(2) or "").strip()
            elif body:
                block.lines.append(body)
                if "```" in body or "~~~" in body:
                    fence = _open_fence(body, block, content_indent, indent)
            continue

        if first == "#" and indent < 4 and (not stack or indent <= stack[0][0]):
            heading = _HEADING.match(content)
            if heading:
                stack.clear()
                paragraph = None
                level = len(heading.group(1))
                while headings and headings[-1][0] >= level:
                    headings.pop()
                title = (heading.group(2) or "").strip()
                if title:
                    headings.append((level, title))
                context = tuple(h for _, h in headings)
                seen_content = True
                blank_before = False
                continue

        prop = property_match(content.strip()) if "::" in content else None
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
            if indent <= strip:
                body = content.rstrip()  # all of its indent is the block's
            elif indent == lead:
                body = raw_line[strip:].rstrip()  # indented with spaces only
            else:
                body = _strip_indent(raw_line, strip).rstrip()
            target.lines.append(body)
            if "```" in body or "~~~" in body:
                fence = _open_fence(
                    body, target, strip, -1 if target is paragraph else stack[-1][0]
                )
        else:
            # a top-level paragraph outside any bullet is a block of its own
            stack.clear()
            paragraph = Block(lines=[content.rstrip()], line=lineno, headings=context)
            count += 1
            roots.append(paragraph)
            if "```" in content or "~~~" in content:
                fence = _open_fence(content, paragraph, indent, -1)
        blank_before = False

    if fence is not None:
        marker, start, block, _, _ = fence
        block.code.append((start, len(block.lines)))  # an unclosed fence runs to the end
    return roots, page_props, count


def _open_fence(
    body: str, block: Block, strip: int, limit: int
) -> tuple[str, int, Block, int, int] | None:
    """A fence opened by `body`, the block's last line; `limit` is its bullet's indent."""
    text = body.strip()
    m = _FENCE.match(text)
    if not m:
        return None
    marker = m.group(1)
    if marker[0] == "`" and "`" in text[len(marker) :]:
        return None  # ```inline``` is a code span, not a fence
    return marker, len(block.lines) - 1, block, strip, limit


def outline_order(blocks: list[Block]) -> list[Block]:
    """Every block of the tree, depth first in outline order, without recursion."""
    out: list[Block] = []
    stack = blocks[::-1]
    while stack:
        block = stack.pop()
        out.append(block)
        if block.children:
            stack.extend(reversed(block.children))
    return out


def iter_blocks(blocks: list[Block]):
    """Depth-first, outline order, without recursion. Yields (block, ancestors)."""
    stack: list[tuple[Block, tuple[Block, ...]]] = [(b, ()) for b in reversed(blocks)]
    while stack:
        block, ancestors = stack.pop()
        yield block, ancestors
        if block.children:
            inner = (*ancestors, block)
            stack.extend((c, inner) for c in reversed(block.children))


def is_property_line(text: str) -> bool:
    """Whether the reader takes this (stripped) line as a `key:: value` property."""
    return _PROPERTY.match(text) is not None
