"""PDF page furniture: every page's lines in, the lines that are running heads, footers, page
numbers or stamps out, each with the evidence that convicted it.

A line is furniture when it sits in the top or bottom margin band of its page and either its text
with digits masked (``Lives for Sale 12`` -> ``livesforsale#``) recurs at the same height in the
margins of several pages, or it is a bare page number (a lone roman numeral only when it stands
apart where other pages have such lines: ``x`` may be a variable; none beside other figures on its
row, a table's cell), or it stands apart at a vertical position that holds an isolated line on most
pages (running heads whose words change per chapter). Margin text set larger than the body
(``HEADING_SIZE``) that recurs on few pages is a heading, not furniture, and so is a line set
larger than the body and than most lines of its text (a report's title, repeated small as the
running head of the pages after it). A line opening with a caption's label right over the text is a
table's title, repeated over its continuation on the next page.

Running heads that alternate between left and right pages recur on every other page, which
counts as recurring, and an isolated line in the bottom band where other pages print their
footers is a footer too (a form's catalogue number, printed once), and so is what a page
prints under its number (a proceedings' citation line under the first page's folio). Two
kinds of evidence other than repetition: a journal's masthead (journal name, volume, doi, set
smaller than the body above the article's title on the first page: nothing of the article
comes before its title), and its text again in a later margin; and a footer set in two parts,
by the text's left and right edges under all of it (a guide's title and its date), printed once.
And a page's lowest lines set in a face no other line of the page uses, the upper one opening
or closing with a page number (a folio and section title over the publication's name).
And a line set on a bar (``1 Purpose`` on a section's black band) is a heading on its banner:
its place on the page proves nothing, only its text recurring does. Its number and title, set
side by side on the bar, are one line, as a section's number a tab before its title is
(``section_numbers``, after the furniture is out).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from pipeline.extract.pdf.figures import region_of
from pipeline.extract.pdf.geometry import Box
from pipeline.extract.pdf.lines import CAPTION, HEADING_SIZE, Line, body_size_of
from pipeline.extract.pdf.notes import SMALLER, tab_label  # SMALLER: as notes are set
from pipeline.extract.pdf.order import LayoutBlock

MARGIN_SHARE = 0.12
"""Share of the page height, from the page's first and last text, where running heads and
footers live."""
MIN_REPEAT_PAGES = 3
"""A margin text must recur on this many pages (2 in documents of 3 pages or fewer)."""
POSITION_SHARE = 0.5
"""An isolated margin line at a position used on this share of pages is a running head."""
STACK_GAP_EM = 0.5
"""A line at most this many of its folio's ems above or under the folio stacks on it..."""
SIZE_MATCH = 0.05
"""...set in its size, within this share..."""
EDGE_MATCH_PT = 1.0
"""...and flush with it within this many points on the left or the right."""
ROW_FIGURES = 2
"""A bare number with this many other lines of figures on its row is a table's cell."""
FOOT_LINES = 2
"""A page's foot set in a face of its own holds at most this many lines."""
SPLIT_FOOTER_SHARE = 0.4
"""Each part of a two-part footer spans at most this share of the text's width, and the gap
between them at least as much."""
SPLIT_FOOTER_EDGE = 0.1
"""...and stands at most this share of the text's width in from the text's edge."""
ONE_PART_FOOTER_SHARE = 0.75
"""A footer in one part, under a page's notes, spans at most this share of the text's width
(a text's last row spans its column), and stands in from the text's left edge by at least
the rest of it."""
FIRST_HEAD_CHARS = 8
"""Characters (masked, without spaces) of a running head, up to its last number, that a line
over the first page must open with to be that head's longer form (``hoehnea#:e#,``)."""
ISOLATION_EM = 1.2
"""A margin line this many of its em clear of every other line is isolated."""
ISOLATION_REACH_PT = 200.0
"""...of every other line within this many points to either side of it."""
FOLIO_ROW_GAP_EM = 10.0
"""A bare page number and a line of words alone on one margin row, isolated, in one size and at
least this many ems apart (more than a numbered heading's tab), are a folio and its running
head (``_folio_rows``)."""
PAGE_OFFSET_SHARE = 0.5
"""A number in a repeated margin text is a page number when it equals page index + one offset
on more than this share of the text's pages (an unnumbered blank page shifts the offset)."""
POSITION_BUCKET = 3.0
"""Points: vertical positions closer than this count as the same position."""
POSITION_HAIR_PT = 1.0
"""Lines this close in height (points) stand at one position though a bucket's edge falls
between them: heads set 0.7 pt apart on even and odd pages."""
SMALL_PRINT_PT = 0.5
"""A line at least this many points below the body size is small print (the body size is
known to half a point)."""
BAR_EM = 2.0
"""A filled box at most this many of its line's ems tall, holding that line, is a bar behind it."""
TAB_EM = 4.0
"""A section's number is set at most this many ems left of its title..."""
ROW_SLACK = 0.2
"""...on its row: tops and bottoms within this share of the size."""

STAMP_LINES = 3
"""A stamp in the bottom margin is a stack of at least this many lines of small print..."""
STAMP_WIDTH_SHARE = 0.25
"""...each at most this share of the page's text width..."""
STAMP_AXIS_EM = 0.5
"""...centred on one axis (within this many body ems; their left edges twice as far apart,
or they are set flush)..."""
STAMP_LETTERS = 4
"""...each with words of its own (this many letters at least)."""

_SECTION_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.|[A-Z]\.)$")

_ROMAN = re.compile(r"^[ivxlcdm]+$")
_PAGE_NUMBER = re.compile(r"^(?:page|seite|p\.?|página|pagina|pág\.?|pag\.?)?[-–—|·\s]*#[-–—|·\s]*"
                          r"(?:page|seite)?(?:(?:of|von|sur|de|di|van|/)#)?$")
