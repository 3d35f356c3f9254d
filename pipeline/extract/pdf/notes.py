"""PDF footnotes: one page's lines in, the note area at the page bottom split into notes out.

Note blocks are set smaller than the body, under body text and with no larger text below them
in their column (so note areas under each of several columns are found). A block counts as a
note only with evidence: it opens with a label (a raised number or symbol, or a number followed
by a space), a separator rule sits just above it, or it follows another note; a plain
number opens a note only when the page's text cites it (a raised or glued marker), since
reference lists and charts' scales open small print with numbers too. On an article's first
page, small print alone at the foot of a column is an author note (correspondence, dates)
without a label. A note block opening with a note symbol glued to its first word (``*These
authors ...``) opens a note so labelled. Lines without a label continue the previous note,
which may have started on the previous page, unless the line before ended a sentence short
of the column's edge with room for their first word: then they open an unlabelled note ("These
authors contributed equally." / "Correspondence: ..."; a reference's title ending "(NCES
2009-020)." a word's width short of the edge is followed by the rest of its reference).
A note area starts right under the body or under its rule: small print under a heading, or
under small print that is no note, is a section set small (a reference list, an article's
back matter), and a rule is evidence only for the text right under it. Small print running
past the column of the note above it, or starting left of it (a licence line or a proceedings
slug across the page), continues no note, nor
does small print further than a rule's reach under it or with other text between them. A raised
label the page cites, right under a separator rule (a link's underline is none), opens a note
whatever larger text stands below it (a table's title set across the columns under their
notes); a table's own rules, drawn cell by cell out to the cells its box left out, separate no
notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import takewhile

from pipeline.extract.pdf.geometry import centre_in
from pipeline.extract.pdf.lines import CAPTION, NOTE_MARKS, Line
from pipeline.extract.pdf.order import BUILT_WHOLE, LayoutBlock, reading_order

SMALLER = 0.92
"""Note text is set at most this share of the body size."""
RULE_MAX_HEIGHT = 2.0
"""Points: a horizontal line or rect at most this tall is a separator rule..."""
RULE_GAP_EM = 4.0
"""...when it sits at most this many body ems above the first note."""
RULE_INDENT_EM = 2.0
"""Body ems an author note's left edge may stand off the text above it (``AUTHOR_NOTE_SIZE``):
notes begin at the column's margin (a centred footer or a chart's legend does not)."""
AUTHOR_NOTE_SIZE = 0.8
"""Unlabelled small print at most this share of the body size, with nothing below it in its
column and body text at most ``RULE_GAP_EM`` above it starting at its left edge (within
``RULE_INDENT_EM``), is an author note on a first page: a caption or a sidebar is set nearer
the body's size, a footer's date stands far below the text or centred, a chart's legend inside
the column."""
HEADING_CHARS = 60
"""A one-line bold block at most this long, not ending a sentence, heads what follows it."""
HEADER_RULE_EM = 1.5
"""A table's header rule stands at most this many body ems under its title."""
TAB_LABEL_EM = 3.0
"""Ems of a note's text its label may stand apart from it, a tab's width."""
SHORT_LINE_EM = 3.0
"""A note line ending a sentence this many ems short of its note column's right edge ends the
note: the next unlabelled line is a note of its own."""

LABEL_ALIGN_EM = 0.6
"""Ems a line may start off where the note before it starts and still open a note there."""

AVERAGE_CHAR_EM = 0.6
"""A generous width of one character in ems (most letters of a text face are narrower)."""

_LABEL = re.compile(r"^(?:\((?=[0-9]{1,3}\)))?([0-9]{1,3}|[*∗⋆†‡§¶‖]{1,3})"
                    r"(?:[.)]?\s+(?=\S)|(?=[“‘]))")
"""A note's number or symbol and the space after it, or glued to the opening quote of a quoted
title (``30“Sexual health …”``: OCR drops that space, and a number glued to an opening quote
is no word of the note's text); a number may stand in parentheses (``(4) For a discussion``,
as a word processor's journal template sets its notes)."""
_DATE = re.compile(r"^\d{1,2}\.?\s+(?:jan|feb|m[aä]r|apr|avr|abr|ma[iy]|jun|juin|jul|juil|aug|"
                   r"ao[uû]|ago|sep|o[ck]t|nov|de[cz]|déc|dic|ene)[a-zéû]*\.?,?\s+\d{4}\b",
                   re.IGNORECASE)
