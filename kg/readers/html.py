"""Saved HTML pages (PubMed, PMC, publishers): visible text, then the page parser, with ``<meta>`` tags
(``citation_title``, ``og:title``, ``citation_doi``, ``citation_pmid``...) taking precedence.

``Document.text`` is the visible text of the page (block elements on their own lines, list items as
``  • item`` or ``  1. item``), so offsets point into that text, not into the HTML source.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree
from lxml import html as lxml_html

from kg.errors import InputError
from kg.model import Author, Document, Section
from kg.readers.common import decode_text, parse_date, text_codec
from kg.readers.pubmed_page import Hints, locate, parse_page

FORMAT = "html"
_SKIP = frozenset(
    "script style noscript template svg iframe object embed canvas button select option textarea".split()
)
_PARAGRAPH = frozenset(
    "p h1 h2 h3 h4 h5 h6 section article blockquote table ul ol dl figure header footer main aside nav pre "
    "summary details address fieldset hr".split()
)
_BLOCK = frozenset("div dt dd tr caption figcaption form body title hgroup dialog tbody thead tfoot".split())
_TITLE_SUFFIX = re.compile(
    r"\s+[-|\u2013\u2014]\s+(?:PubMed|PMC|NCBI|PubMed Central \(PMC\)|ScienceDirect|Wiley Online Library|"
    r"SpringerLink|Europe PMC|Semantic Scholar|ResearchGate)\s*$",
    re.I,
)


def _decode(data: bytes | str, source: str) -> str:
    if isinstance(data, str):
        return data
    if not text_codec(data):
        declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", data[:4096], re.I)
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_text(data, source)


def visible_text(root: etree._Element) -> str:
    """The text a browser shows: whitespace collapsed (except in ``<pre>``), one block per line, blank lines
    between paragraphs."""
    out: list[str] = []
    counters: list[int] = []
    pre = 0

    def emit(text: str | None) -> None:
        if text:
            out.append(text if pre else re.sub(r"\s+", " ", text))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if not tag or tag in _SKIP or tag == "head":
                walker.skip_subtree()
                continue
            if tag in _PARAGRAPH:
                out.append("\n\n")
            elif tag in _BLOCK or tag in ("br", "li"):
                out.append("\n")
            if tag == "pre":
                pre += 1
            if tag == "ol":
                counters.append(0)
            elif tag == "li":
                parent = element.getparent()
                if parent is not None and parent.tag == "ol" and counters:
                    counters[-1] += 1
                    out.append(f"  {counters[-1]}. ")
                else:
                    out.append("  • ")
            elif tag in ("td", "th"):
                out.append("  ")
            emit(element.text)
        else:
            if tag in _PARAGRAPH:
                out.append("\n\n")
            elif tag in _BLOCK:
                out.append("\n")
            if tag == "pre":
                pre -= 1
            if tag == "ol" and counters:
                counters.pop()
            emit(element.tail)
    lines = [re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _meta(root: etree._Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in root.iter("meta"):
        key = (node.get("name") or node.get("property") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value:
            found.setdefault(key, []).append(value)
    return found


def _hints(meta: dict[str, list[str]]) -> Hints:
    def first(*keys: str) -> str | None:
        return next((meta[k][0] for k in keys if meta.get(k)), None)

    identifier = next((v for v in meta.get("dc.identifier", []) if "10." in v), None)
    keywords = [
        k.strip() for v in meta.get("citation_keywords", []) for k in re.split(r"[;,]", v) if k.strip()
    ]
    return Hints(
        title=first("citation_title", "og:title", "dc.title"),
        pmid=first("citation_pmid", "ncbi_uid"),
        doi=first("citation_doi", "prism.doi") or identifier,
        pmc=first("citation_pmcid"),
        journal=first("citation_journal_title"),
        date=parse_date(
            first("citation_publication_date", "citation_date", "citation_online_date", "dc.date")
        ),
        authors=tuple(Author(a) for a in meta.get("citation_author", [])),
        keywords=tuple(dict.fromkeys(keywords)),
    )


def read(data: bytes | str, source: str) -> list[Document]:
    """Read one saved HTML page."""
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode(data, source))
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(source, f"HTML with no content ({exc})") from None
    text = visible_text(root)
    if not text.strip():
        raise InputError(source, "HTML page with no visible text")
    document = parse_page(text, source, FORMAT, _hints(_meta(root)))
    page_title = _TITLE_SUFFIX.sub("", " ".join((root.findtext(".//title") or "").split())).strip()
    if document.title is None and page_title:
        span = locate(text, page_title)
        sections = document.sections + ((Section("title", *span),) if span else ())
        document = replace(
            document, title=page_title, sections=tuple(sorted(sections, key=lambda s: s.start))
        )
    return [document]
