"""Bibliographic fields from the head of a saved page: title, authors, journal, date, PMID/DOI/PMC.

The rules are layout-independent where possible (labelled lines, citation lines, id patterns) with a few
anchors of the common layouts: PubMed (title before ``Affiliations``; ``X et al. Journal. Year.``), PubMed
mirrors (``» Articles » PMID: N`` then the title; ``Journal``/``Date`` lines), DOAJ (``Journal (Mon YYYY)``
then the title) and, failing those, the first line that looks like a title.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from kg.model import Author
from kg.readers.common import DOI_RE, clean_doi, parse_date
from kg.readers.page_layout import NLM_AUTHORS, Line, abstract_label, heading_kind

MIRROR = re.compile(r"»\s*Articles\s*»\s*PMID:\s*(\d{1,9})")
PUBLICATION_TYPES = frozenset(
    (
        "Review", "Systematic Review", "Meta-Analysis", "Clinical Trial", "Randomized Controlled Trial",
        "Controlled Clinical Trial", "Clinical Trial, Phase I", "Clinical Trial, Phase II",
        "Clinical Trial, Phase III", "Clinical Trial, Phase IV", "Comparative Study", "Multicenter Study",
        "Observational Study", "Case Reports", "Editorial", "Letter", "Comment", "Practice Guideline",
        "Guideline", "Consensus Development Conference", "Evaluation Study", "Validation Study",
        "Clinical Study", "Clinical Trial Protocol", "Equivalence Trial", "Pragmatic Clinical Trial",
        "Historical Article", "Research Support, N.I.H., Extramural", "Research Support, Non-U.S. Gov't",
        "Research Support, U.S. Gov't, P.H.S.", "Journal Article", "Preprint", "Published Erratum",
        "Retracted Publication", "Retraction of Publication", "News",
    )
)  # fmt: skip
_BOILERPLATE = re.compile(
    r"^(?:Skip to|An official website|Federal government websites|The \.gov means|The site is secure|"
    r"The https://|Access keys|Published|Received|Accepted|Revised|Copyright|©|Research output|"
    r"Volume\b|Vol\b|"
    r"Read Time|Citations?\b|Back to|Download|Share\b|Checked for plagiarism|Review by|Peer reviewer|"
    r"Editor who approved|Mark Complete|Developed by|Funder|Publisher|Journal\b|e?ISSN|pISSN|Language|"
    r"Resource type|Subject\(s\)|H-Index|SCImago|Publication (?:year|title)|Authors?\b|Author\(s\)|"
    r"Affiliations|Quick Links|Trending Topic|Original language|Erratum|Epub|eCollection|Article Number|"
    r"Select a Section|Copy Link|Open Access|Free (?:PMC )?article|Cite\b|Save\b|Email\b|Full text links|"
    r"Item in Clipboard|Display options|Specialty|Date\b|PMID|PMCID|DOI\b|Keywords?\b|Soon will be)",
    re.I,
)
_CITATION = re.compile(
    r"(?:^|:\s+)(?P<journal>[A-Z][^.;:\d\n]{0,100}?)\.\s+"
    r"(?P<date>\d{4}(?:\s+[A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2})?)\s*[;:.]"
)
_CITATION_NO_JOURNAL = re.compile(r"^\.\s+(?P<date>\d{4}(?:\s+[A-Z][a-z]{2,8})?(?:\s+\d{1,2})?)\s*[;:.]")
_ET_AL = re.compile(r"^(?P<first>.+?)\s+et al\.\s+(?P<journal>[^.]*?)\.\s*(?:(?P<year>\d{4})\.?|\.)?\s*$")
_JOURNAL_DATE = re.compile(r"^(?P<journal>.+?)\s+\((?P<date>(?:[A-Z][a-z]{2,8}\.?\s+)?\d{4})\)$")
_NAME_TOKEN = re.compile(
    r"^(?:[A-Z\u00c0-\u00de\u0100-\u017f][\w.'\u2019\u2010-]*|[A-Z]\.?(?:[A-Z]\.?)*|de|del|der|van|von|da|di|dos|du|la|le|bin|al)$"
)
_MARKER_CHARS = frozenset("0123456789, \t*\u2020\u2021\u00a7")


# ---------------------------------------------------------------- NLM citations
_NLM_REST = re.compile(
    r"(?P<title>[\w\"'\u201c(\[][^\n]{10,500}?[.?!])\s+(?P<journal>[A-Z][^.;:\n]{0,100}?)\.?\s+"
    r"(?P<date>\d{4}(?:\s+[A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2})?)\s*[;:.]"
)


def nlm_citation(line: Line) -> tuple[tuple[str, ...], Line, str, str | None] | None:
    """Authors, the title (as a Line of its own offsets), journal and date of a citation line such as
    ``Tackey E, Lipsky PE, Illei GG. Rationale for ... lupus erythematosus. Lupus. 2004;13(5):339-43.``"""
    authors = NLM_AUTHORS.match(line.text)
    if not authors:
        return None
    rest = _NLM_REST.match(line.text, authors.end())
    if not rest:
        return None
    names = tuple(
        n.strip() for n in authors.group(0).strip().rstrip(".").split(", ") if n.strip() and n.strip() != "et al"
    )
    title_start, title_end = rest.start("title"), rest.end("title")
    if line.text[title_end - 1] == ".":
        title_end -= 1  # NLM closes the title with a period that is not part of it
    title = Line(line.index, line.start + title_start, line.start + title_end, line.text[title_start:title_end])
    return names, title, rest.group("journal").strip(), parse_date(rest.group("date"))


# ---------------------------------------------------------------- names


def clean_name(raw: str) -> str:
    """A person's name without affiliation markers, bullets, numbering or trailing commas."""
    name = re.sub(r"^(?:\d{1,3}\.\s+|[•·]\s*)", "", raw.strip())
    name = _strip_markers(name.strip().rstrip(",;").strip())
    return name.strip().rstrip(",").strip()


