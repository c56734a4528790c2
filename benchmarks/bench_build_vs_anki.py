"""Cold build of the synthetic vault beside the real Anki backend's CSV import of the same cards.

    python benchmarks/bench_build_vs_anki.py                # 2,500 files (~49k cards), 3 runs
    python benchmarks/bench_build_vs_anki.py --runs 5
    python benchmarks/bench_build_vs_anki.py --vault DIR    # generate into DIR (kept) or reuse it

Each run, in a fresh process each (imports included in neither figure):
- flashcards, one process: `Collection.build(vault)` into a new collection with the
  reader kept to this process; CPU seconds (user + system, this process and any child);
- Anki: the same cards, one note per card with its cloze text (`card.cloze`, Anki's
  `{{c1::…}}`) and its back, as a CSV imported by `col.import_csv` into a fresh
  anki Collection (the `anki` package's Rust backend); CPU seconds the same way;
- flashcards as users get it (two reader processes where the vault is big enough):
  wall seconds, and CPU over both processes.

Prints min/median/max of the runs for each, the ratio flashcards-one-process CPU /
Anki CPU (target ≤ 1.0), and the load average. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from vault import vault_folder  # noqa: E402

_CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
job, vault, out = sys.argv[1], sys.argv[2], sys.argv[3]
if job == "anki":
    from anki.collection import Collection, ImportCsvRequest
    from anki.import_export_pb2 import CsvMetadata
    col = Collection(out)
    meta = col.get_csv_metadata(path=vault, delimiter=None)
    meta.global_notetype.id = col.models.by_name("Cloze")["id"]
    meta.deck_id = col.decks.id("bench")
    meta.is_html = False
    meta.delimiter = CsvMetadata.Delimiter.COMMA
    meta.force_delimiter = True
    del meta.column_labels[:]
    meta.column_labels.extend(["Text", "Back Extra"])
    meta.global_notetype.field_columns[:] = [1, 2]
    gc = __import__("gc"); gc.collect()
    wall, c0 = time.perf_counter(), cpu()
    log = col.import_csv(ImportCsvRequest(path=vault, metadata=meta))
    took, took_cpu = time.perf_counter() - wall, cpu() - c0
    count = col.card_count()
    col.close()
else:
    from flashcards import Collection
    import flashcards.reading
    if job == "one":
        flashcards.reading.default_workers = lambda files: 1
    gc = __import__("gc"); gc.collect()
    with Collection.open(out) as col:
        wall, c0 = time.perf_counter(), cpu()
        report = col.build(vault)
        took, took_cpu = time.perf_counter() - wall, cpu() - c0
    count = report.cards
print(json.dumps({{"wall": took, "cpu": took_cpu, "cards": count,
                  "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                  + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
"""


def _write_csv(vault: Path, path: Path) -> int:
    """The vault's cards as Anki cloze notes: one row per card, its cloze text and back."""
    from flashcards.reading import extract_paths

    cards = extract_paths([vault]).cards
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        for card in cards:
            out.writerow([card.cloze, card.back])
    return len(cards)


def _child(job: str, source: Path, out: Path) -> dict[str, float]:
    code = _CHILD.format(root=str(HERE.parent))
    done = subprocess.run(
        [sys.executable, "-c", code, job, str(source), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _stats(values: list[float]) -> str:
    return f"{min(values):7.3f} {statistics.median(values):7.3f} {max(values):7.3f}"


def run(vault: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="flashcards-vs-anki-") as tmp:
        scratch = Path(tmp)
        rows = _write_csv(vault, scratch / "cards.csv")
        results: dict[str, list[dict[str, float]]] = {"one": [], "anki": [], "two": []}
        loads = [os.getloadavg()[0]]
        for i in range(runs):
            for job in results:  # interleaved: the machine's load falls on all three alike
                source = scratch / "cards.csv" if job == "anki" else vault
                suffix = ".anki2" if job == "anki" else ".sqlite"
                results[job].append(_child(job, source, scratch / f"{job}{i}{suffix}"))
            loads.append(os.getloadavg()[0])
        one = [r["cpu"] for r in results["one"]]
        anki = [r["cpu"] for r in results["anki"]]
        ratios = [a / b for a, b in zip(one, anki, strict=True)]
        print(
            f"cards: flashcards {results['one'][0]['cards']:,}, anki {results['anki'][0]['cards']:,}"
            f" (CSV rows {rows:,})"
        )
        print(f"{'':38} {'min':>7} {'median':>7} {'max':>7}   ({runs} runs)")
        print(f"{'flashcards cold build, 1 process, CPU':38} {_stats(one)} s")
        print(f"{'anki import_csv of the same cards, CPU':38} {_stats(anki)} s")
        print(f"{'ratio flashcards / anki (target ≤ 1.0)':38} {_stats(ratios)}")
        print(f"{'flashcards, 1 process, wall':38} {_stats([r['wall'] for r in results['one']])} s")
        print(f"{'anki import_csv, wall':38} {_stats([r['wall'] for r in results['anki']])} s")
        print(
            f"{'flashcards as shipped (2 readers), wall':38} "
            f"{_stats([r['wall'] for r in results['two']])} s"
        )
        print(
            f"{'  its CPU over both processes':38} {_stats([r['cpu'] for r in results['two']])} s"
        )
        rss = [r["rss_kib"] / 1024 for r in results["two"]]
        print(f"{'  peak RSS, parent + child':38} {_stats(rss)} MiB")
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
