"""PDF passage drafting: classified blocks and notes in, passage and footnote texts out.

Lines are joined with line-end hyphens decided on evidence (textutil/hyphenation.py, each
decision recorded), confirmed footnote markers are removed from the text and linked, and a
paragraph cut by a column or page break is rejoined with its continuation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from pipeline.extract.pdf.classify import SENTENCE_END
from pipeline.extract.pdf.geometry import union
from pipeline.extract.pdf.lines import Line
from pipeline.extract.pdf.notes import GLUED_MARKER, Note, raised_marks
from pipeline.extract.pdf.order import BUILT_WHOLE, LayoutBlock
from pipeline.model import FootnoteBlock, Locator, Removed, Transform
from pipeline.textutil.hyphenation import (
    HYPHENS,
    SUSPENDED,
    Vocabulary,
    decide,
    hyphen_break,
    in_compound,
)

OTHER_NUMBERING = 2
"""Raised numbers in one block that label no note on the page: this many make them a
numbering of their own (affiliations), not note markers."""
OTHER_NUMBERING_LINES = 3
"""...in a block of at most this many lines (an author list)."""
_TABLE_CAPTION = re.compile(r"^(?i:table|tab\.|tabelle|tableau|tabla|cuadro|tabela|quadro|"
                            r"tabella|tabel|exhibit)\s*\S*\d")
"""A caption that titles a table (``TABLE 6.``, ``Exhibit 2.2``)."""
RUN_ON_WIDTH = 0.8
"""Text running a paragraph on past a table opens with a line as wide as the paragraph, at
least this share of it (a column's width); a cell of the table (``and inhibitors kAW and kAF
[52]``) or its note (``Abbreviation: CI = confidence interval.``) is narrower."""
SENTENCE_SPAN = 200
"""How far into a text ``_closes_a_bracket`` looks for the closing parenthesis."""
RAGGED_EMS = 4
"""A paragraph's lines end at most this many ems short of its widest."""
PROSE_WORDS = 5
"""A paragraph of at least this many words..."""
PROSE_LETTERS = 0.6
"""...whose characters (spaces aside) are at least this share letters is prose, not a table's
cells read as a paragraph (``1,144 193.5 (182.2–204.8)``, ``no.``)."""


@dataclass(slots=True)
class Draft:
    """A block being assembled: mutable until it becomes a frozen Block."""

    kind: str
    text: str
    page: int
    bbox: tuple[float, float, float, float]
    level: int | None = None
    refs: list[str] = field(default_factory=list)
    transforms: list[Transform] = field(default_factory=list)
    runs_on: bool = False
    """``_runs_on``: set as a paragraph cut before its end."""
    first_width: float = 0.0
    """How wide its first line is set."""
    labelled: bool = False
    """Its first line opens with a raised label (``ᵃ U.S. EPA, 1995b``: a note's)."""


def drafts_of(blocks: list[LayoutBlock], notes: list[Note], vocabulary: Vocabulary,
            removed: list[Removed]) -> list[Draft]:
    labels = {n.label for n in notes if n.label}
    parenthesised = any(n.parenthesised for n in notes)
    misread = _misread(blocks, labels, parenthesised)
    drafts = []
    for block in blocks:
        if block.kind in BUILT_WHOLE:
            line = block.lines[0]
            drafts.append(Draft(block.kind, line.text, line.page, block.bbox))
            continue
        first = block.lines[0]
        draft = Draft(block.kind, "", block.page, block.bbox, block.level,
                      runs_on=_runs_on(block), first_width=first.x1 - first.x0,
                      labelled=bool(first.lead_label))
        cited = labels if _cites_notes(block, labels) else set()
        before: Line | None = None
        for line in block.lines:
            read = {offset: label for (key, offset), label in misread.items() if key == id(line)}
            text, markers = _line_markers(line, cited, read, parenthesised)
            _append(draft, text, vocabulary,
                    before is not None and _ran_out_of_room(before, text, block.bbox[2]))
            before = line
            start = len(draft.text) - len(text)
            readings = {label: raw for raw, label in read.values()}
            for offset, label in markers:
                draft.refs.append(label)
                how = (f" (read {readings[label]!r}: the one label its place in the notes' "
                       "sequence leaves uncited)" if label in readings else "")
                draft.transforms.append(Transform(
                    "footnote-marker", f"removed {label!r} at offset {start + offset} "
                                       f"(page {line.page}) -> note {label}{how}",
                    page_number=line.page, bbox=round_bbox(line.bbox)))
                removed.append(Removed("footnote-marker", label,
                                       Locator(page_number=line.page, bbox=round_bbox(line.bbox)),
                                       "marker", f"offset {start + offset} in the block text"))
        drafts.append(draft)
    return drafts


