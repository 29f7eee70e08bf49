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
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from kg import __version__
from kg.errors import OntologyError
from kg.model import Association, Document, Extraction, Finding, Term
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
    iri_converter,
    kgo,
)
from kg.vocabulary import converter


class _Memo:
    """A namespace whose terms are made once: ``NS.term`` otherwise builds a new NamedNode at every use,
    and a build uses them hundreds of times per document."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        value = getattr(self._namespace, name)
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> ox.NamedNode:
        return self._namespace[name]


CITO, DCTERMS, FABIO, FOAF, OA, PRISM, PROV, RDF, SCHEMA, XSD = map(
    _Memo, (CITO, DCTERMS, FABIO, FOAF, OA, PRISM, PROV, RDF, SCHEMA, XSD)
)

VOCABULARY_GRAPH = KGR["graph/vocabulary"]
SOFTWARE = KGR[f"software/cytokine-kg/{__version__}"]

#: Sections that list other works (references, citing articles, similar articles): what they name is not
#: what the article is about, so their mentions are kept apart (kgo:bibliographyMentions) and no finding or
#: association is taken from them.
BIBLIOGRAPHY_SECTIONS = ("references", "cited_by", "similar_articles")


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _literal(value: str) -> ox.Literal:
    return ox.Literal(value)


def _decimal(value: float) -> ox.Literal:
    """A canonical xsd:decimal ("0.8", never "0.80" or "8E-1"): servers normalise otherwise."""
    text = format(Decimal(str(value)).normalize(), "f")
    return ox.Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=XSD.boolean)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def _date(value: str) -> ox.Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(value))
    return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


def term_iri(term: Term) -> ox.NamedNode:
    """The IRI of a vocabulary term (or of a CURIE from an input annotation), with the preferred URI prefix."""
    return _curie_iri(term.curie)


@lru_cache(maxsize=1 << 16)
def _curie_iri(curie: str) -> ox.NamedNode:
    iri = iri_converter().expand(curie)
    if iri is None:
        if curie.startswith(("http://", "https://")):
            return ox.NamedNode(curie)
        raise OntologyError(f"no IRI for {curie!r}: prefix not in ontology/prefixes.json")
    return ox.NamedNode(iri)


def article_iri(document: Document) -> ox.NamedNode:
    """PubMed IRI if the PMID is known, else the DOI IRI, else one minted from the document's text."""
    if document.pmid:
        return ox.NamedNode(converter().expand(f"PMID:{document.pmid}"))
    if document.doi:
        return ox.NamedNode("https://doi.org/" + quote(document.doi, safe="/:;()._-"))
    return KGR[f"document/text-{_text_hash(document)}"]


def graph_iri(document: Document) -> ox.NamedNode:
    """The named graph holding everything extracted from ``document``.

    Without a PMID or DOI the identity is a hash of the document's text, not of its file name: however the
    path is spelled (relative, absolute, through a link, from another folder) a re-run replaces the same
    graph; the same text in two files is one document (a build reports the second as a duplicate)."""
    if document.pmid:
        return KGR[f"graph/pmid-{document.pmid}"]
    if document.doi:
        return KGR[f"graph/doi-{quote(document.doi.lower(), safe='')}"]
    return KGR[f"graph/text-{_text_hash(document)}"]


def _text_hash(document: Document) -> str:
    return _hash("text", document.text)


def finding_iri(article: str, key: tuple[str, str, str]) -> ox.NamedNode:
    """The finding (intervention, condition, outcome) of an article: one node per article and key."""
    return KGR[f"finding/{_hash(article, *key)}"]


def association_iri(article: str, association: Association) -> ox.NamedNode:
    return KGR[f"association/{_hash(article, association.subject.curie, association.relation, association.object.curie)}"]


