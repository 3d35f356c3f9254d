"""PDF text layers saved as plain text (pdftotext and the like): layout breaks undone.

In: the decoded text. Out: blocks (headings with levels, paragraphs, list items, captions,
tables), footnotes with labels and full text, removed page furniture and note markers.

What a text layer shows, and the evidence used for each (no per-file rules):

- page starts: a line opening with one space right after a non-blank line; running headers
  (a line with a page number set off by wide gaps, repeated with other numbers);
- footnotes: a block at a page bottom opening with the *next expected* note number, accepted
  only if a marker for that number sits in the text since the previous marker
  (``pipeline.textutil.footnotes``); the note runs on over indented or whitespace-separated parts;
  anything below the notes and above the next page is a caption;
- paragraphs cut by a page turn, a photo or a blank line: a paragraph that does not end a
  sentence continues in the next body block when that block starts in lower case, when the
  page turns right after it (material in between is an insert: caption or table), or when
  its last line runs to the full width of its column;
- headings: short, title-cased lines, standing alone or opening a block of prose; a heading at
  a page start opens a chapter (level 1); numbered series such as ``Case 1 … Case 53`` nest
  under the heading before them;
- list items: lines opening with a bullet or ``N.``; tables: runs of short rows ending in
  numbers; captions: inserts and text below the notes, and captions glued to narrow lines.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace

from pipeline.extract.text.lines import Line, Mapped, join, locate, split_lines
from pipeline.model import (
    Block,
    DocumentMeta,
    FootnoteBlock,
    Locator,
    Removed,
    Transform,
)
from pipeline.textutil.footnotes import Marker, find_marker
from pipeline.textutil.hyphenation import Vocabulary, decide, hyphen_break, in_compound
from pipeline.textutil.words import BULLET, BULLETS, MINOR_WORDS

WRAP_MIN_CHARS = 40
"""Lines at least this long are prose lines, whose wrapping tells a page from a web text."""
WIDTH_PERCENTILE = 0.75
"""The body's column width is the 75th percentile of line lengths: notes and captions run
wider, headings and narrow columns shorter, and most lines are full body lines."""
FULL_LINE = 0.85
"""A last line this close to its column's widest line filled the column: the text wrapped."""
HEADING_WIDTH = 0.72
"""Headings are set larger or bolder, so they fit fewer characters than a body line."""
TITLE_CASE_MIN = 0.6
"""Share of content words that must be capitalised for a line to read as a heading."""
MAX_HEADING_LINES = 5
MAX_INSERT_CHUNKS = 6
MAX_INSERT_LINES = 12
"""A caption or small table between a cut paragraph and its continuation stays this small;
anything bigger is body text of its own."""
NARROW = 0.7
"""Lines shorter than this share of the body width form a narrow column (text beside a photo)."""
CAPTION_TYPE = 1.15
"""Caption type is smaller than body type: a caption's lines hold this many times more
characters than a body line (body lines of a justified page vary by a few per cent)."""
GLUED_CAPTION = 1.5
"""A line this much longer than its narrow column's median carries a caption glued to it."""

