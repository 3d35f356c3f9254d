"""Evidence-based dehyphenation, shared by the PDF and text extractors.

A line that ends in ``sug-`` followed by a line starting with ``gested`` may be one word broken
by the typesetter (``suggested``) or a real compound (``self-contained``, ``Franco-German``).
The decision uses evidence, strongest first:

1. form: a right part that starts with a capital or a digit, or a left part ending in a digit,
   is a compound (``Franco-German``, ``COVID-19``) -> keep;
2. the document's own vocabulary: the joined word or the hyphenated compound seen elsewhere in
   the same document (not at a line break) -> the more frequent form wins;
3. a conjunction after the hyphen, the joined form no word, is a suspended compound
   (``Kultur- und Naturerbe``, but ``emper-|or``) -> keep;
4. a word-frequency lexicon (wordfreq's lists, held compactly by ``lexicon``): the joined
   word must be a known word, and when both parts are words themselves (``long-term``,
   ``be-come``; a part the document uses on its own counts as a word, ``lipid-lowering``) it
   must be about as common as the rarer part: ``become`` is, ``longterm`` is not. Languages
   that write compounds closed (German, Dutch, the Nordic languages) join a known word or one
   made of known words (``Wissens|gesellschaften``);
5. the language's hyphenation patterns (pyphen's, TeX's patterns as LibreOffice ships them):
   when a part is no word, so no compound can be made of the two, a break where the patterns
   would break the joined word is the typesetter's (``pur-|posively``, ``rhon-|cus``,
   ``Wider-|spruchsbeweisen``), words the lexicon lists too rarely or not at all. A compound's
   seam is often no such point (``cattle|raiding``: ``cat-tleraid-ing``), and where the
   language writes compounds open, a right part that is a whole word of the lexicon
   (``chlor-|alkali``, ``cross-|sectional``) is a compound's second word, not a fragment.

With no evidence the hyphen is kept: a kept hyphen is repairable, a wrong join is not. Every
decision is returned with its evidence so callers record it as a transform.
"""

from __future__ import annotations

import marshal
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline import cached_copy, write_whole
from pipeline.model import Transform

MIN_JOINED_ZIPF = 1.5
"""A joined form rarer than this (about 3 per 100 million words) is not trusted as a word."""
PART_MARGIN = 1.5
"""How much rarer (zipf units, i.e. 10x) than its rarer part a joined word may be and still win.
wordfreq gives no real frequency for hyphenated compounds, so the parts stand in for it. Open
compounds written closed are rarer than their parts by 2.5 or more (``longterm`` 2.75 against
``term`` 5.23, ``realtime``); words made of two words, by 1-1.5 (``grassland``, ``videotape``,
``wastewater``): at a margin of 1.0, 9 % of the pattern breaks of 1,500 words from the lexicon
were kept hyphenated (6 % at 1.5), while of the 363 hyphenated pairs in the dev PDFs' text
1.5 joins three more, each a word mostly written closed (``outbreak``, ``payrolls``)."""
PART_WORD_ZIPF = 3.5
"""A part only stands in as a word if it is common (``mind``): wordfreq also lists fragments
such as ``ers`` (zipf 3.2), which would wrongly keep ``mind-ers``. (The document's own counts
are no help here: fragments of words broken across blank lines or pages show up in them.)"""

COMPOUND_TAIL_LETTERS = 5
COMPOUND_TAIL_ZIPF = 2.5
"""A right part this long and at least this common is a word of its own: the patterns'
break leaves a fragment there (``posively``, ``nissim`` 1.9), a compound its second word
(``alkali`` 2.9, ``sectional`` 3.4); shorter pieces (``cus``, ``tate``) match too many words."""

PART_SEEN = 2
"""A rarer part is a word when the document uses it on its own this often: once may be a piece
of a word broken across a column or page break, which no line-end hyphen marks."""