"""A day, a month and a year (``13 DECEMBER 1968``, a journal's footer): no note label."""


_TABLE_NOTE = re.compile(r"^\s*(?:(?i:notes?|sources?|nb|fuentes?|fontes?|quellen?|anmerkungen?|"
                         r"remarques?)\s*[:.]|注\s*[:：]|(?i:see\s+(?:foot)?notes?\s+at\s+(?:the\s+)?"
                         r"end\s+of\s+(?:the\s+)?table))")
"""What a table's or a chart's notes open with (``NOTE:``, ``Source:``, ``Quelle:``, ``注：``),
or the line pointing to them under a table's part on a page before its end (``See notes at
end of table.``, as statistical tables continued over pages print)."""


_RUN_IN_LABEL = re.compile(r"^[^\W\d_][\w’'-]*(?:\s+[\w’'-]+){0,3}:\s")
"""A note's opening label of one to four words and a colon (``Fonte de financiamento:``,
``Conflict of interest:``): after a line that left room for its first word, even a note's
first line, it opens a note of its own (a title over its note, ``How to cite this article``,
has none)."""


_GLUED_SYMBOL = re.compile(r"^[*∗⋆†‡§¶‖]{1,3}(?=[^\W\d_])")
"""Note symbols glued to a word (``*These authors contributed equally``): in a block already
found a note, where they open it (set apart from the line above), the note's label. No evidence
that a block is a note (a table's starred rows read so)."""


GLUED_MARKER = re.compile(r"(?<=[^\W\d_][.,;:!?)\]\"”’])(\d{1,3})(?=\s|$)")
"""A same-size note number glued after a word's punctuation (``Response.2``)."""


GLUED_SYMBOL_MARKER = re.compile(r"(?:(?<=[^\W\d_])|(?<=[.,;:!?)\]\"”’]))([*∗†‡§¶]{1,3})"
                                 r"(?=[\s.,;:!?)]|$)")
"""Note symbols glued after a word or its punctuation (``for which it will be used*.``)."""


@dataclass(slots=True)
class Note:
    label: str
    lines: list[Line] = field(default_factory=list)
    continued: bool = False
    """True when the first lines continue a note from the previous page."""
    parenthesised: bool = False
    """Its label is printed in parentheses (``(4) For a discussion``): the page cites it so."""


