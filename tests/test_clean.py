from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean import clean, normalise_whitespace, trim_code
from pipeline.model import Block, DocumentMeta, Extraction, Locator

LOC = Locator(line_start=1, line_end=1)


def test_prose_line_breaks_become_spaces():
    assert normalise_whitespace("one  line\n  and\tanother ") == "one line and another"


def test_tables_keep_rows_and_cells():
    table = "Year\tWomen sold\n2008\t  1,200 \n"
    assert normalise_whitespace(table, keep_lines=True) == "Year\tWomen sold\n2008\t1,200"


def test_code_keeps_its_indentation_and_inner_spacing():
    code = "\n  \ndef flow(river):\n    if river:\t# tab kept\n\n        return  river.mouth   \n\n"
    assert trim_code(code) == "def flow(river):\n    if river:\t# tab kept\n\n        return  river.mouth"
    extraction = Extraction("t", "1", DocumentMeta(), (Block("code", code, LOC),))
    assert clean(extraction).blocks[0].text == trim_code(code)


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
    assert trim_code(trim_code(text)) == trim_code(text)


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\u00a0\u2003\u202f\u3000\u2028\x0b")))
def test_prose_whitespace_is_the_two_substitutions_whatever_the_mix(text):
    # The substitutions are skipped where they would change nothing; the result must not
    # show it.
    from pipeline.clean import _LINE_BREAKS, _SPACES

    assert normalise_whitespace(text) == _SPACES.sub(" ", _LINE_BREAKS.sub(" ", text)).strip()
