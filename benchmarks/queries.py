"""Every named query of ``queries/`` on a large on-disk store: seconds cold (first run after opening the
store) and warm (the best of three more runs).

    python benchmarks/queries.py BUILT.nq [--copies 10]

``BUILT.nq`` is the output of ``kg build`` (e.g. of ``benchmarks/throughput.py``'s corpus). The store holds
its vocabulary graph once and its document graphs ``--copies`` times, each copy with fresh PMIDs and fresh
resource IRIs (a 10^4-document build copied 10 times is a 10^5-document store of the same shape). A query
that needs a parameter takes the one of its first example. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.api import ask  # noqa: E402
from kg.query import load_queries  # noqa: E402
from kg.rdf.build import VOCABULARY_GRAPH  # noqa: E402
from kg.rdf.terms import KGR_IRI  # noqa: E402

_PMID = re.compile(r"(pubmed\.ncbi\.nlm\.nih\.gov/|graph/pmid-|\")(\d{6,9})\b")  # IRIs and the identifier literal
_RESOURCE = re.compile(re.escape("<" + KGR_IRI) + r"(?!graph/vocabulary>)([^>]*)>")


def copy_lines(lines: list[str], copy: int, shift: int) -> str:
    """The document quads of one copy: PMIDs moved by ``copy * shift``, resource IRIs suffixed."""
    out = []
    for line in lines:
        line = _PMID.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + copy * shift}", line)
        out.append(_RESOURCE.sub(lambda m: f"<{KGR_IRI}{m.group(1)}-copy{copy}>", line))
    return "".join(out)


def example_params(query) -> dict[str, str]:
    for example in query.examples:
        words = shlex.split(example)
        values = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--param"]
        if values:
            return dict(v.split("=", 1) for v in values)
    return {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nquads", type=Path)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    vocabulary_graph = f" {VOCABULARY_GRAPH} ."
    text = args.nquads.read_text(encoding="utf-8").splitlines(keepends=True)
    vocabulary = [line for line in text if line.rstrip().endswith(vocabulary_graph)]
    documents = [line for line in text if not line.rstrip().endswith(vocabulary_graph)]
    shift = 10 ** len(str(len(documents)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        store = ox.Store(str(folder))
        start = time.perf_counter()
        store.bulk_load("".join(vocabulary).encode(), format=ox.RdfFormat.N_QUADS)
        for copy in range(args.copies):
            store.bulk_load(copy_lines(documents, copy, shift).encode(), format=ox.RdfFormat.N_QUADS)
        store.flush()
        count = len(store)
        del store
        graphs = len({line.rsplit(" ", 2)[-2] for line in documents}) * args.copies
        print(f"store: {count:,} quads, {graphs:,} document graphs, loaded in {time.perf_counter() - start:.0f} s")
        print(f"{'query':<36} {'rows':>7} {'cold s':>8} {'warm s':>8}")
        for name, query in sorted(load_queries().items()):
            params = example_params(query)
            timings, rows = [], 0
            for _ in range(4):
                begin = time.perf_counter()
                _, found = ask(name, params, store=folder)
                timings.append(time.perf_counter() - begin)
                rows = len(found)
            print(f"{name:<36} {rows:>7} {timings[0]:>8.2f} {min(timings[1:]):>8.2f}", flush=True)


if __name__ == "__main__":
    main()