def split_notes(blocks: list[LayoutBlock], body_size: float,
                rules: list[tuple[float, float, float, float]], first_page: bool = False,
                grids: Sequence[tuple[float, float, float, float]] = (),
                drawings: Sequence[tuple[float, float, float, float]] = ()
                ) -> tuple[list[LayoutBlock], list[LayoutBlock]]:
    """``(body blocks, note blocks)`` of one page (furniture already removed).

    A note block is set smaller than the body, has body-size text above it and no larger text
    below it in its column, and opens with a label or sits under a separator rule (or under
    another note), or, on the document's ``first_page``, is an author note
    (``AUTHOR_NOTE_SIZE``). Small print inside ``grids`` (ruled boxes that hold no table:
    a form's fields) is no note: a page's notes stand in no frame. A rule inside one of the
    ``drawings`` (figures.py's regions) is a chart's gridline or axis, no note separator: the
    tick labels under it are no note."""
    tables = [b.bbox for b in blocks if b.kind == "table"]
    captions = [b for b in blocks if b.kind not in BUILT_WHOLE
                and CAPTION.match(b.lines[0].text)] if rules else []
    rules = [r for r in rules if not any(centre_in(r, d) for d in drawings)
             and not any(_table_rule(r, t) for t in tables)
             and not _under_a_caption(r, captions, body_size)]
    separators = [r for r in rules if not _underline(r, blocks)]
    notes: list[LayoutBlock] = []
    cited = marker_candidates(blocks)
    for block in sorted(blocks, key=lambda b: b.top):
        if block.kind in BUILT_WHOLE or block.size >= SMALLER * body_size or any(
                centre_in(block.bbox, grid) for grid in grids):
            continue
        column = [o for o in blocks if o is not block and o.kind not in BUILT_WHOLE
                  and o.x0 < block.x1 and o.x1 > block.x0]
        if any(line.top >= block.bottom - 1 and line.size * SMALLER > block.size
               and line.x0 < block.x1 and line.x1 > block.x0 for o in column for line in o.lines
               ) and not _separated_note(block, separators, body_size, blocks, cited):
            continue  # larger text below: small print inside the body (a sidebar, a legend, a
            # formula's indices over the paragraph its block starts above them)
        if not any(o.bottom <= block.top + 1 and o.size >= SMALLER * body_size for o in column):
            continue  # nothing to annotate above it: a page of small print (contents, index)
        if CAPTION.match(block.lines[0].text) and not block.lines[0].lead_label:
            continue  # a figure's caption under the figure's frame; a raised label before
            # ``Table 186. Enrollment ...`` opens a note citing a table
        label = _label_of(block.lines[0]) or _tab_label(block.lines[0], blocks)
        ruled = _rule_above(block, rules, body_size, blocks)
        if label and not ruled and not _cited(label, block.lines[0], cited):
            continue  # a number no marker points at: a reference list, a chart's scale
        above = max((o for o in column if o.bottom <= block.top + 1), key=lambda o: o.bottom,
                    default=None)
        if not ruled and above is not None and (_heads(above) or (
                above.size < SMALLER * body_size and _lettered(above)
                and not any(n is above for n in notes))):
            continue  # small print under a heading or under small print that is no note:
            # a section set small (references, author details), not a page's note area; a
            # lone number is no such section (a scan's note line read apart from its note)
        if label or ruled or any(
                n is above and block.top - n.bottom <= RULE_GAP_EM * body_size
                and _within_column(block, n, blocks, RULE_INDENT_EM * body_size)
                for n in notes
        ) or (first_page and block.size <= AUTHOR_NOTE_SIZE * body_size
              and _lettered(block)
              and not any(o.top >= block.bottom - 1 for o in column)
              and any(0 <= block.top - o.bottom <= RULE_GAP_EM * body_size
                      and o.size >= SMALLER * body_size
                      and abs(o.x0 - block.x0) <= RULE_INDENT_EM * body_size for o in column)):
            notes.append(block)
    notes = _without_table_notes(notes)
    # a note's label set a tab before it is a block of its own (before any line of a note
    # block: the notes of an author line stack into one block, each opening a line)
    labels = {id(label) for n in notes for line in n.lines
              for label in [_tab_label_line(line, blocks)] if label}
    notes += [b for b in blocks if len(b.lines) == 1 and id(b.lines[0]) in labels
              and all(b is not n for n in notes)]
    chosen = set(map(id, notes))
    return [b for b in blocks if id(b) not in chosen], notes


def _separated_note(block: LayoutBlock, separators: list[tuple[float, float, float, float]],
                    body_size: float, blocks: list[LayoutBlock], cited: set[str]) -> bool:
    """Whether ``block`` opens with a label the page cites, raised or glued to a word of its
    text (``used*``), right under a separator rule: a note whatever stands below it (a
    column's notes over a table's title set across the columns under them, a box's note
    over the text after the box)."""
    first = block.lines[0]
    label = _label_of(first)
    return ((bool(first.lead_label) or bool(label) and label in cited)
            and _rule_above(block, separators, body_size, blocks))


def _under_a_caption(rule: tuple[float, float, float, float], captions: list[LayoutBlock],
                     body_size: float) -> bool:
    """Whether ``rule`` stands right under one of ``captions`` (the page's blocks other than
    tables and figures opening as ``CAPTION`` does: ``Table 2. Rates by region``), across its
    width: a table's header rule over its rows, which may be set small at the page's foot; a
    page's note separator stands under its text, never under a caption."""
    return any(0 <= rule[1] - block.bottom <= HEADER_RULE_EM * body_size
               and rule[0] <= block.x0 + body_size and rule[2] >= block.x1 - body_size
               for block in captions)


