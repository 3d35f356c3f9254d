"""Where an article starts and ends: patterns from pages where readability or trafilatura
beat Archivist on the dragnet dev split, each rebuilt as a small synthetic page."""

from __future__ import annotations

import html

import pytest
from test_extract_html import MENU, POSTS, PROSE, TEASERS, _card, article, run

from pipeline.errors import EmptySource
from pipeline.extract import ExtractOptions

POST = ["Alan Ritchson has been cast as Gloss in the sequel, the studio announced on "
        "Thursday, and filming starts in the autumn.",
        "Gloss is a former winner from the first district who is thrown back into the arena "
        "for the anniversary games.",
        "He joins other new cast members announced over the summer, among them a veteran "
        "stage actor and two newcomers from television.",
        "The sequel is set to reach theaters in November next year."]


def _story(body: str) -> str:
    """A gossip site's story page: its menu, then the story's headline and ``body``."""
    return ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" + MENU +
            f"<div id='story'><h1>Ritchson cast as Gloss</h1>{body}</div></body></html>")


def test_one_long_paragraph_does_not_stand_for_the_whole_article():
    # A link list and a newsletter line under the post's paragraphs made their parent's sum
    # smaller than its longest paragraph, which became the whole main content (recall 0.20).
    related = "".join(f"<li><a href='/s{i}'>Another story about somebody famous, part {i}</a>"
                      "</li>" for i in range(10))
    source = _story("<p>1:13 pm, August 9th</p>" + "".join(f"<p>{text}</p>" for text in POST)
                    + "<p><a href='/tw'>Follow us on Twitter!</a></p><h3>You might like:</h3>"
                    f"<ul>{related}</ul>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.startswith("Another story") for t in texts)
    assert any(r.rule == "link-density" and r.text.startswith("Another story")
               for r in extraction.removed)


def test_comment_list_after_a_blog_post_is_not_a_thread_of_posts():
    # WordPress comments (<li class="comment">) are alike siblings holding prose, the shape
    # of a forum thread's posts, so all 40 of them were kept after the post (precision 0.10).
    comment = ("I could not agree more with this post; the council should publish the "
               "minutes of every meeting and let people read them before the next vote. "
               "Last year they waited for months and nobody knew what had been decided.")
    comments = "".join(f"<li class='comment even depth-1' id='c{i}'><cite>Reader {i}</cite> "
                       f"Says:<p>{comment} ({i})</p><p>{comment * (1 + i % 3)}</p></li>"
                       for i in range(12))
    source = ("<html><head><title>Has the town lost its way? « Town Blog</title></head><body>"
              + MENU + "<div id='content'><div class='post hentry'>"
              "<h2>Has the town lost its way?</h2><div class='entry'>" +
              "".join(f"<p>{text}</p>" for text in POST) + "</div></div>"
              "<h3 id='comments'>12 Responses to “Has the town lost its way?”</h3>"
              f"<ol class='commentlist'>{comments}</ol></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.startswith("I could not agree more") for t in texts)
    removed = [r for r in extraction.removed if r.text.startswith("I could not agree more")]
    assert len(removed) == 24 and all(r.rule in ("chrome", "outside-main-content")
                                      for r in removed)


def test_forum_posts_with_comment_classes_are_still_the_thread():
    # The counterpart: a thread whose posts carry comment classes and nothing before them
    # but the thread's title keeps every post.
    posts = "".join(f"<div class='comment post-{i}'><div class='user'>user{i}</div>"
                    f"<p>{text}</p></div>" for i, text in enumerate(POST * 2))
    source = ("<html><head><title>Casting news thread - Forum</title></head><body>" + MENU +
              f"<div id='thread'><h1>Casting news thread</h1>{posts}</div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in POST)


def test_post_metadata_and_author_box_after_the_article_are_removed():
    # "This entry was posted on ... You can follow any responses ..." (WordPress'
    # postmetadata) and an author's bio under an author class closed the post as prose.
    meta = ("This entry was posted on Saturday, August 25th, 2012 at 12:23 am and is filed "
            "under Neat Stuff. You can follow any responses to this entry through the feed.")
    bio = ("Richard is the founder of the site, a writer and a speaker who has covered "
           "technology and design for more than a decade.")
    source = ("<html><head><title>A robot plays the drums</title></head><body>" + MENU +
              "<div class='post'><h2>A robot plays the drums</h2><div class='entrytext'>" +
              "".join(f"<p>{text}</p>" for text in POST) +
              f"<p class='postmetadata alt'>{meta}</p></div>"
              f"<div id='author'><p>{bio}</p></div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert meta not in texts and bio not in texts
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules[meta] == "trailing-meta" and rules[bio] == "trailing-meta"


def test_notes_bullets_followed_by_the_article_s_closing_paragraph_are_body():
    # A practice report's "Notes:" bullets were taken for an end-of-article notes list and
    # left the body as footnotes (recall 0.46), though the report's prose went on after them.
    bullets = ["The coach said he liked the effort and energy but wanted more consistency.",
               "He does not love the early start, which is hard on the players.",
               "The running backs drew positive reviews from the coaching staff again."]
    closing = "Report by our correspondent at the practice field, who will be back tomorrow."
    source = ("<html><head><title>Practice report: day 4</title></head><body>" + MENU +
              "<div class='entry-body'><h1>Practice report: day 4</h1>" +
              "".join(f"<p>{text}</p>" for text in POST) + "<p>Notes:</p><ul>" +
              "".join(f"<li>{text}</li>" for text in bullets) + f"</ul><p>{closing}</p>"
              "</div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in [*POST, *bullets, closing])
    assert not extraction.footnotes


def test_sources_list_closing_an_article_is_still_notes():
    # The counterpart: nothing of the article follows the list, so its items are notes.
    sources = ["Council minutes, 12 March, item 4.", "Interview with the engineer, 14 March."]
    source = ("<html><head><title>Practice report: day 4</title></head><body>" + MENU +
              "<div class='entry-body'><h1>Practice report: day 4</h1>" +
              "".join(f"<p>{text}</p>" for text in POST) + "<h3>Sources</h3><ul>" +
              "".join(f"<li>{text}</li>" for text in sources) + "</ul></div></body></html>")
    extraction = run(source)
    assert [f.text for f in extraction.footnotes] == sources


def test_column_of_boxes_beside_the_post_is_not_part_of_the_article():
    # A blog's right column (recent posts with summaries, an about box, contributors' bios)
    # held more prose than its links cost, so the region was the row holding both columns
    # (precision 0.34). The article is the headline and the paragraphs under it.
    recent = "".join(f"<div class='item'><p>November {10 + i}</p><h5><a href='/r{i}'>Recent "
                     f"post number {i}</a></h5><p>{text}</p></div>"
                     for i, text in enumerate(POST))
    about = ("This blog is about everything related to buying and using technology, from "
             "phones and cameras to the apps that run on them, written by our reporters.")
    source = ("<html><head><title>Q&amp;A: Photos from camera to tablet - Tech Blog</title>"
              "</head><body>" + MENU + "<div id='row'><div id='aCol'><div class='post'>"
              "<h1>Q&amp;A: Photos from camera to tablet</h1><div class='body'>"
              "<p>I want to load photos from my camera straight to my tablet, but the adapter "
              "only takes the smaller memory cards. Is there a way?</p><p>Yes: the adapter "
              "that plugs into the tablet's port reads photos over a cable from the camera "
              "itself, whatever card it holds.</p></div></div></div><div id='cCol'>"
              f"<div class='box'><h4>Recent Posts</h4>{recent}</div>"
              f"<div class='box'><h4>About this blog</h4><p>{about}</p></div></div></div>"
              "</body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert any(t.startswith("I want to load photos") for t in texts)
    assert about not in texts and not any(text in texts for text in POST)
    assert any(r.rule == "outside-main-content" and r.text == about
               for r in extraction.removed)


def test_sentence_that_links_its_sources_is_prose_not_a_link_list():
    # "As noted in our story on the judgment, ..." links most of its words (0.7 of its
    # text); over a link density of one half it was removed from the article like a menu.
    cited = ("As noted in <a href='/s1'>our story on the $368 million judgment</a>, the "
             "<a href='/s2'>patent office has now rejected all of the claims</a> the jury "
             "relied on, in a <a href='/s3'>ruling published last week</a>.")
    source = ("<html><head><title>Patent rejected</title></head><body>" + MENU +
              "<article><h1>Patent rejected</h1>" + "".join(f"<p>{text}</p>" for text in POST)
              + f"<p>{cited}</p><p>{POST[0]}</p></article></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("As noted in our story") for t in texts)


def test_teasers_with_a_thumbnail_before_the_headline_link_are_removed():
    # "Related posts" and "Buying guide" lists after a blog post: each item is a thumbnail,
    # a headline link and a summary; the image before the link hid the teaser's shape, and
    # the lists were kept after the article (precision 0.34).
    items = "".join(f"<li><img src='/t{i}.jpg' alt='thumb'> <a href='/p{i}'>Another story "
                    f"about somebody famous, part {i}</a><br>{POST[i % 4]}</li>"
                    for i in range(5))
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<div class='box'><div>Related Posts</div><ul>{items}</ul></div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.startswith("Another story") for t in texts)
    assert any(r.rule == "teaser-list" for r in extraction.removed)


def test_teasers_whose_summary_is_a_paragraph_in_the_item_are_removed():
    # "Recently Cataloged" after a post: each item a thumbnail link, a headline link in an
    # h3 and the summary as a <p> under the item; the summaries were list items of their
    # own, not the item, so the teaser test never looked at them (precision 0.80).
    items = "".join(f"<li class='grid'><a href='/p{i}'><img src='/t{i}.jpg' alt=''></a>"
                    f"<h3><a href='/p{i}'>Another story about somebody famous, part {i}</a>"
                    f"</h3><div class='excerpt'><p>{POST[i % 4]} ({i})</p></div></li>"
                    for i in range(4))
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<h4>Recently Cataloged</h4><ul>{items}</ul>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.endswith(")") for t in texts)
    assert sum(r.rule == "teaser-list" for r in extraction.removed) == 4


def _cards(count: int, cls: str = "story-box", href: str = "/s") -> str:
    return "".join(f"<div class='{cls}'><div class='head'><div><a href='{href}{i}'>Another "
                   f"story about somebody famous, part {i}</a></div></div>"
                   f"<div class='thumb'><a href='/s{i}'><img src='/t{i}.jpg' alt=''></a></div>"
                   f"<div class='summary'>{POST[i % 4]} ({i})</div></div>"
                   for i in range(count))


def test_teaser_cards_built_of_divs_after_the_article_are_removed():
    # A news site's "more stories" box after the story: alike divs, each a headline link,
    # a thumbnail and a summary. The links went as link text, the summaries stayed as the
    # article's closing paragraphs (precision 0.88).
    source = _story("".join(f"<p>{text}</p>" for text in POST * 2) +
                    f"<div class='more'>{_cards(5)}</div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.endswith(")") for t in texts)
    assert sum(r.rule == "teaser-list" for r in extraction.removed) == 5


@pytest.mark.parametrize("where", ["inside", "list inside", "alone", "toggles", "accordion"])
def test_alike_boxes_opening_with_a_link_stay_when_they_are_the_content(where: str):
    # Inside the article, boxes or list items opening with a link are its roundup
    # ("Brother GX37 review" and its summary; a list of bread makers, each linked by name
    # and described); with little prose beside them, a listing's entries; an FAQ's
    # accordion titles link to no page. None of them is a "more stories" box.
    if where == "inside":
        body = (f"<p>{POST[0]}</p><div class='roundup'>{_cards(4)}</div>"
                + "".join(f"<p>{text}</p>" for text in POST[1:]))
    elif where == "list inside":
        items = "".join(f"<li><a href='/p{i}'>Another machine somebody famous uses, model "
                        f"{i}</a> – {POST[i % 4]} ({i})</li>" for i in range(4))
        body = (f"<p>{POST[0]}</p><ul>{items}</ul>"
                + "".join(f"<p>{text}</p>" for text in POST[1:]))
    elif where == "alone":
        body = f"<p>{POST[0]}</p><div class='more'>{_cards(6)}</div>"
    elif where == "toggles":
        body = ("".join(f"<p>{text}</p>" for text in POST * 2) +
                f"<div class='faq'>{_cards(4, 'toggle-item', '#q')}</div>")
    else:
        items = "".join(f"<li class='accordion-item'><a href='#' class='title'>Where is the "
                        f"sequel filmed, part {i}?</a> {POST[i % 4]} ({i})</li>"
                        for i in range(4))
        body = ("".join(f"<p>{text}</p>" for text in POST * 2) +
                f"<h2>FAQ</h2><ul class='accordion'>{items}</ul>")
    extraction = run(_story(body))
    assert not any(r.rule == "teaser-list" for r in extraction.removed)
    assert any(b.text.endswith("(3)") for b in extraction.blocks)


def test_author_class_on_the_post_does_not_make_its_short_lines_bylines():
    # WordPress puts "author-<name>" on the post element; read as a byline box around the
    # whole post, every short line of a meal plan ("Eat every 2-3 hours") was labelled a
    # byline and left out of the body (recall 0.64).
    lines = ["Eat every 2–3 hours", "Drink during your workout", "Portion containers: 1 Green"]
    source = ("<html><head><title>Meal prep for the plan | Blog</title></head><body>" + MENU +
              "<article class='entry author-jane post type-post status-publish'>"
              "<h1>Meal prep for the plan</h1><div class='entry-content'>" +
              "".join(f"<p>{text}</p><p>{line}</p>" for text, line in zip(POST, lines)) +
              f"<p>{POST[3]}</p></div></article></body></html>")
    blocks = run(source).blocks
    assert [b.kind for b in blocks if b.text in lines] == ["paragraph"] * 3


def test_posts_grouped_by_day_are_not_a_byline_box():
    # Blogger wraps each day's posts in "date-outer" / "date-posts" divs. Read as a dateline
    # class around the whole post, its short lines (an event's address, the sign-off) were
    # labelled bylines and left out of the body (recall 0.56).
    lines = ["Location:", "The Reading Bug", "785 Laurel St,", "San Carlos, CA 94070"]
    source = ("<html><head><title>Town Blog: Little gifts for friends</title></head><body>" +
              MENU + "<div class='blog-posts hfeed'><div class='date-outer'>"
              "<h2 class='date-header'><span>Monday, October 22, 2012</span></h2>"
              "<div class='date-posts'><div class='post-outer'><div class='post hentry'>"
              "<h3 class='post-title'>Little gifts for friends</h3>"
              "<div class='post-body entry-content'>" +
              "".join(f"<p>{text}</p>" for text in POST[:2]) +
              "".join(f"<div class='field-label'>{line}</div>" for line in lines) +
              f"<p>{POST[3]}</p></div><div class='post-footer'><span class='post-author'>Posted by Alina"
              "</span></div></div></div></div></div></div></body></html>")
    blocks = run(source).blocks
    assert [b.kind for b in blocks if b.text in lines] == ["paragraph"] * 4


def test_aside_out_writing_the_story_stays_a_sidebar():
    # A news site's <aside> of teaser cards held most of the page's prose, which excused
    # it as a layout wrapper; with the aside's link lists costing more than the story's
    # column, its gallery of summaries became the main content and the short story
    # beside it, under the page's headline, was lost (F1 0.00).
    cards = "".join(f"<article><p>{text}</p></article>" for text in TEASERS * 7)
    source = ("<html><head><title>City store opens for business | Car News</title></head>"
              "<body>" + MENU + "<div id='content'><div class='post'>"
              "<h1>City store opens for business</h1><div class='postbody'>" +
              "".join(f"<p>{text}</p>" for text in POST) + "</div></div>"
              f"<aside id='sidebar'><section class='gallery'>{cards}</section>{MENU * 4}"
              "</aside></div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in POST)
    assert not any(t in texts for t in TEASERS)


def test_columns_of_headline_links_around_a_post_do_not_make_a_listing():
    # A three-column blog: the post under the page's headline in the middle, lists of
    # headline links (recent posts, press, books) in the columns beside it. Read as
    # entries, the links out-wrote the post and the whole page was kept as a listing
    # (precision 0.15); they span the page with no container of their own.
    def column(name: str) -> str:
        links = "".join(f"<li><a href='/{name}{i}'>A headline about management and work, "
                        f"number {i} in {name}</a></li>" for i in range(25))
        return f"<div class='module'><h2>{name}</h2><ul>{links}</ul></div>"
    source = ("<html><head><title>Twelve things I believe: Work Matters</title></head><body>"
              f"<div id='left'>{column('Press')}{column('Recent')}</div>"
              "<div id='center'><div class='entry'><h1>Twelve things I believe</h1>" +
              "".join(f"<p>{text}</p>" for text in POST) + "</div></div>"
              f"<div id='right'>{column('Books')}{column('Links')}</div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.startswith("A headline about management") for t in texts)
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    assert kind.detail == "article" and "the entries span the page" in (kind.evidence or "")


def test_photo_captions_in_inline_or_camel_case_caption_markup_are_captions():
    # scrapinghub dev: a news site's photo box puts its caption in a <span
    # class="newsCaption"> beside the picture, another names its caption div
    # "InlineImage-imageEmbedCaption"; both came out as the article's paragraphs.
    captions = ["China has warned they will take control of the city (Image: GETTY)",
                "The chairman, centre, passes an airliner during the air show in Dubai.",
                "Natalie Naccache | Bloomberg | Getty Images"]
    body = (f"<p>{POST[0]}</p><div class='photo'><p><img src='a.jpg'></p>"
            f"<span class='newsCaption'>{captions[0][:-15]}<span class='src'>"
            f"{captions[0][-15:]}</span></span></div><p>{POST[1]}</p>"
            "<div class='InlineImage-wrapper'><img src='b.jpg'><div>"
            f"<div class='InlineImage-imageEmbedCaption'>{captions[1]}</div>"
            f"<div class='InlineImage-imageEmbedCredit'>{captions[2]}</div></div></div>"
            f"<p>{POST[2]}</p>")
    blocks = run(article(body)).blocks
    kinds = {b.text: b.kind for b in blocks}
    assert [kinds.get(c) for c in captions] == ["caption"] * 3
    assert all(kinds.get(text) == "paragraph" for text in POST[:3])


def test_figcaption_paragraphs_are_captions_and_caption_words_elsewhere_are_not():
    # <figcaption><p>...</p></figcaption> read as a paragraph of the article; but a caption
    # word in a page's feature flags on <body> ("f_caption_muted_videos_on"), in a post's
    # taxonomy classes ("tag-tax-credits") or at the start of a camelCase id ("CostCredits")
    # says nothing about captions, and the article under them stays paragraphs.
    source = ("<html><head><title>A headline about rivers</title></head>"
              "<body class='f_caption_muted_videos_on'><article class='post tag-tax-credits'>"
              "<h1>A headline about rivers</h1>" + "".join(f"<p>{t}</p>" for t in POST[:2]) +
              "<figure><img src='x.jpg'><figcaption><p>The old bridge at dawn.</p>"
              "</figcaption></figure><custom-section id='CostCredits'>" +
              "".join(f"<p>{t}</p>" for t in POST[2:]) +
              "</custom-section></article></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds.get("The old bridge at dawn.") == "caption"
    assert all(kinds.get(text) == "paragraph" for text in POST)


def test_figcaption_paragraphs_inside_layout_elements_are_captions():
    # scrapinghub dev: a magazine's figcaption wraps its caption and credit in layout
    # elements (<figcaption><section><div><div><p>); only a <p> right under the figcaption
    # was a caption, so both were output as the article's paragraphs.
    source = ("<html><head><title>A headline about rivers</title></head><body><article>"
              "<h1>A headline about rivers</h1><figure><img src='x.jpg'><figcaption><section>"
              "<div><div><p>The old bridge at dawn, where the river meets the sea.</p></div>"
              "<div><p>A. Photographer for the Magazine</p></div></div></section></figcaption>"
              "</figure>" + "".join(f"<p>{t}</p>" for t in POST) + "</article></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds.get("The old bridge at dawn, where the river meets the sea.") == "caption"
    assert kinds.get("A. Photographer for the Magazine") == "caption"
    assert all(kinds.get(text) == "paragraph" for text in POST)


def test_a_box_named_a_caption_under_its_picture_is_a_caption():
    # scrapinghub dev: a news site lays its photos out as <div><div><picture></div><div
    # class="caption"><p>...</p></div></div>, no figure markup; the caption's <p> was output
    # as a paragraph of the story (precision 0.81). A box named a caption right after its
    # picture passes the caption on; one after no picture (a post's "credits" section)
    # stays the article's.
    caption = "Vicente loads garage door trims into his truck outside a store. (AP Photo)"
    source = ("<html><head><title>A headline about rivers</title></head><body><article>"
              "<h1>A headline about rivers</h1>" + "".join(f"<p>{t}</p>" for t in POST[:2]) +
              "<div class='inline image-ct'><div class='m'><picture><img src='x.jpg'>"
              f"</picture></div><div class='caption'><p><span>{caption}</span></p></div></div>"
              "<div class='credits'>" + "".join(f"<p>{t}</p>" for t in POST[2:]) +
              "</div></article></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds.get(caption) == "caption"
    assert all(kinds.get(text) == "paragraph" for text in POST)


def test_slideshow_box_after_the_story_is_not_its_wrapper():
    # dragnet dev: a news story's paragraphs, then "Related:" and a promo box holding a
    # slideshow whose captions out-wrote the story. A chrome-named box holding most of the
    # prose was excused as the article's wrapper, and every caption was kept (precision
    # 0.17-0.27). The article's wrapper holds where it begins; this box starts after it.
    slides = "".join(f"<li><h4>BANK {i}</h4><p>{TEASERS[i % len(TEASERS)]} {POST[i % 4]}</p>"
                     "</li>" for i in range(8))
    source = ("<html><head><title>Banks face questions on rates</title></head><body>" + MENU +
              "<div class='articleBody'><h1>Banks face questions on rates</h1>" +
              "".join(f"<p>{text}</p>" for text in POST) +
              "<p>Related:</p><div class='promo_holder'><div><em>Loading Slideshow</em></div>"
              f"<ul class='slides'>{slides}</ul></div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(t.startswith(TEASERS[0][:40]) for t in texts)
    assert any(r.rule == "chrome" and r.text.startswith(TEASERS[0][:40])
               for r in extraction.removed)


def test_page_of_only_labels_and_prices_has_no_main_content():
    # wcxb dev: shop pages built by scripts hold only labels, prices and buttons in their
    # HTML ("(24)", "Save $100", "Help"); those came out as the page's content where the
    # page has none. A page with one sentence of prose is still read.
    labels = "".join(f"<div><span>{t}</span></div>" for t in
                     ("(24)", "FREE shipping to", "Save $100", "Comp. Value: $1,199.99", "or"))
    source = ("<html><head><title>Surface Laptop 13.8 inch</title></head><body>" + MENU +
              f"<div id='app'><h1>Surface Laptop 13.8 inch</h1>{labels}</div></body></html>")
    with pytest.raises(EmptySource, match="only short fragments"):
        run(source)
    one = source.replace("<span>or</span>", "<p>Ships in two days from the store.</p>")
    assert "Ships in two days from the store." in [b.text for b in run(one).blocks]


def test_linked_item_of_a_list_of_sentences_is_kept_with_its_siblings():
    # A news digest sums each story up in a list item and links it; items linking most of
    # their words (0.53-0.66 of the text) were removed as link lists while their siblings
    # were kept (recall 0.76). A menu's items, which are no sentences, stay removed.
    digest = [("The attorney general is investigating the company amid layoffs, ",
               "a spokesperson confirmed on Monday."),
              ("The chief executive is stepping down in May, ",
               "handing the reins to the president."),
              ("A new game is finally coming out after twelve years of waiting, ",
               "but the catch is that it is for virtual reality only."),
              ("Teens put wireless earbuds on their holiday wish lists ",
               "more than ever before, according to a new survey.")]
    items = "".join(f"<li>{plain}<a href='/s{i}'>{linked}</a></li>" if i % 2 else
                    f"<li><a href='/s{i}'>{plain}{linked}</a> More in our story.</li>"
                    for i, (plain, linked) in enumerate(digest))
    source = ("<html><head><title>Ten things in tech today</title></head><body>" + MENU +
              "<article><h1>Ten things in tech today</h1><p>" + POST[0] + "</p>"
              f"<ol>{items}</ol><p>{POST[1]}</p></article></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(any(t.startswith(plain) for t in texts) for plain, _ in digest)
    assert not any(t.startswith("Category") for t in texts)


def test_author_card_above_the_story_is_removed_like_one_below_it():
    # A byline unfolding into the author's card (bio, "LATEST ARTICLE" and its summary)
    # sits above the story under an author class; its prose was kept as the article's
    # opening paragraphs (precision 0.72-0.84), while the same box after the story was not.
    bio = ("Jo is the East Coast Editor of the site. Jo has written for many magazines on "
           "technology and wristwatches, and lives in Bay Ridge, Brooklyn.")
    latest = ("LATEST ARTICLE: Six-month road test of the small hatchback, where we mentioned "
              "before how it offers a lot of technology for not a lot of money.")
    source = ("<html><head><title>Gift guide 2012</title></head><body>" + MENU +
              "<div class='post-detail'><h1>Gift guide 2012</h1><div class='meta-info'>"
              "<h4 class='author'><a href='#'>Jo Smith</a></h4>"
              f"<div class='author-dropdown'><div class='description'><p>{bio}</p></div>"
              f"<div class='latest'>{latest}</div></div></div>"
              "<div class='body-copy'>" + "".join(f"<p>{text}</p>" for text in POST) +
              "</div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get(bio) == "leading-meta" and rules.get(latest) == "leading-meta"


def test_datelines_ending_in_a_clock_time_or_on_two_lines_are_bylines():
    # "By Matthew Digby, Minh Do on Monday, November 18th, 2019 at 11:08 a.m." ends with a
    # full stop that belongs to "a.m.", and "Mon 18 Nov 2019 18.54 GMT / Last modified on
    # Mon 18 Nov 2019 18.56 GMT" is two datelines of fourteen words together: both were read
    # as paragraphs of the story (scrapinghub dev, precision 0.94-0.95).
    byline = "By Matthew Digby\n, Minh Do\non Monday, November 18th, 2019 at 11:08 a.m."
    dates = "Mon 18 Nov 2019 18.54 GMT\nLast modified on Mon 18 Nov 2019 18.56 GMT"
    source = ("<html><head><title>Ritchson cast as Gloss</title></head><body>" + MENU +
              "<article><h1>Ritchson cast as Gloss</h1><p>By <a href='/md'>Matthew Digby</a>"
              "<br>, <a href='/mdo'>Minh Do</a><br>on Monday, November 18th, 2019 at 11:08 "
              "a.m.</p><div><p>Mon 18 Nov 2019 18.54 GMT<br>Last modified on Mon 18 Nov 2019 "
              "18.56 GMT</p></div>" + "".join(f"<p>{text}</p>" for text in POST) +
              "</article></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds.get(byline) == "byline" and kinds.get(dates) == "byline"
    assert all(kinds.get(text) == "paragraph" for text in POST)


def test_a_line_with_a_year_among_the_paragraphs_is_the_articles():
    # A hadith's citation ("[HR. At-Tirmidzi no.1997 ...]") and a chart's title ("July 2012
    # Changes in ...") between two paragraphs were labelled datelines by their year and left
    # out of the text (scrapinghub, dragnet and wcxb dev, 15 pages). A signature opening
    # like a byline or holding a clock time stays metadata in the same place.
    chart = "Chart 1: Home sales by region, July 2012"
    cited = "[Report of the river commission no. 1997, page 41]"
    posted = "Posted by Jane Doe on April 6, 2007"
    tracked = "Tracked on Apr 6, 2007 3:09:50 PM"
    source = ("<html><head><title>Ritchson cast as Gloss</title></head><body>" + MENU +
              f"<article><h1>Ritchson cast as Gloss</h1><p>{POST[0]}</p><p>{chart}</p>"
              f"<p>{POST[1]}</p><p>{cited}</p><p>{POST[2]}</p><p>{posted}</p><p>{tracked}</p>"
              f"<p>{POST[0]} {POST[3]}</p></article></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds.get(chart) == "paragraph" and kinds.get(cited) == "paragraph"
    assert kinds.get(posted) == "byline" and kinds.get(tracked) == "byline"


def test_an_embedded_posts_attribution_is_quoted_text_not_a_byline():
    # "— Rep. Jane Doe (@janedoe) November 19, 2019" closing an embedded tweet, as the
    # blockquote's own text or in its own <p>, was labelled the article's byline and left
    # out of the text (scrapinghub dev, four pages whose gold holds it).
    tweet = "We must apply a system of compassion to criminal justice, and we will."
    source = ("<html><head><title>Ritchson cast as Gloss</title></head><body>" + MENU +
              "<article><h1>Ritchson cast as Gloss</h1>"
              f"<p>{POST[0]}</p><blockquote class='twitter-tweet'><p>{tweet}</p>— Jane Doe "
              "(@janedoe) <a href='/s/1'>November 19, 2019</a></blockquote>"
              f"<p>{POST[1]}</p><blockquote class='twitter-tweet'><p>{tweet}</p><p>— Jo Roe "
              "(@joroe) <a href='/s/2'>November 18, 2019</a></p></blockquote>" +
              "".join(f"<p>{text}</p>" for text in POST[2:]) + "</article></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    attributions = [t for t in kinds if t.startswith("—")]
    assert len(attributions) == 2
    assert all(kinds[t] != "byline" for t in attributions)


def test_an_embedded_post_in_a_box_named_for_sharing_is_quoted_text():
    # A site serves each embedded tweet in <div class="social-media-embed">, the blockquote
    # and its loader script alone: the "social" word made the tweets share-bar chrome
    # (scrapinghub dev, recall 0.70; its gold holds the tweets). A share bar's own lines
    # under such a name, beside no quote, stay chrome.
    tweet = "We must apply a system of compassion to criminal justice, and we will."
    embed = ("<div class='social-media-embed'><blockquote class='twitter-tweet'>"
             f"<p>{tweet}</p>— Jane Doe (@janedoe) <a href='/s/1'>November 19, 2019</a>"
             "</blockquote><script src='/widgets.js'></script></div>")
    share = "<div class='social-share'><p>Share this story with your friends today</p></div>"
    source = ("<html><head><title>Ritchson cast as Gloss</title></head><body>" + MENU +
              f"<article><h1>Ritchson cast as Gloss</h1><p>{POST[0]}</p>{embed}<p>{POST[1]}"
              "</p>" + "".join(f"<p>{text}</p>" for text in POST[2:]) + share +
              "</article></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert tweet in texts and any(t.startswith("— Jane Doe") for t in texts)
    assert all(text in texts for text in POST)
    assert not any(t.startswith("Share this story") for t in texts)


def test_links_with_words_of_their_own_among_the_paragraphs_are_the_article():
    # A blog's daily digest and an event's schedule: list items linking a story or an event,
    # each with a remark or a date of its own, set between the post's paragraphs. Removed
    # as link lists, the post lost half its text (recall 0.45, 0.79); a list of bare links
    # in the same place ("Related:") stays a link list.
    digest = [("Calling All Germs", " – Do you really want to know how dirty your phone is?"),
              ("Laugh Along With 800 Clowns", " – If I met this in a city, I would back away."),
              ("November 17th to 18th, 2012: ", "Launch and Main Event in Harrison Mills")]
    items = "".join(f"<li><a href='/a{i}'>{a}</a>{b}</li>" if i < 2 else
                    f"<li>{a}<a href='/a{i}'>{b}</a></li>" for i, (a, b) in enumerate(digest))
    related = "".join(f"<li><a href='/r{i}'>Another story about somebody famous, part {i}</a>"
                      "</li>" for i in range(3))
    source = ("<html><head><title>Quickies 10.29</title></head><body>" + MENU +
              "<div class='post'><h1>Quickies 10.29</h1><div class='entry-content'>"
              f"<p>{POST[0]}</p><ul>{items}</ul><p>{POST[1]}</p><p>Related:</p>"
              f"<ul>{related}</ul><p>{POST[2]}</p></div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert [a + b for a, b in digest] == [t for t in texts if t.startswith(("Calling", "Laugh",
                                                                             "November"))]
    assert not any(t.startswith("Another story") for t in texts)
    assert all(text in texts for text in POST[:3])


def test_a_story_cut_into_articles_between_ad_slots_is_read_whole():
    # A news site closes its <article> before each ad slot and opens another of the same
    # kind after it; the story's opening paragraphs, in the smaller part, were removed as
    # another article beside the main one (recall 0.74-0.79). A teaser <article> of the
    # same kind carries its own headline and stays out.
    teaser = ("Triple Canopy won another contract last year, and its guards were praised "
              "by the army for their work at the airport.")
    source = ("<html><head><title>Ritchson cast as Gloss</title></head><body>" + MENU +
              "<div id='content'><h1>Ritchson cast as Gloss</h1>"
              f"<div><article class='story'><p>{POST[0]}</p><p>{POST[1]}</p></article></div>"
              "<div class='ad'>Advertisement</div>"
              f"<div><article class='story'><p>{POST[2]}</p><p>{POST[3]}</p><p>{POST[0]}"
              f" (continued)</p><p>{POST[1]} (continued)</p></article></div>"
              "<div><article class='story'><h3><a href='/other'>Contractor praised for "
              f"airport work</a></h3><p>{teaser}</p></article></div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert teaser not in texts
    assert any(r.rule == "other-article" and r.text == teaser for r in extraction.removed)


def test_a_one_paragraph_post_is_read_with_the_lines_beside_its_paragraph():
    # A post of one long paragraph and a few short lines (a photo credit, "From left to
    # right:" over a list of links): the lines add no prose, so the paragraph alone
    # out-weighed the post's element and became the region, every line beside it
    # "outside the main content". A paragraph is a part of a post, never all of it, when
    # its parent holds as much prose.
    long_post = " ".join(POST)
    source = ("<html><head><title>Love this wallpaper</title></head><body>" + MENU +
              "<div id='content'><div class='post'><p>Aug 9, 2012</p>"
              f"<p>{long_post}</p><p><img src='w.jpg'>Picture via Planet Fur</p>"
              "<p>From left to right:</p><p>1. <a href='/o'>Owls Wallpaper</a><br>2. "
              "<a href='/b'>Blue Floral Wallpaper</a></p></div>"
              "<div class='sidebar'><h3>Archives</h3><ul><li><a href='/a1'>August 2012</a>"
              "</li><li><a href='/a2'>July 2012</a></li></ul></div></div></body></html>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds.get(long_post) == "paragraph"
    assert kinds.get("From left to right:") == "paragraph"
    assert kinds.get("Picture via Planet Fur") == "paragraph"
    assert "August 2012" not in kinds


def test_a_blog_post_headline_linked_to_its_permalink_is_kept():
    # Blogs set the post's title as <h2><a href=permalink>, and the lone h1 is the site's
    # name. The headline was removed as link text, with 30 such titles on the dev split;
    # the heading that repeats the <title> is the article's, however it links.
    source = ("<html><head><title>Why I went to the conference « Rand's Blog</title></head>"
              "<body>" + MENU + "<h1>Rand's Blog</h1><div id='content'><div class='post'>"
              "<h2><a href='/2012/why'>Why I went to the conference</a></h2>"
              + "".join(f"<p>{text}</p>" for text in POST) +
              "<h3><a href='/2012/other'>Another post about the conference</a></h3>"
              "</div></div></body></html>")
    extraction = run(source)
    kinds = {b.text: b.kind for b in extraction.blocks}
    assert kinds.get("Why I went to the conference") == "heading"
    assert all(kinds.get(text) == "paragraph" for text in POST)
    assert "Another post about the conference" not in kinds


def test_a_linked_paragraph_between_the_articles_paragraphs_is_kept():
    # A source's address, "part 1 is here.", a listing's linked name between descriptions:
    # a <p> of link text set among the article's paragraphs in the same parent was removed
    # as a link list (dev split: 40 such paragraphs, R 0.65-0.85 on the worst pages), where
    # readability keeps every <p> of the element it picks. Call-outs to other pages
    # ("Related: ...", shouted capitals, "Find out ..."), a menu of links with only
    # separators between them, and the links after the last paragraph stay out.
    links = ["<p><a href='http://www.example.org/donate'>http://www.example.org/donate</a></p>",
             "<p><a href='/part-1'>part 1 is here.</a></p>",
             "<p><a href='/house'>3103 E Olive St, Seattle WA</a><br>For sale: $599,999</p>"]
    callouts = ["<p>Related: <a href='/other'>The weirdest galaxies in our universe</a></p>",
                "<p><strong><a href='/app'>GET THE NEWS APP ON YOUR PHONE</a></strong></p>",
                "<p><a href='/diet'>Find out if a diet can help you lose weight</a></p>"]
    menu = ("<p><a href='/older'>« An older post</a> | <a href='/'>Main</a> | "
            "<a href='/newer'>A newer post »</a></p>")
    body = "".join(f"<p>{POST[i]}</p>{links[i]}" for i in range(3)) + menu
    source = ("<html><head><title>Houses for sale</title></head><body>" + MENU +
              "<div id='content'><h1>Houses for sale</h1>"
              f"<div class='entry'>{body}{''.join(callouts)}<p>{POST[3]}</p>"
              "<p><a href='/next'>Next post: the market in winter</a></p></div>"
              "</div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert "http://www.example.org/donate" in texts and "part 1 is here." in texts
    assert "3103 E Olive St, Seattle WA\nFor sale: $599,999" in texts
    assert all(text in texts for text in POST)
    assert not any(t.startswith(("Related:", "GET THE", "Find out", "Next post", "«"))
                   for t in texts)
    assert any(r.rule == "link-density" and r.text.startswith("Related:")
               for r in extraction.removed)


def test_a_short_post_under_its_headline_beats_a_longer_author_box_beside_it():
    # A comic's post: the headline, a meta line, one sentence, share buttons; beside it an
    # author's bio of three sentences. The buttons cost more than the sentence says, and
    # the bio became the main content (F1 0; the profile box of another blog likewise).
    # The nearest element around the headline holding prose outside chrome is the
    # article when the box beside it out-writes it only a few times.
    intro = ("Once a week, we feature a freelance-themed comic from a talented artist. Why "
             "not also take a look at our comic archive?")
    bio = ("N.C. Winters is always drawing. When he isn't making comics, doodling or working "
           "as a freelance graphic artist, he spends his time painting pretty pictures and "
           "playing with his two dogs in the park near his studio.")
    share = "".join(f"<li><a href='/s{i}'>Share on network {i}</a></li>" for i in range(6))
    source = ("<html><head><title>Freedom 284: Unacceptable Excuses</title></head><body>" +
              MENU + "<div id='main'><div class='post'><h1>Freedom 284: Unacceptable "
              "Excuses</h1><ul><li><a href='/a'>N.C. Winters</a></li><li><a href='/c'>Comic"
              f"</a></li></ul><p><img src='c.png'></p><p>{intro}</p><ul>{share}</ul></div>"
              f"<div class='about'><div><p>{bio}</p><ul><li><a href='/w'>Website</a></li>"
              "<li><a href='/o'>Other Articles</a></li></ul></div></div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert intro in texts and bio not in texts
    assert any(r.rule == "outside-main-content" and r.text == bio for r in extraction.removed)


def test_newsletter_and_write_to_lines_closing_a_story_are_its_sign_off():
    # A news story's last paragraphs asked the reader to subscribe ("Get the latest
    # updates right in your inbox. Subscribe to our newsletters.", "Need more? Join our
    # forums") or to write to its reporter at an address: output as the story's text.
    pitches = ["Get the latest updates right in your inbox. Subscribe to our newsletters.",
               "Need more space news? Join our forums to keep talking about the missions.",
               "Write to Jo Smith at jo.smith@example.com"]
    source = _story("".join(f"<p>{text}</p>" for text in POST) + "<h3>Don't miss out</h3>" +
                    "".join(f"<p>{text}</p>" for text in pitches) +
                    "<p>Posted on 12 March 2019</p>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    assert not any(text in texts for text in pitches)
    rules = {r.text: r.rule for r in extraction.removed}
    assert all(rules[text] == "call-to-action" for text in pitches)


def test_a_paragraph_about_a_newsletter_inside_the_story_is_kept():
    # Only the story's closing lines are a sign-off: the same sentence with the story going
    # on after it, or inside a long paragraph, is the text.
    inside = "Readers can sign up for the council's flood alerts on its website."
    long_one = ("The paper, which asked readers to subscribe to its weekly digest of the "
                "council's decisions, " + "found that the plan had been changed twice. " * 6)
    source = _story(f"<p>{POST[0]}</p><p>{inside}</p><p>{POST[1]}</p><p>{long_one}</p>")
    texts = [b.text for b in run(source).blocks]
    assert inside in texts and long_one.strip() in texts


def test_a_photo_story_told_in_its_captions_is_read_as_its_text():
    # A gossip site's photo story: a headline, a dek, and the story in the caption under
    # each picture. The captions were left out of the body as notes on the pictures, so
    # its text was the dek alone (recall 0.10).
    captions = ["The actress looked a tad too done up after a night out at a hotel bar in "
                "the hills on Saturday, a face full of lipstick and eyeliner.",
                "She got into the driver's seat of her sports car afterwards and waved to "
                "the photographers waiting on the pavement across the road.",
                "Her latest project is a thriller she is filming this month with a cast of "
                "newcomers, due out next spring."]
    source = _story("<h2>Her latest look featured a lot of lipstick.</h2>" + "".join(
        f"<figure><img src='p{i}.jpg'><figcaption>{text}</figcaption></figure>"
        for i, text in enumerate(captions)))
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert all(kinds[text] == "paragraph" for text in captions)


def test_captions_beside_a_story_of_their_size_stay_captions():
    caption = ("The old bridge at dawn on Friday, a few hours before the engineers closed it "
               "to traffic and began to check its pillars.")
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<figure><img src='b.jpg'><figcaption>{caption}</figcaption></figure>")
    kinds = {b.text: b.kind for b in run(source).blocks}
    assert kinds[caption] == "caption"


def test_the_blog_software_s_notices_on_comments_after_a_post_are_removed():
    # A short blog post of links and one sentence, then WordPress' "You can follow any
    # responses ..." and the comment form's "You may use these HTML tags ..." note: the
    # notices out-wrote the post (precision 0.16).
    notices = ["You can follow any responses to this entry through the RSS 2.0 feed.",
               'You may use these HTML tags and attributes: <a href="" title=""> <b> <i>',
               "Comments are closed."]
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<p>{notices[0]}</p><h3>Leave a Reply</h3>"
                    f"<p>{html.escape(notices[1], quote=False)}</p><p>{notices[2]}</p>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert all(rules.get(text) == "comment-notice" for text in notices)


def test_the_author_s_box_closing_an_article_is_removed():
    # "About the author" and the writer's bio after the story were output as its last
    # lines ("Science writer at Gizmodo and pug aficionado elsewhere").
    bio = ("Jo Smith is a science writer who has covered medicine for a decade and lives "
           "by the sea with two cats.")
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<div class='box'><h4>About the author</h4><p>Jo Smith</p><p>{bio}</p>"
                    "</div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get(bio) == "author-box" and rules.get("About the author") == "author-box"


def _authored_story(body: str) -> str:
    """``_story`` with its author named in the page's metadata, as news sites do."""
    return _story(body).replace("</title>", "</title><meta name='author' content='Jo Smith'>")


BIO = ("Jo Smith is a senior staff writer for the Gossip and founder of a fake news site. "
       "She has been a reporter since the last century.")


def test_the_author_s_bio_in_a_box_after_the_article_is_removed():
    # A bio under no title, in its own box after the story's body, opening with the name
    # the page gives as its author, and the author's "Follow ... on Twitter" line: both
    # were output as the story's last lines (dragnet dev R817).
    follow = "Follow @josmith and @gossip on Twitter."
    source = _authored_story("<div class='text'>" + "".join(f"<p>{t}</p>" for t in POST) +
                             f"</div><div class='meta'><div class='pic'><img src='j.jpg'>"
                             f"</div><div><p>{BIO}</p><p>{follow}</p></div></div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get(BIO) == "author-bio" and rules.get(follow) == "author-bio"


@pytest.mark.parametrize("body", [
    # The body's own paragraph introducing its author (an essay's first or last lines).
    "<div class='text'>" + "".join(f"<p>{t}</p>" for t in POST) + f"<p>{BIO}</p></div>",
    # Someone the story is about, in a box after it: not the page's author.
    "<div class='text'>" + "".join(f"<p>{t}</p>" for t in POST) + "</div><div><p>" +
    BIO.replace("Jo Smith", "Alan Ritchson") + "</p></div>"])
def test_a_bio_in_the_body_or_of_another_person_stays(body):
    texts = [b.text for b in run(_authored_story(body)).blocks]
    assert any(text.endswith("since the last century.") for text in texts)


def test_a_section_about_the_author_that_goes_on_is_the_article():
    # An essay's own section on its author, as long as an article's part, stays.
    section = " ".join(POST) + " " + " ".join(POST)
    source = _story(f"<p>{POST[0]}</p><h2>About the author</h2><p>{section}</p>"
                    f"<p>{section}</p>")
    texts = [b.text for b in run(source).blocks]
    assert section in texts


def test_the_print_edition_note_after_a_newspaper_story_is_removed():
    # "Write to ... at ..." then "A version of this article appeared ... in the U.S.
    # edition of ...": the note on the print edition ended the search for the sign-off.
    note = ("A version of this article appeared July 24, 2012, on page A2 in the U.S. "
            "edition of The Daily Paper, with the headline: Ritchson Cast as Gloss.")
    write = "Write to Jo Smith at jo.smith@example.com"
    source = _story("".join(f"<p>{text}</p>" for text in POST) + f"<p>{write}</p><p>{note}</p>")
    rules = {r.text: r.rule for r in run(source).removed}
    assert rules.get(note) == "print-edition" and rules.get(write) == "call-to-action"


def test_an_if_you_enjoyed_this_article_pitch_closing_a_post_is_its_sign_off():
    pitch = "If you enjoyed this article, enter your email below to get free updates!"
    source = _story("".join(f"<p>{text}</p>" for text in POST) + f"<p>{pitch}</p>")
    rules = {r.text: r.rule for r in run(source).removed}
    assert rules.get(pitch) == "call-to-action"


def test_a_long_pitch_opening_with_if_you_enjoyed_closing_a_story_is_its_sign_off():
    # A magazine's "Something to Consider" box: one paragraph of 400 characters opening
    # "If you enjoyed this article, we have a proposition for you", over the sign-off's
    # length limit, was the story's last paragraph.
    pitch = ("If you enjoyed this article, we have a proposition for you: join our members. "
             "Members get all of our content, including the magazine, no paywalls or "
             "content meters, an advertising-minimal experience, and access to our writers "
             "and editors on conference calls. And importantly, members support our work "
             "at a time when independent journalism needs every reader it can find.")
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<div><h4>Something to Consider</h4><p>{pitch}</p></div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST) and "Something to Consider" not in texts
    assert {r.text: r.rule for r in extraction.removed}.get(pitch) == "call-to-action"


def test_an_unexpanded_shortcode_is_removed():
    # A WordPress button the blog software left as its shortcode between a review's last
    # paragraphs: "[button link=... type=big] Send us YOUR kit review[/button]".
    code = ('[button link=”https://example.com/submit-review/” type=”big” newwindow=”yes”] '
            'Send us YOUR kit review[/button]')
    aside = "[The council has not said when the bridge will open again.]"
    source = _story(f"<p>{POST[0]}</p><p>{code}</p><p>{aside}</p><p>{POST[1]}</p>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert code not in texts and aside in texts
    assert {r.text: r.rule for r in extraction.removed}.get(code) == "shortcode"


def test_small_print_closing_an_article_is_removed():
    # A press release's "About the company" boilerplate after an <hr>, set at 12px in grey
    # under the release's text, was output as its longest paragraph (precision 0.69); a
    # "last reviewed" line in <small> alike.
    about = ("Example Corp is a global provider of flood defences. It employs about 2,300 "
             "people in over 20 countries and is listed on the exchange.")
    reviewed = "This article last reviewed April 2005."
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<hr><p style='font-size: 12.0px;color: rgb(128,130,100);'>{about}</p>"
                    f"<p><small>{reviewed}</small></p>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get(about) == "fine-print" and rules.get(reviewed) == "fine-print"


def test_small_print_is_fine_print_only_beside_text_of_the_usual_size():
    # A page setting all its text at 12px, and 14px or 1.1em closing lines, keep them.
    small = "".join(f"<p style='font-size:12px'>{text}</p>" for text in POST)
    assert all(text in [b.text for b in run(_story(small)).blocks] for text in POST)
    for size in ("14px", "1.1em", "100%"):
        last = f"<p style='font-size:{size}'>{POST[0]}</p>"
        source = _story("".join(f"<p>{text}</p>" for text in POST[1:]) + last)
        assert POST[0] in [b.text for b in run(source).blocks]


def test_a_loading_placeholder_is_removed_and_ends_no_sign_off_search():
    # scrapinghub dev: a news page's newsletter box, then a box its scripts fill in showing
    # "Loading content ..." in the HTML: the placeholder was kept as a sentence and ended
    # the backward search for the sign-off, so both closed the story.
    pitch = "Sign up to our newsletter for exclusive updates and enhanced content"
    source = _story("".join(f"<p>{text}</p>" for text in POST) + f"<div><p>{pitch}</p></div>"
                    "<div class='box'><div>Loading content ...</div></div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get("Loading content ...") == "placeholder"
    assert rules.get(pitch) == "call-to-action"


def test_a_slideshows_position_under_its_picture_is_removed():
    # scrapinghub and dragnet dev: "1 of 6" under a gallery's pictures between a story's
    # paragraphs was kept as a line of the story; "Image 2 of 5", "Slide 1 of 5" alike.
    slides = "".join(f"<div><img src='p{i}.jpg'><div>{label}</div></div>"
                     for i, label in enumerate(("1 of 3", "Image 2 of 3", "Slide 3 of 3")))
    source = _story("".join(f"<p>{text}</p>" for text in POST[:2]) + slides +
                    "".join(f"<p>{text}</p>" for text in POST[2:]))
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert all(rules.get(label) == "gallery-counter"
               for label in ("1 of 3", "Image 2 of 3", "Slide 3 of 3"))


def test_a_widgets_stand_in_naming_what_it_needs_is_removed():
    # scrapinghub and dragnet dev: a slideshow's "This slideshow requires JavaScript." and
    # a video's "Get the Flash Player to see this player." between a story's paragraphs
    # were kept as its sentences; no gold of the four sets keeps such a line.
    notices = ("This slideshow requires JavaScript.", "Get the Flash Player to see this player.")
    source = _story(f"<p>{POST[0]}</p><div class='gallery'><p>{notices[0]}</p></div>"
                    f"<p>{POST[1]}</p><div id='player'><p>{notices[1]}</p></div>" +
                    "".join(f"<p>{text}</p>" for text in POST[2:]))
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert all(rules.get(notice) == "script-notice" for notice in notices)


def test_a_copyright_line_written_with_an_at_sign_is_a_legal_notice():
    # scrapinghub dev: "Copyright @ 2019 The New Arab." closing a syndicated story, "@"
    # standing for "©", was kept as its last sentence.
    notice = "Copyright @ 2019 The Daily Paper."
    source = _story("".join(f"<p>{text}</p>" for text in POST) + f"<p>{notice}</p>")
    rules = {r.text: r.rule for r in run(source).removed}
    assert rules.get(notice) == "legal-notice"


def test_a_line_trailing_off_before_removed_links_goes_with_them():
    # scrapinghub dev: "You may also like..." closing a story, over the related stories'
    # links removed for link density, was kept as its last line (its ellipsis read as a
    # sentence's end). A line ending so inside the story, before more of it, stays.
    related = "".join(f"<p><a href='/s{i}'>Another story about somebody famous, part {i}"
                      "</a></p>" for i in range(4))
    pause = "And then it happened..."
    source = _story(f"<p>{POST[0]}</p><p>{pause}</p>" +
                    "".join(f"<p>{text}</p>" for text in POST[1:]) +
                    f"<p>You may also like...</p>{related}")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST) and pause in texts
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get("You may also like...") == "trailing-fragment"


def test_linked_titles_over_their_paragraphs_are_kept():
    # A roundup (or an index read as an article): each entry's linked h3 over its summary
    # paragraph. The titles were removed as link text while their paragraphs stayed.
    from test_extract_html import PROSE
    titles = ["Paper boats for the bath", "A kite from two sticks and a bin bag",
              "Salt dough animals for the windowsill"]
    entries = "".join(f"<div class='entry'><h3><a href='/p/{i}'>{title}</a></h3>"
                      f"<p>Entry {i} of the roundup: what you need, how long it takes, and "
                      f"what to do when it goes wrong halfway through.</p></div>"
                      for i, title in enumerate(titles))
    texts = [b.text for b in run(article(PROSE + entries + PROSE)).blocks]
    assert all(title in texts for title in titles)
    assert "Home" not in texts


def test_an_accordion_marked_as_a_tablist_holds_the_article():
    # wcxb dev: jQuery UI's accordion puts role="tablist" on the box around its headers
    # and their panels, here a podcast's transcript under a one-paragraph summary: the
    # role made the whole transcript chrome, and the summary was the article (F1 0.06).
    transcript = "".join(f"<p>{text}</p>" for text in POST * 2)
    source = _story("<p>What is the best and healthiest way to clean? This episode looks at "
                    "household cleaning products and the research on them.</p>"
                    "<div id='podcast-info' role='tablist'><h3 role='tab'>Transcript</h3>"
                    f"<div role='tabpanel'>{transcript}</div>"
                    "<h3 role='tab'>Sources</h3><div role='tabpanel'><ul><li>"
                    "<a href='/s1'>Source one</a></li></ul></div></div>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in POST)


def test_the_lines_around_an_email_field_are_a_sign_up_box():
    # wcxb dev: a travel site's newsletter box beside the story, its pitch and terms in
    # utility-class divs around an email field, was kept as the story's closing lines.
    terms = "By subscribing to this newsletter, you agree to our terms of service."
    pitch = "A free daily newsletter with the best of travel, destinations and city guides."
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    "<div class='p-4 text-center'><p>Get more travel content</p>"
                    f"<p>{pitch}</p><form><input type='email' placeholder='Your email'>"
                    f"<button>Submit</button></form><p>{terms}</p></div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST)
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get(terms) == "sign-up-box" and rules.get(pitch) == "sign-up-box"


def test_a_text_field_named_email_is_a_sign_up_box_s_field():
    # dragnet dev R813: a blog's newsletter box after the post, its pitch as a list, its
    # field written before HTML5's email type (<input type="text" name="email">).
    pitch = ("Sign up to the newsletter and you will be able to download the eBook for "
             "free, with tips to improve your blog every week.")
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    "<div><h2>Sign up to the newsletter and get a free eBook</h2>"
                    f"<ul><li>{pitch}</li></ul><form><input type='text' name='name'>"
                    "<input type='text' name='email' value='Email'>"
                    "<input type='submit' value='Sign up'></form></div>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert all(text in texts for text in POST) and pitch not in texts
    assert {r.text: r.rule for r in extraction.removed}.get(pitch) == "sign-up-box"


def test_a_page_that_is_its_sign_up_form_keeps_it():
    pitch = ("Every Friday we send one long letter about the week in science, written by our "
             "editors, with the papers worth reading and the ones worth ignoring.")
    source = _story(f"<div><p>{pitch}</p><form><input type='email'><button>Join</button>"
                    "</form></div>")
    assert pitch in [b.text for b in run(source).blocks]


def test_article_cut_into_chrome_named_sections_is_kept():
    # A guide with a jump menu: each of its sections is a jump target whose class carries
    # "jump" ("guide-jump-section"). No single section holds most of the prose, so none was
    # the article's wrapper, and all of them were removed as chrome around a short intro
    # (F1 0.11).
    topics = ["Storage", "Compute", "Networking", "Security"]
    sections = "".join(
        f"<section id='{topic.lower()}' class='block guide-jump-section'><h2>{topic}</h2>"
        f"<p>{topic} in the cloud is rented by the hour from a provider that runs the "
        "hardware, so a team pays only for what it uses and can grow without buying "
        "machines.</p><p>Providers offer several tiers of it, and the cheaper ones trade "
        f"speed or guarantees for price; teams usually mix them. ({topic})</p></section>"
        for topic in topics)
    jump_menu = "<nav><ul>" + "".join(f"<li><a href='#{t.lower()}'>{t}</a></li>"
                                      for t in topics) + "</ul></nav>"
    source = ("<html><head><title>What is cloud computing? | Guides</title></head><body>"
              + MENU + "<main><h1>What is cloud computing?</h1>" + jump_menu +
              "<div class='intro'><p>Cloud computing is the on-demand availability of computing "
              "resources as services over the internet.</p></div>" + sections +
              "</main></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    for topic in topics:
        assert topic in texts
        assert any(text.endswith(f"mix them. ({topic})") for text in texts)
    assert not any(r.rule == "chrome" and "mix them" in r.text for r in extraction.removed)


def test_a_table_inside_the_article_is_not_the_whole_article():
    # A guide under its headline and standfirst: paragraphs, a table of providers, and
    # long lists of linked courses between them. The lists cost more than the paragraphs
    # say, so the table alone had the largest sum and was the main content (F1 0.04);
    # the standfirst beside the headline, out-written by the table, ended the search for
    # the article around the headline. The element around the headline holding the table
    # and four times its prose is the article.
    paragraphs = [f"Part {i}: certificates motivate learners to finish their courses, and a "
                  "few universities and platforms still give them away for free, if you know "
                  "where to look and which of them are worth the time it takes." for i in range(8)]
    rows = "".join(f"<tr><td>Provider {i}</td><td>{40 + i} free certificates on data and "
                   "cloud skills</td></tr>" for i in range(6))
    courses = "".join("<ul>" + "".join(f"<li><a href='/c{j}{i}'>Course {j}-{i} on a cloud "
                                       "platform from a provider</a></li>" for i in range(12))
                      + "</ul>" for j in range(6))
    body = "".join(f"<p>{text}</p>" for text in paragraphs[:4]) + \
        f"<div class='box'><table>{rows}</table>{courses}</div>" + \
        "".join(f"<p>{text}</p>" for text in paragraphs[4:])
    source = ("<html><head><title>Massive List of Free Certificates | Guides</title></head>"
              "<body>" + MENU + "<article><header><h1>Massive List of Free Certificates</h1>"
              "<p>The largest list of free certificates, curated for you.</p></header>"
              f"<div class='content'>{body}</div></article></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in paragraphs)


def test_chrome_named_sections_after_an_intro_are_the_article():
    # A product's service page: a banner's intro of a few paragraphs, then its sections,
    # each a scroll-spy target (class "... lm_navSource"). Coming after the intro's
    # paragraphs they were taken for teaser cards below a post and removed as chrome
    # (F1 0.30); teaser cards open with a headline link, these with their headings.
    intro = [f"Point {i}: the free edition has no hidden costs and no trial period, and "
             "no credit card is needed to sign up for it." for i in range(4)]
    topics = ["Contacts", "Email", "Workflows", "Reports"]
    sections = "".join(
        f"<div class='{topic.lower()}_section lm_navSource'><h2>{topic}</h2>"
        f"<p>{topic} in the free edition let a small team keep its customers in one place, "
        "follow every conversation and act on it the same day, without a paid plan.</p>"
        f"<p>Each of them works with the mobile app as well, so the team can reach "
        f"customers from anywhere. ({topic})</p></div>" for topic in topics)
    source = ("<html><head><title>Free CRM software | Example</title></head><body>" + MENU +
              "<main><div class='banner'><h1>Free CRM software</h1></div>" +
              "".join(f"<p>{text}</p>" for text in intro) + sections + "</main></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in intro)
    for topic in topics:
        assert any(text.endswith(f"from anywhere. ({topic})") for text in texts)


def test_forum_posts_each_wrapped_in_a_bare_div_are_the_thread():
    # Forum software wraps each post's <article class="post-box"> in a div with only an id
    # (postBoxWrapper123): the bare divs matched nothing as alike siblings, the climb from
    # the longest post found no peers, and that post alone was the thread (recall 0.38).
    texts_in = [*POSTS[:3], " ".join([POSTS[3]] * 4)]
    actions = "".join(f"<li><a href='#{name}'>{name}</a></li>" for name in
                      ("Reply", "Quote", "Report", "Like", "Share", "Bookmark", "Link"))
    posts = "".join(f"<div id='postBoxWrapper{i}'><article class='post-box'>"
                    f"{_card(i).replace('h4', 'div')}<div class='post-body'><p>{text}</p>"
                    f"</div><div class='date'>Mar {i + 1}, 2024</div><ul>{actions}</ul>"
                    f"</article></div>" for i, text in enumerate(texts_in))
    # The thread's title is not the page's (no headline to find the thread around).
    source = ("<html><head><title>Town forum: topic 4521</title></head><body>"
              + MENU + f"<main><h1>Flood shelter questions</h1><div id='replies'>{posts}"
              "</div></main></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in texts_in)


def test_a_one_line_post_is_the_article_however_long_its_comments_run():
    # A blog's one-line announcement, then fifty comments, each under its number, name and
    # permalinked date: those lines cost the post's element more than its comments' prose
    # is worth, so the longest comment alone won and was the main content (F1 0). A
    # reader's comment answers the post it sits under: the post the markup declares
    # around the comment list is the article.
    line = "Max Newport. Born last Tuesday. Future study hacker."
    thanks = ("Congratulations to the three of you! I have read this blog for years and it "
              "is wonderful news to wake up to.")
    comments = "".join(
        f"<li class='{'alt' if i % 2 else ''}' id='comment-{i}'><div class='commentname'>"
        f"<div class='commentcount'>{i}</div><cite>Reader {i}</cite><br><small "
        f"class='commentmetadata'><a href='#comment-{i}'>November 8th, 2012 at 9:{i:02d} pm"
        f"</a></small></div><div class='commentext'><p>{thanks}</p>"
        + (f"<p>{thanks * 4}</p>" if i == 30 else "") + "</div></li>" for i in range(50))
    source = ("<html><head><title>Study Notes - Decoding Patterns of Learning</title></head>"
              "<body>" + MENU + "<div id='content'><div class='post' id='post-2567'>"
              "<h2><a href='/my-new-project'>My New Project</a></h2><span class='post-cat'>"
              "<a href='/c'>Uncategorized</a></span><span class='post-author'><a href='/a'>"
              "Study Notes</a></span><span class='post-calendar'>November 7th. 2012</span>"
              f"<div class='post-content'><p>{line}</p></div>"
              "<h3 id='comments'>50 Responses to “My New Project”</h3>"
              f"<ul class='commentlist'>{comments}</ul></div></div></body></html>")
    extraction = run(source)
    texts = [b.text for b in extraction.blocks]
    assert line in texts
    assert not any(t.startswith("Congratulations") for t in texts)


def test_a_list_of_links_opening_a_posts_body_is_what_the_post_says():
    # A link roundup: the entry's content is a list of the day's linked reads, then one
    # paragraph. The items are mostly link text, with no words of their own and no intro
    # ending in a colon, so all were removed for link density (recall 0.22; readability
    # and trafilatura keep them). Opening the post's declared body they are its content;
    # a list of related stories after the paragraphs stays removed.
    picks = ["Flooding forces a hospital evacuation", "Skepticism about paying for performance",
             "Technology and healthcare spending.", "The dual causes of debt after an illness."]
    related = ["Last week's reading list", "The reading list before that one"]
    items = "".join(f"<li><a href='/p{i}'>{text}</a></li>" for i, text in enumerate(picks))
    after = "".join(f"<li><a href='/r{i}'>{text}</a></li>" for i, text in enumerate(related))
    plus = ("Plus, a colleague at the returns blog makes his hosting debut this week, with a "
            "carnival of the best posts on risk.")
    source = ("<html><head><title>Reading to battle the storm blues | Economist Blog</title>"
              "</head><body>" + MENU + "<div id='content'><div class='post hentry'>"
              "<h2>Reading to battle the storm blues</h2><div class='meta'>By Jason, Oct 31"
              f"</div><div class='entry'><ul>{items}</ul><p>{plus}</p><ul>{after}</ul></div>"
              "</div></div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert plus in texts and all(text in texts for text in picks)
    assert not any(text in texts for text in related)


def test_a_list_opening_the_article_keeps_its_first_short_items():
    # A list read as one unit: its first items, short and without a full stop, sat before
    # the article's first sentence and were trimmed as leading fragments, while the
    # list's later items were kept as the article's (scrapinghub dev: a permit guide's
    # first document, F1 0.95).
    items = ["Passport", "Proof of address",
             "A birth certificate, or a court order if your name has changed since birth.",
             "Two photos taken in the last month, in colour, against a plain background."]
    body = "<ul>" + "".join(f"<li>{text}</li>" for text in items) + "</ul>" + PROSE
    texts = [b.text for b in run(article(body, "What to bring to the permit office")).blocks]
    assert all(text in texts for text in items)


def test_short_post_opening_with_a_linked_dek_is_no_listing():
    # A short post whose body opens with a linked dek ("Very brief fairy tales ...", to the
    # series' page), then "Recently Cataloged" teasers out-writing it: the dek made the
    # post's body one more entry card, so the page read as a listing of seven entries with
    # 62 characters of prose outside them and kept every teaser (precision 0.32). The
    # article reading found the post the headline heads, which a listing has no use for.
    items = "".join(f"<li class='grid'><a href='/p{i}'><img src='/t{i}.jpg' alt=''></a>"
                    f"<h3><a href='/p{i}'>Another story about somebody famous, part {i}</a>"
                    f"</h3><div class='excerpt'><p>{POST[i % 4]} ({i})</p></div></li>"
                    for i in range(5))
    source = ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" +
              MENU + "<div id='page'><div class='post hentry'><div class='head'>"
              "<h1>Ritchson cast as Gloss</h1></div><div class='body'>"
              "<div><a href='/series'>Casting news for the sequel, in brief.</a></div>"
              f"<p>{POST[0]}</p><p>{POST[3]}</p></div></div>"
              f"<div class='recent'><h4>Recently Cataloged</h4><ul>{items}</ul></div>"
              "</div></body></html>")
    extraction = run(source)
    kind = next(t for t in extraction.transforms if t.name == "page-kind")
    texts = [b.text for b in extraction.blocks]
    assert kind.detail == "article"
    assert POST[0] in texts and POST[3] in texts
    assert not any(t.endswith(")") for t in texts)


def test_numbered_lines_of_links_after_the_post_are_its_picks():
    # A blog's wallpaper picks set as "1. <a>Owls Of The British Isles Wallpaper</a><br>2.
    # ..." in one <p> after the post's paragraphs: mostly link text, so it was removed for
    # link density (recall 0.71), while a list of the same links is kept as the roundup.
    picks = "<br>".join(f"{i}. <a href='/shop/{i}'>Floral wallpaper number {i} by Sanderson</a>"
                        for i in range(1, 6))
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<p>From left to right:</p><p>{picks}</p>")
    texts = [b.text for b in run(source).blocks]
    assert any(t.startswith("1. Floral wallpaper number 1") and "5. Floral" in t for t in texts)


def test_numbered_lines_need_the_post_before_them():
    # The same numbered links with no paragraph of the post before them in their parent
    # (a "most read" box of its own) stay out.
    picks = "<br>".join(f"{i}. <a href='/shop/{i}'>Floral wallpaper number {i} by Sanderson</a>"
                        for i in range(1, 6))
    source = _story("".join(f"<p>{text}</p>" for text in POST) +
                    f"<div class='box'><p>{picks}</p></div>")
    assert not any(b.text.startswith("1. Floral") for b in run(source).blocks)


def test_a_list_closing_the_article_under_its_heading_is_read_whole():
    # scrapinghub val: a report's closing "Qualified teams" heading and its list, items
    # short and without a full stop, were trimmed as trailing fragments (recall 0.80). A
    # list without links set among the article's paragraphs is the article's; related
    # stories after it are links, and stay removed.
    teams = ["England (Group A): 10th appearance", "Ukraine (Group B): Third appearance",
             "Spain (Group F): 11th appearance"]
    related = "".join(f"<li><a href='/s{i}'>Another match report, part {i}</a></li>"
                      for i in range(4))
    body = (PROSE + "<h3>Qualified teams</h3><ul>" +
            "".join(f"<li>{team}</li>" for team in teams) + f"</ul><ul>{related}</ul>")
    texts = [b.text for b in run(article(body, "Twenty teams have qualified")).blocks]
    assert "Qualified teams" in texts and all(team in texts for team in teams)
    assert not any(text.startswith("Another match report") for text in texts)


def test_the_title_of_a_removed_list_of_links_goes_with_it():
    # scrapinghub dev: a "Trending News" box between a story's paragraphs, its heading and
    # its list of headline links in one parent: the links were removed for link density
    # and the heading was kept, alone, as a line of the story. A heading over a kept list
    # stays.
    trending = "".join(f"<li><a href='/s{i}'>Another story about the weather, part {i}</a>"
                       "</li>" for i in range(5))
    body = (PROSE + f"<div class='box'><h4>Trending News</h4><ul>{trending}</ul></div>" +
            "<p>Volunteers filled sandbags through the afternoon, and the school stayed open "
            "as a shelter until the water went down.</p><h3>What to bring</h3><ul>"
            "<li>Warm clothes and a blanket</li><li>Medicines for three days</li></ul>")
    extraction = run(article(body))
    texts = [b.text for b in extraction.blocks]
    assert "Trending News" not in texts
    assert "What to bring" in texts and "Medicines for three days" in texts
    rules = {r.text: r.rule for r in extraction.removed}
    assert rules.get("Trending News") == "link-density"


@pytest.mark.parametrize("names", ["story-body sidebar-layout", "content-share", "main-widget"])
def test_body_under_a_layout_named_box_beats_the_headline_box_above_it(names):
    # A headline box (the headline, a standfirst, a byline) above the body's own box, whose
    # class names the layout with a chrome word: at the chrome discount the standfirst
    # out-weighed a short body, and it alone was the article.
    standfirst = ("The casting of the second film is complete, and the studio says filming "
                  "starts in the autumn.")
    source = _story("<p class='dek'>" + standfirst + "</p><p class='byline'>By Jo Smith | "
                    "May 3, 2024</p></div><div class='" + names + "'>" +
                    "".join(f"<p>{text}</p>" for text in POST[:3]))
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in POST[:3])


# A column's box beside a one-paragraph post (an about box, a comment policy, a viewing
# options header), its paragraph longer than the post's.
ABOUT_BOX = ("Jo Smith writes about films, casting and the people who make them. She has "
             "reviewed films for twenty years, has written three books about the studios, and "
             "teaches criticism at the local college on Saturdays.")


def titled_box_page(heading: str, box_first: bool) -> str:
    """A one-paragraph post's box and a box of ``heading`` over ``ABOUT_BOX``, side by side
    in one wrapper, in boxes whose classes say nothing."""
    post = f"<div class='k2'><h1>Ritchson cast as Gloss</h1><p>{POST[0]}</p></div>"
    box = f"<div class='k3'><h3>{heading}</h3><p>{ABOUT_BOX}</p></div>"
    return ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" + MENU
            + "<div class='k1'>" + (box + post if box_first else post + box)
            + "</div></body></html>")


@pytest.mark.parametrize("heading", ["About", "Comment policy", "Viewing options"])
def test_a_titled_box_before_the_headline_is_not_the_article(heading):
    # The box comes before the post in the markup; its paragraph out-wrote the post's, and
    # the region grew to hold both.
    extraction = run(titled_box_page(heading, box_first=True))
    texts = [b.text for b in extraction.blocks]
    assert POST[0] in texts and ABOUT_BOX not in texts
    assert any(r.rule == "outside-main-content" and r.text == ABOUT_BOX
               for r in extraction.removed)


def test_the_rest_of_a_post_in_the_box_after_its_opening_is_kept():
    # Movable Type prints a post's opening in div.body and the rest, behind "continue
    # reading" on the front page, in div#more; the related stories below both made their
    # parent weigh less than the opening alone, and the post was cut after it.
    paragraphs = [f"{text} {POST[(i + 1) % 4]}" for i, text in enumerate(POST)]
    related = ("<div class='rel'><h4>Recent Related Entries</h4><ul>" +
               "".join(f"<li><a href='/r{i}'>Another story number {i} about the casting "
                       "and the sequel</a></li>" for i in range(8)) + "</ul></div>")
    source = ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" + MENU
              + "<div class='entry'><h1>Ritchson cast as Gloss</h1><div class='meta'>By Jo "
              "Smith, May 3</div><div class='body'>" +
              "".join(f"<p>{text}</p>" for text in paragraphs[:3]) +
              f"</div><div id='more'><p>---</p><p>{paragraphs[3]}</p></div>"
              f"<p><a href='/fb'>Like</a></p>{related}{related}</div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in paragraphs)
    assert not any(text.startswith("Another story") for text in texts)


def test_a_box_of_links_after_the_post_is_no_rest_of_it():
    # The counterpart: a sign-off box after the body, its lines mostly links to the site's
    # feeds, stays out.
    signoff = ("Get the news via <a href='/rss'>RSS</a>, <a href='/nl'>newsletter</a> and "
               "<a href='/tw'>Twitter</a>. Connect with the <a href='/fb'>Facebook page</a>.")
    related = ("<ul>" + "".join(f"<li><a href='/r{i}'>Another story about the casting of "
                                f"the sequel, part {i}</a></li>" for i in range(8)) + "</ul>")
    source = _story("<div class='body'>" + "".join(f"<p>{text}</p>" for text in POST) +
                    f"</div><div><p>{signoff}</p></div>{related}{related}")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in POST)
    assert not any(text.startswith("Get the news") for text in texts)


def test_a_label_over_a_box_of_removed_links_goes_with_them():
    # wcxb dev (12 pages of several sites): a "More on ..." label in a box of its own right
    # before a box of headline links, both plain ``div`` fields, the links removed for link
    # density and the label kept alone as a line of the article. A label over a box of
    # plain text stays.
    links = "".join(f"<div class='field__item'><a href='/s{i}'>Another story about the "
                    f"weather, part {i}</a></div>" for i in range(5))
    body = (PROSE + "<div>What to bring</div><div><div>Warm clothes and a blanket</div>"
            "<div>Medicines for three days</div><div>A torch and batteries</div></div>"
            "<div class='resources'><div class='field-title'>More on floods</div>"
            f"<div class='field-links'>{links}</div></div>"
            "<p>Volunteers filled sandbags through the afternoon, and the school stayed open "
            "as a shelter until the water went down.</p>")
    extraction = run(article(body))
    texts = [b.text for b in extraction.blocks]
    assert "More on floods" not in texts
    assert "What to bring" in texts and "Medicines for three days" in texts
    assert {r.text: r.rule for r in extraction.removed}.get("More on floods") == "link-density"


def test_an_author_class_around_the_whole_post_does_not_make_its_lines_bylines():
    # dragnet dev R84 (one page): the blog's software names the post's author in a class
    # of the wrapper holding the whole post ("authored-by-..."), so every short line of the
    # post, a list of places one a line, was read as a byline and left out. A byline box
    # inside the post is still one.
    places = ["Belgium", "South Africa", "Italy", "Germany", "Buenos Aires"]
    source = ("<html><head><title>Our world tour</title></head><body>" + MENU +
              "<div class='entry-wrapper authored-by-jane'><h1>Our world tour</h1>"
              "<div class='meta-line'>Posted by Jane</div><div class='body'>" + PROSE +
              "<p>Here are the places we'll visit:</p>" +
              "".join(f"<p>{place}</p>" for place in places) +
              "<p>Sign up soon!</p></div></div></body></html>")
    extraction = run(source)
    kinds = {b.text: b.kind for b in extraction.blocks}
    assert all(kinds.get(place) == "paragraph" for place in places)
    assert kinds.get("Posted by Jane") == "byline"


def test_a_list_typed_one_line_a_paragraph_closes_the_article_whole():
    # dragnet dev R919 (one page): a recipe's ingredients typed one line a ``div``, as its
    # paragraphs are, after the last line long enough to be prose: the rest were trimmed
    # as fragments trailing the article. A sign-off of two such lines, and captions with
    # pictures between them, still go.
    ingredients = ["salt and pepper to taste", "1 large onion", "4 cloves garlic",
                   "1 tsp cumin", "sour cream to garnish"]
    lines = "".join(f"<div class='line'>{text}</div>" for text in
                    ["Ingredients for 4 portions:", "2 tsp vegetable oil",
                     "2 or 3 boneless skinless chicken breasts, about 1 1/4 lbs", *ingredients])
    prose = "".join(f"<div class='line'>{text}</div>" for text in POST)
    texts = [b.text for b in run(article(prose + lines)).blocks]
    assert all(text in texts for text in ingredients)
    signed = "".join(f"<div class='line'>{text}</div>" for text in
                     [*POST, "Twitter: @reporter", "Photos: Jo Smith"])
    texts = [b.text for b in run(article(signed)).blocks]
    assert "Twitter: @reporter" not in texts
    captions = "".join(f"<div class='line'><img src='/p{i}.jpg'></div><div class='line'>"
                       f"{text}</div>" for i, text in enumerate(ingredients))
    texts = [b.text for b in run(article(prose + captions)).blocks]
    assert not any(text in texts for text in ingredients)


def test_a_paragraph_opening_with_a_sentence_before_its_links_is_prose():
    # dragnet dev R442 (one page): a post's last paragraph says something in a whole
    # sentence, then lists earlier posts as links ("... for years. There are no limits
    # that I see: A – B – C"), more link text than words, so it went for link density. A
    # list of links behind a label still goes.
    posts = " – ".join(f"<a href='/p{i}'>An earlier post about flood defences and river "
                       f"levels, part {i}</a>" for i in range(5))
    cited = ("I have written about what towns should do before a flood on this blog for "
             "years. These are the posts I mean: ")
    related = " ".join(f"<a href='/r{i}'>Another story about the weather, part {i}</a>"
                       for i in range(5))
    body = PROSE + f"<p>{cited}{posts}</p><p>Related: {related}</p>"
    texts = [b.text for b in run(article(body)).blocks]
    assert any(text.startswith(cited.strip()) for text in texts)
    assert not any(text.startswith("Related:") for text in texts)


@pytest.mark.parametrize("heading", ["About", "Comment policy", "Viewing options"])
def test_a_titled_box_after_a_one_paragraph_post_is_not_the_article(heading):
    # #14's held-out patterns, the box after the post this time: together they out-weighed
    # the post alone, and the region held both.
    extraction = run(titled_box_page(heading, box_first=False))
    texts = [b.text for b in extraction.blocks]
    assert POST[0] in texts and ABOUT_BOX not in texts and heading not in texts
    assert any(r.rule == "outside-main-content" and r.text == ABOUT_BOX
               for r in extraction.removed)


def test_sections_after_the_opening_paragraph_are_the_article():
    # The counterpart: boxes each opening with a heading after the headline's box are the
    # article's sections when more than one holds prose.
    sections = "".join(f"<div class='k3'><h2>Part {i}</h2><p>{text}</p></div>"
                       for i, text in enumerate(POST[1:3]))
    source = ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" + MENU
              + f"<div class='k1'><div class='k2'><h1>Ritchson cast as Gloss</h1><p>{POST[0]}"
              f"</p></div>{sections}</div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert all(text in texts for text in POST[:3]) and "Part 1" in texts


def _commented_post(comment_heading: str) -> str:
    # A two-paragraph post, then its comments in boxes whose classes say nothing, each a
    # reader's name and date over three paragraphs: together they out-write the post.
    def said(i: int) -> str:
        return (f"Comment number {i} here: I could not agree more with this post, and the "
                f"council should publish the minutes of meeting {i} before the next vote.")
    comments = "".join(f"<div class='q'><div class='q1'><b>Reader {i}</b> <span>May {i + 1}, "
                       f"2024</span></div><div class='q2'><p>{said(i)}</p><p>{said(i + 100)}"
                       f"</p><p>{said(i + 200)}</p></div></div>" for i in range(10))
    return ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" + MENU
            + f"<div class='k1'><div class='k2'><h1>Ritchson cast as Gloss</h1><p>{POST[0]}"
            f"</p><p>{POST[1]}</p></div><h3>{comment_heading}</h3><div class='k4'>{comments}"
            "</div></div></body></html>")


@pytest.mark.parametrize("heading", ["10 comments", "10 Responses to “Ritchson cast as Gloss”",
                                     "3 thoughts on “Ritchson cast as Gloss”", "Comments (10)"])
def test_comments_under_a_heading_counting_them_are_not_the_article(heading):
    # #14: comments in boxes with meaningless class names under a "10 comments" heading
    # were kept after a two-paragraph post. The heading blog software sets over the thread,
    # counting its comments, opens the thread; with --comments they are kept as comments.
    extraction = run(_commented_post(heading))
    texts = [b.text for b in extraction.blocks]
    assert POST[0] in texts and POST[1] in texts
    assert not any(text.startswith(("Comment number", "Reader")) for text in texts)
    assert heading not in texts
    assert any(r.rule == "comment-thread" for r in extraction.removed)
    kept = run(_commented_post(heading), options=ExtractOptions(comments=True)).blocks
    assert any(b.kind == "comment" and b.text.startswith("Comment number 3 ") for b in kept)


def test_a_heading_counting_replies_that_goes_on_is_a_section():
    body = (PROSE + "<h2>10 replies you should never send</h2><p>The first is the reply-all "
            "to a whole company, which everybody reads and nobody forgets.</p>")
    texts = [b.text for b in run(article(body)).blocks]
    assert "10 replies you should never send" in texts
    assert any(text.startswith("The first is the reply-all") for text in texts)


@pytest.mark.parametrize("wrap", ["{}", "<div class='table-wrap'>{}</div>"])
def test_a_short_line_over_a_table_is_its_introduction(wrap):
    # #14: a reference page's one-line intro before its parameter table, in a "widget"
    # box, was trimmed as a leading fragment (short, no full stop): a kicker or a label
    # stands over the headline or the prose, not right over a table.
    rows = "".join(f"<tr><td><code>param{i}</code></td><td>string</td><td>The name of the "
                   f"thing number {i} to use.</td></tr>" for i in range(6))
    table = wrap.format(f"<table><tr><th>Name</th><th>Type</th><th>Description</th></tr>{rows}"
                        "</table>")
    source = ("<html><head><title>create_bucket | API docs</title></head><body>" + MENU +
              "<div class='main'><h1>create_bucket</h1><div class='widget'>"
              f"<p>Creates a bucket</p>{table}</div></div></body></html>")
    texts = [b.text for b in run(source).blocks]
    assert "Creates a bucket" in texts and any(text.startswith("Name\tType") for text in texts)
