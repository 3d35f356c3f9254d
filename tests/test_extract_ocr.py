"""OCR (issue #16) on scans generated here: a PDF typeset with reportlab is rendered by PDFium
into page images and image-only PDFs, so the expected text is known. Pages are small and
rendered at 150 dpi to keep the recogniser's work (and the suite) short."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from dataclasses import replace
from datetime import datetime, timezone
from difflib import SequenceMatcher

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from pipeline.capture import read_local, sniff
from pipeline.cli import app
from pipeline.errors import ExtractError, LimitExceeded, NeedsOCR
from pipeline.extract import ExtractOptions, extract
from pipeline.extract.ocr.engine import OcrChar, OcrLine, OcrPage, _chars, _with_marker, ink_mask
from pipeline.extract.ocr.textlayer import judge
from pipeline.extract.pdf.lines import Line
from pipeline.extract.pdf.pages import PageData
from pipeline.model import Capture
from pipeline.registry import load_registry

DPI = 150
PAGE = (360, 240)
"""Points: a small page keeps each OCR run to a second or two."""
LINES = ["Brokers in Jilin province arrange", "marriages for a fee, and most women",
         "interviewed had been sold twice."]
SECOND = ["The border guards were paid to look", "away while the trucks crossed."]


def typeset(pages: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE)
    for lines in pages:
        canvas.setFont("Helvetica", 14)
        for i, line in enumerate(lines):
            canvas.drawString(24, PAGE[1] - 48 - 20 * i, line)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rendered(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    return [page.render(scale=dpi / 72, grayscale=True).to_pil().copy() for page in document]


def image_bytes(images: list[Image.Image], fmt: str, dpi: int = DPI) -> bytes:
    buffer = io.BytesIO()
    if fmt == "PDF":
        images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    else:
        images[0].save(buffer, fmt, dpi=(dpi, dpi), save_all=len(images) > 1,
                       append_images=images[1:])
    return buffer.getvalue()


def capture_of(data: bytes, name: str = "scan") -> Capture:
    media_type, kind = sniff(data, None, name)
    return Capture(source_id="scan", uri=name, captured_at=datetime.now(timezone.utc),
                   sha256="0" * 64, size=len(data), media_type=media_type, kind=kind)


def words(text: str) -> list[str]:
    return text.replace("\n", " ").split()


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    return rendered(typeset([LINES, SECOND]))


@pytest.fixture(scope="module")
def tiff(pages):
    data = image_bytes(pages, "TIFF")
    return extract(data, capture_of(data))


def test_a_multipage_tiff_is_read_page_by_page_with_ocr_provenance(tiff):
    assert tiff.extractor == "ocr"
    by_page = {b.locator.page_number: b for b in tiff.blocks}
    assert words(by_page[1].text) == words(" ".join(LINES))
    assert words(by_page[2].text) == words(" ".join(SECOND))
    for block in tiff.blocks:
        ocr = block.transforms[0]
        assert ocr.name == "ocr" and "rapidocr" in ocr.detail and "150 dpi" in ocr.detail
        assert ocr.evidence.startswith("image:")
        x0, top, x1, bottom = block.locator.bbox  # points at the image's resolution
        assert 20 <= x0 <= 30 and x1 <= PAGE[0] and 0 < top < bottom <= PAGE[1]
    assert 0.9 <= tiff.meta.text_quality <= 1.0
    decisions = [t for t in tiff.transforms if t.name == "ocr-page"]
    assert [t.page_number for t in decisions] == [1, 2]


@pytest.mark.parametrize("fmt", ["TIFF", "PDF"])
def test_the_heap_a_page_freed_is_handed_back_after_each_ocrd_page(pages, fmt, monkeypatch):
    """glibc kept each page's freed arrays, so a 57-page scan's resident memory drifted from
    about 850 to 1,200 MB while its live memory stayed flat: a long scan must not grow."""
    import pipeline.extract.ocr.extractor as image_ocr
    import pipeline.extract.ocr.pages as pdf_ocr
    from pipeline.extract.dispatch import extract_in_process

    trims: list[int] = []
    for module in (image_ocr, pdf_ocr):
        monkeypatch.setattr(module, "release_freed_memory", lambda: trims.append(1))
    data = image_bytes(pages, fmt)
    extract_in_process(data, capture_of(data), ExtractOptions())
    assert len(trims) == len(pages)


def test_each_ocr_word_is_recorded_with_its_confidence_and_box(tiff):
    """The ``ocr-words`` transform lists the block's words as read, in order, each with a
    confidence and a box in the block's (the workbench colours them by confidence)."""
    for block in tiff.blocks:
        recorded = [t for t in block.transforms if t.name == "ocr-words"]
        assert len(recorded) == 1 and recorded[0].page_number == block.locator.page_number
        read = json.loads(recorded[0].evidence)
        assert [w[0] for w in read] == words(block.text)
        assert all(0.5 <= w[1] <= 1.0 for w in read)
        x0, top, x1, bottom = block.locator.bbox
        for _, _, wx0, wtop, wx1, wbottom in read:  # the line's height: the detector's box
            assert x0 - 1 <= wx0 < wx1 <= x1 + 1 and wtop < wbottom
            assert top <= (wtop + wbottom) / 2 <= bottom
        lefts = [w[2] for w in read[:4]]  # the first line's words, left to right
        assert lefts == sorted(lefts)
        assert f"{len(read)} words read" in recorded[0].detail


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_pages_are_read(pages, fmt):
    data = image_bytes(pages[:1], fmt)
    extraction = extract(data, capture_of(data))
    assert words(" ".join(b.text for b in extraction.blocks)) == words(" ".join(LINES))


