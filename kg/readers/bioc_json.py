"""BioC JSON: a collection (``{"documents": [...]}``), a lone document, a list of either, or PubTator3's
``{"PubTator3": [...]}`` export."""

from __future__ import annotations

import json
from typing import Any

from kg.errors import InputError
from kg.model import Document
from kg.readers.bioc import RawAnnotation, RawDocument, RawPassage, to_document
from kg.readers.common import decode_text

FORMAT = "bioc_json"


def _int(value: Any, source: str, what: str) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise InputError(source, f"BioC JSON {what} {value!r} is not an integer") from None


def _infons(node: dict[str, Any]) -> dict[str, str]:
    infons = node.get("infons") or {}
    return (
        {str(k): "" if v is None else str(v) for k, v in infons.items()} if isinstance(infons, dict) else {}
    )


def _annotation(node: dict[str, Any], source: str) -> RawAnnotation | None:
    spans = []
    for location in node.get("locations") or []:
        start = _int(location.get("offset"), source, "offset")
        spans.append((start, start + _int(location.get("length"), source, "length")))
    if not spans:
        return None
    return RawAnnotation(spans, str(node.get("text") or ""), _infons(node))


def _annotations(node: dict[str, Any], source: str) -> list[RawAnnotation]:
    return [a for a in (_annotation(n, source) for n in node.get("annotations") or []) if a]


def _passage(node: dict[str, Any], source: str) -> RawPassage:
    return RawPassage(
        offset=_int(node.get("offset"), source, "offset"),
        text=str(node.get("text") or ""),
        infons=_infons(node),
        annotations=_annotations(node, source),
        sentences=[_passage(s, source) for s in node.get("sentences") or []],
    )


def _document(node: dict[str, Any], source: str) -> RawDocument:
    return RawDocument(
        id=str(node.get("id") or ""),
        infons=_infons(node),
        passages=[_passage(p, source) for p in node.get("passages") or []],
        annotations=_annotations(node, source),
        extra={k: node[k] for k in ("pmid", "pmcid", "authors") if k in node},
    )


def _collect(
    node: Any, source: str, found: list[tuple[dict[str, Any], str | None]], origin: str | None
) -> None:
    if isinstance(node, list):
        for item in node:
            _collect(item, source, found, origin)
    elif isinstance(node, dict):
        if "passages" in node:
            found.append((node, origin))
        elif "documents" in node:
            _collect(node["documents"], source, found, str(node.get("source") or "") or origin)
        elif "PubTator3" in node:
            _collect(node["PubTator3"], source, found, "PubTator3")
        else:
            raise InputError(source, f"JSON that is not BioC (an object with keys {sorted(node)[:8]})")
    else:
        raise InputError(source, f"JSON that is not BioC (found a {type(node).__name__})")


def read(data: bytes | str, source: str) -> list[Document]:
    """Read every document of a BioC JSON file."""
    text = decode_text(data, source)
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            source, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InputError(source, "malformed JSON: nested too deeply") from None
    found: list[tuple[dict[str, Any], str | None]] = []
    _collect(tree, source, found, None)
    if not found:
        raise InputError(source, "BioC JSON with no document")
    return [to_document(_document(node, source), source, FORMAT, origin) for node, origin in found]
