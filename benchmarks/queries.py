"""Every named query of ``queries/`` on a large on-disk store: seconds cold (first run after opening the
store) and warm (the best of three more runs).

    python benchmarks/queries.py BUILT.nq [--copies 10] [--store DIR] [--query NAME ...]

``BUILT.nq`` is the output of ``kg build`` (e.g. of ``benchmarks/throughput.py``'s corpus). The store holds
its vocabulary graph once and its document graphs ``--copies`` times, each copy with fresh PMIDs and fresh
resource IRIs (a 10^4-document build copied 10 times is a 10^5-document store of the same shape). A query
that needs a parameter takes the one of its first example. With ``--store DIR`` the store is kept in DIR, and
a later run given the same DIR times its queries without loading again (a 10^6-document store takes an hour
to load). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.api import ask  # noqa: E402
from kg.query import get_query, load_queries  # noqa: E402
from kg.rdf.build import VOCABULARY_GRAPH  # noqa: E402
from kg.rdf.terms import KGR_IRI  # noqa: E402

_PMID = re.compile(r"(pubmed\.ncbi\.nlm\.nih\.gov/|graph/pmid-|\")(\d{6,9})\b")  # IRIs and the identifier literal
_DOI = re.compile(r'(https://doi\.org/|")(10\.\d{4,9}/[^\s"<>]+)(?=[>"])')  # IRIs and the identifier literal
_RESOURCE = re.compile(re.escape("<" + KGR_IRI) + r"(?!graph/vocabulary>)([^>]*)>")


def copy_lines(lines: list[str], copy: int, shift: int) -> str:
    """The document quads of one copy: PMIDs moved by ``copy * shift``, DOIs and resource IRIs suffixed (so
    no article is in two copies: an article in many graphs would multiply the rows a query joins)."""
    out = []
    for line in lines:
        line = _PMID.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + copy * shift}", line)
        if copy:
            line = _DOI.sub(lambda m: f"{m.group(1)}{m.group(2)}.copy{copy}", line)
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
    parser.add_argument("--store", type=Path, help="keep the store here; an existing store is reused, not loaded")
    parser.add_argument("--query", action="append", help="time only this named query (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.store or Path(tmp) / "store"
        if not folder.exists():
            load_copies(args.nquads, args.copies, folder)
        names = args.query or sorted(load_queries())
        print(f"{'query':<36} {'rows':>7} {'cold s':>8} {'warm s':>8}")
        for name in names:
            params = example_params(get_query(name))
            timings, rows = [], 0
            for _ in range(4):
                begin = time.perf_counter()
                _, found = ask(name, params, store=folder)
                timings.append(time.perf_counter() - begin)
                rows = len(found)
            print(f"{name:<36} {rows:>7} {timings[0]:>8.2f} {min(timings[1:]):>8.2f}", flush=True)


def load_copies(nquads: Path, copies: int, folder: Path) -> None:
    """The vocabulary graph of ``nquads`` once and its document graphs ``copies`` times, into a new store
    (loaded beside ``folder`` and renamed: an interrupted load leaves no store to be reused)."""
    vocabulary_graph = f" {VOCABULARY_GRAPH} ."
    text = nquads.read_text(encoding="utf-8").splitlines(keepends=True)
    vocabulary = [line for line in text if line.rstrip().endswith(vocabulary_graph)]
    documents = [line for line in text if not line.rstrip().endswith(vocabulary_graph)]
    shift = 10 ** len(str(len(documents)))
    loading = folder.with_name(folder.name + ".loading")
    shutil.rmtree(loading, ignore_errors=True)
    store = ox.Store(str(loading))
    start = time.perf_counter()
    store.bulk_load("".join(vocabulary).encode(), format=ox.RdfFormat.N_QUADS)
    for copy in range(copies):
        store.bulk_load(copy_lines(documents, copy, shift).encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    count = len(store)
    del store
    loading.rename(folder)
    graphs = len({line.rsplit(" ", 2)[-2] for line in documents}) * copies
    print(f"store: {count:,} quads, {graphs:,} document graphs, loaded in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
