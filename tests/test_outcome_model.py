"""The outcome model: its features, its file, and its regeneration script run on a small sample."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kg.extract.outcome_features import featurize, load_lexicon, negation_marked, statistics, tokens
from kg.extract.outcome_model import MODEL_FILE, OutcomeModel, default_model
from kg.model import Outcome


def test_negation_scope_marks_the_words_it_covers() -> None:
    words = negation_marked(tokens("the drug did not improve survival but reduced pain"), load_lexicon())
    assert "NEG_improve" in words and "NEG_survival" in words
    assert "reduced" in words and "NEG_reduced" not in words  # "but" closes the scope
    words = negation_marked(tokens("no sign of relapse , <drug> reduced flares"), load_lexicon())
    assert "NEG_relapse" in words and "reduced" in words  # a drug opens the next statement


def test_result_and_adverse_wording() -> None:
    assert "lex:negated_result" in featurize("The antibody showed no activity against the tumour.")
    assert "lex:negated_result" not in featurize("Patients had no signs of active infection.")
    assert "lex:adverse_events" in featurize("A decrease in neutrophil counts was seen in four patients.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("remission was more frequent (p < 0.001)", {"stat:p_sig"}),
        ("rates were similar (P = .42)", {"stat:p_nonsig"}),
        ("hazard ratio 0.92 (95% CI 0.70 to 1.21)", {"stat:ci_null"}),
        ("hazard ratio 0.41 (95% CI, 0.25-0.67)", {"stat:ci_clear"}),
        ("difference -2.7 (95% CI -5.9 to 0.4)", {"stat:ci_null"}),
        ("p = 1.2 x 10-5", {"stat:p_sig"}),
        ("relapse in 21% and 24% (p = NS)", {"stat:p_nonsig"}),
        ("transfusions in 2.2% and 2.7% (NS)", {"stat:p_nonsig"}),
        ("median PFS 97 vs 228 days (hazard ratio, 1.72; P = 0.043)", {"stat:hr_above", "stat:p_sig"}),
        ("the NS group", set()),
    ],
)
def test_statistics_read_significance_and_intervals(text: str, expected: set[str]) -> None:
    assert statistics(text) == expected


def test_entities_are_masked_so_the_model_never_learns_drug_names() -> None:
    text = "Sirukumab improved arthritis."
    features = featurize(text, [(0, 9, "drug"), (19, 28, "disease")])
    assert "w:<drug>" in features and "w:<disease>" in features
    assert not any("sirukumab" in f for f in features)


def test_conjunctions_and_groups() -> None:
    features = featurize("Serious infections were more frequent with the antibody.")
    assert {"lex:adverse_events", "lex:excess", "lex:adverse_excess"} <= set(features)


def test_the_shipped_model_file_reads_back_and_says_what_it_was_trained_on() -> None:
    model = default_model()
    assert set(model.classes) == set(Outcome)
    assert model.trained_on["evidence_inference_train"] > 1000
    assert model.trained_on["corpus_documents"] > 0
    again = OutcomeModel.from_json(model.to_json())
    features = featurize("There was no significant difference in remission between the arms (p = 0.61).")
    assert again.probabilities(features) == pytest.approx(model.probabilities(features), abs=1e-3)
    assert MODEL_FILE.stat().st_size < 2_000_000


def test_a_broken_model_file_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="model.json: not JSON"):
        OutcomeModel.from_json("{broken", "model.json")
    with pytest.raises(ValueError, match="not a 'cytokine-kg outcome model 1' file"):
        OutcomeModel.from_json('{"format": "other"}', "model.json")


def test_confidence_never_falls_for_naming_the_drug() -> None:
    calibration = default_model().calibration
    assert calibration.signals.get("drug_named", 0.0) >= 0.0
    assert calibration.confidence(0.7, ("drug_named",)) >= calibration.confidence(0.7, ())


# ------------------------------------------------------------------ regeneration on a small sample

# Evidence texts written for this test, in the shape of Evidence Inference answers.
SAMPLE_ANSWERS = [
    (
        "Remission rates did not differ between the two arms (31% vs 29%; p = 0.71).",
        "no significant difference",
        0,
    ),
    ("No significant difference in mortality was found between groups.", "no significant difference", 0),
    ("Pain scores were similar in both groups at 12 weeks (p = 0.44).", "no significant difference", 0),
    (
        "The response rate was significantly higher with the antibody (48% vs 20%; p < 0.001).",
        "significantly increased",
        1,
    ),
    (
        "Relapses were significantly fewer in the treated group (hazard ratio 0.35, 95% CI 0.2 to 0.6).",
        "significantly decreased",
        -1,
    ),
    (
        "Disease activity improved significantly compared with placebo (p = 0.002).",
        "significantly increased",
        1,
    ),
]


def _write_sample(root: Path) -> Path:
    ei = root / "corpora" / "evidence-inference"
    ei.mkdir(parents=True)
    with (ei / "prompts_merged.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["PromptID", "PMCID", "Outcome", "Intervention", "Comparator"])
        for i, _ in enumerate(SAMPLE_ANSWERS):
            writer.writerow([i, 100 + i, "remission", "antibody", "placebo"])
    with (ei / "v2_annotations.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "UserID",
                "PromptID",
                "PMCID",
                "Valid Label",
                "Valid Reasoning",
                "Label",
                "Annotations",
                "Label Code",
                "In Abstract",
                "Evidence Start",
                "Evidence End",
            ]
        )
        for i, (text, label, code) in enumerate(SAMPLE_ANSWERS):
            writer.writerow([0, i, 100 + i, "True", "True", label, text, code, 1, 0, len(text)])
    (ei / "train_article_ids.txt").write_text("\n".join(str(100 + i) for i in range(len(SAMPLE_ANSWERS))))
    corpus = root / "corpus"
    (corpus / "dev").mkdir(parents=True)
    documents = {
        "a.txt": (
            "Tocilizumab in giant cell arteritis",
            "Tocilizumab was compared with placebo. Tocilizumab significantly improved sustained remission.",
        ),
        "b.txt": (
            "Siltuximab in multiple myeloma",
            "We studied siltuximab in multiple myeloma. Siltuximab did not improve progression-free survival.",
        ),
    }
    gold, manifest = [], []
    for name, (title, abstract) in documents.items():
        (corpus / "dev" / name).write_text(f"{title}\n\n{abstract}", encoding="utf-8")
        last = abstract.split(". ")[-1]
        outcome = "efficacy" if "significantly improved" in last else "no_efficacy"
        gold.append(
            {
                "file": name,
                "findings": [
                    {
                        "intervention": title.split()[0].lower(),
                        "disease": title.split(" in ")[1],
                        "outcome": outcome,
                        "evidence": last,
                    }
                ],
            }
        )
        manifest.append({"file": name, "topic": name[0]})
    (corpus / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_the_regeneration_script_fits_and_writes_a_model_on_a_small_sample(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from kg.extract.outcome_training import main

    shared = _write_sample(tmp_path / "shared")
    out = tmp_path / "model.json"
    assert main(["--shared", str(shared), "--out", str(out)]) == 0
    model = OutcomeModel.from_json(out.read_text(encoding="utf-8"), str(out))
    assert model.trained_on["evidence_inference_train"] == len(SAMPLE_ANSWERS)
    assert model.trained_on["corpus_documents"] == 2
    assert model.weights  # it learned something
    no_difference = featurize("Remission rates did not differ between the two arms (p = 0.5).")
    difference = featurize("The response rate was significantly higher with the antibody (p < 0.001).")
    p_none, p_diff = model.probabilities(no_difference), model.probabilities(difference)
    assert p_none[Outcome.NO_EFFICACY] > p_diff[Outcome.NO_EFFICACY]
    assert p_diff[Outcome.EFFICACY] > p_none[Outcome.EFFICACY]
