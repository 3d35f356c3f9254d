"""Trace and render read provenance from typed transform fields, never from their prose."""

import io
from datetime import datetime, timezone

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.archive import Archive, RunWriter
from pipeline.capture import read_local
from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.model import Source
from pipeline.query import Snapshot
from pipeline.rows import transforms_from_row
from pipeline.schema import arrow_schema
from pipeline.segment import segment

NOW = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)
PAGE_ONE = ["Brokers in Jilin province arrange marriages for a fee, and the women",
            "they sell are moved from village to village until the families who",
            "bought them register them under a new name, which leaves them without"]
PAGE_TWO = "papers of their own and at risk of arrest whenever they travel."


def continued_paragraph_pdf() -> bytes:
    """A paragraph whose last line on page 1 stops mid-sentence and goes on atop page 2."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("Helvetica", 11)
    for number, line in enumerate(PAGE_ONE):
        pdf.drawString(72, 160 - 14 * number, line)
    pdf.showPage()
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 770, PAGE_TWO)
    pdf.drawString(72, 736, "A second paragraph that ends here.")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def archive_with(tmp_path, store, data: bytes) -> Archive:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    capture, raw = read_local(path, "pdf")
    store.put_blob(raw)
    run = RunWriter("r1", NOW)
    run.add_capture(capture)
    run.add_document(segment("report", clean(extract(raw, capture))),
                     Source("report", capture.uri), capture, 1)
    archive = Archive(store)
    archive.commit(run)
    return archive


def test_trace_of_a_paragraph_continued_on_the_next_page_gives_its_second_box(tmp_path, store):
    archive = archive_with(tmp_path, store, continued_paragraph_pdf())
    row = next(p for p in archive.current("passages").to_pylist()
               if p["text"].startswith("Brokers"))
    assert row["text"].endswith(PAGE_TWO) and row["page_number"] == 1
    result = Snapshot(archive).trace(row["passage_id"])
    (part,) = result.parts
    assert part.page_number == 2
    x0, top, x1, bottom = part.bbox
    assert x0 == 72.0 and 60 < top < bottom < 80  # the first line of page 2 (842 pt high)
    assert PAGE_ONE[0] in result.snippet and PAGE_TWO in result.snippet


def test_rows_written_before_transforms_had_typed_fields_still_read(tmp_path, store):
    row = {name: None for name in arrow_schema("passages").names}
    row.update(passage_id="p1", doc_id="d", doc_version=1, ordinal=0, kind="paragraph",
               text="old", section_path=[], footnote_labels=[], capture_sha256="ab" * 32,
               extractor="pdf", extractor_version="1", pipeline_version="0", run_id="r0",
               transforms=[{"name": "join-break", "detail": "continued on page 2, bbox (1, 2, 3, 4)"}])
    schema = arrow_schema("passages")
    at = schema.get_field_index("transforms")
    legacy = schema.set(at, schema.field(at).with_type(pa.list_(pa.struct([
        pa.field("name", pa.string(), nullable=False), pa.field("detail", pa.string())]))))
    write_deltalake(Archive(store).uri("passages"), pa.Table.from_pylist([row], schema=legacy))
    archive = archive_with(tmp_path, store, continued_paragraph_pdf())  # appends new-style rows
    for version in (0, 1):  # as written, and merged into the newer contract
        table = DeltaTable(archive.uri("passages"), version=version).to_pyarrow_table()
        rows = {r["passage_id"]: r for r in table.to_pylist()}
        (transform,) = transforms_from_row(rows["p1"])
        assert transform.detail.startswith("continued") and transform.page_number is None
    assert any(t.page_number == 2 for r in rows.values() for t in transforms_from_row(r))
