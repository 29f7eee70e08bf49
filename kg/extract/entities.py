"""Entity mentions of a document: dictionary hits, defined abbreviations, and the input's own annotations."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.extract.findings import cue_data
from kg.extract.matcher import Matcher, select_longest
from kg.model import Document, EntityKind, Mention, Term
from kg.text import abbreviations
from kg.text.normalize import tokens
from kg.vocabulary import Vocabulary

#: PubTator/BioC annotation types -> entity kinds, for annotations that do not ground to the vocabulary.
ANNOTATION_KINDS = {
    "disease": EntityKind.DISEASE,
    "diseaseclass": EntityKind.DISEASE,
    "specificdisease": EntityKind.DISEASE,
    "modifier": EntityKind.DISEASE,
    "compositemention": EntityKind.DISEASE,
    "chemical": EntityKind.DRUG,
    "chemicalentity": EntityKind.DRUG,
    "drug": EntityKind.DRUG,
    "gene": EntityKind.PROTEIN,
    "geneorgeneproduct": EntityKind.PROTEIN,
}


def find_mentions(
    document: Document, matcher: Matcher, *, use_source_annotations: bool = True, specialize_to_title: bool = True
) -> list[Mention]:
    """Grounded, non-overlapping mentions of ``document.text``, in text order."""
    text = document.text
    candidates = list(matcher.candidates(text, tokens(text)))
    chosen = select_longest(candidates)
    defined, blocked = _abbreviation_terms(text, chosen)
    candidates = [m for m in candidates if m.text not in blocked]
    candidates += _short_form_mentions(text, defined)
    candidates += _coordinated(text, chosen, matcher)
    if use_source_annotations:
        candidates += _annotation_mentions(document, matcher.vocabulary)
    mentions = select_longest(candidates)
    mentions = _descriptive_classes(text, mentions, candidates)
    return _specialize_to_title(document, mentions, matcher.vocabulary) if specialize_to_title else mentions


def title_span(document: Document) -> tuple[int, int]:
    """The title's offsets: its section, else the first non-empty line."""
    for section in document.sections:
        if section.name == "title":
            return section.start, section.end
    match = re.search(r"\S[^\n]*", document.text)
    return (match.start(), match.end()) if match else (0, 0)


def _specialize_to_title(document: Document, mentions: list[Mention], vocabulary: Vocabulary) -> list[Mention]:
    """A general disease ("lupus", "arthritis") in a document whose title names one of its subtypes
    ("systemic lupus erythematosus") is read as that subtype."""
    start, end = title_span(document)
    in_title = {m.term.curie: m.term for m in mentions if start <= m.start < end and m.term.kind is EntityKind.DISEASE}
    out = []
    for mention in mentions:
        if mention.term.kind is EntityKind.DISEASE and mention.term.curie not in in_title:
            narrower = [t for c, t in in_title.items() if vocabulary.is_a(c, mention.term.curie)]
            if len(narrower) == 1:
                mention = Mention(narrower[0], mention.start, mention.end, mention.text, mention.source + "+title")
        out.append(mention)
    return out


_COORDINATION = re.compile(r"((?:[A-Za-z][\w-]*,\s+)*[A-Za-z][\w-]*,?\s+(?:and|or|and/or)\s+)$")
_COORDINATION_BEFORE_HEAD = re.compile(
    r"((?:[A-Za-z][\w-]*,\s+)*[A-Za-z][\w-]*,?\s+(?:and|or|and/or)\s+[A-Za-z][\w-]*\s+)$"
)


def _coordinated(text: str, mentions: list[Mention], matcher: Matcher) -> list[Mention]:
    """Ellipsis in coordination: 'ovarian, gastric and colorectal cancer' names three cancers."""
    out = []
    for mention in mentions:
        words = mention.text.split()
        if mention.term.kind is not EntityKind.DISEASE:
            continue
        head = words[-1]
        pattern = _COORDINATION if len(words) > 1 else _COORDINATION_BEFORE_HEAD
        match = pattern.search(text[max(0, mention.start - 120) : mention.start])
        if not match:
            continue
        base = mention.start - len(match.group(1))
        for word in re.finditer(r"[A-Za-z][\w-]*", match.group(1)):
            if word.group() in ("and", "or"):
                continue
            term = matcher.lookup(f"{word.group()} {head}")
            if term is not None and term.kind is EntityKind.DISEASE:
                out.append(Mention(term, base + word.start(), base + word.end(), word.group(), "coordination"))
    return out