CLOSED_COMPOUND_LANGUAGES = frozenset({"de", "nl", "sv", "da", "nb", "no", "fi", "is"})
"""Languages that write compounds as one word: there, two words joined at a line break are one
word (``Rechts-|wissenschaftler``), and a lowercase right part is no compound's second noun."""
MIN_PART_LETTERS = 3
"""Shortest part a compound is split into (shorter pieces match too many words)."""
SUSPENDED = frozenset({"und", "oder", "bis", "sowie", "and", "or", "to", "nor", "et", "ou"})
"""Words after a suspended hyphen (``Kultur- und Naturerbe``, ``pre- and post-war``)."""
HYPHENS = "-\u2010\u2011"
"""Hyphen-minus, HYPHEN and NON-BREAKING HYPHEN: some typesetters set every hyphen as U+2011,
line-end breaks too."""
_WORD = re.compile(rf"[^\W\d_](?:[\w'’]*\w)?(?:[{HYPHENS}][^\W_][\w'’]*)*", re.UNICODE)
# Only the break itself is matched (the words around it are looked up from the text), so a
# word broken twice ("a-\nb-\nc") is repaired in one pass.
_BREAK = re.compile(rf"(?<=[^\W\d_])[{HYPHENS}][ \t]*\n[ \t]*(?=\w)", re.UNICODE)
_BROKEN_WORD = re.compile(rf"[\w'’]*[^\W\d_][{HYPHENS}][ \t]*\n[ \t]*[\w'’]*", re.UNICODE)
"""A word broken at a line end, both parts: its pieces are no words of the document."""
_LINE_END_HYPHEN = re.compile(rf"[{HYPHENS}][ \t]*\n")
"""What every ``_BROKEN_WORD`` holds, looked for first: most texts have none, and
``_BROKEN_WORD``, opening with a run of word characters, is tried from every letter."""
_LEFT_WORD = re.compile(r"[\w'’]+$", re.UNICODE)
_RIGHT_WORD = re.compile(r"[\w'’]+", re.UNICODE)
_LINE_END_WORD = re.compile(rf"([^\W\d_][\w'’/]*)[{HYPHENS}]$", re.UNICODE)
_LINE_START_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
"""Letters only: a raised affiliation or note number glued on (``cha9``) is no part of it."""


def hyphen_break(left_line: str, right_line: str) -> tuple[str, str] | None:
    """The two parts of a word hyphenated across a line end, or None.

    ``("sug", "gested")`` for ``"… they sug-"`` followed by ``"gested …"``; for ``"and/or-"``
    the part after the last slash. Extractors that hold lines (PDF, text layers) call this,
    then :func:`decide`.
    """
    # the match ends at the text's end (or before a final newline, as ``$`` does), so it is
    # looked for after the last space or newline only: a long note's text grows line by line
    end = len(left_line) - 1 if left_line.endswith("\n") else len(left_line)
    if not left_line.endswith(tuple(HYPHENS), 0, end):
        return None
    start = max(left_line.rfind(" ", 0, end), left_line.rfind("\n", 0, end)) + 1
    left = _LINE_END_WORD.search(left_line, start)
    right = _LINE_START_WORD.match(right_line)
    if left is None or right is None:
        return None
    return left.group(1).split("/")[-1], right.group()


