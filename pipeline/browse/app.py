"""The web app: pages over :mod:`pipeline.query`, read-only, for one archive.

Every route answers GET (and HEAD) only, and every path parameter is an id looked up in the
archive: a document id, or a passage or footnote id; none is ever joined to a file path. Pages
are Jinja2 templates with autoescaping on. A captured HTML page is served on its own route
under a Content-Security-Policy that allows no script and no network (``sandbox``, and
``default-src 'none'``), and the document page frames it with a ``sandbox`` attribute without
``allow-scripts``.
"""

from __future__ import annotations

import hashlib
import socket
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyarrow.compute as pc
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.archive import Archive
from pipeline.audit import raw_bytes, snippet_of, warc_payload
from pipeline.browse.index import SearchIndex
from pipeline.browse.listing import STATUSES, Filters, document_list
from pipeline.browse.source import (
    HIGHLIGHT_ID,
    Line,
    OcrWord,
    PageView,
    highlighted_html,
    ocr_words,
    page_png,
    page_view,
    text_lines,
)
from pipeline.diff import (
    DocumentChange,
    Item,
    WordOp,
    changed_documents,
    document_changes,
    earlier_version,
    match_items,
)
from pipeline.errors import AuditError, PipelineError, shorten
from pipeline.export import provenance
from pipeline.lineage import passage_lineage
from pipeline.model import Capture
from pipeline.query import ID_COLUMN, DocumentView, ItemTable, Row, Snapshot, Trace

HERE = Path(__file__).resolve().parent
SEARCH_LIMIT = 50
SNAPSHOTS_KEPT = 8
"""Versions kept open at once (each holds its tables' file lists), and version pairs whose
differing documents are kept for the diff page."""
DIFF_PAGE_SIZE = 50
"""Documents per page of a version diff: each is read and matched when its page is shown."""
APP_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
           "script-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors 'none'")
"""The app's own pages: scripts only from /static, nothing from elsewhere; inline styles for
the page boxes' positions."""
CAPTURE_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "sandbox; frame-ancestors 'self'")
"""An archived page: no script runs (``sandbox`` without allow-scripts, even when opened
outside its frame), nothing is fetched but images and styles from the app itself."""
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True, slots=True)
class Pane:
    """What the source pane shows for one passage or footnote."""

    trace: Trace
    id: str
    pages: tuple[PageView, ...]
    lines: tuple[Line, ...]
    frame: bool
    """An HTML capture: the page is framed from /capture/{id}."""
    markup: str
    """For an HTML capture, the markup at the locator's offsets."""
    warc_record: str | None
    """For a record of a WARC source: which record the bytes were read back from."""
    history: History
    fixity: bool
    """The bytes read back for the pane hash to the archived SHA-256."""
    words: tuple[OcrWord, ...] = ()
    """For text OCR read: its words with their confidence."""


@dataclass(frozen=True, slots=True)
class History:
    """The document versions (with the archive version that made each) holding the item's
    id, and the word-level change from the previous document version's text."""

    present: tuple[tuple[int, int], ...]
    """(doc_version, archive_version) in which this id exists, oldest first."""
    previous: int | None
    """The document version before the item's own, if any."""
    words: tuple[WordOp, ...]
    """Edit script from the previous version's matching text; empty if new or unchanged."""
    change: str
    """'unchanged', 'changed', 'added' (no match before) or 'first' (no earlier version)."""


