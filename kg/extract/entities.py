"""Entity mentions of a document: dictionary hits, defined abbreviations, and the input's own annotations."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import cache

import ahocorasick
import pyoxigraph as ox

from kg.extract.findings import cue_data
from kg.extract.matcher import Matcher, select_longest
from kg.model import Document, EntityKind, Mention, Term
from kg.text import abbreviations
from kg.text.spans import SortedOffsets, SpanIndex
from kg.vocabulary import Vocabulary, converter

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
    """Grounded mentions of ``document.text``, in text order; they do not overlap, except that the gene
    product a drug-class phrase names is kept inside it ("anti-TNF": the class and TNF)."""
    text = document.text
    candidates = list(matcher.candidates(text))
    chosen = select_longest(candidates)
    defined, blocked = _abbreviation_terms(text, chosen)
    candidates = [m for m in candidates if m.text not in blocked]
    candidates += _short_form_mentions(text, defined)
    candidates += _coordinated(text, chosen, matcher)
    if use_source_annotations:
        candidates += _annotation_mentions(document, matcher.vocabulary)
    index = _candidate_index(candidates)
    mentions = select_longest(candidates)
    mentions = _descriptive_classes(text, mentions, index)
    mentions = select_longest([*mentions, *_coordinated_classes(text, mentions, index, matcher)])
    mentions = _with_class_genes(mentions, index)
    mentions = _without_severity(mentions, matcher.vocabulary)
    return _specialize_to_title(document, mentions, matcher.vocabulary) if specialize_to_title else mentions


def _without_severity(mentions: list[Mention], vocabulary: Vocabulary) -> list[Mention]:
    """Mentions of a disease term that only grades its parent's severity ("severe COVID-19") read as the
    parent (``cues.toml [disease] severity_grades``)."""
    parents = _severity_parents(vocabulary)
    return [
        Mention(vocabulary.term(parents[m.term.curie]), m.start, m.end, m.text, m.source)
        if m.term.curie in parents else m
        for m in mentions
    ]


@cache
def _severity_parents(vocabulary: Vocabulary) -> dict[str, str]:
    """Disease CURIE -> the ancestor it grades: its label is a severity grade and the ancestor's label."""
    grades = tuple(f"{g} " for g in cue_data()["disease"]["severity_grades"])
    own_names = set(cue_data()["disease"]["graded_names"])
    diseases = {c: t.label.lower() for c, t in vocabulary.terms.items() if t.kind is EntityKind.DISEASE}
    graded = {c: label for c, label in diseases.items() if label.startswith(grades) and label not in own_names}
    by_label = {label: c for c, label in diseases.items()}
    parents = {}
    for curie, label in graded.items():
        for grade in grades:
            parent = by_label.get(label[len(grade):]) if label.startswith(grade) else None
            if parent in vocabulary.ancestors.get(curie, ()):
                parents[curie] = parent
    return parents


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
#: How each of the two must end: a quick test that spares the full search for most mentions.
_COORDINATION_END = re.compile(r"(?:and|or)\s+$")
_COORDINATION_BEFORE_HEAD_END = re.compile(r"(?:and|or)\s+[A-Za-z][\w-]*\s+$")


def _coordinated(text: str, mentions: list[Mention], matcher: Matcher) -> list[Mention]:
    """Ellipsis in coordination: 'ovarian, gastric and colorectal cancer' names three cancers."""
    out = []
    for mention in mentions:
        words = mention.text.split()
        if mention.term.kind is not EntityKind.DISEASE:
            continue
        head = words[-1]
        pattern, end = (
            (_COORDINATION, _COORDINATION_END) if len(words) > 1
            else (_COORDINATION_BEFORE_HEAD, _COORDINATION_BEFORE_HEAD_END)
        )  # fmt: skip
        before = text[max(0, mention.start - 120) : mention.start]
        match = pattern.search(before) if end.search(before) else None
        if not match:
            continue
        out += _conjuncts(
            match.group(1), mention.start, r"[A-Za-z][\w-]*", lambda word, head=head: f"{word} {head}", EntityKind.DISEASE, matcher
        )
    return out


