"""Word frequencies from wordfreq's lists, held compactly: ``zipf(word, language)`` gives what
``wordfreq.zipf_frequency`` gives.

wordfreq keeps a language's list twice once it is asked about a word (its buckets of words and a
dict of every word, both cached for the process): about 70 MB for German, 30 MB for English,
more than the rest of a PDF extraction holds. Here the list is read bucket by bucket and kept as
two arrays, the words' 64-bit hashes (of their UTF-8) sorted and their bucket numbers, 10 bytes
a word (6 MB for German's 634,502 words), hashed and sorted by numpy, and kept in the user's
cache for the next process. A word is found by its hash alone, so a word wordfreq does not list
could take the bucket of one it does whose hash is the same: with 64-bit hashes, about one
look-up in 10^13. Tokenising, digits and rounding are wordfreq's own functions, applied as
``wordfreq.word_frequency`` applies them; a language wordfreq has no exact list for is asked of
wordfreq itself. A word of Latin letters in one of ``PLAIN_LANGUAGES`` is one token, itself case
folded, and is looked up without importing wordfreq: its import (langcodes' tables, the
tokenizer's expressions) costs about 0.1 s of CPU in every process that dehyphenates, a tenth
of a short PDF's extraction.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import mmap
import os
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

from pipeline import cached_copy, write_whole

INFERRED_SPACE_FACTOR = 10.0
"""wordfreq's penalty per word break its Chinese tokenizer inferred (``wordfreq.__init__``)."""
MIN_FREQUENCY = 1e-9
"""zipf 0, the floor ``zipf_frequency`` passes as its minimum."""
PLAIN_LANGUAGES = frozenset({"de", "en", "es", "fr", "it", "nl", "pt"})
"""Languages wordfreq prepares a word for with NFC and case folding alone, then splits with its
regular expression (no transliteration, marks removed, dotted i or cedillas: its
``language_info``), so a word of Latin letters is one token, the word case folded."""
LATIN_END = "\u0250"
"""Where the Latin letters end (Basic Latin to Latin Extended-B): letters below it are all
word characters that join into one word (Unicode's word-break class ALetter)."""


def _buckets(path: str, raw: bool = False) -> Iterator[list[Any]]:
    """The buckets of words of a cBpack file, most frequent first, one in memory at a time
    (``raw``: as their UTF-8 bytes)."""
    import msgpack  # type: ignore[import-untyped]  # only to build a table: a process that
    # reads the cached one (every one after the first) skips its import (a millisecond)

    with gzip.open(path, "rb") as packed:
        unpacker = msgpack.Unpacker(packed, raw=raw)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        key, value = (b"format", b"cB") if raw else ("format", "cB")
        if not isinstance(header, dict) or header.get(key) != value:
            raise ValueError(f"{path}: not a wordfreq cBpack file ({header!r})")
        for _ in range(count - 1):
            yield unpacker.unpack()


def top_words(language: str, n: int) -> list[str]:
    """``wordfreq.top_n_list(language, n)`` for a language with an exact list, reading only
    the list's first buckets: wordfreq's own reads the whole list and caches it for the
    process (10-70 MB a language; a crawl in many languages held hundreds of MB)."""
    from wordfreq.numbers import has_digit_sequence

    words: list[str] = []
    for bucket in _buckets(word_lists()[language]):
        words += [w for w in bucket if not has_digit_sequence(w)][:n - len(words)]
        if len(words) >= n:
            break
    return words


