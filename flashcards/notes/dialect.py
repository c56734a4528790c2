"""Which dialect a notes folder is written in, and the options a file is read with.

A folder inside an Obsidian vault (an ancestor holds `.obsidian/`) is read as
Obsidian, one inside a Logseq graph (an ancestor holds `logseq/config.edn`) as
Logseq, anything else as plain Markdown; a deck spec's `dialect:` overrides
that. An Obsidian vault with the spaced-repetition plugin installed is read by
the plugin's rules and settings (`osr`, `osr_settings`).

`ReadOptions` is everything reading one file depends on besides its bytes. It
is frozen and small: it travels, pickled, with every file job to the reader's
worker processes, and its `key()` is stored with a deck's cards, so a change of
any of it (the plugin's settings, a junk switch, the dialect) reads the deck
again.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flashcards.notes import osr_settings
from flashcards.notes.files import MAX_FILE_MB
from flashcards.notes.junk import ALL_RULES
from flashcards.notes.markers import ALL_MARKERS
from flashcards.notes.osr_settings import OsrSettings

OBSIDIAN = "obsidian"
LOGSEQ = "logseq"
MARKDOWN = "markdown"
DIALECTS = (OBSIDIAN, LOGSEQ, MARKDOWN)
MAX_LEVELS = 64  # folders walked up from a notes path looking for a vault's marker


@dataclass(frozen=True)
class ReadOptions:
    """How one notes file is read (see the module docstring)."""

    markers: frozenset[str] = frozenset(ALL_MARKERS)
    dialect: str = MARKDOWN
    root: str | None = None  # the vault or graph folder, when there is one
    osr: OsrSettings | None = None  # the spaced-repetition plugin's settings, when it is used
    junk: frozenset[str] = frozenset(ALL_RULES)  # the junk rules switched on
    max_bytes: int = MAX_FILE_MB * 1_000_000

    def key(self) -> str:
        """A stable text of what decides the cards (the size cap and the vault's place on
        disk do not)."""
        return json.dumps(
            {
                "markers": sorted(self.markers),
                "dialect": self.dialect,
                "osr": None if self.osr is None else json.loads(self.osr.key()),
                "junk": sorted(self.junk),
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    @property
    def warnings(self) -> tuple[tuple[str, int | None, str], ...]:
        """What reading the vault's settings had to say (a broken data.json)."""
        return self.osr.warnings if self.osr is not None else ()


def _is(path: Path, kind: Callable[[int], bool]) -> bool:
    """Whether `path` is there and of that kind; a folder that cannot be looked into
    (no permission) hides what is in it, as a missing one would (Path.is_dir raises)."""
    try:
        return kind(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def detect(path: str | Path) -> tuple[str, Path | None]:
    """The dialect of a notes file or folder, and its vault or graph folder (None for
    plain Markdown): the nearest of its folders, up to MAX_LEVELS up, that holds
    `.obsidian/` or `logseq/config.edn`."""
    here = Path(os.path.abspath(path))
    if not _is(here, stat.S_ISDIR):
        here = here.parent
    for _ in range(MAX_LEVELS):
        if _is(here / ".obsidian", stat.S_ISDIR):
            return OBSIDIAN, here
        if _is(here / "logseq" / "config.edn", stat.S_ISREG):
            return LOGSEQ, here
        if here.parent == here:
            break
        here = here.parent
    return MARKDOWN, None


def options_for(
    path: str | Path,
    markers: frozenset[str] = frozenset(ALL_MARKERS),
    junk: frozenset[str] = frozenset(ALL_RULES),
    max_bytes: int = MAX_FILE_MB * 1_000_000,
    dialect: str | None = None,
) -> ReadOptions:
    """The options the notes at `path` are read with: its dialect detected (or
    `dialect`, a deck spec's choice), with the plugin's settings where the vault uses it."""
    found, root = detect(path)
    chosen = dialect or found
    if chosen != found:
        root = root if found == chosen else Path(os.path.abspath(path))
        if not root.is_dir():
            root = root.parent
    osr = None
    if chosen == OBSIDIAN and root is not None and osr_settings.uses_plugin(root):
        osr = osr_settings.load(root)
    return ReadOptions(
        markers=frozenset(markers),
        dialect=chosen,
        root=None if root is None else str(root),
        osr=osr,
        junk=frozenset(junk),
        max_bytes=max_bytes,
    )
