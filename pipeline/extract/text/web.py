"""Web pages saved as visible text: the article kept, the site's chrome removed and recorded.

In: the decoded text (one paragraph per line, as browsers save it). Out: the same ``Layer``
shape as the text-layer pass: metadata, blocks, reference footnotes, removed chrome.

The article is located by its dense prose: it starts at the first long line of running text
and ends at the first *terminal* piece of chrome after it (a navigation row, a copyright line,
a share or comment widget, an event box, a related-headlines list); everything after that is
chrome. Each line is judged by its shape: pipe- or arrow-separated short items (navigation,
breadcrumbs), runs of short link-like lines, teasers ending in ``More>>`` or ``Read more``,
the fixed labels that widgets print (``Share this:``, ``Leave a Reply``, ``Hosted By``), and
repetition (the same short line at the top and bottom of a page). Between the title and the
prose sit bylines and dates (kept, and read into the metadata); after the prose, credits,
image captions and a reference list (``For more information, please see:`` and its items,
which become footnotes). In an interview, the questions become headings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.extract.text.layer import Layer
from pipeline.extract.text.lines import Line, locate, split_lines
from pipeline.model import Block, DocumentMeta, FootnoteBlock, Removed
from pipeline.textutil.words import BULLETS

PROSE_WORDS = 20
"""A line this long is running text whatever its punctuation (menus and titles are shorter)."""
SENTENCE_WORDS = 12
"""A shorter line still counts as prose if it ends a sentence."""
LINK_WORDS = 3
"""Menu entries and link lists are at most this many words each."""
LINK_RUN = 3
"""This many link-like lines in a row make a menu or link list, not headings."""
HEADING_WORDS = 15
QUESTION_WORDS = 40

_TERMINAL = {"nav-bar", "breadcrumb", "copyright", "share-widget", "comment-form",
             "event-boilerplate", "related-headlines"}
_SHAPES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("skip-link", re.compile(r"^(skip|jump) to( the)? (main )?(content|navigation|main)\b", re.I),
     "accessibility skip link"),
    ("copyright", re.compile(r"^(©|\(c\)\s|copyright\b)|all rights reserved", re.I),
     "copyright notice"),
    ("share-widget", re.compile(r"^(share( this( article| story)?)?|like this|tweet|print"
                                r"( this)?|email this|share on \w+)\s*:?\s*$", re.I),
     "share widget label"),
    ("comment-form", re.compile(r"^(leave a (reply|comment)|post a comment|\d+ comments?|"
                                r"comments?|cancel reply|post comment|your email address will "
                                r"not be published|required fields are marked)\b", re.I),
     "comment form text"),
    ("event-boilerplate", re.compile(r"^((co-?)?hosted by|sponsored by|organi[sz]ed by)\s*:?\s*$"
                                     r"|thank you for your interest in this event|please send "
                                     r"any feedback", re.I),
     "event page box"),
    ("related-headlines", re.compile(r"^(related( posts| articles| stories| content)?|"
                                     r"\w+ headlines|more from .{0,30}|you may also like|"
                                     r"recommended( for you)?|read next|more stories|"
                                     r"popular( posts)?|top stories)\s*:?\s*$", re.I),
     "heading of a related-headlines list"),
    ("teaser", re.compile(r"(more\s*>>|read more|continue reading|full story)\s*[.»>]*\s*$",
                          re.I), "ends with a read-more link"),
    ("dead-link-prompt", re.compile(r"\bclick here\b", re.I), "link text whose link is gone"),
    ("advert", re.compile(r"^(advertisement|sponsored( content)?|ad)\s*$", re.I),
     "advertisement label"),
    ("post-meta", re.compile(r"^(posted in|filed under|tagged|(tags?|categories|category|"
                             r"author)\s*:)", re.I), "post metadata link row"),
    ("call-to-action", re.compile(r"^(subscribe|sign up|sign in|log ?in|register|donate|"
                                  r"follow us)\b", re.I), "account or subscription prompt"),
)
_BYLINE = re.compile(r"^(by|drafted by|written by|reported by|story by)\s+(?=[A-Z])", re.I)
_NAME = re.compile(r"[A-Z][a-z'’-]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z'’-]+){1,2}")
_CREDIT = re.compile(r"^(featured image|image|photo|picture|photograph)s?\s*(by|:|credit|courtesy)",
                     re.I)
_REFERENCES = re.compile(r"^(for more information|sources?|references|further reading|"
                         r"see also|read more about)\b.*:\s*$", re.I)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_DATE = re.compile(r"\b(?:(?P<m1>[A-Z][a-z]{2,8})\.? (?P<d1>\d{1,2}),? (?P<y1>(?:19|20)\d\d)|"
                   r"(?P<d2>\d{1,2}) (?P<m2>[A-Z][a-z]{2,8}) (?P<y2>(?:19|20)\d\d))\b")


@dataclass(frozen=True, slots=True)
class _Verdict:
    rule: str
    evidence: str


def extract_web(source: str) -> Layer:
    """Split a saved web page's text into article and chrome (see the module docstring)."""
    units = [line for line in split_lines(source) if not line.blank]
    verdicts = _chrome(units)
    start = next((i for i, u in enumerate(units) if i not in verdicts and _prose(u)), len(units))
    end = next((i for i in range(start, len(units))
                if i in verdicts and verdicts[i].rule in _TERMINAL), len(units))
    for index in range(end, len(units)):
        verdicts.setdefault(index, _Verdict("after-article", "below the article's end"))
    if end < len(units):
        _name_teasers(units, verdicts, end)
    removed = [Removed(v.rule, units[i].stripped, locate([units[i]]), "boilerplate", v.evidence)
               for i, v in sorted(verdicts.items())]
    kept = [i for i in range(len(units)) if i not in verdicts]
    blocks, notes, label_removed = _blocks(units, kept, start)
    removed += label_removed
    return Layer(_meta(units, kept, start, blocks), tuple(blocks), tuple(notes),
                 tuple(sorted(removed, key=lambda r: r.locator.char_start or 0)))


