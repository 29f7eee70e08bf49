"""BioC documents (shared by the XML and JSON readers): passages placed at their offsets, annotations kept.

``Document.text`` is built so that every passage starts at its own ``offset`` (gaps are padded with a
newline and spaces), hence BioC annotation offsets index ``Document.text`` directly. A passage whose
offset overlaps the text already placed is appended after a newline and its annotations are shifted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from kg.errors import one_line
from kg.model import Author, Document, Section, SourceAnnotation
from kg.readers.common import clean_doi, clean_pmc, clean_pmid, label_sections, parse_date, split_identifiers

log = logging.getLogger(__name__)
IDENTIFIER_KEYS = ("identifier", "Identifier", "MESH", "mesh", "MeSH", "NCBI Gene", "ncbi_gene")


@dataclass
class RawAnnotation:
    """An annotation as written: its locations (document-level start/end; several when discontinuous),
    its text and infons."""

    spans: list[tuple[int, int]]
    text: str
    infons: dict[str, str]


@dataclass
class RawPassage:
    """A passage (or a sentence) as written."""

    offset: int
    text: str
    infons: dict[str, str] = field(default_factory=dict)
    annotations: list[RawAnnotation] = field(default_factory=list)
    sentences: list[RawPassage] = field(default_factory=list)


@dataclass
class RawDocument:
    """A BioC document as written, plus top-level extras (PubTator JSON ``pmid``, ``pmcid``, ``authors``)."""

    id: str
    infons: dict[str, str] = field(default_factory=dict)
    passages: list[RawPassage] = field(default_factory=list)
    annotations: list[RawAnnotation] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class _Placed:
    offset: int  # as written
    start: int  # in Document.text
    text: str
    passage: RawPassage


def _place(passages: list[RawPassage]) -> tuple[str, list[_Placed]]:
    pieces: list[tuple[int, str, RawPassage]] = []
    for passage in passages:
        if passage.text:
            pieces.append((passage.offset, passage.text, passage))
        else:
            pieces.extend((s.offset, s.text, passage) for s in passage.sentences if s.text)
    pieces.sort(key=lambda piece: piece[0])
    out: list[str] = []
    placed: list[_Placed] = []
    pos = 0
    for offset, text, passage in pieces:
        if offset >= pos:
            gap = offset - pos
            if gap:
                out.append("\n" + " " * (gap - 1))
            start = offset
        else:
            if pos:
                out.append("\n")
            start = pos + (1 if pos else 0)
        out.append(text)
        placed.append(_Placed(offset, start, text, passage))
        pos = start + len(text)
    return "".join(out), placed


def _shift(placed: list[_Placed], offset: int) -> int:
    for piece in placed:
        if piece.offset <= offset <= piece.offset + len(piece.text):
            return piece.start - piece.offset
    return 0


def _realign(text: str, start: int, mention: str) -> int | None:
    """The start of ``mention`` nearest to ``start`` within a small window, or None."""
    window = len(mention) + 100
    lo, hi = max(0, start - window), min(len(text), start + window + len(mention))
    best = None
    for match in re.finditer(re.escape(mention), text[lo:hi]):
        candidate = lo + match.start()
        if best is None or abs(candidate - start) < abs(best - start):
            best = candidate
    return best


def _aligned(doc_id: str, ann: RawAnnotation, text: str, placed: list[_Placed]) -> list[tuple[int, int]]:
    """Spans of ``ann`` in ``text``: one span whose text is the annotation's (moved to the nearest occurrence
    if the offsets are slightly off), or, for a discontinuous mention, one span per location whose text is
    part of the annotation's text. Spans that cannot be aligned are dropped with a warning."""
    spans = [(start + _shift(placed, start), end + _shift(placed, start)) for start, end in ann.spans]
    if len(spans) == 1:
        start, end = spans[0]
        if ann.text and text[start:end] != ann.text:
            moved = _realign(text, start, ann.text)
            if moved is None:
                log.warning(
                    "document %s: annotation %r at %d-%d does not match the text; dropped",
                    one_line(doc_id),
                    ann.text,
                    start,
                    end,
                )
                return []
            return [(moved, moved + len(ann.text))]
        return spans
    kept = []
    for start, end in spans:
        shift = next(
            (d for d in (0, -1, 1, -2, 2) if not ann.text or text[start + d : end + d] in ann.text), None
        )
        if shift is not None:
            kept.append((start + shift, end + shift))
    if len(kept) < len(spans):
        log.warning(
            "document %s: discontinuous annotation %r does not match the text; dropped",
            one_line(doc_id),
            ann.text,
        )
        return []
    return kept


