"""Associations: targets from the vocabulary's drug-target knowledge; implicated_in, biomarker_of, induces
from cues of cues.toml."""

from __future__ import annotations

from tests.conftest import make_document


def associations(extractor, abstract: str, title: str = "A title") -> set[tuple[str, str, str]]:
    extraction = extractor.extract(make_document(title, abstract))
    return {(a.subject.symbol or a.subject.label, a.relation, a.object.symbol or a.object.label)
            for a in extraction.associations}


def test_targets_when_drug_and_its_target_share_a_sentence(extractor) -> None:
    found = associations(extractor, "Siltuximab, an anti-IL-6 monoclonal antibody, was given. Tocilizumab acts elsewhere.")
    assert ("siltuximab", "targets", "IL6") in found
    assert not any(s == "tocilizumab" for s, _, _ in found)


def test_implicated_in_needs_a_cue(extractor) -> None:
    assert ("IL6", "implicated_in", "systemic lupus erythematosus") in associations(
        extractor, "IL-6 plays a critical role in the immunopathology of systemic lupus erythematosus.")
    assert not associations(extractor, "IL-6 was measured in systemic lupus erythematosus.")


def test_biomarker_of(extractor) -> None:
    found = associations(extractor, "Serum IL-6 levels were higher in patients with multiple myeloma, a prognostic marker.")
    assert ("IL6", "biomarker_of", "multiple myeloma") in found


def test_hedged_association_has_lower_confidence(extractor) -> None:
    sure = extractor.extract(make_document("t", "IL-6 plays a role in rheumatoid arthritis.")).associations
    hedged = extractor.extract(make_document("t", "IL-6 may play a role in rheumatoid arthritis.")).associations
    assert sure and hedged and hedged[0].evidence.confidence < sure[0].evidence.confidence


def test_negation_scoped_to_the_cue_marks_the_association_negated(extractor) -> None:
    negated = extractor.extract(make_document("t", "IL-6 is not involved in the pathogenesis of psoriasis.")).associations
    assert negated and all(a.negated for a in negated if a.relation == "implicated_in")
    # a negation elsewhere in the sentence, closed before the cue, does not reach it
    plain = extractor.extract(make_document(
        "t", "Serum IL-6 was not measured, but IL-6 is involved in the pathogenesis of psoriasis.")).associations
    assert any(a.relation == "implicated_in" and not a.negated for a in plain)


def test_hedging_is_scoped_to_the_clause_of_the_cue(extractor) -> None:
    hedged = extractor.extract(make_document(
        "t", "IL-6 may contribute to the pathogenesis of rheumatoid arthritis.")).associations
    assert hedged and all(a.hedged for a in hedged if a.relation == "implicated_in")
    sure = extractor.extract(make_document(
        "t", "IL-6 contributes to the pathogenesis of rheumatoid arthritis; other cytokines may matter too.")).associations
    assert any(a.relation == "implicated_in" and not a.hedged for a in sure)


def test_a_negated_association_is_kept_reified_but_never_asserted(extractor) -> None:
    from kg.rdf.build import GraphBuilder

    extraction = extractor.extract(make_document("t", "IL-6 is not involved in the pathogenesis of psoriasis."))
    quads = GraphBuilder().quads(extraction)
    predicates = {q.predicate.value.rsplit("#", 1)[-1] for q in quads}
    assert "negated" in predicates
    assert not any(q.predicate.value.endswith("#implicatedIn") for q in quads)


def test_induces_reads_the_direction_of_its_cue(extractor) -> None:
    active = associations(extractor, "In mice, IL-6 caused cachexia and weight loss.")
    assert ("IL6", "induces", "cachexia") in active
    passive = associations(extractor, "Cytokine release syndrome is a toxicity associated with CAR T-cell therapy.")
    assert any(r == "induces" and o == "cytokine release syndrome" for _, r, o in passive)
    # a drug named after an active cue is no subject of it
    assert not any(s == "tocilizumab" and r == "induces" for s, r, _ in associations(
        extractor, "IL-6 induces C-reactive protein, and tocilizumab was given to the patients."))


def test_a_passive_cue_takes_the_agent_that_follows_it_closely(extractor) -> None:
    found = associations(extractor, "Arthritis induced by IL-1 and TNF was studied in mice.")
    assert {("IL1", "induces", "arthritis"), ("TNF", "induces", "arthritis")} <= found
    found = associations(
        extractor,
        "Hyper-IgE syndrome was caused by a rare inherited mutation in a signalling gene (variant p.X1; "
        "patient A) leading to abrogated responses after stimulation with IL-6 in fibroblasts.",
    )
    assert not any(relation == "induces" for _, relation, _ in found)
