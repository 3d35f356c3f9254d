"""PDF display formulas: a page's characters and line segments in, read as the formula is read.

TeX sets a display formula's parts where rows read by baseline go wrong: tall bars and braces
built from pieces of its extension font, one over the other; labels under and over horizontal
braces; fractions' numerators and denominators over and under their bars, matrices' and case
distinctions' rows, stacked a little above and below the formula's row; big delimiters whose
baselines hang an em or two off it; limits over and under big operators. ``page_lines``
(lines.py) builds the lines and hands this module the formulas, in turn:

    tall_bars                 characters in: each tall bar built from pieces -> one character
    labelled_braces           characters in: horizontal braces with their labels, taken out
                              of the rows
    stack_displays            segments in: stacked parts (fractions, a matrix's rows) read
                              into their formula's row
    read_braced               segments in: each brace's label read where it braces
    read_raised_delimiters    segments in: a row of raised big delimiters read into its formula
    limits_beside_operators   one line's characters in (``_line``): big operators' limits
                              read beside them

While it forms rows, lines.py asks ``hangs``, ``is_big_delimiter`` and ``overlap`` of
characters. This module imports nothing from lines.py. All sizes are in PDF points;
thresholds are relative to the font size, so they scale.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import itemgetter

from pipeline.extract.pdf.chars import (
    BASELINE,
    BOTTOM,
    BY_BASELINE,
    BY_X0,
    FONTNAME,
    RAISED_SIZE,
    ROW_BASELINE_EM,
    SAME_BASELINE,
    SIZE,
    TEXT,
    TOP,
    UPRIGHT,
    WORD_GAP_EM,
    X0,
    X1,
    Char,
    mode_size,
)
from pipeline.extract.pdf.fonts import HANGING_FONT
from pipeline.extract.pdf.geometry import Box

_BY_TEXT = itemgetter(TEXT)
_BY_FONTNAME = itemgetter(FONTNAME)


def is_big_delimiter(c: Char) -> bool:
    """A brace, bracket or bar from TeX's extension font, sized to what it encloses (a big
    operator, whose box its limits reach into, is none)."""
    return hangs(c) and (unicodedata.category(c[TEXT][:1]) in ("Ps", "Pe")
                         or c[TEXT] in _BARS or c[TEXT] in DELIMITER_PIECES)


_BARS = frozenset("|∣‖∥")


def overlap(c: Char, b: Char) -> bool:
    """Over half of ``c`` stands over or under ``b`` (a limit under an operator, over the next
    line's letters); a superscript beside its base, even kerned back over a comma, does not."""
    return min(c[X1], b[X1]) - max(c[X0], b[X0]) > (c[X1] - c[X0]) / 2


@lru_cache(maxsize=1024)
def hanging_font(fontname: str) -> bool:
    return bool(HANGING_FONT.search(fontname))


def hangs(c: Char) -> bool:
    """A big operator or delimiter from TeX's extension font."""
    return hanging_font(c[FONTNAME])


def any_hanging(chars: list[Char]) -> bool:
    """Whether one of ``chars`` is set in a hanging font, asked of their fonts once each."""
    return any(map(hanging_font, set(map(_BY_FONTNAME, chars))))


def hanging_fonts(chars: Iterable[Char]) -> set[str]:
    """The hanging fonts ``chars`` are set in, asked of their fonts once each: the
    characters that ``hangs`` are then those in one of them, found without a call each."""
    return {name for name in set(map(_BY_FONTNAME, chars)) if hanging_font(name)}


def tall_bars(chars: list[Char]) -> list[Char]:
    """``chars`` with each tall bar (``‖`` or ``|`` around a display's fractions) that TeX
    builds from pieces of its extension font, one over the other, as one character standing
    on the middle of the stack (the formula's row): the pieces each made a row of their own,
    which split the formula's rows around them."""
    if _BARS.isdisjoint(map(_BY_TEXT, chars)):  # most pages: no bar, asked without a loop
        return chars
    pieces = [c for c in chars if c[TEXT] in _BARS and hangs(c)]
    if len(pieces) < 2:
        return chars
    stacks: list[list[Char]] = []
    for c in sorted(pieces, key=BY_BASELINE):
        stack = next((s for s in stacks if s[-1][TEXT] == c[TEXT]
                      and abs(s[-1][X0] - c[X0]) <= 0.5
                      and 0 < c[BASELINE] - s[-1][BASELINE] <= c[SIZE]), None)
        if stack is None:
            stacks.append([c])
        else:
            stack.append(c)
    tall = [s for s in stacks if len(s) > 1]
    if not tall:
        return chars
    merged = {id(s[0]): (s[0][TEXT], s[0][X0], s[0][X1], s[0][TOP], s[-1][BOTTOM],
                         (s[0][BASELINE] + s[-1][BASELINE]) / 2, s[0][SIZE], s[0][FONTNAME],
                         s[0][UPRIGHT]) for s in tall}
    gone = {id(c) for s in tall for c in s[1:]}
    return [merged.get(id(c), c) for c in chars if id(c) not in gone]


BRACE_PIECES = ("\ufe38", "\ufe37")
"""The pieces (``︸``, ``︷``) TeX builds a horizontal brace from, left to right: an end, the
two halves of the middle's tip, an end; an underbrace's ends are the first, an overbrace's
the second (rules drawn between the pieces fill the gaps)."""
_BRACE_PIECE_SET = frozenset(BRACE_PIECES)
BRACE_LABEL_EM = 0.5
"""How far (em of the brace) a brace's label may stand clear of the brace's glyph box, and
how far into it (the box is deeper than the drawn brace)."""
BRACE_CONTENT_EM = 1.5
"""How far (em) from the brace's glyph box the braced formula's characters stand."""
LABEL_WORD_GAP_EM = 0.6
"""The widest word gap (em of the label) in a brace's label: TeX's is about 0.35 em."""
BRACE_CENTRE = 0.1
"""A label is centred on its brace: the two centres at most this share of the wider of
them (and a point) apart."""


@dataclass
class Brace:
    pieces: list[Char]
    label: list[Char]
    under: bool
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def labelled_braces(chars: list[Char]) -> list[Brace]:
    """Each horizontal brace (``\\underbrace``, ``\\overbrace``) with the label centred under
    or over it, found among the page's characters. Read as rows of their own, a label came
    after the whole formula's line (or inside the next one), and the pieces split the rows
    they stood near."""
    if _BRACE_PIECE_SET.isdisjoint(map(_BY_TEXT, chars)):  # most pages: no brace
        return []
    pieces = [c for c in chars if c[TEXT] in BRACE_PIECES]
    if len(pieces) < 4:
        return []
    rows: list[list[Char]] = []
    for c in sorted(pieces, key=lambda c: (c[BASELINE], c[X0])):
        if rows and abs(rows[-1][0][BASELINE] - c[BASELINE]) <= SAME_BASELINE * c[SIZE]:
            rows[-1].append(c)
        else:
            rows.append([c])
    taken = {id(c) for c in pieces}
    braces: list[Brace] = []
    for row in rows:
        row.sort(key=BY_X0)
        for k in range(0, len(row) - 3, 4):
            end, tip, tip2, end2 = row[k:k + 4]
            if not (end[TEXT] == end2[TEXT] != tip[TEXT] == tip2[TEXT]):
                break  # no brace's pieces (or not all of them): the row is left alone
            size = end[SIZE]
            brace = Brace([end, tip, tip2, end2], [], end[TEXT] == BRACE_PIECES[0],
                          end[X0], end2[X1], end[TOP], end[BOTTOM], size)
            brace.label = _brace_label(brace, chars, taken)
            if brace.label:
                taken.update(id(c) for c in brace.label)
                braces.append(brace)
    return braces


def _brace_label(brace: Brace, chars: list[Char], taken: set[int]) -> list[Char]:
    """The characters of the label set under an underbrace (over an overbrace): one run of
    text, each character touching the brace's glyph box or within ``BRACE_LABEL_EM`` of it,
    grown from those over the brace's span by word gaps, centred on the brace; none when
    they are not so. ``taken``: the ids of characters already a brace's, left out (looked
    up for those in the brace's band only)."""
    reach = BRACE_LABEL_EM * brace.size
    if brace.under:
        low, high = brace.top + reach, brace.bottom + reach
        near = [c for c in chars if low <= c[TOP] <= high and id(c) not in taken]
    else:
        low, high = brace.top - reach, brace.bottom - reach
        near = [c for c in chars if low <= c[BOTTOM] <= high and id(c) not in taken]
    label = [c for c in near if brace.x0 <= (c[X0] + c[X1]) / 2 <= brace.x1]
    if not label:
        return []
    # one row, the one nearest the brace (a line of text may come up close under a label)
    row = (min if brace.under else max)(c[BASELINE] for c in label)
    near = [c for c in near if abs(c[BASELINE] - row) <= ROW_BASELINE_EM * c[SIZE]]
    label = [c for c in label if c in near]
    x0, x1 = min(c[X0] for c in label), max(c[X1] for c in label)
    rest = [c for c in near if c not in label]
    grown = True
    while grown:  # a label wider than its brace runs on past its ends, word by word
        grown = False
        for c in rest:
            if c[X1] >= x0 - LABEL_WORD_GAP_EM * c[SIZE] and (
                    c[X0] <= x1 + LABEL_WORD_GAP_EM * c[SIZE]):
                label.append(c)
                x0, x1 = min(x0, c[X0]), max(x1, c[X1])
                rest.remove(c)
                grown = True
                break
    wider = max(x1 - x0, brace.x1 - brace.x0)
    if abs((x0 + x1) - (brace.x0 + brace.x1)) / 2 > BRACE_CENTRE * wider + 1:
        return []
    return sorted(label, key=BY_X0)


def read_braced(segments: list[list[Char]], braces: list[Brace]) -> list[list[Char]]:
    """Each brace's label read in the segment holding the formula it braces: an underbrace's
    right after the braced part, an overbrace's right before it (as TeX's limits are read,
    and as the page's content stream draws them), on that segment's baseline, set off by
    spaces. The brace's pieces are drawing, like a fraction's bar: they are left out. A label
    whose formula is not found is a segment of its own."""
    where = {id(c): i for i, segment in enumerate(segments) for c in segment}
    inserts: dict[int, list[tuple[int, list[Char]]]] = {}
    out = list(segments)
    for brace in braces:
        reach = BRACE_CONTENT_EM * brace.size
        # the brace's band first (most of the page stands above or below it), its edges and
        # span read once, not from the brace for each character
        x0, x1 = brace.x0, brace.x1
        if brace.under:
            low, high = brace.top - reach, brace.bottom
            found = [c for segment in segments for c in segment
                     if low <= c[BOTTOM] <= high and x0 <= (c[X0] + c[X1]) / 2 <= x1
                     and not c[TEXT].isspace()]
        else:
            low, high = brace.top, brace.bottom + reach
            found = [c for segment in segments for c in segment
                     if low <= c[TOP] <= high and x0 <= (c[X0] + c[X1]) / 2 <= x1
                     and not c[TEXT].isspace()]
        if not found:
            out.append(brace.label)
            continue
        # the formula's line is the one nearest the brace (a line of text may stand near)
        nearest = (max(found, key=itemgetter(BOTTOM)) if brace.under
                   else min(found, key=itemgetter(TOP)))
        host = where[id(nearest)]
        # the braced part: all of the segment over the brace's span (its scripts too)
        positions = [n for n, c in enumerate(segments[host]) if not c[TEXT].isspace()
                     and brace.x0 <= (c[X0] + c[X1]) / 2 <= brace.x1]
        at = positions[-1] + 1 if brace.under else positions[0]
        baselines = sorted(c[BASELINE] for c in brace.label)
        by = _stack_info(segments[host])[0] - baselines[len(baselines) // 2]
        # on the segment's baseline and at the brace's size (the formula's): small, its
        # letters would be taken for scripts, or for the limits of a big delimiter over
        # them, and a long label would make the segment's size its own
        label = [(c[TEXT], c[X0], c[X1], c[TOP] + by, c[BOTTOM] + by, c[BASELINE] + by,
                  brace.size, c[FONTNAME], c[UPRIGHT]) for c in brace.label]
        inserts.setdefault(host, []).append((at, [_spacer(label[0]), *label,
                                                  _spacer(label[-1])]))
    for host, adds in inserts.items():
        segment = segments[host]
        merged: list[Char] = []
        taken = 0
        for at, part in sorted(adds, key=lambda a: a[0]):
            merged += segment[taken:at]
            taken = max(taken, at)
            merged += part
        out[host] = merged + segment[taken:]
    return out


def limits_beside_operators(chars: list[Char]) -> list[Char]:
    """``chars`` (left to right) with each big operator's limits (the small characters over
    or under it, and those they run on into) moved next to it: the upper limit before it, the
    lower one after, as the formula is read, instead of interleaved by x."""
    fonts = hanging_fonts(chars)  # asked of the line's few fonts, not of each character
    if not fonts:
        return chars
    operators = [c for c in chars if c[FONTNAME] in fonts]
    ordered = list(chars)
    for operator in operators:
        small = [c for c in ordered if c[SIZE] < RAISED_SIZE * operator[SIZE]]
        limits = [c for c in small if overlap(c, operator)]
        taken = {id(c) for c in limits}
        for limit in limits:  # grows while it runs: a limit wider than its operator
            for c in small:
                if id(c) not in taken and _runs_on(limit, c):
                    limits.append(c)
                    taken.add(id(c))
        if not limits:
            continue
        upper = sorted((c for c in limits if c[BASELINE] < operator[BASELINE]),
                       key=_row_then_x)
        lower = sorted((c for c in limits if c[BASELINE] >= operator[BASELINE]),
                       key=_row_then_x)
        rest = [c for c in ordered if id(c) not in taken]
        at = next(i for i, c in enumerate(rest) if c is operator)
        if unicodedata.category(operator[TEXT][:1]) == "Sm":
            # a big operator's limits are stacked over and under it: set off by spaces, as
            # a display's stacked parts are (``_with_parts``); a wide accent's or a brace's
            # scripts and labels are not
            upper = [_spacer(upper[0]), *upper, _spacer(upper[-1])] if upper else []
            lower = [_spacer(lower[0]), *lower, _spacer(lower[-1])] if lower else []
        ordered = rest[:at] + upper + [operator] + lower + rest[at + 1:]
    return ordered


def _row_then_x(c: Char) -> tuple[int, float]:
    """Reading order of a limit's characters: a limit may take two lines."""
    return round(c[BASELINE]), c[X0]


def _runs_on(a: Char, b: Char) -> bool:
    """``b`` continues ``a``'s word: same baseline, no word gap between them."""
    return (abs(a[BASELINE] - b[BASELINE]) < 0.1 * a[SIZE]
            and max(b[X0] - a[X1], a[X0] - b[X1]) < WORD_GAP_EM * a[SIZE])


def stack_displays(segments: list[list[Char]], operators: bool = True,
                   bars: Sequence[Box] = ()) -> list[list[Char]]:
    """A display formula's stacked parts read in its row, where they stand: a fraction's
    numerator and denominator, a matrix's rows, set at full size a little above and below
    the formula's baseline (nearer than ``STACK_EM``, closer than any two lines of text), in
    a gap of the formula's row with its text on both sides within ``STACK_GAP_EM`` (or right
    after its end). Each part is put into that row at the gap, those of one gap top to
    bottom, set off by spaces; the row's two sides join when the gap had split them. Read
    as lines of their own, the parts came before or after the whole formula, or were
    stacked with the text line under it. A display fraction's parts span its bar
    (``bars``), however much narrower they are."""
    if len(segments) < 2:
        return segments
    if operators:
        segments = _delimited_rows(segments, bars)
    if bars:
        bars = _fraction_bars(segments, bars)
        if bars:
            segments = _split_at_bars(segments, bars)
    candidates = _stack_candidates(segments)
    if not candidates:
        return segments
    info = {i: _stack_info(segments[i]) for i in candidates}
    split = _split_at_operators(segments, candidates, info)
    if len(split) != len(segments):
        # a segment left whole is the same list: its facts are kept (the pieces are new lists,
        # made while the old segments stood, so no piece has an old segment's id)
        known = {id(segments[i]): info[i] for i in candidates}
        segments = split
        candidates = _stack_candidates(segments)
        info = {i: known.get(id(segments[i])) or _stack_info(segments[i]) for i in candidates}
    order = sorted(candidates, key=lambda i: info[i][0])
    baselines = [info[i][0] for i in order]
    if operators:
        fonts = hanging_fonts(c for i in candidates for c in info[i][4])
        delimiters = ([c for i in candidates for c in info[i][4] if c[FONTNAME] in fonts]
                      if fonts else [])
    else:
        delimiters = []
    spans = _fraction_spans(info)
    if bars:
        spans.update(_bar_spans(info, bars))
    parts: dict[int, list[int]] = {}  # the left host's index -> its parts
    where: dict[int, float] = {}  # a part put at this x, not at its own (an arrow's label)
    right_of: dict[int, int] = {}  # the left host's index -> the right host it joins
    hosting: set[int] = set()
    placed: set[int] = set()
    labels: dict[int, int] = {}  # a label over a relation -> the relation's part
    for i in order:
        if i in hosting:
            continue
        # a host's size may be a fifth larger, a small fraction's host larger still
        reach = STACK_EM * info[i][1] * (2.0 if i in spans else 1.25)
        near = order[bisect_left(baselines, info[i][0] - reach):
                     bisect_right(baselines, info[i][0] + reach)]
        found = _stack_hosts(i, info, (order, baselines), near, placed, delimiters,
                             spans.get(i))
        if found is None:
            label = _arrow_under(i, info, near, placed)
            if label is None:
                continue
            found, where[i] = (label[0], None), label[1]
        left, right = found
        if left in placed or (right is not None and right in placed):
            continue
        parts.setdefault(left, []).append(i)
        placed.add(i)
        if i in where:
            labels[i] = left
        hosting.add(left)
        if right is not None and right != left:
            right_of[left] = right
            hosting.add(right)
    placed.update(_stack_label_lines(info, order, labels, parts, where, placed | hosting))
    for i, j in labels.items():
        _join_label_box(i, j, info, candidates - placed, right_of, hosting)
    if not parts:
        return segments
    joined_right = set(right_of.values())
    run_on = _run_ons(segments, info, parts, placed | hosting | joined_right)
    placed.update(k for ks in run_on.values() for k in ks)
    out: list[list[Char]] = []
    for i in range(len(segments)):
        if i in placed or i in joined_right:
            continue
        merged: list[Char] = []
        host: int | None = i
        while host is not None:  # a row split at its gaps goes on in its right host
            if merged:
                merged.append(_spacer(merged[-1]))
            merged += _with_parts(segments[host], [
                (info[j][0], _lowered(segments[j], info[host][0] - info[j][0], info[host][1])
                 if j in where else _run_on(segments, j, run_on.get(j, [])), where.get(j))
                for j in parts.get(host, ())])
            host = right_of.get(host)
        out.append(merged)
    return out


OPERATOR_SPACE_EM = 0.15
"""Space (em) an operator of a display keeps on each side, less than TeX's thick space around
a relation (5/18 em) and more than is left around a full stop in a word space."""


def _split_at_operators(segments: list[list[Char]], candidates: set[int],
                        info: dict[int, tuple[float, float, float, float, list[Char]]]
                        ) -> list[list[Char]]:
    """``segments`` with each candidate part split where an operator of a row a stacked
    part's distance above or below it stands in one of its gaps: parts stand in their
    formula's gaps, never across its text (the top rows of two matrices side by side, set
    close, were one segment across the ``=`` between the matrices, and neither matrix was
    read in its row). ``info``: each candidate's ``_stack_info``."""
    by_baseline = sorted(candidates, key=lambda j: info[j][0])
    baselines = [info[j][0] for j in by_baseline]
    out: list[list[Char]] = []
    for i, segment in enumerate(segments):
        if i not in candidates:
            out.append(segment)
            continue
        baseline, size, x0, x1, ink = info[i]
        # only rows within a stacked part's distance are looked at (a form's page has hundreds
        # of candidates); the window is a point wider, the test below decides
        reach = STACK_EM * size + 1.0
        near = by_baseline[bisect_left(baselines, baseline - reach):
                           bisect_right(baselines, baseline + reach)]
        operators = [c for j in near if j != i
                     and 0.5 * ROW_BASELINE_EM * size <= abs(info[j][0] - baseline)
                     <= STACK_EM * size
                     for c in info[j][4] if x0 < c[X0] and c[X1] < x1 and not c[TEXT].isalnum()
                     and abs(c[SIZE] - size) < 0.1 * size and not hangs(c)]
        # with math space on both sides: a word space has no room for a full stop
        room = OPERATOR_SPACE_EM * size
        cuts = sorted({after[X0] for before, after in zip(ink, ink[1:]) for c in operators
                       if before[X1] + room <= c[X0] and c[X1] + room <= after[X0]})
        if not cuts:
            out.append(segment)
            continue
        pieces: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
        for c in segment:
            pieces[bisect_right(cuts, c[X0])].append(c)
        out += [piece for piece in pieces if any(not c[TEXT].isspace() for c in piece)]
    return out


DELIMITER_PIECES = frozenset("⎛⎜⎝⎞⎟⎠⎡⎢⎣⎤⎥⎦⎧⎨⎩⎪⎫⎬⎭")
"""The pieces a tall parenthesis, bracket or brace is built from; TeX's extension font maps
them to the Private Use Area too (Adobe's codes for ``parenlefttp`` and the like)."""
PIECE_PITCH_EM = 2.5
"""The most (em) between the baselines of two pieces of one tall delimiter, one over the
other (a three-row matrix's parenthesis: its top and bottom pieces 1.8 em apart)."""


def _delimited_rows(segments: list[list[Char]], bars: Sequence[Box] = ()
                    ) -> list[list[Char]]:
    """``segments`` with each matrix that a tall delimiter pair encloses (built from pieces
    of TeX's extension font, one over the other, at the left and at the right) read as one
    segment: the text of the formula's row before it, the matrix's rows top to bottom, the
    row's text after it. Its top and bottom rows stand too far from the formula's row to be
    read as stacked parts (``STACK_EM``), and were read before and after the formula."""
    fonts = hanging_fonts(chain.from_iterable(segments))
    if not fonts:  # no piece of a delimiter among them
        return segments
    pieces = [c for segment in segments for c in segment
              if c[FONTNAME] in fonts and (c[TEXT] in DELIMITER_PIECES
                                            or unicodedata.category(c[TEXT][:1]) == "Co")]
    if len(pieces) < 4:
        return segments
    stacks: list[list[Char]] = []
    for c in sorted(pieces, key=BY_BASELINE):
        stack = next((s for s in stacks if abs(s[0][X0] - c[X0]) <= 1
                      and c[BASELINE] - s[-1][BASELINE] <= PIECE_PITCH_EM * c[SIZE]), None)
        if stack is None:
            stacks.append([c])
        else:
            stack.append(c)
    tall = sorted((s for s in stacks if len(s) > 1), key=lambda s: s[0][X0])
    edges = [(s[0][X0], s[0][BASELINE], s[-1][BASELINE]) for s in tall]
    pairs = []
    while tall:
        left = tall.pop(0)
        size = left[0][SIZE]
        right = next((s for s in tall
                      if abs(s[0][BASELINE] - left[0][BASELINE]) <= ROW_BASELINE_EM * size
                      and abs(s[-1][BASELINE] - left[-1][BASELINE]) <= ROW_BASELINE_EM * size),
                     None)
        if right is not None:
            tall.remove(right)
            # a matrix inside a set's braces: the braces hold more than rows
            if not any(left[0][X0] < x < right[0][X0] and top <= left[-1][BASELINE]
                       and bottom >= left[0][BASELINE] for x, top, bottom in edges):
                pairs.append((left, right))
    for left, right in pairs:
        segments = _read_matrix(segments, left, right, bars)
    return segments


def _read_matrix(segments: list[list[Char]], left: list[Char], right: list[Char],
                 bars: Sequence[Box] = ()) -> list[list[Char]]:
    """``segments`` with the matrix between the tall delimiters ``left`` and ``right`` read
    row by row in its formula's row (``_delimited_rows``), or as they were when text runs
    into the matrix from elsewhere. Rows that run on across it (matrices side by side: one
    row of text crosses them all) give it their characters within it; the one nearest the
    delimiters' middle is the formula's row."""
    size = left[0][SIZE]
    x0, x1 = left[0][X0] - 0.5, right[0][X1] + 0.5
    y0, y1 = left[0][BASELINE] - 0.5 * size, left[-1][BASELINE] + 1.5 * size
    inside: list[int] = []
    crossing: dict[int, list[Char]] = {}  # a segment running across the matrix: its part in it
    for i, segment in enumerate(segments):
        ink = [c for c in segment if not c[TEXT].isspace()]
        within = [c for c in ink if c[X0] >= x0 and c[X1] <= x1 and y0 <= c[BASELINE] <= y1]
        if not within:
            continue
        if len(within) == len(ink):
            inside.append(i)
        elif all(c[X1] <= x0 + 1 or c[X0] >= x1 - 1 for c in ink if c not in within):
            crossing[i] = within
        else:
            return segments  # text runs into the matrix from elsewhere: no clean matrix
    if len(crossing) > 1:  # the formula's row: the row nearest the middle of the matrix's
        # rows, of those running across it and those set beside it (its math axis)
        baselines = [c[BASELINE] for i in [*inside, *crossing] for c in segments[i]
                     if x0 <= c[X0] and c[X1] <= x1 and not c[TEXT].isspace()]
        middle = (min(baselines) + max(baselines)) / 2
        candidates = [*crossing, *_beside(segments, left, right)]
        formula = _formula_row(segments, middle, candidates)
        # its text before the matrix may be a row of its own (``A_ij =`` beside a row of
        # dots): the nearest row whose text outside the matrix all stands before it
        leads = []
        for i in candidates:
            taken = {id(c) for c in crossing.get(i, [])}
            if i != formula and all(c[X1] <= x0 + 1 for c in segments[i]
                                    if id(c) not in taken):
                leads.append(i)
        lead = _formula_row(segments, middle, leads) if leads else None
        crossing.pop(formula, None)
        host: int | None = formula
    else:
        host = next(iter(crossing), None)
        crossing = {}
        lead = _lead(segments, left, x0)
    if not inside and not crossing:
        return segments
    parts = {id(c) for within in crossing.values() for c in within}
    if host is None:  # the formula's row has no text right of the matrix: ``J =`` before it
        if lead is None:
            return segments
        host, lead = lead, None
    pieces = {id(c) for c in left + right}  # read before and after the rows
    groups = [[c for c in segments[i] if not c[TEXT].isspace() and id(c) not in pieces]
              for i in inside]
    groups += [[c for c in within if id(c) not in pieces] for within in crossing.values()]
    body = [c for c in segments[host] if x0 <= c[X0] and c[X1] <= x1]
    groups.append([c for c in body if not c[TEXT].isspace() and id(c) not in pieces])
    groups = [group for group in groups if group]
    rows: list[list[list[Char]]] = []
    inner = [b for b in bars if x0 <= b[0] and b[2] <= x1 and y0 - size <= b[1] <= y1]
    entries = _fraction_entries([c for g in groups for c in g], inner, size) if inner else None
    if entries is not None:
        rows = [entries]
    else:
        for group in sorted(groups, key=lambda g: _stack_info(g)[0]):
            if rows and _stack_info(group)[0] - _stack_info(rows[-1][0])[0] <= (
                    ROW_BASELINE_EM * size):
                rows[-1].append(group)
            else:
                rows.append([group])
    # beside the matrix: what ends before its box or starts after it (a big bracket around
    # it may touch it; x0 and x1 are already half a point out)
    merged = [c for c in segments[host] if c[X1] <= x0 + 1 and c[X0] < x0
              and id(c) not in pieces]
    gone = set(inside)
    if lead is not None and not merged:  # the formula's row starts in a segment of its own
        merged = [c for c in segments[lead] if not c[TEXT].isspace() and id(c) not in parts]
        gone.add(lead)
    ordered = rows[0] if entries is not None else [
        g for row in rows for g in sorted(row, key=lambda g: g[0][X0])]
    for group in [left, *ordered]:
        if merged:
            merged.append(_spacer(merged[-1]))
        merged += group
    merged += [_spacer(merged[-1]), *right]
    after = [c for c in segments[host] if c[X0] >= x1 - 1 and c[X1] > x1 and id(c) not in pieces]
    if after:
        merged += [_spacer(merged[-1]), *after]
    return [merged if i == host else [c for c in segment if id(c) not in parts]
            if i in crossing else segment for i, segment in enumerate(segments)
            if i not in gone]


RAISED_DELIMITER_EM = 2.0
"""The most (em) a row of big delimiters from TeX's extension font stands above the row they
enclose: a tall angle bracket or parenthesis cut as one glyph has its baseline an em or so
above the formula's, by its font's hanging design, past where it joins the row by baseline."""


def read_raised_delimiters(segments: list[list[Char]]) -> list[list[Char]]:
    """``segments`` with each row of big single-glyph delimiters (``⟨ ⟩ ⟨ ⟩``, with any
    scripts on them) read in the formula's row under it, each delimiter where it stands
    between the row's parts (``= ⟨ x, x ⟩ − ⟨ x, y ⟩²``). Such a glyph's baseline lies up to
    two ems over the formula's, so the delimiters made a row of their own, read apart from
    what they enclose; the formula's row itself was cut at the gutters its matrices make.
    Only when every delimiter falls in a gap between the row's parts, and each pair encloses
    some of them."""
    out = segments
    for fence in [s for s in segments if _delimiter_row(s)]:
        if any(s is fence for s in out):  # not yet taken into another fence's row
            out = _enclose(out, fence)
    return out


def _delimiter_row(segment: list[Char]) -> list[Char]:
    """The big delimiters of a segment that holds two or more of them and, besides them,
    only smaller characters after the first (its scripts); none otherwise."""
    first = (segment[0] if segment and not segment[0][TEXT].isspace()  # most: no generator
             else next((c for c in segment if not c[TEXT].isspace()), None))
    if first is None or not is_big_delimiter(first) or first[TEXT] in DELIMITER_PIECES:
        return []  # most segments: asked of their first glyph alone
    ink = [c for c in segment if not c[TEXT].isspace()]
    delimiters = [c for c in ink if is_big_delimiter(c) and c[TEXT] not in DELIMITER_PIECES]
    if len(delimiters) < 2:
        return []
    small = RAISED_SIZE * delimiters[0][SIZE]
    return delimiters if all(c[SIZE] < small for c in ink if c not in delimiters) else []


def _enclose(segments: list[list[Char]], fence: list[Char]) -> list[list[Char]]:
    """``segments`` with the delimiter row ``fence`` read into the formula's row under it
    (``read_raised_delimiters``), or as they were."""
    delimiters = _delimiter_row(fence)
    size, baseline = delimiters[0][SIZE], delimiters[0][BASELINE]
    x0, x1 = delimiters[0][X0] - size, delimiters[-1][X1] + size
    below: dict[int, float] = {}  # segments within an em of the delimiters: their baselines
    for i, segment in enumerate(segments):
        ink = [c for c in segment if not c[TEXT].isspace()]
        if segment is fence or not ink or ink[-1][X1] < x0 or ink[0][X0] > x1:
            continue
        rise = _stack_info(segment)[0] - baseline
        if ROW_BASELINE_EM * size < rise <= RAISED_DELIMITER_EM * size:
            below[i] = rise
    if not below:
        return segments
    nearest = min(below.values())
    row = [i for i, rise in below.items() if rise - nearest <= ROW_BASELINE_EM * size]
    spans = [_stack_info(segments[i])[2:4] for i in row]
    # each part of the row in one gap between delimiters, which stand clear of them all
    if any(a - 0.5 < d[X0] and d[X1] < b + 0.5 for a, b in spans for d in delimiters):
        return segments
    pairs = list(zip(delimiters[::2], delimiters[1::2]))  # opening and closing, in turn
    if not all(any(left[X1] - 0.5 <= a and b <= right[X0] + 0.5 for a, b in spans)
               for left, right in pairs):  # and each pair encloses some of them
        return segments
    groups: list[list[Char]] = []  # each delimiter with the scripts after it
    for c in fence:
        if not c[TEXT].isspace():
            if any(c is d for d in delimiters):
                groups.append([])
            groups[-1].append(c)
    merged: list[Char] = []
    parts = [(a, segments[i]) for (a, _), i in zip(spans, row)]
    parts += [(group[0][X0], group) for group in groups]
    for _, group in sorted(parts, key=itemgetter(0)):
        if merged:
            merged.append(_spacer(merged[-1]))
        merged += group
    host, gone = row[0], {*row[1:], next(i for i, s in enumerate(segments) if s is fence)}
    return [merged if i == host else segment for i, segment in enumerate(segments)
            if i not in gone]


def _fraction_entries(chars: list[Char], bars: Sequence[Box], size: float
                      ) -> list[list[Char]] | None:
    """A matrix's characters in reading order when its entries hold fractions (a Jacobian's
    small ``∂x/∂u``), as groups to be set off by spaces: row by row, each row left to right,
    a fraction's numerator then its denominator. Rows are told by their math axis, where a
    fraction's bar lies: a small fraction's denominator stands as low as the numerator of
    the row under it, and by baselines the two made one row. None when no bar has both a
    numerator and a denominator among ``chars``."""
    placed: dict[int, tuple[int, int]] = {}  # a fraction part: its bar, and -1 over, 1 under
    for c in chars:
        sides = [(abs((bar[1] + bar[3]) / 2 - c[BASELINE]), k, side)
                 for k, bar in enumerate(bars) if _over(c, bar)
                 for side in (_bar_side(c[BASELINE], c[SIZE], bar),) if side]
        if sides:
            _, k, side = min(sides)
            placed[id(c)] = (k, side)
    found = {k for k, side in placed.values() if side < 0} & {
        k for k, side in placed.values() if side > 0}
    if not found:
        return None

    def part(c: Char) -> tuple[int, int] | None:
        """The fraction (its bar) and the side of it the character stands on, if any."""
        where = placed.get(id(c))
        return where if where is not None and where[0] in found else None

    def axis(c: Char) -> float:
        where = part(c)
        if where is not None:
            bar = bars[where[0]]
            return (bar[1] + bar[3]) / 2
        return c[BASELINE] - AXIS_EM[1] * c[SIZE]

    def place(c: Char) -> tuple[float, int, float]:
        where = part(c)  # a fraction's parts stand at its bar: numerator first
        return (c[X0], 0, c[X0]) if where is None else (bars[where[0]][0], where[1], c[X0])

    rows: list[list[Char]] = []
    last = 0.0
    for c in sorted(chars, key=axis):
        if rows and axis(c) - last <= ROW_BASELINE_EM * size:
            rows[-1].append(c)
        else:
            rows.append([c])
        last = axis(c)
    entries: list[list[Char]] = []
    for row in rows:
        kind: object = row  # no group of this row yet
        for c in sorted(row, key=place):
            if part(c) != kind:
                entries.append([])
                kind = part(c)
            entries[-1].append(c)
    return entries


def _beside(segments: list[list[Char]], left: list[Char], right: list[Char]) -> list[int]:
    """The segments with text right before or after the matrix between ``left`` and
    ``right`` (within an em) and none in it, on a row within the delimiters' height."""
    size, top, bottom = left[0][SIZE], left[0][TOP], left[-1][BOTTOM]
    x0, x1 = left[0][X0], right[0][X1]
    found = []
    for i, segment in enumerate(segments):
        ink = [c for c in segment if not c[TEXT].isspace() and top <= c[BASELINE] <= bottom]
        if ink and all(c[X1] <= x0 + 0.5 or c[X0] >= x1 - 0.5 for c in ink) and any(
                x0 - size <= c[X1] <= x0 + 0.5 or x1 - 0.5 <= c[X0] <= x1 + size for c in ink):
            found.append(i)
    return found


def _formula_row(segments: list[list[Char]], middle: float, candidates: list[int]) -> int:
    """Of ``candidates``, the segment whose baseline is nearest ``middle``, halfway between
    a matrix's first and last rows: the formula's row, which the matrix is read in."""
    return min(candidates, key=lambda i: abs(_stack_info(segments[i])[0] - middle))


def _lead(segments: list[list[Char]], left: list[Char], x0: float) -> int | None:
    """The segment that ends right before a matrix, within an em of its left delimiter
    ``left`` (at ``x0``), on a row within the delimiter's height: the formula's text before
    the matrix (``J(u, v) =``) set a segment apart from it; None without one."""
    size, top, bottom = left[0][SIZE], left[0][BASELINE], left[-1][BASELINE]
    for i, segment in enumerate(segments):
        ink = [c for c in segment if not c[TEXT].isspace()]
        if (ink and all(c[X1] <= x0 + 0.5 for c in ink) and x0 - ink[-1][X1] <= size
                and any(top <= c[BASELINE] <= bottom for c in ink)):
            return i
    return None


RUN_ON_EM = 4.0
"""The widest gap (em) between a display row's parts set in columns: a case's value and its
condition (``{0  falls x = y``), a matrix's entries."""


def _run_ons(segments: list[list[Char]],
             info: dict[int, tuple[float, float, float, float, list[Char]]],
             parts: dict[int, list[int]], taken: set[int]) -> dict[int, list[int]]:
    """For the rows stacked after a formula's end (a case distinction's, a matrix's), the
    segments that go on each row right of a gap: the condition after a case's value. A
    segment goes on a row when it stands over or under another of the stack's rows or their
    run-ons (the formula's columns), so another column's line beside the formula does not."""
    found: dict[int, list[int]] = {}
    for host, stack in parts.items():
        after = [j for j in stack if info[j][2] >= info[host][3] - 0.5]
        if len(after) < 2:
            continue
        tails: dict[int, list[tuple[int, tuple[float, float, float, float, list[Char]]]]] = {}
        claimed = set(after)
        for j in after:
            baseline, size, _, end, _ = info[j]
            while True:  # the nearest segment right of the row's end, on its baseline
                best = None
                for k, segment in enumerate(segments):
                    if k in taken or k in claimed:
                        continue
                    # rough test first: most segments are on other rows
                    if abs(segment[0][BASELINE] - baseline) > size:
                        continue
                    k_info = info.get(k) or _stack_info(segment)
                    gap = k_info[2] - end
                    if (abs(k_info[0] - baseline) < ROW_BASELINE_EM * size
                            and 0 <= gap <= RUN_ON_EM * size
                            and abs(k_info[1] - size) <= 0.2 * size
                            and (best is None or gap < best[1][2] - end)):
                        best = (k, k_info)
                if best is None:
                    break
                tails.setdefault(j, []).append(best)
                claimed.add(best[0])
                end = best[1][3]
        columns = [(info[j][2], info[j][3], j) for j in after]
        columns += [(k_info[2], k_info[3], j) for j, ts in tails.items() for _, k_info in ts]
        for j, ts in tails.items():
            for k, (_, _, x0, x1, _) in ts:
                if any(a < x1 and b > x0 for a, b, row in columns if row != j):
                    found.setdefault(j, []).append(k)
                else:
                    break
    return found


def _run_on(segments: list[list[Char]], j: int, tails: list[int]) -> list[Char]:
    """Part ``j`` with the segments that go on its row (``_run_ons``), set off by spaces."""
    merged = list(segments[j])
    for k in tails:
        merged += [_spacer(merged[-1]), *segments[k]]
    return merged


def _with_parts(host: list[Char], parts: list[tuple[float, list[Char], float | None]]
                ) -> list[Char]:
    """``host`` with each (baseline, part, x) put where it stands (or at ``x``): after the
    host's characters left of it, the parts of one gap top to bottom, set off by spaces."""
    if not parts:
        return host
    placed = sorted(((sum(1 for c in host
                          if c[X1] <= (min(p[X0] for p in part) if x is None else x) + 0.5),
                      baseline, part) for baseline, part, x in parts), key=lambda t: t[:2])
    out: list[Char] = []
    taken = 0
    for at, _, part in placed:
        out += host[taken:at]
        taken = max(taken, at)
        out += [_spacer(out[-1] if out else part[0]), *part, _spacer(part[-1])]
    return out + host[taken:]


STACK_EM = 0.9
"""A full-size part whose baseline is this near (em) another row's is stacked in a display
(TeX sets a display fraction's numerator and denominator about 0.68 em off the baseline, a
two-row matrix's rows about 0.6 em; lines of text lie at least one em apart)."""
STACK_GAP_EM = 0.5
"""The most (em) between a stacked part and the formula's text beside it: math spacing
(at most a thick space, 5/18 em) is below it, a column gutter above it."""


NUMERATOR_EM = 0.8
"""A fraction's numerator stands on its bar: its baseline at most this far (em) above the bar
(TeX's display numerators about 0.45 em, deeper ones more)..."""
DENOMINATOR_EM = (0.45, 1.3)
"""...and its denominator hangs under it, its baseline this far below (text style about
0.6 em, display 0.95 em): nearer, the bar strikes the text through."""
AXIS_EM = (0.1, 0.45)
"""A fraction bar lies on the math axis of the formula's row: this far (em) above the
row's baseline (TeX's axis is 0.25 em up); underlines and table rules lie at or below it."""
BAR_HOST_EM = 2.0
"""The most (em) between a fraction bar's end and the formula's text beside it."""
BAR_SLACK = 1.0
"""Points a fraction's part may reach past the ends of its bar."""


def _bar_side(baseline: float, size: float, bar: Box) -> int:
    """-1 when text on ``baseline`` may be the numerator over ``bar``, 1 when it may be the
    denominator under it, else 0."""
    y = (bar[1] + bar[3]) / 2
    if 0 < y - baseline <= NUMERATOR_EM * size:
        return -1
    return 1 if DENOMINATOR_EM[0] * size <= baseline - y <= DENOMINATOR_EM[1] * size else 0


def _over(c: Char, bar: Box) -> bool:
    return bar[0] - BAR_SLACK <= (c[X0] + c[X1]) / 2 <= bar[2] + BAR_SLACK


def _fraction_bars(segments: list[list[Char]], bars: Sequence[Box]) -> list[Box]:
    """Of ``bars``, the fraction bars: text over and under each, and beside it (within
    ``BAR_HOST_EM``) a row of the formula whose math axis it lies on. Segments are placed by
    their middle character and ends (cheap: most pages' strokes are rules and frames)."""
    rough = sorted(_rough(segment) for segment in segments)
    baselines = [r[0] for r in rough]
    reach = DENOMINATOR_EM[1] * max((r[1] for r in rough), default=0.0)
    found = []
    for bar in bars:
        y = (bar[1] + bar[3]) / 2
        sides = set()
        beside = False
        for baseline, size, x0, x1 in rough[bisect_left(baselines, y - reach):
                                            bisect_right(baselines, y + reach)]:
            if x0 < bar[2] and x1 > bar[0]:
                sides.add(_bar_side(baseline, size, bar))
            elif (AXIS_EM[0] * size <= baseline - y <= AXIS_EM[1] * size
                  and (0 <= bar[0] - x1 <= BAR_HOST_EM * size
                       or 0 <= x0 - bar[2] <= BAR_HOST_EM * size)):
                beside = True
        if beside and {-1, 1} <= sides:
            found.append(bar)
    return found


def _rough(segment: list[Char]) -> tuple[float, float, float, float]:
    """(baseline, size, x0, x1) of a segment by its middle character and its ends."""
    middle = segment[len(segment) // 2]
    if middle[SIZE] < segment[0][SIZE]:  # a script's baseline is off its row's
        middle = segment[0]
    return middle[BASELINE], middle[SIZE] or 1.0, segment[0][X0], segment[-1][X1]


def _split_at_bars(segments: list[list[Char]], bars: Sequence[Box]) -> list[list[Char]]:
    """``segments`` with each that stands wholly over (or under) two or more fraction bars
    side by side split at its gap between them: the numerators of ``a/b · c/d`` are one
    segment when the gap between them is narrow, and the ``·`` between the bars belongs to
    the row below."""
    out: list[list[Char]] = []
    for segment in segments:
        baseline, size, x0, x1 = _rough(segment)
        under = sorted(b for b in bars if b[0] < x1 and b[2] > x0
                       and _bar_side(baseline, size, b))
        if len(under) < 2:
            out.append(segment)
            continue
        ink = [c for c in segment if not c[TEXT].isspace()]
        cuts = [(a[2] + b[0]) / 2 for a, b in zip(under, under[1:])]
        if (len({_bar_side(baseline, size, b) for b in under}) > 1
                or any(b[0] < a[2] for a, b in zip(under, under[1:]))
                or not all(any(_over(c, b) for b in under) for c in ink)
                or any(c[X0] < cut < c[X1] for cut in cuts for c in ink)):
            out.append(segment)
            continue
        groups: list[list[Char]] = [[] for _ in under]
        for c in segment:
            groups[bisect_left(cuts, (c[X0] + c[X1]) / 2)].append(c)
        out += [g for g in groups if any(not c[TEXT].isspace() for c in g)]
    return out


def _bar_spans(info: dict[int, tuple[float, float, float, float, list[Char]]],
               bars: Sequence[Box]) -> dict[int, tuple[float, float]]:
    """The numerator and denominator over and under each fraction bar, mapped to the span
    of the bar and both: a short denominator centred under a long numerator stands far from
    the formula's text beside it, as a short numerator does."""
    spans: dict[int, tuple[float, float]] = {}
    for bar in bars:
        sides: dict[int, list[int]] = {-1: [], 1: []}
        for i, (baseline, size, x0, x1, ink) in info.items():
            if x0 < bar[2] and x1 > bar[0]:
                side = _bar_side(baseline, size, bar)
                if side and all(_over(c, bar) for c in ink):
                    sides[side].append(i)
        if sides[-1] and sides[1]:
            parts = sides[-1] + sides[1]
            span = (min(bar[0], *(info[i][2] for i in parts)),
                    max(bar[2], *(info[i][3] for i in parts)))
            spans.update(dict.fromkeys(parts, span))
    return spans


def _stack_candidates(segments: list[list[Char]]) -> set[int]:
    """Segments with another one roughly a stacked part's distance above or below them and
    near them across (by their middle characters and ends: cheap, and looser than
    ``_stack_hosts``), so most pages, without any, cost one pass."""
    rough = [_rough(segment) for segment in segments]
    order = sorted(range(len(segments)), key=lambda i: rough[i][0])
    baselines = [rough[i][0] for i in order]
    found: set[int] = set()
    for k, i in enumerate(order):
        baseline, size, x0, x1 = rough[i]
        for j in order[k + 1:bisect_right(baselines, baseline + 1.25 * STACK_EM * size)]:
            other, _, o_x0, o_x1 = rough[j]
            if (other - baseline >= 0.5 * ROW_BASELINE_EM * size
                    and o_x0 <= x1 + 2 * size and o_x1 >= x0 - 2 * size):
                found.update((i, j))
    return found


def _stack_info(segment: list[Char]) -> tuple[float, float, float, float, list[Char]]:
    """(baseline, size, x0, x1, ink) of a segment: the median baseline of its ink."""
    ink = [c for c in segment if not c[TEXT].isspace()] or segment
    baselines = sorted([c[BASELINE] for c in ink])
    return (baselines[len(baselines) // 2], mode_size(ink), min([c[X0] for c in ink]),
            max([c[X1] for c in ink]), ink)


def _stack_hosts(i: int, info: dict[int, tuple[float, float, float, float, list[Char]]],
                 by_baseline: tuple[list[int], list[float]], near: list[int],
                 placed: set[int], delimiters: list[Char],
                 span: tuple[float, float] | None = None) -> tuple[int, int | None] | None:
    """The segment whose text ends just left of part ``i`` and the one whose text goes on just
    right of it (the same segment when the part sits in its gap; None after a row's end),
    on one row a little above or below the part; None when ``i`` is no stacked part. A big
    delimiter beside the part (a matrix's parenthesis, placed on another row) counts as the
    formula's text. ``span``: the part is one of a small fraction's two (``_fraction_spans``),
    which stand in the row's gap together. ``by_baseline``: the candidates in baseline order
    and their baselines (``_around``)."""
    baseline, size, x0, x1, ink = info[i]
    if span is not None:
        x0, x1 = span
    top, bottom = min([c[TOP] for c in ink]), max([c[BOTTOM] for c in ink])
    # a big delimiter hangs below its box (HANGING_EM): two em reach a two-row matrix's rows
    beside = [c for c in delimiters if c[TOP] < bottom and c[BOTTOM] + 2 * c[SIZE] > top]
    reach0 = min((c[X0] for c in beside if x0 - STACK_GAP_EM * size <= c[X1] <= x0 + 0.5),
                 default=x0)
    reach1 = max((c[X1] for c in beside if x1 - 0.5 <= c[X0] <= x1 + STACK_GAP_EM * size),
                 default=x1)
    left: int | None = None
    right: int | None = None
    inside = False
    for j in near:
        if j == i or j in placed:
            continue
        other, other_size, o_x0, o_x1, o_ink = info[j]
        if other_size <= 0 or (abs(size - other_size) > 0.2 * other_size
                               and (span is None or not _script_of(size, other_size))):
            continue  # scripts and small print are joined elsewhere
        distance = abs(other - baseline)
        if distance < ROW_BASELINE_EM * other_size or distance > STACK_EM * other_size:
            continue
        if (o_x1 < reach0 - STACK_GAP_EM * other_size
                or o_x0 > reach1 + STACK_GAP_EM * other_size):
            continue
        gap = STACK_GAP_EM * other_size
        before = [c for c in o_ink if c[X1] <= x0 + 0.5]
        after = [c for c in o_ink if c[X0] >= x1 - 0.5]
        if len(before) + len(after) < len(o_ink):
            inside = True  # its text runs under or over the part: a line of text, no gap
            break
        if before and reach0 - max([c[X1] for c in before]) <= gap and left is None:
            left = j
        if after and min([c[X0] for c in after]) - reach1 <= gap and right is None:
            right = j
    if inside:
        return None
    if left is None:  # before a row's start: a short part with its other part across the
        # row's baseline (a fraction opening a display), never a number beside a line
        if right is None or x1 - x0 > 4 * size and span is None:
            return None
        host = info[right][0]
        return (right, None) if span is not None or any(
            (other - host) * (baseline - host) < 0 and abs(other - host) <= STACK_EM * size
            and o_x0 < x1 and o_x1 > x0 and abs(o_size - size) <= 0.2 * size
            for other, o_size, o_x0, o_x1, _ in _around(info, host, STACK_EM * size,
                                                        by_baseline)) else None
    if right is not None:
        if abs(info[left][0] - info[right][0]) > ROW_BASELINE_EM * size:
            return None  # the two sides are no one row
        return left, right
    # after a row's end: only a short part (a last fraction), never a line of text, or the
    # rows a big delimiter opens (a case distinction's after ``d(x, y) = {``: a row on each
    # side of the formula's baseline)
    if x1 - x0 <= 4 * size or span is not None:
        return left, None
    host, end = info[left][0], info[left][3]
    opened = (reach0 < x0 or hangs(min(ink, key=BY_X0))) and any(
        (other - host) * (baseline - host) < 0
        and ROW_BASELINE_EM * size <= abs(other - host) <= STACK_EM * size
        and o_x0 >= end - 0.5 and o_x0 < x1 and o_x1 > x0 and abs(o_size - size) <= 0.2 * size
        for other, o_size, o_x0, o_x1, _ in _around(info, host, STACK_EM * size, by_baseline))
    return (left, None) if opened else None


def _around(info: dict[int, tuple[float, float, float, float, list[Char]]], baseline: float,
            reach: float, by_baseline: tuple[list[int], list[float]]
            ) -> list[tuple[float, float, float, float, list[Char]]]:
    """The candidates' ``_stack_info`` with a baseline within ``reach`` of ``baseline``, and
    some a point further (the callers' tests decide): a form's page has hundreds of
    candidates, few of them within a stacked part's distance of a row."""
    order, baselines = by_baseline
    return [info[j] for j in order[bisect_left(baselines, baseline - reach - 1.0):
                                   bisect_right(baselines, baseline + reach + 1.0)]]


ARROW_PIECES = frozenset("=−-⇒→⟶⟹⇐←⟵⟸⇔↔⟺⟷↦⟼")
"""The glyphs TeX builds an extensible arrow from (``\\xRightarrow``: ``=`` pieces, a head)."""


def _arrow_under(i: int, info: dict[int, tuple[float, float, float, float, list[Char]]],
                 near: list[int], placed: set[int]) -> tuple[int, float] | None:
    """The row and the x where part ``i`` is read when it is a label set small over an
    extensible arrow of the row under it (``\\xRightarrow{Bem. 66}``): the row's characters
    under it are two or more arrow pieces, or one centred under a word (``_word_over``); it
    is read before the arrow. Over the arrow's letters, no script joins the row, and no gap
    of the row holds it."""
    baseline, size, x0, x1, ink = info[i]
    for j in near:
        other, other_size, _, _, o_ink = info[j]
        if (j == i or j in placed or not _script_of(size, other_size)
                or not ROW_BASELINE_EM * other_size <= other - baseline <= STACK_EM * other_size):
            continue
        under = [c for c in o_ink if c[X0] < x1 and c[X1] > x0]
        if any(c[TEXT] not in ARROW_PIECES for c in under) or not (
                len(under) >= 2 or len(under) == 1 and _word_over(ink, under[0])):
            continue
        start = min(c[X0] for c in under)
        for c in sorted(o_ink, key=lambda c: -c[X1]):  # the arrow's pieces left of the label
            if c[X1] >= start - 0.5 and c[X0] < start and c[TEXT] in ARROW_PIECES:
                start = c[X0]
        return j, start
    return None


def _word_over(label: list[Char], relation: Char) -> bool:
    """Whether ``label`` is a word of three letters or more centred over ``relation``: a
    single ``=`` or ``⇒`` is no extensible arrow, and a script near one (``i=1``, ``2``,
    ``3(i)``) is short or holds digits, but a word stacked over it names the rule the step
    takes (``\\overset{\\text{Lehrsatz}}{=}``)."""
    middle = (min(c[X0] for c in label) + max(c[X1] for c in label)) / 2
    return (_is_word(label) and abs(middle - (relation[X0] + relation[X1]) / 2)
            <= (relation[X1] - relation[X0]) / 2)


def _stack_label_lines(info: dict[int, tuple[float, float, float, float, list[Char]]],
                       order: list[int], labels: dict[int, int], parts: dict[int, list[int]],
                       where: dict[int, float], taken: set[int]) -> list[int]:
    """A label's first lines, set over the line found over the arrow or relation
    (``Binomischer`` over ``Lehrsatz`` over ``=``): words of its size centred over it, each
    line at most a line's leading above the next, are read with it, top to bottom. The
    lines placed so are returned."""
    lines: list[int] = []
    for k in sorted(labels, key=lambda k: -info[k][0]):  # the lowest line first
        baseline, size, x0, x1, _ = info[k]
        for i in reversed(order[:order.index(k)]):  # the lines above it, nearest first
            upper, upper_size, u0, u1, ink = info[i]
            if baseline - upper > 1.5 * size:
                break
            if (i in taken or i in labels or abs(upper_size - size) > 0.1 * size
                    or abs((u0 + u1) / 2 - (x0 + x1) / 2) > 0.5 * size or not _is_word(ink)):
                continue
            labels[i] = labels[k]
            parts[labels[k]].append(i)
            where[i] = where[k]
            taken.add(i)
            lines.append(i)
            baseline, x0, x1 = upper, u0, u1
    return lines


def _join_label_box(label: int, relation: int,
                    info: dict[int, tuple[float, float, float, float, list[Char]]],
                    candidates: set[int], right_of: dict[int, int], hosting: set[int]) -> None:
    """The row's text on either side of an arrow or relation with a label wider than it set
    over it: TeX makes the stack as wide as its label, so the gaps around the arrow lie under
    the label, and the row, split at them, is read on through the arrow. ``candidates``: the
    parts no other part took."""
    baseline, size, x0, x1, _ = info[relation]
    _, _, label_x0, label_x1, _ = info[label]
    row = [k for k in candidates if abs(info[k][0] - baseline) < 0.1 * size]
    before = max((k for k in row if info[k][3] <= x0), key=lambda k: info[k][3], default=None)
    after = min((k for k in row if info[k][2] >= x1), key=lambda k: info[k][2], default=None)
    if (before is not None and before not in right_of and relation not in right_of.values()
            and info[before][3] >= label_x0 - 0.5 * size):
        right_of[before] = relation
        hosting.add(before)
    if (after is not None and relation not in right_of and after not in right_of.values()
            and info[after][2] <= label_x1 + 0.5 * size):
        right_of[relation] = after
        hosting.add(after)


def _is_word(chars: list[Char]) -> bool:
    """Letters, three or more, with at most an abbreviation's full stops and hyphens."""
    text = "".join(c[TEXT] for c in chars if not c[TEXT].isspace())
    return sum(ch.isalpha() for ch in text) >= 3 and all(ch.isalpha() or ch in ".-"
                                                         for ch in text)


def _lowered(chars: list[Char], by: float, size: float) -> list[Char]:
    """``chars`` moved down ``by`` points: an arrow's label read on its row's baseline, as its
    words (raised, they were taken for note markers and lost their spaces), and at the row's
    ``size``: a label's letters outnumbered a short row's, whose line then read as small
    print, too far under the line above to go on its paragraph."""
    return [(c[TEXT], c[X0], c[X1], c[TOP] + by, c[BOTTOM] + by, c[BASELINE] + by, size,
             c[FONTNAME], c[UPRIGHT]) for c in chars]


def _script_of(size: float, host: float) -> bool:
    """Whether ``size`` is a script size of ``host``'s: smaller, at least ``SCRIPT_MIN`` of it
    (lines of text beside a display-size number are no fraction of it)."""
    return SCRIPT_MIN * host <= size < RAISED_SIZE * host


SCRIPT_MIN = 0.5
"""TeX's smallest script size is half the text's (scriptscriptstyle)."""


def _fraction_spans(info: dict[int, tuple[float, float, float, float, list[Char]]]
                    ) -> dict[int, tuple[float, float]]:
    """The numerator and denominator of each fraction set small in a row of larger text (an
    inline fraction, ``\\tfrac``): two parts of one size, one over the other across that
    row's baseline, each nearer to it than ``STACK_EM``, mapped to the span of both (a short
    numerator centred over a long denominator stands far from the text beside it). Longer
    than a script's few characters, they are left as lines of their own by the rows'
    scripts (lines.py's ``_attach_small_rows``)."""
    spans: dict[int, tuple[float, float]] = {}
    largest = max(v[1] for v in info.values())
    small = sorted(((i, v) for i, v in info.items() if v[1] < RAISED_SIZE * largest),
                   key=lambda item: item[1][0])
    # hosts by baseline: each pair looks only at those between its two parts (a form's
    # hundreds of small parts made every pair scan every segment)
    hosts = sorted((v[0], v[1]) for v in info.values())
    baselines = [host for host, _ in hosts]
    for n, (i, (upper, size, x0, x1, _)) in enumerate(small):
        for k, (lower, k_size, k_x0, k_x1, _) in small[n + 1:]:
            if lower - upper > 2 * STACK_EM * size / SCRIPT_MIN:  # below any host's reach
                break
            if (lower <= upper or abs(k_size - size) > 0.2 * size or k_x0 >= x1
                    or k_x1 <= x0):
                continue
            between = hosts[bisect_right(baselines, upper):bisect_left(baselines, lower)]
            if any(_script_of(size, host_size) and host - upper <= STACK_EM * host_size
                   and lower - host <= STACK_EM * host_size for host, host_size in between):
                span = (min(x0, k_x0, *spans.get(i, ())), max(x1, k_x1, *spans.get(i, ())))
                spans[i] = spans[k] = span
    return spans


def _spacer(c: Char) -> Char:
    """A space at ``c``: a word space between a stacked part and the text it is put beside."""
    return (" ", *c[X0:])
