"""Document-level concept evaluation against a PubTator gold file (the BC5CDR / DNorm / TaggerOne protocol).

For every document, the gold is the *set* of ``(type, concept id)`` pairs its annotations carry, and the
prediction is the same set built from another PubTator file (another tool's output, scored by the same code)
or from our own extractor run on the gold file's texts without its annotations. Precision, recall and F1 are
micro-averaged per type over all gold documents::

    report = evaluate(Path("CDR_DevelopmentSet.PubTator.txt"))
    print(report.text())            # ... ends with "disease_f1=0.842 chemical_f1=0.731"

Gold conventions handled:

* types: BC5CDR ``Disease``/``Chemical``; NCBI Disease ``SpecificDisease``, ``DiseaseClass``, ``Modifier`` and
  ``CompositeMention`` (all ``disease``); BioRED ``DiseaseOrPhenotypicFeature`` (disease), ``ChemicalEntity``
  (chemical), ``GeneOrGeneProduct`` (gene), ``SequenceVariant``, ``OrganismTaxon``, ``CellLine``;
* ids: MeSH (``D009101``, ``C079014``, ``MESH:D009101``), ``OMIM:254500``, NCBI Gene numbers; ``-1``
  (no concept) is ignored; composite ids ``D1|D2`` (NCBI's ``D1+D2`` combinations, BioRED's ``1,2``)
  count each id.

Our predictions (:func:`term_concepts`): a mention's term gives its MeSH id (its own CURIE, else its mappings,
preferring ``skos:exactMatch``), else its one OMIM id, else the MeSH id of its most specific ancestor that
has one; gene products give NCBI Gene ids. Entity kinds map to types as in :data:`KIND_TYPE`.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TextIO

from kg.errors import InputError
from kg.model import Document, EntityKind, Extraction, Term
from kg.readers.common import clean_pmid, decode_text
from kg.vocabulary import Vocabulary

__all__ = [
    "KIND_TYPE",
    "TYPE_OF_ANNOTATION",
    "EvaluationReport",
    "TypeScore",
    "evaluate",
    "normalize_id",
    "predict",
    "predictions_to_pubtator",
    "read_concepts",
    "term_concepts",
]

DEFAULT_TYPES = ("disease", "chemical")

#: PubTator annotation type (lower case, spaces removed) -> evaluation type.
TYPE_OF_ANNOTATION = {
    "disease": "disease",
    "specificdisease": "disease",
    "diseaseclass": "disease",
    "modifier": "disease",
    "compositemention": "disease",
    "diseaseorphenotypicfeature": "disease",
    "chemical": "chemical",
    "chemicalentity": "chemical",
    "drug": "chemical",
    "gene": "gene",
    "geneorgeneproduct": "gene",
    "sequencevariant": "variant",
    "mutation": "variant",
    "dnamutation": "variant",
    "proteinmutation": "variant",
    "snp": "variant",
    "organismtaxon": "species",
    "species": "species",
    "cellline": "cell_line",
}

#: Our entity kinds -> evaluation type.
KIND_TYPE = {
    EntityKind.DISEASE: "disease",
    EntityKind.PHENOTYPE: "disease",  # BC5CDR's, NCBI's and BioRED's "disease" includes signs and symptoms
    EntityKind.DRUG: "chemical",
    EntityKind.DRUG_CLASS: "chemical",
    EntityKind.CYTOKINE: "gene",
    EntityKind.RECEPTOR: "gene",
    EntityKind.PROTEIN: "gene",
}


#: Evaluation type -> the PubTator type written by :func:`predictions_to_pubtator` (BC5CDR spelling).
PUBTATOR_TYPE = {"disease": "Disease", "chemical": "Chemical", "gene": "Gene"}

#: Bare numeric ids are read in the namespace of their type.
_NUMERIC_PREFIX = {"gene": "NCBIGene", "species": "NCBITaxon"}
_PREFIX_ALIASES = {"MESH": "MESH", "MSH": "MESH", "OMIM": "OMIM", "MIM": "OMIM", "NCBIGENE": "NCBIGene",
                   "GENE": "NCBIGene", "NCBITAXON": "NCBITaxon", "TAXON": "NCBITaxon"}  # fmt: skip
_MESH_LOCAL = re.compile(r"^[CD]\d{6,9}$")
_TEXT_LINE = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")
_TMVAR = re.compile(r"^[cgmnpr]\|[A-Z]+\|")

Concept = tuple[str, str]  # (type, normalized id)
_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
_EVALUATED_PREFIXES = ("MESH", "OMIM")  # the namespaces of BC5CDR/NCBI Disease concept ids


@cache
def _evaluated_iris() -> tuple[str, ...]:
    from kg.vocabulary import converter

    return tuple(converter().expand(f"{prefix}:") for prefix in _EVALUATED_PREFIXES)


def _default() -> Vocabulary:
    from kg.vocabulary import default_vocabulary

    return default_vocabulary()


# ---------------------------------------------------------------- ids


def normalize_id(raw: str, type: str = "") -> str | None:
    """One concept id in a comparable form: ``D009101`` / ``mesh:D009101`` -> ``MESH:D009101``,
    ``MIM:254500`` -> ``OMIM:254500``; a bare number is an NCBI Gene (genes) or Taxonomy (species) id.
    ``-1``, ``-`` and empty strings are no concept (None)."""
    value = raw.strip()
    if not value or value in ("-1", "-", "None"):
        return None
    if _MESH_LOCAL.match(value.upper()):
        return "MESH:" + value.upper()
    if ":" in value and not _TMVAR.match(value):
        prefix, local = value.split(":", 1)
        prefix = _PREFIX_ALIASES.get(prefix.upper(), prefix)
        local = local.strip()
        if not local or local == "-1":
            return None
        return f"{prefix}:{local.upper() if prefix == 'MESH' else local}"
    if value.isdigit() and type in _NUMERIC_PREFIX:
        return f"{_NUMERIC_PREFIX[type]}:{value}"
    return value


def split_ids(raw: str, type: str = "") -> list[str]:
    """The normalized ids of one annotation's id column: ``|``, ``,``, ``;`` and ``+`` separate concepts
    (tmVar variant ids such as ``p|SUB|V|1763|M`` keep their ``|``)."""
    raw = raw.strip()
    if not raw:
        return []
    pattern = r"[,;]" if _TMVAR.match(raw) else r"[|,;+]"
    return [i for part in re.split(pattern, raw) if (i := normalize_id(part, type)) is not None]


# ---------------------------------------------------------------- reading PubTator concept sets


def _read_text(source: Path | str | TextIO) -> tuple[str, str]:
    if hasattr(source, "read"):
        return source.read(), getattr(source, "name", "<stream>")  # type: ignore[union-attr]
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.strerror or exc})") from None
    return decode_text(data, str(path)), str(path)


def _doc_key(raw: str) -> str:
    """A document id as both sides spell it: a PMID without leading zeros, else the id itself."""
    return clean_pmid(raw) or raw.strip()


def read_concepts(source: Path | str | TextIO, types: Sequence[str] | None = None) -> dict[str, set[Concept]]:
    """Document id -> its set of ``(type, id)`` concepts, from the annotation lines of a PubTator file.

    Every document with a title, an abstract or an annotation line is listed (possibly with an empty set).
    Relation lines are skipped; annotation types outside ``types`` (default: all) are left out."""
    return _parse(source, types)[0]


def _parse(
    source: Path | str | TextIO, types: Sequence[str] | None
) -> tuple[dict[str, set[Concept]], list[str]]:
    """The concept sets, and the ids of the documents that have a title or abstract, in file order."""
    text, name = _read_text(source)
    wanted = set(types) if types is not None else None
    documents: dict[str, set[Concept]] = {}
    with_text: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _TEXT_LINE.match(line)
        if match:
            documents.setdefault(_doc_key(match.group(1)), set())
            with_text.setdefault(_doc_key(match.group(1)))
            continue
        cells = line.split("\t")
        if len(cells) >= 5 and cells[1].strip().isdigit() and cells[2].strip().isdigit():
            doc = documents.setdefault(_doc_key(cells[0]), set())
            kind = TYPE_OF_ANNOTATION.get(cells[4].strip().lower().replace(" ", ""), cells[4].strip().lower())
            if wanted is not None and kind not in wanted:
                continue
            ids = split_ids(cells[5], kind) if len(cells) > 5 else []
            if len(cells) > 6 and re.match(r"^[A-Za-z]+:\S+$", cells[6].strip()):
                ids += split_ids(cells[6], kind)  # PubTator Central puts extra ids in a 7th column
            doc.update((kind, i) for i in ids)
        elif len(cells) >= 3 and not cells[1].strip().isdigit():
            continue  # a relation line (BC5CDR CID, BioRED)
        else:
            raise InputError(
                name, f"PubTator line {number}: not a title, abstract, annotation or relation line"
            )
    if not documents:
        raise InputError(name, "no PubTator document in this file")
    return documents, list(with_text)


# ---------------------------------------------------------------- our predictions


@cache
def exact_links() -> dict[str, frozenset[str]]:
    """Term CURIE -> the MeSH and OMIM CURIEs it has as ``skos:exactMatch`` in the project's vocabulary
    files (``Vocabulary`` keeps exact and close matches together; this tells them apart)."""
    import pyoxigraph as ox

    from kg.vocabulary import converter, default_files

    conv = converter()
    links: dict[str, set[str]] = defaultdict(set)
    for path in default_files():
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == _EXACT_MATCH and triple.object.value.startswith(_evaluated_iris()):
                subject = conv.compress(triple.subject.value) or triple.subject.value
                obj = conv.compress(triple.object.value)
                if obj:
                    links[subject].add(obj)
    return {s: frozenset(m) for s, m in links.items()}


def term_concepts(term: Term, vocabulary: Vocabulary | None = None) -> list[Concept]:
    """The ``(type, id)`` concepts a mention of ``term`` predicts: MeSH ids (the term's own CURIE or its
    mappings); for a disease with no MeSH id, its one OMIM id (several: a group, none of them), else the MeSH
    id of its most specific ancestor that has one; for a gene product, its NCBI Gene ids.

    With ``vocabulary`` (the project's), a term mapped to several ids predicts those it has as
    ``skos:exactMatch``; else its MeSH ids that are not another term's own CURIE (DOID's "hepatitis" lists
    MeSH "Hepatitis" and "Hepatitis, Chronic"; the latter is a term of its own); else its one OMIM id."""
    kind = KIND_TYPE.get(term.kind)
    if kind is None:
        return []
    mesh = [x for x in term.xrefs if x.startswith("MESH:")]
    if kind == "gene":
        ids = [x for x in term.xrefs if x.startswith("NCBIGene:")] or mesh
    elif term.curie.startswith("MESH:"):
        ids = [term.curie]
    else:
        omim = [x for x in term.xrefs if x.startswith("OMIM:")] if kind == "disease" else []
        exact: frozenset[str] = frozenset()
        if vocabulary is not None and len(mesh) + len(omim) > 1 and vocabulary is _default():
            exact = exact_links().get(term.curie, frozenset())
        ids = [x for x in mesh + omim if x in exact]
        if not ids and vocabulary is not None and len(mesh) > 1:
            ids = [x for x in mesh if x not in vocabulary.terms]
        if not ids:
            ids = mesh or (omim if len(omim) == 1 else [])  # several OMIM entries: a group, not one
        if not ids and kind == "disease" and vocabulary is not None:
            ids = _nearest_mesh_ancestor(term, vocabulary)
    return [(kind, i) for x in ids if (i := normalize_id(x, kind)) is not None]


#: An ancestor this close to the root ("disease", "disease of anatomical entity") is too broad to stand in.
_MIN_ANCESTOR_DEPTH = 3


def _nearest_mesh_ancestor(term: Term, vocabulary: Vocabulary) -> list[str]:
    """MeSH is coarser than DOID: a disease with no MeSH/OMIM id is scored as the most specific of its
    ancestors that has one ("prostate carcinoma" as "prostate cancer", MeSH "Prostatic Neoplasms")."""
    best: tuple[int, str] | None = None
    for ancestor in vocabulary.ancestors.get(term.curie, ()):
        parent = vocabulary.terms.get(ancestor)
        depth = len(vocabulary.ancestors.get(ancestor, ()))
        if parent is None or depth < _MIN_ANCESTOR_DEPTH:
            continue
        if (parent.curie.startswith("MESH:") or any(x.startswith("MESH:") for x in parent.xrefs)) and (
            best is None or (-depth, ancestor) < (-best[0], best[1])
        ):
            best = (depth, ancestor)
    if best is None:
        return []
    parent = vocabulary.terms[best[1]]
    return [i for _, i in term_concepts(parent, vocabulary)]


def extraction_concepts(
    extraction: Extraction, types: Sequence[str] | None = None, vocabulary: Vocabulary | None = None
) -> set[Concept]:
    """The concept set of one document's mentions."""
    wanted = set(types) if types is not None else None
    return {
        c
        for mention in extraction.mentions
        for c in term_concepts(mention.term, vocabulary)
        if wanted is None or c[0] in wanted
    }


