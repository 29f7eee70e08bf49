"""Extractions -> RDF quads: one named graph per document, stable IRIs, no blank nodes.

The same input gives the same IRIs (hashes of the document identity and the statement's semantic key),
so re-ingesting a document replaces exactly its graph. Findings are merged on (intervention, disease,
outcome) within a document; each supporting sentence becomes a W3C Web Annotation with a quote and a
position selector. The vocabulary terms the documents use go to one extra graph, so the output answers
queries on its own.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from urllib.parse import quote

import pyoxigraph as ox

from kg import __version__
from kg.errors import OntologyError
from kg.model import Document, Extraction, Finding, Term
from kg.rdf.terms import (
    CITO,
    DCTERMS,
    FABIO,
    FOAF,
    KGR,
    OA,
    PRISM,
    PROV,
    RDF,
    SCHEMA,
    XSD,
    by_notation,
    kgo,
)
from kg.vocabulary import converter

VOCABULARY_GRAPH = KGR["graph/vocabulary"]
SOFTWARE = KGR[f"software/cytokine-kg/{__version__}"]


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _literal(value: str) -> ox.Literal:
    return ox.Literal(value)


def _decimal(value: float) -> ox.Literal:
    """A canonical xsd:decimal ("0.8", never "0.80" or "8E-1"): servers normalise otherwise."""
    text = format(Decimal(str(value)).normalize(), "f")
    return ox.Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def _date(value: str) -> ox.Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(value))
    return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


def term_iri(term: Term) -> ox.NamedNode:
    """The IRI of a vocabulary term (or of a CURIE from an input annotation)."""
    iri = converter().expand(term.curie)
    if iri is None:
        if term.curie.startswith(("http://", "https://")):
            return ox.NamedNode(term.curie)
        raise OntologyError(f"no IRI for {term.curie!r}: prefix not in ontology/prefixes.json")
    return ox.NamedNode(iri)


def article_iri(document: Document) -> ox.NamedNode:
    """PubMed IRI if the PMID is known, else the DOI IRI, else one minted from the source."""
    if document.pmid:
        return ox.NamedNode(converter().expand(f"PMID:{document.pmid}"))
    if document.doi:
        return ox.NamedNode("https://doi.org/" + quote(document.doi, safe="/:;()._-"))
    return KGR[f"document/{_hash(document.source)}"]


def graph_iri(document: Document) -> ox.NamedNode:
    """The named graph holding everything extracted from ``document``."""
    if document.pmid:
        return KGR[f"graph/pmid-{document.pmid}"]
    if document.doi:
        return KGR[f"graph/doi-{quote(document.doi.lower(), safe='')}"]
    return KGR[f"graph/source-{_hash(document.source)}"]


class GraphBuilder:
    """Turns one Extraction into the quads of its document graph."""

    def __init__(self) -> None:
        self.kgo = kgo()
        self.outcomes = by_notation("Outcome")
        self.designs = by_notation("StudyDesign")

    def quads(self, extraction: Extraction) -> list[ox.Quad]:
        document = extraction.document
        graph = graph_iri(document)
        article = article_iri(document)
        triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = []
        triples += self._bibliography(document, article)
        for term in extraction.terms():
            triples.append((article, self.kgo.mentions, term_iri(term)))
        merged: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
        for finding in extraction.findings:
            merged[finding.key].append(finding)
        for key, findings in merged.items():
            triples += self._finding(document, article, key, findings)
        for association in extraction.associations:
            triples += self._association(document, article, association)
        return [ox.Quad(s, p, o, graph) for s, p, o in dict.fromkeys(triples)]

    # ------------------------------------------------------------ bibliography

    def _bibliography(self, document: Document, article: ox.NamedNode) -> Iterator[tuple]:
        review = any("review" in t.lower() for t in document.publication_types)
        yield article, RDF.type, FABIO.ReviewArticle if review else FABIO.JournalArticle
        yield article, self.kgo.sourceFile, _literal(document.source)
        if document.title:
            yield article, DCTERMS.title, _literal(document.title)
        if document.pmid:
            yield article, FABIO.hasPubMedId, _literal(document.pmid)
        if document.doi:
            yield article, PRISM.doi, _literal(document.doi)
        if document.pmc:
            yield article, FABIO.hasPubMedCentralId, _literal(document.pmc)
        if document.journal:
            yield article, PRISM.publicationName, _literal(document.journal)
        if document.date:
            yield article, PRISM.publicationDate, _date(document.date)
        for position, author in enumerate(document.authors, 1):
            node = KGR[f"author/{_hash(article.value, position)}"]
            yield article, DCTERMS.creator, node
            yield node, RDF.type, FOAF.Person
            yield node, FOAF.name, _literal(author.name)
            yield node, SCHEMA.position, _integer(position)
        for heading in document.mesh_headings:
            if heading.ui:
                yield article, FABIO.hasSubjectTerm, ox.NamedNode(converter().expand(f"MESH:{heading.ui}"))
        for publication_type in document.publication_types:
            yield article, PRISM.genre, _literal(publication_type)
        for work in document.references:
            cited = _work_iri(work)
            yield article, CITO.cites, cited
            if work.citation:
                yield cited, DCTERMS.bibliographicCitation, _literal(work.citation)
        for work in document.cited_by:
            citing = _work_iri(work)
            yield citing, CITO.cites, article
            if work.citation:
                yield citing, DCTERMS.bibliographicCitation, _literal(work.citation)

    # ------------------------------------------------------------ statements

    def _finding(
        self, document: Document, article: ox.NamedNode, key: tuple[str, str, str], findings: list[Finding]
    ) -> Iterator[tuple]:
        best = max(findings, key=lambda f: f.evidence.confidence)
        node = KGR[f"finding/{_hash(article.value, *key)}"]
        yield node, RDF.type, self.kgo.Finding
        yield node, self.kgo.intervention, term_iri(best.intervention)
        yield node, self.kgo.condition, term_iri(best.disease)
        yield node, self.kgo.outcome, self.outcomes[best.outcome.value]
        if best.study in self.designs:
            yield node, self.kgo.studyDesign, self.designs[best.study]
        for feature in sorted({d for f in findings for d in f.design} - {best.study}):
            if feature in self.designs:
                yield node, self.kgo.designFeature, self.designs[feature]
        for partner in {t.curie: t for f in findings for t in f.combination}.values():
            yield node, self.kgo.combinedWith, term_iri(partner)
        for comparator in {f.comparator.curie: f.comparator for f in findings if f.comparator}.values():
            yield node, self.kgo.comparator, term_iri(comparator)
        yield node, self.kgo.hedged, ox.Literal("true" if all(f.hedged for f in findings) else "false", datatype=XSD.boolean)
        yield node, self.kgo.confidence, _decimal(best.evidence.confidence)
        yield node, PROV.wasDerivedFrom, article
        yield node, PROV.wasAttributedTo, SOFTWARE
        strongest: dict[tuple[int, int], Finding] = {}
        for finding in findings:  # one annotation per sentence, with its best confidence
            span = (finding.evidence.start, finding.evidence.end)
            if span not in strongest or finding.evidence.confidence > strongest[span].evidence.confidence:
                strongest[span] = finding
        for span in sorted(strongest):
            yield from self._annotation(node, article, strongest[span].evidence)

    def _association(self, document: Document, article: ox.NamedNode, association) -> Iterator[tuple]:
        predicate = self.kgo[_camel(association.relation)]
        node = KGR[f"association/{_hash(article.value, association.subject.curie, association.relation, association.object.curie)}"]
        subject, obj = term_iri(association.subject), term_iri(association.object)
        yield subject, predicate, obj
        yield node, RDF.type, self.kgo.Association
        yield node, RDF.subject, subject
        yield node, RDF.predicate, predicate
        yield node, RDF.object, obj
        yield node, self.kgo.confidence, _decimal(association.evidence.confidence)
        yield node, PROV.wasDerivedFrom, article
        yield node, PROV.wasAttributedTo, SOFTWARE
        yield from self._annotation(node, article, association.evidence)

    def _annotation(self, body: ox.NamedNode, article: ox.NamedNode, evidence) -> Iterator[tuple]:
        node = KGR[f"annotation/{_hash(body.value, evidence.start, evidence.end)}"]
        target, quote_selector, position = (ox.NamedNode(f"{node.value}-{part}") for part in ("target", "quote", "position"))
        yield node, RDF.type, OA.Annotation
        yield node, OA.hasBody, body
        yield node, OA.hasTarget, target
        yield node, OA.motivatedBy, OA.describing
        yield node, self.kgo.evidenceText, _literal(evidence.sentence)
        yield node, self.kgo.confidence, _decimal(evidence.confidence)
        yield target, RDF.type, OA.SpecificResource
        yield target, OA.hasSource, article
        yield target, OA.hasSelector, quote_selector
        yield target, OA.hasSelector, position
        yield quote_selector, RDF.type, OA.TextQuoteSelector
        yield quote_selector, OA.exact, _literal(evidence.sentence)
        yield position, RDF.type, OA.TextPositionSelector
        yield position, OA.start, _integer(evidence.start)
        yield position, OA.end, _integer(evidence.end)


def _camel(relation: str) -> str:
    head, *rest = relation.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _work_iri(work) -> ox.NamedNode:
    """A cited or citing work: its PubMed or DOI IRI, else one minted from the citation text."""
    if work.pmid:
        return ox.NamedNode(converter().expand(f"PMID:{work.pmid}"))
    if work.doi:
        return ox.NamedNode("https://doi.org/" + quote(work.doi, safe="/:;()._-"))
    return KGR[f"work/{_hash(work.citation)}"]


def used_terms(extractions: Iterable[Extraction]) -> set[str]:
    """CURIEs of every term the extractions mention or state something about."""
    used: set[str] = set()
    for extraction in extractions:
        used.update(t.curie for t in extraction.terms())
        for finding in extraction.findings:
            used.update(t.curie for t in (finding.intervention, finding.disease, *finding.combination))
            if finding.comparator is not None:
                used.add(finding.comparator.curie)
        for association in extraction.associations:
            used.update((association.subject.curie, association.object.curie))
    return used

