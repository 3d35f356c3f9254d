"""Clean: an Extraction in, the same Extraction with repaired text out.

Kind-specific cleaning that needs layout or markup (boilerplate in a DOM, page furniture,
dehyphenation across PDF lines) happens inside the extractors, which call the shared helpers
in this package (``encoding``, ``hyphenation``). What runs here applies to every kind, in order:

    1. encoding.repair   ftfy (mojibake, ligatures) then NFC, per block and footnote
    2. whitespace        runs of spaces and stray line breaks inside a passage collapse to one
                         (code keeps its indentation and line breaks)
    3. drop-empty        blocks left with no text are dropped

Every change is recorded as a Transform on the block it touched. A ``join-break`` transform's
``char_start``/``char_end`` are offsets into the passage's own text (where a part continued
after a column or page break stands in it), so each step here moves them with the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from pipeline.model import Block, Extraction, FootnoteBlock, Transform
from pipeline.textutil.encoding import repair

_Item = TypeVar("_Item", Block, FootnoteBlock)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SPACES_NOT_TABS = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_AROUND_TAB = re.compile(r" *\t *")
_LINE_BREAKS = re.compile(r"\s*\n\s*")
_OTHER_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
"""The characters of ``_SPACES`` other than the plain space."""


def clean(extraction: Extraction) -> Extraction:
    """Apply the shared cleaning steps to every block and footnote."""
    blocks = tuple(b for b in (_clean_one(b) for b in extraction.blocks) if b.text)
    footnotes = tuple(_clean_one(f) for f in extraction.footnotes)
    return replace(extraction, blocks=blocks, footnotes=footnotes)


def _clean_one(item: _Item) -> _Item:
    text, transforms = repair(item.text)
    if transforms:
        item = replace(item, text=text, transforms=_moved_parts(
            item.transforms, item.text, text, lambda part: repair(part)[0]) + transforms)
    kind = item.kind if isinstance(item, Block) else None

    def tidy(part: str) -> str:
        return (trim_code(part) if kind == "code"
                else normalise_whitespace(part, keep_lines=kind == "table"))

    text = tidy(item.text)
    if text == item.text:
        return item
    return replace(item, text=text, transforms=_moved_parts(item.transforms, item.text, text, tidy)
                   + (Transform("whitespace"),))


def _moved_parts(transforms: tuple[Transform, ...], before: str, after: str,
                 step: Callable[[str], str]) -> tuple[Transform, ...]:
    """``transforms`` with each ``join-break``'s offsets into ``before`` moved to where its part
    stands in ``after``, the text ``step`` made of it: the step applied to the text before an
    offset gives the offset's new place (both steps act on each stretch alone; a part's start
    skips the space the step left between it and the part before)."""
    moved = []
    for transform in transforms:
        if transform.name == "join-break" and transform.char_start is not None:
            start = min(len(step(before[:transform.char_start])), len(after))
            while start < len(after) and after[start].isspace():
                start += 1
            end = (len(after) if transform.char_end is None or transform.char_end >= len(before)
                   else min(len(step(before[:transform.char_end])), len(after)))
            transform = replace(transform, char_start=start, char_end=max(end, start))
        moved.append(transform)
    return tuple(moved)


def normalise_whitespace(text: str, keep_lines: bool = False) -> str:
    """Collapse space runs; inside prose a line break is a space.

    In tables, line breaks and tabs stay: they separate rows and cells.
    """
    if keep_lines:
        lines = (_AROUND_TAB.sub("\t", _SPACES_NOT_TABS.sub(" ", line)).strip(" ")
                 for line in text.splitlines())
        return "\n".join(lines).strip("\n ")
    if "\n" in text:
        text = _LINE_BREAKS.sub(" ", text)
    # Most passages hold only single plain spaces, which the substitution would write again
    # one by one: one search tells them apart.
    if "  " in text or _OTHER_SPACES.search(text):
        text = _SPACES.sub(" ", text)
    return text.strip()


def trim_code(text: str) -> str:
    """Code as it was set: its indentation and inner spacing carry meaning (Python's blocks,
    aligned columns), so only trailing spaces and the blank lines around it go."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    return "\n".join(lines[start:])