_NOTE_START = re.compile(r"^\s*(\d{1,3})\s+\S")
_ITEM_START = re.compile(rf"^\s*(?:[{BULLETS}]|\d{{1,2}}\.(?=\s))")
_ENUMERATED = re.compile(r"^([A-Z][a-z]+)\s+(\d{1,3})\b")
_RUNNING = re.compile(r"\S\s{2,}\d{1,4}\s{2,}\S|^\s*\d{1,4}\s{2,}\S|\S\s{2,}\d{1,4}\s*$")
_WIDE_GAP = re.compile(r"\S {3,}\d{1,4} {3,}\S")
_CLOSED = re.compile(r"[.!?:;”\"’)\]…]+(\s?\d{1,3})?\s*$")
_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of non-blank lines between blank lines, page starts or furniture."""

    lines: tuple[Line, ...]
    page_start: bool
    after_space_blank: bool
    """Separated from the chunk before by a blank line holding spaces (a paragraph break
    inside one frame, as inside a long note), not by an empty one."""
    role: str = "body"
    level: int | None = None
    label: str | None = None

    @property
    def text(self) -> str:
        return " ".join(line.stripped for line in self.lines)

    @property
    def start(self) -> int:
        return self.lines[0].start


@dataclass(frozen=True, slots=True)
class Layer:
    """Everything the text-layer pass found, ready to become an Extraction."""

    meta: DocumentMeta
    blocks: tuple[Block, ...]
    footnotes: tuple[FootnoteBlock, ...]
    removed: tuple[Removed, ...]


@dataclass(slots=True)
class _Doc:
    source: str
    width: float
    chunks: list[Chunk]
    vocabulary: Vocabulary
    markers: list[Marker] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)


def looks_like_text_layer(lines: list[Line]) -> bool:
    """True when most long lines wrap onto the next (a typeset page), not one line per paragraph.

    Saved web pages put each paragraph on one long line followed by a blank one; a text layer
    breaks every paragraph into lines of a page's width, so a long line is followed by more
    text. Short lines (menus, bylines) say nothing either way and are not counted.
    """
    long_lines = [i for i, line in enumerate(lines) if len(line.stripped) >= WRAP_MIN_CHARS]
    if len(long_lines) < 10:
        return False
    wrapped = sum(1 for i in long_lines if i + 1 < len(lines) and not lines[i + 1].blank)
    return wrapped / len(long_lines) >= 0.5


def extract_layer(source: str) -> Layer:
    """Undo the layout breaks of a PDF text layer (see the module docstring)."""
    lines = split_lines(source)
    doc = _Doc(source, _body_width(lines), [], Vocabulary.from_texts([source]))
    furniture = _running_headers(lines)
    doc.chunks = _chunks(lines, furniture)
    for number in sorted(furniture):
        line = lines[number - 1]
        doc.removed.append(Removed("running-header", line.stripped, locate([line]), "furniture",
                                   "a page number between wide gaps, repeated on other pages"))
    _split_glued_captions(doc)
    _find_notes(doc)
    _mark_lists(doc)
    _mark_tables(doc)
    _mark_wide_captions(doc)
    _mark_headings(doc)
    items = _assemble(doc)
    blocks, footnotes = _build(doc, items)
    title = _title(lines, furniture) or next((b.text for b in blocks if b.kind == "heading"), None)
    return Layer(DocumentMeta(title=title), tuple(blocks), tuple(footnotes), tuple(doc.removed))


# --- lines to chunks -------------------------------------------------------------------------

def _body_width(lines: list[Line]) -> float:
    lengths = sorted(len(line.stripped) for line in lines if not line.blank)
    return float(lengths[int(len(lengths) * WIDTH_PERCENTILE)]) if lengths else 80.0


def _running_headers(lines: list[Line]) -> set[int]:
    """Line numbers of running headers/footers: a page number set off by gaps on a line seen
    on two or more pages with other numbers, or by gaps so wide that no prose has them."""
    keys: dict[int, str] = {}
    for line in lines:
        if _RUNNING.search(line.text) and len(line.words()) <= 20 \
                and not _NOTE_START.match(line.text):
            keys[line.number] = re.sub(r"\d+", "#", " ".join(line.words()).lower())
    counts = Counter(keys.values())
    return {number for number, key in keys.items()
            if counts[key] >= 2 or _WIDE_GAP.search(lines[number - 1].text)}


def _is_page_start(lines: list[Line], index: int) -> bool:
    line = lines[index]
    return bool(re.match(r"^ \S", line.text)) and (index == 0 or not lines[index - 1].blank)


def _chunks(lines: list[Line], furniture: set[int]) -> list[Chunk]:
    """Runs of non-blank lines, split at blank lines, page starts and furniture."""
    chunks: list[Chunk] = []
    current: list[Line] = []
    next_page, space_blank = True, False
    flags = (True, False)
    for index, line in enumerate(lines):
        if line.number in furniture or line.blank:
            if current:
                chunks.append(Chunk(tuple(current), *flags))
                current = []
            next_page = next_page or line.number in furniture
            space_blank = space_blank or (line.blank and bool(line.text))
            continue
        if _is_page_start(lines, index):
            if current:
                chunks.append(Chunk(tuple(current), *flags))
                current = []
            next_page = True
        if not current:
            flags = (next_page, space_blank and not next_page)
            next_page, space_blank = False, False
        current.append(line)
    if current:
        chunks.append(Chunk(tuple(current), *flags))
    return chunks


def _split_glued_captions(doc: _Doc) -> None:
    """A narrow column's last line running past the body width carries a caption: split it."""
    result: list[Chunk] = []
    for chunk in doc.chunks:
        lengths = [len(line.stripped) for line in chunk.lines]
        column = statistics.median(lengths[:-1]) if len(lengths) >= 4 else doc.width
        last = chunk.lines[-1]
        cut = None
        if column < NARROW * doc.width and lengths[-1] > max(doc.width, GLUED_CAPTION * column):
            cut = _caption_cut(last.text, column)
        if cut is None:
            result.append(chunk)
            continue
        result.append(replace(chunk, lines=chunk.lines[:-1] + (last.slice(0, cut),)))
        result.append(Chunk((last.slice(cut, len(last.text)),), False, False, "caption"))
    doc.chunks = result


