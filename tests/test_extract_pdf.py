"""PDF extractor (issue #4) on the typeset seed report and on hostile inputs made here."""

from __future__ import annotations

import io
import math
import shutil
import struct
import sys
from pathlib import Path

import pdfplumber
import PIL.Image
import pytest
from pdfbytes import assemble
from pdfminer.pdffont import CFFFont
from pdfminer.psparser import PSEOF
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from pipeline.capture import read_local
from pipeline.clean import clean
from pipeline.cli import app
from pipeline.errors import EncryptedPDF, NeedsOCR
from pipeline.extract import ExtractOptions, extract
from pipeline.extract.pdf import fonts
from pipeline.extract.pdf.chars import is_bad_glyph
from pipeline.extract.pdf.fonts import EncodingResourceManager
from pipeline.extract.pdf.lines import _style
from pipeline.segment import doc_id_for, segment

REPORT = Path(__file__).resolve().parent.parent / "examples" / "pdf" / "hrnk-lives-for-sale.pdf"


SEED = REPORT.parent.parent / "seeds" / "003_b5b1913a230cda32.txt"
runner = CliRunner()
TITLE = "Lives for Sale: Personal Accounts of Women Fleeing North Korea to China"


@pytest.fixture(scope="module")
def report():
    capture, data = read_local(REPORT, "pdf")
    return extract(data, capture)


@pytest.fixture(scope="module")
def body(report):
    """The passages' text with line breaks as spaces (as clean() will join them)."""
    return [" ".join(b.text.split()) for b in report.blocks]


def _pdf_capture(tmp_path: Path, data: bytes, name: str = "x.pdf"):
    """``data`` saved as ``name`` and read as a local PDF file is: its capture and bytes."""
    path = tmp_path / name
    path.write_bytes(data)
    return read_local(path, "pdf")


@pytest.mark.parametrize("start, end", [
    # a paragraph on the title page
    ("This report calls the world’s attention to the suffering of North Korean women",
     "has been overlooked by the international community."),
    # a paragraph cut by a page turn and by a footnote area
    ("In spite of finding places to live in China, the North Korean women who flee seldom",
     "can be turned over to authorities and sent back to North Korea."),
    # a paragraph in the two-column stretch, continued from the left column to the right one
    ("In the mid-to-late 1990s, large numbers of North Koreans began crossing into China",
     "The following provides a partial summary of the findings."),
    # the last paragraph of a recommendation list item
    ("6. Investigate conditions in the three provinces of Northeast China", None),
])
def test_report_body_paragraphs_recovered_whole(body, start, end):
    matches = [text for text in body if text.startswith(start)]
    assert len(matches) == 1, start
    if end:
        assert matches[0].endswith(end)


def test_report_body_headings_and_provenance(report, body):
    joined = " ".join(body)
    assert "Tumen River" in joined
    assert "who have become the victims" in joined  # be-/come joined across the line break
    headings = [b.text for b in report.blocks if b.kind == "heading"]
    assert "Foreword" in headings and "Executive Summary" in headings and "Conclusion" in headings
    assert all(b.locator.page_number and b.locator.bbox for b in report.blocks)
    assert report.meta.title.startswith("Lives for Sale")
    # every glyph maps: WinAnsi's unused codes are bullets (ISO 32000 Annex D), as PDFium reads
    # them (pdfminer left them unmapped)
    assert report.meta.text_quality == 1.0
    assert sum(b.kind == "caption" and b.text.startswith("Photo ") for b in report.blocks) >= 30


def _seed_notes() -> dict[str, str]:
    """The seed's notes as the typesetting script reads them."""
    sys.path.insert(0, str(REPORT.parent.parent))
    try:
        import make_report_pdf
    finally:
        sys.path.pop(0)
    return make_report_pdf.parse(SEED.read_text(encoding="utf-8")).notes


def test_report_all_64_footnotes_with_their_text(report):
    notes = {f.label: " ".join(f.text.split()) for f in report.footnotes}
    assert [f.label for f in report.footnotes] == [str(n) for n in range(1, 65)]
    seed = _seed_notes()
    same = [label for label, text in notes.items() if text == seed[label]]
    assert len(same) >= 63  # note 9 has Korean breves the base-14 fonts cannot draw
    assert notes["1"].startswith("Joel R. Charny et al., Acts of Betrayal.")
    assert notes["52"] == "Handbook, para.82."
    assert all(f.locator.page_number and f.locator.bbox for f in report.footnotes)
    assert all(f.locator.bbox[1] > 792 / 2 for f in report.footnotes)  # in the bottom half


def test_report_markers_removed_and_linked(report, body):
    refs = [label for b in report.blocks for label in b.footnote_refs]
    assert refs == [str(n) for n in range(1, 65)]  # each marker once, in order
    by_label = {label: " ".join(b.text.split()) for b in report.blocks for label in b.footnote_refs}
    assert by_label["2"].endswith("Response. The following provides a partial summary of the findings.")
    assert "people).3" not in " ".join(body) and "(600,000 to 1 million people)." in by_label["3"]
    assert "rare cases—are explicitly" in by_label["59"]  # glued before a dash
    markers = [r for r in report.removed if r.category == "marker"]
    assert len(markers) == 64 and all(r.locator.page_number and r.locator.bbox for r in markers)
    segmented = segment("doc", clean(report))
    linked = {f.label: f.passage_ids for f in segmented.footnotes}
    assert len(linked) == 64 and all(linked.values())
    passages = {p.passage_id: p for p in segmented.passages}
    assert "Response." in passages[linked["2"][0]].text