def _underline(rule: tuple[float, float, float, float], blocks: list[LayoutBlock]) -> bool:
    """Whether ``rule`` is drawn under a line of text, through its box (a link's underline):
    no note separator, which stands clear of the text above it."""
    return any(line.x0 < rule[2] and line.x1 > rule[0]
               and line.top <= rule[1] <= line.bottom + 1
               for block in blocks for line in block.lines)


def _table_rule(rule: tuple[float, float, float, float],
                table: tuple[float, float, float, float]) -> bool:
    """Whether ``rule`` runs across or up to ``table``'s columns within its rows: one of the
    table's own rules (drawn in pieces, cell by cell: the cells left out of the table's box
    stand under them), no note separator."""
    return (rule[0] <= table[2] + RULE_MAX_HEIGHT and rule[2] >= table[0] - RULE_MAX_HEIGHT
            and table[1] - RULE_MAX_HEIGHT <= rule[1] <= table[3] + RULE_MAX_HEIGHT)


def _without_table_notes(notes: list[LayoutBlock]) -> list[LayoutBlock]:
    """``notes`` without the stacks of small print that hold a ``NOTE:`` or ``SOURCE:`` line:
    a table's or a chart's notes (its numbered notes above that line included), which a
    page's footnote area never carries. Such a line opens unlabelled: a raised label before
    ``Note: ...`` makes it a footnote (a manual's title note, ``† Note: This package ...``)."""
    dropped: set[int] = set()
    for block in sorted(notes, key=lambda b: b.top, reverse=True):
        if any(_TABLE_NOTE.match(line.text) and not line.lead_label
               for line in block.lines) or any(
                id(o) in dropped and o.top >= block.bottom - 1
                and o.top - block.bottom <= 2 * block.size
                and o.x0 < block.x1 and o.x1 > block.x0 for o in notes):
            dropped.add(id(block))
    return [b for b in notes if id(b) not in dropped]


def _lettered(block: LayoutBlock) -> bool:
    return any(ch.isalpha() for line in block.lines for ch in line.text)


def _heads(block: LayoutBlock) -> bool:
    """Whether ``block`` reads as a heading: one line, short, bold or in capitals, with no
    sentence's end."""
    line = block.lines[0]
    letters = [ch for ch in line.text if ch.isalpha()]
    return (len(block.lines) == 1 and len(line.text) <= HEADING_CHARS and bool(letters)
            and (line.bold or all(ch.isupper() for ch in letters))
            and not line.text.rstrip().endswith((".", ",", ";")))


def _within_column(block: LayoutBlock, note: LayoutBlock, blocks: list[LayoutBlock],
                   slack: float) -> bool:
    """Whether ``block`` stands within ``note``'s column, the span of the text right above
    the note (the note's own when none), to ``slack`` either side: small print running past
    its right edge or starting left of it (a licence line, a proceedings slug centred across
    the page under the right column's notes) is set across columns, no note of that column."""
    above = max((o for o in blocks if o is not note and o.bottom <= note.top + 1
                 and o.x0 < note.x1 and o.x1 > note.x0), key=lambda o: o.bottom, default=note)
    return (block.x0 >= min(above.x0, note.x0) - slack
            and block.x1 <= max(above.x1, note.x1) + slack)


def marker_candidates(blocks: list[LayoutBlock]) -> set[str]:
    """What the page's text may cite notes by: its raised characters (``3``, ``1,2``,
    ``(1)``), those of its ruled tables' cells (``Region 2³``), numbers glued after
    punctuation (``Response.2``) and note symbols glued after a word (``used*``)."""
    found: set[str] = set()
    for block in blocks:
        if block.kind in BUILT_WHOLE and block.kind != "table":
            continue
        for line in block.lines:
            for _, raw in line.raised:
                found.update(raised_marks(raw))
            if block.kind != "table":  # a cell's figures after punctuation are values
                found.update(GLUED_MARKER.findall(line.text))
                found.update(GLUED_SYMBOL_MARKER.findall(line.text))
    return found


