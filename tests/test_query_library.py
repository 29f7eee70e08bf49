"""The named-query library (queries/*.rq): headers and style, right rows on a small graph, same rows on an
independent SPARQL engine (rdflib) as on the embedded store (Oxigraph).

The small graph is built here by the project's own GraphBuilder from hand-made kg.model objects (plus the
vocabulary slice the build adds), so it has exactly the shape `kg build` writes and cannot drift from it.
No network, nothing from /work/shared."""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.model import Association, CitedWork, Document, Evidence, Extraction, Finding, Mention, Outcome
from kg.query import NamedQuery, bind, load_queries, rdf_term
from kg.rdf.build import VOCABULARY_GRAPH, GraphBuilder, used_terms
from kg.rdf.vocabgraph import vocabulary_quads
from kg.resources import queries_dir
from kg.store.embedded import EmbeddedStore
from kg.rdf.terms import iri_converter
from kg.vocabulary import Vocabulary

QUERIES = load_queries()

# rdflib 7 warns on every quad its N-Quads parser and Dataset touch (default_context): noise, not findings.
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")

KGO = "https://w3id.org/cytokine-kg/ontology#"
OBO = "http://purl.obolibrary.org/obo/"
HGNC = "http://identifiers.org/hgnc/"
DRUGBANK = "http://identifiers.org/drugbank/"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

Rows = set[tuple[str | None, ...]]


# ------------------------------------------------------------------------------------- the small graph

# Sentences of the hand-made articles: (text, start, end). Offsets only have to be distinct and ordered.
S = {
    "a_targets": ("Siltuximab, an anti-IL-6 antibody, was given every three weeks.", 0, 63),
    "a_implicated": ("IL-6 drives the growth of myeloma cells.", 64, 104),
    "a_eff1": ("Tocilizumab was effective in giant-cell arteritis.", 105, 155),
    "a_eff2": ("Sustained remission was more frequent with tocilizumab than with placebo.", 156, 229),
    "a_tol": ("Tocilizumab was well tolerated.", 230, 261),
    "a_noeff": ("Siltuximab may not improve survival in multiple myeloma.", 262, 318),
    "a_class": ("IL-6 inhibitors showed no efficacy in cancers.", 319, 365),
    "b_safety": ("Serious infections were more frequent with tocilizumab.", 0, 55),
    "b_eff": ("Siltuximab improved response rates in multiple myeloma.", 57, 112),
    "b_approved": ("Siltuximab is approved for multicentric Castleman disease.", 113, 171),
    "b_implicated": ("TNF plays a central role in rheumatoid arthritis.", 172, 221),
    "b_targets": ("Tocilizumab blocks the IL-6 receptor.", 222, 259),
    "b_cachexia": ("Tocilizumab relieved cachexia.", 260, 290),
}

def text_of(article: str) -> str:
    """The text of a hand-made article: its sentences at their offsets (so the evidence resolves)."""
    sentences = [v for k, v in S.items() if k.startswith(article + "_")]
    chars = [" "] * max(end for _, _, end in sentences)
    for sentence, start, end in sentences:
        assert len(sentence) == end - start, sentence
        chars[start:end] = sentence
    return "".join(chars)


PMID_A, DOI_A = "90000001", "10.5555/kg.a"
DOI_B = "10.5555/kg.b"
PMID_C = "90000003"
PMID_CITING = "90000004"
DOI_UNKNOWN = "10.5555/kg.unknown"
CITING_TEXT = "Citing work on IL-6. Doe J. J Cit. 2025; 1(1):1."

TCZ, SIL, PRED, IL6I = "DrugBank:DB06273", "DrugBank:DB09036", "DrugBank:DB00635", "KGO:IL6Inhibitor"
IL6, IL6R, TNF = "HGNC:6018", "HGNC:6019", "HGNC:11892"
GCA, MM, MCD, RA, CANCER = "DOID:13375", "DOID:9538", "DOID:0111152", "DOID:7148", "DOID:162"
CACHEXIA = "MESH:D002100"  # a MeSH disease DOID lacks: under kgo:Disease, not under obo:DOID_4


