"""What a Ctrl-C says when it lands outside a command's own handling of it.

A SIGINT can land anywhere in a command: while its code is first imported (where
Python 3.11 may wrap the KeyboardInterrupt in a RuntimeError, as it does for one
raised in a dataclass field's `__set_name__`), while it opens the collection, or
after its work, while the report is printed. Wherever it lands, the command ends
with one line on stderr and status 130, and the line is true about the collection:
a command tells what it has saved so far with `on_interrupt`, and without that the
line says whether this process committed anything at all.
"""

from __future__ import annotations

from typing import NoReturn

import click

from flashcards.cli.output import fail

_NOTE = "interrupt_note"  # the key in ctx.obj


def on_interrupt(message: str) -> None:
    """What a Ctrl-C from here on in the running command says (a whole line, saying
    what is saved); replaces what was said before."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().ensure_object(dict)[_NOTE] = message


def caused_by_ctrl_c(exc: BaseException) -> bool:
    """`exc` is a KeyboardInterrupt, or an error Python raised in its place."""
    seen: set[int] = set()
    chain: BaseException | None = exc
    while chain is not None and id(chain) not in seen:
        if isinstance(chain, KeyboardInterrupt):
            return True
        seen.add(id(chain))
        chain = chain.__cause__ or chain.__context__
    return False


def interrupted(ctx: click.Context) -> NoReturn:
    """Exit 130 with one line saying what the collection has."""
    from flashcards.store.db import commits_in_process

    note = (ctx.obj or {}).get(_NOTE)
    if note:
        fail(note, 130)
    command = ctx.invoked_subcommand
    again = f"; run `flashcards {command}` again" if command else ""
    if commits_in_process():
        fail(
            "interrupted: the collection keeps the changes saved before it (each one is "
            "saved whole or not at all)",
            130,
        )
    fail(f"interrupted: the collection was not changed{again}", 130)
