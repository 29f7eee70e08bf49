"""BioC JSON: a collection (``{"documents": [...]}``), a lone document, a list of either, or PubTator3's
``{"PubTator3": [...]}`` export."""

from __future__ import annotations

import json
import re
from typing import Any

from kg.errors import InputError
from kg.model import Document
from kg.readers.bioc import RawAnnotation, RawDocument, RawPassage, to_document
from kg.readers.common import decode_text

FORMAT = "bioc_json"


def _int(value: Any, source: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, type(None))):
        raise InputError(source, f"BioC JSON {what} must be an integer, not {_kind(value)}")
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise InputError(source, f"BioC JSON {what} must be an integer, got {value!r}") from None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), f"a number ({value!r})" if isinstance(value, (int, float)) else type(value).__name__
    )


def _list(node: dict[str, Any], key: str, source: str, where: str) -> list[dict[str, Any]]:
    """``node[key]`` as a list of objects (missing or null: empty); anything else is an InputError."""
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(source, f"BioC JSON '{key}' of {where} must be a list, not {_kind(value)}")
    for item in value:
        if not isinstance(item, dict):
            raise InputError(source, f"BioC JSON '{key}' of {where} must hold objects, not {_kind(item)}")
    return value


def _text(node: dict[str, Any], key: str, source: str, where: str) -> str:
    value = node.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(source, f"BioC JSON '{key}' of {where} must be a string, not {_kind(value)}")
    return value


def _infons(node: dict[str, Any]) -> dict[str, str]:
    infons = node.get("infons") or {}
    return (
        {str(k): "" if v is None else str(v) for k, v in infons.items()} if isinstance(infons, dict) else {}
    )


def _annotation(node: dict[str, Any], source: str, where: str) -> RawAnnotation | None:
    where = f"annotation {node.get('id', '?')!s:.20} of {where}"
    spans = []
    for location in _list(node, "locations", source, where):
        start = _int(location.get("offset"), source, "offset")
        spans.append((start, start + _int(location.get("length"), source, "length")))
    if not spans:
        return None
    return RawAnnotation(spans, _text(node, "text", source, where), _infons(node))


def _annotations(node: dict[str, Any], source: str, where: str) -> list[RawAnnotation]:
    found = (_annotation(n, source, where) for n in _list(node, "annotations", source, where))
    return [a for a in found if a]


def _passage(node: dict[str, Any], source: str, where: str) -> RawPassage:
    offset = _int(node.get("offset"), source, f"offset of a passage of {where}")
    where = f"the passage at offset {offset} of {where}"
    return RawPassage(
        offset=offset,
        text=_text(node, "text", source, where),
        infons=_infons(node),
        annotations=_annotations(node, source, where),
        sentences=[_passage(s, source, where) for s in _list(node, "sentences", source, where)],
    )


def _document(node: dict[str, Any], source: str) -> RawDocument:
    doc_id = node.get("id")
    where = f"document {doc_id!s:.20}" if doc_id not in (None, "") else "a document"
    return RawDocument(
        id=str(doc_id or ""),
        infons=_infons(node),
        passages=[_passage(p, source, where) for p in _list(node, "passages", source, where)],
        annotations=_annotations(node, source, where),
        extra={k: node[k] for k in ("pmid", "pmcid", "authors") if k in node},
    )


_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<![\\]u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)(?:\\\\)*\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _check_unicode(tree: Any, text: str, source: str) -> None:
    """Raise InputError when the JSON holds a ``\\ud800``-style escape that is no valid character."""
    try:
        json.dumps(tree, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        match = _LONE_SURROGATE.search(text)
        where = ""
        if match:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            where = f" ({match.group(0)[-6:]} at line {line}, column {column})"
        raise InputError(
            source, f"BioC JSON holds an unpaired surrogate escape, which is no character{where}"
        ) from None


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
        raise InputError(source, f"JSON that is not BioC (found {_kind(node)} where a document was expected)")


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
    _check_unicode(tree, text, source)
    found: list[tuple[dict[str, Any], str | None]] = []
    _collect(tree, source, found, None)
    if not found:
        raise InputError(source, "BioC JSON with no document")
    return [to_document(_document(node, source), source, FORMAT, origin) for node, origin in found]
