"""Helpers shared by the readers: input limits, decoding, gzip, identifiers, dates, structured text.

Decoding policy (``decode_text``): a UTF-8, UTF-16 or UTF-32 byte-order mark decides the encoding (the mark
itself is not part of the text); UTF-16 without a mark is recognised by its NUL bytes at every other
position; otherwise the data must be UTF-8, except that data which is not UTF-8
but decodes cleanly as Windows-1252 and looks like text (no control characters) is read as Windows-1252,
the usual encoding of legacy Western files. ``KG_INPUT_ENCODING`` forces an encoding for every input.
"""

from __future__ import annotations

import codecs
import logging
import math
import os
import re
import zlib
from collections.abc import Iterable

from kg.errors import InputError, SettingError, one_line
from kg.model import Document, Section

log = logging.getLogger("kg.readers")

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_INPUT_MB = 100.0
MAX_INPUT_ENV = "KG_MAX_INPUT_MB"
ENCODING_ENV = "KG_INPUT_ENCODING"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "bzip2-compressed data; only gzip is decompressed"),
    (b"\xfd7zXZ\x00", "xz-compressed data; only gzip is decompressed"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data; only gzip is decompressed"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- limits and raw bytes


def max_input_bytes(source: str = "") -> tuple[int, float]:
    """The input size limit in bytes and in MB, from ``KG_MAX_INPUT_MB`` (default 100); a value that is not
    a positive finite number raises SettingError naming the variable."""
    raw = os.environ.get(MAX_INPUT_ENV, "")
    if not raw.strip():
        return int(DEFAULT_MAX_INPUT_MB * 2**20), DEFAULT_MAX_INPUT_MB
    try:
        limit = float(raw.strip())
    except ValueError:
        limit = -1.0
    if not (math.isfinite(limit) and limit > 0):
        raise SettingError(
            MAX_INPUT_ENV,
            f"must be a positive number of MB (default {DEFAULT_MAX_INPUT_MB:g}), got {raw!r}",
        )
    return max(1, int(limit * 2**20)), limit


def check_settings() -> None:
    """Raise SettingError when a reader setting of the environment is unusable (call once before a run)."""
    max_input_bytes()
    forced = os.environ.get(ENCODING_ENV, "").strip()
    if forced:
        try:
            codecs.lookup(forced)
        except LookupError:
            raise SettingError(ENCODING_ENV, f"unknown encoding {forced!r}") from None


def _mb(size: int) -> str:
    value = size / 2**20
    return f"{value:.0f}" if value >= 10 else f"{value:.3g}"


def check_size(size: int, source: str, what: str = "file") -> None:
    """Raise InputError when ``size`` bytes exceed the configured limit."""
    limit, limit_mb = max_input_bytes(source)
    if size > limit:
        raise InputError(source, f"{what} is {_mb(size)} MB; the limit is {limit_mb:g} MB ({MAX_INPUT_ENV})")


def gunzip(data: bytes, source: str, max_bytes: int | None = None) -> bytes:
    """Decompress gzip data (all members), bounded by the size limit; raise InputError on bad data.

    With ``max_bytes`` the output is silently cut at that length (used by sniffing a file's head).
    """
    limit, limit_mb = max_input_bytes(source)
    bound = max_bytes if max_bytes is not None else limit + 1
    out: list[bytes] = []
    total = 0
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=31)
        try:
            chunk = inflater.decompress(rest, bound - total)
        except zlib.error as exc:
            raise InputError(source, f"corrupt gzip data ({exc})") from None
        out.append(chunk)
        total += len(chunk)
        if total >= bound:
            if max_bytes is not None:
                return b"".join(out)[:max_bytes]
            raise InputError(
                source, f"gzip data expands beyond the limit of {limit_mb:g} MB ({MAX_INPUT_ENV})"
            )
        if not inflater.eof:
            if max_bytes is not None:
                return b"".join(out)
            raise InputError(source, "truncated gzip data")
        rest = inflater.unused_data
        if rest and not rest.startswith(GZIP_MAGIC):
            if rest.strip(b"\x00"):
                raise InputError(source, "trailing garbage after gzip data")
            break
    return b"".join(out)


def check_binary(data: bytes, source: str) -> None:
    """Raise InputError when ``data`` is not text (a known binary signature, or NUL bytes that are neither
    after a BOM nor the pattern of UTF-16 without one)."""
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(source, f"binary data ({what}; not text, XML or gzip)")
    if has_bom(data) or utf16_without_bom(data):
        return
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary data (not text, XML or gzip)")


def has_bom(data: bytes) -> str | None:
    """The codec named by a byte-order mark at the start of ``data``, or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for UTF-16 text without a byte-order mark, told by its NUL bytes: in
    text of mostly Latin script every other byte is NUL (the odd ones in little-endian, the even ones in
    big-endian) and the other half has none; None for anything else."""
    head = data[:8192]
    pairs = len(head) // 2
    if pairs < 2 or b"\x00" not in head:
        return None
    even, odd = head[0 : 2 * pairs : 2], head[1 : 2 * pairs : 2]
    even_nuls, odd_nuls = even.count(0), odd.count(0)
    if odd_nuls >= 0.4 * pairs and even_nuls <= 0.02 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.4 * pairs and odd_nuls <= 0.02 * pairs:
        return "utf-16-be"
    return None


