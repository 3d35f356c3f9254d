"""Web main-content quality and speed: Archivist's HTML extractor against trafilatura and
readability-lxml on the same pages, in the same run.

    .venv/bin/python benchmarks/web_quality.py --dataset all [--split dev|val|all]
        [--by-type] [--limit N] [--comments] [--worst N] [--bench ../shared/bench]

Reads ``<bench>/web/<dataset>/`` (gold ``ground-truth.json`` and ``html/*.html.gz``) and scores
with ``<bench>/eval_web.py`` itself (imported, not copied): 4-word-shingle precision and
recall averaged over pages, F1 of those means. Datasets: scrapinghub, wcxb-dev,
dragnet-train, cleaneval-dev, or ``all`` (then a macro F1 over them closes the table).

Splits are our own, to see whether a change generalises: pages sorted by id, ``dev`` the
even-indexed ones (where methods are tuned), ``val`` the odd-indexed ones (only checked).

Extractors: Archivist's full extractor (decoding, metadata, footnotes, XPath and offsets for
every kept and removed block; its text is the passages minus the title, bylines and
captions, since the gold holds the body only), trafilatura with favor_precision and without
comments, trafilatura with its defaults, readability-lxml. Archivist's text is the
extractor's, before the clean stage; ``--clean`` scores it after that stage (ftfy's mojibake
repair, NFC, whitespace), as ``archivist extract`` writes it: pages whose own bytes hold
double-encoded UTF-8 ("â€™") come out repaired, and pages whose gold holds the same mojibake
score lower. ``--by-type`` adds F1 per
``page_type`` (wcxb-dev's seven kinds). ``--comments`` also runs Archivist with comments kept
and scores it, and trafilatura's defaults, against ``articleBodyWithComments`` where the gold
has it (dragnet-train).

Speed is pages per CPU-second of extraction (process time, so other load on a shared machine
counts less than wall time would) on one pinned CPU, fastest of ``--repeat`` runs; ratios to
both trafilatura configurations are printed per dataset. ``--cli`` also times the commands a
user would run on a folder of the pages, process start included (CPU seconds of the command
and its child processes, same pinned CPU, both from compiled bytecode):
``archivist extract DIR --format json --out OUT`` against trafilatura's own command
(``--input-dir DIR --output-dir OUT --json --parallel 1``, with ``--precision --no-comments``
for traf-prec), and scores Archivist's JSON files.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.clean import clean  # noqa: E402
from pipeline.errors import PipelineError  # noqa: E402
from pipeline.extract.html import extractor as archivist_html  # noqa: E402
from pipeline.model import Capture, ExtractOptions  # noqa: E402

Extractor = Callable[[bytes, str, str], str]
DATASETS = ("scrapinghub", "wcxb-dev", "dragnet-train", "cleaneval-dev")
BASELINES = ("traf-prec", "trafilatura", "readability")
Page = tuple[str, bytes, dict]


def default_bench(repo: Path = REPO) -> Path:
    """``shared/bench`` beside the nearest folder above ``repo`` that has one: the main
    checkout's parent holds it, and a git worktree may sit deeper (``wt/NAME``)."""
    for folder in repo.parents:
        if (folder / "shared" / "bench").is_dir():
            return folder / "shared" / "bench"
    return repo.parent / "shared" / "bench"


def archivist_with(options: ExtractOptions, cleaned: bool = False) -> Extractor:
    """``cleaned``: the text after the clean stage, as ``archivist extract`` writes it."""
    def run(data: bytes, page_id: str, url: str) -> str:
        capture = Capture(source_id=page_id, uri=url or f"bench:{page_id}",
                          captured_at=datetime(2020, 1, 1, tzinfo=timezone.utc),
                          sha256=page_id, size=len(data), media_type="text/html",
                          kind="html", final_url=url or None)
        try:
            extraction = archivist_html.extract(data, capture, options)
        except PipelineError:
            return ""
        return archivist_html.text_of(clean(extraction) if cleaned else extraction)
    return run


def _text_extractor(fn: Callable[[str, str | None], str]) -> Extractor:
    return lambda data, _id, url: fn(data.decode("utf-8", errors="replace"), url or None)


def load(bench: Path, dataset: str, split: str, limit: int) -> list[Page]:
    import eval_web

    items = eval_web.load_dataset(bench / "web" / dataset)
    if split != "all":
        items = items[0 if split == "dev" else 1::2]
    if limit:
        items = items[:limit]
    return [(doc_id, gzip.decompress(path.read_bytes()) if path.suffix == ".gz"
             else path.read_bytes(), meta) for doc_id, path, meta in items]


