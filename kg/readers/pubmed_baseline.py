"""PubMed baseline and update files (``pubmed25n0001.xml.gz``), streamed.

A baseline file is a ``PubmedArticleSet`` of ~30,000 ``PubmedArticle``s (several hundred MB once
decompressed); an update file adds ``DeleteCitation`` (the PMIDs NCBI withdrew). The file is read with
lxml ``iterparse`` straight from the gzip stream, and each article is parsed by the efetch reader's
per-article code and then cleared, so memory stays flat whatever the file's size. ``KG_MAX_INPUT_MB``
applies to each article here (its XML), not to the file.

:func:`stream` yields a Document per article, a :class:`Deletion` per ``DeleteCitation`` and, when the
XML or the gzip stream breaks part-way, one InputError (the articles before the break were yielded).
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from kg.errors import InputError
from kg.model import Document
from kg.readers import pubmed_xml
from kg.readers.common import GZIP_MAGIC, check_size
from kg.readers.xmlsafe import ENTITY_REFUSAL, local_name, text_of

FORMAT = "pubmed_baseline"
#: The names NCBI gives baseline and update files (pubmed25n0001.xml.gz, pubmed25n1275.xml).
FILE_NAME = re.compile(r"^pubmed\d{2}n\d{4}\.xml(?:\.gz)?$", re.I)
_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")
_PROLOG_BYTES = 1 << 16


@dataclass(frozen=True)
class Deletion:
    """A ``DeleteCitation`` of an update file: these PMIDs are withdrawn from PubMed."""

    source: str
    pmids: tuple[str, ...]


class _Counting:
    """A file-like ``read`` over ``raw`` that counts the (decompressed) bytes read, after giving back
    ``head`` (the bytes already read to check the prolog)."""

    def __init__(self, raw: BinaryIO, head: bytes) -> None:
        self.raw = raw
        self.head = head
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        if self.head:
            data, self.head = self.head, b""
        else:
            data = self.raw.read(size)
        self.count += len(data)
        return data


def _open(path: Path) -> BinaryIO:
    handle = open(path, "rb")
    if handle.read(2) == GZIP_MAGIC:
        handle.seek(0)
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def stream(path: Path | str, source: str | None = None) -> Iterator[Document | Deletion | InputError]:
    """Every article and deletion of a baseline/update file (gzip or not), in file order."""
    path = Path(path)
    source = source or str(path)
    try:
        handle = _open(path)
    except OSError as exc:
        yield InputError(source, f"cannot read file ({exc.strerror or exc})")
        return
    with handle:
        yield from _stream(handle, source)


def stream_bytes(data: bytes, source: str) -> Iterator[Document | Deletion | InputError]:
    """:func:`stream` over bytes in memory (gzip or not)."""
    raw: BinaryIO = io.BytesIO(data)
    if data.startswith(GZIP_MAGIC):
        raw = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    yield from _stream(raw, source)


def _stream(handle: BinaryIO, source: str) -> Iterator[Document | Deletion | InputError]:
    try:
        prolog = handle.read(_PROLOG_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        yield InputError(source, f"truncated or corrupt gzip stream at its start ({exc})")
        return
    first_element = re.search(rb"<[A-Za-z_:]", prolog)
    if b"<!ENTITY" in prolog[: first_element.start() if first_element else len(prolog)]:
        yield InputError(source, ENTITY_REFUSAL)
        return
    counting = _Counting(handle, prolog)
    events = etree.iterparse(
        counting, events=("end",), tag=_TAGS, resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )
    articles = deletions = 0
    try:
        for _, element in events:
            name = local_name(element)
            if name == "DeleteCitation":
                pmids = tuple(p for p in (text_of(e) for e in element.iter("PMID")) if p)
                deletions += 1
                yield Deletion(source, pmids)
            else:
                check_size(len(etree.tostring(element)), f"{source} (article {articles + 1})", "article")
                articles += 1
                try:
                    yield pubmed_xml.parse_article(element, source)
                except InputError as error:
                    yield error
            element.clear(keep_tail=True)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]  # the articles already read: memory stays flat
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc)).strip()
        yield InputError(source, f"malformed XML at line {line}, column {column}: {message} "
                                 f"(the {articles} articles before it were read)")
    except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        yield InputError(source, f"truncated or corrupt gzip stream after {articles} articles ({exc})")
    else:
        if not articles and not deletions:
            yield InputError(source, "PubMed baseline file with no PubmedArticle or DeleteCitation")


def read(data: bytes | str, source: str) -> list[Document]:
    """The articles of a baseline file held in memory (the ``READERS`` entry: ``DeleteCitation`` is only
    honoured by :func:`stream`, which ``read_paths`` uses); raises the first InputError."""
    documents: list[Document] = []
    for item in stream_bytes(data.encode("utf-8") if isinstance(data, str) else data, source):
        if isinstance(item, InputError):
            raise item
        if isinstance(item, Document):
            documents.append(item)
    return documents


def is_baseline_file(path: Path, head: bytes, size: int, limit: int) -> bool:
    """Whether ``path`` is read as a stream: a ``PubmedArticleSet`` named like a baseline/update file, or
    one bigger than the size limit (``head``: its first bytes, decompressed)."""
    from kg.readers.sniff import is_pubmed_article_set

    if not is_pubmed_article_set(head):
        return False
    return bool(FILE_NAME.match(path.name)) or size > limit or b"<DeleteCitation" in head
