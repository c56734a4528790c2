"""A deterministic synthetic notes vault in mixed dialects, for the parse benchmark.

    from benchmarks.vault import generate
    counts = generate(Path("/tmp/vault"))          # 2,500 files, ~200,000 lines

Three dialects, in roughly equal shares:

- Logseq pages (`pages/`): `key:: value` page properties, tab indentation,
  `collapsed:: true` / `id::` block properties, `{{cloze x \\\\ cue}}`,
  `- ## heading` blocks, `#card` question blocks with answers under them,
  `((uuid))` references to other pages' `id::` blocks (a few pointing nowhere)
  and `{{embed}}`s; the vault's root holds `logseq/config.edn`;
- Obsidian notes (`notes/`, an Obsidian vault of its own that uses the
  spaced-repetition plugin with its default settings): YAML front matter with tags
  (`flashcards` in two of three files: the plugin reads only those), space
  indentation (2 or 4), markdown headings, `==highlight==`, `{{c1::x::hint}}` clozes,
  and the plugin's cards: `Q::A`, `Q:::A`, `Q` / `?` / `A` multi-line cards, some
  with their `<!--SR:…-->` schedule comments;
- plain outlines (`outlines/`): `*`, `+`, `1.` bullets.

All of them get continuation lines, fenced code (``` and ~~~), whole-bold
heading blocks, `**strong**` deletions in about 30% of the blocks (other markers
in a few more), decoys (markers inside inline code), and nesting up to 8 levels.
The same seed always writes the same bytes. Read it as a user's deck would,
each collection in its dialect: `extract_paths(note_paths(root))`.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORDS = [
    "model",
    "data",
    "training",
    "inference",
    "latency",
    "feature",
    "pipeline",
    "label",
    "drift",
    "metric",
    "batch",
    "stream",
    "schema",
    "cache",
    "index",
    "query",
    "shard",
    "replica",
    "leader",
    "follower",
    "quorum",
    "gradient",
    "loss",
    "epoch",
    "tensor",
    "kernel",
    "memory",
    "thread",
    "process",
    "socket",
    "packet",
    "route",
    "service",
    "deploy",
    "monitor",
    "alert",
    "budget",
    "owner",
    "review",
    "design",
    "system",
    "user",
    "policy",
    "reliability",
    "scalability",
    "availability",
    "throughput",
    "baseline",
    "experiment",
    "sample",
    "bias",
    "variance",
    "precision",
    "recall",
    "embedding",
    "vector",
    "token",
    "prompt",
    "window",
    "budget",
    "storage",
    "network",
    "compute",
    "cluster",
    "region",
    "zone",
    "backup",
    "restore",
    "migration",
    "version",
]

LINES_PER_FILE = 80  # 2,500 files × 80 ≈ 200,000 lines
MAX_DEPTH = 8


def _phrase(rng: random.Random, lo: int = 2, hi: int = 5) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


class _Writer:
    """Writes one file's outline; knows its dialect's bullets, indentation and markers."""

    def __init__(self, rng: random.Random, dialect: str, ids: list[str] | None = None) -> None:
        self.rng = rng
        self.ids = ids if ids is not None else []  # the vault's block uuids so far
        self.dialect = dialect
        self.lines: list[str] = []
        self.cards = 0  # deletions + question cards written (an estimate, not asserted)
        if dialect == "logseq":
            self.unit = "\t"
        elif dialect == "obsidian":
            self.unit = rng.choice(("  ", "    "))
        else:
            self.unit = rng.choice(("  ", "   ", "\t"))

    def bullet(self) -> str:
        if self.dialect == "plain":
            return self.rng.choice(("*", "+", "1.", "2)", "-"))
        return "-"

    def sentence(self) -> str:
        """Prose; about 28% of sentences have a strong deletion, 6% another marker."""
        rng = self.rng
        head, tail = _phrase(rng), _phrase(rng, 1, 6)
        r = rng.random()
        if r < 0.28:
            self.cards += 1
            return f"{head} **{_phrase(rng, 1, 2)}** {tail}"
        if r < 0.34 and self.dialect == "logseq":
            self.cards += 1
            return f"{head} {{{{cloze {_phrase(rng, 1, 2)} \\\\ {rng.choice(WORDS)}}}}} {tail}"
        if r < 0.31 and self.dialect == "obsidian":
            self.cards += 1
            return f"{head} =={_phrase(rng, 1, 2)}== {tail}"
        if r < 0.34 and self.dialect == "obsidian":
            self.cards += 1
            n = rng.randint(1, 2)
            return f"{head} {{{{c{n}::{rng.choice(WORDS)}::{rng.choice(WORDS)}}}}} and {{{{c{n}::{rng.choice(WORDS)}}}}} {tail}"
        if r < 0.37:  # a decoy: markers in inline code, and a wiki link
            return f"{head} `{rng.choice(WORDS)}**x**` [[{rng.choice(WORDS)}]] {tail}"
        if r < 0.55 and self.dialect == "logseq":
            return f"{head} [[{rng.choice(WORDS)}]] {tail}"
        if r < 0.60 and self.dialect == "logseq" and self.ids:
            return f"{head} (({rng.choice(self.ids)})) {tail}"  # a block reference
        if r < 0.605 and self.dialect == "logseq":
            return f"{head} (({_uuid(rng)})) {tail}"  # one that points nowhere
        if r < 0.61 and self.dialect == "logseq" and self.ids:
            return f"{{{{embed (({rng.choice(self.ids)}))}}}} {tail}"
        return f"{head} {tail}"

    def osr_card(self) -> None:
        """A card in the spaced-repetition plugin's syntax, at the top level of the note."""
        rng = self.rng
        self.cards += 1
        schedule = (
            f" <!--SR:!2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},{rng.randint(1, 90)},250-->"
        )
        sr = schedule if rng.random() < 0.5 else ""
        r = rng.random()
        self.lines.append("")
        if r < 0.45:
            self.lines.append(f"what is {_phrase(rng)}::{_phrase(rng)}{sr}")
        elif r < 0.65:
            self.lines.append(f"{_phrase(rng).title()}:::{_phrase(rng)}{sr}")
        else:
            self.lines.append(f"how does {_phrase(rng)} work")
            self.lines.append("??" if r < 0.75 else "?")
            for _ in range(rng.randint(1, 3)):
                self.lines.append(f"{_phrase(rng, 3, 7)}")
            if sr:
                self.lines.append(sr.strip())
        self.lines.append("")

    def block(self, depth: int) -> None:
        rng = self.rng
        pad = self.unit * depth
        bullet = self.bullet()
        cont = pad + " " * (len(bullet) + 1)  # continuation lines align with the text
        r = rng.random()
        if self.dialect == "logseq" and r < 0.05:
            self.lines.append(f"{pad}- {'#' * rng.randint(2, 3)} {_phrase(rng).title()}")
            return
        if self.dialect == "logseq" and r < 0.10:
            self.cards += 1
            self.lines.append(f"{pad}- what does {_phrase(rng)} mean? #card")
            self.lines.append(f"{cont}card-last-interval:: {rng.randint(1, 90)}")
            self.lines.append(f"{pad}{self.unit}- {_phrase(rng)}")  # its answer
            return
        if r < (0.14 if self.dialect == "logseq" else 0.04):
            self.lines.append(f"{pad}{bullet} **{_phrase(rng).title()}**")  # a heading block
            return
        self.lines.append(f"{pad}{bullet} {self.sentence()}")
        if rng.random() < 0.20:
            self.lines.append(f"{cont}{self.sentence()}")  # continuation line
        if self.dialect == "logseq" and rng.random() < 0.15:
            self.lines.append(f"{cont}collapsed:: true")
        if self.dialect == "logseq" and rng.random() < 0.05:
            uid = _uuid(rng)
            self.ids.append(uid)
            self.lines.append(f"{cont}id:: {uid}")
        if rng.random() < 0.03:
            fence = rng.choice(("```", "~~~"))
            self.lines.append(f"{cont}{fence}python")
            for _ in range(rng.randint(1, 4)):
                self.lines.append(f"{cont}x = '**{rng.choice(WORDS)}**'  # ==not== a deletion")
            self.lines.append(f"{cont}{fence}")

    def outline(self, budget: int) -> None:
        rng = self.rng
        depth = 0
        while len(self.lines) < budget:
            if self.dialect == "obsidian" and depth == 0 and rng.random() < 0.08:
                self.lines.append("")
                self.lines.append(f"{'#' * rng.randint(1, 3)} {_phrase(rng).title()}")
                self.lines.append("")
            if self.dialect == "obsidian" and depth == 0 and rng.random() < 0.25:
                self.osr_card()
            self.block(depth)
            r = rng.random()
            if r < 0.35 and depth < MAX_DEPTH - 1:
                depth += 1
            elif r < 0.60 and depth:
                depth -= rng.randint(1, depth)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _front(rng: random.Random, dialect: str) -> list[str]:
    tags = sorted({rng.choice(WORDS) for _ in range(rng.randint(1, 3))})
    if dialect == "logseq":
        return [
            f"tags:: {', '.join(f'[[{t}]]' for t in tags)}",
            f"alias:: {_phrase(rng, 1, 2)}",
            "",
        ]
    if dialect == "obsidian":
        if rng.random() < 2 / 3:  # the plugin's default flashcardTags: a deck per sub-tag
            tags.append(f"flashcards/{tags[0]}")
        return ["---", f"title: {_phrase(rng).title()}", f"tags: [{', '.join(tags)}]", "---", ""]
    return [f"# {_phrase(rng).title()}", ""]


