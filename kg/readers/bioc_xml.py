"""BioC XML (``<collection><document><passage>...``)."""

from __future__ import annotations

from lxml import etree

from kg.errors import InputError
from kg.model import Document
from kg.readers.bioc import RawAnnotation, RawDocument, RawPassage, to_document
from kg.readers.xmlsafe import local_name, parse_xml

FORMAT = "bioc_xml"


def _infons(element: etree._Element) -> dict[str, str]:
    return {node.get("key", ""): (node.text or "") for node in element.findall("infon")}


def _int(raw: str | None, element: etree._Element, source: str, what: str) -> int:
    try:
        return int((raw or "0").strip())
    except ValueError:
        raise InputError(
            source, f"BioC {what} {raw!r} is not an integer (line {element.sourceline})"
        ) from None


def _annotation(element: etree._Element, source: str) -> RawAnnotation | None:
    spans = []
    for location in element.findall("location"):
        start = _int(location.get("offset"), location, source, "offset")
        spans.append((start, start + _int(location.get("length"), location, source, "length")))
    if not spans:
        return None
    return RawAnnotation(spans, element.findtext("text") or "", _infons(element))


def _passage(element: etree._Element, source: str) -> RawPassage:
    return RawPassage(
        offset=_int(element.findtext("offset"), element, source, "offset"),
        text=element.findtext("text") or "",
        infons=_infons(element),
        annotations=[a for a in (_annotation(n, source) for n in element.findall("annotation")) if a],
        sentences=[_passage(s, source) for s in element.findall("sentence")],
    )


def _document(element: etree._Element, source: str) -> RawDocument:
    return RawDocument(
        id=(element.findtext("id") or "").strip(),
        infons=_infons(element),
        passages=[_passage(p, source) for p in element.findall("passage")],
        annotations=[a for a in (_annotation(n, source) for n in element.findall("annotation")) if a],
    )


def read(data: bytes | str, source: str) -> list[Document]:
    """Read every document of a BioC XML collection (or a lone ``<document>``)."""
    root = parse_xml(data, source)
    name = local_name(root)
    if name == "document":
        documents, collection_source = [root], None
    elif name == "collection":
        documents, collection_source = (
            root.findall("document"),
            (root.findtext("source") or "").strip() or None,
        )
    else:
        raise InputError(source, f"BioC XML must have a <collection> root, not <{name}>")
    if not documents:
        raise InputError(source, "BioC collection with no document")
    return [to_document(_document(d, source), source, FORMAT, collection_source) for d in documents]
