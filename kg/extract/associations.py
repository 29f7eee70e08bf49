"""Binary associations stated by one sentence: drug -targets-> gene, gene -implicated_in-> disease, ...

``targets`` needs no cue: a drug named in the same sentence as a gene product the vocabulary says it acts
on is read as the text stating its target ("siltuximab, an anti-IL-6 antibody"). The other relations
(``implicated_in``, ``biomarker_of``, ``induces``) need the kinds of their two ends and a cue of
``cues.toml`` in the sentence; a hedged sentence lowers the confidence, and a trial's name is no disease.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from kg.extract.findings import cue_data, load_cues
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


@cache
def relation_cues() -> tuple[RelationCues, ...]:
    return tuple(
        RelationCues(
            name, frozenset(map(EntityKind, spec["subject"])), frozenset(map(EntityKind, spec["object"])),
            spec["confidence"], (re.compile("|".join(f"(?:{p})" for p in spec["cues"]), re.IGNORECASE),),
        )
        for name, spec in cue_data()["association"].items()
    )


def extract_associations(
    document: Document, mentions: Sequence[Mention], vocabulary: Vocabulary
) -> Iterator[Association]:
    seen: set[tuple[str, str, str]] = set()
    cues = load_cues()
    for sentence in split(document.text):
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        if len(inside) < 2:
            continue
        trials = [(sentence.start + t.start(), sentence.start + t.end()) for t in cues.trial_name.finditer(sentence.text)]
        inside = [m for m in inside if not any(s <= m.start < e for s, e in trials)]
        hedged = any(p.search(sentence.text) for p in cues.hedges)

        for drug in (m for m in inside if m.term.kind is EntityKind.DRUG):
            known = vocabulary.all_targets(drug.term.curie)
            for gene in (m for m in inside if m.term.kind in GENE_KINDS and m.term.curie in known):
                yield from _emit(seen, sentence, hedged, drug, "targets", gene, 0.8)
        for spec in relation_cues():
            if not any(p.search(sentence.text) for p in spec.cues):
                continue
            for subject in (m for m in inside if m.term.kind in spec.subject):
                for obj in (m for m in inside if m.term.kind in spec.object):
                    yield from _emit(seen, sentence, hedged, subject, spec.relation, obj, spec.confidence)


def _emit(
    seen: set[tuple[str, str, str]], sentence, hedged: bool, subject: Mention, relation: str, obj: Mention,
    confidence: float,
) -> Iterator[Association]:
    """One association per (subject, relation, object) and document; a hedged sentence lowers confidence."""
    key = (subject.term.curie, relation, obj.term.curie)
    if key not in seen and subject.term.curie != obj.term.curie:
        seen.add(key)
        score = round(confidence - (0.15 if hedged else 0.0), 2)
        yield Association(subject.term, relation, obj.term,
                          Evidence(sentence.text, sentence.start, sentence.end, score, EXTRACTOR))