def _caption_cut(text: str, column: float) -> int | None:
    """Where the glued caption starts: the capitalised word nearest the column's edge, if the
    rest reads as a caption (ends a sentence)."""
    if not re.search(r"[.!?]\s*$", text):
        return None
    starts = [m.start() for m in re.finditer(r"(?<= )[A-Z]", text) if m.start() >= 0.7 * column]
    return min(starts, key=lambda s: abs(s - column)) if starts else None


# --- footnotes -------------------------------------------------------------------------------

def _find_notes(doc: _Doc) -> None:
    """Label note chunks 1..N in sequence; what follows the notes on a page is a caption."""
    expected, cursor = 1, 0
    spans: list[tuple[int, int]] = []
    state = "body"  # body -> notes -> below (captions) -> next page
    for index, chunk in enumerate(doc.chunks):
        if chunk.page_start:
            state = "body"
        match = _NOTE_START.match(chunk.lines[0].text)
        if match and int(match.group(1)) == expected and not chunk.page_start:
            marker = find_marker(doc.source, str(expected), cursor, chunk.start, tuple(spans))
            if marker is not None:
                doc.markers.append(marker)
                doc.chunks[index] = replace(chunk, role="note", label=str(expected))
                spans.append((chunk.start, chunk.lines[-1].end))
                cursor, expected, state = marker.end, expected + 1, "notes"
                continue
        if state == "notes" and (chunk.lines[0].text.startswith(" ") or chunk.after_space_blank):
            doc.chunks[index] = replace(chunk, role="note", label=str(expected - 1))
            spans.append((chunk.start, chunk.lines[-1].end))
        elif state in ("notes", "below"):
            doc.chunks[index] = replace(chunk, role="caption")
            state = "below"


# --- lists, tables, headings -------------------------------------------------------------------

def _mark_lists(doc: _Doc) -> None:
    """Split body chunks at bulleted or ``N.`` lines; each part from such a line is an item."""
    result: list[Chunk] = []
    for chunk in doc.chunks:
        if chunk.role != "body" or not any(_ITEM_START.match(l.text) for l in chunk.lines):
            result.append(chunk)
            continue
        part: list[Line] = []
        first = True
        for line in chunk.lines:
            if _ITEM_START.match(line.text) and part:
                result.append(_part(chunk, part, first))
                part, first = [], False
            part.append(line)
        result.append(_part(chunk, part, first))
    doc.chunks = result


