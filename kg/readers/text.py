"""Plain text (the fallback): the whole file is the document text; metadata is read as for saved pages."""

from __future__ import annotations

from kg.model import Document
from kg.readers.common import decode_text
from kg.readers.pubmed_page import parse_page

FORMAT = "text"


def read(data: bytes | str, source: str) -> list[Document]:
    """Read a plain-text file as one document whose text is the file's text, unchanged."""
    return [parse_page(decode_text(data, source), source, FORMAT)]