def _runs_on(block: LayoutBlock) -> bool:
    """Whether the block is two or more lines set as a paragraph's, each filling the block's
    width (ragged text breaks before a word that does not fit, ``RAGGED_EMS``) and all but
    the first (an indent) flush left, its last line full too: a paragraph's last line is
    short, so a full one was cut by a column or page break (unless a sentence ends there). A
    table's header cells set flush right (``Percent`` / ``who`` / ``Student and institutional
    characteristics borrowed``) are no such lines."""
    if len(block.lines) < 2:
        return False
    last = block.lines[-1]
    return (last.x1 >= block.x1 - last.size
            and all(line.x1 >= block.x1 - RAGGED_EMS * line.size for line in block.lines)
            and all(line.x0 <= block.x0 + line.size for line in block.lines[1:]))


MISREAD_EDITS = 1
"""A raised number this many edits (a digit changed, added or lost) from a note label is that
label misread, when the notes' sequence leaves just that label uncited at its place."""


def _misread(blocks: list[LayoutBlock], labels: set[str], parenthesised: bool = False
             ) -> dict[tuple[int, int], tuple[str, str]]:
    """Raised numbers that cite none of the page's notes but stand where an uncited note's
    marker belongs: (``id`` of the line, offset) -> (the number read, the label).

    Notes are cited in their order, so a note that no marker cites is cited between the
    markers of the notes before and after it. A raised number there that is one digit off
    its label, and the only such label there, is the marker misread (OCR reads a raised
    ``40`` as ``400``, ``37`` as ``3``, ``55`` as ``3⁵``); as many raised numbers there as
    labels uncited pair up in order when each is at most two digits off (``41`` and ``199``
    for 48 and 49). A label is taken once; other numbers stay text."""
    numbered = sorted(int(label) for label in labels if label.isdigit())
    if not numbered:
        return {}
    sequence: list[tuple[int | None, tuple[int, int], str]] = []  # label cited, where, read
    for block in blocks:
        if block.kind in BUILT_WHOLE or not _cites_notes(block, labels):
            continue
        for line in block.lines:
            found = [(offset, raw.strip()) for offset, raw in line.raised]
            found += [(m.start(1), m.group(1)) for m in GLUED_MARKER.finditer(line.text)
                      if m.group(1) in labels]
            for offset, raw in sorted(found):
                parts = raised_marks(raw, parenthesised)
                if parts and all(p in labels for p in parts):
                    sequence += [(int(p), (id(line), offset), p) for p in parts if p.isdigit()]
                elif raw.isdigit():
                    sequence.append((None, (id(line), offset), raw))
    cited = {label for label, _, _ in sequence if label is not None}
    windows: dict[tuple[int, int], list[tuple[tuple[int, int], str]]] = {}
    for i, (label, where, raw) in enumerate(sequence):
        if label is None:
            before = max((c for c, _, _ in sequence[:i] if c is not None), default=0)
            after = min((c for c, _, _ in sequence[i + 1:] if c is not None), default=1 << 30)
            windows.setdefault((before, after), []).append((where, raw))
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for (before, after), read in windows.items():
        missing = [str(n) for n in numbered if before < n < after and n not in cited]
        if len(read) == len(missing):  # one number read for each: they pair up in order
            out.update((spot, (number, wanted)) for (spot, number), wanted in zip(read, missing)
                       if _edits(number, wanted) <= MISREAD_EDITS + 1)
            continue
        while True:  # a label taken leaves the others fewer to choose from
            taken = {t for _, t in out.values()}
            pairs = [(spot, number, near[0]) for spot, number in read if spot not in out
                     and len(near := [m for m in missing if m not in taken
                                      and _edits(number, m) <= MISREAD_EDITS]) == 1]
            if not pairs:
                break
            spot, number, wanted = pairs[0]
            out[spot] = (number, wanted)
    return out