def run(pages: list[Page], extractor: Extractor, repeat: int
        ) -> tuple[dict[str, str], float, int]:
    """Predictions of the first run, CPU seconds of the fastest run, error count."""
    predictions: dict[str, str] = {}
    errors = 0
    best = float("inf")
    for round_ in range(repeat):
        total = 0.0
        for doc_id, data, meta in pages:
            start = time.process_time()
            try:
                text = extractor(data, doc_id, meta.get("url") or "")
            except Exception:  # a crash counts as empty output, as eval_web.py does
                text = ""
                errors += round_ == 0
            total += time.process_time() - start
            if round_ == 0:
                predictions[doc_id] = text
        best = min(best, total)
    return predictions, max(best, 1e-9), errors


def cli_runs(pages: list[Page], repeat: int
             ) -> dict[str, tuple[float, dict[str, str], set[str]]]:
    """CPU seconds (fastest of ``repeat``) of each command on a folder of the pages, and
    Archivist's text per page and html extractor versions from its JSON files."""
    trafilatura = str(Path(sys.executable).with_name("trafilatura"))
    results: dict[str, tuple[float, dict[str, str], set[str]]] = {}
    # Each command runs from bytecode, as installed packages do (pip compiles them):
    # without this, PYTHONDONTWRITEBYTECODE in the environment makes every archivist
    # process compile the package's sources again (0.08 s a run), never trafilatura's.
    compileall.compile_dir(REPO / "pipeline", quiet=1)
    with tempfile.TemporaryDirectory(prefix="web_quality_") as tmp:
        pages_dir = Path(tmp) / "pages"
        pages_dir.mkdir()
        for doc_id, data, _ in pages:
            (pages_dir / f"{doc_id}.html").write_bytes(data)
        commands = {
            "archivist": [sys.executable, "-m", "pipeline.cli", "extract", str(pages_dir),
                          "--format", "json", "--out"],
            "traf-prec": [trafilatura, "--input-dir", str(pages_dir), "--json", "--parallel",
                          "1", "--precision", "--no-comments", "--output-dir"],
            "trafilatura": [trafilatura, "--input-dir", str(pages_dir), "--json",
                            "--parallel", "1", "--output-dir"],
        }
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        for name, command in commands.items():
            best = float("inf")
            for round_ in range(repeat):
                out = Path(tmp) / f"{name}-{round_}"
                before = _children_cpu()
                subprocess.run([*command, str(out)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env, cwd=tmp, check=False)
                best = min(best, _children_cpu() - before)
            texts = {}
            versions: set[str] = set()
            if name == "archivist":
                for doc_id, _, _ in pages:
                    path = Path(tmp) / f"{name}-0" / f"{doc_id}.json"
                    rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
                    texts[doc_id] = "\n".join(
                        p["text"] for p in rows.get("passages", [])
                        if p["kind"] not in ("title", "byline", "caption"))
                    if rows:
                        versions.add(rows["document"]["extractor_version"])
            results[name] = (max(best, 1e-9), texts, versions)
    return results


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _print_cli(eval_web, pages: list[Page], repeat: int) -> None:
    items = [(doc_id, None, meta) for doc_id, _, meta in pages]
    runs = cli_runs(pages, repeat)
    print("commands on a folder of the pages, process start included:")
    for name, (seconds, texts, versions) in runs.items():
        f1 = ""
        if texts:
            agg = eval_web.aggregate(list(eval_web.score(items, texts, "articleBody").values()))
            f1 = f"F1 {agg['f1']:.3f} "
        rate = len(pages) / seconds
        print(f"  {name + ' CLI':<17} {f1}{rate:7.1f} docs/s  ({seconds:.1f} CPU s)")
        # The command's F1 equals the in-process one up to the clean stage's mojibake
        # repair; a different extractor version means another tree's code ran.
        if versions and versions != {archivist_html.VERSION}:
            print(f"  WARNING: the command ran html extractor {', '.join(sorted(versions))}, "
                  f"in-process is {archivist_html.VERSION}")
    ours = runs["archivist"][0]
    for name in ("traf-prec", "trafilatura"):
        print(f"docs/s archivist CLI / {name} CLI: {runs[name][0] / ours:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=default_bench(),
                        help="folder holding eval_web.py and web/<dataset>/")
    parser.add_argument("--dataset", default="scrapinghub", choices=("all", *DATASETS))
    parser.add_argument("--split", default="all", choices=("dev", "val", "all"),
                        help="dev: even-indexed pages, val: odd-indexed pages (sorted by id)")
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each set")
    parser.add_argument("--by-type", action="store_true", help="F1 per page_type (wcxb-dev)")
    parser.add_argument("--comments", action="store_true",
                        help="score Archivist --comments against articleBodyWithComments")
    parser.add_argument("--clean", action="store_true",
                        help="score Archivist's text after the clean stage (mojibake repair, "
                             "NFC, whitespace), as its command writes it")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cli", action="store_true",
                        help="also time archivist extract DIR --format json against "
                             "trafilatura's command on a folder of the pages")
    parser.add_argument("--cpu", type=int, default=0, help="pin to this CPU (-1: no pinning)")
    parser.add_argument("--only", choices=("archivist", *BASELINES), action="append",
                        help="run only these extractors (default: all)")
    parser.add_argument("--worst", type=int, default=0,
                        help="list the N pages where Archivist's F1 is lowest")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.bench.resolve()))
    import eval_web  # the benchmark's own scorer

    if args.cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    extractors: dict[str, Extractor] = {
        "archivist": archivist_with(ExtractOptions(), args.clean),
        "traf-prec": _text_extractor(eval_web.EXTRACTORS["trafilatura-precision"]()),
        "trafilatura": _text_extractor(eval_web.EXTRACTORS["trafilatura"]()),
        "readability": _text_extractor(eval_web.EXTRACTORS["readability"]()),
    }
    names = [n for n in extractors if not args.only or n in args.only]
    if args.comments:
        extractors["archivist+comments"] = archivist_with(ExtractOptions(comments=True),
                                                          args.clean)
        names.append("archivist+comments")
    datasets = DATASETS if args.dataset == "all" else (args.dataset,)
    macro: dict[str, list[float]] = {name: [] for name in names}
    for dataset in datasets:
        pages = load(args.bench, dataset, args.split, args.limit)
        items = [(doc_id, None, meta) for doc_id, _, meta in pages]
        print(f"\n{dataset} ({args.split} split): {len(pages)} pages, best of {args.repeat}, "
              "1 CPU")
        print(f"{'extractor':<19} {'P':>6} {'R':>6} {'F1':>7} {'docs/s':>7} {'errors':>6} "
              f"{'empty':>5}")
        results: dict[str, tuple[dict, float, dict]] = {}
        for name in names:
            predictions, seconds, errors = run(pages, extractors[name], args.repeat)
            per_doc = eval_web.score(items, predictions, "articleBody")
            agg = eval_web.aggregate(list(per_doc.values()))
            results[name] = (agg, len(pages) / seconds, per_doc)
            macro[name].append(agg["f1"])
            print(f"{name:<19} {agg['precision']:>6.3f} {agg['recall']:>6.3f} {agg['f1']:>7.4f} "
                  f"{len(pages) / seconds:>7.1f} {errors:>6} {agg['empty_predictions']:>5}",
                  flush=True)
            if args.comments and name in ("trafilatura", "archivist+comments") and \
                    any("articleBodyWithComments" in meta for _, _, meta in pages):
                with_comments = eval_web.aggregate(list(eval_web.score(
                    items, predictions, "articleBodyWithComments").values()))
                print(f"{'  vs +comments':<19} {with_comments['precision']:>6.3f} "
                      f"{with_comments['recall']:>6.3f} {with_comments['f1']:>7.4f}")
        _ratios(results)
        if args.cli:
            _print_cli(eval_web, pages, args.repeat)
        if args.by_type:
            _by_type(eval_web, pages, results)
        if args.worst and "archivist" in results:
            per_doc = results["archivist"][2]
            print("lowest Archivist F1:")
            for doc_id in sorted(per_doc, key=lambda d: per_doc[d]["f1"])[:args.worst]:
                s = per_doc[doc_id]
                print(f"  {doc_id[:40]:<40} F1 {s['f1']:.3f}  P {s['precision'] or 0:.3f}  "
                      f"R {s['recall'] or 0:.3f}")
    if len(datasets) > 1:
        print("\nmacro F1 over " + ", ".join(datasets))
        for name in names:
            print(f"  {name:<19} {sum(macro[name]) / len(macro[name]):.4f}")


