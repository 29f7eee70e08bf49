"""Throughput, memory and start-up of `kg build` on PubMed baseline-style input.

    python benchmarks/throughput.py [--documents 10000] [--jobs 1,2]
    python benchmarks/throughput.py --sizes 1e4,1e5,1e6 [--jobs 2]
    python benchmarks/throughput.py --baseline 287fd58       # the same builds by an earlier commit too
    python benchmarks/throughput.py --repeat 3               # each build three times: the median

Real abstracts (BC5CDR, NCBI Disease, BioRED PubTator files from ../shared/corpora; the examples when that
folder is absent) are replicated with fresh PMIDs into one gzip PubmedArticleSet named like a baseline
file. Each `kg build FILE -o OUT.nq` runs in its own process (peak RSS of that process and its workers).
Printed: documents/s and triples/s per --jobs, pyoxigraph's parse rate of the same N-Quads as the anchor
and the ratio, peak RSS, start-up cold (empty cache folder) and warm. With ``--baseline REV`` the same
corpus is also built by commit REV (a git worktree of it, on the same machine in the same run): before and
after figures side by side. This machine's speed drifts by ±10% within minutes, so one run of each
cannot tell a ratio such as ``--jobs 2`` / ``--jobs 1`` to that precision: ``--repeat N`` runs the builds
N times, interleaved, and reports the median of each. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPORA = ROOT.parent / "shared" / "corpora"


def abstracts() -> list[tuple[str, str]]:
    """(title, abstract) of the real corpora's documents."""
    from kg.model import Document
    from kg.readers import read_paths

    files = sorted(p for p in CORPORA.glob("*/*") if p.suffix in (".txt", ".PubTator") and "PubTator" in p.name) \
        if CORPORA.exists() else []
    found = [d for d in read_paths([str(p) for p in files] or [str(ROOT / "examples")]) if isinstance(d, Document)]
    pairs = []
    for document in found:
        title, _, rest = document.text.partition("\n\n")
        pairs.append((title.strip(), " ".join(rest.split()) or title))
    return pairs


