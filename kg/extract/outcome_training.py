"""Fit the outcome model (``outcome_model.json``) from labelled data, and measure it honestly.

    python -m kg.extract.outcome_training --shared ../shared            # writes kg/extract/outcome_model.json
    python benchmarks/findings_cv.py --shared ../shared                 # leave-one-topic-out figures

Training data (``--shared`` is the folder with ``corpora/`` and ``corpus/``):

* **Evidence Inference 2.0**, train split (``corpora/evidence-inference``): evidence texts of randomized
  trials labelled by clinicians as significantly increased / decreased / no significant difference.
  "No significant difference" is a failed comparison (``no_efficacy``), a difference is ``efficacy``;
  when the prompt's outcome is an adverse event, more of it is a ``safety_concern`` and no difference
  (or less of it) is ``well_tolerated``. Rows the verifiers rejected are left out.
* **The development gold** (``corpus/gold.json``): every title and abstract sentence, labelled with the
  outcomes of the gold findings whose evidence it holds, or with none — so the model also learns which
  sentences state no result (aims, methods, background). Each document's topic is its fold.

The model needs scikit-learn only here (``pip install -e ".[train]"``); extraction reads the JSON file.
The confidence calibration is fitted on leave-one-topic-out predictions, never on the training fit.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kg.extract.entities import find_mentions
from kg.extract.findings import Candidate, FindingExtractor, mention_spans
from kg.extract.outcome_features import featurize
from kg.extract.outcome_model import MODEL_FILE, Calibration, OutcomeModel, logit
from kg.model import Document, Finding, Mention, Outcome

CLASSES = tuple(Outcome)
SIGNALS = ("drug_named", "by_rule")  # hedged and disease_named overfit the calibration (leave-one-topic-out)
# Hyper-parameters, chosen by leave-one-topic-out cross-validation on the development corpus
# (benchmarks/findings_cv.py --grid prints the grid).
C = 0.2
CORPUS_WEIGHT = 3.0
THRESHOLD = 0.5
MIN_COUNT = 2
SECTION_WEIGHT = 0.5

_ADVERSE = re.compile(
    r"adverse|side[\s-]?effects?|complications?|toxicit|safety|tolerab|infections?|nausea|vomiting|bleeding|"
    r"ha?emorrhag|hypoglyc|injur|discontinu|withdraw",
    re.IGNORECASE,
)
_HARM = re.compile(r"mortality|death|relapse|recurrence|progression|failure|worsening", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    """A sentence's features; the outcomes it states (taught to the outcome heads when there are some);
    whether it states a result at all (taught to the gate; None: the example says nothing of that)."""

    features: tuple[str, ...]
    labels: frozenset[Outcome]
    weight: float
    group: str
    result: bool | None = None


@dataclass(frozen=True)
class GoldDocument:
    """A development document read and matched, with its gold annotation and topic."""

    document: Document
    mentions: tuple[Mention, ...]
    candidates: tuple[Candidate, ...]
    gold: dict
    topic: str


# ------------------------------------------------------------------ Evidence Inference


def evidence_inference_label(label_code: int, outcome: str) -> Outcome | None:
    """The outcome a clinician's label gives, read with the prompt's outcome (None: ambiguous)."""
    adverse = bool(_ADVERSE.search(outcome))
    if label_code == 0:
        return Outcome.WELL_TOLERATED if adverse else Outcome.NO_EFFICACY
    if adverse:
        return Outcome.SAFETY_CONCERN if label_code > 0 else Outcome.WELL_TOLERATED
    if label_code > 0 and _HARM.search(outcome):
        return None  # more deaths or relapses with the intervention: not a finding of efficacy
    return Outcome.EFFICACY


def evidence_inference_rows(folder: Path, split: str) -> Iterator[tuple[str, int, str]]:
    """(evidence text, label code, prompt outcome) of the verified answers of one article split."""
    articles = set((folder / f"{split}_article_ids.txt").read_text(encoding="utf-8").split())
    with (folder / "prompts_merged.csv").open(encoding="utf-8", newline="") as handle:
        prompts = {row["PromptID"]: row for row in csv.DictReader(handle)}
    seen = set()
    with (folder / "v2_annotations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (
                row["PMCID"] not in articles
                or row["Valid Label"] != "True"
                or row["Valid Reasoning"] != "True"
            ):
                continue
            text = " ".join(row["Annotations"].split())
            try:
                code = int(row["Label Code"])
            except ValueError:
                continue
            if not text or (text, code) in seen:
                continue
            seen.add((text, code))
            yield text, code, prompts.get(row["PromptID"], {}).get("Outcome", "")


def text_features(text: str, extractor: FindingExtractor, matcher) -> tuple[str, ...]:
    """Features of a free-standing evidence text, its entities masked as in documents."""
    document = Document(source="evidence-inference", text=text, format="text")
    mentions = find_mentions(document, matcher, use_source_annotations=False, specialize_to_title=False)
    return featurize(
        text, mention_spans(mentions, 0), extractor.entity_context(text, mentions), extractor.lexicon
    )


def evidence_inference_examples(
    folder: Path, split: str, extractor: FindingExtractor, matcher, limit: int | None = None
) -> list[Example]:
    examples = []
    for text, code, outcome in evidence_inference_rows(folder, split):
        label = evidence_inference_label(code, outcome)
        if label is None:
            continue
        examples.append(
            Example(text_features(text, extractor, matcher), frozenset({label}), 1.0, "evidence-inference")
        )
        if limit and len(examples) >= limit:
            break
    return examples


# ------------------------------------------------------------------ the development corpus


def load_corpus(
    corpus: Path, extractor: FindingExtractor, matcher, limit: int | None = None
) -> list[GoldDocument]:
    from kg.readers import read_paths

    gold = {g["file"]: g for g in json.loads((corpus / "gold.json").read_text(encoding="utf-8"))}
    topics = {}
    manifest = corpus / "manifest.json"
    if manifest.exists():
        topics = {m["file"]: m.get("topic", "") for m in json.loads(manifest.read_text(encoding="utf-8"))}
    documents = []
    for document in read_paths([str(corpus / "dev")]):
        if not isinstance(document, Document):
            continue
        name = Path(document.source).name
        if name not in gold:
            continue
        mentions = tuple(find_mentions(document, matcher))
        candidates = tuple(extractor.candidates(document, mentions))
        documents.append(
            GoldDocument(
                document, mentions, candidates, gold[name], topics.get(name) or gold[name].get("topic", name)
            )
        )
        if limit and len(documents) >= limit:
            break
    return sorted(documents, key=lambda d: d.document.source)


def sentence_labels(gold_document: GoldDocument) -> list[frozenset[Outcome]]:
    """For each candidate sentence, the outcomes of the gold findings whose evidence it holds."""
    text = gold_document.document.text
    spans: list[tuple[int, int, Outcome]] = []
    for finding in gold_document.gold.get("findings", []):
        for evidence in [finding.get("evidence"), *finding.get("evidence_alt", [])]:
            if not evidence:
                continue
            start = text.find(evidence)
            if start >= 0:
                spans.append((start, start + len(evidence), Outcome(finding["outcome"])))
    labels = []
    for candidate in gold_document.candidates:
        s = candidate.sentence
        labels.append(frozenset(o for a, b, o in spans if a < s.end and s.start < b))
    return labels


def corpus_examples(documents: Iterable[GoldDocument], weight: float = CORPUS_WEIGHT) -> list[Example]:
    """Every candidate sentence of the documents, with the outcomes of the gold evidence it holds (none:
    it states no result, for the gate)."""
    return [
        Example(candidate.features, labels, weight, gold_document.topic, result=bool(labels))
        for gold_document in documents
        for candidate, labels in zip(gold_document.candidates, sentence_labels(gold_document), strict=True)
    ]


# ------------------------------------------------------------------ structured abstracts (the gate)


def section_examples(
    path: Path, extractor: FindingExtractor, weight: float = SECTION_WEIGHT
) -> list[Example]:
    """Sentences of the structured abstracts of a PubTator corpus, for the gate only: those under RESULTS
    or CONCLUSIONS state results, those under BACKGROUND, OBJECTIVE or METHODS do not (how PubMed's
    structured abstracts are written; the outcome of a result sentence is not known)."""
    from kg.readers.common import label_sections
    from kg.readers.pubtator import read
    from kg.text.sentences import split

    kinds = {
        "Chemical": "drug",
        "ChemicalEntity": "drug",
        "Disease": "disease",
        "DiseaseOrPhenotypicFeature": "disease",
    }
    examples = []
    for document in read(path.read_bytes(), str(path)):
        abstract = next((s for s in document.sections if s.name == "abstract"), None)
        if abstract is None:
            continue
        parts = [
            (section, extractor.lexicon.section_category(section.name.split(":", 1)[1]))
            for section in label_sections(document.text, abstract.start, abstract.end)
        ]
        annotations = [a for a in document.annotations if a.type in kinds]
        for sentence in split(document.text):
            category = next((c for s, c in parts if s.start <= sentence.start < s.end), None)
            if category is None:
                continue
            inside = [a for a in annotations if sentence.start <= a.start and a.end <= sentence.end]
            spans = [(a.start - sentence.start, a.end - sentence.start, kinds[a.type]) for a in inside]
            names = ("drug_named",) * any(kinds[a.type] == "drug" for a in inside)
            names += ("disease_named",) * any(kinds[a.type] == "disease" for a in inside)
            features = featurize(sentence.text, spans, names, extractor.lexicon)
            result = category in ("results", "conclusions")
            examples.append(Example(features, frozenset(), weight, path.name, result))
    return examples


# ------------------------------------------------------------------ fitting


def fit(
    examples: Sequence[Example],
    *,
    c: float = C,
    min_count: int = MIN_COUNT,
    threshold: float = THRESHOLD,
    trained_on: dict | None = None,
) -> OutcomeModel:
    """L2-regularised logistic regressions over binary features seen ``min_count`` times: the gate says
    whether a sentence states a result (fitted on the examples that say so: corpus sentences, structured
    abstracts), and one head per outcome says which, fitted on the results (Evidence Inference's texts and
    the corpus's evidence sentences)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = defaultdict(int)
    for example in examples:
        for feature in example.features:
            counts[feature] += 1
    names = sorted(f for f, n in counts.items() if n >= min_count or f.startswith(("lex:", "stat:", "ctx:")))
    index = {f: i for i, f in enumerate(names)}
    rows, cols = [], []
    for r, example in enumerate(examples):
        for feature in example.features:
            if feature in index:
                rows.append(r)
                cols.append(index[feature])
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(names)))
    weights = np.array([e.weight for e in examples])

    results = np.array([bool(e.labels) for e in examples])
    heads = [
        (np.array([e.result is not None for e in examples]), np.array([bool(e.result) for e in examples]))
    ]
    heads += [(results, np.array([outcome in e.labels for e in examples])) for outcome in CLASSES]
    coefficients, intercepts = [], []
    for known, targets in heads:
        target = targets[known].astype(int)
        if (
            target.size == 0 or target.min() == target.max()
        ):  # no positive (or negative) example: never predicted
            coefficients.append(np.zeros(len(names)))
            intercepts.append(-10.0 if target.size == 0 or target.max() == 0 else 10.0)
            continue
        model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0)
        model.fit(matrix[known], target, sample_weight=weights[known])
        coefficients.append(model.coef_[0])
        intercepts.append(float(model.intercept_[0]))
    table = np.vstack(coefficients).T
    kept = {
        name: tuple(float(w) for w in table[i])
        for i, name in enumerate(names)
        if name != "bias" and np.abs(table[i]).max() >= 1e-3
    }
    return OutcomeModel(
        CLASSES, tuple(intercepts), kept, threshold, Calibration(), trained_on or {}, gated=True
    )