def _ratios(results: dict[str, tuple[dict, float, dict]]) -> None:
    if "archivist" not in results:
        return
    ours = results["archivist"]
    baselines = [n for n in BASELINES if n in results]
    if baselines:
        best = max(baselines, key=lambda n: results[n][0]["f1"])
        print(f"archivist F1 - best baseline ({best}): "
              f"{ours[0]['f1'] - results[best][0]['f1']:+.4f}")
    for name in ("traf-prec", "trafilatura"):
        if name in results:
            print(f"docs/s archivist / {name}: {ours[1] / results[name][1]:.2f}")


def _by_type(eval_web, pages: list[Page], results: dict[str, tuple[dict, float, dict]]
             ) -> None:
    kinds = sorted({meta.get("page_type") for _, _, meta in pages if meta.get("page_type")})
    if not kinds:
        return
    print(f"{'page_type':<14} {'pages':>5} " + " ".join(f"{n[:11]:>11}" for n in results))
    for kind in kinds:
        ids = [doc_id for doc_id, _, meta in pages if meta.get("page_type") == kind]
        f1s = [eval_web.aggregate([results[n][2][i] for i in ids])["f1"] for n in results]
        print(f"{kind:<14} {len(ids):>5} " + " ".join(f"{f:>11.3f}" for f in f1s))


if __name__ == "__main__":
    main()