def test_report_running_header_and_page_numbers_removed_as_furniture(report, body):
    headers = [r for r in report.removed if r.category == "furniture" and r.text == TITLE]
    assert sorted(r.locator.page_number for r in headers) == list(range(2, 58))
    assert all(r.locator.bbox and r.locator.bbox[3] < 72 for r in headers)
    assert not any(TITLE in text for text in body)
    numbers = [r for r in report.removed if r.category == "furniture" and r.text.strip().isdigit()]
    assert sorted(int(r.text) for r in numbers) == list(range(1, 58))
    assert all(r.locator.page_number == int(r.text) and r.locator.bbox for r in numbers)
    assert not any(r.category == "furniture" and "HRNK Refugee Report" in r.text
                   for r in report.removed)  # repeated note texts are notes, not footers


def test_report_hyphens_joined_and_kept_on_evidence(report, body):
    decisions = [t.detail for b in report.blocks for t in b.transforms if t.name == "dehyphenate"]
    joined = " ".join(body)
    for split, word in (("propor-|tions", "proportions"), ("dis-|loyal", "disloyal"),
                        ("Ko-|rean", "Korean")):
        assert any(d.startswith(f"join {split} -> {word}") for d in decisions), split
    for split, word in (("fast-|growing", "fast-growing"), ("hwa-|so", "hwa-so")):
        assert any(d.startswith(f"keep-hyphen {split} -> {word}") for d in decisions), split
        assert word in joined
    assert "propor- tions" not in joined and "Ko- rean" not in joined


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


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_show_page_renders_the_passage_boxes(tmp_path):
    corpus = tmp_path / "pdf"
    shutil.copytree(REPORT.parent, corpus)
    store = str(tmp_path / "store")
    result = runner.invoke(app, ["ingest", str(corpus / "sources.toml"), "--store", store])
    assert result.exit_code == 0, result.output
    out = tmp_path / "page2.png"
    shown = runner.invoke(app, ["show", doc_id_for("hrnk-2009-lives-for-sale-pdf"), "--store",
                                store, "--page", "2", "--out", str(out)])
    assert shown.exit_code == 0, shown.output
    image = PIL.Image.open(out).convert("RGB")
    assert image.size == (850, 1100)  # US Letter at 100 pixels per inch
    colours = image.getcolors(maxcolors=1 << 24)
    red = sum(n for n, (r, g, b) in colours if r > 200 and g < 80 and b < 80)
    blue = sum(n for n, (r, g, b) in colours if b > 200 and r < 80 and g < 120)
    assert red > 1000 and blue > 100  # passage and footnote box outlines
    missing = runner.invoke(app, ["show", doc_id_for("hrnk-2009-lives-for-sale-pdf"),
                                  "--store", store, "--page", "99"])
    assert missing.exit_code != 0 and "not 99" in str(missing.exception) + missing.output


@pytest.mark.parametrize("fontname, style", [
    ("LDSBJV+CMB10", (True, False)), ("YPBXPI+CMBX12", (True, False)),
    ("ABCDEF+CMSSBX10", (True, False)), ("ABCDEF+CMBXTI10", (True, True)),
    ("PEXDGW+CMR10", (False, False)), ("ABCDEF+CMTI10", (False, True)),
    ("ABCDEF+CMBSY10", (False, False)), ("Times-Bold", (True, False)),
    ("Helvetica", (False, False)),
])
def test_font_names_tell_bold_and_italic_including_tex_short_names(fontname, style):
    assert _style(fontname) == style


def test_running_head_set_low_on_a_tall_page_is_furniture(tmp_path):
    """A proof-style page (1008 pt tall) whose running head sits below the top 12% of the
    paper: the margin band starts at the page's first text."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 1008))
    for number in range(1, 6):
        canvas.setFont("Helvetica", 7)
        canvas.drawString(40, 1008 - 60, "Proof 7:48 6-DEC-2007")
        canvas.setFont("Helvetica", 8)
        canvas.drawString(42, 1008 - 135, f"Page {number} of 5 Instructions for Form 1040NR")
        canvas.setFont("Times-Roman", 10)
        for row in range(40):
            canvas.drawString(42, 1008 - 200 - 14 * row,
                              f"Body line {row} of page {number} says something different.")
        canvas.showPage()
    canvas.save()
    capture, data = _pdf_capture(tmp_path, buffer.getvalue())
    result = extract(data, capture, ExtractOptions())
    heads = [r for r in result.removed if "Instructions for Form" in r.text]
    assert sorted(r.locator.page_number for r in heads) == [1, 2, 3, 4, 5]
    assert all(r.category == "furniture" for r in heads)
    assert not any("Instructions for Form" in b.text for b in result.blocks)



def test_a_tables_title_repeated_over_its_continuation_is_no_running_head(tmp_path):
    """A table continued onto the next page repeats its title over it: the same ``Table 3.``
    line on both pages, right above the table's rows, is the table's, while the running head
    standing apart above it is furniture."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    for number in range(1, 3):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 750, "Annual Report of the Harbour Board")
        canvas.setFont("Helvetica", 9)
        canvas.drawString(72, 712, "Table 3. Tonnage landed by port and year")
        for row in range(40):
            canvas.drawString(72, 698 - 14 * row, f"Port {row + 40 * number} {row * 7}")
            canvas.drawString(300, 698 - 14 * row, f"{row * 13 + number}")
        canvas.setFont("Helvetica", 8)
        canvas.drawString(300, 60, f"{number}")
        canvas.showPage()
    canvas.save()
    capture, data = _pdf_capture(tmp_path, buffer.getvalue())
    result = extract(data, capture, ExtractOptions())
    titles = [b for b in result.blocks if "Table 3. Tonnage landed" in b.text]
    assert sorted(b.locator.page_number for b in titles) == [1, 2]
    heads = [r for r in result.removed if "Harbour Board" in r.text]
    assert sorted(r.locator.page_number for r in heads) == [1, 2]
    assert not any("Harbour Board" in b.text for b in result.blocks)