# ------------------------------------------------------------------ leave one topic out


@dataclass(frozen=True)
class HeldOut:
    """The findings extracted from one held-out document by a model that never saw its topic."""

    gold_document: GoldDocument
    findings: tuple[Finding, ...]
    probabilities: tuple[float, ...]  # the outcome probability behind each finding


def cross_validate(
    external: Sequence[Example],
    documents: Sequence[GoldDocument],
    vocabulary,
    *,
    corpus_weight: float = CORPUS_WEIGHT,
    **fit_options,
) -> list[HeldOut]:
    """Leave one topic out: each topic's documents are extracted by a model fitted on the external
    examples and the other topics' documents."""
    held_out = []
    for topic in sorted({d.topic for d in documents}):
        train = [d for d in documents if d.topic != topic]
        model = fit([*external, *corpus_examples(train, corpus_weight)], **fit_options)
        extractor = FindingExtractor(vocabulary, model=model)
        for gold_document in (d for d in documents if d.topic == topic):
            held_out.append(held_out_findings(extractor, gold_document))
    return held_out


def held_out_findings(extractor: FindingExtractor, gold_document: GoldDocument) -> HeldOut:
    findings = extractor.extract(gold_document.document, gold_document.mentions)
    by_sentence = {c.sentence.start: c for c in gold_document.candidates}
    probabilities = []
    for finding in findings:
        candidate = by_sentence.get(finding.evidence.start)
        found = dict(extractor.model.probabilities(candidate.features)) if candidate else {}
        probabilities.append(found.get(finding.outcome, 0.5))
    return HeldOut(gold_document, tuple(findings), tuple(probabilities))


