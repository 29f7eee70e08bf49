"""kg.reason: HermiT classifies drugs into the drug classes of ontology/kg.ttl by their targets."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from kg.errors import OntologyError
from kg.reason import KGO, class_targets, classify, java_available, load, reasoner_input

ROOT = Path(__file__).resolve().parent.parent
KG_TTL = ROOT / "ontology" / "kg.ttl"
KGD = rdflib.Namespace("https://w3id.org/cytokine-kg/drug/")
HGNC = rdflib.Namespace("http://identifiers.org/hgnc/")

TINY_DRUGS = """
@prefix kgo: <https://w3id.org/cytokine-kg/ontology#> .
@prefix kgd: <https://w3id.org/cytokine-kg/drug/> .
@prefix hgnc: <http://identifiers.org/hgnc/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

hgnc:6018 a kgo:Cytokine ; rdfs:label "interleukin 6" .
hgnc:6019 a kgo:Receptor ; rdfs:label "interleukin 6 receptor" .
hgnc:6190 a kgo:GeneProduct ; rdfs:label "Janus kinase 1" .

kgd:testolizumab a kgo:Drug ; rdfs:label "testolizumab" ; skos:altLabel "TST-001" ;
    kgo:inhibits hgnc:6019 .
kgd:agonistin a kgo:Drug ; rdfs:label "agonistin" ; kgo:activates hgnc:6018 .
kgd:jakinib a kgo:Drug ; rdfs:label "jakinib" ; kgo:inhibits hgnc:6190 .
kgd:plainol a kgo:Drug ; rdfs:label "plainol" .
"""


@pytest.fixture
def tiny(tmp_path: Path) -> list[Path]:
    drugs = tmp_path / "drugs.ttl"
    drugs.write_text(TINY_DRUGS, encoding="utf-8")
    return [KG_TTL, drugs]


def test_class_targets_are_read_from_the_owl_definitions() -> None:
    pairs = class_targets(load([KG_TTL]))
    il6 = {gene for cls, gene in pairs if cls == KGO.IL6Inhibitor}
    assert il6 == {HGNC["6018"], HGNC["6019"], HGNC["6021"]}
    assert {gene for cls, gene in pairs if cls == KGO.JAKInhibitor} == {
        HGNC["6190"],
        HGNC["6192"],
        HGNC["6193"],
        HGNC["12440"],
    }
    assert not {gene for cls, gene in pairs if cls == KGO.AntiCytokineAgent}  # defined by a class, no oneOf
    assert {gene for cls, gene in pairs if cls == KGO.IL23Inhibitor} == {HGNC["15488"]}  # IL23A (p19)
    assert {gene for cls, gene in pairs if cls == KGO.IL12IL23Inhibitor} == {HGNC["5970"]}  # IL12B (p40)


def test_committed_inference_types_the_il23_inhibitors() -> None:
    """inferred.ttl (HermiT at vocabulary build): guselkumab inhibits IL23A, ustekinumab IL12B."""
    inferred = rdflib.Graph().parse(ROOT / "ontology" / "vocab" / "inferred.ttl", format="turtle")
    drugbank = rdflib.Namespace("http://identifiers.org/drugbank/")
    guselkumab, ustekinumab = drugbank["DB11834"], drugbank["DB05679"]
    assert set(inferred.objects(guselkumab, rdflib.RDF.type)) == {KGO.IL23Inhibitor, KGO.AntiCytokineAgent}
    assert set(inferred.objects(ustekinumab, rdflib.RDF.type)) == {KGO.IL12IL23Inhibitor, KGO.AntiCytokineAgent}


def test_reasoner_input_keeps_logic_and_targeted_drugs_only(tiny: list[Path]) -> None:
    logical, drugs = reasoner_input(load(tiny))
    assert drugs == {KGD.testolizumab, KGD.agonistin, KGD.jakinib}
    assert not list(logical.triples((KGD.plainol, None, None)))
    assert not list(logical.triples((None, rdflib.RDFS.label, None)))
    assert (KGD.testolizumab, KGO.inhibits, HGNC["6019"]) in logical


@pytest.mark.slow
@pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime ('java' not on PATH)")
def test_classify_types_an_anti_il6r_drug_but_not_an_agonist(tiny: list[Path]) -> None:
    inferred = classify(tiny)
    types = {(s, o) for s, p, o in inferred if p == rdflib.RDF.type}
    assert (KGD.testolizumab, KGO.IL6Inhibitor) in types
    assert (KGD.testolizumab, KGO.AntiCytokineAgent) in types  # superclass included
    assert (KGD.jakinib, KGO.JAKInhibitor) in types
    assert not {o for s, o in types if s == KGD.agonistin}
    assert not {o for s, o in types if s == KGD.plainol}
    assert all(o.startswith(str(KGO)) for _, o in types)
    assert (KGD.testolizumab, KGO.TNFInhibitor) not in types


def test_classify_reports_unparsable_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"broken\.ttl"):
        load([broken])
