"""The ``archivist`` command: each command parses arguments, calls the library, renders.

Library errors (PipelineError) become one red line and exit code 1; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.errors import PipelineError
from pipeline.store import STORE_ENV, Store

app = typer.Typer(
    help="Archivist: ingest web pages, PDFs and text captures into a versioned archive with "
         "provenance.\n\nTypical session:\n\n  archivist ingest examples/sources.toml\n\n"
         "  archivist versions\n\n  archivist show hrnk-2009-lives-for-sale\n\n"
         "  archivist trace --text \"Tumen River\"\n\n  archivist verify",
    no_args_is_help=True, rich_markup_mode="rich", pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

StoreOption = Annotated[Optional[Path], typer.Option(
    "--store", envvar=STORE_ENV, show_envvar=True,
    help="Root folder holding raw/ and curated/ (default: the current directory).")]
VersionOption = Annotated[Optional[int], typer.Option(
    "--version", "-v", help="Archive version to read (default: latest).")]
AsOfOption = Annotated[Optional[datetime], typer.Option(
    "--as-of", help="Read the archive as it was at this time (ISO 8601, UTC if no zone).")]


def _archive(store: Path | None):
    from pipeline.archive import Archive

    return Archive(Store.at(store))


def _version(archive, version: int | None, as_of: datetime | None) -> int:
    if as_of is not None and as_of.tzinfo is None:
        from datetime import timezone

        as_of = as_of.replace(tzinfo=timezone.utc)
    return archive.resolve_version(version, as_of)


@app.command()
def ingest(
    registry: Annotated[Path, typer.Argument(help="A sources.toml registry.")] = Path("sources.toml"),
    store: StoreOption = None,
    workers: Annotated[int, typer.Option(help="Sources processed at once.")] = 4,
) -> None:
    """Capture every source of REGISTRY, extract, and commit one archive version.

    Unchanged sources (same bytes, same extractor) cost a hash and produce no new document
    version. A source that fails is recorded with its reason; the others are archived, and the
    exit code is 1.

    Example: archivist ingest examples/sources.toml --store /tmp/archive
    """
    _quiet_prefect()
    from flows.ingest import run_ingest
    from pipeline.registry import load_registry

    total = len(load_registry(registry).sources)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("starting Prefect…", total=total)

        def advance(source_id: str, outcome: str) -> None:
            bar.update(task, advance=1, description=f"{source_id}: {outcome}")

        summary = run_ingest(str(registry), str(store) if store else None, workers, advance)
    _print_summary(summary)
    console.print(f"archive: [bold]{Store.at(store).curated}[/] (version "
                  f"{summary.archive_version})")
    raise typer.Exit(0 if summary.ok else 1)


def _print_summary(summary) -> None:
    table = Table(title=f"Run {summary.run_id} → archive version {summary.archive_version}")
    table.add_column("source")
    table.add_column("outcome")
    style = {"new": "green", "changed": "yellow", "unchanged": "dim", "failed": "red"}
    for source_id, outcome in sorted(summary.outcomes.items()):
        table.add_row(source_id, f"[{style.get(outcome, '')}]{outcome}[/]")
    console.print(table)
    for source_id, stage, error_class, message in summary.failures:
        err.print(f"[red]✗ {source_id}[/] failed in {stage}: {error_class}: {message}")
    console.print(f"{summary.count('new')} new, {summary.count('changed')} changed, "
                  f"{summary.count('unchanged')} unchanged, {summary.count('failed')} failed")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (every file in them).")],
    format: Annotated[str, typer.Option("--format", "-f",
                                        help="json, text or markdown.")] = "text",
    out: Annotated[Optional[Path], typer.Option(help="Write <stem>.<ext> per input here.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Force html, pdf or text.")] = None,
) -> None:
    """Extract documents without archiving them.

    json prints {"document", "sections", "passages", "footnotes"} with the field names of
    the archive tables; text prints the clean passages, one paragraph each; markdown renders
    headings, lists and footnotes.

    Example: archivist extract examples/seeds --format markdown --out /tmp/clean
    """
    from pipeline.archive import document_rows
    from pipeline.capture import read_local
    from pipeline.clean import clean
    from pipeline.extract import extract as run_extract
    from pipeline.model import Source
    from pipeline.render import to_markdown, to_text
    from pipeline.segment import doc_id_for, segment

    if format not in ("json", "text", "markdown"):
        raise typer.BadParameter("format must be json, text or markdown", param_hint="--format")
    files = [f for p in paths for f in (sorted(x for x in p.iterdir() if x.is_file())
                                        if p.is_dir() else [p])]
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for file in files:
        try:
            capture, data = read_local(file, kind)  # type: ignore[arg-type]
            doc = segment(doc_id_for(capture.source_id), clean(run_extract(data, capture)))
        except PipelineError as exc:
            err.print(f"[red]✗ {file}[/]: {type(exc).__name__}: {exc.message}")
            failed += 1
            continue
        rows = document_rows(doc, Source(capture.source_id, capture.uri), capture, 1, "extract")
        if format == "json":
            rendered = json.dumps({"document": rows["documents"][0],
                                   "sections": rows["sections"], "passages": rows["passages"],
                                   "footnotes": rows["footnotes"]},
                                  indent=2, ensure_ascii=False, default=str) + "\n"
        elif format == "markdown":
            rendered = to_markdown(rows["documents"][0], rows["passages"], rows["footnotes"])
        else:
            rendered = to_text(rows["passages"])
        if out:
            ext = {"json": "json", "text": "txt", "markdown": "md"}[format]
            (out / f"{file.stem}.{ext}").write_text(rendered, encoding="utf-8")
        else:
            sys.stdout.write(rendered)
    if out:
        console.print(f"wrote {len(files) - failed} file(s) to {out}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def versions(store: StoreOption = None) -> None:
    """List archive versions: one per ingest run, with what changed.

    Example: archivist versions --store /tmp/archive
    """
    archive = _archive(store)
    runs = archive.runs()
    if not runs:
        raise PipelineError(f"no archive at {archive.store.curated} yet: run `archivist ingest`")
    table = Table(title=f"Archive versions in {archive.store.curated}")
    for column in ("version", "run id", "committed (UTC)", "sources", "new", "changed",
                   "unchanged", "failed"):
        table.add_column(column, justify="right" if column not in ("run id",) else "left")
    for r in runs:
        table.add_row(str(r["archive_version"]), r["run_id"],
                      r["committed_at"].strftime("%Y-%m-%d %H:%M:%S"), str(r["sources"]),
                      str(r["new_docs"]), str(r["changed_docs"]), str(r["unchanged_docs"]),
                      str(r["failed"]))
    console.print(table)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (the source id).")],
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    raw_markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown source.")] = False,
) -> None:
    """Render a document as stored: sections, passages, footnotes at the end.

    Example: archivist show hrnk-2009-lives-for-sale --version 1
    """
    from pipeline.render import to_markdown

    archive = _archive(store)
    number = _version(archive, version, as_of)
    document, passages, footnotes = _document(archive, doc_id, number)
    markdown = to_markdown(document, passages, footnotes)
    if raw_markdown:
        sys.stdout.write(markdown)
    else:
        console.print(Markdown(markdown))


def _document(archive, doc_id: str, version: int):
    docs = [d for d in archive.current("documents", version).to_pylist() if d["doc_id"] == doc_id]
    if not docs:
        known = sorted(archive.document_versions(version))
        raise PipelineError(f"no document {doc_id!r} at archive version {version}; "
                            f"documents: {', '.join(known) or 'none'}")
    passages = [p for p in archive.current("passages", version).to_pylist() if p["doc_id"] == doc_id]
    notes = [f for f in archive.current("footnotes", version).to_pylist() if f["doc_id"] == doc_id]
    return docs[0], passages, notes


@app.command()
def trace(
    item_id: Annotated[Optional[str], typer.Argument(help="Passage or footnote id (prefix ok).")] = None,
    text: Annotated[Optional[str], typer.Option("--text", "-t", help="Find passages containing this phrase.")] = None,
    store: StoreOption = None, version: VersionOption = None,
) -> None:
    """Show where a passage came from: capture, locator, transforms, and the raw source.

    Example: archivist trace --text "Tumen River"   then   archivist trace 3f9a1c
    """
    from pipeline.audit import find_text, trace as run_trace

    archive = _archive(store)
    if text:
        hits = find_text(archive, text, version)
        if not hits:
            raise PipelineError(f"no current passage or footnote contains {text!r}")
        if len(hits) > 1 and item_id is None:
            table = Table(title=f"{len(hits)} matches for {text!r}: trace one by id")
            for column in ("id", "table", "doc", "text"):
                table.add_column(column)
            for hit in hits:
                table.add_row(hit["id"], hit["table"], hit["doc_id"], hit["text"][:90])
            console.print(table)
            return
        item_id = hits[0]["id"]
    if not item_id:
        raise typer.BadParameter("give a passage id or --text \"a phrase\"")
    result = run_trace(archive, item_id, version)
    row, capture = result.row, result.capture
    facts = Table.grid(padding=(0, 2))
    facts.add_row("id", row.get("passage_id") or row.get("footnote_id"))
    facts.add_row("document", f"{row['doc_id']} version {row['doc_version']}")
    facts.add_row("source", capture.uri)
    facts.add_row("captured", f"{capture.captured_at.isoformat()}  sha256 {capture.sha256}")
    facts.add_row("raw file", str(archive.store.blob_path(capture.sha256)))
    facts.add_row("locator", result.locator.describe())
    facts.add_row("extractor", f"{row['extractor']} {row['extractor_version']}, archivist "
                               f"{row['pipeline_version']}, run {row['run_id']}")
    transforms = row.get("transforms") or []
    facts.add_row("transforms", "\n".join(f"{t['name']}: {t['detail']}".rstrip(": ")
                                          for t in transforms) or "none")
    console.print(Panel(facts, title=f"trace {result.kind}"))
    console.print(Panel(row["text"], title="archived text"))
    console.print(Panel(result.snippet or "(empty)", title="raw source at the locator"))


@app.command()
def verify(store: StoreOption = None) -> None:
    """Recompute every raw SHA-256 and read every archive file; exit 1 naming each problem.

    Example: archivist verify --store /tmp/archive
    """
    from pipeline.audit import verify as run_verify

    archive = _archive(store)
    problems = run_verify(archive)
    blobs = len(archive.store.blobs())
    if not problems:
        console.print(f"[green]✓[/] {blobs} raw blobs match their SHA-256; archive tables read "
                      "cleanly")
        return
    for problem in problems:
        err.print(f"[red]✗ {problem.kind}[/] {problem.path}: {problem.detail}")
    raise typer.Exit(1)


def _quiet_prefect() -> None:
    """Keep Prefect's log lines out of the progress display unless the user asked for them."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The temporary local server migrates its SQLite database on first start: allow for it.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def main() -> None:
    try:
        app()
    except PipelineError as exc:
        err.print(f"[red]error[/] {type(exc).__name__} ({exc.stage}): {exc}")
        sys.exit(1)