def _annotations(
    raw: RawDocument, text: str, placed: list[_Placed], annotator: str
) -> tuple[SourceAnnotation, ...]:
    found: list[RawAnnotation] = list(raw.annotations)
    for passage in raw.passages:
        found.extend(passage.annotations)
        for sentence in passage.sentences:
            found.extend(sentence.annotations)
    result = []
    for ann in found:
        identifiers: tuple[str, ...] = ()
        for key in IDENTIFIER_KEYS:
            if ann.infons.get(key):
                identifiers = split_identifiers(ann.infons[key])
                break
        kind, who = ann.infons.get("type", ""), ann.infons.get("annotator") or annotator
        for start, end in _aligned(raw.id, ann, text, placed):
            result.append(SourceAnnotation(start, end, text[start:end], kind, identifiers, who))
    result.sort(key=lambda a: (a.start, a.end))
    return tuple(result)


# BioC section types (BioC-PMC's section_type, passage types) for the parts that are not the article's own
_SECTION_NAMES = {"ref": "references", "references": "references", "reference": "references"}


def _kind(infons: dict[str, str]) -> str:
    kind = (infons.get("section_type") or infons.get("type") or infons.get("section") or "").strip().lower()
    return _SECTION_NAMES.get(kind, kind)


def _sections(text: str, placed: list[_Placed]) -> tuple[tuple[Section, ...], str | None]:
    sections: list[Section] = []
    title: str | None = None
    abstract: list[_Placed] = []
    label: _Placed | None = None
    for piece in placed:
        kind = _kind(piece.passage.infons)
        ptype = piece.passage.infons.get("type", "").lower()
        end = piece.start + len(piece.text)
        if title is None and (kind in ("title", "front") or ptype == "title"):
            title = piece.text
            sections.append(Section("title", piece.start, end))
        elif kind.startswith("abstract"):
            abstract.append(piece)
            if ptype.startswith("abstract_title"):
                label = piece
            elif label is not None:
                sections.append(Section(f"abstract:{label.text.strip().upper()}", label.start, end))
                label = None
            else:
                sections.extend(label_sections(text, piece.start, end))
        elif kind:
            sections.append(Section(kind, piece.start, end))
    if abstract:
        sections.append(Section("abstract", abstract[0].start, abstract[-1].start + len(abstract[-1].text)))
    sections.sort(key=lambda s: (s.start, -(s.end - s.start)))
    return tuple(sections), title


def _first_infon(raw: RawDocument, *keys: str) -> str | None:
    for infons in [raw.infons, *(p.infons for p in raw.passages)]:
        for key in keys:
            if infons.get(key):
                return str(infons[key])
    return None


def _authors(raw: RawDocument) -> tuple[Author, ...]:
    names: list[tuple[int, str]] = []
    for passage in raw.passages:
        for key, value in passage.infons.items():
            match = re.fullmatch(r"name_(\d+)", key)
            if not match:
                continue
            parts = dict(p.split(":", 1) for p in value.split(";") if ":" in p)
            surname, given = parts.get("surname", ""), parts.get("given-names", "")
            initials = "".join(w[0] for w in re.split(r"[\s-]+", given) if w)
            names.append((int(match.group(1)), f"{surname} {initials}".strip()))
        if names:
            break
    if names:
        return tuple(Author(name) for _, name in sorted(names) if name)
    listed = raw.extra.get("authors")
    if isinstance(listed, list):
        return tuple(Author(str(name)) for name in listed if name)
    return ()


def to_document(raw: RawDocument, source: str, fmt: str, collection_source: str | None) -> Document:
    """Turn a parsed BioC document into a Document with aligned annotations."""
    text, placed = _place(raw.passages)
    annotator = f"bioc:{collection_source or 'unknown'}"
    sections, title = _sections(text, placed)
    citation = _first_infon(raw, "journal") or ""
    journal_match = re.match(r"^\s*([^.;]+?)\.\s+\d{4}", citation)
    pmid = (
        clean_pmid(str(raw.extra.get("pmid") or ""))
        or clean_pmid(_first_infon(raw, "article-id_pmid", "pmid"))
        or clean_pmid(raw.id)
    )
    return Document(
        source=source,
        text=text,
        format=fmt,
        pmid=pmid,
        doi=clean_doi(_first_infon(raw, "article-id_doi", "doi")),
        pmc=clean_pmc(str(raw.extra.get("pmcid") or ""))
        or clean_pmc(_first_infon(raw, "article-id_pmc", "pmcid")),
        title=title,
        journal=journal_match.group(1).strip() if journal_match else (citation.strip() or None),
        date=parse_date(citation) or parse_date(_first_infon(raw, "year", "date")),
        authors=_authors(raw),
        sections=sections,
        annotations=_annotations(raw, text, placed, annotator),
    )
