"""The HTML extractor: main content, removed chrome, footnotes, metadata, provenance, bad input.

The seed pages in examples/html/ are renderings of the web seeds with their sites' chrome; the
expected article text of each sits beside the other HTML fixtures in tests/fixtures/html/.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.clean import clean
from pipeline.errors import EmptySource, ExtractError
from pipeline.extract import ExtractOptions, extract
from pipeline.extract.html import boilerplate as bp
from pipeline.extract.html import extractor as html_extractor
from pipeline.extract.source import decode_source
from pipeline.model import Capture, Extraction
from pipeline.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "examples" / "html"
EXPECTED = Path(__file__).resolve().parent / "fixtures" / "html"
SEED_PAGES = ["000_wilson_event", "001_scoop_remarks", "002_impunity_watch",
              "004_king_interview"]
CHROME = {
    "000_wilson_event": ["Skip to main content", "Hosted By", "Asia Program promotes",
                         "Read more", "Thank you for your interest", "Publications",
                         "One Woodrow Wilson Plaza"],
    "001_scoop_remarks": ["World Video", "Latest World News", "Scoop Media", "World Headlines",
                          "Werewolf", "More>>", "Pacific.Scoop", "Cafe Pacific"],
    "002_impunity_watch": ["Skip to content", "Recent Posts", "Syracuse University",
                           "For more information", "The Chosun Ilbo"],
    "004_king_interview": ["Skip to content", "Share this:", "Twitter", "Leave a Reply",
                           "Your email address will not be published", "Proudly powered"],
}


def capture_for(data: bytes, uri: str = "file:///page.html", charset: str | None = None
                ) -> Capture:
    headers = (("Content-Type", f"text/html; charset={charset}"),) if charset else ()
    return Capture(source_id="page", uri=uri, captured_at=datetime(2024, 1, 1, tzinfo=timezone.utc),
                   sha256="0" * 64, size=len(data), media_type="text/html", kind="html",
                   headers=headers)


def run(data: bytes | str, charset: str | None = None,
        options: ExtractOptions = ExtractOptions()) -> Extraction:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return extract(raw, capture_for(raw, charset=charset), options)


def page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def squash(text: str) -> str:
    return " ".join(text.split())


def article(body: str, title: str = "A headline about rivers") -> str:
    return (f"<html><head><title>{title}</title></head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
            "<li><a href='/about'>About</a></li></ul></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            "<footer><p>Copyright 2024 Example Media. All rights reserved.</p></footer>"
            "</body></html>")


PROSE = ("<p>The river rose three metres overnight, and the town council opened the "
         "school gym as a shelter for families from the lower streets.</p>"
         "<p>By morning the water had reached the old bridge, which engineers closed to "
         "traffic while they checked its pillars for damage.</p>")


# --------------------------------------------------------------------------- seed pages

@pytest.mark.parametrize("name", SEED_PAGES)
def test_seed_page_text_is_the_article_and_none_of_the_chrome(name):
    extraction = clean(run(page(name)))
    expected = (EXPECTED / f"{name}.expected.txt").read_text(encoding="utf-8")
    wanted = [squash(p) for p in expected.split("\n\n") if p.strip()]
    assert [squash(b.text) for b in extraction.blocks] == wanted
    passages = "\n".join(b.text for b in extraction.blocks)
    for chrome in CHROME[name]:
        assert chrome not in passages
        assert any(chrome in r.text for r in extraction.removed) or \
            any(chrome in f.text for f in extraction.footnotes), chrome


@pytest.mark.parametrize("name", SEED_PAGES)
def test_seed_page_title_is_the_first_passage(name):
    extraction = run(page(name))
    assert extraction.blocks[0].kind == "title"
    assert extraction.blocks[0].level == 1
    assert extraction.meta.title and squash(extraction.blocks[0].text) in extraction.meta.title


def test_impunity_watch_sources_list_becomes_footnotes():
    extraction = clean(run(page("002_impunity_watch")))
    expected = (EXPECTED / "002_impunity_watch.footnotes.txt").read_text(encoding="utf-8")
    assert [(f.label, f.text) for f in extraction.footnotes] == [
        (str(i), squash(t)) for i, t in enumerate(expected.split("\n\n"), 1) if t.strip()]
    heading = [r for r in extraction.removed if r.rule == "notes-heading"]
    assert [squash(r.text) for r in heading] == ["For more information, please see:"]
    assert heading[0].category == "marker"


def test_removed_blocks_name_their_rule_and_evidence():
    extraction = run(page("004_king_interview"))
    by_text = {r.text: r for r in extraction.removed}
    share = by_text["Share this:"]
    assert share.rule == "chrome" and "social" in share.evidence
    # The comment form follows the <article> holding the headline and the post's paragraphs.
    assert by_text["Leave a Reply"].rule == "outside-main-content"
    assert by_text["Home"].rule == "outside-main-content"
    assert by_text["Skip to content"].rule == "hidden"
    assert all(r.category == "boilerplate" for r in by_text.values())


def test_seed_pages_registry_lists_every_rendering():
    registry = load_registry(PAGES / "sources.toml")
    uris = sorted(Path(s.uri).name for s in registry.sources)
    assert uris == sorted(f"{name}.html" for name in SEED_PAGES)
    assert all(s.kind == "html" for s in registry.sources)


# --------------------------------------------------------------------------- metadata

def test_metadata_from_meta_tags_json_ld_and_html():
    meta = run(page("004_king_interview")).meta
    assert meta.title == "Ambassador Robert King on North Korean Women Trafficked in China"
    assert meta.authors == ("Salonee Goel",)
    assert meta.published == "2019-04-15"
    assert meta.updated == "2019-04-20"
    assert meta.language == "en-US"
    assert meta.site_name == "The Forum"


def test_metadata_canonical_url_and_description():
    meta = run(page("000_wilson_event")).meta
    assert meta.canonical_url == ("https://www.wilsoncenter.org/event/"
                                  "struggle-for-survival-trafficking-north-korean-women")
    assert meta.description and meta.description.startswith("Ambassador Mark P. Lagon")
    assert meta.published == "2008-03-03"


# --------------------------------------------------------------------------- structure

def test_structure_headings_lists_quotes_tables_captions():
    body = (PROSE + "<h2>What the council said</h2>"
            "<blockquote><p>We will rebuild the embankment before the spring rains come.</p>"
            "</blockquote><h3>Shelters</h3>"
            "<ul><li>The school gym on Mill Street, open all night for families.</li>"
            "<li>The church hall on the square, with hot meals from six o'clock.</li></ul>"
            "<figure><img src='x.jpg'><figcaption>The old bridge at dawn.</figcaption></figure>"
            "<table><tr><th>Gauge</th><th>Level</th></tr><tr><td>Mill</td><td>3.1 m</td></tr>"
            "<tr><td>Bridge</td><td>2.7 m</td></tr></table>"
            "<p>The council will publish new gauge readings every hour until the water falls "
            "below the warning mark again.</p>")
    blocks = run(article(body)).blocks
    kinds = [(b.kind, b.level) for b in blocks]
    assert kinds == [("title", 1), ("paragraph", None), ("paragraph", None), ("heading", 2),
                     ("quote", None), ("heading", 3), ("list_item", None),
                     ("list_item", None), ("caption", None), ("table", None),
                     ("paragraph", None)]
    table = next(b for b in blocks if b.kind == "table")
    assert table.text == "Gauge\tLevel\nMill\t3.1 m\nBridge\t2.7 m"


def test_code_block_keeps_its_indentation_through_clean():
    code = "def crest(levels):\n    for level in levels:\n        if level &gt; 3:\n            return level"
    blocks = clean(run(article(PROSE + f"<pre><code>{code}</code></pre>"))).blocks
    assert next(b for b in blocks if b.kind == "code").text == html.unescape(code)


def test_data_table_whose_cells_wrap_their_text_in_blocks_is_one_table():
    # CMS output wraps every cell's text in a p or div: still a data table, one block,
    # its cells' blocks read apart ("4.00 per kg") and its markup located.
    table = ("<table><tr><th><p>Shop</p></th><th><p>Price</p></th></tr>"
             "<tr><td><p>Amazon <b>UK</b></p> online</td><td><div>4.00</div><div>per kg</div>"
             "</td></tr><tr><td><p>Market</p></td><td><div>3.50</div><div>per kg</div>"
             "</td></tr></table>")
    source = article(PROSE + table + "<p>Prices were checked on the morning of the flood, "
                     "before the roads to the market closed.</p>")
    data = source.encode()
    blocks = run(data).blocks
    assert [b.kind for b in blocks].count("table") == 1
    block = next(b for b in blocks if b.kind == "table")
    assert block.text == "Shop\tPrice\nAmazon UK online\t4.00 per kg\nMarket\t3.50 per kg"
    decoded = decode_source(data, capture_for(data)).text
    assert block.locator.xpath == "/html/body/article/table"
    assert decoded[block.locator.char_start:block.locator.char_end] == table


def test_table_setting_prose_in_columns_is_layout_not_data():
    # A column of several prose paragraphs is an article set in a table: its paragraphs
    # stay paragraphs.
    column = "<td><div>" + PROSE + "</div></td>"
    body = ("<table><tr><td><p><a href='/a'>Archive</a></p><p><a href='/b'>Contact</a></p>"
            f"</td>{column}</tr></table>")
    blocks = run(article(body)).blocks
    assert "table" not in [b.kind for b in blocks]
    assert any(b.kind == "paragraph" and b.text.startswith("The river rose") for b in blocks)


def test_one_row_box_and_forum_post_tables_are_layout_not_data():
    # An admonition set as a label cell beside its text, and a forum post's table (its date
    # row, then its author beside a long message), lay blocks out side by side.
    note = ("<table><tr><td><div>Tip</div></td><td><div>The old bridge is not a special "
            "case.</div></td></tr></table>")
    post = ("<table><tr><td><div>30th March 2025</div></td><td><div>#1</div></td></tr>"
            "<tr><td><div>riverwatcher</div><div>Posts: 12</div></td><td><div>"
            + " ".join(["The gauge by the mill read higher than the one by the bridge."] * 5)
            + "</div></td></tr></table>")
    blocks = run(article(PROSE + note + post)).blocks
    assert "table" not in [b.kind for b in blocks]
    assert any(b.text == "The old bridge is not a special case." for b in blocks)


def test_table_holding_the_whole_page_is_layout_not_data():
    # One short wrapped paragraph per cell, but the table is most of the page's text.
    cells = "".join(f"<td><p>{text}</p></td>" for text in (
        "The river rose three metres overnight in the lower town.",
        "The council opened the school gym to families from the streets by the water.",
        "Engineers closed the old bridge while they checked its pillars."))
    body = f"<table><tr>{cells}</tr></table>"
    blocks = run(article(body)).blocks
    assert "table" not in [b.kind for b in blocks]


def test_comment_section_and_share_widget_are_removed():
    body = (PROSE + "<div class='share-buttons'><a href='#'>Share on Facebook</a>"
            "<a href='#'>Tweet</a></div>"
            "<section id='comments'><h2>3 comments</h2><div class='comment'><p>Great article, "
            "I live by the river and we saw the same thing happen last year in March.</p></div>"
            "</section>")
    extraction = run(article(body))
    kept = " ".join(b.text for b in extraction.blocks)
    assert "Great article" not in kept and "Share on Facebook" not in kept
    assert "The river rose" in kept and "By morning" in kept


def test_comments_option_keeps_the_thread_as_comment_passages():
    body = (PROSE + "<div class='share-buttons'><a href='#'>Share on Facebook</a></div>"
            "<section id='comments'><h2>2 comments</h2><ol class='comment-list'>"
            "<li class='comment'><div class='comment-author'>By Maria Lopez</div>"
            "<p>Great article, I live by the river and we saw the same thing happen last "
            "year in March.</p><a class='comment-reply-link' href='#r'>Reply</a></li>"
            "<li class='comment'><p>The council should have opened the gym a day earlier, "
            "as the forecast was clear.</p></li></ol>"
            "<form id='respond'><p>Leave a Reply. Your email address will not be published.</p>"
            "</form></section>")
    kept = [(b.kind, b.text) for b in run(article(body), options=ExtractOptions(
        comments=True)).blocks]
    assert ("comment", "Great article, I live by the river and we saw the same thing happen "
            "last year in March.") in kept
    assert ("byline", "By Maria Lopez") in kept
    assert sum(kind == "comment" for kind, _ in kept) == 2
    texts = " ".join(text for _, text in kept)
    assert "Reply" not in texts and "Share on Facebook" not in texts and "Leave a" not in texts
    assert "The river rose" in texts
    default = " ".join(b.text for b in run(article(body)).blocks)
    assert "Great article" not in default


def test_extract_cli_comments_flag_keeps_comment_passages(tmp_path):
    import json

    from typer.testing import CliRunner

    from pipeline.cli import app

    body = (PROSE + "<section id='comments'><ol class='comment-list'><li class='comment'><p>"
            "Great article, I live by the river and we saw the same thing happen last year."
            "</p></li></ol></section>")
    (tmp_path / "post.html").write_text(article(body), encoding="utf-8")
    kinds = {}
    for flags in ([], ["--comments"]):
        result = CliRunner().invoke(app, ["extract", str(tmp_path / "post.html"),
                                          "--format", "json", *flags])
        assert result.exit_code == 0, result.output
        kinds[bool(flags)] = [p["kind"] for p in json.loads(result.stdout)["passages"]]
    assert "comment" not in kinds[False] and kinds[True].count("comment") == 1


def test_comments_setting_is_read_from_the_registry(tmp_path):
    registry = tmp_path / "sources.toml"
    registry.write_text("[settings.extract]\ncomments = true\n\n[[source]]\nid = 'a'\n"
                        "uri = 'a.html'\n", encoding="utf-8")
    assert load_registry(registry).extract_options.comments is True
    registry.write_text("[settings.extract]\ncomments = 1\n", encoding="utf-8")
    with pytest.raises(Exception, match="comments must be true or false"):
        load_registry(registry)


# --------------------------------------------------------------------------- footnotes

def test_sup_fn_markers_link_passages_to_footnotes():
    body = ("<p>The river rose three metres overnight<sup><a href='#fn1' id='r1'>1</a></sup>, "
            "and the council opened the school gym as a shelter for families.</p>"
            "<p>By morning the water reached the old bridge<sup><a href='#fn2'>2</a></sup>, "
            "which engineers closed to traffic while they checked the pillars.</p>"
            "<ol class='footnotes'><li id='fn1'>Gauge reading at the Mill Street station. "
            "<a href='#r1'>↩</a></li><li id='fn2'>Closed from 6 a.m. to noon.</li></ol>")
    extraction = run(article(body))
    paragraphs = [b for b in extraction.blocks if b.kind == "paragraph"]
    assert [b.footnote_refs for b in paragraphs] == [("1",), ("2",)]
    assert "overnight," in paragraphs[0].text and "overnight1" not in paragraphs[0].text
    assert [(f.label, f.text) for f in extraction.footnotes] == [
        ("1", "Gauge reading at the Mill Street station."), ("2", "Closed from 6 a.m. to noon.")]
    assert not any("Gauge reading" in b.text for b in extraction.blocks)


def test_wikipedia_cite_notes_and_doc_noteref():
    body = ("<p>The bridge was built in 1887<sup class='reference'><a href='#cite_note-3'>"
            "[3]</a></sup> and widened twice since, most recently in the nineteen-sixties.</p>"
            "<p>Engineers inspect it every spring<a role='doc-noteref' href='#en-a'>a</a> "
            "before the high water season begins in the hills upstream.</p>"
            "<ol class='references'><li id='cite_note-3'><a href='#cite_ref-3'>^</a> "
            "County records, 1888.</li></ol>"
            "<section role='doc-endnotes'><ol><li id='en-a'>Since 1952.</li></ol></section>")
    extraction = run(article(body))
    refs = [b.footnote_refs for b in extraction.blocks if b.kind == "paragraph"]
    assert refs == [("3",), ("a",)]
    assert [(f.label, f.text) for f in extraction.footnotes] == [
        ("3", "County records, 1888."), ("a", "Since 1952.")]


# --------------------------------------------------------------------------- provenance

@pytest.mark.parametrize("name", SEED_PAGES)
def test_every_locator_slices_its_elements_markup(name):
    data = page(name)
    extraction = run(data)
    decoded = decode_source(data, capture_for(data)).text
    items = list(extraction.blocks) + list(extraction.footnotes) + list(extraction.removed)
    assert items
    for item in items:
        loc = item.locator
        assert loc.xpath and loc.char_start is not None and loc.char_end is not None
        tag = re.sub(r"\[\d+\]$", "", loc.xpath.rsplit("/", 1)[1])
        markup = decoded[loc.char_start:loc.char_end]
        assert re.match(rf"<{tag}[\s>/]", markup, re.IGNORECASE), (loc, markup[:40])
        assert markup.lower().endswith(f"</{tag}>") or tag in ("li", "p", "br")
        visible = squash(re.sub(r"<[^>]+>", "", html.unescape(markup)))
        assert squash(item.text.split("\n")[0])[:20] in visible
        assert loc.line_start == decoded.count("\n", 0, loc.char_start) + 1


def test_locators_survive_implied_and_unclosed_elements():
    source = ("<title>T</title>text before any tag<p>First paragraph with enough words to "
              "count as prose in an article.<p>Second paragraph, also unclosed, with more "
              "words in it for good measure.<div><p>Third</div>")
    data = source.encode()
    extraction = run(data)
    decoded = decode_source(data, capture_for(data)).text
    paragraphs = [b for b in extraction.blocks if b.text.startswith(("First", "Second"))]
    assert len(paragraphs) == 2
    for block in paragraphs:
        markup = decoded[block.locator.char_start:block.locator.char_end]
        assert markup.startswith("<p>") and markup[3:].startswith(block.text[:10])
        assert "<p>" not in markup[3:]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "div", "li", "blockquote", "h2"]),
                          st.text(alphabet="abc xyz.<&", min_size=1, max_size=30),
                          st.booleans()), min_size=1, max_size=12))
def test_locator_slices_start_with_the_start_tag(parts):
    source = "<html><body>" + "".join(
        f"<{tag} class='c'>{_escape(text)}" + (f"</{tag}>" if closed else "")
        for tag, text, closed in parts) + "</body></html>"
    data = source.encode()
    try:
        extraction = run(data)
    except EmptySource:
        return
    decoded = decode_source(data, capture_for(data)).text
    for item in list(extraction.blocks) + list(extraction.removed):
        loc = item.locator
        if loc.char_start is None:
            continue
        tag = re.sub(r"\[\d+\]$", "", loc.xpath.rsplit("/", 1)[1])
        assert decoded[loc.char_start:loc.char_end].startswith(f"<{tag}")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


# --------------------------------------------------------------------------- encoding

def test_lying_http_charset_is_overruled_and_recorded():
    text = "Crème brûlée and déjà vu: the café on the quay reopened after the flood."
    data = article(f"<p>{text}</p>" + PROSE).encode("utf-8")
    extraction = run(data, charset="iso-8859-1")
    assert any(b.text == text for b in extraction.blocks)
    decision = extraction.transforms[0]
    assert decision.name == "decode" and "encoding=utf-8" in decision.detail
    assert "contradicted" in decision.detail


def test_undecodable_declared_charset_falls_back_to_detection():
    text = "Les élèves étaient déjà à l'école quand la rivière a débordé près du pont."
    data = article(f"<p>{text}</p>" * 3).encode("cp1252")
    extraction = run(data, charset="utf-8")
    assert any(b.text == text for b in extraction.blocks)
    assert "does not decode" in extraction.transforms[0].detail


def test_meta_charset_is_used():
    text = "Zażółć gęślą jaźń: the pangram printed on the flood-relief poster today."
    source = article(f"<p>{text}</p>" + PROSE).replace(
        "<head>", "<head><meta charset='iso-8859-2'>")
    extraction = run(source.encode("iso-8859-2"))
    assert any(b.text == text for b in extraction.blocks)
    assert "meta-charset" in extraction.transforms[0].detail


# --------------------------------------------------------------------------- bad input

def test_malformed_markup_still_yields_the_article():
    source = ("<html><body><div class='main'><h1>Flood <b>warning</h1><p>The river rose "
              "three metres overnight, <i>and the council <b>opened the gym.</p><p>By morning"
              " the water had reached the old bridge, which engineers closed to traffic."
              "</div></span></table><p>Stray closing tags should not hide this sentence.")
    texts = [squash(b.text) for b in run(source).blocks]
    assert any(t.startswith("The river rose three metres overnight") for t in texts)
    assert any(t.startswith("By morning the water") for t in texts)


def test_listing_page_with_no_article_is_a_clear_error():
    links = "".join(f"<li><a href='/p{i}'>Story number {i}</a></li>" for i in range(40))
    source = f"<html><body><nav><ul>{links}</ul></nav><footer><a href='/'>Home</a></footer>"
    with pytest.raises(EmptySource, match="no main content"):
        run(source)


def test_error_page_gives_its_message():
    source = ("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
              "<p>The requested URL was not found on this server.</p></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert "The requested URL was not found on this server." in texts


def test_ten_thousand_deep_nesting_is_a_clear_error_in_bounded_time():
    source = "<html><body>" + "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "</body></html>"
    with pytest.raises(ExtractError, match="nested too deeply"):
        run(source)


def test_page_over_the_size_limit_is_refused_before_parsing():
    data = b"<html><body>" + b"<p>word word word word</p>" * (50_000_000 // 26 + 1) + b"</body>"
    assert len(data) >= 50_000_000
    with pytest.raises(ExtractError, match="over the"):
        run(data)


def test_bytes_that_are_not_html_are_refused():
    data = bytes(range(256)) * 200
    with pytest.raises(ExtractError, match="not HTML"):
        run(data)


@given(st.text(st.characters(codec="utf-8", exclude_categories=()) | st.sampled_from(
    ["\x00", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x0e", "\x1f", "\x7f",
     "\ufffd", "\ud800", "é", "\u2028"]), max_size=60))
def test_control_count_is_the_control_and_replacement_characters(text: str) -> None:
    """The binary-page test counts through the UTF-8 encoding (lone surrogates included,
    as a page decoded with surrogates carries them); the count is a per-character one."""
    expected = sum(1 for c in text if c <= "\x08" or "\x0e" <= c <= "\x1f" or c == "\ufffd")
    assert html_extractor.control_count(text) == expected


def test_whitespace_only_page_is_empty():
    with pytest.raises(EmptySource):
        run(b"   \n\t  ")


def test_time_budget_is_enforced():
    with pytest.raises(ExtractError, match="time budget"):
        run(article(PROSE * 50), options=ExtractOptions(max_seconds=0.0))


def test_plain_text_without_tags_is_one_paragraph():
    text = "Just a sentence typed into a file that was served as text/html by mistake."
    assert [b.text for b in run(text).blocks] == [text]


def test_version_is_recorded():
    extraction = run(page("002_impunity_watch"))
    assert (extraction.extractor, extraction.extractor_version) == (
        html_extractor.NAME, html_extractor.VERSION)


def test_extraction_of_a_seed_page_is_deterministic():
    first, second = run(page("001_scoop_remarks")), run(page("001_scoop_remarks"))
    assert first == second


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_html_registry_ingests_and_trace_shows_each_passages_markup(tmp_path, store):
    import shutil

    from flows.ingest import run_ingest
    from pipeline.archive import Archive
    from pipeline.query import Snapshot

    copy = tmp_path / "html"
    shutil.copytree(PAGES, copy)
    summary = run_ingest(str(copy / "sources.toml"), str(store.root))
    assert summary.ok, summary.failures
    archive = Archive(store)
    passages = archive.current("passages").to_pylist()
    assert {p["doc_id"] for p in passages} == {s.id for s in load_registry(PAGES / "sources.toml").sources}
    row = next(p for p in passages if p["text"].startswith("Lagon noted that the exploitation"))
    result = Snapshot(archive).trace(row["passage_id"])
    assert result.snippet.startswith("<p>Lagon noted that the exploitation")
    assert result.snippet.endswith("</p>")
    footnotes = archive.current("footnotes").to_pylist()
    assert sum(f["doc_id"] == "impunity-watch-border-trafficking-html" for f in footnotes) == 4


# --------------------------------------------------------------------------- detection

# Pages that put scripts, IE conditional comments or a long comment banner before <html>:
# the first kilobytes hold no page element at all.
OPENINGS = {
    "script": "<script type='text/javascript'>var s = '" + "x" * 6000 + "';</script>\n",
    "conditional": "<!--[if IE]><link rel='stylesheet' href='ie.css'><![endif]-->\n",
    "banner": "<!-- " + "generated by a content system; do not edit\n" * 200 + "-->\n",
}


@pytest.mark.parametrize("opening", sorted(OPENINGS))
def test_sniff_reads_pages_opening_with_scripts_and_comments_as_html(opening):
    from pipeline.capture import sniff

    data = (OPENINGS[opening] + article(PROSE)).encode()
    assert sniff(data, None, "page.html")[1] == "html"
    assert sniff(data, None, "page")[1] == "html"  # the bytes alone say so too


def test_sniff_uses_the_name_and_the_declared_type():
    from pipeline.capture import sniff

    words = b"Just words, no markup at all."
    assert sniff(words, None, "notes.html")[1] == "html"
    assert sniff(words, None, "https://example.org/a/page.htm?x=1")[1] == "html"
    assert sniff(words, "text/html; charset=utf-8", "x")[1] == "html"
    assert sniff(words, None, "notes.txt")[1] == "text"
    # A text file quoting a page's markup mid-way stays text; one opening with markup is HTML.
    assert sniff(b"How to start a page: type <html> then <body>.", None, "howto.txt")[1] == "text"
    assert sniff(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", None, "archive.html")[1] is None


def test_extract_folder_of_html_files_opening_with_scripts_and_comments(tmp_path):
    import json

    from typer.testing import CliRunner

    from pipeline.cli import app

    for name, opening in OPENINGS.items():
        (tmp_path / f"{name}.html").write_text(opening + article(PROSE), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    documents = [json.loads("{" + part) if not part.startswith("{") else json.loads(part)
                 for part in re.split(r"(?m)^(?=\{$)", result.stdout) if part.strip()]
    assert len(documents) == len(OPENINGS)
    for document in documents:
        texts = [p["text"] for p in document["passages"]]
        assert any(t.startswith("The river rose three metres") for t in texts)
        assert not any("<script" in t or "<!--" in t or "var s" in t for t in texts)


# --------------------------------------------------------------------------- size

@pytest.mark.parametrize("name", SEED_PAGES)
def test_locator_xpaths_are_lxmls_paths(name):
    # SourceMap numbers each parent's children once instead of calling getpath per block
    # (getpath counts siblings each time: quadratic on pages of many sibling elements).
    from pipeline.extract.html.locate import SourceMap

    source = decode_source(page(name), capture_for(page(name))).text
    root = html_extractor._parse(source, capture_for(page(name)))
    tree, source_map = root.getroottree(), SourceMap(source, root)
    for element in root.iter(etree.Element):
        assert source_map.xpath(element) == tree.getpath(element)


def test_a_page_of_200_000_elements_extracts_whole_under_the_default_limits():
    units = 50_000  # four elements each
    body = "".join(f"<div class='entry'><p>Entry {i} says the river rose <em>again</em>, "
                   f"<a href='/e{i}'>a source</a> reports.</p></div>\n" for i in range(units))
    extraction = run(article(body))
    paragraphs = [b for b in extraction.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == units
    last = paragraphs[-1]
    assert last.text.startswith(f"Entry {units - 1} says")
    assert last.locator.xpath == f"/html/body/article/div[{units}]/p"
    assert last.locator.line_start == units


# --------------------------------------------------------------------------- page kinds

POSTS = ["I asked the council about the shelter and they said the gym stays open until the "
         "water goes down, which could take a week.",
         "Same here on the lower streets. The bridge closure means a long detour to the "
         "school, so plan for an extra twenty minutes.",
         "Thanks both. Does anyone know whether the engineers have finished checking the "
         "pillars, or is that still going on this week?",
         "They finished this morning according to the radio; the bridge reopens to cars on "
         "Friday and to lorries next month."]


def _card(n: int) -> str:
    # A user card: name, title, join date, counts; each a short fragment of chrome.
    return (f"<div class='user-card'><h4><a href='/u/{n}'>member{n}</a></h4>"
            f"<p>Well-known member</p><dl><dt>Joined</dt><dd>Feb {n + 1}, 2017</dd>"
            f"<dt>Messages</dt><dd>{n * 731 + 12:,}</dd><dt>Reaction score</dt>"
            f"<dd>{n * 97 + 3:,}</dd></dl></div>")


def forum(post_class: str, wrap: str = "{}") -> str:
    posts = "".join(f"<article class='message'>{_card(i)}<div class='{post_class}'>"
                    f"<div class='date'>Mar {i + 1}, 2024</div><p>{text}</p></div>"
                    f"<footer><a href='#'>Reply</a> <a href='#'>Report</a></footer></article>"
                    for i, text in enumerate(POSTS))
    return ("<html><head><title>Flood shelter questions | Town forum</title></head><body>"
            "<nav><a href='/'>Forums</a> <a href='/new'>New posts</a></nav>"
            f"<main><h1>Flood shelter questions</h1>{wrap.format(posts)}</main>"
            "<footer><p>Forum software © 2024</p></footer></body></html>")


@pytest.mark.parametrize("post_class", ["message-body", "comment-content"])
def test_forum_thread_keeps_every_post_not_just_the_longest(post_class):
    # Chrome between posts (user cards, dates, counts) outweighed the rest of the thread, so
    # one post won; a forum's posts often carry "comment" classes too.
    texts = [b.text for b in run(forum(post_class)).blocks]
    assert all(post in texts for post in POSTS)
    assert "Forum software © 2024" not in texts


def test_page_served_inside_noscript_is_extracted():
    # Script-built sites serve the crawler's copy of the page inside <noscript>.
    source = forum("post").replace("<main>", "<div id='app'></div><noscript><main>")
    source = source.replace("</main>", "</main></noscript>")
    source = source.replace("<body>", "<body><noscript>Please enable JavaScript.</noscript>")
    texts = [b.text for b in run(source).blocks]
    assert all(post in texts for post in POSTS)
    assert "Please enable JavaScript." not in texts


def test_post_with_taxonomy_classes_and_a_long_discussion_beats_the_site_name():
    # WordPress post_class ("category-x tag-y") on a div, and a comment thread longer than
    # the post: the site's h1 alone was the main content.
    comments = "".join(f"<li class='comment'><p>{POSTS[i % 4]} {POSTS[(i + 1) % 4]}</p></li>"
                       for i in range(8))
    source = ("<html><head><title>Letters from the river</title></head><body>"
              "<div id='header'><h1>Rand's Blog</h1><ul><li><a href='/'>Home</a></li></ul></div>"
              "<div id='content'><div id='post-50' class='post-50 post type-post hentry "
              "category-news tag-floods'><h2>Letters from the river</h2>" + PROSE + "</div>"
              f"<div id='comments'><h3>8 comments</h3><ol class='commentlist'>{comments}</ol>"
              "</div></div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("The river rose three metres") for t in texts)
    assert not any(t.startswith(POSTS[0][:30]) for t in texts)


def test_page_whose_prose_all_sits_in_chrome_named_divs_is_not_refused():
    # A documentation page built from "widget" and "sidebar-layout" divs: every block
    # looked like chrome and the page was refused as having no main content.
    widget = "<div class='widget widget-text'><div class='widget-body'>{}</div></div>"
    source = ("<html><head><title>hg help config</title></head><body>"
              "<div class='widget-header'><a href='/'>Home</a></div>" +
              widget.format(PROSE) + widget.format(PROSE.replace("river", "canal")) +
              widget.format("<pre>[ui]\nusername = Jane Doe &lt;jane@example.org&gt;\n</pre>"
                            + PROSE.replace("river", "lake")) +
              "<footer><p>Copyright 2024 Example Project.</p></footer></body></html>")
    blocks = run(source).blocks
    texts = [b.text for b in blocks]
    assert any(t.startswith("The river rose three metres") for t in texts)
    code = next(b for b in blocks if b.kind == "code")
    assert code.text == "[ui]\nusername = Jane Doe <jane@example.org>"
    assert "Copyright 2024 Example Project." not in texts


@pytest.mark.parametrize("heading", ["Notes from the river", "Sources of the flood",
                                     "References to the old bridge"])
def test_heading_that_opens_with_notes_is_not_a_notes_list(heading):
    # "Notes from the river" turned the rest of the article into footnotes (truncation).
    extraction = run(article(PROSE + f"<h2>{heading}</h2>" + PROSE.replace("river", "canal")))
    texts = [b.text for b in extraction.blocks]
    assert heading in texts and not extraction.footnotes
    assert any(t.startswith("The canal rose") for t in texts)


@pytest.mark.parametrize("heading", ["Notes", "Sources:", "Notes and references",
                                     "References [edit]", "Further reading"])
def test_notes_headings_still_open_notes_lists(heading):
    notes = "<ul><li>Town council minutes, 3 March.</li><li>River authority report.</li></ul>"
    extraction = run(article(PROSE + f"<h2>{heading}</h2>" + notes))
    assert [n.text for n in extraction.footnotes] == ["Town council minutes, 3 March.",
                                                      "River authority report."]


def test_note_admonition_in_a_docs_page_is_not_a_notes_list():
    # wcxb dev: a documentation page's "Note" box (<p class="admonition-title">Note</p> and
    # its paragraphs) turned the paragraphs up to the next heading into footnotes; the
    # page's sections go on after it. A lone "Note" closing the article still opens notes.
    box = ("<div class='admonition note'><p class='admonition-title'>Note</p>"
           "<p>When you install the standard extras, the command line tools come with "
           "them.</p><p>If you do not want them, install the bare package instead.</p></div>")
    extraction = run(article(PROSE + box + "<h2>Next steps</h2>" +
                             PROSE.replace("river", "canal")))
    texts = [b.text for b in extraction.blocks]
    assert "If you do not want them, install the bare package instead." in texts
    assert not extraction.footnotes
    closing = run(article(PROSE + "<h2>Note</h2><ul><li>Town council minutes, 3 March.</li>"
                          "<li>River authority report.</li></ul>"))
    assert [n.text for n in closing.footnotes] == ["Town council minutes, 3 March.",
                                                   "River authority report."]


def test_heading_linking_to_its_own_section_is_kept():
    # wcxb dev: docs sites make each heading a link to its own anchor
    # (<h2 id="events"><a href="#events">Events</a></h2>); all link text, the headings
    # were removed as link lists and the sections ran together.
    body = (PROSE + "<h2 id='events'><a href='#events'>Events that start a run</a></h2>" +
            PROSE.replace("river", "canal"))
    texts = [b.text for b in run(article(body)).blocks]
    assert "Events that start a run" in texts


def test_a_line_of_words_in_its_own_paragraph_is_not_an_edge_fragment():
    # scrapinghub dev: a how-to opened with "<p>Характеристики бега можно увеличить за счет
    # кодов</p>" (49 characters, no full stop): trimmed as a leading fragment like
    # "Share this". Six words or more without links in a <p> are a line of the text.
    line = "Running speed can be raised with these codes"
    extraction = run(article(f"<p>Share this</p><p>{line}</p>" + PROSE +
                             "<p>Photos for this story by the river desk</p><p>Filed under</p>"))
    texts = [b.text for b in extraction.blocks]
    assert line in texts and "Photos for this story by the river desk" in texts
    assert {r.text for r in extraction.removed if r.rule.endswith("-fragment")} >= {
        "Share this", "Filed under"}


def test_short_post_under_its_headline_beats_a_longer_sidebar_box():
    # A two-paragraph post lost to the sidebar's "About"/disclaimer box, which had more prose.
    about = ("Disclaimer: this site has no affiliation with the river authority or the town "
             "council. Opinions are the author's own, and every report here is checked "
             "against the council's published minutes before it goes up. Corrections are "
             "welcome by email.")
    source = ("<html><head><title>Town Blog » Bridge reopens on Friday</title></head><body>"
              "<div id='header'><h1>Town Blog</h1><ul>" + "".join(
                  f"<li><a href='/c{i}'>Category {i}</a></li>" for i in range(12)) +
              "</ul></div><div id='main'><div class='entry'>"
              "<h2><a href='/bridge'>Bridge reopens on Friday</a></h2>"
              "<p>The old bridge reopens to cars on Friday, <a href='/eng'>engineers said</a>.</p>"
              "<p>Lorries must wait until next month, when the second inspection of the "
              "pillars is due to finish.</p><p>Buses run on the usual timetable from Saturday "
              "morning.</p></div></div>"
              f"<div id='side'><div class='box'><h3>About</h3><p>{about}</p></div></div>"
              "</body></html>")
    texts = [b.text for b in run(source).blocks]
    assert "The old bridge reopens to cars on Friday, engineers said." in texts
    assert about not in texts


def test_text_after_a_stray_body_end_tag_is_main_content():
    # Old hand-edited pages close </body> early; the parser puts the rest under <html>,
    # and all of it was judged outside the main content.
    source = ("<html><head><title>Long distance plans</title></head><body><table><tr><td>"
              "<a href='/a'>Plans</a> <a href='/b'>Contact</a></td></tr></table></body></td>"
              f"<table><tr><td>{PROSE}</td></tr></table></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("The river rose three metres") for t in texts)


TEASERS = ["Once upon a time every car put power to the rear wheels, and a handful of makers "
           "still do; here are ten coming models we cannot wait to drive on a mountain road.",
           "This year's design show brings two concepts from the east coast studio, a low "
           "coupe and a tall wagon, both built around the new electric platform and battery.",
           "The hybrid that started it all gets a parody advertisement from a comedy troupe, "
           "and the maker's own marketing team says it laughed harder than anyone at the desk.",
           "Turbocharged engines are quickly becoming the answer to tighter fuel rules, and "
           "we list the cars that will get one next year, from small hatches to large saloons."]


MENU = "<div id='header'><ul>" + "".join(f"<li><a href='/c{i}'>Category {i}</a></li>"
                                         for i in range(12)) + "</ul></div>"


def test_short_article_beats_a_sidebar_of_teasers_that_out_writes_it():
    # A sidebar of teaser summaries (each long prose, only weakly counted as chrome) added
    # up to more than a two-paragraph article, and the sidebar became the main content.
    side = "".join(f"<section><h3><a href='/t{i}'>Teaser {i}</a></h3><p>{text}</p></section>"
                   for i, text in enumerate(TEASERS * 6))
    source = ("<html><head><title>Bridge reopens on Friday | Town News</title></head><body>"
              + MENU + "<div id='container'><div id='content'><div class='post'>"
              "<h1>Bridge reopens on Friday</h1>" + PROSE + "</div></div>"
              f"<aside id='sidebar'>{side}</aside></div>" + MENU + "</body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("The river rose three metres") for t in texts)
    assert not any(t.startswith(TEASERS[0][:30]) for t in texts)


def test_blog_post_in_a_widget_div_beats_the_profile_widget():
    # Blogger wraps every post in <div class="widget Blog">, with the microformats class
    # "entry-content" on the post's body; a short post with an address lost to the
    # profile widget's "About me" text.
    profile = ("Thank you for visiting my blog. Professionally I am a story artist at a film "
               "studio; for fun I draw picture books, paint with my children and teach a "
               "sketching class at the library on Saturdays. Commissions are open.")
    source = ("<html><head><title>Little gifts for friends</title></head><body>" + MENU +
              "<div id='main'><div id='Blog1' class='widget Blog'><div class='post hentry'>"
              "<h3 class='post-title entry-title'>Little gifts for friends</h3>"
              "<div class='post-body entry-content'><p>Dear all, I would love to invite you "
              "to the book event at the Reading Bug this Saturday at eleven.</p>"
              "<div>Location:</div><div>The Reading Bug</div><div>785 Laurel St,</div>"
              "<div>San Carlos</div><div>Hope to see you there.</div><div>Cheers,</div>"
              "<div>Alina</div></div></div></div></div>"
              "<div id='sidebar'><div id='Profile1' class='widget Profile'><h2>About Me</h2>"
              f"<dl><dd>{profile}</dd></dl></div></div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("Dear all, I would love") for t in texts)
    assert "785 Laurel St," in texts
    assert profile not in texts


def test_chrome_named_box_holding_most_prose_is_no_wrapper_without_the_headline():
    # A sidebar text widget (class "widget") with a long disclaimer held most of the page's
    # prose, so it was excused as the article's own wrapper and won over the short post.
    disclaimer = ("Disclaimer: this site has no affiliation with any of the equipment makers "
                  "mentioned here. All trademarks belong to their owners. Rumors are rated "
                  "from one to five; a rating says how sure we are, not that it is true. ") * 3
    source = ("<html><head><title>New 35-100mm lens in stock | Lens Rumors</title></head>"
              "<body><h1 id='logo'><a href='/'>Lens Rumors</a></h1>" + MENU + "<div id='content'>"
              "<div class='post'><h3><a href='/lens'>New 35-100mm lens in stock</a></h3>"
              "<div class='entry'><p>This is the very first time the new lens is in stock "
              "at a shop here; only two of them are left.</p></div></div></div>"
              f"<div id='text-3' class='widget widget_text'><p>{disclaimer}</p></div>"
              "</body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("This is the very first time") for t in texts)
    assert disclaimer.strip() not in texts


def test_legal_notice_longer_than_the_report_is_not_the_main_content():
    # A league site's trademark paragraph ("... All Rights Reserved.") out-wrote a short
    # match report and became the page's only passage.
    legal = ("League.com is the official web site of the Hockey League. The League, the "
             "League Shield, the word mark and image of the Cup and the team names, logos and "
             "uniforms are registered trademarks of the League and its teams. © League 2012. "
             "All Rights Reserved. ") * 2
    source = ("<html><head><title>Whalers defeat Spirit</title></head><body>" + MENU +
              "<div id='page'><div class='headline'><h1>Whalers defeat Spirit</h1></div>"
              "<div class='articleText'><p>PLYMOUTH - Matt made 36 saves to lead the "
              "Whalers to a 4-1 victory over the Spirit on Tuesday.</p><p>The game was held "
              "in the afternoon as many schools were off.</p></div></div>"
              f"<div id='c_copyright'><div>{legal}</div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert any(t.startswith("PLYMOUTH - Matt made 36 saves") for t in texts)
    assert legal.strip() not in texts
    assert legal.strip() in [r.text for r in extraction.removed]


# ---------------------------------------------------------------- declared kinds, listings

HEADLINES = ["Council opens the school gym to families from the lower streets",
             "Engineers close the old bridge to check its pillars for damage",
             "Farmers count the cost of a week under water in the valley",
             "Volunteers fill sandbags through the night along the river road",
             "Rail line to the coast reopens after the flood waters recede",
             "Insurers send assessors to the worst hit streets of the town"]


def _news_listing(card: str = "card") -> str:
    entries = "".join(
        f"<div class='{card}'><h3><a href='/story/{i}'>{headline}</a></h3>"
        f"<p>Story {i} from the flood, told by the people who lived it this week.</p>"
        f"<a href='/author/{i}'>Reporter {i}</a></div>" for i, headline in enumerate(HEADLINES))
    return ("<html><head><title>Latest news | Town Herald</title></head><body>"
            "<header><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a>"
            "</header><main><h1>Latest news</h1>"
            f"<div class='feed'>{entries}</div></main>"
            "<footer><p>© 2024 Town Herald</p></footer></body></html>")


@pytest.mark.parametrize("card", ["card", "teaser"])
def test_listing_keeps_its_entries_headlines_and_snippets(card):
    # A news index, a category page, a shop's collection: the entries are the content.
    # Headline links were removed as link-dense (or the whole card as a "teaser"), leaving
    # a few snippets or only the site's name (wcxb listings: F1 0.50 against 0.60).
    extraction = run(_news_listing(card))
    texts = [b.text for b in extraction.blocks]
    assert all(headline in texts for headline in HEADLINES)
    assert "Story 3 from the flood, told by the people who lived it this week." in texts
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    assert kind.detail == "listing"
    assert kind.evidence is not None and kind.evidence.startswith("6 entries")
    assert "Home" not in texts and "© 2024 Town Herald" not in texts
    removed = {r.text: r for r in extraction.removed}
    assert removed["Reporter 2"].rule == "link-density"  # a byline link is still no entry


def test_listing_rendered_into_a_script_framework_root_keeps_its_entries():
    # Next.js renders the whole page into <div id="__next">: "next" read as a chrome word
    # (a "next page" link) made every entry chrome, and the listing went unread (wcxb
    # listings read as their one-line introduction, or as nothing).
    source = _news_listing().replace("<body>", "<body><div id='__next'>").replace(
        "</body>", "</div></body>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(headline in texts for headline in HEADLINES)
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    assert kind.detail == "listing"


def test_article_with_teasers_after_it_stays_an_article():
    # Read with headline links as content, the region holding the article and the
    # "related" teasers after it is larger; the teasers' cards hold less than the prose
    # outside them, so the page is an article and the teasers go as before.
    teasers = "".join(f"<li><a href='/s/{i}'>{headline}</a></li>"
                      for i, headline in enumerate(HEADLINES))
    source = article(PROSE * 3 + f"<h2>Read next</h2><ul class='more'>{teasers}</ul>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert not any(headline in texts for headline in HEADLINES)
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    assert kind.detail == "article"


@pytest.mark.parametrize(("data", "kind", "evidence"), [
    ('{"@context": "https://schema.org", "@type": "Product", "name": "Kettle", '
     '"offers": {"@type": "Offer", "price": "20"}}', "product", "JSON-LD Product"),
    ('{"@graph": [{"@type": "WebSite"}, {"@type": "DiscussionForumPosting", '
     '"author": {"@type": "Person"}}]}', "forum", "JSON-LD DiscussionForumPosting"),
    # A declared listing is read as one only when its entries are on the page.
    ('[{"@type": "Product"}, {"@type": "Product"}]', "article",
     "2 schema.org Product entities; 0 headline links"),
])
def test_page_kind_declared_in_json_ld_is_recorded_with_its_evidence(data, kind, evidence):
    source = article(PROSE).replace(
        "</head>", f"<script type='application/ld+json'>{data}</script></head>")
    found = next(t for t in run(source).transforms if t.name == "page-kind")
    assert found.detail == kind
    assert found.evidence is not None and found.evidence.startswith(evidence)


def test_page_inside_a_button_left_open_is_read():
    # A menu button whose inner divs are left open: libxml2 ignores its </button> and keeps
    # the button open to the end of the page, and buttons are skipped as controls, so the
    # page came out as "no main content".
    source = ("<html><head><title>How to start a garden</title></head><body><header>"
              "<div class='bar'><button class='menu'><div class='inner'><div></button></div>"
              "<a href='/'>Home</a></header>"
              f"<main><article><h1>How to start a garden</h1>{PROSE}</article></main>"
              "</body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("The river rose three metres overnight") for t in texts)


def test_text_hidden_only_on_small_screens_is_kept():
    # Tailwind's "hidden lg:block" and Bootstrap's "d-none d-md-block" show the element
    # from a screen width on: a desktop reader sees it, so the archive keeps it.
    for classes in ("hidden lg:block", "d-none d-md-block", "dn db-l"):
        source = article(f"<div class='{classes}'>{PROSE}</div>")
        texts = [b.text for b in run(source).blocks]
        assert any(t.startswith("The river rose three metres overnight") for t in texts)
    source = article(f"<p>Shown on every screen, a sentence of its own.</p>"
                     f"<div class='hidden'>{PROSE}</div>")
    assert not any(b.text.startswith("The river rose") for b in run(source).blocks)


def test_tachyons_display_none_is_hidden():
    # Tachyons' "dn" is display:none, like Bootstrap's "d-none": a newsletter box's
    # "You have been successfully subscribed!" and "There was a problem subscribing you"
    # messages, which scripts show after a click, were read as the article's last lines.
    box = ("<div><h2>Subscribe to the Morning Review</h2><form><input name='email'></form>"
           "<div class='f6 dn tc success'>You have been successfully subscribed!</div>"
           "<div class='f6 dn failure'>There was a problem subscribing you to the "
           "newsletter. Double check your email and try again.</div></div>")
    extraction = run(article(PROSE + box))
    assert not any("subscrib" in b.text for b in extraction.blocks)
    assert {r.rule for r in extraction.removed if "subscribed" in r.text} == {"hidden"}


def test_hover_card_inside_a_sentence_is_hidden():
    # A news site's person card, shown while the pointer rests on the name: the photo, the
    # name again and links to the person's latest stories sat inside the sentence, so
    # "Gov. Jane DoeJane Ann Doe Governor signs ... MORE (R) said" was read as its text.
    card = ("<span class='people'><a href='/people/jane-doe'>Jane Doe</a><span class='card'>"
            "<span><img src='doe.jpg' alt=''><a href='/people/jane-doe'>Jane Ann Doe</a>"
            "<a href='/news/1'>Governor signs the flood relief bill</a> "
            "<a href='/news/2'>State opens new shelters</a>"
            "<a href='/people/jane-doe'>MORE</a></span></span></span>")
    sentence = (f"<p>Gov. {card} (R) said the state would pay for the repairs to the old "
                "bridge and the school gym.</p>")
    extraction = run(article(sentence + PROSE))
    said = next(b.text for b in extraction.blocks if b.text.startswith("Gov."))
    assert said == ("Gov. Jane Doe (R) said the state would pay for the repairs to the old "
                    "bridge and the school gym.")
    assert {r.evidence for r in extraction.removed if "MORE" in r.text} == {"hover-card"}
    # A link around an inline picture, and links after the sentence's own words, stay.
    inline = ("<p>The new bridge <span><img src='b.jpg'><a href='/a'>North side</a> and "
              "<a href='/b'>south side</a>, <a href='/c'>the pillars</a></span> opens in May "
              "after a year of repairs to its pillars.</p>")
    assert any("North side and south side, the pillars" in b.text
               for b in run(article(inline + PROSE)).blocks)


def test_product_details_folded_into_a_modal_are_kept():
    # Shops fold the description and specifications into modals and "read more" toggles;
    # on a page declaring a Product those are its details, a cookie dialog is not.
    ld = ('<script type="application/ld+json">{"@type": "Product", "name": "Kettle"}'
          "</script>")
    details = ("<div class='product-details-modal'><h2>Product details</h2>"
               "<p>The kettle boils a litre of water in three minutes and switches itself "
               "off when the water is ready.</p><p>Its steel body keeps the outside cool "
               "to the touch, and the lid opens with one hand.</p></div>")
    cookie = ("<div class='cookie-modal'><p>We use cookies to improve your experience on "
              "our site and to show you offers.</p></div>")
    source = ("<html><head><title>Kettle</title>" + ld + "</head><body><main>"
              "<h1>Kettle</h1><p>Price: 20 EUR</p>" + details + cookie + "</main></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert any(t.startswith("The kettle boils a litre of water") for t in texts)
    assert not any(t.startswith("We use cookies") for t in texts)
    assert next(t for t in extraction.transforms if t.name == "page-kind").detail == "product"


def test_page_declaring_an_article_is_read_as_one_beside_a_carousel_of_headlines():
    # Old news pages frame a short story with carousels of headline links; by structure
    # alone such a page reads as a listing, but it says og:type article.
    cards = "".join(f"<div class='slide'><a href='/s/{i}'>{headline}</a></div>"
                    for i, headline in enumerate(HEADLINES * 3))
    source = article(PROSE, title="Bridge reopens").replace(
        "</head>", "<meta property='og:type' content='article'></head>").replace(
        "<footer>", f"<div class='carousel'>{cards}</div><footer>")
    extraction = run(source)
    assert next(t for t in extraction.transforms if t.name == "page-kind").detail == "article"
    assert not any(b.text in HEADLINES for b in extraction.blocks)


def test_a_blocks_weight_is_kept_once_computed_and_not_carried_to_a_changed_copy():
    from dataclasses import replace

    from pipeline.extract.html import boilerplate as bp

    link = etree.SubElement(etree.Element("li"), "a")
    headline = bp.TextBlock(link, "list_item", "Channel bloat may cost you $1,600 a year", 40,
                            chrome="class:sidebar", chrome_owner=link)
    as_chrome = bp.weight(headline, True)
    assert as_chrome < 0 and headline.weights == {True: as_chrome}
    # The chrome-blind reading (``without_chrome``) copies blocks with ``replace``: the copy
    # is a headline link on a listing and must not answer with the original's weight.
    assert bp.weight(replace(headline, chrome=None, chrome_owner=None), True) == 40.0
    assert bp.weight(headline, True) == as_chrome
    # The copyright search is kept the same way.
    assert bp.legal_notice(headline) is None and headline.legal == (None,)
    notice = bp.legal_notice(replace(headline, text="© 2020 Example Media"))
    assert notice is not None and notice.group(0) == "©"


# CHROME_WORDS as it read before ``chrome_word`` searched a space and the names: a word at
# the start of the names or after a character that is no letter nor digit.
ANCHORED_CHROME_WORDS = re.compile(r"(?:^|[^a-z0-9])" + bp.CHROME_WORDS.pattern[len("[^a-z0-9]"):])
CHROME_PIECES = ["ad", "ads", "tag", "tags", "nav", "share", "sharing", "side", "bar", "read",
                 "more", "author", "bio", "post", "categories", "x", "1", "-", "_", " ", "$"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CHROME_PIECES), max_size=8).map("".join))
def test_chrome_word_finds_what_the_anchored_pattern_finds(names: str) -> None:
    match = ANCHORED_CHROME_WORDS.search(names)
    assert bp.chrome_word(names) == (match.group(1) if match else None)



def test_an_element_the_page_hides_is_never_its_main_content():
    # A build stamp in a `hidden` div was the only box with positive weight on a topic
    # page declared an article, its visible text a column of bare headline links, so it
    # was read as the main content and the page came out as that one line.
    teasers = "".join(f"<li><a href='/story/{i}'>Story number {i} about the city council "
                      f"and its budget vote</a> <a href='/tag/{i}'>tag</a></li>"
                      for i in range(12))
    source = ("<html><head><title>Topics</title><meta property='og:type' content='article'>"
              "</head><body><div id='root'>"
              "<div hidden>Fallback presentation. Using a deprecated router.</div>"
              f"<div id='main'><ul>{teasers}</ul></div></div></body></html>")
    with pytest.raises(EmptySource):
        run(source)
