"""Word frequencies from wordfreq's lists, held compactly: ``zipf(word, language)`` gives what
``wordfreq.zipf_frequency`` gives.

wordfreq keeps a language's list twice once it is asked about a word (its buckets of words and a
dict of every word, both cached for the process): about 70 MB for German, 30 MB for English,
more than the rest of a PDF extraction holds. Here the list is read bucket by bucket and kept as
two arrays, the words' 64-bit hashes (of their UTF-8) sorted and their bucket numbers, 10 bytes
a word (6 MB for German's 634,502 words), sorted by numpy (only the hashing runs in Python). A
word is found by its hash alone, so a word wordfreq does not list could take the bucket of one
it does whose hash is the same: with 64-bit hashes, about one look-up in 10^13. Tokenising,
digits and rounding are wordfreq's own functions, applied as ``wordfreq.word_frequency`` applies
them; a language wordfreq has no exact list for is asked of wordfreq itself.
"""

from __future__ import annotations

import gzip
import math
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from functools import cache

import msgpack  # type: ignore[import-untyped]
from wordfreq import available_languages, cB_to_freq, freq_to_zipf, zipf_frequency
from wordfreq.language_info import get_language_info
from wordfreq.numbers import digit_freq, has_digit_sequence, smash_numbers
from wordfreq.tokens import lossy_tokenize

INFERRED_SPACE_FACTOR = 10.0
"""wordfreq's penalty per word break its Chinese tokenizer inferred (``wordfreq.__init__``)."""
MIN_FREQUENCY = 1e-9
"""zipf 0, the floor ``zipf_frequency`` passes as its minimum."""


def _buckets(path: str) -> Iterator[list[str]]:
    """The buckets of words of a cBpack file, most frequent first, one in memory at a time."""
    with gzip.open(path, "rb") as packed:
        unpacker = msgpack.Unpacker(packed, raw=False)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"{path}: not a wordfreq cBpack file ({header!r})")
        for _ in range(count - 1):
            yield unpacker.unpack()


def top_words(language: str, n: int) -> list[str]:
    """``wordfreq.top_n_list(language, n)`` for a language with an exact list, reading only
    the list's first buckets: wordfreq's own reads the whole list and caches it for the
    process (10-70 MB a language; a crawl in many languages held hundreds of MB)."""
    words: list[str] = []
    for bucket in _buckets(available_languages("best")[language]):
        words += [w for w in bucket if not has_digit_sequence(w)][:n - len(words)]
        if len(words) >= n:
            break
    return words


class _Table:
    """A word list's words (by hash) and their buckets (centibels below 1), sorted by hash."""

    def __init__(self, path: str) -> None:
        import numpy as np  # here, not at the top: only building the table needs it

        listed: array[int] = array("q")  # every word's hash, in the list's order
        ends = []  # where each bucket's words end in ``listed``
        for words in _buckets(path):  # one bucket's words in memory at a time
            listed.extend(map(_hash, words))
            ends.append(len(listed))
        order = np.argsort(np.frombuffer(listed, np.int64), kind="stable")
        hashes = np.frombuffer(listed, np.int64)[order]
        buckets = np.searchsorted(ends, order, side="right").astype(np.uint16)
        del order, listed  # the largest temporaries, before the last copies
        # a word listed twice keeps its last bucket, as in wordfreq's dict (stable sort: the
        # last of equal hashes is the last listed)
        last = np.append(hashes[1:] != hashes[:-1], True)
        self._hashes: array[int] = array("q", hashes[last].tobytes())
        self._buckets: array[int] = array("H", buckets[last].tobytes())

    def bucket(self, word: str) -> int | None:
        h = _hash(word)
        i = bisect_left(self._hashes, h)
        if i < len(self._hashes) and self._hashes[i] == h:
            return self._buckets[i]
        return None


def _hash(word: str) -> int:
    # of the UTF-8 bytes: str's hash reads its internal buffer, so "e0" and "づ" (U+3065,
    # stored as the bytes 65 30) hash alike
    return hash(word.encode())


@cache
def _table(language: str) -> _Table:
    return _Table(available_languages("best")[language])


@cache
def exact_lists() -> frozenset[str]:
    """The languages wordfreq has a list of their own for (others it matches to the nearest)."""
    return frozenset(available_languages("best"))


def zipf(word: str, language: str) -> float:
    """``wordfreq.zipf_frequency(word, language)``."""
    if language not in exact_lists():  # wordfreq finds the nearest list and says so
        return zipf_frequency(word, language)
    return round(freq_to_zipf(_frequency(word, language)), 2)


def _frequency(word: str, language: str) -> float:
    """wordfreq's ``_word_frequency`` with the ``minimum`` of zipf 0, looked up in the table."""
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
        freq = cB_to_freq(-bucket)
        if smashed != token:
            freq *= digit_freq(token)
        one_over_result += 1.0 / freq
    freq = 1.0 / one_over_result
    if get_language_info(language)["tokenizer"] == "jieba":
        freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)
    unrounded = max(freq, MIN_FREQUENCY)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return round(unrounded, leading_zeroes + 3)