def in_compound(left_line: str, end: int | None = None) -> bool:
    """Whether the word a line ends with holds a hyphen before its line-end one (``kyo-hwa-``):
    TeX breaks such a word only at its hyphens, so the break is no evidence of a word split
    by the patterns. ``end``: where the line ends in ``left_line``, just after the hyphen
    (default: its end, before a final newline), so a long text is not copied at each break."""
    if end is None:
        end = len(left_line) - 1 if left_line.endswith("\n") else len(left_line)
    start = max(left_line.rfind(" ", 0, end), left_line.rfind("\n", 0, end)) + 1
    return any(h in left_line[start:end - 1] for h in HYPHENS)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Word counts of one document, lower-cased; compounds are counted whole."""

    counts: Counter[str] = field(default_factory=Counter)
    language: str = "en"

    @classmethod
    def from_texts(cls, texts: Iterable[str], language: str = "en") -> Vocabulary:
        """Count words that are not broken at a line end (those are what we must decide)."""
        counts: Counter[str] = Counter()
        for text in texts:
            unbroken = _BROKEN_WORD.sub(" ", text) if _LINE_END_HYPHEN.search(text) else text
            # the pattern has no groups: ``findall`` gives the whole matches, without a match
            # object each
            counts.update(map(str.lower, _WORD.findall(unbroken)))
        return cls(counts, language)


@dataclass(frozen=True, slots=True)
class Decision:
    left: str
    right: str
    join: bool
    evidence: str

    @property
    def result(self) -> str:
        return f"{self.left}{self.right}" if self.join else f"{self.left}-{self.right}"

    def transform(self) -> Transform:
        action = "join" if self.join else "keep-hyphen"
        return Transform("dehyphenate", f"{action} {self.left}-|{self.right} -> {self.result} "
                                        f"({self.evidence})", evidence=self.evidence)


def decide(left: str, right: str, vocabulary: Vocabulary, compound: bool = False) -> Decision:
    """Whether ``left-`` at a line end and ``right`` on the next line form one word;
    ``compound``: the word ending the line holds a hyphen before it (:func:`in_compound`)."""
    if right[:1].isupper() or right[:1].isdigit() or left[-1:].isdigit():
        return Decision(left, right, False, "form: capital or digit after the hyphen")
    joined, hyphenated = f"{left}{right}".lower(), f"{left}-{right}".lower()
    seen_joined, seen_compound = vocabulary.counts[joined], vocabulary.counts[hyphenated]
    if seen_joined or seen_compound:
        join = seen_joined > seen_compound
        return Decision(left, right, join, f"document: {joined!r} x{seen_joined}, "
                                           f"{hyphenated!r} x{seen_compound}")
    language = vocabulary.language
    joined_zipf = _zipf(joined, language)
    # a word of the lexicon is no suspended compound: ``emper-|or``, ``pho-|to``
    if right.lower() in SUSPENDED and joined_zipf < MIN_JOINED_ZIPF:
        return Decision(left, right, False, f"form: a suspended hyphen before {right!r}")
    parts = (_part_zipf(left.lower(), vocabulary), _part_zipf(right.lower(), vocabulary))
    # a part that is no word makes no compound: a break where the patterns would break the
    # joined word is the typesetter's
    by_pattern = (None in parts and joined_zipf < MIN_JOINED_ZIPF and not compound
                  and (language in CLOSED_COMPOUND_LANGUAGES or not _whole_word(right, language))
                  and _pattern_break(joined, len(left), language))
    pattern = ", a part no word, a break of the hyphenation patterns" if by_pattern else ""
    if language in CLOSED_COMPOUND_LANGUAGES:
        of_words = joined_zipf < MIN_JOINED_ZIPF and _is_compound(joined, language)
        return Decision(left, right, joined_zipf >= MIN_JOINED_ZIPF or of_words or by_pattern,
                        f"lexicon ({language} writes compounds closed): "
                        f"zipf {joined!r}={joined_zipf:.2f}"
                        + (", a compound of known words" if of_words else pattern))
    rarer_part = 0.0 if None in parts else min(p for p in parts if p is not None)
    join = joined_zipf >= MIN_JOINED_ZIPF and joined_zipf >= rarer_part - PART_MARGIN
    return Decision(left, right, join or by_pattern,
                    f"lexicon: zipf {joined!r}={joined_zipf:.2f}, rarer part={rarer_part:.2f}"
                    + pattern)


def _part_zipf(part: str, vocabulary: Vocabulary) -> float | None:
    """A part's zipf if it is a word (a common one, or one the document uses on its own), None
    for a fragment (wordfreq also lists pieces such as ``ers``, zipf 3.2)."""
    zipf = _zipf(part, vocabulary.language)
    return zipf if zipf >= PART_WORD_ZIPF or vocabulary.counts[part] >= PART_SEEN else None


def _whole_word(part: str, language: str) -> bool:
    """Whether a line's first part is a word of its own (``COMPOUND_TAIL_*``)."""
    return (len(part) >= COMPOUND_TAIL_LETTERS
            and _zipf(part.lower(), language) >= COMPOUND_TAIL_ZIPF)


@lru_cache(maxsize=65536)
def _pattern_break(word: str, at: int, language: str) -> bool:
    """Whether the language's hyphenation patterns break ``word`` after ``at`` letters: any of
    its variants' (``en_US``, ``en_GB``), since the document may have been set with either;
    False for a language pyphen has no patterns for."""
    return any(at in hyphenator.positions(word) for hyphenator in _hyphenators(language))


@cache
def _hyphenators(language: str) -> tuple[Any, ...]:
    import pyphen  # type: ignore[import-untyped]  # at first use, as the lexicon

    files = {path: name for name, path in pyphen.LANGUAGES.items()
             if name == language or name.startswith(f"{language}_")}
    for path in files:
        if path not in pyphen.hdcache:
            pyphen.hdcache[path] = _patterns(pyphen, path)
    return tuple(pyphen.Pyphen(filename=path) for path in files)


PATTERN_BUCKETS = 1 << 16
"""The patterns' copy in the user's cache is this many buckets by a hash of the pattern
(about one pattern each), each read when a look-up first needs it."""


