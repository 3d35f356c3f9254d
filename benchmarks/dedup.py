"""Lineage quality and scale: planted reprints of real articles, and a million-passage index.

Quality. The article bodies of the dragnet-train and scrapinghub gold sets are split into
paragraphs and published on ten "original" sites (each page with its site's header and footer).
A later run adds, on five other sites with templates of their own:

    whole copies       every paragraph, word for word
    excerpts           a third to two thirds of the paragraphs
    edited copies      every paragraph with 3 % of its words replaced
    unrelated pages    articles never published before: they share only their site's template
                       with the site's other pages, which must not count

Each passage of the second run is scored against the paragraph it was planted from: precision
and recall of the links to an origin document, the share of 20+ word copied passages that
point to their original (goal ≥ 0.90), and the share of unrelated passages that point anywhere
(goal < 0.02). The baseline in the same run links only passages with the same words.

Scale. ``--passages N`` (default 1,000,000) indexes N synthetic passages (:class:`Synthetic`:
words of the bench articles, 2 % of the documents planted reprints of earlier ones) in runs of
``--batch`` passages through the same code (``lineage.link`` + ``Archive.commit``), prints the
resident memory after each run (flat when memory is bounded by the batch, not the archive),
then times one incremental run of 1,000 new passages (goal ≤ 5 s) and reports peak RSS and
how many planted reprint passages point to their original.

    .venv/bin/python benchmarks/dedup.py [--bench ../shared/bench] [--passages 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow.compute as pc  # noqa: E402

from pipeline.archive import Archive, RunWriter  # noqa: E402
from pipeline.lineage import MIN_WORDS, exact_key, link, normal_words  # noqa: E402
from pipeline.model import (  # noqa: E402
    Block,
    Capture,
    DocumentMeta,
    Extraction,
    Locator,
    Source,
)
from pipeline.segment import segment  # noqa: E402
from pipeline.store import Store  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def articles(bench: Path) -> list[list[str]]:
    """Gold article bodies as paragraphs of 8+ words, articles with at least three of them.

    A paragraph found in two articles (a site's "follow us" line inside the gold text) is left
    out of both, so the planted truth is the only truth: every shared passage is planted."""
    bodies = []
    for name in ("dragnet-train", "scrapinghub"):
        truth = json.loads((bench / "web" / name / "ground-truth.json").read_text())
        for entry in truth.values():
            body = entry.get("articleBody") or ""
            paragraphs = [" ".join(p.split()) for p in body.split("\n")]
            bodies.append([p for p in paragraphs if len(p.split()) >= MIN_WORDS])
    counts = Counter(exact_key(normal_words(p)) for body in bodies for p in set(body))
    unique = [[p for p in body if counts[exact_key(normal_words(p))] == 1] for body in bodies]
    return [body for body in unique if len(body) >= 3]


def template(site: str) -> tuple[str, str]:
    return (f"Welcome to {site}, your trusted daily source for independent news and analysis "
            "from around the region",
            f"Copyright {site} media group, all rights reserved; no part of this page may be "
            "reproduced without written permission")


def edited(text: str, rng: random.Random, share: float = 0.03) -> str:
    words = text.split()
    for i in rng.sample(range(len(words)), max(1, round(share * len(words)))):
        words[i] = rng.choice(["reportedly", "allegedly", "notably", "however"])
    return " ".join(words)


class Corpus:
    """Documents added to an archive run by run, through lineage.link and Archive.commit."""

    def __init__(self, store: Store):
        self.archive = Archive(store)
        self.clock = START
        self.count = 0

    def run(self, documents: Sequence[tuple[str, str, list[str]]]) -> float:
        """Commit ``(doc id, site, paragraphs)`` documents as one run; returns link seconds."""
        run = RunWriter(run_id=f"bench-{self.count}", started_at=self.clock)
        self.count += 1
        for doc_id, site, paragraphs in documents:
            self.clock += timedelta(seconds=1)
            capture = Capture(doc_id, f"https://{site}/{doc_id}", self.clock, doc_id, 1,
                              "text/html", "html")
            blocks = tuple(Block("paragraph", p, Locator()) for p in paragraphs)
            extraction = Extraction("bench", "1", DocumentMeta(), blocks)
            run.add_document(segment(doc_id, extraction), Source(doc_id, capture.uri), capture, 1)
        started = time.perf_counter()
        link(self.archive, run)
        seconds = time.perf_counter() - started
        self.archive.commit(run)
        return seconds


def quality(bench: Path, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    texts = articles(bench)
    rng.shuffle(texts)
    originals, fresh = texts[:150], texts[150:200]
    first, second = [], []
    planted: dict[tuple[str, str], str | None] = {}  # (doc, paragraph text) -> origin doc
    for i, paragraphs in enumerate(originals):
        site = f"original-{i % 10}.example"
        head, foot = template(site)
        first.append((f"orig{i}", site, [head, *paragraphs, foot]))
    for i, paragraphs in enumerate(originals[:120]):
        site = f"reprint-{i % 5}.example"
        head, foot = template(site)
        kind = ("copy", "excerpt", "edited")[i % 3]
        if kind == "copy":
            body = list(paragraphs)
        elif kind == "excerpt":
            keep = sorted(rng.sample(range(len(paragraphs)),
                                     max(1, round(len(paragraphs) * rng.uniform(1 / 3, 2 / 3)))))
            body = [paragraphs[k] for k in keep]
        else:
            body = [edited(p, rng) for p in paragraphs]
        doc = f"{kind}{i}"
        second.append((doc, site, [head, *body, foot]))
        planted.update({(doc, p): f"orig{i}" for p in body})
        planted.update({(doc, head): None, (doc, foot): None})
    for i, paragraphs in enumerate(fresh):
        site = f"reprint-{i % 5}.example"
        head, foot = template(site)
        doc = f"unrelated{i}"
        second.append((doc, site, [head, *paragraphs, foot]))
        planted.update({(doc, p): None for p in [head, *paragraphs, foot]})

    with tempfile.TemporaryDirectory() as folder:
        corpus = Corpus(Store.at(Path(folder)))
        corpus.run(first)
        corpus.run(second)
        rows = corpus.archive.scan("passages", columns=[
            "doc_id", "text", "origin_doc_id", "run_id"]).to_pylist()
    rows = [r for r in rows if r["run_id"] == "bench-1"]
    exact_origin = _exact_baseline(first, second)
    return {**_score(rows, planted, lambda r: r["origin_doc_id"], "archivist"),
            **_score(rows, planted, lambda r: exact_origin.get((r["doc_id"], r["text"])),
                     "exact-only")}


def _exact_baseline(first: list[tuple[str, str, list[str]]],
                    second: list[tuple[str, str, list[str]]]) -> dict[tuple[str, str], str]:
    """The baseline: a passage links to the earlier document with the same words on another
    site, if there is one, and to nothing else."""
    seen: dict[int, tuple[str, str]] = {}
    for doc, site, paragraphs in first:
        for p in paragraphs:
            seen.setdefault(exact_key(normal_words(p)), (doc, site))
    links = {}
    for doc, site, paragraphs in second:
        for p in paragraphs:
            hit = seen.get(exact_key(normal_words(p)))
            if hit and hit[1] != site and len(normal_words(p)) >= MIN_WORDS:
                links[(doc, p)] = hit[0]
    return links


def _score(rows: list[dict[str, object]], planted: dict[tuple[str, str], str | None],
           origin_of: object, name: str) -> dict[str, float]:
    found = correct = expected = long_copies = long_right = unrelated = unrelated_linked = 0
    for row in rows:
        key = (str(row["doc_id"]), str(row["text"]))
        if key not in planted:
            continue
        truth = planted[key]
        guess = origin_of(row)  # type: ignore[operator]
        words = len(str(row["text"]).split())
        found += guess is not None
        correct += guess is not None and guess == truth
        expected += truth is not None
        if truth is not None and words >= 20:
            long_copies += 1
            long_right += guess == truth
        if truth is None and str(row["doc_id"]).startswith("unrelated"):
            unrelated += 1
            unrelated_linked += guess is not None
    return {f"{name} precision": correct / found if found else 1.0,
            f"{name} recall": correct / expected if expected else 1.0,
            f"{name} 20+ word copies to original": long_right / long_copies if long_copies else 0,
            f"{name} unrelated linked": unrelated_linked / unrelated if unrelated else 0}


PER_DOC = 20
SITES = 97
REPRINT_EVERY = 50
"""Every 50th synthetic document reprints an earlier one on another site (2 %): alternately
word for word and with 3 % of its words replaced."""


class Synthetic:
    """Documents of ``PER_DOC`` passages, each passage 20-60 words drawn from the bench
    articles' own words (so as frequent as there: "of the" is common, most word pairs are
    not), made from a seed per document: cheap, distinct, and any document can be made again
    to plant its reprint. Recombined whole sentences would make every sentence recur in about
    a hundred of a million passages, a corpus of near-duplicates no archive holds."""

    def __init__(self, texts: list[list[str]], seed: int):
        self.words = [w for paragraphs in texts for p in paragraphs for w in p.split()]
        self.seed = seed

    def original(self, number: int) -> list[str]:
        rng = random.Random(self.seed * 1_000_003 + number)
        return [" ".join(rng.choices(self.words, k=rng.randint(20, 60))) for _ in range(PER_DOC)]

    def document(self, number: int) -> tuple[str, str, list[str], int | None]:
        """(doc id, site, paragraphs, number of the document it reprints or None)."""
        site = f"site{number % SITES}.example"
        if number % REPRINT_EVERY != REPRINT_EVERY - 1:
            return f"doc{number}", site, self.original(number), None
        rng = random.Random(self.seed * 1_000_003 + number)
        source = rng.randrange(number)
        source -= source % REPRINT_EVERY == REPRINT_EVERY - 1  # an original, not a reprint
        if source % SITES == number % SITES:
            site = f"site{(number + 1) % SITES}.example"
        paragraphs = self.original(source)
        if number // REPRINT_EVERY % 2:
            paragraphs = [edited(p, rng) for p in paragraphs]
        return f"doc{number}", site, paragraphs, source


def scale(bench: Path, passages: int, batch: int, seed: int) -> dict[str, float]:
    synthetic = Synthetic(articles(bench), seed)
    planted: dict[str, str] = {}  # reprint doc id -> the doc id it copies
    with tempfile.TemporaryDirectory() as folder:
        corpus = Corpus(Store.at(Path(folder)))
        started, cpu = time.perf_counter(), time.process_time()
        link_seconds = 0.0
        made = 0
        while made + PER_DOC <= passages:  # whole documents, at least one per run
            documents = []
            last = (made + max(PER_DOC, min(batch, passages - made))) // PER_DOC
            for number in range(made // PER_DOC, last):
                doc_id, site, paragraphs, source = synthetic.document(number)
                documents.append((doc_id, site, paragraphs))
                if source is not None:
                    planted[doc_id] = f"doc{source}"
            link_seconds += corpus.run(documents)
            made += len(documents) * PER_DOC
            print(f"  indexed {made:,} passages, {time.perf_counter() - started:.0f} s, "
                  f"RSS {_rss_mb():,.0f} MB (peak {_peak_mb():,.0f} MB)", file=sys.stderr)
        total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
        linked = corpus.archive.scan("passages", pc.field("origin_doc_id").is_valid(),
                                     ["doc_id", "origin_doc_id"]).to_pylist()
        first = made // PER_DOC
        extra = [(f"new{n}", "new-site.example", synthetic.original(first + n))
                 for n in range(1000 // PER_DOC)]
        started, cpu = time.perf_counter(), time.process_time()
        incremental_link = corpus.run(extra)
        incremental, incremental_cpu = time.perf_counter() - started, time.process_time() - cpu
    right = sum(planted.get(r["doc_id"]) == r["origin_doc_id"] for r in linked)
    # CPU seconds beside the clock: on a shared machine the clock mostly measures the others.
    return {"passages indexed": made, "index build s (link + commit)": total,
            "index build CPU s": total_cpu, "of which link s": link_seconds,
            "incremental 1,000 passages s": incremental,
            "incremental CPU s": incremental_cpu,
            "of which link s (incremental)": incremental_link,
            "planted reprint passages": len(planted) * PER_DOC,
            "  linked to their original": right / max(1, len(planted) * PER_DOC),
            "  link precision": right / max(1, len(linked)),
            "peak RSS MB": _peak_mb()}


def _rss_mb() -> float:
    """Resident memory now (Linux), to tell growth with the archive from a one-off peak."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = {**quality(args.bench, args.seed)}
    if args.passages:
        figures.update(scale(args.bench, args.passages, args.batch, args.seed))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:,.3f}" if isinstance(value, float)
              else f"{name:<{width}}  {value:,}")
    ratio = figures["archivist recall"] / max(figures["exact-only recall"], 1e-9)
    print(f"{'recall ratio archivist / exact-only':<{width}}  {ratio:.2f}")


if __name__ == "__main__":
    main()
