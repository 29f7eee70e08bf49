"""Dictionary matching over normalized tokens with an Aho–Corasick automaton.

Each synonym of the vocabulary becomes a key of folded tokens (``kg.text.normalize``) written between
spaces (" interleukin 6 "); the text is folded the same way and the automaton runs over its folded
characters, so a hit is always a whole run of tokens and maps back to character offsets of the original
text. Short or acronym-like synonyms are guarded (see
:func:`guard`). The built matcher is cached as a pickle in the user's cache folder (:meth:`Matcher.cached`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, count
from operator import add
from typing import NamedTuple

import ahocorasick

from kg import resources
from kg.model import EntityKind, Mention, Term
from kg.text.normalize import Token, key, token_columns
from kg.text.spans import TakenSpans
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
    EntityKind.CONTROL: 1,
}

#: Words too general to be a mention of a term on their own ("diseases" is not DOID:4 in any useful sense).
GENERIC = frozenset({"disease", "disorder", "syndrome", "condition", "illness", "drug", "cancer cell"})

_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9\-]{2,7}$")  # "SLE", "MRA", "IL-6R", "CD126"


class Entry(NamedTuple):
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


#: Class-phrase shapes the corpus guideline counts as well ("anti-TNF" names the TNF inhibitors; "any
#: IL-6/IL-6R/gp130 blockade phrase" is the IL-6 inhibitor class), beside the templates of cues.toml.
CLASS_TEMPLATES = (
    "anti-{}", "anti-{} antibody", "anti-{} monoclonal antibody", "anti-{} mAb", "anti-{} biologics",
    "{} blocking therapy", "{}-blocking agent", "{} inhibitory therapy", "{}-neutralizing antibody",
    "{} receptor antagonist", "{} receptor blockade", "{} receptor inhibition", "{} receptor inhibitor",
)


def class_phrases(vocabulary: Vocabulary) -> Iterator[tuple[str, Entry]]:
    """Keys for phrases such as "IL-6 receptor inhibitor": the templates of cues.toml and
    :data:`CLASS_TEMPLATES` over the synonyms of each gene product that defines a drug class."""
    from kg.extract.findings import cue_data

    templates = list(dict.fromkeys([*cue_data()["drug_class"]["templates"], *CLASS_TEMPLATES]))
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
    """Finds vocabulary terms in text.

    The automaton runs over the characters of the folded text, " " + its tokens joined by spaces + " ":
    each key is a synonym's folded tokens written the same way, so a hit starts and ends at a space and is
    always a whole run of tokens (no folded token holds a space). Its value is an index into ``_values``:
    ``(number of tokens, entries)`` with each :class:`Entry` kept as a plain ``(curie, rank, exact)`` tuple,
    so the cached matcher is plain data (:meth:`cached`).

    Characters, not token numbers: a trie node keeps its children in a list that is searched one by one,
    and over token numbers the root has tens of thousands of them, which made every token cost a long scan.
    Over characters no node has more children than the alphabet.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._values: list[tuple[int, tuple[tuple[str, int, str | None], ...]]] = []
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for words, entries in _entries(vocabulary).items():
            self._automaton.add_word(_spaced(words), len(self._values))
            self._values.append((len(words), tuple((e.curie, e.rank, e.exact) for e in entries)))
        self._automaton.make_automaton()

    @classmethod
    def cached(cls, vocabulary: Vocabulary, key: str) -> Matcher:
        """A matcher saved on disk (a pickle in the user's cache folder) under ``key``, which must name
        the vocabulary files and the code that decide its content: building takes seconds, loading a
        tenth of one. A missing, stale or unreadable file is rebuilt and replaced atomically."""
        return resources.cached(
            "matcher", key, lambda: cls(vocabulary), state=cls._state,
            restore=lambda state: cls._from_state(vocabulary, state),
        )

    def _state(self) -> dict:
        return {"format": CACHE_FORMAT, "values": self._values, "automaton": self._automaton}

    @classmethod
    def _from_state(cls, vocabulary: Vocabulary, state: dict) -> Matcher:
        automaton = state["automaton"]
        if state["format"] != CACHE_FORMAT or not isinstance(automaton, ahocorasick.Automaton):
            raise ValueError("not a matcher of this version")
        if automaton.kind != ahocorasick.AHOCORASICK:
            raise ValueError("the cached automaton is not finished")
        matcher = cls.__new__(cls)
        matcher.vocabulary = vocabulary
        matcher._values = state["values"]
        matcher._automaton = automaton
        return matcher

    def candidates(self, text: str, toks: list[Token] | None = None) -> Iterator[Mention]:
        """Every dictionary hit, overlapping ones included: by end token, the longest first."""
        if toks is None:
            norms, starts, ends = token_columns(text)
        else:
            norms, starts, ends = [t.norm for t in toks], [t.start for t in toks], [t.end for t in toks]
        if not norms:
            return
        # the space after token i sits at (letters of tokens 0..i) + (i + 1) in the folded text
        after = list(map(add, accumulate(map(len, norms)), count(1)))
        for space, index in self._automaton.iter(_spaced(norms)):
            length, entries = self._values[index]
            last = bisect_left(after, space)
            start, end = starts[last + 1 - length], ends[last]
            surface = text[start:end]
            letters = surface.replace("-", "").replace("‐", "")
            for curie, rank, exact in entries:
                if exact is not None and letters != exact and not (
                    any(c.isdigit() for c in exact) and letters.lower() == exact.lower()
                ):
                    continue
                yield Mention(self.vocabulary.terms[curie], start, end, surface, f"dictionary:{rank}")

    def lookup(self, phrase: str) -> Term | None:
        """The best term whose synonym is exactly ``phrase`` (spelling-insensitively), or None."""
        norms = token_columns(phrase)[0]
        index = self._automaton.get(_spaced(norms), None) if norms else None
        if index is None:
            return None
        terms = self.vocabulary.terms
        curie, _, _ = max(self._values[index][1], key=lambda e: (e[1], KIND_PRIORITY[terms[e[0]].kind], e[0]))
        return self.vocabulary.terms[curie]

    def find(self, text: str, toks: list[Token] | None = None) -> list[Mention]:
        """Non-overlapping mentions: longest first, then the most trusted synonym, then the kind priority."""
        return select_longest(self.candidates(text, toks))