def raised_marks(raw: str, parenthesised: bool = True) -> list[str]:
    """The labels a run of raised characters cites: ``3``; ``1,2`` both; ``(1)`` its number
    when ``parenthesised`` (the EU's Official Journal labels and cites its notes in
    parentheses; where notes are labelled bare, a raised ``(2)`` is a formula's)."""
    raw = raw.strip()
    if parenthesised and raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    return [p for p in re.split(r"[,\s]+", raw) if p]


def _cited(label: str, line: Line, cited: set[str]) -> bool:
    """A note's label is evidence when it is raised, a note symbol, or a number the page's
    text cites: a plain number opening small print may be anything else."""
    return bool(line.lead_label) or not label.isdigit() or label in cited


def _rule_above(block: LayoutBlock, rules: list[tuple[float, float, float, float]],
                body_size: float, blocks: list[LayoutBlock]) -> bool:
    """Whether a separator rule stands right above ``block``, with no other text between
    them: the rule over a page's notes is no evidence for what is printed under the notes
    (a licence line set across the columns)."""
    return any(r[3] <= block.top + 1 and block.top - r[3] <= RULE_GAP_EM * body_size
               and r[0] < block.x1 and r[2] > block.x0
               and not any(o is not block and o.top >= r[3] - 1 and o.bottom <= block.top + 1
                           and o.x0 < min(block.x1, r[2]) and o.x1 > max(block.x0, r[0])
                           for o in blocks)
               for r in rules)


def notes_of(blocks: list[LayoutBlock], cited: set[str] | None = None) -> list[Note]:
    """The note blocks' lines (in reading order) grouped into labelled notes; ``cited``: what
    the page's text may cite notes by (``marker_candidates``)."""
    ordered = [(line, max((b.x1 for b in blocks if b.x0 < line.x1 and b.x1 > line.x0),
                          default=block.x1), block.x1, line is block.lines[0])
               for block in reading_order(blocks) for line in block.lines]
    notes: list[Note] = []
    closed = False  # whether the last line ended a sentence short of its column's edge
    room = 0.0  # points the last line left free, to its block's right edge
    edge_room = 0.0  # ...and to its note column's
    tabbed = {id(label): line for line, _, _, _ in ordered
              for label in [_tab_label_line(line, blocks)] if label is not None}
    for line, edge, measure, opens_block in ordered:
        if not line.text and not line.lead_label or id(line) in tabbed:
            continue  # a label set a tab before its text is read with that text
        tab = _tab_label(line, blocks)
        label = tab or _label_of(line)
        glued = _GLUED_SYMBOL.match(line.text) if opens_block and not label else None
        if tab or label and _plausible(label, line, notes, cited):
            parenthesised = not line.lead_label and not tab and line.text.startswith("(")
            if not line.lead_label and not tab:
                line.text = _LABEL.sub("", line.text, count=1)
            notes.append(Note(label, [line], parenthesised=parenthesised))
        elif glued:
            line.text = line.text[glued.end():]
            notes.append(Note(glued.group(), [line]))
        elif notes and line.text[:1].isupper() and (
                closed and _would_fit(line, edge_room)
                or (len(notes[-1].lines) > 1 or _RUN_IN_LABEL.match(line.text))
                and _would_fit(line, room)):
            notes.append(Note("", [line]))
        elif notes:
            notes[-1].lines.append(line)
        else:
            notes.append(Note("", [line], continued=True))
        room, edge_room = measure - line.x1, edge - line.x1
        closed = (line.x1 < edge - SHORT_LINE_EM * line.size
                  and line.text.rstrip().endswith((".", "!", "?")))
    return notes


def _off_the_labels(line: Line, note: Note) -> bool:
    """Whether ``line`` starts within ``note``'s column but not where its labelled first line
    starts: notes are labelled at one indent (``1 See ...`` indented, its next lines at the
    margin, or hanging), so a line of the note opening with a number (``2 U.S.C. § 431``)
    is set where no label stands."""
    first = note.lines[0]
    return (line.x0 < max(other.x1 for other in note.lines)
            and abs(line.x0 - first.x0) > LABEL_ALIGN_EM * line.size)


