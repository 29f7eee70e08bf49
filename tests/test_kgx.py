"""kg export --format kgx: KGX TSV and JSON Lines that the KGX library's own validator accepts (Biolink 4.x),
offline: the Biolink model comes from the biolink-model package that bmt and kgx depend on."""

from __future__ import annotations

import json
import socket
from importlib.resources import files
from pathlib import Path

import pytest

from kg import api
from kg.kgx import KgxGraph, export_kgx, own_prefixes, write_kgx
from tests.test_rdf import sample_extraction

pytest.importorskip("kgx")

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = files("biolink_model") / "schema/biolink_model.yaml"
PREFIX_MAP = files("biolink_model") / "prefixmaps/biolink-model-prefix-map.json"


@pytest.fixture(scope="module")
def kgx_validator():
    """A factory of kgx Validators over the local Biolink model; any network use fails the test."""
    import bmt.toolkit

    connect = socket.socket.connect

    def no_network(self, *args, **kwargs):
        raise AssertionError(f"the KGX validation tried the network: {args}")

    socket.socket.connect = no_network
    defaults = bmt.toolkit.Toolkit.__init__.__defaults__
    # kgx builds a bmt Toolkit when imported, by default from GitHub: point it at the packaged model.
    bmt.toolkit.Toolkit.__init__.__defaults__ = (str(SCHEMA), {"predicate mappings": []})
    try:
        import kgx.config

        context = json.loads(PREFIX_MAP.read_text(encoding="utf-8"))
        context.update(own_prefixes())  # the project's own ids (drug classes, curated drugs), declared here
        kgx.config.jsonld_context_map["biolink"] = context
        from kgx.transformer import Transformer
        from kgx.validator import Validator

        def validate(folder: Path, form: str) -> dict:
            validator = Validator()
            assert validator.get_validating_toolkit().get_model_version().startswith("4.")
            Transformer(stream=True).transform(
                input_args={"filename": [str(folder / f"nodes.{form}"), str(folder / f"edges.{form}")], "format": form},
                output_args={"format": "null"},
                inspector=validator,
            )
            return validator.get_errors()

        yield validate
    finally:
        bmt.toolkit.Toolkit.__init__.__defaults__ = defaults
        socket.socket.connect = connect


@pytest.fixture(scope="module")
def sample_kgx(tmp_path_factory) -> Path:
    graph = KgxGraph()
    graph.add_extraction(sample_extraction())
    folder = tmp_path_factory.mktemp("kgx")
    write_kgx(graph, folder)
    return folder


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("form", ["tsv", "jsonl"])
def test_sample_passes_kgx_validation(sample_kgx: Path, kgx_validator, form: str) -> None:
    assert kgx_validator(sample_kgx, form) == {}


def test_finding_edge_carries_biolink_required_and_evidence_properties(sample_kgx: Path) -> None:
    edges = {(e["subject"], e["predicate"], e["object"]): e for e in _records(sample_kgx / "edges.jsonl")}
    finding = edges["DRUGBANK:DB09036", "biolink:treats_or_applied_or_studied_to_treat", "DOID:9538"]
    assert finding["knowledge_level"] == "knowledge_assertion" and finding["agent_type"] == "text_mining_agent"
    assert finding["publications"] == ["PMID:24833354"]
    assert finding["supporting_text"] == ["Adding siltuximab did not improve survival in multiple myeloma."]
    assert finding["outcome"] == "no_efficacy" and finding["has_confidence_score"] == 0.85
    assert finding["id"].startswith("KGR:finding/")
    target = edges["DRUGBANK:DB09036", "biolink:directly_physically_interacts_with", "HGNC:6018"]
    assert target["supporting_text"] == ["Siltuximab binds IL-6."]
    assert ("PMID:24833354", "biolink:mentions", "DOID:9538") in edges
    nodes = {n["id"]: n for n in _records(sample_kgx / "nodes.jsonl")}
    assert nodes["DRUGBANK:DB09036"]["category"] == ["biolink:Drug"]
    assert nodes["HGNC:6018"]["category"] == ["biolink:Gene"]
    assert nodes["DOID:9538"]["category"] == ["biolink:Disease"] and nodes["DOID:9538"]["xref"] == ["MESH:D009101"]
    assert nodes["PMID:24833354"]["category"] == ["biolink:Publication"]