def _edits(a: str, b: str) -> int:
    """Levenshtein distance of two short strings."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _cites_notes(block: LayoutBlock, labels: set[str]) -> bool:
    """False when a short block's raised numbers are another numbering: an author line's
    affiliation marks (``Forner1, Peñas2, Agirre3``) cite none of the page's notes, though the
    first may share a note's label. (A paragraph's exponents are no such numbering.)"""
    if len(block.lines) > OTHER_NUMBERING_LINES:
        return True
    numbers = {p for line in block.lines for _, raw in line.raised
               for p in raised_marks(raw, False) if p.isdigit()}
    return len(numbers - labels) < OTHER_NUMBERING


def _line_markers(line: Line, labels: set[str], misread: dict[int, tuple[str, str]] | None = None,
                  parenthesised: bool = False) -> tuple[str, list[tuple[int, str]]]:
    """The line's text with confirmed markers removed (and others put back), and the markers;
    ``misread``: raised numbers (by offset) that stand for a label (``_misread``);
    ``parenthesised``: the page's notes are labelled ``(1)``, so ``(1)`` cites one."""
    text = line.text
    markers: list[tuple[int, str]] = []
    for offset, raw in reversed(line.raised):
        parts = raised_marks(raw, parenthesised)
        if parts and all(p in labels for p in parts):
            markers = [(offset, p) for p in parts] + markers
        elif misread and offset in misread and labels:
            markers = [(offset, misread[offset][1])] + markers
        else:
            text = text[:offset] + raw + text[offset:]
            markers = [(o + len(raw), p) for o, p in markers]
    if line.lead_label:  # it opens its block: a marker follows the words it annotates
        text = line.lead_label + text
        markers = [(o + len(line.lead_label), p) for o, p in markers]
    return _glued_markers(text, labels, markers)


def _glued_markers(text: str, labels: set[str], markers: list[tuple[int, str]]
                   ) -> tuple[str, list[tuple[int, str]]]:
    """Same-size note numbers glued after punctuation (``Response.2``), when the page has
    that note."""
    for match in reversed(list(GLUED_MARKER.finditer(text))):
        label = match.group(1)
        if label in labels:
            start, end = match.span(1)
            text = text[:start] + text[end:]
            markers = [(o - (end - start) if o > start else o, p) for o, p in markers]
            markers.append((start, label))
    markers.sort()
    return text, markers


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
"""An address's scheme (``https://``): a line opening with one starts an address of its own."""


def _ran_out_of_room(line: Line, text: str, right: float) -> bool:
    """Whether ``line`` broke where its measure (up to ``right``) ran out: the first word of
    the next line's ``text``, at ``line``'s mean character width, would not have fit after it."""
    width = (line.x1 - line.x0) / max(len(line.text), 1)
    return line.x1 + width * (len(text.split(" ", 1)[0]) + 1) > right


def _append(draft: Draft, text: str, vocabulary: Vocabulary, wrapped: bool = False) -> None:
    """Add a line to the draft, joining or keeping a line-end hyphen on evidence; ``wrapped``:
    the line before broke where its measure ran out (or a page or column break cut it)."""
    if not draft.text:
        draft.text = text
        return
    parts = hyphen_break(draft.text, text)
    if parts and draft.text[-2:-1].isalpha():
        decision = decide(*parts, vocabulary, in_compound(draft.text))
        draft.transforms.append(decision.transform())
        if decision.join:
            draft.text = draft.text[:-1] + text
        elif parts[1].lower() in SUSPENDED:
            draft.text += " " + text
        else:
            draft.text += text
    elif text[:1].isalnum() and (draft.text.endswith(("—", "–")) and draft.text[-2:-1].isalnum()
                                 or draft.text.endswith("-") and draft.text[-2:-1].isdigit()):
        # a hyphen after a digit joins a number or a document's id (``SP 800-`` ``63B``):
        # words break between letters, so it stays and the line runs on
        draft.text += text
    elif (draft.text.endswith(tuple(HYPHENS)) and draft.text[-2:-1].isalpha()
          and text[:1] in "([" and text[1:2].isalnum()):
        # a hyphen before a bracket is a name's own (``5,5'-dithiobis-`` ``[2-nitrobenzoic
        # acid]``, ``bis-`` ``(2-chloroethyl)``): words break between letters, so it stays
        # and the line runs on with no word space
        draft.text += text
    elif wrapped and _runs_on_after_slash(draft.text, text):
        draft.text += text
    else:
        draft.text += "\n" + text