def _part(chunk: Chunk, lines: list[Line], first: bool) -> Chunk:
    role = "list_item" if _ITEM_START.match(lines[0].text) else "body"
    return Chunk(tuple(lines), chunk.page_start and first, chunk.after_space_blank and first, role)


def _short(chunk: Chunk, width: float, share: float = NARROW) -> bool:
    return all(len(line.stripped) < share * width for line in chunk.lines)


def _mark_tables(doc: _Doc) -> None:
    """Runs of 3+ short one- or two-line body chunks, most ending in a number, are a table."""
    chunks, index = doc.chunks, 0
    while index < len(chunks):
        end = index
        while end < len(chunks) and chunks[end].role == "body" and len(chunks[end].lines) <= 2 \
                and _short(chunks[end], doc.width) and not _series_heading(chunks[end].text):
            end += 1
        run = chunks[index:end]
        numeric = sum(1 for c in run if re.search(r"\d[\d,.]*\s*$", c.text))
        if len(run) >= 3 and numeric * 2 >= len(run):
            for k in range(index, end):
                chunks[k] = replace(chunks[k], role="table")
            title = chunks[index - 1] if index else None
            if title and title.role == "body" and len(title.lines) <= 2 \
                    and not re.search(r"[.!?]\s*$", title.text):
                chunks[index - 1] = replace(title, role="caption")
        index = max(end, index + 1)


def _series_heading(text: str) -> bool:
    """``Case 12 Ms. Lee …``: a word and a number opening a longer line (``Total 58`` is not)."""
    return bool(_ENUMERATED.match(text)) and len(text.split()) > 2


def _mark_wide_captions(doc: _Doc) -> None:
    """Short blocks whose lines run well past the body width are set in smaller type than
    the body: captions (notes, the other small type, were labelled already)."""
    for index, chunk in enumerate(doc.chunks):
        lengths = [len(line.stripped) for line in chunk.lines]
        if chunk.role == "body" and not chunk.page_start and len(lengths) <= 3 \
                and statistics.median(lengths) > CAPTION_TYPE * doc.width:
            doc.chunks[index] = replace(chunk, role="caption")


def _title_case_ratio(text: str) -> float:
    words = [w.strip("“”\"'‘’([—–-") for w in text.split()]
    content = [w for w in words if w and w[0].isalpha() and w.lower() not in MINOR_WORDS]
    if not content:
        return 0.0
    return sum(1 for w in content if w[0].isupper()) / len(content)


def _heading_lines(chunk: Chunk, width: float) -> int:
    """How many leading lines of a body chunk form a heading (0: none)."""
    lines = chunk.lines
    if not lines[0].stripped[:1].isupper() and lines[0].stripped[:1] not in "“\"":
        return 0
    if len(lines) <= MAX_HEADING_LINES and _short(chunk, width, HEADING_WIDTH) \
            and _standalone_heading(chunk.text):
        return len(lines)
    for count in (1, 2, 3):
        if count >= len(lines):
            break
        head, following = lines[:count], lines[count]
        text = " ".join(line.stripped for line in head)
        last = len(head[-1].stripped)
        if all(len(line.stripped) < HEADING_WIDTH * width for line in head) \
                and _title_case_ratio(text) >= TITLE_CASE_MIN and not _CLOSED.search(text) \
                and not text.endswith(",") \
                and (len(following.stripped) > 1.3 * last
                     or len(following.stripped) >= 0.8 * width):
            return count
    return 0


def _standalone_heading(text: str) -> bool:
    if _ENUMERATED.match(text):
        return True
    ratio = _title_case_ratio(text)
    if len(text.split()) > 45 or re.search(r"[,;]\s*$", text):
        return False
    return ratio >= (0.8 if _CLOSED.search(text) else TITLE_CASE_MIN)


