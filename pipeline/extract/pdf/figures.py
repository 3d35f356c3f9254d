"""PDF figures: a page's vector strokes in, the regions that hold drawings (charts, diagrams)
out.

The text inside such a region is the drawing's labels (axis ticks, legend entries, the letters
of a diagram): the extractor keeps it as one passage of kind ``figure`` instead of reading it
into the paragraphs around the drawing. A region is strokes that touch one another, at least
``MIN_STROKES`` of them and one a curve, with some stroke inside it rather than only on its
edge (a frame around a call-out is no figure). A chart drawn with filled rectangles alone (bars,
no curve) is found from its bars (``bar_rows``) and counts as a curve does.
"""

from __future__ import annotations

from typing import Any

from pipeline.extract.pdf.geometry import Box, centre, centre_in, near, union
from pipeline.extract.pdf.notes import RULE_MAX_HEIGHT

MIN_STROKES = 4
"""Fewest strokes that make a drawing (a rule or a frame has fewer, or none inside)."""
REACH = 6.0
"""Points: strokes this close to a drawing belong to it."""
EDGE = 3.0
"""Points: a stroke whose centre is this close to the region's edge is on the edge."""
MAX_STROKE_SHARE = 0.25
"""A stroke whose box covers more of the page than this is a frame or a background."""
MIN_BARS = 3
"""Fewest bars that make a bar chart (two boxes side by side are as often two call-outs)."""
BAR_TOLERANCE = 0.5
"""Points: bars whose base or thickness differ by no more than this share them."""
BAR_MIN_LENGTH = 1.0
"""Points: a bar shorter than this is a hairline, whatever value it stands for."""
BAND = 24.0
"""Points: the height of the page's bands in which ``near_groups`` lists the boxes (a few
``REACH``: a text line's strokes share one or two; measured 12 to 36 alike)."""
MAX_PAGE = 14400.0
"""Points: the largest page size PDF allows (200 inches)."""


def figure_regions(curves: list[Box], lines: list[Box], page_area: float,
                   rects: list[Box]) -> list[Box]:
    """Bounding boxes of the drawings among ``curves``, straight ``lines`` and the bar charts
    among ``rects``, each in drawing order (strokes as large as a good part of the page, such
    as page frames and backgrounds, are left out)."""
    # strokes drawn one after another that touch are one chain (a plot's thousands of short
    # segments); chains are then joined where they touch
    chains: list[list[Any]] = []  # [box, strokes, has_curve]
    largest = MAX_STROKE_SHARE * page_area
    # a row of bars is a drawing as a curve is: it joins its axes and gridlines (lines)
    for row in bar_rows(rects, largest):
        region = row[0]
        for bar in row[1:]:
            region = union(region, bar)
        chains.append([region, len(row), True])
    for boxes, is_curve in ((curves, True), (lines, False)):
        previous: Box | None = None
        for box in boxes:  # written out, not called: a plot has thousands of strokes
            x0, top, x1, bottom = box
            if (x1 - x0) * (bottom - top) > largest:
                previous = None
                continue
            if (previous is not None and previous[0] - REACH <= x1 and x0 <= previous[2] + REACH
                    and previous[1] - REACH <= bottom and top <= previous[3] + REACH):
                chain = chains[-1]
                a = chain[0]
                chain[0] = (min(a[0], x0), min(a[1], top), max(a[2], x1), max(a[3], bottom))
                chain[1] += 1
                chain[2] = chain[2] or is_curve
            else:
                chains.append([box, 1, is_curve])
            previous = box
    regions = []
    for members in near_groups([chain[0] for chain in chains]):
        if (sum(chains[i][1] for i in members) < MIN_STROKES
                or not any(chains[i][2] for i in members)):
            continue
        region = chains[members[0]][0]
        for i in members[1:]:
            region = union(region, chains[i][0])
        # a lone chain is one drawing by itself; joined chains need one inside the region,
        # not only on its edge (a frame of sides and corners)
        if len(members) == 1 or any(_well_inside(chains[i][0], region) for i in members):
            regions.append(region)
    return regions


_Bar = tuple[tuple[float, float, float], Box]
"""A rectangle's (base, thickness, length), and its box."""


