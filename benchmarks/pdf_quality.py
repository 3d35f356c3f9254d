"""PDF extraction quality, speed and memory: Archivist against plain pdfplumber, in one run.

    .venv/bin/python benchmarks/pdf_quality.py [--bench ../shared/bench]

Prints the gold-label scores (../shared/bench/check_pdf_gold.py) of the shared dev set and,
when benchmarks/data/pdf/ holds PDFs with a gold/ folder, of that widened set, separately and in
total; footnote-marker linking against the gold files' ``footnote_markers``; the GeoTopo text
scores (../shared/bench/eval_pdf.py: token F1, reading-order similarity, the goal line with the
furniture rows put back where printed) for Archivist and for plain pdfplumber ``extract_text``;
pages per second of both on the 117-page book with their ratio, and the peak RSS of each
extractor (measured in a fresh subprocess per extractor). Times are taken inside each
subprocess after its imports, so interpreter start-up does not count. ``--gold-only`` prints
only the gold-label scores; ``--speed-files`` only the speed of both extractors on every PDF of
the shared set, file by file and in total.

The widened set is split in two by sorted file name, once and for all: even positions are
``widened-dev`` (for tuning), odd ones ``widened-val`` (for checking only); a file whose gold
names its half (``"split": "dev"``) joins that half and takes no position. ``--split dev``
scores the shared set and widened-dev, ``--split val`` only widened-val, ``--split all`` (the
default) every set; each set is reported separately and all of them pooled. Widened-val is
printed as its means only, not file by file, so no one tunes on it by accident.

``--emit FILE.pdf`` (used by the gold checker) prints one PDF's extraction as the checker's JSON
(passages with their footnote ``refs`` too, kept in ``--save DIR`` for the marker score);
``--emit-text FILE.pdf`` prints the text (passages, each page's footnotes after its last
passage) for eval_pdf.py, then the same with the furniture rows where they were printed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOOK = "geotopo-book"
PRINTED = "\n@@printed\n"
DATA = ROOT / "benchmarks" / "data" / "pdf"
CHECKS = ["fnR", "fnP", "head", "furn", "dehy", "cap", "order", "body"]
"""The checker's metrics (check_pdf_gold.METRICS), in its column order."""
GOALS = {"gold": 0.95, "token_f1": 0.94, "order_sim": 0.92, "speed": 5.0, "peak_mb": 150.0}
"""Issue #15's goals; the order goal is scored with the furniture rows where printed."""


def run_archivist(path: Path):
    """Extract and clean one PDF in this process, with the worker's entry point
    (``extract_in_process``): an ingest runs it in a worker process (isolate.py, started once
    per thread), so calling it here keeps the time and the peak memory the extraction's own.
    The capture record is built here rather than with pipeline.capture.read_local, whose HTTP
    and WARC imports (about 50 MB) are not extraction."""
    import hashlib
    from datetime import datetime, timezone

    from pipeline.clean import clean
    from pipeline.extract.dispatch import extract_in_process
    from pipeline.model import Capture, ExtractOptions

    data = path.read_bytes()
    capture = Capture(source_id=path.stem, uri=str(path), captured_at=datetime.now(timezone.utc),
                      sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      media_type="application/pdf", kind="pdf")
    return clean(extract_in_process(data, capture, ExtractOptions()))


def emit_json(path: Path, save: Path | None) -> None:
    ex = run_archivist(path)
    passages = [{"text": b.text, "kind": b.kind, "page": b.locator.page_number,
                 "refs": list(b.footnote_refs), "pages": _pages_spanned(b)} for b in ex.blocks]
    footnotes = [{"label": f.label, "text": f.text, "page": f.locator.page_number}
                 for f in ex.footnotes]
    out = json.dumps({"passages": passages, "footnotes": footnotes}, ensure_ascii=False)
    sys.stdout.write(out)
    if save:
        (save / f"{path.stem}.json").write_text(out, encoding="utf-8")


def _pages_spanned(block) -> list[int]:
    """The block's page and those of its parts continued after column and page breaks."""
    return sorted({block.locator.page_number} | {t.page_number for t in block.transforms
                                                 if t.name == "join-break" and t.page_number})


