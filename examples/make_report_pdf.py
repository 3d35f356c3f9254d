"""Typeset the seed report (seeds/003_b5b1913a230cda32.txt) as a realistic report PDF.

    .venv/bin/python examples/make_report_pdf.py [--out examples/pdf/hrnk-lives-for-sale.pdf]

The seed is the text layer of the HRNK report; its PDF is not available, so this script makes
one with the features the PDF extractor must handle: a running header with the title on every
page but the first, page numbers, numbered footnotes at the foot of the page where their
marker lands (smaller type, below a separator rule) referenced by superscript markers, a
two-column stretch, photos as grey boxes with captions, and justified, hyphenated text (pyphen,
a dev extra). The photo captions are invented placeholders (the seed has no photos).

The seed is parsed simply: blank lines end paragraphs (unless footnotes follow and the next
body line starts with a space: the paragraph went on over a page turn), a line opening with
the next note number starts a footnote, line-end hyphens are decided by
pipeline.textutil.hyphenation, and markers are found in note order (see ``_tag_markers``). The
output is deterministic (reportlab's invariant mode), so regenerating it changes no bytes
unless this script or the seed changed.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.textutil.hyphenation import Vocabulary, decide  # noqa: E402

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
PHOTO_W, PHOTO_H, PHOTO_GAP = 220.0, 130.0, 8.0
NOTE_RULE_GAP = 12.0
"""Points between the last body line and the first note; the separator rule sits midway."""
NOTE_GAP = 2.0
COLUMN_NOTE_RESERVE = 60.0
"""Points kept free under a left column for the notes of markers in the right one."""
CAPTION = ParagraphStyle("caption", fontName="Helvetica-Oblique", fontSize=8.5, leading=10.5)

_FOOTNOTE = re.compile(r"^(\d{1,2}) +(\S.*)$")
_RUNNING_HEAD = re.compile(r"^Lives for sale +\d+ ", re.IGNORECASE)
"""Two running heads of the original survive in the seed's text."""
_GLUED = r"(?<=[^\W\d_]|[.,;:”\")’…\]—])"
"""A marker glued to the word or punctuation before it (``Response.2``, ``people).3``)..."""
_SPACED = r"(?<=[.,;:”\")’…] )"
"""...or, weaker evidence, set one space after closing punctuation (``Korea. 51``)."""
_DECIMAL = re.compile(r"\d\.$")
_SENTENCE_AFTER = re.compile(r"\s+[A-Z“\"]|\s*$")


@dataclass
class Seed:
    items: list[tuple[str, str]] = field(default_factory=list)
    """("heading" | "para", text with <super>N</super> markers)"""
    notes: dict[str, str] = field(default_factory=dict)


def parse(text: str) -> Seed:
    """Body paragraphs, headings and footnotes of the seed, line-end hyphens resolved, markers
    tagged in footnote order.

    A blank line ends a paragraph unless footnotes follow it (the bottom of an original page)
    and the next body line starts with a space (the paragraph continues on the next page); a
    short space-led line on its own is a section title."""
    vocabulary = Vocabulary.from_texts([text])
    seed, paragraphs, paragraph = Seed(), [], []
    note, after_notes, blank = None, False, False
    for raw in text.splitlines():
        match = _FOOTNOTE.match(raw)
        if _RUNNING_HEAD.match(raw):
            continue
        if match and int(match.group(1)) == len(seed.notes) + 1:
            note, after_notes, blank = match.group(1), True, False
            seed.notes[note] = match.group(2).strip()
        elif note and raw.strip() and not raw.startswith(" "):
            seed.notes[note] = _join(seed.notes[note], raw.strip(), vocabulary)
        elif not raw.strip():
            note, blank = None, True
        elif _is_heading(raw):
            _flush(paragraphs, paragraph, vocabulary)
            paragraphs.append(("heading", escape(raw.strip())))
            paragraph, after_notes, blank = [], False, False
        else:
            if blank and not (after_notes and raw.startswith(" ")):
                _flush(paragraphs, paragraph, vocabulary)
                paragraph = []
            paragraph.append(raw.strip())
            note, after_notes, blank = None, False, False
    _flush(paragraphs, paragraph, vocabulary)
    seed.items = _tag_markers(paragraphs, len(seed.notes))
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


def _flush(paragraphs: list[tuple[str, str]], lines: list[str], vocabulary: Vocabulary) -> None:
    if not lines:
        return
    text = lines[0]
    for line in lines[1:]:
        text = _join(text, line, vocabulary)
    paragraphs.append(("para", escape(text)))


