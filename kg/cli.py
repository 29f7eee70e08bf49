"""The ``kg`` command: each command is one call into :mod:`kg.api`, plus progress and printing."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kg import api
from kg.errors import KGError
from kg.query import load_queries

app = typer.Typer(
    help="Build a knowledge graph of cytokine therapies from the literature, and ask it questions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


@contextmanager
def _progress(enabled: bool):
    """A progress line on stderr (documents done, current file); silent when not wanted."""
    if not enabled:
        yield lambda message: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("documents", total=None)

        def step(message: str) -> None:
            if message.startswith("error: "):
                bar.console.print(f"[red]{message}[/red]", highlight=False)
            else:
                bar.update(task, advance=1, description=f"documents  {Path(message).name[:40]}")

        yield step


def _fail(error: Exception) -> None:
    err.print(f"[red]error:[/red] {error}", highlight=False)
    raise typer.Exit(2)


def _print_summary(summary: api.Summary, what: str) -> None:
    figures = summary.as_dict()
    err.print(
        f"{what}: {figures['documents']} documents read, {figures['failed']} failed; "
        f"{figures['entities']} entities ({figures['mentions']} mentions), {figures['findings']} findings, "
        f"{figures['associations']} associations" + (f", {figures['triples']} triples" if figures["triples"] else "")
        + (f" -> {figures['output']}" if figures["output"] else ""),
        highlight=False,
    )
    for error in summary.failed[:20]:
        err.print(f"  failed: {error}", highlight=False)
    if len(summary.failed) > 20:
        err.print(f"  ... and {len(summary.failed) - 20} more", highlight=False)


InputsArg = Annotated[list[str] | None, typer.Argument(help="Files, folders, globs, or pmid:N.", show_default=False)]
InputFormat = Annotated[str | None, typer.Option("--input-format", help="Force a reader (pubmed_page, pubmed_xml, medline, bioc_xml, bioc_json, pubtator, html, text).")]
PmidFile = Annotated[Path | None, typer.Option("--pmids", help="A file of PubMed ids, one per line.")]
PubmedQuery = Annotated[str | None, typer.Option("--pubmed-query", help="A PubMed search; its hits are fetched.")]
MaxResults = Annotated[int, typer.Option("--max", help="At most this many PubMed search hits.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for extraction.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]


def _inputs(paths: list[str] | None, input_format: str | None, pmids: Path | None, query: str | None, limit: int) -> api.Inputs:
    from kg.sources.eutils import read_pmid_file

    listed = tuple(read_pmid_file(pmids)) if pmids else ()
    inputs = api.Inputs.from_arguments(paths or [], format=input_format, pmids=listed, pubmed_query=query, max_results=limit)
    if not (inputs.paths or inputs.pmids or inputs.pubmed_query):
        raise KGError("nothing to read: give files or folders, pmid:N, --pmids FILE or --pubmed-query")
    return inputs


@app.command()
def build(
    paths: InputsArg = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="RDF file to write (default output/kg.ttl unless --store).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="ttl, nt, nq, trig or jsonld (default: from the file name).")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Keep an on-disk embedded store in this folder; documents replace their own graph.")] = None,
    input_format: InputFormat = None,
    pmids: PmidFile = None,
    pubmed_query: PubmedQuery = None,
    max_results: MaxResults = 100,
    jobs: Jobs = 1,
    quiet: Quiet = False,
) -> None:
    """Read documents, extract entities and findings, and write the knowledge graph."""
    try:
        inputs = _inputs(paths, input_format, pmids, pubmed_query, max_results)
        with _progress(not quiet) as step:
            summary = api.build(inputs, output=output, fmt=fmt, store=store, jobs=jobs, progress=step)
    except KGError as error:
        _fail(error)
    _print_summary(summary, "built")
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def extract(
    paths: InputsArg = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Only jsonl: one JSON object per document.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    input_format: InputFormat = None,
    pmids: PmidFile = None,
    pubmed_query: PubmedQuery = None,
    max_results: MaxResults = 100,
    source_annotations: Annotated[bool, typer.Option(help="Use the mentions the input files already annotate (PubTator, BioC).")] = True,
    jobs: Jobs = 1,
    quiet: Quiet = False,
) -> None:
    """Extract entities and findings and print them as JSON Lines (the evaluation format)."""
    if fmt != "jsonl":
        _fail(KGError(f"unknown format {fmt!r}; kg extract writes jsonl (use kg build for RDF)"))
    try:
        inputs = _inputs(paths, input_format, pmids, pubmed_query, max_results)
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            with _progress(not quiet and output is not None) as step:
                summary = api.export_jsonl(inputs, out, jobs=jobs, progress=step, use_source_annotations=source_annotations)
        finally:
            if output:
                out.close()
    except KGError as error:
        _fail(error)
    if not quiet:
        _print_summary(summary, "extracted")
    else:
        for error in summary.failed:
            err.print(f"failed: {error}", highlight=False)
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def ask(
    name: Annotated[str | None, typer.Argument(help="The query name (see --list).", show_default=False)] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", "-d", help="RDF file(s) to query (loaded in memory).")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store written by kg build --store.")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="A SPARQL 1.1 endpoint URL.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    list_queries: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
) -> None:
    """Answer a named question (queries/NAME.rq) with the evidence behind every answer."""
    try:
        if fmt not in ("table", "csv", "json"):
            raise KGError(f"unknown format {fmt!r}; choose table, csv or json")
        if list_queries:
            _print_query_list(fmt)
            return
        if name is None:
            raise KGError("give a query name; kg ask --list shows them")
        params = {}
        for item in param or []:
            key, sep, value = item.partition("=")
            if not sep:
                raise KGError(f"--param {item!r}: expected NAME=VALUE")
            params[key] = value
        variables, rows = api.ask(name, params, data=data or [], store=store, endpoint=endpoint)
    except KGError as error:
        _fail(error)
    _print_rows(variables, rows, fmt, title=name)


@app.command()
def load(
    data: Annotated[Path | None, typer.Argument(help="An RDF file written by kg build.", show_default=False)] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store written by kg build --store.")] = None,
    endpoint: Annotated[str, typer.Option("--endpoint", help="The server's SPARQL query endpoint.")] = ...,
    graph_store: Annotated[str | None, typer.Option("--graph-store", help="Its Graph Store Protocol endpoint (bulk loading).")] = None,
    update_endpoint: Annotated[str | None, typer.Option("--update-endpoint", help="Its SPARQL Update endpoint, if not the query one.")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Graph IRI for statements outside named graphs (Turtle, N-Triples).")] = None,
    auth: Annotated[str, typer.Option("--auth", help="digest or basic (user and password from KG_SPARQL_USER / KG_SPARQL_PASSWORD).")] = "digest",
) -> None:
    """Load a built graph into a SPARQL 1.1 server (Virtuoso, GraphDB, Fuseki, Oxigraph), graph by graph."""
    if (data is None) == (store is None):
        _fail(KGError("give either an RDF FILE or --store DIR"))
    try:
        counts = api.load(endpoint=endpoint, data=data, store=store, graph=graph, graph_store=graph_store,
                          update_endpoint=update_endpoint, auth=auth)
    except KGError as error:
        _fail(error)
    err.print(f"loaded {sum(counts.values())} triples in {len(counts)} graphs into {endpoint}", highlight=False)


@app.command()
def link(
    data: Annotated[Path | None, typer.Option("--data", "-d", help="An RDF file written by kg build.")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store; the mappings are added to it.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the mappings to this RDF file.")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="SPARQL endpoint (default: Wikidata).")] = None,
    quiet: Quiet = False,
) -> None:
    """Add Wikidata mappings for the drugs, diseases and genes a build uses (cached; with source and date)."""
    try:
        with _progress(not quiet) as step:
            count = api.link(data=data, store=store, output=output, endpoint=endpoint, progress=step)
    except KGError as error:
        _fail(error)
    err.print(f"{count} mappings -> {output or store}", highlight=False)


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF file(s) written by kg build.", show_default=False)] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store written by kg build --store.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many results.")] = 50,
) -> None:
    """Check a built graph against the SHACL shapes of ontology/shapes.ttl (exit 1 when it does not conform)."""
    from kg.validate import validate as check
    from kg.validate import validate_store

    if bool(files) == (store is not None):
        _fail(KGError("give RDF FILE(s) or --store DIR"))
    try:
        report = validate_store(store) if store is not None else check(files)
    except KGError as error:
        _fail(error)
    print(report.text(limit=limit))
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold PubTator file (BC5CDR, NCBI Disease, BioRED).")],
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Another tool's PubTator output to score instead of ours.")] = None,
    types: Annotated[str, typer.Option("--types", help="Comma-separated: disease, chemical, gene.")] = "disease,chemical",
) -> None:
    """Document-level concept F1 with MeSH/OMIM ids (the BC5CDR protocol), ours or another tool's."""
    from kg.evaluate import evaluate as score

    try:
        report = score(gold, predictions, types=[t.strip() for t in types.split(",") if t.strip()])
    except KGError as error:
        _fail(error)
    print(report.text())


def _print_query_list(fmt: str) -> None:
    queries = load_queries()
    if fmt == "json":
        print(json.dumps([q.describe() for q in queries.values()], indent=2))
        return
    table = Table("name", "summary", "parameters", show_lines=False)
    for query in queries.values():
        table.add_row(query.name, query.summary, ", ".join(
            p.name + ("" if not p.default else f"={p.default}") + (" (required)" if p.required else "") for p in query.params
        ))
    Console().print(table)


def _print_rows(variables: list[str], rows: list[dict[str, str]], fmt: str, title: str) -> None:
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=variables, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        shown = [v for v in variables if not v.endswith(("intervention", "cancer", "article", "disease", "drug"))] or variables
        table = Table(*shown, title=f"{title}: {len(rows)} rows", show_lines=True)
        for row in rows:
            table.add_row(*(row.get(v, "") for v in shown))
        Console().print(table)


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    main()
