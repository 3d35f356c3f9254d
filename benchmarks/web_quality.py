"""Web main-content quality and speed: Archivist's HTML extractor against trafilatura and
readability-lxml on the same pages, in the same run.

    .venv/bin/python benchmarks/web_quality.py [--bench ../shared/bench] [--dataset scrapinghub]

Reads ``<bench>/web/<dataset>/`` (gold ``ground-truth.json`` and ``html/*.html.gz``) and scores
with ``<bench>/eval_web.py`` itself (imported, not copied): 4-word-shingle precision and
recall averaged over pages, F1 of those means. Archivist gets each page's bytes and a Capture
and runs its full extractor (decoding, metadata, footnotes, XPath and offsets for every kept
and removed block); its text is the passages minus the title and bylines, since the gold holds
the article body only. trafilatura runs with favor_precision=True, include_comments=False.
Speed is pages per second of extraction time on one pinned CPU; each extractor runs
``--repeat`` times and the fastest run counts (other load only ever slows a run down).
The ratios (Archivist / trafilatura) are printed last.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.extract import ExtractOptions  # noqa: E402
from pipeline.extract.html import extractor as archivist_html  # noqa: E402
from pipeline.model import Capture  # noqa: E402

Extractor = Callable[[bytes, str, str], str]


def archivist(data: bytes, page_id: str, url: str) -> str:
    capture = Capture(source_id=page_id, uri=url or f"bench:{page_id}",
                      captured_at=datetime(2020, 1, 1, tzinfo=timezone.utc), sha256=page_id,
                      size=len(data), media_type="text/html", kind="html",
                      final_url=url or None)
    try:
        extraction = archivist_html.extract(data, capture, ExtractOptions())
    except PipelineError:
        return ""
    return archivist_html.text_of(extraction)


def _text_extractor(fn: Callable[[str, str | None], str]) -> Extractor:
    return lambda data, _id, url: fn(data.decode("utf-8", errors="replace"), url or None)


def run(items: list[tuple[str, Path, dict]], extractor: Extractor, repeat: int
        ) -> tuple[dict[str, str], float, int]:
    """Predictions of the first run, extraction seconds of the fastest run, error count."""
    pages = [(doc_id, gzip.decompress(path.read_bytes()) if path.suffix == ".gz"
              else path.read_bytes(), meta.get("url") or "") for doc_id, path, meta in items]
    predictions: dict[str, str] = {}
    errors = 0
    best = float("inf")
    for round_ in range(repeat):
        total = 0.0
        for doc_id, data, url in pages:
            start = time.perf_counter()
            try:
                text = extractor(data, doc_id, url)
            except Exception:  # a crash counts as empty output, as eval_web.py does
                text = ""
                errors += round_ == 0
            total += time.perf_counter() - start
            if round_ == 0:
                predictions[doc_id] = text
        best = min(best, total)
    return predictions, best, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "bench",
                        help="folder holding eval_web.py and web/<dataset>/")
    parser.add_argument("--dataset", default="scrapinghub")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cpu", type=int, default=0, help="pin to this CPU (-1: no pinning)")
    parser.add_argument("--only", choices=("archivist", "trafilatura", "readability"),
                        action="append", help="run only these extractors (default: all)")
    parser.add_argument("--worst", type=int, default=0,
                        help="list the N pages where Archivist's F1 is lowest")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.bench.resolve()))
    import eval_web  # the benchmark's own scorer

    if args.cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    items = eval_web.load_dataset(args.bench / "web" / args.dataset)
    extractors: dict[str, Extractor] = {
        "archivist": archivist,
        "trafilatura": _text_extractor(eval_web.EXTRACTORS["trafilatura-precision"]()),
        "readability": _text_extractor(eval_web.EXTRACTORS["readability"]()),
    }
    names = args.only or list(extractors)
    results = {}
    print(f"{args.dataset}: {len(items)} pages, best of {args.repeat} runs, 1 CPU\n")
    print(f"{'extractor':<12} {'P':>6} {'R':>6} {'F1':>6} {'docs/s':>7} {'errors':>6}")
    for name in names:
        predictions, seconds, errors = run(items, extractors[name], args.repeat)
        per_doc = eval_web.score(items, predictions, "articleBody")
        agg = eval_web.aggregate(list(per_doc.values()))
        results[name] = (agg, len(items) / seconds, per_doc)
        print(f"{name:<12} {agg['precision']:>6.3f} {agg['recall']:>6.3f} {agg['f1']:>6.3f} "
              f"{len(items) / seconds:>7.1f} {errors:>6}", flush=True)
    if "archivist" in results and "trafilatura" in results:
        ours, theirs = results["archivist"], results["trafilatura"]
        print(f"\nratio archivist/trafilatura: F1 {ours[0]['f1'] / theirs[0]['f1']:.3f}, "
              f"docs/s {ours[1] / theirs[1]:.2f}")
    if args.worst and "archivist" in results:
        per_doc = results["archivist"][2]
        print("\nlowest Archivist F1:")
        for doc_id in sorted(per_doc, key=lambda d: per_doc[d]["f1"])[:args.worst]:
            s = per_doc[doc_id]
            print(f"  {doc_id[:16]}  F1 {s['f1']:.3f}  P {s['precision'] or 0:.3f}  "
                  f"R {s['recall'] or 0:.3f}")


if __name__ == "__main__":
    main()
