"""No import cycle anywhere in flashcards/: every module's imports, as its source says.

The graph is read from the AST of each file, not from what Python happens to
load, so it counts every import a module can make: at the top, inside
functions (the lazy imports that keep start-up fast) and under
`if TYPE_CHECKING:`. A lazy import hides a cycle from the interpreter, not
from the design: two modules that reach for each other are one module in two
files. An edge goes to the module named — `from flashcards import sm2` is an
edge to `flashcards.sm2`, `from flashcards.collection import Collection` one to
`flashcards.collection` — and not to the packages above it (importing a
submodule runs its package's `__init__`, but that is Python's doing, not a
dependency the module chose).

Each knot of modules found is reported as one cycle through it, then the file
and line of every other import among its modules: what to cut.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from helpers import ROOT as REPOSITORY

PACKAGE = "flashcards"
ROOT = REPOSITORY / PACKAGE

# Parts of the package whose cycles belong to another piece of work (issue 11 is split
# between engineers; the TUI's branch edits only flashcards/tui/). A cycle that lies
# wholly inside one of them fails its own test below, with this reason, instead of
# the package-wide test: remove the entry once the cycle is gone.

Edge = tuple[str, str]  # (importer, imported)
Where = dict[Edge, tuple[Path, int]]  # the first import that makes each edge


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imported(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]
) -> Iterator[str]:
    """The package's modules an import statement names."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in known:
                yield alias.name
        return
    if node.level:  # relative: from the importer's package, up `level - 1` more
        base = importer.split(".")
        if not is_package:
            base.pop()
        base = base[: len(base) - (node.level - 1)]
        if node.module:
            base.append(node.module)
        source = ".".join(base)
    else:
        source = node.module or ""
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        if sub in known:  # `from package import submodule`
            yield sub
        elif source in known:
            yield source


def import_graph(root: Path = ROOT) -> tuple[dict[str, set[str]], Where]:
    """Each module's imports of other modules of the package, and where each is made."""
    found = modules(root)
    known = set(found)
    graph: dict[str, set[str]] = {name: set() for name in found}
    where: Where = {}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):  # every statement: top level, functions, TYPE_CHECKING
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in imported(node, name, path.name == "__init__.py", known):
                if target != name:
                    graph[name].add(target)
                    where.setdefault((name, target), (path, node.lineno))
    return graph, where


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components with more than one module (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return sorted(components)


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest cycle through the component's first module: a path that shows it."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    return [*paths[node], start]
                if child not in paths:
                    paths[child] = [*paths[node], child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"{component} is not a cycle")


def describe(graph: dict[str, set[str]], where: Where, component: list[str]) -> str:
    cycle = a_cycle(graph, component)
    lines = [" -> ".join(cycle)]
    for importer, target in zip(cycle, cycle[1:], strict=False):
        path, line = where[(importer, target)]
        lines.append(f"    {path.relative_to(ROOT.parent)}:{line} imports {target}")
    shown = set(zip(cycle, cycle[1:], strict=False))
    rest = [(a, b) for a in component for b in sorted(graph[a] & set(component))]
    rest = [edge for edge in rest if edge not in shown]
    if rest:
        lines.append(f"  and every other import among {', '.join(component)}:")
        for importer, target in rest:
            path, line = where[(importer, target)]
            lines.append(f"    {path.relative_to(ROOT.parent)}:{line} imports {target}")
    return "\n".join(lines)


def cycles() -> tuple[dict[str, set[str]], Where, list[list[str]]]:
    graph, where = import_graph()
    return graph, where, strongly_connected(graph)


def test_the_graph_sees_every_kind_of_import(tmp_path: Path):
    """The checker itself, on a package made for it: imports at the top, inside functions,
    under TYPE_CHECKING, relative ones, and `from package import submodule`."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    sources = {
        "__init__.py": "from pkg.top import thing\n",
        "top.py": "import pkg.lazy\nthing = 1\n",
        "lazy.py": "def later():\n    from pkg.typed import T\n",
        "typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub import leaf\n",
        "sub/__init__.py": "from . import leaf\n",
        "sub/leaf.py": "from .. import top\nfrom pkg import lazy, thing\nimport os\n",
    }
    for name, text in sources.items():
        (pkg / name).write_text(text)
    graph, where = import_graph(pkg)
    assert graph == {
        "pkg": {"pkg.top"},
        "pkg.top": {"pkg.lazy"},
        "pkg.lazy": {"pkg.typed"},  # inside a function
        "pkg.typed": {"pkg.sub.leaf"},  # under TYPE_CHECKING, relative
        "pkg.sub": {"pkg.sub.leaf"},
        "pkg.sub.leaf": {"pkg.top", "pkg.lazy", "pkg"},  # `thing` lives in pkg's __init__
    }
    assert where[("pkg.lazy", "pkg.typed")] == (pkg / "lazy.py", 2)
    assert strongly_connected(graph) == [
        ["pkg", "pkg.lazy", "pkg.sub.leaf", "pkg.top", "pkg.typed"]
    ]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_no_import_cycle_in_the_tui():
    """flashcards.tui: screens post messages and the app routes them, so nothing in the
    TUI imports back the app that imports it."""
    graph, where, found = cycles()
    tui = [c for c in found if any(m.startswith(f"{PACKAGE}.tui") for m in c)]
    assert not tui, "import cycles through the TUI:\n" + "\n".join(
        describe(graph, where, c) for c in tui
    )


TUI = f"{PACKAGE}.tui"
# what only the app may import: (imported, the modules that must not import it)
APP_ONLY = [
    (f"{TUI}.app", (f"{TUI}.screens", f"{TUI}.widgets", f"{TUI}.messages", f"{TUI}.failures")),
    (f"{TUI}.screens", (f"{TUI}.messages", f"{TUI}.session", f"{TUI}.failures")),
]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_screens_never_import_the_app():
    """Screens, widgets, the messages and failures know nothing of the app that routes
    them, and the messages nothing of the screens (not even under TYPE_CHECKING)."""
    graph, where = import_graph()
    wrong = [
        (importer, target)
        for importer, targets in graph.items()
        for target in targets
        for forbidden, importers in APP_ONLY
        if within(target, forbidden) and any(within(importer, p) for p in importers)
    ]
    assert not wrong, "\n".join(
        f"{where[edge][0].relative_to(ROOT.parent)}:{where[edge][1]} imports {edge[1]}"
        for edge in sorted(wrong)
    )


def test_no_import_cycle_in_the_package():
    graph, where, found = cycles()
    assert not found, "import cycles in flashcards/:\n" + "\n".join(
        describe(graph, where, c) for c in found
    )