def text_codec(data: bytes) -> str | None:
    """The codec a BOM names, or the UTF-16 byte order detected without one; None means UTF-8 (or legacy)."""
    return has_bom(data) or utf16_without_bom(data)


def decode_text(data: bytes | str, source: str) -> str:
    """Decode input bytes to text following the module's decoding policy; raise InputError if impossible."""
    if isinstance(data, str):
        return data
    forced = os.environ.get(ENCODING_ENV, "").strip()
    if forced:
        try:
            return data.decode(forced)
        except LookupError:
            raise InputError(source, f"unknown encoding {forced!r} in {ENCODING_ENV}") from None
        except UnicodeDecodeError as exc:
            raise InputError(source, f"not valid {forced} at byte {exc.start}") from None
    codec = text_codec(data)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            name = {"utf-8-sig": "UTF-8", "utf-32": "UTF-32"}.get(codec, "UTF-16")
            detail = " (UTF-16 without a byte-order mark)" if codec.startswith("utf-16-") else ""
            raise InputError(source, f"not valid {name} at byte {exc.start}{detail}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and not _CONTROL.search(text):
        return text
    raise InputError(source, f"not valid UTF-8 at byte {position} (try {ENCODING_ENV}=latin-1)")


# ---------------------------------------------------------------- identifiers

DOI_RE = re.compile(r"\b10\.\d{4,9}/(?:(?!Get rights)[^\s\"<>])+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI_GLUED = re.compile(r"Get rights and content.*$|Get rights.*$")


def clean_doi(raw: str | None) -> str | None:
    """A bare DOI (``10.1182/blood-2013-12-546374``) from a printed form, or None if it is not one."""
    if not raw:
        return None
    doi = _DOI_PREFIX.sub("", raw.strip())
    doi = _DOI_GLUED.sub("", doi)
    while doi and doi[-1] in ".,;:'\"]}>·*":
        doi = doi[:-1]
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi if re.fullmatch(r"10\.\d{4,9}/\S+", doi) else None


def find_doi(text: str) -> str | None:
    """The first DOI printed in ``text``."""
    for match in DOI_RE.finditer(text):
        doi = clean_doi(match.group(0))
        if doi:
            return doi
    return None


def clean_pmid(raw: str | None) -> str | None:
    """A PMID as a string of digits without leading zeros, or None."""
    if raw is None:
        return None
    digits = raw.strip()
    return digits.lstrip("0") or None if digits.isdigit() and len(digits) <= 10 else None


def clean_pmc(raw: str | None) -> str | None:
    """A PMC id in the ``PMC1234567`` form, or None."""
    if not raw:
        return None
    match = re.fullmatch(r"(?:PMC)?\s*(\d{1,10})", raw.strip(), re.I)
    return f"PMC{match.group(1)}" if match else None


def split_identifiers(raw: str | None) -> tuple[str, ...]:
    """Concept identifiers of an annotation, split on ``,`` ``;`` and ``|``; ``-1`` (no concept) is dropped.

    tmVar variant ids such as ``p|SUB|V|1763|M`` use ``|`` inside one id and are not split on it.
    """
    if raw is None:
        return ()
    raw = raw.strip()
    if not raw:
        return ()
    pattern = r"[,;]" if re.match(r"^[cgmnpr]\|[A-Z]+\|", raw) else r"[,;|]"
    parts = (part.strip() for part in re.split(pattern, raw))
    return tuple(part for part in parts if part and part != "-1")


# ---------------------------------------------------------------- dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def month_number(raw: str | None) -> int | None:
    """1-12 for a month name, abbreviation or number; None otherwise."""
    if not raw:
        return None
    raw = raw.strip().rstrip(".").lower()
    if raw.isdigit():
        value = int(raw)
        return value if 1 <= value <= 12 else None
    return _MONTHS.get(raw)


def iso_date(
    year: str | int | None, month: str | int | None = None, day: str | int | None = None
) -> str | None:
    """An ISO 8601 prefix (``2015``, ``2015-01``, ``2015-01-16``) from parts; None without a valid year."""
    try:
        y = int(str(year).strip())
    except (TypeError, ValueError):
        return None
    if not 1000 <= y <= 2999:
        return None
    m = month if isinstance(month, int) else month_number(month)
    if m is None or not 1 <= m <= 12:
        return f"{y:04d}"
    try:
        d = int(str(day).strip()) if day is not None else None
    except ValueError:
        d = None
    if d is None or not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


_MONTH_WORD = r"[A-Za-z]{3,9}\.?"
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[int, int, int]], ...] = (
    (re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{4})/(\d{1,2})(?:/(\d{1,2}))?\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), (3, 2, 1)),
    (re.compile(rf"\b(\d{{4}})[ /]({_MONTH_WORD})(?: (\d{{1,2}})\b)?"), (1, 2, 3)),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH_WORD}),? (\d{{4}})\b"), (3, 2, 1)),
    (re.compile(rf"\b({_MONTH_WORD}) (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b"), (3, 1, 2)),
    (re.compile(rf"\b({_MONTH_WORD}),? (\d{{4}})\b"), (2, 1, 0)),
)


