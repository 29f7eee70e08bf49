"""SHACL validation (kg/validate.py, ontology/shapes.ttl): a build conforms, broken graphs fail with
messages that name the problem and the node."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg import api
from kg.errors import KGError, OntologyError, StoreError
from kg.validate import ValidationReport, Violation, compact, validate, validate_store
from tests.conftest import EXAMPLES, RESOURCES

KGO = Namespace("https://w3id.org/cytokine-kg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
FABIO = Namespace("http://purl.org/spar/fabio/")
SHAPES_DIR = RESOURCES / "validate"


@pytest.fixture(scope="module")
def example_graph(example_build: Path) -> Graph:
    return Graph().parse(example_build, format="turtle")


@pytest.fixture()
def graph(example_graph: Graph) -> Graph:
    """A fresh copy of the example build for a test to break."""
    copy = Graph()
    for triple in example_graph:
        copy.add(triple)
    return copy


def errors(report: ValidationReport) -> list[Violation]:
    return [v for v in report.violations if v.severity == "Violation"]


def find(report: ValidationReport, fragment: str, focus: URIRef | str) -> Violation:
    """The violation whose message contains ``fragment`` and whose focus node is ``focus``."""
    for violation in errors(report):
        if fragment in violation.message and violation.focus == str(focus):
            return violation
    raise AssertionError(f"no violation {fragment!r} on {focus}; got:\n{report.text(100)}")


def first(graph: Graph, predicate, obj=None) -> URIRef:
    return sorted(graph.subjects(predicate, obj))[0]


# ------------------------------------------------------------------ conforming graphs


def test_example_build_conforms(example_build: Path):
    report = validate(example_build)
    assert report.conforms, report.text()
    assert not errors(report)
    assert report.triples > 500
    assert report.text().startswith("conforms: 0 violations")


def test_minimal_graph_conforms_without_any_result():
    report = validate(SHAPES_DIR / "minimal.ttl")
    assert report.conforms and report.violations == (), report.text()


def test_rdflib_graph_is_validated_and_left_unchanged(graph: Graph):
    size = len(graph)
    report = validate(graph)
    assert report.conforms, report.text()
    assert len(graph) == size  # the ontology is mixed into a copy, not into the caller's graph


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_named_graphs_are_merged(tmp_path: Path):
    """The vocabulary graph (labels, types) and the document graphs are validated together."""
    output = tmp_path / "examples.nq"
    api.build(api.Inputs(paths=(str(EXAMPLES),)), output=output)
    report = validate(output)
    assert report.conforms, report.text()
    dataset = Dataset()
    dataset.parse(output, format="nquads")
    assert validate(dataset).conforms


def test_several_files_are_merged(tmp_path: Path):
    first_file, second_file = sorted(EXAMPLES.glob("*.txt"))[:2]
    outputs = [tmp_path / "one.trig", tmp_path / "two.nt"]
    for document, output in zip((first_file, second_file), outputs, strict=True):
        api.build(api.Inputs(paths=(str(document),)), output=output)
    report = validate(outputs)
    assert report.conforms, report.text()
    assert report.triples > max(validate(output).triples for output in outputs)


# ------------------------------------------------------------------ broken graphs derived from the build


def test_finding_without_condition(graph: Graph):
    finding = first(graph, RDF.type, KGO.Finding)
    graph.remove((finding, KGO.condition, None))
    report = validate(graph)
    assert not report.conforms
    violation = find(report, "a finding needs exactly one condition (kgo:condition)", finding)
    assert violation.path == "kgo:condition" and violation.component == "MinCountConstraintComponent"
    assert len(errors(report)) == 1, report.text()
    text = report.text()
    assert "does not conform: 1 violation" in text
    assert compact(str(finding)) in text and compact(str(finding)).startswith("finding:")


def test_confidence_out_of_range(graph: Graph):
    finding = first(graph, RDF.type, KGO.Finding)
    graph.set((finding, KGO.confidence, Literal("1.5", datatype=XSD.decimal)))
    report = validate(graph)
    violation = find(
        report, "the confidence of a finding (kgo:confidence) must be an xsd:decimal from 0 to 1", finding
    )
    assert violation.value == '"1.5"^^xsd:decimal'
    assert len(errors(report)) == 1, report.text()
    assert 'value: "1.5"^^xsd:decimal' in report.text()


def test_confidence_of_the_wrong_type(graph: Graph):
    finding = first(graph, RDF.type, KGO.Finding)
    graph.set((finding, KGO.confidence, Literal("high")))
    report = validate(graph)
    find(report, "must be an xsd:decimal from 0 to 1", finding)


def test_annotation_with_start_after_end(graph: Graph):
    position = first(graph, RDF.type, OA.TextPositionSelector)
    end = int(graph.value(position, OA.end))
    graph.set((position, OA.start, Literal(end + 5)))
    report = validate(graph)
    message = "the start offset (oa:start) of a position selector must be less than its end offset (oa:end)"
    violation = find(report, message, position)
    assert violation.path == "oa:start"
    # the quote no longer matches the span either; that is reported on the annotation target
    target = first(graph, OA.hasSelector, position)
    find(report, "characters long but the position selector", target)
    find(report, "is not the text of its source between the offsets", target)
    assert len(errors(report)) == 3, report.text()


def test_article_without_source_file(graph: Graph):
    article = first(graph, RDF.type, FABIO.JournalArticle)
    graph.remove((article, KGO.sourceFile, None))
    report = validate(graph)
    find(report, "an article needs its source file (kgo:sourceFile)", article)
    assert len(errors(report)) == 1, report.text()


def test_entity_without_label(graph: Graph):
    entity = sorted(graph.objects(None, KGO.mentions))[0]
    graph.remove((entity, RDFS.label, None))
    report = validate(graph)
    violation = find(report, "an entity needs a label (rdfs:label)", entity)
    assert violation.path == "rdfs:label"
    assert compact(str(entity)) in report.text()


def test_finding_without_evidence_or_article(graph: Graph):
    finding = first(graph, RDF.type, KGO.Finding)
    for annotation in list(graph.subjects(OA.hasBody, finding)):
        graph.remove((annotation, OA.hasBody, finding))
    graph.remove((finding, PROV.wasDerivedFrom, None))
    report = validate(graph)
    violation = find(report, "a finding needs at least one evidence annotation", finding)
    assert violation.path == "^oa:hasBody"
    find(report, "a finding needs exactly one source article (prov:wasDerivedFrom)", finding)


def test_outcome_must_be_an_outcome_individual(graph: Graph):
    finding = first(graph, RDF.type, KGO.Finding)
    graph.set((finding, KGO.outcome, KGO.Phase2Trial))
    report = validate(graph)
    violation = find(report, "must be a kgo:Outcome individual", finding)
    assert violation.value == str(KGO.Phase2Trial)


# ------------------------------------------------------------------ a hand-written broken graph

EXPECTED_IN_BROKEN = {
    "a finding has at most one study design (kgo:studyDesign)": "finding/f1",
    "a finding needs exactly one kgo:hedged flag, an xsd:boolean": "finding/f1",
    "must be typed kgo:Finding": "finding/f1",
    "an annotation target needs exactly one position selector": "annotation/a2-target",
    "an article has at most one DOI (prism:doi)": "pubmed.ncbi.nlm.nih.gov/1",
    "an article has at most one PubMed id (fabio:hasPubMedId), digits only": "pubmed.ncbi.nlm.nih.gov/1",
    "an article has at most one title (dcterms:title)": "pubmed.ncbi.nlm.nih.gov/1",
    "an article with PubMed id PMID24833354 must have the IRI": "pubmed.ncbi.nlm.nih.gov/1",
    "an association needs exactly one object (rdf:object), a labelled entity IRI": "association/s1",
    "an association needs exactly one predicate (rdf:predicate), an object property": "association/s1",
    "an entity needs a label (rdfs:label)": "hgnc/6018",
    "an entity needs a type (rdf:type) or a superclass (rdfs:subClassOf)": "drugbank/DB09036",
    "the condition of a finding (kgo:condition) must be a disease class": "finding/f1",
    "the evidence annotation annotation:a1 quotes pubmed:2, not the article": "finding/f1",
    "the intervention of a finding (kgo:intervention) must be a drug": "finding/f1",
    "the outcome of a finding (kgo:outcome) must be a kgo:Outcome individual": "finding/f1",
    "is 43 characters long but the position selector annotation:a1-position spans 63": "annotation/a1-target",
    "is not the text of its source between the offsets of annotation:a1-position": "annotation/a1-target",
    "association (drugbank:DB09036 rdfs:seeAlso hgnc:6018) is not asserted": "association/s1",
}


def test_hand_written_broken_graph():
    report = validate(SHAPES_DIR / "broken.ttl")
    assert not report.conforms
    found = errors(report)
    for fragment, focus in EXPECTED_IN_BROKEN.items():
        assert any(fragment in v.message and v.focus.endswith(focus) for v in found), report.text(100)
    assert len(found) == len(EXPECTED_IN_BROKEN), report.text(100)


def test_sparql_constraints_give_what_pyshacl_alone_gives():
    """kg.validate runs the SHACL-SPARQL constraints on Oxigraph; pySHACL alone must agree."""
    import pyshacl

    from kg import resources
    from kg.validate import _read_report

    data = Graph().parse(SHAPES_DIR / "broken.ttl").parse(resources.ontology_dir() / "kg.ttl")
    shapes = Graph().parse(resources.ontology_dir() / "shapes.ttl")
    _, report_graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)

    def key(v: Violation) -> tuple:
        return (v.severity, v.focus, v.path, v.value, v.shape)

    alone = {key(v) for v in _read_report(report_graph, shapes)}
    ours = {key(v) for v in validate(SHAPES_DIR / "broken.ttl").violations}
    assert ours == alone


# ------------------------------------------------------------------ stores


def test_validate_store(tmp_path: Path):
    store = tmp_path / "store"
    api.build(api.Inputs(paths=(str(EXAMPLES),)), store=store)
    report = validate_store(store)
    assert report.conforms, report.text()
    assert report.triples > 500

    from kg.store.embedded import EmbeddedStore

    writable = EmbeddedStore(store)
    removed = [q for q in writable.quads() if q.predicate.value == str(KGO.sourceFile)][:1]
    writable._store.remove(removed[0])
    writable.flush()
    del writable
    report = validate_store(store)
    assert not report.conforms
    find(report, "an article needs its source file (kgo:sourceFile)", removed[0].subject.value)


def test_validate_store_that_does_not_exist(tmp_path: Path):
    with pytest.raises(KGError, match="no store at"):
        validate_store(tmp_path / "missing")


# ------------------------------------------------------------------ errors and the text report


def test_missing_or_unreadable_inputs(tmp_path: Path):
    with pytest.raises(KGError, match="no such file"):
        validate(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    with pytest.raises(StoreError, match=r"bad\.ttl"):
        validate(bad)
    with pytest.raises(KGError, match="nothing to validate"):
        validate([])
    with pytest.raises(OntologyError, match="shapes"):
        validate(SHAPES_DIR / "minimal.ttl", shapes=tmp_path / "nope.ttl")


def test_custom_shapes_file(tmp_path: Path):
    shapes = tmp_path / "shapes.ttl"
    shutil.copy(SHAPES_DIR / "minimal.ttl", tmp_path / "data.ttl")
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix fabio: <http://purl.org/spar/fabio/> .\n"
        "@prefix prism: <http://prismstandard.org/namespaces/basic/2.0/> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass fabio:JournalArticle ;\n"
        "  sh:property [ sh:path prism:publicationName ; sh:minCount 1 ; sh:severity sh:Warning ;\n"
        '                sh:message "no journal" ] .\n'
    )
    report = validate(tmp_path / "data.ttl", shapes=shapes)
    assert report.conforms  # a warning does not fail validation
    assert [(v.severity, v.message) for v in report.violations] == [("Warning", "no journal")]
    assert "Warning: no journal [1]" in report.text()


def test_text_is_grouped_and_capped():
    condition = "a finding needs exactly one condition (kgo:condition)"
    focus = "https://w3id.org/cytokine-kg/resource/finding/{:02d}"
    violations = (
        *(Violation("Violation", condition, focus.format(i), "kgo:condition") for i in range(8)),
        Violation(
            "Warning",
            "an article has no title (dcterms:title)",
            "https://pubmed.ncbi.nlm.nih.gov/1",
            "dcterms:title",
        ),
    )
    report = ValidationReport(conforms=False, violations=violations, triples=100, seconds=0.5)
    text = report.text(limit=5)
    lines = text.splitlines()
    assert lines[0] == "does not conform: 8 violations, 1 warning (100 triples checked in 0.5 s)"
    assert lines[1] == "Violation: a finding needs exactly one condition (kgo:condition) [8]"
    assert lines[2] == "  finding:00  kgo:condition"
    assert sum(line.startswith("  finding:") for line in lines) == 5
    assert lines[-1] == "... and 4 more (not shown; 9 in all)"
    full = report.text(limit=100)
    assert "Warning: an article has no title (dcterms:title) [1]" in full
    assert "  pubmed:1  dcterms:title" in full
