"""Saved abstract pages as text (PubMed, PubMed mirrors, PMC, publishers, CORD-19 records).

``Document.text`` is the whole page, unchanged; metadata and sections are read from it (see
``page_layout`` and ``page_head``). A PMID missing from the text is taken from a file name such as
``pmid_15230289.txt``; a DOI only where the name cannot be wrong (``doi_10.1002_ajh.23868.txt``: one
``_``, the ``/``; see ``page_head.doi_from_filename``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.model import Author, Document, MeshHeading, Section
from kg.readers import page_head as ph
from kg.readers import page_layout as pl
from kg.readers.common import (
    clean_doi,
    clean_pmc,
    clean_pmid,
    decode_text,
    find_doi,
    label_sections,
    parse_date,
)

FORMAT = "pubmed_page"


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
    fields = cord_fields(text)
    document = _cord(text, source, fmt, fields) if fields else _page(text, source, fmt)
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
            if b.kind in ("references", "cited_by", "similar_articles", "comments")
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
    cited_by = tuple(w for b in by_kind.get("cited_by", []) for w in pl.cited_works(b))
    mesh = tuple(pl.mesh_heading(i) for b in by_kind.get("mesh", []) for i in pl.items(b))
    chemicals = tuple(MeshHeading(i) for b in by_kind.get("substances", []) for i in pl.items(b))
    pubtypes = ph.publication_types(head) + tuple(
        i for b in by_kind.get("publication_types", []) for i in pl.items(b)
    )
    sections.sort(key=lambda s: (s.start, -(s.end - s.start)))
    authors = ph.find_authors(lines, head, title_line)
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
        authors=authors,
        authors_cut_short=ph.authors_cut_short(head, authors),
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

# fields of CORD-19's metadata.csv and of the ``key: cord-...`` record dumps seen on the web
CORD_FIELDS = (
    "key", "cord_uid", "sha", "source_x", "title", "doi", "DOI", "pmcid", "pubmed_id", "license", "abstract",
    "publish_time", "date", "authors", "journal", "mag_id", "who_covidence_id", "arxiv_id", "pdf_json_files",
    "pmc_json_files", "url", "s2_id", "doc_id",
)  # fmt: skip
_CORD_ONLY = frozenset(
    ("cord_uid", "sha", "source_x", "doc_id", "who_covidence_id", "pdf_json_files", "s2_id")
)
_CORD_FIELD = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(sorted(CORD_FIELDS, key=len, reverse=True)) + r"):(?:[ \t]+|$)", re.M
)
_CORD_TEXT_FIELDS = frozenset(("title", "authors", "journal", "abstract", "source_x", "pdf_json_files"))
_CORD_HEAD = 20000


def cord_fields(text: str) -> dict[str, tuple[int, int]] | None:
    """The header fields of a CORD-19 metadata record (name -> value offsets), or None if ``text`` is none.

    A record starts with a field name and names at least one CORD-only field (``cord_uid``, ``sha``...) or
    ``key: cord-``. A value runs to the next field; the value of a one-token field (ids, dates) ends at its
    token, so that text after the last header field is the record's abstract."""
    head = text[:_CORD_HEAD]
    first = _CORD_FIELD.match(head, len(head) - len(head.lstrip()))
    if first is None:
        return None
    marks = [first]
    for mark in _CORD_FIELD.finditer(head, first.end()):
        previous = marks[-1]
        if any(m.group(1) == mark.group(1) for m in marks):
            break  # a second "title:" is text, not a field
        words = len(head[previous.end() : mark.start()].split())
        if previous.group(1) not in _CORD_TEXT_FIELDS and words > 3:
            break  # an id or a date followed by running text: the header ended there
        marks.append(mark)
    names = {m.group(1) for m in marks}
    is_cord = names & _CORD_ONLY or (first.group(1) == "key" and head[first.end() :].startswith("cord-"))
    if not is_cord or len(names) < 3:
        return None
    fields: dict[str, tuple[int, int]] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        if mark.group(1) not in _CORD_TEXT_FIELDS and (i + 1 == len(marks) or mark.group(1) == "cord_uid"):
            token = re.match(r"\S*", text[mark.end() :])
            end = mark.end() + (token.end() if token else 0)
        value_end = mark.end() + len(text[mark.end() : end].rstrip())
        fields[mark.group(1)] = (mark.end(), max(mark.end(), value_end))
    return fields


def _cord(text: str, source: str, fmt: str, fields: dict[str, tuple[int, int]]) -> Document:
    """A CORD-19 metadata record: only the title and the abstract are body sections, never the header."""

    def value(*names: str) -> str | None:
        for name in names:
            span = fields.get(name)
            raw = " ".join(text[span[0] : span[1]].split()) if span else ""
            if raw and raw.lower() not in ("nan", "none", "null"):
                return raw
        return None

    sections: list[Section] = []
    if value("title"):
        sections.append(Section("title", *fields["title"]))
    if "abstract" in fields:
        start, end = fields["abstract"]
    else:
        start, end = max(end for _, end in fields.values()), len(text.rstrip())
    while start < end and text[start].isspace():
        start += 1
    if start < end and text[start:end].strip().lower() not in ("nan", "none", "null"):
        sections.append(Section("abstract", start, end))
        sections.extend(label_sections(text, start, end))
    sections.sort(key=lambda s: (s.start, -(s.end - s.start)))
    authors = tuple(Author(a.strip()) for a in (value("authors") or "").split(";") if a.strip())
    return Document(
        source=source,
        text=text,
        format=fmt,
        pmid=clean_pmid(value("pubmed_id")),
        doi=clean_doi(value("DOI", "doi")),
        pmc=clean_pmc(value("pmcid")),
        title=value("title"),
        journal=value("journal"),
        date=parse_date(value("date", "publish_time")),
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
        authors_cut_short=document.authors_cut_short and not hints.authors,
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
