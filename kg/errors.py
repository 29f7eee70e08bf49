"""One exception tree. Every message names the offending file or value and, where useful, the allowed ones."""

from __future__ import annotations

import unicodedata

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """``text`` with line breaks, tabs, control and format characters (bidi overrides such as U+202E, zero-
    width characters) written as escapes, so that a message stays one line and reads as it is stored."""
    if text.isprintable():
        return text
    return "".join(
        _NAMED_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") or c in _NAMED_ESCAPES
        else c
        for c in text
    )


class KGError(Exception):
    """Base of every error cytokine-kg raises on purpose."""


class InputError(KGError):
    """Raised when an input document cannot be read: empty, binary, truncated, malformed, unknown format.

    ``source`` and ``problem`` are kept as given; the message (``str(error)``) is ``source: problem`` on one
    line, with control and bidi characters of either escaped (a file may be named ``a\nb`` or ``\u202etxt``).
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{one_line(source)}: {one_line(problem)}")
        self.source = source
        self.problem = problem

    def __str__(self) -> str:
        return f"{one_line(self.source)}: {one_line(self.problem)}"


class SettingError(InputError):
    """Raised when an environment setting the readers use (``KG_MAX_INPUT_MB``, ``KG_INPUT_ENCODING``) has a
    value that cannot be used; ``source`` is the variable's name, so the message names it."""


class OntologyError(KGError):
    """Raised when the ontology or a vocabulary file is missing, malformed, or lacks a term the code needs."""


class QueryError(KGError):
    """Raised for an unknown query name, a bad parameter value, or a query an endpoint rejected."""


class StoreError(KGError):
    """Raised when a triple store cannot be opened, written to, or reached."""


class FetchError(KGError):
    """Raised when a remote service (NCBI E-utilities, a SPARQL endpoint) cannot be reached or answers badly."""
