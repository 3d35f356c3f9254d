"""The drawings' strokes grouped by nearness (pdf/figures.py): the sweep against every pair."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.pdf.figures import REACH, near_groups

# halves of a point: exact in binary, so a pair's nearness reads the same from either box
_coordinate = st.integers(0, 400).map(lambda v: v / 2)


@st.composite
def _boxes(draw):
    corners = draw(st.lists(st.tuples(_coordinate, _coordinate, _coordinate, _coordinate),
                            max_size=40))
    return [(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)) for x0, y0, x1, y1 in corners]


def _near(a, b) -> bool:
    return (a[0] - REACH <= b[2] and b[0] <= a[2] + REACH
            and a[1] - REACH <= b[3] and b[1] <= a[3] + REACH)


@given(_boxes())
def test_strokes_are_grouped_as_every_pair_of_near_strokes_joins_them(boxes):
    """Groups are the connected sets of near boxes, each in index order, the groups in the
    order of their first box (figure_regions lists drawings in that order)."""
    group = list(range(len(boxes)))  # the smallest index each box is joined to
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(boxes):
            for j, b in enumerate(boxes):
                if _near(a, b) and group[j] > group[i]:
                    group[j], changed = group[i], True
    expected: dict[int, list[int]] = {}
    for i, g in enumerate(group):
        expected.setdefault(g, []).append(i)
    assert near_groups(boxes) == list(expected.values())


def test_a_plots_strokes_join_through_their_neighbours():
    # a row of short strokes two points apart, drawn out of order, and one far away
    boxes = [(float(x), 50.0, x + 1.0, 51.0) for x in (8, 0, 4, 12, 2, 6, 10)]
    assert near_groups(boxes + [(100.0, 100.0, 101.0, 101.0)]) == [[0, 1, 2, 3, 4, 5, 6], [7]]
