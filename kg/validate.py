"""Check a built graph against the SHACL shapes of ``ontology/shapes.ttl``.

``validate(data)`` takes an rdflib graph, an RDF file or several, and ``validate_store(path)`` an on-disk
store; both return a :class:`ValidationReport` (``conforms``, the violations, and ``text()`` for people).

How it runs, and why:

* **The union of all graphs.** A build keeps each document in its own named graph and the labels and
  types of the terms in the vocabulary graph; the shapes relate the two (a mentioned entity needs a
  label), so quads are merged into one graph first. pySHACL would otherwise validate each named graph
  on its own.
* **The ontology** ``ontology/kg.ttl`` is mixed into the data in full. (pySHACL's ``ont_graph`` copies
  only class and property axioms, not the ``kgo:Outcome`` and ``kgo:StudyDesign`` individuals the
  shapes check outcomes and designs against.)
* **No inference** (``inference="none"``), on purpose. RDFS would make several checks vacuous: through
  ``rdfs:range`` any object of ``kgo:outcome`` becomes a ``kgo:Outcome`` and any object of
  ``kgo:studyDesign`` a ``kgo:StudyDesign``, through ``rdfs:domain`` any node with ``kgo:intervention``
  a ``kgo:Finding``, and every node gets ``rdf:type rdfs:Resource`` (so "an entity needs a type" always
  holds); on tests/resources/validate/broken.ttl it hides 4 of the 14 core violations. Every class the
  shapes check is asserted directly by the builder, and the one useful effect of ``rdfs:domain`` —
  checking an untyped node that carries finding properties — is had with ``sh:targetSubjectsOf``.
  It is also cheaper: on the dev build (8.5k triples) the core shapes take 0.85 s without inference
  and 2.2 s with RDFS (which adds 4.3k triples).
* **Fast SPARQL constraints.** pySHACL runs a SHACL-SPARQL constraint once per focus node through
  rdflib's SPARQL engine, which re-parses the query every time and orders patterns before ``$this`` is
  bound: on the dev corpus (~10^4 triples) the three SPARQL constraints took minutes. So the core
  constraints go to pySHACL (rdflib in memory, about a second) and the ``sh:sparql`` constraints of
  node shapes go to Oxigraph, once per constraint over all focus nodes: the shape's targets are joined
  into the query's top-level group, which binds ``$this`` before the rest of the group is evaluated
  (pre-binding semantics for the patterns, filters, ``OPTIONAL`` and ``NOT EXISTS`` of that group).
  A constraint this cannot express exactly (``$currentShape``, ``$shapesGraph``, ``LIMIT``, a shape
  that is reached through ``sh:node``/``sh:or``/...) is left to pySHACL, so the result is the same as
  pySHACL alone, only faster.
* Files are parsed with pyoxigraph and converted to rdflib terms (twice as fast as rdflib's Turtle
  parser on the dev build).

The graph conforms when there is no result of severity ``sh:Violation``; warnings (an article without a
title) are reported but do not fail it.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg import resources
from kg.errors import KGError, OntologyError, StoreError
from kg.rdf.terms import PREFIXES
from kg.store.embedded import INPUT_FORMATS

OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
DEFAULT_LIMIT = 50


# ------------------------------------------------------------------ report


@dataclass(frozen=True, order=True)
class Violation:
    """One validation result. ``focus`` is a full IRI (or ``_:id``); ``value`` the offending value: a full
    IRI, ``_:id``, or a literal in Turtle form (``"1.5"^^xsd:decimal``, ``"text"``); ``path`` a SPARQL
    property path with prefixed names (``kgo:condition``, ``^oa:hasBody``)."""

    severity: str  # "Violation", "Warning" or "Info"
    message: str
    focus: str
    path: str | None = None
    value: str | None = None
    component: str | None = None  # the constraint component, e.g. "MinCountConstraintComponent"
    shape: str | None = None  # the source shape (an IRI, or None for an unnamed shape)


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found. ``violations`` holds every result, warnings included, sorted."""

    conforms: bool
    violations: tuple[Violation, ...] = ()
    triples: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.severity == "Violation")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.severity != "Violation")

    def text(self, limit: int = DEFAULT_LIMIT) -> str:
        """A readable report: a summary line, then the results grouped by problem, one line each
        (focus node, path, value), at most ``limit`` result lines and a count of the rest."""
        counts = defaultdict(int)
        for violation in self.violations:
            counts[violation.severity] += 1
        parts = [f"{counts['Violation']} violation{'s' if counts['Violation'] != 1 else ''}"]
        if counts["Warning"]:
            parts.append(f"{counts['Warning']} warning{'s' if counts['Warning'] != 1 else ''}")
        if counts["Info"]:
            parts.append(f"{counts['Info']} info")
        head = "conforms" if self.conforms else "does not conform"
        lines = [f"{head}: {', '.join(parts)} ({self.triples} triples checked in {self.seconds:.1f} s)"]
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for violation in self.violations:
            groups[(violation.severity, violation.message)].append(violation)
        shown = 0
        ordered = sorted(groups.items(), key=lambda group: (SEVERITY_ORDER.get(group[0][0], 3), group[0][1]))
        for (severity, message), members in ordered:
            if shown >= limit:
                break
            lines.append(f"{severity}: {message} [{len(members)}]")
            for violation in members:
                if shown >= limit:
                    break
                line = f"  {compact(violation.focus)}"
                if violation.path:
                    line += f"  {violation.path}"
                if violation.value is not None and violation.value != violation.focus:
                    line += f"  value: {_show_value(violation.value)}"
                lines.append(line)
                shown += 1
        rest = len(self.violations) - shown
        if rest > 0:
            lines.append(f"... and {rest} more (not shown; {len(self.violations)} in all)")
        return "\n".join(lines)