def _prose(line: Line) -> bool:
    words = len(line.words())
    return words >= PROSE_WORDS or (words >= SENTENCE_WORDS and
                                    bool(re.search(r"[.!?][”\"’)]*\s*$", line.stripped)))


def _chrome(units: list[Line]) -> dict[int, _Verdict]:
    """Per-line chrome verdicts from shape, link runs and repetition."""
    verdicts: dict[int, _Verdict] = {}
    for index, unit in enumerate(units):
        verdict = _shape(unit.stripped)
        if verdict:
            verdicts[index] = verdict
    _link_runs(units, verdicts)
    counts = Counter(u.stripped.lower() for u in units if len(u.words()) <= 6)
    for index, unit in enumerate(units):
        if counts[unit.stripped.lower()] >= 2 and not _prose(unit):
            verdicts.setdefault(index, _Verdict("repeated-line", "same short line appears twice"))
    return verdicts


def _shape(text: str) -> _Verdict | None:
    items = [p.strip() for p in re.split(r"\s+\|\s+|^\||\|$", text) if p.strip()]
    if text.count("|") >= 2 and all(len(p.split()) <= 5 for p in items):
        return _Verdict("nav-bar", f"{len(items)} short items separated by '|'")
    crumbs = [p.strip() for p in re.split(r"\s+[›»>/]\s+", text)]
    if len(crumbs) >= 3 and all(len(p.split()) <= 4 for p in crumbs):
        return _Verdict("breadcrumb", f"{len(crumbs)} short items separated by arrows")
    for rule, pattern, evidence in _SHAPES:
        long_ok = rule in ("teaser", "copyright", "event-boilerplate")
        if pattern.search(text) and (long_ok or len(text.split()) <= 16):
            return _Verdict(rule, evidence)
    return None


def _link_like(line: Line) -> bool:
    text = line.stripped.lstrip(BULLETS + "-* ").strip()
    return (0 < len(text.split()) <= LINK_WORDS and not re.search(r"[\d!?:,;]|\.$", text)
            and not _BYLINE.match(text))


def _link_runs(units: list[Line], verdicts: dict[int, _Verdict]) -> None:
    """Runs of short link-like lines (menus, link lists); bulleted ones count from two."""
    index = 0
    while index < len(units):
        end = index
        while end < len(units) and _link_like(units[end]):
            end += 1
        bulleted = all(re.match(rf"^\s*[{BULLETS}*-]", units[k].text) for k in range(index, end))
        if end - index >= LINK_RUN or (bulleted and end - index >= 2):
            for k in range(index, end):
                verdicts.setdefault(k, _Verdict("link-list", f"{end - index} short link-like "
                                                             "lines in a row"))
        index = max(end, index + 1)


