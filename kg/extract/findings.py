"""Findings: intervention -- disease -- outcome -- study, one evidence sentence each.

The extractor reads a document the way a curator skims an abstract:

1. the *main interventions* are the drugs (or drug classes) the title is about, else the drug named
   most often; the *focus diseases* are the diseases of the title and of phrases naming the study
   population ("patients with X"), else the disease named most often;
2. every sentence of the title and abstract is searched for outcome cues (``cues.toml``); a negated cue
   ("did not improve") takes its span first, so it is never read as its positive;
3. the sentence's interventions are the drugs it names, less comparators ("versus placebo") and, when a
   main intervention is among them, less the co-therapies; a sentence naming no drug but speaking of
   "the treatment", "the group" or "the combination" is about the main interventions;
4. the sentence's diseases are those it names (an ancestor of a focus disease, such as "lupus" for
   SLE, is read as the focus disease) — except for safety cues, whose diseases are adverse events, so
   the finding is about the focus disease; a sentence naming none is about the focus diseases;
5. with several outcome cues and several diseases, each disease takes the cue nearest to it.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.model import Document, EntityKind, Evidence, Finding, Mention, Outcome, Term
from kg.text.sentences import Sentence, split
from kg.vocabulary import Vocabulary

INTERVENTION_KINDS = (EntityKind.DRUG, EntityKind.DRUG_CLASS)
BODY_SECTIONS = ("title", "abstract")
_CLAUSE_BREAK = re.compile(r";\s+|,?\s+(?:but|whereas|while|although|however)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    """The compiled patterns of ``cues.toml``."""

    outcomes: tuple[tuple[Outcome, tuple[re.Pattern[str], ...]], ...]
    hedges: tuple[re.Pattern[str], ...]
    comparator_before: re.Pattern[str]
    combination_before: re.Pattern[str]
    refers_to_treatment: re.Pattern[str]
    population: re.Pattern[str]
    trial_name: re.Pattern[str]
    method: re.Pattern[str]
    result: re.Pattern[str]
    conflicting: tuple[frozenset[Outcome], ...]
    confidence: dict[str, float]
    study_order: tuple[str, ...]
    sentence_level_studies: frozenset[str]
    studies: dict[str, tuple[re.Pattern[str], ...]]
    designs: dict[str, tuple[re.Pattern[str], ...]]


def _any_of(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """One alternation for a list of cue patterns: a sentence is scanned once per outcome, not per cue."""
    return (re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE),)


@cache
def cue_data(path: Path | None = None) -> dict:
    """The raw contents of ``cues.toml``."""
    return tomllib.loads((path or Path(__file__).with_name("cues.toml")).read_text(encoding="utf-8"))


@cache
def load_cues(path: Path | None = None) -> Cues:
    data = cue_data(path)
    roles = data["roles"]
    study = data["study"]
    return Cues(
        outcomes=tuple((Outcome(name), _any_of(data["outcome"][name])) for name in data["outcome_order"]),
        hedges=_any_of(data["hedge"]["patterns"]),
        comparator_before=re.compile(roles["comparator_before"], re.IGNORECASE),
        combination_before=re.compile(roles["combination_before"], re.IGNORECASE),
        refers_to_treatment=re.compile(roles["refers_to_treatment"], re.IGNORECASE),
        population=re.compile(roles["population"], re.IGNORECASE),
        trial_name=re.compile(roles["trial_name"]),
        method=re.compile(data["sentence"]["method"], re.IGNORECASE),
        result=re.compile(data["sentence"]["result"], re.IGNORECASE),
        conflicting=tuple(frozenset(map(Outcome, group)) for group in data["sentence"]["conflicting"]),
        confidence=dict(data["confidence"]),
        study_order=tuple(study["study_order"]),
        sentence_level_studies=frozenset(study["sentence_level"]),
        studies={name: _any_of(p) for name, p in study["patterns"].items()},
        designs={name: _any_of(p) for name, p in data["design"].items()},
    )


@dataclass(frozen=True, slots=True)
class OutcomeCue:
    outcome: Outcome
    start: int  # offsets in the sentence
    end: int


def outcome_cues(sentence: str, cues: Cues) -> list[OutcomeCue]:
    """Outcome cues of a sentence, earlier outcomes taking their spans first."""
    taken: list[tuple[int, int]] = []
    found = []
    method_like = bool(cues.method.search(sentence)) and not cues.result.search(sentence)
    for outcome, patterns in cues.outcomes:
        if method_like and outcome in (Outcome.EFFICACY, Outcome.WELL_TOLERATED):
            continue
        for pattern in patterns:
            for match in pattern.finditer(sentence):
                if any(match.start() < e and s < match.end() for s, e in taken):
                    continue
                taken.append((match.start(), match.end()))
                found.append(OutcomeCue(outcome, match.start(), match.end()))
    if any(c.outcome is Outcome.APPROVED for c in found):  # "efficacy with drug registration": approval says it
        found = [c for c in found if c.outcome is not Outcome.EFFICACY]
    return sorted(found, key=lambda c: c.start)


def body_sentences(document: Document) -> list[Sentence]:
    """Sentences of the title and abstract (the whole text when the reader found no such sections)."""
    sentences = list(split(document.text))
    regions = [s for s in document.sections if s.name.split(":")[0] in BODY_SECTIONS]
    if not regions:
        return sentences
    return [s for s in sentences if any(s.start < r.end and r.start < s.end for r in regions)]


class FindingExtractor:
    """Extracts findings from a document whose mentions are known."""

    def __init__(self, vocabulary: Vocabulary, cues: Cues | None = None) -> None:
        self.vocabulary = vocabulary
        self.cues = cues or load_cues()

    def extract(self, document: Document, mentions: Sequence[Mention]) -> list[Finding]:
        sentences = body_sentences(document)
        if not sentences:
            return []
        body = [m for m in mentions if any(s.start <= m.start < s.end for s in sentences)]
        title = [m for m in body if _in_section(document, m, "title")]
        main = self._main_interventions(document.text, title, body)
        focus = self._focus_diseases(document.text, title, body)
        study = self._document_study(document, sentences)
        designs = self._designs(" ".join(s.text for s in sentences), document.publication_types)
        findings = []
        for sentence in sentences:
            inside = [m for m in body if sentence.start <= m.start and m.end <= sentence.end]
            findings += self._sentence_findings(document, sentence, inside, main, focus, study, designs)
        return findings

    # ------------------------------------------------------------ document level

    def _main_interventions(self, text: str, title: list[Mention], body: list[Mention]) -> list[Term]:
        counts = Counter(m.term.curie for m in body if m.term.kind in INTERVENTION_KINDS)
        in_title = [m for m in title if m.term.kind in INTERVENTION_KINDS]
        roles = [(m, self._role(text, m)) for m in in_title]
        # a drug in the comparator arm too ("X and bortezomib versus bortezomib alone") is background therapy
        background = {m.term.curie for m, role in roles if role == "comparator"}
        candidates = [m for m, role in roles if role == "intervention" and m.term.curie not in background]
        candidates = candidates or [m for m, role in roles if role == "intervention"] or in_title
        if candidates:
            best = max(counts[m.term.curie] for m in candidates)
            return _unique(m.term for m in candidates if counts[m.term.curie] * 2 >= best)
        if not counts:
            return []
        (top, n), *rest = counts.most_common()
        if rest and rest[0][1] == n:
            return []
        return [next(m.term for m in body if m.term.curie == top)]

    def _focus_diseases(self, text: str, title: list[Mention], body: list[Mention]) -> list[Term]:
        diseases = [m for m in body if m.term.kind is EntityKind.DISEASE]
        focus = [m.term for m in title if m.term.kind is EntityKind.DISEASE]
        focus += [m.term for m in diseases if self.cues.population.search(_clause_before(text, m.start))]
        if focus:
            return _unique(focus)
        counts = Counter(m.term.curie for m in diseases)
        if not counts:
            return []
        top, _ = counts.most_common(1)[0]
        return [next(m.term for m in diseases if m.term.curie == top)]

    def _document_study(self, document: Document, sentences: list[Sentence]) -> str | None:
        text = " ".join(s.text for s in sentences) + " " + " ".join(document.publication_types)
        for name in self.cues.study_order:
            if name in self.cues.sentence_level_studies:
                continue
            if any(p.search(text) for p in self.cues.studies[name]):
                return name
        return None

    def _designs(self, text: str, publication_types: Iterable[str]) -> tuple[str, ...]:
        text = text + " " + " ".join(publication_types)
        return tuple(name for name, patterns in self.cues.designs.items() if any(p.search(text) for p in patterns))

    def _role(self, text: str, mention: Mention) -> str:
        before = _clause_before(text, mention.start)
        if re.search(r"with\s+or\s+without\s+$", before, re.IGNORECASE):
            return "intervention"
        if self.cues.comparator_before.search(before):
            return "comparator"
        if self.cues.combination_before.search(before):
            return "combination"
        return "intervention"

    # ------------------------------------------------------------ sentence level

    def _sentence_findings(
        self,
        document: Document,
        sentence: Sentence,
        inside: list[Mention],
        main: list[Term],
        focus: list[Term],
        study: str | None,
        designs: tuple[str, ...],
    ) -> list[Finding]:
        cues = outcome_cues(sentence.text, self.cues)
        if not cues:
            return []
        hedged = any(p.search(sentence.text) for p in self.cues.hedges)
        sentence_study = next(
            (
                name
                for name in self.cues.study_order
                if name in self.cues.sentence_level_studies
                and any(p.search(sentence.text) for p in self.cues.studies[name])
            ),
            study,
        )
        trials = [(sentence.start + t.start(), sentence.start + t.end()) for t in self.cues.trial_name.finditer(sentence.text)]
        disease_mentions = [
            m for m in inside
            if m.term.kind is EntityKind.DISEASE and not any(s <= m.start < e for s, e in trials)
        ]
        clauses = _clauses(sentence)
        findings = []
        for cue in cues:
            clause = next(c for c in clauses if c[0] <= sentence.start + cue.start < c[1])
            in_clause = [m for m in inside if clause[0] <= m.start < clause[1]]
            interventions, combination = self._sentence_interventions(document.text, sentence, in_clause, main, cue)
            if not interventions:
                interventions, combination = self._sentence_interventions(document.text, sentence, inside, main, cue)
            comparator = next(
                (m.term for m in inside
                 if m.term.kind in INTERVENTION_KINDS and self._role(document.text, m) == "comparator"),
                None,
            )
            for disease, named in self._diseases_for(cue, cues, sentence, disease_mentions, focus):
                for intervention, drug_named in interventions:
                    if intervention.curie == disease.curie:
                        continue
                    signals = tuple(
                        name for name, on in (("drug_named", drug_named), ("disease_named", named), ("hedged", hedged))
                        if on
                    )
                    confidence = calibrated_confidence(cue.outcome, signals, self.cues.confidence)
                    evidence = Evidence(sentence.text, sentence.start, sentence.end, confidence)
                    findings.append(
                        Finding(
                            intervention, disease, cue.outcome, evidence, sentence_study, designs,
                            combination, comparator, hedged, signals,
                        )
                    )
        return findings

    def _sentence_interventions(
        self, text: str, sentence: Sentence, inside: list[Mention], main: list[Term], cue: OutcomeCue
    ) -> tuple[list[tuple[Term, bool]], tuple[Term, ...]]:
        drugs = [m for m in inside if m.term.kind in INTERVENTION_KINDS]
        main_ids = {t.curie for t in main}
        roles = {id(m): self._role(text, m) for m in drugs}
        named = [m for m in drugs if roles[id(m)] != "comparator"]
        if any(roles[id(m)] == "intervention" for m in named):
            named = [m for m in named if roles[id(m)] == "intervention" or m.term.curie in main_ids]
        if any(m.term.curie in main_ids for m in named):
            combination = _unique(m.term for m in named if m.term.curie not in main_ids)
            named = [m for m in named if m.term.curie in main_ids]
        else:
            combination = []
        if named:
            return [(t, True) for t in _unique(m.term for m in named)], tuple(combination)
        if main and not drugs and self._about_main(sentence, main, cue):
            return [(t, False) for t in main], ()
        return [], ()

    def _about_main(self, sentence: Sentence, main: list[Term], cue: OutcomeCue) -> bool:
        """Whether a sentence naming no drug reports on the main intervention: it speaks of the treatment
        or its group; it states safety (in an abstract, the study drug's); or, with one main intervention,
        it reports a result (a percentage, a p-value, "significant")."""
        return bool(
            self.cues.refers_to_treatment.search(sentence.text)
            or cue.outcome in (Outcome.SAFETY_CONCERN, Outcome.WELL_TOLERATED)
            or (len(main) == 1 and self.cues.result.search(sentence.text))
        )

    def _diseases_for(
        self,
        cue: OutcomeCue,
        cues: list[OutcomeCue],
        sentence: Sentence,
        mentions: list[Mention],
        focus: list[Term],
    ) -> list[tuple[Term, bool]]:
        if cue.outcome in (Outcome.SAFETY_CONCERN, Outcome.WELL_TOLERATED) and focus:
            named_focus = [m for m in mentions if m.term.curie in {f.curie for f in focus}]
            return [(t, True) for t in _unique(m.term for m in named_focus)] or [(t, False) for t in focus]
        if not mentions:
            return [(t, False) for t in focus]
        chosen = mentions
        rivals = [c for c in cues if any({c.outcome, cue.outcome} <= group for group in self.cues.conflicting)]
        if len({c.outcome for c in rivals}) > 1 and len(mentions) > 1:
            chosen = [m for m in mentions if _nearest(rivals, m.start - sentence.start, m.end - sentence.start) == cue]
        return [(self._specialize(m.term, focus), True) for m in _unique_mentions(chosen)]

    def _specialize(self, disease: Term, focus: list[Term]) -> Term:
        """A general disease named where the document is about one of its subtypes is that subtype."""
        narrower = [f for f in focus if f.curie != disease.curie and self.vocabulary.is_a(f.curie, disease.curie)]
        return narrower[0] if len(narrower) == 1 else disease


def _clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """Offsets (in the document) of the clauses of a sentence, split at ';' and at 'but', 'whereas'..."""
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(sentence.text)), len(sentence.text) + 1]
    return [(sentence.start + a, sentence.start + b) for a, b in zip(cuts, cuts[1:], strict=False)]


def _clause_before(text: str, offset: int, width: int = 60) -> str:
    """Up to ``width`` characters before ``offset``, not reaching back past a sentence or line end."""
    before = text[max(0, offset - width) : offset]
    cut = max(before.rfind(". "), before.rfind("\n"), before.rfind("; "))
    return before[cut + 1 :] if cut >= 0 else before


def _nearest(cues: list[OutcomeCue], start: int, end: int) -> OutcomeCue:
    def distance(cue: OutcomeCue) -> tuple[int, int]:
        gap = start - cue.end if cue.end <= start else cue.start - end if cue.start >= end else 0
        return (gap if cue.end <= start else gap + 20, cue.start)  # a cue before the disease reads first

    return min(cues, key=distance)


def calibrated_confidence(outcome: Outcome, signals: Iterable[str], weights: dict[str, float]) -> float:
    """A logistic model over the outcome and the signals; the weights (cues.toml [confidence]) are fitted on
    the development gold by benchmarks/calibrate.py, so a confidence of 0.8 means about 8 in 10 are right."""
    score = weights["intercept"] + weights.get(f"outcome_{outcome.value}", 0.0)
    score += sum(weights.get(name, 0.0) for name in signals)
    return round(1.0 / (1.0 + math.exp(-score)), 2)


def _in_section(document: Document, mention: Mention, name: str) -> bool:
    section = document.section_at(mention.start)
    return section is not None and section.name.split(":")[0] == name


def _unique(terms: Iterable[Term]) -> list[Term]:
    return list({t.curie: t for t in terms}.values())


def _unique_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    return list({m.term.curie: m for m in reversed(list(mentions))}.values())[::-1]