# Fonts without a ToUnicode map: glyph names read from the embedded program (pdf_fonts).
# The PDFs are written here byte by byte, with a CFF program built to the format's spec.

def _cff_index(items: list[bytes]) -> bytes:
    if not items:
        return b"\x00\x00"
    offsets = [1]
    for item in items:
        offsets.append(offsets[-1] + len(item))
    return (struct.pack(">HB", len(items), 4) + b"".join(struct.pack(">I", o) for o in offsets)
            + b"".join(items))


def _cff_program(encoding: dict[int, str]) -> bytes:
    """A CFF program (Adobe TN 5176) of blank glyphs whose built-in encoding is ``encoding``
    (code -> glyph name), as TeX's math fonts have: charset and Encoding in format 0."""
    standard = list(CFFFont.STANDARD_STRINGS)
    names = list(encoding.values())
    custom = [name for name in names if name not in standard]
    sids = [standard.index(n) if n in standard else len(standard) + custom.index(n) for n in names]
    head = b"\x01\x00\x04\x04" + _cff_index([b"TestMath"])
    tail = _cff_index([name.encode() for name in custom]) + _cff_index([])  # strings, subrs
    charset = b"\x00" + b"".join(struct.pack(">H", sid) for sid in sids)
    codes = bytes([0, len(names)]) + bytes(encoding)
    charstrings = _cff_index([b"\x0e"] * (len(names) + 1))  # .notdef and each glyph: endchar
    private = b"\x8b\x14"  # defaultWidthX 0
    at = len(head) + 3 + 2 * 4 + 29 + len(tail)  # after the one 29-byte Top DICT

    def number(value: int) -> bytes:
        return b"\x1d" + struct.pack(">i", value)

    top = (number(at) + b"\x0f" + number(at + len(charset)) + b"\x10"
           + number(at + len(charset) + len(codes)) + b"\x11" + number(len(private))
           + number(at + len(charset) + len(codes) + len(charstrings)) + b"\x12")
    return head + _cff_index([top]) + tail + charset + codes + charstrings + private


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def _pdf_with_font(font_entries: bytes, program: bytes, text: bytes,
                   extra: list[bytes] = ()) -> bytes:
    """A one-page PDF: a sentence in Helvetica, then ``text`` (codes) in a simple Type 1 font
    (object 5) whose descriptor embeds ``program`` (object 7, FontFile3 or FontFile as the
    stream's entries say) and whose dictionary adds ``font_entries``; ``extra`` objects are
    numbered from 9."""
    content = (b"BT /F2 11 Tf 72 720 Td (Let x be a point of the space and let gamma be a path.)"
               b" Tj ET BT /F1 12 Tf 72 700 Td <" + text.hex().encode() + b"> Tj ET")
    file_key = b"FontFile3" if b"Type1C" in program[:60] else b"FontFile"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 8 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+TestMath /FirstChar 0 /LastChar 255"
        b" /Widths [" + b" ".join([b"500"] * 256) + b"] /FontDescriptor 6 0 R " + font_entries
        + b" >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+TestMath /Flags 4 /FontBBox [0 -250 1000"
        b" 750] /ItalicAngle 0 /Ascent 750 /Descent -250 /CapHeight 700 /StemV 80 /"
        + file_key + b" 7 0 R >>",
        program,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        *extra,
    ]
    return assemble(objects, b"1.4")


# CMMI's gamma at 13 and comma at 59, CMSY's element at 50: StandardEncoding has no 13, a
# semicolon at 59 and a "2" at 50. Code 65 names a glyph no list knows.
MATH_ENCODING = {13: "gamma", 32: "space", 50: "element", 59: "comma", 65: "zzglyph", 120: "x"}
MATH_TEXT = b"x \x32 \x0d\x3b x"  # reads "x ∈ γ, x"


def _extract_text(tmp_path: Path, data: bytes):
    capture, data = _pdf_capture(tmp_path, data)
    result = extract(data, capture, ExtractOptions())
    return " ".join(" ".join(b.text.split()) for b in result.blocks), result


def test_cff_font_without_encoding_reads_the_programs_own_encoding(tmp_path):
    program = _stream(_cff_program(MATH_ENCODING), b"/Subtype /Type1C")
    text, result = _extract_text(tmp_path, _pdf_with_font(b"", program, MATH_TEXT))
    assert "x ∈ γ, x" in text
    assert result.meta.text_quality == 1.0


