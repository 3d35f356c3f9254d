"""Guards for reading HTTP bodies: Content-Encoding undone within a byte limit.

A compressed body is the bytes as sent (what a WARC record keeps); the entity the server
meant is those bytes with ``Content-Encoding`` undone. A 1 MB gzip stream can inflate to
1 GiB, so the decoder counts decoded bytes as they are produced and stops at the limit,
instead of inflating a whole body and measuring it afterwards.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

DECODE_PIECE = 64 * 1024
"""Largest piece one inflate step may produce: memory beyond the limit is at most this."""
_ZLIB_CODINGS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16,
                 "deflate": zlib.MAX_WBITS}


class DecodedTooLarge(Exception):
    """Undoing Content-Encoding produced more bytes than the limit."""


class DecodingFailed(Exception):
    """The body is not valid data for its Content-Encoding."""


class ContentDecoder:
    """Undoes a ``Content-Encoding`` chain chunk by chunk, refusing to produce over ``limit`` bytes.

    Codings are undone in reverse order of listing (RFC 9110 §8.4). gzip and deflate (zlib or,
    as some servers send it, raw deflate) are undone; other codings are left as they are, as
    httpx does, since only ``gzip, deflate`` are ever asked for. Every stage of a chain counts
    its own output, so an inner stage cannot grow without bound either.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        self._stages = [_Inflater(c, limit) for c in reversed(codings) if c in _ZLIB_CODINGS]

    @property
    def identity(self) -> bool:
        return not self._stages

    def decode(self, chunk: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``chunk``; raises DecodedTooLarge or DecodingFailed."""
        pieces: Iterator[bytes] = iter((chunk,))
        for stage in self._stages:
            pieces = stage.feed_all(pieces)
        return pieces


class _Inflater:
    def __init__(self, coding: str, limit: int) -> None:
        self._coding = coding
        self._limit = limit
        self._produced = 0
        self._first = True
        self._zlib = zlib.decompressobj(_ZLIB_CODINGS[coding])

    def feed_all(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            yield from self._feed(piece)

    def _feed(self, data: bytes) -> Iterator[bytes]:
        # After the end of the stream zlib would keep appending input to unused_data.
        while not self._zlib.eof:
            out = self._inflate(data)
            data = self._zlib.unconsumed_tail
            self._produced += len(out)
            if self._produced > self._limit:
                raise DecodedTooLarge(f"{self._coding} body inflates past {self._limit:,} bytes")
            if out:
                yield out
            if not data and len(out) < DECODE_PIECE:
                return

    def _inflate(self, data: bytes) -> bytes:
        first, self._first = self._first, False
        try:
            return self._zlib.decompress(data, DECODE_PIECE)
        except zlib.error as exc:
            if first and self._coding == "deflate":  # raw deflate, without the zlib header
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._inflate(data)
            raise DecodingFailed(f"{self._coding}: {exc}") from None