"""A page number with digits masked: ``12``, ``Page 3 of 21``, ``Seite 3 von 21``, ``3 / 21``
(a slide's or a browser printout's)."""
_CHAPTER_PAGE = re.compile(r"^\s*(?:\d{1,2}|[A-Z]{1,3})\s?[-–]\s?\d{1,3}\s*$")
"""A handbook's page number, chapter and page (``7-45``), or a part's letters and page (an
executive summary's ``ES-2``, an appendix's ``A-10``): only standing apart in a margin, since a
range of numbers has the same shape."""
_TICK = re.compile(r"^\s*[-−–]?\d+\s*$")
"""A bare number, signed or not: beside a drawing, one of its ticks (``-20`` below zero)."""
_DOCUMENT_NUMBER = re.compile(r"^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{1,8}(?:[-/.][A-Z0-9]{1,8}){1,4}$")
"""A report's or form's number: capitals and digits in groups joined by hyphens, slashes or
stops (``10-P-0154``, ``GAO-10-123``, ``EPA-452/R-97-003``)."""
_DIGITS = re.compile(r"\d+")
_FIGURES = re.compile(r"^[\d.,\s]*\d[\d.,\s]*$")
"""Figures alone: numbers with their thousands separators and decimal points."""
_FOLIO_AT_AN_END = re.compile(r"^\d{1,4}\s+[^\W\d]|[^\W\d]\S*\s+\d{1,4}$")
"""A page number opening or closing a line of words: a footer's folio beside the section's
title (``206  Law Enforcement, Courts, and Prisons``)."""
_FOLIO_CLOSING_WORDS = re.compile(r"^\D*[^\W\d][^\s\d]*\s+(?:\d{4}\s+)?\d{1,3}$")
"""A line of words closed by a page number, a year before it or not (``January 2012    65``);
no figures among the words (a table's row, a note's citation)."""
_WORDLIKE = re.compile(r"[^\W_]|#")


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    evidence: str


def mask(text: str) -> str:
    """Text with digit runs and lone roman numerals replaced by ``#``, spaces dropped, lower
    case."""
    words = [("#" if _ROMAN.match(w) else w) for w in text.lower().split()]
    # the words hold no white space (``split``): the joining spaces are the only spaces left
    return _DIGITS.sub("#", " ".join(words)).replace(" ", "")


def find_furniture(pages: list[list[Line]], heights: list[float],
                   bars: list[list[Box]] | None = None,
                   drawings: list[list[Box]] | None = None,
                   tabled: list[bool] | None = None) -> dict[int, Verdict]:
    """``id(line) -> Verdict`` for every furniture line of the document; ``bars``: each page's
    boxes that may be bands behind a heading (pages.PageData.bars); ``drawings``: each page's
    drawings (pages.PageData.figures), whose bare numbers are ticks, not page numbers;
    ``tabled``: whether each page holds a ruled table, whose text is no line of ``pages``."""
    bands = [_margin_lines(lines, height) for lines, height in zip(pages, heights)]
    banners = {id(line) for lines, page_bars in zip(pages, bars or [[] for _ in pages])
               for line in lines if any(_on_bar(line, bar) for bar in page_bars)}
    total = len(pages)
    needed = MIN_REPEAT_PAGES if total > 3 else 2
    text_pages: dict[tuple[str, int], set[int]] = defaultdict(set)
    numbers: dict[str, list[tuple[int, list[int]]]] = defaultdict(list)
    position_pages: dict[tuple[str, int], set[int]] = defaultdict(set)
    position_tops: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    sizes: dict[str, list[float]] = defaultdict(list)
    for index, band in enumerate(bands):
        for where, line, isolated in band:
            key, at = mask(line.text), round(line.top / POSITION_BUCKET)
            sizes[key].append(line.size)
            for near in (at - 1, at, at + 1):  # a position, give or take a bucket
                text_pages[(key, near)].add(index)
            numbers[key].append((index, [int(d) for d in _DIGITS.findall(line.text)]))
            if isolated:
                position_pages[(where, at)].add(index)
                position_tops[(where, at)].append((index, line.top))
    varying = {key for key, seen in numbers.items() if not _numbers_run_with_pages(seen)}
    extents = [(min((line.top for line in lines), default=None),
                max((line.bottom for line in lines), default=None)) for lines in pages]
    body = body_size_of(line for lines in pages for line in lines)
    # a title set large on the first page and repeated small as the running head after it
    # is no repeat of that head: furniture comes back at its own size
    folio_rows = {id(line): (where, folio) for band in bands
                  for where, line, folio in _folio_rows(band)}
    display = {id(line) for band in bands for _, line, _ in band
               if line.size > HEADING_SIZE * body and id(line) not in folio_rows
               and line.size > HEADING_SIZE * _median(sizes[mask(line.text)])}
    masthead = _masthead(bands[0], pages[0], body) if pages else {}
    # the first page's masthead lines, in its order, with their masked texts: looked through
    # for every margin line of the later pages
    masthead_lines = [(line, mask(line.text)) for line in (pages[0] if masthead else ())
                      if id(line) in masthead]
    labels = {id(line) for lines, band in zip(pages, bands) for _, line, _ in band
              if _note_label(line, lines)}
    titles = {id(line) for lines, band in zip(pages, bands) for _, line, _ in band
              if _table_title(line, lines)}
    titles |= {id(line) for lines, band in zip(pages, bands) for line in _text_run_on(band, lines)}
    # a page's body between its margins: lines of text, or a ruled table (a form's page)
    judged = [[(line, len(band) < len(lines) or bool(tabled and tabled[index]),
                None if id(line) in display or id(line) in labels or id(line) in titles
                else masthead.get(id(line)) or (
                    _repeats_masthead(line, masthead_lines) if index else None)
                or _judge(where, line, isolated and id(line) not in banners, text_pages,
                          varying, position_pages, position_tops, needed, total, body,
                          extents))
               for where, line, isolated in band]
              for index, (lines, band) in enumerate(zip(pages, bands))]
    judged = [[(line, framed, verdict or _beside_its_folio(folio_rows.get(id(line)), page))
               for line, framed, verdict in page] for page in judged]
    # a bare number on a row of figures is a table's cell: a page number stands alone or
    # beside words, and a cell taken for one would take its row with it as print beside it
    judged = [[(line, framed, None if verdict and verdict.rule == "page-number"
                and _in_a_row_of_figures(line, lines) else verdict)
               for line, framed, verdict in page] for page, lines in zip(judged, pages)]
    if drawings:
        # a chart's tick at the page foot closes no page: neither a footer nor the text
        # under it (the drawing's other ticks, its caption) is furniture for it
        judged = [[(line, framed, None if verdict and verdict.rule == "page-number"
                    and _TICK.match(line.text)
                    and region_of(line.bbox, page_drawings, reach=line.size) is not None
                    else verdict) for line, framed, verdict in page]
                  for page, page_drawings in zip(judged, drawings)]
    styles = {(where, line.face, round(line.size * 2)) for band, page in zip(bands, judged)
              for (where, _, _), (line, _, verdict) in zip(band, page)
              if verdict and verdict.rule.startswith("running-") and line.face}
    judged = _below_folio(bands, _footer_band(pages, bands, judged, banners, needed, body), body,
                          styles)
    judged = _above_the_text(pages, bands, judged, banners, body)
    if total == 1:
        judged = [_head_over_its_folio(bands[0], judged[0], banners, body)]
    judged = _inside_the_text(bands, judged, body)
    judged = _stamps(bands, judged, pages, body)
    judged = _split_footer(bands, judged, pages, body)
    judged = _foot_in_its_own_face(bands, judged, pages)
    judged = _document_numbers(pages, bands, judged, body)
    judged = _first_page_head(bands, judged, body)
    # On a page with body text (or a table) between its margins a verdict stands. A page of
    # margin lines only (a blank page, or a page whose one sentence is its content) loses a
    # line only if the same text is furniture on such a framed page, or is a bare page number.
    framing = {mask(line.text) for page in judged for line, framed, verdict in page
               if framed and verdict}
    return {id(line): verdict for page in judged for line, framed, verdict in page
            if verdict and (framed or verdict.rule == "page-number" or mask(line.text) in framing)}


