"""Binary associations stated by one sentence: drug -targets-> gene, gene -implicated_in-> disease, ...

``targets`` needs no cue: a drug named in the same sentence as a gene product the vocabulary says it acts
on is read as the text stating its target ("siltuximab, an anti-IL-6 antibody"). The other relations
(``implicated_in``, ``biomarker_of``, ``induces``) need the kinds of their two ends and a cue of
``cues.toml`` in the sentence; a trial's name is no disease. Negation and hedging are scoped: a cue with
a negation just before it in its clause ("is not involved in") states that the relation does not hold,
and a hedge in its clause ("may contribute to") marks the association hedged and lowers its confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from kg.extract.findings import clause_spans, cue_data, load_cues
from kg.extract.outcome_features import Lexicon, load_lexicon, negated_before
from kg.model import Association, Document, EntityKind, Evidence, Mention
from kg.text.sentences import split
from kg.vocabulary import Vocabulary

GENE_KINDS = (EntityKind.CYTOKINE, EntityKind.RECEPTOR, EntityKind.PROTEIN)
EXTRACTOR = "kg.extract.associations"


@dataclass(frozen=True)
class RelationCues:
    relation: str
    subject: frozenset[EntityKind]
    object: frozenset[EntityKind]
    confidence: float
    cues: tuple[re.Pattern[str], ...]
    directional: bool = False  # subject before an active cue and object after it; the reverse for passive
    passive: re.Pattern[str] | None = None


def _alternation(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def relation_cues() -> tuple[RelationCues, ...]:
    return tuple(
        RelationCues(
            name, frozenset(map(EntityKind, spec["subject"])), frozenset(map(EntityKind, spec["object"])),
            spec["confidence"], (_alternation(spec["cues"]),), bool(spec.get("directional")),
            _alternation(spec["passive_cues"]) if spec.get("passive_cues") else None,
        )
        for name, spec in cue_data()["association"].items()
    )


def extract_associations(
    document: Document, mentions: Sequence[Mention], vocabulary: Vocabulary
) -> Iterator[Association]:
    seen: set[tuple[str, str, str]] = set()
    cues, lexicon = load_cues(), load_lexicon()
    hedge = lexicon.group("hedge")
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    for sentence in split(document.text):
        window = ordered[bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)]
        inside = [m for m in window if m.end <= sentence.end]
        if len(inside) < 2:
            continue
        trials = [(sentence.start + t.start(), sentence.start + t.end()) for t in cues.trial_name.finditer(sentence.text)]
        inside = [m for m in inside if not any(s <= m.start < e for s, e in trials)]
        clauses = clause_spans(sentence.text)

        for drug in (m for m in inside if m.term.kind is EntityKind.DRUG):
            known = vocabulary.all_targets(drug.term.curie)
            for gene in (m for m in inside if m.term.kind in GENE_KINDS and m.term.curie in known):
                scope = _scope(sentence.text, clauses, drug.start - sentence.start, hedge, lexicon)
                yield from _emit(seen, sentence, scope, drug, "targets", gene, 0.8)
        kinds = {m.term.kind for m in inside}
        for spec in relation_cues():
            if not (kinds & spec.subject and kinds & spec.object):
                continue  # no pair of the relation's kinds: its cues need not be looked for
            if spec.directional:
                for subject, obj, offset in _directed_pairs(spec, sentence, inside, clauses):
                    scope = _scope(sentence.text, clauses, offset, hedge, lexicon)
                    yield from _emit(seen, sentence, scope, subject, spec.relation, obj, spec.confidence)
                continue
            match = next((m for p in spec.cues for m in [p.search(sentence.text)] if m), None)
            if match is None:
                continue
            scope = _scope(sentence.text, clauses, match.start(), hedge, lexicon)
            for subject in (m for m in inside if m.term.kind in spec.subject):
                for obj in (m for m in inside if m.term.kind in spec.object):
                    yield from _emit(seen, sentence, scope, subject, spec.relation, obj, spec.confidence)


def _directed_pairs(
    spec: RelationCues, sentence, inside: Sequence[Mention], clauses: list[tuple[int, int]]
) -> Iterator[tuple[Mention, Mention, int]]:
    """(subject, object, cue offset) around each cue of a directional relation, inside the cue's clause:
    an active cue takes the nearest fitting subject before it and the fitting objects after it; a
    passive cue the nearest fitting object before it and the fitting subjects after it."""
    readings = [(m, False) for p in spec.cues for m in p.finditer(sentence.text)]
    if spec.passive is not None:
        readings += [(m, True) for m in spec.passive.finditer(sentence.text)]
    for match, passive in readings:
        start, end = next(((a, b) for a, b in clauses if a <= match.start() < b), (0, len(sentence.text)))
        clause = [m for m in inside if start <= m.start - sentence.start < end]
        before_kinds, after_kinds = (spec.object, spec.subject) if passive else (spec.subject, spec.object)
        before = [m for m in clause if m.end - sentence.start <= match.start() and m.term.kind in before_kinds]
        after = [m for m in clause if m.start - sentence.start >= match.end() and m.term.kind in after_kinds]
        if passive:  # the agent follows "by" closely: "induced by IL-1 and TNF", not a cytokine far beyond
            after = [m for m in _agents(sentence.text, clause, match.end(), sentence.start) if m in after]
        if not before:
            continue
        for other in after:
            yield (other, before[-1], match.start()) if passive else (before[-1], other, match.start())


_AGENT_GAP = re.compile(r"^\W*(?:\w+\W+){0,6}$")  # at most a few words ("the administration of") before the agent
_COORDINATION = re.compile(r"^[\s,]*(?:and|or|as\s+well\s+as)?[\s,]*$", re.IGNORECASE)


def _agents(text: str, clause: Sequence[Mention], offset: int, base: int) -> list[Mention]:
    """The mentions naming the agent of a passive cue ending at ``offset``: the first mention after it,
    when only a few words come between, and those coordinated with it ("by IL-6, IL-1 and TNF")."""
    following = [m for m in clause if m.start - base >= offset]  # the clause's mentions are in text order
    if not following or not _AGENT_GAP.match(text[offset : following[0].start - base]):
        return []
    agents = following[:1]
    for m in following[1:]:
        if not _COORDINATION.match(text[agents[-1].end - base : m.start - base]):
            break
        agents.append(m)
    return agents


def _scope(text: str, clauses: list[tuple[int, int]], offset: int, hedge: re.Pattern[str], lexicon: Lexicon) -> tuple[bool, bool]:
    """(hedged, negated) for a cue at ``offset``: a hedge anywhere in its clause, a negation just before it."""
    start, end = next(((a, b) for a, b in clauses if a <= offset < b), (0, len(text)))
    return bool(hedge.search(text, start, end)), negated_before(text[start:offset], offset - start, lexicon)


def _emit(
    seen: set[tuple[str, str, str]], sentence, scope: tuple[bool, bool], subject: Mention, relation: str,
    obj: Mention, confidence: float,
) -> Iterator[Association]:
    """One association per (subject, relation, object) and document; a hedged clause lowers confidence."""
    hedged, negated = scope
    key = (subject.term.curie, relation, obj.term.curie)
    if key not in seen and subject.term.curie != obj.term.curie:
        seen.add(key)
        score = round(confidence - (0.15 if hedged else 0.0), 2)
        yield Association(subject.term, relation, obj.term,
                          Evidence(sentence.text, sentence.start, sentence.end, score, EXTRACTOR), hedged, negated)
