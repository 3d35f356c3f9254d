"""The ``archivist`` command: each command parses arguments, calls the library, renders.

Reads go through ``pipeline.query``; every read command can print JSON instead (``--json``).
Library errors (PipelineError) become one line on stderr and exit code 1, usage errors exit 2;
anything else is a bug and keeps its traceback. Everything that is data (archived text, ids,
messages) is printed as rich ``Text``, never parsed as rich markup.
"""

from __future__ import annotations

import codecs
import gc

# What the imports below make (typer, rich and their modules: tens of thousands of objects)
# lives as long as the process, and every pass of the cyclic collector while they were made
# walked all those made before: a tenth of the command's start (30 ms of CPU). Paused
# until the end of this module; main() then freezes what they made (later passes skip it).
_COLLECTING = gc.isenabled()
gc.disable()

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date, datetime, timezone
from functools import partial
from json.encoder import encode_basestring
from pathlib import Path
from types import FrameType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    BinaryIO,
    Literal,
    Optional,
    cast,
    get_args,
    get_origin,
)

import typer
import typer.core
from rich.console import Console
from rich.text import Text
from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_path

from pipeline import STORE_ENV, __version__, without_cycle_collection
from pipeline.errors import ArchiveError, PipelineError

if TYPE_CHECKING:  # imported where used, to keep `archivist --help` fast
    # typer 0.29 vendors click: its classes, not the click package's, are the ones it calls with.
    from typer._click.core import Command, Context, Parameter
    from typer.core import _TyperParameter as TyperParam

    from pipeline.archive import Archive, RunSummary
    from pipeline.build import SourceResult
    from pipeline.lineage import PassageLineage
    from pipeline.model import ExtractOptions
    from pipeline.query import SearchResult, Snapshot, Trace
    from pipeline.schedule import SourceStatus


class _Archivist(typer.core.TyperGroup):
    """The command group: a library error becomes one readable line and exit code 1."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            err.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)
            raise typer.Exit(1) from None

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.help:
            command.help = _reflowed(command.help)
        return command


def _reflowed(doc: str) -> str:
    """A docstring with each paragraph on one line, for rich to wrap to the terminal: typer
    prints a docstring's line breaks as they are, so paragraphs wrapped at the source's width
    came out ragged in any narrower terminal. A line opening with "- " stays an item."""
    return re.sub(r"(?<!\n)\n(?!\n|- )", " ", doc)


def _value_label(param: Parameter, ctx: Context) -> str | None:
    """What help shows after an option: its metavar (N, PATH, TEXT) or its choices
    (json|text), nothing after a flag or beside an argument (typer would print type names
    such as <bool> and <list[Path]>)."""
    if isinstance(param, typer.core.TyperArgument) or getattr(param, "is_flag", False):
        return None
    if param.metavar is not None:
        return param.metavar
    label = typer.core._TyperParameter.display_type(param, ctx).strip("<>")  # type: ignore[arg-type]
    return _PLAIN_LABELS.get(label, label)


_PLAIN_LABELS = {"str": "TEXT", "int": "N", "float": "NUMBER", "path": "PATH",
                 "datetime": "TIME"}
typer.core._TyperParameter.display_type_rich = _value_label  # type: ignore[method-assign,assignment]
typer.core.TyperOption.display_type_rich = _value_label  # type: ignore[method-assign,assignment]


class _PlainParam(RuntimeParam):
    """Typer 0.29 coerces every parameter's value with a Pydantic adapter, and importing
    Pydantic for it cost each command 0.05 s of CPU at start (a read command's whole start is
    about 0.35 s). The values Archivist's commands mostly get are coerced here as typer's
    adapters would: a string for a ``str``, a number of the annotated type within its bounds
    (a default), a choice of a ``Literal`` spelled exactly, a path; anything else (a number
    typed on the command line, a time, a wrong choice, with its error message) still goes to
    typer's own adapter."""

    def _coerce_value(self, value: Any, param: TyperParam, ctx: Context) -> Any:
        origin: Any = get_origin(self.annotation)
        if origin is list and isinstance(value, (list, tuple)):
            items = [self._plain(get_args(self.annotation)[0], item, param, ctx)
                     for item in value]
            if _NOT_PLAIN not in items:
                return items
        else:
            plain = self._plain(self.annotation, value, param, ctx)
            if plain is not _NOT_PLAIN:
                return plain
        typer_param = build_runtime_param(param.type_descriptor)
        return typer_param._coerce_value(value, param=param, ctx=ctx)

    def _plain(self, annotation: Any, value: Any, param: TyperParam, ctx: Context) -> Any:
        info = self.parameter_info
        if annotation is str and isinstance(value, str):
            return value
        if annotation in (int, float) and type(value) is annotation and not info.clamp and (
                (info.min is None or value >= info.min)
                and (info.max is None or value <= info.max)):
            return value
        if (get_origin(annotation) is Literal and info.case_sensitive
                and value in get_args(annotation) and ctx.token_normalize_func is None):
            return value
        if annotation is Path and info.path_type is None and isinstance(value, str) and value:
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return _NOT_PLAIN


_NOT_PLAIN = object()


def _runtime_param(self: TyperParam) -> RuntimeParam:
    if self._runtime_param is None:
        descriptor = self.type_descriptor
        plain = descriptor.file_annotation is None and descriptor.parameter_info.parser is None
        self._runtime_param = (_PlainParam(descriptor.parameter_info, descriptor.annotation)
                               if plain else build_runtime_param(descriptor))
    return self._runtime_param


typer.core._TyperParameter.get_runtime_param = _runtime_param  # type: ignore[method-assign]