def small_extractions(vocabulary: Vocabulary) -> list[Extraction]:
    """Three articles: A (PMID and DOI), B (DOI only, cites A), C (PMID only, cited by A, no statements)."""
    t = vocabulary.term

    def ev(key: str, confidence: float) -> Evidence:
        text, start, end = S[key]
        return Evidence(text, start, end, confidence)

    def mention(curie: str, start: int) -> Mention:
        term = t(curie)
        return Mention(term, start, start + len(term.label), term.label)

    a = Document(
        source="hand-made/a.txt",
        text=text_of("a"),
        format="text",
        pmid=PMID_A,
        doi=DOI_A,
        title="Article A",
        journal="J Test",
        date="2020-05-01",
        references=(
            CitedWork(citation="Article C.", pmid=PMID_C),
            CitedWork(citation="Unknown.", doi=DOI_UNKNOWN),
        ),
        cited_by=(CitedWork(citation=CITING_TEXT, pmid=PMID_CITING),),
    )
    b = Document(
        source="hand-made/b.txt",
        text=text_of("b"),
        format="text",
        doi=DOI_B,
        title="Article B",
        date="2021",
        references=(CitedWork(citation="Article A.", pmid=PMID_A),),
    )
    c = Document(
        source="hand-made/c.txt",
        text="(text not needed)",
        format="text",
        pmid=PMID_C,
        title="Article C",
        date="2019",
    )
    return [
        Extraction(
            document=a,
            mentions=(mention(SIL, 0), mention(IL6, 20), mention(TCZ, 105), mention(GCA, 134)),
            findings=(
                Finding(
                    t(TCZ),
                    t(GCA),
                    Outcome.EFFICACY,
                    ev("a_eff1", 0.85),
                    study="phase 3",
                    design=("randomized", "double-blind"),
                ),
                Finding(t(TCZ), t(GCA), Outcome.EFFICACY, ev("a_eff2", 0.7), study="phase 3"),
                Finding(t(TCZ), t(GCA), Outcome.WELL_TOLERATED, ev("a_tol", 0.8), study="phase 3"),
                Finding(t(SIL), t(MM), Outcome.NO_EFFICACY, ev("a_noeff", 0.6), study="phase 2", hedged=True),
                Finding(t(IL6I), t(CANCER), Outcome.NO_EFFICACY, ev("a_class", 0.7), study="review"),
            ),
            associations=(
                Association(t(SIL), "targets", t(IL6), ev("a_targets", 0.8)),
                Association(t(IL6), "implicated_in", t(MM), ev("a_implicated", 0.7)),
            ),
        ),
        Extraction(
            document=b,
            mentions=(mention(TCZ, 0), mention(PRED, 40)),
            findings=(
                Finding(t(TCZ), t(GCA), Outcome.SAFETY_CONCERN, ev("b_safety", 0.7)),
                Finding(t(SIL), t(MM), Outcome.EFFICACY, ev("b_eff", 0.75), study="phase 2"),
                Finding(t(SIL), t(MCD), Outcome.APPROVED, ev("b_approved", 0.9)),
                Finding(t(TCZ), t(CACHEXIA), Outcome.EFFICACY, ev("b_cachexia", 0.65), study="case report"),
            ),
            associations=(
                Association(t(TNF), "implicated_in", t(RA), ev("b_implicated", 0.7)),
                Association(t(TCZ), "targets", t(IL6R), ev("b_targets", 0.8)),
            ),
        ),
        Extraction(document=c, mentions=(mention(PRED, 0),)),
    ]


def small_quads(vocabulary: Vocabulary) -> list[ox.Quad]:
    """What `kg build` writes for the small articles: one graph per article and the vocabulary graph."""
    extractions = small_extractions(vocabulary)
    builder = GraphBuilder()
    quads = [q for e in extractions for q in builder.quads(e)]
    return quads + list(vocabulary_quads(used_terms(extractions)))


def small_nquads(vocabulary: Vocabulary) -> bytes:
    return ox.serialize(small_quads(vocabulary), format=ox.RdfFormat.N_QUADS)


