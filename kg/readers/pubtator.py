"""PubTator text: ``ID|t|title``, ``ID|a|abstract``, tab-separated annotation and relation lines.

``Document.text`` is ``title + " " + abstract`` (the PubTator convention), so annotation offsets index it
directly. Relation lines (``ID<TAB>CID<TAB>chem<TAB>disease``, BioRED
``ID<TAB>Type<TAB>id1<TAB>id2<TAB>Novel``) are recognised and skipped: ``Document`` has no field for them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from kg.errors import InputError, one_line
from kg.model import Document, Section, SourceAnnotation
from kg.readers.common import clean_pmid, decode_text, label_sections, split_identifiers

FORMAT = "pubtator"
ANNOTATOR = "pubtator"
log = logging.getLogger(__name__)
_TEXT_LINE = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")
_EXTRA_ID = re.compile(r"^[A-Za-z]+:\S+$")


@dataclass
class _Record:
    id: str
    title: str | None = None
    abstract: str | None = None
    spans: list[tuple[int, int, str, str, tuple[str, ...], int]] = field(default_factory=list)


def _parse(text: str, source: str) -> list[_Record]:
    records: dict[str, _Record] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _TEXT_LINE.match(line)
        if match:
            doc_id, kind, value = match.groups()
            record = records.setdefault(doc_id, _Record(doc_id))
            if kind == "t":
                record.title = value
            else:
                record.abstract = value
            continue
        cells = line.split("\t")
        if len(cells) >= 5 and cells[1].strip().isdigit() and cells[2].strip().isdigit():
            ids = split_identifiers(cells[5]) if len(cells) > 5 else ()
            if len(cells) > 6 and _EXTRA_ID.match(cells[6].strip()):
                ids += split_identifiers(cells[6])
            record = records.setdefault(cells[0], _Record(cells[0]))
            record.spans.append((int(cells[1]), int(cells[2]), cells[3], cells[4].strip(), ids, number))
        elif len(cells) >= 4 and not cells[1].strip().isdigit():
            continue  # a relation line
        else:
            raise InputError(
                source,
                f"PubTator line {number}: expected 'ID|t|title', 'ID|a|abstract' or tab-separated fields, "
                f"got {line[:60]!r}",
            )
    return list(records.values())


def _document(record: _Record, source: str) -> Document:
    title = record.title or ""
    text = title if record.abstract is None else f"{title} {record.abstract}"
    sections = [Section("title", 0, len(title))] if title else []
    if record.abstract is not None:
        start = len(title) + 1
        sections.append(Section("abstract", start, len(text)))
        sections.extend(label_sections(text, start, len(text)))
    annotations = []
    for start, end, mention, kind, ids, number in record.spans:
        if text[start:end] != mention:
            log.warning(
                "%s line %d: %r does not match the text at %d-%d; dropped",
                one_line(source),
                number,
                mention,
                start,
                end,
            )
            continue
        annotations.append(SourceAnnotation(start, end, mention, kind, ids, ANNOTATOR))
    return Document(
        source=source,
        text=text,
        format=FORMAT,
        pmid=clean_pmid(record.id),
        title=title or None,
        sections=tuple(sections),
        annotations=tuple(annotations),
    )


def read(data: bytes | str, source: str) -> list[Document]:
    """Read every document of a PubTator file."""
    records = [
        r for r in _parse(decode_text(data, source), source) if r.title is not None or r.abstract is not None
    ]
    if not records:
        raise InputError(source, "PubTator text with no 'ID|t|title' line")
    return [_document(r, source) for r in records]