def _strip_markers(name: str) -> str:
    """``Stefan Rose-John 1,a`` -> ``Stefan Rose-John``; ``Sharma2`` -> ``Sharma``; ``Dong*`` -> ``Dong``.

    A right-to-left scan (a regular expression for this backtracks badly on long lines of digits)."""
    end = len(name)
    while end:
        char = name[end - 1]
        if char in _MARKER_CHARS:
            end -= 1
        elif char.islower() and end >= 2 and name[end - 2] in ",0123456789":
            end -= 1  # the letter of an affiliation marker such as "1,a"
        else:
            break
    return name[:end]


def is_name(raw: str) -> bool:
    """True for a string that reads as one person's name (1-5 capitalized tokens or initials)."""
    tokens = clean_name(raw).split()
    return (
        1 <= len(tokens) <= 5
        and all(_NAME_TOKEN.match(t) for t in tokens)
        and any(len(t) > 2 for t in tokens)
    )


def split_names(line: str) -> list[str]:
    """Names of an author line: ``A, B and C``, ``A & B``, ``A · B``, ``A; B``."""
    if re.search(r"\s[&·]\s|;", line):
        parts = re.split(r"\s*[&·;]\s*", line)
    else:
        parts = re.split(r",\s+|\s+and\s+", line)
    return [clean_name(p) for p in parts if clean_name(p)]


def is_author_line(line: str) -> bool:
    """True for a line listing two or more person names."""
    parts = split_names(line)
    return len(parts) >= 2 and sum(is_name(p) for p in parts) >= max(2, int(0.8 * len(parts) + 0.5))


# ---------------------------------------------------------------- title


def _word_count(text: str) -> int:
    return len(re.findall(r"[^\W\d_][\w'\u2019-]*", text))


def is_title_candidate(text: str, strict: bool = True) -> bool:
    """Whether a head line could be the article title."""
    if not text or heading_kind(Line(0, 0, len(text), text)) is not None or _BOILERPLATE.match(text):
        return False
    if re.search(
        r"https?://|www\.|doi\.org|\bdoi:|»| \| |logoLink|\[…\]$|\.\.\.$", text, re.I
    ) or DOI_RE.search(text):
        return False
    if not strict:
        return _word_count(text) >= 2
    if (
        not 15 <= len(text) <= 350
        or _word_count(text) < 4
        or not (text[0].isalpha() or text[0] in "\"'\u201c\u2018(")
    ):
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return False
    return not (
        is_author_line(text)
        or _CITATION.match(text)
        or _JOURNAL_DATE.match(text)
        or text in PUBLICATION_TYPES
        or re.match(r"^[A-Z][\w ]{0,25}:\s*\d", text)
    )


def _next_text(lines: list[Line], index: int) -> Line | None:
    return next((ln for ln in lines[index + 1 :] if ln.text), None)


def _previous_text(lines: list[Line], index: int) -> Line | None:
    return next((ln for ln in reversed(lines[:index]) if ln.text), None)


