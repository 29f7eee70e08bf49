"""Saved abstract pages as text (PubMed, PubMed mirrors, PMC, publishers, CORD-19 records).

``Document.text`` is the whole page, unchanged; metadata and sections are read from it (see
``page_layout`` and ``page_head``). A PMID or DOI missing from the text is taken from a file name such
as ``pmid_15230289.txt`` or ``doi_10.1002_ajh.23868.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.model import Author, Document, MeshHeading, Section
from kg.readers import page_head as ph
from kg.readers import page_layout as pl
from kg.readers.common import clean_doi, clean_pmc, clean_pmid, decode_text, find_doi, parse_date

FORMAT = "pubmed_page"
_CORD_FIELDS = re.compile(r"\b(key|authors|title|date|journal|DOI|sha|doc_id|cord_uid|pmcid|pubmed_id): ")


@dataclass
class Hints:
    """Metadata known from outside the visible text (HTML ``<meta>`` tags); it wins over the text."""

    title: str | None = None
    pmid: str | None = None
    doi: str | None = None
    pmc: str | None = None
    journal: str | None = None
    date: str | None = None
    authors: tuple[Author, ...] = ()
    keywords: tuple[str, ...] = field(default_factory=tuple)


def read(data: bytes | str, source: str) -> list[Document]:
    """Read one saved page (the whole file is one document)."""
    return [parse_page(decode_text(data, source), source, FORMAT)]


def parse_page(text: str, source: str, fmt: str = FORMAT, hints: Hints | None = None) -> Document:
    """Parse page ``text`` into a Document whose ``text`` is ``text`` itself."""
    hints = hints or Hints()
    cord = _CORD_FIELDS.match(text)
    document = _cord(text, source, fmt) if cord and cord.group(1) == "key" else _page(text, source, fmt)
    return _with_fallbacks(document, text, source, hints)


# ---------------------------------------------------------------- generic pages


def _page(text: str, source: str, fmt: str) -> Document:
    lines = pl.split_lines(text)
    abstract = pl.find_abstract(lines, text)
    head_end = (
        abstract.heading.start
        if abstract and abstract.heading
        else (abstract.start if abstract else len(text))
    )
    head = [ln for ln in lines if ln.start < head_end]
    title_line = ph.find_title(lines, head)
    sections: list[Section] = []
    title = None
    if title_line is not None:
        start, end = ph.complete_title(text, title_line)
        title = text[start:end]
        sections.append(Section("title", start, end))
    if abstract is None and title_line is not None:
        abstract = pl.find_abstract(lines, text, not_before=title_line.end + 1)
    if abstract is not None:
        sections.append(Section("abstract", abstract.start, abstract.end))
        sections.extend(pl.abstract_parts(lines, abstract))
    blocks = pl.blocks(lines, abstract.end if abstract else 0)
    head_blocks = [b for b in pl.blocks(lines) if b.heading.start < (abstract.start if abstract else 0)]
    for block in head_blocks + blocks:
        if block.kind in pl.REPORTED:
            sections.append(Section(block.kind, block.heading.start, block.end))
    first_list = next(
        (
            b.heading.start
            for b in blocks
            if b.kind in ("references", "citing_articles", "similar_articles", "comments")
        ),
        len(text),
    )
    regions = [text[:head_end], text[abstract.end : first_list] if abstract else text[:first_list]]
    if abstract:
        regions.append(text[abstract.start : abstract.end])
    mirror = any(ph.MIRROR.search(ln.text) for ln in head[:6])
    journal, date = ph.find_journal_date(head, mirror)
    by_kind: dict[str, list[pl.Block]] = {}
    for block in head_blocks + blocks:
        by_kind.setdefault(block.kind, []).append(block)
    references = tuple(w for b in by_kind.get("references", []) for w in pl.cited_works(b))
    cited_by = tuple(w for b in by_kind.get("citing_articles", []) for w in pl.cited_works(b))
    mesh = tuple(pl.mesh_heading(i) for b in by_kind.get("mesh", []) for i in pl.items(b))
    chemicals = tuple(MeshHeading(i) for b in by_kind.get("substances", []) for i in pl.items(b))
    pubtypes = ph.publication_types(head) + tuple(
        i for b in by_kind.get("publication_types", []) for i in pl.items(b)
    )
    sections.sort(key=lambda s: (s.start, -(s.end - s.start)))
    return Document(
        source=source,
        text=text,
        format=fmt,
        pmid=next((p for r in regions if (p := clean_pmid(ph.find_pmid(r)))), None),
        doi=next((d for r in regions if (d := find_doi(r))), None),
        pmc=next((p for r in regions[:2] if (p := clean_pmc(ph.find_pmc(r)))), None),
        title=title,
        journal=journal,
        date=date,
        authors=ph.find_authors(lines, head, title_line),
        sections=tuple(sections),
        mesh_headings=mesh,
        chemicals=chemicals,
        keywords=_keywords(lines, by_kind),
        publication_types=tuple(dict.fromkeys(pubtypes)),
        references=references,
        cited_by=cited_by,
    )


def _keywords(lines: list[pl.Line], by_kind: dict[str, list[pl.Block]]) -> tuple[str, ...]:
    for line in lines:
        match = re.match(r"^Key ?words?\s*[:.]?\s+(\S.*)$", line.text, re.I)
        if match and len(line.text) < 1000:
            return pl.split_keywords(match.group(1))
    for block in by_kind.get("keywords", []):
        found = pl.items(block)
        if found:
            return pl.split_keywords(found[0]) if len(found) == 1 else tuple(found)
    return ()


# ---------------------------------------------------------------- CORD-19 metadata records


def _cord(text: str, source: str, fmt: str) -> Document:
    """``key: cord-... authors: ... title: ... date: ... journal: ... DOI: ... cord_uid: ... <abstract>``."""
    fields: dict[str, tuple[int, int]] = {}
    marks = list(_CORD_FIELDS.finditer(text[:20000]))
    for i, mark in enumerate(marks):
        if mark.group(1) in fields:
            break
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        if mark.group(1) == "cord_uid" or i + 1 == len(marks):
            token = re.match(r"\S+", text[mark.end() :])
            end = mark.end() + (token.end() if token else 0)
        fields[mark.group(1)] = (mark.end(), end)

    def value(name: str) -> str | None:
        span = fields.get(name)
        raw = text[span[0] : span[1]].strip() if span else ""
        return raw if raw and raw.lower() != "nan" else None

    sections: list[Section] = []
    if "title" in fields:
        start, end = fields["title"]
        sections.append(Section("title", start, start + len(text[start:end].rstrip())))
    body_start = max(end for _, end in fields.values())
    while body_start < len(text) and text[body_start].isspace():
        body_start += 1
    if body_start < len(text):
        sections.append(Section("abstract", body_start, len(text.rstrip())))
    authors = tuple(Author(a.strip()) for a in (value("authors") or "").split(";") if a.strip())
    return Document(
        source=source,
        text=text,
        format=fmt,
        pmid=clean_pmid(value("pubmed_id")),
        doi=clean_doi(value("DOI")),
        pmc=clean_pmc(value("pmcid")),
        title=value("title"),
        journal=value("journal"),
        date=parse_date(value("date")),
        authors=authors,
        sections=tuple(sections),
    )


# ---------------------------------------------------------------- fallbacks


def _with_fallbacks(document: Document, text: str, source: str, hints: Hints) -> Document:
    name_pmid, name_doi = ph.filename_hints(source)
    doi = clean_doi(hints.doi) or document.doi or (ph.doi_from_filename(name_doi, text) if name_doi else None)
    title = hints.title or document.title
    sections = document.sections
    if hints.title and hints.title != document.title:
        sections = tuple(s for s in sections if s.name != "title")
        span = locate(text, hints.title)
        if span:
            sections = tuple(
                sorted((*sections, Section("title", *span)), key=lambda s: (s.start, s.start - s.end))
            )
    return replace(
        document,
        pmid=clean_pmid(hints.pmid) or document.pmid or name_pmid,
        doi=doi,
        pmc=clean_pmc(hints.pmc) or document.pmc,
        title=title,
        journal=hints.journal or document.journal,
        date=hints.date or document.date,
        authors=hints.authors or document.authors,
        keywords=hints.keywords or document.keywords,
        sections=sections,
    )


def locate(text: str, title: str) -> tuple[int, int] | None:
    """Offsets of ``title`` in ``text``, tolerant of case and whitespace differences."""
    index = text.find(title)
    if index >= 0:
        return index, index + len(title)
    words = [re.escape(w) for w in title.split()]
    if not words:
        return None
    match = re.search(r"\s+".join(words), text, re.I)
    return (match.start(), match.end()) if match else None