def test_tsv_and_jsonl_hold_the_same_edges(sample_kgx: Path) -> None:
    lines = (sample_kgx / "edges.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    tsv_ids = [dict(zip(header, line.split("\t"), strict=True))["id"] for line in lines[1:]]
    assert tsv_ids == [e["id"] for e in _records(sample_kgx / "edges.jsonl")] == sorted(tsv_ids)


def test_validator_rejects_what_is_not_biolink(tmp_path: Path, sample_kgx: Path, kgx_validator) -> None:
    """The check above can fail: an unknown predicate and a missing knowledge_level are reported."""
    records = _records(sample_kgx / "edges.jsonl")
    records[0]["predicate"] = "biolink:cures_completely"
    del records[0]["knowledge_level"]
    (tmp_path / "edges.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "nodes.jsonl").write_bytes((sample_kgx / "nodes.jsonl").read_bytes())
    errors = kgx_validator(tmp_path, "jsonl")["ERROR"]
    assert "INVALID_EDGE_PREDICATE" in errors and "MISSING_EDGE_PROPERTY" in errors


@pytest.mark.slow
def test_examples_export_validates_and_is_byte_identical(tmp_path: Path, kgx_validator) -> None:
    inputs = api.Inputs(paths=(str(ROOT / "examples"),))
    summary = export_kgx(inputs, tmp_path / "a")
    assert summary.documents and not summary.failed
    export_kgx(inputs, tmp_path / "b")
    for name in ("nodes.tsv", "edges.tsv", "nodes.jsonl", "edges.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert kgx_validator(tmp_path / "a", "tsv") == {}
    assert kgx_validator(tmp_path / "a", "jsonl") == {}
    predicates = {e["predicate"] for e in _records(tmp_path / "a" / "edges.jsonl")}
    assert "biolink:treats_or_applied_or_studied_to_treat" in predicates


def test_an_export_that_reads_nothing_keeps_the_old_files(tmp_path: Path) -> None:
    folder = tmp_path / "kgx"
    export_kgx(api.Inputs(paths=(str(ROOT / "examples"),)), folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(api.EmptyBuildError, match="no document was read"):
        export_kgx(api.Inputs(paths=(str(tmp_path / "no-such-folder"),)), folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_unknown_export_format_is_an_error(tmp_path: Path) -> None:
    from kg.errors import KGError

    with pytest.raises(KGError, match="unknown export format 'rdf'"):
        export_kgx(api.Inputs(paths=(str(ROOT / "examples"),)), tmp_path, fmt="rdf")


def test_every_biolink_term_of_the_ontology_exists_in_biolink(kgx_validator) -> None:
    """ontology/kg.ttl maps to Biolink terms that exist in the model (GeneProduct and
    ChemicalToDiseaseOrPhenotypicFeatureAssociation no longer do)."""
    import pyoxigraph as ox
    from bmt import Toolkit

    toolkit = Toolkit(str(SCHEMA), {"predicate mappings": []})
    base = "https://w3id.org/biolink/vocab/"
    used = {
        node.value[len(base):]
        for triple in ox.parse(path=str(ROOT / "ontology" / "kg.ttl"), format=ox.RdfFormat.TURTLE)
        for node in (triple.subject, triple.object)
        if isinstance(node, ox.NamedNode) and node.value.startswith(base)
    }
    assert "directly_physically_interacts_with" in used
    assert [name for name in sorted(used) if toolkit.get_element(name) is None] == []