def _mark_headings(doc: _Doc) -> None:
    """Find heading chunks (or heading lines opening a chunk) and give them levels."""
    result: list[Chunk] = []
    for chunk in doc.chunks:
        count = _heading_lines(chunk, doc.width) if chunk.role == "body" else 0
        if not count:
            result.append(chunk)
            continue
        attached = count < len(chunk.lines)
        result.append(replace(chunk, lines=chunk.lines[:count], role="heading",
                              level=1 if chunk.page_start else (2 if attached else 3)))
        if attached:
            result.append(Chunk(chunk.lines[count:], False, False))
    doc.chunks = _demote_name_runs(result)
    _level_headings(doc.chunks)


def _demote_name_runs(chunks: list[Chunk]) -> list[Chunk]:
    """Three or more one-line headings in a row with nothing between are a list (signatories)."""
    index = 0
    while index < len(chunks):
        end = index
        while end < len(chunks) and chunks[end].role == "heading" and chunks[end].level == 3 \
                and len(chunks[end].lines) == 1 and not _ENUMERATED.match(chunks[end].text):
            end += 1
        if end - index >= 3:
            for k in range(index, end):
                chunks[k] = replace(chunks[k], role="list_item", level=None)
        index = max(end, index + 1)
    return chunks


def _level_headings(chunks: list[Chunk]) -> None:
    """Chapter = 1; heading over prose = 2; a lone heading nests under a level-2 one above it,
    else is level 2 itself; numbered series (Case 1, Case 2 …) nest one below their parent."""
    series = Counter(m.group(1) for c in chunks if c.role == "heading"
                     for m in [_ENUMERATED.match(c.text)] if m)
    parent_level, attached_open = 0, False
    for index, chunk in enumerate(chunks):
        if chunk.role != "heading":
            continue
        enumerated = _ENUMERATED.match(chunk.text)
        if enumerated and series[enumerated.group(1)] >= 3:
            chunks[index] = replace(chunk, level=min(parent_level + 1, 6))
            continue
        level = chunk.level or 2
        if level == 1:
            attached_open = False
        elif level == 2:
            attached_open = True
        elif not attached_open:
            level = 2
        chunks[index] = replace(chunk, level=level)
        parent_level = level


# --- joining paragraphs across breaks --------------------------------------------------------

@dataclass(slots=True)
class _Item:
    role: str
    chunks: list[Chunk]
    level: int | None = None
    label: str | None = None


def _is_open(text: str) -> bool:
    text = text.rstrip()
    return bool(text) and not _CLOSED.search(text)


def _assemble(doc: _Doc) -> list[_Item]:
    """Group chunks into items, joining paragraphs cut by page turns, photos and blank lines."""
    items: list[_Item] = []
    inserts: set[int] = set()
    continuation: dict[int, _Item] = {}
    open_item: _Item | None = None
    for index, chunk in enumerate(doc.chunks):
        if index not in continuation and open_item is not None \
                and chunk.role in ("body", "list_item") and index not in inserts:
            _find_continuation(doc, open_item, index, inserts, continuation)
        if index in continuation:
            target = continuation.pop(index)
            target.chunks.append(chunk)
            open_item = target if _is_open(chunk.text) else None
        elif index in inserts:
            _append_insert(items, chunk, index - 1 in inserts)
        elif chunk.role in ("note", "caption", "table"):
            _append_aside(items, chunk)
        else:
            item = _Item(chunk.role, [chunk], chunk.level, chunk.label)
            items.append(item)
            is_text = chunk.role in ("body", "list_item")
            open_item = item if is_text and _is_open(chunk.text) else None
    return items


def _append_insert(items: list[_Item], chunk: Chunk, follows_insert: bool) -> None:
    """The first insert is a caption; short rows after it form a table with it as its title."""
    last = items[-1] if items else None
    if follows_insert and last is not None and last.role == "table":
        last.chunks.append(chunk)
    elif follows_insert and last is not None and last.role == "caption":
        items.append(_Item("table", [chunk]))
    else:
        items.append(_Item("caption", [chunk]))


