"""Deck specs: `decks/*.md`, YAML front matter plus a description.

```markdown
---
name: Designing Machine Learning Systems
notes: [../seeds/designing-machine-learning-systems.md]
deletions: {strong: true, highlight: true, logseq_cloze: true, anki_cloze: true}
new_per_day: 20
reviews_per_day: 200
grades: 4
scheduler: fsrs          # or sm2 (the default)
desired_retention: 0.9   # FSRS only
learning_steps: [1m, 10m]
relearning_steps: [10m]
parameters: [...]        # optional: pins FSRS's 21 parameters (else trained, else default)
dialect: obsidian            # optional: logseq | obsidian | markdown (else detected)
junk: {short: false}         # optional: switch junk rules off (flashcards.notes.junk)
---
What the deck is about (the body is its description).
```
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from flashcards.deck_settings import (  # noqa: F401 - the settings' home; named here too
    DEFAULT_GRADES,
    DEFAULT_LEARNING_STEPS,
    DEFAULT_NEW_PER_DAY,
    DEFAULT_RELEARNING_STEPS,
    DEFAULT_RETENTION,
    DEFAULT_REVIEWS_PER_DAY,
    DEFAULT_SCHEDULER,
    RETENTION_RANGE,
    SCHEDULERS,
    DeckSettings,
)
from flashcards.notes.dialect import DIALECTS, ReadOptions, options_for
from flashcards.notes.files import MAX_FILE_MB, read_bounded
from flashcards.notes.junk import ALL_RULES
from flashcards.notes.markers import ALL_MARKERS
from flashcards.notes.outline import NoteError, decode

_STEP_UNITS = {"m": 1.0, "h": 60.0, "d": 1440.0}
SPEC_MAX_BYTES = 1_000_000  # a deck spec is a short file; anything bigger is not one
_PACKAGE_DATA = Path(__file__).parent / "data"
SPEC_KEYS = (
    "name",
    "notes",
    "deletions",
    "new_per_day",
    "reviews_per_day",
    "grades",
    "scheduler",
    "desired_retention",
    "learning_steps",
    "relearning_steps",
    "parameters",
    "dialect",
    "junk",
    "max_file_mb",
)


class DeckError(NoteError):
    """A deck spec a user must fix."""


@dataclass
class DeckSpec:
    name: str
    notes: list[Path]
    settings: DeckSettings = DeckSettings()
    description: str = ""
    path: Path | None = None
    max_file_mb: float = MAX_FILE_MB  # the size cap of one notes file
    dialect: str | None = None  # the spec's `dialect:`; None: detected per notes path
    junk: frozenset[str] = frozenset(ALL_RULES)  # the junk rules switched on
    from_notes: bool = False  # made by for_notes: the notes path itself is the deck
    warnings: tuple[str, ...] = ()  # what the spec says that was ignored (unknown keys)
    adopts: Path | None = None  # an earlier spec file of this deck (see bundled_original)

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

    def read_options(self, notes: str | Path) -> ReadOptions:
        """How the deck's notes path `notes` is read: its dialect, the vault's settings."""
        return options_for(notes, self.deletions, self.junk, self.max_bytes, self.dialect)


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
    scheduling = _scheduling(meta, text, shown)
    max_mb = meta.get("max_file_mb", MAX_FILE_MB)
    if not isinstance(max_mb, int | float) or isinstance(max_mb, bool) or max_mb <= 0:
        raise DeckError(
            shown, _line_of(text, "max_file_mb"), "'max_file_mb' must be a number of megabytes > 0"
        )
    dialect = meta.get("dialect")
    if dialect is not None and dialect not in DIALECTS:
        raise DeckError(
            shown,
            _line_of(text, "dialect"),
            f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)} "
            "(or leave it out to detect it)",
        )
    junk = set(ALL_RULES)
    spec_junk = meta.get("junk")
    if spec_junk is not None:
        if isinstance(spec_junk, bool):
            spec_junk = dict.fromkeys(ALL_RULES, spec_junk)
        if not isinstance(spec_junk, dict):
            raise DeckError(
                shown, _line_of(text, "junk"), "'junk' must map junk rules to true/false"
            )
        for key, on in spec_junk.items():
            if key not in ALL_RULES:
                raise DeckError(
                    shown,
                    _line_of(text, "junk"),
                    f"unknown junk rule {key!r}; use one of {', '.join(ALL_RULES)}",
                )
            if not isinstance(on, bool):
                raise DeckError(
                    shown, _line_of(text, "junk"), f"junk rule {key!r} must be true or false"
                )
            if not on:
                junk.discard(key)
    return DeckSpec(
        name=name.strip(),
        notes=note_paths,
        settings=DeckSettings(
            deletions=frozenset(deletions),
            new_per_day=count("new_per_day", DEFAULT_NEW_PER_DAY),
            reviews_per_day=count("reviews_per_day", DEFAULT_REVIEWS_PER_DAY),
            grades=grades,
            **scheduling,
        ),
        description=post.content.strip(),
        path=p,
        max_file_mb=max_mb,
        dialect=dialect,
        junk=frozenset(junk),
        warnings=_unknown_keys(meta, text, shown),
        adopts=bundled_original(p),
    )


def _unknown_keys(meta: dict, text: str, shown: str) -> tuple[str, ...]:
    """A warning for each front-matter key no spec reads, with the nearest known key."""
    out = []
    for key in meta:
        if key in SPEC_KEYS:
            continue
        near = difflib.get_close_matches(str(key), SPEC_KEYS, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]}?" if near else f"the keys are {', '.join(SPEC_KEYS)}"
        where = f"{shown}:{_line_of(text, str(key))}"
        out.append(f"{where}: unknown deck-spec key {str(key)!r} is ignored; {hint}")
    return tuple(out)


def _scheduling(meta: dict, text: str, shown: str) -> dict[str, object]:
    """The scheduler keys of a spec, checked; DeckError names the line to fix."""
    out: dict[str, object] = {}
    name = meta.get("scheduler", DEFAULT_SCHEDULER)
    if name not in SCHEDULERS:
        raise DeckError(
            shown, _line_of(text, "scheduler"), "'scheduler' must be sm2 (the default) or fsrs"
        )
    out["scheduler"] = name
    retention = meta.get("desired_retention", DEFAULT_RETENTION)
    low, high = RETENTION_RANGE
    if (
        not isinstance(retention, int | float)
        or isinstance(retention, bool)
        or not low <= retention <= high
    ):
        raise DeckError(
            shown,
            _line_of(text, "desired_retention"),
            f"'desired_retention' must be a number from {low} to {high} (e.g. 0.9)",
        )
    out["desired_retention"] = float(retention)
    for key, default in (
        ("learning_steps", DEFAULT_LEARNING_STEPS),
        ("relearning_steps", DEFAULT_RELEARNING_STEPS),
    ):
        value = meta.get(key, list(default))
        steps = [_minutes(v) for v in value] if isinstance(value, list) else [None]
        if any(s is None for s in steps):
            raise DeckError(
                shown,
                _line_of(text, key),
                f"'{key}' must be a list of durations like [1m, 10m, 1h] (or [] for none)",
            )
        out[key] = tuple(steps)
    parameters = meta.get("parameters")
    if parameters is not None:
        problem = _parameters_problem(parameters)
        if problem:
            raise DeckError(shown, _line_of(text, "parameters"), problem)
        out["parameters"] = tuple(float(p) for p in parameters)
    return out


def _minutes(value: object) -> float | None:
    """A step in minutes: a number of minutes or '30s', '10m', '1h', '1d'; None if not one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?[smhd]", value.strip()):
        v = value.strip()
        minutes = float(v[:-1]) / 60 if v[-1] == "s" else float(v[:-1]) * _STEP_UNITS[v[-1]]
    else:
        return None
    return minutes if 0 < minutes < 1440 * 365 else None


