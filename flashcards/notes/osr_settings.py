"""The Obsidian spaced-repetition plugin's settings, as its `data.json` has them.

The plugin (github.com/st3v3nmw/obsidian-spaced-repetition) keeps them in
`.obsidian/plugins/obsidian-spaced-repetition/data.json`, under `"settings"`
(older versions kept them at the top level). What is missing there takes the
plugin's own defaults (its `src/data/settings.ts`), and so does a vault whose
plugin folder has no `data.json` yet. A broken or oversized file gives a
warning and the defaults: the plugin's users should still get their cards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from flashcards.notes.files import read_bounded
from flashcards.notes.outline import NoteError

PLUGIN_DIR = Path(".obsidian") / "plugins" / "obsidian-spaced-repetition"
DATA_MAX_BYTES = 2_000_000  # settings plus review data of notes; anything bigger is not it

# The plugin's clozecraft patterns for its three older switches (`upgradeSettings`)
HIGHLIGHT_PATTERN = "==[123;;]answer[;;hint]=="
BOLD_PATTERN = "**[123;;]answer[;;hint]**"
CURLY_PATTERN = "{{[123;;]answer[;;hint]}}"


@dataclass(frozen=True)
class OsrSettings:
    """What of the plugin's settings decides which cards a note has."""

    flashcard_tags: tuple[str, ...] = ("#flashcards",)
    tags_to_ignore: tuple[str, ...] = ()
    single_line: str = "::"
    single_line_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"
    multiline_end: str = ""
    cloze_patterns: tuple[str, ...] = (HIGHLIGHT_PATTERN,)
    # what reading data.json had to say, as (path, line or None, reason)
    warnings: tuple[tuple[str, int | None, str], ...] = field(default=(), compare=False)

    def key(self) -> str:
        """A stable text of every setting that changes cards (not the warnings)."""
        return json.dumps(
            [
                self.flashcard_tags,
                self.tags_to_ignore,
                self.single_line,
                self.single_line_reversed,
                self.multiline,
                self.multiline_reversed,
                self.multiline_end,
                self.cloze_patterns,
            ],
            ensure_ascii=False,
        )


def plugin_folder(vault: Path) -> Path:
    return vault / PLUGIN_DIR


def uses_plugin(vault: Path) -> bool:
    """Whether the vault has the spaced-repetition plugin installed."""
    return plugin_folder(vault).is_dir()


def load(vault: Path) -> OsrSettings:
    """The vault's plugin settings (see the module docstring)."""
    path = plugin_folder(vault) / "data.json"
    if not path.exists():
        return OsrSettings()
    try:
        raw, _ = read_bounded(path, DATA_MAX_BYTES, str(path))
        data = json.loads(raw.decode("utf-8-sig"))
    except NoteError as err:
        return _defaults(str(path), None, f"{err.reason}; the plugin's default settings are used")
    except (UnicodeDecodeError, ValueError) as exc:
        return _defaults(
            str(path),
            getattr(exc, "lineno", None),
            f"the spaced-repetition plugin's settings are not valid JSON ({exc}); the "
            "plugin's default settings are used — fix the file, or change a setting in "
            "Obsidian to rewrite it",
        )
    return from_json(data, str(path))


def _defaults(where: str, line: int | None, reason: str) -> OsrSettings:
    return OsrSettings(warnings=((where, line, reason),))


def from_json(data: object, where: str = "data.json") -> OsrSettings:
    """Settings from the plugin's data (a dict), its defaults for anything missing or of
    the wrong type (each such value is a warning)."""
    if not isinstance(data, dict):
        return _defaults(
            where, None, "is not a JSON object; the plugin's default settings are used"
        )
    settings = data.get("settings") if isinstance(data.get("settings"), dict) else data
    default = OsrSettings()
    warnings: list[tuple[str, int | None, str]] = []

    def text(key: str, fallback: str) -> str:
        value = settings.get(key, fallback)
        if value is None:
            return fallback
        if not isinstance(value, str):
            warnings.append((where, None, f"'{key}' is not text; the plugin's default is used"))
            return fallback
        return value

    def tags(key: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
        value = settings.get(key)
        if value is None:
            return fallback
        if isinstance(value, str):  # some versions stored one space-separated string
            value = value.split()
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            warnings.append((where, None, f"'{key}' is not a list of tags; the default is used"))
            return fallback
        return tuple(t.strip() for t in value if t.strip())

    patterns = settings.get("clozePatterns")
    if patterns is None:
        # before clozePatterns existed: the three switches (the plugin's `upgradeSettings`)
        chosen = []
        if settings.get("convertHighlightsToClozes", True):
            chosen.append(HIGHLIGHT_PATTERN)
        if settings.get("convertBoldTextToClozes", False):
            chosen.append(BOLD_PATTERN)
        if settings.get("convertCurlyBracketsToClozes", False):
            chosen.append(CURLY_PATTERN)
        cloze_patterns = tuple(chosen)
    elif isinstance(patterns, list) and all(isinstance(p, str) for p in patterns):
        cloze_patterns = tuple(p for p in (p.strip() for p in patterns) if p)
    else:
        warnings.append(
            (where, None, "'clozePatterns' is not a list of patterns; the default is used")
        )
        cloze_patterns = default.cloze_patterns
    return OsrSettings(
        flashcard_tags=tags("flashcardTags", default.flashcard_tags),
        tags_to_ignore=tags("flashcardTagsToIgnore", ()),
        single_line=text("singleLineCardSeparator", default.single_line),
        single_line_reversed=text("singleLineReversedCardSeparator", default.single_line_reversed),
        multiline=text("multilineCardSeparator", default.multiline),
        multiline_reversed=text("multilineReversedCardSeparator", default.multiline_reversed),
        multiline_end=text("multilineCardEndMarker", default.multiline_end),
        cloze_patterns=cloze_patterns,
        warnings=tuple(warnings),
    )
