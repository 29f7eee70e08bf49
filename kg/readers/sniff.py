"""Which reader fits some input: decided from the content, with the file extension as a hint.

Order: XML by root element (PubmedArticleSet -> ``pubmed_xml``, BioC ``collection`` -> ``bioc_xml``,
``html`` -> ``html``); JSON with ``documents``/``passages`` -> ``bioc_json``; ``ID|t|`` -> ``pubtator``;
``PMID- `` (also collapsed on one line) -> ``medline``; a PubMed or mirror page -> ``pubmed_page``;
anything else textual -> ``text``.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from kg.errors import InputError
from kg.readers.common import GZIP_MAGIC, check_binary, gunzip, text_codec

HEAD_BYTES = 1 << 16
_PUBMED_ROOTS = {
    "pubmedarticleset",
    "pubmedarticle",
    "pubmedbookarticleset",
    "pubmedbookarticle",
    "efetchresult",
}
_HTML_TAGS = frozenset(
    "html head body div p meta title span a table section article br ol ul li h1 h2 h3 h4 h5 h6 pre b i em "
    "strong img form nav header footer main aside script style link".split()
)
_PUBTATOR = re.compile(r"^[^|\t\s]+\|[ta]\|")
_MEDLINE = re.compile(r"^PMID- ?\d+")
# a MEDLINE export whose line breaks were lost, possibly under a page heading
_MEDLINE_COLLAPSED = re.compile(r"(?:^|\s)PMID- ?\d{1,9}\s+(?:OWN|STAT|DCOM|LR|IS|VI|IP|DP|TI)\s{0,4}-\s")
_MEDLINE_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,3}\s*- ")
_PROLOG_ITEM = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ELEMENT = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_PAGE_MARKERS = (
    re.compile(r"»\s*Articles\s*»\s*PMID:\s*\d+"),
    re.compile(r"^PubMed Disclaimer$", re.M),
    re.compile(r"An official website of the United States government[\s\S]{0,3000}(?:NCBI|PubMed)"),
    re.compile(r"^\s*(?:PMID|PMCID):?\s+(?:PMC)?\d+", re.M),
    re.compile(r"^[A-Z][^\n]{1,80}\. \d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?;[^\n]*\bdoi: 10\.", re.M),
    re.compile(r"^\. \d{4}(?: [A-Z][a-z]{2})?(?: \d{1,2})?;", re.M),
    re.compile(r"^MeSH terms$", re.M),
)


def _extension(source: str) -> str:
    suffixes = [s.lower() for s in PurePath(source).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _root_name(text: str) -> str:
    """The name of the first element after the XML declaration, comments, PIs and DOCTYPE."""
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    element = _ELEMENT.match(text, position)
    if element:
        return element.group(1).split(":")[-1]
    doctype = re.search(r"<!DOCTYPE\s+([\w.:-]+)", text, re.I)
    return doctype.group(1) if doctype else ""


def looks_like_pubmed_page(text: str) -> bool:
    """True when the text carries a layout marker of PubMed, PubMed mirror or PMC pages."""
    return any(marker.search(text) for marker in _PAGE_MARKERS)


def sniff(data: bytes, source: str) -> str:
    """The reader name for ``data``; raises InputError for binary data and for XML/JSON of unknown kind."""
    head = data[: HEAD_BYTES * 4]
    if head.startswith(GZIP_MAGIC):
        head = gunzip(head, source, max_bytes=HEAD_BYTES)
    head = head[:HEAD_BYTES]
    check_binary(head, source)
    codec = text_codec(head)
    if codec and codec.startswith("utf-16") and len(head) % 2:
        head = head[:-1]  # the head cut in the middle of a code unit
    text = head.decode(codec or "utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    extension = _extension(source)
    if text.startswith("<"):
        root = _root_name(text)
        lower = root.lower()
        if lower in _PUBMED_ROOTS:
            return "pubmed_xml"
        if lower == "collection" or (lower == "document" and "<passage" in text):
            return "bioc_xml"
        declared_xml = text.startswith("<?xml")
        if (
            lower == "html"
            or (not declared_xml and lower in _HTML_TAGS)
            or extension in (".html", ".htm", ".xhtml")
        ):
            return "html"
        raise InputError(
            source,
            f"XML with root element <{root}> is not a known format "
            "(PubmedArticleSet, BioC collection or HTML); use format 'text' to read it as plain text",
        )
    if text[:1] in "{[":
        if re.search(r'"(?:documents|passages|PubTator3)"\s*:', text):
            return "bioc_json"
        raise InputError(source, "JSON that is not BioC (no 'documents' or 'passages' key)")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if _PUBTATOR.match(first):
        return "pubtator"
    if (
        _MEDLINE.match(first)
        or (extension in (".nbib", ".medline") and _MEDLINE_TAG.match(first))
        or _MEDLINE_COLLAPSED.search(text[:4096])
    ):
        return "medline"
    if extension in (".html", ".htm", ".xhtml") and re.search(r"<(?:html|body|head)\b", text, re.I):
        return "html"
    return "pubmed_page" if looks_like_pubmed_page(text) else "text"


def is_pubmed_article_set(head: bytes) -> bool:
    """Whether the (decompressed) first bytes of a file open a ``PubmedArticleSet``: the root of PubMed
    baseline and update files, which are read as a stream."""
    text = head[:HEAD_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return text.startswith("<") and _root_name(text).lower() == "pubmedarticleset"