app = typer.Typer(
    cls=_Archivist,
    help="Archivist: ingest web pages, PDFs and text captures into a versioned archive with "
         "provenance.\n\nTypical session:\n\n  archivist ingest examples/sources.toml\n\n"
         "  archivist versions\n\n  archivist show hrnk-2009-lives-for-sale\n\n"
         "  archivist trace --text \"Tumen River\"\n\n  archivist verify",
    no_args_is_help=True, rich_markup_mode="rich", pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)

StoreOption = Annotated[Optional[str], typer.Option(
    "--store", envvar=STORE_ENV, show_envvar=True, metavar="PATH",
    help="Root folder holding raw/ and curated/ (default: the current directory), or "
         "s3://bucket/prefix with AWS_* settings from the environment.")]
VersionOption = Annotated[Optional[int], typer.Option(
    "--version", metavar="N", help="Archive version to read (default: latest).")]
AsOfOption = Annotated[Optional[datetime], typer.Option(
    "--as-of", metavar="TIME",
    help="Read the archive as it was at this time (ISO 8601, UTC if no zone).")]
JsonOption = Annotated[bool, typer.Option(
    "--json", help="Print JSON (with the archive tables' field names) instead.")]

MaxSecondsOption = Annotated[Optional[float], typer.Option(
    "--max-seconds", metavar="SECONDS", help="Seconds one document may take; its worker is "
                                             "then stopped (default: 600).")]
MaxMemoryOption = Annotated[Optional[int], typer.Option(
    "--max-memory-mb", metavar="MB", help="Memory (MB) the extraction of one document may "
                                          "use; 0 for no limit (default: 2048).")]


def _print_version(value: bool) -> None:
    if value:
        console.print(f"archivist {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="Print Archivist's version and exit.")] = False,
) -> None:
    pass


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=_json_value) + "\n")