def _would_fit(line: Line, room: float) -> bool:
    """Whether ``line``'s first word would have fit in the ``room`` the line before it left
    free: a note's line breaks only where its next word does not fit, so a line ended with
    room for it ended its note (an affiliation without a full stop, then ``Full list of
    author information ...``). Asked after a line ending a sentence short of the column's edge,
    after a note's second line, or before a line opening with a label and a colon
    (``_RUN_IN_LABEL``): a first line short of the measure and ending no sentence may title
    its note (``How to cite this article`` over the citation). A
    character is taken as ``AVERAGE_CHAR_EM`` wide, more than most."""
    word = line.text.split(maxsplit=1)[0] if line.text.strip() else ""
    return bool(word) and room > (len(word) + 1) * AVERAGE_CHAR_EM * line.size


def strays(notes: list[Note], blocks: list[LayoutBlock], last: Note | None,
           first_page: bool = False) -> list[LayoutBlock]:
    """The note blocks holding nothing but the page's unlabelled first notes when the first
    cannot continue ``last``, the previous pages' last note, because that ended a sentence
    or, after the first page, because there is none: small print under a rule (a chart's
    gridline, a page-wide rule over a box of back matter, a table's rules) that is no note,
    nor are the unlabelled paragraphs after it. On the ``first_page`` an unlabelled note
    stands alone (an author note)."""
    if not notes or not notes[0].continued or (last is None and first_page) or (
            last is not None and not (last.lines and last.lines[-1].text.rstrip().endswith(
                (".", "!", "?")))):
        return []
    lines = {id(line) for note in takewhile(lambda n: not n.label, notes) for line in note.lines}
    return [b for b in blocks if all(id(line) in lines for line in b.lines)]


def tab_label(label: Line, text: Line) -> bool:
    """Whether ``label`` is a bare number or a run of note symbols set smaller than ``text``
    a tab or so left of it on its row: a note's label set apart from its text (``1`` then
    ``The Common ...``; ``****`` then ``Adjunct professor ...``, a justified line's stretched
    space after it)."""
    mark = label.text.strip()
    return ((mark.isdigit() or bool(mark) and set(mark) <= NOTE_MARKS)
            and label.top < text.bottom and label.bottom > text.top
            and 0 <= text.x0 - label.x1 <= TAB_LABEL_EM * text.size
            and label.size < SMALLER * text.size)


def _tab_label_line(line: Line, blocks: list[LayoutBlock]) -> Line | None:
    """The :func:`tab_label` of ``line`` among the one-line blocks, of 3 digits or 4 symbols at
    most, or None."""
    return next((other for block in blocks if len(block.lines) == 1
                 for other in block.lines
                 if len(other.text.strip()) <= 4 and tab_label(other, line)), None)


def _tab_label(line: Line, blocks: list[LayoutBlock]) -> str:
    label = _tab_label_line(line, blocks)
    return label.text.strip() if label is not None else ""


def _label_of(line: Line) -> str:
    if line.lead_label:
        return line.lead_label.strip().rstrip(".)")
    match = _LABEL.match(line.text)
    return match.group(1) if match and not _DATE.match(line.text) else ""


def _plausible(label: str, line: Line, notes: list[Note], cited: set[str] | None) -> bool:
    """A raised label always opens a note; a plain number only in sequence, or as the first,
    or after an unlabelled note when the page cites it or it follows the last numbered note
    (a telephone number broken at a line end is no label). After a note whose label is raised
    a plain number must also be cited: a page sets its notes' labels alike, so a line of that
    note opening with the next number (``5 and 40 percent of ...``) is no note; nor is a line
    set off where the note before it has its label (``_off_the_labels``)."""
    if line.lead_label or not notes or not label.isdigit():
        return True
    if notes[-1].lines[0].lead_label and cited is not None and label not in cited:
        return False
    if notes[-1].label and _off_the_labels(line, notes[-1]):
        return False
    if not notes[-1].label:
        numbered = [n.label for n in notes if n.label.isdigit()]
        return (cited is None or label in cited
                or bool(numbered) and int(label) == int(numbered[-1]) + 1)
    previous = notes[-1].label
    return previous.isdigit() and int(label) == int(previous) + 1
