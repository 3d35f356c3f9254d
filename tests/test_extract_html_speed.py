"""Per-page work of the HTML extractor that must not grow with the page's chrome: guards for
speed changes whose output is unchanged (the bench pages' extraction is compared before and
after each one)."""

from __future__ import annotations

import gc
import inspect
import pickle
import re
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields, replace

import pytest
from lxml import html
from test_extract_html import MENU, capture_for
from test_extract_html_article import POST

from pipeline.extract import ExtractOptions
from pipeline.extract.html import boilerplate
from pipeline.extract.html import extractor as html_extractor
from pipeline.model import (
    Block,
    DocumentMeta,
    Extraction,
    Footnote,
    FootnoteBlock,
    Locator,
    Passage,
    Removed,
    Section,
    SegmentedDocument,
    Transform,
    _slot_init,
)


def test_blocks_outside_the_main_content_share_one_described_verdict(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every block outside the main content was removed with its own verdict, the container
    # described again for each: most blocks of a news page (a sixth of the verdicts' time).
    sidebar = "".join(f"<div class='box'><p><a href='/s{i}'>Story {i}</a></p></div>"
                      for i in range(40))
    source = ("<html><head><title>Ritchson cast</title></head><body>" + MENU +
              "<div id='story'><h1>Ritchson cast</h1>" +
              "".join(f"<p>{text}</p>" for text in POST) + f"</div>{sidebar}</body></html>")
    described: list[str] = []
    describe = boilerplate.describe

    def counted(element: object) -> str:
        text = describe(element)  # type: ignore[arg-type]
        described.append(text)
        return text

    monkeypatch.setattr(boilerplate, "describe", counted)
    data = source.encode()
    extraction = html_extractor.extract(data, capture_for(data), ExtractOptions())
    outside = [r for r in extraction.removed if r.rule == "outside-main-content"]
    assert len(outside) >= 40
    assert {r.evidence for r in outside} == {'main content is <div id="story">'}
    assert len(described) < 10


def test_the_article_and_listing_readings_share_one_layout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A page with no declared kind is read as an article, then as a listing: each reading
    # summed the prose under every chrome owner twice (for the content wrappers and for the
    # chrome subtrees), four passes over the blocks where one gives the same answer.
    source = ("<html><head><title>Ritchson cast</title></head><body>" + MENU +
              "<div id='story'><h1>Ritchson cast</h1>" +
              "".join(f"<p>{text}</p>" for text in POST) + "</div></body></html>")
    readings: list[str] = []
    whole_page: list[int] = []
    main_container, owner_prose = boilerplate.main_container, boilerplate._owner_prose

    def reading(*args: object, **kwargs: object) -> boilerplate.Region:
        readings.append(str(args[3] if len(args) > 3 else kwargs.get("kind", "article")))
        return main_container(*args, **kwargs)  # type: ignore[arg-type]

    def summed(blocks: list[boilerplate.TextBlock], inside: object = None
               ) -> tuple[dict[object, float], float]:
        if inside is None:
            whole_page.append(len(blocks))
        return owner_prose(blocks, inside)  # type: ignore[arg-type,return-value]

    monkeypatch.setattr(boilerplate, "main_container", reading)
    monkeypatch.setattr(boilerplate, "_owner_prose", summed)
    data = source.encode()
    extraction = html_extractor.extract(data, capture_for(data), ExtractOptions())
    assert readings == ["article", "listing"]
    assert len(whole_page) == 1
    assert [b.text for b in extraction.blocks if b.kind == "paragraph"] == POST


class _CountedSearch:
    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.texts: list[str] = []

    def search(self, text: str) -> re.Match[str] | None:
        self.texts.append(text)
        return self.pattern.search(text)


@pytest.mark.parametrize(("text", "found"), [
    ("© 2024 The Herald", "©"), ("(C) 2019 Acme", "(C) 2019"),
    ("ALL RIGHTS RESERVED.", "ALL RIGHTS RESERVED"), ("Copyright (c) 2001 X", "Copyright (c) 2001"),
    ("All rightſ reſerved", "All rightſ reſerved"),  # the long s folds to s in the regex
    ("COPYRIGHT 1999", "COPYRIGHT 1999"), ("Copyrighted material, 1999", None),
    ("(cited 2019)", None), ("The council met on Tuesday.", None)])
def test_legal_notice_searches_only_texts_holding_a_piece_of_a_notice(
        monkeypatch: pytest.MonkeyPatch, text: str, found: str | None) -> None:
    # The case-insensitive search ran on every block's text (2% of a page's time); a text
    # holding none of the lower-cased pieces every match has cannot match.
    counted = _CountedSearch(boilerplate.LEGAL_NOTICE)
    monkeypatch.setattr(boilerplate, "LEGAL_NOTICE", counted)
    block = boilerplate.TextBlock(boilerplate.etree.Element("p"), "paragraph", text, 0)
    match = boilerplate.legal_notice(block)
    assert (match.group(0) if match else None) == found
    assert counted.texts == ([] if text == "The council met on Tuesday." else [text])


@pytest.mark.parametrize(("names", "found"), [
    ("post-byline", True), ("article-meta", True), ("entrymeta", True), ("pubdate", True),
    ("posted-on", True), ("author-box", True), ("mandate", False),  # a word ending in "date"
    ("col-md-8 main-content", False)])
def test_byline_words_are_searched_for_only_in_names_holding_a_piece_of_one(
        monkeypatch: pytest.MonkeyPatch, names: str, found: bool) -> None:
    # The block walk searched every block element's class and id for byline words (1.7 us
    # a search); a name holding none of the pieces every match has cannot match.
    counted = _CountedSearch(boilerplate.BYLINE_WORDS)
    monkeypatch.setattr(boilerplate, "BYLINE_WORDS", counted)
    assert boilerplate._byline_word(names) is found
    assert counted.texts == ([] if names == "col-md-8 main-content" else [names])


def test_a_page_s_repeated_class_names_are_searched_once(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    # Pages repeat class attributes (menu items, list entries, cards: three in four on news
    # pages), and the block walk read each element's for chrome words and hiding classes.
    chrome = _CountedSearch(boilerplate.CHROME_WORDS)
    shown = _CountedSearch(boilerplate.SHOWN_FROM_WIDTH)
    monkeypatch.setattr(boilerplate, "CHROME_WORDS", chrome)
    monkeypatch.setattr(boilerplate, "SHOWN_FROM_WIDTH", shown)
    boilerplate.chrome_word.cache_clear()
    boilerplate._hiding_classes.cache_clear()
    try:
        root = html.fromstring("<div>" + "<div class='menu-item'><p>Item</p></div>" * 30 +
                               "<p class='hidden lg:block'>Wide</p>" * 30 + "</div>")
        walk = boilerplate.text_blocks(root)
    finally:
        boilerplate.chrome_word.cache_clear()
        boilerplate._hiding_classes.cache_clear()
    assert [b.chrome for b in walk.blocks] == ["class:menu"] * 30 + [None] * 30
    assert not walk.hidden
    assert chrome.texts.count(" menu-item") == 1
    assert shown.texts == ["hidden lg:block"]


def test_a_page_s_repeated_caption_names_are_searched_once(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # The block walk read every block's and every named inline element's class and id for
    # caption words; the answer depends on the two strings alone, and pages repeat them.
    counted = _CountedSearch(boilerplate.CAPTION_WORDS)
    monkeypatch.setattr(boilerplate, "CAPTION_WORDS", counted)
    boilerplate._caption_markup.cache_clear()
    try:
        root = html.fromstring("<div>" + "<p class='photo-caption'>A view</p>" * 20 +
                               "<p>Text <span class='credit-info'>Photo: Ann</span></p>" * 20 +
                               "</div>")
        walk = boilerplate.text_blocks(root)
    finally:
        boilerplate._caption_markup.cache_clear()
    assert [b.kind for b in walk.blocks] == ["caption"] * 20 + ["paragraph"] * 20
    assert sorted(counted.texts) == ["credit-info", "photo-caption"]


def test_the_layout_holds_only_the_elements_holding_blocks() -> None:
    # Choosing the region summed weights over every element of the page, twice per reading;
    # inline markup and empty wrappers hold no block, so no weight, and are left out.
    root = html.fromstring("<html><body><div id='a'><p>One <b>two</b></p><span>three</span>"
                           "<div id='empty'></div></div><ul><li>Item</li></ul></body></html>")
    body = root.find("body")
    shared = boilerplate.layout(boilerplate.text_blocks(root).blocks, body)
    assert [e.get("id") or e.tag for e in shared.elements] == ["body", "a", "p", "ul", "li"]
    assert shared.parents == [e.getparent() for e in shared.elements]


def test_the_block_walk_reads_every_tail_in_document_order() -> None:
    # libxml2 walks the tree for the block walk (start events only): the walk leaves the
    # elements it entered when the next one's parent shows it, so tails of elements deep in
    # a subtree, of comments and processing instructions (lxml.html keeps them; the
    # extractor's parser drops them), of skipped elements and of the root itself still come
    # in order, and skipped subtrees stay skipped.
    root = html.fromstring(
        "<div><section><div><p>One <b>two <i>three</i> four</b><!-- c --> five"
        "<?pi x?> six<script>no</script> seven<br>eight</p> nine</div> ten</section>"
        "<p style='display:none'>hidden <b>no</b></p> eleven<table><tr><td>a <b>b</b></td>"
        "<td>c</td></tr></table> twelve<p>thirteen <span>fourteen</span></p></div>")
    walk = boilerplate.text_blocks(root)
    assert [b.text for b in walk.blocks] == ["One two three four five six seven\neight",
                                             "nine", "ten", "eleven", "a b\tc", "twelve",
                                             "thirteen fourteen"]
    assert [(e.tag, why) for e, why in walk.hidden] == [("p", "style-hidden")]
    inner = root.find(".//i")  # a subtree's walk reads its root's tail too
    assert [b.text for b in boilerplate.text_blocks(inner).blocks] == ["three four"]


@pytest.mark.parametrize("cls", [Locator, Transform, Block, FootnoteBlock, Removed, Section,
                                 Passage, Footnote, SegmentedDocument])
def test_model_rows_set_their_slots_as_the_dataclass_would(cls: type) -> None:
    # A locator and a removed row are made for each of a page's hundreds of blocks, and the
    # dataclass's own __init__ looked each field's slot up by name (1.5 -> 0.55 us a locator).
    parameters = inspect.signature(cls).parameters.values()
    assert [(p.name, p.default) for p in parameters] == [
        (f.name, inspect.Parameter.empty if f.default is MISSING else f.default)
        for f in fields(cls)]


def test_a_fast_model_row_is_a_dataclass_row() -> None:
    locator = Locator(xpath="/html/body/p", char_start=3, char_end=9)
    assert (locator.page_number, locator.bbox, locator.line_start) == (None, None, None)
    assert locator == Locator(None, None, "/html/body/p", 3, 9)
    assert hash(locator) == hash(Locator(None, None, "/html/body/p", 3, 9))
    assert pickle.loads(pickle.dumps(locator)) == locator
    assert replace(locator, xpath="/x").xpath == "/x"
    with pytest.raises(FrozenInstanceError):
        locator.xpath = "/y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Locator(page=1)  # type: ignore[call-arg]
    removed = Removed("chrome", "Menu", locator)
    assert (removed.category, removed.evidence) == ("boilerplate", "")
    assert repr(removed).startswith("Removed(rule='chrome', text='Menu', locator=Locator(")


def test_a_document_comes_back_from_the_worker_as_it_was_built() -> None:
    # The worker hands a document back by the field values of its passages, sections and
    # footnotes: a slotted dataclass's own pickling looked fields() up for every object.
    locator = Locator(xpath="/html/body/p", char_start=0, char_end=3)
    note = Transform("footnote", "marker", char_start=1, char_end=2)
    document = SegmentedDocument(
        "doc", Extraction("html", "1", DocumentMeta(title="T"), ()),
        (Section("s1", ("Top",), "Top", 1, 0),),
        (Passage("p1", 0, "paragraph", "One", "s1", ("Top",), locator, (note,), ("1",)),),
        (Footnote("f1", "1", "A note", locator, (), ("p1",)),), keys=((7, 9),))
    back = pickle.loads(pickle.dumps(document))
    assert back == document and back.keys == ((7, 9),)
    assert back.passages[0].locator == locator and back.content_hash == document.content_hash
    with pytest.raises(FrozenInstanceError):
        back.passages[0].text = "Two"  # type: ignore[misc]


def test_slot_init_refuses_fields_it_cannot_set_alike() -> None:
    @dataclass(frozen=True, slots=True)
    class Listed:
        items: list[str] = field(default_factory=list)

    with pytest.raises(TypeError):
        _slot_init(Listed)


def test_the_cyclic_collector_does_not_run_during_an_extraction() -> None:
    # The extraction's objects (one per element, held to its end) outlived the collector's
    # young generations and set off whole-heap collections: 3% of the bench's CPU.
    source = ("<html><head><title>Ritchson cast</title></head><body>" + MENU +
              "<div id='story'><h1>Ritchson cast</h1>" +
              "".join(f"<p><span>{i}</span> {text}</p>" for i in range(300) for text in POST)
              + "</div></body></html>")
    data = source.encode()
    collections: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(counted)
    try:
        extraction = html_extractor.extract(data, capture_for(data), ExtractOptions())
    finally:
        gc.callbacks.remove(counted)
    assert len(extraction.blocks) > 300
    # 17 on this page before; one may run as the collector comes back on, on what is left
    assert len(collections) <= 1
    assert gc.isenabled()
