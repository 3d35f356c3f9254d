"""Bulk: ingest one crawl-like WARC of real pages, then again unchanged; warcio's own read speed.

    .venv/bin/python benchmarks/bulk.py [--records 10000] [--workers 2] [--bench ../shared/bench]
        [--scale-docs 2000] [--rounds 2] [--read-docs 100000] [--cache benchmarks/.cache] [--dask]

Builds a WARC with warcio from the bench web pages (``web/*/html/*.html.gz``) and a few bench
PDFs, with the mix of a real crawl: warcinfo, a request before every response, a metadata
record after most pages, robots.txt per host, redirects, 404s, images, the same page under a
second URL (a duplicated payload) and revisit records, until it holds ``--records`` records.
Then, each in its own process with peak RSS sampled (process and children, every 0.1 s, as
``scale.py`` does), it ingests a registry with the one ``kind = "warc"`` entry into a fresh
store and ingests it again unchanged; and it expands the WARC alone (read, hash, store payloads;
no extraction), once for the file and once for the file listed twice (a glob over it and a
copy), to show the reader's memory does not grow with the WARC. Last, the baselines: warcio
and fastwarc iterating the same file and reading (and hashing) every record's payload,
records/s, each twice, alternating. And the docs/s goal, which compares the crawl with the
scale benchmark's ingest of ``--scale-docs`` generated documents (``scale.py``, a dozen
sentences or a one-page PDF each, where the crawl has real pages of about 40 passages and
PDFs of up to 24 pages): that corpus is ingested by the thread runner as its single file
sources and as one WARC of the same files (a request and a response record each),
alternating for ``--rounds`` rounds, under the same Prefect server, so the table shows the
WARC path's own cost on the same documents beside the crawl's.

``--dask``: the same WARC ingested again, first run and unchanged re-run, with ``--runner
dask`` (a local cluster of ``--workers`` worker processes, the WARC read in parts by them) into
a store on S3, a moto server on 127.0.0.1 in this process; then both archives are compared
(documents and passages must be the same) and the peak RSS of each process is printed by role
(the run's process, Dask workers, extraction workers) beside the thread runner's.

Read checks (``--read-docs``, 0 to skip): ``versions``, ``show ID``, ``trace ID`` and
``status --json`` through the CLI, each in a fresh process (timed whole, by the clock and its
CPU seconds, and the command alone after its imports), on an archive of that many documents;
the goal is the whole process by the clock. The
archive is generated as ``browse.py`` generates it (ingesting 100,000 documents through the
flows takes hours here) and kept under ``--cache`` (not in git) for the next run. The time of
``archivist --help`` in a fresh process (imports only) is measured beside them.
``--records 0`` runs the read checks alone.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from treepeak import by_role, run_with_peak  # noqa: E402  (benchmarks/ is this script's folder)

READ_GOAL_S = 1.0

PDFS = ("clef2008-qa-overview-p1.pdf", "latex-multicolumn.pdf", "amnesty-ua-honduras-2017.pdf")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
MEDIA = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf"}
"""Content-Type of each file of scale.py's corpus in its WARC."""


def pages(bench: Path) -> list[bytes]:
    """Every bench web page, decompressed, in a fixed order."""
    found = sorted((bench / "web").glob("*/html/*.html.gz"))
    if not found:
        raise SystemExit(f"no web pages under {bench / 'web'}: give --bench")
    return [gzip.decompress(p.read_bytes()) for p in found]


