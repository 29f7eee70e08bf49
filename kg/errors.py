"""One exception tree. Every message names the offending file or value and, where useful, the allowed ones."""

from __future__ import annotations


class KGError(Exception):
    """Base of every error cytokine-kg raises on purpose."""


class InputError(KGError):
    """Raised when an input document cannot be read: empty, binary, truncated, malformed, unknown format."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class OntologyError(KGError):
    """Raised when the ontology or a vocabulary file is missing, malformed, or lacks a term the code needs."""


class QueryError(KGError):
    """Raised for an unknown query name, a bad parameter value, or a query an endpoint rejected."""


class StoreError(KGError):
    """Raised when a triple store cannot be opened, written to, or reached."""


class FetchError(KGError):
    """Raised when a remote service (NCBI E-utilities, a SPARQL endpoint) cannot be reached or answers badly."""
