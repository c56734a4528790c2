"""Deck specs: `decks/*.md`, YAML front matter plus a description.

```markdown
---
name: Designing Machine Learning Systems
notes: [../seeds/designing-machine-learning-systems.md]
deletions: {strong: true, highlight: true, logseq_cloze: true, anki_cloze: true}
new_per_day: 20
reviews_per_day: 200
grades: 4
---
What the deck is about (the body is its description).
```
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from flashcards.notes.files import MAX_FILE_MB, read_bounded
from flashcards.notes.markers import ALL_MARKERS
from flashcards.notes.outline import NoteError, decode

DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200
DEFAULT_GRADES = 4
SPEC_MAX_BYTES = 1_000_000  # a deck spec is a short file; anything bigger is not one
_PACKAGE_DATA = Path(__file__).parent / "data"


class DeckError(NoteError):
    """A deck spec a user must fix."""


@dataclass(frozen=True)
class DeckSettings:
    """How a deck is studied and read: the one home of every default.

    Stored with the deck (`to_json`) and read back by the study engine and rebuilds
    (`from_json`, which fills in the defaults for keys an older collection lacks).
    """

    deletions: frozenset[str] = frozenset(ALL_MARKERS)
    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY
    grades: int = DEFAULT_GRADES  # 4 buttons, or SM-2's 6 grades

    def to_json(self) -> dict[str, object]:
        return {
            "deletions": sorted(self.deletions),
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "grades": self.grades,
        }

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> DeckSettings:
        data = data or {}
        deletions = data.get("deletions")
        return cls(
            deletions=frozenset(deletions)
            if isinstance(deletions, list)
            else frozenset(ALL_MARKERS),
            new_per_day=int(data.get("new_per_day", DEFAULT_NEW_PER_DAY)),  # type: ignore[call-overload]
            reviews_per_day=int(data.get("reviews_per_day", DEFAULT_REVIEWS_PER_DAY)),  # type: ignore[call-overload]
            grades=int(data.get("grades", DEFAULT_GRADES)),  # type: ignore[call-overload]
        )


@dataclass
class DeckSpec:
    name: str
    notes: list[Path]
    settings: DeckSettings = DeckSettings()
    description: str = ""
    path: Path | None = None
    max_file_mb: float = MAX_FILE_MB  # the size cap of one notes file
    from_notes: bool = False  # made by for_notes: the notes path itself is the deck

    @classmethod
    def for_notes(cls, path: str | Path) -> DeckSpec:
        """A deck made of a notes file or folder, named after it."""
        p = Path(path)
        return cls(name=notes_deck_name(p), notes=[p], from_notes=True)

    @property
    def deletions(self) -> frozenset[str]:
        return self.settings.deletions

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)


def notes_deck_name(path: Path) -> str:
    """The name of a deck made of a notes file (its stem) or folder (its name)."""
    return path.stem if path.is_file() else (path.resolve().name or str(path))


def is_deck_spec(path: str | Path) -> bool:
    """A Markdown file whose front matter has `notes:` is a deck spec."""
    p = Path(path)
    if not p.is_file() or p.suffix.lower() != ".md":
        return False
    try:
        head = _head(p)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    if not head.startswith(b"---\n"):
        return False
    end = re.search(rb"^(?:---|\.\.\.)[ \t]*$", head[4:], re.MULTILINE)
    front = head[4 : 4 + end.start()] if end else head[4:]
    # `notes:` inside the front matter, not a `notes:: x` property or a line of the body
    return re.search(rb"^notes[ \t]*:(?!:)", front, re.MULTILINE) is not None


def _head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a regular file; OSError for anything else (a FIFO never blocks)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        return os.read(fd, size)
    finally:
        os.close(fd)


def unreadable_file(path: str | Path) -> str | None:
    """Why the regular file at `path` cannot be read, or None (also for folders and
    missing paths, which say so elsewhere)."""
    p = Path(path)
    if not p.is_file():
        return None
    try:
        _head(p, 1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None


def _line_of(text: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def load_deck(path: str | Path) -> DeckSpec:
    """Read a deck spec; DeckError says what is wrong, where, and what to do."""
    p = Path(path)
    shown = str(p)
    try:
        raw, _ = read_bounded(p, SPEC_MAX_BYTES, shown)
    except NoteError as err:
        raise DeckError(err.path, err.line, err.reason) from None
    try:
        text = decode(raw, shown)
    except NoteError as err:  # not UTF-8, NUL bytes: a DeckError like every other spec problem
        raise DeckError(err.path, err.line, err.reason) from None
    # YAML is loaded for reading specs only: the study app starts without it
    import frontmatter
    import yaml

    from flashcards.notes import yamlsafe

    try:
        post = frontmatter.loads(text)  # safe_load: plain values only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # python-frontmatter hands YAML the text from the end of the opening `---` line,
        # so YAML's 0-based line k is the file's line k + 1
        raise DeckError(
            shown,
            1 + mark.line if mark else 1,
            f"broken YAML front matter ({getattr(exc, 'problem', exc)}); fix or remove it",
        ) from None
    meta = post.metadata
    try:
        yamlsafe.check_size(meta)
    except yamlsafe.YamlTooBig as err:
        raise DeckError(shown, 1, f"front matter {err}; simplify it") from None
    name = meta.get("name") or p.stem
    if not isinstance(name, str):
        raise DeckError(shown, _line_of(text, "name"), "'name' must be text")
    notes = meta.get("notes")
    if notes is None:
        raise DeckError(
            shown, 1, "no 'notes:' list; add the notes files or folders this deck reads"
        )
    if isinstance(notes, str):
        notes = [notes]
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise DeckError(shown, _line_of(text, "notes"), "'notes' must be a list of paths")
    base = p.parent
    # normpath: `decks/../seeds/x.md` is shown (and stored) as `seeds/x.md`
    note_paths = [Path(os.path.normpath(base / os.path.expanduser(n))) for n in notes]

    deletions = set(ALL_MARKERS)
    spec_deletions = meta.get("deletions")
    if spec_deletions is not None:
        if not isinstance(spec_deletions, dict):
            raise DeckError(
                shown, _line_of(text, "deletions"), "'deletions' must map markers to true/false"
            )
        for key, on in spec_deletions.items():
            if key not in ALL_MARKERS:
                raise DeckError(
                    shown,
                    _line_of(text, "deletions"),
                    f"unknown deletion marker {key!r}; use one of {', '.join(ALL_MARKERS)}",
                )
            if not on:
                deletions.discard(key)

    def count(key: str, default: int) -> int:
        value = meta.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DeckError(shown, _line_of(text, key), f"'{key}' must be a whole number ≥ 0")
        return value

    grades = meta.get("grades", DEFAULT_GRADES)
    if grades not in (4, 6):
        raise DeckError(
            shown,
            _line_of(text, "grades"),
            "'grades' must be 4 (Again/Hard/Good/Easy) or 6 (SM-2's 0–5)",
        )
    max_mb = meta.get("max_file_mb", MAX_FILE_MB)
    if not isinstance(max_mb, int | float) or isinstance(max_mb, bool) or max_mb <= 0:
        raise DeckError(
            shown, _line_of(text, "max_file_mb"), "'max_file_mb' must be a number of megabytes > 0"
        )
    return DeckSpec(
        name=name.strip(),
        notes=note_paths,
        settings=DeckSettings(
            deletions=frozenset(deletions),
            new_per_day=count("new_per_day", DEFAULT_NEW_PER_DAY),
            reviews_per_day=count("reviews_per_day", DEFAULT_REVIEWS_PER_DAY),
            grades=grades,
        ),
        description=post.content.strip(),
        path=p,
        max_file_mb=max_mb,
    )


def bundled_decks_dir() -> Path:
    """The sample deck shipped inside the package, for use from any directory."""
    return _PACKAGE_DATA / "decks"


def find_deck_specs(folder: str | Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.md") if is_deck_spec(p))


def default_deck_specs(cwd: str | Path = ".") -> list[Path]:
    """Every spec in ./decks, or the bundled sample deck when there is no ./decks."""
    local = Path(cwd) / "decks"
    if local.is_dir():
        return find_deck_specs(local)
    return find_deck_specs(bundled_decks_dir())
