"""Named SPARQL queries: ``queries/*.rq`` with a header, parameters bound safely, one row shape everywhere.

Header lines (grlc-like)::

    #+ summary: one line
    #+ description: free text, may continue on following "#+   " lines
    #+ param: NAME KIND [required|default=VALUE] -- what it means      (KIND: iri, literal, integer, decimal)
    #+ example: kg ask NAME ...

Values are bound by a ``VALUES`` block placed first in the query's WHERE group, built from validated RDF
terms — never by pasting user text into the query — so the same query runs unchanged on Oxigraph,
Virtuoso and Jena (Virtuoso does not resolve a trailing VALUES over variables used only inside UNIONs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg import resources
from kg.errors import QueryError

KINDS = ("iri", "literal", "integer", "decimal")
_PARAM = re.compile(r"^(\w+)\s+(\w+)(?:\s+(required|default=\S+))?\s*(?:--\s*(.*))?$")
_PREFIX = re.compile(r"^\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool = False
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    summary: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()

    @property
    def prefixes(self) -> dict[str, str]:
        return dict(_PREFIX.findall(self.text))

    def describe(self) -> dict:
        return {
            "name": self.name,
            "summary": self.summary,
            "params": [{"name": p.name, "required": p.required, "default": p.default} for p in self.params],
        }


def parse_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            continue
        body = line[2:]
        match = re.match(r"\s(\w+):\s?(.*)$", body)
        if match and not body.startswith("   "):
            last = match.group(1)
            fields.setdefault(last, []).append(match.group(2).strip())
        elif last is not None:
            fields[last][-1] += " " + body.strip()
    params = []
    for spec in fields.get("param", []):
        match = _PARAM.match(spec)
        if not match or match.group(2) not in KINDS:
            raise QueryError(f"{path}: bad param header {spec!r}; expected 'NAME KIND [required|default=V] -- text'")
        name, kind, flag, description = match.groups()
        params.append(
            Param(name, kind, flag == "required", flag[8:] if flag and flag.startswith("default=") else None,
                  description or "")
        )
    return NamedQuery(
        name=path.stem,
        text=text,
        summary=" ".join(fields.get("summary", [])),
        description=" ".join(fields.get("description", [])),
        params=tuple(params),
        examples=tuple(fields.get("example", [])),
    )


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    folder = folder or resources.queries_dir()
    return {p.stem: parse_query_file(p) for p in sorted(folder.glob("*.rq"))}


def get_query(name: str, folder: Path | None = None) -> NamedQuery:
    queries = load_queries(folder)
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; known queries: {', '.join(queries) or '(none)'}")
    return queries[name]


def rdf_term(query: NamedQuery, param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as a validated RDF term (CURIEs use the query's own PREFIX declarations); anything
    that is not a valid term of the parameter's kind raises QueryError, never another exception."""
    try:
        return _rdf_term(query, param, value)
    except (ValueError, UnicodeError) as exc:  # pyoxigraph's IRI/literal validation, lone surrogates
        shown = value if len(value) <= 80 else value[:79] + "…"
        raise QueryError(f"parameter {param.name}: {shown!r} is not a valid {param.kind} ({exc})") from None


def _rdf_term(query: NamedQuery, param: Param, value: str) -> ox.NamedNode | ox.Literal:
    if "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise QueryError(f"parameter {param.name}: {value[:80]!r} contains a NUL or a lone surrogate")
    if param.kind == "iri":
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        if not re.match(r"^[a-zA-Z][\w+.-]*:", iri):
            raise QueryError(f"parameter {param.name}: {value!r} is not an IRI or CURIE")
        prefix, _, local = iri.partition(":")
        if prefix in query.prefixes and not local.startswith("//"):
            iri = query.prefixes[prefix] + local
        if _IRI_FORBIDDEN.search(iri):
            raise QueryError(f"parameter {param.name}: {value!r} contains characters not allowed in an IRI")
        return ox.NamedNode(iri)
    if param.kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"parameter {param.name}: {value!r} is not an integer")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if param.kind == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise QueryError(f"parameter {param.name}: {value!r} is not a number") from None
        return ox.Literal(str(number), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    return ox.Literal(value)


def bind(query: NamedQuery, values: dict[str, str] | None = None) -> str:
    """The query text with its parameters bound (given values, else defaults) in a trailing VALUES block."""
    values = dict(values or {})
    known = {p.name for p in query.params}
    unknown = sorted(set(values) - known)
    if unknown:
        raise QueryError(
            f"query {query.name!r} has no parameter {unknown[0]!r}; its parameters: {', '.join(sorted(known)) or '(none)'}"
        )
    bound: list[tuple[str, ox.NamedNode | ox.Literal]] = []
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None:
            if param.required:
                raise QueryError(f"query {query.name!r} needs --param {param.name}=VALUE ({param.description})")
            continue
        bound.append((param.name, rdf_term(query, param, value)))
    if not bound:
        return query.text
    # one block per parameter: Virtuoso fails on a multi-column VALUES whose variables are not all projected
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in bound)
    where = _WHERE.search(_blank_comments(query.text))
    if where is None:
        raise QueryError(f"query {query.name!r} has parameters but no 'WHERE {{' to bind them in")
    return f"{query.text[: where.end()]}\n  {values}{query.text[where.end() :]}"


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _blank_comments(text: str) -> str:
    """The text with comment lines blanked out (same length, so offsets still hold)."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group()), text)
