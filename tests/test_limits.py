"""Per-document limits (memory, time, PDF objects) on real hostile documents.

The hostile PDFs are written at test time: a decompression bomb (one page whose content stream
inflates to 1 GiB), a page of five million no-op graphics operators (over a minute of parsing
inside one page, where the extractor's own check between pages cannot stop it), and plain
reportlab PDFs refused by a low object limit. Everything goes through the public
``pipeline.extract.extract`` and its worker process; /proc shows workers being replaced.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import sys
import textwrap
import threading
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import SEEDS
from pdfbytes import assemble
from reportlab.pdfgen import canvas

from pipeline.capture import sniff
from pipeline.errors import ExtractorCrashed, LimitExceeded, RegistryError
from pipeline.extract import ExtractOptions, extract
from pipeline.model import Capture
from pipeline.registry import load_registry

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads worker processes from /proc")

LOW_MEMORY = ExtractOptions(max_memory_mb=600)
"""Under the 1 GiB the bomb inflates to, over twice an idle worker's 216 MB of address space
(numpy, PDFium and the OCR engine's imports), so the worker is kept between documents."""
"""Far below the bomb's 1 GiB, well above what an ordinary document needs."""


def capture_of(data: bytes, name: str) -> Capture:
    media_type, kind = sniff(data, None, name)
    return Capture(source_id=name.split(".")[0], uri=name,
                   captured_at=datetime.now(timezone.utc),
                   sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                   media_type=media_type, kind=kind)


def text_of(data: bytes, name: str, options: ExtractOptions = ExtractOptions()) -> str:
    return "\n".join(block.text for block in extract(data, capture_of(data, name), options).blocks)


PROSE = (SEEDS / "003_b5b1913a230cda32.txt").read_text(encoding="utf-8")
LINES = textwrap.wrap(" ".join(PROSE.split()), 90)
"""The sample report's prose, 90 characters a line: pages that differ as real pages do."""
LINES_PER_PAGE = 12


def report_pdf(pages: int) -> bytes:
    """An ordinary PDF of ``pages`` pages of prose (reportlab writes two objects a page)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(pages):
        paragraph = pdf.beginText(72, 720)
        for line in LINES[number * LINES_PER_PAGE:(number + 1) * LINES_PER_PAGE]:
            paragraph.textLine(line)
        pdf.drawText(paragraph)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def line_of(page: int) -> str:
    """A line from the middle of ``page`` (1-based) of :func:`report_pdf`."""
    return LINES[(page - 1) * LINES_PER_PAGE + LINES_PER_PAGE // 2]


def one_page_pdf(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """A one-page PDF whose page content stream is ``content``, already encoded by ``filters``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filters) + content
        + b"\nendstream",
    ]
    return assemble(objects)