class _Table:
    """A word list's words (by hash) and their buckets (centibels below 1), sorted by hash."""

    def __init__(self, hashes: Sequence[int], buckets: Sequence[int]) -> None:
        self._hashes = hashes
        self._buckets = buckets

    @classmethod
    def build(cls, path: str) -> _Table:
        """The table of the cBpack file at ``path``, read one bucket at a time."""
        import numpy as np  # here, not at the top: only building the table needs it

        parts = []  # the words' hashes, in the list's order
        ends: list[int] = []  # where each bucket's words end in the list
        pending: list[bytes] = []
        for words in _buckets(path, raw=True):
            pending += words
            ends.append((ends[-1] if ends else 0) + len(words))
            if len(pending) >= HASHED_AT_ONCE:
                parts.append(_hashes(pending))
                pending = []
        parts.append(_hashes(pending))
        listed = np.concatenate(parts)
        del parts
        order = np.argsort(listed, kind="stable")
        hashes = listed[order]
        buckets = np.searchsorted(ends, order, side="right").astype(np.uint16)
        del order, listed  # the largest temporaries, before the last copies
        # a word listed twice keeps its last bucket, as in wordfreq's dict (stable sort: the
        # last of equal hashes is the last listed)
        last = np.append(hashes[1:] != hashes[:-1], True)
        return cls(array("Q", hashes[last].tobytes()), array("H", buckets[last].tobytes()))

    @classmethod
    def load(cls, path: Path) -> _Table | None:
        """A table saved by ``save``; None when the file is missing, cut short or damaged.
        The file is mapped, not read: a process looks up a few thousand words at most, and
        reading and copying the whole table cost 8 ms of CPU for English, 15 ms for German
        (a fifth of a one-page PDF's extraction), where the pages a look-up touches cost
        microseconds. The mapping outlives the file: a copy replaced or deleted by another
        process stays readable in this one."""
        try:
            with path.open("rb") as file:
                data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        words, rest = divmod(len(data) - 8, 10)
        if len(data) < 8 or rest or int.from_bytes(data[:8], "little") != words:
            return None
        view = memoryview(data)
        hashes, buckets = view[8:8 + 8 * words].cast("Q"), view[8 + 8 * words:].cast("H")
        if sys.byteorder == "little":
            return cls(hashes, buckets)
        swapped = array("Q", hashes), array("H", buckets)
        for numbers in swapped:
            numbers.byteswap()
        return cls(*swapped)

    def save(self, out: IO[bytes]) -> None:
        """The word count, then the hashes and the buckets, little-endian."""
        hashes, buckets = array("Q", self._hashes), array("H", self._buckets)
        if sys.byteorder != "little":
            hashes.byteswap()
            buckets.byteswap()
        out.write(len(hashes).to_bytes(8, "little"))
        out.write(hashes.tobytes())
        out.write(buckets.tobytes())

    def bucket(self, word: str) -> int | None:
        h = _hash(word)
        i = bisect_left(self._hashes, h)
        if i < len(self._hashes) and self._hashes[i] == h:
            return self._buckets[i]
        return None


HASH_BASE = 0x9E3779B97F4A7C15
"""The odd multiplier of the words' polynomial hash (modulo 2^64) of their UTF-8 bytes: the same
in every process, unlike Python's ``hash``, so a table made once serves every later process."""
_INVERSE = pow(HASH_BASE, -1, 1 << 64)
_MASK = (1 << 64) - 1
HASHED_AT_ONCE = 1 << 13
"""Words hashed by numpy at a time: their bytes and powers take a few MB (8,192 words: the
process peaks 2 MB above the build before, 1 << 16 took 19 MB more)."""


def _hash(word: str) -> int:
    """``sum(byte * HASH_BASE ** (n - 1 - i))`` modulo 2^64 over the word's n UTF-8 bytes."""
    h = 0
    for byte in word.encode():
        h = (h * HASH_BASE + byte) & _MASK
    return h


def _hashes(words: list[bytes]) -> Any:
    """``_hash`` of each word (as UTF-8), in numpy (uint64 arithmetic wraps modulo 2^64): the
    sum of byte * HASH_BASE^-position over a word's bytes is a difference of one running sum
    over all the words' bytes, times HASH_BASE^(its last byte's position)."""
    import numpy as np

    data = np.frombuffer(b"".join(words), np.uint8).astype(np.uint64)
    ends = np.cumsum(np.fromiter(map(len, words), np.int64, len(words)))
    running = np.zeros(len(data) + 1, np.uint64)
    np.cumsum(data * _powers(_INVERSE, len(data)), out=running[1:])
    starts = np.concatenate((np.zeros(1, np.int64), ends[:-1]))
    return (running[ends] - running[starts]) * _powers(HASH_BASE, len(data))[ends - 1]


def _powers(base: int, n: int) -> Any:
    """base^0 .. base^(n-1) modulo 2^64."""
    import numpy as np

    powers = np.full(max(n, 1), base, np.uint64)
    powers[0] = 1
    return np.cumprod(powers, dtype=np.uint64)