def test_glyph_whose_name_means_nothing_stays_a_bad_glyph(tmp_path):
    """StandardEncoding would read code 65 as "A"; the program says it is "zzglyph"."""
    program = _stream(_cff_program(MATH_ENCODING), b"/Subtype /Type1C")
    text, result = _extract_text(tmp_path, _pdf_with_font(b"", program, MATH_TEXT + b" A"))
    assert "x ∈ γ, x" in text and " A" not in text
    assert result.meta.text_quality < 1.0
    with pdfplumber.open(io.BytesIO(_pdf_with_font(b"", program, b"A"))) as pdf:
        pdf.rsrcmgr = EncodingResourceManager()
        glyphs = [c["text"] for c in pdf.pages[0].chars if "TestMath" in c["fontname"]]
    assert glyphs == ["(cid:65)"] and is_bad_glyph(glyphs[0])


def test_differences_without_base_encoding_amend_the_programs_encoding(tmp_path):
    """A /Differences naming a TeX glyph (epsilon1, which the Adobe list lacks) replaces code 13;
    the other codes come from the program, not from StandardEncoding."""
    program = _stream(_cff_program(MATH_ENCODING), b"/Subtype /Type1C")
    data = _pdf_with_font(b"/Encoding << /Type /Encoding /Differences [13 /epsilon1] >>",
                          program, MATH_TEXT)
    text, _ = _extract_text(tmp_path, data)
    assert "x ∈ ε, x" in text


def test_type1_program_encoding_with_tex_names(tmp_path):
    """A Type 1 program (FontFile) without /Encoding: pdfminer reads its encoding but knows no
    TeX names; CMSY's prime (code 48) reads as ′."""
    header = (b"%!PS-AdobeFont-1.0: TestMath 001.000\n/Encoding 256 array\n"
              b"dup 48 /prime put\ndup 32 /space put\ndup 120 /x put\nreadonly def\n"
              b"currentfile eexec\n")
    program = _stream(header, b"/Length1 %d /Length2 0 /Length3 0" % len(header))
    text, _ = _extract_text(tmp_path, _pdf_with_font(b"", program, b"x0 x"))
    assert "x′ x" in text


# A Type 1 program's clear text as TeX's fonts write it: strings with octal escapes and
# nested parentheses, procedures, arrays of reals, the loop that fills the encoding with
# /.notdef (whose ``put`` pdfminer's parser reads as the pair (1, .notdef)), then its entries.
TYPE1_HEADER = (
    b"%!PS-AdobeFont-1.0: CMSY10 003.002\n%%Title: CMSY10\n12 dict begin\n"
    b"/FontInfo dict dup begin\n/version (003.002) readonly def\n"
    b"/Notice (Copyright \\050c\\051 1997 (American (Mathematical)) Society) readonly def\n"
    b"/isFixedPitch false def\n/ItalicAngle -14.04 def\nend readonly def\n"
    b"/FontName /CMSY10 def\n/PaintType 0 def\n/FontMatrix [0.001 0 0 0.001 0 0] readonly def\n"
    b"/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n"
    b"dup 0 /minus put\ndup 48 /prime put\ndup 32 /space put\ndup 120 /x put\n"
    b"dup 50 /element put\nreadonly def\n/FontBBox{-29 -960 1116 775}readonly def\n"
    b"<a1b2> pop << /Key 1 >> pop\ncurrentdict end\ncurrentfile eexec\n")


def _pdfminer_entries(header: bytes) -> list:
    parser = fonts.Type1FontHeaderParser(io.BytesIO(header))  # pdfminer's own
    found = []
    while True:
        try:
            found.append(parser.nextobject())
        except PSEOF:
            return found


def test_a_type1_programs_encoding_is_read_as_pdfminers_parser_reads_it():
    entries = fonts.type1_entries(TYPE1_HEADER)
    assert entries == _pdfminer_entries(TYPE1_HEADER)
    assert entries[:3] == [(1, ".notdef"), (0, "minus"), (48, "prime")]
    # true and false are numbers to a put; reals, strings and arrays are not
    odd = b"dup true /A put 1.5 /B put (2) /C put [3] /D put 4 /E put"
    assert fonts.type1_entries(odd) == _pdfminer_entries(odd) == [(True, "A"), (4, "E")]
    # what the parser might read otherwise is left to it
    for refused in (b"dup 65 /A#42 put", b"dup 65 /A put (open", b"(\\400) 1 /A put",
                    b"/A put", b"<< /A >> 1 /B put"):
        assert fonts.type1_entries(refused) is None


def test_a_type1_programs_encoding_is_read_without_pdfminers_parser(tmp_path, monkeypatch):
    """pdfminer building the font and fonts.py reading its glyph names both read the
    program's encoding in one pass each, not token by token."""
    calls = []
    real = fonts.Type1FontHeaderParser.nextobject
    monkeypatch.setattr(fonts.Type1FontHeaderParser, "nextobject",
                        lambda self: calls.append(1) or real(self))
    from pipeline.extract.pdf.extractor import extract as extract_here

    program = _stream(TYPE1_HEADER, b"/Length1 %d /Length2 0 /Length3 0" % len(TYPE1_HEADER))
    capture, data = _pdf_capture(tmp_path, _pdf_with_font(b"", program, b"x0 x2"))
    result = extract_here(data, capture, ExtractOptions())  # in this process
    assert "x′ x∈" in " ".join(b.text for b in result.blocks)
    assert calls == []