#: Version of the pickled matcher's layout; a cache file of another version is rebuilt.
CACHE_FORMAT = 3


def _spaced(words: Iterable[str]) -> str:
    """Folded tokens as the automaton reads them: " il 6 receptor "."""
    return " " + " ".join(words) + " "


def _entries(vocabulary: Vocabulary) -> dict[tuple[str, ...], tuple[Entry, ...]]:
    """Every dictionary key (its folded tokens) and the ways it may name terms, one entry per term."""
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
    return {tuple(folded.split()): tuple(by_curie.values()) for folded, by_curie in entries.items()
            if folded.strip()}  # fmt: skip


def rank_of(mention: Mention) -> int:
    """How much a mention's source is trusted: the synonym rank of a dictionary hit, else 4."""
    return _source_rank(mention.source)


@lru_cache(maxsize=1024)
def _source_rank(source: str) -> int:
    return int(source.rsplit(":", 1)[1]) if source.startswith("dictionary:") else 4


def _preference(mention: Mention) -> tuple[int, int, int, int, str]:
    """Sort key of :func:`select_longest`: longest first, then the most trusted, then the kind priority."""
    return (mention.start - mention.end, -_source_rank(mention.source), -KIND_PRIORITY[mention.term.kind],
            mention.start, mention.term.curie)  # fmt: skip


def select_longest(candidates: Iterable[Mention]) -> list[Mention]:
    """Greedy choice of non-overlapping mentions, sorted by start offset: longest first, then the most
    trusted, then the kind priority. O(n log n): each overlap test is one bisection (:class:`TakenSpans`)."""
    taken: list[Mention] = []
    used = TakenSpans()
    overlaps, add = used.overlaps, used.add
    for mention in sorted(candidates, key=_preference):
        start, end = mention.start, mention.end
        if not overlaps(start, end):
            taken.append(mention)
            add(start, end)
    return sorted(taken, key=_span)


def _span(mention: Mention) -> tuple[int, int]:
    return mention.start, mention.end
