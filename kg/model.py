"""Frozen, typed records passed between the pipeline stages.

readers -> Document -> extractors -> Extraction (mentions, findings, associations) -> RDF builder.
Identifiers inside the code are CURIEs (``DOID:9538``, ``HGNC:6018``); IRIs appear only in ``kg.rdf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntityKind(StrEnum):
    """What a vocabulary term is; the values are the ``type`` field of the JSONL export."""

    CYTOKINE = "cytokine"
    RECEPTOR = "receptor"
    PROTEIN = "protein"  # other gene products: kinases, STATs, acute-phase proteins, drug targets
    DRUG = "drug"
    DRUG_CLASS = "drug_class"
    DISEASE = "disease"
    PHENOTYPE = "phenotype"  # a sign, symptom or adverse effect that is no disease of its own ("fatigue")
    CONTROL = "control"  # what a trial compares with when it is no drug: placebo, usual care, best supportive care


class Outcome(StrEnum):
    """What a finding says about an intervention in a disease (the gold's vocabulary)."""

    EFFICACY = "efficacy"
    NO_EFFICACY = "no_efficacy"
    APPROVED = "approved"
    SAFETY_CONCERN = "safety_concern"
    WELL_TOLERATED = "well_tolerated"
    MIXED = "mixed"


# ---------------------------------------------------------------- documents


@dataclass(frozen=True, slots=True)
class Author:
    """An author as printed by the source (``"Tackey E"``, ``"E Tackey"``), with affiliations if given."""

    name: str
    affiliations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CitedWork:
    """A reference of the document, or an article citing it."""

    citation: str = ""
    pmid: str | None = None
    doi: str | None = None
    pmc: str | None = None


@dataclass(frozen=True, slots=True)
class MeshHeading:
    """A MeSH descriptor (or a substance of the chemical list) with its unique id (``D015850``)."""

    descriptor: str
    ui: str | None = None
    major: bool = False
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A named region of ``Document.text``: ``title``, ``abstract``, ``abstract:METHODS``, ``references``..."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SourceAnnotation:
    """A mention that the input file already carried (PubTator/BioC), kept with its own provenance."""

    start: int
    end: int
    text: str
    type: str
    identifiers: tuple[str, ...]
    annotator: str


@dataclass(frozen=True, slots=True)
class Document:
    """One input document: the text extraction runs on, and its bibliographic metadata.

    ``text`` is what offsets point into. Page readers keep the whole file text; structured readers
    (XML, MEDLINE, BioC) build it as title + blank line + abstract and record both as sections.
    """

    source: str
    text: str
    format: str
    pmid: str | None = None
    doi: str | None = None
    pmc: str | None = None
    title: str | None = None
    journal: str | None = None
    date: str | None = None  # ISO 8601 prefix: "2015", "2015-01" or "2015-01-16"
    authors: tuple[Author, ...] = ()
    authors_cut_short: bool = False  # the source names only the first authors ("E Tackey et al.")
    sections: tuple[Section, ...] = ()
    mesh_headings: tuple[MeshHeading, ...] = ()
    chemicals: tuple[MeshHeading, ...] = ()
    keywords: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    references: tuple[CitedWork, ...] = ()
    cited_by: tuple[CitedWork, ...] = ()
    annotations: tuple[SourceAnnotation, ...] = ()

    def section_at(self, offset: int) -> Section | None:
        """The innermost section holding ``offset``, or None."""
        best = None
        for section in self.sections:
            if section.start <= offset < section.end and (
                best is None or section.end - section.start < best.end - best.start
            ):
                best = section
        return best


# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Term:
    """A vocabulary concept: ``curie`` is its identity; ``xrefs`` are CURIEs of mapped concepts."""

    curie: str
    kind: EntityKind
    label: str
    symbol: str | None = None
    xrefs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """A grounded span of ``Document.text``."""

    term: Term
    start: int
    end: int
    text: str
    source: str = "dictionary"  # or the annotator of a SourceAnnotation


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a statement comes from: the sentence (offsets into ``Document.text``) and how sure we are."""

    sentence: str
    start: int
    end: int
    confidence: float
    extractor: str = "kg.extract"


@dataclass(frozen=True, slots=True)
class Finding:
    """An n-ary statement: intervention -- disease -- outcome, in a study, stated by a sentence."""

    intervention: Term
    disease: Term
    outcome: Outcome
    evidence: Evidence
    study: str | None = None  # "phase 2", "randomized controlled trial", "review", ...
    design: tuple[str, ...] = ()  # "randomized", "double-blind", "placebo-controlled", ...
    combination: tuple[Term, ...] = ()
    comparator: Term | None = None
    hedged: bool = False
    signals: tuple[str, ...] = ()  # what the confidence was computed from: "drug_named", "disease_named", ...

    @property
    def key(self) -> tuple[str, str, str]:
        """The semantic identity of the finding; evidence is merged under it."""
        return (self.intervention.curie, self.disease.curie, self.outcome.value)


@dataclass(frozen=True, slots=True)
class Association:
    """A binary statement such as siltuximab -targets-> IL6 or IL6 -implicated_in-> SLE."""

    subject: Term
    relation: str  # targets | implicated_in | biomarker_of | induces | produced_by
    object: Term
    evidence: Evidence
    hedged: bool = False  # a hedge ("may", "suggests") in the clause that states it
    negated: bool = False  # stated as not holding ("IL-6 is not involved in ..."): no plain triple is written


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    findings: tuple[Finding, ...] = ()
    associations: tuple[Association, ...] = ()

    def terms(self) -> tuple[Term, ...]:
        """Distinct terms mentioned, in order of first mention."""
        seen: dict[str, Term] = {}
        for mention in self.mentions:
            seen.setdefault(mention.term.curie, mention.term)
        return tuple(seen.values())
