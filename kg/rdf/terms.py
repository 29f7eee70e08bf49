"""RDF terms: our ontology as a closed namespace read from ``ontology/kg.ttl``, and the standard vocabularies.

``KGO.Finding`` works because kg.ttl declares it; ``KGO.Fnding`` raises, so a typo never mints a new IRI.
Outcomes and study designs are found by their ``skos:notation`` ("no_efficacy", "phase 2").
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import resources
from kg.errors import OntologyError

if TYPE_CHECKING:
    from kg.vocabulary import Prefixes

KGO_IRI = "https://w3id.org/cytokine-kg/ontology#"
KGR_IRI = "https://w3id.org/cytokine-kg/resource/"


class Namespace:
    """IRIs under a base: ``NS.term`` or ``NS["term"]`` gives a pyoxigraph NamedNode."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return ox.NamedNode(self._base + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self._base + name)


class ClosedNamespace(Namespace):
    """A namespace whose terms must be declared in a given set."""

    def __init__(self, base: str, names: frozenset[str], source: str) -> None:
        super().__init__(base)
        self._names = names
        self._source = source

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> ox.NamedNode:
        if name not in self._names:
            raise OntologyError(f"{self._source} declares no term {name!r} in <{self._base}>")
        return ox.NamedNode(self._base + name)

    def __contains__(self, name: str) -> bool:
        return name in self._names


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SCHEMA = Namespace("http://schema.org/")
KGR = Namespace(KGR_IRI)

PREFIXES = {
    "kgo": KGO_IRI, "kgr": KGR_IRI, "rdf": RDF._base, "rdfs": RDFS._base, "xsd": XSD._base, "skos": SKOS._base,
    "dcterms": DCTERMS._base, "prov": PROV._base, "oa": OA._base, "fabio": FABIO._base, "cito": CITO._base,
    "prism": PRISM._base, "foaf": FOAF._base, "schema": SCHEMA._base, "owl": "http://www.w3.org/2002/07/owl#",
    "obo": "http://purl.obolibrary.org/obo/", "hgnc": "http://identifiers.org/hgnc/",
    "drugbank": "http://identifiers.org/drugbank/", "mesh": "http://id.nlm.nih.gov/mesh/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/", "doi": "https://doi.org/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    **{part: f"{KGR_IRI}{part}/" for part in ("finding", "annotation", "association", "author", "graph", "document", "work", "text")},
}  # fmt: skip


@cache
def _ontology_triples() -> tuple[ox.Triple, ...]:
    path = resources.ontology_dir() / "kg.ttl"
    try:
        return tuple(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (OSError, SyntaxError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot parse the ontology: {exc}") from exc


@cache
def kgo() -> ClosedNamespace:
    names = frozenset(
        t.subject.value[len(KGO_IRI) :]
        for t in _ontology_triples()
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(KGO_IRI)
    )
    return ClosedNamespace(KGO_IRI, names, "ontology/kg.ttl")


@cache
def by_notation(kind: str) -> dict[str, ox.NamedNode]:
    """Individuals of ``kgo:<kind>`` (Outcome, StudyDesign) keyed by their skos:notation."""
    cls = kgo()[kind]
    members = {t.subject for t in _ontology_triples() if t.predicate == RDF.type and t.object == cls}
    return {
        t.object.value: t.subject
        for t in _ontology_triples()
        if t.subject in members and t.predicate == SKOS.notation
    }


def iri_converter() -> Prefixes:
    """CURIE <-> IRI for output: the one prefix map, ``ontology/prefixes.json`` (bioregistry-preferred URI
    prefixes; the committed vocabulary files are generated with the same map, so no IRI needs rewriting)."""
    from kg.vocabulary import converter

    return converter()
