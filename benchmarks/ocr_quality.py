"""OCR quality and speed on scans made from born-digital PDFs, beside Tesseract 5 when installed.

    .venv/bin/python benchmarks/ocr_quality.py [--bench ../shared/bench] [--pages 4]
                                               [--sample-pages 57 | --sample-list 2,5-10]
                                               [--variants "300 dpi clean"] [--no-tesseract]
    nice -n 10 .venv/bin/python benchmarks/ocr_quality.py --stream 500 [--stream-sample]

The scanned test set is built here from real text: the sample report (examples/pdf/) and the
first ``--pages`` pages of a few bench PDFs are rendered by PDFium to 300 and 200 dpi page
images, wrapped into image-only PDFs, and degraded copies are made (a skew of up to ±2°,
grain, JPEG artefacts at quality 35, a photocopy's raised contrast). The reference is
Archivist's own extraction of the born-digital pages. Scores are the bench's
(../shared/bench/eval_pdf.py): token F1 and reading-order similarity, over passages then
footnotes. Pages/s count OCR'd pages over the wall time of the extraction (layout included);
CPU s/page is user + system time of this process (onnxruntime's threads included) or of the
Tesseract processes, the fairer measure on a loaded machine (the load average is printed).
On the scanned sample report the footnotes found and linked are counted against the
born-digital ones (``--sample-pages``: how many of its 57 pages; all by default).

Tesseract 5 (``apt-get install tesseract-ocr``; only ever a baseline here) reads the same page
images with ``--psm 3`` in one process per page, the way it is usually run; its text is scored
the same way.

``--stream 500`` instead shows that memory is bounded by the page, not by the document: an
image-only PDF of that many small pages (a few lines each, different on every page) is
extracted in a child process whose resident memory (``VmRSS``) is sampled every two seconds;
the samples are printed by tenths of the pages (the child prints each page's number as it
reads it) and for the document's layout after the last page. ``--stream-sample``
adds the scanned sample report (57 pages at 200 dpi) run the same way.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageEnhance, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.capture import sniff  # noqa: E402
from pipeline.extract.dispatch import extract_in_process  # noqa: E402
from pipeline.model import Capture, Extraction, ExtractOptions  # noqa: E402

SAMPLE = ROOT / "examples" / "pdf" / "hrnk-lives-for-sale.pdf"
BENCH_PDFS = ("latex-multicolumn", "amnesty-ua-honduras-2017", "jss-timp-mullen-2007",
              "unmiss-hrd-brief-q3-2025")
VARIANTS = ("300 dpi clean", "200 dpi clean", "300 dpi degraded")
GOALS = {"clean_f1": 0.98, "degraded_f1": 0.95, "order_sim": 0.90, "footnotes": 60}
OPTIONS = ExtractOptions(max_seconds=24 * 3600, max_memory_mb=None)


@dataclass
class Result:
    name: str
    f1: list[float]
    order: list[float]
    pages: int
    seconds: float
    cpu: float

    def row(self) -> str:
        f1 = sum(self.f1) / len(self.f1) if self.f1 else 0.0
        order = sum(self.order) / len(self.order) if self.order else 0.0
        rate = self.pages / self.seconds if self.seconds else 0.0
        return (f"| {self.name} | {f1:.3f} | {order:.3f} | {self.pages} | {rate:.3f} | "
                f"{self.cpu / self.pages:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--pages", type=int, default=3, help="pages of each bench PDF")
    parser.add_argument("--docs", type=int, default=len(BENCH_PDFS),
                        help="how many of the bench PDFs (in the order of BENCH_PDFS)")
    parser.add_argument("--sample-pages", type=int, default=57,
                        help="pages of the sample report (57: all, for the footnote count)")
    parser.add_argument("--sample-list", type=_page_list, default=None,
                        help="these pages of the sample report instead (1-based, e.g. "
                        "2,5-10: the pages holding its notes give the whole report's note "
                        "count in less time)")
    parser.add_argument("--variants", type=lambda v: v.split(","), default=list(VARIANTS),
                        help=f"which scans, comma-separated (default: {','.join(VARIANTS)})")
    parser.add_argument("--no-tesseract", action="store_true")
    parser.add_argument("--stream", type=int, default=0, metavar="PAGES",
                        help="only the memory run: an image-only PDF of this many small pages")
    parser.add_argument("--stream-sample", action="store_true",
                        help="with --stream: the 57-page scanned sample report too")
    args = parser.parse_args(argv)
    if args.stream:
        _stream(_small_pages(args.stream), args.stream, f"{args.stream} small pages")
        if args.stream_sample:
            _stream(_image_pdf(_scans(SAMPLE.read_bytes(), 200, False, 0), 200), 57,
                    "sample report, 57 pages")
        return 0
    score = _scorer(args.bench / "eval_pdf.py")
    tesseract = None if args.no_tesseract else shutil.which("tesseract")
    sample = SAMPLE.read_bytes()
    sources = [("sample report", _pages(sample, args.sample_list) if args.sample_list
                else _first_pages(sample, args.sample_pages))]
    sources += [(name, _first_pages((args.bench / "pdf" / f"{name}.pdf").read_bytes(),
                                    args.pages)) for name in BENCH_PDFS[:args.docs]]
    results: dict[str, Result] = {}
    footnotes = None
    print(f"load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    for name, pdf in sources:
        reference = extract_in_process(pdf, _capture(pdf, name), OPTIONS)
        truth = _text(reference)
        for variant in args.variants:
            dpi = int(variant.split()[0])
            images = _scans(pdf, dpi, degraded="degraded" in variant, seed=len(name))
            scan = _image_pdf(images, dpi)
            started, cpu = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
            extraction = extract_in_process(scan, _capture(scan, name), OPTIONS)
            seconds, cpu = time.perf_counter() - started, _cpu(resource.RUSAGE_SELF) - cpu
            got = score(_text(extraction), truth)
            _add(results, f"Archivist {variant}", got, len(images), seconds, cpu)
            print(f"{name:28} {variant:18} F1 {got['token_f1']:.3f} order "
                  f"{got['order_sim']:.3f} {len(images) / seconds:.3f} pages/s "
                  f"{cpu / len(images):.1f} CPU s/page", flush=True)
            if name == "sample report" and variant == "300 dpi clean":
                footnotes = (_notes(extraction, reference), _notes(reference, reference))
            if tesseract:
                started, cpu = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN)
                text = "\n".join(_tesseract(tesseract, image, dpi) for image in images)
                seconds = time.perf_counter() - started
                cpu = _cpu(resource.RUSAGE_CHILDREN) - cpu
                got = score(text, truth)
                _add(results, f"Tesseract 5 {variant}", got, len(images), seconds, cpu)
                print(f"{name:28} {variant:18} tesseract F1 {got['token_f1']:.3f} order "
                      f"{got['order_sim']:.3f} {len(images) / seconds:.3f} pages/s "
                      f"{cpu / len(images):.1f} CPU s/page", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print("\n| engine, scans | token F1 | order | pages | pages/s | CPU s/page |")
    print("| --- | --- | --- | --- | --- | --- |")
    for result in results.values():
        print(result.row())
    if footnotes:
        (found, linked, missed), (_, truth_linked, _) = footnotes
        print(f"\nfootnotes on the scanned sample report: {found} found, {linked} linked "
              f"(born-digital: {truth_linked} linked; goal {GOALS['footnotes']}); "
              f"not linked: {', '.join(missed) or 'none'}")
    for variant in args.variants:
        ours = results.get(f"Archivist {variant}")
        theirs = results.get(f"Tesseract 5 {variant}")
        if ours and theirs and theirs.seconds and ours.seconds and ours.cpu:
            print(f"speed Archivist / Tesseract, {variant}: pages/s "
                  f"{(ours.pages / ours.seconds) / (theirs.pages / theirs.seconds):.2f}, "
                  f"CPU per page {theirs.cpu / ours.cpu * ours.pages / theirs.pages:.2f}")
    return 0


WORDS = ("archive record ledger village border winter clerk office broker report survey river "
         "province family market season court letter witness station harvest school").split()


def _small_pages(count: int) -> bytes:
    """An image-only PDF of ``count`` half-letter pages at 200 dpi, three lines of words each,
    no two pages alike (so nothing is read twice the same way)."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(396, 144))
    rng = random.Random(0)
    for number in range(1, count + 1):
        canvas.setFont("Times-Roman", 11)
        for row in range(3):
            words = " ".join(rng.choice(WORDS) for _ in range(8))
            canvas.drawString(30, 110 - 16 * row, f"{number}.{row + 1} {words}")
        canvas.showPage()
    canvas.save()
    return _image_pdf(_scans(buffer.getvalue(), 200, False, 0), 200)


