"""Time per MB of reading and of extraction, from 10 KB to 50 MB documents (issue 11: linear time).

    python benchmarks/size_scaling.py [--max-mb 50] [--sizes-kb 10,100,1000,10000,50000] [--timeout 600]
                                      [--profile SIZE_KB]

Each size is one plain-text document (a title, an ``Abstract`` heading, then paragraphs of abstract-like
sentences) run in a fresh process, so its peak memory is its own. The sentences come from the abstracts
of ../shared/corpus/dev when that folder exists (read at run time, never stored here), else from the
sentences written below. Time per MB should stay flat as the size grows; a size that exceeds
``--timeout`` seconds is reported as such. ``--profile SIZE_KB`` prints the cProfile top functions
(cumulative) of reading and extracting one document of that size. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = ROOT.parent / "shared" / "corpus" / "dev"
SIZES_KB = (10, 100, 1000, 10000, 50000)
OWN_SENTENCES = (
    "Interleukin-6 (IL-6) is a pleiotropic cytokine that drives the acute-phase response.",
    "In this randomized, double-blind, placebo-controlled phase 2 trial, patients with rheumatoid arthritis "
    "received tocilizumab 8 mg/kg or placebo every 4 weeks.",
    "Siltuximab did not improve progression-free survival in patients with multiple myeloma (HR 0.92; 95% CI "
    "0.61-1.39; P = .69).",
    "Serious infections occurred in 12 of 153 patients (7.8%) given sarilumab, vs. 4 of 155 (2.6%) given "
    "placebo.",
    "Tocilizumab is approved for giant cell arteritis and for cytokine release syndrome after CAR T-cell "
    "therapy.",
    "Anti-TNF therapy with infliximab reduced C-reactive protein (CRP) levels in Crohn's disease.",
    "None of the 31 patients with renal cell carcinoma had an objective response to the anti-IL-6 antibody.",
    "Olamkicept, a soluble gp130-Fc fusion protein, blocks IL-6 trans-signalling in inflammatory bowel "
    "disease.",
)


def sentences() -> list[str]:
    """Abstract sentences of the dev corpus (when present), else our own."""
    if DEV.is_dir():
        from kg.readers import read_paths
        from kg.text.sentences import split_within

        found = []
        for doc in read_paths([DEV]):
            regions = [(s.start, s.end) for s in getattr(doc, "sections", ()) if s.name == "abstract"]
            found += [s.text for s in split_within(doc.text, regions) if len(s.text) > 40]
        if len(found) > 50:
            return found
    return list(OWN_SENTENCES)


def document_text(size: int, pool: list[str]) -> str:
    """A title, an abstract heading and paragraphs of five sentences, cut to ``size`` characters or more."""
    parts = ["Interleukin-6 blockade in inflammatory disease: a timing document\n\nAbstract\n\n"]
    length = len(parts[0])
    i = 0
    while length < size:
        paragraph = " ".join(pool[(i + k) % len(pool)] for k in range(5)) + "\n\n"
        parts.append(paragraph)
        length += len(paragraph)
        i += 5
    return "".join(parts)


def measure(size_kb: int) -> dict[str, float]:
    """Read and extract one document of ``size_kb`` KB in this process; times in seconds."""
    from kg.extract import Extractor
    from kg.readers import read_bytes

    extractor = Extractor()
    extractor.extract(read_bytes(document_text(5000, sentences()).encode(), "warm-up.txt")[0])
    data = document_text(size_kb * 1024, sentences()).encode("utf-8")
    start = time.perf_counter()
    (doc,) = read_bytes(data, f"generated-{size_kb}kb.txt")
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    extraction = extractor.extract(doc)
    extract_s = time.perf_counter() - start
    return {
        "mb": len(data) / 2**20,
        "read_s": read_s,
        "extract_s": extract_s,
        "mentions": len(extraction.mentions),
        "findings": len(extraction.findings),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def profile(size_kb: int, top: int = 25) -> None:
    from kg.extract import Extractor
    from kg.readers import read_bytes

    extractor = Extractor()
    data = document_text(size_kb * 1024, sentences()).encode("utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    (doc,) = read_bytes(data, f"generated-{size_kb}kb.txt")
    extractor.extract(doc)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-mb", type=float, default=50.0, help="largest size to run (default 50)")
    parser.add_argument("--sizes-kb", default=",".join(map(str, SIZES_KB)))
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per size")
    parser.add_argument("--profile", type=int, metavar="SIZE_KB", help="cProfile one size and stop")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process: measure one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    if args.profile:
        profile(args.profile)
        return
    sizes = [int(s) for s in args.sizes_kb.split(",") if int(s) <= args.max_mb * 1024]
    print(f"sentences from {'../shared/corpus/dev' if DEV.is_dir() else 'this script'}")
    print(f"{'size':>9} {'read s':>8} {'read s/MB':>10} {'extract s':>10} {'extract s/MB':>13} "
          f"{'mentions':>9} {'findings':>9} {'peak MB':>8}")  # fmt: skip
    rows: list[tuple[str, dict[str, float]]] = []
    for size in sizes:
        label = f"{size / 1024:.3g} MB" if size >= 1024 else f"{size} KB"
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(size)],
                capture_output=True,
                text=True,
                timeout=args.timeout,
                check=True,
            )
        except subprocess.TimeoutExpired:
            print(f"{label:>9} more than {args.timeout:g} s (stopped)")
            break
        except subprocess.CalledProcessError as failed:
            print(f"{label:>9} failed: {failed.stderr.strip().splitlines()[-1:]}")
            break
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{label:>9} {r['read_s']:8.3f} {r['read_s'] / r['mb']:10.3f} {r['extract_s']:10.2f} "
            f"{r['extract_s'] / r['mb']:13.2f} {r['mentions']:9d} {r['findings']:9d} {r['peak_mb']:8.0f}"
        )
        rows.append((label, r))
    for line in verdicts(rows, sizes):
        print(line)


#: Time per MB may grow this much from the smallest to the largest size and still count as linear.
LINEAR_RATIO = 2.0


def verdicts(rows: list[tuple[str, dict[str, float]]], sizes: list[int]) -> list[str]:
    """One line per stage: its s/MB at the largest size measured over its s/MB at the smallest."""
    if len(rows) < 2:
        return ["verdict: fewer than two sizes measured, no ratio"]
    (first, small), (last, large) = rows[0], rows[-1]
    stopped = " (larger sizes did not finish)" if len(rows) < len(sizes) else ""
    out = []
    for stage in ("read", "extract"):
        ratio = (large[f"{stage}_s"] / large["mb"]) / max(small[f"{stage}_s"] / small["mb"], 1e-9)
        verdict = "linear" if ratio <= LINEAR_RATIO and not stopped else "NOT linear"
        out.append(f"{stage} s/MB ratio {last}/{first} = {ratio:.2f}: {verdict}{stopped}")
    return out


if __name__ == "__main__":
    main()
