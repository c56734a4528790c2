"""The user's settings file: `config.toml` in the user config folder (platformdirs), or
the file `$FLASHCARDS_CONFIG` names.

```toml
sync = "~/Notes/.flashcards-sync"   # `flashcards sync` after every session and build
watch = false                       # the app leaves the notes unwatched (default: watched)
```
A missing file is no settings; a file that is not TOML, too big, or has a value of
the wrong type is an error that names it and the line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

MAX_BYTES = 64 * 1024
KNOWN = ("sync", "watch")


class ConfigError(Exception):
    """A settings file that cannot be used; the message says where and what to do."""


@dataclass(frozen=True)
class Config:
    sync: Path | None = None  # the folder this device's journal goes into
    watch: bool = True  # the open app rebuilds a deck when its notes change


def config_path() -> Path:
    env = os.environ.get("FLASHCARDS_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir("flashcards", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        if not path.exists():
            return Config()
        if not path.is_file():
            raise ConfigError(f"{path}: not a regular file; make it the settings file or remove it")
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_BYTES // 1024} KiB; is it the right file?")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({err}); check it") from None
    import tomllib  # only when there is a file to read: ~2 ms of every app start otherwise

    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not TOML ({err}); fix that line") from None
    unknown = sorted(set(values) - set(KNOWN))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} (known: {', '.join(KNOWN)})")
    sync = values.get("sync")
    if sync is not None and (not isinstance(sync, str) or not sync.strip()):
        raise ConfigError(f'{path}: `sync` must be a folder path in quotes, e.g. sync = "~/Sync"')
    watch = values.get("watch", True)
    if not isinstance(watch, bool):
        raise ConfigError(f"{path}: `watch` must be true or false, e.g. watch = false")
    return Config(sync=Path(sync).expanduser() if sync else None, watch=watch)
