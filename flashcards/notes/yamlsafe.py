"""Front matter YAML, read safely: no code, no objects, and no alias bombs.

`yaml.safe_load` (through python-frontmatter's handler) builds only plain
values, but aliases let a few hundred bytes describe billions of values
(`b: [*a, *a, ...]`, nine levels deep): loading shares them and is instant,
walking them afterwards never ends. So the loaded value is measured as it
would be expanded, each shared node measured once, and refused past
MAX_VALUES values or MAX_DEPTH levels.
"""

from __future__ import annotations

import frontmatter
import yaml

MAX_VALUES = 10_000  # scalars, lists and mappings, counted as if every alias were copied
MAX_DEPTH = 32


class YamlTooBig(ValueError):
    """Front matter that would expand past the bounds."""


def load(text: str) -> object:
    """The YAML document in `text`; yaml.YAMLError or YamlTooBig when it is refused."""
    value = frontmatter.YAMLHandler().load(text) if text.strip() else {}
    check_size(value)
    return value


def check_size(value: object) -> None:
    """YamlTooBig unless `value` expands to at most MAX_VALUES values and MAX_DEPTH levels."""
    sizes: dict[int, int] = {}  # id of a list or mapping -> its expanded size
    # an explicit stack: (node, depth, children done); no recursion on deep documents
    stack: list[tuple[object, int, bool]] = [(value, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if not isinstance(node, (list, dict)):
            continue
        if depth > MAX_DEPTH:
            raise YamlTooBig(f"nested more than {MAX_DEPTH} levels deep")
        children = list(node.values()) + list(node.keys()) if isinstance(node, dict) else node
        if done:
            total = 1
            for child in children:
                total += sizes.get(id(child), 1)
                if total > MAX_VALUES:
                    raise YamlTooBig(
                        f"expands to more than {MAX_VALUES:,} values (repeated YAML aliases)"
                    )
            sizes[id(node)] = total
            continue
        if id(node) in sizes:
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)


__all__ = ["MAX_DEPTH", "MAX_VALUES", "YamlTooBig", "load", "yaml"]
