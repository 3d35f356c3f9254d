"""py3langid's identifier guessing many texts at once, each exactly as it guesses it alone.

``classify`` counts a text's features by walking the model's automaton (Aho-Corasick over
byte n-grams) in Python, one step per byte: most of a guess's time. :meth:`classify_all`
walks all the texts at once in numpy, each behind a separator byte that sends every state
back to the start. The state after a byte is the deepest node of the automaton that the bytes
up to it end with, and a node is at most ``WINDOW`` bytes deep, so every state is first read
from the start over the ``WINDOW`` bytes ending there, then checked against one step from the
state before it, and stepped again until each state is that step: exact whatever the model's
depth. The counts then go text by text through ``classify``'s own arithmetic, on arrays of the
same types, lengths and order, so the scores are the same to the last bit.

Written against py3langid 0.4 (its identifier's fields and ``_decide``); a test compares
every answer with py3langid's ``classify``. Imported with the model: py3langid imports numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from py3langid.langid import LanguageIdentifier

SEPARATOR = b"\xff"
"""Never in UTF-8; in py3langid 0.4's model it leads from every state to the start."""
WINDOW = 6
"""The depth of py3langid 0.4's deepest node (its features are n-grams of up to 6 bytes)."""
BATCH_BYTES = 1 << 18
"""Bytes walked at once: the walk holds a few 8-byte integers per byte (a book's passages
would otherwise take hundreds of megabytes)."""


class BatchIdentifier(LanguageIdentifier):  # type: ignore[misc]
    __slots__ = ("_moves", "_row_starts", "_outputs", "_batch")

    def __init__(self, nb_ptc: Any, nb_pc: Any, nb_classes: list[str], tk_nextmove: Any,
                 tk_output: Any, norm_probs: bool = False, min_confidence: float | None = None,
                 *, tk_row: Any) -> None:
        """LanguageIdentifier's, but for two lists of Python ints that only ``classify``'s
        byte walk reads (the rows' shifted offsets and the outputs): made when first read
        (``__getattr__``), not at every load of the model, of whose instructions they were a
        third. ``tk_output`` may be an array."""
        super().__init__(nb_ptc, nb_pc, nb_classes, tk_nextmove, [], norm_probs,
                         min_confidence, tk_row=())
        for name in _MADE_WHEN_READ:
            delattr(self, name)
        object.__setattr__(self, "tk_row", tk_row)  # LanguageIdentifier's slot
        self._moves = np.asarray(self.tk_nextmove)
        self._row_starts = np.asarray(tk_row, dtype=np.intp) << 8
        self._outputs = np.asarray(tk_output, dtype=np.intp)
        # The walk needs a separator that returns every state to the start, where no feature
        # is counted (checked in every row of the transition table, 256 moves a row); the
        # arithmetic below is classify's with norm_probs and no threshold.
        self._batch = bool(self._outputs[0] < 0 and self._norm_probs
                           and self.min_confidence is None
                           and not self._moves[SEPARATOR[0]::256].any())

    def __getattr__(self, name: str) -> Any:
        """One of the lists ``__init__`` leaves unset, made as LanguageIdentifier makes it."""
        make = _MADE_WHEN_READ.get(name)
        if make is None:
            raise AttributeError(name)
        value = make(self)
        object.__setattr__(self, name, value)
        return value

    def classify_all(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """``[self.classify(text) for text in texts]``."""
        # The scores are float32 as in classify only with a float32 model (the cached copy's
        # table and py3langid's own float16 one both give float32 products).
        if not self._batch or not texts or \
                np.result_type(np.float32, self.nb_ptc.dtype, self.nb_pc.dtype) != np.float32:
            return [self.classify(text) for text in texts]
        samples = [self._encode(text) for text in texts]
        answers: list[tuple[str, float]] = []
        start = 0
        while start < len(samples):  # batches of about BATCH_BYTES: the walk's arrays
            end, size = start + 1, len(samples[start])
            while end < len(samples) and size + len(samples[end]) <= BATCH_BYTES:
                size += len(samples[end])
                end += 1
            answers += self._answers(samples[start:end])
            start = end
        return answers

    def _answers(self, samples: list[bytes]) -> list[tuple[str, float]]:
        """classify's answer for each sample. Each sample's scores are a row of one float32
        array, each row from its own product, then normalised all at once by classify's
        elementwise operations; a row's maximum, sum and argmax reduce that row alone, in the
        same order, so the answers are classify's to the last bit."""
        scores = np.zeros((len(samples), len(self.nb_classes)), dtype=np.float32)
        for row, counted in zip(scores, self._features(samples)):
            if counted is not None:
                features, counts = counted
                # take: the same rows as indexing gives, copied a row at a time, not a value
                row[:] = np.log1p(counts) @ self.nb_ptc.take(features, axis=0) + self.nb_pc
        scores *= np.array([1.0 / math.sqrt(len(sample) or 1) for sample in samples],
                           dtype=np.float32)[:, None]
        np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        for first, dupe in self._alias_pairs:
            scores[:, first] += scores[:, dupe]
            scores[:, dupe] = 0.0
        best = scores.argmax(axis=1)
        return [(self.nb_classes[b], p)
                for b, p in zip(best.tolist(), scores[np.arange(len(samples)), best].tolist())]

    def _features(self, samples: list[bytes]) -> list[tuple[Any, Any] | None]:
        """Per sample, its features (intp) and their counts (float32) in the order they first
        occur, as py3langid's ``visit_counts`` Counter holds them; None for none."""
        data = np.frombuffer(SEPARATOR * WINDOW + SEPARATOR.join(samples), dtype=np.uint8)
        moves, row_starts = self._moves, self._row_starts
        # From the WINDOW-th byte on (the bytes before it are separators): each sample's
        # separator, then the sample.
        read = data[WINDOW - 1:]
        state = np.zeros(len(read), dtype=np.intp)
        for back in range(WINDOW):
            state = moves[row_starts[state] + data[back:back + len(read)]]
        while True:
            stepped = moves[row_starts[np.concatenate(((0,), state[:-1]))] + read]
            if np.array_equal(stepped, state):
                break
            state = stepped
        found = self._outputs[state]
        lengths = np.fromiter(map(len, samples), dtype=np.intp, count=len(samples))
        owner = np.repeat(np.arange(len(samples)), lengths + 1)
        kept = found >= 0
        span = len(self._outputs)
        keys, firsts, counts = np.unique(owner[kept] * span + found[kept],
                                         return_index=True, return_counts=True)
        order = np.argsort(firsts)  # samples in order, each one's features as first met
        keys, counts = keys[order], counts[order]
        owners = keys // span
        features = keys - owners * span
        bounds = np.searchsorted(owners, np.arange(len(samples) + 1)).tolist()
        # Fresh arrays per sample, as visit_counts' Counter gives _sparse_score.
        return [(features[a:b].copy(), counts[a:b].astype(np.float32)) if b > a else None
                for a, b in zip(bounds, bounds[1:])]


_MADE_WHEN_READ: dict[str, Callable[[BatchIdentifier], list[int]]] = {
    "_rowbase": lambda model: [row << 8 for row in model.tk_row],
    "tk_output": lambda model: model._outputs.tolist()}
"""LanguageIdentifier's lists that BatchIdentifier makes only when ``classify`` reads them."""