def compact(iri: str) -> str:
    """``https://w3id.org/cytokine-kg/resource/finding/ab12`` -> ``finding:ab12`` (longest known prefix)."""
    best = ""
    for namespace in _namespaces():
        if iri.startswith(namespace) and len(namespace) > len(best) and len(iri) > len(namespace):
            best = namespace
    return f"{_namespaces()[best]}:{iri[len(best) :]}" if best else iri


@cache
def _namespaces() -> dict[str, str]:
    return {namespace: prefix for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: item[0])}


def _show_value(value: str) -> str:
    return value if value.startswith(('"', "_:")) else compact(value)


def _literal_text(lexical: str, datatype: str | None, language: str | None) -> str:
    quoted = '"' + lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if language:
        return f"{quoted}@{language}"
    if datatype and datatype != str(XSD.string):
        return f"{quoted}^^{compact(datatype)}"
    return quoted


# ------------------------------------------------------------------ entry points


def validate(
    data: Graph | Path | str | Sequence[Path | str], *, shapes: Path | None = None
) -> ValidationReport:
    """Validate an rdflib graph (a Dataset's graphs are merged), or one or more RDF files (Turtle,
    N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; named graphs merged) against ``shapes`` (default:
    ``ontology/shapes.ttl``), with ``ontology/kg.ttl`` as the ontology graph."""
    started = time.perf_counter()
    if isinstance(data, Graph):
        work = _from_rdflib(data)
    else:
        paths = [Path(data)] if isinstance(data, str | Path) else [Path(p) for p in data]
        if not paths:
            raise KGError("nothing to validate: give at least one RDF file")
        work = ox.Store()
        for path in paths:
            work.extend(_as_default_graph(_parse_file(path)))
    return _run(work, shapes, started)


def validate_store(path: Path | str, *, shapes: Path | None = None) -> ValidationReport:
    """Validate the union of all graphs of an on-disk store (``kg build --store DIR``); the store is
    opened read-only and left unchanged."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_dir():
        raise KGError(f"no store at {path}; build one with: kg build PATH --store {path}")
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc
    work = ox.Store()
    work.extend(_as_default_graph(store.quads_for_pattern(None, None, None, None)))
    del store
    return _run(work, shapes, started)


# ------------------------------------------------------------------ loading


def _parse_file(path: Path) -> Iterable[ox.Quad | ox.Triple]:
    if not path.is_file():
        raise KGError(f"{path}: no such file")
    fmt = INPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise StoreError(f"{path}: unknown RDF file type; known: {', '.join(sorted(INPUT_FORMATS))}")
    try:
        return list(ox.parse(path=str(path), format=fmt))
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"{path}: cannot load: {exc}") from exc


def _as_default_graph(statements: Iterable[ox.Quad | ox.Triple]) -> Iterable[ox.Quad]:
    default = ox.DefaultGraph()
    for s in statements:
        yield ox.Quad(s.subject, s.predicate, s.object, default)


def _to_rdflib(store: ox.Store) -> Graph:
    graph = Graph()
    cache_: dict[object, object] = {}

    def term(t):
        converted = cache_.get(t)
        if converted is None:
            converted = cache_[t] = _rdflib_term(t)
        return converted

    add = graph.add
    for quad in store.quads_for_pattern(None, None, None, None):
        add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def _rdflib_term(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == str(XSD.string):
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    raise KGError(f"cannot validate RDF-star terms: {t}")


def _from_rdflib(data: Graph) -> ox.Store:
    """An Oxigraph copy of the graph, named graphs merged; the caller's graph is left as it was."""
    if isinstance(data, Dataset | ConjunctiveGraph):
        triples: Iterable = ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
    else:
        triples = data
    work = ox.Store()
    default = ox.DefaultGraph()
    work.extend(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), default) for s, p, o in triples)
    return work


