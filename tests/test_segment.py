import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pipeline.ids import normalise_text
from pipeline.model import Block, DocumentMeta, Extraction, FootnoteBlock, Locator
from pipeline.segment import segment

LOC = Locator(line_start=1, line_end=1)


def doc(*blocks, footnotes=()):
    return Extraction("test", "1", DocumentMeta(), tuple(blocks), tuple(footnotes))


def heading(text, level):
    return Block("heading", text, LOC, level=level)


def para(text, refs=()):
    return Block("paragraph", text, LOC, footnote_refs=tuple(refs))


def test_headings_open_nested_sections_and_passages_carry_their_path():
    result = segment("d", doc(heading("Report", 1), para("Intro."), heading("Cases", 2),
                              para("Case one."), heading("Annex", 1), para("Tables.")))
    paths = {p.text: p.section_path for p in result.passages}
    assert paths["Case one."] == ("Report", "Cases")
    assert paths["Tables."] == ("Annex",)
    assert [s.level for s in result.sections] == [1, 2, 1]


def test_an_unchanged_passage_keeps_its_id_when_others_change():
    before = segment("d", doc(heading("A", 1), para("First."), para("Second.")))
    after = segment("d", doc(heading("A", 1), para("First, edited."), para("Second.")))
    ids = lambda result: {p.text: p.passage_id for p in result.passages}  # noqa: E731
    assert ids(before)["Second."] == ids(after)["Second."]
    assert ids(before)["First."] != ids(after)["First, edited."]


def test_repeated_text_gets_distinct_ids_and_ids_differ_between_documents():
    result = segment("d", doc(para("Same."), para("Same.")))
    assert len({p.passage_id for p in result.passages}) == 2
    assert segment("e", doc(para("Same."))).passages[0].passage_id != result.passages[0].passage_id


def test_footnotes_link_to_the_passages_that_cite_them():
    result = segment("d", doc(para("Cites one.", ["1"]), para("Cites both.", ["1", "2"]),
                              footnotes=[FootnoteBlock("1", "Note one.", LOC),
                                         FootnoteBlock("2", "Note two.", LOC),
                                         FootnoteBlock("3", "Orphan.", LOC)]))
    cited = {f.label: f.passage_ids for f in result.footnotes}
    passage_ids = [p.passage_id for p in result.passages]
    assert cited == {"1": tuple(passage_ids), "2": (passage_ids[1],), "3": ()}


def test_content_hash_ignores_provenance_but_not_text():
    a = segment("d", doc(para("Text.")))
    moved = segment("d", doc(Block("paragraph", "Text.", Locator(line_start=9, line_end=9))))
    edited = segment("d", doc(para("Text!")))
    assert a.content_hash == moved.content_hash != edited.content_hash


@given(st.text())
def test_id_text_collapses_exactly_what_a_whitespace_regex_does(text):
    # Passage ids hash this form: splitting on str.isspace must give what the regex
    # substitution it replaced gave, or every id in an archive would change.
    collapsed = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()
    assert normalise_text(text) == collapsed
