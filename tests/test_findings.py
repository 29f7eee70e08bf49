"""Findings: outcomes read by the model, with their polarity, hedging, roles of the drugs, the disease of the finding."""

from __future__ import annotations

import pytest

from kg.extract.findings import clause_spans
from kg.extract.outcome_model import OutcomeModel
from kg.extract.pipeline import Extractor
from kg.model import Outcome
from tests.conftest import make_document


def findings(extractor, title: str, abstract: str) -> set[tuple[str, str, str]]:
    extraction = extractor.extract(make_document(title, abstract))
    return {(f.intervention.label, f.disease.label, f.outcome.value) for f in extraction.findings}


# Sentences written for these tests, in the ways trial reports state each outcome.
OUTCOME_SENTENCES = [
    ("Adding tocilizumab did not improve progression-free survival in multiple myeloma.", "no_efficacy"),
    ("Tocilizumab failed to reduce transfusion needs in patients with myelodysplastic syndrome.", "no_efficacy"),
    ("The primary end point was not met: remission at week 12 was similar in the tocilizumab and placebo arms.",
     "no_efficacy"),
    ("There was no significant difference in overall survival between tocilizumab and placebo "
     "(hazard ratio 0.97, 95% CI 0.71 to 1.32; p = 0.84).", "no_efficacy"),
    ("None of the 24 patients treated with tocilizumab had an objective response.", "no_efficacy"),
    ("Tocilizumab significantly improved remission rates compared with placebo (42% vs 18%; p < 0.001).",
     "efficacy"),
    ("Treatment with tocilizumab reduced the risk of relapse by 62% (hazard ratio 0.38; 95% CI 0.21-0.69).",
     "efficacy"),
    ("Tocilizumab was well tolerated, and no new safety signals were identified.", "well_tolerated"),
    ("Serious infections and grade 3 or 4 neutropenia occurred more frequently with tocilizumab than with "
     "placebo.", "safety_concern"),
    ("Tocilizumab has been approved by the FDA for the treatment of rheumatoid arthritis.", "approved"),
    ("The risk of death from any cause was increased in the patients randomised to high-dose tocilizumab.",
     "safety_concern"),
    ("Serum cholesterol and transaminases rose with tocilizumab; a small but significant increase in "
     "triglycerides was seen.", "safety_concern"),
    ("No new safety signals emerged during two years of tocilizumab treatment.", "well_tolerated"),
    ("Results with tocilizumab in refractory disease have been encouraging.", "efficacy"),
    ("Tocilizumab was introduced into clinical practice for the treatment of rheumatoid arthritis in 2009.",
     "approved"),
]


def outcomes_read(extractor, sentence: str) -> set[str]:
    """The outcomes the finding extractor reads in the abstract sentence of a one-sentence document."""
    document = make_document("Tocilizumab in rheumatoid arthritis", sentence)
    findings_extractor = extractor.findings
    mentions = extractor.extract(document).mentions
    candidate = next(c for c in findings_extractor.candidates(document, mentions) if c.sentence.start > 0)
    return {c.outcome.value for c in findings_extractor.outcome_cues(candidate)}


@pytest.mark.parametrize(("sentence", "outcome"), OUTCOME_SENTENCES)
def test_each_outcome_is_read(extractor, sentence: str, outcome: str) -> None:
    assert outcome in outcomes_read(extractor, sentence)