def _ox_term(t):
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", str(t)) or "b")
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise KGError(f"cannot validate the term {t!r}")


# ------------------------------------------------------------------ shapes


@dataclass(frozen=True)
class _SparqlConstraint:
    """A SHACL-SPARQL constraint of a node shape, run by Oxigraph over all focus nodes at once."""

    shape: URIRef | BNode
    constraint: URIRef | BNode
    query: str
    messages: tuple[str, ...]
    severity: str


@dataclass(frozen=True)
class _Shapes:
    core: Graph  # the shapes graph for pySHACL, without the constraints below
    sparql: tuple[_SparqlConstraint, ...]


def _shapes_path(shapes: Path | None) -> Path:
    return Path(shapes) if shapes is not None else resources.ontology_dir() / "shapes.ttl"


def _load_shapes(shapes: Path | None) -> _Shapes:
    path = _shapes_path(shapes)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read the SHACL shapes: {exc}") from exc
    return _load_shapes_cached(str(path), stamp)


@cache
def _load_shapes_cached(path: str, _stamp: int) -> _Shapes:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many kinds of parser errors
        raise OntologyError(f"{path}: cannot parse the SHACL shapes: {exc}") from exc
    offloaded: list[_SparqlConstraint] = []
    for shape, constraint in sorted(graph.subject_objects(SH.sparql)):
        query = _offloadable(graph, shape, constraint)
        if query is None:
            continue
        messages = tuple(str(m) for m in graph.objects(constraint, SH.message)) or tuple(
            str(m) for m in graph.objects(shape, SH.message)
        )
        severity = SEVERITIES.get(graph.value(shape, SH.severity) or SH.Violation, "Violation")
        offloaded.append(_SparqlConstraint(shape, constraint, query, messages, severity))
    core = Graph()
    for prefix, namespace in graph.namespaces():
        core.bind(prefix, namespace)
    moved = {(c.shape, c.constraint) for c in offloaded}
    for s, p, o in graph:
        if not (p == SH.sparql and (s, o) in moved):
            core.add((s, p, o))
    return _Shapes(core, tuple(offloaded))


_SELECT = re.compile(
    r"^\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(?P<projection>[^{]*?)\s*(?:WHERE\s*)?\{", re.I | re.S
)


def _offloadable(graph: Graph, shape, constraint) -> str | None:
    """The query joined with the shape's targets, or None when pySHACL must run the constraint."""
    if graph.value(shape, SH.path) is not None or _true(graph.value(shape, SH.deactivated)):
        return None
    if _true(graph.value(constraint, SH.deactivated)):
        return None
    # A shape reached from another shape (sh:node, sh:or, sh:qualifiedValueShape...) has focus nodes
    # that its targets do not list.
    if any(True for _ in graph.subject_predicates(shape)):
        return None
    select = graph.value(constraint, SH.select)
    if select is None:
        return None
    text = str(select)
    if re.search(r"[$?](currentShape|shapesGraph|PATH)\b", text):
        return None
    if re.search(r"\b(LIMIT|OFFSET)\b", text, re.I):
        return None
    if re.search(r"^\s*(PREFIX|BASE)\b", text, re.I | re.M):
        return None
    match = _SELECT.match(text)
    if match is None:
        return None
    projection = match.group("projection")
    if projection.strip() != "*" and not re.search(r"[$?]this\b", projection):
        return None
    targets = _target_patterns(graph, shape)
    if targets is None:
        return None
    prefixes = _prefix_declarations(graph, constraint)
    if prefixes is None:
        return None
    target_group = "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(targets) + " } }"
    return prefixes + text[: match.end()] + " " + target_group + " " + text[match.end() :]


def _true(value) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def _target_patterns(graph: Graph, shape) -> list[str] | None:
    if any(True for _ in graph.objects(shape, SH.target)):
        return None  # SPARQL-based targets: leave to pySHACL
    patterns = []
    classes = list(graph.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in graph or (shape, RDF.type, OWL_CLASS) in graph:
        classes.append(shape)
    for cls in classes:
        if not isinstance(cls, URIRef):
            return None
        patterns.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}")
    for predicate in graph.objects(shape, SH.targetSubjectsOf):
        if not isinstance(predicate, URIRef):
            return None
        patterns.append(f"{{ ?this <{predicate}> ?_target_object }}")
    for predicate in graph.objects(shape, SH.targetObjectsOf):
        if not isinstance(predicate, URIRef):
            return None
        patterns.append(f"{{ ?_target_subject <{predicate}> ?this }}")
    for node in graph.objects(shape, SH.targetNode):
        if isinstance(node, BNode):
            return None
        patterns.append(f"{{ VALUES ?this {{ {node.n3()} }} }}")
    return patterns or None