def document_id(document: Document, index: int = 0) -> str:
    """The PubTator id of a document: its PMID, else its source's file name (and position)."""
    if document.pmid:
        return document.pmid
    stem = re.sub(r"[|\t\s]+", "_", Path(document.source).name) or "doc"
    return f"{stem}#{index}" if index else stem


def _without_annotations(document: Document) -> Document:
    return dataclasses.replace(document, annotations=())


def predict(documents: Iterable[Document], extractor=None) -> list[Extraction]:
    """Run our extractor on ``documents`` with their own annotations removed and not consulted."""
    if extractor is None:
        from kg.extract import Extractor

        extractor = Extractor(use_source_annotations=False, specialize_to_title=False)
    return [extractor.extract(_without_annotations(d)) for d in documents]


def _pubtator_text(document: Document) -> tuple[str, str]:
    """Title and abstract such that ``title + " " + abstract`` is ``document.text`` (offsets stay valid)."""
    text = document.text
    title = next((s for s in document.sections if s.name == "title"), None)
    if title is not None and title.start == 0 and text[title.end : title.end + 1] == " ":
        head, tail = text[: title.end], text[title.end + 1 :]
    else:  # one line: line breaks become spaces, so every offset is kept
        head, tail = text, None
    head = re.sub(r"[\r\n\t]", " ", head)
    return head, re.sub(r"[\r\n\t]", " ", tail) if tail is not None else ""


