"""An Anki user's own notes written as an outline flashcards reads back into the same cards.

- Cloze notes (a note type of kind cloze) become a block holding their Text field,
  `{{c1::…}}` as Anki wrote it; their other fields (Back Extra) its child.
- Other notes with a front and a back become `#card` question blocks, the first
  field the question and the second its child, the answer (the first template's
  card only: a reverse card has no place in the outline).
- HTML becomes Markdown with markdownify; bold in a cloze note is dropped (in an
  outline it would be a deletion of its own). Images the notes show are copied
  into a folder beside the notes file and linked from there.
Pure but for the files it is told to write; what it cannot convert it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flashcards.importing.anki import CLOZE, AnkiCollection, Note

_BULLET = re.compile(r"([-*+]|\d{1,9}[.)])(\s|$)")
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
_SAFE_MEDIA = re.compile(r"[^/\\\x00-\x1f]+")


@dataclass
class Placement:
    """Where an Anki card's note went: its block's line and the deletion that is it."""

    guid: str
    ord: int
    line: int
    deletion: str  # 'c1', 'c2'… for a cloze, '' for a question card


@dataclass
class Outline:
    text: str
    placements: list[Placement] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # names to copy into the media folder
    problems: list[str] = field(default_factory=list)
    notes: int = 0


def to_markdown(html: str, cloze: bool) -> str:
    from markdownify import markdownify

    strip = ["b", "strong", "mark"] if cloze else None
    return markdownify(html, strip=strip, heading_style="ATX").strip()


def _block(first: str, indent: str) -> list[str]:
    """A bullet whose text may span lines: continuation lines indented under it, any
    that would start a bullet of their own escaped."""
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    if not lines:
        return []
    out = [f"{indent}- {lines[0]}"]
    for line in lines[1:]:
        if _BULLET.match(line) or line.startswith("#"):
            line = "\\" + line
        out.append(f"{indent}  {line}")
    return out


def _link_media(text: str, media_dir: str, names: set[str], used: set[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m[2]
        if name in names:
            used.add(name)
            return f"{m[1]}({media_dir}/{quote(name)})"
        return m[0]

    return re.sub(r"(!\[[^\]]*\])\(([^)\s]+)\)", repl, text)


def write_outline(
    col: AnkiCollection, notes: list[Note], media: set[str], media_dir: str, title: str
) -> Outline:
    """The notes file's text for these notes (in the package's order)."""
    out = Outline("")
    lines = [f"# {title}", ""]
    cards_of: dict[int, list[int]] = {}
    for card in col.cards:
        cards_of.setdefault(card.nid, []).append(card.ord)
    used: set[str] = set()
    for note in notes:
        kind = col.note_types[note.mid]
        ords = sorted(cards_of.get(note.id, []))
        fields = [to_markdown(f, kind.kind == CLOZE) for f in note.fields]
        fields = [_link_media(f, media_dir, media, used) for f in fields]
        if kind.kind == CLOZE:
            text = fields[0] if fields else ""
            numbers = {int(n) for n in _CLOZE_NUMBER.findall(text)}
            if not text or not numbers:
                out.problems.append(
                    f"note {note.guid} ({kind.name}): no cloze deletion in its first field"
                )
                continue
            block = _block(text, "")
            line = len(lines) + 1
            lines.extend(block)
            for extra in fields[1:]:
                lines.extend(_block(extra, "  "))
            for ordinal in ords:
                if ordinal + 1 in numbers:
                    out.placements.append(Placement(note.guid, ordinal, line, f"c{ordinal + 1}"))
        else:
            if len(fields) < 2 or not fields[0] or not fields[1]:
                out.problems.append(f"note {note.guid} ({kind.name}): not a front and a back")
                continue
            line = len(lines) + 1
            block = _block(fields[0], "")
            block[-1] += " #card"
            lines.extend(block)
            lines.extend(_block(fields[1], "  "))
            extra = [o for o in ords if o != 0]
            if extra:
                out.problems.append(
                    f"note {note.guid} ({kind.name}): {len(extra)} of its cards (a reverse or "
                    "further template) not converted: a question card has one side"
                )
            if 0 in ords:
                out.placements.append(Placement(note.guid, 0, line, ""))
        out.notes += 1
    out.text = "\n".join(lines) + "\n"
    out.media = sorted(used)
    return out


def safe_media_name(name: str) -> bool:
    return bool(_SAFE_MEDIA.fullmatch(name)) and not name.startswith(".")


def media_dir_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}-media")