def test_a_jpeg_named_file_holding_a_png_is_read_as_the_png(tmp_path, pages):
    path = tmp_path / "scan.jpg"
    path.write_bytes(image_bytes(pages[1:], "PNG"))
    capture, data = read_local(path)
    assert (capture.kind, capture.media_type) == ("image", "image/png")
    assert words(extract(data, capture).blocks[0].text) == words(" ".join(SECOND))


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_turned_pages_read_upright_and_boxes_stay_on_the_page_as_given(pages, angle):
    turned = pages[0].rotate(angle, expand=True)  # counter-clockwise
    data = image_bytes([turned], "PNG")
    extraction = extract(data, capture_of(data))
    assert words(" ".join(b.text for b in extraction.blocks)) == words(" ".join(LINES))
    page = [t for t in extraction.transforms if t.name == "ocr-page"][0]
    assert f"rotated {angle}°" in page.detail  # turned clockwise by what PIL turned it back
    width, height = turned.width * 72 / DPI, turned.height * 72 / DPI
    x0, top, x1, bottom = extraction.blocks[0].locator.bbox
    assert 0 <= x0 < x1 <= width + 1 and 0 <= top < bottom <= height + 1
    if angle in (90, 270):  # the text runs down the page as given
        assert bottom - top > x1 - x0


