"""Throughput and memory of `extract` and `build`.

    python benchmarks/throughput.py [--corpus DIR_OR_FILE ...] [--limit N] [--jobs N]

By default it reads the ~1,000 BC5CDR train+dev abstracts (PubTator) from ../shared/corpora when that
folder exists, else it generates documents from the examples. It prints documents/s for extraction alone
and for the whole build (extraction, RDF, sorted Turtle serialization), triples/s written and peak memory.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import api  # noqa: E402
from kg.model import Document  # noqa: E402
from kg.readers import read_paths  # noqa: E402
from kg.vocabulary import default_vocabulary  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora" / "BC5CDR"
DEFAULT = [SHARED / "CDR_TrainingSet.PubTator.txt", SHARED / "CDR_DevelopmentSet.PubTator.txt"]


def load(paths: list[Path], limit: int | None) -> list[Document]:
    if all(p.exists() for p in paths):
        documents = [d for d in read_paths([str(p) for p in paths]) if isinstance(d, Document)]
        print(f"corpus: {len(documents)} documents from {', '.join(p.name for p in paths)}")
    else:
        base = [d for d in read_paths([str(ROOT / "examples")]) if isinstance(d, Document)]
        documents = [
            Document(source=f"generated-{i}.txt", text=base[i % len(base)].text, format="text")
            for i in range(limit or 1000)
        ]
        print(f"corpus: {len(documents)} documents generated from examples/ (../shared/corpora absent)")
    return documents[:limit] if limit else documents


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()

    start = time.perf_counter()
    default_vocabulary()
    list(api.extract([], jobs=1))
    from kg.extract.pipeline import _default_matcher

    _default_matcher()
    print(f"start-up (vocabulary + matcher): {time.perf_counter() - start:.2f} s")
    documents = load(args.corpus, args.limit)
    characters = sum(len(d.text) for d in documents)

    start = time.perf_counter()
    extractions = list(api.extract(documents, jobs=args.jobs))
    elapsed = time.perf_counter() - start
    mentions = sum(len(e.mentions) for e in extractions)
    findings = sum(len(e.findings) for e in extractions)
    print(f"extract: {len(documents)} documents in {elapsed:.2f} s = {len(documents) / elapsed:.0f} documents/s "
          f"({characters / elapsed / 1e6:.2f} M characters/s; {mentions} mentions, {findings} findings; jobs={args.jobs})")

    with tempfile.TemporaryDirectory() as tmp:
        from kg.rdf.build import GraphBuilder, used_terms
        from kg.rdf.serialize import serialize, write_atomic
        from kg.rdf.vocabgraph import vocabulary_quads

        start = time.perf_counter()
        builder = GraphBuilder()
        quads = [q for e in api.extract(documents, jobs=args.jobs) for q in builder.quads(e)]
        quads += list(vocabulary_quads(used_terms(extractions)))
        data = serialize(quads, "ttl")
        out = Path(tmp) / "kg.ttl"
        write_atomic(out, data)
        elapsed = time.perf_counter() - start
        triples = len(set(quads))
        print(f"build: {len(documents)} documents in {elapsed:.2f} s = {len(documents) / elapsed:.0f} documents/s; "
              f"{triples} triples written = {triples / elapsed:.0f} triples/s; {out.stat().st_size / 1e6:.1f} MB Turtle")
    print(f"peak memory (max RSS): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