def find_title(lines: list[Line], head: list[Line]) -> Line | None:
    """The title line: after a mirror header, before ``Affiliations``, after a DOAJ journal line, else the
    first title-like line of the head (stopping at the first labelled abstract paragraph)."""
    for line in head[:6]:
        if MIRROR.search(line.text):
            following = _next_text(lines, line.index)
            if following and heading_kind(following) is None:
                return following
    for line in head:
        if heading_kind(line) == "affiliations":
            before = [ln for ln in reversed(lines[: line.index]) if ln.text][:3]
            for previous in before:  # PubMed: title, [author line], Affiliations
                if heading_kind(previous) is not None:
                    break
                if _is_byline(previous.text):
                    continue
                if is_title_candidate(previous.text, strict=False):
                    return previous
                break
            break
    for line in head[:12]:
        if _JOURNAL_DATE.match(line.text) and not DOI_RE.search(line.text):
            following = _next_text(lines, line.index)
            if following and is_title_candidate(following.text):
                return following
    for line in head[:12]:
        citation = nlm_citation(line)
        if citation:
            return citation[1]
    for line in head:
        if not line.text:
            continue
        if len(line.text) > 150 and abstract_label(line.text):
            return None
        if is_title_candidate(line.text):
            return line
    return None


def complete_title(text: str, line: Line) -> tuple[int, int]:
    """Offsets of the title on ``line``; a lower-case slug title (document-sharing sites) is replaced by its
    properly cased occurrence later in the page, extended by the lower-case words that follow it there."""
    start, end = line.start, line.end
    while end > start and text[end - 1] in "*†‡ ":
        end -= 1
    title = text[start:end]
    if title and title == title.lower() and title[0].isalpha():
        pattern = re.compile(re.escape(title), re.I)
        for match in pattern.finditer(text, end):
            tail = re.match(r"(?:\s+[a-z][a-z-]*)+", text[match.end() :])
            stop = match.end() + (tail.end() if tail else 0)
            if text[match.start()].isupper():
                return match.start(), stop
    return start, end


# ---------------------------------------------------------------- authors


def _is_byline(text: str) -> bool:
    """An author line, or one name with affiliation markers (``Paul M Ridker 1``)."""
    if is_author_line(text):
        return True
    return is_name(text) and len(clean_name(text).split()) >= 2 and bool(re.search(r"\d\s*[,a-z]*$", text))


def find_authors(lines: list[Line], head: list[Line], title: Line | None) -> tuple[Author, ...]:
    """Authors printed in the head: an ``Authors`` label or list, bullets or a name line right after the
    title, else ``X et al. Journal. Year.`` (the first author only)."""
    for line in head:
        label = re.match(r"^Authors?(?:\(s\))?\s*(?::|-)?\s*(.*)$", line.text)
        if not label or len(line.text) > 400:
            continue
        rest = label.group(1).strip()
        if rest and rest != "-":
            names = [n for n in split_names(rest) if is_name(n)]
            if names:
                return tuple(Author(n) for n in names)
            continue
        following = _next_text(lines, line.index)
        if following and is_author_line(following.text):
            return tuple(Author(n) for n in split_names(following.text) if is_name(n))
        listed = _name_list(lines, line.index + 1)
        if listed:
            return listed
    if title is not None:
        listed = _name_list(lines, title.index + 1, bullets_only=True)
        if listed:
            return listed
        for line in [ln for ln in lines[title.index + 1 :] if ln.text][:3]:
            if is_author_line(line.text):
                return tuple(Author(n) for n in split_names(line.text) if is_name(n))
            if len(line.text.split()) >= 2 and _is_byline(line.text):
                return (Author(clean_name(line.text)),)
    for line in head[:12]:
        citation = nlm_citation(line)
        if citation:
            return tuple(Author(n) for n in citation[0])
    for line in head:
        match = _ET_AL.match(line.text)
        if match and is_name(match.group("first")):
            return (Author(clean_name(match.group("first"))),)
    return ()


def authors_cut_short(head: list[Line], authors: tuple[Author, ...]) -> bool:
    """Whether ``authors`` are only the first authors the page names (``E Tackey et al. Lupus. 2004.``,
    ``Horby PW, Campbell M, et al. Title...``): the page does not list the others."""
    if not authors:
        return False
    for line in head:
        match = _ET_AL.match(line.text)
        if match and len(authors) == 1 and clean_name(match.group("first")) == authors[0].name:
            return True
        citation = nlm_citation(line)
        if citation and citation[0] == tuple(a.name for a in authors) and ", et al." in line.text[:500]:
            return True
    return False


def _name_list(lines: list[Line], first: int, bullets_only: bool = False) -> tuple[Author, ...]:
    names: list[str] = []
    for line in lines[first : first + 60]:
        if not line.text:
            continue
        bullet = re.match(r"^(?:[•·]|\d{1,3}\.)\s*", line.text)
        if (bullets_only and not bullet) or heading_kind(line) is not None or not is_name(line.text):
            break
        names.append(clean_name(line.text))
    return tuple(Author(n) for n in names)


# ---------------------------------------------------------------- journal and date