def text_iri(text: str) -> tuple[ox.NamedNode, str]:
    """The document text the evidence offsets count into, named by its SHA-256 (and the checksum)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return KGR[f"text/{digest}"], digest


def bibliography_spans(document: Document) -> tuple[tuple[int, int], ...]:
    """Where the document lists other works (see BIBLIOGRAPHY_SECTIONS)."""
    return tuple(
        (s.start, s.end) for s in document.sections if s.name.split(":", 1)[0] in BIBLIOGRAPHY_SECTIONS
    )


def in_bibliography(spans: tuple[tuple[int, int], ...], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


class GraphBuilder:
    """Turns one Extraction into the quads of its document graph."""

    def __init__(self) -> None:
        self.kgo = _Memo(kgo())
        self.outcomes = by_notation("Outcome")
        self.designs = by_notation("StudyDesign")

    def quads(self, extraction: Extraction) -> list[ox.Quad]:
        document = extraction.document
        graph = graph_iri(document)
        article = article_iri(document)
        triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = []
        triples += self._bibliography(document, article)
        apart = bibliography_spans(document)
        own = {m.term.curie for m in extraction.mentions if not in_bibliography(apart, m.start)}
        for term in extraction.terms():
            predicate = self.kgo.mentions if term.curie in own else self.kgo.bibliographyMentions
            triples.append((article, predicate, term_iri(term)))
        findings_kept = [f for f in extraction.findings if not in_bibliography(apart, f.evidence.start)]
        associations_kept = [a for a in extraction.associations if not in_bibliography(apart, a.evidence.start)]
        source = article
        if findings_kept or associations_kept:
            source, digest = text_iri(document.text)
            triples += self._text(document, article, source, digest)
        merged: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
        for finding in findings_kept:
            merged[finding.key].append(finding)
        for key, findings in merged.items():
            triples += self._finding(document, article, source, key, findings)
        for association in associations_kept:
            triples += self._association(document, article, source, association)
        return [ox.Quad(s, p, o, graph) for s, p, o in dict.fromkeys(triples)]

    def _text(self, document: Document, article: ox.NamedNode, text: ox.NamedNode, digest: str) -> Iterator[tuple]:
        """The exact text the offsets of the evidence count into, carried in the graph with its checksum."""
        yield text, RDF.type, self.kgo.DocumentText
        yield text, RDF.value, _literal(document.text)
        yield text, self.kgo.sha256, _literal(digest)
        yield text, DCTERMS.format, _literal("text/plain; charset=utf-8")
        yield text, PROV.wasDerivedFrom, article
        yield article, self.kgo.text, text

    # ------------------------------------------------------------ bibliography

    def _bibliography(self, document: Document, article: ox.NamedNode) -> Iterator[tuple]:
        review = any("review" in t.lower() for t in document.publication_types)
        yield article, RDF.type, FABIO.ReviewArticle if review else FABIO.JournalArticle
        yield article, self.kgo.sourceFile, _literal(document.source)
        if document.title:
            yield article, DCTERMS.title, _literal(document.title)
        yield from _identifiers(article, document.pmid, document.doi, document.pmc)
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
            yield from _work(cited, work)
        for work in document.cited_by:
            citing = _work_iri(work)
            yield article, CITO.isCitedBy, citing
            yield citing, CITO.cites, article
            yield from _work(citing, work)

    # ------------------------------------------------------------ statements

    def _finding(
        self, document: Document, article: ox.NamedNode, source: ox.NamedNode, key: tuple[str, str, str],
        findings: list[Finding],
    ) -> Iterator[tuple]:
        best = max(findings, key=lambda f: f.evidence.confidence)
        node = finding_iri(article.value, key)
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
        yield node, self.kgo.hedged, _boolean(all(f.hedged for f in findings))
        yield node, self.kgo.confidence, _decimal(best.evidence.confidence)
        yield node, PROV.wasDerivedFrom, article
        yield node, PROV.wasAttributedTo, SOFTWARE
        strongest: dict[tuple[int, int], Finding] = {}
        for finding in findings:  # one annotation per sentence, with its best confidence
            span = (finding.evidence.start, finding.evidence.end)
            if span not in strongest or finding.evidence.confidence > strongest[span].evidence.confidence:
                strongest[span] = finding
        for span in sorted(strongest):
            yield from self._annotation(node, article, source, document, strongest[span].evidence)

    def _association(
        self, document: Document, article: ox.NamedNode, source: ox.NamedNode, association: Association
    ) -> Iterator[tuple]:
        predicate = self.kgo[_camel(association.relation)]
        node = association_iri(article.value, association)
        subject, obj = term_iri(association.subject), term_iri(association.object)
        if not association.negated:  # a relation the text says does not hold is kept reified only
            yield subject, predicate, obj
        yield node, RDF.type, self.kgo.Association
        yield node, RDF.subject, subject
        yield node, RDF.predicate, predicate
        yield node, RDF.object, obj
        yield node, self.kgo.confidence, _decimal(association.evidence.confidence)
        yield node, self.kgo.hedged, _boolean(association.hedged)
        yield node, self.kgo.negated, _boolean(association.negated)
        yield node, PROV.wasDerivedFrom, article
        yield node, PROV.wasAttributedTo, SOFTWARE
        yield from self._annotation(node, article, source, document, association.evidence)

    def _annotation(
        self, body: ox.NamedNode, article: ox.NamedNode, source: ox.NamedNode, document: Document, evidence
    ) -> Iterator[tuple]:
        """A Web Annotation whose target is the document text (``oa:hasSource``) the offsets count into,
        scoped to the article (``oa:hasScope``); the quote is the text between the offsets."""
        node = KGR[f"annotation/{_hash(body.value, evidence.start, evidence.end)}"]
        quote = document.text[evidence.start : evidence.end] or evidence.sentence
        target, quote_selector, position = (ox.NamedNode(f"{node.value}-{part}") for part in ("target", "quote", "position"))
        yield node, RDF.type, OA.Annotation
        yield node, OA.hasBody, body
        yield node, OA.hasTarget, target
        yield node, OA.motivatedBy, OA.describing
        yield node, self.kgo.evidenceText, _literal(quote)
        yield node, self.kgo.confidence, _decimal(evidence.confidence)
        yield node, DCTERMS.source, article
        yield target, RDF.type, OA.SpecificResource
        yield target, OA.hasSource, source
        yield target, OA.hasScope, article
        yield target, OA.hasSelector, quote_selector
        yield target, OA.hasSelector, position
        yield quote_selector, RDF.type, OA.TextQuoteSelector
        yield quote_selector, OA.exact, _literal(quote)
        yield position, RDF.type, OA.TextPositionSelector
        yield position, OA.start, _integer(evidence.start)
        yield position, OA.end, _integer(evidence.end)


def _camel(relation: str) -> str:
    head, *rest = relation.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _work_iri(work) -> ox.NamedNode:
    """A cited or citing work: its PubMed, DOI or PMC IRI, else one minted from the citation text."""
    if work.pmid:
        return ox.NamedNode(converter().expand(f"PMID:{work.pmid}"))
    if work.doi:
        return ox.NamedNode("https://doi.org/" + quote(work.doi, safe="/:;()._-"))
    if work.pmc:
        return ox.NamedNode(converter().expand(f"PMC:{_pmc(work.pmc)}"))
    return KGR[f"work/{_hash(work.citation)}"]


def _pmc(value: str) -> str:
    value = value.strip()
    return value if value.upper().startswith("PMC") else f"PMC{value}"


def _work(node: ox.NamedNode, work) -> Iterator[tuple]:
    """What the bibliography says of a cited or citing work: its citation and identifiers."""
    if work.citation:
        yield node, DCTERMS.bibliographicCitation, _literal(work.citation)
    yield from _identifiers(node, work.pmid, work.doi, work.pmc)


def _identifiers(node: ox.NamedNode, pmid: str | None, doi: str | None, pmc: str | None) -> Iterator[tuple]:
    """The PubMed, DOI and PubMed Central identifiers of an article or a work, as literals."""
    if pmid:
        yield node, FABIO.hasPubMedId, _literal(pmid)
    if doi:
        yield node, PRISM.doi, _literal(doi)
    if pmc:
        yield node, FABIO.hasPubMedCentralId, _literal(_pmc(pmc))


def used_terms(extractions: Iterable[Extraction]) -> set[str]:
    """CURIEs of every term the extractions mention or state something about."""
    used: set[str] = set()
    for extraction in extractions:
        used.update(t.curie for t in extraction.terms())  # bibliography mentions too: they need labels
        for finding in extraction.findings:
            used.update(t.curie for t in (finding.intervention, finding.disease, *finding.combination))
            if finding.comparator is not None:
                used.add(finding.comparator.curie)
        for association in extraction.associations:
            used.update((association.subject.curie, association.object.curie))
    return used