def _name_teasers(units: list[Line], verdicts: dict[int, _Verdict], end: int) -> None:
    """Name the lines below the article by the box they sit in: inside an event box (after
    ``Hosted By``) they are its program blurb; a headline above a teaser, or a short line
    under a related-headlines heading, is a related-headline item."""
    box = ""
    for index in range(end, len(units)):
        rule = verdicts[index].rule
        if rule in _TERMINAL:
            box = rule
        teaser_next = index + 1 < len(units) and verdicts[index + 1].rule == "teaser"
        if box == "event-boilerplate" and rule in ("after-article", "teaser"):
            verdicts[index] = _Verdict("event-boilerplate", "inside the event box (program blurb)")
        elif rule == "after-article" and (teaser_next or (box == "related-headlines" and
                                                          len(units[index].words()) <= 15)):
            verdicts[index] = _Verdict("related-headlines", "headline in a related list")


def _blocks(units: list[Line], kept: list[int], start: int
            ) -> tuple[list[Block], list[FootnoteBlock], list[Removed]]:
    """Kinds for the kept lines: title, bylines, headings, questions, captions, references."""
    last_prose = max((i for i in kept if _prose(units[i])), default=-1)
    questions = [i for i in kept if start <= i <= last_prose and _question(units[i])]
    blocks: list[Block] = []
    notes: list[FootnoteBlock] = []
    removed: list[Removed] = []
    in_references = False
    for position, index in enumerate(kept):
        unit = units[index]
        text, locator = unit.stripped, locate([unit])
        following = kept[position + 1] if position + 1 < len(kept) else None
        if not blocks:
            blocks.append(Block("title", text, locator, level=1))
        elif index > last_prose and _REFERENCES.match(text):
            in_references = True
            removed.append(Removed("reference-list-label", text, locator, "marker",
                                   "introduces a reference list; its items became footnotes"))
        elif in_references and _reference_item(text):
            notes.append(FootnoteBlock(str(len(notes) + 1), text, locator))
        else:
            in_references = False
            kind, level = _kind(units, index, start, last_prose, following, len(questions) >= 2)
            blocks.append(Block(kind, text, locator, level=level))  # type: ignore[arg-type]
    return blocks, notes, removed


def _question(line: Line) -> bool:
    return line.stripped.endswith("?") and len(line.words()) <= QUESTION_WORDS


def _reference_item(text: str) -> bool:
    return bool(re.search(r"\s[–—-]\s|https?://|www\.", text) or _DATE.search(text))


def _kind(units: list[Line], index: int, start: int, last_prose: int, following: int | None,
          interview: bool) -> tuple[str, int | None]:
    unit = units[index]
    text = unit.stripped
    if _CREDIT.match(text):
        return "caption", None
    if interview and _question(unit) and start <= index <= last_prose:
        return "heading", 2
    if _prose(unit):
        return "paragraph", None
    short_head = len(unit.words()) <= HEADING_WORDS and not re.search(r"[.!,;:]$", text)
    before_prose = following is not None and _prose(units[following])
    under_byline = index and units[index - 1].number == unit.number - 1 \
        and _BYLINE.match(units[index - 1].stripped)
    if short_head and before_prose and not _BYLINE.match(text) and not under_byline \
            and not (index < start and re.search(r"\d", text)):
        return "heading", 2
    if index < start or index > last_prose:
        return "byline", None
    return "paragraph", None


def _meta(units: list[Line], kept: list[int], start: int, blocks: list[Block]) -> DocumentMeta:
    """Title, authors and publication date read from the kept lines."""
    title = blocks[0].text if blocks and blocks[0].kind == "title" else None
    bylines = [b.text for b in blocks if b.kind == "byline"]
    authors = _authors(bylines)
    header = " ".join(units[i].stripped for i in kept if i < start)
    return DocumentMeta(title=title, authors=authors, published=_iso_date(header))


def _authors(bylines: list[str]) -> tuple[str, ...]:
    """Names after ``by`` in a byline; else from a credit line that opens with a name."""
    explicit = [m.group(1) for b in bylines
                for m in [re.search(r"(?:^|\s)by\s+([A-Z].*)$", b, re.I)] if m]
    for candidates in (explicit, bylines):
        for text in candidates:
            name = _NAME.match(text)
            if name:
                return (name.group(),)
    return ()


def _iso_date(text: str) -> str | None:
    for match in _DATE.finditer(text):
        month_name = (match.group("m1") or match.group("m2"))[:3].lower()
        if month_name in _MONTHS:
            day = int(match.group("d1") or match.group("d2"))
            year = int(match.group("y1") or match.group("y2"))
            return f"{year:04d}-{_MONTHS[month_name]:02d}-{day:02d}"
    return None