def _append_aside(items: list[_Item], chunk: Chunk) -> None:
    """Notes, captions and table rows: a note part or table row joins the one before it."""
    last = items[-1] if items else None
    same_note = chunk.role == "note" and last and last.role == "note" and last.label == chunk.label
    same_table = chunk.role == "table" and last and last.role == "table"
    if same_note or same_table:
        last.chunks.append(chunk)  # type: ignore[union-attr]
    else:
        items.append(_Item(chunk.role, [chunk], label=chunk.label))


def _find_continuation(doc: _Doc, item: _Item, index: int, inserts: set[int],
                       continuation: dict[int, _Item]) -> None:
    """Record which chunk continues the open ``item``, seen from body chunk ``index``.

    In order of evidence: the chunk starts in lower case (or the item ends in a broken word);
    it opens the next page; the next page opens after a few small inserts (which become
    captions); the item's last line filled its column.
    """
    chunk, previous = doc.chunks[index], item.chunks[-1]
    first = chunk.lines[0].stripped
    broken = previous.lines[-1].stripped.endswith("-") and first[:1].isalpha()
    if first[:1].islower() or broken:
        continuation[index] = item
    elif chunk.page_start:
        if chunk.role == "body":
            continuation[index] = item
    elif (later := _page_continuation(doc.chunks, index)) is not None:
        inserts.update(k for k in range(index, later) if doc.chunks[k].role != "note")
        continuation[later] = item
    elif item.role == "body" and chunk.role == "body" and _fills_column(previous, doc.width):
        continuation[index] = item


def _page_continuation(chunks: list[Chunk], index: int) -> int | None:
    """The page start right after a few small inserts (captions, a boxed table), if any."""
    lines = 0
    for later in range(index, min(len(chunks), index + MAX_INSERT_CHUNKS + 1)):
        chunk = chunks[later]
        if chunk.page_start:
            return later if later > index and chunk.role in ("body", "list_item") else None
        if chunk.role == "note":
            continue
        lines += len(chunk.lines)
        enumerated = chunk.role == "heading" and _series_heading(chunk.text)
        if enumerated or lines > MAX_INSERT_LINES or len(chunk.lines) > 3 \
                or chunk.lines[0].stripped[:1].islower():
            return None
    return None


def _fills_column(chunk: Chunk, width: float) -> bool:
    lengths = [len(line.stripped) for line in chunk.lines]
    column = max(lengths) if len(lengths) > 1 else width
    return lengths[-1] >= FULL_LINE * column


# --- building blocks -------------------------------------------------------------------------

def _build(doc: _Doc, items: list[_Item]) -> tuple[list[Block], list[FootnoteBlock]]:
    blocks: list[Block] = []
    notes: list[FootnoteBlock] = []
    for item in items:
        lines = [line for chunk in item.chunks for line in chunk.lines]
        if item.role == "table":
            rows = [join_lines(list(chunk.lines), doc.vocabulary) for chunk in item.chunks]
            text = join([r[0] for r in rows], "\n")
            transforms = tuple(t for r in rows for t in r[1])
        else:
            text, transforms = join_lines(lines, doc.vocabulary)
        locator = _locator(lines, text)
        if item.role == "note":
            text = _strip_label(text, item.label or "")
            notes.append(FootnoteBlock(item.label or "", text.text, locator, transforms))
            continue
        refs: tuple[str, ...] = ()
        if item.role in ("body", "list_item", "heading"):
            text, refs = _remove_markers(doc, text)
        if item.role == "list_item":
            bullet = BULLET.match(text.text)
            text = text.part(bullet.end()) if bullet else text
        kind = {"body": "paragraph"}.get(item.role, item.role)
        blocks.append(Block(kind=kind, text=text.text, locator=locator,  # type: ignore[arg-type]
                            transforms=transforms, level=item.level if kind == "heading" else None,
                            footnote_refs=refs))
    return blocks, notes


