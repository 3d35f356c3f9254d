"""Page kinds beyond news articles (#14, WCXB's kinds): docs pages (admonitions, sections
anchored by their headings, repeated examples, cross-reference sentences), FAQ answers,
script notices. Each page is a small synthetic rebuild of a failure pattern."""

from __future__ import annotations

import pytest
from test_extract_html import MENU, run


def test_admonition_blockquote_named_with_a_taxonomy_word_is_kept():
    # mdBook's admonitions are <blockquote class="blockquote-tag blockquote-tag-note">:
    # "tag" named them chrome (a tag cloud) and the note's text was removed.
    source = ("<html><head><title>Introduction</title></head><body>" + MENU +
              "<main><h1>Introduction</h1>"
              "<p>This series teaches the language from first principles, one small "
              "program at a time, and ends with proofs about those programs.</p>"
              "<blockquote class='blockquote-tag blockquote-tag-note'>"
              "<p class='blockquote-tag-title'>Note</p>"
              "<p>This is the beta release, so there are bound to be typos and rough "
              "edges; send a pull request when you spot one.</p></blockquote>"
              "<h2>Getting started</h2><p>Install the compiler and clone the repository "
              "to run every example of the series on your own machine.</p>"
              "</main></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("This is the beta release") for t in texts)


def test_faq_answers_folded_under_their_questions_are_read():
    # Service and product pages fold each FAQ answer under its question with
    # style="display: none" until a click; the answers were removed as hidden text.
    faq = "".join(f"<div class='faq-item'><div class='q'>Does the plan cover case {i}?</div>"
                  f"<div class='a' style='display: none'>Yes, case {i} is covered from the "
                  f"first day of the plan, with no waiting period and no extra fee.</div></div>"
                  for i in range(4))
    source = ("<html><head><title>Pet insurance</title></head><body>" + MENU +
              "<main><h1>Pet insurance</h1><p>Pet insurance reimburses owners for part or "
              "all of their vet bills, depending on the plan they choose.</p>"
              f"<h2>Frequently asked questions</h2>{faq}"
              "<div style='display:none'>Sign up for our newsletter and get ten percent "
              "off your first month of cover.</div></main></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert any(t.startswith("Yes, case 3 is covered") for t in texts)
    # Hidden text that answers no question stays hidden.
    assert not any("newsletter" in t for t in texts)
    assert any(r.rule == "hidden" and "newsletter" in r.text for r in extraction.removed)


def _docs_page(sections: str) -> str:
    return ("<html><head><title>Components</title></head><body>" + MENU +
            f"<main><h1>Components</h1><p>Components let you split the interface into "
            f"independent, reusable pieces and think about each piece alone.</p>{sections}"
            "</main></body></html>")


@pytest.mark.parametrize("classes", ["", " class='x'", " class=' x'", " class='  '"])
def test_section_anchored_by_its_heading_is_not_chrome_named_by_its_id(classes: str):
    # Docs pages give each section its heading's text as id: "sharing-data-between-
    # components" read as a "share" box and the section was removed; "comments" stays a
    # name for the comment box. Spaces around a class (" x") must not move the id's words.
    source = _docs_page(
        f"<section{classes} id='sharing-data-between-components'><h2>Sharing data between "
        "components</h2><p>Move the state up to the closest common parent, and pass it "
        "down to both components as props from there.</p></section>"
        "<section id='comments'><h2>Comments</h2><p>I tried this and it worked well for "
        "my own small app, thank you for writing the guide.</p></section>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("Move the state up") for t in texts)
    assert not any(t.startswith("I tried this") for t in texts)


def test_code_example_said_again_in_another_section_is_kept_twice():
    # An API reference shows the same response object under several endpoints; the second
    # was removed as a repeated text (a carousel caption's rule).
    response = '{\n  "id": "ch_3M",\n  "object": "charge",\n  "amount": 1099\n}'
    sections = "".join(f"<h2>{name} a charge</h2><p>{name} the details of a charge that "
                       f"was created before, and return the charge object.</p>"
                       f"<div class='example'><pre>{response}</pre></div>"
                       for name in ("Retrieve", "Update"))
    extraction = run(_docs_page(sections))
    assert sum(b.text == response for b in extraction.blocks) == 2


def test_short_sentence_around_its_link_is_prose():
    # "See Handling Application Errors for more details." is a sentence of the docs page
    # that links its subject, not a link list; a bare title link stays link text.
    source = _docs_page(
        "<h2>Errors</h2><p>Errors raised in a view are turned into a response by the "
        "application's error handlers, one for each kind of error.</p>"
        "<p>See <a href='/errors'>Handling Application Errors</a> for more details.</p>"
        "<p><a href='/next'>Handling Application Errors in depth</a></p>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert "See Handling Application Errors for more details." in texts
    assert "Handling Application Errors in depth" not in texts


def test_short_sentence_whose_stop_sits_inside_its_closing_quote_is_prose():
    # A news story's first line, two links and the words between them, closes with the
    # stop inside the quotes around a show's name ("... from “Dancing with the Stars.”"):
    # no sentence ending was found, so it went for link density.
    line = ("<p><a href='/people/jo'>Jo Smith</a> has been eliminated from “<a "
            "href='/shows/dance'>Dancing with the Stars</a>.”</p>")
    source = _docs_page("<h2>News</h2><p>Errors raised in a view are turned into a response "
                        "by the application's error handlers, one for each kind.</p>" + line)
    texts = [b.text for b in run(source).blocks]
    assert "Jo Smith has been eliminated from “Dancing with the Stars.”" in texts


def test_noscript_apology_for_flash_is_not_the_page_s_fallback():
    # A noscript explaining that the story's video needs Flash and JavaScript (200+
    # characters) was read as the page's script-free rendering and kept in the story.
    notice = ("<noscript><div class='warning'><p><strong>Media requires JavaScript and "
              "Adobe Flash to play.</strong></p><p>This story contains a piece of media "
              "that requires your computer to have Adobe Flash and JavaScript enabled.</p>"
              "<p>If these are available but disabled, please enable them to view the "
              "media.</p></div></noscript>")
    source = ("<html><head><title>Lost cities from space</title></head><body>" + MENU +
              "<article><h1>Lost cities from space</h1>"
              "<p>Satellites that map the ground in infrared have found the outlines of "
              "towns that were buried under the desert sand for three thousand years.</p>"
              f"{notice}<p>The archaeologists now plan to dig at the two largest sites "
              "before the summer heat makes the work impossible.</p></article></body></html>")
    texts = " ".join(b.text for b in run(source).blocks)
    assert "buried under the desert" in texts and "Adobe Flash" not in texts


def test_link_list_introduced_by_a_sentence_of_the_body_is_kept():
    # A docs page names its data types as a list of links introduced by a sentence ending
    # in a colon; each item was removed for its link text, as a menu is. A list of links no
    # sentence introduces (a related-links box) stays link text.
    types = "".join(f"<li><a href='/{t.lower()}'>{t}</a></li>" for t in ("String", "Hash", "List"))
    source = _docs_page(
        "<h2>Data types</h2><p>The server provides a collection of native data types that "
        f"help you solve problems, from caching to queues:</p><ul>{types}</ul>"
        "<p>Each type has its own commands, listed on the type's reference page.</p>"
        "<p>More guides</p><ul><li><a href='/a'>Caching</a></li>"
        "<li><a href='/b'>Queues</a></li></ul>"
        "<p>Pick the type that fits the access pattern of the data you store.</p>")
    texts = [b.text for b in run(source).blocks]
    assert {"String", "Hash", "List"} <= set(texts)
    assert "Caching" not in texts


def test_sibling_inline_elements_styled_apart_keep_their_words_apart():
    # wcxb dev: an API reference sets each field's name and type in sibling spans with no
    # space in the markup ("amount" "integer"), spaced by its style sheet; they came out as
    # one word ("amountinteger"). Halves of one word (an element and its tail) and words
    # animated letter by letter stay whole.
    source = ("<html><head><title>Charges | API reference</title></head><body>" + MENU +
              "<main><h1>Charges</h1><h4><span><span>amount</span></span><span>integer</span>"
              "</h4><p>Amount intended to be collected by this payment, in the smallest "
              "currency unit of the charge's currency.</p><p>An <b>un</b>believable offer, "
              "<span>s</span><span>o</span><span>o</span><span>n</span> and "
              "<a href='/x'>linked</a><em>emphasis</em> told apart.</p></main></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert "amount integer" in texts
    assert any("An unbelievable offer, soon and linked emphasis told apart." == t
               for t in texts)


def test_a_div_inside_a_heading_is_a_line_of_that_heading():
    # wcxb dev: a shop's h1 sets the brand in a div above the product's name; the brand
    # became a block of its own, and a teaser's h3 repeating "brand name" (once its spans
    # were spaced) matched the <title> better than the h1 and pulled the reading there.
    source = ("<html><head><title>Bershka Faux leather jacket - black - Shop</title></head>"
              "<body>" + MENU + "<main><h1><div><a href='/bershka'><span>Bershka</span></a>"
              "</div><span>Faux leather jacket - black</span></h1><p>A jacket in soft faux "
              "leather with a classic collar, zip pockets and a straight fit.</p></main>"
              "</body></html>")
    extraction = run(source)
    heading = next(b for b in extraction.blocks if b.level == 1)
    assert heading.text == "Bershka\nFaux leather jacket - black"


def test_an_element_kept_out_of_search_snippets_is_not_the_main_content():
    # wcxb: a product page's cookie-settings box is a "modal" div (a fold word, read as the
    # product's details on a product page) marked data-nosnippet, the attribute a site puts
    # on what search engines must not quote as the page; its policy text out-wrote the
    # product's description and became the page's content.
    policy = "".join(f"<p>{text}</p>" for text in (
        "This website uses cookies to improve your experience while you navigate through "
        "the website; the necessary ones are stored in your browser to make it work.",
        "We also use third-party cookies that help us analyse and understand how you use "
        "this website; they are stored only with your consent, which you may withdraw.",
        "Opting out of some of these cookies may affect your browsing experience, and some "
        "features of the shop may stop working as they should without them."))
    product = ('<script type="application/ld+json">{"@type": "Product", "name": "Iris Dress"}'
               "</script>")
    source = ("<html><head><title>Iris Dress | Shop</title>" + product + "</head><body>" +
              MENU + "<div class='product'><h1>Iris Dress</h1><p>A strappy dress of three "
              "flowing layers in rust-dyed hemp, with a side zip.</p></div>"
              "<div class='cli-modal-content' data-nosnippet='true'>"
              f"<h4>Privacy Overview</h4>{policy}</div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("A strappy dress") for t in texts)
    assert not any("cookies" in t for t in texts)


def test_listing_under_a_heading_outside_its_list_is_read_as_a_listing():
    # A category page: its name in the page's header, an introduction, then the list of
    # its pages in a box of their own. The headline sat outside the entries' container,
    # so the page was read as an article, the introduction alone (wcxb listing F1 0.05).
    from test_extract_html import HEADLINES
    tools = "".join(f"<div><a href='/t{i}'>{name}</a></div>"
                    for i, name in enumerate(("Read", "Edit", "View history", "Talk", "Tools",
                                                "Print", "Related changes", "Cite")))
    entries = "".join(f"<li><a href='/wiki/{i}'>{headline}</a></li>"
                      for i, headline in enumerate(HEADLINES))
    source = ("<html><head><title>Category: Flood stories</title></head><body>" + MENU +
              "<main><header><h1>Category: Flood stories</h1></header>" + tools +
              "<div class='content'>"
              "<p>This category lists the stories about the flood in the valley, from the "
              "first warnings to the clean-up that followed.</p>"
              f"<div id='pages'><h2>Pages in this category</h2><ul>{entries}</ul></div>"
              "</div></main></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(headline in texts for headline in HEADLINES)
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    assert kind.detail == "listing"


def test_post_with_a_column_of_links_under_the_site_name_stays_a_post():
    # The same shape on a blog: the site's name as the page's headline, a short post, and
    # a column of headline links beside it out-writing the post. The post is the article
    # reading's region, so the column is not widened into a listing with the headline.
    from test_extract_html import HEADLINES
    links = "".join(f"<li><a href='/p/{i}'>{headline}</a></li>"
                    for i, headline in enumerate(HEADLINES + HEADLINES))
    archive = "".join(f"<div><a href='/m/{month}/{year}'>{month} {year}</a></div>"
                      for year in (2023, 2024) for month in ("January", "March", "May",
                                                             "July", "September", "November"))
    source = ("<html><head><title>Making things with kids</title></head><body>"
              "<div id='page'><div id='banner'><h1>Making things with kids</h1>" + MENU +
              "</div>"
              "<div id='columns'><div id='alpha'><h3>Paper boats for the bath</h3>"
              "<div class='entry-content'><p>We folded paper boats this morning and sailed "
              "them in the bath until they sank, which took longer than we guessed.</p>"
              "</div></div>"
              f"<div id='gamma'><ul>{links}</ul></div></div>{archive}</div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert any(t.startswith("We folded paper boats") for t in texts)
    assert not any(headline in texts for headline in HEADLINES)
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    assert kind.detail == "article"
