"""The ``kg`` command: each command is one call into :mod:`kg.api`, plus progress and printing."""

from __future__ import annotations

import csv
import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from kg import api
from kg.errors import KGError, one_line
from kg.query import load_queries
from kg.sources.http import redact

app = typer.Typer(
    help="Build a knowledge graph of cytokine therapies from the literature, and ask it questions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


# ------------------------------------------------------------------ the one path every message takes to stderr

def _one_line(text: object) -> str:
    """``text`` with secrets redacted and on one line (line breaks, control and bidi characters escaped)."""
    return one_line(redact(str(text)))


def _say(kind: str, message: object, style: str | None = None) -> None:
    """Print ``kind: message`` on stderr as exactly one line (no wrapping, no markup)."""
    err.print(f"{kind}: {_one_line(message)}" if kind else _one_line(message), style=style, soft_wrap=True,
              markup=False, highlight=False, emoji=False)


class _StderrHandler(logging.Handler):
    """``kg.*`` log records on stderr, one line each: warnings (and worse) always, as ``warning: ...``;
    progress lines (``kg.progress``, INFO) unless --quiet."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.show_progress = True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string in a log call must not end the command
            message = str(record.msg)
        if record.levelno >= logging.ERROR:
            _say("error", message, style="red")
        elif record.levelno >= logging.WARNING:
            _say("warning", message, style="yellow")
        elif record.name == "kg.progress" and self.show_progress:
            _say("", message, style="dim")


_HANDLER = _StderrHandler()


def _install_logging() -> None:
    logger = logging.getLogger("kg")
    if _HANDLER not in logger.handlers:
        logger.addHandler(_HANDLER)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


@app.callback()
def _main() -> None:
    """Build a knowledge graph of cytokine therapies from the literature, and ask it questions."""
    _install_logging()
    _HANDLER.show_progress = True


F = TypeVar("F", bound=Callable[..., Any])


def _command(function: F) -> F:
    """Every error of a command as one line on stderr and exit status 2; never a traceback
    (``KG_DEBUG=1`` shows one for an unexpected error)."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KGError as error:
            _fail(error)
        except KeyboardInterrupt:
            _say("error", "interrupted", style="red")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            _say("error", f"unexpected {type(exc).__name__}: {exc} (a bug; KG_DEBUG=1 shows where)", style="red")
            raise typer.Exit(2) from None

    return run  # type: ignore[return-value]


class _RateColumn(ProgressColumn):
    """Documents per second, as rich measures it over the last seconds."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} documents/s" if task.speed else "")


@contextmanager
def _progress(enabled: bool):
    """A progress line on stderr (documents done, current file); silent when not wanted. Warnings are
    shown either way."""
    _HANDLER.show_progress = enabled
    if not enabled:
        yield lambda message: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn(),
               _RateColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("documents", total=None)

        def step(message: str) -> None:
            if message.startswith("error: "):
                _say("error", message[len("error: "):], style="red")
            else:
                bar.update(task, advance=1, description=f"documents  {_one_line(Path(message).name[:40])}")

        yield step


def _fail(error: Exception) -> None:
    _say("error", error, style="red")
    raise typer.Exit(2)


def _print_summary(summary: api.Summary, what: str) -> None:
    figures = summary.as_dict()
    _say(what,
        f"{figures['documents']} documents read, {figures['failed']} failed; "
        f"{figures['entities']} entities ({figures['mentions']} mentions), {figures['findings']} findings, "
        f"{figures['associations']} associations" + (f", {figures['triples']} triples" if figures["triples"] else "")
        + (f", {figures['pruned']} graphs pruned" if figures["pruned"] else "")
        + (f", {figures['deleted']} PMIDs deleted (DeleteCitation)" if figures.get("deleted") else "")
        + (f", {figures['revised']} revised records replaced" if figures.get("revised") else "")
        + (f" -> {figures['output']}" if figures["output"] else ""),
    )
    _print_failures(summary)
    for note in summary.notes:
        _say("note", note)


def _print_failures(summary: api.Summary, limit: int = 20) -> None:
    for error in summary.failed[:limit]:
        _say("  failed", error)
    if len(summary.failed) > limit:
        _say("", f"  ... and {len(summary.failed) - limit} more")


InputsArg = Annotated[list[str] | None, typer.Argument(help="Files, folders, globs, or pmid:N.", show_default=False)]
InputFormat = Annotated[str | None, typer.Option("--input-format", help="Force a reader (pubmed_page, pubmed_xml, pubmed_baseline, medline, bioc_xml, bioc_json, pubtator, html, text).")]
PmidFile = Annotated[Path | None, typer.Option("--pmids", help="A file of PubMed ids, one per line.")]
PubmedQuery = Annotated[str | None, typer.Option("--pubmed-query", help="A PubMed search; its hits are fetched.")]
MaxResults = Annotated[int, typer.Option("--max", help="At most this many PubMed search hits.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for extraction.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display (warnings and errors are still shown).")]
FollowSymlinks = Annotated[bool, typer.Option("--follow-symlinks", help="Read symbolic links in input folders that point outside them.")]
EutilsTimeout = Annotated[float | None, typer.Option("--timeout", help="Seconds one PubMed (E-utilities) call may take, retries included (default 120).", show_default=False)]
SparqlTimeout = Annotated[float, typer.Option("--timeout", help="Seconds a SPARQL server may take to answer one request.")]


def _inputs(paths: list[str] | None, input_format: str | None, pmids: Path | None, query: str | None, limit: int,
            follow_symlinks: bool = False, timeout: float | None = None) -> api.Inputs:
    listed = ()
    if pmids:
        from kg.sources.eutils import read_pmid_file  # requests is imported only when PubMed is asked

        listed = tuple(read_pmid_file(pmids))
    inputs = api.Inputs.from_arguments(paths or [], format=input_format, pmids=listed, pubmed_query=query,
                                       max_results=limit, follow_symlinks=follow_symlinks, timeout=timeout)
    if not (inputs.paths or inputs.pmids or inputs.pubmed_query):
        raise KGError("nothing to read: give files or folders, pmid:N, --pmids FILE or --pubmed-query")
    inputs.check()
    return inputs


@app.command()
@_command
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
    prune: Annotated[bool, typer.Option("--prune", help="With --store: remove the graphs of documents no longer in the inputs.")] = False,
    follow_symlinks: FollowSymlinks = False,
    timeout: EutilsTimeout = None,
) -> None:
    """Read documents, extract entities and findings, and write the knowledge graph."""
    inputs = _inputs(paths, input_format, pmids, pubmed_query, max_results, follow_symlinks, timeout)
    try:
        with _progress(not quiet) as step:
            summary = api.build(inputs, output=output, fmt=fmt, store=store, jobs=jobs, progress=step, prune=prune)
    except api.EmptyBuildError as error:
        _print_failures(error.summary)
        _fail(error)
    _print_summary(summary, "built")
    if summary.failed:
        raise typer.Exit(1)


@app.command()
@_command
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
    follow_symlinks: FollowSymlinks = False,
    timeout: EutilsTimeout = None,
) -> None:
    """Extract entities and findings and print them as JSON Lines (the evaluation format)."""
    if fmt != "jsonl":
        raise KGError(f"unknown format {fmt!r}; kg extract writes jsonl (use kg build for RDF)")
    inputs = _inputs(paths, input_format, pmids, pubmed_query, max_results, follow_symlinks, timeout)
    if output is not None:
        from kg.rdf.serialize import check_output

        check_output(output)
    try:
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    except OSError as exc:
        raise KGError(f"{output}: cannot write ({exc.strerror or exc})") from None
    try:
        with _progress(not quiet and output is not None) as step:
            summary = api.export_jsonl(inputs, out, jobs=jobs, progress=step, use_source_annotations=source_annotations)
    except OSError as exc:
        raise KGError(f"{output or 'standard output'}: cannot write ({exc.strerror or exc})") from None
    finally:
        if output:
            out.close()
    if not quiet:
        _print_summary(summary, "extracted")
    else:
        for error in summary.failed:
            _say("failed", error)
    if summary.failed:
        raise typer.Exit(1)


@app.command()
@_command
def ask(
    name: Annotated[str | None, typer.Argument(help="The query name (see --list).", show_default=False)] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", "-d", help="RDF file(s) to query (loaded in memory).")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store written by kg build --store.")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="A SPARQL 1.1 endpoint URL.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    list_queries: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    timeout: SparqlTimeout = 60,
) -> None:
    """Answer a named question (queries/NAME.rq) with the evidence behind every answer."""
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
    variables, rows = api.ask(name, params, data=data or [], store=store, endpoint=endpoint, timeout=timeout)
    _print_rows(variables, rows, fmt, title=name)


@app.command()
@_command
def load(
    data: Annotated[Path | None, typer.Argument(help="An RDF file written by kg build.", show_default=False)] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store written by kg build --store.")] = None,
    endpoint: Annotated[str, typer.Option("--endpoint", help="The server's SPARQL query endpoint.")] = ...,
    graph_store: Annotated[str | None, typer.Option("--graph-store", help="Its Graph Store Protocol endpoint (bulk loading).")] = None,
    update_endpoint: Annotated[str | None, typer.Option("--update-endpoint", help="Its SPARQL Update endpoint, if not the query one.")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Graph IRI for statements outside named graphs (Turtle, N-Triples).")] = None,
    auth: Annotated[str, typer.Option("--auth", help="digest or basic (user and password from KG_SPARQL_USER / KG_SPARQL_PASSWORD).")] = "digest",
    timeout: SparqlTimeout = 60,
) -> None:
    """Load a built graph into a SPARQL 1.1 server (Virtuoso, GraphDB, Fuseki, Oxigraph), graph by graph."""
    if (data is None) == (store is None):
        raise KGError("give either an RDF FILE or --store DIR")
    counts = api.load(endpoint=endpoint, data=data, store=store, graph=graph, graph_store=graph_store,
                      update_endpoint=update_endpoint, auth=auth, timeout=timeout)
    _say("loaded", f"{sum(counts.values())} triples in {len(counts)} graphs into {endpoint}")


@app.command()
@_command
def link(
    data: Annotated[Path | None, typer.Option("--data", "-d", help="An RDF file written by kg build.")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store; the mappings are added to it.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the mappings to this RDF file.")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="SPARQL endpoint (default: Wikidata).")] = None,
    quiet: Quiet = False,
) -> None:
    """Add Wikidata mappings for the drugs, diseases and genes a build uses (cached; with source and date)."""
    with _progress(not quiet) as step:
        count = api.link(data=data, store=store, output=output, endpoint=endpoint, progress=step)
    _say("", f"{count} mappings -> {output or store}")


@app.command()
@_command
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="RDF file(s) written by kg build.", show_default=False)] = None,
    store: Annotated[Path | None, typer.Option("--store", help="An on-disk store written by kg build --store.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many results.")] = 50,
) -> None:
    """Check a built graph against the SHACL shapes of ontology/shapes.ttl (exit 1 when it does not conform)."""
    from kg.validate import validate as check
    from kg.validate import validate_store

    if bool(files) == (store is not None):
        raise KGError("give RDF FILE(s) or --store DIR")
    if store is not None:
        api.open_store(store=store)  # a missing or empty folder: "no store there", never a new store
    report = validate_store(store) if store is not None else check(files)
    print(report.text(limit=limit))
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
@_command
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold PubTator file (BC5CDR, NCBI Disease, BioRED).")],
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Another tool's PubTator output to score instead of ours.")] = None,
    types: Annotated[str, typer.Option("--types", help="Comma-separated: disease, chemical, gene.")] = "disease,chemical",
) -> None:
    """Document-level concept F1 with MeSH/OMIM ids (the BC5CDR protocol), ours or another tool's."""
    from kg.evaluate import evaluate as score

    report = score(gold, predictions, types=[t.strip() for t in types.split(",") if t.strip()])
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


@app.command()
@_command
def export(
    paths: InputsArg = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="kgx (KGX TSV and JSON Lines), kgx-tsv or kgx-jsonl.")] = "kgx",
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for nodes.tsv, edges.tsv, nodes.jsonl, edges.jsonl.")] = Path("output/kgx"),
    input_format: InputFormat = None,
    pmids: PmidFile = None,
    pubmed_query: PubmedQuery = None,
    max_results: MaxResults = 100,
    jobs: Jobs = 1,
    quiet: Quiet = False,
) -> None:
    """Read documents and write the graph for Biolink tools: KGX nodes and edges (Biolink 4 categories and predicates)."""
    from kg.kgx import export_kgx

    try:
        inputs = _inputs(paths, input_format, pmids, pubmed_query, max_results)
        with _progress(not quiet) as step:
            summary = export_kgx(inputs, output, fmt=fmt, jobs=jobs, progress=step)
    except KGError as error:
        _fail(error)
    _print_summary(summary, "exported")
    if summary.failed:
        raise typer.Exit(1)


def main() -> None:
    """The ``kg`` command. Once the command is done and its output flushed, the process ends without
    freeing the loaded vocabulary and matcher object by object (a third of a second of a short run)."""
    try:
        app(prog_name="kg")
        code: int | str | None = 0
    except SystemExit as done:
        code = done.code
    if isinstance(code, str):  # a message, as SystemExit would print it
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: the output could not all be written
        code = code or 1
    logging.shutdown()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
