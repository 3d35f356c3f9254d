"""benchmarks/pdf_quality.py's own helpers (the benchmark itself needs ../shared/bench)."""

from __future__ import annotations

from pipeline.clean import clean
from pipeline.model import (
    Block,
    DocumentMeta,
    Extraction,
    FootnoteBlock,
    Locator,
    Removed,
    Transform,
)
from tests.benchmark_module import load_benchmark


def test_furniture_put_back_where_the_page_broke_inside_a_continued_paragraph() -> None:
    """A paragraph cut by the page break is one passage; the first page's note and page number
    and the second page's running head were printed between its two parts, so the goal line
    puts them there (its join-break's offsets say where), not after the whole passage."""
    first, rest = "The ice holds in winter and the\n", "guards are fewer on the river."
    joined = Transform("join-break", "continued on page 2", page_number=2,
                       bbox=(72.0, 80.0, 300.0, 92.0), char_start=len(first),
                       char_end=len(first + rest))
    extraction = clean(Extraction("pdf", "1", DocumentMeta(), (
        Block("paragraph", first + rest, Locator(page_number=1, bbox=(72.0, 700.0, 300.0, 730.0)),
              (joined,)),
        Block("paragraph", "Brokers arrange marriages.",
              Locator(page_number=2, bbox=(72.0, 100.0, 300.0, 112.0)))),
        footnotes=(FootnoteBlock("1", "A note.", Locator(page_number=1, bbox=(72.0, 740.0, 300.0, 750.0))),),
        removed=(Removed("page-number", "7", Locator(page_number=1, bbox=(290.0, 770.0, 300.0, 780.0)),
                         "furniture"),
                 Removed("running-head", "Border crossings",
                         Locator(page_number=2, bbox=(72.0, 40.0, 200.0, 50.0)), "furniture"))))
    page_order = load_benchmark("pdf_quality").page_order
    texts = [" ".join(t.split()) for t in page_order(extraction, with_furniture=True)]
    assert texts == ["The ice holds in winter and the", "A note.", "7", "Border crossings",
                     "guards are fewer on the river.", "Brokers arrange marriages."]


def test_cleaning_moves_a_join_breaks_offsets_with_the_text() -> None:
    """Collapsed spaces, a ligature and a composed accent before the break shift the continued
    part in the passage's text; its join-break's offsets follow it there."""
    first, rest = "Caf\u0065\u0301  e\ufb03cient   \n", "ﬁnal  part\n"
    joined = Transform("join-break", "continued on page 2", page_number=2,
                       bbox=(72.0, 80.0, 300.0, 92.0), char_start=len(first),
                       char_end=len(first + rest))
    block = clean(Extraction("pdf", "1", DocumentMeta(), (
        Block("paragraph", first + rest, Locator(page_number=1, bbox=(72.0, 700.0, 300.0, 730.0)),
              (joined,)),))).blocks[0]
    assert block.text == "Café efficient final part"
    moved = next(t for t in block.transforms if t.name == "join-break")
    assert block.text[moved.char_start:moved.char_end] == "final part"
