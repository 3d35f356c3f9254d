"""Shared fixtures: a temporary store, a cache folder that cannot be written, a Prefect test
harness, the sample corpus, and an S3 store on a moto server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEEDS = EXAMPLES / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture
def store(tmp_path: Path):
    """An empty store (raw/ + curated/) in a temporary folder."""
    from pipeline.store import Store

    return Store.at(tmp_path / "store")


@pytest.fixture
def unwritable_cache(monkeypatch, tmp_path: Path) -> None:
    """The user's cache folder is a file: nothing can be cached, as on a read-only home."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect API and database for the whole session (≈ 6 s once)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # 120 s: under load (two cores shared) the harness server has taken over 30 s to start.
    with prefect_test_harness(server_startup_timeout=120), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


S3_BUCKET = "archive-test"


@pytest.fixture(scope="module")
def s3_server():
    """A moto S3 server on 127.0.0.1 (a thread of this process); yields its URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_server, monkeypatch, request):
    """A fresh prefix in a bucket of the moto server, configured through the environment
    (which worker processes started by the test inherit)."""
    from pyarrow import fs

    from pipeline.store import Store

    for name, value in {"AWS_ENDPOINT_URL": s3_server, "AWS_ALLOW_HTTP": "true",
                        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    admin = fs.S3FileSystem(endpoint_override=s3_server, scheme="http", access_key="testing",
                            secret_key="testing", region="us-east-1",
                            allow_bucket_creation=True)
    admin.create_dir(S3_BUCKET)
    return Store.at(f"s3://{S3_BUCKET}/{request.node.name}")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of examples/ (seeds + sources.toml); returns the registry path."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("*.pdf", "html"))
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target / "sources.toml"


class Routes(dict):
    """path -> (status, headers, body) served by :func:`http_server`, or a function called on
    each request that returns them (a source that answers differently over time); tests edit
    it live."""


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 serving ``server.routes``; yields (base_url, routes)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    routes = Routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            route = routes.get(self.path, (404, {}, b"not found"))
            status, headers, body = route() if callable(route) else route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", routes
    server.shutdown()
    server.server_close()
