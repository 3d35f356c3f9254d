"""PDF ruled tables: the rules and characters already read from a page in, table blocks out.

pdfplumber's table finder is given the edges read with the page (objects.py): its own
``page.edges`` and ``table.extract`` would convert every object of the page again. Pages with
too few crossing rules for a table of two rows and two columns skip it, and a grid with text
side by side on fewer than two rows (boxes behind a paragraph and a link in it) is none.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import groupby
from operator import itemgetter
from typing import Any

import pdfplumber
from pdfplumber.table import (
    T_intersections,
    T_table_settings,
    Table,
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
)
from pdfplumber.utils.geometry import obj_to_bbox

from pipeline.extract.pdf.chars import BOTTOM, TOP, X0, X1, Char
from pipeline.extract.pdf.lines import CAPTION, Line, page_lines
from pipeline.extract.pdf.order import LayoutBlock

TABLE_MIN_CROSSINGS = 9
"""A ruled table of two rows and two columns has three horizontal rules crossing three vertical
ones: pages with fewer crossings skip find_tables, which converts every object of the page."""
EDGE_THIN = 2.0
"""Points: a line or box at most this thick is one horizontal (or vertical) edge."""
MERGE_TOLERANCE = 3
"""Points: pdfplumber's snap and join tolerances, at which ``_merged`` merges edges."""
CROSSING_TOLERANCE = 3.0
"""Points: edges this close count as crossing (pdfplumber's default intersection tolerance)."""
BLEED = 9.0
"""Points: a box reaching this close to every edge of the page is its background (printed
matter keeps a wider margin; a bleed past the trim is an eighth of an inch)."""


def ruled_tables(page: pdfplumber.page.Page, rects: list[tuple[float, float, float, float]],
            lines: list[tuple[float, float, float, float]], chars: list[Char]
            ) -> tuple[list[LayoutBlock], list[tuple[float, float, float, float]]]:
    """Ruled tables with at least two rows and two columns, as one block each, and the boxes
    of the ruled grids that hold no table (a form's fields, boxes behind a paragraph).

    pdfplumber's table finder is given the edges and characters this module has already read:
    its own ``page.edges`` and ``table.extract`` would convert every object of the page again."""
    # a box that fills the page is its background (a design tool paints the page white edge
    # to edge, and past them): its sides are the page's edges, not rules, and the bands and
    # bars over it would close cells on them
    width, height = float(page.width), float(page.height)
    rects = [box for box in rects if not _fills(box, width, height)]
    if not _crosses(rects + lines, TABLE_MIN_CROSSINGS):
        return [], []
    sides = [side for box in rects for side in _box_sides(box)]
    sides += [side for line in lines for side in _line_sides(line)]
    # merged here as pdfplumber merges them, its own merging turned off: a chart's thousands of
    # boxes cost a dict per edge and per move (a third of a statistics paper's extraction)
    vertical = _merged([side[1:] for side in sides if side[0] == "v"], "v")
    horizontal = _merged([side[1:] for side in sides if side[0] == "h"], "h")
    if len(vertical) < 2 or len(horizontal) < 2:  # a cell needs two of each
        return [], []
    found, grids = [], []
    # the characters' centres, once the finder has found a table (most ruled pages have none:
    # a book's figures drawn with boxes)
    centred: list[tuple[float, float, Char]] | None = None
    for table in _TableFinder(page, {"vertical_strategy": "explicit",
                                     "horizontal_strategy": "explicit",
                                     "explicit_vertical_lines": vertical,
                                     "explicit_horizontal_lines": horizontal,
                                     "snap_tolerance": 0, "join_tolerance": 0}).tables:
        # each cell looks among the table's characters only, not the page's
        t_x0, t_top, t_x1, t_bottom = table.bbox
        if centred is None:
            centred = [((c[X0] + c[X1]) / 2, (c[TOP] + c[BOTTOM]) / 2, c) for c in chars]
        inside = [item for item in centred
                  if t_x0 <= item[0] <= t_x1 and t_top <= item[1] <= t_bottom]
        cells = [[_cell_text(cell, inside, page.page_number) for cell in row.cells]
                 for row in table.rows]
        rows = [[text for text, _ in row] for row in cells]
        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
            continue
        if sum(1 for row in rows if sum(1 for cell in row if cell.strip()) >= 2) < 2:
            grids.append(table.bbox)  # text side by side on one row at most: no table
            continue
        x0, top, x1, bottom = table.bbox
        if _titled(rows):
            # the exhibit's label and title in the frame's first row, ruled off from its
            # header: left out of the table, the row's lines are read as its caption
            rows, top = rows[1:], table.rows[0].bbox[3]
        text = "\n".join("\t".join(row) for row in rows)
        # the cells' raised marks (``Region 2³``) may cite the page's notes
        marks = [(len(text), mark) for row in cells[len(cells) - len(rows):]
                 for _, cell_marks in row for mark in cell_marks]
        line = Line(page.page_number, x0, top, x1, bottom, text, 0.0, 0.0, False, marks)
        found.append(LayoutBlock([line], kind="table"))
    return found, grids