def test_a_page_skewed_by_two_degrees_is_levelled(pages):
    skewed = pages[0].rotate(2, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    data = image_bytes([skewed], "PNG")
    extraction = extract(data, capture_of(data))
    assert words(" ".join(b.text for b in extraction.blocks)) == words(" ".join(LINES))
    page = [t for t in extraction.transforms if t.name == "ocr-page"][0]
    skew = float(re.search(r"deskewed (-?[\d.]+)°", page.detail).group(1))
    assert 1.5 <= skew <= 2.5  # the page's lines rose by 2°


@pytest.fixture
def engine_calls(monkeypatch) -> dict[str, int]:
    """How often the OCR engine detects a page's lines and probes a direction."""
    from pipeline.extract.ocr import engine

    calls = {"detect": 0, "probe": 0}

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(engine, "_detect", counted("detect", engine._detect))
    monkeypatch.setattr(engine, "_probe", counted("probe", engine._probe))
    return calls


def test_an_upright_page_is_read_once_without_a_direction_probe(pages, engine_calls):
    """Speed (#16): an upright page's direction is told by its own reading, not by reading
    its widest lines first (a tenth of a page's CPU). An upside-down page still is probed
    and read turned (test_turned_pages_read_upright...)."""
    from pipeline.extract.ocr import engine

    page = engine.read_page(pages[0])
    assert (page.rotation, page.skew) == (0, 0.0)
    assert words(" ".join(line.text for line in page.lines)) == words(" ".join(LINES))
    assert engine_calls == {"detect": 1, "probe": 0}


def test_a_skewed_page_is_levelled_from_its_ink_and_detected_once(pages, engine_calls):
    """Speed (#16): the slope of a skewed page's lines is read from its ink (the rows' ink
    counts are most uneven along it), so the detector runs once, on the levelled page. The
    slope was measured on the lines detected on the page as given, which were then detected
    again on the levelled page: a quarter of a skewed page's CPU."""
    from pipeline.extract.ocr import engine

    for angle in (2, -1.5):
        skewed = pages[0].rotate(angle, expand=True, fillcolor=255,
                                 resample=Image.Resampling.BICUBIC)
        page = engine.read_page(skewed)
        assert page.rotation == 0 and abs(page.skew - angle) <= 0.2
        assert words(" ".join(line.text for line in page.lines)) == words(" ".join(LINES))
    assert engine_calls == {"detect": 2, "probe": 0}


def test_an_image_only_pdf_is_ocrd_unless_the_source_says_never(pages):
    data = image_bytes(pages, "PDF")
    extraction = extract(data, capture_of(data))
    assert extraction.extractor == "pdf"
    by_page = {b.locator.page_number: b.text for b in extraction.blocks}
    assert words(by_page[1]) == words(" ".join(LINES))
    assert all(b.transforms[0].name == "ocr" for b in extraction.blocks)
    decisions = {t.page_number: t for t in extraction.transforms if t.name == "ocr-page"}
    assert set(decisions) == {1, 2} and "(no-text)" in decisions[1].detail
    with pytest.raises(NeedsOCR):
        extract(data, capture_of(data), ExtractOptions(ocr="never"))


def mixed_pdf(pages: list[Image.Image], junk: list[str] | None = None) -> bytes:
    """Page 1 born-digital; page 2 a scan of SECOND, under an invisible text layer ``junk``."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE)
    canvas.setFont("Helvetica", 14)
    for i, line in enumerate(LINES):
        canvas.drawString(24, PAGE[1] - 48 - 20 * i, line)
    canvas.showPage()
    canvas.drawImage(ImageReader(pages[1]), 0, 0, *PAGE)
    if junk:
        text = canvas.beginText(24, PAGE[1] - 48)
        text.setTextRenderMode(3)  # invisible, as OCR layers are
        text.setFont("Helvetica", 8)
        for line in junk:
            text.textLine(line)
        canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_mixed_pdf_reads_its_text_page_and_ocrs_its_scan(pages):
    data = mixed_pdf(pages)
    extraction = extract(data, capture_of(data))
    first = [b for b in extraction.blocks if b.locator.page_number == 1]
    second = [b for b in extraction.blocks if b.locator.page_number == 2]
    assert all(t.name != "ocr" for b in first for t in b.transforms)
    assert words(" ".join(b.text for b in second)) == words(" ".join(SECOND))
    assert all(b.transforms[0].name == "ocr" for b in second)
    assert [t.page_number for t in extraction.transforms if t.name == "ocr-page"] == [2]


def test_a_junk_text_layer_on_a_scan_is_replaced_with_the_evidence(pages):
    junk = ["Thebordergnardswerepaidtolookaway whiletbetrucksorossed ofthe tbe"] * 4
    data = mixed_pdf(pages, junk)
    extraction = extract(data, capture_of(data))
    second = " ".join(b.text for b in extraction.blocks if b.locator.page_number == 2)
    assert words(second) == words(" ".join(SECOND))
    decision = [t for t in extraction.transforms if t.name == "ocr-page"][0]
    assert decision.page_number == 2 and "glued" in decision.evidence
    assert "(glued-words)" in decision.detail or "(non-words)" in decision.detail


def page_data(texts: list[str], *, scanned: bool = True, bad: int = 0,
              x0: float = 72.0) -> PageData:
    lines = [Line(1, x0, 100.0 + 14 * i, x0 + 400, 110.0 + 14 * i, text, 10.0, 0.0, False,
                  chars=len(text)) for i, text in enumerate(texts)]
    glyphs = sum(line.chars for line in lines)
    images = [(0.0, 0.0, 612.0, 792.0)] if scanned else []
    return PageData(1, 612.0, 792.0, lines, [], [], [], images, [], "", glyphs, bad)


PROSE = ["The committee met on Tuesday to discuss the budget for the coming year and the",
         "members agreed that the report should be published before the summer recess."]


@pytest.mark.parametrize("page, ocr, reason", [
    (page_data(PROSE), False, "usable"),
    (page_data(["Thecommitteemetontuesdaytodiscuss thebudgetforthecomingyear andthe"] * 3),
     True, "glued-words"),
    (page_data(["Tbe cornmittee rnet ou Tnesday tc disouss tbe budgct fcr tbe ccming yeer"] * 3),
     True, "non-words"),
    (page_data(["Tbe cornmittee rnet ou Tnesday tc disouss tbe budgct fcr tbe"] * 3,
               scanned=False), False, "usable"),  # born-digital: unknown words are no junk
    (page_data(PROSE, bad=120), True, "unmapped-glyphs"),
    (page_data(PROSE, x0=900.0), True, "outside-page"),
    (page_data([]), True, "no-text"),
    (page_data([], scanned=False), False, "no-text"),
])
def test_the_text_layer_verdict(page, ocr, reason):
    verdict = judge(page)
    assert (verdict.ocr, verdict.reason) == (ocr, reason), verdict.evidence


def test_a_blank_scan_is_a_clear_failure():
    data = image_bytes([Image.new("L", (600, 400), 255)], "PNG")
    with pytest.raises(ExtractError, match="OCR found no text"):
        extract(data, capture_of(data))


def test_a_photograph_gives_a_clear_result():
    photo = Image.radial_gradient("L").resize((600, 400))
    ImageDraw.Draw(photo).ellipse((200, 100, 400, 300), fill=30)
    data = image_bytes([photo], "JPEG")
    try:
        extraction = extract(data, capture_of(data))
    except ExtractError as error:
        assert "OCR found no text" in error.message
    else:
        assert all(b.transforms[0].name == "ocr" for b in extraction.blocks)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (its pixel data is a few bytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def test_a_20000_pixel_square_image_is_refused_before_decoding():
    data = png_header(20_000, 20_000)
    with pytest.raises(LimitExceeded, match="too large|pixel limit"):
        extract(data, capture_of(data))


def test_a_corrupt_tiff_is_a_clear_failure(pages):
    data = image_bytes(pages[:1], "TIFF")
    cut = data[:len(data) // 3]
    with pytest.raises(ExtractError, match="TIFF|decoded|image"):
        extract(cut, capture_of(cut))


def test_ocr_mode_per_source_and_on_the_command_line(tmp_path, pages):
    registry = tmp_path / "sources.toml"
    registry.write_text('[[source]]\nid = "a"\nuri = "a.pdf"\nocr = "never"\n')
    assert load_registry(registry).sources[0].ocr == "never"
    registry.write_text('[[source]]\nid = "a"\nuri = "a.pdf"\nocr = "sometimes"\n')
    with pytest.raises(Exception, match="ocr 'sometimes' is not one of auto, always, never"):
        load_registry(registry)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_bytes(pages[1:], "PDF"))
    result = CliRunner().invoke(app, ["extract", str(scan), "--ocr", "never"])
    assert result.exit_code == 1 and "NeedsOCR" in result.output
    result = CliRunner().invoke(app, ["extract", str(scan)])
    assert result.exit_code == 0 and " ".join(SECOND) in " ".join(words(result.output))


JUNK = ["Thebordergnardswerepaidtolookaway whiletbetrucksorossed ofthe tbe"] * 4


def test_a_folder_entrys_ocr_setting_reaches_its_children_and_reprocess(tmp_path, pages,
                                                                         prefect_harness):
    """A folder entry's ``ocr = "never"`` holds for its documents at ingest and again when
    they are reprocessed (the setting is recorded on the document); ``reprocess --ocr``
    overrides it."""
    from flows.ingest import run_ingest
    from pipeline.archive import Archive
    from pipeline.reprocess import reprocess
    from pipeline.store import Store

    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "junk.pdf").write_bytes(mixed_pdf(pages, JUNK))
    registry = tmp_path / "sources.toml"
    registry.write_text('[[source]]\nid = "scans"\nuri = "scans"\nkind = "folder"\n'
                        'ocr = "never"\n')
    store = tmp_path / "store"
    assert run_ingest(str(registry), str(store)).outcomes == {"scans/junk.pdf": "new"}
    archive = Archive(Store.at(store))

    def page_two() -> str:
        passages = archive.current("passages").to_pylist()
        return " ".join(p["text"] for p in passages if p["page_number"] == 2)

    assert "Thebordergnardswerepaidtolookaway" in page_two()  # the layer kept, not OCR'd
    document = archive.current("documents").to_pylist()[0]
    assert [t["evidence"] for t in document["transforms"] if t["name"] == "ocr-setting"] \
        == ["never"]
    assert reprocess(archive).outcomes == {"scans/junk.pdf": "unchanged"}
    assert reprocess(archive, ocr="auto").outcomes == {"scans/junk.pdf": "changed"}
    assert words(page_two()) == words(" ".join(SECOND))


def test_show_page_draws_the_ocr_passages_of_a_page_image(tmp_path, pages, prefect_harness):
    """``archivist show --page`` renders a page image as it renders a PDF page: the page at
    100 ppi with each passage's box (points at the image's dpi) drawn in red."""
    from flows.ingest import run_ingest
    from pipeline.archive import Archive
    from pipeline.store import Store

    (tmp_path / "scan.png").write_bytes(image_bytes(pages[:1], "PNG"))
    registry = tmp_path / "sources.toml"
    registry.write_text('[[source]]\nid = "scan"\nuri = "scan.png"\n')
    store = tmp_path / "store"
    assert run_ingest(str(registry), str(store)).outcomes == {"scan": "new"}
    passage = Archive(Store.at(store)).current("passages").to_pylist()[0]
    out = tmp_path / "page.png"
    result = CliRunner().invoke(app, ["show", "scan", "--store", str(store), "--page", "1",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    drawn = Image.open(out).convert("RGB")
    assert abs(drawn.width - PAGE[0] * 100 / 72) <= 1  # the page as a PDF page is drawn
    assert abs(drawn.height - PAGE[1] * 100 / 72) <= 1
    x0, top, x1, bottom = (v * 100 / 72 for v in passage["bbox"])
    red, green, blue = drawn.getpixel((round((x0 + x1) / 2), round(top)))  # the box's top edge
    assert red > 180 and green < 120 and blue < 120
    result = CliRunner().invoke(app, ["show", "scan", "--store", str(store), "--page", "2",
                                      "--out", str(out)])
    assert result.exit_code == 1 and "pages 1 to 1" in result.output


LEFT = ("Archivists in the northern provinces kept careful records of every marriage and every "
        "sale, and the ledgers they left show how the trade moved from village to village over "
        "a decade. Brokers paid officials to look away, and the fees rose each winter as the "
        "border closed. Families who could not pay were left with nothing but their names, "
        "written in the margins of heavy books that the clerks carried from one office to the "
        "next, and the books were copied again whenever a new clerk arrived from the capital "
        "with orders to count the villages and the people who still lived in them.")
RIGHT = ("Investigators who read the ledgers in the spring found that most entries had been "
         "copied twice, once by the broker and once by the clerk who took a share of the fee. "
         "Where the two copies differ, the clerk's copy is usually the more honest, since he "
         "had less to hide from his superiors than the broker had from the police. The "
         "differences between the copies are small, a few coins here and a name there, but "
         "over ten years they add up to hundreds of women whose sale was recorded only once, "
         "and the investigators have begun to trace those women through the later records.")


def two_columns() -> bytes:
    """A page set like TeX's two columns: justified 10-point Times, a 10-point gutter, the
    rows of both columns on shared baselines (so the detector runs lines across it)."""
    buffer = io.BytesIO()
    width, column, gutter = 400.0, 185.0, 10.0
    canvas = Canvas(buffer, pagesize=(width, 230))
    for x, paragraph in ((10.0, LEFT), (10.0 + column + gutter, RIGHT)):
        lines = simpleSplit(paragraph, "Times-Roman", 10, column)
        for i, line in enumerate(lines):
            text = canvas.beginText(x, 210 - 12 * i)
            text.setFont("Times-Roman", 10)
            if i < len(lines) - 1:  # justified: the spaces stretched to the column's width
                text.setWordSpace((column - canvas.stringWidth(line, "Times-Roman", 10))
                                  / line.count(" "))
            text.textLine(line)
            canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_two_column_scan_reads_column_by_column():
    """Columns are found on OCR lines by the PDF layout code: word boxes fitted to the ink and
    widened to advance boxes line the column edges up as a PDF's do (#16: the columns of a
    scanned two-column page came out interleaved, order 0.39)."""
    data = image_bytes(rendered(two_columns(), dpi=200), "PNG", dpi=200)
    extraction = extract(data, capture_of(data))
    got = words(" ".join(b.text for b in extraction.blocks))
    expected = words(LEFT + " " + RIGHT)
    assert SequenceMatcher(None, got, expected).ratio() >= 0.97, got
    assert got.index("Investigators") > got.index("them.")


def noted_page() -> bytes:
    """Body text, a separator rule and a numbered note under it, as a report sets them (the
    body's marker left out, as OCR loses small raised digits past a line's end)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 300))
    canvas.setFont("Times-Roman", 12)
    for i, line in enumerate(simpleSplit(LEFT, "Times-Roman", 12, 340)[:8]):
        canvas.drawString(30, 270 - 15 * i, line)
    canvas.line(30, 118, 150, 118)
    canvas.setFont("Times-Roman", 8)
    canvas.drawString(30, 104, "1")
    canvas.drawString(36, 104, "Provincial ledgers, 1998-2008, held by the county archive.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_scanned_note_under_its_separator_rule_is_a_footnote():
    """The rule above a scan's note area is read from the ink (a PDF draws it as a vector
    graphic) and is evidence of a note even when its number is cited by no marker OCR read
    (#16: 1 of 64 footnotes of the scanned sample report were found)."""
    data = image_bytes(rendered(noted_page(), dpi=200), "PNG", dpi=200)
    extraction = extract(data, capture_of(data))
    assert [f.label for f in extraction.footnotes] == ["1"]
    assert words(extraction.footnotes[0].text) == words(
        "Provincial ledgers, 1998-2008, held by the county archive.")
    assert not any("Provincial" in b.text for b in extraction.blocks)



MARKED = ("People within the lowest classes might well have an inclination to leave the country "
          "more readily than those from privileged classes, and this may be one of the reasons "
          "why most refugees come from the northeast.<super>10</super> Following others who "
          "had already left was yet another motive.<super>11</super> People in the north know "
          "very little about living standards and conditions across the river, and all forms "
          "of cultural and media activities are under the tight control of the "
          "government.<super>12</super> News stories in the official radio and television "
          "broadcasts are heavily censored.")
SHORT = "in one case or more.<super>13</super>"
"""A paragraph's last line with no capital or ascender: its ink rows are lower than its
marker's, so the marker's box is the taller of the two."""
NOTES = ["Interview in Yanji, 2008.", "Interview in Tumen, 2008.",
         "Provincial ledgers held by the county archive.", "Interview in Seoul, 2009."]


def marked_page() -> bytes:
    """A justified paragraph with raised note markers set as the sample report sets them
    (Times 10.5 pt, reportlab superscripts), a rule and the notes under it."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(540, 300))
    style = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=13.5,
                           alignment=TA_JUSTIFY)
    paragraph = Paragraph(MARKED, style)
    _, height = paragraph.wrap(470, 300)
    paragraph.drawOn(canvas, 35, 280 - height)
    short = Paragraph(SHORT, style)
    short.wrap(470, 300)
    short.drawOn(canvas, 35, 280 - height - 20)
    canvas.line(35, 150, 185, 150)
    canvas.setFont("Times-Roman", 8)
    for i, note in enumerate(NOTES):
        canvas.drawString(35, 136 - 10 * i, f"{i + 10} {note}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()



def test_a_raised_one_read_by_its_line_and_on_its_own_stays_one_character():
    """A note label ``1`` at a line's start: its ink is a stroke two pixels wide, while the
    line's reading gave the ``1`` a cell ten pixels wide centred just past that stroke. The
    marker's own reading replaces it, rather than standing beside it as ``11``."""
    ink = np.zeros((60, 300), dtype=bool)
    ink[41:60, 137:139] = True
    chars = (OcrChar("1", 135, 145, 0.9), OcrChar(" ", 145, 154, 0.9),
             OcrChar("B", 154, 163, 0.9), OcrChar("e", 163, 173, 0.9))
    line = OcrLine("1 Be", (135.0, 45.0, 173.0, 60.0), 0.9, chars)
    marked = _with_marker(line, "1", 0.94, ink, (137, 41, 139, 60))
    assert marked.text == "1 Be"
    assert [c.text for c in marked.chars] == ["1", " ", "B", "e"]

def test_raised_markers_inside_and_past_lines_link_their_notes():
    """A raised marker makes a bump on its line's contour for the text detector, so the
    line's box scored too low and the whole line was lost, or it is a contour of its own past
    the line's end (taller than a last line with no capitals): each is read as part of its
    line, so every note is cited (#16: 25 of 56 notes linked on the scanned sample report)."""
    data = image_bytes(rendered(marked_page(), dpi=200), "PNG", dpi=200)
    extraction = extract(data, capture_of(data))
    cited = [label for b in extraction.blocks for label in b.footnote_refs]
    assert [f.label for f in extraction.footnotes] == ["10", "11", "12", "13"]
    assert cited == ["10", "11", "12", "13"], [b.text for b in extraction.blocks]
    body = words(" ".join(b.text for b in extraction.blocks))
    assert body == words(re.sub(r"<super>\d+</super>", "", f"{MARKED} {SHORT}")), body



def glued_page() -> bytes:
    """A body line with a raised marker glued after a closing quote, a note line whose label
    holds a 4, and a line with a raised marker glued after a full stop, set with reportlab."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 130))
    for baseline, before, marker, after in ((100, "they break the promise.\u201d", "13",
                                             "They knew it."),
                                            (40, "its inland areas.", "23", "In fact, a concern")):
        canvas.setFont("Times-Roman", 10.5)
        canvas.drawString(20, baseline, before)
        x = 20 + canvas.stringWidth(before, "Times-Roman", 10.5)
        canvas.setFont("Times-Roman", 8.5)
        canvas.drawString(x, baseline + 4.5, marker)
        x += canvas.stringWidth(marker, "Times-Roman", 8.5) + 4
        canvas.setFont("Times-Roman", 10.5)
        canvas.drawString(x, baseline, after)
    canvas.setFont("Times-Roman", 8)
    canvas.drawString(20, 70, "54 Interview in Tumen, 2009.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def ocr_line(glyphs: list[dict], text: str, baseline: float, x0: float = 0.0,
             x1: float = 300.0) -> OcrLine:
    """``text`` as the recogniser would give it, each character where the PDF set it (the
    glyphs on the row at ``baseline`` between ``x0`` and ``x1``, points), the line's box
    around them (pixels at 200 dpi)."""
    scale, height = 200 / 72, 130
    row = sorted((g for g in glyphs if abs(g["y0"] - baseline) < 6 and g["text"].strip()
                  and x0 <= g["x0"] < x1), key=lambda g: g["x0"])
    chars: list[OcrChar] = []
    for g in row:
        if text[len(chars)] == " ":
            chars.append(OcrChar(" ", chars[-1].x1, g["x0"] * scale, 1.0))
        chars.append(OcrChar(g["text"], g["x0"] * scale, g["x1"] * scale, 1.0))
    box = (chars[0].x0, (height - baseline - 9) * scale, chars[-1].x1,
           (height - baseline + 3) * scale)
    return OcrLine(text, box, 1.0, tuple(chars))


@pytest.fixture(scope="module")
def glued() -> tuple[Image.Image, list[dict]]:
    import pdfplumber

    pdf = glued_page()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return rendered(pdf, dpi=200)[0].convert("L"), document.pages[0].chars


def layout_lines(image: Image.Image, lines: list[OcrLine]) -> list[Line]:
    from pipeline.extract.ocr.chars import page_chars
    from pipeline.extract.pdf.lines import page_lines

    page = OcrPage(image, tuple(lines), 0, 0.0, image.size, ink_mask(np.asarray(image)))
    return page_lines(page_chars(page, 200)[0], 1)


def test_a_raised_run_is_found_from_its_ink_wherever_the_recogniser_put_it(glued):
    """A marker run is raised when a glyph within 0.3 em of where it starts stands raised,
    and takes the raised glyphs next to it. The recogniser places the digits of a raised
    marker roughly: on the scanned sample report ``promise.\u201d13`` had its ``3`` placed over
    the gap to the next word (the middle of its box held no ink: not raised, marker lost), and
    the middle of a label's ``4`` held only its crossbar (``54`` read as ``5`` and a raised
    ``4``: the note lost its label). Each character's box here is where the PDF sets it, the
    marker's placed late as the recogniser had it there (points from the marker's box: 2.5-8.5
    and 8.5-14, its ink ending before 8.5 and the next word starting at 12.5)."""
    image, glyphs = glued
    scale = 200 / 72
    body = ocr_line(glyphs, "they break the promise.\u201d13 They knew it.", 100)
    chars = list(body.chars)
    one = next(i for i, c in enumerate(chars) if c.text == "1")
    x = chars[one].x0
    chars[one:one + 3] = [OcrChar("1", x + 2.5 * scale, x + 8.5 * scale, 1.0),
                          OcrChar("3", x + 8.5 * scale, x + 14 * scale, 1.0),
                          OcrChar(" ", x + 14 * scale, chars[one + 3].x0, 1.0)]
    note = ocr_line(glyphs, "54 Interview in Tumen, 2009.", 70)
    got, label = layout_lines(image, [replace(body, chars=tuple(chars)), note])
    assert got.text == "they break the promise.\u201d They knew it."
    assert [raised for _, raised in got.raised] == ["13"]
    assert (label.text, label.raised, label.lead_label) == ("54 Interview in Tumen, 2009.", [], "")


def test_a_row_split_at_its_marker_keeps_the_marker(glued):
    """The detector split a row at its raised marker into two boxes that both held the
    marker's ink (``areas.`` and ``23 In fact``): the word fitted to the ink stood over the
    marker, which joined no line (#16: notes 23, 24 and 60 of the scanned sample report)."""
    image, glyphs = glued
    marker = min(g["x0"] for g in glyphs if g["text"] == "2" and 40 < g["y0"] < 50)
    left = ocr_line(glyphs, "its inland areas.", 40, x1=marker)
    right = ocr_line(glyphs, "23 In fact, a concern", 40, x0=marker)
    left = replace(left, box=(left.box[0], left.box[1], right.chars[1].x1, left.box[3]))
    lines = layout_lines(image, [left, right])
    assert [(line.text, [r for _, r in line.raised]) for line in lines] == [
        ("its inland areas. In fact, a concern", ["23"])]


def cited_page(body: list[tuple[str, str]], notes: list[str]) -> bytes:
    """A text-layer page standing in for what OCR read: body lines (Times 10.5), each with a
    raised number set after it as a marker ("" for none), a separator rule and the notes
    (Times 8) under it, one a line."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(540, 400))
    y = 370.0
    for text, marker in body:
        canvas.setFont("Times-Roman", 10.5)
        canvas.drawString(40, y, text)
        if marker:
            canvas.setFont("Times-Roman", 6.8)
            canvas.drawString(40 + canvas.stringWidth(text, "Times-Roman", 10.5) + 0.3, y + 4.2,
                              marker)
        y -= 13.5
    canvas.line(40, y - 6, 180, y - 6)
    canvas.setFont("Times-Roman", 8)
    for note in notes:
        y -= 20 if note is notes[0] else 10
        canvas.drawString(40, y, note)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_misread_markers_are_resolved_by_the_notes_sequence():
    """OCR misreads raised markers (``400`` for 40, ``3`` for 37, ``49`` for 39): a raised
    number one digit off the one label its place in the sequence leaves uncited, or paired in
    order with as many uncited labels, cites that note (#16: 12 of the scanned sample report's
    notes were found but cited by no marker). A raised number that no label fits stays text."""
    body = [("The survey asked every household how far it lived from the clinic.", "36"),
            ("Most roads are closed for weeks at a time in the rainy season.", "3"),
            ("The clinic was rebuilt in the dry season of the following year.", "38"),
            ("Its new ward has a floor area of 40 m", "2"),
            ("and the nurses were trained in the capital for half a year.", "49"),
            ("Their wages were paid by the provincial government until it ran out.", "400")]
    notes = [f"{n} Interview with a nurse, {2000 + n}." for n in range(36, 41)]
    data = cited_page(body, notes)
    extraction = extract(data, capture_of(data, "cited.pdf"))
    assert [f.label for f in extraction.footnotes] == ["36", "37", "38", "39", "40"]
    assert [label for b in extraction.blocks for label in b.footnote_refs] == [
        "36", "37", "38", "39", "40"]
    assert "40 m2" in " ".join(b.text for b in extraction.blocks)
    assert any("read '400'" in t.detail for b in extraction.blocks for t in b.transforms)


def test_a_note_label_glued_to_an_opening_quote_opens_its_note():
    """OCR drops the space between a note's number and an opening quote (``30“Sexual health
    …”``): the number still labels the note, which was run into the note before it."""
    body = [("The survey asked every household how far it lived from the clinic.", "41"),
            ("Most roads are closed for weeks at a time in the rainy season.", "42")]
    notes = ["41\u201cOver 50,000 Women Rescued,\u201d People's Daily, 2005.",
             "42 Interview with a nurse, 2008."]
    data = cited_page(body, notes)
    extraction = extract(data, capture_of(data, "quoted.pdf"))
    assert [(f.label, f.text) for f in extraction.footnotes] == [
        ("41", "\u201cOver 50,000 Women Rescued,\u201d People's Daily, 2005."),
        ("42", "Interview with a nurse, 2008.")]


def spaced_page() -> bytes:
    """``model, compartmental model`` set loosely and a compound whose hyphen stands 0.45 em
    after its ``r`` (set apart here as a wide-bearing face sets it), in 10.5-point Times."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(300, 130))  # ocr_line's page height
    text = canvas.beginText(20, 70)
    text.setFont("Times-Roman", 10.5)
    text.setCharSpace(1)  # set loosely: each letter's ink a run of its own, as at 300 dpi
    text.textLine("superposition model, compartmental model")
    canvas.drawText(text)
    canvas.setFont("Times-Roman", 10.5)
    canvas.drawString(20, 40, "in brief user")
    x = 20 + canvas.stringWidth("in brief user", "Times-Roman", 10.5) + 0.45 * 10.5
    canvas.drawString(x, 40, "-accessible functions")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def spaced() -> tuple[Image.Image, list[dict]]:
    import pdfplumber

    pdf = spaced_page()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return rendered(pdf, dpi=200)[0].convert("L"), document.pages[0].chars