def write_corpus(path: Path, count: int, pairs: list[tuple[str, str]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n')
        for i in range(count):
            title, abstract = pairs[i % len(pairs)]
            out.write(f'<PubmedArticle><MedlineCitation><PMID Version="1">{40_000_000 + i}</PMID><Article>'
                      f"<Journal><Title>Benchmark Journal</Title></Journal><ArticleTitle>{escape(title)}</ArticleTitle>"
                      f"<Abstract><AbstractText>{escape(abstract)}</AbstractText></Abstract></Article>"
                      "</MedlineCitation></PubmedArticle>\n")
        out.write("</PubmedArticleSet>\n")


def run_build(corpus: Path, out: Path, jobs: int, env: dict) -> tuple[float, float, float]:
    """Seconds, peak RSS (MB, the largest process of the run) and CPU seconds (all its processes) of one
    `kg build`. CPU seconds do not depend on what else the machine runs; wall seconds do."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = ("import resource, sys; from kg.cli import app; sys.argv=['kg','build',*sys.argv[1:]]\n"
            "try: app()\nexcept SystemExit as e: rc=e.code\n"
            "print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(corpus), "-o", str(out), "-q", "--jobs", str(jobs)],
                          env=env, cwd=env["KG_BENCH_TMP"], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not out.exists():
        raise SystemExit(f"kg build failed: {done.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024, cpu


def median_run(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The run of median seconds (of an even number, the faster of the two middle ones)."""
    return sorted(runs)[(len(runs) - 1) // 2]


def baseline_env(rev: str, tree: Path, env: dict) -> dict:
    """The environment that runs `kg` from ``tree``, a new worktree of commit ``rev`` (its own cache folder).
    Every run starts in the temporary folder: ``python -c`` and ``-m`` put the working directory before
    PYTHONPATH, so a run started in this repository would import this tree's ``kg``, not the baseline's."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
                   capture_output=True, check=True)
    return {**env, "PYTHONPATH": str(tree), "KG_CACHE_DIR": str(tree.with_name("baseline-cache"))}


def report(label: str, count: int, out: Path, seconds: float, rss: float, cpu: float) -> None:
    triples, anchor = parse_rate(out)
    rate = triples / seconds
    print(f"{label}: {count} documents in {seconds:.1f} s = {count / seconds:.0f} documents/s, "
          f"{rate:,.0f} triples/s; pyoxigraph parses the output at {anchor:,.0f} triples/s "
          f"(ratio {rate / anchor:.3f}); peak RSS {rss:.0f} MB; {cpu:.0f} CPU s "
          f"({cpu / count * 1000:.1f} ms/document)", flush=True)


def startup(env: dict, runs: int = 1) -> float:
    """Seconds of a one-abstract ``kg build`` (the median of ``runs``: single runs vary on a shared machine)."""
    tiny = Path(env["KG_BENCH_TMP"]) / "tiny.txt"
    tiny.write_text("Tocilizumab in arthritis\n\nTocilizumab reduced disease activity in rheumatoid arthritis.\n")
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", "build", str(tiny), "-o", str(tiny.with_suffix(".nq")), "-q"],
                       env=env, cwd=env["KG_BENCH_TMP"], capture_output=True, check=True)
        seconds.append(time.perf_counter() - start)
    return sorted(seconds)[len(seconds) // 2]


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def parse_rate(path: Path) -> tuple[int, float]:
    start = time.perf_counter()
    count = sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    return count, count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=float, default=1e4)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes for the growth table, e.g. 1e4,1e5")
    parser.add_argument("--baseline", metavar="REV", help="also build the corpus with this git commit")
    parser.add_argument("--repeat", type=int, default=1, help="run each build N times (interleaved): the median")
    args = parser.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    pairs = abstracts()
    print(f"abstracts replicated: {len(pairs)} distinct ({'shared corpora' if CORPORA.exists() else 'examples'})")
    with tempfile.TemporaryDirectory() as tmp:
        # bytecode is written as an installed package has it (PYTHONDONTWRITEBYTECODE would make every run
        # compile the sources again and count that as start-up)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"KG_BENCH_TMP": tmp, "PYTHONPATH": str(ROOT)}
        cold_env = {**env, "KG_CACHE_DIR": str(Path(tmp) / "cold-cache")}
        print(f"start-up: cold {startup(cold_env):.2f} s, warm {startup(env, runs=5):.2f} s "
              "(one-abstract build; warm: the median of 5)")
        if args.sizes:
            print(f"{'documents':>10} {'seconds':>9} {'docs/s':>8} {'CPU s':>8} {'peak RSS MB':>12}")
            for size in (int(float(s)) for s in args.sizes.split(",")):
                corpus = Path(tmp) / "pubmed25n0001.xml.gz"
                write_corpus(corpus, size, pairs)
                seconds, rss, cpu = run_build(corpus, Path(tmp) / "kg.nq", jobs[-1], env)
                print(f"{size:>10} {seconds:>9.1f} {size / seconds:>8.0f} {cpu:>8.0f} {rss:>12.0f}", flush=True)
            return
        count = int(args.documents)
        corpus = Path(tmp) / "pubmed25n0001.xml.gz"
        write_corpus(corpus, count, pairs)
        tree = Path(tmp) / "baseline"
        before = baseline_env(args.baseline, tree, env) if args.baseline else None
        try:
            if before is not None:
                print(f"baseline {args.baseline} start-up: cold {startup(before):.2f} s, "
                      f"warm {startup(before, runs=5):.2f} s")
            # each baseline build right after the same build of this tree (the same machine speed); with
            # --repeat, every build once before any build again, so a slow minute hits all of them alike
            builds = [(f"--jobs {j}", f"kg-{j}.nq", j, env) for j in jobs]
            if before is not None:
                builds = [b for j, build in zip(jobs, builds, strict=True) for b in
                          (build, (f"baseline {args.baseline} --jobs {j}", f"baseline-{j}.nq", j, before))]
            runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label, *_ in builds}
            for _ in range(args.repeat):
                for label, name, j, build_env in builds:
                    runs[label].append(run_build(corpus, Path(tmp) / name, j, build_env))
            of = f" (median of {args.repeat} runs)" if args.repeat > 1 else ""
            for label, name, *_ in builds:
                report(label + of, count, Path(tmp) / name, *median_run(runs[label]))
        finally:
            if before is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                               capture_output=True, check=False)
        outputs = [file_digest(Path(tmp) / f"kg-{j}.nq") for j in jobs]
        print(f"outputs of every --jobs byte-identical: {'yes' if all(o == outputs[0] for o in outputs) else 'NO'}")
        if args.baseline:
            same = file_digest(Path(tmp) / f"baseline-{jobs[0]}.nq") == outputs[0]
            print(f"output byte-identical to the baseline's: {'yes' if same else 'no'}")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(other work on the machine slows the wall-clock figures, not the CPU ones)")


if __name__ == "__main__":
    main()