@pytest.mark.parametrize(
    ("sentence", "outcome"),
    [
        ("Tocilizumab did not improve survival.", "efficacy"),
        ("Tocilizumab has not been approved for multiple myeloma.", "approved"),
        ("No serious adverse events were reported with tocilizumab.", "safety_concern"),
    ],
)
def test_a_negated_statement_is_never_read_as_its_positive(extractor, sentence: str, outcome: str) -> None:
    assert outcome not in outcomes_read(extractor, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We assessed the efficacy and safety of tocilizumab in adults with rheumatoid arthritis.",
        "Patients were randomized to receive tocilizumab 8 mg/kg or placebo every 4 weeks.",
        "Interleukin-6 is a pleiotropic cytokine produced by many cell types.",
        "Future trials should examine whether tocilizumab improves remission in rheumatoid arthritis.",
        "However, further studies are needed to confirm that tocilizumab is safe in pregnancy.",
    ],
)
def test_aims_methods_and_background_state_no_result(extractor, sentence: str) -> None:
    assert outcomes_read(extractor, sentence) == set()


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
    plain = extractor.extract(
        make_document("IL-6 in polymyalgia rheumatica", "IL-6 blockade improved polymyalgia rheumatica.")
    )
    stated = [f for f in plain.findings if f.outcome is Outcome.EFFICACY]
    assert stated and not any(f.hedged for f in stated)
    assert max(f.evidence.confidence for f in hedged) <= min(f.evidence.confidence for f in stated)


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


def test_each_finding_has_the_design_of_its_own_sentence(extractor) -> None:
    extraction = extractor.extract(make_document(
        "Tocilizumab in rheumatoid arthritis: an open-label extension",
        "In mice with collagen-induced arthritis, tocilizumab significantly reduced joint swelling. "
        "In the open-label extension, tocilizumab significantly improved disease activity in rheumatoid arthritis."))
    studies = {f.evidence.sentence.split(",")[0]: f.study for f in extraction.findings}
    assert studies.get("In mice with collagen-induced arthritis") == "murine model"
    assert "open-label" in studies.values()


def test_a_review_is_the_study_of_the_trials_it_summarises(extractor) -> None:
    extraction = extractor.extract(make_document(
        "Interleukin-6 blockade in rheumatoid arthritis: a review",
        "This review summarises the evidence. In a phase 3 trial, tocilizumab significantly improved "
        "remission rates in rheumatoid arthritis."))
    assert extraction.findings and {f.study for f in extraction.findings} == {"review"}


def test_hedging_is_read_in_the_span_that_states_the_outcome(extractor) -> None:
    extraction = extractor.extract(make_document(
        "Tocilizumab in rheumatoid arthritis",
        "Tocilizumab significantly improved remission in rheumatoid arthritis (p < 0.001)."))
    assert extraction.findings and not any(f.hedged for f in extraction.findings)


@pytest.mark.parametrize(
    ("abstract", "comparator"),
    [
        ("Tocilizumab significantly improved remission compared with placebo in rheumatoid arthritis.", "placebo"),
        ("Tocilizumab significantly reduced deaths versus usual care in patients with COVID-19 (p = 0.007).",
         "usual care"),
        ("Siltuximab plus best supportive care did not reduce transfusions in myelodysplastic syndrome "
         "compared with placebo plus best supportive care.", "placebo"),
    ],
)
def test_control_arms_are_comparators(extractor, abstract: str, comparator: str) -> None:
    extraction = extractor.extract(make_document("A randomised trial", abstract))
    assert extraction.findings
    assert {f.comparator.label for f in extraction.findings if f.comparator} == {comparator}
    assert not any(f.intervention.label == comparator for f in extraction.findings)


def test_the_documents_comparator_applies_to_sentences_naming_none(extractor) -> None:
    extraction = extractor.extract(make_document(
        "Sarilumab versus placebo in polymyalgia rheumatica",
        "Sarilumab significantly improved sustained remission in polymyalgia rheumatica (p < 0.001)."))
    assert extraction.findings and all(f.comparator and f.comparator.label == "placebo" for f in extraction.findings)


@pytest.mark.parametrize(
    "sentence",
    [
        "Tocilizumab was only partially effective in rheumatoid arthritis.",
        "Tocilizumab led to stable disease in most patients with renal cell carcinoma.",
        "The efficacy of tocilizumab in this setting remains debatable.",
    ],
)
def test_mixed_results_are_read_as_mixed(extractor, sentence: str) -> None:
    assert outcomes_read(extractor, sentence) & {"mixed", "efficacy", "no_efficacy"} == {"mixed"}


