"""Drug-class membership by OWL reasoning: HermiT (through owlready2) classifies drugs by their targets.

``ontology/kg.ttl`` defines drug classes such as ``kgo:IL6Inhibitor`` as
``kgo:Drug and (kgo:inhibits some {hgnc:6018, hgnc:6019, hgnc:6021})``; the vocabulary states what each
drug inhibits, activates or targets. :func:`classify` hands the OWL axioms plus the drugs that have
target statements to HermiT and returns the drug-class memberships it entails, as ``rdf:type`` triples.
The build script (``ontology/build/build_vocab.py``) writes them into ``ontology/vocab/inferred.ttl``,
so nothing at run time needs Java.

Only the logical part of the input goes to the reasoner: labels, synonyms, mappings and drugs without
target statements are left out, which keeps a run to a few seconds.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from kg.errors import OntologyError

KGO = rdflib.Namespace("https://w3id.org/cytokine-kg/ontology#")
TARGET_PROPERTIES = (KGO.inhibits, KGO.activates, KGO.targets)
#: Types that make a subject an individual (an ABox entity) rather than a class.
INDIVIDUAL_TYPES = (KGO.Drug, KGO.Cytokine, KGO.Receptor, KGO.GeneProduct)
#: Namespaces and predicates with no logical content; dropped before reasoning.
_ANNOTATION_NAMESPACES = (
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.geneontology.org/formats/oboInOwl#",
)
_ANNOTATION_PREDICATES = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    OWL.versionInfo,
    KGO.symbol,
    KGO.classTarget,
}


def java_available() -> bool:
    """True if a ``java`` executable is on the PATH (HermiT needs it)."""
    return shutil.which("java") is not None


def drug_classes(graph: rdflib.Graph) -> set[URIRef]:
    """Classes that are also instances of ``kgo:DrugClass`` (punning), e.g. ``kgo:IL6Inhibitor``."""
    return {s for s in graph.subjects(RDF.type, KGO.DrugClass) if isinstance(s, URIRef)}


def class_targets(graph: rdflib.Graph) -> set[tuple[URIRef, URIRef]]:
    """(drug class, gene) pairs read from ``owl:equivalentClass [... owl:oneOf (genes)]`` definitions.

    Every individual listed in an ``owl:oneOf`` anywhere inside a drug class's equivalent-class
    expression counts (the classes of kg.ttl have exactly one such enumeration).
    """
    pairs = set()
    for cls in drug_classes(graph):
        for expression in graph.objects(cls, OWL.equivalentClass):
            for node in _descendants(graph, expression):
                for members in graph.objects(node, OWL.oneOf):
                    for gene in rdflib.collection.Collection(graph, members):
                        if isinstance(gene, URIRef):
                            pairs.add((cls, gene))
    return pairs


def _descendants(graph: rdflib.Graph, start: rdflib.term.Node) -> Iterable[rdflib.term.Node]:
    """``start`` and every node reachable from it through blank nodes (a class expression's tree)."""
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        yield node
        for obj in graph.objects(node, None):
            if isinstance(obj, rdflib.BNode) and obj not in seen:
                seen.add(obj)
                stack.append(obj)


def reasoner_input(graph: rdflib.Graph) -> tuple[rdflib.Graph, set[URIRef]]:
    """The logical axioms plus the drugs with target statements; also returns those drugs."""
    individuals = {s for t in INDIVIDUAL_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
    targeted = {s for p in TARGET_PROPERTIES for s in graph.subjects(p, None) if isinstance(s, URIRef)}
    punned = drug_classes(graph)
    out = rdflib.Graph()
    for s, p, o in graph:
        if p in _ANNOTATION_PREDICATES or str(p).startswith(_ANNOTATION_NAMESPACES):
            continue
        if s in individuals and s not in targeted and not _is_gene(graph, s):
            continue  # a drug without target statements: nothing to infer
        if s in punned and p == RDF.type and o == KGO.DrugClass:
            continue  # the class-as-individual view plays no part in classification
        out.add((s, p, o))
    for ind in individuals & set(out.subjects()):
        out.add((ind, RDF.type, OWL.NamedIndividual))
    for p in TARGET_PROPERTIES:
        for _, gene in graph.subject_objects(p):
            out.add((gene, RDF.type, OWL.NamedIndividual))
    return out, targeted


def _is_gene(graph: rdflib.Graph, subject: URIRef) -> bool:
    return any((subject, RDF.type, t) in graph for t in (KGO.Cytokine, KGO.Receptor, KGO.GeneProduct))


def load(ontology_files: Iterable[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ontology_files:
        try:
            graph.parse(str(path), format="turtle")
        except Exception as exc:  # rdflib raises many parser-specific types
            raise OntologyError(f"{path}: cannot parse: {exc}") from exc
    return graph


def classify(ontology_files: list[Path]) -> rdflib.Graph:
    """Run HermiT over the files and return the entailed ``drug rdf:type <kgo drug class>`` triples.

    Superclasses are included (tocilizumab gets both ``kgo:IL6Inhibitor`` and
    ``kgo:AntiCytokineAgent``); types already asserted in the input are not.
    Raises :class:`~kg.errors.OntologyError` if Java is missing or the reasoner fails.
    """
    import owlready2  # imported here: loading owlready2 is slow and only the build needs it

    if not java_available():
        raise OntologyError("HermiT needs Java: no 'java' executable on the PATH")
    graph = load(ontology_files)
    classes = drug_classes(graph)
    logical, drugs = reasoner_input(graph)
    result = rdflib.Graph()
    result.bind("kgo", KGO)
    if not drugs:
        return result

    with tempfile.TemporaryDirectory(prefix="kg-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        logical.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            onto = world.get_ontology(path.as_uri()).load()
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise OntologyError(f"the ontology is inconsistent: {exc}") from exc
        except Exception as exc:  # Java errors surface as CalledProcessError and similar
            raise OntologyError(f"HermiT failed: {exc}") from exc

        for drug in sorted(drugs):
            individual = world[str(drug)]
            if individual is None:
                continue
            entailed: set[str] = set()
            for cls in individual.is_a:
                if isinstance(cls, owlready2.ThingClass):
                    entailed.update(a.iri for a in cls.ancestors())
            for iri in entailed:
                cls_ref = URIRef(iri)
                if cls_ref in classes and (drug, RDF.type, cls_ref) not in graph:
                    result.add((drug, RDF.type, cls_ref))
        world.close()
    return result
