"""Lineage keys of a passage's words: an exact key and MinHash LSH band keys.

A pure function of the text, so the extraction worker makes them when it builds the document
(``pipeline.rows.derive``) and ``pipeline.lineage`` only looks them up:

    exact   a hash of the words (case, spacing and punctuation aside)
    bands   MinHash over word pairs, ``BANDS`` bands of ``ROWS`` rows, each band hashed to a key
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence

import numpy as np

from pipeline.textutil.signals import words

MIN_WORDS = 8
"""Shorter passages (headings, captions, a shared phrase) never take part: too little to tell
a copy from a coincidence."""
SHINGLE_WORDS = 2
"""Word pairs, not longer shingles: one changed word in a 10-word passage leaves 0.64 of its
pairs in common (0.45 of its 3-word shingles), so short edited passages still become
candidates."""
PERMUTATIONS = 128
BANDS, ROWS = 32, 4
"""32 bands of 4: a pair with half its word pairs in common is a candidate with probability
0.87, at 0.64 (one word changed in ten) 0.997; candidates are then confirmed on their texts, so
the loose band costs time, not precision."""
CHUNK_SHINGLES = 8192
"""Shingles permuted at a time by :func:`minhash` (8,192 x 128 permutations: 8 MB each)."""

_PRIME = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(20261205)  # fixed: signatures must match across runs
_A = _rng.integers(1, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)


def shingles(tokens: Sequence[str]) -> set[str]:
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens)}
    return {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def normal_words(text: str) -> list[str]:
    return [w.casefold() for w in words(text)]


def exact_key(tokens: Sequence[str]) -> int:
    digest = hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def band_keys(shingle_sets: Sequence[set[str]]) -> np.ndarray:
    """(passages, BANDS) int64 LSH keys; a band's key hashes its rows and its band number."""
    signatures = minhash(shingle_sets)
    keys = np.empty((len(shingle_sets), BANDS), dtype=np.int64)
    for band in range(BANDS):
        rows = signatures[:, band * ROWS:(band + 1) * ROWS]
        mixed = np.full(len(shingle_sets), ((band + 1) * 0x9E3779B97F4A7C15) % (1 << 64),
                        dtype=np.uint64)
        for column in range(ROWS):
            mixed = (mixed ^ rows[:, column]) * np.uint64(0x100000001B3)
        keys[:, band] = mixed.view(np.int64)
    return keys


def minhash(shingle_sets: Sequence[set[str]]) -> np.ndarray:
    """(passages, PERMUTATIONS) uint64 MinHash signatures, computed for all passages at once:
    every shingle's 32-bit CRC goes through the permutations ``(a·x + b) mod p`` and each
    passage keeps the minimum per permutation."""
    lengths = np.array([len(s) for s in shingle_sets], dtype=np.int64)
    hashes = np.fromiter((zlib.crc32(s.encode()) for group in shingle_sets for s in group),
                         dtype=np.uint64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    signatures = np.empty((len(shingle_sets), PERMUTATIONS), dtype=np.uint64)
    first = 0
    while first < len(shingle_sets):
        # Whole passages of at most CHUNK_SHINGLES shingles at a time (one longer passage
        # alone): each temporary array is then 8 MB, not the batch's hundreds of megabytes.
        last = max(first + 1, int(np.searchsorted(starts, starts[first] + CHUNK_SHINGLES)))
        lo, hi = starts[first], starts[last - 1] + lengths[last - 1]
        permuted = ((hashes[lo:hi, None] * _A[None, :] + _B[None, :]) % _PRIME) & _MASK32
        signatures[first:last] = np.minimum.reduceat(permuted, starts[first:last] - lo, axis=0)
        first = last
    return signatures


def passage_keys(texts: Sequence[str]) -> tuple[tuple[int, ...] | None, ...]:
    """Each text's keys, its exact key then its ``BANDS`` band keys, or None for a text of
    fewer than ``MIN_WORDS`` words (it never takes part in lineage)."""
    tokens = [normal_words(text) for text in texts]
    linkable = [i for i, t in enumerate(tokens) if len(t) >= MIN_WORDS]
    bands = band_keys([shingles(tokens[i]) for i in linkable]).tolist() if linkable else []
    keys: list[tuple[int, ...] | None] = [None] * len(texts)
    for i, band in zip(linkable, bands):
        keys[i] = (exact_key(tokens[i]), *band)
    return tuple(keys)