def _runs_on_after_slash(before: str, text: str) -> bool:
    """Whether a line that broke after a slash where it ran out of room (a listing's short
    ``apps/`` lines, whose next word would have fit, are no such break) goes on in ``text``
    with no word space: a path, an address or an ``and/or`` (``$MISSION/build/`` ``cpux``,
    ``e/`` ``ou``). Not after a mark (``*/`` closes a comment), not before an address of its
    own (``http://``), and not where an address ends in its slash and a capitalised word
    without a stop or slash follows: the next line of an address block (a name, ``Submitted:``)."""
    if not (before.endswith("/") and before[-2:-1].isalnum() or before.endswith("//")):
        return False
    if not text[:1].isalnum() or _SCHEME.match(text):
        return False
    address = before[max(before.rfind(" "), before.rfind("\n")) + 1:-1]
    word = text.split(" ", 1)[0]
    return not (text[0].isupper() and ("." in address or ":" in address)
                and "/" not in word and "." not in word)


def merge_breaks(drafts: list[Draft], vocabulary: Vocabulary) -> list[Draft]:
    """Rejoin paragraphs cut by a column or page break: a paragraph that ends mid-sentence
    continues in the next paragraph after the break, skipping floats (captions, call-outs,
    tables) set between them."""
    out: list[Draft] = []
    for draft in drafts:
        target = _run_on_past_a_table(out, draft) or _open_paragraph(out, draft)
        if target is None:
            out.append(draft)
            continue
        joined = len(target.transforms)  # the join is recorded before the hyphen it decides
        _append(target, draft.text, vocabulary, True)
        # every branch of ``_append`` ends the text with the part appended, so the part is
        # the text's tail (a word joined across the break starts it mid-word)
        start = len(target.text) - len(draft.text)
        target.transforms.insert(joined, Transform(
            "join-break", f"continued on page {draft.page}, bbox "
                          f"({', '.join(f'{v:.1f}' for v in draft.bbox)})",
            page_number=draft.page, bbox=round_bbox(draft.bbox),
            char_start=start, char_end=len(target.text)))
        target.refs.extend(draft.refs)
        target.transforms.extend(draft.transforms)
    return out


def _open_paragraph(out: list[Draft], draft: Draft) -> Draft | None:
    if draft.kind != "paragraph" or _table_note(draft, out[-1] if out else None):
        return None
    unread_tables = 0  # table captions passed, less the tables passed
    for index in range(len(out) - 1, -1, -1):
        previous = out[index]
        if (previous.kind in ("caption", "callout", "table", "figure")
                or _table_note(previous, out[index - 1] if index else None)):
            unread_tables += _table_step(previous)
            continue
        if previous.kind != "paragraph" or SENTENCE_END.search(previous.text):
            return None
        if unread_tables > 0 and not _runs_on_at_width(draft, previous):
            # a table's caption with no table after it: its cells and notes were read as
            # text, and the draft, its first line narrower than the paragraph, is one of them
            # (a table's ``Abbreviation: ...`` note had run on a paragraph cut by the page)
            return None
        broke = previous.page != draft.page or draft.bbox[1] < previous.bbox[3]
        return previous if broke else None
    return None


def _run_on_past_a_table(out: list[Draft], draft: Draft) -> Draft | None:
    """The paragraph that ``draft`` continues past a table set at a page's (or column's) foot
    or top, whose cells were read as paragraphs and headings (a table ruled only across, its
    stub and notes words), so no float kind lets ``_open_paragraph`` pass it. ``draft`` is
    prose opening in the middle of a sentence (a lower-case word, or a capital closing a
    parenthesis the paragraph left open: ``(District of`` / ``Columbia), ...``); the paragraph
    is the last one before that table's caption, on the draft's page or the page before, that
    runs on (its full last line ends no sentence), in a column or page before the draft, whose
    first line is about as wide (``RUN_ON_WIDTH``). Without a table's caption between them, a
    paragraph is no such evidence (a line opening with a dash read as a list item had stood
    between a paragraph and its run-on text)."""
    lower = draft.text[:1].islower()
    if draft.kind != "paragraph" or not (lower or _closes_a_bracket(draft.text)):
        return None
    if not _prose(draft):
        return None
    unread_tables = 0
    for previous in reversed(out):
        if previous.page < draft.page - 1:
            return None
        unread_tables += _table_step(previous)
        if (unread_tables > 0 and previous.kind == "paragraph" and previous.runs_on
                and _prose(previous) and not SENTENCE_END.search(previous.text)):
            broke = previous.page != draft.page or draft.bbox[1] < previous.bbox[3]
            # set in one measure: a cell of the table is narrower than the run-on text
            same_measure = (_runs_on_at_width(draft, previous)
                            and previous.bbox[2] - previous.bbox[0]
                            >= RUN_ON_WIDTH * (draft.bbox[2] - draft.bbox[0]))
            mid_sentence = lower or previous.text.rfind("(") > previous.text.rfind(")")
            return previous if broke and same_measure and mid_sentence else None
    return None


