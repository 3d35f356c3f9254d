"""Security: sources stay inside their allowed roots, parsers reach nothing outside the bytes,
and text from a source is only ever data."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
import stat
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.capture import CaptureOptions, capture, read_local, sniff
from pipeline.errors import CaptureError, FetchError, RegistryError
from pipeline.extract import extract
from pipeline.model import Capture, Source
from pipeline.net import address_refusal
from pipeline.registry import load_registry

SECRET = "TOP-SECRET-MARKER"


def registry_in(folder: Path, uris: dict[str, str], settings: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = "".join(f'[[source]]\nid = "{k}"\nuri = "{v}"\n\n' for k, v in uris.items())
    path = folder / "sources.toml"
    path.write_text(settings + "\n" + entries, encoding="utf-8")
    return path


def capture_all(registry: Path, store) -> dict[str, Capture | CaptureError]:
    """Capture each source with the options the ingest flow derives from the registry."""
    reg = load_registry(registry)
    options = CaptureOptions.of(reg)
    outcome: dict[str, Capture | CaptureError] = {}
    for source in reg.sources:
        try:
            outcome[source.id] = capture(source, store, options)
        except CaptureError as error:
            outcome[source.id] = error
    return outcome


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/registry/{inside.txt, sub/nested.txt}, tmp/outside/secret.txt"""
    (tmp_path / "registry" / "sub").mkdir(parents=True)
    (tmp_path / "registry" / "inside.txt").write_text("Inside the root.\n")
    (tmp_path / "registry" / "sub" / "nested.txt").write_text("Nested inside.\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(f"{SECRET}\n")
    return tmp_path


def test_dot_dot_and_symlinks_cannot_leave_the_registry_folder(layout: Path, store):
    root = layout / "registry"
    (root / "escape-link.txt").symlink_to(layout / "outside" / "secret.txt")
    (root / "dir-link").symlink_to(layout / "outside")
    (root / "inner-link.txt").symlink_to(root / "sub" / "nested.txt")
    registry = registry_in(root, {
        "inside": "inside.txt", "nested": "sub/../sub/nested.txt", "inner-link": "inner-link.txt",
        "dotdot": "../outside/secret.txt", "link": "escape-link.txt",
        "dir-link": "dir-link/secret.txt", "absolute": str(layout / "outside" / "secret.txt")})
    outcome = capture_all(registry, store)
    refused = {k for k, v in outcome.items() if isinstance(v, CaptureError)}
    assert refused == {"dotdot", "link", "dir-link", "absolute"}
    for source_id in refused:
        assert "outside the allowed folders" in outcome[source_id].message
        assert "allowed_roots" in outcome[source_id].message
    stored = b"".join(store.read_blob(p.name) for p in store.blobs())
    assert SECRET.encode() not in stored


def test_a_file_replaced_by_a_symlink_after_loading_is_refused(layout: Path, store):
    root = layout / "registry"
    registry = load_registry(registry_in(root, {"inside": "inside.txt"}))
    (root / "inside.txt").unlink()
    (root / "inside.txt").symlink_to(layout / "outside" / "secret.txt")
    with pytest.raises(CaptureError, match="outside the allowed folders"):
        capture(registry.sources[0], store, CaptureOptions(allowed_roots=registry.allowed_roots))


def test_allowed_roots_in_settings_extend_the_registry_folder(layout: Path, store):
    registry = registry_in(layout / "registry", {"dotdot": "../outside/secret.txt"},
                           settings='[settings]\nallowed_roots = ["../outside"]\n')
    outcome = capture_all(registry, store)
    assert isinstance(outcome["dotdot"], Capture)


def test_allowed_roots_must_be_a_list_of_folders(layout: Path):
    registry = registry_in(layout / "registry", {"inside": "inside.txt"},
                           settings='[settings]\nallowed_roots = "/"\n')
    with pytest.raises(RegistryError, match="allowed_roots must be a list"):
        load_registry(registry)


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/1"])
def test_only_http_https_and_paths_are_registry_sources(layout: Path, uri: str):
    with pytest.raises(RegistryError, match="not supported"):
        load_registry(registry_in(layout / "registry", {"bad": uri}))


def test_a_name_resolving_to_loopback_is_refused_when_only_the_address_is_allowed(store):
    options = CaptureOptions(allow_private_hosts=("127.0.0.1",), retries=0)
    with pytest.raises(FetchError, match="localhost resolves to the non-public address"):
        capture(Source("local", "http://localhost:9/x"), store, options)


@pytest.fixture
def listener():
    """A loopback server that records every request a parser might make."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            body = SECRET.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def _extract_text(data: bytes) -> str:
    media_type, kind = sniff(data, None, "page.html")
    capture_ = Capture(source_id="page", uri="page.html", captured_at=datetime.now(timezone.utc),
                       sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                       media_type=media_type, kind=kind)
    extraction = extract(data, capture_)
    return "\n".join(b.text for b in extraction.blocks) + "".join(r.text for r in extraction.removed)


@pytest.mark.parametrize("prolog", ["<?xml version='1.0'?>\n", ""])
def test_html_parsing_resolves_no_external_entities_and_fetches_nothing(layout, listener, prolog):
    base, requests = listener
    secret_file = layout / "outside" / "secret.txt"
    page = (f'{prolog}<!DOCTYPE html [\n<!ENTITY local SYSTEM "file://{secret_file}">\n'
            f'<!ENTITY remote SYSTEM "{base}/entity">\n]>\n'
            f'<html><head><link rel="stylesheet" href="{base}/style.css"></head><body>'
            f'<p>Before &local; and &remote; after.</p><img src="{base}/img.png">'
            f'<iframe src="{base}/frame"></iframe></body></html>').encode()
    text = _extract_text(page)
    assert "Before" in text and "after" in text
    assert SECRET not in text
    assert requests == []


def test_hostile_text_is_archived_verbatim_and_executes_nothing(tmp_path, store):
    from pipeline.archive import Archive, RunWriter
    from pipeline.build import build_document

    canary = tmp_path / "pwned"
    hostile = (f"Robert'); DROP TABLE passages;--\n\n$(touch {canary}) `touch {canary}` "
               f"{{__import__('os').system('touch {canary}')}} %s %(x)s {{0}}\n")
    (tmp_path / "hostile.txt").write_text(hostile)
    source = Source("hostile", str(tmp_path / "hostile.txt"))
    captured = capture(source, store)
    built = build_document(captured, store, None)
    run = RunWriter("run-1", datetime.now(timezone.utc))
    run.add_capture(captured)
    run.add_document(built.document, source, captured, built.doc_version)
    archive = Archive(store)
    archive.commit(run)
    texts = archive.read("passages")["text"].to_pylist()
    assert any("DROP TABLE passages" in t for t in texts)
    assert any(f"$(touch {canary})" in t for t in texts)
    assert not canary.exists()
    assert archive.read("documents").num_rows == 1


# -- special files (#13) ---------------------------------------------------------------------

@pytest.mark.timeout(20)  # before #13 the open waited for a writer for ever
def test_issue_13_a_fifo_among_the_sources_is_refused_at_once(layout: Path, store):
    root = layout / "registry"
    os.mkfifo(root / "pipe.txt")
    registry = registry_in(root, {"pipe": "pipe.txt", "inside": "inside.txt"})
    started = time.monotonic()
    outcome = capture_all(registry, store)
    assert time.monotonic() - started < 5
    assert "is a FIFO (named pipe), not a regular file" in outcome["pipe"].message
    assert isinstance(outcome["inside"], Capture)


def test_issue_13_a_device_node_is_refused_not_read_without_end(layout: Path, store):
    root = layout / "registry"
    try:
        os.mknod(root / "zero.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("mknod needs CAP_MKNOD")
    outcome = capture_all(registry_in(root, {"zero": "zero.txt"}), store)
    assert "is a character device, not a regular file" in outcome["zero"].message
    assert store.blobs() == []


def test_issue_13_a_link_to_a_device_is_refused_even_where_any_folder_is_allowed(tmp_path, store):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    with pytest.raises(CaptureError, match="/dev/zero is a character device"):
        capture(Source("zero", str(tmp_path / "zero.txt")), store)  # no allowed_roots at all
    with pytest.raises(CaptureError, match="/dev/zero is a character device"):
        read_local(tmp_path / "zero.txt")


def test_a_directory_source_is_refused(layout: Path, store):
    outcome = capture_all(registry_in(layout / "registry", {"dir": "sub"}), store)
    assert "is a directory, not a regular file" in outcome["dir"].message


# -- addresses (#13) -------------------------------------------------------------------------

@pytest.mark.parametrize("address, why", [
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.254", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"), ("192.0.2.1", "documentation"),
    ("203.0.113.9", "documentation"), ("198.18.0.1", "benchmarking"),
    ("192.88.99.1", "6to4 relay"), ("192.0.0.170", "IETF protocol"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"),
    ("fc00::1", "private"), ("fd12:3456::1", "private"), ("ff02::1", "multicast"),
    ("fec0::1", "site-local"), ("2001:db8::1", "documentation"), ("3fff::1", "documentation"),
    ("100::1", "discard"), ("2001::1", "IETF protocol"), ("5f00::1", "segment routing"),
    ("64:ff9b:1::1", "translation"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:100.64.0.1", "carrier-grade NAT"),
    ("64:ff9b::a00:1", "private"), ("2002:c0a8:101::1", "private"),  # NAT64, 6to4 of 192.168.1.1
])
def test_issue_13_special_use_addresses_are_refused(address: str, why: str):
    assert why in (address_refusal(ipaddress.ip_address(address)) or "public")


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111",
                                     "64:ff9b::808:808", "::ffff:8.8.8.8"])
def test_public_addresses_pass_the_check(address: str):
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.fixture
def loopback_only(monkeypatch):
    """Connections to anything but loopback fail at once (tests stay off the network)."""
    real_connect = socket.create_connection

    def connect(address, *args, **kwargs):
        if not ipaddress.ip_address(socket.getaddrinfo(*address)[0][4][0]).is_loopback:
            raise ConnectionRefusedError(111, "no network in tests")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", connect)


@pytest.mark.parametrize("host", ["100.64.0.1", "224.0.0.1"])
def test_issue_13_a_url_on_a_carrier_grade_nat_or_multicast_address_is_refused(store, host,
                                                                               loopback_only):
    with pytest.raises(FetchError, match=f"non-public address {host} "):
        capture(Source("cgn", f"http://{host}/x"), store, CaptureOptions(retries=0))


def test_issue_13_dns_rebinding_cannot_switch_the_checked_address(store, listener, monkeypatch):
    """The name answers a public address first and loopback after: the capture must connect
    to the address it checked (refused here, to stay off the network), never to loopback."""
    base, requests = listener
    port = int(base.rsplit(":", 1)[1])
    answers = iter(["93.184.215.14"] + ["127.0.0.1"] * 10)
    lookups: list[str] = []
    connected: list[str] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection

    def rebinding_getaddrinfo(host, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(address := next(answers))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def loopback_only_connect(address, *args, **kwargs):
        host = address[0]
        if host == "rebind.example":  # a client that resolves the name again when it connects
            host = rebinding_getaddrinfo(host, port)[0][4][0]
        connected.append(host)
        if not ipaddress.ip_address(host).is_loopback:
            raise ConnectionRefusedError(111, "no network in tests")
        return real_connect((host, address[1]), *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", loopback_only_connect)
    with pytest.raises(FetchError, match="could not reach"):
        capture(Source("rebind", f"http://rebind.example:{port}/x"), store,
                CaptureOptions(retries=0))
    assert requests == [] and store.blobs() == []
    assert lookups == ["93.184.215.14"] and connected == ["93.184.215.14"]


def _certificate_for(name: str, folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (its own CA): (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now.replace(year=now.year + 1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_pem, key_pem = folder / "cert.pem", folder / "key.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert_pem, key_pem


def test_a_pinned_https_connection_still_names_the_host_in_sni_and_the_certificate_check(
        tmp_path, store, monkeypatch):
    import ssl

    import pipeline.capture

    cert, key = _certificate_for("pinned.example", tmp_path)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    names: list[str | None] = []
    server_side.sni_callback = lambda sock, name, context: names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"Served over TLS.\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_side.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real_getaddrinfo(
        "127.0.0.1" if host == "pinned.example" else host, *a, **k))
    monkeypatch.setattr(pipeline.capture, "_ssl_context",
                        lambda: ssl.create_default_context(cafile=str(cert)))
    try:
        result = capture(Source("tls", f"https://pinned.example:{port}/"), store,
                         CaptureOptions(allow_private_hosts=("pinned.example",), retries=0))
    finally:
        server.shutdown()
        server.server_close()
    assert store.read_blob(result.sha256) == b"Served over TLS.\n"
    assert names == ["pinned.example"]


# -- messages (#13) --------------------------------------------------------------------------

def test_issue_13_a_symlink_refusal_names_the_link_and_its_target(layout: Path, store):
    root = layout / "registry"
    (root / "escape-link.txt").symlink_to(layout / "outside" / "secret.txt")
    (root / "dir-link").symlink_to(layout / "outside")
    outcome = capture_all(registry_in(root, {"link": "escape-link.txt",
                                             "dir-link": "dir-link/secret.txt"}), store)
    secret = layout / "outside" / "secret.txt"
    assert outcome["link"].message.startswith(
        f"{root / 'escape-link.txt'} resolves to {secret} (through the symlink "
        f"{root / 'escape-link.txt'} -> {secret}), outside the allowed folders")
    assert outcome["dir-link"].message.startswith(
        f"{root / 'dir-link' / 'secret.txt'} resolves to {secret} (through the symlink "
        f"{root / 'dir-link'} -> {layout / 'outside'}), outside the allowed folders")


def test_issue_13_a_10000_character_id_or_url_is_cut_in_capture_messages(store):
    source = Source("x" * 10_000, "http://224.0.0.1/" + "q" * 10_000)
    with pytest.raises(FetchError) as error:
        capture(source, store, CaptureOptions(retries=0))
    assert len(str(error.value)) < 500 and "(10,000 characters)" in str(error.value)
    closed_port = "http://127.0.0.1:9/" + "q" * 10_000
    with pytest.raises(FetchError, match="could not reach") as error:
        capture(Source("long-url", closed_port), store,
                CaptureOptions(retries=0, allow_private_hosts=("127.0.0.1",)))
    assert len(str(error.value)) < 500 and "(10,019 characters)" in str(error.value)