def _json_value(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _extract_options(max_seconds: float | None, max_memory_mb: int | None,
                     ocr: str | None = None) -> ExtractOptions:
    """The per-document limits, with the given ones in place of the defaults (a registry's
    ``[settings.extract]`` sets the same for ``ingest``)."""
    from pipeline.model import OCR_MODES, ExtractOptions

    if ocr is not None and ocr not in OCR_MODES:
        raise typer.BadParameter(f"must be one of {', '.join(OCR_MODES)}", param_hint="--ocr")
    for flag, value in (("--max-seconds", max_seconds), ("--max-memory-mb", max_memory_mb)):
        if value is not None and value < 0:
            raise typer.BadParameter("must be 0 or more", param_hint=flag)
    options = ExtractOptions()
    if max_seconds is not None:
        options = replace(options, max_seconds=max_seconds)
    if max_memory_mb is not None:
        options = replace(options, max_memory_mb=max_memory_mb)
    if ocr is not None:
        options = replace(options, ocr=ocr)
    return options


def _archive(store: str | None, must_exist: bool = True) -> Archive:
    """The archive of ``--store``; for reading, a folder that is not there is an error."""
    from pipeline.archive import Archive
    from pipeline.store import Store

    root = Store.at(store)  # --store is text so that s3:// URLs survive
    if must_exist and not root.remote and not Path(root.root).is_dir():
        raise ArchiveError(f"no store at {root}: the folder does not exist (give --store, "
                           f"or set {STORE_ENV})")
    return Archive(root)


def _snapshot(store: str | None, version: int | None, as_of: datetime | None) -> Snapshot:
    """The archive of ``--store`` as of ``--version`` or ``--as-of`` (default: latest)."""
    from pipeline.query import Snapshot

    return Snapshot(_archive(store), version, _utc(as_of))


def _version(archive: Archive, version: int | None, as_of: datetime | None) -> int:
    return archive.resolve_version(version, _utc(as_of))


def _utc(moment: datetime | None) -> datetime | None:
    """--as-of without a zone is UTC, as the archive's times are."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


@app.command()
def ingest(
    registry: Annotated[Path, typer.Argument(
        metavar="REGISTRY", help="A sources.toml registry.")] = Path("sources.toml"),
    store: StoreOption = None,
    workers: Annotated[int, typer.Option(metavar="N", help="Sources processed at once.")] = 4,
    runner: Annotated[Literal["thread", "dask"], typer.Option(
        help="thread (this process) or dask (a Dask cluster; needs a Prefect server: one "
             "is started for a local cluster when PREFECT_API_URL is not set).")] = "thread",
    address: Annotated[Optional[str], typer.Option(
        metavar="tcp://HOST:PORT",
        help="Scheduler of a running Dask cluster; needs PREFECT_API_URL set "
             "to a server the workers can reach (default: a local cluster, one worker "
             "process running --workers threads).")] = None,
    force_version: Annotated[bool, typer.Option(
        "--force-version", help="Make a new archive version even if nothing changed.")] = False,
) -> None:
    """Capture every source of REGISTRY, extract, and commit the run.

    Unchanged sources (same bytes, same extractor) cost a hash and produce no new document
    version; a run that changed nothing is recorded (see `archivist versions`) but makes no
    new archive version unless --force-version is given. A source that fails is recorded with its reason; the others are archived, and the
    exit code is 1.

    Example: archivist ingest examples/sources.toml --store /tmp/archive

    Example: archivist ingest sources.toml --runner dask --store s3://bucket/archive

    Example: archivist ingest sources.toml --runner dask --address tcp://scheduler:8786
    """
    _quiet_prefect()
    if address and runner != "dask":
        raise typer.BadParameter("needs --runner dask", param_hint="--address")
    # Not for --address: each task carries this process's API URL to the workers, and a
    # server started here listens on 127.0.0.1, out of reach of workers on other machines.
    if runner == "dask" and not address and not os.environ.get("PREFECT_API_URL"):
        with _temporary_prefect_server() as url:
            err.print(f"started a Prefect server at {url} for the Dask workers (set "
                      "PREFECT_API_URL to use your own; see docs/scale-out.md)")
            return _ingest(registry, store, workers, runner, address, force_version)
    _ingest(registry, store, workers, runner, address, force_version)


@contextmanager
def _temporary_prefect_server() -> Iterator[str]:
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
            address: str | None, force_version: bool) -> None:
    from rich.progress import (  # only ingest draws a bar (0.01 s at every start)
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from flows.ingest import run_ingest
    from pipeline.registry import load_registry
    from pipeline.store import Store

    sources = load_registry(registry).sources
    # A bulk entry's documents are known only once it is expanded: no total to count toward.
    total = None if any(s.bulk for s in sources) else len(sources)
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("starting Prefect…", total=total)

        def advance(result: SourceResult) -> None:
            bar.update(task, advance=1, description=f"{result.source.id}: {result.outcome}")

        try:
            summary = run_ingest(str(registry), store, workers, advance, runner, address,
                                 force_version)
        except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the run committed nothing
            err.print("interrupted: nothing of this run was committed")
            raise typer.Exit(getattr(exc, "status", 130)) from None
    _print_summary(summary)
    kept = "" if summary.new_version else ", unchanged: no new version"
    console.print(Text.assemble("archive: ", (str(Store.at(store).curated), "bold"),
                                f" (version {summary.archive_version}{kept})"))
    raise typer.Exit(0 if summary.ok else 1)


def _print_summary(summary: RunSummary) -> None:
    from rich.table import Table  # tables and panels imported where drawn: 0.01 s of a start

    made = "→ archive version" if summary.new_version else "changed nothing; archive stays at version"
    table = Table(title=Text(f"Run {summary.run_id} {made} {summary.archive_version}"))
    table.add_column("source")
    table.add_column("outcome")
    style = {"new": "green", "changed": "yellow", "unchanged": "dim", "failed": "red"}
    for source_id, outcome in sorted(summary.outcomes.items()):
        table.add_row(Text(source_id), Text(outcome, style=style.get(outcome, "")))
    console.print(table)
    for source_id, stage, error_class, message in summary.failures:
        err.print(Text.assemble((f"✗ {source_id}", "red"),
                                f" failed in {stage}: {error_class}: {message}"), soft_wrap=True)
    console.print(f"{summary.count('new')} new, {summary.count('changed')} changed, "
                  f"{summary.count('unchanged')} unchanged, {summary.count('failed')} failed")


ExtractFormat = Literal["json", "text", "markdown"]
SourceKind = Literal["html", "pdf", "text", "image"]


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH",
                                                help="Files or folders (every file in them).")],
    format: Annotated[ExtractFormat, typer.Option(
        "--format", "-f", help="json: the archive tables' rows; text: the clean passages; "
                               "markdown: headings, lists and footnotes.")] = "text",
    out: Annotated[Optional[Path], typer.Option(
        metavar="DIR", help="Write <stem>.<ext> per input into this folder.")] = None,
    kind: Annotated[Optional[SourceKind], typer.Option(
        help="Read every input as this kind (default: detected from the bytes).")] = None,
    max_seconds: MaxSecondsOption = None,
    max_memory_mb: MaxMemoryOption = None,
    comments: Annotated[bool, typer.Option(
        "--comments", help="Keep web pages' comment threads as passages of kind comment.")
    ] = False,
    ocr: Annotated[Optional[str], typer.Option(
        help="PDF pages to OCR: auto (pages without a usable text layer), always or never. "
             "Page images (TIFF, PNG, JPEG) are always OCR'd.")] = None,
) -> None:
    """Extract documents without archiving them.

    json prints {"document", "sections", "passages", "footnotes", "removed"} with the field
    names of the archive tables; text prints the clean passages, one paragraph each; markdown
    renders headings, lists and footnotes.

    Example: archivist extract examples/seeds --format markdown --out /tmp/clean
    """
    from pipeline.extract.isolate import forking_workers

    options = replace(_extract_options(max_seconds, max_memory_mb, ocr), comments=comments)
    files = [f for p in paths for f in (sorted(x for x in p.iterdir() if x.is_file())
                                        if p.is_dir() else [p])]
    if out:
        if out.exists() and not out.is_dir():
            raise typer.BadParameter(f"{out} is a file: give a folder", param_hint="--out")
        out.mkdir(parents=True, exist_ok=True)
    with forking_workers():  # one thread and no Delta here: the worker is forked
        failed = _extract_files(files, kind, options, format, out)
    if out:
        console.print(Text(f"wrote {len(files) - failed} file(s) to {out}"))
    raise typer.Exit(1 if failed else 0)


def _extract_files(files: list[Path], kind: SourceKind | None, options: ExtractOptions,
                   format: ExtractFormat, out: Path | None) -> int:
    """Print or write each file's rows, text or markdown; the number that failed."""
    from pipeline.rows import extract_file_then

    # Rendered and encoded in the extraction worker, which hands back only the bytes written
    # (a str would be encoded to pickle it, decoded here, and encoded again to write it); as
    # text where stdout takes no bytes (a test's StringIO).
    stdout = None if out else getattr(sys.stdout, "buffer", None)
    then: Callable[[dict[str, list[dict[str, Any]]]], str | bytes] = partial(_rendered, format)
    if out:
        then = partial(_encoded, format, "utf-8", "strict")
    elif stdout is not None:
        then = partial(_encoded, format, sys.stdout.encoding, sys.stdout.errors or "strict")
    failed = 0
    for file in files:
        with without_cycle_collection():
            try:
                rendered = extract_file_then(file, kind, options, then)
            except PipelineError as exc:
                err.print(Text.assemble((f"✗ {file}", "red"),
                                        f": {type(exc).__name__}: {exc.message}"),
                          soft_wrap=True)
                failed += 1
                continue
            if isinstance(rendered, str):
                sys.stdout.write(rendered)
            elif out:
                ext = {"json": "json", "text": "txt", "markdown": "md"}[format]
                (out / f"{file.stem}.{ext}").write_bytes(rendered)
            else:
                sys.stdout.flush()  # what was written as text before these bytes
                cast(BinaryIO, stdout).write(rendered)
    return failed


def _rendered(format: ExtractFormat, rows: dict[str, list[dict[str, Any]]]) -> str:
    """A document's rows as ``archivist extract`` prints them in ``format``."""
    from pipeline.render import to_json, to_markdown, to_text

    if format == "json":
        return to_json(_json_rows(rows), _json_value) + "\n"
    if format == "markdown":
        return to_markdown(rows["documents"][0], rows["passages"], rows["footnotes"])
    return to_text(rows["passages"])


def _json_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"document": rows["documents"][0],
            **{t: rows[t] for t in ("sections", "passages", "footnotes", "removed")}}