def _tag_markers(items: list[tuple[str, str]], count: int) -> list[tuple[str, str]]:
    """Wrap the markers 1..count in <super> tags, each found after the previous one.

    Sequence is the evidence: for the next expected number, a glued occurrence is taken unless
    the following number's glued occurrence comes first (then it is a stray number and the
    spaced form is taken); a number after a decimal point (``3.5 million``) counts only when a
    sentence follows it (``14-1.1 Because``)."""
    texts = [text for _, text in items]
    cursor, found = (0, 0), []
    for number in range(1, count + 1):
        glued = _next(texts, cursor, str(number), _GLUED)
        after = _next(texts, cursor, str(number + 1), _GLUED)
        spaced = _next(texts, cursor, str(number), _SPACED)
        pick = glued if glued and (not after or glued < after) else spaced or glued
        if pick is None:
            raise ValueError(f"footnote marker {number} not found in the seed")
        found.append(pick)
        cursor = (pick[0], pick[1] + 1)
    for index, offset, label in reversed(found):
        text = texts[index]
        head = text[:offset].removesuffix(" ")  # set as a superscript, the marker is glued
        texts[index] = f"{head}<super>{label}</super>{text[offset + len(label):]}"
    return [(kind, text) for (kind, _), text in zip(items, texts)]


def _next(texts: list[str], cursor: tuple[int, int], label: str, before: str
          ) -> tuple[int, int, str] | None:
    pattern = re.compile(before + re.escape(label) + r"(?!\d)(?![.,]\d)")
    for index in range(cursor[0], len(texts)):
        start = cursor[1] if index == cursor[0] else 0
        for match in pattern.finditer(texts[index], start):
            head, tail = texts[index][:match.start()], texts[index][match.end():]
            if _DECIMAL.search(head) and not _SENTENCE_AFTER.match(tail):
                continue
            return index, match.start(), label
    return None


# -- typesetting -----------------------------------------------------------------------------

@dataclass
class PageState:
    """Where the next block goes: the page, its column, the text floor and its notes."""
    canvas: Canvas
    seed: Seed
    number: int = 1
    columns: tuple[tuple[float, float], ...] = ((MARGIN, WIDTH - 2 * MARGIN),)
    column: int = 0
    y: float = TOP
    floor: float = TOP
    """Lowest text of the page's earlier columns: a note area may not rise above it."""
    notes: list[str] = field(default_factory=list)

    @property
    def x(self) -> float:
        return self.columns[self.column][0]

    @property
    def width(self) -> float:
        return self.columns[self.column][1]


def typeset(seed: Seed, out: Path) -> None:
    """Lay the seed out page by page: headings, justified paragraphs with their notes at the
    foot of the page where their markers land, photo boxes, a two-column stretch."""
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(out), pagesize=LETTER, invariant=1)
    canvas.setTitle(TITLE)
    canvas.setAuthor("Committee for Human Rights in North Korea")
    state, photos = PageState(canvas, seed), 0
    for index, (kind, text) in enumerate(seed.items):
        if index == TWO_COLUMN[0]:
            _new_page(state, two_columns=True)
        elif index == TWO_COLUMN[1]:
            _end_columns(state)
        if kind == "heading":
            _place(state, Paragraph(text, HEADING), keep_lines=4)
            continue
        if index % PHOTO_EVERY == 0 and not TWO_COLUMN[0] <= index < TWO_COLUMN[1]:
            photos += 1
            _photo(state, photos)
        _place(state, Paragraph(text, BODY))
    _finish_page(state)
    canvas.save()


def _notes_height(notes: list[str], seed: Seed) -> float:
    """Height of the note area (rule, gap and notes) for these labels; 0 without notes."""
    if not notes:
        return 0.0
    return NOTE_RULE_GAP + sum(_note(n, seed).wrap(WIDTH - 2 * MARGIN, HEIGHT)[1] + NOTE_GAP
                               for n in notes)


def _note(label: str, seed: Seed) -> Paragraph:
    return Paragraph(f"{label}&nbsp; {escape(seed.notes[label])}", NOTE)


def _markers(paragraph: Paragraph, width: float) -> list[str]:
    """The superscript labels of a (possibly split) paragraph as laid out at this width."""
    paragraph.wrap(width, HEIGHT)
    lines = getattr(paragraph.blPara, "lines", [])
    return [frag.text for line in lines for frag in getattr(line, "words", [])
            if getattr(frag, "rise", 0) and frag.text.strip().isdigit()]


def _fits(state: PageState, height: float, notes: list[str]) -> bool:
    """Whether a block this tall fits in the column with these notes added to the page's."""
    area = _notes_height(state.notes + notes, state.seed)
    if state.column + 1 < len(state.columns):
        area += COLUMN_NOTE_RESERVE
    return state.y - height >= BOTTOM + area and BOTTOM + area <= state.floor


