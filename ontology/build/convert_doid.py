#!/usr/bin/env python3
"""Convert the Human Disease Ontology (DOID) from OBO to Turtle: DOID's own classes and hierarchy.

    python3 ontology/build/convert_doid.py [--obo PATH] [--branch DOID:162 ...] -o OUT.ttl

Reads the OBO file with pronto (default ``<repo>/../shared/ontologies/doid/doid_core.obo``, DOID release
2026-07-31, CC0 1.0; see that folder's SOURCES.md) and writes, for every non-obsolete term, an
``owl:Class`` with its ``rdfs:label`` and one ``rdfs:subClassOf`` per asserted ``is_a`` parent -- nothing
inferred, nothing materialized, the IRIs of ``ontology/prefixes.json``. ``--branch`` keeps only the given
classes, their descendants, and the ancestors of those up to the root (so the subset is closed under
``rdfs:subClassOf``). The output is sorted, so a re-run is byte-identical.

The test resource ``tests/resources/doid/doid-cancer.ttl`` is ``--branch DOID:162`` (the cancer branch).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import pronto
import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_OBO = REPO.parent / "shared" / "ontologies" / "doid" / "doid_core.obo"

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")


def doid_iri_prefix() -> str:
    """DOID's URI prefix from the project's one prefix map."""
    path = REPO / "ontology" / "prefixes.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["DOID"]
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"{path}: cannot read the DOID URI prefix: {exc}") from exc


def load(obo: Path) -> pronto.Ontology:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pronto warns about the OBO header's free-text remark
            return pronto.Ontology(str(obo))
    except (OSError, ValueError, SyntaxError) as exc:
        raise SystemExit(f"{obo}: cannot read as OBO: {exc}") from exc


def selected_terms(ontology: pronto.Ontology, branches: list[str]) -> list[pronto.Term]:
    """All live terms, or the given branches with their ancestors (a subset closed under is_a)."""
    live = [t for t in ontology.terms() if not t.obsolete and t.id.startswith("DOID:")]
    if not branches:
        return live
    keep: dict[str, pronto.Term] = {}
    for branch in branches:
        if branch not in ontology:
            raise SystemExit(f"--branch {branch}: no such term in the OBO file")
        for term in ontology[branch].subclasses(with_self=True):
            for ancestor in term.superclasses(with_self=True):
                keep[ancestor.id] = ancestor
    return [t for t in keep.values() if not t.obsolete]


def triples(terms: list[pronto.Term], iri_prefix: str) -> list[ox.Triple]:
    def node(curie: str) -> ox.NamedNode:
        return ox.NamedNode(iri_prefix + curie.split(":", 1)[1])

    out = []
    for term in terms:
        subject = node(term.id)
        out.append(ox.Triple(subject, RDF_TYPE, OWL_CLASS))
        if term.name:
            out.append(ox.Triple(subject, RDFS_LABEL, ox.Literal(term.name)))
        for parent in term.superclasses(distance=1, with_self=False):
            if parent.id.startswith("DOID:") and not parent.obsolete:
                out.append(ox.Triple(subject, RDFS_SUBCLASS, node(parent.id)))
    return sorted(out, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--obo", type=Path, default=DEFAULT_OBO, help="the DOID OBO file (default: %(default)s)")
    parser.add_argument("--branch", action="append", default=[], help="keep only this class's branch (repeatable)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the Turtle file to write")
    args = parser.parse_args(argv)
    if not args.obo.is_file():
        parser.error(f"{args.obo}: not found")
    ontology = load(args.obo)
    terms = selected_terms(ontology, args.branch)
    out = triples(terms, doid_iri_prefix())
    header = (
        f"# DOID classes, labels and asserted is_a parents, converted from {args.obo.name}\n"
        f"# ({ontology.metadata.data_version or 'no data-version'}; Human Disease Ontology, CC0 1.0)\n"
        f"# by ontology/build/convert_doid.py{' --branch ' + ' --branch '.join(args.branch) if args.branch else ''}"
        " -- do not edit; re-run the script instead.\n"
    )
    body = ox.serialize(
        out,
        format=ox.RdfFormat.TURTLE,
        prefixes={"obo": "http://purl.obolibrary.org/obo/", "owl": "http://www.w3.org/2002/07/owl#",
                  "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},  # fmt: skip
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    tmp.write_bytes(header.encode("utf-8") + body)
    tmp.replace(args.output)
    print(f"wrote {args.output}: {len(terms)} classes, {len(out)} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