def find_journal_date(head: list[Line], mirror: bool) -> tuple[str | None, str | None]:
    """The journal name and the publication date (ISO prefix) printed in the head, best source first."""
    journals: list[tuple[int, str]] = []
    dates: list[tuple[int, str]] = []

    def add(rank: int, journal: str | None = None, date: str | None = None) -> None:
        if journal and journal.strip(" .,"):
            journals.append((rank, journal.strip(" .,")))
        if date:
            dates.append((rank, date))

    for i, line in enumerate(head):
        text = line.text
        if mirror and (m := re.match(r"^Journal\s+(.+)$", text)):
            add(0, m.group(1))
        if mirror and (m := re.match(r"^Date\s+(.+)$", text)):
            add(0, date=parse_date(m.group(1)))
        if m := re.match(r"^Journal:\s*(\S+)\s+-\s+(.+)$", text):
            add(1, m.group(2), parse_date(m.group(1)))
        elif m := re.match(r"^Journal:\s*(.+?),\s*(\d{4})\b", text):
            add(1, m.group(1), m.group(2))
        if i < 12 and (citation := nlm_citation(line)):
            add(2, citation[2], citation[3])
        if m := _CITATION.search(text):
            add(2, m.group("journal"), parse_date(m.group("date")))
        elif m := _CITATION_NO_JOURNAL.match(text):
            add(2, date=parse_date(m.group("date")))
        if (m := _ET_AL.match(text)) and m.group("journal").strip():
            add(2, m.group("journal"))
        if (m := _JOURNAL_DATE.match(text)) and not DOI_RE.search(text):
            add(3, m.group("journal"), parse_date(m.group("date")))
        if m := re.match(r"^Publication year\s*-\s*(\d{4})", text):
            add(3, date=m.group(1))
        if re.match(r"^Publication title\s*-\s*$", text) and i + 1 < len(head):
            following = next((ln for ln in head[i + 1 :] if ln.text), None)
            add(3, following.text if following else None)
        if m := re.match(r"^Published(?: Online)?:?\s+(.+)$", text):
            add(4, date=parse_date(m.group(1)))
        if re.match(r"^Volume \d+, Issue", text):
            add(5, date=parse_date(text))
    journal = min(journals, key=lambda x: x[0])[1] if journals else None
    date = min(dates, key=lambda x: x[0])[1] if dates else None
    return journal, date


def publication_types(head: list[Line]) -> tuple[str, ...]:
    """PubMed publication types printed as lines of their own in the head (``Review``, ``Clinical Trial``)."""
    return tuple(dict.fromkeys(ln.text for ln in head if ln.text in PUBLICATION_TYPES))


# ---------------------------------------------------------------- identifiers


def find_pmid(text: str) -> str | None:
    """A PMID printed as ``PMID: N``, ``PMID N`` or in a mirror header."""
    match = MIRROR.search(text) or re.search(r"\bPMID(?::\s*|\s+)(\d{1,9})\b", text)
    return match.group(1) if match else None


def find_pmc(text: str) -> str | None:
    """A PMC id printed as ``PMCID: PMC123`` or ``PMC123``."""
    match = re.search(r"\bPMCID:?\s*(PMC\d+)|\b(PMC\d{4,})\b", text)
    return (match.group(1) or match.group(2)) if match else None


def filename_hints(source: str) -> tuple[str | None, str | None]:
    """PMID and DOI (still mangled: ``10.1002_ajh.23868``) from ``pmid_123.txt`` or ``doi_10.x_y.txt``."""
    name = PurePath(source).name
    name = re.sub(r"\.gz$", "", name, flags=re.I)
    name = re.sub(r"\.(?:txt|text|html?|xml|json|nbib|medline)$", "", name, flags=re.I)
    pmid = re.match(r"^pmid[_-]?(\d{1,9})$", name, re.I)
    doi = re.match(r"^doi[_-](10\.\d{4,9}[_/].+)$", name, re.I)
    return (pmid.group(1) if pmid else None), (doi.group(1) if doi else None)


def _mangle(doi: str) -> str:
    return re.sub(r"[/()]", "_", doi).lower()


def doi_from_filename(mangled: str, text: str) -> str | None:
    """The DOI a file name stands for, only where it cannot be wrong: a DOI printed in the text that mangles
    to the same name, else the name itself when it has exactly one ``_`` (which must then be the ``/`` after
    the prefix). ``10.1155_2013_912562`` may be ``10.1155/2013/912562``, ``10.1155/2013_912562``... so it
    gives None."""
    key = _mangle(mangled)
    for match in DOI_RE.finditer(text):
        doi = clean_doi(match.group(0))
        if doi and _mangle(doi) == key:
            return doi
    prefix, _, rest = mangled.partition("_")
    return clean_doi(f"{prefix}/{rest}") if rest and "_" not in rest else None
