"""IRIs: one prefix map (ontology/prefixes.json) with bioregistry's preferred URI prefixes, used by the
vocabulary files and by every IRI the build writes."""

from __future__ import annotations

import json
import subprocess
import sys
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


def test_expanding_agrees_with_curies() -> None:
    """Prefixes.expand is the lookup curies' Converter makes for our map: the same IRI for every CURIE of
    the vocabulary and the edge cases; compressing goes through curies itself."""
    import curies

    from kg.vocabulary import default_vocabulary

    ours, theirs = converter(), curies.Converter.from_prefix_map(_prefix_map())
    samples = [c for t in default_vocabulary().terms.values() for c in (t.curie, *t.xrefs)]
    samples += ["PMID:123", "NCBIGene:", "pmid:1", ":x", "MESH:D0:1", "nope:1", "http://example.org/a"]
    for curie in samples:
        assert ours.expand(curie) == theirs.expand(curie), curie
    assert ours.expand("PMID") is None  # curies raises here: no delimiter
    assert ours.compress("https://pubmed.ncbi.nlm.nih.gov/123") == "PMID:123"
    assert ours.compress("http://example.org/a") is None


def test_a_warm_build_does_not_import_curies(tmp_path) -> None:
    """curies is imported only to compress IRIs, which a build with its caches made never does
    (importing it is a tenth of a warm start)."""
    text = tmp_path / "a.txt"
    text.write_text("Tocilizumab in arthritis\n\nTocilizumab reduced disease activity in arthritis.\n")
    code = ("import sys; from kg.cli import app\nsys.argv = ['kg', 'build', *sys.argv[1:]]\n"
            "try: app()\nexcept SystemExit: pass\nprint('curies' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code, str(text), "-o", str(tmp_path / "a.nq"), "-q"],
                           capture_output=True, text=True, check=True) for _ in range(2)]
    assert (tmp_path / "a.nq").stat().st_size > 0
    assert runs[1].stdout.split() == ["False"], runs[1].stderr