def test_font_with_tounicode_is_read_by_its_map_first(tmp_path):
    """The ToUnicode map says code 13 is δ (the program's γ is not consulted) and says nothing
    of code 50, which PDFium reads by the program's glyph name, the ∈ on the page (pdfminer
    read StandardEncoding's "2")."""
    program = _stream(_cff_program(MATH_ENCODING), b"/Subtype /Type1C")
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"4 beginbfchar\n<0D> <03B4>\n<20> <0020>\n<3B> <002C>\n<78> <0078>\nendbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    data = _pdf_with_font(b"/ToUnicode 9 0 R", program, MATH_TEXT, [_stream(cmap)])
    text, _ = _extract_text(tmp_path, data)
    assert "x ∈ δ, x" in text and "γ" not in text


# Drawings: the labels inside a chart are one figure passage, not words in the paragraphs.

PROSE = ("The number of incidents rose in the third quarter of the year, as the chart beside "
         "this paragraph shows for each month of the reporting period.")


def draw_line_chart(canvas: Canvas) -> None:
    """A line chart's axes (x 100-400 at y 450, y up to 600), a curve through its points and
    the months under its ticks; the values beside the y axis are the caller's."""
    canvas.line(100, 450, 400, 450)
    canvas.line(100, 450, 100, 600)
    path = canvas.beginPath()
    path.moveTo(100, 460)
    path.curveTo(180, 560, 260, 480, 390, 590)
    canvas.drawPath(path)
    for i, month in enumerate(("Jan", "Feb", "Mar", "Apr")):
        canvas.drawString(110 + 80 * i, 436, month)
        canvas.line(120 + 80 * i, 450, 120 + 80 * i, 446)