class _TableFinder(TableFinder):
    """pdfplumber's table finder (``page.find_tables``), its cells found by ``_cells``."""

    def __init__(self, page: pdfplumber.page.Page, settings: T_table_settings) -> None:
        # TableFinder.__init__ as pdfplumber 0.11 writes it, but for the cells
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(self.edges,
                                                    self.settings.intersection_x_tolerance,
                                                    self.settings.intersection_y_tolerance)
        self.cells = _cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]


def _cells(intersections: T_intersections) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: for each point in order, the smallest cell it
    is the top left corner of, its sides on edges through its corners. The same search, with
    each point's edges as boxes worked out once and the points straight under and right of a
    point looked up, where pdfplumber makes two sets of edge boxes for every pair of points it
    tests and filters all the points after each one (a ruled figure's grid of a few dozen
    rules took a hundredth of a book's extraction). A NaN coordinate, which equals nothing,
    leaves it to pdfplumber."""
    points = sorted(intersections)
    if any(x != x or y != y for x, y in points):
        return intersections_to_cells(intersections)
    vertical = {p: set(map(obj_to_bbox, edges["v"])) for p, edges in intersections.items()}
    horizontal = {p: set(map(obj_to_bbox, edges["h"])) for p, edges in intersections.items()}
    # each x's and each y's points by index, in order
    same_x: dict[float, list[int]] = {}
    same_y: dict[float, list[int]] = {}
    for i, (x, y) in enumerate(points):
        same_x.setdefault(x, []).append(i)
        same_y.setdefault(y, []).append(i)

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        return (p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2])
                or p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2]))

    cells = []
    for i, point in enumerate(points):
        column, row = same_x[point[0]], same_y[point[1]]
        below = [points[j] for j in column[bisect_right(column, i):]]
        right = [points[j] for j in row[bisect_right(row, i):]]
        cell = next(((point[0], point[1], right_pt[0], below_pt[1])
                     for below_pt in below if connects(point, below_pt)
                     for right_pt in right if connects(point, right_pt)
                     if (right_pt[0], below_pt[1]) in intersections
                     and connects((right_pt[0], below_pt[1]), right_pt)
                     and connects((right_pt[0], below_pt[1]), below_pt)), None)
        if cell is not None:
            cells.append(cell)
    return cells


def _titled(rows: list[list[str]]) -> bool:
    """Whether the table's first row is its caption: one cell of text (the rest empty or
    spanned) opening with a caption's label, ``Exhibit 19 Percentage of ...``."""
    filled = [cell for cell in rows[0] if cell.strip()]
    return len(filled) == 1 and CAPTION.match(filled[0]) is not None


def _crosses(rules: list[tuple[float, float, float, float]], least: int) -> bool:
    """Whether at least ``least`` horizontal edges cross vertical ones (a box has four edges,
    a rule one); counting stops there: a chart's thousands of strokes make millions of pairs."""
    horizontal, vertical = [], []
    for x0, top, x1, bottom in rules:
        if x1 - x0 > EDGE_THIN:
            horizontal += [(top, x0, x1)] if bottom - top <= EDGE_THIN else [(top, x0, x1),
                                                                             (bottom, x0, x1)]
        if bottom - top > EDGE_THIN:
            vertical += [(x0, top, bottom)] if x1 - x0 <= EDGE_THIN else [(x0, top, bottom),
                                                                          (x1, top, bottom)]
    if len(horizontal) * len(vertical) < least:
        return False
    tolerance = CROSSING_TOLERANCE
    found = 0
    for y, x0, x1 in horizontal:
        low, high = x0 - tolerance, x1 + tolerance
        found += sum(1 for x, top, bottom in vertical
                     if low <= x <= high and top - tolerance <= y <= bottom + tolerance)
        if found >= least:
            return True
    return False