def _encoded(format: ExtractFormat, encoding: str, errors: str,
             rows: dict[str, list[dict[str, Any]]]) -> bytes:
    if format == "json" and codecs.lookup(encoding).name == "utf-8":  # written as UTF-8 in C
        from pipeline.render import to_json_utf8

        return to_json_utf8(_json_rows(rows), _json_value, errors)
    return _rendered(format, rows).encode(encoding, errors)


@app.command()
def versions(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """List the runs and the archive versions they made, with what changed.

    Example: archivist versions --store /tmp/archive
    """
    from rich.table import Table

    from pipeline.query import versions as list_versions

    archive = _archive(store)
    runs = list_versions(archive)
    if as_json:
        _print_json(runs)
        return
    table = Table(title=Text(f"Archive versions in {archive.store.curated}"),
                  caption="A run that changed nothing makes no new version: it keeps the one "
                          "it found.")
    for column in ("version", "new?", "run id", "committed (UTC)", "sources", "new", "changed",
                   "unchanged", "failed"):
        table.add_column(column, justify="left" if column == "run id" else "right")
    for r in runs:
        made = r.get("new_version") is not False  # null: written before runs could keep one
        table.add_row(str(r["archive_version"]), "yes" if made else "no", Text(r["run_id"]),
                      r["committed_at"].strftime("%Y-%m-%d %H:%M:%S"), str(r["sources"]),
                      str(r["new_docs"]), str(r["changed_docs"]), str(r["unchanged_docs"]),
                      str(r["failed"]))
    console.print(table)


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(metavar="DOC_ID",
                                          help="Document id (the source id).")],
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    raw_markdown: Annotated[bool, typer.Option("--markdown",
                                               help="Print Markdown source.")] = False,
    as_json: JsonOption = False,
    page: Annotated[Optional[int], typer.Option(
        "--page", metavar="N", help="PDFs and page images: render this page with the "
                                    "passage boxes drawn, as a PNG.")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", metavar="PNG", help="File for --page (default DOC_ID-pN.png).")] = None,
) -> None:
    """Render a document as stored: sections, passages, footnotes at the end.

    --json prints {"archive_version", "document", "passages", "footnotes", "removed"}.

    Example: archivist show hrnk-2009-lives-for-sale --version 1

    Example: archivist show hrnk-2009-lives-for-sale-pdf --page 5 --out page5.png
    """
    from pipeline.render import to_markdown

    if out is not None and page is None:
        raise typer.BadParameter("only a page is written to a file: give --page N too",
                                 param_hint="--out")
    if raw_markdown and as_json:
        raise typer.BadParameter("give --markdown or --json, not both", param_hint="--json")
    snapshot = _snapshot(store, version, as_of)
    if page is not None:
        # A bulk entry's document id has slashes (crawl/example.org/a): one file name.
        default = Path(re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id) + f"-p{page}.png")
        _show_page(snapshot, doc_id, page, out or default)
        return
    view = snapshot.document(doc_id)
    if as_json:
        _print_json({"archive_version": snapshot.version, **asdict(view)})
    elif raw_markdown:
        sys.stdout.write(to_markdown(view.document, view.passages, view.footnotes))
    else:
        from rich.markdown import Markdown  # markdown-it and pygments: 0.1 s of every start

        console.print(Markdown(to_markdown(view.document, view.passages, view.footnotes,
                                           notes="terminal")))