def emit_text(path: Path) -> tuple[float, float]:
    """Print the text in page order, then (after ``@@printed``) the same with the furniture
    rows put back where they were printed; return the seconds of extract + clean, timed after
    the imports (the lexicon is loaded inside, on first use, so it counts), and its CPU
    seconds."""
    import pipeline.clean  # noqa: F401  imports before the clock starts
    import pipeline.extract.pdf.extractor  # noqa: F401

    started, cpu = time.perf_counter(), time.process_time()
    ex = run_archivist(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sys.stdout.write("\n\n".join(page_order(ex)))
    sys.stdout.write(PRINTED + "\n\n".join(page_order(ex, with_furniture=True)))
    return seconds, cpu


def page_order(ex, with_furniture: bool = False) -> list[str]:
    """Passages in reading order (a drawing's labels too: the reference text keeps them), each
    page's footnotes after its last passage: the order of the printed pages, which reference
    texts follow. ``with_furniture`` adds the furniture rows (running heads, page numbers)
    where they were printed: above the page's first passage, or after its notes; a passage
    continued onto a later page (its ``join-break`` offsets) is cut where the page broke, and
    the page's notes, footer and the next page's head go in between. Reference texts keep
    them, while Archivist removes them from the passages by design; the second score shows
    what that choice costs."""
    notes = sorted(ex.footnotes, key=lambda f: f.locator.page_number)
    furniture = sorted((r for r in ex.removed if with_furniture and r.category == "furniture"
                        and r.locator.page_number is not None and r.locator.bbox),
                       key=lambda r: (r.locator.page_number, r.locator.bbox[1]))
    tops: dict[int, float] = {}
    for block in ex.blocks:
        for page, box in [(block.locator.page_number, block.locator.bbox),
                          *((t.page_number, t.bbox) for t in _page_breaks(block))]:
            if box:
                tops[page] = min(tops.get(page, box[1]), box[1])
    heads = [r for r in furniture if r.locator.bbox[1] < tops.get(r.locator.page_number, 0)]
    feet = [r for r in furniture if r not in heads]
    texts: list[str] = []

    def up_to(page: int) -> None:
        """The notes and feet of the pages before ``page``, then its heads."""
        for rows in (notes, feet):
            while rows and rows[0].locator.page_number < page:
                texts.append(rows.pop(0).text)
        while heads and heads[0].locator.page_number <= page:
            texts.append(heads.pop(0).text)

    for i, block in enumerate(ex.blocks):
        page = block.locator.page_number
        while heads and heads[0].locator.page_number <= page:
            texts.append(heads.pop(0).text)
        cut = 0
        for part in _page_breaks(block) if with_furniture else ():
            texts.append(block.text[cut:part.char_start])
            up_to(part.page_number)
            cut = part.char_start
        texts.append(block.text[cut:])
        following = ex.blocks[i + 1].locator.page_number if i + 1 < len(ex.blocks) else None
        for rows in (notes, feet):
            while rows and (following is None or rows[0].locator.page_number < following):
                texts.append(rows.pop(0).text)
    return texts + [row.text for rows in (notes, heads, feet) for row in rows]


def _page_breaks(block) -> list:
    """The block's ``join-break`` transforms onto a later page that say where in its text the
    part continued there starts, in the text's order."""
    breaks, page = [], block.locator.page_number
    for t in sorted((t for t in block.transforms if t.name == "join-break"
                     and t.char_start is not None and t.page_number is not None),
                    key=lambda t: t.char_start):
        if t.page_number > page:
            breaks.append(t)
            page = t.page_number
    return breaks


def plumber_text(path: Path) -> tuple[float, float]:
    """Print plain pdfplumber ``extract_text`` of every page; return its seconds after imports
    and its CPU seconds."""
    import pdfplumber

    started, cpu = time.perf_counter(), time.process_time()
    parts = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            parts.append(page.extract_text() or "")
            page.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sys.stdout.write("\n".join(parts))
    return seconds, cpu


def _measured(args: list[str]) -> tuple[str, float, float, float]:
    """stdout, seconds and CPU seconds of the work itself (after imports) and peak RSS (MB) of
    one fresh interpreter running this script, so each extractor's memory is its own. On a
    loaded machine the CPU seconds are the steadier measure: the wall clock counts the time
    other processes held the cores."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    out, _, tail = proc.stdout.rpartition("\n@@seconds ")
    seconds, _, rest = tail.partition(" @@cpu ")
    cpu, _, peak = rest.partition(" @@peak ")
    return out, float(seconds), float(cpu), float(peak) / 1024


def _pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def widened_split(pdfs: Path) -> dict[str, list[str]]:
    """The widened set's two halves by position in the sorted file names: even -> dev, odd ->
    val, except files whose gold names their half (``"split": "dev"``, added to one half
    alone), which take no position. Fixed by the files alone, so no score can move a file from
    one half to the other."""
    halves: dict[str, list[str]] = {"widened-dev": [], "widened-val": []}
    positional = []
    for name in sorted(p.stem for p in pdfs.glob("*.pdf")
                       if (pdfs / "gold" / f"{p.stem}.json").exists()):
        named = json.loads((pdfs / "gold" / f"{name}.json").read_text(encoding="utf-8")).get(
            "split")
        if named:
            halves[f"widened-{named}"].append(name)
        else:
            positional.append(name)
    halves["widened-dev"] = sorted(halves["widened-dev"] + positional[0::2])
    halves["widened-val"] = sorted(halves["widened-val"] + positional[1::2])
    return halves


def gold_scores(bench: Path, pdfs: Path, save: Path, files: list[str] | None = None,
                tag: str = "", baseline: bool = True) -> dict[str, tuple[str, dict[str, Any]]]:
    """The checker's report and its ``--json`` results (per file, per check) for Archivist (its
    outputs kept in ``save``) and for pdfplumber; ``files`` limits it to those PDF names."""
    checker = bench / "check_pdf_gold.py"
    cmd = f"{sys.executable} {Path(__file__)} --emit {{pdf}} --save {save}"
    runs = {"archivist": ["--cmd", cmd], **({"pdfplumber": ["--baseline"]} if baseline else {})}
    only = ["--files", ",".join(f"{name}.pdf" for name in files)] if files else []
    results = {}
    for name, extra in runs.items():
        report = save / f"{pdfs.name}{tag}-{name}.checker.json"
        proc = subprocess.run([sys.executable, str(checker), str(pdfs / "gold"), str(pdfs),
                               *extra, *only, "-v", "--json", str(report)],
                              capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            sys.exit(f"{checker} failed on {pdfs}: {proc.stderr.strip()[-500:]}")
        results[name] = (proc.stdout, json.loads(report.read_text(encoding="utf-8")))
    return results


def check_means(files: list[dict[str, Any]]) -> dict[str, float | None]:
    """Each check's mean over the files that have gold items for it, and ``pdf-gold``, the mean
    of those means: the checker's own summary, so a set's figure is its report's and the total
    is the same summary over the files of every set pooled."""
    means: dict[str, float | None] = {}
    for check in CHECKS:
        values = [f[check] for f in files if f.get(check) is not None]
        means[check] = sum(values) / len(values) if values else None
    defined = [v for v in means.values() if v is not None]
    means["pdf-gold"] = sum(defined) / len(defined) if defined else None
    return means


def print_check_table(per_set: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Per check: each extractor on each set and on all sets together."""
    columns = {(name, set_name): files for name, sets in per_set.items()
               for set_name, files in [*sets.items(), ("total", sum(sets.values(), []))]}
    means = {column: check_means(files) for column, files in columns.items()}
    print("== gold labels per check (mean over the files with gold items for the check; "
          "pdf-gold is the mean of the checks)")
    print(f"{'check':<9}" + "".join(f"{name[:10] + ' ' + set_name:>20}"
                                     for name, set_name in columns))
    for check in [*CHECKS, "pdf-gold"]:
        cells = [means[column][check] for column in columns]
        print(f"{check:<9}" + "".join(f"{'-' if v is None else f'{v:.3f}':>20}" for v in cells))
    print(f"{'files':<9}" + "".join(f"{len(files):>20}" for files in columns.values()))