def _table_note(draft: Draft, before: Draft | None) -> bool:
    """Whether ``draft`` is a table's note: text opening with a raised label (``ᵃ``, ``¹``)
    right under a table, on its page. It floats with the table: a paragraph cut by the page
    runs on past it, and it continues no paragraph (``At this dietary`` / ``ᵃ U.S. EPA,
    1995b`` / ``exposure, there were ...``)."""
    return (draft.labelled and before is not None and before.kind == "table"
            and before.page == draft.page and before.bbox[3] <= draft.bbox[1])


def _table_step(draft: Draft) -> int:
    """Walking back over drafts, what ``draft`` adds to the count of table captions passed
    with no table passed after them: 1 for a table's caption, -1 for a table, else 0."""
    return (draft.kind == "caption" and _TABLE_CAPTION.match(draft.text) is not None) \
        - (draft.kind == "table")


def _closes_a_bracket(text: str) -> bool:
    """Whether the text closes a parenthesis it did not open, before its first sentence ends."""
    depth = 0
    for ch in text[:SENTENCE_SPAN]:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return True
        if ch in ".!?":
            return False
    return False


def _runs_on_at_width(draft: Draft, paragraph: Draft) -> bool:
    """Whether the draft's first line is set about as wide as ``paragraph`` (``RUN_ON_WIDTH``),
    as the text running it on is."""
    return draft.first_width >= RUN_ON_WIDTH * (paragraph.bbox[2] - paragraph.bbox[0])


def _prose(draft: Draft) -> bool:
    """Whether the draft is words (``PROSE_WORDS``, ``PROSE_LETTERS``), not a table's cells."""
    ink = "".join(draft.text.split())
    return (len(draft.text.split()) >= PROSE_WORDS
            and sum(ch.isalpha() for ch in ink) >= PROSE_LETTERS * len(ink))


def footnotes_of(notes: list[list[Note]], vocabulary: Vocabulary) -> tuple[FootnoteBlock, ...]:
    """Footnote blocks; a label-less note area continues the last note of an earlier page."""
    drafts: list[Draft] = []
    labels: list[str] = []
    for page_notes in notes:
        for note in page_notes:
            first = note.lines[0]
            continued = note.continued and bool(drafts)
            if continued:
                target = drafts[-1]
            else:
                target = Draft("footnote", "", first.page, first.bbox)
                drafts.append(target)
                labels.append(note.label)
            start, joined = None, len(target.transforms)
            for line in note.lines:
                _append(target, line.text, vocabulary)
                if start is None:
                    start = len(target.text) - len(line.text)  # ``_append`` ends with the line
                if line.page == target.page:
                    target.bbox = union(target.bbox, line.bbox)
            if continued:
                target.transforms.insert(joined, Transform(
                    "join-break", f"note continued on page {first.page}",
                    page_number=first.page, bbox=round_bbox(_lines_box(note.lines, first.page)),
                    char_start=start, char_end=len(target.text)))
    return tuple(FootnoteBlock(label, d.text, Locator(page_number=d.page, bbox=round_bbox(d.bbox)),
                               tuple(d.transforms)) for label, d in zip(labels, drafts))


def _lines_box(lines: list[Line], page: int) -> tuple[float, float, float, float]:
    """The box around the lines on ``page``."""
    return functools.reduce(union, (line.bbox for line in lines if line.page == page))


def round_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in bbox)  # type: ignore[return-value]
