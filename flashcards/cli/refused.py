"""What a command says when the operating system refuses it a file nobody expected to
be refused: one line (the path, the system's reason, what to do), never a traceback.

The commands check the files they are given and say what is wrong with each; this is
what is left, such as a path inside a folder that cannot be looked into (Python 3.11's
`Path.exists` raises on it). The line says whether this process changed the
collection before, as a Ctrl-C's line does.
"""

from __future__ import annotations

import errno

_FIXES = {
    errno.EACCES: "check its permissions and those of the folders above it",
    errno.EPERM: "check its permissions and those of the folders above it",
    errno.ENOSPC: "free some space and try again",
    errno.EDQUOT: "free some space and try again",
    errno.EROFS: "its disk is read-only; choose another path",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "check the path: a part of it is a file, not a folder",
    errno.EISDIR: "check the path: it is a folder, not a file",
    errno.ELOOP: "check the path: its symbolic links loop",
    errno.ENAMETOOLONG: "check the path: it is too long",
}


def refused(exc: OSError) -> str:
    """The line for an OSError no command handled."""
    from flashcards.store.db import commits_in_process

    where = exc.filename if exc.filename is not None else "a file"
    why = exc.strerror or str(exc) or type(exc).__name__
    fix = _FIXES.get(exc.errno or 0, "check the path and try again")
    changed = (
        "the collection keeps the changes saved before it"
        if commits_in_process()
        else "the collection was not changed"
    )
    return f"{where}: {why}; {fix} ({changed})"
