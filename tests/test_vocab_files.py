"""The committed vocabulary files (ontology/vocab/*.ttl, ontology/prefixes.json) are sound.

Reads only the committed files; the shared data snapshot they were built from is not needed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import curies
import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology"
VOCAB = ONTOLOGY / "vocab"
VOCAB_FILES = ["genes.ttl", "drugs.ttl", "diseases.ttl", "disease-closure.ttl", "inferred.ttl"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
KGO = "https://w3id.org/cytokine-kg/ontology#"
OBO = "http://purl.obolibrary.org/obo/"
HGNC = "http://identifiers.org/hgnc/"
DRUGBANK = "http://identifiers.org/drugbank/"
KGD = "https://w3id.org/cytokine-kg/drug/"
SUBCLASS = RDFS + "subClassOf"

TOCILIZUMAB = DRUGBANK + "DB06273"
IL6, IL6R, IL6ST = HGNC + "6018", HGNC + "6019", HGNC + "6021"
EXPECTED_PREFIXES = {
    "DOID", "MONDO", "CHEBI", "NCIT", "HP", "EFO", "OMIM", "MESH", "HGNC", "HGNC.GENEGROUP", "UniProtKB",
    "NCBIGene", "DrugBank", "UNII", "CHEMBL.COMPOUND", "UMLS", "ICD10CM", "ORPHANET", "SNOMEDCT", "GARD",
    "WIKIDATA", "PMID", "PMC", "DOI", "KGO", "KGD", "KGR",
}  # fmt: skip
#: Namespaces of the RDF/OWL/SKOS machinery: not vocabulary IRIs, so not expected in prefixes.json.
W3C = ("http://www.w3.org/", "http://www.geneontology.org/formats/oboInOwl#")


class Graph:
    """A parsed file as s -> p -> {objects}, plus the raw quads."""

    def __init__(self, path: Path) -> None:
        self.quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        self.spo: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        for q in self.quads:
            self.spo[q.subject.value][q.predicate.value].add(q.object.value)

    def objects(self, s: str, p: str) -> set[str]:
        return self.spo.get(s, {}).get(p, set())


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    return {name: Graph(VOCAB / name) for name in [*VOCAB_FILES, "../kg.ttl"]}


@pytest.fixture(scope="module")
def converter() -> curies.Converter:
    return curies.Converter.from_prefix_map(json.loads((ONTOLOGY / "prefixes.json").read_text("utf-8")))


@pytest.mark.parametrize("name", VOCAB_FILES)
def test_file_parses_with_a_generator_header_and_no_blank_nodes(name: str, graphs: dict[str, Graph]) -> None:
    text = (VOCAB / name).read_text("utf-8")
    assert text.startswith("# "), "each file starts with a comment"
    assert "ontology/build/build_vocab.py" in text.split("@prefix", 1)[0]
    graph = graphs[name]
    assert graph.quads, f"{name} is empty"
    for q in graph.quads:
        assert not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode), q


@pytest.mark.parametrize("name", VOCAB_FILES)
def test_literals_are_plain_strings(name: str, graphs: dict[str, Graph]) -> None:
    for q in graphs[name].quads:
        if isinstance(q.object, ox.Literal):
            assert q.object.language is None and q.object.datatype.value == XSD_STRING, q


def test_sources_document_names_the_mondo_license() -> None:
    text = (VOCAB / "SOURCES.md").read_text("utf-8")
    assert "CC BY 4.0" in text and "Mondo" in text


def test_prefixes_json(converter: curies.Converter) -> None:
    prefix_map = json.loads((ONTOLOGY / "prefixes.json").read_text("utf-8"))
    assert set(prefix_map) == EXPECTED_PREFIXES
    assert converter.expand("DOID:9538") == OBO + "DOID_9538"
    assert converter.expand("MESH:D015850") == "http://id.nlm.nih.gov/mesh/D015850"
    assert converter.expand("HGNC:6018") == IL6
    assert converter.compress(TOCILIZUMAB) == "DrugBank:DB06273"
    assert converter.compress(OBO + "MONDO_0600008") == "MONDO:0600008"


@pytest.mark.parametrize("name", VOCAB_FILES)
def test_every_vocabulary_iri_compresses(
    name: str, graphs: dict[str, Graph], converter: curies.Converter
) -> None:
    iris = {
        node.value
        for q in graphs[name].quads
        for node in (q.subject, q.object)
        if isinstance(node, ox.NamedNode)
    }
    bad = {i for i in iris if not i.startswith(W3C) and converter.compress(i) is None}
    assert not bad, f"{len(bad)} IRIs outside prefixes.json, e.g. {sorted(bad)[:5]}"


# ------------------------------------------------------------------ diseases


def _parents(graphs: dict[str, Graph]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for name in ("diseases.ttl", "disease-closure.ttl", "../kg.ttl"):
        for s, by in graphs[name].spo.items():
            parents[s] |= by.get(SUBCLASS, set())
    return parents


def test_every_disease_reaches_kgo_disease(graphs: dict[str, Graph]) -> None:
    parents = _parents(graphs)
    diseases = [s for s, by in graphs["diseases.ttl"].spo.items() if OWL_CLASS in by.get(RDF_TYPE, ())]
    assert len(diseases) > 12000
    missing = [d for d in diseases if KGO + "Disease" not in parents[d]]
    assert not missing, f"{len(missing)} diseases do not reach kgo:Disease, e.g. {missing[:3]}"


def test_closure_holds_only_entailed_triples(graphs: dict[str, Graph]) -> None:
    asserted = {(s, o) for name in ("diseases.ttl", "../kg.ttl")
                for s, by in graphs[name].spo.items() for o in by.get(SUBCLASS, ())}  # fmt: skip
    closure = {(s, o) for s, by in graphs["disease-closure.ttl"].spo.items() for o in by.get(SUBCLASS, ())}
    assert closure, "closure is empty"
    assert not closure & asserted
    assert all(s != o for s, o in closure)
    # closed: the ancestors of an ancestor are ancestors
    parents = _parents(graphs)
    for s in (OBO + "DOID_9538", OBO + "DOID_7148", OBO + "MONDO_0015545"):
        for a in parents[s]:
            assert parents[a] <= parents[s], (s, a)


def test_multiple_myeloma_is_a_cancer_through_the_closure(graphs: dict[str, Graph]) -> None:
    mm = OBO + "DOID_9538"
    assert graphs["diseases.ttl"].objects(mm, RDFS + "label") == {"multiple myeloma"}
    assert OBO + "DOID_162" in graphs["disease-closure.ttl"].objects(mm, SUBCLASS)


def test_cytokine_release_syndrome_from_mondo(graphs: dict[str, Graph]) -> None:
    crs = OBO + "MONDO_0600008"
    g = graphs["diseases.ttl"]
    assert g.objects(crs, RDFS + "label") == {"cytokine release syndrome"}
    synonyms = g.objects(crs, OIO + "hasExactSynonym") | g.objects(crs, OIO + "hasRelatedSynonym")
    assert "cytokine storm" in synonyms
    assert OBO + "MONDO_0035838" in g.spo  # idiopathic multicentric Castleman disease


def test_giant_cell_arteritis_is_a_synonym_of_temporal_arteritis(graphs: dict[str, Graph]) -> None:
    g = graphs["diseases.ttl"]
    assert "giant cell arteritis" in g.objects(OBO + "DOID_13375", OIO + "hasExactSynonym")


def test_disease_mappings(graphs: dict[str, Graph]) -> None:
    g = graphs["diseases.ttl"]
    assert OBO + "MONDO_0009693" in g.objects(OBO + "DOID_9538", SKOS + "exactMatch")
    assert "http://id.nlm.nih.gov/mesh/D009101" in g.objects(OBO + "DOID_9538", SKOS + "closeMatch")


def test_no_definitions_are_copied(graphs: dict[str, Graph]) -> None:
    predicates = {
        p for g in graphs.values() if g is not graphs["../kg.ttl"] for by in g.spo.values() for p in by
    }
    assert not {p for p in predicates if p.endswith(("definition", "IAO_0000115", "comment", "description"))}


# ------------------------------------------------------------------ genes


def test_il6_gene(graphs: dict[str, Graph]) -> None:
    g = graphs["genes.ttl"]
    assert KGO + "Cytokine" in g.objects(IL6, RDF_TYPE)
    assert g.objects(IL6, KGO + "symbol") == {"IL6"}
    assert g.objects(IL6, RDFS + "label") == {"interleukin 6"}
    alt = g.objects(IL6, SKOS + "altLabel")
    assert {"IL-6", "interleukin-6"} <= alt
    assert not {"HGF", "HSF"} & alt
    assert "http://purl.uniprot.org/uniprot/P05231" in g.objects(IL6, SKOS + "exactMatch")
    assert "http://identifiers.org/ncbigene/3569" in g.objects(IL6, SKOS + "exactMatch")


def test_il6_receptors(graphs: dict[str, Graph]) -> None:
    g = graphs["genes.ttl"]
    assert KGO + "Receptor" in g.objects(IL6R, RDF_TYPE)
    assert KGO + "Receptor" in g.objects(IL6ST, RDF_TYPE)
    assert {"IL-6R", "sIL-6R", "gp80", "CD126"} <= g.objects(IL6R, SKOS + "altLabel")
    assert "IL-1Ra" not in g.objects(IL6R, SKOS + "altLabel")
    assert "gp130" in g.objects(IL6ST, SKOS + "altLabel")


def test_gene_labels_are_not_shared_between_genes(graphs: dict[str, Graph]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for s, by in graphs["genes.ttl"].spo.items():
        for p in (RDFS + "label", KGO + "symbol", SKOS + "altLabel"):
            for o in by.get(p, ()):
                owners["".join(ch for ch in o.casefold() if ch.isalnum())].add(s)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared, shared


def test_family_terms(graphs: dict[str, Graph]) -> None:
    g = graphs["genes.ttl"]
    il1 = "https://w3id.org/cytokine-kg/resource/family/IL1"
    assert KGO + "Cytokine" in g.objects(il1, RDF_TYPE)
    assert "IL-1" in g.objects(il1, SKOS + "altLabel")
    assert "IL-17" in g.objects(HGNC + "5981", SKOS + "altLabel")  # IL17A


# ------------------------------------------------------------------ drugs


def test_tocilizumab(graphs: dict[str, Graph]) -> None:
    g = graphs["drugs.ttl"]
    assert KGO + "Drug" in g.objects(TOCILIZUMAB, RDF_TYPE)
    assert g.objects(TOCILIZUMAB, RDFS + "label") == {"tocilizumab"}
    assert {"MRA", "Actemra"} <= g.objects(TOCILIZUMAB, SKOS + "altLabel")
    assert g.objects(TOCILIZUMAB, KGO + "inhibits") == {IL6R}
    assert "http://id.nlm.nih.gov/mesh/C502936" in g.objects(TOCILIZUMAB, SKOS + "exactMatch")


def test_curated_drugs_without_drugbank_ids(graphs: dict[str, Graph]) -> None:
    g = graphs["drugs.ttl"]
    assert g.objects(KGD + "mr16-1", RDFS + "label") == {"mr16-1"}
    assert "MR16-1" in g.objects(KGD + "mr16-1", SKOS + "altLabel")
    assert g.objects(KGD + "mr16-1", KGO + "inhibits") == {IL6R}
    assert g.objects(KGD + "pf-04236921", KGO + "inhibits") == {IL6}
    assert g.objects(KGD + "olamkicept", KGO + "inhibits") == {IL6, IL6R}
    ril6 = KGD + "recombinant-interleukin-6"
    assert g.objects(ril6, RDFS + "label") == {"recombinant interleukin-6"}
    assert g.objects(ril6, KGO + "activates") == {IL6}
    assert not g.objects(ril6, KGO + "inhibits")


def test_each_drug_has_one_label(graphs: dict[str, Graph]) -> None:
    g = graphs["drugs.ttl"]
    drugs = [s for s, by in g.spo.items() if KGO + "Drug" in by.get(RDF_TYPE, ())]
    assert len(drugs) > 10000
    assert all(len(g.objects(d, RDFS + "label")) == 1 for d in drugs)
    labels = [next(iter(g.objects(d, RDFS + "label"))) for d in drugs]
    assert not {"water", "oxygen", "glucose", "histamine", "albumin human"} & set(labels)


def test_drug_synonyms_do_not_name_genes(graphs: dict[str, Graph]) -> None:
    name_predicates = (RDFS + "label", KGO + "symbol", SKOS + "altLabel")
    gene_names = {
        o for by in graphs["genes.ttl"].spo.values() for p in name_predicates for o in by.get(p, ())
    }
    g = graphs["drugs.ttl"]
    anakinra = DRUGBANK + "DB00026"
    assert "IL-1RA" not in g.objects(anakinra, SKOS + "altLabel")
    clashes = {o for by in g.spo.values() for o in by.get(SKOS + "altLabel", ()) if o in gene_names}
    assert not clashes, clashes


# ------------------------------------------------------------------ inferred drug classes


def test_inferred_drug_classes(graphs: dict[str, Graph]) -> None:
    g = graphs["inferred.ttl"]
    il6_inhibitors = {s for s, by in g.spo.items() if KGO + "IL6Inhibitor" in by.get(RDF_TYPE, ())}
    expected = {DRUGBANK + db for db in ("DB06273", "DB11767", "DB15762", "DB09036", "DB13127", "DB12849",
                                          "DB11803", "DB16387", "DB14891")}  # fmt: skip
    expected |= {KGD + "mr16-1", KGD + "pf-04236921", KGD + "olamkicept", KGD + "ziltivekimab"}
    assert expected <= il6_inhibitors
    assert KGD + "recombinant-interleukin-6" not in g.spo
    assert KGO + "AntiCytokineAgent" in g.objects(TOCILIZUMAB, RDF_TYPE)
    assert KGO + "TNFInhibitor" in g.objects(DRUGBANK + "DB00065", RDF_TYPE)  # infliximab
    assert KGO + "JAKInhibitor" in g.objects(DRUGBANK + "DB08895", RDF_TYPE)  # tofacitinib
    assert KGO + "IL1Inhibitor" in g.objects(DRUGBANK + "DB00026", RDF_TYPE)  # anakinra
    assert KGO + "IL1Inhibitor" in g.objects(DRUGBANK + "DB06168", RDF_TYPE)  # canakinumab
    assert KGO + "IL17Inhibitor" in g.objects(DRUGBANK + "DB09029", RDF_TYPE)  # secukinumab
    assert KGO + "IL6Inhibitor" not in g.objects(DRUGBANK + "DB00065", RDF_TYPE)


def test_class_targets(graphs: dict[str, Graph]) -> None:
    g = graphs["inferred.ttl"]
    assert g.objects(KGO + "IL6Inhibitor", KGO + "classTarget") == {IL6, IL6R, IL6ST}
    assert g.objects(KGO + "TNFInhibitor", KGO + "classTarget") == {HGNC + "11892"}


def test_code_names_are_taken_from_descriptive_drugbank_synonyms() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ontology" / "build"))
    from build_vocab import described_code_names

    assert described_code_names("Adoptive immunotherapy agent CTL019") == ["CTL019"]
    assert described_code_names("Monoclonal antibody SGN-30") == ["SGN-30"]
    assert described_code_names("Tisagenlecleucel-T") == []  # no description before it
    assert described_code_names("Recombinant human IL-21") == []  # no descriptive word (agent, antibody, ...) before it


@pytest.mark.slow
def test_vocabulary_index_is_cached_on_disk_and_optional(tmp_path, monkeypatch) -> None:
    """The vocabulary index is built once into the cache folder (replacing the store earlier releases
    cached) and loaded from there after; a cache folder that cannot be written only makes it slower."""
    from kg.rdf import vocabgraph

    def nquads() -> bytes:
        return vocabgraph.vocabulary_nquads(["DOID:9538", "DrugBank:DB06273"])

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    legacy = tmp_path / "cache" / "vocabulary-store" / "0123"
    legacy.mkdir(parents=True)
    built = nquads()
    (saved,) = (tmp_path / "cache" / "vocabulary-index").iterdir()
    assert saved.suffix == ".sqlite" and not legacy.parent.exists()
    assert nquads() == built  # read from disk
    saved.write_bytes(saved.read_bytes()[:4096])  # damaged: made again
    assert nquads() == built
    assert nquads() == built
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker))
    assert nquads() == built
    assert b'"multiple myeloma"' in built


def test_vocabulary_graph_is_every_blank_free_triple_about_the_terms_and_their_targets() -> None:
    """The index gives what its definition says, computed here straight from the files: the ontology's
    triples, and every triple about a term and (following inhibits/activates/targets) about the terms it
    links to; none with a blank node; sorted N-Quads lines in the vocabulary graph."""
    from kg.rdf import vocabgraph
    from kg.rdf.build import VOCABULARY_GRAPH
    from kg.rdf.serialize import graph_nquads
    from kg.vocabulary import converter, default_files

    files = default_files()
    triples = [t for f in files for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
               if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]
    ontology = [t for t in ox.parse(path=str(files[0]), format=ox.RdfFormat.TURTLE)
                if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)]
    curies = ["DrugBank:DB06273", "DOID:9538", "HGNC:6018", "MESH:D002100", "NOT:a-term"]
    wanted = {converter().expand(c) or c for c in curies}
    while True:  # the closure over the FOLLOW links
        more = {t.object.value for t in triples if t.subject.value in wanted and t.predicate.value in vocabgraph.FOLLOW}
        if more <= wanted:
            break
        wanted |= more
    expected = graph_nquads(ox.Quad(t.subject, t.predicate, t.object, VOCABULARY_GRAPH)
                            for t in [*ontology, *(t for t in triples if t.subject.value in wanted)])
    assert vocabgraph.nquads_of(vocabgraph.index_vocabulary(files), curies) == expected
    assert b"_:" not in expected and b"/hgnc/6018> <http://www.w3.org/2000/01/rdf-schema#label>" in expected
