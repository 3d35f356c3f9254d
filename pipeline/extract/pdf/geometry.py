"""Boxes on a PDF page: ``(x0, top, x1, bottom)`` in points from the page's top-left corner.

The questions the layout, figure and block steps ask of boxes, each answered once.
"""

from __future__ import annotations

Box = tuple[float, float, float, float]


def union(a: Box, b: Box) -> Box:
    """The smallest box holding both."""
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def centre_in(box: Box, region: Box) -> bool:
    """Whether the centre of ``box`` lies in ``region``, edges included."""
    x, y = centre(box)
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def within(inner: Box, outer: Box, slack: float) -> bool:
    """Whether ``inner`` lies inside ``outer`` grown by ``slack`` points on every side."""
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def near(box: Box, region: Box, reach: float) -> bool:
    """Whether ``box`` comes within ``reach`` points of ``region`` (or overlaps it)."""
    return (box[2] >= region[0] - reach and box[0] <= region[2] + reach
            and box[3] >= region[1] - reach and box[1] <= region[3] + reach)
