"""Text from notes made safe to show: no control character ever reaches a terminal.

A note, a deck name or a file name can hold ESC, CSI (U+009B), BEL and the rest
of C0 and C1: printed raw they drive the terminal (OSC 52 writes the clipboard,
OSC 0 sets the window title). Everything the CLI prints and the app shows passes
through `visible`, which keeps the newlines and tabs of layout and shows every
other control character as a visible stand-in: C0 as its Unicode control
picture (ESC as ␛), DEL as ␡, C1 as `<U+009B>`. `json_dumps` escapes them in
JSON output (`json` itself leaves DEL and C1 raw when ensure_ascii is off).
"""

from __future__ import annotations

import json
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")


def _stand_in(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)
    if c == 0x7F:
        return "\u2421"
    return f"<U+{c:04X}>"


def visible(text: str) -> str:
    """`text` with every control character but newline and tab made visible."""
    if not _CONTROL.search(text):
        return text  # nearly always: one scan, no copy
    return _CONTROL.sub(_stand_in, text)


def json_dumps(value: object, **options: object) -> str:
    """`json.dumps(value, ensure_ascii=False, ...)` with DEL and C1 escaped as well."""
    text = json.dumps(value, ensure_ascii=False, **options)  # type: ignore[arg-type]
    if _RAW_IN_JSON.search(text):
        text = _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