def _page_with_chart(framed_prose: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    canvas.setFont("Times-Roman", 11)
    for row in range(4):
        canvas.drawString(72, 720 - 14 * row, PROSE[row * 40:(row + 1) * 40])
    if framed_prose:  # a rounded frame (curves) around a paragraph, with an icon inside
        canvas.roundRect(72, 420, 300, 120, 12)
        canvas.circle(90, 520, 6)
        canvas.circle(90, 500, 6)
        for row in range(5):
            canvas.drawString(110, 520 - 16 * row, "Framed advice stays prose to be read here.")
    else:  # a line chart: axes, a curve through the points, tick labels
        draw_line_chart(canvas)
        for i, value in enumerate(("0", "50", "100")):
            canvas.drawString(84, 452 + 60 * i, value)
    canvas.drawString(72, 380, "After the chart the report goes on with its next paragraph.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_chart_labels_are_one_figure_passage(tmp_path):
    capture, data = _pdf_capture(tmp_path, _page_with_chart())
    result = extract(data, capture, ExtractOptions())
    figures = [b for b in result.blocks if b.kind == "figure"]
    assert len(figures) == 1
    assert set(figures[0].text.split()) == {"Jan", "Feb", "Mar", "Apr", "0", "50", "100"}
    prose = " ".join(b.text for b in result.blocks if b.kind != "figure")
    assert "Jan" not in prose and "goes on with its next paragraph" in prose


def test_framed_prose_is_no_figure(tmp_path):
    capture, data = _pdf_capture(tmp_path, _page_with_chart(framed_prose=True))
    result = extract(data, capture, ExtractOptions())
    assert not [b for b in result.blocks if b.kind == "figure"]
    assert "Framed advice stays prose" in " ".join(b.text for b in result.blocks)


# Reading order on the characters' baselines.

def _one_page(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_table_of_contents_is_read_line_by_line(tmp_path):
    """Dot leaders line up down the page like a column gutter; they are not one."""
    entries = ["Topological spaces", "Metric spaces", "Continuity", "Connectedness",
               "Compactness", "Paths and knots", "Exercises", "Manifolds"]

    def draw(canvas):
        canvas.setFont("Times-Roman", 11)
        for row, title in enumerate(entries):
            y = 700 - 14 * row
            canvas.drawString(90, y, f"1.{row + 1}")
            canvas.drawString(115, y, title)
            first = 8 * math.ceil((117 + canvas.stringWidth(title)) / 8)
            for x in range(first, 500, 8):  # leaders on a fixed grid, as TeX sets them
                canvas.drawString(x, y, ".")
            canvas.drawRightString(520, y, str(2 + 3 * row))

    text, _ = _extract_text(tmp_path, _one_page(draw))
    words = [w for w in text.split() if w != "."]
    assert words[:6] == ["1.1", "Topological", "spaces", "2", "1.2", "Metric"]


def test_subscripts_and_superscripts_stay_in_their_line(tmp_path):
    """Scripts sit off the baseline by more than a row's tolerance; they join their line."""
    def draw(canvas):
        for row in range(3):
            y, x = 700 - 16 * row, 72.0
            for text, size, rise in (("the sum of x", 11, 0), ("1", 7, -3.5), (" and R", 11, 0),
                                     ("2", 7, 5), (f" is the line number {row + 1}", 11, 0)):
                canvas.setFont("Times-Roman", size)
                canvas.drawString(x, y + rise, text)  # a script set off the baseline
                x += canvas.stringWidth(text)

    text, result = _extract_text(tmp_path, _one_page(draw))
    assert len(result.blocks) == 1
    assert [f"the sum of x1 and R2 is the line number {n}" in text for n in (1, 2, 3)] == [
        True, True, True]


def test_an_accent_set_over_a_letter_combines_with_it(tmp_path):
    """TeX sets math accents as their own glyphs over the letter: x̃, not x˜."""
    def draw(canvas):
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(72, 700, "the lift x")
        x = 72 + canvas.stringWidth("the lift x")
        canvas.drawString(x - canvas.stringWidth("x") + 0.5, 702, "\u02dc")
        canvas.drawString(x, 700, "(0) starts at a point")

    text, _ = _extract_text(tmp_path, _one_page(draw))
    assert "the lift x\u0303(0) starts at a point" in text


def test_pages_of_one_repeated_sentence_keep_it(tmp_path):
    """Each page's only line repeats with the page number in it, like a running head; with no
    body text between the margins it is the content, and the archive keeps it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    for number in range(1, 6):
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(72, 700, f"Witness {number} crossed the river near the old ferry.")
        canvas.showPage()
    canvas.save()
    capture, data = _pdf_capture(tmp_path, buffer.getvalue())
    result = extract(data, capture, ExtractOptions())
    assert [b.text for b in result.blocks] == [
        f"Witness {n} crossed the river near the old ferry." for n in range(1, 6)]


# Display math as TeX sets it: a big operator from the extension font hangs from an origin set
# above the formula's baseline, its limits sit below it, over the next line's letters.

def _page_with_two_fonts(content: bytes, second_font: bytes, *more: bytes) -> bytes:
    """One page of ``content``: /F1 Helvetica, /F2 ``second_font`` (object 6), then ``more``
    (objects 7 on: the second font's descriptor or ToUnicode map)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        second_font,
        *more,
    ]
    return assemble(objects, b"1.4")


def _pdf_with_big_operator(content: bytes, to_unicode: bytes | None = None) -> bytes:
    """One page: /F1 Helvetica, /F2 a non-embedded font named CMEX10 (TeX's extension font),
    with ``to_unicode`` as its ToUnicode map when given."""
    cmap = (b" /ToUnicode 8 0 R", (_stream(to_unicode),)) if to_unicode else (b"", ())
    return _page_with_two_fonts(
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /CMEX10 /FirstChar 0 /LastChar 255 /Widths ["
        + b" ".join([b"833"] * 256) + b"] /FontDescriptor 7 0 R" + cmap[0] + b" >>",
        b"<< /Type /FontDescriptor /FontName /CMEX10 /Flags 4 /FontBBox [-24 -2960 1454 772]"
        b" /ItalicAngle 0 /Ascent 40 /Descent -600 /CapHeight 0 /StemV 47 >>",
        *cmap[1])


def _line(x: float, y: float, text: bytes, font: bytes = b"/F1 11") -> bytes:
    return b"BT %s Tf %.1f %.1f Td (%s) Tj ET " % (font, x, y, text)


def test_a_big_operator_hanging_from_its_origin_joins_its_formulas_line(tmp_path):
    """The operator's origin is 0.75 em above the line it belongs to, within half a line of the
    line above: it is read between "so ist" and "U", not as a line of its own."""
    content = (_line(72, 716, b"Ist I eine Menge und U in T fuer jedes i, so ist the union")
               + _line(72, 700, b"Also so ist") + _line(125, 708.2, b"S", b"/F2 11")
               + _line(137, 700, b"U in T und weiter geht es."))
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content))
    assert "Also so ist S U in T und weiter geht es." in text


def test_limits_below_an_operator_stay_with_it_not_inside_the_next_lines_words(tmp_path):
    """The limit M (7 pt) sits under the operator and over the next line's "Schnitte": it
    belongs to the operator's line, and the word below stays whole."""
    content = (_line(72, 730, b"Annahme: die Menge ist offen.")
               + _line(72, 714, b"Dann gibt es T, sodass") + _line(190, 722.2, b"S", b"/F2 11")
               + _line(193, 710.8, b"M", b"/F1 7") + _line(205, 714, b"M = 1. Aber alle haben")
               + _line(72, 700, b"viele Elemente. Auch Schnitte von Elementen haben viele."))
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content))
    assert "sodass SM M = 1. Aber alle haben" in text
    assert "Auch Schnitte von Elementen" in text


# Lists of short labels with their texts beside them (symbol lists, glossaries, form
# numbers) are read row by row; columns of short entries (an index) stay columns.

def _canvas_pdf(draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(612, 792))
    canvas.setFont("Helvetica", 10)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


SYMBOLS = [("A^C", "Komplement von A"), ("P(M)", "Potenzmenge von M"), ("dM", "Rand der Menge M"),
           ("AxB", "Kreuzprodukt"), ("A\\B", "Differenzmenge"), ("S^n", "Sphaere"),
           ("T^n", "Torus"), ("X#Y", "Verklebung von X und Y")]


def test_a_list_of_symbols_is_read_row_by_row_each_with_its_meaning(tmp_path):
    def draw(canvas):
        canvas.drawString(72, 720, "Symbolverzeichnis: the symbols used in this book.")
        for row, (symbol, meaning) in enumerate(SYMBOLS):
            canvas.drawString(72, 690 - 14 * row, symbol)
            canvas.drawString(130, 690 - 14 * row, meaning)

    text, _ = _extract_text(tmp_path, _canvas_pdf(draw))
    pairs = " ".join(f"{symbol} {meaning}" for symbol, meaning in SYMBOLS)
    assert pairs in text


