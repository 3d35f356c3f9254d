"""PDF layouts the dev set lacks (issue #15), each a small page typeset here: the failure pattern
seen on held-out documents, fixed by method rather than for one file."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from pipeline.capture import read_local
from pipeline.extract import ExtractOptions, extract

BODY = ("The survey asked every household how far it lived from the nearest clinic and how often "
        "it could reach one in the rainy season, when most roads are closed for weeks at a time.")


def _extract(tmp_path: Path, draw) -> object:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    canvas.setFont("Times-Roman", 11)
    for row in range(12):
        start = (row * 45) % (len(BODY) - 45)
        canvas.drawString(72, 700 - 14 * row, BODY[start:start + 45] + " and so on")
    draw(canvas)
    canvas.showPage()
    canvas.save()
    path = tmp_path / "page.pdf"
    path.write_bytes(buffer.getvalue())
    capture, data = read_local(path, "pdf")
    return extract(data, capture, ExtractOptions())


def test_footer_date_is_no_note(tmp_path):
    """A journal's footer date under the text is small print opening with a number, but a day,
    a month and a year are no note label."""
    def footer(canvas):
        canvas.setFont("Times-Roman", 8)
        canvas.drawString(72, 60, "13 DECEMBER 1968")

    result = _extract(tmp_path, footer)
    assert not any(f.label == "13" for f in result.footnotes)
    assert any("13 DECEMBER 1968" in b.text for b in result.blocks) or any(
        "13 DECEMBER 1968" in r.text for r in result.removed)


def test_lone_chapter_page_number_on_a_one_page_document(tmp_path):
    """Repetition cannot prove a one-page document's page number; its shape and its place
    (alone in the bottom margin) can."""
    def number(canvas):
        canvas.setFont("Times-Roman", 9)
        canvas.drawCentredString(306, 40, "7-45")

    result = _extract(tmp_path, number)
    assert not any("7-45" in b.text for b in result.blocks)
    assert [r.rule for r in result.removed if r.text == "7-45"] == ["page-number"]


def test_dingbat_bullets_open_list_items(tmp_path):
    """Wingdings, ZapfDingbats and Symbol bullets map to letters or punctuation ("n", "!"),
    set smaller and a tab before their text: each opens a list item, not a paragraph of its
    own or a raised note label."""
    def bullets(canvas):
        for i, (font, code) in enumerate((("ZapfDingbats", "l"), ("Symbol", "\xb7"),
                                          ("ZapfDingbats", "n"))):
            canvas.setFont(font, 9)
            canvas.drawString(80, 480 - 16 * i, code)
            canvas.setFont("Times-Roman", 11)
            canvas.drawString(110, 480 - 16 * i, f"Item number {i} of the list")

    result = _extract(tmp_path, bullets)
    items = [b.text for b in result.blocks if b.kind == "list_item"]
    assert items == [f"• Item number {i} of the list" for i in range(3)]