def marker_scores(pdfs: Path, saved: Path, files: list[str] | None = None
                  ) -> tuple[int, int, int, int]:
    """(gold markers linked, gold markers, predicted links that are gold, predicted links).

    A gold marker (``footnote_markers``: page, label, the words before it) is linked when a
    passage on its page (first or continued there after a page break) cites that label and
    holds those words; a predicted link is a passage on a labelled page citing a label, right
    when a gold marker of that label is linked by it."""
    linked = total = right = predicted = 0
    for gold_file in sorted((pdfs / "gold").glob("*.json")):
        out = saved / gold_file.name
        if not out.exists() or (files is not None and gold_file.stem not in files):
            continue
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        first, last = gold.get("pages_labelled", [1, 10**6])
        passages = [p for p in json.loads(out.read_text(encoding="utf-8"))["passages"]
                    if first <= p["page"] <= last]
        markers = gold.get("footnote_markers", [])
        hits: set[tuple[str, int]] = set()
        for marker in markers:
            words = _norm(marker["after"])
            found = next((i for i, p in enumerate(passages)
                          if marker["page"] in p.get("pages", [p["page"]])
                          and marker["label"] in p["refs"] and words in _norm(p["text"])), None)
            if found is not None:
                linked += 1
                hits.add((marker["label"], found))
        total += len(markers)
        cited = {(label, i) for i, p in enumerate(passages) for label in p["refs"]}
        predicted += len(cited)
        right += len(cited & hits)
    return linked, total, right, predicted