def _folio_rows(band: list[tuple[str, Line, bool]]) -> list[tuple[str, Line, Line]]:
    """``(where, head, folio)`` for each margin row of ``band`` holding a bare page number and a
    line of words alone, both isolated, in one size and ``FOLIO_ROW_GAP_EM`` apart: a page's
    folio and its running head, whatever their size (a table's page sets its body smaller than
    its head, and a lone page shows no repetition). Only the page's outermost row: a contents
    entry and its page set under the head. A numbered heading's number stands a tab from its
    title, a table's row has rows around it."""
    found = []
    for where, folio, isolated in band:
        key = mask(folio.text)
        if not isolated or not _DIGITS.search(folio.text) or not _PAGE_NUMBER.match(key) or any(
                line.bottom <= folio.top if where == "top" else line.top >= folio.bottom
                for _, line, _ in band):
            continue  # not the page's outermost row: a contents entry and its page under it
        row = [(line, alone) for w, line, alone in band if w == where and line is not folio
               and _on_one_row(line, folio)]
        if len(row) != 1 or not row[0][1]:
            continue
        head = row[0][0]
        gap = max(head.x0 - folio.x1, folio.x0 - head.x1)
        if (_WORDLIKE.search(mask(head.text).replace("#", ""))
                and abs(head.size - folio.size) <= SIZE_MATCH * folio.size
                and gap >= FOLIO_ROW_GAP_EM * folio.size):
            found += [(where, folio, folio), (where, head, folio)]
    return found


def _beside_its_folio(row: tuple[str, Line] | None,
                      page: list[tuple[Line, bool, Verdict | None]]) -> Verdict | None:
    """The verdict of a running head on its folio's row (``_folio_rows``) once the folio is
    convicted as a page number."""
    if row is None:
        return None
    where, folio = row
    if not any(line is folio and verdict and verdict.rule == "page-number"
               for line, _, verdict in page):
        return None
    return Verdict(f"running-{'header' if where == 'top' else 'footer'}",
                   f"alone with the page's number {folio.text!r} on its row in the {where} "
                   f"margin, set as it and apart from it")


def _document_numbers(pages: list[list[Line]], bands: list[list[tuple[str, Line, bool]]],
                      judged: list[list[tuple[Line, bool, Verdict | None]]], body: float
                      ) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a page's first line convicted where it is a document's number alone
    (``_DOCUMENT_NUMBER``), isolated above the text, no larger than the body, set flush with
    the right edge of the text under it in the right half of the page: a report's number
    printed at the head of every page, which a one-page excerpt cannot show repeating."""
    out = []
    for lines, band, page in zip(pages, bands, judged):
        rows = list(page)
        for i, ((where, line, isolated), (_, framed, verdict)) in enumerate(zip(band, page)):
            if (verdict is not None or where != "top" or not isolated
                    or line.size > body + SMALL_PRINT_PT
                    or not _DOCUMENT_NUMBER.match(line.text.strip())):
                continue
            under = [o for o in lines if o is not line]
            if not under or any(o.top < line.bottom for o in under):
                continue  # not alone above the page's text
            right = max(o.x1 for o in under)
            left = min(o.x0 for o in under)
            if abs(line.x1 - right) <= EDGE_MATCH_PT and line.x0 - left >= (right - left) / 2:
                rows[i] = (line, framed, Verdict(
                    "running-header", f"a document's number ({line.text!r}) alone above the "
                                      "text, flush with its right edge"))
        out.append(rows)
    return out


def _first_page_head(bands: list[list[tuple[str, Line, bool]]],
                     judged: list[list[tuple[Line, bool, Verdict | None]]], body: float
                     ) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a line in the first page's top margin convicted where its text opens
    with a later page's running head (``Hoehnea 49: e1112020, 4 tab., 3 fig., 2022`` over the
    head ``Hoehnea 49: e1112020, 2022``), no larger than the body: the journal's longer form of
    its head over an article's first page, which need not stand isolated or recur."""
    heads = {(mask(line.text), line.text) for page in judged[1:] for line, _, verdict in page
             if verdict and verdict.rule == "running-header"}
    # the head's words up to its last number: what a longer form keeps before adding to it
    stems = {(key[:key.rindex("#")], text) for key, text in heads
             if "#" in key and len(key[:key.rindex("#")]) >= FIRST_HEAD_CHARS}
    if not judged or not stems:
        return judged
    rows = list(judged[0])
    for i, ((where, line, _), (_, framed, verdict)) in enumerate(zip(bands[0], rows)):
        if verdict is not None or where != "top" or line.size > body + SMALL_PRINT_PT:
            continue
        key = mask(line.text)
        head = next((text for stem, text in stems if key.startswith(stem)), None)
        if head is not None:
            rows[i] = (line, framed, Verdict(
                "running-header", f"page 1: opens with the running head {head[:40]!r}"))
    return [rows, *judged[1:]]


def _inside_the_text(bands: list[list[tuple[str, Line, bool]]],
                     judged: list[list[tuple[Line, bool, Verdict | None]]], body: float
                     ) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with running heads and footers acquitted that stand inside the page's
    text: a line of the page's own text at the body's size or larger (not convicted) between
    them and the page's edge. Furniture frames the text; what recurs under a section's
    heading at the top of each page (a standard's ``This section is informative.`` under
    ``1 Purpose``, each section opening a page) is the text's own."""
    out = []
    for band, page in zip(bands, judged):
        rows = list(page)
        for where in ("top", "bottom"):
            # from the edge inwards, so a line acquitted counts for those inside it
            order = sorted((i for i, (w, _, _) in enumerate(band) if w == where),
                           key=lambda i: band[i][1].top, reverse=where == "bottom")
            for k, i in enumerate(order):
                line, framed, verdict = rows[i]
                if verdict is None or not verdict.rule.startswith("running-"):
                    continue
                outside = [rows[j][0] for j in order[:k] if rows[j][2] is None
                           and rows[j][0].size >= body - SMALL_PRINT_PT]
                if any(o.bottom <= line.top if where == "top" else o.top >= line.bottom
                       for o in outside):
                    rows[i] = (line, framed, None)
        out.append(rows)
    return out


