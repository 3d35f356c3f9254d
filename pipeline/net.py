"""Guards for HTTP capture: which addresses may be reached, a deadline, and a decoded-size limit.

- :func:`address_refusal` names the special-use range (private, loopback, carrier-grade NAT,
  multicast, documentation, ...) an address lies in; such addresses are not fetched from.
- :class:`GuardedBackend` is the connection layer under httpx: it resolves a host once, checks
  every address, and connects to a checked one, so a DNS answer that changes between the
  check and the connection (DNS rebinding) cannot redirect it. TLS still names the host.
- :class:`Deadline` bounds a whole capture: every connect, read and write waits at most until
  it, across redirects and retries, so a server trickling a byte a second cannot hold a run.
- :class:`ContentDecoder` undoes ``Content-Encoding`` chunk by chunk within a byte limit: a
  1 MB gzip stream can inflate to 1 GiB, so decoded bytes are counted as they are produced
  instead of inflating a whole body and measuring it afterwards. The body as sent is what a
  WARC record keeps; the decoded one is the entity the server meant.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
import typing
import zlib
from collections.abc import Iterable, Iterator

import httpcore
import httpx

from pipeline.errors import FetchError, shorten

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Special-use ranges (IANA IPv4/IPv6 special-purpose registries) that the ``ipaddress`` flags of
# Python 3.11 leave global or do not name.
_SPECIAL_NETWORKS = tuple((ipaddress.ip_network(net), name) for net, name in (
    ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.0.2.0/24", "documentation"), ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("198.18.0.0/15", "benchmarking"),
    ("255.255.255.255/32", "limited broadcast"),
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing (SRv6) identifiers"),
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_FLAGS = (("is_unspecified", "unspecified"), ("is_loopback", "loopback"),
          ("is_link_local", "link-local"), ("is_multicast", "multicast"),
          ("is_site_local", "site-local"), ("is_reserved", "reserved"), ("is_private", "private"))


def address_refusal(address: IPAddress) -> str | None:
    """The special-use range ``address`` lies in (why it may not be fetched from), or None.

    An IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64's 64:ff9b::/96, 6to4) is
    judged by the IPv4 address it leads to.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in _NAT64 else None)
        if embedded is not None:
            return address_refusal(embedded)
    for network, name in _SPECIAL_NETWORKS:
        if address.version == network.version and address in network:
            return name
    for flag, name in _FLAGS:
        if getattr(address, flag, False):
            return name
    return None if address.is_global else "not globally reachable"


class Deadline:
    """A moment, ``seconds`` from now, after which no network operation of a capture may wait.

    Name resolution is the exception: ``getaddrinfo`` cannot be interrupted, so a stalling
    resolver is bounded by its own timeouts (resolv.conf), not by this deadline.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.remaining() <= 0

    def clamp(self, timeout: float | None, error: type[Exception]) -> float:
        """``timeout`` shortened to the time left; raises ``error`` if none is left."""
        left = self.remaining()
        if left <= 0:
            raise error("the capture deadline has passed")
        return left if timeout is None else min(timeout, left)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's connections, made only to checked addresses and bounded by a deadline.

    A host is resolved once per connection; if any of its addresses is special-use (see
    :func:`address_refusal`) the connection is refused with a :class:`FetchError`, unless the
    host is in ``allow_private_hosts``. The socket then connects to one of those very
    addresses, while the URL, the Host header and TLS (SNI, certificate check) keep the name.
    """

    def __init__(self, source_id: str, allow_private_hosts: Iterable[str],
                 deadline: Deadline) -> None:
        self._source_id = source_id
        self._allowed = {host.lower().strip("[]") for host in allow_private_hosts}
        self._deadline = deadline
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None,
                    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in self.checked_addresses(host, port):
            try:
                stream = self._sockets.connect_tcp(
                    address, port, self._deadline.clamp(timeout, httpcore.ConnectTimeout),
                    local_address, socket_options)
                return _DeadlineStream(stream, self._deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, once; FetchError if one of them is special-use."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise FetchError(f"cannot resolve host {shorten(host)!r}: {exc.strerror}",
                             source_id=self._source_id, transient=True) from None
        # info[4][0] is the address as a string (the int form is only for non-IP families)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if host.lower() not in self._allowed:
            for address in addresses:
                ip = ipaddress.ip_address(address.split("%")[0])
                why = address_refusal(ip)
                if why is not None:
                    raise FetchError(
                        f"{shorten(host)} resolves to the non-public address {ip} ({why}); "
                        "add it to [settings] allow_private_hosts in the registry to allow it",
                        source_id=self._source_id)
        return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        secured = self._stream.start_tls(ssl_context, server_hostname,
                                         self._deadline.clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(secured, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's HTTP transport over a :class:`GuardedBackend`.

    A client given a transport ignores ``HTTP(S)_PROXY`` from the environment, as it must:
    a proxy would resolve the name itself, past the address check.
    """

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext) -> None:
        # httpx 0.28 takes no network backend (encode/httpx#3749 proposes one); handle_request
        # and close only use the pool, so the pool is built here instead of in super().__init__.
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)

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
