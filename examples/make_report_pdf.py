"""Typeset the seed report (seeds/003_b5b1913a230cda32.txt) as a realistic report PDF.

    .venv/bin/python examples/make_report_pdf.py [--out examples/pdf/hrnk-lives-for-sale.pdf]

The seed is the text layer of the HRNK report; its PDF is not available, so this script makes
one with the features the PDF extractor must handle: a running header with the title, page
numbers, numbered footnotes at the page bottom (below a separator rule) referenced by
superscript markers, a two-column stretch, photos as grey boxes with captions, and justified,
hyphenated text (pyphen). The photo captions are invented placeholders (the seed has no
photos). The seed is parsed simply: blank lines end paragraphs, a line opening with a number
and two spaces starts a footnote, digits glued after a word or punctuation that equal the next
footnote number are markers, and line-end hyphens are decided by pipeline.clean.hyphenation.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.clean.hyphenation import Vocabulary, decide  # noqa: E402

SEED = HERE / "seeds" / "003_b5b1913a230cda32.txt"
OUT = HERE / "pdf" / "hrnk-lives-for-sale.pdf"
TITLE = "Lives for Sale: Personal Accounts of Women Fleeing North Korea to China"
WIDTH, HEIGHT = LETTER
MARGIN = 72.0
GUTTER = 18.0
TOP = HEIGHT - MARGIN
BOTTOM = MARGIN
PHOTO_EVERY = 9
"""Insert a captioned photo box before every this-many-th paragraph (of the single column)."""
TWO_COLUMN = (24, 30)
"""Paragraph index range typeset as a two-column stretch."""

BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=13.5,
                      alignment=TA_JUSTIFY, hyphenationLang="en_US", spaceAfter=6)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=15, leading=19,
                         spaceBefore=8, spaceAfter=8)
NOTE = ParagraphStyle("note", fontName="Times-Roman", fontSize=8, leading=9.6)
CAPTION = ParagraphStyle("caption", fontName="Helvetica-Oblique", fontSize=8.5, leading=10.5)

_FOOTNOTE = re.compile(r"^(\d{1,2}) +(\S.*)$")
_MARKER = re.compile(r"(?<=[.,;:”\")’a-z])(\d{1,2})(?=\s|$)")


@dataclass
class Seed:
    items: list[tuple[str, str]] = field(default_factory=list)
    """("heading" | "para", text with <super>N</super> markers)"""
    notes: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> Seed:
    """Body paragraphs, headings and footnotes of the seed, line-end hyphens resolved.

    A line that starts with a space continues the paragraph across a page break of the
    original; a short one on its own is a section title."""
    vocabulary = Vocabulary.from_texts([text])
    seed, paragraph, note = Seed(), [], None
    for raw in text.splitlines():
        match = _FOOTNOTE.match(raw)
        if match and int(match.group(1)) == len(seed.notes) + 1:
            note = match.group(1)
            seed.notes[note] = match.group(2).strip()
            continue
        if note and raw.strip() and not raw.startswith(" "):
            seed.notes[note] = _join(seed.notes[note], raw.strip(), vocabulary)
            continue
        note = None
        if _is_heading(raw):
            _flush(seed, paragraph, vocabulary)
            seed.items.append(("heading", escape(raw.strip())))
            paragraph = []
        elif not raw.strip():
            _flush(seed, paragraph, vocabulary)
            paragraph = []
        else:
            paragraph.append(raw.strip())
    _flush(seed, paragraph, vocabulary)
    return seed


def _is_heading(raw: str) -> bool:
    """The seed marks section titles with a leading space on a short line of their own."""
    text = raw.strip()
    return (raw.startswith(" ") and 0 < len(text) < 60 and text[:1].isupper()
            and not text.endswith((".", ",", ";", ":")) and len(text.split()) <= 9)


def _join(left: str, right: str, vocabulary: Vocabulary) -> str:
    word = re.search(r"([^\W\d_]+)-$", left)
    if word and right[:1].isalpha():
        decision = decide(word.group(1), re.match(r"[\w'’]+", right).group(), vocabulary)
        return left[:-1] + right if decision.join else left + right
    return f"{left} {right}"


def _flush(seed: Seed, lines: list[str], vocabulary: Vocabulary) -> None:
    if not lines:
        return
    text = lines[0]
    for line in lines[1:]:
        text = _join(text, line, vocabulary)
    expected = [sum(t.count("<super>") for _, t in seed.items) + 1]

    def marker(match: re.Match[str]) -> str:
        if int(match.group(1)) != expected[0]:
            return match.group(0)
        expected[0] += 1
        return f"<super>{match.group(1)}</super>"

    seed.items.append(("para", _MARKER.sub(marker, escape(text))))


# -- typesetting -----------------------------------------------------------------------------

@dataclass
class PageState:
    canvas: Canvas
    number: int = 1
    y: float = TOP
    notes: list[str] = field(default_factory=list)


def typeset(seed: Seed, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(out), pagesize=LETTER, invariant=1)
    canvas.setTitle(TITLE)
    canvas.setAuthor("Committee for Human Rights in North Korea")
    state = PageState(canvas)
    photos = 0
    for index, (kind, text) in enumerate(seed.items):
        if kind == "heading":
            _place(state, Paragraph(text, HEADING), seed, keep=True)
        elif TWO_COLUMN[0] <= index < TWO_COLUMN[1]:
            _columns(state, [Paragraph(t, BODY) for k, t in seed.items[index:TWO_COLUMN[1]]
                             if k == "para"], seed) if index == TWO_COLUMN[0] else None
        else:
            if index % PHOTO_EVERY == 0:
                photos += 1
                _photo(state, photos, seed)
            _place(state, Paragraph(text, BODY), seed)
    _finish_page(state, seed)
    canvas.save()


def _notes_height(notes: list[str], seed: Seed) -> float:
    if not notes:
        return 0.0
    width = WIDTH - 2 * MARGIN
    return 14 + sum(_note(n, seed).wrap(width, HEIGHT)[1] + 2 for n in notes)


def _note(label: str, seed: Seed) -> Paragraph:
    return Paragraph(f"<super>{label}</super> {escape(seed.notes.get(label, ''))}", NOTE)


def _markers(paragraph: Paragraph) -> list[str]:
    return [f.text for f in paragraph.frags if getattr(f, "rise", 0) and f.text.strip().isdigit()]


def _place(state: PageState, paragraph: Paragraph, seed: Seed, keep: bool = False) -> None:
    """Put a paragraph on the page, splitting it across the page turn when it does not fit."""
    width = WIDTH - 2 * MARGIN
    while paragraph is not None:
        notes = state.notes + _markers(paragraph)
        room = state.y - BOTTOM - _notes_height(notes, seed)
        _, height = paragraph.wrap(width, room)
        if height <= room:
            _draw(state, paragraph, MARGIN, width, height, _markers(paragraph))
            return
        parts = [] if keep else paragraph.split(width, room - 4)
        if len(parts) < 2:
            _finish_page(state, seed)
            continue
        first, paragraph = parts
        _, height = first.wrap(width, room)
        if state.y - height - _notes_height(state.notes + _markers(first), seed) < BOTTOM:
            _finish_page(state, seed)
            paragraph = _rejoin(first, paragraph)
            continue
        _draw(state, first, MARGIN, width, height, _markers(first))
        _finish_page(state, seed)


def _rejoin(first: Paragraph, rest: Paragraph) -> Paragraph:
    """Undo a split whose footnotes did not fit: lay the whole paragraph out on the next page."""
    merged = Paragraph("", BODY)
    merged.frags = first.frags + rest.frags
    return merged


def _draw(state: PageState, paragraph: Paragraph, x: float, width: float, height: float,
          markers: list[str]) -> None:
    paragraph.wrap(width, height + 1)
    paragraph.drawOn(state.canvas, x, state.y - height)
    state.y -= height + paragraph.style.spaceAfter
    state.notes.extend(markers)


def _columns(state: PageState, paragraphs: list[Paragraph], seed: Seed) -> None:
    """A two-column stretch on a fresh page: the left column fills, then the right one."""
    _finish_page(state, seed)
    width = (WIDTH - 2 * MARGIN - GUTTER) / 2
    for x in (MARGIN, MARGIN + width + GUTTER):
        y = TOP
        while paragraphs:
            paragraph = paragraphs[0]
            _, height = paragraph.wrap(width, y - BOTTOM)
            if height > y - BOTTOM:
                parts = paragraph.split(width, y - BOTTOM - 4)
                if len(parts) < 2:
                    break
                first, paragraphs[0] = parts
                _, height = first.wrap(width, y - BOTTOM)
                first.drawOn(state.canvas, x, y - height)
                break
            paragraph.drawOn(state.canvas, x, y - height)
            y -= height + BODY.spaceAfter
            paragraphs.pop(0)
    _finish_page(state, seed)
    for paragraph in paragraphs:
        _place(state, paragraph, seed)


def _photo(state: PageState, number: int, seed: Seed) -> None:
    """A grey box standing in for a photo, its caption under it, on the right half."""
    box_w, box_h = 200.0, 120.0
    caption = Paragraph(f"Photo {number}: A North Korean woman interviewed for this report "
                        "(photo withheld to protect her identity).", CAPTION)
    _, cap_h = caption.wrap(box_w, 100)
    if state.y - box_h - cap_h - 12 - _notes_height(state.notes, seed) < BOTTOM:
        _finish_page(state, seed)
    x = WIDTH - MARGIN - box_w
    canvas = state.canvas
    canvas.setFillGray(0.8)
    canvas.rect(x, state.y - box_h, box_w, box_h, stroke=0, fill=1)
    canvas.setFillGray(0)
    caption.drawOn(canvas, x, state.y - box_h - 4 - cap_h)
    state.y -= box_h + cap_h + 14


def _finish_page(state: PageState, seed: Seed) -> None:
    """Running header, footnotes above the bottom margin, page number; then a new page."""
    canvas = state.canvas
    canvas.setFont("Helvetica", 8)
    canvas.drawString(MARGIN, HEIGHT - 40, TITLE)
    canvas.drawCentredString(WIDTH / 2, 36, str(state.number))
    if state.notes:
        width = WIDTH - 2 * MARGIN
        y = BOTTOM + _notes_height(state.notes, seed) - 14
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y + 8, MARGIN + 120, y + 8)
        for label in state.notes:
            note = _note(label, seed)
            _, height = note.wrap(width, HEIGHT)
            note.drawOn(canvas, MARGIN, y - height)
            y -= height + 2
    canvas.showPage()
    state.number += 1
    state.y = TOP
    state.notes = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    seed = parse(SEED.read_text(encoding="utf-8"))
    typeset(seed, args.out)
    print(f"{args.out}: {len(seed.items)} blocks, {len(seed.notes)} footnotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