def _stamps(bands: list[list[tuple[str, Line, bool]]],
            judged: list[list[tuple[Line, bool, Verdict | None]]], pages: list[list[Line]],
            body: float) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a stamp in a page's bottom margin convicted: a narrow stack of small
    print lines centred on one axis with nothing of the text below it (a classification block,
    ``GROUP 1 / Excluded from automatic / downgrading and / declassification``, stamped once on
    a memo's page). Text is set flush to its column; a note or a caption spans its column."""
    out = []
    for band, page, lines in zip(bands, judged, pages):
        if not lines:
            out.append(page)
            continue
        width = max(l.x1 for l in lines) - min(l.x0 for l in lines)
        small = sorted((line for (where, line, _), (_, _, verdict) in zip(band, page)
                        if where == "bottom" and verdict is None and line.size < SMALLER * body
                        and line.x1 - line.x0 <= STAMP_WIDTH_SHARE * width
                        and sum(ch.isalpha() for ch in line.text) >= STAMP_LETTERS),
                       key=lambda l: l.top)
        stamped: set[int] = set()
        stack: list[Line] = []
        for line in [*small, None]:
            if (line is not None and stack and line.top - stack[-1].bottom <= line.size
                    and abs((line.x0 + line.x1) - (stack[0].x0 + stack[0].x1)) / 2
                    <= STAMP_AXIS_EM * body):
                stack.append(line)
                continue
            # centred, not flush: the left edges move as the lines' lengths do
            if (len(stack) >= STAMP_LINES and max(l.x0 for l in stack) - min(l.x0 for l in stack)
                    > 2 * STAMP_AXIS_EM * body):
                ids = {id(l) for l in stack}
                # the stack itself and what is furniture already
                passed = ids | {id(l) for l, _, verdict in page if verdict}
                if not any(o.top >= stack[-1].bottom and id(o) not in passed
                           and o.size >= SMALLER * body for o in lines):
                    stamped |= ids
            stack = [line] if line is not None else []
        out.append([(line, framed, Verdict("stamp", "a narrow stack of small print centred "
                                                    "on one axis in the bottom margin")
                     if id(line) in stamped else verdict) for line, framed, verdict in page])
    return out


def _split_footer(bands: list[list[tuple[str, Line, bool]]],
                  judged: list[list[tuple[Line, bool, Verdict | None]]], pages: list[list[Line]],
                  body: float) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a footer set in two parts convicted: a row of the bottom margin, clear
    of the text above it and under all of it, holding exactly two short pieces no larger than
    the body, one by the text's left edge and one by its right, far apart (a guide's title
    left, its date right), printed on a page once; or one such piece by the right edge under
    the page's notes (``_footer_under_notes``). A text's last row spans its column, and a
    table's holds more cells or numbers."""
    out = []
    for band, page, lines in zip(bands, judged, pages):
        convicted = {id(line) for line, _, verdict in page if verdict}
        text = [line for line in lines if id(line) not in convicted]
        footer: set[int] = set()
        if len(text) > 2:
            left = min(line.x0 for line in text)
            right = max(line.x1 for line in text)
            width = right - left
            for (where, line, isolated), (_, _, verdict) in zip(band, page):
                if where != "bottom" or not isolated or verdict:
                    continue
                row = [o for o in text if _on_one_row(o, line)]
                if any(o.top >= line.bottom for o in text if o not in row):
                    continue
                if len(row) == 1 and (_footer_under_notes(line, text, left, width, body)
                                      or _footer_closed_by_its_folio(line, left, width, body)):
                    footer.add(id(line))
                    continue
                if len(row) != 2:
                    continue
                first, second = sorted(row, key=lambda o: o.x0)
                if (all(o.size <= body and not o.lead_label and _WORDLIKE.search(mask(o.text))
                        and o.x1 - o.x0 <= SPLIT_FOOTER_SHARE * width for o in row)
                        and first.x0 - left <= SPLIT_FOOTER_EDGE * width
                        and right - second.x1 <= SPLIT_FOOTER_EDGE * width
                        and second.x0 - first.x1 >= SPLIT_FOOTER_SHARE * width):
                    footer |= {id(first), id(second)}
        out.append([(line, framed, Verdict("running-footer", "a footer printed once, at the "
                                                             "text's right edge or in two "
                                                             "parts at both, under the text")
                     if id(line) in footer else verdict) for line, framed, verdict in page])
    return out