_APPOSITION = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:,|\()\s*(?:an?|the)?\s*[^.;()]{0,40}")


def _candidate_index(candidates: list[Mention]) -> SpanIndex[Mention]:
    return SpanIndex(candidates, lambda m: m.start, lambda m: m.end)


def _describes_drug(
    text: str, mention: Mention, drug_starts: SortedOffsets, drug_ends: SortedOffsets, examples: re.Pattern[str]
) -> bool:
    """True if a drug mention ends up to 60 characters before the class phrase with an apposition between
    ("levilimab, an IL-6 receptor inhibitor"), or starts right after it ("IL-6 inhibitors, tocilizumab",
    "IL-6 inhibitors such as tocilizumab")."""
    before = drug_ends.in_range(mention.start - 60, mention.start)
    right_after = drug_starts.in_range(mention.end, mention.end + 3)
    after = drug_starts.in_range(mention.end, mention.end + 40)
    return (
        any(_APPOSITION.fullmatch(text[end : mention.start]) for end in before)
        or any(re.fullmatch(r"\s*,?\s*", text[mention.end : start]) for start in right_after)
        or any(examples.match(text[mention.end : start]) for start in after)
    )


def _descriptive_classes(text: str, mentions: list[Mention], candidates: SpanIndex[Mention]) -> list[Mention]:
    """A drug-class phrase describing a named drug ("levilimab, an IL-6 receptor inhibitor") is not a
    mention of the class: it is read as the cytokine or receptor it names."""
    out = []
    drugs = [m for m in mentions if m.term.kind is EntityKind.DRUG]
    drug_starts, drug_ends = SortedOffsets([d.start for d in drugs]), SortedOffsets([d.end for d in drugs])
    examples = re.compile(cue_data()["roles"]["class_examples_after"], re.IGNORECASE)
    for mention in mentions:
        if mention.term.kind is EntityKind.DRUG_CLASS and _describes_drug(
            text, mention, drug_starts, drug_ends, examples
        ):
            inner = [c for c in candidates.within(mention.start, mention.end) if c.term.kind in GENE_KINDS]
            out += select_longest(inner)
            continue
        out.append(mention)
    return sorted(out, key=lambda m: (m.start, m.end))


GENE_KINDS = (EntityKind.CYTOKINE, EntityKind.RECEPTOR, EntityKind.PROTEIN)

_CLASS_COORDINATION = re.compile(
    r"((?:[A-Za-z][\w-]*[\w]\s*,\s*)*[A-Za-z][\w-]*[\w](?:\s*/\s*|\s*,?\s+(?:and|or|and/or)\s+))$"
)


def _inner_genes(mention: Mention, candidates: SpanIndex[Mention]) -> list[Mention]:
    inside = candidates.within(mention.start, mention.end)
    inner = [c for c in inside if c.term.kind in GENE_KINDS and c != mention]
    return select_longest(inner)


def _coordinated_classes(
    text: str, mentions: list[Mention], candidates: SpanIndex[Mention], matcher: Matcher
) -> list[Mention]:
    """Ellipsis in coordinated class phrases: "TNF/JAK inhibitors" and "IL-1, IL-6 and TNF blockers" name
    one class per gene product, each read as the class phrase with the gene product swapped in."""
    out = []
    for mention in mentions:
        if mention.term.kind is not EntityKind.DRUG_CLASS:
            continue
        genes = _inner_genes(mention, candidates)
        first = re.match(r"[A-Za-z][\w-]*[\w]", mention.text)
        if genes and genes[0].start == mention.start:
            head_end = genes[0].end
        elif not genes and first and first.end() < len(mention.text):
            head_end = mention.start + first.end()  # "JAK inhibitors": the first word names the target
        else:
            continue  # only "<gene> <class words>": "anti-IL-6 and anti-TNF" are matched one by one
        rest = text[head_end : mention.end]
        match = _CLASS_COORDINATION.search(text[max(0, mention.start - 80) : mention.start])
        if not match:
            continue
        out += _conjuncts(
            match.group(1), mention.start, r"[A-Za-z][\w-]*[\w]", lambda word, rest=rest: word + rest,
            EntityKind.DRUG_CLASS, matcher,
        )
    return out


