"""Dictionary matching over normalized tokens with an Aho–Corasick automaton.

Each synonym of the vocabulary becomes a key of space-separated folded tokens (``kg.text.normalize``);
the text is folded the same way, so a hit is always a whole run of tokens and maps back to character
offsets of the original text. Short or acronym-like synonyms are guarded (see :func:`guard`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from kg import resources
from kg.model import EntityKind, Mention, Term
from kg.text.normalize import Token, key, tokens
from kg.vocabulary import Synonym, Vocabulary

#: Preference between terms matched on the same span (higher wins).
KIND_PRIORITY = {
    EntityKind.DRUG_CLASS: 5,
    EntityKind.RECEPTOR: 4,
    EntityKind.CYTOKINE: 4,
    EntityKind.DRUG: 3,
    EntityKind.PHENOTYPE: 3,  # curated symptoms win over a disease synonym of the same span
    EntityKind.DISEASE: 2,
    EntityKind.PROTEIN: 1,
}

#: Words too general to be a mention of a term on their own ("diseases" is not DOID:4 in any useful sense).
GENERIC = frozenset({"disease", "disorder", "syndrome", "condition", "illness", "drug", "cancer cell"})

_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9\-]{2,7}$")  # "SLE", "MRA", "IL-6R", "CD126"


@dataclass(frozen=True, slots=True)
class Entry:
    """One way a term may be matched: its rank, and the exact letters required when case matters."""

    curie: str
    rank: int
    exact: str | None  # letters (hyphens removed) the text must show, for acronym-like synonyms


def guard(synonym: Synonym, kind: EntityKind) -> Entry | None:
    """Decide how a synonym may be used: freely, only with its exact case, or not at all.

    - a key of one or two characters ("MM", "RA") is never matched from the dictionary (an
      abbreviation the document defines is resolved separately);
    - an acronym-like synonym ("SLE", "MRA", "CRS") must appear with its own capitals; a disease
      acronym that is not the term's label must be defined in the document, so it is skipped here.
    """
    folded = key(synonym.text)
    if len(folded.replace(" ", "")) <= 2 or folded in GENERIC:
        return None
    if _ACRONYM.match(synonym.text):
        if kind is EntityKind.DISEASE and synonym.rank < 3:
            return None
        return Entry(synonym.curie, synonym.rank, synonym.text.replace("-", ""))
    return Entry(synonym.curie, synonym.rank, None)


#: Head nouns that name the same kind of disease: "plasma cell cancer" is the "plasma cell neoplasm".
HEAD_VARIANTS = {"neoplasm": ("cancer",), "disease": ("disorder",), "disorder": ("disease",)}


def disease_variants(vocabulary: Vocabulary, taken: dict[str, dict[str, Entry]]) -> Iterator[tuple[str, Entry]]:
    """Low-rank keys with a sibling head noun, for disease names; never one that already names a term."""
    for synonym in vocabulary.synonyms:
        if vocabulary.terms[synonym.curie].kind is not EntityKind.DISEASE or synonym.rank < 2:
            continue
        words = key(synonym.text).split(" ")
        for variant in HEAD_VARIANTS.get(words[-1], ()):
            folded = " " + " ".join([*words[:-1], variant]) + " "
            if len(words) > 1 and folded not in taken:
                yield folded, Entry(synonym.curie, 1, None)


def class_phrases(vocabulary: Vocabulary) -> Iterator[tuple[str, Entry]]:
    """Keys for phrases such as "IL-6 receptor inhibitor": the templates of cues.toml over the synonyms
    of each gene product that defines a drug class."""
    from kg.extract.findings import cue_data

    templates = cue_data()["drug_class"]["templates"]
    by_gene: dict[str, list[str]] = {}
    for synonym in vocabulary.synonyms:
        if synonym.rank >= 2 and len(key(synonym.text).replace(" ", "")) >= 3:
            by_gene.setdefault(synonym.curie, []).append(synonym.text)
    for drug_class, genes in vocabulary.class_targets.items():
        if drug_class not in vocabulary.terms:
            continue
        for gene in sorted(genes):
            for name in by_gene.get(gene, ()):
                for template in templates:
                    yield " " + key(template.format(name)) + " ", Entry(drug_class, 2, None)


class Matcher:
    """Finds vocabulary terms in text."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        entries: dict[str, dict[str, Entry]] = {}
        for synonym in vocabulary.synonyms:
            term = vocabulary.terms[synonym.curie]
            entry = guard(synonym, term.kind)
            if entry is None:
                continue
            slot = entries.setdefault(" " + key(synonym.text) + " ", {})
            old = slot.get(entry.curie)
            if old is None or (old.rank, old.exact is None) < (entry.rank, entry.exact is None):
                slot[entry.curie] = entry
        for folded, entry in disease_variants(vocabulary, entries):
            entries.setdefault(folded, {})[entry.curie] = entry
        for folded, entry in class_phrases(vocabulary):
            entries.setdefault(folded, {}).setdefault(entry.curie, entry)
        self._automaton = ahocorasick.Automaton()
        for folded, by_curie in entries.items():
            self._automaton.add_word(folded, (len(folded) - 2, tuple(by_curie.values())))
        self._automaton.make_automaton()

    @classmethod
    def cached(cls, vocabulary: Vocabulary, key: str) -> Matcher:
        """A matcher whose automaton is saved on disk under ``key`` (building it takes seconds)."""
        path = resources.cache_dir("matcher") / f"{key}.automaton"
        matcher = cls.__new__(cls)
        matcher.vocabulary = vocabulary
        try:
            matcher._automaton = ahocorasick.load(str(path), _decode)
            return matcher
        except (OSError, ValueError, TypeError, KeyError):
            pass
        matcher = cls(vocabulary)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            matcher._automaton.save(str(tmp), _encode)
            os.replace(tmp, path)
        except OSError:
            pass
        return matcher

    def candidates(self, text: str, toks: list[Token] | None = None) -> Iterable[Mention]:
        """Every dictionary hit, overlapping ones included."""
        toks = tokens(text) if toks is None else toks
        folded = " " + " ".join(t.norm for t in toks) + " "
        # position in `folded` of the first character of each token
        starts, pos = {}, 1
        for i, tok in enumerate(toks):
            starts[pos] = i
            pos += len(tok.norm) + 1
        for end_index, (length, entries) in self._automaton.iter(folded):
            first = starts.get(end_index - length)
            if first is None:
                continue
            last = first + folded.count(" ", end_index - length, end_index)
            start, end = toks[first].start, toks[last].end
            surface = text[start:end]
            letters = surface.replace("-", "").replace("‐", "")
            for entry in entries:
                if entry.exact is not None and letters != entry.exact and not (
                    any(c.isdigit() for c in entry.exact) and letters.lower() == entry.exact.lower()
                ):
                    continue
                yield Mention(self.vocabulary.terms[entry.curie], start, end, surface, f"dictionary:{entry.rank}")

    def lookup(self, phrase: str) -> Term | None:
        """The best term whose synonym is exactly ``phrase`` (spelling-insensitively), or None."""
        found = self._automaton.get(" " + key(phrase) + " ", None)
        if not found:
            return None
        best = max(found[1], key=lambda e: (e.rank, KIND_PRIORITY[self.vocabulary.terms[e.curie].kind], e.curie))
        return self.vocabulary.terms[best.curie]

    def find(self, text: str, toks: list[Token] | None = None) -> list[Mention]:
        """Non-overlapping mentions: longest first, then the most trusted synonym, then the kind priority."""
        return select_longest(self.candidates(text, toks))


def _encode(value: tuple[int, tuple[Entry, ...]]) -> bytes:
    length, entries = value
    return json.dumps([length, [[e.curie, e.rank, e.exact] for e in entries]]).encode()


def _decode(data: bytes) -> tuple[int, tuple[Entry, ...]]:
    length, entries = json.loads(data)
    return length, tuple(Entry(*e) for e in entries)


def rank_of(mention: Mention) -> int:
    source = mention.source
    return int(source.rsplit(":", 1)[1]) if source.startswith("dictionary:") else 4


def select_longest(candidates: Iterable[Mention]) -> list[Mention]:
    """Greedy choice of non-overlapping mentions, sorted by start offset."""
    ordered = sorted(
        candidates,
        key=lambda m: (-(m.end - m.start), -rank_of(m), -KIND_PRIORITY[m.term.kind], m.start, m.term.curie),
    )
    taken: list[Mention] = []
    used: list[tuple[int, int]] = []
    for mention in ordered:
        if any(mention.start < e and s < mention.end for s, e in used):
            continue
        taken.append(mention)
        used.append((mention.start, mention.end))
    return sorted(taken, key=lambda m: (m.start, m.end))
