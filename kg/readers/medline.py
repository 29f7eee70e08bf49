"""MEDLINE / NBIB text (``efetch rettype=medline``): ``TAG - value`` lines, 6-space continuation lines.

Exports shown on web pages often lose their line breaks (``PMID- 123 OWN - NLM ... TI - ... AB - ...`` on one
line); such a collapsed line is split again at the known MEDLINE tags, and text before the first ``PMID-``
(a page heading) is skipped.
"""

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
# the tags of the MEDLINE display format (NLM's "MEDLINE/PubMed Data Element (Field) Descriptions")
TAGS = frozenset(
    "AB AD AID AU AUID BTI CI CIN CN COI COIS CON CP CRDT CRF CTDT CTI DA DCOM DDIN DEP DP DRDT ECF ECI "
    "ED EDAT EFR EIN EN FAU FED FIR FPS GN GR GS IP IR IRAD IS ISBN JID JT LA LID LR MH MHDA MID NM OAB "
    "OABL OCI OID ORI OT OTO OWN PB PG PHST PL PMC PMCR PMID PRIN PS PST PT PUBM RF RIN RN ROF RPF RPI "
    "RRF RRI SB SFM SI SO SPIN STAT TA TI TT UIN UOF VI VTI".split()
)
_INLINE_TAG = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(sorted(TAGS, key=len, reverse=True)) + r")\s{0,4}-(?:\s+|$)"
)
_MIN_INLINE_TAGS = 3  # a line with fewer known tags in it is an ordinary MEDLINE line

Record = list[tuple[str, str]]


def _uncollapsed(line: str) -> list[str]:
    """``PMID- 1 OWN - NLM TI - A title`` -> ``["PMID- 1", "OWN - NLM", "TI - A title"]`` (a blank line
    before every ``PMID-`` but the first, so that collapsed records stay apart); other lines unchanged."""
    marks = list(_INLINE_TAG.finditer(line))
    if len(marks) < _MIN_INLINE_TAGS or marks[0].start() != len(line) - len(line.lstrip()):
        return [line]
    out: list[str] = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        if mark.group(1) == "PMID" and out:
            out.append("")
        out.append(f"{mark.group(1)} - {line[mark.end() : end].strip()}")
    return out


def _lines(text: str) -> list[tuple[int, str]]:
    """Numbered lines of ``text``: collapsed lines split, text before the first record dropped."""
    numbered = [(n, piece) for n, line in enumerate(text.splitlines(), 1) for piece in _uncollapsed(line)]
    first = next((i for i, (_, line) in enumerate(numbered) if re.match(r"^PMID\s*- ?\d", line)), 0)
    if any(_FIELD.match(line) for _, line in numbered[:first]):
        first = 0  # a record without PMID before the first one is kept (and reported as such)
    return numbered[first:]


def records(text: str, source: str) -> list[Record]:
    """Split MEDLINE text into records, each a list of (tag, value) with continuation lines joined."""
    result: list[Record] = []
    current: list[tuple[str, list[str]]] = []  # continuation pieces joined once: linear in the value's length

    def close() -> None:
        if current:
            result.append([(tag, " ".join(p for p in pieces if p)) for tag, pieces in current])
            current.clear()

    for number, line in _lines(text):
        if not line.strip():
            close()
            continue
        match = _FIELD.match(line)
        if match and not line.startswith(" "):
            current.append((match.group(1), [match.group(2).strip()]))
        elif current and line[:1].isspace():
            current[-1][1].append(line.strip())
        else:
            raise InputError(
                source, f"MEDLINE line {number}: expected 'TAG - value' or a continuation, got {line[:60]!r}"
            )
    close()
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
