"""PDF extractor (issue #4) on the typeset seed report and on hostile inputs made here."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.capture import read_local
from pipeline.errors import EncryptedPDF, NeedsOCR
from pipeline.extract import ExtractOptions, extract

REPORT = Path(__file__).resolve().parent.parent / "examples" / "pdf" / "hrnk-lives-for-sale.pdf"


@pytest.fixture(scope="module")
def report():
    capture, data = read_local(REPORT, "pdf")
    return extract(data, capture)


def _pdf_capture(tmp_path: Path, data: bytes):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return read_local(path, "pdf")


def test_report_body_headings_and_provenance(report):
    body = " ".join(b.text for b in report.blocks)
    assert "Tumen River" in body
    assert "who have become the victims" in body  # be-/come joined across the line break
    headings = [b.text for b in report.blocks if b.kind == "heading"]
    assert "Foreword" in headings and "Executive Summary" in headings
    assert all(b.locator.page_number and b.locator.bbox for b in report.blocks)
    assert report.meta.title.startswith("Lives for Sale")
    assert 0.99 <= report.meta.text_quality < 1.0  # a few glyphs the base-14 fonts lack


def test_report_page_numbers_removed_as_furniture(report):
    numbers = [r for r in report.removed if r.category == "furniture" and r.text.strip().isdigit()]
    assert len(numbers) >= 20
    assert all(r.locator.page_number and r.locator.bbox for r in numbers)


def test_image_only_pdf_needs_ocr(tmp_path):
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.rect(100, 100, 200, 200, fill=1)
    canvas.showPage()
    canvas.save()
    capture, data = _pdf_capture(tmp_path, buffer.getvalue())
    with pytest.raises(NeedsOCR):
        extract(data, capture, ExtractOptions())


def test_encrypted_pdf_with_user_password_is_refused(tmp_path):
    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt="secret")
    canvas.drawString(100, 700, "hidden text")
    canvas.showPage()
    canvas.save()
    capture, data = _pdf_capture(tmp_path, buffer.getvalue())
    with pytest.raises(EncryptedPDF):
        extract(data, capture, ExtractOptions())
