"""The ``archivist`` command: each command parses arguments, calls the library, renders.

Library errors (PipelineError) become one red line and exit code 1; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional, cast

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
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

StoreOption = Annotated[Optional[str], typer.Option(
    "--store", envvar=STORE_ENV, show_envvar=True,
    help="Root folder holding raw/ and curated/ (default: the current directory), or "
         "s3://bucket/prefix with AWS_* settings from the environment.")]
VersionOption = Annotated[Optional[int], typer.Option(
    "--version", "-v", help="Archive version to read (default: latest).")]
AsOfOption = Annotated[Optional[datetime], typer.Option(
    "--as-of", help="Read the archive as it was at this time (ISO 8601, UTC if no zone).")]

MaxSecondsOption = Annotated[Optional[float], typer.Option(
    "--max-seconds", help="Seconds one document may take; its worker is then stopped "
                          "(default: 600).")]
MaxMemoryOption = Annotated[Optional[int], typer.Option(
    "--max-memory-mb", help="Memory (MB) the extraction of one document may use; 0 for no "
                            "limit (default: 2048).")]


def _extract_options(max_seconds: float | None, max_memory_mb: int | None):
    """The per-document limits, with the given ones in place of the defaults (a registry's
    ``[settings.extract]`` sets the same for ``ingest``)."""
    from dataclasses import replace

    from pipeline.model import ExtractOptions

    given = {"max_seconds": max_seconds, "max_memory_mb": max_memory_mb}
    for name, value in given.items():
        if value is not None and value < 0:
            flag = "--" + name.replace("_", "-")
            raise typer.BadParameter("must be 0 or more", param_hint=flag)
    return replace(ExtractOptions(), **{k: v for k, v in given.items() if v is not None})


def _archive(store: str | None):  # --store is text so that s3:// URLs survive
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
    runner: Annotated[str, typer.Option(
        help="thread (this process) or dask (worker processes; needs a Prefect server: one "
             "is started for a local cluster when PREFECT_API_URL is not set).")] = "thread",
    address: Annotated[Optional[str], typer.Option(
        help="Scheduler tcp://HOST:PORT of a running Dask cluster; needs PREFECT_API_URL set "
             "to a server the workers can reach (default: a local cluster of --workers).")] = None,
) -> None:
    """Capture every source of REGISTRY, extract, and commit one archive version.

    Unchanged sources (same bytes, same extractor) cost a hash and produce no new document
    version. A source that fails is recorded with its reason; the others are archived, and the
    exit code is 1.

    Example: archivist ingest examples/sources.toml --store /tmp/archive

    Example: archivist ingest sources.toml --runner dask --store s3://bucket/archive

    Example: archivist ingest sources.toml --runner dask --address tcp://scheduler:8786
    """
    _quiet_prefect()
    if runner not in ("thread", "dask"):
        raise typer.BadParameter("runner must be thread or dask", param_hint="--runner")
    if address and runner != "dask":
        raise typer.BadParameter("needs --runner dask", param_hint="--address")
    # Not for --address: each task carries this process's API URL to the workers, and a
    # server started here listens on 127.0.0.1, out of reach of workers on other machines.
    if runner == "dask" and not address and not os.environ.get("PREFECT_API_URL"):
        with _temporary_prefect_server() as url:
            err.print(f"started a Prefect server at {url} for the Dask workers (set "
                      "PREFECT_API_URL to use your own; see docs/scale-out.md)")
            return _ingest(registry, store, workers, runner, address)
    _ingest(registry, store, workers, runner, address)


@contextmanager
def _temporary_prefect_server():
    """A real Prefect server for one run, its database in a temporary folder."""
    import tempfile

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.schedule import free_port, prefect_server

    with tempfile.TemporaryDirectory(prefix="archivist-prefect-") as home, \
            prefect_server(Path(home), free_port()) as url, \
            temporary_settings({PREFECT_API_URL: url}):  # settings were read at import
        os.environ["PREFECT_API_URL"] = url  # spawned Dask workers inherit it
        try:
            yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)


def _ingest(registry: Path, store: str | None, workers: int, runner: str,
            address: str | None) -> None:
    from flows.ingest import run_ingest
    from pipeline.registry import load_registry

    total = len(load_registry(registry).sources)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("starting Prefect…", total=total)

        def advance(result) -> None:  # noqa: ANN001 - a pipeline.build.SourceResult
            bar.update(task, advance=1, description=f"{result.source.id}: {result.outcome}")

        summary = run_ingest(str(registry), store, workers, advance, runner, address)
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
    max_seconds: MaxSecondsOption = None,
    max_memory_mb: MaxMemoryOption = None,
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
    options = _extract_options(max_seconds, max_memory_mb)
    files = [f for p in paths for f in (sorted(x for x in p.iterdir() if x.is_file())
                                        if p.is_dir() else [p])]
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for file in files:
        try:
            capture, data = read_local(file, kind)  # type: ignore[arg-type]
            doc = segment(doc_id_for(capture.source_id),
                          clean(run_extract(data, capture, options)))
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
    page: Annotated[Optional[int], typer.Option("--page", help="PDF only: render this page "
                                                "with the passage boxes drawn, as a PNG.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="PNG path for --page "
                                                "(default DOC_ID-pN.png).")] = None,
) -> None:
    """Render a document as stored: sections, passages, footnotes at the end.

    Example: archivist show hrnk-2009-lives-for-sale --version 1
             archivist show hrnk-2009-lives-for-sale-pdf --page 5 --out page5.png
    """
    from pipeline.render import to_markdown

    archive = _archive(store)
    number = _version(archive, version, as_of)
    if page is not None:
        from pipeline.audit import render_page

        target = out or Path(f"{doc_id}-p{page}.png")
        width, height = render_page(archive, doc_id, page, target, number)
        console.print(f"{target}: page {page}, {width} x {height} px, passages in red, "
                      "footnotes in blue")
        return
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
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
) -> None:
    """Show where a passage came from: capture, locator, transforms, and the raw source.

    Example: archivist trace --text "Tumen River"   then   archivist trace 3f9a1c
    """
    from pipeline.audit import find_text
    from pipeline.audit import trace as run_trace

    archive = _archive(store)
    version = _version(archive, version, as_of)
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


@app.command()
def status(
    registry: Annotated[Optional[Path], typer.Argument(
        help="A sources.toml registry (default: every source the archive has seen).")] = None,
    store: StoreOption = None,
    stale_after: Annotated[int, typer.Option(
        help="Consecutive failed runs after which a source is stale.")] = 3,
) -> None:
    """Per-source health: last good capture, consecutive failures, next due time, stale or not.

    A failing source keeps its last good document version; after --stale-after failed runs in
    a row it is reported stale and the exit code is 1.

    Example: archivist status examples/sources.toml --store /tmp/archive
    """
    from pipeline.model import Source
    from pipeline.registry import load_registry
    from pipeline.schedule import source_statuses

    archive = _archive(store)
    captures = archive.read("captures").to_pylist()
    failures = archive.read("failures").to_pylist()
    if registry is not None:
        sources = load_registry(registry).sources
    else:
        seen = sorted({r["source_id"] for r in captures + failures})
        sources = tuple(Source(sid, "") for sid in seen)
    rows = source_statuses(sources, archive.runs(), captures, failures, stale_after)
    table = Table(title=f"Sources in {archive.store.curated}")
    for column in ("source", "last good capture (UTC)", "failures in a row", "next due",
                   "state", "last error"):
        table.add_column(column)
    for s in rows:
        state = "[red]stale[/]" if s.stale else ("[yellow]failing[/]" if s.consecutive_failures
                                                else "[green]ok[/]")
        table.add_row(s.source_id, f"{s.last_success:%Y-%m-%d %H:%M}" if s.last_success else "never",
                      str(s.consecutive_failures),
                      f"{s.next_due:%Y-%m-%d %H:%M}" if s.next_due else "every run", state,
                      (s.last_error or "")[:80] if s.consecutive_failures else "")
    console.print(table)
    raise typer.Exit(1 if any(s.stale for s in rows) else 0)


@app.command()
def reprocess(
    store: StoreOption = None,
    since_version: Annotated[Optional[int], typer.Option(
        help="Only documents written at this archive version or later.")] = None,
    max_seconds: MaxSecondsOption = None,
    max_memory_mb: MaxMemoryOption = None,
) -> None:
    """Re-extract archived documents from the raw store, without fetching anything.

    Use after an extractor upgrade: a document gets a new version (recording the extractor
    version) only if its extracted content changed. Commits one archive version.

    Example: archivist reprocess --since-version 3
    """
    from pipeline.reprocess import reprocess as run_reprocess

    summary = run_reprocess(_archive(store), since_version,
                            _extract_options(max_seconds, max_memory_mb))
    _print_summary(summary)
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
def schedule(
    registry: Annotated[Path, typer.Argument(help="A sources.toml registry.")],
    cron: Annotated[str, typer.Option(help="When to run, as a cron expression.")],
    store: StoreOption = None,
    name: Annotated[Optional[str], typer.Option(help="Deployment name (default: registry "
                                                     "file name).")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone the cron is read in.")] = "UTC",
) -> None:
    """Schedule REGISTRY's ingest as a Prefect deployment; `archivist serve` runs it.

    The schedule is kept in the store (schedules.json) and registered with the Prefect API
    right away if PREFECT_API_URL is set. Sources with `every = "1d"` are captured only when
    due, whatever the cron says.

    Example: archivist schedule examples/sources.toml --cron "0 3 * * *" --store /tmp/archive
    """
    from flows.schedule import add_schedule

    spec = add_schedule(str(registry), cron, Store.at(store), name, timezone)
    console.print(f"scheduled [bold]{spec.name}[/]: ingest {spec.registry} at '{spec.cron}' "
                  f"({spec.timezone}) into {spec.store}; run `archivist serve` to start it")


@app.command()
def serve(
    store: StoreOption = None,
    port: Annotated[Optional[int], typer.Option(help="Port of the Prefect server (default: "
                                                     "a free one).")] = None,
    prefect_home: Annotated[Optional[Path], typer.Option(
        help="Folder for the server's SQLite database (default: STORE/.prefect).")] = None,
) -> None:
    """Start a local Prefect server and serve the scheduled ingests until Ctrl-C.

    Prints the server's API URL; the server is stopped when this command ends.

    Example: archivist serve --store /tmp/archive
    """
    import signal

    from flows.schedule import serve as run_serve

    _quiet_prefect()

    def stop(signum, frame):  # noqa: ANN001 - signal handler signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # so the server is stopped on kill too, not orphaned
    try:
        run_serve(Store.at(store), port, prefect_home,
                  announce=lambda url: console.print(f"Prefect server: {url}", highlight=False))
    except KeyboardInterrupt:
        console.print("stopped")


@app.command()
def tag(
    name: Annotated[str, typer.Argument(help="Release name, e.g. 2024-q3.")],
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    note: Annotated[Optional[str], typer.Option(help="What the release is for.")] = None,
) -> None:
    """Name an archive version (default: latest). Tagged versions survive `archivist vacuum`.

    Example: archivist tag 2024-q3 --version 4 --note "handed to the research team"
    """
    from pipeline.releases import tag as add_tag

    archive = _archive(store)
    created = add_tag(archive, name, _version(archive, version, as_of), note)
    console.print(f"tagged archive version {created.archive_version} as [bold]{created.name}[/]")


@app.command()
def vacuum(
    store: StoreOption = None,
    compact: Annotated[bool, typer.Option(help="First rewrite small files into large ones "
                                               "(records a maintenance version).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Delete; without it, only list.")] = False,
) -> None:
    """Delete data files that only untagged old versions need (dry run unless --yes).

    Tables are append-only, so files become removable only after --compact; the latest and
    every tagged version stay readable, untagged older ones do not.

    Example: archivist vacuum --compact   then   archivist vacuum --yes
    """
    from pipeline.releases import compact as run_compact
    from pipeline.releases import plan_vacuum
    from pipeline.releases import vacuum as run_vacuum

    archive = _archive(store)
    if compact:
        compacted = run_compact(archive)
        console.print(f"compacted into archive version {compacted}" if compacted
                      else "nothing to compact")
    plan = plan_vacuum(archive)
    protected = ", ".join(map(str, plan.protected_versions)) or "none"
    for path, size in plan.files:
        console.print(f"{'delete' if yes else 'would delete'} {path} ({size:,} bytes)")
    if yes:
        run_vacuum(archive, plan)
    verb = "deleted" if yes else "would delete"
    console.print(f"{verb} {len(plan.files)} files ({plan.bytes:,} bytes); versions kept "
                  f"readable: {protected}" + ("" if yes or not plan.files else
                                               "; run again with --yes to delete"))


@app.command()
def diff(
    version_a: Annotated[int, typer.Argument(help="Older archive version.")],
    version_b: Annotated[int, typer.Argument(help="Newer archive version.")],
    store: StoreOption = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Only this document.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or parquet.")] = "table",
    out: Annotated[Optional[Path], typer.Option(help="File for --format parquet "
                                                     "(default diff-A-B.parquet).")] = None,
) -> None:
    """What changed between two archive versions: documents, passages, footnotes.

    Passages are matched by stable id, then by similarity, so an edited paragraph shows as
    changed with a word-level diff (red: removed words, green: added words).

    Example: archivist diff 2 3 --doc hrnk-2009-lives-for-sale
    """
    from pipeline.diff import diff_versions, render

    if format not in ("table", "json", "parquet"):
        raise typer.BadParameter("format must be table, json or parquet", param_hint="--format")
    result = diff_versions(_archive(store), version_a, version_b, doc)
    if format == "table":
        console.print(render(result))
    elif format == "json":
        sys.stdout.write(json.dumps(result.rows(), indent=2, ensure_ascii=False) + "\n")
    else:
        import pyarrow.parquet as pq

        target = out or Path(f"diff-{result.version_a}-{result.version_b}.parquet")
        pq.write_table(result.to_arrow(), target)
        console.print(f"wrote {len(result.changes)} changes to {target}")


@app.command()
def export(
    out: Annotated[Optional[Path], typer.Argument(help="New or empty folder to write.")] = None,
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    tag_name: Annotated[Optional[str], typer.Option("--tag", help="Export this tag's "
                                                                  "version.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="parquet or jsonl.")] = "parquet",
    bag: Annotated[bool, typer.Option("--bag", help="Write a BagIt bag.")] = False,
    prov: Annotated[Optional[str], typer.Option("--prov", metavar="DOC_ID", help=(
        "Print DOC_ID's provenance as W3C PROV-JSON instead (to OUT if given)."))] = None,
) -> None:
    """Hand a version over: tables, contracts, a dataset card (README.md) and checksums.

    Example: archivist export /tmp/handoff --tag 2024-q3 --bag
    Provenance: archivist export --prov hrnk-2009-lives-for-sale > prov.json
    """
    from pipeline.export import export as run_export
    from pipeline.export import provenance
    from pipeline.releases import tagged_version

    archive = _archive(store)
    number = (tagged_version(archive, tag_name) if tag_name
              else _version(archive, version, as_of))
    if prov:
        # without a destination, serialize returns the text (None is for writing elsewhere)
        serialized = provenance(archive, prov, number).serialize(format="json", indent=2)
        document = cast(str, serialized)
        if out:
            out.write_text(document, encoding="utf-8")
        else:
            sys.stdout.write(document + "\n")
        return
    if out is None:
        raise typer.BadParameter("give the folder to export into", param_hint="OUT")
    if format not in ("parquet", "jsonl"):
        raise typer.BadParameter("format must be parquet or jsonl", param_hint="--format")
    result = run_export(archive, out, number, format, bag)  # type: ignore[arg-type]
    counts = ", ".join(f"{n} {t}" for t, n in result.row_counts.items())
    kind = "BagIt bag" if bag else "dataset"
    console.print(f"wrote archive version {result.archive_version} as a {kind} to {out}: "
                  f"{counts}")


def _quiet_prefect() -> None:
    """Keep Prefect's log lines out of the progress display unless the user asked for them.

    Called before anything imports Prefect, which reads its settings at import time; the
    other defaults are set in ``flows/__init__.py``.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # Dask workers' chatter


def main() -> None:
    try:
        app()
    except PipelineError as exc:
        err.print(f"[red]error[/] {type(exc).__name__} ({exc.stage}): {exc}")
        sys.exit(1)
