"""The same documents as single sources and in one WARC: what the WARC path costs per document.

    .venv/bin/python benchmarks/warc_vs_files.py [--docs 1000] [--workers 2] [--rounds 2]

``bulk.py`` compares the WARC ingest's docs/s with the scale benchmark's, but the WARC holds
real bench pages and PDFs of up to 24 pages where ``scale.py`` generates a dozen sentences a
document, so that ratio mostly measures the documents. Here both sides are ``scale.py``'s
generated corpus of ``--docs`` documents: once as its registry of single file sources, once
written by warcio into one WARC (a request and a response record per document) behind one
``kind = "warc"`` entry. Each ingest runs in its own process into a fresh store under one
Prefect server, files and WARC alternating for ``--rounds`` rounds (the machine is shared: the
ratio of neighbouring runs is what to read), with the peak RSS of its process tree.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

MEDIA = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf"}


def write_warc(corpus: Path, target: Path) -> int:
    """Every file of ``corpus`` as a response record of ``target``; how many."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    files = sorted(p for p in corpus.iterdir() if p.suffix in MEDIA)
    with open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        for path in files:
            url = f"http://corpus.example/{path.name}"
            writer.write_record(writer.create_warc_record(url, "request", http_headers=(
                StatusAndHeaders(f"GET {url} HTTP/1.1", [("User-Agent", "bench")],
                                 is_http_request=True))))
            http = StatusAndHeaders("200 OK", [("Content-Type", MEDIA[path.suffix])],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(path.read_bytes()), http_headers=http))
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from bulk import measure
    from scale import write_corpus

    from flows.schedule import free_port, prefect_server

    with tempfile.TemporaryDirectory(prefix="archivist-warc-vs-files-") as tmp:
        folder = Path(tmp)
        (folder / "corpus").mkdir()
        files = write_corpus(folder / "corpus", args.docs)
        records = write_warc(folder / "corpus", folder / "corpus.warc.gz")
        warc = folder / "warc.toml"
        warc.write_text('[[source]]\nid = "corpus"\nkind = "warc"\nuri = "corpus.warc.gz"\n')
        rates: dict[str, list[float]] = {"files": [], "warc": []}
        with prefect_server(folder / "prefect", free_port()) as url:
            env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_LOGGING_LEVEL": "ERROR",
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
            for n in range(args.rounds):
                for name, registry in (("files", files), ("warc", warc)):
                    result = measure("ingest", registry, folder / f"store-{name}-{n}",
                                     args.workers, env)
                    documents = result["new"] + result["failed"]
                    rate = documents / result["seconds"]
                    rates[name].append(rate)
                    print(f"round {n + 1}, {name}: {documents:,} documents "
                          f"({result['failed']} failed) in {result['seconds']:.1f} s, "
                          f"{rate:.1f} docs/s, peak {result['peak_mb']:.0f} MB", flush=True)
    print(f"\n{records:,} documents each way; WARC docs/s / files docs/s per round: "
          + ", ".join(f"{w / f:.2f}" for f, w in zip(rates["files"], rates["warc"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