def test_words_are_parted_at_the_widest_ink_gap_near_the_recognisers_space(spaced):
    """The recogniser's cell for a word's last character may run a glyph's width past its
    ink, over the next word's first letter: that letter's ink went to the word before (#16:
    ``model,c ompartmen-tal`` and ``abuses.T his`` on the scanned bench PDFs). The words are
    parted at the widest gap near where the recogniser put the space."""
    image, glyphs = spaced
    line = ocr_line(glyphs, "superposition model, compartmental model", 70, x1=300)
    chars = list(line.chars)
    comma = next(i for i, c in enumerate(chars) if c.text == ",")
    c = chars[comma + 2]
    late = c.x0 + 0.7 * (c.x1 - c.x0)  # the comma's cell runs on over most of the c
    chars[comma] = replace(chars[comma], x1=late)
    chars[comma + 1] = OcrChar(" ", late, late + 1, 1.0)
    chars[comma + 2] = replace(c, x0=late + 1, x1=max(c.x1, late + 2))
    (got,) = layout_lines(image, [replace(line, chars=tuple(chars))])
    assert got.text == "superposition model, compartmental model"


def test_no_space_is_put_beside_a_hyphen(spaced):
    """An ink gap as wide as a word space inside a recognised word is a space the recogniser
    dropped, but not beside a hyphen: its glyph stands in wide side bearings of its own (#16:
    ``user -accessible`` on a Computer Modern page)."""
    image, glyphs = spaced
    line = ocr_line(glyphs, "in brief user-accessible functions", 40, x1=300)
    # the characters of a word touch, as the engine hands them on
    line = replace(line, chars=_chars(line.text, [(c.text, 1.0, c.x0, c.x1) for c in line.chars
                                                  if c.text != " "], line.box))
    assert [l.text for l in layout_lines(image, [line])] == ["in brief user-accessible functions"]


