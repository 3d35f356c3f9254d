"""Lines of a plain-text capture, and text that remembers where each character came from.

In: the decoded text of a capture. Out: ``Line`` records (1-based number, half-open character
span of the line's content without its line break) and ``Mapped`` strings, whose ``offsets``
give for every output character the index of the source character it came from, or ``None``
where a step inserted it (the space that joins two lines). Every text step of the text
extractor works on ``Mapped`` values, so any passage maps back to the exact source characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.model import Locator


@dataclass(frozen=True, slots=True)
class Line:
    """One source line: ``text`` is ``source[start:end]`` (line break excluded)."""

    number: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    def words(self) -> list[str]:
        return self.text.split()

    def slice(self, start: int, end: int) -> Line:
        """The part of this line between two offsets of the line's own text."""
        return Line(self.number, self.start + start, self.start + end, self.text[start:end])


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` with its number and character span (``\\r\\n``, ``\\n``, ``\\r``)."""
    lines = []
    for number, match in enumerate(re.finditer(r"[^\r\n]*(?:\r\n|\n|\r|$)", text), start=1):
        if match.start() == len(text) and match.group() == "":
            break
        content = match.group().rstrip("\r\n")
        lines.append(Line(number, match.start(), match.start() + len(content), content))
    return lines


@dataclass(frozen=True, slots=True)
class Mapped:
    """Text plus, per character, the source index it came from (``None``: inserted)."""

    text: str
    offsets: tuple[int | None, ...]

    @classmethod
    def of_line(cls, line: Line, strip: bool = True) -> Mapped:
        """A line's content, by default without its leading and trailing whitespace."""
        text = line.text
        lead = len(text) - len(text.lstrip()) if strip else 0
        trail = len(text.rstrip()) if strip else len(text)
        return cls(text[lead:trail], tuple(range(line.start + lead, line.start + trail)))

    @classmethod
    def inserted(cls, text: str) -> Mapped:
        return cls(text, (None,) * len(text))

    def __add__(self, other: Mapped) -> Mapped:
        return Mapped(self.text + other.text, self.offsets + other.offsets)

    def cut(self, start: int, end: int) -> Mapped:
        """This text without the characters in ``[start, end)``."""
        return Mapped(self.text[:start] + self.text[end:],
                      self.offsets[:start] + self.offsets[end:])

    def part(self, start: int, end: int | None = None) -> Mapped:
        end = len(self.text) if end is None else end
        return Mapped(self.text[start:end], self.offsets[start:end])

    def strip(self) -> Mapped:
        lead = len(self.text) - len(self.text.lstrip())
        return self.part(lead, len(self.text.rstrip()))

    def span(self) -> tuple[int, int] | None:
        """Half-open source span covering every mapped character, or None if all inserted."""
        known = [o for o in self.offsets if o is not None]
        return (min(known), max(known) + 1) if known else None


def join(parts: Iterable[Mapped], separator: str = " ") -> Mapped:
    """Concatenate mapped texts with an inserted separator between them."""
    result: Mapped | None = None
    for part in parts:
        result = part if result is None else result + Mapped.inserted(separator) + part
    return result or Mapped("", ())


def locate(lines: list[Line]) -> Locator:
    """A locator covering the given lines, from the first's start to the last's end."""
    first, last = lines[0], lines[-1]
    lead = len(first.text) - len(first.text.lstrip())
    return Locator(char_start=first.start + lead, char_end=last.start + len(last.text.rstrip()),
                   line_start=first.number, line_end=last.number)
