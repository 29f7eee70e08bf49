"""IRIs: one prefix map (ontology/prefixes.json) with bioregistry's preferred URI prefixes, used by the
vocabulary files and by every IRI the build writes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import resources
from kg.vocabulary import converter
from tests.conftest import SHARED

SHARED_PREFIXES = SHARED / "ontologies" / "prefixes"
#: bioregistry's records of our prefixes (ontology/build/snapshot_bioregistry.py), so the checks run anywhere
RECORDS = resources.ontology_dir() / "build" / "bioregistry_records.json"

#: Our own namespaces: bioregistry has no record for them.
OWN = {"KGO", "KGD", "KGR"}
#: Prefixes whose URI prefix is one bioregistry lists as a synonym of its resource rather than its
#: RDF or default one: identifiers.org forms (the Biolink/Translator prefix map's choice) where
#: bioregistry's default is a landing page, BioPortal's ICD-10-CM IRIs, and the NCBI article pages
#: (bioregistry's PubMed default is its own resolver and its RDF prefix is PubChem's reference namespace).
KEPT_SYNONYMS = {"HGNC", "HGNC.GENEGROUP", "NCBIGene", "DrugBank", "UNII", "CHEMBL.COMPOUND", "ICD10CM",
                 "PMID", "PMC"}  # fmt: skip
#: bioregistry's default rather than its RDF URI prefix: the DOI handbook's https://doi.org/ over the
#: legacy http://dx.doi.org/.
DEFAULT_OVER_RDF = {"DOI"}


def _prefix_map() -> dict[str, str]:
    return json.loads((resources.ontology_dir() / "prefixes.json").read_text(encoding="utf-8"))


def _records() -> dict[str, dict]:
    return json.loads(RECORDS.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED_PREFIXES.is_dir(), reason="needs ../shared/ontologies/prefixes (bioregistry 0.15.6)")
def test_the_bioregistry_snapshot_is_what_its_script_makes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("snapshot", RECORDS.with_name("snapshot_bioregistry.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert RECORDS.read_text(encoding="utf-8") == module.render(SHARED_PREFIXES)


def test_every_prefix_has_bioregistrys_preferred_uri_prefix() -> None:
    """bioregistry's RDF URI prefix where it records one, else its default one (the listed exceptions:
    a URI prefix bioregistry knows for the same resource)."""
    records = _records()
    for prefix, uri_prefix in _prefix_map().items():
        if prefix in OWN:
            continue
        record = records[prefix]
        if prefix in KEPT_SYNONYMS:
            assert uri_prefix in record["uri_prefix_synonyms"], prefix
        elif prefix in DEFAULT_OVER_RDF:
            assert uri_prefix == record["uri_prefix"], prefix
        else:
            assert uri_prefix == (record["rdf_uri_prefix"] or record["uri_prefix"]), prefix


def test_output_iris_use_the_preferred_uri_prefixes(example_build: Path) -> None:
    """No IRI in a built graph uses another URI prefix bioregistry knows for one of our prefixes, and every
    IRI under one of our prefixes round-trips through prefixes.json."""
    records = _records()
    ours = _prefix_map()
    others: set[str] = set()
    for prefix, uri_prefix in ours.items():
        if prefix not in OWN:
            record = records[prefix]
            others |= {record["uri_prefix"], *record["uri_prefix_synonyms"]} - {uri_prefix}
    # a synonym that is itself a prefix of one of our URI prefixes (e.g. a bare host) is not a legacy form
    others = {o for o in others if not any(u.startswith(o) for u in ours.values())}
    conv = converter()
    seen_prefixes = set()
    for quad in ox.parse(path=str(example_build), format=ox.RdfFormat.TURTLE):
        for node in (quad.subject, quad.object):
            if not isinstance(node, ox.NamedNode):
                continue
            assert not any(node.value.startswith(old) for old in others), node.value
            curie = conv.compress(node.value)
            if curie:
                seen_prefixes.add(curie.split(":")[0])
                assert conv.expand(curie) == node.value
    assert {"DOID", "HGNC", "MESH", "UMLS"} <= seen_prefixes


def test_vocabulary_files_use_prefixes_json() -> None:
    """The generated vocabulary carries the URI prefixes of prefixes.json (no rewriting on output)."""
    text = (resources.ontology_dir() / "vocab" / "diseases.ttl").read_text(encoding="utf-8")
    ours = _prefix_map()
    for prefix in ("UMLS", "OMIM", "EFO", "GARD"):
        assert f"<{ours[prefix]}>" in text, prefix
    for old in ("http://linkedlifedata.com/resource/umls/id/", "http://purl.obolibrary.org/obo/OMIM_",
                "http://purl.obolibrary.org/obo/EFO_", "https://rarediseases.info.nih.gov/diseases/"):  # fmt: skip
        assert old not in text, old