_APPOSITION = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:,|\()\s*(?:an?|the)?\s*[^.;()]{0,40}")


def _descriptive_classes(text: str, mentions: list[Mention], candidates: list[Mention]) -> list[Mention]:
    """A drug-class phrase describing a named drug ("levilimab, an IL-6 receptor inhibitor") is not a
    mention of the class: it is read as the cytokine or receptor it names."""
    out = []
    drugs = [m for m in mentions if m.term.kind is EntityKind.DRUG]
    examples = re.compile(cue_data()["roles"]["class_examples_after"], re.IGNORECASE)
    for mention in mentions:
        if mention.term.kind is EntityKind.DRUG_CLASS and any(
            (0 <= mention.start - d.end <= 60 and _APPOSITION.fullmatch(text[d.end : mention.start]))
            or (0 <= d.start - mention.end <= 3 and re.fullmatch(r"\s*,?\s*", text[mention.end : d.start]))
            or (0 <= d.start - mention.end <= 40 and examples.match(text[mention.end : d.start]))
            for d in drugs
        ):
            inner = [
                c for c in candidates
                if mention.start <= c.start and c.end <= mention.end and c.term.kind in GENE_KINDS
            ]
            out += select_longest(inner)
            continue
        out.append(mention)
    return sorted(out, key=lambda m: (m.start, m.end))


GENE_KINDS = (EntityKind.CYTOKINE, EntityKind.RECEPTOR, EntityKind.PROTEIN)


def _abbreviation_terms(text: str, mentions: list[Mention]) -> tuple[dict[str, tuple[Term, int]], set[str]]:
    """Short forms defined in the text: those whose long form ends with a mention, and the others."""
    defined: dict[str, tuple[Term, int]] = {}
    blocked: set[str] = set()
    by_end = {m.end: m for m in mentions}
    for abbreviation in abbreviations.find(text):
        mention = by_end.get(abbreviation.long_end)
        # the long form must name one thing: "mitoxantrone/prednisone (M/P)" is neither of the two
        if mention is not None and not any(
            abbreviation.long_start <= m.start < mention.start for m in mentions
        ):
            defined.setdefault(abbreviation.short, (mention.term, abbreviation.short_end))
        elif abbreviation.short not in defined:
            blocked.add(abbreviation.short)
    return defined, blocked - set(defined)


def _short_form_mentions(text: str, defined: dict[str, tuple[Term, int]]) -> list[Mention]:
    out = []
    for short, (term, _) in defined.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w])", text):
            out.append(Mention(term, match.start(), match.end(), short, "abbreviation"))
    return out


def _annotation_mentions(document: Document, vocabulary: Vocabulary) -> Iterable[Mention]:
    """The input's own annotations, grounded through their identifiers when the vocabulary knows them."""
    index = vocabulary.xref_index()
    for annotation in document.annotations:
        term = next((index[i] for i in _curies(annotation.identifiers) if i in index), None)
        if term is None:
            kind = ANNOTATION_KINDS.get(annotation.type.lower().replace(" ", ""))
            ids = _curies(annotation.identifiers)
            if kind is None or not ids:
                continue
            term = Term(ids[0], kind, annotation.text.lower(), None, tuple(ids))
        yield Mention(term, annotation.start, annotation.end, annotation.text, annotation.annotator)


def _curies(identifiers: Iterable[str]) -> list[str]:
    """PubTator/BioC identifiers as CURIEs: 'D009101' -> 'MESH:D009101', 'OMIM:254500' unchanged."""
    out = []
    for identifier in identifiers:
        identifier = identifier.strip()
        if not identifier or identifier == "-":
            continue
        if ":" in identifier:
            prefix, local = identifier.split(":", 1)
            out.append(f"{prefix.upper()}:{local}")
        elif re.fullmatch(r"[CD]\d{6,9}", identifier):
            out.append(f"MESH:{identifier}")
        elif identifier.isdigit():
            out.append(f"NCBIGene:{identifier}")
    return out
