"""Readers: input files -> ``Document``s.

``read_paths`` expands folders and glob patterns and yields a Document, or an InputError for a file that
could not be read, so one bad file never stops a run. ``read_file``/``read_bytes`` raise InputError.
Gzip input is decompressed transparently; the format is sniffed from the content unless forced by name.

Limits and settings (environment): ``KG_MAX_INPUT_MB`` (default 100) bounds a file and its decompressed
size; ``KG_INPUT_ENCODING`` forces a text encoding (default: UTF-8 or a BOM, else clean Windows-1252).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.readers import bioc_json, bioc_xml, html, medline, pubmed_page, pubmed_xml, pubtator, text
from kg.readers.common import GZIP_MAGIC, check_binary, check_size, gunzip
from kg.readers.sniff import sniff

__all__ = ["READERS", "Reader", "UnknownFormatError", "read_bytes", "read_file", "read_paths", "sniff"]

Reader = Callable[[bytes | str, str], list[Document]]


class UnknownFormatError(InputError, KeyError):
    """Raised when a reader is asked for by a name that is not in ``READERS`` (also a KeyError)."""

    def __init__(self, name: str, known: Iterable[str], source: str = "format") -> None:
        super().__init__(source, f"unknown format {name!r}; known formats: {', '.join(sorted(known))}")
        self.name = name

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


class _Registry(dict[str, Reader]):
    """Reader name -> reader function; looking up an unknown name raises UnknownFormatError."""

    def __missing__(self, name: str) -> Reader:
        raise UnknownFormatError(name, self)


READERS: dict[str, Reader] = _Registry(
    pubmed_page=pubmed_page.read,
    html=html.read,
    pubmed_xml=pubmed_xml.read,
    medline=medline.read,
    bioc_xml=bioc_xml.read,
    bioc_json=bioc_json.read,
    pubtator=pubtator.read,
    text=text.read,
)


def read_bytes(data: bytes, source: str, format: str | None = None) -> list[Document]:
    """Read the documents in ``data`` (named ``source`` in errors and in ``Document.source``)."""
    check_size(len(data), source, "input")
    if not data:
        raise InputError(source, "empty file")
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, source)
        if not data:
            raise InputError(source, "empty file (after gzip decompression)")
    if not data.strip():
        raise InputError(source, "empty file (whitespace only)")
    check_binary(data, source)
    if format is not None and format not in READERS:
        raise UnknownFormatError(format, READERS, source)
    reader = READERS[format or sniff(data, source)]
    return reader(data, source)


def read_file(path: Path, format: str | None = None) -> list[Document]:
    """Read the documents of one file; raises InputError if it cannot be read."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None
    if path.is_dir():
        raise InputError(source, "is a directory (use read_paths to read a folder)")
    check_size(size, source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None
    return read_bytes(data, source, format)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _expand(entry: str | Path) -> Iterator[Path | InputError]:
    path = Path(entry)
    if path.is_dir():
        files = (p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
        yield from sorted(files)
    elif path.exists():
        yield path
    elif glob.has_magic(str(entry)):
        matches = sorted(glob.glob(str(entry), recursive=True))
        if not matches:
            yield InputError(str(entry), "no file matches this pattern")
        for match in matches:
            if Path(match).is_dir():
                yield from _expand(match)
            elif not os.path.basename(match).startswith("."):
                yield Path(match)
    else:
        yield InputError(str(entry), "no such file or directory")


def read_paths(paths: Iterable[str | Path], format: str | None = None) -> Iterator[Document | InputError]:
    """Read every file named by ``paths`` (files, folders read recursively in sorted order without hidden
    files, glob patterns) and yield each Document, or an InputError for a file that could not be read."""
    if format is not None and format not in READERS:
        raise UnknownFormatError(format, READERS)
    for entry in paths:
        for item in _expand(entry):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield from read_file(item, format)
            except InputError as error:
                yield error
            except Exception as exc:  # a reader bug must not stop the other files
                yield InputError(str(item), f"unexpected {type(exc).__name__} while reading: {exc}")