def _prefix_declarations(graph: Graph, constraint) -> str | None:
    lines = []
    for holder in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(holder, SH.declare):
            prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                return None
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(lines)


@cache
def _ontology_quads() -> tuple[ox.Quad, ...]:
    path = resources.ontology_dir() / "kg.ttl"
    try:
        return tuple(_as_default_graph(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
    except (OSError, SyntaxError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot parse the ontology: {exc}") from exc


# ------------------------------------------------------------------ running


def _run(work: ox.Store, shapes: Path | None, started: float) -> ValidationReport:
    import pyshacl  # imported here: it takes a while, and only `kg validate` needs it

    loaded = _load_shapes(shapes)
    triples = len(work)
    # The whole ontology is mixed into the data. (pySHACL's ont_graph copies only class and property
    # axioms, not the kgo:Outcome and kgo:StudyDesign individuals the shapes check against.)
    work.extend(_ontology_quads())
    union = _to_rdflib(work)
    results: set[Violation] = set()
    if loaded.sparql:
        for constraint in loaded.sparql:
            results.update(_run_sparql(work, constraint))
    _, report_graph, _ = pyshacl.validate(
        union, shacl_graph=loaded.core, inference="none", inplace=True, allow_warnings=True, allow_infos=True,
    )  # fmt: skip
    results.update(_read_report(report_graph, loaded.core))
    violations = tuple(sorted(results, key=_sort_key))
    conforms = not any(v.severity == "Violation" for v in violations)
    return ValidationReport(conforms, violations, triples, time.perf_counter() - started)


def _sort_key(v: Violation) -> tuple:
    return (SEVERITY_ORDER.get(v.severity, 3), v.message, v.focus, v.path or "", v.value or "")


def _run_sparql(work: ox.Store, constraint: _SparqlConstraint) -> Iterable[Violation]:
    try:
        solutions = work.query(constraint.query)
    except SyntaxError as exc:
        raise OntologyError(f"the SPARQL constraint {constraint.constraint} does not parse: {exc}") from exc
    for solution in solutions:
        this = solution["this"]
        if this is None:
            continue
        bindings = {v.value: solution[v] for v in solutions.variables}
        value = bindings.get("value") or this
        path = bindings.get("path")
        message = constraint.messages[0] if constraint.messages else "a SPARQL constraint found a problem"
        message = _fill(message, bindings)
        yield Violation(
            severity=constraint.severity,
            message=message,
            focus=_ox_text(this),
            path=compact(path.value) if isinstance(path, ox.NamedNode) else None,
            value=_ox_text(value),
            component="SPARQLConstraintComponent",
            shape=str(constraint.shape) if isinstance(constraint.shape, URIRef) else None,
        )


def _ox_text(term) -> str:
    if isinstance(term, ox.Literal):
        return _literal_text(term.value, term.datatype.value, term.language)
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _fill(message: str, bindings: dict) -> str:
    def replace(match: re.Match) -> str:
        term = bindings.get(match.group(1))
        if term is None:
            return match.group(0)
        return _show_value(_ox_text(term)) if not isinstance(term, ox.Literal) else term.value

    return re.sub(r"\{[$?](\w+)\}", replace, message)


def _read_report(report: Graph, shapes: Graph) -> Iterable[Violation]:
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.result, result) not in report:
            continue  # a nested result (sh:detail), reported through its parent
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        messages = list(report.objects(result, SH.resultMessage))
        message = next((str(m) for m in messages if getattr(m, "language", None) in (None, "en")), None)
        yield Violation(
            severity=SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation"),
            message=message or (str(messages[0]) if messages else "a SHACL constraint is not met"),
            focus=_rdflib_text(focus),
            path=_render_path(report, path) if path is not None else None,
            value=_rdflib_text(value) if value is not None else None,
            component=str(component).rsplit("#", 1)[-1] if component is not None else None,
            shape=str(shape) if isinstance(shape, URIRef) else None,
        )


def _rdflib_text(term) -> str:
    if isinstance(term, Literal):
        return _literal_text(str(term), str(term.datatype) if term.datatype else None, term.language)
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _render_path(graph: Graph, path) -> str:
    """A SHACL path as SPARQL property path text with prefixed names: ``^oa:hasBody``, ``(a/b)*``."""
    if isinstance(path, URIRef):
        return compact(str(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _render_path(graph, inverse)
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            text = _render_path(graph, inner)
            return (text if isinstance(inner, URIRef) else f"({text})") + suffix
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_render_path(graph, p) for p in Collection(graph, alternatives)) + ")"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_render_path(graph, p) for p in Collection(graph, path))
    return str(path)


__all__ = ["ValidationReport", "Violation", "compact", "validate", "validate_store"]