# ------------------------------------------------------------------ right or wrong, and calibration


def name_key(text: str) -> str:
    """Spelling-insensitive name key: case, punctuation and plural -s do not count."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s ", " ").replace("\u2019s ", " "))
    return "".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def is_right(finding: Finding, gold_findings: Sequence[dict]) -> bool:
    """Whether a gold finding has the same intervention (by name), disease (by DOID/MONDO or name) and outcome."""
    drugs = {name_key(finding.intervention.label)}
    diseases = {name_key(finding.disease.label)} | {
        x.upper() for x in (finding.disease.curie, *finding.disease.xrefs)
    }
    for gold in gold_findings:
        gold_diseases = {name_key(gold["disease"])} | {
            gold[k].upper() for k in ("doid", "mondo") if gold.get(k)
        }
        if (
            gold["outcome"] == finding.outcome.value
            and name_key(gold["intervention"]) in drugs
            and gold_diseases & diseases
        ):
            return True
    return False


def calibration_data(held_out: Iterable[HeldOut]) -> list[tuple[float, tuple[str, ...], bool, str]]:
    """(probability, signals, right, topic) per document-level finding, its most probable evidence kept."""
    data = []
    for item in held_out:
        gold_findings = [f for f in item.gold_document.gold.get("findings", []) if f.get("disease")]
        best: dict[tuple, tuple[float, Finding]] = {}
        for finding, probability in zip(item.findings, item.probabilities, strict=True):
            if finding.key not in best or probability > best[finding.key][0]:
                best[finding.key] = (probability, finding)
        for probability, finding in best.values():
            data.append(
                (probability, finding.signals, is_right(finding, gold_findings), item.gold_document.topic)
            )
    return data


def fit_calibration(data: Sequence[tuple[float, tuple[str, ...], bool, str]]) -> Calibration:
    """Logistic calibration over logit(p) and the signals. Neither a more probable outcome nor naming the
    drug may lower the confidence: a coefficient fitted below zero is fixed at zero and the rest refitted."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    if len({right for _, _, right, _ in data}) < 2:
        return Calibration()
    names = ("logit", *SIGNALS)
    x = np.array([[logit(p), *(s in signals for s in SIGNALS)] for p, signals, _, _ in data], dtype=float)
    y = np.array([right for _, _, right, _ in data], dtype=int)
    kept = list(range(len(names)))
    while True:
        model = LogisticRegression(C=1.0, random_state=0).fit(x[:, kept], y)
        coefficients = dict(zip((names[i] for i in kept), model.coef_[0], strict=True))
        negative = [names.index(n) for n in ("logit", "drug_named") if coefficients.get(n, 0.0) < 0]
        if not negative:
            break
        kept = [i for i in kept if i not in negative]
        if not kept:
            return Calibration(float(np.log(y.mean() / (1 - y.mean()))), 0.0, {})
    signals = {n: float(coefficients.get(n, 0.0)) for n in SIGNALS}
    return Calibration(float(model.intercept_[0]), float(coefficients.get("logit", 0.0)), signals)