def _place(state: PageState, paragraph: Paragraph, keep_lines: int = 0) -> None:
    """Put a paragraph in the current column, splitting it at the column or page end so that
    the notes of the markers on this page fit at its foot.  ``keep_lines`` keeps a heading
    with that many lines of what follows."""
    while paragraph is not None:
        width = state.width
        _, height = paragraph.wrap(width, HEIGHT)
        if _fits(state, height + keep_lines * BODY.leading, _markers(paragraph, width)):
            _draw(state, paragraph, height)
            return
        first, paragraph = _split(state, paragraph) if not keep_lines else (None, paragraph)
        if first is None and state.y == state.floor == TOP:
            first, paragraph = paragraph, None  # too tall with its notes even alone: overfull
        if first is not None:
            _draw(state, first, first.wrap(width, HEIGHT)[1])
        _next_column(state)


def _split(state: PageState, paragraph: Paragraph) -> tuple[Paragraph | None, Paragraph]:
    """The largest head of the paragraph (two lines at least) that fits with its notes."""
    room = state.y - BOTTOM
    while room >= 2 * BODY.leading:
        parts = paragraph.split(state.width, room)
        if len(parts) == 2:
            head_height = parts[0].wrap(state.width, HEIGHT)[1]
            if _fits(state, head_height, _markers(parts[0], state.width)):
                return parts[0], parts[1]
        room -= BODY.leading
    return None, paragraph


def _draw(state: PageState, paragraph: Paragraph, height: float) -> None:
    paragraph.wrap(state.width, height + 1)
    paragraph.drawOn(state.canvas, state.x, state.y - height)
    state.notes.extend(_markers(paragraph, state.width))
    state.y -= height + paragraph.style.spaceAfter


def _next_column(state: PageState) -> None:
    if state.column + 1 < len(state.columns):
        state.floor = min(state.floor, state.y)
        state.column += 1
        state.y = TOP
    else:
        _new_page(state, two_columns=len(state.columns) > 1)


def _new_page(state: PageState, two_columns: bool = False) -> None:
    if state.y < TOP or state.column:
        _finish_page(state)
    width = (WIDTH - 2 * MARGIN - GUTTER) / 2
    state.columns = (((MARGIN, width), (MARGIN + width + GUTTER, width)) if two_columns
                     else ((MARGIN, WIDTH - 2 * MARGIN),))


def _end_columns(state: PageState) -> None:
    """Full-width text again, below the lowest column text of this page."""
    state.y = min(state.y, state.floor) - BODY.spaceAfter
    state.floor, state.column = TOP, 0
    state.columns = ((MARGIN, WIDTH - 2 * MARGIN),)


def _photo(state: PageState, number: int) -> None:
    """A grey box standing in for a photo, its caption under it, centred in the column."""
    caption = Paragraph(f"Photo {number}: A North Korean woman interviewed for this report "
                        "(photo withheld to protect her identity).", CAPTION)
    _, cap_h = caption.wrap(PHOTO_W, HEIGHT)
    if not _fits(state, PHOTO_H + cap_h + 2 * PHOTO_GAP, []):
        _next_column(state)
    x = state.x + (state.width - PHOTO_W) / 2
    canvas = state.canvas
    canvas.setFillGray(0.8)
    canvas.rect(x, state.y - PHOTO_H, PHOTO_W, PHOTO_H, stroke=0, fill=1)
    canvas.setFillGray(0)
    caption.drawOn(canvas, x, state.y - PHOTO_H - 4 - cap_h)
    state.y -= PHOTO_H + cap_h + 2 * PHOTO_GAP


def _finish_page(state: PageState) -> None:
    """Running header (not on the title page), notes above the bottom margin under a short
    rule, the page number; then a fresh single-column page."""
    canvas = state.canvas
    canvas.setFillGray(0)
    if state.number > 1:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(MARGIN, HEIGHT - 44, TITLE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, HEIGHT - 48, WIDTH - MARGIN, HEIGHT - 48)
    canvas.setFont("Helvetica", 9)
    canvas.drawCentredString(WIDTH / 2, 40, str(state.number))
    if state.notes:
        y = BOTTOM + _notes_height(state.notes, state.seed) - NOTE_RULE_GAP
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y + NOTE_RULE_GAP / 2, MARGIN + 144, y + NOTE_RULE_GAP / 2)
        for label in state.notes:
            note = _note(label, state.seed)
            _, height = note.wrap(WIDTH - 2 * MARGIN, HEIGHT)
            note.drawOn(canvas, MARGIN, y - height)
            y -= height + NOTE_GAP
    canvas.showPage()
    state.number += 1
    state.y = state.floor = TOP
    state.column = 0
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
