"""Honest figures for the finding extractor: leave-one-topic-out on the development corpus, and Evidence
Inference's validation split as a second check.

    python benchmarks/findings_cv.py [--shared ../shared] [--grid]

1. For each topic of ``corpus/manifest.json``, the outcome model is fitted on Evidence Inference (train
   split) and the development documents of the *other* topics, then extracts the held-out topic's
   documents; the held-out predictions of all folds are scored together by ``eval/score.py``.
2. The finding confidence is calibrated the same way (a calibration fitted on the other topics'
   held-out findings): reliability table and expected calibration error (ECE).
3. Evidence Inference validation: the model fitted on the train split (and the corpus) labels each
   validation evidence text as "no significant difference" or "difference"; accuracy and macro F1.
``--grid`` repeats step 1 over a small grid of hyper-parameters and prints findings F1 for each.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.export import to_record  # noqa: E402
from kg.extract.associations import extract_associations  # noqa: E402
from kg.extract.outcome_training import (  # noqa: E402
    CORPUS_WEIGHT,
    THRESHOLD,
    C,
    calibration_data,
    corpus_examples,
    cross_validate,
    cross_validated_calibration,
    evidence_inference_rows,
    external_examples,
    fit,
    load_corpus,
    name_key,
    reliability,
    text_features,
    training_setup,
)
from kg.model import Extraction, Outcome  # noqa: E402


def score(shared: Path, held_out, vocabulary) -> list[str]:
    """The summary lines of the official scorer on the held-out predictions of every fold."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for item in held_out:
            document, mentions = item.gold_document.document, item.gold_document.mentions
            associations = tuple(extract_associations(document, mentions, vocabulary))
            record = to_record(Extraction(document, mentions, item.findings, associations))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    result = subprocess.run(
        [
            sys.executable,
            str(shared / "eval" / "score.py"),
            str(shared / "corpus" / "gold.json"),
            handle.name,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(handle.name).unlink()
    return result.stdout.strip().splitlines()


def association_figures(held_out, vocabulary) -> list[str]:
    """Associations against the gold, per relation (document-level sets; subject by name or gene symbol,
    object by name, symbol or DOID). The association rules are not fitted, so no fold is needed."""
    counts = defaultdict(lambda: [0, 0, 0])  # tp, gold, system
    for item in held_out:
        document, mentions = item.gold_document.document, item.gold_document.mentions
        system = {
            (a.relation, frozenset(_names(a.subject)), frozenset(_names(a.object)))
            for a in extract_associations(document, mentions, vocabulary)
            if not a.negated
        }
        gold = item.gold_document.gold.get("associations", [])
        used = set()
        for g in gold:
            subject, obj = (
                {name_key(g["subject"])},
                {name_key(g["object"])} | ({g["object_doid"]} if g.get("object_doid") else set()),
            )
            counts[g["relation"]][1] += 1
            hit = next(
                (
                    s
                    for s in system
                    if s not in used and s[0] == g["relation"] and s[1] & subject and s[2] & obj
                ),
                None,
            )
            if hit:
                used.add(hit)
                counts[g["relation"]][0] += 1
        for relation, *_ in system:
            counts[relation][2] += 1
    lines = ["relation        P      R     F1   tp/gold/system"]
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    for relation, (tp, ng, ns) in [*sorted(counts.items()), ("all", total)]:
        p, r = tp / ns if ns else 0.0, tp / ng if ng else 0.0
        lines.append(
            f"{relation:14s} {p:.3f}  {r:.3f}  {2 * p * r / (p + r) if p + r else 0.0:.3f}   {tp}/{ng}/{ns}"
        )
    return lines


def comparator_figures(held_out) -> str:
    """How many findings name a comparator, and whether it is the gold's where the gold names one."""
    findings = [f for item in held_out for f in item.findings]
    named = sum(f.comparator is not None for f in findings)
    agree = total = 0
    for item in held_out:
        for gold in item.gold_document.gold.get("findings", []):
            if not gold.get("comparator"):
                continue
            total += 1
            agree += any(
                f.comparator is not None
                and name_key(f.comparator.label) == name_key(gold["comparator"])
                and name_key(f.intervention.label) == name_key(gold["intervention"])
                for f in item.findings
            )
    return (
        f"comparators: {named} of {len(findings)} extracted findings name one; "
        f"{agree} of the {total} gold comparators found"
    )


def _names(term) -> set[str]:
    return {
        name_key(term.label),
        *({name_key(term.symbol)} if term.symbol else set()),
        term.curie.upper(),
        *(x.upper() for x in term.xrefs),
    }


def evidence_inference_check(shared: Path, external, documents, extractor, matcher) -> str:
    """Fitted without the validation split, the outcome heads label its texts: is no difference read as no
    difference? (The gate is left out: every Evidence Inference text states a result.)"""
    model = replace(fit([*external, *corpus_examples(documents)]), gated=False)
    model = replace(
        model, intercepts=model.intercepts[1:], weights={f: w[1:] for f, w in model.weights.items()}
    )
    no_difference = {Outcome.NO_EFFICACY, Outcome.WELL_TOLERATED}
    gold, predicted, worded = [], [], []
    for text, code, _ in evidence_inference_rows(shared / "corpora" / "evidence-inference", "validation"):
        features = text_features(text, extractor, matcher)
        p = model.probabilities(features)
        gold.append(code == 0)
        worded.append(extractor.lexicon.worded(Outcome.NO_EFFICACY.value, frozenset(features)))
        predicted.append(
            max(p[o] for o in no_difference) > max(p[Outcome.EFFICACY], p[Outcome.SAFETY_CONCERN])
        )
    accuracy = sum(g == s for g, s in zip(gold, predicted, strict=True)) / len(gold)
    f1s = []
    for positive in (True, False):
        tp = sum(g == positive and s == positive for g, s in zip(gold, predicted, strict=True))
        fp = sum(g != positive and s == positive for g, s in zip(gold, predicted, strict=True))
        fn = sum(g == positive and s != positive for g, s in zip(gold, predicted, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return (
        f"evidence inference validation: {len(gold)} texts, accuracy {accuracy:.3f}, "
        f"macro F1 {sum(f1s) / 2:.3f} (no difference F1 {f1s[0]:.3f}, difference F1 {f1s[1]:.3f})\n"
        f"worded as a failure ([requires] of outcome_lexicon.toml, which a no_efficacy reading needs): "
        f"{_share(worded, gold, True)} of the no-difference texts, {_share(worded, gold, False)} of the others"
    )


def _share(flags: list[bool], gold: list[bool], label: bool) -> str:
    chosen = [f for f, g in zip(flags, gold, strict=True) if g == label]
    return f"{sum(chosen)}/{len(chosen)} ({sum(chosen) / len(chosen):.0%})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument(
        "--grid", action="store_true", help="also print findings F1 over a hyper-parameter grid"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    vocabulary, matcher, extractor = training_setup()
    ei, sections = external_examples(args.shared, extractor, matcher)
    external = [*ei, *sections]
    documents = load_corpus(args.shared / "corpus", extractor, matcher)
    topics = sorted({d.topic for d in documents})
    print(
        f"data: {len(ei)} Evidence Inference train texts, {len(sections)} structured-abstract sentences, "
        f"{len(documents)} corpus documents in {len(topics)} topics ({time.perf_counter() - started:.1f} s)"
    )

    if args.grid:
        for c, weight, threshold in itertools.product((0.1, 0.2, 0.5), (1.0, 3.0), (0.4, 0.5, 0.6)):
            held_out = cross_validate(
                external, documents, vocabulary, c=c, corpus_weight=weight, threshold=threshold
            )
            lines = score(args.shared, held_out, vocabulary)
            print(f"C={c} corpus_weight={weight} threshold={threshold}: {lines[-1]}")

    held_out = cross_validate(external, documents, vocabulary)
    print(
        f"\nleave-one-topic-out (C={C}, corpus weight {CORPUS_WEIGHT}, threshold {THRESHOLD}), scored by eval/score.py:"
    )
    print("\n".join(score(args.shared, held_out, vocabulary)))

    data = calibration_data(held_out)
    confidences, rights = cross_validated_calibration(data)
    rows, ece = reliability(confidences, rights)
    print(f"\nconfidence, calibrated leave-one-topic-out ({len(data)} document-level findings):")
    print("confidence bin | findings | mean confidence | share right")
    for low, high, n, mean, share in rows:
        print(f"{low:.1f}-{high:.1f}        | {n:8d} | {mean:15.2f} | {share:.2f}")
    print(f"ECE {ece:.3f}")

    print("\nassociations (the rules of cues.toml; not fitted, so these are plain dev figures):")
    print("\n".join(association_figures(held_out, vocabulary)))
    print(comparator_figures(held_out))

    print("\n" + evidence_inference_check(args.shared, external, documents, extractor, matcher))
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