def _norm(text: str) -> str:
    """Whitespace, quotes and line-end hyphens as the gold files write them."""
    text = re.sub(r"-\n(?=[a-zäöü])", "", text).replace("’", "'").replace("‘", "'")
    return " ".join(text.replace("“", '"').replace("”", '"').split()).lower()


def text_scores(bench: Path, text: str) -> dict:
    sys.path.insert(0, str(bench))
    from eval_pdf import score

    truth = (bench / "pdf" / "truth" / f"{BOOK}.txt").read_text(encoding="utf-8")
    return score(text, truth)


def order_ceiling(bench: Path, text: str) -> tuple[float, int, int]:
    """The best order score any order of ``text``'s tokens could reach against the book's
    reference, with the edits that cost and all the edits of its own order: tokens the
    reference spells otherwise (a formula's spacing, figure labels it leaves out) are edits
    in any order, so the order score alone overstates what reading order loses."""
    sys.path.insert(0, str(bench))
    from collections import Counter

    from eval_pdf import normalise, tokens
    from rapidfuzz.distance import Levenshtein

    truth = (bench / "pdf" / "truth" / f"{BOOK}.txt").read_text(encoding="utf-8")
    ours, theirs = tokens(normalise(text)), tokens(normalise(truth))
    longest = max(len(ours), len(theirs))
    unmatched = longest - sum((Counter(ours) & Counter(theirs)).values())
    vocab: dict[str, int] = {}
    edits = Levenshtein.distance([vocab.setdefault(t, len(vocab)) for t in ours],
                                 [vocab.setdefault(t, len(vocab)) for t in theirs])
    return 1 - unmatched / longest, unmatched, edits