def predictions_to_pubtator(
    extractions: Iterable[Extraction],
    out: Path | str | TextIO | None = None,
    types: Sequence[str] | None = DEFAULT_TYPES,
    vocabulary: Vocabulary | None = None,
) -> str:
    """Our extractions as PubTator text: ``ID|t|``, ``ID|a|`` and one annotation line per mention
    (``ID start end text Disease D009101``; several ids joined by ``|``; ``-1`` when the term has no
    MeSH/OMIM/NCBI Gene id). Mentions of other types than ``types`` (None: all) are left out.
    Written to ``out`` when given; the text is returned either way. Scoring the written file with
    :func:`evaluate` gives the same figures as scoring the extractions directly. ``vocabulary`` is the one
    the extractions were made with (default: the project's)."""
    wanted = set(types) if types is not None else None
    if vocabulary is None:
        from kg.vocabulary import default_vocabulary

        vocabulary = default_vocabulary()
    buffer = io.StringIO()
    for index, extraction in enumerate(extractions):
        document = extraction.document
        doc_id = document_id(document, index)
        title, abstract = _pubtator_text(document)
        buffer.write(f"{doc_id}|t|{title}\n{doc_id}|a|{abstract}\n")
        for mention in extraction.mentions:
            kind = KIND_TYPE.get(mention.term.kind)
            if kind is None or (wanted is not None and kind not in wanted):
                continue
            ids = [i for _, i in term_concepts(mention.term, vocabulary)]
            written = "|".join(i.removeprefix("MESH:") if i.startswith("MESH:") else i for i in ids) or "-1"
            surface = re.sub(r"[\r\n\t]", " ", mention.text)
            buffer.write(
                f"{doc_id}\t{mention.start}\t{mention.end}\t{surface}\t"
                f"{PUBTATOR_TYPE.get(kind, kind)}\t{written}\n"
            )
        buffer.write("\n")
    text = buffer.getvalue()
    if out is not None:
        if hasattr(out, "write"):
            out.write(text)  # type: ignore[union-attr]
        else:
            Path(out).write_text(text, encoding="utf-8")
    return text


