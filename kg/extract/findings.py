"""Findings: intervention -- disease -- outcome -- study, one evidence sentence each.

The extractor reads a document the way a curator skims an abstract:

1. the *main interventions* are the drugs (or drug classes) the title is about, else the drug named
   most often; the *focus diseases* are the diseases of the title and of phrases naming the study
   population ("patients with X"), else the disease named most often;
2. every sentence of the title and abstract is read by the outcome model (``outcome_model.py``, learned
   from clinician-labelled trial results and the development gold): it states zero, one or several
   outcomes, each with a probability (a failure only where the sentence words one); when a sentence
   states whether the drug worked and has several clauses, each clause is read on its own so that
   "improved A but not B" gives each disease its own outcome, and one disease told both is a mixed
   result (a failed primary endpoint decides: no efficacy); in a study of a drug alone against the same
   drug in combination, arms alike are no failure of the drug;
3. the sentence's interventions are the drugs it names, less comparators ("versus placebo") and, when a
   main intervention is among them, less the co-therapies; a sentence naming no drug but speaking of
   "the treatment", "the group" or "the combination" is about the main interventions; its comparator is
   the drug or control arm (placebo, usual care) named after "versus", "compared with", "than" in the
   sentence, else in the document;
4. the sentence's diseases are those it names (an ancestor of a focus disease, such as "lupus" for
   SLE, is read as the focus disease) — except for safety cues, whose diseases are adverse events, so
   the finding is about the focus disease; a sentence naming none is about the focus diseases;
5. with several outcomes and several diseases, each disease takes the outcome of its clause (the nearest).
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from kg.extract.outcome_features import featurize, load_lexicon
from kg.extract.outcome_model import OutcomeModel, default_model
from kg.model import Document, EntityKind, Evidence, Finding, Mention, Outcome, Section, Term
from kg.text.prefilter import PatternSet
from kg.text.sentences import Sentence, split, split_within
from kg.text.spans import InnermostSpan
from kg.vocabulary import Vocabulary

INTERVENTION_KINDS = (EntityKind.DRUG, EntityKind.DRUG_CLASS)
COMPARATOR_KINDS = (*INTERVENTION_KINDS, EntityKind.CONTROL)
NO_OUTCOME = "none"  # the outcome of a lexicon rule that silences others ("future studies should ...")
BODY_SECTIONS = ("title", "abstract")
_WITH_OR_WITHOUT = re.compile(r"with\s+or\s+without\s+$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(  # "and was/did ..." opens a second predicate of the same subject
    r";\s+|,?\s+(?:but|whereas|while|although|however)\s+|,?\s+and\s+(?=(?:was|were|did|had)\s)", re.IGNORECASE
)


@dataclass(frozen=True)
class Cues:
    """The compiled patterns of ``cues.toml``."""

    comparator_before: re.Pattern[str]
    combination_before: re.Pattern[str]
    refers_to_treatment: re.Pattern[str]
    population: re.Pattern[str]
    tolerated_in: re.Pattern[str]
    trial_name: re.Pattern[str]
    result: re.Pattern[str]
    conflicting: tuple[frozenset[Outcome], ...]
    study_order: tuple[str, ...]
    sentence_level_studies: frozenset[str]
    #: study designs ("randomized controlled trial") and design features ("double-blind") by name
    studies: PatternSet
    designs: PatternSet


def _named_patterns(groups: dict[str, list[str]]) -> PatternSet:
    """Cue patterns by name: a text is searched with those whose words it has."""
    return PatternSet(
        (name, re.compile(p, re.IGNORECASE)) for name, patterns in groups.items() for p in patterns
    )


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
        comparator_before=re.compile(roles["comparator_before"], re.IGNORECASE),
        combination_before=re.compile(roles["combination_before"], re.IGNORECASE),
        refers_to_treatment=re.compile(roles["refers_to_treatment"], re.IGNORECASE),
        population=re.compile(roles["population"], re.IGNORECASE),
        tolerated_in=re.compile(roles["tolerated_in"], re.IGNORECASE),
        trial_name=re.compile(roles["trial_name"]),
        result=re.compile(data["sentence"]["result"], re.IGNORECASE),
        conflicting=tuple(frozenset(map(Outcome, group)) for group in data["sentence"]["conflicting"]),
        study_order=tuple(study["study_order"]),
        sentence_level_studies=frozenset(study["sentence_level"]),
        studies=_named_patterns(study["patterns"]),
        designs=_named_patterns(data["design"]),
    )


@dataclass(frozen=True, slots=True)
class OutcomeCue:
    """An outcome the model reads in a sentence, over the span (offsets in the sentence) that states it:
    the whole sentence, or the clause when clauses state different outcomes."""

    outcome: Outcome
    start: int
    end: int
    probability: float = 1.0
    by_rule: bool = False  # read by a rule of the lexicon, not by the model


@dataclass(frozen=True, slots=True)
class Candidate:
    """A body sentence, the mentions inside it, and its features for the outcome model."""

    sentence: Sentence
    mentions: tuple[Mention, ...]
    context: tuple[str, ...]
    features: tuple[str, ...]


_MASK_KIND = {
    EntityKind.DRUG: "drug", EntityKind.DRUG_CLASS: "drug", EntityKind.DISEASE: "disease",
    EntityKind.PHENOTYPE: "disease", EntityKind.CYTOKINE: "gene", EntityKind.RECEPTOR: "gene",
    EntityKind.PROTEIN: "gene",
}


def mention_spans(mentions: Iterable[Mention], offset: int) -> list[tuple[int, int, str]]:
    """Mentions as (start, end, kind) spans relative to ``offset``, the form the featurizer masks (a
    control arm such as "placebo" is no entity to hide: its word is how a comparison is written)."""
    return [(m.start - offset, m.end - offset, _MASK_KIND[m.term.kind]) for m in mentions if m.term.kind in _MASK_KIND]


def body_sentences(document: Document) -> list[Sentence]:
    """Sentences of the title and abstract, none crossing their edges (the whole text when the reader
    found no such sections)."""
    regions = [(s.start, s.end) for s in document.sections if s.name.split(":")[0] in BODY_SECTIONS]
    return list(split_within(document.text, regions) if regions else split(document.text))


class FindingExtractor:
    """Extracts findings from a document whose mentions are known."""

    def __init__(self, vocabulary: Vocabulary, cues: Cues | None = None, model: OutcomeModel | None = None) -> None:
        self.vocabulary = vocabulary
        self.cues = cues or load_cues()
        self.model = model or default_model()
        self.lexicon = load_lexicon()
        self._hedge, self._adverse, self._endpoint_missed, self._same_drug_arms = map(
            self.lexicon.group, ("hedge", "adverse_events", "endpoint_missed", "same_drug_arms")
        )
        # whether the drug worked (cues.toml's conflicting group of efficacy): one verdict per sentence
        self._verdicts = next(group for group in self.cues.conflicting if Outcome.EFFICACY in group)
        self._role = lru_cache(maxsize=4096)(self._read_role)

    def extract(self, document: Document, mentions: Sequence[Mention]) -> list[Finding]:
        if not any(m.term.kind in INTERVENTION_KINDS for m in mentions):
            return []  # no drug, no finding: most of PubMed, read without featurizing a sentence
        candidates = list(self.candidates(document, mentions))
        if not candidates:
            return []
        body = [m for c in candidates for m in c.mentions]
        title = [m for c in candidates if "title" in c.context for m in c.mentions]  # no sentence crosses the title
        main = self._main_interventions(document.text, title, body)
        focus = self._focus_diseases(document.text, title, body)
        sentences = [c.sentence for c in candidates]
        study = self._document_study(document, sentences)
        designs = self._designs(" ".join(s.text for s in sentences), document.publication_types)
        comparator = self._comparator(document.text, body)
        regimens_compared = any(self._same_drug_arms.search(s.text) for s in sentences)
        findings = []
        for candidate in candidates:
            found = self._sentence_findings(document, candidate, main, focus, study, designs, comparator)
            if regimens_compared and "lex:similar_arms" in candidate.features and not any(
                m.term.kind is EntityKind.CONTROL for m in candidate.mentions
            ):  # the regimens did alike: the co-therapy made no difference (against placebo, the drug failed)
                found = [f for f in found if f.outcome is not Outcome.NO_EFFICACY]
            findings += found
        return findings

    def candidates(self, document: Document, mentions: Sequence[Mention]) -> Iterator[Candidate]:
        """Each body sentence with its mentions and its features for the outcome model (the same for
        training and extraction). Linear in the document: mentions are walked once, in text order."""
        sentences = body_sentences(document)
        ordered = sorted(mentions, key=lambda m: m.start)
        starts = [m.start for m in ordered]
        sections = section_index(document)
        for sentence in sentences:
            lo = bisect_left(starts, sentence.start)
            hi = bisect_left(starts, sentence.end)
            inside = tuple(m for m in ordered[lo:hi] if m.end <= sentence.end)
            title = ("title",) if _section_name(sections.at(sentence.start)) == "title" else ()
            context = title + self.entity_context(sentence.text, inside)
            features = featurize(sentence.text, mention_spans(inside, sentence.start), context, self.lexicon)
            yield Candidate(sentence, inside, context, features)

    def entity_context(self, text: str, inside: Iterable[Mention]) -> tuple[str, ...]:
        """Whether a sentence names a drug, or else refers to "the treatment", and whether it names a disease."""
        kinds = {m.term.kind for m in inside}
        context = []
        if kinds & set(INTERVENTION_KINDS):
            context.append("drug_named")
        elif self.cues.refers_to_treatment.search(text):
            context.append("treatment_referred")
        if EntityKind.DISEASE in kinds:
            context.append("disease_named")
        return tuple(context)

    # ------------------------------------------------------------ document level

    def _main_interventions(self, text: str, title: list[Mention], body: list[Mention]) -> list[Term]:
        counts = Counter(m.term.curie for m in body if m.term.kind in INTERVENTION_KINDS)
        in_title = [m for m in title if m.term.kind in INTERVENTION_KINDS]
        roles = [(m, self._role(text, m.start)) for m in in_title]
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
        """The design of the document's own study. A review (its publication type, or its title or first
        sentences say so) is a review whatever trials it summarises; else the first design of
        ``study_order`` the text names."""
        opening = " ".join([*document.publication_types, *(s.text for s in sentences[:3])])
        if "review" in self.cues.studies.matching(opening):
            return "review"
        text = " ".join(s.text for s in sentences) + " " + " ".join(document.publication_types)
        return self._named_study(text, sentence_level=False)

    def _named_study(self, text: str, *, sentence_level: bool) -> str | None:
        """The first design of ``study_order`` that ``text`` names (animal and in vitro designs only when
        ``sentence_level``: a sentence about mice reports a murine study, a document naming mice may not)."""
        named = self.cues.studies.matching(text)
        return next(
            (name for name in self.cues.study_order
             if name in named and (sentence_level or name not in self.cues.sentence_level_studies)),
            None,
        )

    def _finding_study(self, sentence: Sentence, document_study: str | None) -> str | None:
        """A finding's study: the animal or in vitro study its sentence describes; in a review, the review;
        else the design its sentence names ("in a phase 2 trial"), else the document's."""
        named = self._named_study(sentence.text, sentence_level=True)
        if named in self.cues.sentence_level_studies or document_study == "review":
            return named if named in self.cues.sentence_level_studies else document_study
        return named or document_study

    def _designs(self, text: str, publication_types: Iterable[str]) -> tuple[str, ...]:
        text = text + " " + " ".join(publication_types)
        named = self.cues.designs.matching(text)
        return tuple(name for name in self.cues.designs.names if name in named)

    def _comparator(self, text: str, mentions: Iterable[Mention]) -> Term | None:
        """The first drug or control arm (placebo, usual care) named as a comparator ("versus placebo")."""
        return next(
            (m.term for m in mentions
             if m.term.kind in COMPARATOR_KINDS and self._role(text, m.start) == "comparator"),
            None,
        )

    def _read_role(self, text: str, offset: int) -> str:
        """The role of the drug named at ``offset``, read from the words before it (``self._role`` is this,
        cached: a document asks for each mention's role once per sentence reading)."""
        before = _clause_before(text, offset)
        if _WITH_OR_WITHOUT.search(before):
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
        candidate: Candidate,
        main: list[Term],
        focus: list[Term],
        study: str | None,
        designs: tuple[str, ...],
        document_comparator: Term | None = None,
    ) -> list[Finding]:
        sentence, inside = candidate.sentence, list(candidate.mentions)
        cues = self.outcome_cues(candidate)
        if not cues:
            return []
        sentence_study = self._finding_study(sentence, study)
        trials = [(sentence.start + t.start(), sentence.start + t.end()) for t in self.cues.trial_name.finditer(sentence.text)]
        focus_ids = {t.curie for t in focus}
        disease_mentions = [  # a trial's name, or an adverse event the study is not about, is no condition
            m for m in inside
            if m.term.kind is EntityKind.DISEASE and not any(s <= m.start < e for s, e in trials)
            and (m.term.curie in focus_ids or not self._adverse.search(m.text))
        ]
        clauses = _clauses(sentence)
        comparator = self._comparator(document.text, inside) or document_comparator
        findings = []
        for cue in cues:
            hedged = bool(self._hedge.search(sentence.text, cue.start, cue.end))  # in the span that states it
            clause = next(c for c in clauses if c[0] <= sentence.start + cue.start < c[1])
            in_clause = [m for m in inside if clause[0] <= m.start < clause[1]]
            interventions, combination = [], ()
            if any(m.term.kind in INTERVENTION_KINDS for m in in_clause):
                interventions, combination = self._sentence_interventions(document.text, sentence, in_clause, main, cue)
            if not interventions:  # a clause naming no drug is about the sentence's drugs, else the main ones
                interventions, combination = self._sentence_interventions(document.text, sentence, inside, main, cue)
            for disease, named in self._diseases_for(cue, cues, sentence, disease_mentions, focus):
                for intervention, drug_named in interventions:
                    if intervention.curie == disease.curie:
                        continue
                    signals = tuple(
                        name for name, on in (
                            ("drug_named", drug_named), ("disease_named", named), ("hedged", hedged), ("by_rule", cue.by_rule)
                        ) if on
                    )
                    confidence = self.model.calibration.confidence(cue.probability, signals)
                    evidence = Evidence(sentence.text, sentence.start, sentence.end, confidence)
                    findings.append(
                        Finding(
                            intervention, disease, cue.outcome, evidence, sentence_study, designs,
                            combination, comparator, hedged, signals,
                        )
                    )
        return self._one_verdict(findings, sentence, cues)

    def _one_verdict(self, findings: list[Finding], sentence: Sentence, cues: list[OutcomeCue]) -> list[Finding]:
        """A sentence whose clauses tell one intervention and disease both that it worked and that it did
        not ("reduced relapses but did not change disability") states a mixed result — unless the failure
        is the primary endpoint's, which decides the trial (a failed primary endpoint with positive
        secondary ones is no efficacy)."""
        said: dict[tuple[str, str], set[Outcome]] = {}
        for f in findings:
            said.setdefault((f.intervention.curie, f.disease.curie), set()).add(f.outcome)
        split_pairs = {pair for pair, outcomes in said.items() if {Outcome.EFFICACY, Outcome.NO_EFFICACY} <= outcomes}
        if not split_pairs:
            return findings
        primary_failed = any(
            self._endpoint_missed.search(sentence.text, c.start, c.end) for c in cues if c.outcome is Outcome.NO_EFFICACY
        )
        verdict = Outcome.NO_EFFICACY if primary_failed else Outcome.MIXED
        kept, seen = [], set()
        for f in findings:
            pair = (f.intervention.curie, f.disease.curie)
            if f.outcome not in self._verdicts or pair not in split_pairs:
                kept.append(f)
            elif pair not in seen:
                seen.add(pair)
                kept.append(replace(f, outcome=verdict))
        return kept

    def outcome_cues(self, candidate: Candidate) -> list[OutcomeCue]:
        """The outcomes the model reads in a sentence. In a sentence that says whether the drug worked, or
        states conflicting outcomes, each clause is read on its own ("improved A but did not improve B"),
        when clauses can be told apart: outcomes are placed on the clauses that state them, and a clause
        may state whether the drug worked where the whole sentence read otherwise."""
        sentence = candidate.sentence
        found = self._read_outcomes(candidate.features, replace=False)
        outcomes = {o for o, _, _ in found}
        conflict = any(len(outcomes & group) > 1 for group in self.cues.conflicting)
        if not (conflict or outcomes & self._verdicts) or len(clauses := _clauses(sentence)) < 2:
            return [OutcomeCue(o, 0, len(sentence.text), p, r) for o, p, r in self._replaced(found)]
        whole = [OutcomeCue(o, 0, len(sentence.text), p, r) for o, p, r in found]
        placed: list[OutcomeCue] = []
        for start, end in clauses:
            a, b = start - sentence.start, min(end, sentence.end) - sentence.start
            inside = [m for m in candidate.mentions if start <= m.start < end]
            features = featurize(sentence.text[a:b], mention_spans(inside, start), candidate.context, self.lexicon)
            placed += [
                OutcomeCue(o, a, b, p, r) for o, p, r in self._read_outcomes(features) if o in outcomes | self._verdicts
            ]
        placed_outcomes = {c.outcome for c in placed}
        placed += [c for c in whole if c.outcome not in placed_outcomes]
        return sorted(placed, key=lambda c: (c.start, c.outcome.value))

    def _read_outcomes(self, features: Sequence[str], replace: bool = True) -> list[tuple[Outcome, float, bool]]:
        """(outcome, probability, read by a rule) for the model's outcomes that the sentence words as the
        lexicon requires (``outcome_lexicon.toml [requires]``) and those the lexicon's rules read
        (``[rules]``); a rule's outcome takes the place of those it ``replaces``
        unless ``replace`` is off (a sentence whose clauses are read one by one keeps them all until each
        clause is read)."""
        present = frozenset(features)
        found = [(o, p, False) for o, p in self.model.outcomes(features) if self.lexicon.worded(o.value, present)]
        read = {o for o, _, _ in found}
        applied = [rule for rule in self.lexicon.rules if rule.outcome not in read and rule.applies(present)]
        silenced = {name for rule in applied if rule.outcome == NO_OUTCOME for name in rule.replaces}
        found += [(Outcome(rule.outcome), rule.probability, True) for rule in applied if rule.outcome != NO_OUTCOME]
        found = [f for f in found if f[0].value not in silenced]
        return self._replaced(found) if replace else sorted(found, key=lambda opr: -opr[1])

    def _replaced(self, found: list[tuple[Outcome, float, bool]]) -> list[tuple[Outcome, float, bool]]:
        """The outcomes left when each outcome a rule read takes the place of those its rule replaces."""
        by_rule = {o.value for o, _, r in found if r}
        replaced = {name for rule in self.lexicon.rules if rule.outcome in by_rule for name in rule.replaces}
        return sorted((f for f in found if f[0].value not in replaced or f[2]), key=lambda opr: -opr[1])

    def _sentence_interventions(
        self, text: str, sentence: Sentence, inside: list[Mention], main: list[Term], cue: OutcomeCue
    ) -> tuple[list[tuple[Term, bool]], tuple[Term, ...]]:
        drugs = [m for m in inside if m.term.kind in INTERVENTION_KINDS]
        main_ids = {t.curie for t in main}
        roles = {id(m): self._role(text, m.start) for m in drugs}
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
        if cue.outcome is Outcome.WELL_TOLERATED:
            populations = [
                m for m in mentions
                if self.cues.tolerated_in.search(_clause_before(sentence.text, m.start - sentence.start))
            ]
            if populations:
                return [(self._specialize(m.term, focus), True) for m in _unique_mentions(populations)]
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


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Offsets (in ``text``) of its clauses, split at ';', at 'but', 'whereas', 'although'... and before a
    second predicate ('and was')."""
    cuts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text) if not _bracketed(text, m.start())), len(text) + 1]
    return list(zip(cuts, cuts[1:], strict=False))


def _bracketed(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside parentheses or brackets ("(hazard ratio, 1.72; P = 0.043)")."""
    before = text[:offset]
    return before.count("(") + before.count("[") > before.count(")") + before.count("]")


def _clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """Offsets (in the document) of the clauses of a sentence."""
    return [(sentence.start + a, sentence.start + b) for a, b in clause_spans(sentence.text)]


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


def section_index(document: Document) -> InnermostSpan[Section]:
    """The document's sections, for "which section holds this offset?" in O(log n)."""
    return InnermostSpan(document.sections, lambda s: s.start, lambda s: s.end)


def _section_name(section: Section | None) -> str | None:
    return section.name.split(":")[0] if section is not None else None


def _unique(terms: Iterable[Term]) -> list[Term]:
    return list({t.curie: t for t in terms}.values())


def _unique_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    return list({m.term.curie: m for m in reversed(list(mentions))}.values())[::-1]
