"""MEDLINE / NBIB text (``efetch rettype=medline``): ``TAG - value`` lines, 6-space continuation lines."""

from __future__ import annotations

import re

from kg.errors import InputError
from kg.model import Author, Document, MeshHeading
from kg.readers.common import (
    build_text,
    clean_doi,
    clean_pmc,
    clean_pmid,
    decode_text,
    parse_date,
    split_labelled,
    unique,
)

FORMAT = "medline"
_FIELD = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- ?(.*)$")

Record = list[tuple[str, str]]


def records(text: str, source: str) -> list[Record]:
    """Split MEDLINE text into records, each a list of (tag, value) with continuation lines joined."""
    result: list[Record] = []
    current: Record = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if current:
                result.append(current)
                current = []
            continue
        match = _FIELD.match(line)
        if match and not line.startswith(" "):
            current.append((match.group(1), match.group(2).strip()))
        elif current and line[:1].isspace():
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}".strip())
        else:
            raise InputError(
                source, f"MEDLINE line {number}: expected 'TAG - value' or a continuation, got {line[:60]!r}"
            )
    if current:
        result.append(current)
    return result


def _mesh(value: str) -> MeshHeading:
    """``Information Storage and Retrieval/*methods`` -> descriptor, qualifiers, major flag."""
    parts = [part.strip() for part in value.split("/")]
    major = "*" in value
    return MeshHeading(
        parts[0].lstrip("*").strip(),
        None,
        major,
        tuple(p.lstrip("*").strip() for p in parts[1:] if p.strip("* ")),
    )


def _chemical(value: str) -> MeshHeading:
    """``0 (Receptors, Interleukin-1)`` -> the name in parentheses."""
    match = re.match(r"^\S+(?: \S+)? \((.+)\)$", value)
    return MeshHeading(match.group(1) if match else value)


def _id_of(values: list[str], kind: str) -> str | None:
    for value in values:
        match = re.match(rf"^(\S+)\s*\[{kind}\]", value)
        if match:
            return match.group(1)
    return None


def _authors(record: Record) -> tuple[Author, ...]:
    """Authors from AU (``Casbon JA``; FAU when AU is missing) with the AD lines that follow each author."""
    name_tag = "AU" if any(tag == "AU" for tag, _ in record) else "FAU"
    names: list[str] = []
    affiliations: list[list[str]] = []
    pending: list[str] = []  # an AD before any author (older records) belongs to the first author
    for tag, value in record:
        if tag == name_tag:
            names.append(value)
            affiliations.append([])
        elif tag == "AD":
            (affiliations[-1] if affiliations else pending).append(value)
    if pending and affiliations:
        affiliations[0] = pending + affiliations[0]
    return tuple(Author(name, unique(ads)) for name, ads in zip(names, affiliations, strict=True))


def _document(record: Record, source: str) -> Document:
    fields: dict[str, list[str]] = {}
    for tag, value in record:
        fields.setdefault(tag, []).append(value)

    def first(tag: str) -> str | None:
        return fields.get(tag, [None])[0]

    title = first("TI") or first("BTI")
    text, sections = build_text(title, split_labelled(" ".join(fields.get("AB", []))))
    ids = fields.get("AID", []) + fields.get("LID", [])
    return Document(
        source=source,
        text=text,
        format=FORMAT,
        pmid=clean_pmid(first("PMID")),
        doi=clean_doi(_id_of(ids, "doi")),
        pmc=clean_pmc(first("PMC") or _id_of(ids, "pmc")),
        title=title,
        journal=first("JT") or first("TA"),
        date=parse_date(first("DP")),
        authors=_authors(record),
        sections=sections,
        mesh_headings=tuple(_mesh(v) for v in fields.get("MH", [])),
        chemicals=tuple(_chemical(v) for v in fields.get("RN", [])),
        keywords=unique(fields.get("OT", [])),
        publication_types=unique(fields.get("PT", [])),
    )


def read(data: bytes | str, source: str) -> list[Document]:
    """Read every record (``PMID- ...`` block) of a MEDLINE file."""
    text = decode_text(data, source)
    found = [r for r in records(text, source) if any(tag == "PMID" for tag, _ in r)]
    if not found:
        raise InputError(source, "MEDLINE text with no 'PMID- ' record")
    return [_document(r, source) for r in found]
