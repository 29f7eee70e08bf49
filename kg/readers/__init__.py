"""Readers: input files -> ``Document``s.

``read_paths`` expands folders and glob patterns and yields a Document, or an InputError for a file that
could not be read, so one bad file never stops a run. ``read_file``/``read_bytes`` raise InputError.
Gzip input is decompressed transparently; the format is sniffed from the content unless forced by name.
A file that yields no abstract text is read all the same, with a warning naming it (logger ``kg.readers``).

PubMed baseline and update files (``pubmed25n0001.xml.gz``, or any ``PubmedArticleSet`` over the size
limit) are streamed (``pubmed_baseline``): articles are yielded as they are parsed, the size limit applies to
each article, and with ``deletions=True`` each ``DeleteCitation`` is yielded as a ``Deletion``.

Limits and settings (environment): ``KG_MAX_INPUT_MB`` (default 100) bounds a file and its decompressed
size (an article, for streamed files); ``KG_INPUT_ENCODING`` forces a text encoding (default: UTF-8 or a BOM, else clean Windows-1252).
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.readers import bioc_json, bioc_xml, html, medline, pubmed_page, pubmed_xml, pubtator, text
from kg.readers import pubmed_baseline
from kg.readers.pubmed_baseline import Deletion
from kg.readers.common import (
    GZIP_MAGIC,
    check_binary,
    check_size,
    gunzip,
    max_input_bytes,
    warn_without_abstract,
)
from kg.readers.sniff import HEAD_BYTES, sniff

__all__ = ["READERS", "Deletion", "Reader", "UnknownFormatError", "read_bytes", "read_file", "read_paths", "sniff"]

Reader = Callable[[bytes | str, str], list[Document]]


class UnknownFormatError(InputError, KeyError):
    """Raised when a reader is asked for by a name that is not in ``READERS`` (also a KeyError)."""

    def __init__(self, name: str, known: Iterable[str], source: str = "format") -> None:
        super().__init__(source, f"unknown format {name!r}; known formats: {', '.join(sorted(known))}")
        self.name = name

    def __str__(self) -> str:
        return InputError.__str__(self)  # not KeyError's quoted form


class _Registry(dict[str, Reader]):
    """Reader name -> reader function; looking up an unknown name raises UnknownFormatError."""

    def __missing__(self, name: str) -> Reader:
        raise UnknownFormatError(name, self)


READERS: dict[str, Reader] = _Registry(
    pubmed_page=pubmed_page.read,
    html=html.read,
    pubmed_xml=pubmed_xml.read,
    pubmed_baseline=pubmed_baseline.read,
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
    documents = reader(data, source)
    warn_without_abstract(documents, source)
    return documents


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
)  # fmt: skip
_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def read_file(path: Path, format: str | None = None) -> list[Document]:
    """Read the documents of one file; raises InputError if it cannot be read.

    Only regular files are read (a FIFO, a device such as /dev/zero or a socket is refused without waiting
    on it), and never more than the size limit plus one byte, whatever the file claims its size is."""
    path = Path(path)
    source = str(path)
    limit, _ = max_input_bytes(source)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        problem = "dangling symbolic link" if path.is_symlink() else "no such file"
        raise InputError(source, problem) from None
    except IsADirectoryError:
        raise InputError(source, "is a directory (use read_paths to read a folder)") from None
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(source, "is a directory (use read_paths to read a folder)")
        if not stat.S_ISREG(mode):
            raise InputError(source, f"{_kind(mode)}, not a regular file; only regular files are read")
        check_size(os.fstat(fd).st_size, source)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(source, f"cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    check_size(size, source)  # the file grew while we read it
    return read_bytes(b"".join(chunks), source, format)


def _streamed(path: Path, format: str | None) -> bool:
    """Whether ``path`` is read as a stream of articles (see ``pubmed_baseline``) rather than whole."""
    if format == pubmed_baseline.FORMAT:
        return True
    if format not in (None, "pubmed_xml"):
        return False
    try:
        if not path.is_file():
            return False  # read_file names the problem
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES * 4)
            if head.startswith(GZIP_MAGIC) and size >= 4:
                handle.seek(size - 4)
                size = max(size, int.from_bytes(handle.read(4), "little"))  # ISIZE: the size mod 2**32
    except OSError:
        return False
    if head.startswith(GZIP_MAGIC):
        try:
            head = gunzip(head, str(path), max_bytes=HEAD_BYTES)
        except InputError:
            return False
    limit, _ = max_input_bytes(str(path))
    return pubmed_baseline.is_baseline_file(path, head, size, limit)


def _read_streamed(path: Path, deletions: bool) -> Iterator[Document | Deletion | InputError]:
    for item in pubmed_baseline.stream(path):
        if deletions or not isinstance(item, Deletion):
            yield item


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


class _Walk:
    """The rules of path expansion: what is excluded, which folders a symbolic link may point into."""

    def __init__(self, roots: Iterable[Path], exclude: Iterable[str | Path], follow_symlinks: bool) -> None:
        self.roots = [Path(os.path.realpath(r)) for r in roots]
        self.exclude = [Path(os.path.realpath(e)) for e in exclude]
        self.follow_symlinks = follow_symlinks

    def excluded(self, path: Path) -> bool:
        real = Path(os.path.realpath(path))
        return any(real == e or e in real.parents for e in self.exclude)

    def inside(self, real: Path) -> bool:
        return any(real == r or r in real.parents for r in self.roots)

    def check_link(self, path: Path) -> InputError | None:
        """An error for a symbolic link that dangles or, unless followed, points outside the input folders."""
        target = os.readlink(path)
        if not path.exists():
            return InputError(str(path), f"dangling symbolic link (to {target})")
        if not self.follow_symlinks and not self.inside(Path(os.path.realpath(path))):
            return InputError(str(path), f"symbolic link to {os.path.realpath(path)}, outside the input "
                                         "folders; not read (use --follow-symlinks to read it)")
        return None


def _expand(entry: str | Path, walk: _Walk | None = None) -> Iterator[Path | InputError]:
    """The files an input names, in sorted order, and one InputError per thing that cannot be read: an
    unreadable folder, a dangling symbolic link, a link out of the input folders, a missing path."""
    walk = walk or _Walk([entry], (), False)
    path = Path(entry)
    if path.is_dir():
        yield from _walk_folder(path, walk)
    elif path.exists() or path.is_symlink():  # a dangling link named on the command line is reported by read_file
        if not walk.excluded(path):
            yield path
    elif glob.has_magic(str(entry)):
        matches = sorted(glob.glob(str(entry), recursive=True))
        if not matches:
            yield InputError(str(entry), "no file matches this pattern")
        for match in matches:
            if Path(match).is_dir():
                yield from _walk_folder(Path(match), walk)
            elif not os.path.basename(match).startswith(".") and not walk.excluded(Path(match)):
                yield Path(match)
    else:
        yield InputError(str(entry), "no such file or directory")


def _walk_folder(root: Path, walk: _Walk) -> Iterator[Path | InputError]:
    errors: list[InputError] = []
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    if not walk.inside(Path(os.path.realpath(root))):  # a folder matched by a glob is an input folder too
        walk.roots.append(Path(os.path.realpath(root)))

    def unreadable(exc: OSError) -> None:
        errors.append(InputError(str(exc.filename or root), f"cannot read folder ({exc.strerror or exc})"))

    for folder, dirs, names in os.walk(root, onerror=unreadable, followlinks=walk.follow_symlinks):
        here = Path(folder)
        try:
            info = os.stat(here)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:  # a link loop (only when links are followed)
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        kept = []
        for name in sorted(dirs):
            sub = here / name
            if name.startswith(".") or walk.excluded(sub):
                continue
            if sub.is_symlink():
                problem = walk.check_link(sub)
                if problem is not None:
                    errors.append(problem)
                    continue
                if not walk.follow_symlinks:
                    continue  # points inside the inputs: its files are read where they really are
            kept.append(name)
        dirs[:] = kept
        for name in names:
            file = here / name
            if name.startswith(".") or walk.excluded(file):
                continue
            if file.is_symlink():
                if file.is_dir():  # a link to a folder, seen as a file when links are not followed
                    problem = walk.check_link(file)
                    if problem is not None:
                        errors.append(problem)
                    continue
                problem = walk.check_link(file)
                if problem is not None:
                    errors.append(problem)
                    continue
            files.append(file)
    found: list[Path | InputError] = [*files, *errors]
    yield from sorted(found, key=lambda item: str(item.source if isinstance(item, InputError) else item))


def read_paths(
    paths: Iterable[str | Path],
    format: str | None = None,
    *,
    exclude: Iterable[str | Path] = (),
    follow_symlinks: bool = False,
    deletions: bool = False,
) -> Iterator[Document | InputError | Deletion]:
    """Read every file named by ``paths`` (files, folders read recursively in sorted order without hidden
    files, glob patterns) and yield each Document, or an InputError for a file that could not be read.

    ``exclude`` names files and folders never read (a build's own output file and store folder). Inside a
    folder, a symbolic link pointing outside the input folders is refused unless ``follow_symlinks``;
    dangling links, unreadable folders and files that are not regular files are reported, never skipped.
    ``deletions``: also yield the ``Deletion`` of each ``DeleteCitation`` of a streamed baseline file."""
    if format is not None and format not in READERS:
        raise UnknownFormatError(format, READERS)
    paths = [str(p) for p in paths]
    walk = _Walk([p for p in paths if Path(p).is_dir()], exclude, follow_symlinks)
    for entry in paths:
        for item in _expand(entry, walk):
            if isinstance(item, InputError):
                yield item
                continue
            try:
                if _streamed(item, format):
                    yield from _read_streamed(item, deletions)
                else:
                    yield from read_file(item, format)
            except InputError as error:
                yield error
            except Exception as exc:  # a reader bug must not stop the other files
                yield InputError(str(item), f"unexpected {type(exc).__name__} while reading: {exc}")