def reliability(
    confidences: Sequence[float], rights: Sequence[bool], bins: int = 5
) -> tuple[list[tuple], float]:
    """Rows (low, high, n, mean confidence, share right) and the expected calibration error."""
    rows, ece, n = [], 0.0, len(confidences)
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (c, r)
            for c, r in zip(confidences, rights, strict=True)
            if low <= c < high or (b == bins - 1 and c == 1.0)
        ]
        if not members:
            continue
        mean = sum(c for c, _ in members) / len(members)
        share = sum(r for _, r in members) / len(members)
        rows.append((low, high, len(members), mean, share))
        ece += len(members) / n * abs(mean - share)
    return rows, ece


def cross_validated_calibration(data) -> tuple[list[float], list[bool]]:
    """Each topic's confidences from a calibration fitted on the other topics."""
    confidences, rights = [], []
    for topic in sorted({t for *_, t in data}):
        calibration = fit_calibration([d for d in data if d[3] != topic])
        for p, signals, right, t in data:
            if t == topic:
                confidences.append(calibration.confidence(p, signals))
                rights.append(right)
    return confidences, rights


# ------------------------------------------------------------------ the command


def training_setup():
    """The vocabulary, the matcher and a finding extractor whose model is never used (features only)."""
    from kg.extract.pipeline import _default_matcher
    from kg.vocabulary import default_vocabulary

    vocabulary = default_vocabulary()
    extractor = FindingExtractor(vocabulary, model=OutcomeModel.empty())
    return vocabulary, _default_matcher(), extractor