CHILD = """
import sys, time
from pipeline.extract.ocr import pages
from benchmarks.ocr_quality import OPTIONS, _capture
from pipeline.extract.dispatch import extract_in_process
read = pages.ocr_page
def counted(*args, **kwargs):
    out = read(*args, **kwargs)
    print(args[1], flush=True)  # the page number: the parent matches it to its samples
    return out
pages.ocr_page = counted
data = open(sys.argv[1], "rb").read()
extraction = extract_in_process(data, _capture(data, "stream"), OPTIONS)
print("done", len(extraction.blocks), flush=True)
"""


def _stream(pdf: bytes, total: int, name: str) -> None:
    """Extract ``pdf`` in a child process, sampling its resident memory every two seconds."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, file.name], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        read = [0]  # pages the child has read, from its output

        def follow() -> None:
            for line in child.stdout or ():
                if line.strip().isdigit():
                    read[0] = max(read[0], int(line))

        threading.Thread(target=follow, daemon=True).start()
        samples: list[tuple[float, int, float]] = []  # seconds, pages read, MB
        while child.poll() is None:
            try:
                status = Path(f"/proc/{child.pid}/status").read_text()
            except FileNotFoundError:
                break
            kb = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS"))
            samples.append((time.perf_counter() - started, read[0], kb / 1024))
            time.sleep(2)
        seconds = time.perf_counter() - started
    print(f"\n{name}: {seconds:.0f} s, exit {child.returncode}, {len(samples)} samples of "
          f"VmRSS, load average {os.getloadavg()[0]:.1f}")
    rows: dict[str, list[float]] = {}
    for _, read_by_then, mb in samples:
        if 0 < read_by_then < total:
            k = read_by_then * 10 // total
            rows.setdefault(f"pages {total * k // 10 + 1}-{total * (k + 1) // 10}", []).append(mb)
        elif read_by_then == total:
            rows.setdefault("after the last page (the document's layout)", []).append(mb)
    print("| while reading | VmRSS MB min / median / max | samples |")
    print("| --- | --- | --- |")
    for what, mbs in rows.items():
        mbs.sort()
        print(f"| {what} | {mbs[0]:.0f} / {mbs[len(mbs) // 2]:.0f} / {mbs[-1]:.0f} | {len(mbs)} |")
    print(f"peak {max((m for _, _, m in samples), default=0):.0f} MB")


def _scorer(path: Path):
    spec = importlib.util.spec_from_file_location("eval_pdf", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.score


def _first_pages(pdf: bytes, count: int) -> bytes:
    source = pdfium.PdfDocument(pdf)
    if count >= len(source):
        return pdf
    out = pdfium.PdfDocument.new()
    out.import_pages(source, list(range(count)))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _page_list(text: str) -> list[int]:
    """``2,5-7`` -> [1, 4, 5, 6] (0-based)."""
    pages: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        pages += range(int(first) - 1, int(last or first))
    return pages


def _pages(pdf: bytes, indices: list[int]) -> bytes:
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(pdf), indices)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _capture(data: bytes, name: str) -> Capture:
    media_type, kind = sniff(data, None, name)
    return Capture(source_id=name, uri=name, captured_at=datetime.now(timezone.utc),
                   sha256="0" * 64, size=len(data), media_type=media_type, kind=kind)


def _text(extraction: Extraction) -> str:
    """Passages, then footnotes: the order the archive keeps them in."""
    return "\n\n".join([b.text for b in extraction.blocks]
                       + [f"{f.label} {f.text}" for f in extraction.footnotes])


def _notes(extraction: Extraction, reference: Extraction) -> tuple[int, int, list[str]]:
    """Notes found, notes a body marker cites, and the reference's cited labels that are not
    cited here."""
    referenced = {label for block in extraction.blocks for label in block.footnote_refs}
    labels = {f.label for f in extraction.footnotes}
    linked = sum(1 for f in extraction.footnotes if f.label in referenced)
    wanted = {label for block in reference.blocks for label in block.footnote_refs}
    missed = sorted(wanted - (referenced & labels), key=lambda l: (len(l), l))
    return len(extraction.footnotes), linked, missed


def _scans(pdf: bytes, dpi: int, degraded: bool, seed: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
              for page in document]
    if not degraded:
        return images
    rng = random.Random(seed)
    return [_degrade(image, rng) for image in images]


def _degrade(image: Image.Image, rng: random.Random) -> Image.Image:
    """A photocopied, slightly skewed, grainy, JPEG-compressed copy of a page."""
    image = image.rotate(rng.uniform(-2, 2), resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=255)
    image = ImageEnhance.Contrast(image).enhance(1.8).filter(ImageFilter.GaussianBlur(0.6))
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0, 14, (image.height, image.width))
    image = Image.fromarray(np.clip(np.asarray(image, dtype=float) + grain, 0, 255)
                            .astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=35)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def _image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def _add(results: dict[str, Result], name: str, got: dict, pages: int, seconds: float,
         cpu: float) -> None:
    result = results.setdefault(name, Result(name, [], [], 0, 0.0, 0.0))
    result.f1.append(got["token_f1"])
    result.order.append(got["order_sim"])
    result.pages += pages
    result.seconds += seconds
    result.cpu += cpu


def _cpu(who: int) -> float:
    """User + system seconds of this process (``RUSAGE_SELF``) or its finished children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _tesseract(binary: str, image: Image.Image, dpi: int) -> str:
    with tempfile.NamedTemporaryFile(suffix=".png") as file:
        image.save(file.name, dpi=(dpi, dpi))
        done = subprocess.run([binary, file.name, "-", "--psm", "3", "-l", "eng"],
                              capture_output=True, text=True, check=False)
    return done.stdout


if __name__ == "__main__":
    sys.exit(main())