def deflated(unit: bytes, megabytes: int) -> bytes:
    """``unit`` repeated to ``megabytes`` MiB, deflated chunk by chunk (never all in memory)."""
    chunk = unit * (2**20 // len(unit))
    deflate = zlib.compressobj(1)
    return b"".join([deflate.compress(chunk) for _ in range(megabytes)] + [deflate.flush()])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 4.6 MB that inflate to 1 GiB of zeros when the page is read."""
    return one_page_pdf(deflated(b"\0", 1024))


@pytest.fixture(scope="module")
def slow_page() -> bytes:
    """One page of two million characters in 0.4-point type, all of them on the page (glyphs
    past its edges are not read): every character passes through the layout code in Python,
    so reading it takes far longer than the tests' limits on any machine, whichever parser
    reads the content (over 90 s on the 2-core machine). In half-point type the same page was
    read in 5.7 s once PDFium's characters were read in one piece (session 20), under the
    limit's 6 s; more characters would reach the worker's memory limit first."""
    line = b"(" + b"x" * 2_000 + b") Tj T* "
    content = b"BT /F1 0.4 Tf 0.4 TL 20 780 Td " + line * 1_000 + b"ET"
    deflate = zlib.compressobj(1)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        (lambda data: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data
         + b"\nendstream")(deflate.compress(content) + deflate.flush()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble(objects)


GOOD = report_pdf(2)


def worker_pids() -> set[int]:
    """Extraction worker processes this test process has running, read from /proc."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(parent) == os.getpid() and state != "Z" and b"pipeline.extract.isolate" in command:
            pids.add(int(stat.parent.name))
    return pids


@pytest.fixture
def fresh_worker() -> None:
    """A new extraction worker for this thread. One that earlier tests grew past half of
    LOW_MEMORY is retired after its next document, which left no worker to count."""
    from pipeline.extract import isolate

    isolate._workers.current = None  # the old worker's process is stopped as it is collected


@pytest.mark.usefixtures("fresh_worker")
def test_a_decompression_bomb_stops_at_the_memory_limit_and_the_next_document_extracts(bomb):
    assert line_of(2) in text_of(GOOD, "good.pdf", LOW_MEMORY)
    before = worker_pids()
    with pytest.raises(LimitExceeded, match=r"bomb.pdf: extraction needed more than the 600 MB "
                                            r"memory limit; raise max_memory_mb") as error:
        extract(bomb, capture_of(bomb, "bomb.pdf"), LOW_MEMORY)
    assert error.value.source_id == "bomb" and error.value.stage == "extract"
    assert len(before - worker_pids()) == 1  # the worker that ran out of memory is gone
    assert line_of(2) in text_of(GOOD, "good.pdf", LOW_MEMORY)  # same limit, a new worker


def test_a_worker_holding_over_half_the_memory_limit_is_replaced_after_each_document():
    assert line_of(1) in text_of(GOOD, "good.pdf")
    before = worker_pids()
    assert line_of(1) in text_of(GOOD, "good.pdf")
    assert worker_pids() == before  # under the default limit the worker is reused
    idle_kb = max(int(re.search(r"VmSize:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())[1])
                  for pid in before)
    tight = ExtractOptions(max_memory_mb=idle_kb * 3 // 2 // 1024)  # idle is over half of it
    for _ in range(2):  # each document gets a new worker, which is not kept afterwards
        assert line_of(1) in text_of(GOOD, "good.pdf", tight)
        assert before.isdisjoint(worker_pids()) and len(worker_pids()) == len(before) - 1


def test_a_page_that_parses_for_a_minute_is_killed_at_the_time_limit(slow_page):
    assert line_of(1) in text_of(GOOD, "good.pdf")
    before = worker_pids()
    with pytest.raises(LimitExceeded, match=r"slow.pdf: extraction did not finish within 6 s "
                                            r"and was stopped; raise max_seconds"):
        extract(slow_page, capture_of(slow_page, "slow.pdf"), ExtractOptions(max_seconds=1))
    assert len(before - worker_pids()) == 1  # killed, not left parsing in the background
    assert line_of(1) in text_of(GOOD, "good.pdf")
    assert len(worker_pids() - before) == 1


def test_a_worker_killed_mid_document_fails_that_document_only(slow_page):
    """SIGKILL is what the kernel's out-of-memory killer sends; here the test sends it."""
    assert line_of(1) in text_of(GOOD, "good.pdf")
    killer = threading.Timer(1.0, lambda: [os.kill(pid, signal.SIGKILL) for pid in worker_pids()])
    killer.start()
    try:
        with pytest.raises(ExtractorCrashed, match=r"slow.pdf: the pdf extractor's worker "
                                                   r"process was killed by signal 9 \(Killed\)"):
            extract(slow_page, capture_of(slow_page, "slow.pdf"))
    finally:
        killer.join()
    assert line_of(1) in text_of(GOOD, "good.pdf")


def test_a_pdf_over_the_object_limit_is_refused_before_any_page_is_read(bomb):
    # The bomb has four objects: refused on the count, its page never inflates.
    with pytest.raises(LimitExceeded, match=r"bomb.pdf lists more than 3 objects in its "
                                            r"cross-reference table, over the max_objects limit"):
        extract(bomb, capture_of(bomb, "bomb.pdf"), ExtractOptions(max_objects=3))
    thick = report_pdf(30)
    with pytest.raises(LimitExceeded, match="more than 60 objects"):
        extract(thick, capture_of(thick, "thick.pdf"), ExtractOptions(max_objects=60))
    assert line_of(30) in text_of(thick, "thick.pdf")  # the default limit reads it


# -- configuration -----------------------------------------------------------------------------

def registry_with(folder: Path, settings: str, entries: dict[str, str] | None = None) -> Path:
    body = [settings] + [f'[[source]]\nid = "{sid}"\nuri = "{uri}"\n'
                         for sid, uri in (entries or {}).items()]
    path = folder / "sources.toml"
    path.write_text("\n".join(body), encoding="utf-8")
    return path


def test_the_registry_sets_the_limits_and_keeps_defaults_for_the_rest(tmp_path):
    registry = load_registry(registry_with(
        tmp_path, "[settings.extract]\nmax_memory_mb = 512\nmax_seconds = 30.5\n"))
    assert registry.extract_options == ExtractOptions(max_memory_mb=512, max_seconds=30.5)
    assert load_registry(registry_with(tmp_path, "")).extract_options == ExtractOptions()


@pytest.mark.parametrize("settings, message", [
    ("[settings.extract]\nmax_memory = 512\n", r"unknown keys \['max_memory'\]"),
    ("[settings.extract]\nmax_memory_mb = -1\n", "max_memory_mb must be a whole number >= 0"),
    ("[settings.extract]\nmax_objects = 1.5\n", "max_objects must be a whole number >= 0"),
    ("[settings.extract]\nmax_seconds = \"1m\"\n", "max_seconds must be a number >= 0"),
    ("[settings]\nextract = 5\n", "must be a table"),
])
def test_a_bad_limit_in_the_registry_is_refused_naming_it(tmp_path, settings, message):
    with pytest.raises(RegistryError, match=message):
        load_registry(registry_with(tmp_path, settings))


# -- a whole run -----------------------------------------------------------------------------

@pytest.mark.slow
def test_an_ingest_records_over_limit_sources_as_failures_and_archives_the_rest(
        tmp_path, store, bomb, prefect_harness):
    from typer.testing import CliRunner

    from pipeline.archive import Archive
    from pipeline.cli import app

    files = {"notes.txt": b"Field notes\n\nThe river was high that week.\n",
             "short.pdf": report_pdf(3), "thick.pdf": report_pdf(30), "bomb.pdf": bomb}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    registry = registry_with(tmp_path, "[settings.extract]\nmax_memory_mb = 600\n"
                                       "max_objects = 60\n",
                             {name.split(".")[0]: name for name in files})
    result = CliRunner().invoke(app, ["ingest", str(registry), "--store", str(store.root)])
    assert result.exit_code == 1, result.output
    archive = Archive(store)
    failures = {f["source_id"]: f for f in archive.read("failures").to_pylist()}
    assert set(failures) == {"thick", "bomb"}
    assert all(f["stage"] == "extract" and f["capture_sha256"] for f in failures.values())
    # the memory limit may pass another time; the object count comes with the bytes
    assert failures["bomb"]["error_class"] == "LimitExceeded"
    assert failures["thick"]["error_class"] == "ContentLimitExceeded"
    assert "600 MB memory limit" in failures["bomb"]["message"]
    assert "more than 60 objects" in failures["thick"]["message"]
    assert {d["doc_id"] for d in archive.read("documents").to_pylist()} == {"notes", "short"}


def test_the_extract_command_takes_the_limits_from_its_options(bomb, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    (tmp_path / "bomb.pdf").write_bytes(bomb)
    (tmp_path / "good.pdf").write_bytes(GOOD)
    files = [str(tmp_path / "bomb.pdf"), str(tmp_path / "good.pdf")]
    result = CliRunner().invoke(app, ["extract", *files, "--max-memory-mb", "600"])
    assert result.exit_code == 1
    assert "LimitExceeded" in result.output and "600 MB memory limit" in result.output
    assert line_of(2) in " ".join(result.output.split())  # the next file still extracts
    refused = CliRunner().invoke(app, ["extract", *files, "--max-seconds", "-1"])
    assert refused.exit_code == 2 and "must be 0 or more" in refused.output


def test_the_limit_options_help_shows_the_real_defaults():
    from typer.testing import CliRunner

    from pipeline.cli import app

    defaults = ExtractOptions()
    for command in ("extract", "reprocess"):
        output = CliRunner().invoke(app, [command, "--help"]).output
        shown = " ".join(output.replace("│", " ").split())  # rich wraps the help in a box
        assert f"(default: {defaults.max_seconds:g})" in shown
        assert f"(default: {defaults.max_memory_mb})" in shown