def _conjuncts(
    words: str, end: int, word_pattern: str, form: Callable[[str], str], kind: EntityKind, matcher: Matcher
) -> list[Mention]:
    """Mentions for the conjuncts of a coordination ``words`` (ending at offset ``end``) that, completed
    by ``form`` ("IL-1 and" + " inhibitors", "lung and" + " cancer"), name a term of ``kind``."""
    base = end - len(words)
    out = []
    for word in re.finditer(word_pattern, words):
        if word.group() in ("and", "or"):
            continue
        term = matcher.lookup(form(word.group()))
        if term is not None and term.kind is kind:
            out.append(Mention(term, base + word.start(), base + word.end(), word.group(), "coordination"))
    return out


def _with_class_genes(mentions: list[Mention], candidates: SpanIndex[Mention]) -> list[Mention]:
    """A class phrase names its gene product as well ("anti-TNF" names TNF, "anti-IL-6R" the IL-6
    receptor but not IL-6): the gene mention inside it is kept beside the class (the corpus guideline)."""
    out = list(mentions)
    for mention in mentions:
        if mention.term.kind is EntityKind.DRUG_CLASS:
            if mention.source == "coordination":
                genes = [
                    c for c in candidates.within(mention.start, mention.end)
                    if (c.start, c.end) == (mention.start, mention.end) and c.term.kind in GENE_KINDS
                ]
                out += select_longest(genes)
            else:
                out += _inner_genes(mention, candidates)
    return sorted(out, key=lambda m: (m.start, m.end))


def _abbreviation_terms(text: str, mentions: list[Mention]) -> tuple[dict[str, tuple[Term, int]], set[str]]:
    """Short forms defined in the text: those whose long form ends with a mention, and the others."""
    defined: dict[str, tuple[Term, int]] = {}
    blocked: set[str] = set()
    by_end = {m.end: m for m in mentions}
    starts = sorted(m.start for m in mentions)
    for abbreviation in abbreviations.find(text):
        mention = by_end.get(abbreviation.long_end)
        # the long form must name one thing: "mitoxantrone/prednisone (M/P)" is neither of the two
        if mention is not None and not (
            bisect_left(starts, abbreviation.long_start) < bisect_left(starts, mention.start)
        ):
            defined.setdefault(abbreviation.short, (mention.term, abbreviation.short_end))
        elif abbreviation.short not in defined:
            blocked.add(abbreviation.short)
    return defined, blocked - set(defined)


_WORD_OR_HYPHEN = re.compile(r"[\w-]")
_WORD = re.compile(r"\w")


def _short_form_mentions(text: str, defined: dict[str, tuple[Term, int]]) -> list[Mention]:
    r"""Every occurrence of each defined short form as a word of its own (not inside "X-MM" or "MMs"), found
    in one pass over the text for all of them: the matches of ``(?<![\w-])SHORT(?![\w])``, short by short."""
    if not defined:
        return []
    automaton = ahocorasick.Automaton()
    for short in defined:
        automaton.add_word(short, short)
    automaton.make_automaton()
    found: dict[str, list[Mention]] = {short: [] for short in defined}
    last_end = dict.fromkeys(defined, 0)
    for end_index, short in automaton.iter(text):
        start, end = end_index + 1 - len(short), end_index + 1
        if start < last_end[short]:  # a regex scan never returns overlapping matches of one pattern
            continue
        if (start > 0 and _WORD_OR_HYPHEN.match(text, start - 1)) or _WORD.match(text, end):
            continue
        last_end[short] = end
        found[short].append(Mention(defined[short][0], start, end, short, "abbreviation"))
    return [mention for short in defined for mention in found[short]]


