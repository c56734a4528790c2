"""The images cards link to: put in an apkg as its media, or named as text elsewhere.

A rendered field holds an image as a placeholder (`render.image_placeholder`).
`Media.field` turns each into `<img src="name">` when its target is an image file
found next to the card's notes file or under the deck's notes folders (never
outside them), a regular file of at most MAX_IMAGE_BYTES; the file then goes into
the package under a name of its own (the file's name, made unique with a hash of
its path when two files share it). Anything else, and every image of the formats
that carry no media (`as_text`), shows as `[image: name]`.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import stat
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from flashcards.export.job import ExportCard, ExportDeck
from flashcards.export.render import IMAGE_CLOSE, IMAGE_OPEN
from flashcards.notes.render import image_name, is_image

MAX_IMAGE_BYTES = 20 << 20  # per file
_PLACEHOLDER = re.compile(
    f"{IMAGE_OPEN}([^{IMAGE_OPEN}{IMAGE_CLOSE}\ue004]*)\ue004([^{IMAGE_OPEN}{IMAGE_CLOSE}]*){IMAGE_CLOSE}"
)
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _text(m: re.Match[str]) -> str:
    target = html.unescape(m.group(1))
    name = image_name(unquote(target.split("|")[0])) or html.unescape(m.group(2))
    return html.escape(f"[image: {name}]", quote=True)


def as_text(field: str) -> str:
    """A rendered field with its images as `[image: name]`."""
    return _PLACEHOLDER.sub(_text, field) if IMAGE_OPEN in field else field


class Media:
    """The images of one package: {name in the package: file}, filled as fields are."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}
        self._names: dict[Path, str | None] = {}

    def field(self, field: str, deck: ExportDeck, card: ExportCard) -> str:
        """A rendered field with its images as `<img>` of files now in `files`."""
        if IMAGE_OPEN not in field:
            return field

        def image(m: re.Match[str]) -> str:
            name = self._name(html.unescape(m.group(1)), deck, card)
            return f'<img src="{html.escape(name, quote=True)}">' if name else _text(m)

        return _PLACEHOLDER.sub(image, field)

    def _name(self, target: str, deck: ExportDeck, card: ExportCard) -> str | None:
        path = _find(target, deck, card)
        if path is None:
            return None
        if path not in self._names:
            self._names[path] = self._add(path)
        return self._names[path]

    def _add(self, path: Path) -> str | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_IMAGE_BYTES:
            return None
        name = path.name
        if name in self.files:
            digest = hashlib.blake2b(str(path).encode(), digest_size=4).hexdigest()
            name = f"{path.stem}-{digest}{path.suffix}"
        self.files[name] = path
        return name

    def read(self, name: str) -> bytes | None:
        """A file's bytes for the package; None if it is no longer a regular file within
        the cap."""
        try:
            with open(self.files[name], "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    return None
                data = fh.read(MAX_IMAGE_BYTES + 1)
        except OSError:
            return None
        return data if len(data) <= MAX_IMAGE_BYTES else None


def _find(target: str, deck: ExportDeck, card: ExportCard) -> Path | None:
    """The image file a target names, inside the notes it may come from, or None."""
    target = unquote(target.split("|")[0].strip())
    if not target or _URL.match(target) or not is_image(target):
        return None
    relative = PurePosixPath(target.replace("\\", "/"))
    if relative.is_absolute():
        return None
    note_dir = Path(card.source).parent
    roots = [note_dir] + [Path(r) if Path(r).is_dir() else Path(r).parent for r in deck.notes]
    allowed = [os.path.realpath(r) for r in roots]
    for root in roots:
        found = os.path.realpath(root / relative)
        if any(os.path.commonpath([found, a]) == a for a in allowed) and os.path.isfile(found):
            return Path(found)
    return None