def speed_files(pdfs: list[Path]) -> None:
    """Pages per second of Archivist and pdfplumber on each PDF (a fresh interpreter per file
    and extractor, timed after the imports), their ratio by the wall clock and by CPU time,
    and the totals (all pages over all seconds); each extractor's peak RSS per file."""
    print(f"{'file':<32} {'pages':>5} {'ours/s':>7} {'plumb/s':>7} {'ratio':>6} {'cpu ratio':>9} "
          f"{'oursMB':>7} {'plumbMB':>7}")
    totals = [0, 0.0, 0.0, 0.0, 0.0]
    for pdf in pdfs:
        pages = _pages(pdf)
        _, our_s, our_cpu, our_mb = _measured(["--emit-text", str(pdf)])
        _, base_s, base_cpu, base_mb = _measured(["--plumber-text", str(pdf)])
        totals = [a + b for a, b in zip(totals, (pages, our_s, base_s, our_cpu, base_cpu))]
        print(f"{pdf.stem[:32]:<32} {pages:>5} {pages / our_s:>7.2f} {pages / base_s:>7.2f} "
              f"{base_s / our_s:>6.2f} {base_cpu / our_cpu:>9.2f} {our_mb:>7.1f} {base_mb:>7.1f}")
    pages, our_s, base_s, our_cpu, base_cpu = totals
    print(f"{'total':<32} {pages:>5} {pages / our_s:>7.2f} {pages / base_s:>7.2f} "
          f"{base_s / our_s:>6.2f} {base_cpu / our_cpu:>9.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--emit-text", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plumber-text", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip-gold", action="store_true", help="only the GeoTopo text, speed "
                                                                   "and memory figures")
    parser.add_argument("--gold-only", action="store_true", help="only the gold-label scores "
                                                                   "(every set, per check)")
    parser.add_argument("--split", choices=["all", "dev", "val"], default="all",
                        help="dev: the shared set and widened-dev (tune on these); val: only "
                             "widened-val (check on it); all: every set")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip pdfplumber's gold scores (quicker while iterating)")
    parser.add_argument("--speed-files", action="store_true",
                        help="only pages/s of both extractors on each shared-set PDF and in total")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.emit:
        emit_json(args.emit, args.save)
        return 0
    for flag, fn in ((args.emit_text, emit_text), (args.plumber_text, plumber_text)):
        if flag:
            seconds, cpu = fn(flag)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            sys.stdout.write(f"\n@@seconds {seconds} @@cpu {cpu} @@peak {peak}")
            return 0
    bench = args.bench.resolve()
    if not args.gold_only:
        # the timed processes read the package from bytecode, as an installed one does (pip
        # compiles it): with PYTHONDONTWRITEBYTECODE set, a module first imported after the
        # clock starts (the word table's) was compiled from source in every process
        compileall.compile_dir(ROOT / "pipeline", quiet=1)
    if args.speed_files:
        speed_files(sorted((bench / "pdf").glob("*.pdf")))
        return 0
    sets: dict[str, tuple[Path, list[str] | None]] = {}
    if args.split != "val":
        sets["shared"] = (bench / "pdf", None)
    if any(DATA.glob("*.pdf")) and (DATA / "gold").is_dir():
        for set_name, names in widened_split(DATA).items():
            if args.split == "all" or set_name.endswith(args.split):
                sets[set_name] = (DATA, names)
    per_set: dict[str, dict[str, list[dict[str, Any]]]] = {}  # extractor -> set -> files
    markers = [0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as saved:
        for set_name, (pdfs, names) in ({} if args.skip_gold else sets).items():
            for name, (output, report) in gold_scores(bench, pdfs, Path(saved), names,
                                                      f"-{set_name}",
                                                      not args.no_baseline).items():
                if set_name == "widened-val":  # checked as a whole, never file by file
                    output = output.partition("\n")[0] + output[output.rfind("\nmean "):]
                print(f"== gold labels, {set_name} set: {name}\n{output}")
                per_set.setdefault(name, {})[set_name] = [
                    f["scores"] for f in report["files"].values()]
            set_markers = marker_scores(pdfs, Path(saved), names)
            print(f"footnote markers, {set_name}: linked {set_markers[0]}/{set_markers[1]}, "
                  f"links right {set_markers[2]}/{set_markers[3]}")
            for i, n in enumerate(set_markers):
                markers[i] += n
    overall = {name: check_means(by_set["shared"])["pdf-gold"]
               for name, by_set in per_set.items() if "shared" in by_set}
    if per_set:
        print_check_table(per_set)
    if markers[1]:
        print(f"footnote markers linked: recall {markers[0]}/{markers[1]} = "
              f"{markers[0] / markers[1]:.3f}, precision {markers[2]}/{markers[3]} = "
              f"{markers[2] / max(markers[3], 1):.3f} (gold footnote_markers; pdfplumber has "
              "no links)")
    if args.gold_only:
        return 0
    book = bench / "pdf" / f"{BOOK}.pdf"
    pages = _pages(book)
    both, our_s, our_cpu, our_mb = _measured(["--emit-text", str(book)])
    ours, _, printed = both.partition(PRINTED)
    base, base_s, base_cpu, base_mb = _measured(["--plumber-text", str(book)])
    ours_score, base_score = text_scores(bench, ours), text_scores(bench, base)
    printed_score = text_scores(bench, printed)
    print(f"== {BOOK}.pdf ({pages} pages), a fresh interpreter per extractor; pages/s timed "
          "after imports (archivist: extract + clean; pdfplumber: open + extract_text)")
    header = (f"{'extractor':<12} {'gold':>6} {'tokenF1':>8} {'order':>6} {'pages/s':>8} "
              f"{'peakMB':>7}")
    print(header)
    for name, score, secs, mb in (("archivist", ours_score, our_s, our_mb),
                                  ("pdfplumber", base_score, base_s, base_mb)):
        g = f"{overall[name]:.4f}" if name in overall else "-"
        print(f"{name:<12} {g:>6} {score['token_f1']:>8.4f} {score['order_sim']:>6.4f} "
              f"{pages / secs:>8.2f} {mb:>7.1f}")
    print(f"{' +furniture':<12} {'-':>6} {printed_score['token_f1']:>8.4f} "
          f"{printed_score['order_sim']:>6.4f}   (archivist with its furniture rows where "
          "printed: the order goal's line)")
    ceiling, unmatched, edits = order_ceiling(bench, printed)
    print(f"{'':<12} order ceiling {ceiling:.4f}: of the line's {edits:,} token edits, "
          f"{unmatched:,} are tokens the reference spells otherwise, edits in any order")
    print(f"goals: gold >= {GOALS['gold']}, token F1 >= {GOALS['token_f1']}, order (furniture "
          f"where printed) >= {GOALS['order_sim']}, speed >= {GOALS['speed']}x, peak <= "
          f"{GOALS['peak_mb']:.0f} MB")
    print(f"speed ratio archivist/pdfplumber: {base_s / our_s:.2f}x (CPU time: "
          f"{base_cpu / our_cpu:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