# ---------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Micro-averaged counts of one type over all documents."""

    type: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class EvaluationReport:
    """Per-type scores, and the concept sets they were computed from (document id -> set of (type, id))."""

    gold_source: str
    prediction_source: str
    scores: tuple[TypeScore, ...]
    gold: Mapping[str, frozenset[Concept]]
    predicted: Mapping[str, frozenset[Concept]]

    @property
    def documents(self) -> int:
        return len(self.gold)

    def score(self, type: str) -> TypeScore:
        for score in self.scores:
            if score.type == type:
                return score
        raise KeyError(type)

    def errors(self, type: str) -> dict[str, tuple[set[str], set[str]]]:
        """Document id -> (false-positive ids, false-negative ids) of one type, for documents with errors."""
        out = {}
        for doc, gold in self.gold.items():
            g = {i for t, i in gold if t == type}
            p = {i for t, i in self.predicted.get(doc, ()) if t == type}
            if g != p:
                out[doc] = (p - g, g - p)
        return out

    def text(self) -> str:
        """A small table (P, R, F1, tp/fp/fn per type) ending with one ``TYPE_f1=0.842 ...`` line."""
        lines = [
            f"gold: {self.gold_source} ({self.documents} documents)",
            f"predictions: {self.prediction_source}",
            f"{'type':12} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn",
        ]
        for s in self.scores:
            lines.append(f"{s.type:12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}   {s.tp}/{s.fp}/{s.fn}")
        lines.append(" ".join(f"{s.type}_f1={s.f1:.3f}" for s in self.scores))
        return "\n".join(lines) + "\n"


