"""The KGX export: a Biolink 4.x graph as KGX TSV (nodes.tsv, edges.tsv) and KGX JSON Lines (nodes.jsonl,
edges.jsonl), the exchange format of Biolink-based knowledge graphs (https://github.com/biolink/kgx).

Nodes are the terms the documents use (with Biolink categories) and the articles (``biolink:Publication``);
edges are the findings (intervention -> condition, the outcome and confidence as edge properties), the
drug/gene associations, and the article -> term ``biolink:mentions``. Every edge carries the Biolink 4.x
required ``knowledge_level`` and ``agent_type``, its ``primary_knowledge_source``, its ``publications``
(``PMID:N`` or ``doi:...``) and its evidence sentence as ``supporting_text``. Edge ids are the IRIs of the
same statements in the RDF graph (``kgr:finding/...``), so both exports name a statement alike.

CURIE prefixes are written as the Biolink prefix map spells them (``DRUGBANK``, ``doi``); the few ids the
project mints itself (drug classes ``KGO:``, drugs without a DrugBank id ``KGD:``) keep their prefix, which
``ontology/prefixes.json`` declares. Output is sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KGError
from kg.model import Association, Document, EntityKind, Extraction, Finding, Outcome, Term
from kg.rdf.build import article_iri, association_iri, bibliography_spans, finding_iri, in_bibliography
from kg.rdf.serialize import write_output
from kg.vocabulary import converter

#: Our CURIE prefix -> the Biolink prefix map's spelling, where they differ.
BIOLINK_PREFIX = {"DrugBank": "DRUGBANK", "DOI": "doi", "HGNC.GENEGROUP": "HGNC.FAMILY", "ORPHANET": "ORDO"}

#: Biolink categories by entity kind; a gene product named by HGNC is a biolink:Gene, as HGNC ids are gene ids.
CATEGORY = {
    EntityKind.CYTOKINE: "biolink:Gene",
    EntityKind.RECEPTOR: "biolink:Gene",
    EntityKind.PROTEIN: "biolink:Gene",
    EntityKind.DRUG: "biolink:Drug",
    EntityKind.DRUG_CLASS: "biolink:ChemicalEntity",
    EntityKind.DISEASE: "biolink:Disease",
    EntityKind.PHENOTYPE: "biolink:PhenotypicFeature",
    EntityKind.CONTROL: "biolink:Treatment",
}
GENE_FAMILY = "biolink:GeneFamily"
PUBLICATION = "biolink:Publication"

#: Association relation -> Biolink predicate (the same alignments ontology/kg.ttl states with skos).
ASSOCIATION_PREDICATE = {
    "targets": "biolink:directly_physically_interacts_with",
    "implicated_in": "biolink:contributes_to",
    "biomarker_of": "biolink:biomarker_for",
    "induces": "biolink:causes",
    "produced_by": "biolink:expressed_in",
}
KNOWLEDGE_SOURCE = "infores:cytokine-kg"
TEXT_MINING = {"knowledge_level": "knowledge_assertion", "agent_type": "text_mining_agent",
               "primary_knowledge_source": KNOWLEDGE_SOURCE}

NODE_COLUMNS = ("id", "category", "name", "xref", "provided_by")
EDGE_COLUMNS = (
    "id", "subject", "predicate", "object", "knowledge_level", "agent_type", "primary_knowledge_source",
    "publications", "supporting_text", "has_confidence_score", "clinical_approval_status", "outcome",
    "study_design", "hedged", "negated", "comparator", "combined_with",
)  # fmt: skip
LIST_COLUMNS = frozenset({"category", "xref", "provided_by", "publications", "supporting_text", "combined_with"})
FILES = {"tsv": ("nodes.tsv", "edges.tsv"), "jsonl": ("nodes.jsonl", "edges.jsonl")}


#: The project's own prefixes a KGX consumer needs besides Biolink's (KGX CURIEs allow no "/" in the local
#: part, so minted resource ids such as gene families get a prefix of their own).
def own_prefixes() -> dict[str, str]:
    """``KGO``, ``KGD`` and ``KGR.family`` with their URI prefixes, from ``ontology/prefixes.json``."""
    expand = converter().expand
    return {"KGO": expand("KGO:"), "KGD": expand("KGD:"), "KGR.family": expand("KGR:family/")}


def kgx_curie(curie: str) -> str:
    """``DrugBank:DB06273`` -> ``DRUGBANK:DB06273``: the prefix as the Biolink prefix map spells it."""
    prefix, sep, local = curie.partition(":")
    if prefix == "KGR" and local.startswith("family/"):
        return "KGR.family:" + local[len("family/") :]
    return BIOLINK_PREFIX.get(prefix, prefix) + sep + local if sep else curie


def publication_curie(document: Document) -> str | None:
    if document.pmid:
        return f"PMID:{document.pmid}"
    if document.doi:
        return f"doi:{document.doi}"
    return None


@dataclass
class KgxGraph:
    """Nodes and edges keyed by id; the same id seen twice keeps its first record, lists are merged."""

    nodes: dict[str, dict] = field(default_factory=dict)
    edges: dict[str, dict] = field(default_factory=dict)

    def add_node(self, node: dict) -> None:
        old = self.nodes.setdefault(node["id"], node)
        if old is not node:
            old["xref"] = sorted(set(old.get("xref", [])) | set(node.get("xref", [])))

    def add_term(self, term: Term) -> str:
        node_id = kgx_curie(term.curie)
        family = term.curie.startswith(("HGNC.GENEGROUP:", "KGR:family/"))
        category = GENE_FAMILY if family else CATEGORY[term.kind]
        xrefs = sorted({kgx_curie(x) for x in term.xrefs if x != term.curie})
        self.add_node({"id": node_id, "category": [category], "name": term.label, "xref": xrefs,
                       "provided_by": [KNOWLEDGE_SOURCE]})
        return node_id

    def add_extraction(self, extraction: Extraction) -> None:
        document = extraction.document
        publication = publication_curie(document)
        article = article_iri(document)
        # A DOI holds "/" which KGX does not take in a node id: a DOI-only article is named in the edges'
        # publications, but gets no node (and so no mentions edges) of its own.
        node_worthy = publication is not None and "/" not in publication
        if node_worthy:
            self.add_node({"id": publication, "category": [PUBLICATION], "name": document.title or "",
                           "xref": [], "provided_by": [KNOWLEDGE_SOURCE]})
        apart = bibliography_spans(document)
        for mention in extraction.mentions:
            if in_bibliography(apart, mention.start):  # a reference list's terms are not the article's
                continue
            term_id = self.add_term(mention.term)
            if node_worthy:
                edge_id = f"{publication}-mentions-{term_id}"
                self.edges.setdefault(edge_id, {
                    "id": edge_id, "subject": publication, "predicate": "biolink:mentions", "object": term_id,
                    "knowledge_level": "observation", "agent_type": "text_mining_agent",
                    "primary_knowledge_source": KNOWLEDGE_SOURCE, "publications": [publication],
                })
        merged: dict[tuple[str, str, str], list[Finding]] = {}
        for finding in extraction.findings:
            if not in_bibliography(apart, finding.evidence.start):
                merged.setdefault(finding.key, []).append(finding)
        for key, findings in merged.items():
            self._finding(article.value, publication, key, findings)
        for association in extraction.associations:
            if not in_bibliography(apart, association.evidence.start):
                self._association(article.value, publication, association)

    def _finding(self, article: str, publication: str | None, key, findings: list[Finding]) -> None:
        best = max(findings, key=lambda f: f.evidence.confidence)
        subject, obj = self.add_term(best.intervention), self.add_term(best.disease)
        for term in (*best.combination, *([best.comparator] if best.comparator else [])):
            self.add_term(term)
        # Only an approval says the drug treats the condition; any other outcome (including a failed
        # trial) says it was studied to treat it, and the outcome property says how that went.
        approved = best.outcome is Outcome.APPROVED
        predicate = "biolink:treats" if approved else "biolink:treats_or_applied_or_studied_to_treat"
        edge = {
            "id": _short(finding_iri(article, key).value), "subject": subject, "predicate": predicate, "object": obj,
            **TEXT_MINING,
            "publications": [publication] if publication else [],
            "supporting_text": sorted({f.evidence.sentence for f in findings}),
            "has_confidence_score": best.evidence.confidence,
            "outcome": best.outcome.value,
            "hedged": all(f.hedged for f in findings),
            "combined_with": sorted({kgx_curie(t.curie) for f in findings for t in f.combination}),
        }
        if approved:
            edge["clinical_approval_status"] = "approved_for_condition"
        if best.study:
            edge["study_design"] = best.study
        if best.comparator:
            edge["comparator"] = kgx_curie(best.comparator.curie)
        self.edges[edge["id"]] = edge

    def _association(self, article: str, publication: str | None, association: Association) -> None:
        subject, obj = self.add_term(association.subject), self.add_term(association.object)
        edge_id = _short(association_iri(article, association).value)
        self.edges[edge_id] = {
            "id": edge_id, "subject": subject, "predicate": ASSOCIATION_PREDICATE[association.relation],
            "object": obj, **TEXT_MINING,
            "publications": [publication] if publication else [],
            "supporting_text": [association.evidence.sentence],
            "has_confidence_score": association.evidence.confidence,
            "negated": association.negated,
            "hedged": association.hedged,
        }


def _short(iri: str) -> str:
    return converter().compress(iri) or iri


def _tsv_value(value: object) -> str:
    if isinstance(value, list):
        return "|".join(_tsv_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ").replace("|", "/")


def to_tsv(records: Iterable[dict], columns: tuple[str, ...]) -> bytes:
    lines = ["\t".join(columns)]
    for record in records:
        lines.append("\t".join(_tsv_value(record.get(c)) for c in columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_jsonl(records: Iterable[dict], columns: tuple[str, ...]) -> bytes:
    out = []
    for record in records:
        kept = {c: record[c] for c in columns if c in record and record[c] not in (None, "", [])}
        out.append(json.dumps(kept, ensure_ascii=False, sort_keys=False))
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def write_kgx(graph: KgxGraph, folder: Path, forms: Iterable[str] = ("tsv", "jsonl")) -> list[Path]:
    """Write the graph into ``folder`` (nodes and edges sorted by id), each file atomically."""
    nodes = [graph.nodes[k] for k in sorted(graph.nodes)]
    edges = [graph.edges[k] for k in sorted(graph.edges)]
    written = []
    for form in forms:
        encode = to_tsv if form == "tsv" else to_jsonl
        node_file, edge_file = (Path(folder) / name for name in FILES[form])
        write_output(node_file, encode(nodes, NODE_COLUMNS))
        write_output(edge_file, encode(edges, EDGE_COLUMNS))
        written += [node_file, edge_file]
    return written


FORMS = {"kgx": ("tsv", "jsonl"), "kgx-tsv": ("tsv",), "kgx-jsonl": ("jsonl",)}


def export_kgx(inputs, folder: Path, *, fmt: str = "kgx", jobs: int = 1, progress=None):
    """Read and extract ``inputs`` (a :class:`kg.api.Inputs`) and write the KGX files into ``folder``.

    ``fmt`` is ``kgx`` (TSV and JSON Lines), ``kgx-tsv`` or ``kgx-jsonl``. Returns the api Summary.
    """
    from kg import api

    if fmt not in FORMS:
        raise KGError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMS)}")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise KGError(f"{folder}: is a file; kg export writes a folder (nodes.tsv, edges.tsv, ...)")
    inputs.check()
    summary = api.Summary(output=str(folder))
    graph = KgxGraph()
    for item in api.extractions(inputs, summary, jobs=jobs, progress=progress, exclude=[folder]):
        graph.add_extraction(item)
    if not summary.documents:  # as kg build: no document read, nothing replaced
        raise api.EmptyBuildError(
            f"no document was read ({len(summary.failed)} inputs failed); nothing written, {folder} left as it was",
            summary,
        )
    write_kgx(graph, folder, FORMS[fmt])
    summary.triples = 0
    return summary