def bar_rows(rects: list[Box], largest: float) -> list[list[Box]]:
    """The rows of a bar chart among ``rects``: at least ``MIN_BARS`` rectangles of one
    thickness (more than a rule's) standing on one base (one bottom for upright bars, one left
    edge for bars laid on their side), most of them of a length of their own (a histogram's
    bars touch). A chart's bars measure different values; a table's shaded cells repeat its
    rows' heights and its columns' widths, and its borders drawn as rectangles are rules;
    bands behind headings and page backgrounds stand alone. Tinted boxes of text side by side
    may pass, and are read as text for the prose they hold (classify.figure_text)."""
    # one of a fill and its outline (drawn as two rectangles, perhaps a hair apart)
    unique = list({tuple(round(v / BAR_TOLERANCE) for v in r): r for r in rects
                   if min(r[2] - r[0], r[3] - r[1]) >= BAR_MIN_LENGTH
                   and (r[2] - r[0]) * (r[3] - r[1]) <= largest}.values())
    rows = []
    # (base, thickness, length) of upright bars, then of lying ones
    for measured in ([((r[3], r[2] - r[0], r[3] - r[1]), r) for r in unique],
                     [((r[0], r[3] - r[1], r[2] - r[0]), r) for r in unique]):
        # a bar is an area, thicker than a rule (a table's borders drawn as thin rectangles
        # share its left edge and differ in length)
        measured = [m for m in measured if m[0][1] > RULE_MAX_HEIGHT]
        for same_base in _runs(measured, 0):
            for row in _runs(same_base, 1):
                # most bars differ in length: a table's fills repeat its column widths
                lengths = {round(m[2] / BAR_TOLERANCE) for m, _ in row}
                if len(row) >= MIN_BARS and len(lengths) > len(row) / 2:
                    rows.append([r for _, r in row])
    return rows


def _runs(bars: list[_Bar], field: int) -> list[list[_Bar]]:
    """``bars`` (measures, box) sorted by measure ``field`` and cut where it steps by more
    than ``BAR_TOLERANCE``."""
    runs: list[list[_Bar]] = []
    last = None
    for bar in sorted(bars, key=lambda bar: bar[0][field]):
        value = bar[0][field]
        if last is None or value - last > BAR_TOLERANCE:
            runs.append([])
        runs[-1].append(bar)
        last = value
    return runs


def near_groups(boxes: list[Box]) -> list[list[int]]:
    """Indices of ``boxes`` grouped where boxes come within ``REACH`` of one another on both
    axes, directly or through others; each group in index order, the groups in the order of
    their first index."""
    # each box's group is named by one of its boxes, and each group lists its boxes: whether
    # two boxes are already one group is one comparison (a plot's strokes meet thousands of
    # others, nearly all of them of its group by then), and joining two renames the smaller
    label = list(range(len(boxes)))
    members = [[i] for i in range(len(boxes))]
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    # a sweep from left to right over the boxes whose right edge is still in reach, kept per
    # horizontal band of the page: a box looks only at the bands it spans, where every box
    # within REACH of it above or below is listed, instead of at all the boxes in reach
    bands: dict[int, list[int]] = {}
    # each box's reach to its right, above and below, added up once
    rights = [box[2] + REACH for box in boxes]
    tops = [box[1] - REACH for box in boxes]
    bottoms = [box[3] + REACH for box in boxes]
    for i in order:
        x0, top, x1, bottom = boxes[i]
        for band in range(_band(top), _band(bottom) + 1):
            active = bands.get(band)
            if not active:
                continue
            # those still in reach (the others are out of reach for the boxes after it too)
            reached = [j for j in active if rights[j] >= x0]
            bands[band] = reached
            mine = label[i]
            for j in reached:
                # a box of the group already is passed over unmeasured (most of a plot's);
                # near: within REACH on both axes (x0 of j <= x0 <= x1: in the sweep's order)
                theirs = label[j]
                if theirs != mine and tops[j] <= bottom and top <= bottoms[j]:
                    if len(members[mine]) < len(members[theirs]):
                        mine, theirs = theirs, mine
                    for k in members[theirs]:
                        label[k] = mine
                    members[mine] += members[theirs]
                    members[theirs] = []
        for band in range(_band(top - REACH), _band(bottom + REACH) + 1):
            bands.setdefault(band, []).append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(label[i], []).append(i)
    return list(groups.values())


def _band(y: float) -> int:
    """The band of ``y``; beyond a page's largest size (and for NaN) the outermost band, so
    a stroke to a far point spans a few hundred bands, not millions."""
    if -MAX_PAGE < y < MAX_PAGE:
        return int(y // BAND)
    return int(-MAX_PAGE // BAND) if y <= -MAX_PAGE else int(MAX_PAGE // BAND)


def bleeds(region: Box, width: float, height: float) -> bool:
    """Whether a drawing runs more than ``REACH`` points past the page's edges: a shape printed
    to bleed off the paper (a journal's coloured corner behind its title) is decoration; a
    chart or a diagram stands inside the page, and the text set over such a shape is the
    page's own (the title had been read as the shape's labels)."""
    return (region[0] < -REACH or region[1] < -REACH or region[2] > width + REACH
            or region[3] > height + REACH)


def region_of(box: Box, regions: list[Box], reach: float | None = None) -> int | None:
    """Index of the region holding the centre of ``box``, or with ``reach``, the region that
    ``box`` comes within ``reach`` of (a chart's tick labels sit just outside its axes)."""
    for index, region in enumerate(regions):
        if reach is None:
            if centre_in(box, region):
                return index
        elif near(box, region, reach):
            return index
    return None


def _well_inside(member: Box, region: Box) -> bool:
    """Whether the member's centre is inside the region and off its edge (by ``EDGE``)."""
    x, y = centre(member)
    return (region[0] + EDGE < x < region[2] - EDGE) and (region[1] + EDGE < y < region[3] - EDGE)