def build_warc(path: Path, bench: Path, records: int) -> dict[str, int]:
    """Write a crawl of ``records`` records to ``path``; returns how many of each kind."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = pages(bench)
    pdfs = [(bench / "pdf" / name).read_bytes() for name in PDFS]
    counts: dict[str, int] = {}
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        written = 0

        def put(record, kind: str) -> None:  # noqa: ANN001 - a warcio record
            nonlocal written
            writer.write_record(record)
            written += 1
            counts[kind] = counts.get(kind, 0) + 1

        def fetch(url: str, status: str, content_type: str, body: bytes,
                  headers: list[tuple[str, str]] = ()) -> str:  # noqa: B006 - never mutated
            put(writer.create_warc_record(url, "request", http_headers=StatusAndHeaders(
                f"GET {url} HTTP/1.1", [("User-Agent", "bench")], is_http_request=True)),
                "request")
            http = StatusAndHeaders(status, [("Content-Type", content_type), *headers],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               length=len(body), http_headers=http)
            put(record, "response " + status.split()[0])
            return record.rec_headers.get_header("WARC-Payload-Digest")

        put(writer.create_warcinfo_record(path.name, {"software": "archivist benchmark"}),
            "warcinfo")
        digests: list[tuple[str, str]] = []
        sources = cycle(range(len(html)))
        for n in range(10**9):
            if written >= records:
                break
            host = f"http://site{n % 40}.example"
            url = f"{host}/article/{n}"
            step = n % 20
            if n < 40:
                fetch(f"{host}/robots.txt", "200 OK", "text/plain", b"User-agent: *\nAllow: /\n")
            elif step == 3:
                fetch(f"{host}/old/{n}", "301 Moved Permanently", "text/html", b"",
                      [("Location", url)])
            elif step == 7:
                fetch(f"{host}/gone/{n}", "404 Not Found", "text/html", b"<h1>Not found</h1>")
            elif step in (11, 12):
                fetch(f"{host}/img/{n}.png", "200 OK", "image/png", PNG + n.to_bytes(4, "big"))
            elif step == 15 and digests:
                old_url, digest = digests[n % len(digests)]
                put(writer.create_revisit_record(
                    old_url + "?again", digest=digest, refers_to_uri=old_url,
                    refers_to_date="2024-01-01T00:00:00Z", http_headers=StatusAndHeaders(
                        "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")),
                    "revisit")
            elif step == 17 and digests:   # the same payload under another URL
                fetch(f"{host}/mirror/{n}", "200 OK", "text/html; charset=utf-8",
                      html[(n // 20) % len(html)])
            elif n % 150 == 0:
                fetch(f"{host}/report/{n}.pdf", "200 OK", "application/pdf",
                      pdfs[(n // 150) % len(pdfs)])
            else:
                body = html[next(sources)]
                digests.append((url, fetch(url, "200 OK", "text/html", body)))
                if n % 4:
                    put(writer.create_warc_record(
                        url, "metadata", payload=io.BytesIO(b'{"outlinks": %d}' % n),
                        warc_content_type="application/json"), "metadata")
    return counts


def warcio_baseline(path: Path) -> tuple[int, float, float]:
    """warcio alone: iterate the file reading and hashing each record's payload (chunking and
    Content-Encoding undone); (records, seconds, CPU seconds)."""
    from warcio.archiveiterator import ArchiveIterator

    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            hashlib.sha256(record.content_stream().read())
            count += 1
    return count, time.perf_counter() - started, time.process_time() - cpu


def fastwarc_baseline(path: Path) -> tuple[int, float, float]:
    """fastwarc (a dev dependency, for this baseline only) doing what :func:`warcio_baseline`
    does: HTTP parsed, payload decoded and hashed; (records, seconds, CPU seconds)."""
    from fastwarc.warc import ArchiveIterator

    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    for record in ArchiveIterator(str(path), parse_http=True, auto_decode="all",
                                  fsspec_args=False):
        hashlib.sha256(record.reader.read())
        count += 1
    return count, time.perf_counter() - started, time.process_time() - cpu


def child(mode: str, registry: str, store: str, workers: int) -> None:
    """One measured step in its own process; prints its result as JSON."""
    started = time.perf_counter()
    if mode in ("ingest", "ingest-dask"):
        from flows.ingest import run_ingest

        summary = run_ingest(registry, store, workers,
                             runner="dask" if mode == "ingest-dask" else "thread")
        result = {k: summary.count(k) for k in ("new", "changed", "unchanged", "failed")}
    elif mode == "dask-cluster":   # the run's local cluster alone: started, then stopped
        from flows.ingest import make_task_runner

        with make_task_runner("dask", workers) as runner:
            runner.client  # noqa: B018 - the runner starts its cluster at first use
            result = {"start": time.perf_counter() - started}
            stopping = time.perf_counter()
        result["stop"] = time.perf_counter() - stopping
    else:
        from pipeline.capture import CaptureOptions
        from pipeline.registry import load_registry
        from pipeline.sources import expand
        from pipeline.store import Store

        reg = load_registry(registry)
        expansion = expand(reg.sources[0], Store.at(store), CaptureOptions.of(reg))
        result = {"documents": len(expansion.children), "failed": len(expansion.failures),
                  "records": sum(expansion.counts.values())}
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN)]
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "cpu": sum(u.ru_utime + u.ru_stime for u in usage), **result}))


def measure(mode: str, registry: Path, store: Path | str, workers: int, env: dict) -> dict:
    """Run one step in a subprocess; its result plus the peak RSS of its process tree, the
    load average over the last minute when it ended, and the peak RSS by process role."""
    processes: dict[int, tuple[str, int]] = {}
    at_peak: dict[str, int] = {}
    out, code, peak = run_with_peak(
        [sys.executable, __file__, "--child", mode, str(registry), str(store), str(workers)], env,
        processes, at_peak)
    if code not in (0, 1):   # 1: the run recorded failures, still measured
        raise SystemExit(f"{mode} failed with code {code}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak / 2**20,
            "load": os.getloadavg()[0],
            "roles": {role: (n, largest / 2**20) for role, (n, largest)
                      in by_role(processes).items()},
            "at_peak": {role: size / 2**20 for role, size in at_peak.items()}}


def write_warc(corpus: Path, target: Path) -> int:
    """Every document file of ``corpus`` as a response record (after its request) of
    ``target``; how many."""
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
            body = path.read_bytes()
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http))
    return len(files)


def same_documents(folder: Path, docs: int, rounds: int, workers: int,
                   env: dict) -> list[dict[str, dict]]:
    """scale.py's generated corpus of ``docs`` documents ingested (thread runner, a fresh
    store each time) as its registry of single file sources and as one WARC of the same
    files behind one ``kind = "warc"`` entry, alternating for ``rounds`` rounds: the docs/s
    baseline, and what the WARC path costs on the same documents."""
    from scale import write_corpus

    (folder / "corpus").mkdir(parents=True)
    files = write_corpus(folder / "corpus", docs)
    write_warc(folder / "corpus", folder / "corpus.warc.gz")
    warc = folder / "warc.toml"
    warc.write_text('[[source]]\nid = "corpus"\nkind = "warc"\nuri = "corpus.warc.gz"\n')
    results = []
    for n in range(rounds):
        results.append({name: measure("ingest", registry, folder / f"store-{name}-{n}",
                                      workers, env)
                        for name, registry in (("files", files), ("WARC", warc))})
        print(f"same documents, round {n + 1}: {results[-1]}", flush=True)
    return results


def read_checks(cache: Path, docs: int) -> list[tuple[str, float, float, float]]:
    """Seconds of each read command, in a fresh process, on the cached generated archive: the
    whole process by the clock and in CPU (on a shared machine the clock is mostly the wait
    for a core), and the command alone after its imports."""
    from browse import generate

    from pipeline.archive import Archive
    from pipeline.query import Snapshot
    from pipeline.store import Store

    store = cache / f"archive-{docs}"
    if not (store / "curated" / "runs").exists():
        shutil.rmtree(store, ignore_errors=True)
        started = time.perf_counter()
        generate(store, docs)
        print(f"generated {docs:,} documents in {time.perf_counter() - started:.0f} s "
              f"(kept in {store})", flush=True)
    doc_id = f"gen-{docs // 2 + 7:06d}"
    passage = Snapshot(Archive(Store.at(store))).document(doc_id).passages[1]["passage_id"]
    commands = [("archivist --help (start-up only)", ["--help"]),
                ("versions", ["versions", "--store", str(store)]),
                (f"show {doc_id}", ["show", doc_id, "--store", str(store), "--markdown"]),
                (f"trace {passage}", ["trace", passage, "--store", str(store)]),
                ("status", ["status", "--store", str(store), "--json"])]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    timings = []
    for name, args in commands:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args],
                              capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if done.returncode not in (0, 1):   # status exits 1 when a source is stale
            raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr[-500:]}")
        inside = subprocess.run([sys.executable, __file__, "--child-read", *args],
                                capture_output=True, text=True, env=env)
        command = float(inside.stdout.strip().splitlines()[-1])
        timings.append((name, seconds, cpu, command))
        print(f"{name}: {seconds:.2f} s ({cpu:.2f} s CPU), the command alone {command:.2f} s",
              flush=True)
    return timings


def child_read(args: list[str]) -> None:
    """Time one CLI command in this process after its imports (output discarded)."""
    import contextlib

    from pipeline import archive, query  # noqa: F401  (imported before the clock starts)
    from pipeline.cli import app

    started = time.perf_counter()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        with contextlib.suppress(SystemExit):
            app(args, standalone_mode=False)
    print(time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bench", type=Path, default=HERE.parent.parent / "shared" / "bench")
    parser.add_argument("--scale-docs", type=int, default=2000,
                        help="documents of scale.py's corpus, ingested as files and as a WARC "
                        "(0: skip)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of that corpus as files, then as a WARC")
    parser.add_argument("--read-docs", type=int, default=100_000,
                        help="documents of the archive the read checks run on (0: skip)")
    parser.add_argument("--dask", action="store_true",
                        help="also ingest on a local Dask cluster into a store on moto S3")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache",
                        help="folder the generated read-check archive is kept in")
    args = parser.parse_args()
    if args.records:
        ingest_steps(args)
    if args.read_docs:
        timings = read_checks(args.cache, args.read_docs)
        print(f"\n{'read check, ' + f'{args.read_docs:,} documents':<44} {'process s':>9} "
              f"{'CPU s':>6} {'command s':>9} {'process <= 1 s':>15}")
        for name, seconds, cpu, command in timings:
            print(f"{name:<44} {seconds:>9.2f} {cpu:>6.2f} {command:>9.2f} "
                  f"{'yes' if seconds <= READ_GOAL_S else 'no':>15}")
    return 0


def ingest_steps(args: argparse.Namespace) -> None:
    """The WARC's ingests (and on Dask), expansions and reader baselines, and the scale
    baseline."""
    from flows.schedule import free_port, prefect_server

    with tempfile.TemporaryDirectory(prefix="archivist-bulk-") as tmp:
        tmp_path = Path(tmp)
        crawl = tmp_path / "crawl" / "crawl.warc.gz"
        crawl.parent.mkdir()
        started = time.perf_counter()
        counts = build_warc(crawl, args.bench, args.records)
        print(f"WARC: {sum(counts.values()):,} records, {crawl.stat().st_size / 2**20:.1f} MB "
              f"in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
        registry = tmp_path / "sources.toml"
        registry.write_text('[[source]]\nid = "crawl"\nkind = "warc"\n'
                            'uri = "crawl/crawl.warc.gz"\n')
        double = tmp_path / "double.toml"
        shutil.copy(crawl, crawl.with_name("copy.warc.gz"))
        double.write_text('[[source]]\nid = "crawl"\nkind = "warc"\nuri = "crawl/*.warc.gz"\n')

        with prefect_server(tmp_path / "prefect", free_port()) as url:
            env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_LOGGING_LEVEL": "ERROR",
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
            steps = {"ingest, first run": measure("ingest", registry, tmp_path / "store",
                                                  args.workers, env)}
            print(f"first ingest: {steps['ingest, first run']}", flush=True)
            steps["ingest, unchanged re-run"] = measure("ingest", registry, tmp_path / "store",
                                                        args.workers, env)
            print(f"re-run: {steps['ingest, unchanged re-run']}", flush=True)
            if args.dask:
                steps.update(dask_steps(registry, tmp_path / "store", args.workers, env))
            steps["expand only, 1 file"] = measure("expand", registry, tmp_path / "store-x1",
                                                   args.workers, env)
            steps["expand only, 2 files"] = measure("expand", double, tmp_path / "store-x2",
                                                    args.workers, env)
            print(f"expand only: {steps['expand only, 1 file']}; "
                  f"{steps['expand only, 2 files']}", flush=True)
            same = (same_documents(tmp_path / "scale", args.scale_docs, args.rounds,
                                   args.workers, env) if args.scale_docs else [])
        readers = [warcio_baseline(crawl), fastwarc_baseline(crawl), warcio_baseline(crawl),
                   fastwarc_baseline(crawl)]
    report(steps, readers, same, args)


def dask_steps(registry: Path, local: Path, workers: int, env: dict) -> dict[str, dict]:
    """The first ingest and an unchanged re-run on a local Dask cluster into a store on a
    moto S3 server on 127.0.0.1 (in this process); checks that the archive is the thread
    runner's."""
    import logging

    from moto.server import ThreadedMotoServer
    from pyarrow import fs

    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # a line per S3 request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3 = {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ALLOW_HTTP": "true",
              "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
              "AWS_REGION": "us-east-1"}
        fs.S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http", access_key="bench",
                        secret_key="bench", region="us-east-1",
                        allow_bucket_creation=True).create_dir("bench")
        env = {**env, **s3}
        steps = {"dask + S3, first run": measure("ingest-dask", registry, "s3://bench/crawl",
                                                 workers, env)}
        print(f"dask first ingest: {steps['dask + S3, first run']}", flush=True)
        steps["dask + S3, re-run"] = measure("ingest-dask", registry, "s3://bench/crawl",
                                             workers, env)
        print(f"dask re-run: {steps['dask + S3, re-run']}", flush=True)
        steps["dask cluster alone"] = measure("dask-cluster", registry, "s3://bench/crawl",
                                              workers, env)
        print(f"dask cluster alone: {steps['dask cluster alone']}", flush=True)
        os.environ.update(s3)
        print(f"archives the same (documents, passages): {same_archive(local, 's3://bench/crawl')}",
              flush=True)
    finally:
        server.stop()
    return steps


