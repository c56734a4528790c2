"""sqlite-utils, imported without numpy and pandas (what the schema and `db` use of it).

Importing it is this module's one job: `import sqlite_utils` here hides the two
optional libraries while it loads (see `_hide_optional_imports`).
"""

from __future__ import annotations

import sys


def _hide_optional_imports() -> list[str]:
    """sqlite-utils imports numpy and pandas, when installed, only to convert their values on
    insert, which flashcards never passes. Hidden while it loads, they cost nothing: ~150 ms
    of every start (the study app has 1 s to show its first card). Later imports of numpy by
    other code work as usual: the names are put back right after."""
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` fails fast
    return hidden


_hidden = _hide_optional_imports()
try:
    import sqlite_utils  # noqa: E402
    from sqlite_utils.migrations import Migrations  # noqa: E402
finally:
    for _name in _hidden:
        del sys.modules[_name]

__all__ = ["Migrations", "sqlite_utils"]
