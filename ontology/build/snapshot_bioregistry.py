#!/usr/bin/env python3
"""bioregistry's records for the prefixes of ``ontology/prefixes.json``: writes
``ontology/build/bioregistry_records.json``, which ``tests/test_iris.py`` checks the prefix map against.

    python3 ontology/build/snapshot_bioregistry.py --prefixes ../shared/ontologies/prefixes

Source: bioregistry 0.15.6 (CC0), its extended prefix map (``bioregistry_epm_full.json``) and its RDF URI
prefixes (``xref_prefix_normalization.tsv``). For each of our prefixes the record keeps bioregistry's
prefix, default URI prefix, RDF URI prefix and URI prefix synonyms. Our own namespaces (KGO, KGD, KGR) have
no record. The output is sorted: a re-run is byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX_MAP = HERE.parent / "prefixes.json"
OUT = HERE / "bioregistry_records.json"
OWN = {"KGO", "KGD", "KGR"}


def records(folder: Path) -> dict[str, dict]:
    """Our prefix -> bioregistry's record of it (found by its prefix or a prefix synonym, any case)."""
    with (folder / "xref_prefix_normalization.tsv").open(encoding="utf-8") as handle:
        rdf = {r["bioregistry_prefix"]: r["rdf_uri_prefix"] for r in csv.DictReader(handle, delimiter="\t")}
    by_name: dict[str, dict] = {}
    for record in json.loads((folder / "bioregistry_epm_full.json").read_text(encoding="utf-8")):
        for name in (record["prefix"], *record.get("prefix_synonyms", ())):
            by_name.setdefault(name.lower(), record)
    ours = json.loads(PREFIX_MAP.read_text(encoding="utf-8"))
    out = {}
    for prefix in sorted(p for p in ours if p not in OWN):
        record = by_name[prefix.lower()]
        out[prefix] = {
            "bioregistry_prefix": record["prefix"],
            "uri_prefix": record["uri_prefix"],
            "rdf_uri_prefix": rdf.get(record["prefix"]) or None,
            "uri_prefix_synonyms": sorted(record.get("uri_prefix_synonyms", ())),
        }
    return out


def render(folder: Path) -> str:
    return json.dumps(records(folder), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefixes", type=Path, required=True, help="folder with bioregistry's files")
    args = parser.parse_args()
    OUT.write_text(render(args.prefixes), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