@pytest.fixture(scope="module")
def small_graph(vocabulary: Vocabulary, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "small.nq"
    path.write_bytes(small_nquads(vocabulary))
    return path


@pytest.fixture(scope="module")
def small_store(small_graph: Path) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_file(small_graph)
    return store


@pytest.fixture(scope="module")
def example_store(example_build: Path) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_file(example_build)
    return store


# ------------------------------------------------------------------------------------- running queries


def ask(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    _, rows = store.select(bind(QUERIES[name], params))
    return rows


def rows_as_set(variables: list[str], rows: Iterable[dict[str, str]]) -> Rows:
    return {tuple(row.get(v) for v in variables) for row in rows}


def pick(rows: Iterable[dict[str, str]], *columns: str) -> set[tuple[str | None, ...]]:
    return {tuple(row.get(c) for c in columns) for row in rows}


def example_params(query: NamedQuery) -> list[dict[str, str]]:
    """The --param values of the query's `#+ example:` lines."""
    cases = []
    for example in query.examples:
        words = shlex.split(example)
        assert words[:3] == ["kg", "ask", query.name], f"{query.name}: example runs another query: {example}"
        params = {}
        for flag, value in itertools.pairwise(words):
            if flag == "--param":
                name, _, val = value.partition("=")
                params[name] = val
        cases.append(params)
    return cases


def query_cases() -> list[tuple[str, dict[str, str]]]:
    """Every shipped query with its defaults (when it needs no parameter) and with each header example."""
    cases: list[tuple[str, dict[str, str]]] = []
    for name, query in QUERIES.items():
        if not any(p.required for p in query.params):
            cases.append((name, {}))
        for params in example_params(query):
            if (name, params) not in cases:
                cases.append((name, params))
    return cases


#: Variants that find rows in the small graph (the header examples use the examples/ articles' terms).
SMALL_GRAPH_CASES: list[tuple[str, dict[str, str]]] = [
    ("drugs-targeting", {"target": "hgnc:6018"}),
    ("drug-outcomes-by-disease", {"drug": "drugbank:DB09036"}),
    ("drug-outcomes-by-disease", {"drug": "kgo:IL6Inhibitor", "outcome": "kgo:NoEfficacy"}),
    ("approved-indications", {"drug": "kgo:AntiCytokineAgent"}),
    ("safety-concerns", {"drug": "drugbank:DB06273"}),
    ("cytokines-implicated-in-disease", {"disease": "obo:DOID_9538"}),
    ("cytokines-implicated-in-disease", {"disease": "obo:DOID_17"}),
    ("finding-evidence", {"intervention": "drugbank:DB06273", "condition": "obo:DOID_13375"}),
    ("finding-evidence", {"outcome": "kgo:NoEfficacy"}),
    (
        "finding-evidence",
        {"intervention": "drugbank:DB06273", "condition": "obo:DOID_13375", "outcome": "kgo:WellTolerated"},
    ),
    ("conflicting-findings", {"condition": "obo:DOID_9538"}),
    ("conflicting-findings", {"intervention": "drugbank:DB09036", "condition": "obo:DOID_9538"}),
    ("citations", {"article": "pubmed:90000001"}),
    ("citations", {"article": "doi:10.5555/kg.b"}),
    ("citations", {"article": "https://pubmed.ncbi.nlm.nih.gov/90000003"}),
    ("term-mappings", {"term": "hgnc:6018"}),
    ("term-mappings", {"term": "obo:MONDO_0009693"}),
    ("findings-by-outcome", {"outcome": "kgo:Efficacy", "disease_root": "obo:DOID_162"}),
    ("findings-by-outcome", {"outcome": "kgo:NoEfficacy"}),
    ("findings-by-outcome", {"outcome": "kgo:Efficacy", "disease_root": "obo:DOID_4"}),
    ("article-statements", {"article": "pubmed:90000001"}),
    ("article-statements", {"article": "doi:10.5555/kg.b"}),
    ("drug-class-members", {"drug_class": "kgo:AntiCytokineAgent"}),
    ("il6-inhibitors-failed-in-cancers", {"disease_root": "obo:DOID_4", "outcome": "kgo:Efficacy"}),
    (
        "il6-inhibitors-failed-in-cancers",
        {"drug_class": "kgo:AntiCytokineAgent", "disease_root": "obo:DOID_9538", "outcome": "kgo:NoEfficacy"},
    ),
]


# ----------------------------------------------------------------------------------- headers and style


def _body(text: str) -> str:
    """The query without comments, IRIs and string literals (what is left is SPARQL syntax)."""
    text = re.sub(r"<[^<>\s]*>", "<>", text)
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def test_the_library_has_the_questions() -> None:
    assert {
        "il6-inhibitors-failed-in-cancers", "drugs-targeting", "drug-outcomes-by-disease",
        "approved-indications", "safety-concerns", "cytokines-implicated-in-disease", "finding-evidence",
        "conflicting-findings",
        "citations", "term-mappings", "findings-by-outcome",
    } <= set(QUERIES)  # fmt: skip


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header(name: str) -> None:
    query = QUERIES[name]
    assert query.summary and query.description, name
    assert query.examples, f"{name}: no #+ example: line"
    for param in query.params:
        assert param.description, f"{name}: param {param.name} has no description"
        if param.default is not None:
            rdf_term(query, param, param.default)  # a valid value, with a PREFIX the query declares
    declared = {p.name for p in query.params}
    for params in example_params(query):
        assert set(params) <= declared, f"{name}: example uses an unknown parameter"
        assert {p.name for p in query.params if p.required} <= set(params), (
            f"{name}: example misses a required param"
        )
        bind(query, params)  # every CURIE of the example uses a PREFIX of the query


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_style(name: str) -> None:
    """SELECT DISTINCT with explicit variables, ORDER BY over all of them (deterministic output), no
    property-path operators, every parameter used in a triple pattern (a value that only a FILTER reads
    would bind nothing on an engine that evaluates the VALUES block late), no parameter copied by a BIND
    (Oxigraph 0.5 evaluated such a UNION branch once per row: 167 s instead of 15 s on 10^5 graphs for
    findings-by-outcome; a FILTER (sameTerm(...)) does the same), no LIMIT, no SERVICE."""
    body = _body(QUERIES[name].text)
    assert not re.search(r"[\w>]\s*\|\s*[\w<]|\^\s*[\w<]", body), f"{name}: property path"
    match = re.search(r"\bSELECT\s+DISTINCT\s+((?:\?\w+\s+)+)WHERE\b", body)
    assert match, f"{name}: not SELECT DISTINCT ?a ?b ... WHERE"
    projected = match.group(1).split()
    assert len(projected) == len(set(projected))
    order = re.search(r"\bORDER\s+BY\s+((?:\?\w+\s*)+)$", body.strip())
    assert order, f"{name}: no ORDER BY ?a ?b ... at the end"
    assert sorted(order.group(1).split()) == sorted(projected), (
        f"{name}: ORDER BY is not over all projected variables"
    )
    lines = body.splitlines()
    for param in QUERIES[name].params:
        uses = [line for line in lines if re.search(rf"\?{param.name}\b", line)]
        assert any("FILTER" not in line.upper() for line in uses), (
            f"{name}: ?{param.name} not in a triple pattern"
        )
        assert not re.search(rf"\bBIND\s*\(\s*\?{param.name}\s+AS\b", body, re.IGNORECASE), (
            f"{name}: BIND (?{param.name} AS ...)"
        )
    assert "LIMIT" not in body.upper() and "SERVICE" not in body.upper()


def test_no_star_or_plus_path_in_any_shipped_file() -> None:
    """Virtuoso returns wrong rows for `*` paths (tests/virtuoso.py; shared/docs/VIRTUOSO.md): the shipped
    queries use the materialized closure (rdfs:subClassOf ancestors, rdf:type drug classes) instead."""
    files = sorted(queries_dir().glob("*.rq"))
    assert len(files) == len(QUERIES) >= 11
    for path in files:
        body = _body(path.read_text(encoding="utf-8"))
        assert "*" not in body and "+" not in body, f"{path.name}: a * or + (property path or SELECT *)"


# ------------------------------------------------------------------------------------ every query runs


@pytest.mark.parametrize(("name", "params"), query_cases(), ids=lambda v: v if isinstance(v, str) else None)
def test_every_query_runs_on_the_example_build(example_store: EmbeddedStore, name: str, params: dict) -> None:
    variables, rows = example_store.select(bind(QUERIES[name], params))
    assert variables and all(set(row) <= set(variables) for row in rows)


def test_example_build_answers(example_store: EmbeddedStore) -> None:
    """A few rows of the four example abstracts."""
    rows = ask(example_store, "drugs-targeting", target="hgnc:6019")
    assert pick(rows, "drug_label", "relation_label", "source", "pmid") == {
        ("tocilizumab", "inhibits", "vocabulary", None),
        ("tocilizumab", "targets", "article", "28745999"),
        ("tocilizumab", "targets", "article", "33933206"),
    }
    rows = ask(example_store, "drug-outcomes-by-disease", drug="drugbank:DB09036", outcome="kgo:NoEfficacy")
    assert pick(rows, "condition_label", "pmid") == {("multiple myeloma", "24833354")}
    rows = ask(example_store, "approved-indications")
    assert pick(rows, "intervention_label", "condition_label", "pmid") == {
        ("siltuximab", "multicentric Castleman disease", "25042199")
    }
    rows = ask(example_store, "conflicting-findings")
    assert {("tocilizumab", "temporal arteritis", "safety", "positive", "well_tolerated"),
            ("tocilizumab", "temporal arteritis", "safety", "negative", "safety_concern")} <= pick(
        rows, "intervention_label", "condition_label", "question", "side", "outcome_label"
    )
    rows = ask(
        example_store,
        "finding-evidence",
        intervention="drugbank:DB06273",
        condition="obo:DOID_0080600",
        outcome="kgo:Efficacy",
    )
    # the mortality sentence comes back, and nothing outside the abstract's three efficacy sentences (which
    # of them the outcome model reads is the extractor's business; that every merged sentence comes back is
    # test_finding_evidence on the small store)
    evidence = pick(rows, "start_offset", "end_offset", "pmid")
    assert ("606", "713", "33933206") in evidence
    assert evidence <= {("606", "713", "33933206"), ("714", "792", "33933206"), ("793", "935", "33933206")}


# ------------------------------------------------------------------------------------------ right rows


def test_drugs_targeting(small_store: EmbeddedStore) -> None:
    rows = ask(small_store, "drugs-targeting", target="hgnc:6018")
    assert pick(
        rows,
        "drug_label",
        "relation_label",
        "target_symbol",
        "source",
        "pmid",
        "doi",
        "sentence",
        "confidence",
    ) == {
        ("siltuximab", "inhibits", "IL6", "vocabulary", None, None, None, None),
        ("siltuximab", "targets", "IL6", "article", PMID_A, DOI_A, S["a_targets"][0], "0.8"),
    }
    rows = ask(small_store, "drugs-targeting", target=f"<{HGNC}6019>")
    assert pick(rows, "drug", "relation", "source", "doi") == {
        (DRUGBANK + "DB06273", KGO + "inhibits", "vocabulary", None),
        (DRUGBANK + "DB06273", KGO + "targets", "article", DOI_B),
    }
    everything = pick(
        ask(small_store, "drugs-targeting"), "drug_label", "relation_label", "target_symbol", "source"
    )
    assert (
        "prednisone",
        "activates",
        "NR3C1",
        "vocabulary",
    ) in everything  # a drug no article says anything about
    assert ("tocilizumab", "targets", "IL6R", "article") in everything
    assert not ask(small_store, "drugs-targeting", target="hgnc:11892")  # TNF: no drug of the graph


def test_drug_outcomes_by_disease(small_store: EmbeddedStore) -> None:
    rows = ask(small_store, "drug-outcomes-by-disease", drug="drugbank:DB06273")
    assert pick(
        rows, "condition_label", "outcome_label", "study_design", "pmid", "doi", "sentence", "confidence"
    ) == {
        ("temporal arteritis", "efficacy", "phase 3", PMID_A, DOI_A, S["a_eff1"][0], "0.85"),
        ("temporal arteritis", "efficacy", "phase 3", PMID_A, DOI_A, S["a_eff2"][0], "0.85"),
        ("cachexia", "efficacy", "case report", None, DOI_B, S["b_cachexia"][0], "0.65"),
    }
    rows = ask(small_store, "drug-outcomes-by-disease", drug="drugbank:DB09036", outcome="kgo:NoEfficacy")
    assert pick(rows, "condition", "sentence") == {(OBO + "DOID_9538", S["a_noeff"][0])}
    # a drug class: its members, and the class itself
    rows = ask(small_store, "drug-outcomes-by-disease", drug="kgo:IL6Inhibitor", outcome="kgo:NoEfficacy")
    assert pick(rows, "intervention_label", "condition_label") == {
        ("siltuximab", "multiple myeloma"),
        ("IL-6 inhibitor", "cancer"),
    }
    with pytest.raises(Exception, match="needs --param drug"):
        bind(QUERIES["drug-outcomes-by-disease"], {})


def test_approved_indications(small_store: EmbeddedStore) -> None:
    expected = {("siltuximab", "multicentric Castleman disease", None, DOI_B, S["b_approved"][0], "0.9")}
    columns = ("intervention_label", "condition_label", "pmid", "doi", "sentence", "confidence")
    assert pick(ask(small_store, "approved-indications"), *columns) == expected
    assert pick(ask(small_store, "approved-indications", drug="drugbank:DB09036"), *columns) == expected
    assert pick(ask(small_store, "approved-indications", drug="kgo:IL6Inhibitor"), *columns) == expected
    assert ask(small_store, "approved-indications", drug="drugbank:DB06273") == []


def test_safety_concerns(small_store: EmbeddedStore) -> None:
    rows = ask(small_store, "safety-concerns")
    assert pick(rows, "intervention_label", "condition_label", "hedged", "doi", "sentence") == {
        ("tocilizumab", "temporal arteritis", "false", DOI_B, S["b_safety"][0])
    }
    assert ask(small_store, "safety-concerns", drug="kgo:IL6Inhibitor") == rows
    assert ask(small_store, "safety-concerns", drug="drugbank:DB09036") == []


def test_cytokines_implicated_in_disease(small_store: EmbeddedStore) -> None:
    columns = ("cytokine_label", "symbol", "kind_label", "condition_label", "pmid", "doi", "sentence")
    il6 = ("interleukin 6", "IL6", "cytokine", "multiple myeloma", PMID_A, DOI_A, S["a_implicated"][0])
    tnf = (
        "tumor necrosis factor",
        "TNF",
        "cytokine",
        "rheumatoid arthritis",
        None,
        DOI_B,
        S["b_implicated"][0],
    )
    assert pick(ask(small_store, "cytokines-implicated-in-disease"), *columns) == {il6, tnf}
    # ancestors are materialized: cancer finds myeloma, musculoskeletal system disease finds RA, the root both
    assert pick(ask(small_store, "cytokines-implicated-in-disease", disease="obo:DOID_162"), *columns) == {
        il6
    }
    assert pick(ask(small_store, "cytokines-implicated-in-disease", disease="obo:DOID_17"), *columns) == {tnf}
    assert pick(ask(small_store, "cytokines-implicated-in-disease", disease="obo:DOID_4"), *columns) == {
        il6,
        tnf,
    }
    assert pick(ask(small_store, "cytokines-implicated-in-disease", disease="kgo:Disease"), *columns) == {
        il6,
        tnf,
    }
    # the class itself
    assert pick(ask(small_store, "cytokines-implicated-in-disease", disease="obo:DOID_9538"), *columns) == {
        il6
    }


def _finding_iri(store: EmbeddedStore, intervention: str, condition: str, outcome: str) -> str:
    _, rows = store.select(
        f"SELECT ?f WHERE {{ ?f <{KGO}intervention> <{intervention}> ; <{KGO}condition> <{condition}> ; "
        f"<{KGO}outcome> <{KGO}{outcome}> }}"
    )
    assert len(rows) == 1
    return rows[0]["f"]


def test_finding_evidence(small_store: EmbeddedStore) -> None:
    columns = (
        "outcome_label",
        "pmid",
        "doi",
        "start_offset",
        "end_offset",
        "sentence",
        "sentence_confidence",
    )

    def expect(key: str, outcome: str, pmid: str | None, doi: str, confidence: str) -> tuple:
        text, start, end = S[key]
        return (outcome, pmid, doi, str(start), str(end), text, confidence)

    rows = ask(small_store, "finding-evidence", intervention="drugbank:DB06273", condition="obo:DOID_13375")
    assert pick(rows, *columns) == {
        expect("a_eff1", "efficacy", PMID_A, DOI_A, "0.85"),
        expect("a_eff2", "efficacy", PMID_A, DOI_A, "0.7"),  # merged into one finding: each sentence kept
        expect("a_tol", "well_tolerated", PMID_A, DOI_A, "0.8"),
        expect("b_safety", "safety_concern", None, DOI_B, "0.7"),
    }
    finding = _finding_iri(small_store, DRUGBANK + "DB06273", OBO + "DOID_13375", "Efficacy")
    short = "finding:" + finding.rsplit("/", 1)[1]
    for value in (short, f"<{finding}>"):
        rows = ask(small_store, "finding-evidence", finding=value)
        assert pick(rows, *columns) == {
            expect("a_eff1", "efficacy", PMID_A, DOI_A, "0.85"),
            expect("a_eff2", "efficacy", PMID_A, DOI_A, "0.7"),
        }
        assert {r["finding"] for r in rows} == {finding}
    rows = ask(small_store, "finding-evidence", outcome="kgo:NoEfficacy")
    assert pick(rows, "intervention_label", "condition_label", "start_offset") == {
        ("siltuximab", "multiple myeloma", "262"),
        ("IL-6 inhibitor", "cancer", "319"),
    }


CONFLICT_COLUMNS = (
    "intervention_label", "condition_label", "question", "positive_articles", "negative_articles",
    "side", "outcome_label", "pmid", "doi", "sentence",
)


def test_conflicting_findings(small_store: EmbeddedStore) -> None:
    tocilizumab = {
        ("tocilizumab", "temporal arteritis", "safety", "1", "1", "positive", "well_tolerated", PMID_A, DOI_A,
         S["a_tol"][0]),
        ("tocilizumab", "temporal arteritis", "safety", "1", "1", "negative", "safety_concern", None, DOI_B,
         S["b_safety"][0]),
    }
    siltuximab = {
        ("siltuximab", "multiple myeloma", "efficacy", "1", "1", "positive", "efficacy", None, DOI_B,
         S["b_eff"][0]),
        ("siltuximab", "multiple myeloma", "efficacy", "1", "1", "negative", "no_efficacy", PMID_A, DOI_A,
         S["a_noeff"][0]),
    }
    rows = ask(small_store, "conflicting-findings")
    assert pick(rows, *CONFLICT_COLUMNS) == tocilizumab | siltuximab
    assert [(r["intervention_label"], r["side"]) for r in rows] == [  # by pair, then side
        ("siltuximab", "negative"), ("siltuximab", "positive"), ("tocilizumab", "negative"), ("tocilizumab", "positive")
    ]
    rows = ask(small_store, "conflicting-findings", intervention="drugbank:DB06273")
    assert pick(rows, *CONFLICT_COLUMNS) == tocilizumab
    assert pick(rows, "article") == {(PUBMED + PMID_A,), ("https://doi.org/" + DOI_B,)}
    assert pick(ask(small_store, "conflicting-findings", condition="obo:DOID_9538"), *CONFLICT_COLUMNS) == siltuximab


def test_conflicting_findings_count_articles_and_list_each_sentence(vocabulary: Vocabulary) -> None:
    """Article A says tocilizumab works in giant-cell arteritis (two sentences), articles D and E say it
    does not: the counts are of articles (1 and 2), the rows are the four sentences (not their pairs)."""
    t = vocabulary.term
    extractions = small_extractions(vocabulary)
    for name in ("d", "e"):
        document = Document(source=f"hand-made/{name}.txt", text="Tocilizumab failed in giant-cell arteritis.",
                            format="text", pmid=f"9000001{ord(name) - ord('a')}")
        finding = Finding(t(TCZ), t(GCA), Outcome.NO_EFFICACY, Evidence(document.text, 0, len(document.text), 0.6))
        extractions.append(Extraction(document=document, findings=(finding,)))
    builder = GraphBuilder()
    store = EmbeddedStore()
    store.add([q for e in extractions for q in builder.quads(e)] + list(vocabulary_quads(used_terms(extractions))))
    rows = ask(store, "conflicting-findings", intervention="drugbank:DB06273", condition="obo:DOID_13375")
    efficacy = [r for r in rows if r["question"] == "efficacy"]
    assert {(r["positive_articles"], r["negative_articles"]) for r in efficacy} == {("1", "2")}
    assert sorted((r["side"], r["pmid"], r["sentence"]) for r in efficacy) == [
        ("negative", "90000013", "Tocilizumab failed in giant-cell arteritis."),
        ("negative", "90000014", "Tocilizumab failed in giant-cell arteritis."),
        ("positive", PMID_A, S["a_eff2"][0]),
        ("positive", PMID_A, S["a_eff1"][0]),
    ]


def test_citations(small_store: EmbeddedStore) -> None:
    columns = ("direction", "other", "other_pmid", "other_doi", "other_title", "other_date", "other_citation")
    rows = ask(small_store, "citations", article=f"pubmed:{PMID_A}")
    assert pick(rows, *columns) == {
        ("cites", PUBMED + PMID_C, PMID_C, None, "Article C", "2019", "Article C."),
        ("cites", "https://doi.org/" + DOI_UNKNOWN, None, DOI_UNKNOWN, None, None, "Unknown."),
        ("cited_by", PUBMED + PMID_CITING, PMID_CITING, None, None, None, CITING_TEXT),
        ("cited_by", "https://doi.org/" + DOI_B, None, DOI_B, "Article B", "2021", None),
    }
    rows = ask(small_store, "citations", article=f"doi:{DOI_B}")
    assert pick(rows, *columns) == {
        ("cites", PUBMED + PMID_A, PMID_A, DOI_A, "Article A", "2020-05-01", "Article A.")
    }
    rows = ask(small_store, "citations", article=f"{PUBMED}{PMID_C}")
    assert pick(rows, "direction", "other") == {("cited_by", PUBMED + PMID_A)}


def test_term_mappings(small_store: EmbeddedStore) -> None:
    rows = ask(small_store, "term-mappings", term="hgnc:6018")
    assert pick(rows, "term_label", "direction", "relation", "mapped_prefix", "mapped") == {
        ("interleukin 6", "outgoing", SKOS + "closeMatch", "MESH", "http://id.nlm.nih.gov/mesh/D015850"),
        (
            "interleukin 6",
            "outgoing",
            SKOS + "exactMatch",
            "NCBIGene",
            "http://identifiers.org/ncbigene/3569",
        ),
        (
            "interleukin 6",
            "outgoing",
            SKOS + "exactMatch",
            "UniProtKB",
            "http://purl.uniprot.org/uniprot/P05231",
        ),
    }
    # the other way: which term of ours is this foreign identifier?
    rows = ask(small_store, "term-mappings", term="obo:MONDO_0009693")
    assert pick(rows, "direction", "relation", "mapped", "mapped_label", "mapped_prefix") == {
        ("incoming", SKOS + "exactMatch", OBO + "DOID_9538", "multiple myeloma", "DOID")
    }
    # mapped_prefix agrees with the project's prefix map wherever the map knows the namespace
    for term in ("obo:DOID_9538", "obo:DOID_13375", "drugbank:DB09036", "hgnc:6019", "kgo:Drug"):
        for row in ask(small_store, "term-mappings", term=term):
            curie = iri_converter().compress(row["mapped"])
            if curie is not None:
                assert row.get("mapped_prefix") == curie.split(":")[0], row
            else:
                assert row.get("mapped_prefix") in ("biolink", "fabio", "OBI"), row


def test_findings_by_outcome(small_store: EmbeddedStore) -> None:
    columns = (
        "condition_label",
        "intervention_label",
        "outcome_label",
        "study_design",
        "hedged",
        "confidence",
        "pmid",
        "doi",
        "sentence",
    )
    no_efficacy = {
        (
            "multiple myeloma",
            "siltuximab",
            "no_efficacy",
            "phase 2",
            "true",
            "0.6",
            PMID_A,
            DOI_A,
            S["a_noeff"][0],
        ),
        ("cancer", "IL-6 inhibitor", "no_efficacy", "review", "false", "0.7", PMID_A, DOI_A, S["a_class"][0]),
    }
    assert pick(ask(small_store, "findings-by-outcome", outcome="kgo:NoEfficacy"), *columns) == no_efficacy
    rows = ask(small_store, "findings-by-outcome", outcome="kgo:NoEfficacy", disease_root="obo:DOID_162")
    assert pick(rows, *columns) == no_efficacy  # the root itself and its subclasses
    rows = ask(small_store, "findings-by-outcome", outcome="kgo:Efficacy", disease_root="obo:DOID_162")
    assert pick(rows, "intervention_label", "condition_label", "doi") == {
        ("siltuximab", "multiple myeloma", DOI_B)
    }
    rows = ask(small_store, "findings-by-outcome", outcome="kgo:Efficacy")
    assert pick(rows, "intervention_label", "condition_label") == {
        ("siltuximab", "multiple myeloma"),
        ("tocilizumab", "temporal arteritis"),
        ("tocilizumab", "cachexia"),
    }  # the default root kgo:Disease includes MeSH-only diseases ...
    rows = ask(small_store, "findings-by-outcome", outcome="kgo:Efficacy", disease_root="obo:DOID_4")
    assert pick(rows, "intervention_label", "condition_label") == {
        ("siltuximab", "multiple myeloma"),
        ("tocilizumab", "temporal arteritis"),
    }  # ... which the DOID root does not hold


def test_article_statements(small_store: EmbeddedStore) -> None:
    _, rows = small_store.select(bind(QUERIES["article-statements"], {"article": f"pubmed:{PMID_A}"}))
    assert [(r["kind"], r["sentence"]) for r in rows] == [
        ("association", S["a_targets"][0]),
        ("association", S["a_implicated"][0]),
        ("finding", S["a_eff1"][0]),
        ("finding", S["a_eff2"][0]),
        ("finding", S["a_tol"][0]),
        ("finding", S["a_noeff"][0]),
        ("finding", S["a_class"][0]),
    ]  # in the order of the text
    assert pick(rows, "subject_label", "relation_label", "object_label") >= {
        ("siltuximab", "targets", "interleukin 6"),
        ("interleukin 6", "implicated in", "multiple myeloma"),
        ("tocilizumab", "efficacy", "temporal arteritis"),
        ("IL-6 inhibitor", "no efficacy", "cancer"),
    }
    rows = ask(small_store, "article-statements", article=f"doi:{DOI_B}")
    assert len(rows) == 6 and {r["kind"] for r in rows} == {"finding", "association"}
    assert ask(small_store, "article-statements", article=f"pubmed:{PMID_C}") == []


def test_drug_class_members(small_store: EmbeddedStore) -> None:
    columns = ("member_label", "membership", "relation_label", "target_symbol")
    assert pick(ask(small_store, "drug-class-members"), *columns) == {
        ("siltuximab", "member", "inhibits", "IL6"),
        ("tocilizumab", "member", "inhibits", "IL6R"),
    }  # the vocabulary's targets only: the extracted kgo:targets statements are not listed again
    rows = pick(ask(small_store, "drug-class-members", drug_class="kgo:AntiCytokineAgent"), *columns)
    assert ("IL-6 inhibitor", "subclass", None, None) in rows and (
        "tocilizumab",
        "member",
        "inhibits",
        "IL6R",
    ) in rows
    assert pick(ask(small_store, "drug-class-members", drug_class="kgo:TNFInhibitor"), *columns) == set()


#: Conventional drugs and JAK inhibitors (DrugBank ids) whose classes come from ChEBI roles
#: (ontology/build/chebi_drug_classes.tsv) or from their targets (JAK inhibitors, inferred by HermiT).
CONVENTIONAL = {"methotrexate": "DrugBank:DB00563", "prednisone": "DrugBank:DB00635",
                "azathioprine": "DrugBank:DB00993", "tofacitinib": "DrugBank:DB08895",
                "baricitinib": "DrugBank:DB11817", "upadacitinib": "DrugBank:DB15091",
                "ruxolitinib": "DrugBank:DB08877", "siltuximab": SIL}  # fmt: skip


def _members(store: EmbeddedStore, drug_class: str) -> set[str]:
    return {r["member_label"] for r in ask(store, "drug-class-members", drug_class=drug_class)
            if r["membership"] == "member"}  # fmt: skip


def test_drug_classes_of_conventional_drugs() -> None:
    """The vocabulary graph `kg build` writes for articles mentioning these drugs answers drug-class-members."""
    store = EmbeddedStore()
    store.add(vocabulary_quads(CONVENTIONAL.values()))
    dmards = _members(store, "kgo:DMARD")
    assert {"methotrexate", "tofacitinib", "baricitinib"} <= dmards  # ChEBI role "antirheumatic drug"
    assert "prednisone" not in dmards and "siltuximab" not in dmards
    assert {"prednisone"} <= _members(store, "kgo:Corticosteroid") & _members(store, "kgo:Glucocorticoid")
    assert {"azathioprine", "methotrexate", "prednisone"} <= _members(store, "kgo:Immunosuppressant")
    jak = _members(store, "kgo:JAKInhibitor")
    assert {"tofacitinib", "baricitinib", "upadacitinib", "ruxolitinib"} <= jak and "methotrexate" not in jak


def test_showcase_on_the_small_graph(small_store: EmbeddedStore) -> None:
    rows = ask(small_store, "il6-inhibitors-failed-in-cancers")
    assert pick(rows, "intervention_label", "cancer_label", "pmid", "sentence") == {
        ("siltuximab", "multiple myeloma", PMID_A, S["a_noeff"][0]),
        ("IL-6 inhibitor", "cancer", PMID_A, S["a_class"][0]),
    }


def test_small_graph_has_the_build_shape(small_graph: Path) -> None:
    """The named graphs kg build writes: one per article (PMID, else DOI) and the vocabulary graph."""
    graphs = {q.graph_name.value for q in ox.parse(path=str(small_graph), format=ox.RdfFormat.N_QUADS)}
    base = "https://w3id.org/cytokine-kg/resource/graph/"
    assert graphs == {
        base + f"pmid-{PMID_A}",
        base + f"pmid-{PMID_C}",
        base + "doi-10.5555%2Fkg.b",
        VOCABULARY_GRAPH.value,
    }


# ------------------------------------------------------------------------------- an independent engine


def rdflib_select(dataset, text: str) -> tuple[list[str], list[dict[str, str]]]:
    result = dataset.query(text)
    variables = [str(v) for v in result.vars]
    rows = []
    for solution in result:
        row = {}
        for name in variables:
            term = solution[name]
            if term is not None:
                row[name] = str(term)
        rows.append(row)
    return variables, rows


@pytest.fixture(scope="module")
def rdflib_small(small_graph: Path):
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(small_graph, format="nquads")
    return dataset


@pytest.mark.parametrize(
    ("name", "params"), query_cases() + SMALL_GRAPH_CASES, ids=lambda v: v if isinstance(v, str) else None
)
def test_rdflib_gives_the_same_rows(
    small_store: EmbeddedStore, rdflib_small, name: str, params: dict
) -> None:
    """Each shipped query, unchanged, through rdflib's own SPARQL engine: the same rows as Oxigraph."""
    text = bind(QUERIES[name], params)
    variables, rows = small_store.select(text)
    rdflib_variables, rdflib_rows = rdflib_select(rdflib_small, text)
    assert rdflib_variables == variables
    assert len(rdflib_rows) == len(rows), "DISTINCT rows differ in number"
    assert rows_as_set(variables, rdflib_rows) == rows_as_set(variables, rows)


def test_the_comparison_is_not_vacuous(small_store: EmbeddedStore) -> None:
    """Every shipped query finds rows in the small graph for at least one of its cases."""
    found = {name for name, params in query_cases() + SMALL_GRAPH_CASES if ask(small_store, name, **params)}
    assert found == set(QUERIES)