def _foot_in_its_own_face(bands: list[list[tuple[str, Line, bool]]],
                          judged: list[list[tuple[Line, bool, Verdict | None]]],
                          pages: list[list[Line]]) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a page's foot set in a face of its own convicted: the page's lowest
    lines, at most ``FOOT_LINES``, in the bottom margin under all the rest of its text, each
    short (a text's last row spans its column), in one face that no other line of the page
    is set in, the upper one opening or closing with a page number (a statistical abstract's
    folio and section title over the publication's name, right under a table's source line):
    printed once, so no repetition proves it, but a folio in a typeface the page's text never
    uses marks the page's frame. A signature (a name over its role in small capitals) or a
    note's date line has no folio."""
    out = []
    for band, page, lines in zip(bands, judged, pages):
        convicted = {id(line) for line, _, verdict in page if verdict}
        foot = _own_face_foot([line for line in lines if id(line) not in convicted])
        out.append([(line, framed, verdict or (
                        Verdict("running-footer", f"the page's foot, in a face ({line.face}) no "
                                                  "other line of the page is set in")
                        if where == "bottom" and id(line) in foot else None))
                    for (where, _, _), (line, framed, verdict) in zip(band, page)])
    return out


def _own_face_foot(text: list[Line]) -> set[int]:
    """``id``s of ``text``'s lowest lines when they are a foot in a face of their own."""
    lowest = sorted(text, key=lambda line: line.bottom, reverse=True)
    if len(lowest) <= FOOT_LINES or not lowest[0].face:
        return set()
    face = lowest[0].face
    run = []
    for line in lowest:
        if line.face != face:
            break
        run.append(line)
    rest = lowest[len(run):]
    if len(run) > FOOT_LINES or any(line.face == face for line in rest):
        return set()
    left = min(line.x0 for line in text)
    width = max(line.x1 for line in text) - left
    if (min(line.top for line in run) < max(line.bottom for line in rest)
            or not _FOLIO_AT_AN_END.search(run[-1].text)
            or any(line.x1 - line.x0 > ONE_PART_FOOTER_SHARE * width or line.lead_label
                   or CAPTION.match(line.text) or not _WORDLIKE.search(mask(line.text))
                   for line in run)):
        return set()
    return {id(line) for line in run}


def _footer_under_notes(line: Line, text: list[Line], left: float, width: float,
                        body: float) -> bool:
    """Whether ``line``, alone on its row under all the text, is a footer in one part: short,
    words, no larger than the body and no small print, set flush with the text's right edge
    and standing clear of its left one, right under small print (the page's notes: nothing
    but furniture stands under a page's notes, while a letter's signature stands under its
    text)."""
    above = [o for o in text if o.bottom <= line.top]
    if not above or line.lead_label or not _WORDLIKE.search(mask(line.text)):
        return False
    nearest = max(above, key=lambda o: o.bottom)
    return (body - SMALL_PRINT_PT < line.size <= body + SMALL_PRINT_PT
            and nearest.size <= body - SMALL_PRINT_PT
            and line.x1 - line.x0 <= ONE_PART_FOOTER_SHARE * width
            and left + width - line.x1 <= SPLIT_FOOTER_EDGE * width
            and line.x0 - left >= (1 - ONE_PART_FOOTER_SHARE) * width)


def _footer_closed_by_its_folio(line: Line, left: float, width: float, body: float) -> bool:
    """Whether ``line``, alone on its row under all the text, is a footer in one part whose
    page number closes it (``Monthly Labor Review  •  January 2012    65``): short words, no
    larger than the body, flush with the text's left or right edge, ending in a number of at
    most three figures after a word or a year. A page's last line of text spans its column;
    a note opens with its label, a caption with its own."""
    if (line.lead_label or line.size > body + SMALL_PRINT_PT or CAPTION.match(line.text)
            or _FOLIO_CLOSING_WORDS.search(line.text) is None
            or line.x1 - line.x0 > ONE_PART_FOOTER_SHARE * width):
        return False
    return (line.x0 - left <= SPLIT_FOOTER_EDGE * width
            or left + width - line.x1 <= SPLIT_FOOTER_EDGE * width)


def _footer_band(pages: list[list[Line]], bands: list[list[tuple[str, Line, bool]]],
                 judged: list[list[tuple[Line, bool, Verdict | None]]], banners: set[int],
                 needed: int, body: float) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a page's last line convicted where it stands, isolated, in the band
    that holds the last lines of ``needed`` other pages, convicted as footers there (a form's
    ``Cat. No. 11368V`` once, at the height of the later pages' footers): no page sets its
    text below its footer. Not a line set larger than the body, nor one opening with a raised
    label (a footnote's last line)."""
    convicted = {id(line) for page in judged for line, _, verdict in page if verdict}

    def last(line: Line, lines: list[Line]) -> bool:
        return not any(o.top > line.bottom for o in lines if id(o) not in convicted)

    footers = [[(line.top, line.bottom) for (where, _, _), (line, _, verdict) in zip(band, page)
                if verdict and verdict.rule != "masthead" and where == "bottom"
                and last(line, lines)]
               for lines, band, page in zip(pages, bands, judged)]
    out = []
    for index, (lines, band, page) in enumerate(zip(pages, bands, judged)):
        rows = []
        for (where, _, isolated), (line, framed, verdict) in zip(band, page):
            if (verdict is None and where == "bottom" and isolated and id(line) not in banners
                    and not line.lead_label and line.size < HEADING_SIZE * body
                    and last(line, lines)):
                found = sum(1 for other, spans in enumerate(footers) if other != index
                            and any(top < line.bottom and bottom > line.top
                                    for top, bottom in spans))
                if found >= needed:
                    verdict = Verdict("running-footer",
                                      f"a page's last line, isolated, at y={line.top:.0f}: in "
                                      f"the band of the footers of {found} other pages")
            rows.append((line, framed, verdict))
        out.append(rows)
    return out


def _above_the_text(pages: list[list[Line]], bands: list[list[tuple[str, Line, bool]]],
                    judged: list[list[tuple[Line, bool, Verdict | None]]], banners: set[int],
                    body: float) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with a later page's first line convicted where it stands, isolated, above
    the first line of every other page (clear of it as an isolated line is of the others),
    while the page's text under it starts where theirs do (within an em of the body): it is
    set in the margin above the text area, a running head printed on that page only (a
    brochure's title over its second page), which repetition cannot prove. Not on the first
    page (a title or a masthead opens it), nor a line set larger than the body."""
    convicted = {id(line) for page in judged for line, _, verdict in page if verdict}
    tops = [min((l.top for l in lines if id(l) not in convicted), default=None)
            for lines in pages]
    out = [judged[0]] if judged else []
    for index in range(1, len(pages)):
        others = [top for other, top in enumerate(tops) if other != index and top is not None]
        rows = []
        for (where, _, isolated), (line, framed, verdict) in zip(bands[index], judged[index]):
            if (verdict is None and others and where == "top" and isolated
                    and id(line) not in banners and line.size < HEADING_SIZE * body
                    and line.top == tops[index]
                    and line.bottom + ISOLATION_EM * line.size <= min(others)):
                under = min((l.top for l in pages[index] if id(l) not in convicted
                             and l.top >= line.bottom), default=None)
                if under is not None and abs(under - min(others)) <= body:
                    verdict = Verdict("running-header",
                                      f"a later page's first line at y={line.top:.0f}, "
                                      f"isolated above the text, which starts at "
                                      f"y={under:.0f} as the other pages' does")
            rows.append((line, framed, verdict))
        out.append(rows)
    return out


def running_tables(tables: list[list[LayoutBlock]], pages: list[list[Line]],
                   heights: list[float]) -> dict[int, Verdict]:
    """``id(table) -> Verdict`` for the ruled tables set wholly in a page's top or bottom
    margin band whose text, digits masked, recurs so on ``MIN_REPEAT_PAGES`` pages (2 in a
    document of three pages or fewer): a Word document's header table (the centre, the title,
    the document number, ``Page 4 of 56``) is read as a table, so the repetition that convicts
    running heads line by line never sees it."""
    needed = MIN_REPEAT_PAGES if len(tables) > 3 else 2
    seen: dict[tuple[str, str], list[LayoutBlock]] = defaultdict(list)
    for page_tables, lines, height in zip(tables, pages, heights):
        if not page_tables:
            continue
        first = min([line.top for line in lines] + [t.top for t in page_tables])
        last = max([line.bottom for line in lines] + [t.bottom for t in page_tables])
        for table in page_tables:
            if where := _margin_band(table.top, table.bottom, first, last, height):
                seen[(where, mask(" ".join(line.text for line in table.lines)))].append(table)
    return {id(table): Verdict(f"running-{'header' if where == 'top' else 'footer'}",
                               f"a ruled table in the {where} margin repeated on "
                               f"{len(repeated)} pages (digits masked)")
            for (where, _), repeated in seen.items() if len(repeated) >= needed
            for table in repeated}


def _head_over_its_folio(band: list[tuple[str, Line, bool]],
                         page: list[tuple[Line, bool, Verdict | None]], banners: set[int],
                         body: float) -> list[tuple[Line, bool, Verdict | None]]:
    """The verdicts of a document of one page with its first line convicted where the page's
    foot holds its number: a numbered page printed alone is a page of a longer document (an
    excerpt, a glossary's page ``A-3``), so the line isolated and alone above its text, not
    set as large as a heading nor bold, is its running head (``Appendix A—Glossary``), which no
    other page can show repeated. A title or a heading opening the page is set larger or bold;
    an unnumbered page (a letter, a flyer) keeps its first line."""
    folios = [line for line, _, verdict in page if verdict and verdict.rule == "page-number"
              and _DIGITS.search(line.text)]
    top = min((line.top for line, _, _ in page), default=None)
    out = []
    for (where, _, isolated), (line, framed, verdict) in zip(band, page):
        if (verdict is None and where == "top" and isolated and line.top == top
                and id(line) not in banners and line.bold_share < 0.5
                and line.size < HEADING_SIZE * body
                and not any(other is not line and _on_one_row(other, line)
                            for other, _, _ in page)
                and any(folio.top > line.bottom for folio in folios
                        for w, folio_line, _ in band if folio_line is folio and w == "bottom")):
            verdict = Verdict("running-header", f"the first line of a page printed alone, "
                                                f"isolated over its text, whose foot holds its "
                                                f"number {folios[0].text!r}")
        out.append((line, framed, verdict))
    return out


def _below_folio(bands: list[list[tuple[str, Line, bool]]],
                 judged: list[list[tuple[Line, bool, Verdict | None]]], body: float,
                 styles: set[tuple[str, str, int]]
                 ) -> list[list[tuple[Line, bool, Verdict | None]]]:
    """The verdicts with the bottom-margin lines printed under a page's number (standing
    apart, alone on its row) convicted too: the folio closes the page's text, so what a page
    prints below it is a slug (a proceedings' citation line under the first page's number,
    printed once: ``Proceedings of the 50th Annual Meeting ..., pages 11-21``). Not a line set
    larger than the body. The folio need only stand clear of the text above it, a blank line
    of its size: the slug may be set a few points under it (an ACL paper's), closer than a
    margin line keeps clear of the others, while a number alone on a line of a note (judged a
    page number by its place) stands at the note's leading."""
    out = []
    for band, page in zip(bands, judged):
        folios = [line for (where, _, _), (line, _, verdict) in zip(band, page)
                  if verdict and verdict.rule == "page-number" and where == "bottom"
                  and _clear_above(line, band)
                  and not any(o is not line and _on_one_row(o, line)
                              for _, o, _ in band)]  # no chart's scale, no number in a note
        rows = _beside_folio(band, page, body, styles)
        if folios:
            folio = min(folios, key=lambda line: line.bottom)
            rows = [(line, framed, verdict or (
                        Verdict("running-footer", f"under the page's number {folio.text!r} "
                                                  f"(y={folio.bottom:.0f}), at y={line.top:.0f}")
                        if where == "bottom" and line.top >= folio.bottom
                        and line.size < HEADING_SIZE * body else None))
                    for (where, _, _), (line, framed, verdict) in zip(band, rows)]
        out.append(rows)
    return out


def _clear_above(line: Line, band: list[tuple[str, Line, bool]]) -> bool:
    """Whether ``line`` stands at least its own size clear of every line of ``band`` above
    it (within ``ISOLATION_REACH_PT`` to either side): a blank line under the text."""
    return not any(other is not line and other.bottom <= line.top
                   and line.top - other.bottom < line.size
                   and _in_reach(other, line) for _, other, _ in band)


def _beside_folio(band: list[tuple[str, Line, bool]],
                  page: list[tuple[Line, bool, Verdict | None]], body: float,
                  styles: set[tuple[str, str, int]]
                  ) -> list[tuple[Line, bool, Verdict | None]]:
    """The verdicts with the small print on the row of the page's number convicted too: a
    footer or head printed beside the folio (``The Authors Journal compilation © 2014`` by
    ``306``), which repetition cannot prove on a page whose footer differs from the others'.
    A heading or the text's last line is set at the body's size or larger, unless in the face
    and size of the running heads of its margin (``styles``): a left page's own head beside
    its folio (the section's title, printed on that page only, the chapter's on the others);
    or unless it stands apart from the text, as the folio does, in the bottom margin (a
    publisher's web address at the body's size right of a lone page's number): the text's
    last line runs on at its leading, and no heading closes a page."""
    folios = [line for (line, _, verdict) in page if verdict and verdict.rule == "page-number"
              and _DIGITS.search(line.text)]
    return [(line, framed, verdict or next(
                (Verdict(f"running-{'header' if where == 'top' else 'footer'}",
                         f"small print on the row of the page's number {folio.text!r} in the "
                         f"{where} margin")
                 for folio in folios if folio is not line
                 and (line.size < SMALLER * body
                      or (where, line.face, round(line.size * 2)) in styles)
                 and _on_one_row(folio, line)), None) or next(
                (Verdict(f"running-{'header' if where == 'top' else 'footer'}",
                         f"set as the page's number {folio.text!r} and flush with it, right "
                         f"{'above' if line.bottom <= folio.top else 'under'} it")
                 for folio in folios if _stacked_on(line, folio)
                 and _isolated(line, [o for _, o, _ in band if o is not folio])), None) or next(
                (Verdict("running-footer", f"apart from the text on the row of the page's "
                                           f"number {folio.text!r} in the bottom margin")
                 for folio in folios if folio is not line and where == "bottom" and isolated
                 and line.size < HEADING_SIZE * body
                 and _on_one_row(folio, line)), None))
            for (where, _, isolated), (line, framed, verdict) in zip(band, page)]


def _stacked_on(line: Line, folio: Line) -> bool:
    """Whether ``line`` stands right above or under the page number ``folio`` that says it is
    one (``Appendix 5`` over ``Page 8 of 11``; a bare number may be a note's broken line's
    end), flush with it on one side and set in its size: one stack of the margin, printed with
    the folio, which stands apart from everything else. A heading is set apart from a folio,
    and larger."""
    gap = max(folio.top - line.bottom, line.top - folio.bottom)
    return (line is not folio and any(ch.isalpha() for ch in folio.text)
            and 0 <= gap <= STACK_GAP_EM * folio.size
            and abs(line.size - folio.size) <= SIZE_MATCH * folio.size
            and (abs(line.x1 - folio.x1) <= EDGE_MATCH_PT or abs(line.x0 - folio.x0)
                 <= EDGE_MATCH_PT))


def _masthead(band: list[tuple[str, Line, bool]], lines: list[Line], body: float
              ) -> dict[int, Verdict]:
    """The first page's small print in its top margin above a title set larger than the
    body, or bold at its size as the page's first line of that size (a manuscript's title):
    a journal's masthead (name, volume, doi) or a preprint's slug (``Draft version February
    26, 2021``), none of the article's own text."""
    title = max(lines, key=lambda l: l.size, default=None)
    if title is not None and title.size < HEADING_SIZE * body:
        title = min((line for line in lines if line.size > body - SMALL_PRINT_PT),
                    key=lambda l: l.top, default=None)
        if title is not None and not title.bold:
            return {}
    if title is None:
        return {}
    return {id(line): Verdict("masthead", f"page 1: small print ({line.size:.1f} pt, body "
                                          f"{body:.1f}) above the title {title.text[:40]!r}")
            for where, line, _ in band
            if where == "top" and line.bottom <= title.top
            and line.size <= body - SMALL_PRINT_PT}


def _repeats_masthead(line: Line, masthead: list[tuple[Line, str]]) -> Verdict | None:
    """A margin line of a later page whose text is a masthead line's (the journal's name as
    the running head); ``masthead``: the first page's masthead lines and their ``mask``."""
    key = mask(line.text)
    for other, masked in masthead:
        if len(key) > 3 and key in masked:
            return Verdict("running-header", f"repeats the first page's masthead line "
                                             f"{other.text[:40]!r}")
    return None


def on_bars(lines: list[Line], bars: list[Box]) -> list[Line]:
    """The lines with those set side by side on one bar joined into one: a section's number
    and title on its band (``1`` and ``Purpose``, a tab apart) are one heading."""
    rows = []
    for bar in bars:
        inside = sorted((l for l in lines if _on_bar(l, bar)), key=lambda l: l.x0)
        if len(inside) >= 2 and max(l.top for l in inside) <= min(l.bottom for l in inside):
            rows.append(inside)  # not one line, nor lines that are not one row
    return _joined_rows(lines, rows)


def section_numbers(lines: list[Line]) -> list[Line]:
    """The lines with a section's number joined to its title set a tab to its right on the
    same row, in the same size and weight (``1.3`` and ``Document Overview``): a number alone
    would head nothing, and its title alone would lose the numbering that marks it."""
    rows = []
    for line in lines:
        if not _SECTION_NUMBER.match(line.text):
            continue
        title = min((o for o in lines if o is not line and o.x0 > line.x1
                     and o.x0 - line.x1 <= TAB_EM * line.size
                     and abs(o.top - line.top) <= ROW_SLACK * line.size
                     and abs(o.bottom - line.bottom) <= ROW_SLACK * line.size
                     and abs(o.size - line.size) < SMALL_PRINT_PT and o.bold == line.bold
                     and o.text[:1].isalpha()), key=lambda o: o.x0, default=None)
        if title is not None:
            rows.append([line, title])
    return _joined_rows(lines, rows)


def _joined_rows(lines: list[Line], rows: list[list[Line]]) -> list[Line]:
    """``lines`` with each row (lines side by side, left to right) joined into one line."""
    joined: dict[int, Line] = {}
    dropped: set[int] = set()
    for inside in rows:
        first = inside[0]
        text, raised = first.text, list(first.raised)
        for line in inside[1:]:
            text += " "
            raised += [(offset + len(text), mark) for offset, mark in line.raised]
            text += line.text
        letters = sum(len(l.text) for l in inside) or 1
        joined[id(first)] = Line(
            first.page, first.x0, min(l.top for l in inside), inside[-1].x1,
            max(l.bottom for l in inside), text, max(l.size for l in inside),
            sum(l.bold_share * len(l.text) for l in inside) / letters, first.italic, raised,
            first.lead_label, sum(l.bad_glyphs for l in inside), sum(l.chars for l in inside),
            inside[-1].face if all(l.face == inside[-1].face for l in inside) else "")
        dropped.update(id(l) for l in inside[1:])
    return [joined.get(id(l), l) for l in lines if id(l) not in dropped]


def _on_bar(line: Line, bar: Box) -> bool:
    """Whether ``line`` is set on ``bar``: inside it, the bar not much taller than the line."""
    return (bar[0] - 1 <= line.x0 and line.x1 <= bar[2] + 1 and bar[1] - 1 <= line.top
            and line.bottom <= bar[3] + 1 and bar[3] - bar[1] <= BAR_EM * line.size)


def _every_other_page(pages: set[int], total: int) -> bool:
    """Whether ``pages`` (indices) are every page of one parity: left and right pages carry
    different running heads (the chapter's title, the section's), so each recurs on every
    other page only."""
    parities = {index % 2 for index in pages}
    return len(parities) == 1 and pages == set(range(parities.pop(), total, 2))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _numbers_run_with_pages(seen: list[tuple[int, list[int]]]) -> bool:
    """Whether every number in a repeated margin text is constant (a report id, a year) or
    follows the page index with one offset on most of its pages (a printed page number).

    Repeated note texts (``7 HRNK Report, p. 56.`` then ``14 HRNK Report, p. 18.``) carry
    labels and cited pages that jump about."""
    counts = {len(values) for _, values in seen}
    if len(counts) != 1:
        return False
    for position in range(counts.pop()):
        values = [values[position] for _, values in seen]
        offsets = Counter(values[i] - index for i, (index, _) in enumerate(seen))
        if len(set(values)) > 1 and offsets.most_common(1)[0][1] < PAGE_OFFSET_SHARE * len(seen):
            return False
    return True


def _margin_lines(lines: list[Line], height: float) -> list[tuple[str, Line, bool]]:
    """Lines in the top and bottom bands, measured from the page's outermost text (a proof
    or a tall page can set its running head well below the 12% line of the paper)."""
    if not lines:
        return []
    first = min(line.top for line in lines)
    last = max(line.bottom for line in lines)
    return [(where, line, _isolated(line, lines)) for line in lines
            if (where := _margin_band(line.top, line.bottom, first, last, height))]


def _margin_band(top: float, bottom: float, first: float, last: float,
                 height: float) -> str | None:
    """``"top"`` or ``"bottom"`` for a box from ``top`` to ``bottom`` set wholly in that
    margin band of a page ``height`` tall whose outermost text spans ``first`` to ``last``,
    else None."""
    if bottom <= max(first, 0.0) + height * MARGIN_SHARE:
        return "top"
    if top >= min(last, height) - height * MARGIN_SHARE:
        return "bottom"
    return None


def _note_label(line: Line, lines: list[Line]) -> bool:
    """Whether ``line`` is a bare number set smaller than the text that follows it on its row,
    a tab or so to its right: a note's label (set apart from its text by a tab), not a page
    number, which stands alone or beside text of its own size."""
    return line.text.strip().isdigit() and any(  # (a cheap test before the page's lines)
        other is not line and other.text[:1].isalpha() and tab_label(line, other)
        for other in lines)


def _table_title(line: Line, lines: list[Line]) -> bool:
    """Whether ``line`` opens with a caption's label (``Table 14.``) and the text follows right
    under it: a table's or figure's title, printed again over its continuation on the next
    page, not a running head, which stands apart from the text."""
    clearance = ISOLATION_EM * line.size
    return bool(CAPTION.match(line.text)) and any(
        other is not line and line.bottom <= other.top < line.bottom + clearance
        and other.x0 < line.x1 and other.x1 > line.x0 for other in lines)


def _text_run_on(band: list[tuple[str, Line, bool]], lines: list[Line]) -> list[Line]:
    """The bottom-margin lines of ``band`` that run on from the text above the margin: each set
    right under a line (within ``ISOLATION_EM``) at its left edge and size, that line above the
    margin or running on itself. A table's rows carried down into the margin (its last row,
    ``Wyoming``, the same over its continuation on the next page), not a footer, which stands
    apart from the text."""
    in_band = {id(line) for where, line, _ in band if where == "bottom"}
    run_on: list[Line] = []
    for line in sorted((line for where, line, _ in band if where == "bottom"),
                       key=lambda line: line.top):
        clearance = ISOLATION_EM * line.size
        if any(other is not line and other.bottom <= line.top < other.bottom + clearance
               and abs(other.x0 - line.x0) <= EDGE_MATCH_PT
               and abs(other.size - line.size) <= SIZE_MATCH * line.size
               and (id(other) not in in_band or any(other is kept for kept in run_on))
               for other in lines):
            run_on.append(line)
    return run_on


def _in_a_row_of_figures(line: Line, lines: list[Line]) -> bool:
    """Whether ``line``'s row holds at least ``ROW_FIGURES`` other lines of figures alone
    (``26,347``, ``192``): a table's row."""
    return sum(1 for other in lines if other is not line and _FIGURES.match(other.text)
               and _on_one_row(other, line)) >= ROW_FIGURES


def _on_one_row(a: Line, b: Line) -> bool:
    """Whether ``a`` and ``b`` overlap in height: they stand on one row."""
    return a.top < b.bottom and a.bottom > b.top


def _isolated(line: Line, lines: list[Line]) -> bool:
    clearance = ISOLATION_EM * line.size
    for other in lines:
        if other is line:
            continue
        if other.top < line.bottom + clearance and other.bottom > line.top - clearance:
            if _in_reach(other, line) and (
                    other.top > line.bottom or other.bottom < line.top):
                return False
    return True


def _in_reach(other: Line, line: Line) -> bool:
    """Whether ``other`` comes within ``ISOLATION_REACH_PT`` of ``line`` to either side."""
    return other.x0 < line.x1 + ISOLATION_REACH_PT and other.x1 > line.x0 - ISOLATION_REACH_PT


def _margin_of_every_page(where: str, line: Line, holding: set[int],
                          extents: list[tuple[float | None, float | None]]) -> bool:
    """Whether every page without an isolated line at ``line``'s position (``holding``: the
    pages with one) keeps its text clear of that position, as an isolated line is kept clear:
    a margin lies outside every page's text area. A page whose first (last) line starts a
    little under (over) it shows the text area reaching there: the lines at that height on the
    other pages are text that happens to open the page (a section's heading on two of three
    pages), not heads whose words change per chapter. Not the first page, set its own way (a
    masthead, a title where the later pages print their heads). ``extents``: each page's first
    line's top and last line's bottom."""
    clearance = ISOLATION_EM * line.size
    for index, (first, last) in enumerate(extents):
        if index == 0 or index in holding or first is None or last is None:
            continue
        if where == "top" and line.top + POSITION_BUCKET < first < line.bottom + clearance:
            return False
        if where == "bottom" and line.top - clearance < last < line.bottom - POSITION_BUCKET:
            return False
    return True


def _judge(where: str, line: Line, isolated: bool, text_pages: dict[tuple[str, int], set[int]],
           varying: set[str], position_pages: dict[tuple[str, int], set[int]],
           position_tops: dict[tuple[str, int], list[tuple[int, float]]], needed: int,
           total: int, body: float, extents: list[tuple[float | None, float | None]]
           ) -> Verdict | None:
    key = mask(line.text)
    if not _WORDLIKE.search(key):
        return None  # a lone bracket or end-of-proof mark is the body's, wherever it falls
    at = round(line.top / POSITION_BUCKET)
    if (_PAGE_NUMBER.match(key) and (_DIGITS.search(line.text) or (
            isolated and len(position_pages[(where, at)]) >= needed))
            or isolated and _CHAPTER_PAGE.match(line.text)):
        return Verdict("page-number", f"{where} margin: a bare page number ({line.text!r})")
    # the same text at the same height (a proof's "Proof:" lands anywhere in the band), not a
    # one-letter figure label, not a heading set larger than the text that recurs on a few pages
    pages = set() if key in varying or len(key) < 2 else text_pages[(key, at)]
    seen = len(pages)
    if line.size > HEADING_SIZE * body and seen < POSITION_SHARE * total:
        seen = 0
    if seen >= needed or seen >= 2 and _every_other_page(pages, total):
        return Verdict(f"running-{'header' if where == 'top' else 'footer'}",
                       f"repeated on {seen} of {total} pages in the {where} margin "
                       f"(digits masked: {key!r})")
    # a note's last line stands apart at a page's foot; a line whose words change from page to
    # page and that is set larger than the body is a slide's title in its bar, not a running
    # head: heads that change per chapter are set no larger than the text
    if isolated and not line.lead_label and line.size <= HEADING_SIZE * body:
        bucket = round(line.top / POSITION_BUCKET)
        # an isolated line a hair from this one across a bucket's edge stands at its height
        holding = position_pages[(where, bucket)] | {
            index for near in (bucket - 1, bucket + 1)
            for index, top in position_tops[(where, near)]
            if abs(top - line.top) <= POSITION_HAIR_PT}
        at = len(holding)
        if (at >= needed and at >= POSITION_SHARE * total
                and _margin_of_every_page(where, line, holding, extents)):
            return Verdict(f"running-{'header' if where == 'top' else 'footer'}",
                           f"an isolated {where}-margin line at y={line.top:.0f} on {at} of "
                           f"{total} pages")
    return None
