"""The floor of a cold build in pure Python, beside the real build and Anki's CSV import.

    python benchmarks/bench_build_floor.py                 # 2,500 files (~45k cards), 3 runs
    python benchmarks/bench_build_floor.py --runs 5 --vault DIR

The floor is the least work any pure-Python reader must do for the same vault and the
same stored rows, timed (CPU seconds, imports and the collection's opening excluded) in
a fresh process each run, exactly as `bench_build_vs_anki.py` times the real build:

- read every notes file (bytes, decoded), in the build's file order;
- split each file into blocks at its bullet lines (one regex split, no per-line loop),
  keeping the chain of ancestors by indentation;
- find the deletion markers with one regex (`**x**`, `__x__`, `==x==`, `{{cloze x}}`,
  `{{c1::x}}`) — no CommonMark, no junk rules, no dialects, no properties or code;
- hash each card's identity as the build does (`identity.card_hash` over the block's
  normalised text and the deletion, `identity.block_hash`, copy numbers, a random guid),
  and make its row and its block's — for as many cards as the real build stores: the
  regex finds more deletions than the build keeps (code, headings, junk), and the rest
  are only counted, so that the figure stays a lower bound;
- insert into a collection made by the project's own schema, in one transaction with
  synchronous=FULL: the same number of card rows, card states, block rows and source
  rows as the real build stores, each table's rows padded to the real rows' mean width
  (measured on the real build's collection in the same run), the cards/blocks indexes
  built after the rows are in, the deck summaries counted in one grouped statement.

What it leaves out (the real build does it, the floor does not): CommonMark deletion
rules, junk rules, Logseq/Obsidian specifics (properties, references, the plugin's
cards), context and back rendering, the spool, matching, the Logseq graph's index rows
(`graph_entries`, `graph_refs`). So it is a floor: a reader
that does all that cannot be cheaper than this.

Prints min/median/max of the runs for the floor, the real one-process build and Anki's
import, the ratios floor/Anki and build/floor, the row counts and widths, and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_build_vs_anki import _CHILD, _write_csv  # noqa: E402
from vault import vault_folder  # noqa: E402

_FLOOR = r"""
import json, os, re, resource, secrets, sys, time
from json.encoder import encode_basestring as js
sys.path.insert(0, {root!r})
from flashcards import Collection
from flashcards.identity import block_hash, card_hash, with_copy
from flashcards.notes.files import note_paths
from flashcards.store import deck_summaries

def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

vault, out, target = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
BLOCK_START = re.compile(r"\n(?=[ \t]*(?:[-*+]|\d{{1,9}}[.)])[ \t])")
BULLET = re.compile(r"[ \t]*(?:[-*+]|\d{{1,9}}[.)])[ \t]+")
MARKER = re.compile(
    r"\*\*([^*\n]+?)\*\*|__([^_\n]+?)__|==([^=\n]+?)==|\{{\{{cloze[ \t]+(.+?)\}}\}}"
    r"|\{{\{{c(\d{{1,3}})::(.+?)\}}\}}"
)
STAMP = "2026-01-01T00:00:00.000Z"
files = list(note_paths([vault]))
col = Collection.open(out)
store = col._store
import gc; gc.collect(); gc.disable()
wall, c0 = time.perf_counter(), cpu()

