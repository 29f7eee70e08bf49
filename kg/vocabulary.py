"""The vocabulary: terms, synonyms, drug targets, drug classes and disease ancestors, read from Turtle.

Sources are ``ontology/kg.ttl`` (our TBox, drug classes) and the generated ``ontology/vocab/*.ttl``.
Everything is parsed once with pyoxigraph; IRIs are compressed to CURIEs with ``ontology/prefixes.json``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import resources
from kg.errors import OntologyError
from kg.model import EntityKind, Term

if TYPE_CHECKING:
    import curies

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
KGO = "https://w3id.org/cytokine-kg/ontology#"

KIND_OF_CLASS = {
    KGO + "Cytokine": EntityKind.CYTOKINE,
    KGO + "Receptor": EntityKind.RECEPTOR,
    KGO + "GeneProduct": EntityKind.PROTEIN,
    KGO + "Drug": EntityKind.DRUG,
    KGO + "DrugClass": EntityKind.DRUG_CLASS,
    KGO + "ControlTreatment": EntityKind.CONTROL,
}
#: How much a synonym is trusted: preferred labels and symbols, then exact synonyms, then related ones.
SYNONYM_RANK = {
    RDFS + "label": 3,
    KGO + "symbol": 3,
    SKOS + "prefLabel": 3,
    SKOS + "altLabel": 2,
    OBOINOWL + "hasExactSynonym": 2,
    OBOINOWL + "hasRelatedSynonym": 1,
    OBOINOWL + "hasNarrowSynonym": 1,
}
MAPPINGS = (SKOS + "exactMatch", SKOS + "closeMatch")
#: Version of the pickled vocabulary's layout; a cache file of another version is rebuilt.
CACHE_FORMAT = 1
TARGET_PREDICATES = {KGO + "inhibits": "inhibits", KGO + "activates": "activates", KGO + "targets": "targets"}


@dataclass(frozen=True, slots=True)
class Synonym:
    """A surface form of a term as written in the vocabulary."""

    text: str
    curie: str
    rank: int


def default_files() -> list[Path]:
    """ontology/kg.ttl and every ontology/vocab/*.ttl, in a fixed order."""
    files = [resources.ontology_dir() / "kg.ttl", *sorted(resources.vocab_dir().glob("*.ttl"))]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise OntologyError(f"vocabulary file missing: {missing[0]}")
    return files


@dataclass(frozen=True)
class Prefixes:
    """CURIE <-> IRI with one prefix map (``ontology/prefixes.json``: one URI prefix per CURIE prefix, no
    synonyms). Expanding is the map lookup curies' Converter makes for such a map, done here because a
    build expands a CURIE for every term and article; compressing IRIs (longest URI prefix) is left to
    curies, imported on first use (importing it costs about 0.1 s, a tenth of a warm start)."""

    prefix_map: dict[str, str]

    def expand(self, curie: str) -> str | None:
        """'PMID:123' -> 'https://pubmed.ncbi.nlm.nih.gov/123'; None for an unknown prefix or no colon."""
        prefix, colon, local = curie.partition(":")
        uri_prefix = self.prefix_map.get(prefix) if colon else None
        return None if uri_prefix is None else uri_prefix + local

    def compress(self, iri: str) -> str | None:
        """The CURIE of ``iri`` under the longest URI prefix it starts with, or None."""
        return self._converter.compress(iri)

    @cached_property
    def _converter(self) -> curies.Converter:
        import curies

        return curies.Converter.from_prefix_map(self.prefix_map)


@cache
def converter() -> Prefixes:
    """CURIE <-> IRI converter built from ontology/prefixes.json."""
    path = resources.ontology_dir() / "prefixes.json"
    try:
        prefix_map = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot read the prefix map: {exc}") from exc
    return Prefixes(prefix_map)


class Vocabulary:
    """Terms by CURIE, their synonyms, and the relations the extractor and the graph builder need."""

    def __init__(
        self,
        terms: dict[str, Term],
        synonyms: Sequence[Synonym],
        targets: dict[str, dict[str, frozenset[str]]],
        drug_classes: dict[str, frozenset[str]],
        class_targets: dict[str, frozenset[str]],
        ancestors: dict[str, frozenset[str]],
    ) -> None:
        self.terms = terms
        self._synonyms: tuple[Synonym, ...] | None = tuple(synonyms)
        self._raw_synonyms: Sequence[tuple[str, str, int]] = ()
        self.targets = targets  # drug -> {"inhibits"|"activates"|"targets": genes}
        self.drug_classes = drug_classes  # drug -> drug classes it belongs to (inferred by the reasoner)
        self.class_targets = class_targets  # drug class -> genes whose inhibition defines it
        self.ancestors = ancestors  # disease -> all its ancestor classes (closure)
        self._xref_index: dict[str, Term] | None = None

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def synonyms(self) -> tuple[Synonym, ...]:
        """Every synonym; only building a matcher needs them, so a cached vocabulary makes them on demand."""
        if self._synonyms is None:
            self._synonyms = tuple(Synonym(text, curie, rank) for text, curie, rank in self._raw_synonyms)
            self._raw_synonyms = ()
        return self._synonyms

    def term(self, curie: str) -> Term:
        try:
            return self.terms[curie]
        except KeyError:
            raise OntologyError(f"unknown vocabulary term {curie!r}") from None

    def is_a(self, curie: str, ancestor: str) -> bool:
        """True if ``curie`` is ``ancestor`` or a descendant of it (diseases)."""
        return curie == ancestor or ancestor in self.ancestors.get(curie, ())

    def xref_index(self) -> dict[str, Term]:
        """CURIE (``MESH:D009101``) -> term: the term with that CURIE, else the first term mapped to it."""
        if self._xref_index is None:
            index: dict[str, Term] = dict(self.terms)  # a term's own CURIE names it before any mapping
            for term in self.terms.values():
                for xref in term.xrefs:
                    index.setdefault(xref, term)
            self._xref_index = index
        return self._xref_index

    def inhibited_by(self, drug: str) -> frozenset[str]:
        return self.targets.get(drug, {}).get("inhibits", frozenset())

    def all_targets(self, drug: str) -> frozenset[str]:
        return frozenset().union(*self.targets.get(drug, {}).values())

    def to_json(self) -> dict:
        return {
            "terms": [[t.curie, t.kind.value, t.label, t.symbol, list(t.xrefs)] for t in self.terms.values()],
            "synonyms": [[s.text, s.curie, s.rank] for s in self.synonyms],
            "targets": {d: {k: sorted(v) for k, v in by.items()} for d, by in self.targets.items()},
            "drug_classes": {d: sorted(c) for d, c in self.drug_classes.items()},
            "class_targets": {c: sorted(g) for c, g in self.class_targets.items()},
            "ancestors": {d: sorted(a) for d, a in self.ancestors.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        return cls(
            terms={c: Term(c, EntityKind(k), label, symbol, tuple(x)) for c, k, label, symbol, x in data["terms"]},
            synonyms=[Synonym(text, curie, rank) for text, curie, rank in data["synonyms"]],
            targets={d: {k: frozenset(v) for k, v in by.items()} for d, by in data["targets"].items()},
            drug_classes={d: frozenset(c) for d, c in data["drug_classes"].items()},
            class_targets={c: frozenset(g) for c, g in data["class_targets"].items()},
            ancestors={d: frozenset(a) for d, a in data["ancestors"].items()},
        )

    def _cache_state(self) -> dict:
        """Plain data (tuples, dicts, frozensets) that pickles and unpickles at C speed."""
        return {
            "format": CACHE_FORMAT,
            "terms": [(t.curie, t.kind, t.label, t.symbol, t.xrefs) for t in self.terms.values()],
            "synonyms": [(s.text, s.curie, s.rank) for s in self.synonyms],
            "targets": self.targets,
            "drug_classes": self.drug_classes,
            "class_targets": self.class_targets,
            "ancestors": self.ancestors,
        }

    @classmethod
    def _from_cache_state(cls, state: dict) -> Vocabulary:
        if state["format"] != CACHE_FORMAT:
            raise ValueError("not a vocabulary cache of this version")
        terms = {t[0]: Term(*t) for t in state["terms"]}
        vocabulary = cls(terms, (), state["targets"], state["drug_classes"], state["class_targets"], state["ancestors"])
        vocabulary._synonyms, vocabulary._raw_synonyms = None, state["synonyms"]
        return vocabulary

    @classmethod
    def load_cached(cls) -> Vocabulary:
        """The project's vocabulary, from a pickle in the user's cache folder keyed by the vocabulary files
        and this module (parsing the Turtle takes seconds, loading the pickle a tenth of one)."""
        files = default_files()
        key = resources.fingerprint(*files, Path(__file__))
        return resources.cached(
            "vocabulary", key, lambda: cls.load(files), state=cls._cache_state, restore=cls._from_cache_state
        )

    @classmethod
    def load(cls, files: Iterable[Path] | None = None) -> Vocabulary:
        """Parse the Turtle files (default: :func:`default_files`) into a Vocabulary."""
        conv = converter()
        curie_of: dict[str, str] = {}

        def to_curie(iri: str) -> str:
            if iri not in curie_of:
                curie_of[iri] = conv.compress(iri) or iri
            return curie_of[iri]

        types: dict[str, set[str]] = defaultdict(set)
        labels: dict[str, str] = {}
        symbols: dict[str, str] = {}
        synonyms: list[Synonym] = []
        xrefs: dict[str, list[str]] = defaultdict(list)
        parents: dict[str, set[str]] = defaultdict(set)
        targets: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        class_targets: dict[str, set[str]] = defaultdict(set)
        narrower: dict[str, set[str]] = defaultdict(set)

        for path in files if files is not None else default_files():
            try:
                triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
            except (OSError, SyntaxError, ValueError) as exc:
                raise OntologyError(f"{path}: cannot parse the vocabulary: {exc}") from exc
            for triple in triples:
                s, o = triple.subject, triple.object
                if not isinstance(s, ox.NamedNode):
                    continue
                subject, predicate = s.value, triple.predicate.value
                if predicate == RDF_TYPE:
                    types[subject].add(o.value)
                elif predicate in SYNONYM_RANK and isinstance(o, ox.Literal):
                    rank = SYNONYM_RANK[predicate]
                    if predicate == RDFS + "label":
                        labels[subject] = o.value
                    elif predicate == KGO + "symbol":
                        symbols[subject] = o.value
                    synonyms.append(Synonym(o.value, subject, rank))
                elif predicate in MAPPINGS and isinstance(o, ox.NamedNode):
                    xrefs[subject].append(o.value)
                elif predicate == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
                    parents[subject].add(o.value)
                elif predicate in TARGET_PREDICATES and isinstance(o, ox.NamedNode):
                    targets[subject][TARGET_PREDICATES[predicate]].add(o.value)
                elif predicate == KGO + "classTarget" and isinstance(o, ox.NamedNode):
                    class_targets[subject].add(o.value)
                elif predicate == SKOS + "narrower" and isinstance(o, ox.NamedNode):
                    narrower[subject].add(o.value)

        # a gene family whose members all define a class names the class too: "anti-IL-1" (IL1A, IL1B)
        for genes in class_targets.values():
            genes |= {family for family, members in narrower.items() if members and members <= genes}

        disease_root = KGO + "Disease"
        terms: dict[str, Term] = {}
        for iri, label in labels.items():
            kind = _kind(types.get(iri, set()), parents.get(iri, set()), disease_root)
            if kind is None:
                continue
            curie = to_curie(iri)
            own = [curie] if ":" in curie and not curie.startswith(("KGO:", "KGD:", "KGR:")) else []
            mapped = sorted({to_curie(x) for x in xrefs.get(iri, ())} - {curie})
            terms[curie] = Term(curie, kind, label, symbols.get(iri), tuple(own + mapped))

        drug_classes: dict[str, set[str]] = defaultdict(set)
        for iri, kinds in types.items():
            for cls_iri in kinds:
                if KIND_OF_CLASS.get(cls_iri) is None and KGO + "DrugClass" in types.get(cls_iri, ()):
                    drug_classes[to_curie(iri)].add(to_curie(cls_iri))

        return cls(
            terms=terms,
            synonyms=[Synonym(s.text, to_curie(s.curie), s.rank) for s in synonyms if to_curie(s.curie) in terms],
            targets={
                to_curie(d): {k: frozenset(map(to_curie, v)) for k, v in by.items()} for d, by in targets.items()
            },
            drug_classes={d: frozenset(c) for d, c in drug_classes.items()},
            class_targets={to_curie(c): frozenset(map(to_curie, g)) for c, g in class_targets.items()},
            ancestors={
                to_curie(d): frozenset(to_curie(p) for p in ps)
                for d, ps in parents.items()
                if to_curie(d) in terms and terms[to_curie(d)].kind is EntityKind.DISEASE
            },
        )


def _kind(types: set[str], parents: set[str], disease_root: str) -> EntityKind | None:
    """The entity kind of a subject from its rdf:types, or DISEASE when the subClassOf closure says so."""
    for cls_iri in (KGO + "DrugClass", KGO + "Drug", KGO + "Cytokine", KGO + "Receptor", KGO + "GeneProduct",
                    KGO + "ControlTreatment"):
        if cls_iri in types:
            return KIND_OF_CLASS[cls_iri]
    if disease_root in parents:
        return EntityKind.DISEASE
    if KGO + "Phenotype" in parents:
        return EntityKind.PHENOTYPE
    return None


@cache
def default_vocabulary() -> Vocabulary:
    """The project's vocabulary, loaded once per process (from the cache when it is fresh)."""
    return Vocabulary.load_cached()