def score(
    gold: Mapping[str, set[Concept]], predicted: Mapping[str, set[Concept]], types: Sequence[str]
) -> tuple[TypeScore, ...]:
    """Micro P/R/F1 counts per type over the gold documents (predictions for other documents are ignored)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for doc, gold_set in gold.items():
        pred_set = predicted.get(doc, set())
        for kind in types:
            g = {c for c in gold_set if c[0] == kind}
            p = {c for c in pred_set if c[0] == kind}
            counts[kind][0] += len(g & p)
            counts[kind][1] += len(p - g)
            counts[kind][2] += len(g - p)
    return tuple(TypeScore(kind, *counts[kind]) for kind in types)


def evaluate(
    gold: Path,
    predictions: Path | None = None,
    types: Sequence[str] = DEFAULT_TYPES,
    *,
    extractor=None,
) -> EvaluationReport:
    """Score ``predictions`` (a PubTator file), or our extractor when it is None, against ``gold``.

    ``types`` are evaluation types (``disease``, ``chemical``, ``gene``, ``variant``, ``species``,
    ``cell_line``). With no predictions file, the gold file's documents are read with the PubTator reader
    and extracted without their annotations (``extractor`` defaults to
    ``Extractor(use_source_annotations=False, specialize_to_title=False)``).
    """
    types = tuple(t.strip().lower() for t in types if t.strip())
    if not types:
        raise ValueError("no evaluation type given")
    gold_sets, text_ids = _parse(gold, types)
    if predictions is not None:
        predicted = read_concepts(predictions, types)
        source = str(predictions)
    else:
        from kg.readers import read_file

        if extractor is None:
            from kg.extract import Extractor

            extractor = Extractor(use_source_annotations=False, specialize_to_title=False)
        documents = read_file(Path(gold), "pubtator")
        extractions = predict(documents, extractor)
        predicted: dict[str, set[Concept]] = {}
        same_order = len(extractions) == len(text_ids)
        for index, extraction in enumerate(extractions):
            doc_id = text_ids[index] if same_order else document_id(extraction.document, index)
            predicted.setdefault(doc_id, set()).update(
                extraction_concepts(extraction, types, extractor.vocabulary)
            )
        source = "kg extractor (source annotations not used)"
    return EvaluationReport(
        gold_source=str(gold),
        prediction_source=source,
        scores=score(gold_sets, predicted, types),
        gold={d: frozenset(s) for d, s in gold_sets.items()},
        predicted={d: frozenset(s) for d, s in predicted.items()},
    )
