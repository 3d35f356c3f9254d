"""Scale: ingest a generated corpus with the thread runner and with a 2-worker Dask cluster.

    .venv/bin/python benchmarks/scale.py [--docs 2000] [--workers 2]

Generates ``--docs`` documents (40 % HTML, 40 % plain text, 20 % one-page PDFs made with
reportlab) in a temporary folder, starts one real ``prefect server`` for both runners (Dask
needs it; the thread runner uses it too so both pay the same API costs), then for each runner
ingests the corpus into a fresh store and ingests it again unchanged. Each ingest runs in its
own process; peak memory is the largest summed RSS of that process and its children (the Dask
workers), sampled every 0.1 s. Prints docs/s, peak memory and the re-run/first-run time ratio
per runner, then the Dask/thread throughput ratio last (the thread runner is the baseline).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from treepeak import run_with_peak  # noqa: E402  (benchmarks/ is this script's folder)

WORDS = ("archive provenance border testimony river village report market province family "
         "journey broker shelter document witness season harvest letter station").split()


def sentence(n: int, k: int) -> str:
    words = [WORDS[(n * 7 + k * 3 + i) % len(WORDS)] for i in range(12)]
    return f"Record {n}.{k}: " + " ".join(words).capitalize() + "."


def write_corpus(folder: Path, count: int) -> Path:
    """``count`` distinct documents and a registry listing them."""
    from reportlab.pdfgen import canvas

    entries = []
    for n in range(count):
        paragraphs = [" ".join(sentence(n, k * 4 + j) for j in range(4)) for k in range(4)]
        kind = ("html", "text", "html", "text", "pdf")[n % 5]
        if kind == "html":
            body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
            data = (f"<!DOCTYPE html><html><head><title>Document {n}</title></head><body>"
                    f"<nav>Home | About</nav><main><h1>Document {n}</h1>\n{body}</main>"
                    "<footer>Copyright</footer></body></html>").encode()
        elif kind == "text":
            data = (f"Document {n}\n\n" + "\n\n".join(paragraphs) + "\n").encode()
        else:
            buffer = io.BytesIO()
            pdf = canvas.Canvas(buffer)
            pdf.setTitle(f"Document {n}")
            y = 760
            for p in paragraphs:
                for start in range(0, len(p), 90):
                    pdf.drawString(60, y, p[start:start + 90])
                    y -= 14
                y -= 10
            pdf.save()
            data = buffer.getvalue()
        name = f"doc{n:05d}.{ {'html': 'html', 'text': 'txt', 'pdf': 'pdf'}[kind] }"
        (folder / name).write_bytes(data)
        entries.append(f'[[source]]\nid = "doc-{n:05d}"\nuri = "{name}"\nkind = "{kind}"\n')
    registry = folder / "sources.toml"
    registry.write_text("\n".join(entries))
    return registry


def child(registry: str, store: str, runner: str, workers: int) -> None:
    """One ingest (in its own process): prints seconds and outcome counts as JSON."""
    from flows.ingest import run_ingest

    started = time.perf_counter()
    summary = run_ingest(registry, store, workers, runner=runner)
    elapsed = time.perf_counter() - started
    counts = {k: summary.count(k) for k in ("new", "changed", "unchanged", "failed")}
    print(json.dumps({"seconds": elapsed, **counts}))


def measure(registry: Path, store: Path, runner: str, workers: int, env: dict) -> dict:
    """Run one ingest in a subprocess; its result plus the peak RSS of its process tree."""
    out, code, peak = run_with_peak(
        [sys.executable, __file__, "--child", runner, str(registry), str(store), str(workers)], env)
    if code not in (0, None):
        raise SystemExit(f"{runner} ingest failed with code {code}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2,
                        help="threads for the thread runner, worker processes for Dask")
    args = parser.parse_args()
    from flows.schedule import free_port, prefect_server

    with tempfile.TemporaryDirectory(prefix="archivist-scale-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "corpus").mkdir()
        started = time.perf_counter()
        registry = write_corpus(tmp_path / "corpus", args.docs)
        print(f"corpus: {args.docs} documents in {time.perf_counter() - started:.1f} s",
              flush=True)
        with prefect_server(tmp_path / "prefect", free_port()) as url:
            env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_LOGGING_LEVEL": "ERROR",
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
            results = {}
            for runner in ("thread", "dask"):
                store = tmp_path / f"store-{runner}"
                first = measure(registry, store, runner, args.workers, env)
                again = measure(registry, store, runner, args.workers, env)
                results[runner] = (first, again)
                print(f"{runner}: first {first}, re-run {again}", flush=True)
    print(f"\n{'runner':<8} {'docs':>6} {'first s':>8} {'docs/s':>7} {'re-run s':>9} "
          f"{'re-run/first':>13} {'peak MB':>8} {'failed':>7}")
    for runner, (first, again) in results.items():
        print(f"{runner:<8} {args.docs:>6} {first['seconds']:>8.1f} "
              f"{args.docs / first['seconds']:>7.1f} {again['seconds']:>9.1f} "
              f"{again['seconds'] / first['seconds']:>13.2f} "
              f"{max(first['peak_mb'], again['peak_mb']):>8.0f} {first['failed']:>7}")
    ratio = results["thread"][0]["seconds"] / results["dask"][0]["seconds"]
    print(f"\ndask ({args.workers} workers) / thread ({args.workers} threads) throughput: "
          f"{ratio:.2f}x")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[3], sys.argv[4], sys.argv[2], int(sys.argv[5]))
    else:
        sys.exit(main())
