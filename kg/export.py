"""The JSON Lines export: one object per document, in the format ``shared/eval/README.md`` fixes."""

from __future__ import annotations

from typing import Any

from kg.model import EntityKind, Extraction, Term

#: EntityKind -> the export's ``type``: a drug class is a ``drug`` entity, as the evaluation format says.
EXPORT_TYPE = {EntityKind.DRUG_CLASS: "drug"}


def _term(term: Term) -> dict[str, Any]:
    out: dict[str, Any] = {"id": term.curie, "label": term.label, "xrefs": list(term.xrefs)}
    if term.symbol:
        out["symbol"] = term.symbol
    return out


def to_record(extraction: Extraction) -> dict[str, Any]:
    document = extraction.document
    entities: dict[str, dict[str, Any]] = {}
    for mention in extraction.mentions:
        term = mention.term
        entity = entities.get(term.curie)
        if entity is None:
            entity = entities[term.curie] = {
                "type": EXPORT_TYPE.get(term.kind, term.kind.value),
                "kind": term.kind.value,
                **_term(term),
                "mentions": [],
            }
        entity["mentions"].append(
            {"text": mention.text, "start": mention.start, "end": mention.end, "source": mention.source}
        )
    findings: dict[tuple[str, str, str], dict[str, Any]] = {}
    for finding in extraction.findings:
        record = {
            "intervention": _term(finding.intervention),
            "disease": _term(finding.disease),
            "outcome": finding.outcome.value,
            "study": finding.study,
            "design": list(finding.design),
            "combination": [t.label for t in finding.combination],
            "comparator": finding.comparator.label if finding.comparator else None,
            "hedged": finding.hedged,
            "evidence": {
                "text": finding.evidence.sentence,
                "start": finding.evidence.start,
                "end": finding.evidence.end,
            },
            "confidence": finding.evidence.confidence,
        }
        old = findings.get(finding.key)
        if old is None or old["confidence"] < record["confidence"]:
            findings[finding.key] = record
    associations = [
        {
            "subject": _term(a.subject),
            "relation": a.relation,
            "object": _term(a.object),
            "evidence": {"text": a.evidence.sentence, "start": a.evidence.start, "end": a.evidence.end},
            "confidence": a.evidence.confidence,
        }
        for a in extraction.associations
    ]
    return {
        "source": document.source,
        "format": document.format,
        "pmid": document.pmid,
        "doi": document.doi,
        "pmc": document.pmc,
        "title": document.title,
        "journal": document.journal,
        "date": document.date,
        "authors": [a.name for a in document.authors],
        "mesh": [h.descriptor for h in document.mesh_headings],
        "entities": list(entities.values()),
        "findings": list(findings.values()),
        "associations": associations,
    }