def generate(root: Path, files: int = 2500, seed: int = 7) -> dict[str, int]:
    """Write the vault under `root`; returns files, lines, bytes and per-dialect file counts."""
    root = Path(root)
    rng = random.Random(seed)
    counts = {
        "files": 0,
        "lines": 0,
        "bytes": 0,
        "logseq": 0,
        "obsidian": 0,
        "plain": 0,
        "marked": 0,
    }
    folders = {"logseq": "pages", "obsidian": "notes", "plain": "outlines"}
    (root / "logseq").mkdir(parents=True, exist_ok=True)
    (root / "logseq" / "config.edn").write_text("{:file/name-format :triple-lowbar}\n")
    # notes/ is an Obsidian vault inside the folder: the plugin's folder, no data.json
    (root / "notes" / ".obsidian" / "plugins" / "obsidian-spaced-repetition").mkdir(
        parents=True, exist_ok=True
    )
    ids: list[str] = []
    for i in range(files):
        dialect = ("logseq", "obsidian", "plain")[i % 3]
        folder = root / folders[dialect] / f"{i % 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        writer = _Writer(rng, dialect, ids)
        writer.lines.extend(_front(rng, dialect))
        writer.outline(rng.randint(LINES_PER_FILE // 4, LINES_PER_FILE * 7 // 4))
        text = "\n".join(writer.lines) + "\n"
        data = text.encode("utf-8")
        (folder / f"{dialect}-{i:05d}.md").write_bytes(data)
        counts["files"] += 1
        counts["lines"] += len(writer.lines)
        counts["bytes"] += len(data)
        counts[dialect] += 1
        counts["marked"] += writer.cards
    return counts


if __name__ == "__main__":
    import sys

    print(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "vault")))


def note_paths(root: Path) -> list[Path]:
    """The vault's collections as a deck lists them: the Logseq pages, the Obsidian vault
    (read with the plugin) and the plain outlines (inside the graph's folder: Logseq)."""
    return [root / "pages", root / "notes", root / "outlines"]


@contextmanager
def vault_folder(folder: Path | None, files: int = 2500, seed: int = 7) -> Iterator[Path]:
    """The vault a benchmark reads: `folder` (generated there unless it already holds
    notes, and kept), or a temporary one generated for this run."""
    if folder is not None:
        if not folder.exists() or not any(folder.rglob("*.md")):
            counts = generate(folder, files, seed)
            print(f"generated {counts['files']:,} files, {counts['lines']:,} lines into {folder}")
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="flashcards-vault-") as tmp:
        start = time.perf_counter()
        counts = generate(Path(tmp), files, seed)
        print(
            f"generated {counts['files']:,} files, {counts['lines']:,} lines, "
            f"{counts['bytes']:,} bytes in {time.perf_counter() - start:.2f} s"
        )
        yield Path(tmp)