def parse_date(text: str | None) -> str | None:
    """The first date written in ``text`` as an ISO prefix: ``2015 Jan 16``, ``2003/July``, ``Apr 6th 2023``,
    ``2020-07-23``, ``4 May 2002``, ``1998 Dec-1999 Jan`` (first date), ``2000 Spring`` (year only)."""
    if not text:
        return None
    for pattern, (yi, mi, di) in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groups()
            month = groups[mi - 1] if mi else None
            if month is not None and month_number(month) is None:
                continue
            date = iso_date(groups[yi - 1], month, groups[di - 1] if di else None)
            if date:
                return date
    year = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", text)
    return year.group(1) if year else None


# ---------------------------------------------------------------- structured text

_LABEL = re.compile(r"(?:^|(?<=[.!?)\]] ))([A-Z][A-Z0-9 ,/&()'-]{1,60}[A-Z)]):\s+(?=\S)")


def split_labelled(abstract: str) -> list[tuple[str | None, str]]:
    """Split an abstract written as ``BACKGROUND: ... METHODS: ...`` into labelled parts."""
    matches = [m for m in _LABEL.finditer(abstract) if sum(c.isalpha() for c in m.group(1)) >= 3]
    if not matches:
        return [(None, abstract.strip())] if abstract.strip() else []
    parts: list[tuple[str | None, str]] = []
    head = abstract[: matches[0].start()].strip()
    if head:
        parts.append((None, head))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(abstract)
        parts.append((match.group(1).strip(), abstract[match.end() : end].strip()))
    return parts


def label_sections(text: str, start: int, end: int) -> list[Section]:
    """``abstract:LABEL`` sections for ``LABEL: ...`` parts found in ``text[start:end]`` (text unchanged)."""
    region = text[start:end]
    matches = [m for m in _LABEL.finditer(region) if sum(c.isalpha() for c in m.group(1)) >= 3]
    sections = []
    for i, match in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(region)
        body_end = start + len(region[:stop].rstrip())
        sections.append(
            Section(f"abstract:{match.group(1).strip().upper()}", start + match.start(), body_end)
        )
    return sections


def build_text(title: str | None, parts: Iterable[tuple[str | None, str]]) -> tuple[str, tuple[Section, ...]]:
    """``title + "\\n\\n" + abstract`` with one line per abstract part (``LABEL: text``), and its sections."""
    pieces: list[str] = []
    sections: list[Section] = []
    pos = 0
    if title:
        pieces.append(title)
        sections.append(Section("title", 0, len(title)))
        pos = len(title)
    parts = [(label, body) for label, body in parts if body or label]
    if parts:
        if pieces:
            pieces.append("\n\n")
            pos += 2
        abstract_start = pos
        for i, (label, body) in enumerate(parts):
            if i:
                pieces.append("\n")
                pos += 1
            line = f"{label}: {body}" if label else body
            if label:
                sections.append(Section(f"abstract:{label.upper()}", pos, pos + len(line)))
            pieces.append(line)
            pos += len(line)
        sections.insert(1 if title else 0, Section("abstract", abstract_start, pos))
    return "".join(pieces), tuple(sections)


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace to one space and strip."""
    return " ".join(text.split()) if text else ""


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Non-empty items, first occurrence kept, order preserved."""
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


# ---------------------------------------------------------------- what a reader found


def abstract_text(document: Document) -> str:
    """The text of the document's ``abstract`` sections (empty when the reader found none)."""
    parts = (document.text[s.start : s.end] for s in document.sections if s.name == "abstract")
    return " ".join(part.strip() for part in parts if part.strip())


def _why_no_abstract(document: Document) -> str:
    if not document.text.strip():
        return "the document is empty"
    if document.title and document.text.strip() == document.title.strip():
        return "title only"
    return "no abstract section recognised; extraction reads the whole text"


def warn_without_abstract(documents: list[Document], source: str) -> None:
    """Log one warning (logger ``kg.readers``) naming ``source`` when documents of it have no abstract."""
    missing = [d for d in documents if not abstract_text(d)]
    if not missing:
        return
    if len(documents) == 1:
        log.warning("%s: no abstract text found (%s)", one_line(source), _why_no_abstract(missing[0]))
        return
    names = ", ".join(
        f"PMID {d.pmid}" if d.pmid else f"document {documents.index(d) + 1}" for d in missing[:5]
    )
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    log.warning(
        "%s: %d of %d documents have no abstract text (%s%s)",
        one_line(source),
        len(missing),
        len(documents),
        names,
        more,
    )
