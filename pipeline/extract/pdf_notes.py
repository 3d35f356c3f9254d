"""PDF footnotes: one page's lines in, the note area at the page bottom split into notes out.

The note area is the run of lines below the last body-size line that are set smaller than the
body. It counts as notes only with evidence: it opens with a label (a raised number or symbol,
or a number followed by a space) or a short separator rule sits above it. Lines without a label
continue the previous note, which may have started on the previous page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.pdf_layout import Line, page_blocks, reading_order

SMALLER = 0.92
"""Note text is set at most this share of the body size."""
RULE_MAX_HEIGHT = 2.0
"""Points: a horizontal line or rect at most this tall is a separator rule..."""
RULE_GAP_EM = 4.0
"""...when it sits at most this many body ems above the note area."""

_LABEL = re.compile(r"^([0-9]{1,3}|[*†‡§¶]{1,3})[.)]?\s+(?=\S)")


@dataclass(slots=True)
class Note:
    label: str
    lines: list[Line] = field(default_factory=list)
    continued: bool = False
    """True when the first lines continue a note from the previous page."""


def split_note_area(lines: list[Line], body_size: float,
                    rules: list[tuple[float, float, float, float]]) -> tuple[list[Line], list[Line]]:
    """``(body lines, note-area lines)`` of one page (furniture already removed)."""
    body_bottom = max((l.bottom for l in lines if l.size >= SMALLER * body_size), default=None)
    if body_bottom is None:
        return lines, []
    area = [l for l in lines if l.top > body_bottom and l.size < SMALLER * body_size]
    if not area:
        return lines, []
    area_top = min(l.top for l in area)
    has_rule = any(body_bottom - 2 <= r[1] <= area_top and area_top - r[3] <= RULE_GAP_EM * body_size
                   for r in rules)
    first = min(area, key=lambda l: (round(l.top), l.x0))
    if not (has_rule or _label_of(first)):
        return lines, []
    keep = set(map(id, area))
    return [l for l in lines if id(l) not in keep], area


def notes_of(area: list[Line]) -> list[Note]:
    """The note area's lines (in reading order) grouped into labelled notes."""
    ordered = [line for block in reading_order(page_blocks(area)) for line in block.lines]
    notes: list[Note] = []
    for line in ordered:
        if not line.text and not line.lead_label:
            continue
        label = _label_of(line)
        if label and _plausible(label, line, notes):
            if not line.lead_label:
                line.text = _LABEL.sub("", line.text, count=1)
            notes.append(Note(label, [line]))
        elif notes:
            notes[-1].lines.append(line)
        else:
            notes.append(Note("", [line], continued=True))
    return notes


def _label_of(line: Line) -> str:
    if line.lead_label:
        return line.lead_label.strip().rstrip(".)")
    match = _LABEL.match(line.text)
    return match.group(1) if match else ""


def _plausible(label: str, line: Line, notes: list[Note]) -> bool:
    """A raised label always opens a note; a plain number only in sequence, or as the first."""
    if line.lead_label or not notes or not label.isdigit() or notes[-1].continued:
        return True
    previous = notes[-1].label
    return previous.isdigit() and int(label) == int(previous) + 1