blocks, cards = [], []   # rows, as the real build's (widths padded below)
found = 0
want = target["cards"]
guids = []
seen = {{}}
for path in files:
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    stack = []  # (indent, text, hash) of the ancestors
    line = 1
    for chunk in BLOCK_START.split(text):
        m = BULLET.match(chunk)
        at = line
        line += chunk.count("\n") + 1
        if m is None:
            continue  # before the first bullet: page text
        indent = len(chunk) - len(chunk.lstrip(" \t"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        body = chunk[m.end():]
        if MARKER.search(body) is None:
            stack.append([indent, body, None])
            continue
        if len(cards) >= want:  # the regex finds more than the build keeps: the rest only
            found += len(MARKER.findall(body))  # counted, no rows (a lower bound)
            stack.append([indent, body, None])
            continue
        norm = " ".join(body.split())
        shared = block_hash(norm)
        for a in stack:  # an ancestor's hash, once
            if a[2] is None:
                a[2] = block_hash(" ".join(a[1].split()))
        ancestors = " ".join([h for _, _, h in stack])
        context = "[" + ", ".join([js(t) for _, t, _ in stack]) + "]"
        marks, answers = [], []
        for d in MARKER.finditer(body):
            answer = d[d.lastindex]
            marks.append(f"[{{d.start()}}, {{d.end()}}, {{js(answer)}}]")
            answers.append(answer)
        block_id = len(blocks) + 1
        blocks.append([block_id, 1, path, at, body, "[" + ", ".join(marks) + "]",
                       "", context, "[]", norm])
        for k, answer in enumerate(answers):
            found += 1
            deletion = f"{{answer}}#{{k}}"
            h = card_hash("cloze", norm, deletion)
            copy = seen.get(h, 0)  # identical blocks: copy numbers, as the build gives
            seen[h] = copy + 1
            if copy:
                h = with_copy(h, copy)
            if not guids:  # drawn from the OS in batches, as the build does
                drawn = secrets.token_bytes(8192).hex()
                guids = [drawn[i : i + 16] for i in range(0, len(drawn), 16)]
            cards.append([len(cards) + 1, guids.pop(), 1, h, h, shared, "cloze",
                          deletion, path, k, block_id, "[]", "[" + js(answer) + "]",
                          None, STAMP, STAMP, ancestors, "markdown"])
        stack.append([indent, body, shared])

def fit(rows, want, width, pad_at, keep):
    # the real build's row count (a block's last deletions may go past it: dropped;
    # blocks short of it, or cards if the regex found fewer, are copied with fresh ids and
    # hashes — untimed, so the floor stays a lower bound), each table's text padded in one
    # column to the real rows' mean width
    have = len(rows)
    while len(rows) < want:
        row = list(rows[len(rows) % have])
        row[0] = len(rows) + 1
        keep(row)
        rows.append(row)
    del rows[want:]
    size = sum(len(str(v)) for row in rows for v in row if v is not None)
    short = max(0, int(width * want) - size) // max(1, want)
    filler = "x" * short
    for row in rows:
        row[pad_at] += filler
    return size

def fresh_card(row):
    row[1] = secrets.token_hex(8)
    row[3] = row[4] = card_hash("cloze", row[3], str(row[0]))

def fresh_block(row):
    pass

# the fitting is the benchmark's, not a reader's: its CPU is left out
f0 = cpu()
cards_size = fit(cards, target["cards"], target["cards_width"], 16, fresh_card)
blocks_size = fit(blocks, target["blocks"], target["blocks_width"], 6, fresh_block)
fitting = cpu() - f0
parse_cpu = f0 - c0
with store.atomic("floor"):
    store.execute("INSERT INTO decks(id, name) VALUES (1, 'floor')")
    indexes = store.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name IN ('cards', 'blocks') AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        store.execute(f'DROP INDEX "{{name}}"')
    conn = store.conn
    conn.executemany(
        "INSERT INTO sources(deck_id, path, size, mtime_ns, hash) VALUES (1, ?, 0, 0, ?)",
        [(p, "0" * 32) for p in files],
    )
    conn.executemany(
        "INSERT INTO blocks(id, deck_id, source, line, body, marks, children, context, tags, norm)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", blocks)
    with deck_summaries.inserting(store, 1, len(cards)):
        conn.executemany(
            "INSERT INTO cards(id, guid, deck_id, content_hash, base_hash, block_hash, kind,"
            " deletion, source, position, block_id, hidden, answers, hint, created_at,"
            " updated_at, ancestors, dialect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?)", cards)
        store.execute("INSERT INTO card_state(card_id) SELECT id FROM cards")
    for _, sql in indexes:
        store.execute(sql)
took, took_cpu = time.perf_counter() - wall, cpu() - c0 - fitting
col.close()
print(json.dumps({{"wall": took, "cpu": took_cpu, "parse_cpu": parse_cpu, "cards": len(cards), "found": found,
                  "blocks": len(blocks), "files": len(files),
                  "cards_width": cards_size / max(1, len(cards)),
                  "blocks_width": blocks_size / max(1, len(blocks))}}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _widths(path: Path) -> dict[str, float]:
    """Rows and mean row width (bytes of text, as `str` gives them) of the real build."""
    db = sqlite3.connect(path)
    try:
        out: dict[str, float] = {}
        for table, columns in (
            (
                "cards",
                "id, guid, deck_id, content_hash, base_hash, block_hash, kind, deletion, "
                "source, position, block_id, hidden, answers, hint, created_at, updated_at, "
                "ancestors, dialect",
            ),
            ("blocks", "id, deck_id, source, line, body, marks, children, context, tags, norm"),
        ):
            total = " + ".join(f"COALESCE(LENGTH({c}), 0)" for c in columns.split(", "))
            n, width = db.execute(f"SELECT COUNT(*), AVG({total}) FROM {table}").fetchone()
            out[table], out[f"{table}_width"] = n, width
        return out
    finally:
        db.close()


def _stats(values: list[float]) -> str:
    return f"{min(values):7.3f} {statistics.median(values):7.3f} {max(values):7.3f}"


def run(vault: Path, runs: int) -> None:
    root = str(HERE.parent)
    child = _CHILD.format(root=root)
    floor = _FLOOR.format(root=root)
    with tempfile.TemporaryDirectory(prefix="flashcards-floor-") as tmp:
        scratch = Path(tmp)
        _write_csv(vault, scratch / "cards.csv")
        results: dict[str, list[dict[str, float]]] = {"one": [], "floor": [], "anki": []}
        loads = [os.getloadavg()[0]]
        target: dict[str, float] = {}
        for i in range(runs):  # interleaved: the machine's load falls on all three alike
            real = scratch / f"one{i}.sqlite"
            results["one"].append(_run(child, "one", str(vault), str(real)))
            target = target or _widths(real)
            results["floor"].append(
                _run(floor, str(vault), str(scratch / f"floor{i}.sqlite"), json.dumps(target))
            )
            anki = scratch / f"anki{i}.anki2"
            results["anki"].append(_run(child, "anki", str(scratch / "cards.csv"), str(anki)))
            loads.append(os.getloadavg()[0])
        f0 = results["floor"][0]
        print(
            f"rows: real build {int(target['cards']):,} cards ({target['cards_width']:.0f} B),"
            f" {int(target['blocks']):,} blocks ({target['blocks_width']:.0f} B);"
            f" floor found {int(f0['found']):,} deletions in {int(f0['files']):,} files,"
            f" stored {int(f0['cards']):,} cards, {int(f0['blocks']):,} blocks"
            f" (unpadded {f0['cards_width']:.0f} B / {f0['blocks_width']:.0f} B)"
        )
        floor_cpu = [r["cpu"] for r in results["floor"]]
        one = [r["cpu"] for r in results["one"]]
        anki = [r["cpu"] for r in results["anki"]]
        print(f"{'':38} {'min':>7} {'median':>7} {'max':>7}   ({runs} runs)")
        print(f"{'pure-Python floor, CPU':38} {_stats(floor_cpu)} s")
        parse = [r["parse_cpu"] for r in results["floor"]]
        print(f"{'  of it: read, split, markers, hashes':38} {_stats(parse)} s")
        print(
            f"{'  of it: SQLite (rows in, indexes, commit)':38} "
            f"{_stats([a - b for a, b in zip(floor_cpu, parse, strict=True)])} s"
        )
        print(f"{'flashcards cold build, 1 process, CPU':38} {_stats(one)} s")
        print(f"{'anki import_csv of the same cards, CPU':38} {_stats(anki)} s")
        print(
            f"{'ratio floor / anki':38} "
            f"{_stats([a / b for a, b in zip(floor_cpu, anki, strict=True)])}"
        )
        print(
            f"{'ratio build / anki':38} {_stats([a / b for a, b in zip(one, anki, strict=True)])}"
        )
        print(
            f"{'ratio build / floor':38} "
            f"{_stats([a / b for a, b in zip(one, floor_cpu, strict=True)])}"
        )
        print(f"load avg (1 min) over the runs: {', '.join(f'{x:.2f}' for x in loads)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=2500, help="files in the vault (2500)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--vault", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with vault_folder(args.vault, args.files, args.seed) as root:
        run(root, args.runs)


if __name__ == "__main__":
    main()
