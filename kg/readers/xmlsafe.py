"""Hardened XML parsing: no network, no DTD loading, no entity expansion, no huge trees.

A document whose DOCTYPE declares entities is refused outright (XXE and "billion laughs" both need an
entity declaration); a plain ``<!DOCTYPE PubmedArticleSet PUBLIC ...>`` or ``SYSTEM 'BioC.dtd'`` is fine,
since the DTD is never loaded.
"""

from __future__ import annotations

import re

from lxml import etree

from kg.errors import InputError
from kg.readers.common import decode_text, has_bom, utf16_without_bom

ENTITY_REFUSAL = "XML declares entities (DOCTYPE); refused for safety"
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_:]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _prolog(data: bytes) -> str:
    """The text before the root element (where a DOCTYPE and its entity declarations must be)."""
    head = data[: 1 << 20]
    codec = has_bom(head)
    text = head.decode(codec, errors="replace") if codec else head.decode("latin-1")
    match = _FIRST_ELEMENT.search(text)
    return text[: match.start()] if match else text


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )


def parse_xml(data: bytes | str, source: str) -> etree._Element:
    """Parse ``data`` safely and return the root element; raise InputError for unsafe or malformed XML."""
    if isinstance(data, bytes) and not has_bom(data) and utf16_without_bom(data):
        data = decode_text(data, source)  # libxml2 cannot tell UTF-16 without a byte-order mark
    if isinstance(data, str):
        data = _XML_DECL.sub("", data, count=1).encode("utf-8")
    if "<!ENTITY" in _prolog(data):
        raise InputError(source, ENTITY_REFUSAL)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, exc.offset)
        message = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc)).strip()
        raise InputError(source, f"malformed XML at line {line}, column {column}: {message}") from None
    except ValueError as exc:  # e.g. an unsupported encoding declaration
        raise InputError(source, f"malformed XML: {exc}") from None
    if root is None:
        raise InputError(source, "malformed XML: no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(source, ENTITY_REFUSAL)
    return root


def local_name(element: etree._Element) -> str:
    """The tag of ``element`` without its namespace."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def text_of(element: etree._Element | None) -> str:
    """All text inside ``element`` (inline markup such as ``<i>`` flattened), whitespace collapsed."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