def _parameters_problem(parameters: object) -> str | None:
    """Why a spec's FSRS parameters cannot be used, or None."""
    what = "'parameters' must be FSRS's 21 numbers (as `flashcards optimize --json` prints)"
    if not isinstance(parameters, list) or not all(
        isinstance(p, int | float) and not isinstance(p, bool) for p in parameters
    ):
        return what
    import fsrs  # only specs that pin parameters pay for it

    try:
        fsrs.Scheduler(parameters=[float(p) for p in parameters])
    except ValueError as exc:
        return f"{what}: {' '.join(str(exc).split())}"
    return None


def bundled_decks_dir() -> Path:
    """The sample deck shipped inside the package, for use from any directory."""
    return _PACKAGE_DATA / "decks"


def _sample_home() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("flashcards", appauthor=False)) / "sample"


def sample_decks_dir() -> Path:
    """The user's own copy of the sample deck (its spec and notes), in the user data
    folder, made from the bundled one on first use: `e` then edits the user's file,
    never the installed package. Where the data folder cannot be written, the bundled
    deck is read as it is."""
    home = _sample_home()
    if (home / "decks").is_dir():
        return home / "decks"
    scratch = home.with_name(f".sample-{os.getpid()}")
    try:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(_PACKAGE_DATA, scratch, ignore=shutil.ignore_patterns("__pycache__"))
        os.replace(scratch, home)  # whole or not at all, whoever copies first wins
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
        if not (home / "decks").is_dir():
            return bundled_decks_dir()
    return home / "decks"


def bundled_original(path: Path) -> Path | None:
    """The bundled spec the user's copy at `path` was made from, or None: a sample deck
    built before the copy existed is the same deck, its cards keep their history."""
    if path.resolve().parent != (_sample_home() / "decks").resolve():
        return None
    original = bundled_decks_dir() / path.name
    return original if original.is_file() else None


def find_deck_specs(folder: str | Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.md") if is_deck_spec(p))


def default_deck_specs(cwd: str | Path = ".") -> list[Path]:
    """Every spec in ./decks, or the user's copy of the sample deck when there is no
    ./decks (see sample_decks_dir)."""
    local = Path(cwd) / "decks"
    if local.is_dir():
        return find_deck_specs(local)
    return find_deck_specs(sample_decks_dir())