def _annotation_mentions(document: Document, vocabulary: Vocabulary) -> Iterable[Mention]:
    """The input's own annotations, grounded through their identifiers when the vocabulary knows them.

    Identifiers that are malformed or use a prefix the project cannot expand are skipped (the span may
    still be found by the dictionary); an annotation with no usable identifier and no vocabulary term
    is dropped rather than put into the graph under an IRI nobody can resolve.
    """
    index = vocabulary.xref_index()
    for annotation in document.annotations:
        ids = annotation_curies(annotation.identifiers, annotation.type)
        term = next((index[i] for i in ids if i in index), None)
        if term is None:
            kind = ANNOTATION_KINDS.get(annotation.type.lower().replace(" ", ""))
            if kind is None or not ids:
                continue
            term = Term(ids[0], kind, annotation.text.lower(), None, tuple(ids))
        yield Mention(term, annotation.start, annotation.end, annotation.text, annotation.annotator)


#: Prefix spellings of PubTator, BioC and BioRED files that differ from ours (case aside).
PREFIX_ALIASES = {"MSH": "MESH", "MIM": "OMIM", "NCBI GENE": "NCBIGene", "GENE": "NCBIGene", "ENTREZ": "NCBIGene",
                  "UNIPROT": "UniProtKB", "CHEMBL": "CHEMBL.COMPOUND", "ORDO": "ORPHANET", "UMLS_CUI": "UMLS"}
#: A local identifier: letters, digits and the punctuation CURIEs use; never empty, never spaces.
_LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]*")
#: Bare identifiers as PubTator writes them, by the annotation kinds they may belong to.
_BARE_MESH = re.compile(r"[CD]\d{6,9}")
_BARE_DRUGBANK = re.compile(r"DB\d{5}")
_GENE_TYPES = frozenset({"gene", "geneorgeneproduct", "protein"})


@cache
def _known_prefixes() -> dict[str, str]:
    """Our prefixes (``ontology/prefixes.json``) by their upper-case spelling, plus the aliases above."""
    prefixes = {prefix.upper(): prefix for prefix in converter().prefix_map}
    for alias, prefix in PREFIX_ALIASES.items():
        if prefix.upper() in prefixes:
            prefixes.setdefault(alias, prefixes[prefix.upper()])
    return prefixes


def annotation_curie(identifier: str, annotation_type: str = "") -> str | None:
    """A PubTator/BioC identifier as one of our CURIEs, or None when it is malformed or unknown.

    'D009101' -> 'MESH:D009101', 'MESH:D009101' and 'msh:D009101' alike; 'DB06273' -> 'DrugBank:DB06273';
    '3569' -> 'NCBIGene:3569' for gene annotations only (a number is a taxon in a species annotation);
    'NCBIGene:' (no local part), 'FOO:1' (unknown prefix) or 'a b' -> None.
    """
    identifier = identifier.strip()
    if _BARE_MESH.fullmatch(identifier):
        identifier = "MESH:" + identifier
    elif _BARE_DRUGBANK.fullmatch(identifier):
        identifier = "DrugBank:" + identifier
    elif identifier.isdigit() and annotation_type.lower().replace(" ", "") in _GENE_TYPES:
        identifier = "NCBIGene:" + identifier
    raw_prefix, colon, local = identifier.partition(":")
    prefix = _known_prefixes().get(raw_prefix.strip().upper()) if colon else None
    local = local.strip()
    if prefix is None or not _LOCAL_ID.fullmatch(local):
        return None
    if local.upper().startswith(prefix.upper() + ":"):
        local = local[len(prefix) + 1 :]  # 'CHEBI:CHEBI:15365', as some BioC files write it
    curie = f"{prefix}:{local}"
    iri = converter().expand(curie)
    if iri is None:
        return None
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return curie


def annotation_curies(identifiers: Iterable[str], annotation_type: str = "") -> list[str]:
    """The usable identifiers of one annotation as CURIEs, in order, without repeats."""
    out: list[str] = []
    for identifier in identifiers:
        curie = annotation_curie(identifier, annotation_type)
        if curie is not None and curie not in out:
            out.append(curie)
    return out