def _show_page(snapshot: Snapshot, doc_id: str, page: int, target: Path) -> None:
    from pipeline.audit import render_page
    from pipeline.errors import AuditError

    if not target.parent.is_dir():
        raise AuditError(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        width, height = render_page(snapshot.archive.store,
                                    snapshot.current("documents", doc_id)[0],
                                    snapshot.passages(doc_id), snapshot.footnotes(doc_id),
                                    page, target)
    except OSError as exc:  # the image file: no permission, disk full, a folder of that name
        raise AuditError(f"cannot write {target}: {exc.strerror or exc}") from None
    console.print(Text(f"{target}: page {page}, {width} x {height} px, passages in red, "
                       "footnotes in blue"))


@app.command()
def trace(
    item_id: Annotated[Optional[str], typer.Argument(
        metavar="ID", help="Passage or footnote id (a unique prefix is enough).")] = None,
    text: Annotated[Optional[str], typer.Option(
        "--text", "-t", metavar="PHRASE", help="Find passages and footnotes containing this "
                                               "phrase (ignoring case).")] = None,
    limit: Annotated[int, typer.Option(
        "--limit", metavar="N", min=1, help="Matches to list for --text.")] = 20,
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show where a passage came from: capture, locator, transforms, and the raw source.

    With --text, list the matches, each in context (one match is traced right away);
    --json prints {"total", "matches": [...]} for --text, the trace for an id.

    Example: archivist trace --text "Tumen River"   then   archivist trace 3f9a1c
    """
    if item_id and text is not None:
        raise typer.BadParameter("give an id or --text, not both", param_hint="--text")
    if not item_id and text is None:
        raise typer.BadParameter("give a passage id or --text \"a phrase\"", param_hint="ID")
    snapshot = _snapshot(store, version, as_of)
    if text is not None:
        found = snapshot.search(text, limit)
        if found.total != 1 or as_json:  # JSON keeps one shape: the list of matches
            _print_matches(found, snapshot.version, as_json)
            return
        item_id = found.hits[0].id
    result = snapshot.trace(cast(str, item_id))
    if as_json:
        _print_json({"archive_version": snapshot.version, "kind": result.kind,
                     "row": result.row, "document": result.document,
                     "capture": asdict(result.capture), "locator": asdict(result.locator),
                     "raw_file": snapshot.archive.store.uri(
                         snapshot.archive.store.blob_path(result.capture.sha256)),
                     "snippet": result.snippet,
                     "lineage": _as_dict(_lineage_of(snapshot, result))})
        return
    _print_trace(snapshot, result)


def _print_matches(found: SearchResult, version: int, as_json: bool) -> None:
    from rich.table import Table

    from pipeline.errors import shorten

    if as_json:
        _print_json({"archive_version": version, "phrase": found.phrase, "total": found.total,
                     "matches": [asdict(hit) for hit in found.hits]})
        return
    if not found.total:
        raise ArchiveError(f"no current passage or footnote contains {shorten(found.phrase)!r}")
    shown = len(found.hits)
    title = (f"{found.total} matches for {shorten(found.phrase)!r}"
             + (f" (the first {shown}; --limit N for more)" if shown < found.total else "")
             + ": trace one by id")
    table = Table(title=Text(title))
    for column in ("id", "document", "where", "match in context"):
        table.add_column(column)
    for hit in found.hits:
        before, match, after = hit.context()
        where = f"passage #{hit.ordinal}" if hit.table == "passages" else "footnote"
        table.add_row(Text(hit.id), Text(hit.doc_id), where,
                      Text.assemble(before, (match, "bold yellow"), after))
    console.print(table)


def _print_trace(snapshot: Snapshot, result: Trace) -> None:
    from rich.panel import Panel
    from rich.table import Table

    archive = snapshot.archive
    row, capture = result.row, result.capture
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    transforms = row.get("transforms") or []
    for name, value in (
            ("id", row.get("passage_id") or row.get("footnote_id")),
            ("document", f"{row['doc_id']} version {row['doc_version']}"),
            ("source", capture.uri),
            ("captured", f"{capture.captured_at.isoformat()}  sha256 {capture.sha256}"),
            ("raw file", archive.store.uri(archive.store.blob_path(capture.sha256))),
            *((("WARC record", result.warc_record),) if result.warc_record else ()),
            ("locator", result.locator.describe()),
            ("extractor", f"{row['extractor']} {row['extractor_version']}, archivist "
                          f"{row['pipeline_version']}, run {row['run_id']}"),
            ("transforms", "\n".join(_transform_line(t) for t in transforms) or "none")):
        facts.add_row(name, Text(str(value)))
    lineage = _lineage_of(snapshot, result)
    if lineage is not None:
        facts.add_row("lineage", Text(_lineage_line(lineage)))
    console.print(Panel(facts, title=f"trace {result.kind}"))
    console.print(Panel(Text(row["text"]), title="archived text"))
    console.print(Panel(Text(result.snippet or "(empty)"), title="raw source at the locator"))


def _lineage_of(snapshot: Snapshot, result: Trace) -> PassageLineage | None:
    from pipeline.lineage import passage_lineage

    if result.kind != "passage":
        return None
    return passage_lineage(snapshot, result.row, result.document["captured_at"])


def _as_dict(value: object) -> object:
    return asdict(value) if value is not None else None  # type: ignore[call-overload]


def _lineage_line(lineage: PassageLineage) -> str:
    first = lineage.first
    line = f"first seen in {first.doc_id} (captured {first.captured_at:%Y-%m-%d})"
    if lineage.also:
        line += "; also in " + ", ".join(
            s.doc_id + ("" if s.similarity == 1.0 else f" (similarity {s.similarity:.2f})")
            for s in lineage.also)
    return line


@app.command()
def lineage(
    doc_id: Annotated[str, typer.Argument(metavar="DOC_ID", help="The document to examine.")],
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """List a document's borrowed passages and where each first appeared.

    A passage is borrowed when its words (exactly, or nearly: MinHash candidates confirmed
    when 0.8 of their words are in common, in order) were captured earlier in a document of another
    site. A document with half its words from one other document is marked a reprint.

    Example: archivist lineage scoop-2008-lagon-remarks
    """
    from rich.table import Table

    from pipeline.lineage import borrowed_passages

    snapshot = _snapshot(store, version, as_of)
    document = snapshot.document(doc_id).document
    rows = borrowed_passages(snapshot, document["doc_id"], document["doc_version"])
    summary = {"doc_id": document["doc_id"], "doc_version": document["doc_version"],
               "borrowed_share": document.get("borrowed_share"),
               "reprint_of": document.get("reprint_of"), "borrowed": rows}
    if as_json:
        _print_json(summary)
        return
    share = document.get("borrowed_share") or 0.0
    title = (f"{document['doc_id']} v{document['doc_version']}: {share:.0%} of its words "
             "borrowed" + (f"; a reprint of {document['reprint_of']}"
                           if document.get("reprint_of") else ""))
    if not rows:
        console.print(Text(title + "; no passage copies an earlier capture"))
        return
    table = Table(title=Text(title))
    for column in ("#", "words", "first seen in", "captured", "similarity", "passage"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["ordinal"]), str(row["word_count"]), Text(row["origin_doc_id"]),
                      f"{row['origin_captured_at']:%Y-%m-%d}", f"{row['origin_similarity']:.2f}",
                      Text(row["text"][:80] + ("…" if len(row["text"]) > 80 else "")))
    console.print(table)



@app.command()
def browse(
    store: StoreOption = None,
    port: Annotated[int, typer.Option(metavar="PORT", min=0, max=65535,
                                      help="Port to listen on (0: a free one).")] = 8765,
    host: Annotated[str, typer.Option(
        metavar="HOST", help="Address to listen on; anything but loopback lets other machines "
                             "read the archive.")] = "127.0.0.1",
) -> None:
    """Serve a read-only web page over the archive until Ctrl-C.

    Versions, documents, search; each document beside its source: the PDF page with the
    passage's box, the captured HTML page with its element highlighted (scripts never run),
    the text lines; capture time, SHA-256, locator, transforms and lineage. j/k move between
    passages.

    Example: archivist browse --store /tmp/archive   then open http://127.0.0.1:8765/
    """
    from pipeline.browse.app import serve as run_browse

    archive = _archive(store)
    if not archive.runs():
        raise ArchiveError(f"no archive at {archive.store.uri(archive.store.curated)} yet: run "
                           "`archivist ingest`")
    run_browse(archive, host, port,
               announce=lambda url: console.print(f"Archivist browse: {url}  (Ctrl-C stops it)",
                                                  highlight=False))

def _transform_line(transform: dict[str, Any]) -> str:
    """``name: detail``, then where the step acted and its evidence when the detail lacks them."""
    from pipeline.model import Locator

    detail = transform.get("detail") or ""
    bbox = transform.get("bbox")
    where = Locator(page_number=transform.get("page_number"),
                    bbox=tuple(bbox) if bbox else None,
                    char_start=transform.get("char_start"),
                    char_end=transform.get("char_end")).describe()
    evidence = transform.get("evidence")
    extra = [where if where != "unknown" else "",
             f"evidence {evidence}" if evidence and evidence not in detail else ""]
    return " · ".join([": ".join(p for p in (transform["name"], detail) if p),
                       *(e for e in extra if e)])


@app.command()
def verify(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Recompute every raw SHA-256 and read every archive file; exit 1 naming each problem.

    Example: archivist verify --store /tmp/archive
    """
    from pipeline.audit import verify as run_verify

    archive = _archive(store)
    if not archive.store.exists(archive.store.raw / "sha256") and not archive.exists():
        raise ArchiveError(f"nothing to verify at {archive.store}: it holds no raw/ captures "
                           "and no archive (run `archivist ingest`, or give --store)")
    problems = run_verify(archive)
    blobs = len(archive.store.blobs())
    if as_json:
        _print_json({"ok": not problems, "blobs": blobs,
                     "problems": [asdict(p) for p in problems]})
    elif not problems:
        console.print(f"[green]✓[/] {blobs} raw blobs match their SHA-256; archive tables read "
                      "cleanly")
    else:
        for problem in problems:
            err.print(Text.assemble((f"✗ {problem.kind}", "red"),
                                    f" {problem.path}: {problem.detail}"), soft_wrap=True)
    raise typer.Exit(1 if problems else 0)


@app.command()
def status(
    registry: Annotated[Optional[Path], typer.Argument(
        metavar="REGISTRY",
        help="A sources.toml registry (default: every source the archive has seen).")] = None,
    store: StoreOption = None,
    stale_after: Annotated[int, typer.Option(
        metavar="N", help="Consecutive failed runs after which a source is stale.")] = 3,
    as_json: JsonOption = False,
) -> None:
    """Per-source health: last good capture, consecutive failures, next due time, stale or not.

    A failing source keeps its last good document version; after --stale-after failed runs in
    a row it is reported stale and the exit code is 1.

    Example: archivist status examples/sources.toml --store /tmp/archive
    """
    from rich.table import Table

    from pipeline.registry import load_registry

    snapshot = _snapshot(store, None, None)
    sources = load_registry(registry).sources if registry is not None else None
    rows = snapshot.statuses(sources, stale_after)
    if as_json:
        sys.stdout.write(_statuses_json(rows))
        raise typer.Exit(1 if any(s.stale for s in rows) else 0)
    table = Table(title=Text(f"Sources in {snapshot.archive.store.curated}"))
    for column in ("source", "last good capture (UTC)", "failures in a row", "next due",
                   "state", "documents", "last error"):
        table.add_column(column)
    for s in rows:
        state = (Text("stale", "red") if s.stale else Text("failing", "yellow")
                 if s.consecutive_failures else Text("ok", "green"))
        table.add_row(Text(s.source_id),
                      f"{s.last_success:%Y-%m-%d %H:%M}" if s.last_success else "never",
                      str(s.consecutive_failures),
                      f"{s.next_due:%Y-%m-%d %H:%M}" if s.next_due else "every run", state,
                      Text(_entry_counts(s)),
                      Text((s.last_error or "")[:80] if s.consecutive_failures else ""))
    console.print(table)
    raise typer.Exit(1 if any(s.stale for s in rows) else 0)


def _statuses_json(rows: list[SourceStatus]) -> str:
    """The statuses as a JSON list, one a line, each as ``json.dumps(asdict(s))`` writes it.
    Written field by field: asdict's deep copies and the indented encoder took 3.4 s for
    100,000 sources, a dict and json's C encoder per row still 0.6 s."""
    def text(value: str | None) -> str:
        return "null" if value is None else encode_basestring(value)

    def moment(value: datetime | None) -> str:
        return "null" if value is None else f'"{value.isoformat()}"'

    def number(value: int | None) -> str:
        return "null" if value is None else str(value)

    lines = ",\n".join(
        f'  {{"source_id": {text(s.source_id)}, "last_success": {moment(s.last_success)}, '
        f'"consecutive_failures": {s.consecutive_failures}, "last_error": {text(s.last_error)}, '
        f'"next_due": {moment(s.next_due)}, "stale": {"true" if s.stale else "false"}, '
        f'"documents": {number(s.documents)}, "failed": {number(s.failed)}, '
        f'"counts": {json.dumps(s.counts, ensure_ascii=False) if s.counts else "[]"}}}'
        for s in rows)
    return f"[\n{lines}\n]\n" if rows else "[]\n"


def _entry_counts(status: SourceStatus) -> str:
    """``120 (2 failed); not archived: request 130, http 4xx 3`` for a bulk entry."""
    if status.documents is None:
        return ""
    skipped = ", ".join(f"{name} {count:,}" for name, count in status.counts)
    return (f"{status.documents:,} ({status.failed:,} failed)"
            + (f"; not archived: {skipped}" if skipped else ""))


@app.command()
def reprocess(
    store: StoreOption = None,
    since_version: Annotated[Optional[int], typer.Option(
        metavar="N", help="Only documents written at this archive version or later.")] = None,
    max_seconds: MaxSecondsOption = None,
    max_memory_mb: MaxMemoryOption = None,
    ocr: Annotated[Optional[str], typer.Option(
        metavar="MODE", help="OCR setting for every document: auto, always or never "
        "(default: each document's own, as it was ingested).")] = None,
) -> None:
    """Re-extract archived documents from the raw store, without fetching anything.

    Use after an extractor upgrade: a document gets a new version (recording the extractor
    version) only if its extracted content changed. Each PDF is read with the OCR setting it
    was ingested with unless --ocr is given. Commits one archive version.

    Example: archivist reprocess --since-version 3
    """
    from pipeline.reprocess import reprocess as run_reprocess

    options = _extract_options(max_seconds, max_memory_mb, ocr)
    summary = run_reprocess(_archive(store), since_version, options,
                            options.ocr if ocr is not None else None)
    _print_summary(summary)
    raise typer.Exit(0 if summary.ok else 1)


@app.command()
def rebuild(
    store: StoreOption = None,
    max_seconds: MaxSecondsOption = None,
    max_memory_mb: MaxMemoryOption = None,
) -> None:
    """Derive the archive again from raw/ and the runs log, check it, and swap it in.

    Use when `archivist verify` names a damaged archive file. Every version is rebuilt into a
    fresh table set and compared with the old one (documents by id and content hash, the other
    tables by row ids, or by the counts the documents recorded where a file is unreadable);
    only if all match is the old set moved to curated.before-rebuild-TIME/ and the fresh one
    put in its place. Exit 1, changing nothing, if any version differs.

    Example: archivist rebuild --store /tmp/archive
    """
    from pipeline.rebuild import rebuild as run_rebuild

    result = run_rebuild(_archive(store), _extract_options(max_seconds, max_memory_mb))
    for check in result.checks:
        mark = Text("✓", "green") if check.matches else Text("✗", "red")
        console.print(Text.assemble(mark, f" version {check.archive_version}: {check.detail}"))
    if not result.ok:
        err.print("the rebuilt archive differs from the old one: nothing was swapped (the "
                  "fresh tables are in curated.rebuild/ for inspection)")
        raise typer.Exit(1)
    console.print(Text(f"rebuilt and swapped in; the old tables are in {result.kept_at}"))


@app.command()
def schedule(
    registry: Annotated[Path, typer.Argument(metavar="REGISTRY",
                                             help="A sources.toml registry.")],
    cron: Annotated[str, typer.Option(metavar="CRON",
                                      help="When to run, as a cron expression.")],
    store: StoreOption = None,
    name: Annotated[Optional[str], typer.Option(metavar="NAME", help="Deployment name "
                                                "(default: registry file name).")] = None,
    timezone: Annotated[str, typer.Option(metavar="ZONE",
                                          help="Time zone the cron is read in.")] = "UTC",
) -> None:
    """Schedule REGISTRY's ingest as a Prefect deployment; `archivist serve` runs it.

    The schedule is kept in the store (schedules.json) and registered with the Prefect API
    right away if PREFECT_API_URL is set. Sources with `every = "1d"` are captured only when
    due, whatever the cron says.

    Example: archivist schedule examples/sources.toml --cron "0 3 * * *" --store /tmp/archive
    """
    from flows.schedule import add_schedule
    from pipeline.store import Store

    spec = add_schedule(str(registry), cron, Store.at(store), name, timezone)
    console.print(Text(f"scheduled {spec.name}: ingest {spec.registry} at '{spec.cron}' "
                       f"({spec.timezone}) into {spec.store}; run `archivist serve` to start it"))


@app.command()
def serve(
    store: StoreOption = None,
    port: Annotated[Optional[int], typer.Option(metavar="PORT", help="Port of the Prefect "
                                                "server (default: a free one).")] = None,
    prefect_home: Annotated[Optional[Path], typer.Option(
        metavar="DIR",
        help="Folder for the server's SQLite database (default: STORE/.prefect).")] = None,
) -> None:
    """Start a local Prefect server and serve the scheduled ingests until Ctrl-C.

    Prints the server's API URL; the server is stopped when this command ends.

    Example: archivist serve --store /tmp/archive
    """
    import signal

    from flows.schedule import serve as run_serve
    from pipeline.store import Store

    _quiet_prefect()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # so the server is stopped on kill too, not orphaned
    try:
        run_serve(Store.at(store), port, prefect_home,
                  announce=lambda url: console.print(f"Prefect server: {url}", highlight=False))
    except KeyboardInterrupt:
        console.print("stopped")


@app.command()
def tag(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Release name, e.g. 2024-q3.")],
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    note: Annotated[Optional[str], typer.Option(metavar="TEXT",
                                                help="What the release is for.")] = None,
) -> None:
    """Name an archive version (default: latest). Tagged versions survive `archivist vacuum`.

    Example: archivist tag 2024-q3 --version 4 --note "handed to the research team"
    """
    from pipeline.releases import tag as add_tag

    archive = _archive(store)
    created = add_tag(archive, name, _version(archive, version, as_of), note)
    console.print(Text(f"tagged archive version {created.archive_version} as {created.name}"))


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
        console.print(Text(f"{'delete' if yes else 'would delete'} {path} ({size:,} bytes)"))
    if yes:
        run_vacuum(archive, plan)
    verb = "deleted" if yes else "would delete"
    console.print(f"{verb} {len(plan.files)} files ({plan.bytes:,} bytes); versions kept "
                  f"readable: {protected}" + ("" if yes or not plan.files else
                                               "; run again with --yes to delete"))


DiffFormat = Literal["table", "json", "parquet"]


@app.command()
def diff(
    version_a: Annotated[Optional[int], typer.Argument(
        metavar="A", help="Older archive version (default: the one before B).")] = None,
    version_b: Annotated[Optional[int], typer.Argument(
        metavar="B", help="Newer archive version (default: the latest).")] = None,
    store: StoreOption = None,
    doc: Annotated[Optional[str], typer.Option("--doc", metavar="DOC_ID",
                                               help="Only this document.")] = None,
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="How to print the "
                                               "changes.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    out: Annotated[Optional[Path], typer.Option(
        metavar="FILE", help="File for --format parquet (default diff-A-B.parquet).")] = None,
) -> None:
    """What changed between two archive versions: documents, passages, footnotes.

    Passages are matched by stable id, then by similarity, so an edited paragraph shows as
    changed with a word-level diff (red: removed words, green: added words). With no
    versions given, the latest two are compared; with one, that one and the latest.

    Example: archivist diff 2 3 --doc hrnk-2009-lives-for-sale
    """
    from pipeline.diff import diff_versions, render

    result = diff_versions(_archive(store), version_a, version_b, doc)
    if as_json or format == "json":
        _print_json(result.rows())
    elif format == "table":
        console.print(render(result))
    else:
        import pyarrow.parquet as pq

        target = out or Path(f"diff-{result.version_a}-{result.version_b}.parquet")
        pq.write_table(result.to_arrow(), target)
        console.print(Text(f"wrote {len(result.changes)} changes to {target}"))