def same_archive(one: Path | str, other: Path | str) -> bool:
    """Whether two stores hold the same documents and passages (ids, versions, content)."""
    from pipeline.archive import Archive
    from pipeline.store import Store

    def rows(store: Path | str, table: str, columns: list[str]) -> list[tuple]:
        data = Archive(Store.at(str(store))).read(table).select(columns).to_pylist()
        return sorted(tuple(str(r[c]) for c in columns) for r in data)

    tables = {"documents": ["doc_id", "doc_version", "content_hash"],
              "passages": ["passage_id", "doc_id", "char_start", "char_end", "text"]}
    return all(rows(one, t, c) == rows(other, t, c) for t, c in tables.items())


def report(steps: dict[str, dict], readers: list[tuple[int, float, float]],
           same: list[dict[str, dict]], args: argparse.Namespace) -> None:
    """The table of steps, the per-process peaks, the reader baselines and the ratios."""
    first, again = steps["ingest, first run"], steps["ingest, unchanged re-run"]
    records = readers[0][0]
    documents = first["new"] + first["failed"]
    print(f"\n{'step':<30} {'seconds':>8} {'CPU s':>7} {'docs/s':>7} {'CPU ms/doc':>10} "
          f"{'records/s':>10} {'peak MB':>8} {'load':>5}")
    for name, step in steps.items():
        files = 2 if name.endswith("2 files") else 1
        rate, cost = "", ""
        if "first" in name:
            rate, cost = (f"{documents / step['seconds']:.1f}",
                          f"{1000 * step['cpu'] / documents:.1f}")
        print(f"{name:<30} {step['seconds']:>8.1f} {step['cpu']:>7.1f} {rate:>7} {cost:>10} "
              f"{files * records / step['seconds']:>10.0f} {step['peak_mb']:>8.0f} "
              f"{step['load']:>5.1f}")
    for n, pair in enumerate(same):
        for way, step in pair.items():
            done = step["new"] + step["failed"]
            print(f"{f'scale corpus as {way}, round {n + 1}':<30} {step['seconds']:>8.1f} "
                  f"{step['cpu']:>7.1f} {done / step['seconds']:>7.1f} "
                  f"{1000 * step['cpu'] / done:>10.1f} {'':>10} {step['peak_mb']:>8.0f} "
                  f"{step['load']:>5.1f}")
    print("\npeak RSS by process, MB (processes seen); the roles together at the tree's peak:")
    for name, step in steps.items():
        if "ingest" in name or "dask" in name:
            roles = ", ".join(f"{role} {peak:.0f} ({n})"
                              for role, (n, peak) in sorted(step["roles"].items()))
            held = ", ".join(f"{role} {size:.0f}" for role, size in sorted(step["at_peak"].items()))
            print(f"  {name}: {roles}; at the tree's peak: {held}")
    for name, (count, seconds, cpu) in zip(("warcio", "fastwarc", "warcio", "fastwarc"),
                                           readers):
        print(f"{name + ' iteration':<30} {seconds:>8.1f} {cpu:>7.1f} {'':>7} {'':>10} "
              f"{count / seconds:>10.0f}")
    warcio_cpu = min(readers[0][2], readers[2][2])
    fastwarc_cpu = min(readers[1][2], readers[3][2])
    print(f"\n{documents:,} documents ({first['failed']} failed) from {records:,} records; "
          f"re-run unchanged {again['unchanged']:,}")
    print(f"re-run / first run: {again['seconds'] / first['seconds']:.3f}")
    print(f"fastwarc / warcio, records per CPU second: {warcio_cpu / fastwarc_cpu:.2f}; our "
          f"reader (expand only, storing payloads) / warcio: "
          f"{warcio_cpu / steps['expand only, 1 file']['cpu']:.2f}")
    print(f"WARC ingest / warcio iteration, records/s: {readers[0][1] / first['seconds']:.4f}")
    if "dask + S3, first run" in steps:
        dask, dask_again = steps["dask + S3, first run"], steps["dask + S3, re-run"]
        cluster = steps["dask cluster alone"]
        print(f"dask + S3 / thread runner: time {dask['seconds'] / first['seconds']:.2f}, "
              f"docs/s {first['seconds'] / dask['seconds']:.2f}, tree peak "
              f"{dask['peak_mb'] / first['peak_mb']:.2f}; dask re-run / dask first "
              f"{dask_again['seconds'] / dask['seconds']:.3f}")
        print(f"dask cluster alone: start {cluster['start']:.1f} s, stop {cluster['stop']:.1f} s"
              f" (in the first run: {cluster['start'] + cluster['stop']:.1f} of "
              f"{dask['seconds']:.1f} s)")
    if same:
        compare(first, documents, same)


def compare(first: dict, documents: int, same: list[dict[str, dict]]) -> None:
    """The docs/s goal two ways: the crawl against scale.py's files (different documents),
    and the same generated documents as files and as a WARC."""
    def rate(step: dict) -> float:
        return (step["new"] + step["failed"]) / step["seconds"]

    def cost(step: dict) -> float:
        return step["cpu"] / (step["new"] + step["failed"])

    files = same[0]["files"]
    print(f"crawl WARC docs/s / scale corpus as files docs/s (round 1): "
          f"{documents / first['seconds'] / rate(files):.2f}; CPU per document "
          f"{1000 * first['cpu'] / documents:.1f} against {1000 * cost(files):.1f} ms: the "
          f"crawl's real pages cost {first['cpu'] / documents / cost(files):.1f} times as much")
    print("same documents, WARC / files: docs/s "
          + ", ".join(f"{rate(p['WARC']) / rate(p['files']):.2f}" for p in same)
          + "; CPU per document "
          + ", ".join(f"{cost(p['WARC']) / cost(p['files']):.2f}" for p in same)
          + " (per round)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-read":
        child_read(sys.argv[2:])
    else:
        sys.exit(main())