GROUPS = [("Homoeo(M)", "Homoeomorphismengruppe"), ("GL(n, K)", "Allgemeine lineare Gruppe"),
          ("PSLn(K)", "Projektive lineare Gruppe"), ("Homoeo(W)", "Homoeomorphismen von W"),
          ("Perm(X)", "Permutationsgruppe")]


def test_labels_running_into_their_texts_show_a_list_of_long_labels(tmp_path):
    """A list whose labels fill most of the way to their texts: the longest run into their
    text a word space before it (one segment each), the others stand apart, each wider than
    the share a short label takes, and are read with their texts, not as a column."""
    def draw(canvas):
        canvas.drawString(72, 720, "Gruppen: the groups used in this book.")
        for row, (label, meaning) in enumerate(GROUPS):
            canvas.drawString(72, 690 - 14 * row, label)
            canvas.drawString(128, 690 - 14 * row, meaning)

    assert all(2 < 128 - 72 - stringWidth(label, "Helvetica", 10) < 4
               for label in ("Homoeo(M)", "Homoeo(W)"))  # a word space: one segment
    text, _ = _extract_text(tmp_path, _canvas_pdf(draw))
    assert " ".join(f"{label} {meaning}" for label, meaning in GROUPS) in " ".join(text.split())


def test_a_list_of_long_labels_beside_a_column_of_other_rows_is_read_row_by_row(tmp_path):
    """The same list in the left column of a page whose right column's lines fall between
    its rows: the one label that runs into its text stands eight of the page's rows under the
    first label, which is read with its text all the same."""
    labels = [("PSLn(K)", "Projektive lineare Gruppe"), ("GL(n, K)", "Allgemeine lineare Gruppe"),
              ("Perm(X)", "Permutationsgruppe"), ("Aut(X, Y)", "Automorphismen"),
              ("Homoeo(M)", "Homoeomorphismengruppe")]

    def draw(canvas):
        for row, (label, meaning) in enumerate(labels):
            canvas.drawString(72, 690 - 14 * row, label)
            canvas.drawString(128, 690 - 14 * row, meaning)
        for row in range(7):
            canvas.drawString(330, 697 - 14 * row, f"Zeile {row + 1} der rechten Spalte")

    text, _ = _extract_text(tmp_path, _canvas_pdf(draw))
    assert " ".join(f"{label} {meaning}" for label, meaning in labels) in " ".join(text.split())


def test_an_index_in_two_columns_of_short_entries_is_read_column_by_column(tmp_path):
    left = [f"Eintrag {chr(65 + i)}, {i + 3}" for i in range(10)]
    right = [f"Stichwort {chr(75 + i)}, {i + 40}" for i in range(10)]

    def draw(canvas):
        for row, (a, b) in enumerate(zip(left, right)):
            canvas.drawString(72, 700 - 12 * row, a)
            canvas.drawString(320, 700 - 12 * row, b)

    text, _ = _extract_text(tmp_path, _canvas_pdf(draw))
    assert " ".join(left) in text and " ".join(right) in text


def test_a_tables_last_column_beside_a_text_column_is_no_list_of_labels(tmp_path):
    """Five amounts sit on the rows of a prose column that runs on above and below them."""
    prose = [f"Line {i} of the right column, which goes on for a while here." for i in range(20)]

    def draw(canvas):
        for row, line in enumerate(prose):
            canvas.drawString(300, 700 - 12 * row, line)
        for row, amount in enumerate(["360", "310", "260", "210", "160"]):
            canvas.drawString(72, 700 - 12 * (8 + row), f"{111 + 10 * row}-{120 + 10 * row}")
            canvas.drawString(230, 700 - 12 * (8 + row), amount)

    text, _ = _extract_text(tmp_path, _canvas_pdf(draw))
    assert " ".join(prose) in text


def test_a_sums_lower_limit_follows_it_and_an_exponent_does_not_pull_it_off_its_line(tmp_path):
    """The limit n=0 is centred under the operator, so by x it would start before it; the
    exponent of (-1) sits between the operator's rough baseline and the line's own."""
    content = (_line(72, 716, b"Dann heisst die folgende Zahl die Eulerzahl des Komplexes K:")
               + _line(72, 700, b"chi(K) :=") + _line(120, 710.4, b"S", b"/F2 11")
               + _line(117, 695, b"n=0", b"/F1 7") + _line(134, 700, b"(-1)")
               + _line(155, 703.5, b"n", b"/F1 7") + _line(160, 700, b"a(K) ist wohldefiniert."))
    text, _ = _extract_text(tmp_path, _pdf_with_big_operator(content))
    assert "chi(K) := Sn=0 (-1)" in text and "a(K) ist wohldefiniert." in text