@app.command()
def export(
    out: Annotated[Optional[Path], typer.Argument(
        metavar="DIR", help="New or empty folder to write.")] = None,
    store: StoreOption = None, version: VersionOption = None, as_of: AsOfOption = None,
    tag_name: Annotated[Optional[str], typer.Option("--tag", metavar="NAME", help="Export "
                                                    "this tag's version.")] = None,
    format: Annotated[Literal["parquet", "jsonl"], typer.Option(
        "--format", "-f", help="File format of the tables.")] = "parquet",
    bag: Annotated[bool, typer.Option("--bag", help="Write a BagIt bag.")] = False,
    prov: Annotated[Optional[str], typer.Option("--prov", metavar="DOC_ID", help=(
        "Print DOC_ID's provenance as W3C PROV-JSON instead (to OUT if given)."))] = None,
    dedup: Annotated[Optional[Literal["exact", "near"]], typer.Option(
        "--dedup", help="Keep one copy of repeated passages: exact (same words) or near "
        "(also lineage copies); the rest are listed in tables/duplicates.")] = None,
    lang: Annotated[Optional[str], typer.Option(
        "--lang", metavar="CODES", help="Only documents in these languages, e.g. en,de.")] = None,
    license_url: Annotated[Optional[str], typer.Option(
        "--license", metavar="URL", help="The dataset's licence, written into croissant.json.")
    ] = None,
) -> None:
    """Hand a version over: tables, contracts, a dataset card (README.md) and checksums.

    Example: archivist export /tmp/handoff --tag 2024-q3 --bag
    For a training set: archivist export /tmp/clean --dedup near --lang en
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
            _write_text(out, document)
        else:
            sys.stdout.write(document + "\n")
        return
    if out is None:
        raise typer.BadParameter("give the folder to export into", param_hint="OUT")
    languages = tuple(code for code in (lang or "").split(",") if code.strip())
    result = run_export(archive, out, number, format, bag, dedup, languages, license_url)
    counts = ", ".join(f"{n} {t}" for t, n in result.row_counts.items())
    kind = "BagIt bag" if bag else "dataset"
    console.print(Text(f"wrote archive version {result.archive_version} as a {kind} to {out}: "
                       f"{counts}"))


def _write_text(path: Path, text: str) -> None:
    """Write a file the user named; a folder in the way or a missing folder is an error."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(f"cannot write {path}: {exc.strerror or exc}") from None


def _quiet_prefect() -> None:
    """Keep Prefect's log lines out of the progress display unless the user asked for them.

    Called before anything imports Prefect, which reads its settings at import time; the
    other defaults are set in ``flows/__init__.py``.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # Dask workers' chatter


def main() -> None:
    gc.freeze()  # what the imports made: see the top of this module
    # typer makes every command's click command (each signature's annotations evaluated) at
    # each start, though one runs: 0.12 billion instructions, a fifth of `archivist extract`'s
    # start. A command named first is made alone, and parses, helps and fails as in the group.
    commands = app.registered_commands
    app.registered_commands = [c for c in commands if sys.argv[1:2] == [_command_name(c)]] \
        or commands
    try:
        app()
    finally:
        app.registered_commands = commands


def _command_name(command: typer.models.CommandInfo) -> str | None:
    if command.name or command.callback is None:
        return command.name
    return typer.main.get_command_name(command.callback.__name__)


if _COLLECTING:  # paused at the top of this module
    gc.enable()


if __name__ == "__main__":
    main()
