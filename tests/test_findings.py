"""Findings: outcome cues with their polarity, hedging, roles of the drugs, the disease of the finding."""

from __future__ import annotations

import pytest

from kg.extract.findings import load_cues, outcome_cues
from kg.model import Outcome
from tests.conftest import make_document


def findings(extractor, title: str, abstract: str) -> set[tuple[str, str, str]]:
    extraction = extractor.extract(make_document(title, abstract))
    return {(f.intervention.label, f.disease.label, f.outcome.value) for f in extraction.findings}


@pytest.mark.parametrize(
    ("sentence", "outcome"),
    [
        ("Adding the antibody did not improve progression-free survival.", "no_efficacy"),
        ("The drug failed to reduce transfusion needs.", "no_efficacy"),
        ("Large randomized trials showed no efficacy of the drug.", "no_efficacy"),
        ("The primary end point was not met.", "no_efficacy"),
        ("Treatment was not superior to placebo.", "no_efficacy"),
        ("The drug significantly improved remission rates.", "efficacy"),
        ("The drug was well tolerated.", "well_tolerated"),
        ("Serious infections were more common in the treated group.", "safety_concern"),
        ("The antibody has been approved for this disease.", "approved"),
        ("It was inconsistently effective in peripheral disease.", "mixed"),
    ],
)
def test_outcome_cues(sentence: str, outcome: str) -> None:
    found = {c.outcome.value for c in outcome_cues(sentence, load_cues())}
    assert outcome in found


def test_a_negated_cue_is_never_read_as_its_positive() -> None:
    cues = outcome_cues("Siltuximab did not improve survival.", load_cues())
    assert [c.outcome for c in cues] == [Outcome.NO_EFFICACY]


def test_method_sentences_state_no_result() -> None:
    assert outcome_cues("We assessed the efficacy and safety of the drug.", load_cues()) == []


def test_failure_in_a_trial_with_a_comparator_and_a_co_therapy(extractor) -> None:
    found = findings(
        extractor,
        "Siltuximab plus bortezomib versus placebo plus bortezomib in multiple myeloma",
        "Patients with multiple myeloma received siltuximab or placebo with bortezomib. "
        "The addition of siltuximab to bortezomib did not improve progression-free survival.",
    )
    assert ("siltuximab", "multiple myeloma", "no_efficacy") in found
    assert not any(drug == "bortezomib" for drug, _, _ in found)


def test_class_level_failure_in_cancers(extractor) -> None:
    found = findings(
        extractor,
        "Interleukin-6 as a target",
        "In several cancers, randomized trials showed no efficacy of IL-6 inhibitors.",
    )
    assert ("IL-6 inhibitor", "cancer", "no_efficacy") in found


def test_sentence_without_a_drug_refers_to_the_main_intervention(extractor) -> None:
    found = findings(
        extractor,
        "Tocilizumab in giant cell arteritis",
        "Patients with giant cell arteritis received tocilizumab or placebo. The infusions were well tolerated.",
    )
    assert ("tocilizumab", "temporal arteritis", "well_tolerated") in found


def test_adverse_events_are_not_the_condition_of_a_safety_finding(extractor) -> None:
    found = findings(
        extractor,
        "Sarilumab in polymyalgia rheumatica",
        "Neutropenia was more frequent with sarilumab than with placebo.",
    )
    assert ("sarilumab", "polymyalgia rheumatica", "safety_concern") in found
    assert not any(disease == "neutropenia" for _, disease, _ in found)


def test_hedged_statement_is_kept_and_marked(extractor) -> None:
    extraction = extractor.extract(
        make_document("IL-6 in polymyalgia rheumatica",
                      "Earlier studies suggested that IL-6 blockade may be useful in polymyalgia rheumatica.")
    )
    hedged = [f for f in extraction.findings if f.outcome is Outcome.EFFICACY]
    assert hedged and all(f.hedged for f in hedged)
    assert all(f.evidence.confidence < 0.7 for f in hedged)


def test_evidence_offsets(extractor) -> None:
    document = make_document("Tocilizumab in COVID-19", "Tocilizumab reduced deaths in patients with COVID-19.")
    for finding in extractor.extract(document).findings:
        assert document.text[finding.evidence.start : finding.evidence.end] == finding.evidence.sentence
        assert finding.study is None or isinstance(finding.study, str)


def test_comparator_is_recorded(extractor) -> None:
    extraction = extractor.extract(make_document(
        "Tocilizumab in neuromyelitis optica",
        "Tocilizumab was superior to azathioprine in patients with neuromyelitis optica."))
    finding = next(f for f in extraction.findings if f.intervention.label == "tocilizumab")
    assert finding.comparator is not None and finding.comparator.label == "azathioprine"