def _locator(lines: list[Line], text: Mapped) -> Locator:
    span = text.span()
    base = locate(lines)
    if span is None:
        return base
    return replace(base, char_start=min(span[0], base.char_start or span[0]),
                   char_end=max(span[1], base.char_end or span[1]))


def join_lines(lines: list[Line], vocabulary: Vocabulary) -> tuple[Mapped, tuple[Transform, ...]]:
    """Join lines into one text: repair line-end hyphens by evidence, glue split URLs."""
    transforms: list[Transform] = []
    result: Mapped | None = None
    for line in lines:
        part = Mapped.of_line(line)
        if not part.text:
            continue
        if result is None:
            result = part
            continue
        parts = hyphen_break(result.text, part.text)
        if parts:
            decision = decide(*parts, vocabulary, in_compound(result.text))
            hyphen = result.offsets[-1]
            transforms.append(replace(decision.transform(), char_start=hyphen,
                                      char_end=None if hyphen is None else hyphen + 1))
            result = (result.cut(len(result.text) - 1, len(result.text)) if decision.join
                      else result) + part
        elif result.text.endswith(("—", "–", "/")) or _url_continues(result.text, part.text):
            result = result + part
        else:
            result = result + Mapped.inserted(" ") + part
    return result or Mapped("", ()), tuple(transforms)


def _url_continues(left: str, right: str) -> bool:
    """A URL broken at a line end: the next line's first token carries on the address."""
    tail = _URL_TAIL.search(left)
    if not tail:
        return False
    head = right.split()[0] if right.split() else ""
    return tail.group().endswith(("/", ".", "_", "-", "=", "?", "&", "%")) or \
        bool(re.search(r"[/.%_=&?#]", head.rstrip(".")))


def _strip_label(text: Mapped, label: str) -> Mapped:
    match = re.match(rf"\s*{re.escape(label)}\s+", text.text)
    return text.part(match.end()) if match else text


def _remove_markers(doc: _Doc, text: Mapped) -> tuple[Mapped, tuple[str, ...]]:
    """Cut the note markers that fall inside this text; return the labels in order."""
    found = []
    positions = {offset: i for i, offset in enumerate(text.offsets) if offset is not None}
    for marker in doc.markers:
        at = positions.get(marker.start)
        if at is not None and text.offsets[at + len(marker.label) - 1] == marker.end - 1:
            found.append((at, marker))
    for at, marker in sorted(found, key=lambda pair: pair[0], reverse=True):
        text = text.cut(at, at + len(marker.label))
        doc.removed.append(Removed("footnote-marker", marker.label,
                                   Locator(char_start=marker.start, char_end=marker.end,
                                           line_start=_line_of(doc.source, marker.start),
                                           line_end=_line_of(doc.source, marker.start)),
                                   "marker", f"note {marker.label} in sequence; "
                                             f"{marker.evidence}"))
    return text, tuple(marker.label for _, marker in sorted(found, key=lambda pair: pair[0]))


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _title(lines: list[Line], furniture: set[int]) -> str | None:
    """The running header names the document: its parts around the page number.

    Mixed case inside a word (``saLe``) shows the header was set in small capitals whose case
    the export lost, so such a title is re-cased word by word.
    """
    for line in lines:
        if line.number in furniture:
            parts = [p.strip() for p in re.split(r"\s{2,}\d{1,4}\s{2,}", line.text) if p.strip()]
            if not parts or len(parts) > 2:
                return None
            title = ": ".join(parts)
            if re.search(r"[a-z][A-Z]", title):
                title = _recase(title)
            return title
    return None


def _recase(title: str) -> str:
    words = title.split(" ")
    cased = [w if i and w.lower() in MINOR_WORDS else w[:1].upper() + w[1:].lower()
             for i, w in enumerate(words)]
    return " ".join(cased)
