"""HTML extraction time against page size: is it linear?

    .venv/bin/python benchmarks/html_size.py [--sizes 25000,50000,100000,200000] [--repeat 2]

Generates pages of N elements (an article of N/4 sibling entries, each a div holding a
paragraph with an inline and a link, one entry per line) and times the full HTML extractor
(decoding, parsing, blocks, metadata, XPath and offsets for every block) on one pinned CPU,
best of ``--repeat``. Prints seconds, microseconds per element and the time ratio to the
previous size: near 2.0 when the size doubles means linear, near 4.0 quadratic.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.extract.html import extractor  # noqa: E402
from pipeline.model import Capture, ExtractOptions  # noqa: E402


def page(elements: int) -> bytes:
    entries = "".join(f"<div class='entry'><p>Entry {i} says the river rose <em>again</em>, "
                      f"<a href='/e{i}'>a source</a> reports.</p></div>\n"
                      for i in range(elements // 4))
    return (f"<html><head><title>Big</title></head><body><article><h1>Big</h1>\n{entries}"
            "</article></body></html>").encode()


def seconds(data: bytes, repeat: int) -> float:
    capture = Capture(source_id="big", uri="big.html",
                      captured_at=datetime(2020, 1, 1, tzinfo=timezone.utc), sha256="0" * 64,
                      size=len(data), media_type="text/html", kind="html")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        extractor.extract(data, capture, ExtractOptions(max_seconds=3600))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,50000,100000,200000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cpu", type=int, default=0, help="pin to this CPU (-1: no pinning)")
    args = parser.parse_args()
    if args.cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    print(f"{'elements':>9} {'MB':>6} {'seconds':>8} {'µs/element':>11} {'× previous':>10}")
    previous = None
    for size in (int(s) for s in args.sizes.split(",")):
        data = page(size)
        took = seconds(data, args.repeat)
        ratio = f"{took / previous:.2f}" if previous else ""
        print(f"{size:>9,} {len(data) / 1e6:>6.1f} {took:>8.2f} {took / size * 1e6:>11.1f} "
              f"{ratio:>10}", flush=True)
        previous = took


if __name__ == "__main__":
    main()
