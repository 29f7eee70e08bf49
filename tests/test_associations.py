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
