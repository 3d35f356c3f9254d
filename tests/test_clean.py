from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean import clean, normalise_whitespace
from pipeline.model import Block, DocumentMeta, Extraction, Locator

LOC = Locator(line_start=1, line_end=1)


def test_prose_line_breaks_become_spaces():
    assert normalise_whitespace("one  line\n  and\tanother ") == "one line and another"


def test_tables_keep_rows_and_cells():
    table = "Year\tWomen sold\n2008\t  1,200 \n"
    assert normalise_whitespace(table, keep_lines=True) == "Year\tWomen sold\n2008\t1,200"


def test_clean_records_each_repair_and_drops_empty_blocks():
    extraction = Extraction("t", "1", DocumentMeta(), (
        Block("paragraph", "The ﬁrst  rÃ©sumÃ©", LOC), Block("paragraph", "  \n ", LOC),
        Block("table", "a\tb\nc\td", LOC)))
    blocks = clean(extraction).blocks
    assert [b.text for b in blocks] == ["The first résumé", "a\tb\nc\td"]
    assert [t.name for t in blocks[0].transforms] == ["ftfy", "whitespace"]
    assert blocks[1].transforms == ()


@given(st.text())
def test_whitespace_normalisation_is_idempotent(text):
    for keep_lines in (False, True):
        once = normalise_whitespace(text, keep_lines)
        assert normalise_whitespace(once, keep_lines) == once
