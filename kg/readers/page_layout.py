"""Layout of a saved abstract page: lines with offsets, headings, the abstract, and list sections.

Everything here works on the original text and reports offsets into it; nothing is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import CitedWork, MeshHeading, Section
from kg.readers.common import DOI_RE, clean_doi, clean_pmc, clean_pmid, unique


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the page: ``text`` is stripped, ``start``/``end`` are its offsets in the page."""

    index: int
    start: int
    end: int
    text: str


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` (split at ``\\n``, ``\\r\\n``, ``\\r``), with the offsets of its stripped
    text."""
    lines = []
    for index, match in enumerate(re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text)):
        raw = match.group(0).rstrip("\r\n")
        if match.start() == len(text) and index:
            break
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        start = match.start() + lead
        lines.append(Line(index, start, start + len(stripped), stripped))
    return lines


# ---------------------------------------------------------------- headings

HEADINGS: dict[str, str] = {
    "abstract": "abstract",
    "summary": "abstract",
    "references": "references",
    "list of references": "references",
    "bibliography": "references",
    "citing articles": "cited_by",
    "cited by": "cited_by",
    "similar articles": "similar_articles",
    "mesh terms": "mesh",
    "publication types": "publication_types",
    "substances": "substances",
    "keywords": "keywords",
    "key words": "keywords",
    "pubmed disclaimer": "disclaimer",
    "comment in": "comments",
    "comment on": "comments",
    "erratum in": "erratum",
    "update of": "comments",
    "update in": "comments",
    "grants and funding": "grants",
    "associated data": "associated_data",
    "related information": "related",
    "linkout - more resources": "linkout",
    "conflict of interest statement": "coi",
    "figures": "figures",
    "introduction": "introduction",
    "relations": "relations",
    "affiliations": "affiliations",
    "authors": "authors",
    "full text links": "links",
}
# sections reported in Document.sections (besides title and abstract)
REPORTED = (
    "references",
    "cited_by",
    "similar_articles",
    "mesh",
    "publication_types",
    "substances",
    "keywords",
    "comments",
    "erratum",
)
_END_OF_ABSTRACT = re.compile(
    r"^(?:Key ?words?\b|Copyright\b|©|Original language|\d+\.?\s+Introduction\b|Read (?:the )?full text\b)",
    re.I,
)
_ABSTRACT_INLINE = re.compile(r"^(?:Abstract|ABSTRACT)\s*[:.]?\s+(?=\S)")
_LABEL_SET = frozenset(
    (
        "background", "objective", "objectives", "aim", "aims", "purpose", "introduction", "methods",
        "method", "design", "setting", "participants", "patients", "interventions", "intervention",
        "measurements", "results", "findings", "conclusion", "conclusions", "interpretation", "importance",
        "context", "summary", "overview", "significance", "limitations", "discussion", "evidence",
        "funding", "subjects", "treatment", "rationale", "hypothesis", "case presentation", "exposures",
        "main outcomes and measures", "main outcome measures", "materials and methods",
        "patients and methods", "methods and results", "trial registration", "background and aims",
        "background & aims", "objective and design", "design and setting", "study design", "observations",
        "data sources", "study selection", "data extraction", "design, setting, and participants",
        "purpose of review", "recent findings", "clinical relevance", "key points",
    )
)  # fmt: skip
_LABEL_COLON = re.compile(r"^([A-Z][A-Za-z,&/ -]{1,60}?)\s*:\s+(?=\S)")
_LABEL_DOT = re.compile(r"^([A-Z][A-Za-z,&/ -]{1,40}?)\.\s+(?=[A-Z])")


def heading_kind(line: Line) -> str | None:
    """The kind of a heading line (``abstract``, ``references``, ``mesh``...), or None."""
    return HEADINGS.get(line.text.rstrip(":").strip().lower()) if 0 < len(line.text) <= 40 else None


def abstract_label(text: str) -> str | None:
    """The label of a structured-abstract line (``Background: ...``, ``BACKGROUND``, ``Overview. ...``)."""
    bare = text.rstrip(":").strip()
    if bare and bare.lower() in _LABEL_SET:
        return bare
    if bare.isupper() and 1 <= len(bare.split()) <= 5 and len(bare) >= 4 and bare.replace(" ", "").isalpha():
        return bare
    match = _LABEL_COLON.match(text)
    if match and len(match.group(1).split()) <= 6:
        body = text[match.end() :]
        if match.group(1).lower() in _LABEL_SET or body[:1].isupper() or body[:1].isdigit():
            return match.group(1)
    match = _LABEL_DOT.match(text)
    if match and match.group(1).lower() in _LABEL_SET:
        return match.group(1)
    return None


# ---------------------------------------------------------------- the abstract


@dataclass(frozen=True, slots=True)
class Abstract:
    """Where the abstract is: its heading line (None if it has none), and its text's offsets."""

    heading: Line | None
    start: int
    end: int


def _trim(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


def _abstract_end(lines: list[Line], first: int, text: str, start: int, skip_first: bool) -> int:
    for line in lines[first + (1 if skip_first else 0) :]:
        if line.start < start or not line.text:
            continue
        if (heading_kind(line) not in (None, "abstract")) or _END_OF_ABSTRACT.match(line.text):
            return _trim(text, start, line.start)
    return _trim(text, start, len(text))


_GLUED_ABSTRACT = re.compile(r"^(?:Abstract|ABSTRACT)(?:\s*[:.]\s*|\s+|(?=[A-Z][a-z]))(?=\S)")
_METADATA_LINE = re.compile(
    r"^(?:Subject\(s\)|Subjects?|Keywords?|Key words|MeSH(?: terms)?|Authors?|Author\(s\)|Affiliations?|"
    r"Journal|Publisher|Funders?|Funding|Copyright|DOI|Cite(?: this)?|Citation|Language\(s\)|"
    r"Resource type|Topics?|Categories|Tags)\s*[-\u2013:]",
    re.I,
)
_SENTENCE_END = re.compile(r"[a-z)\]%]{2}[.!?](?:\s+[A-Z(]|\s*$)")


_SURNAME_INITIALS = r"[A-Z\u00c0-\u017f][\w'\u2019-]+(?: [A-Z\u00c0-\u017f][\w'\u2019-]+){0,2} [A-Z]{1,4}"
# "Tackey E, Lipsky PE, Illei GG. " -- the author list that opens a NLM/PubMed citation
NLM_AUTHORS = re.compile(rf"^(?:{_SURNAME_INITIALS}, )*(?:{_SURNAME_INITIALS}|et al)\.\s+(?=\S)")


def is_prose(text: str) -> bool:
    """Whether a line reads as running text (an abstract paragraph), not a metadata, keyword or name list,
    nor a citation (``Tackey E, Lipsky PE. Title. Journal. 2004;13:339-43.``)."""
    if _METADATA_LINE.match(text) or NLM_AUTHORS.match(text):
        return False
    words = len(text.split())
    separators = text.count(",") + text.count(";") + text.count("\u2022")
    return words >= 12 and (separators <= 0.25 * words or len(_SENTENCE_END.findall(text)) >= 2)


def _is_page_control(line: Line) -> bool:
    """A short link or button label between a heading and its text (``Read online``, ``Show more``)."""
    text = line.text
    return (
        len(text) <= 40
        and len(text.split()) <= 4
        and not re.search(r"[.:;!?]$", text)
        and abstract_label(text) is None
        and heading_kind(line) is None
    )


def _body_start(text: str, line: Line) -> int:
    """Where the abstract's text starts on ``line``: after a glued ``Abstract``/``ABSTRACT`` word."""
    glued = _GLUED_ABSTRACT.match(line.text)
    return line.start + glued.end() if glued else line.start


def find_abstract(lines: list[Line], text: str, not_before: int = 0) -> Abstract | None:
    """The abstract: after an ``Abstract``/``Summary`` heading (inline ``Abstract: ...`` too; page controls
    such as ``Read online`` skipped), else the first paragraph of running text; it ends at the next
    heading, ``Keywords``, ``Copyright``... or at the end."""
    candidates = [
        line
        for line in lines
        if line.start >= not_before
        and (heading_kind(line) == "abstract" or _ABSTRACT_INLINE.match(line.text))
    ]
    if candidates:
        first_long = next(
            (
                ln
                for ln in lines
                if ln.start > candidates[0].start and len(ln.text) >= 200 and is_prose(ln.text)
            ),
            None,
        )
        limit = first_long.start if first_long else len(text)
        chosen = [c for c in candidates if c.start < limit][-1]
        inline = _ABSTRACT_INLINE.match(chosen.text) if heading_kind(chosen) != "abstract" else None
        if inline:
            start, first = chosen.start + inline.end(), chosen.index
            return Abstract(chosen, start, _abstract_end(lines, first, text, start, skip_first=True))
        following = [ln for ln in lines[chosen.index + 1 :] if ln.text][:4]
        body = next((ln for ln in following if not _is_page_control(ln)), following[0] if following else None)
        if body is None:
            return Abstract(chosen, chosen.end, chosen.end)
        start = _body_start(text, body)
        return Abstract(chosen, start, _abstract_end(lines, body.index, text, start, skip_first=True))
    inline_word = re.search(r"(?<=\s)Abstract\s+(?=[A-Z])", text[not_before : not_before + 20000])
    if inline_word:
        start = not_before + inline_word.end()
        stop = re.search(r"\s(?:Key ?words|Introduction)\s", text[start:])
        line_end = text.find("\n", start)
        end = start + stop.start() if stop else (line_end if line_end >= 0 else len(text))
        return Abstract(None, start, _trim(text, start, end))
    long_lines = [ln for ln in lines if ln.start >= not_before and len(ln.text) >= 200]
    long_line = next((ln for ln in long_lines if is_prose(ln.text)), long_lines[0] if long_lines else None)
    if long_line is None:
        return None
    start = _body_start(text, long_line)
    return Abstract(None, start, _abstract_end(lines, long_line.index, text, start, False))


def abstract_parts(lines: list[Line], abstract: Abstract) -> list[Section]:
    """``abstract:LABEL`` sections for labelled paragraphs or label lines inside the abstract."""
    inside = [ln for ln in lines if ln.text and abstract.start <= ln.start < abstract.end]
    sections = []
    current: tuple[Line, str] | None = None
    end = 0
    for line in inside:
        label = abstract_label(line.text)
        if label:
            if current:
                sections.append(Section(f"abstract:{current[1].upper()}", current[0].start, end))
            current = (line, label)
        end = min(line.end, abstract.end)
    if current:
        sections.append(Section(f"abstract:{current[1].upper()}", current[0].start, end))
    return sections


# ---------------------------------------------------------------- list sections


@dataclass(frozen=True, slots=True)
class Block:
    """A headed section of the page (references, MeSH terms...): heading line and the lines under it."""

    kind: str
    heading: Line
    body: tuple[Line, ...]

    @property
    def end(self) -> int:
        ends = [ln.end for ln in self.body if ln.text]
        return max(ends) if ends else self.heading.end


def blocks(lines: list[Line], after: int = 0) -> list[Block]:
    """Every headed section starting at or after offset ``after``, each running to the next heading."""
    heads = [ln for ln in lines if ln.start >= after and heading_kind(ln) is not None]
    result = []
    for i, head in enumerate(heads):
        stop = heads[i + 1].index if i + 1 < len(heads) else len(lines)
        result.append(Block(heading_kind(head) or "", head, tuple(lines[head.index + 1 : stop])))
    return result


_ID_LINE = re.compile(r"^(?:PMID|PMCID|PMC|DOI)\s*:|^https?://(?:dx\.)?doi\.org/", re.I)
_NUMBERED = re.compile(r"^(\d{1,4})\.\s+(?=\S)")
_LINK = re.compile(r"\s+-\s+(?:DOI|PMC|PubMed|Free PMC article|Google Scholar|Crossref|CAS|Article)$")


def _strip_links(citation: str) -> str:
    """Drop trailing link labels (`` - DOI - PMC - PubMed``); looks at the tail only, so it stays linear."""
    for _ in range(8):
        citation = citation.rstrip()
        tail = citation[-40:]
        match = _LINK.search(tail)
        if not match:
            break
        citation = citation[: len(citation) - len(tail) + match.start()]
    return citation.strip()


def _work(lines: list[str]) -> CitedWork:
    joined = " ".join(lines)
    pmid = re.search(r"\bPMID:?\s*(\d{1,9})\b", joined)
    pmc = re.search(r"\bPMC(?:ID)?:?\s*(?:PMC)?(\d{3,10})\b", joined)
    doi = next((d for m in DOI_RE.finditer(joined) if (d := clean_doi(m.group(0)))), None)
    text_lines = [ln for ln in lines if not _ID_LINE.match(ln)] or lines[:1]
    citation = _NUMBERED.sub("", " ".join(text_lines))
    citation = _strip_links(citation)
    return CitedWork(
        citation, clean_pmid(pmid.group(1)) if pmid else None, doi, clean_pmc(pmc.group(1)) if pmc else None
    )


def cited_works(block: Block) -> tuple[CitedWork, ...]:
    """References or citing articles: numbered entries (``1. ...``), or entries closed by an id line
    (``PMID: ... PMC: ... DOI: ...``) as on PubMed mirror pages; ids are taken where printed."""
    entries: list[list[str]] = []
    current: list[str] = []
    closed = True
    for line in block.body:
        if not line.text:
            continue
        if _NUMBERED.match(line.text):
            if current:
                entries.append(current)
            current, closed = [line.text], False
        elif _ID_LINE.match(line.text) and current:
            current.append(line.text)
            if not any(_NUMBERED.match(x) for x in current[:1]):
                entries.append(current)
                current, closed = [], True
        elif closed or not current:
            if current:
                entries.append(current)
            current, closed = [line.text], False
        else:
            current.append(line.text)
    if current:
        entries.append(current)
    return tuple(_work(entry) for entry in entries)


def items(block: Block) -> list[str]:
    """The non-empty lines of a list section, without bullets."""
    return [re.sub(r"^[\u2022\u00b7*\-\u2013]\s*", "", ln.text).strip() for ln in block.body if ln.text]


def mesh_heading(item: str) -> MeshHeading:
    """``Antirheumatic Agents / therapeutic use*`` -> descriptor, qualifiers, major (a ``*`` anywhere)."""
    parts = [p.strip().rstrip("*").strip() for p in item.split("/")]
    return MeshHeading(parts[0].lstrip("*").strip(), None, "*" in item, tuple(p for p in parts[1:] if p))


def split_keywords(raw: str) -> tuple[str, ...]:
    """Keywords separated by ``;``, ``·``, `` . `` or ``,``."""
    for separator in (";", " · ", " . ", ","):
        if separator in raw:
            return unique(k.strip(" .") for k in raw.split(separator))
    return unique([raw.strip(" .")])