def test_a_drug_is_tolerated_in_the_population_the_sentence_names(extractor) -> None:
    found = findings(
        extractor,
        "Interleukin-6 as a therapeutic target in cancer",
        "Anti-IL-6 therapies are safe and useful in Castleman disease.",
    )
    assert ("IL-6 inhibitor", "Castleman disease", "well_tolerated") in found
    assert ("IL-6 inhibitor", "cancer", "well_tolerated") not in found


def _always(outcome: Outcome) -> OutcomeModel:
    """A model that reads ``outcome`` in every sentence (to test what the extractor does with a reading)."""
    return OutcomeModel((outcome,), (5.0,), {}, 0.5)


@pytest.mark.parametrize(
    ("sentence", "stands"),
    [
        ("Levels of C-reactive protein fell by 60% in patients given tocilizumab.", False),
        ("The overall response rate with tocilizumab was 43%.", False),
        ("Tocilizumab did not reduce the number of flares.", True),
        ("The study of tocilizumab was stopped early for lack of efficacy.", True),
        ("Remission rates were similar in the tocilizumab and placebo groups.", True),
        ("Progression-free survival was shorter with tocilizumab (hazard ratio 1.64).", True),
        ("Tocilizumab showed no benefit (difference 2.1, 95% CI -1.0 to 5.2).", True),
    ],
)
def test_a_failure_is_read_only_where_the_sentence_words_one(vocabulary, sentence: str, stands: bool) -> None:
    extractor = Extractor(vocabulary)
    extractor.findings.model = _always(Outcome.NO_EFFICACY)
    assert (outcomes_read(extractor, sentence) == {"no_efficacy"}) is stands


def test_clauses_telling_success_and_failure_of_one_pair_are_a_mixed_result(vocabulary) -> None:
    extractor = Extractor(vocabulary)
    found = findings(
        extractor,
        "Tocilizumab in rheumatoid arthritis",
        "Tocilizumab significantly reduced the rate of flares in rheumatoid arthritis, but it did not improve "
        "physical function.",
    )
    assert ("tocilizumab", "rheumatoid arthritis", "mixed") in found
    assert not found & {("tocilizumab", "rheumatoid arthritis", o) for o in ("efficacy", "no_efficacy")}
    found = findings(
        extractor,
        "Tocilizumab in rheumatoid arthritis",
        "The primary end point was not met, but tocilizumab significantly improved morning stiffness in "
        "rheumatoid arthritis.",
    )
    assert ("tocilizumab", "rheumatoid arthritis", "no_efficacy") in found  # the primary endpoint decides


def test_a_drug_alone_and_in_combination_alike_is_no_failure_of_the_drug(extractor) -> None:
    found = findings(
        extractor,
        "Tocilizumab monotherapy versus tocilizumab in combination with methotrexate in rheumatoid arthritis",
        "We compared tocilizumab monotherapy with tocilizumab in combination with methotrexate. "
        "No differences in ACR50 responses were observed between the treatment groups (p = 0.41).",
    )
    assert not any(outcome == "no_efficacy" for _, _, outcome in found)
    found = findings(
        extractor,
        "Tocilizumab monotherapy or in combination with methotrexate versus placebo in rheumatoid arthritis",
        "No differences in ACR50 responses were observed between tocilizumab and placebo (p = 0.41).",
    )
    assert ("tocilizumab", "rheumatoid arthritis", "no_efficacy") in found  # against placebo, the drug failed


def test_a_second_predicate_is_a_clause_of_its_own() -> None:
    text = "The drug failed to improve axial disease and was partially effective in peripheral disease."
    assert [text[a:b] for a, b in clause_spans(text)][1].startswith("was partially")
    text = "Survival was longer (hazard ratio 0.61; 95% CI 0.44-0.85; p = 0.003)."
    assert clause_spans(text) == [(0, len(text) + 1)]  # no clause breaks inside brackets