_Side = tuple[str, float, float, float, float, float, float]
"""A table edge before merging: orientation, x0, x1, top, bottom, width, height."""
_Edge = tuple[float, float, float, float, float, float]


def _fills(box: tuple[float, float, float, float], width: float, height: float) -> bool:
    """Whether ``box`` covers the page, to within ``BLEED`` of each edge."""
    x0, top, x1, bottom = box
    return x0 <= BLEED and top <= BLEED and x1 >= width - BLEED and bottom >= height - BLEED


def _box_sides(box: tuple[float, float, float, float]) -> list[_Side]:
    """A box's four sides as edges (a thin box's short sides are dropped by the table
    finder's minimum edge length)."""
    x0, top, x1, bottom = box
    return [_side(x0, top, x1, top), _side(x0, bottom, x1, bottom),
            _side(x0, top, x0, bottom), _side(x1, top, x1, bottom)]


def _line_sides(line: tuple[float, float, float, float]) -> list[_Side]:
    """A straight line as one edge; a slanted one (a drawing's stroke) is no table rule."""
    x0, top, x1, bottom = line
    if bottom - top <= EDGE_THIN:
        return [_side(x0, (top + bottom) / 2, x1, (top + bottom) / 2)]
    if x1 - x0 <= EDGE_THIN:
        return [_side((x0 + x1) / 2, top, (x0 + x1) / 2, bottom)]
    return []


def _side(x0: float, top: float, x1: float, bottom: float) -> _Side:
    return ("h" if top == bottom else "v", x0, x1, top, bottom, x1 - x0, bottom - top)


def _merged(edges: list[_Edge], orientation: str) -> list[dict[str, Any]]:
    """pdfplumber 0.11's ``merge_edges`` of edges of one orientation at its default
    tolerances, step for step and with its arithmetic, so its output is the same: edges
    within ``MERGE_TOLERANCE`` across are snapped to their cluster's mean position, then
    edges on one line are joined where they are that close along it. Worked on tuples; a
    dict (pdfplumber's edge) is made for each merged edge only."""
    at, start = (0, 2) if orientation == "v" else (2, 0)  # position across, start along
    tolerance = MERGE_TOLERANCE
    cluster: dict[float, int] = {}
    last = 0.0
    for value in sorted({e[at] for e in edges}):
        cluster[value] = (cluster[last] + (value > last + tolerance)) if cluster else 0
        last = value
    snapped: list[_Edge] = []
    for _, group in groupby(sorted(edges, key=lambda e: cluster[e[at]]),
                            key=lambda e: cluster[e[at]]):
        members = list(group)
        mean = sum(e[at] for e in members) / len(members)
        for e in members:
            shift = mean - e[at]
            snapped.append((e[0] + shift, e[1] + shift, *e[2:]) if at == 0
                           else (*e[:2], e[2] + shift, e[3] + shift, *e[4:]))
    joined: list[_Edge] = []
    end = start + 1
    for _, on_line in groupby(sorted(snapped, key=itemgetter(at)), key=itemgetter(at)):
        run = sorted(on_line, key=itemgetter(start))
        line = [run[0]]
        for e in run[1:]:
            last_edge = line[-1]
            if e[start] <= last_edge[end] + tolerance:
                if e[end] > last_edge[end]:
                    line[-1] = _extended(last_edge, e[end], orientation)
            else:
                line.append(e)
        joined += line
    return [{"object_type": "rect_edge", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
             "width": width, "height": height, "orientation": orientation}
            for x0, x1, top, bottom, width, height in joined]


def _extended(edge: _Edge, to: float, orientation: str) -> _Edge:
    """pdfplumber's ``resize_object`` of an edge's end: a horizontal edge's width measured
    again, a vertical one's height changed by as much as its bottom."""
    x0, x1, top, bottom, width, height = edge
    if orientation == "h":
        return (x0, to, top, bottom, to - x0, height)
    return (x0, x1, top, to, width, height + (to - bottom))


def _cell_text(cell: tuple[float, float, float, float] | None,
               centred: list[tuple[float, float, Char]], page_number: int
               ) -> tuple[str, list[str]]:
    """The text of the characters (with their centres, in page order) centred in ``cell``,
    and the raised marks its lines hold apart from their text."""
    if cell is None:
        return "", []
    x0, top, x1, bottom = cell
    inside = [c for x, y, c in centred if x0 <= x < x1 and top <= y < bottom]
    lines = page_lines(inside, page_number)
    return " ".join(line.text for line in lines), [raw for line in lines for _, raw in line.raised]