@cache
def _table(language: str) -> _Table:
    """The language's table, kept in the user's cache once built (building it costs 0.3-0.4 s
    of CPU for German's 634,502 words at every process start, reading it a few ms); named by
    the list file's size and time, so an upgraded wordfreq gets its own."""
    listed = word_lists()[language]
    source = Path(listed)
    copy = cached_copy(f"wordfreq-{language}", source, f"-{HASH_BASE:x}.table")
    table = _Table.load(copy)
    if table is None:
        table = _Table.build(listed)
        try:
            write_whole(copy, table.save, source)
        except OSError:  # no writable cache: built in every process
            pass
    return table


@cache
def word_lists() -> dict[str, str]:
    """``wordfreq.available_languages("best")`` (language -> its list's path, the large list
    where there is one) read from wordfreq's data folder without importing wordfreq."""
    spec = importlib.util.find_spec("wordfreq")
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return {}
    data = Path(next(iter(folders)), "data")
    lists: dict[str, str] = {}
    names = sorted(os.listdir(data))  # one listing, not a glob per kind (a millisecond each)
    for kind in ("small", "large"):  # the large list wins where there is one
        for name in names:
            if name.startswith(f"{kind}_") and name.endswith(".msgpack.gz"):
                lists[name.split(".")[0].split("_", 1)[1]] = str(data / name)
    return lists


@cache
def exact_lists() -> frozenset[str]:
    """The languages wordfreq has a list of their own for (others it matches to the nearest)."""
    return frozenset(word_lists())


def zipf(word: str, language: str) -> float:
    """``wordfreq.zipf_frequency(word, language)``."""
    if language not in exact_lists():  # wordfreq finds the nearest list and says so
        from wordfreq import zipf_frequency

        return zipf_frequency(word, language)
    token = _plain_token(word, language)
    if token is not None:  # lossy_tokenize's answer, without importing it
        bucket = _table(language).bucket(token)
        # as _frequency's sum of one token's inverse frequency
        frequency = (MIN_FREQUENCY if bucket is None
                     else _rounded(1.0 / (1.0 / _cb_to_freq(-bucket))))
    else:
        frequency = _frequency(word, language)
    return round(math.log(frequency, 10) + 9, 2)  # wordfreq's freq_to_zipf


def listed(word: str, language: str) -> bool:
    """``word in wordfreq.get_frequency_dict(language)``: whether the language's list holds
    the word as it is spelt, found by its hash in the compact table, without the dict (30 MB
    for English) or wordfreq's import."""
    if language not in exact_lists():
        from wordfreq import get_frequency_dict

        return word in get_frequency_dict(language)
    return _table(language).bucket(word) is not None


def _plain_token(word: str, language: str) -> str | None:
    """The one token wordfreq's ``lossy_tokenize`` makes of a word of Latin letters in one of
    ``PLAIN_LANGUAGES`` (its NFC form case folded, then NFC again and case folded again by its
    tokenizer); None for other words and languages."""
    if language not in PLAIN_LANGUAGES:
        return None
    token = unicodedata.normalize("NFC", unicodedata.normalize("NFC", word).casefold())
    if token and all(c < LATIN_END and c.isalpha() for c in token) and token.casefold() == token:
        return token
    return None


def _cb_to_freq(cb: int) -> float:
    """wordfreq's ``cB_to_freq``: centibels to a frequency."""
    return 10 ** (cb / 100)


def _frequency(word: str, language: str) -> float:
    """wordfreq's ``_word_frequency`` with the ``minimum`` of zipf 0, looked up in the table."""
    from wordfreq.language_info import get_language_info
    from wordfreq.numbers import digit_freq, smash_numbers
    from wordfreq.tokens import lossy_tokenize

    tokens = lossy_tokenize(word, language)
    if not tokens:
        return MIN_FREQUENCY
    table = _table(language)
    one_over_result = 0.0
    for token in tokens:
        smashed = smash_numbers(token)
        bucket = table.bucket(smashed)
        if bucket is None:
            return MIN_FREQUENCY
        freq = _cb_to_freq(-bucket)
        if smashed != token:
            freq *= digit_freq(token)
        one_over_result += 1.0 / freq
    freq = 1.0 / one_over_result
    if get_language_info(language)["tokenizer"] == "jieba":
        freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
    return _rounded(freq)


def _rounded(freq: float) -> float:
    """The frequency floored at ``MIN_FREQUENCY`` and rounded to three significant digits, as
    wordfreq's ``_word_frequency`` gives it."""
    unrounded = max(freq, MIN_FREQUENCY)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return round(unrounded, leading_zeroes + 3)