def test_a_glyph_named_only_by_the_differences_of_a_non_embedded_symbolic_font_is_kept(tmp_path):
    """CMEX10 not embedded, no ToUnicode, code 83 named /summation: PDFium's stand-in font has
    no such glyph, its text page leaves the operator out; the glyph name reads ∑."""
    content = (_line(72, 716, b"Dann heisst die folgende Zahl die Eulerzahl des Komplexes K:")
               + _line(72, 700, b"chi(K) :=") + _line(120, 710.4, b"S", b"/F2 11")
               + _line(134, 700, b"a(K) ist wohldefiniert."))
    pdf = _pdf_with_big_operator(content).replace(
        b"/FirstChar 0", b"/Encoding << /Differences [83 /summation] >> /FirstChar 0")
    text, _ = _extract_text(tmp_path, pdf)
    assert "chi(K) := \u2211 a(K) ist wohldefiniert." in text


# End-of-proof marks: a mark closing a paragraph, however far right it is set, is no bullet.

PROOF = [b"Proof. Let the sequence be increasing and bounded above, and let s be its supremum.",
         b"For every e there is an index N with a_N > s - e, and for n beyond N the terms lie",
         b"between s - e and s, so the sequence converges to s as claimed."]


def _proof_with_mark(x: float, y: float) -> bytes:
    """The proof and a paragraph after it in Helvetica 10 (/F1), and an end mark drawn at
    (x, y) with /F2, whose ToUnicode map reads codes n, o, p as the marks ■ □ ∎."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /M def"
            b" 1 begincodespacerange <00> <FF> endcodespacerange 3 beginbfchar <6E> <25A0>"
            b" <6F> <25A1> <70> <220E> endbfchar endcmap CMapName currentdict /CMap"
            b" defineresource pop end end")
    content = b"".join(_line(72, 700 - 12 * row, text, b"/F1 10")
                       for row, text in enumerate(PROOF))
    content += _line(x, y, b"n", b"/F2 10")
    content += _line(72, 652, b"The next paragraph states the second theorem, without proof.",
                     b"/F1 10")
    return _page_with_two_fonts(
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding"
        b" /ToUnicode 7 0 R >>",
        _stream(cmap))


def test_an_end_mark_at_the_right_margin_closes_its_paragraph(tmp_path):
    """The mark sits on the proof's last line, at the margin far right of its words."""
    text, result = _extract_text(tmp_path, _proof_with_mark(534, 676))
    assert "converges to s as claimed. \u25a0 The next paragraph" in text
    assert [b.kind for b in result.blocks] == ["paragraph", "paragraph"]


def test_an_end_mark_on_a_line_of_its_own_closes_its_paragraph(tmp_path):
    """The mark is set flush right on the line under the proof's short last line."""
    right = 72 + max(stringWidth(line.decode(), "Helvetica", 10) for line in PROOF)
    text, result = _extract_text(tmp_path, _proof_with_mark(right - 5.56, 664))
    assert "converges to s as claimed. \u25a0 The next paragraph" in text
    assert [b.kind for b in result.blocks] == ["paragraph", "paragraph"]


def test_an_end_mark_alone_beyond_its_paragraphs_edge_opens_no_list_item(tmp_path):
    """Set at the margin on a line of its own, past the proof's right edge, the mark stays
    a passage of its own, but no list item: no text follows it."""
    _, result = _extract_text(tmp_path, _proof_with_mark(534, 664))
    assert "list_item" not in [b.kind for b in result.blocks]


def test_a_numbered_label_in_the_documents_caption_style_is_a_caption(tmp_path):
    """The document's captions ("Figure 1-1 …") are italic 9 pt: "Example 2-1 …" in that
    style captions a listing, while "Article 5 …" in the body's style stays a paragraph."""
    def draw(canvas):
        body = ["The system keeps every capture under its digest and records who touched it.",
                "Each run writes one version of the archive, which can be read back later."]
        y = 720
        for text, font, size in [
                (body[0], "Helvetica", 10), (body[1], "Helvetica", 10),
                ("Figure 1-1 Overview of the archive and its stores", "Helvetica-Oblique", 9),
                ("Article 5 Member States shall keep the records for ten years.", "Helvetica", 10),
                (body[1], "Helvetica", 10),
                ("Example 2-1 Query to list the users who may read the table", "Helvetica-Oblique", 9),
                ("SELECT user_name FROM authorities WHERE object = 'EMPLOYEES';", "Courier", 9),
                (body[0], "Helvetica", 10)]:
            canvas.setFont(font, size)
            canvas.drawString(72, y, text)
            y -= 30

    _, result = _extract_text(tmp_path, _canvas_pdf(draw))
    kinds = {b.text.split()[0]: b.kind for b in result.blocks}
    assert kinds["Figure"] == "caption" and kinds["Example"] == "caption"
    assert kinds["Article"] == "paragraph"


def test_captions_set_like_a_body_off_the_half_point_lend_their_style_to_nothing(tmp_path):
    """Body and captions both in 10.9 pt roman (the body size is counted to half a point, 11):
    "Article 5 …" stays a paragraph."""
    def draw(canvas):
        y = 720
        for text in ["The system keeps every capture under its digest and records who did it.",
                     "Figure 1-1 Overview of the archive and its stores",
                     "Article 5 Member States shall keep the records for ten years.",
                     "Each run writes one version of the archive, which can be read back later."]:
            canvas.setFont("Helvetica", 10.9)
            canvas.drawString(72, y, text)
            y -= 30

    _, result = _extract_text(tmp_path, _canvas_pdf(draw))
    kinds = {b.text.split()[0]: b.kind for b in result.blocks}
    assert kinds["Figure"] == "caption" and kinds["Article"] == "paragraph"