def create_app(archive: Archive, allowed_hosts: list[str] | None = None) -> Starlette:
    """The workbench over ``archive``; ``allowed_hosts`` guards against DNS rebinding (a
    hostile page naming its own host for 127.0.0.1), default: loopback names only."""
    templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                            autoescape=select_autoescape(["html"]), trim_blocks=True,
                            lstrip_blocks=True)
    templates.globals["HIGHLIGHT_ID"] = HIGHLIGHT_ID
    index = SearchIndex(archive)

    def page(name: str, request: Request, snap: Snapshot, status: int = 200,
             **context: Any) -> HTMLResponse:
        pinned = _number(request.query_params, "version")
        html = templates.get_template(name).render(
            **context, snapshot=snap, pinned=pinned, latest=snap.latest,
            versions=[r["archive_version"] for r in snap.all_runs if r["new_version"] is not False],
            query=dict(request.query_params), path=request.url.path,
            unpinned=_link(request.url.path, None, {k: v for k, v in request.query_params.items()
                                                    if k != "version"}),
            link=lambda path, **params: _link(path, pinned, params))
        return HTMLResponse(html, status, headers={"Content-Security-Policy": APP_CSP,
                                                   **COMMON_HEADERS})

    snapshots: OrderedDict[tuple[str, int, int | None], Snapshot] = OrderedDict()

    def snapshot(request: Request) -> Snapshot:
        """The archive at ?version=N (default: the latest)."""
        return snapshot_at(_number(request.query_params, "version"))

    def snapshot_at(version: int | None) -> Snapshot:
        """Snapshots are kept while no run commits (a run committed meanwhile shows at once):
        each holds its tables' files and statistics, read once instead of on every request."""
        runs = archive.runs()
        key = (runs[-1]["run_id"] if runs else "", len(runs), version)
        if key not in snapshots:
            snapshots[key] = Snapshot(archive, version)
            while len(snapshots) > SNAPSHOTS_KEPT:
                snapshots.popitem(last=False)
        snapshots.move_to_end(key)
        return snapshots[key]

    def trace_of(snap: Snapshot, item_id: str, shown: DocumentView | None = None,
                 documents: Sequence[Row] = ()) -> Trace:
        """``shown``: a document view read already (an item of it is traced from its rows);
        ``documents``: the item's document rows read already."""
        if shown is not None:
            tables: tuple[tuple[ItemTable, list[Row]], ...] = (("passages", shown.passages),
                                                              ("footnotes", shown.footnotes))
            for table, rows in tables:
                row = next((r for r in rows if r[ID_COLUMN[table]] == item_id), None)
                if row is not None:
                    return snap.trace_row(table, row, read_source=False,
                                          document=shown.document)
        # The index knows each id's document: the lookup then skips other documents' files.
        return snap.trace(item_id, read_source=False, doc_id=index.document_of(item_id),
                          documents=documents)

    async def home(request: Request) -> Response:
        snap = snapshot(request)
        params = request.query_params
        filters = Filters(params.get("kind", ""), params.get("source", "").strip(),
                          params.get("status", ""), _number(params, "page") or 1)
        return page("archive.html", request, snap, runs=list(reversed(snap.runs)),
                    listing=document_list(snap, filters), filters=filters, statuses=STATUSES)

    async def search(request: Request) -> Response:
        snap = snapshot(request)
        phrase = request.query_params.get("q", "")
        result = index.search(phrase, snap.version, SEARCH_LIMIT) if phrase.strip() else None
        return page("search.html", request, snap, phrase=phrase, result=result)

    async def document(request: Request) -> Response:
        snap = snapshot(request)
        view = snap.document(request.path_params["doc_id"])
        item = request.query_params.get("item")
        pane = _pane(snap, item, view) if item else None
        return page("document.html", request, snap, view=view, version=snap.version,
                    entries=_interleave(view.passages, view.removed),
                    notes=_note_links(view.passages, view.footnotes), pane=pane)

    async def pane(request: Request) -> Response:
        snap = snapshot(request)
        return page("pane.html", request, snap, pane=_pane(snap, request.path_params["item_id"]))

    async def page_image(request: Request) -> Response:
        trace = trace_of(snapshot(request), request.path_params["item_id"])
        data = _capture_bytes(archive, trace.capture)
        png = page_png(trace.capture.sha256, data, request.path_params["number"],
                       trace.capture.kind)
        return Response(png, media_type="image/png",
                        headers={"Cache-Control": "max-age=3600", **COMMON_HEADERS})

    async def capture(request: Request) -> Response:
        trace = trace_of(snapshot(request), request.path_params["item_id"])
        if trace.capture.kind != "html" or trace.locator.char_start is None:
            raise AuditError(f"{trace.kind} {shorten(trace.row[_id_column(trace)])} is not "
                                "located in an HTML capture")
        html = highlighted_html(_capture_bytes(archive, trace.capture), trace.capture,
                                trace.locator.char_start,
                                trace.locator.char_end or trace.locator.char_start + 1)
        return HTMLResponse(html, headers={"Content-Security-Policy": CAPTURE_CSP,
                                           **COMMON_HEADERS})

    def _pane(snap: Snapshot, item_id: str, shown: DocumentView | None = None) -> Pane:
        """The pane of ``item_id``; ``shown``, the document page's view at the same snapshot,
        is not read again for the other boxes on the item's pages when it is the item's."""
        doc_id = index.document_of(item_id)
        # The document's rows of every version, read once: the trace's document row and the
        # history's versions. For a page image (a PDF, a scan) the document's current rows
        # are read for the boxes beside the item, and hold the item's own row.
        versions = [] if doc_id is None else snap.rows(
            "documents", pc.field("doc_id") == doc_id).to_pylist()
        if shown is None and versions:
            latest = max(versions, key=lambda r: r["doc_version"])
            if latest["kind"] in ("pdf", "image"):
                shown = DocumentView(latest, snap.passages(latest["doc_id"]),
                                     snap.footnotes(latest["doc_id"]),
                                     snap.removed(latest["doc_id"]))
        trace = trace_of(snap, item_id, shown, versions)  # not the source: the pane reads it
        own_id = trace.row[_id_column(trace)]
        record = None
        if trace.capture.warc_offset is not None:
            data, record = warc_payload(archive, trace.capture)
        else:
            data = _capture_bytes(archive, trace.capture)
        kind = trace.capture.kind
        pages: list[PageView] = []
        lines: list[Line] = []
        if kind in ("pdf", "image") and trace.locator.page_number is not None:
            doc = (shown if shown is not None and shown.document["doc_id"] == trace.row["doc_id"]
                   else snap.document(trace.row["doc_id"]))
            rows = ([(r, "passage_id") for r in doc.passages]
                    + [(r, "footnote_id") for r in doc.footnotes])
            numbers = dict.fromkeys([trace.locator.page_number]
                                    + [p.page_number for p in trace.parts
                                       if p.page_number is not None])
            pages = [page_view(data, n, trace.row, _id_column(trace), rows, doc.removed, kind)
                     for n in numbers]
        elif kind == "text":
            loc = trace.locator
            lines = text_lines(data, trace.capture,
                               loc.line_start, loc.line_end, loc.char_start, loc.char_end)
        frame = kind == "html" and trace.locator.char_start is not None
        markup = snippet_of(data, trace.capture, trace.locator) if frame else ""
        return Pane(trace, own_id, tuple(pages), tuple(lines), frame, markup, record,
                    _history(snap, trace, versions if trace.row["doc_id"] == doc_id else None),
                    hashlib.sha256(data).hexdigest() == trace.capture.sha256,
                    tuple(ocr_words(trace.row)))

    async def lineage(request: Request) -> Response:
        # Its own request, loaded into the pane after it: the first lookup of a version reads
        # the lineage index's row group key ranges (about a second at 100,000 documents).
        snap = snapshot(request)
        trace = trace_of(snap, request.path_params["item_id"])
        if trace.kind != "passage":
            raise AuditError("only passages have a lineage; footnotes take no part")
        return page("lineage.html", request, snap, row=trace.row,
                    lineage=passage_lineage(snap, trace.row, trace.capture.captured_at))

    async def prov(request: Request) -> Response:
        document = provenance(archive, request.path_params["doc_id"])
        return Response(document.serialize(format="json", indent=2) or "{}",
                        media_type="application/json", headers=COMMON_HEADERS)

    changed: OrderedDict[tuple[str, int, int, str | None], list[DocumentChange]] = OrderedDict()

    async def diff(request: Request) -> Response:
        params = request.query_params
        snap = snapshot(request)
        # Viewing version N, the diff is the one that made it unless a and b say otherwise.
        later = _number(params, "b")
        newer = snap if later is None else snapshot_at(later)
        older = snapshot_at(earlier_version(newer, _number(params, "a")))
        doc_id = params.get("doc") or None
        # Which documents differ is worked out once per pair of versions (until a run
        # commits); each page then reads and matches only its own documents' rows.
        key = (snap.all_runs[-1]["run_id"], older.version, newer.version, doc_id)
        if key not in changed:
            changed[key] = changed_documents(older, newer, doc_id)
            while len(changed) > SNAPSHOTS_KEPT:
                changed.popitem(last=False)
        changed.move_to_end(key)
        documents = changed[key]
        pages = max(1, -(-len(documents) // DIFF_PAGE_SIZE))
        number = _number(params, "page") or 1
        if not 1 <= number <= pages:
            raise AuditError(f"page {number} of {pages}: {len(documents):,} documents differ")
        shown = documents[(number - 1) * DIFF_PAGE_SIZE:number * DIFF_PAGE_SIZE]
        counts = Counter(d.change for d in documents)
        return page("diff.html", request, snap, version_a=older.version,
                    version_b=newer.version, doc=doc_id, documents=len(documents), counts=counts,
                    changes=document_changes(older, newer, shown), number=number, pages=pages)

    async def failed(request: Request, exc: Exception) -> Response:
        message = exc.message if isinstance(exc, PipelineError) else str(exc)
        html = templates.get_template("error.html").render(
            message=message, pinned=None, query={},
            link=lambda path, **params: _link(path, None, params))
        return HTMLResponse(html, 404, headers={"Content-Security-Policy": APP_CSP,
                                                **COMMON_HEADERS})

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/search", search, methods=["GET"]),
        Route("/doc/{doc_id:path}", document, methods=["GET"]),
        Route("/pane/{item_id}", pane, methods=["GET"]),
        Route("/page/{item_id}/{number:int}.png", page_image, methods=["GET"]),
        Route("/capture/{item_id}", capture, methods=["GET"]),
        Route("/lineage/{item_id}", lineage, methods=["GET"]),
        Route("/prov/{doc_id:path}", prov, methods=["GET"]),
        Route("/diff", diff, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    hosts = allowed_hosts or ["127.0.0.1", "localhost", "[::1]"]
    return Starlette(routes=routes, exception_handlers={PipelineError: failed},
                     middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)])


def _number(params: Mapping[str, str], name: str) -> int | None:
    """A query parameter that must be a whole number (a version, a page), or None."""
    value = params.get(name, "")
    if value and not value.isdigit():
        raise AuditError(f"{name} must be a whole number, not {shorten(value)!r}")
    return int(value) if value else None


def _link(path: str, pinned: int | None, params: Mapping[str, Any]) -> str:
    """``path`` with ``params`` (empty ones left out), at the version the page was asked at."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if pinned is not None:
        query["version"] = pinned
    return path + ("?" + urlencode(query) if query else "")


def _history(snap: Snapshot, trace: Trace, documents: Sequence[Row] | None = None) -> History:
    """``documents``: the rows of every version of the item's document, if read already."""
    table: ItemTable = "passages" if trace.kind == "passage" else "footnotes"
    id_column = ID_COLUMN[table]
    own_id, doc_id, own_version = (trace.row[id_column], trace.row["doc_id"],
                                   trace.row["doc_version"])
    made_by = {r["run_id"]: r["archive_version"] for r in snap.runs}
    docs = documents if documents is not None else snap.rows(
        "documents", pc.field("doc_id") == doc_id, ["doc_version", "run_id"]).to_pylist()
    archive_version = {d["doc_version"]: made_by[d["run_id"]] for d in docs}
    rows = snap.rows(table, pc.field("doc_id") == doc_id,
                     [id_column, "doc_version", "text", *(["ordinal"] if table == "passages"
                                                          else [])]).to_pylist()
    present = sorted({(r["doc_version"], archive_version.get(r["doc_version"], 0))
                      for r in rows if r[id_column] == own_id})
    earlier = [v for v in archive_version if v < own_version]
    if not earlier:
        return History(tuple(present), None, (), "first")
    previous = max(earlier)
    old = [r for r in rows if r["doc_version"] == previous]
    new = [r for r in rows if r["doc_version"] == own_version]
    if any(r[id_column] == own_id and r["text"] == trace.row["text"] for r in old):
        return History(tuple(present), previous, (), "unchanged")
    item: Item = "passage" if trace.kind == "passage" else "footnote"
    for change in match_items(doc_id, item, id_column, old, new):
        if change.new_id == own_id and change.change == "changed":
            return History(tuple(present), previous, change.words, "changed")
    return History(tuple(present), previous, (), "added")


def _id_column(trace: Trace) -> str:
    return "passage_id" if trace.kind == "passage" else "footnote_id"


def _capture_bytes(archive: Archive, capture: Capture) -> bytes:
    """The captured bytes: from raw/, or read back out of the WARC a record came from."""
    if capture.warc_offset is not None:
        return warc_payload(archive, capture)[0]
    return raw_bytes(archive, capture)


def _position(row: Row) -> tuple[int, float, int]:
    """Where a row starts in its capture: page and top (PDF) or character offset."""
    bbox = row.get("bbox")
    return (row.get("page_number") or 0, bbox[1] if bbox else 0.0, row.get("char_start") or 0)


def _interleave(passages: list[Row], removed: list[Row]) -> list[tuple[str, Row]]:
    """Passages in reading order, each removed row placed before the first passage that
    starts after it in the capture (page furniture lands between pages)."""
    waiting = sorted(removed, key=_position)
    out: list[tuple[str, Row]] = []
    for passage in passages:
        while waiting and _position(waiting[0]) <= _position(passage):
            out.append(("removed", waiting.pop(0)))
        out.append(("passage", passage))
    out += [("removed", row) for row in waiting]
    return out


def _note_links(passages: list[Row], footnotes: list[Row]) -> dict[tuple[str, str], str]:
    """(passage_id, label) -> the footnote_id its marker points to: the note of that label
    that names the passage, else the first of that label."""
    links: dict[tuple[str, str], str] = {}
    first: dict[str, str] = {}
    for note in footnotes:
        first.setdefault(note["label"], note["footnote_id"])
        for passage_id in note["passage_ids"] or ():
            links.setdefault((passage_id, note["label"]), note["footnote_id"])
    for passage in passages:
        for label in passage["footnote_labels"] or ():
            key = (passage["passage_id"], label)
            if key not in links and label in first:
                links[key] = first[label]
    return links


def serve(archive: Archive, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve the workbench on ``host:port`` (port 0: a free one) until interrupted."""
    import uvicorn

    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(archive, None if loopback else ["*"])
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise AuditError(f"cannot listen on {host}:{port}: {exc.strerror}; give another "
                            "--port") from None
    bound = sock.getsockname()[1]
    announce(f"http://{'[' + host + ']' if ':' in host else host}:{bound}/")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])