#: PubTator corpora whose structured abstracts teach the gate (those present under ``corpora/`` are used).
SECTION_CORPORA = (
    "BC5CDR/CDR_TrainingSet.PubTator.txt",
    "BC5CDR/CDR_DevelopmentSet.PubTator.txt",
    "BioRED/Train.PubTator",
    "BioRED/Dev.PubTator",
)


def external_examples(
    shared: Path, extractor: FindingExtractor, matcher, *, ei_limit: int | None = None
) -> tuple[list[Example], list[Example]]:
    """Evidence Inference's train split (outcome heads) and the structured-abstract sentences (gate)."""
    corpora = shared / "corpora"
    ei = evidence_inference_examples(corpora / "evidence-inference", "train", extractor, matcher, ei_limit)
    sections = [
        e
        for name in SECTION_CORPORA
        if (corpora / name).exists()
        for e in section_examples(corpora / name, extractor)
    ]
    return ei, sections


def train(
    shared: Path, out: Path, *, ei_limit: int | None = None, corpus_limit: int | None = None
) -> OutcomeModel:
    vocabulary, matcher, extractor = training_setup()
    ei, sections = external_examples(shared, extractor, matcher, ei_limit=ei_limit)
    documents = load_corpus(shared / "corpus", extractor, matcher, corpus_limit)
    corpus = corpus_examples(documents)
    trained_on = {
        "evidence_inference_train": len(ei),
        "structured_abstract_sentences": len(sections),
        "corpus_sentences": len(corpus),
        "corpus_documents": len(documents),
        "C": C,
        "corpus_weight": CORPUS_WEIGHT,
        "section_weight": SECTION_WEIGHT,
        "min_count": MIN_COUNT,
        "threshold": THRESHOLD,
        "script": "python -m kg.extract.outcome_training --shared ../shared",
    }
    model = fit([*ei, *sections, *corpus], trained_on=trained_on)
    if len({d.topic for d in documents}) > 1:
        held_out = cross_validate([*ei, *sections], documents, vocabulary)
        model = replace(model, calibration=fit_calibration(calibration_data(held_out)))
    model.save(out)
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared", type=Path, default=Path("../shared"), help="folder with corpora/ and corpus/"
    )
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--ei-limit", type=int, help="use only the first N Evidence Inference answers")
    parser.add_argument("--corpus-limit", type=int, help="use only the first N corpus documents")
    args = parser.parse_args(argv)
    model = train(args.shared, args.out, ei_limit=args.ei_limit, corpus_limit=args.corpus_limit)
    print(
        f"wrote {args.out}: {len(model.weights)} features, trained on {json.dumps(dict(model.trained_on))}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