def _patterns(pyphen: ModuleType, path: Path) -> Any:
    """pyphen's ``HyphDict`` of the patterns file ``path``, its patterns read from a copy of
    them parsed into the user's cache: pyphen parses the file line by line in every process
    that hyphenates (German's three files of 78,000 lines: 1.4 s of CPU). The copy is one
    block of bytes in ``PATTERN_BUCKETS`` buckets, and a look-up reads only the bucket of
    the pattern it asks for: a document asks about a few words, a few hundred look-ups each,
    where reading all of German's three files' 200,000 patterns took 0.07 s of CPU and 24 MB.
    Files with nonstandard breaks (patterns whose values are not plain numbers) are left to
    pyphen."""
    copy = cached_copy(f"pyphen-{path.stem}-{marshal.version}", path, ".buckets")
    try:
        maxlen, ends, blob = marshal.loads(copy.read_bytes())
        patterns = _Buckets(ends, blob)
    except (OSError, ValueError, EOFError, TypeError):  # not made yet, or damaged
        parsed = pyphen.HyphDict(path)
        if all(type(v) is int for _, values in parsed.patterns.values() for v in values):
            # the patterns share their values (German's 66,441 patterns have 2,465 distinct
            # ones): 24 MB for German's three instead of 50 where there is no copy
            distinct: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[int, ...]]] = {}
            parsed.patterns = {tags: distinct.setdefault(value, value)
                               for tags, value in parsed.patterns.items()}
            try:
                write_whole(copy, lambda out: out.write(
                    marshal.dumps((parsed.maxlen, *_bucketed(parsed.patterns)))), path)
            except OSError:  # no writable cache: parsed in every process
                pass
        return parsed
    read = pyphen.HyphDict.__new__(pyphen.HyphDict)  # what its __init__ sets, as it sets it
    read.patterns, read.cache, read.maxlen = patterns, {}, maxlen
    return read


def _bucket(pattern: str, buckets: int) -> int:
    """A pattern's bucket, the same in every process (Python's str hash is not)."""
    return zlib.crc32(pattern.encode()) % buckets


def _bucketed(patterns: dict[str, Any]) -> tuple[bytes, bytes]:
    """The patterns as ``_Buckets`` reads them: where each bucket ends (``array("I")``'s
    bytes) and the buckets, each the marshalled dict of its patterns (an empty one none)."""
    grouped: list[dict[str, Any]] = [{} for _ in range(PATTERN_BUCKETS)]
    for pattern, value in patterns.items():
        grouped[_bucket(pattern, PATTERN_BUCKETS)][pattern] = value
    parts = [marshal.dumps(bucket) if bucket else b"" for bucket in grouped]
    ends = array("I", accumulate(map(len, parts)))
    return ends.tobytes(), b"".join(parts)


class _Buckets:
    """A patterns dict (pattern -> offset and values) read a bucket at a time: pyphen only
    asks it ``get``."""

    def __init__(self, ends: bytes, blob: bytes) -> None:
        self._ends = array("I")
        self._ends.frombytes(ends)
        if not self._ends or self._ends[-1] != len(blob):
            raise ValueError("not a patterns copy")
        self._blob = blob
        self._read: dict[int, dict[str, Any]] = {}

    def get(self, pattern: str, default: Any = None) -> Any:
        at = _bucket(pattern, len(self._ends))
        bucket = self._read.get(at)
        if bucket is None:
            start, end = self._ends[at - 1] if at else 0, self._ends[at]
            bucket = self._read[at] = marshal.loads(self._blob[start:end]) if end > start else {}
        return bucket.get(pattern, default)


@lru_cache(maxsize=65536)
def _is_compound(word: str, language: str, parts: int = 3) -> bool:
    """Whether ``word`` is two or three common words written together (``wissens|gesell-
    schaften``, ``druck|kosten|zuschuss``)."""
    for cut in range(MIN_PART_LETTERS, len(word) - MIN_PART_LETTERS + 1):
        head, tail = word[:cut], word[cut:]
        if _zipf(head, language) < PART_WORD_ZIPF:
            continue
        if _zipf(tail, language) >= PART_WORD_ZIPF or (
                parts > 2 and _is_compound(tail, language, parts - 1)):
            return True
    return False


@lru_cache(maxsize=65536)
def _zipf(word: str, language: str) -> float:
    # Imported at first use: a run with nothing to extract should not pay wordfreq's 0.2-0.5 s
    # import.
    from pipeline.textutil.lexicon import zipf

    return zipf(word, language)


def dehyphenate(text: str, vocabulary: Vocabulary) -> tuple[str, tuple[Transform, ...]]:
    """Repair every ``word-\\nword`` break in ``text``; other line breaks are left alone.

    Returns the new text and one transform per decision. Idempotent: a repaired text has no
    hyphen before a line break left to decide.
    """
    transforms: list[Transform] = []

    def repair(match: re.Match[str]) -> str:
        # searched for in the break's line only: from the text's start, each break cost a
        # scan of everything before it
        line_start = text.rfind("\n", 0, match.start()) + 1
        left = _LEFT_WORD.search(text, line_start, match.start())
        # letters first, as hyphen_break takes them; a part that starts with a digit is
        # taken whole, so the form rule keeps its hyphen (``abc-|95``)
        right = (_LINE_START_WORD.match(text, match.end())
                 or _RIGHT_WORD.match(text, match.end()))
        decision = decide(left.group() if left else "", right.group() if right else "",
                          vocabulary, in_compound(text, match.start() + 1))
        transforms.append(decision.transform())
        return "" if decision.join else match.group()[0]  # the hyphen as printed

    return _BREAK.sub(repair, text), tuple(transforms)
