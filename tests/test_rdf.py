"""The graph builder: stable IRIs, one graph per document, Web Annotation provenance; golden files and
round trips through independent parsers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.model import (
    Association,
    Author,
    CitedWork,
    Document,
    EntityKind,
    Evidence,
    Extraction,
    Finding,
    Mention,
    MeshHeading,
    Outcome,
    Section,
    Term,
)
from kg.rdf.build import GraphBuilder, article_iri, graph_iri
from kg.rdf.serialize import FORMATS, serialize, write_atomic

GOLDEN = Path(__file__).parent / "resources" / "golden"

SILTUXIMAB = Term("DrugBank:DB09036", EntityKind.DRUG, "siltuximab", None, ("DrugBank:DB09036",))
IL6 = Term("HGNC:6018", EntityKind.CYTOKINE, "interleukin 6", "IL6", ("HGNC:6018",))
MYELOMA = Term("DOID:9538", EntityKind.DISEASE, "multiple myeloma", None, ("DOID:9538", "MESH:D009101"))
TEXT = (
    "Siltuximab in myeloma\n\n"
    "Adding siltuximab did not improve survival in multiple myeloma. Siltuximab binds IL-6."
)


def sample_extraction() -> Extraction:
    document = Document(
        source="examples/sample.txt", text=TEXT, format="text", pmid="24833354",
        doi="10.1182/blood-2013-12-546374", title="Siltuximab in myeloma", journal="Blood", date="2014-06-26",
        authors=(Author("San-Miguel J"), Author("Bladé J")), sections=(Section("title", 0, 21),),
        mesh_headings=(MeshHeading("Multiple Myeloma", "D009101", True),),
        publication_types=("Randomized Controlled Trial",),
        references=(CitedWork("Kishimoto T. Interleukin-6. 2005.", pmid="15771564"),),
        cited_by=(CitedWork("A later review.", doi="10.1000/example"),),
    )
    start = TEXT.index("Adding")
    sentence = TEXT[start : TEXT.index(".", start) + 1]
    evidence = Evidence(sentence, start, start + len(sentence), 0.85)
    second = TEXT.index("Siltuximab binds")
    return Extraction(
        document=document,
        mentions=(
            Mention(SILTUXIMAB, 0, 10, "Siltuximab"),
            Mention(MYELOMA, TEXT.index("multiple"), TEXT.index("multiple") + 16, "multiple myeloma"),
        ),
        findings=(Finding(SILTUXIMAB, MYELOMA, Outcome.NO_EFFICACY, evidence, "phase 2", ("randomized",)),),
        associations=(
            Association(SILTUXIMAB, "targets", IL6, Evidence("Siltuximab binds IL-6.", second, len(TEXT), 0.8)),
        ),
    )


@pytest.fixture(scope="module")
def quads() -> list[ox.Quad]:
    return GraphBuilder().quads(sample_extraction())


def test_everything_is_in_the_document_graph(quads) -> None:
    graph = graph_iri(sample_extraction().document)
    assert graph.value == "https://w3id.org/cytokine-kg/resource/graph/pmid-24833354"
    assert {q.graph_name for q in quads} == {graph}
    assert not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))


def test_iris_are_stable_and_output_is_byte_identical(quads) -> None:
    again = GraphBuilder().quads(sample_extraction())
    assert serialize(quads, "nq") == serialize(again, "nq")
    assert article_iri(sample_extraction().document).value == "https://pubmed.ncbi.nlm.nih.gov/24833354"


@pytest.mark.parametrize("fmt", ["ttl", "nq"])
def test_matches_golden_file(quads, fmt: str) -> None:
    golden = GOLDEN / f"sample.{fmt}"
    data = serialize(quads, fmt)
    if not golden.exists():  # first run writes the file; review it, then commit it
        golden.write_bytes(data)
    assert data == golden.read_bytes()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_is_isomorphic_in_rdflib(quads, fmt: str) -> None:
    data = serialize(quads, fmt)
    rdflib_format = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    expected = rdflib.Graph()
    for q in quads:
        expected.add(tuple(rdflib.util.from_n3(str(t)) for t in (q.subject, q.predicate, q.object)))
    parsed = rdflib.Dataset()
    parsed.parse(data=data, format=rdflib_format)
    merged = rdflib.Graph()
    for s, p, o, _g in parsed.quads((None, None, None, None)):
        merged.add((s, p, o))
    assert isomorphic(merged, expected)


def test_finding_carries_provenance_and_a_web_annotation(quads) -> None:
    store = ox.Store()
    store.extend(quads)
    rows = list(store.query(
        """PREFIX kgo: <https://w3id.org/cytokine-kg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?outcome ?design ?exact ?start ?end ?article ?body ?sha WHERE {
          ?f a kgo:Finding ; kgo:outcome ?outcome ; kgo:studyDesign ?design ; prov:wasDerivedFrom ?article .
          ?a oa:hasBody ?f ; oa:hasTarget ?t . ?t oa:hasScope ?article ; oa:hasSource ?text ; oa:hasSelector ?q , ?p .
          ?article kgo:text ?text . ?text a kgo:DocumentText ; rdf:value ?body ; kgo:sha256 ?sha .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""",
        use_default_graph_as_union=True,
    ))
    assert len(rows) == 1
    row = rows[0]
    assert row["outcome"].value.endswith("#NoEfficacy") and row["design"].value.endswith("#Phase2Trial")
    # the evidence resolves: the graph carries the text the offsets count into, with its checksum
    assert row["body"].value == TEXT
    assert row["sha"].value == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert row["body"].value[int(row["start"].value) : int(row["end"].value)] == row["exact"].value


def test_bibliography_mentions_and_citing_articles_are_kept_apart() -> None:
    """Terms named only in a reference list are not the article's mentions; citing articles are cito:isCitedBy
    with their identifiers; no finding is taken from a reference list."""
    base = sample_extraction()
    references = "\nReferences\nTocilizumab in rheumatoid arthritis. Lancet. 2008."
    text = TEXT + references
    start = len(TEXT) + len("\nReferences\n")
    ra = Term("DOID:7148", EntityKind.DISEASE, "rheumatoid arthritis")
    ra_start = text.index("rheumatoid")
    document = Document(
        source="examples/sample.txt", text=text, format="text", pmid="24833354", title="Siltuximab in myeloma",
        sections=(Section("title", 0, 21), Section("references", len(TEXT) + 1, len(text))),
        cited_by=(CitedWork("A later review.", pmid="39000001", doi="10.1000/later", pmc="PMC1234567"),),
    )
    in_references = Finding(SILTUXIMAB, ra, Outcome.EFFICACY, Evidence(text[start:], start, len(text), 0.7))
    extraction = Extraction(
        document=document,
        mentions=(*base.mentions, Mention(ra, ra_start, ra_start + 20, "rheumatoid arthritis")),
        findings=(*base.findings, in_references),
        associations=base.associations,
    )
    store = ox.Store()
    store.extend(GraphBuilder().quads(extraction))
    article = ox.NamedNode("https://pubmed.ncbi.nlm.nih.gov/24833354")
    kgo = "https://w3id.org/cytokine-kg/ontology#"
    ra_iri = ox.NamedNode("http://purl.obolibrary.org/obo/DOID_7148")
    myeloma = ox.NamedNode("http://purl.obolibrary.org/obo/DOID_9538")
    assert not list(store.quads_for_pattern(article, ox.NamedNode(kgo + "mentions"), ra_iri))
    assert list(store.quads_for_pattern(article, ox.NamedNode(kgo + "bibliographyMentions"), ra_iri))
    assert list(store.quads_for_pattern(article, ox.NamedNode(kgo + "mentions"), myeloma))
    assert not list(store.quads_for_pattern(None, ox.NamedNode(kgo + "condition"), ra_iri))
    citing = ox.NamedNode("https://pubmed.ncbi.nlm.nih.gov/39000001")
    assert list(store.quads_for_pattern(article, ox.NamedNode("http://purl.org/spar/cito/isCitedBy"), citing))
    values = {q.predicate.value.rsplit("/", 1)[-1]: q.object.value for q in store.quads_for_pattern(citing, None, None)}
    assert values["hasPubMedId"] == "39000001" and values["doi"] == "10.1000/later"
    assert values["hasPubMedCentralId"] == "PMC1234567"


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "kg.ttl"
    write_atomic(target, b"old")

    def disk_full(fd: int) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr("kg.rdf.serialize.os.fsync", disk_full)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]
