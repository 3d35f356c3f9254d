"""Re-ingest cost: a full ingest of a generated corpus, then a re-ingest where nothing changed.

    python benchmarks/reingest.py [--sources 1000] [--workers 4] [--bench ../shared/bench]
                                  [--keep DIR]

Builds ``--sources`` HTML pages from the 181 real pages of the web benchmark (each copy made
unique by a comment; real pages carry real chrome, median 115 KB), or generated pages when the
bench data is not there, serves them from a local HTTP server on 127.0.0.1 with
ETag and Last-Modified (304 on a matching If-None-Match), and runs the real ingest flow twice
into a fresh store: run 1 captures and extracts everything (the baseline), run 2 should only
send conditional requests and record revisits. Prints both times and the ratio run2/run1 last.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import random
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("river border market night guide winter shelter letter village road paper journey "
         "trader season guard water town family promise spring rice phone").split()


def generate(n: int, seed: int = 6) -> dict[str, tuple[bytes, str, str]]:
    """path -> (body, ETag, Last-Modified) for ``n`` pages of 4-8 paragraphs each."""
    rng = random.Random(seed)
    pages = {}
    for i in range(n):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))).capitalize()
            + ".</p>\n" for _ in range(rng.randint(4, 8)))
        body = (f"<!doctype html><html lang=\"en\"><head><title>Page {i}</title></head><body>"
                f"<nav><a href=\"/\">Home</a></nav><article><h1>Page {i}</h1>\n{paragraphs}"
                "</article><footer>Generated corpus</footer></body></html>").encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        pages[f"/page-{i:05d}.html"] = (body, etag, formatdate(1_700_000_000 + i, usegmt=True))
    return pages


def real_pages(n: int, bench: Path) -> dict[str, tuple[bytes, str, str]] | None:
    """``n`` pages cycled from the web benchmark's real pages, or None without the data."""
    files = sorted((bench / "web" / "scrapinghub" / "html").glob("*.html.gz"))
    if not files:
        return None
    originals = [gzip.decompress(f.read_bytes()) for f in files]
    pages = {}
    for i in range(n):
        body = originals[i % len(originals)] + f"\n<!-- copy {i} -->\n".encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        pages[f"/page-{i:05d}.html"] = (body, etag, formatdate(1_700_000_000 + i, usegmt=True))
    return pages


def serve(pages: dict[str, tuple[bytes, str, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body, etag, modified = pages[self.path]
            fresh = self.headers.get("If-None-Match") == etag
            self.send_response(304 if fresh else 200)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "0" if fresh else str(len(body)))
            self.end_headers()
            if not fresh:
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_registry(path: Path, base: str, paths: list[str]) -> Path:
    path.write_text('[settings]\nallow_private_hosts = ["127.0.0.1"]\n\n' + "".join(
        f'[[source]]\nid = "{p[1:-5]}"\nuri = "{base}{p}"\n\n' for p in paths))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="Store folder to keep (default: temporary)")
    parser.add_argument("--bench", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "bench",
                        help="Public benchmark data for real pages (default: ../shared/bench)")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import run_ingest

    pages = real_pages(args.sources, args.bench) or generate(args.sources)
    kind = "real pages" if args.bench.exists() else "generated pages"
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        registry = write_registry(folder / "sources.toml", base, list(pages))
        warmup = write_registry(folder / "warmup.toml", base, list(pages)[:1])
        store = str(folder / "store")
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            # Prefect's temporary server starts on the first flow run (6-14 s): not run 1's cost.
            run_ingest(str(warmup), str(folder / "warmup-store"), args.workers)
            times, summaries = [], []
            for _ in range(2):
                start = time.perf_counter()
                summaries.append(run_ingest(str(registry), store, args.workers))
                times.append(time.perf_counter() - start)
    server.shutdown()
    print(f"sources: {args.sources} ({kind}), workers: {args.workers}")
    print(f"run 1 (full ingest):      {times[0]:8.2f} s  new={summaries[0].count('new')}")
    print(f"run 2 (nothing changed):  {times[1]:8.2f} s  "
          f"unchanged={summaries[1].count('unchanged')} new={summaries[1].count('new')} "
          f"changed={summaries[1].count('changed')}")
    print(f"ratio run2/run1: {times[1] / times[0]:.3f}")


if __name__ == "__main__":
    main()