def test_a_picture_beside_a_title_does_not_take_its_lines_in():
    """A journal's masthead: a picture with the journal's name beside it and a line of small
    print under the name. The picture's box is no line of text; joined to the lines beside it
    as one line, all was read as junk and dropped (#16: the scanned JSS article lost its
    masthead)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 140))
    rng = np.random.default_rng(7)
    picture = Image.fromarray(rng.integers(0, 90, (90, 110), dtype=np.uint8))
    canvas.drawImage(ImageReader(picture), 20, 30, width=110, height=90)
    canvas.setFont("Times-Italic", 24)
    canvas.drawString(140, 80, "Journal of Software")
    canvas.setFont("Times-Italic", 10)
    canvas.drawString(140, 55, "January 2007, Volume 18, Issue 3.")
    canvas.showPage()
    canvas.save()
    data = image_bytes(rendered(buffer.getvalue(), dpi=200), "PNG", dpi=200)
    text = " ".join(b.text for b in extract(data, capture_of(data)).blocks)
    assert "Journal of Software" in text and "Volume 18" in text, text


def test_the_lines_probed_for_a_skewed_pages_direction_are_read_level():
    """On a page of long lines skewed by 1.3°, the upright rectangle around each line takes in
    parts of the lines above and below it: read that way at 0° the recogniser found next to
    nothing, so the direction was left to chance (#16: a degraded page of the sample report was
    read upside down, token F1 0.05). The lines are cut out along their slope and read sure."""
    from pipeline.extract.ocr.engine import PROBE_LINES, SURE, _detect, _probe, _width

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(560, 150))
    for i, line in enumerate(simpleSplit(LEFT, "Times-Roman", 10, 520)[:8]):
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(20, 130 - 12 * i, line)
    canvas.showPage()
    canvas.save()
    page = rendered(buffer.getvalue(), dpi=200)[0].rotate(
        1.3, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    pixels = np.asarray(page.convert("RGB"))
    widest = sorted(_detect(pixels), key=lambda b: -_width(b))[:PROBE_LINES]
    score, characters = _probe(pixels, widest, 0)
    assert characters > 200 and score >= SURE * characters


def test_a_bar_level_with_a_heading_is_a_rule_and_an_underline_is_not():
    """A heading's bar drawn on across the page at the heading's height (UNMISS's GENERAL
    TRENDS) is the rule that tells the reading order the columns above it end there; rows
    covered by a text line were all skipped, so a scan lost it (order 0.88 against the
    born-digital 0.98 on UNMISS pp. 1-3). An underline inside its line's box stays part of
    the line. 200 dpi: a 3-pixel bar is 1.1 points."""
    from pipeline.extract.ocr.chars import page_rules

    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 999, 1699, 1001), fill=0)             # the bar, through the heading
    draw.rectangle((300, 985, 800, 1015), fill=0)            # the heading's glyphs
    draw.rectangle((300, 1500, 900, 1520), fill=0)           # an underlined line's glyphs
    draw.rectangle((300, 1526, 900, 1527), fill=0)           # its underline
    heading = OcrLine("GENERAL TRENDS", (290.0, 980.0, 810.0, 1020.0), 1.0, ())
    underlined = OcrLine("Underlined", (290.0, 1495.0, 910.0, 1530.0), 1.0, ())
    page = OcrPage(image, (heading, underlined), 0, 0.0, image.size,
                   ink_mask(np.asarray(image)))
    rules = page_rules(page, 200)
    scale = 72 / 200
    # each row's longest run: the bar's part right of the heading
    assert [(round(r[0] / scale), round(r[2] / scale)) for r in rules] == [(811, 1700)]
    assert all(abs(r[1] / scale - 999) <= 1 and abs(r[3] / scale - 1002) <= 1 for r in rules)


def test_a_raised_run_stops_at_the_letter_glued_after_it():
    """The scanned sample report's p. 49 (``country.48 The``, read ``country.18The``): the
    ``T``'s bar lies just over the line's cap height, so its left serif alone is ink within
    the band and ends above the baseline, a raised glyph within reach of the ``8``. The run
    took it and reached over the ``T``; then its ``8`` stood over a letter, which the layout
    reads as an operator's limit, not a marker (notes 48 and 49 unlinked). A run glued to
    the next letter ends where the recogniser puts that letter, unless the run reaches
    further itself. Ink here as on the scan (pixels at 200 dpi; cap height 211, baseline
    230)."""
    from pipeline.extract.ocr.chars import _raised_runs

    ink = np.zeros((240, 1420), dtype=bool)
    ink[227:230, 1323:1326] = True  # the full stop
    ink[200:215, 1342:1351] = ink[200:215, 1354:1363] = True  # the raised 4 and 8
    ink[210, 1373:1390] = True  # the T's bar, over the cap height
    ink[211:215, 1373:1376] = ink[211:215, 1387:1390] = True  # its serifs
    ink[210:229, 1380:1383] = ink[210:229, 1393:1396] = True  # its stem, the h's
    chars = (OcrChar(".", 1317.2, 1327.5, 0.9), OcrChar("1", 1346.0, 1352.7, 0.9),
             OcrChar("8", 1352.7, 1359.4, 0.9), OcrChar("T", 1363.5, 1387.2, 0.9),
             OcrChar("h", 1387.2, 1404.7, 0.9))
    raised = _raised_runs(ink, chars, 230.0, 27.14)
    assert sorted(raised) == [1, 2]
    assert raised[1][0] >= 1342 and raised[2][1] <= 1363.5
