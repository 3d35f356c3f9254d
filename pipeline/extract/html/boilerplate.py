"""Boilerplate removal for HTML: a parsed page in, its text blocks marked content or chrome out.

The method, in three passes over an lxml tree (never modified, so source offsets stay valid):

1. ``text_blocks`` walks the tree once, iteratively (10,000-deep markup cannot overflow the
   stack), and cuts it into blocks: the inline text owned by one block-level element, with the
   characters inside links counted apart. Script, style and hidden elements are skipped;
   data tables and ``pre`` are atomic blocks. Each block carries the nearest chrome signal
   above it: an HTML5 chrome element (``nav``, ``aside``, ``footer``, ``form``), an ARIA
   landmark role, or a generic class/id keyword (comment, share, related, nav, ...).
2. ``main_container`` gives every block a weight (non-link prose counts for, link text and
   short fragments count against; prose under a chrome signal or in list items counts less,
   prose inside ``article``/``main`` more) and picks the element whose subtree has the
   largest weight sum: the region that holds the most prose for the least chrome. A chrome
   word on an element holding most of the prose is a layout name, not chrome ("has-sidebar"),
   unless it says comments, dialogs or cookie banners.
3. ``classify`` keeps the region's blocks except: those under chrome *inside* the region,
   link-dense blocks, teaser lists (items opening with a headline link), ``<article>``s
   beside the one holding the headline, ad labels, texts repeated elsewhere, and the short
   fragments before the first / after the last paragraph ("Share this:", tag lists). It
   labels the title, bylines and datelines, and marks the items after a closing
   Notes/References/Sources heading as notes.

No rule names a site: every signal is a tag's semantics, a text statistic or a generic word.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from typing import cast

from lxml import etree

from pipeline.model import PassageKind

SKIP_TAGS = frozenset({"script", "style", "template", "svg", "iframe", "object",
                       "embed", "canvas", "button", "select", "input", "textarea", "head",
                       "link", "meta", "map", "video", "audio", "picture", "source"})
BLOCK_TAGS = frozenset({"html", "body", "article", "main", "section", "div", "p", "h1", "h2",
                        "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                        "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td",
                        "th", "caption", "figure", "figcaption", "header", "footer", "nav",
                        "aside", "form", "address", "center", "fieldset", "details",
                        "summary", "hr", "menu", "hgroup", "dialog", "noscript"})
# Elements that hold one paragraph's text, not a composition of blocks.
# Inline elements that style a run of text (not sub- and superscripts, which stick to
# the word they follow).
STYLED_INLINE_TAGS = frozenset({"span", "a", "b", "strong", "em", "i", "code", "small",
                                "label", "time", "abbr", "mark", "u", "font", "cite", "kbd",
                                "var", "samp", "data", "bdi", "q"})
PARAGRAPH_TAGS = frozenset({"p", "li", "dd", "dt", "blockquote", "pre"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
OWN_KIND: dict[str, PassageKind] = {
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "p": "paragraph", "li": "list_item", "dt": "list_item", "dd": "list_item",
    "blockquote": "quote", "pre": "code", "figcaption": "caption", "caption": "caption",
    "table": "table", "address": "byline"}
# Where a page's own headline never is.
FOOTER_SIGNALS = frozenset({"tag:footer", "tag:nav", "tag:aside", "role:contentinfo",
                            "role:navigation", "class:footer", "class:nav", "class:menu",
                            "class:sidebar", "class:side-bar", "class:breadcrumb"})
# An error page's headline ("404", "Page not found", "Something went wrong").
ERROR_HEADLINE = re.compile(r"\b404\b|not found|(?:does not|doesn't|no longer) exist|"
                            r"went wrong|\berror\b", re.IGNORECASE)
# Classes on <html> and <body> describe the page's state ("cookies-not-set", "has-sidebar").
PAGE_TAGS = frozenset({"html", "body"})
ARTICLE_TAGS = frozenset({"article", "main", "body", "html"})
# Markup in a table that lays a page out rather than holding data (see ``_is_atomic``).
LAYOUT_TAGS = frozenset({"table", "ul", "ol", "h1", "h2", "h3", "blockquote", "section",
                         "article", "form"})
# Blocks that wrap a data cell's text in CMS output, or a column's paragraphs in a layout.
CELL_WRAPPER_TAGS = ("p", "div")
# A paragraph of prose in a cell, not a wrapped value ("4.00", "per kg", "Amazon").
MIN_CELL_PROSE_CHARS = 80
# A cell this long is a column of prose (a forum post beside its author), not a value.
MIN_COLUMN_CHARS = 300
# Blocks a page may say again on purpose: code examples and tables.
REPEATED_KINDS = frozenset({"code", "table"})
# Ids of this many words or more may be a heading's anchor (see _heading_anchor).
MIN_ANCHOR_WORDS = 3
_ANCHOR_WORD = re.compile(r"[a-z0-9]+")
# Elements whose tag says quoted or verbatim text: never a menu, whatever their taxonomy
# words say.
QUOTE_TAGS = frozenset({"blockquote", "pre"})
CHROME_TAGS = frozenset({"nav", "aside", "footer", "form", "menu", "dialog"})
# Not "tablist": accordions (jQuery UI's among them) put it on the box around their headers
# and panels, which can hold the article; a real tab strip adds only its few labels.
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                          "menu", "menubar", "dialog", "alert", "toolbar"})
# Generic words web authors use for page chrome, matched at the start of a class/id token
# ("comment-list", "sharedaddy", "navbar"); never one site's class names. ``chrome_word``
# searches a space and the names: a pattern opening with a character set lets the search
# skip to the characters in it, where one opening with ``(?:^|[^a-z0-9])`` starts a match
# at every character (the walk's search of every block's names took twice as long).
CHROME_WORDS = re.compile(
    r"[^a-z0-9](comment|discuss|disqus|respond|reply|share|sharing|social|sociable|"
    r"related|recommend|more-?stories|read-?more|popular|trending|most-?read|nav|menu|"
    r"breadcrumb|footer|sidebar|side-?bar|widget|promo|advert|ads?(?:[^a-z]|$)|adsense|"
    r"sponsor|banner|cookie|consent|gdpr|newsletter|subscri|signup|sign-up|login|register|"
    r"popup|modal|overlay|masthead|toolbar|pagination|pager|tags?(?:[^a-z]|$)|tagcloud|"
    r"taglist|category|categories|author-?(?:bio|box|info)|about-?the-?author|outbrain|"
    r"taboola|print|rss|skip|jump|donate|donation|feedback|rating|vote|"
    r"prev|next|pagenav|post-?nav|teaser|headlines)")
# Class tokens that mark an element as a post (microformats, CMS post classes): its
# "category-x tag-y" tokens are the post's taxonomy, not chrome.
POST_CLASS = re.compile(r"(?:^|\s)(?:hentry|h-entry|type-post|status-publish|post|article|"
                        r"entry)(?:\s|$)")
# schema.org's properties for a post's body, in microdata.
POST_ITEMPROPS = frozenset({"articleBody", "blogPost"})
# Microformats' class for an entry's content (hAtom ``entry-content``, h-entry ``e-content``):
# a published standard like schema.org's articleBody, so it counts as the article, and it
# outranks a chrome class farther up (Blogger wraps every post in a "widget" div).
ENTRY_CONTENT_CLASSES = frozenset({"entry-content", "e-content"})
# Whole class tokens only: "field-label-hidden" hides a label, not the field. CSS frameworks'
# display:none utilities too (Bootstrap "d-none", Tachyons "dn").
HIDDEN_CLASSES = frozenset({"hidden", "is-hidden", "d-none", "hide", "sr-only",
                            "visually-hidden", "visuallyhidden", "screen-reader-text",
                            "element-invisible", "offscreen", "u-hidden", "dn"})
# Where shops fold a product's details away (see ``product_chrome``), and the dialogs that
# share those words.
FOLD_WORDS = frozenset({"modal", "overlay", "popup", "read-more", "readmore"})
DIALOG_WORDS = re.compile(r"cookie|consent|gdpr|newsletter|subscri|sign-?up|sign-?in|login|"
                          r"register|cart|search|account")
# Utility classes that show a hidden element from some screen width on (Tailwind's
# "hidden lg:flex", Bootstrap's "d-none d-md-block", Tachyons' "dn db-l"): visible on a
# desktop, as archived.
SHOWN_FROM_WIDTH = re.compile(r"(?:^|\s)(?:(?:[a-z0-9]+:|d-[a-z]+-)(?:block|flex|grid|inline|"
                              r"inline-block|inline-flex|table|contents)|"
                              r"(?:db|dib|di|dt|dtc|dit|flex|inline-flex)-(?:ns|m|l))(?:\s|$)")
# Of those, the words a listing's entries carry ("teaser", "promo-card", "read-more").
ENTRY_CHROME_WORDS = frozenset({"tag", "tags", "category", "categories", "teaser", "headlines",
                                "promo", "read-more", "readmore", "rating", "vote"})
# Of those, the words CMSs also put on the article element itself (WordPress post_class).
WEAK_CHROME_WORDS = frozenset({"tag", "tags", "category", "categories", "print", "rating",
                               "vote", "teaser", "headlines", "prev", "next", "feedback"})
# Chrome that can out-write the article (comment threads, cookie and newsletter dialogs):
# never excused as a layout wrapper, however much prose it holds.
NEVER_WRAPPER_WORDS = frozenset({"comment", "discuss", "disqus", "respond", "reply", "cookie",
                                 "consent", "gdpr", "modal", "popup", "overlay", "newsletter",
                                 "subscri"})
# The chrome words that name a box beside the article (sidebars, menus, recommendations);
# "promo", "tags" or "comment" can be on the article or a thread's posts.
SIDE_WORDS = frozenset({"sidebar", "side-bar", "widget", "related", "recommend",
                        "popular", "trending", "most-read", "mostread", "more-stories",
                        "morestories", "nav", "menu", "breadcrumb", "footer", "masthead",
                        "banner", "newsletter", "subscri", "outbrain", "taboola"})
# The chrome words that name a comment thread (kept with the comments option).
COMMENT_WORDS = frozenset({"comment", "discuss", "disqus", "reply"})
CAPTION_WORDS = re.compile(r"(?:^|[^a-z])(caption|credit|photo-?info|image-?info)")
# The same words ending a camelCase class name ("imageEmbedCaption", "photoCredit"), which
# the lowercased class string hides; only at the name's end ("CostCredits" is no credit).
CAMEL_CAPTION_WORDS = re.compile(r"[a-z0-9](?:Caption|Credit|PhotoInfo|ImageInfo)(?:$|[^A-Za-z])")
BYLINE_WORDS = re.compile(r"(?:^|[^a-z])(byline|by-line|author|dateline|posted-?on|"
                          r"published|pubdate|timestamp|entry-?meta|post-?meta|article-?meta|"
                          r"meta-?data|date)")
# "By Ariel Lin", "Von Anna Müller", "Author: ..." — a name follows, so it is capitalised.
BYLINE_TEXT = re.compile(r"^\s*(?i:by|von|par|por|door|di|af|av|de|written by|posted by|"
                         r"autor|author|redacción)\s*[:\-]?\s+[A-ZÀ-Þ]")
# Ad slot labels, in the languages ad networks print them in.
AD_LABEL = re.compile(r"^\s*(advertisement|advertising|advert|ad|sponsored|anzeige|werbung|"
                      r"publicité|publicidad|pubblicità|reklama|реклама|광고|広告)\s*:?\s*$",
                      re.IGNORECASE)
# What a script shows until it fills a box in ("Loading...", "Loading content ...",
# "Loading reviews…"): the box's content never reached the HTML.
LOADING_PLACEHOLDER = re.compile(r"^\s*loading\b[^.!?\n]{0,40}(?:\.\.\.|…)\s*$", re.IGNORECASE)
# A slideshow's position under each picture ("1 of 6", "Image 2 of 5", "Slide 1 of 5").
GALLERY_COUNTER = re.compile(r"^\s*(?:(?:image|photo|picture|slide)s?\s*)?\d+\s+of\s+\d+\s*$",
                             re.IGNORECASE)
# A widget's stand-in saying what it needs ("This slideshow requires JavaScript.", "Get the
# Flash Player to see this player."): the whole block is the notice, no line of the article.
SCRIPT_STAND_IN = re.compile(
    r"^\s*(?:(?:this|the) (?:slideshow|gallery|video|player|media|content|map|form|page)\s+"
    r"requires?\s+(?:javascript|(?:adobe\s+)?flash)|get\s+(?:the\s+)?(?:latest\s+)?"
    r"(?:adobe\s+)?flash\s+player|(?:please\s+)?enable\s+javascript|"
    r"your\s+browser\s+does(?:\s+not|n't)\s+support)\b[^\n]{0,80}$", re.IGNORECASE)
# A shortcode the site's software failed to expand, the whole block: "[button link="..."
# type="big"] Send us your review[/button]" (WordPress, BBCode). Its attributes say it is
# markup, not a bracketed aside in the text.
SHORTCODE = re.compile(r"^\s*\[([a-z][\w-]*)\s+[\w-]+\s*=[^\]]*\].*\[/\1\]\s*$",
                       re.IGNORECASE | re.DOTALL)
# A copyright or rights notice: page furniture on every page of a site, however long the
# legal text around it (a league's trademark paragraph out-wrote a short match report).
LEGAL_NOTICE = re.compile(r"©|\(c\)\s*(?:19|20)\d\d|all rights reserved|"
                          r"copyright\s*(?:(?:\(c\)|@)\s*)?(?:19|20)\d\d", re.IGNORECASE)
# A listing's entry opens with a headline link: a few words at least, unlike a menu item.
MIN_ENTRY_WORDS = 4
# A page is a listing when its entries (headline links and their snippets, read with entries
# as content) hold more text than the prose of the region an article reading picks.
LISTING_SHARE = 2.0
MIN_ENTRIES = 5
CARD_SPREAD = 4.0
CLOCK_TIME = re.compile(r"\b\d{1,2}:\d\d\b")
# A year or a clock time: what datelines are made of.
DATE_TEXT = re.compile(r"\b(19|20)\d\d\b|" + CLOCK_TIME.pattern)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?…。！？:;»\"”’)]\s*$")
ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\s*$")
# "at 11:08 a.m.": the abbreviation ends a clock time, not a sentence.
CLOCK_END = re.compile(r"\d\s*[ap]\.\s?m\.\s*$", re.IGNORECASE)

# A question heading an FAQ's folded answer is a line or two.
MAX_QUESTION_CHARS = 200

# A noscript element with this much text is the page's script-free rendering, not a notice.
MIN_FALLBACK_CHARS = 200
# ... unless it speaks of what needs scripts; a notice that long is followed by a page.
SCRIPT_NOTICE = re.compile(r"javascript|flash|plug-?in|browser", re.IGNORECASE)
MAX_NOTICE_CHARS = 1000

# A page whose chrome-blind reading finds less prose than this has no main content.
MIN_FALLBACK_BODY_CHARS = 200

# Footnote markers are a number, letter or short symbol like "[12]" or "*".
MAX_MARKER_CHARS = 6
NOTE_FRAGMENTS = ("fn", "cite_note", "note", "footnote", "endnote")

# A teaser list: at least three items, nearly all a headline link (a few words at least)
# followed by a summary.
MIN_TEASERS = 3
MIN_INTRO_CHARS = 40
TEASER_SHARE = 0.8
MIN_HEADLINE_CHARS = 20
# How far above a block a teaser card is looked for.
MAX_CARD_DEPTH = 4
# What a teaser may show before its headline link without text: a thumbnail.
THUMBNAIL_TAGS = frozenset({"img", "picture", "figure", "a", "span", "div"})
# "Monday November 18, 2019 7:45 am PST by Joe Rossignol" is eleven words.
MAX_DATELINE_WORDS = 12
# Bylines are a name or two, a role and a date.
MAX_BYLINE_CHARS = 120
# Prose needs a few words to be evidence of an article: shorter blocks are labels and menus.
MIN_PROSE_CHARS = 25
# Above this share of link text a block is a list of links, not prose (jusText uses 0.2-0.33).
MAX_LINK_DENSITY = 0.5
# Pictures a caption can sit under, and how long a caption runs at most.
PICTURE_TAGS = ("img", "picture", "svg", "video")
# Links a hover card holds at least: the term's page and a story or two (``_hover_card``).
MIN_CARD_LINKS = 3
MAX_CAPTION_WORDS = 80
# A paragraph this long is the article's running prose, not a line of metadata beside it.
MIN_PARAGRAPH_CHARS = 80
# A list typed one line a paragraph runs this many lines or more; fewer close a post.
MIN_CLOSING_LINES = 3
# A <p> this long that ends a sentence is prose up to this share of link text.
LINKED_SENTENCE_CHARS = 80
MAX_SENTENCE_LINK_DENSITY = 0.8
# A list is read as one unit: when at least this share of an item's sibling items is kept,
# an item written as a sentence is one of them, however many of its words link.
KEPT_ITEMS_SHARE = 0.5
# Kept paragraphs of sentences a linked <p> needs on each side to be one of the article's.
INLINE_SIDE = 1
# A line opening with its number in a list ("1. ", "2) "): a numbered list set in a <p>
# with line breaks.
NUMBERED_LINE = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*\S")
MIN_NUMBERED_LINES = 3
# A label of a word or two and a colon before a link: "Related:", "Read more:", "Also:".
CALLOUT_LABEL = re.compile(r"^\s*\w+(?:\s+\w+)?\s*:\s")
# A link opening with an imperative sends the reader elsewhere: "Find out ...", "Get it on".
CALL_TO_ACTION = re.compile(r"^\s*(?:find out|learn|see|check out|explore|discover|get|"
                            r"access|read|click|tap|watch|listen|download|shop|buy|order|"
                            r"sign up|subscribe|join|follow|try|view|visit|go to)\b",
                            re.IGNORECASE)
# A sentence asking the reader to subscribe, join or write ends a story as its sign-off, not as
# its text: "Subscribe to our newsletter", "Sign up for free email updates", "Get the day's
# top headlines delivered to your inbox", "Write to Jo at jo@example.com", "If you enjoyed
# this article, enter your email below".
SIGN_OFF = re.compile(r"(?:^|[.!?]\s+)(?:sign[- ]up (?:for|to)\b|subscribe to\b|join (?:our|us)\b|"
                      r"write to \S.*@|get .{0,60}\b(?:in|to) your inbox|"
                      r"if you (?:enjoyed|liked|found) (?:this|my) (?:blog )?"
                      r"(?:article|post|story)\b)", re.IGNORECASE)
# A blog's notices on its comments, printed under the post by the blog software ("You can
# follow any responses to this entry through the RSS 2.0 feed.", "Comments are closed.",
# the comment form's "You may use these HTML tags and attributes: ...").
COMMENT_NOTICE = re.compile(r"^\s*(?:you can (?:follow any responses|leave a response)|"
                            r"you may use these html tags|comments are (?:now )?closed\b|"
                            r"both comments and pings are)", re.IGNORECASE)
# The heading blog software sets over a post's comments, counting them: "10 comments", "12
# Responses to “Title”", "3 thoughts on “Title”", "Comments (4)". A heading that goes on
# otherwise ("10 replies you should never send") is a section of the article.
COMMENT_COUNT = re.compile(r"^\s*(?:(?:\d+|no|one)\s+(?:comments?|responses?|replies|"
                           r"reply|thoughts?)(?:\s+(?:to|on)\s.*)?|"
                           r"comments?\s*[(\[]\d+[)\]])\s*$", re.IGNORECASE | re.DOTALL)
# A newspaper's note on the story's print edition: "A version of this article appeared July
# 24, 2012, on page A2 in the U.S. edition of ...", "A version of this article appears in
# print on ...".
PRINT_EDITION = re.compile(r"^\s*a version of this (?:article|story|review) appear(?:s|ed)\b.*"
                           r"\b(?:edition|in print)\b", re.IGNORECASE)
# An inline font size below the surrounding text's (``_small_print``): a relative one under
# 1 (em, rem, %: 0.85em, 80%) or an absolute one under 13px (10pt): browsers set text at
# 16px, and pages set their fine print at 12px and less. Not the keywords: old blogs set
# their text "small" (13px), as old pages set it in <font size=2>.
SMALL_FONT = re.compile(r"font-size\s*:\s*(?:0*\.\d+\s*r?em|0*\.?\d?\d(?:\.\d+)?\s*%|"
                        r"(?:\d|1[0-2])(?:\.\d+)?\s*px|"
                        r"(?:\d(?:\.\d+)?)\s*pt)", re.IGNORECASE)
# The title of the author's box closing an article: "About the Author", "Written by".
AUTHOR_BOX_TITLE = re.compile(r"^\s*(?:about the (?:author|writer|contributor)s?|written by)"
                              r"\s*:?\s*$", re.IGNORECASE)
# The verbs after the author's name that open a bio: "is a staff writer", "covers PCs".
AUTHOR_BIO_VERBS = (r"(?:is|was|has|had|writes|wrote|covers|reports|lives|joined|works|"
                    r"serves|teaches|holds)")
# What such a box holds at most: a name, a role, a bio of a few sentences, links.
MAX_AUTHOR_BOX_CHARS = 1000
# A sign-off is a line or two; a longer paragraph mentioning a newsletter is the text.
MAX_SIGN_OFF_CHARS = 300
# The text of a box around an email field: a sign-up pitch, not a section of the article.
MAX_SIGN_UP_BOX_CHARS = 600
# A fragment shorter than this with no sentence ending is a label, date or button caption.
SHORT_FRAGMENT_CHARS = 50
# A short <p> sentence needs this much text outside its links to be one, not a link.
MIN_UNLINKED_CHARS = 12
# A sentence's stop, then the next sentence's capital.
OPENED_SENTENCE = re.compile(r"\w[.!?][\"'”’)]*\s+[\"“‘(]?[A-Z]")
# A stop after a word, and the quotes or brackets it closes (American usage sets the stop
# inside the quotes: "... from “Dancing with the Stars.”").
FULL_STOP = re.compile(r"\w[.!?][\"'”’»)\]]*\s*$")
# A <p> of this many words without links is a line of the text, not a label ("Share this").
MIN_LINE_WORDS = 6
# What each chrome-looking fragment costs a candidate region, in characters of prose: enough
# that a menu of twenty items outweighs a short paragraph, not so much that one label
# between two paragraphs splits an article.
FRAGMENT_COST = 12.0
# A fragment without links (a label, an address line, a signature) costs half: menus are
# links, and short posts are full of such lines.
PLAIN_FRAGMENT_COST = 6.0
# Link text counts against a region at this rate per character.
LINK_COST = 1.5
# Link text inside prose costs less: articles link names and sources mid-sentence.
PROSE_LINK_COST = 0.5
# Prose under a chrome signal (a footer blurb, a comment) is weak evidence of the article.
CHROME_PROSE_FACTOR = 0.2
# Teaser lists put prose in list items; articles put it in paragraphs.
LIST_PROSE_FACTOR = 0.5
# HTML5 and schema.org say where the article is; believe them, a little.
ARTICLE_PROSE_FACTOR = 1.5
# What the page's headline is worth to the region holding it, in characters of prose, and
# how much of the page title a heading must repeat to be that headline.
HEADLINE_CREDIT = 150.0
HEADLINE_SHARE = 0.5
# Alike siblings of the winning region whose prose adds up to this share of its own make the
# content a run of posts or entries; a news article's teaser siblings stay well below it.
PEER_SHARE = 0.5
# Climbing from the winner stops at a wrapper holding this much more prose than the winner.
WRAPPER_GROWTH = 1.2
# A box beside a short post out-writes it a little (an author's bio, a profile); a story's
# body column out-writes the standfirst or photo caption by its headline many times.
BESIDE_SHARE = 0.25
# Paragraphs of prose (sentences, not captions or items) that may stand before the article's
# own wrapper (a standfirst, a dateline paragraph); more, and the box holding the rest of the
# prose comes after the story.
MAX_LEAD_PARAGRAPHS = 3
# Headings count slightly for a region so that ties keep the section headings.
HEADING_CREDIT = 5.0
# A chrome-looking element holding at least this share of the main region's prose is the
# article's own wrapper, whatever its class says.
WRAPPER_SHARE = 0.5


@dataclass(slots=True)
class TextBlock:
    """The inline text one block-level element owns (its nested blocks are separate)."""

    element: etree._Element
    kind: PassageKind
    text: str
    link_chars: int
    level: int | None = None
    chrome: str | None = None
    """Why an ancestor looks like chrome (``tag:nav``, ``role:navigation``, ``class:share``)."""
    chrome_owner: etree._Element | None = None
    byline_hint: bool = False
    in_article: bool = False
    """Inside ``article``, ``main``, ``role=main`` or ``itemprop=articleBody``."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """Footnote markers (label, target id) found in this block; their text is left out."""
    weights: dict[bool, float] = field(default_factory=dict, init=False, repr=False,
                                       compare=False)
    """``weight`` of this block, as an article and as a listing reads it, once computed:
    choosing the region asks for it several times per block (``replace`` starts anew)."""
    legal: tuple[re.Match[str] | None] | None = field(default=None, init=False, repr=False,
                                                      compare=False)
    """``LEGAL_NOTICE``'s match in the text, once searched (``legal_notice``)."""

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


@dataclass(frozen=True, slots=True)
class Walk:
    blocks: list[TextBlock]
    hidden: list[tuple[etree._Element, str]]
    """Elements skipped as invisible, with the evidence (their text is recorded as removed)."""


def chrome_signal(element: etree._Element, names: str | None = None,
                  attributes: list[str] | None = None) -> str | None:
    """``tag:x``, ``role:x``, ``attr:data-nosnippet`` or ``class:x`` when the element looks
    like page chrome (``names``: its ``_class_id``, ``attributes``: its attribute names,
    when the caller has them already)."""
    tag = element.tag
    if tag in CHROME_TAGS:
        return f"tag:{tag}"
    if attributes is None:
        attributes = element.keys()
    role = (element.get("role") or "").lower() if "role" in attributes else ""
    if role in CHROME_ROLES:
        return f"role:{role}"
    # The site's own word that search engines must not quote this as the page (cookie
    # boxes, consent settings, shop drawers carry it): never a class name's guess.
    if "data-nosnippet" in attributes:
        return "attr:data-nosnippet"
    if tag in PAGE_TAGS:
        names = ""
    elif names is None:
        names = _class_id(element)
    if names:
        found = chrome_word(names)
        # The anchor test first: most elements have no id, and it answers False for them
        # at once, where the class's own search is a second regex search.
        if (found and _heading_anchor(element)
                and not chrome_word((element.get("class") or "").lower())):
            found = None  # the word is in the id only, and the id is the heading's anchor
        if found:
            word = found.rstrip("-_ ")
            if word in WEAK_CHROME_WORDS and (tag in ARTICLE_TAGS or tag in QUOTE_TAGS
                                              or POST_CLASS.search(names)):
                # WordPress post_class: "category-news tag-china" on the article; a docs
                # page's admonition: <blockquote class="blockquote-tag-note">
                return None
            return f"class:{word}"
    return None


@lru_cache(maxsize=4096)
def chrome_word(names: str) -> str | None:
    """The first ``CHROME_WORDS`` word at the start of a token of ``names``. Cached: pages
    repeat class names (menu items, list entries, cards), and the block walk asks for every
    block's. A name opening with two underscores is a script framework's own (the root
    Next.js renders the whole page into, ``__next``; Gatsby's ``___gatsby``), not a word
    about the element's part of the page."""
    if "__" in names:
        names = " ".join(name for name in names.split() if not name.startswith("__"))
    match = CHROME_WORDS.search(f" {names}")
    return match.group(1) if match else None


def _heading_anchor(element: etree._Element) -> bool:
    """The element's id is its heading's text made an anchor: a heading's own id, or the id
    of a section opening with its heading ("sharing-data-between-components",
    "s-be-careful-with-related-name"); docs pages give every section one. Its words are the
    heading's, not names for page chrome, which ids give in a word or two ("comments",
    "related-posts")."""
    words = _ANCHOR_WORD.findall((element.get("id") or "").lower())
    if len(words) < MIN_ANCHOR_WORDS:
        return False
    heading = element if element.tag in HEADING_TAGS else \
        next(element.iterchildren(etree.Element), None)
    if heading is None or heading.tag not in HEADING_TAGS:
        return False
    said = set(_ANCHOR_WORD.findall(heading.text_content().lower()))
    return 2 * sum(word in said for word in words) >= len(words)


def hidden_signal(element: etree._Element, style: str | None, classes: str | None
                  ) -> str | None:
    """Invisible text: ``display: none`` (schema.org metadata copies, popups) and
    screen-reader-only text ("Skip to content"). The ``hidden`` attribute is not trusted:
    pages hide the rest of an article behind "Read more" that way and scripts reveal it.
    ``style`` and ``classes``: the element's attributes, which the block walk has read."""
    if style and HIDDEN_STYLE.search(style) and not _collapsed_answer(element):
        return "style-hidden"
    if classes and _hiding_classes(classes):
        return "class-hidden"
    return None


@lru_cache(maxsize=4096)
def _hiding_classes(classes: str) -> bool:
    """A class attribute that hides its element on every screen (see ``hidden_signal``).
    Cached: a page repeats its class attributes (three in four on news pages are repeats)."""
    return not HIDDEN_CLASSES.isdisjoint(classes.lower().split()) and \
        not SHOWN_FROM_WIDTH.search(classes)


def _collapsed_answer(element: etree._Element) -> bool:
    """An FAQ's answer, folded under its question until a click: the element right before
    it asks a question ("Is the backpack waterproof?"). Scripts show it; an archive
    keeps it, as it keeps the rest of a page a click reveals."""
    question = element.getprevious()
    while question is not None and not isinstance(question.tag, str):
        question = question.getprevious()  # a comment between question and answer
    if question is None:
        return False
    text = " ".join(question.itertext()).strip()
    return 0 < len(text) <= MAX_QUESTION_CHARS and text.endswith("?")


def _class_id(element: etree._Element) -> str:
    return _names(element.get("class"), element.get("id"))


def _names(classes: str | None, id_: str | None) -> str:
    """An element's class and id, lower-cased, in one string to search."""
    return f"{classes or ''} {id_ or ''}".lower().strip()


def is_note_marker(anchor: etree._Element) -> bool:
    """A footnote reference: ``sup > a[href^=#]``, ``role=doc-noteref`` or a cite_note link."""
    href = anchor.get("href") or ""
    if not href.startswith("#") and "#" not in href:
        return False
    if anchor.get("role") == "doc-noteref":
        return True
    fragment = href.split("#", 1)[1].lower()
    parent = anchor.getparent()
    in_sup = parent is not None and parent.tag == "sup"
    if fragment.startswith(NOTE_FRAGMENTS) != in_sup:
        # One of the two, and the label must be short: its text (an XPath, several times
        # the tests above) is read only for these; most links with a "#" are neither.
        return len(anchor.text_content().strip()) <= MAX_MARKER_CHARS
    return in_sup


class _Run:
    """Text being gathered for one block owner."""

    __slots__ = ("owner", "tag", "kind", "parts", "link_chars", "caption_chars", "notes", "chrome",
                 "chrome_owner", "byline", "in_article")

    def __init__(self, owner: etree._Element, tag: str, kind: PassageKind, chrome: str | None,
                 chrome_owner: etree._Element | None, byline: bool, in_article: bool) -> None:
        self.owner, self.kind = owner, kind
        self.tag = tag  # the owner's: lxml makes a new string at every read
        self.parts: list[str] = []
        self.link_chars = 0
        self.caption_chars = 0
        self.notes: list[tuple[str, str]] = []
        self.chrome, self.chrome_owner, self.byline = chrome, chrome_owner, byline
        self.in_article = in_article

    def add(self, text: str | None, in_link: bool, in_caption: bool = False) -> None:
        if text:
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())
            if in_caption:
                self.caption_chars += len("".join(text.split()))

    def flush(self, out: list[TextBlock]) -> None:
        if not self.parts:  # most runs end empty (a block holding only blocks)
            if self.notes:
                self.notes = []
            return
        text = "".join(self.parts)
        # Most runs that hold something hold only the whitespace between blocks: isspace
        # answers for them without splitting and joining.
        text = "" if text.isspace() else _collapse(text)
        if text:
            level = int(self.tag[1]) if self.tag in HEADING_TAGS else None
            link_chars = min(self.link_chars, len(text))
            kind = self.kind
            # All of its text inside inline caption markup (a photo box's <span
            # class="newsCaption">): the block is the photo's caption.
            if self.caption_chars and kind in ("paragraph", "list_item") and \
                    self.caption_chars >= len("".join(text.split())):
                kind = "caption"
            out.append(TextBlock(self.owner, kind, text, link_chars, level, self.chrome,
                                 self.chrome_owner, self.byline, self.in_article, self.notes))
        self.parts, self.link_chars, self.caption_chars, self.notes = [], 0, 0, []


def _collapse(text: str) -> str:
    if "\n" not in text:
        return " ".join(text.split())
    # Each line's whitespace collapsed, empty lines dropped (map and filter: no Python
    # frame per line).
    return "\n".join(filter(None, map(" ".join, map(str.split, text.split("\n")))))


def text_blocks(root: etree._Element, shown: frozenset[etree._Element] = frozenset()) -> Walk:
    """Cut the tree into text blocks in document order (see the module docstring); the
    elements in ``shown`` are read even if they say they are hidden (``hidden_page``)."""
    blocks: list[TextBlock] = []
    hidden: list[tuple[etree._Element, str]] = []
    runs: list[_Run] = [_Run(root, root.tag, "paragraph", None, None, False, False)]
    page_text: list[int] = []  # the page's text length, counted once if a table asks

    def page_chars() -> int:
        if not page_text:
            page_text.append(len(" ".join(visible_text(root).split())))
        return page_text[0]

    # libxml2 walks the tree (lxml's iterwalk: start events only, so a leaf is visited once;
    # comments and processing instructions, which lxml.html keeps, come for their tails),
    # and ``opened`` holds the elements entered and not yet left, each with how to leave it
    # (None: and end a line of the heading it is in) and the link and caption state around
    # it. An element's parent tells which of them the walk has left: they are left (runs
    # closed, tails added) before it is read. The bottom entry, the root's parent, stays.
    walker = etree.iterwalk(root, events=("start", "comment", "pi"))
    # (The bottom entry's element is None at a document's root: it is never read.)
    opened: list[tuple[etree._Element, bool | None, bool, bool]] = [
        (cast(etree._Element, root.getparent()), False, False, False)]
    in_link = in_caption = False
    for _, element in walker:
        parent = element.getparent()
        while opened[-1][0] is not parent:
            # ``_leave``, written out: every element with children comes here.
            left, mark, in_link, in_caption = opened.pop()
            if runs[-1].owner is left and len(runs) > 1:
                run = runs.pop()
                if run.parts:  # most runs end empty (a block holding only blocks)
                    run.flush(blocks)
            elif mark is None:
                runs[-1].add("\n", False)
            tail = left.tail
            if tail:
                runs[-1].add(tail, in_link, in_caption)
        tag = element.tag  # lxml makes a new string at every read
        if not isinstance(tag, str):
            runs[-1].add(element.tail, in_link, in_caption)
            continue
        if (tag in SKIP_TAGS and not _swallows_page(element)) \
                or (tag == "noscript" and not _is_fallback(element)):
            walker.skip_subtree()
            runs[-1].add(element.tail, in_link, in_caption)
            continue
        # The attribute names, read once: a get costs about as much as this, and most
        # elements lack most of the attributes the walk asks for.
        attributes = element.keys()
        classes = element.get("class") if "class" in attributes else None
        style = element.get("style") if "style" in attributes else None
        reason = hidden_signal(element, style, classes) if (style or classes) and \
            (not shown or element not in shown) else None
        if not reason and tag == "span" and not in_link and len(element) and \
                runs[-1].kind == "paragraph" and _hover_card(element, runs[-1].parts):
            reason = "hover-card"
        if reason:
            walker.skip_subtree()
            hidden.append((element, reason))
            runs[-1].add(element.tail, in_link, in_caption)
            continue
        if tag == "a" and is_note_marker(element):
            walker.skip_subtree()
            label = element.text_content().strip().strip("[]()")
            runs[-1].notes.append((label, (element.get("href") or "").split("#", 1)[1]))
            runs[-1].add(element.tail, in_link, in_caption)
            continue
        if tag == "br":
            walker.skip_subtree()
            runs[-1].add("\n", False)
            runs[-1].add(element.tail, in_link, in_caption)
            continue
        if tag in ("table", "pre") and _is_atomic(element, page_chars):
            walker.skip_subtree()
            _atomic_block(element, runs, blocks, in_link)
            continue
        exit_mark: bool | None = False
        if tag in BLOCK_TAGS:
            if tag == "div" and runs[-1].tag in HEADING_TAGS:
                # A div in a heading (a shop's brand line above the product's name) is
                # a line of the heading, as browsers show it.
                runs[-1].add("\n", False)
                exit_mark = None
            else:
                _open_run(element, tag, classes, attributes, runs, blocks)
        # A heading linking to its own section (docs sites' permalinked headings) is no
        # link elsewhere.
        inner_link = in_link or (tag == "a" and not (
            runs[-1].tag in HEADING_TAGS and (element.get("href") or "").startswith("#")))
        # Block-level caption markup is read by _open_run, inline markup here: a block
        # inside inline markup (a custom element wrapping a section) is its own block.
        inner_caption = tag not in BLOCK_TAGS and (in_caption or (
            (classes or "id" in attributes) and _inline_caption(element, classes, attributes)))
        text = element.text
        if text and tag in STYLED_INLINE_TAGS and _glued(element, text, runs[-1].parts):
            runs[-1].add(" ", False)
        if text:
            runs[-1].add(text, inner_link, inner_caption)
        if len(element):  # most elements have no children
            opened.append((element, exit_mark, in_link, in_caption))
            in_link, in_caption = inner_link, inner_caption
            continue
        # A leaf is left at once (as _leave does, without the call: half the elements).
        if runs[-1].owner is element and len(runs) > 1:
            run = runs.pop()
            if run.parts:
                run.flush(blocks)
        elif exit_mark is None:
            runs[-1].add("\n", False)
        tail = element.tail
        if tail:
            runs[-1].add(tail, in_link, in_caption)
    while len(opened) > 1:
        _leave(*opened.pop(), runs, blocks)
    runs[0].flush(blocks)
    return Walk(blocks, hidden)


def _leave(element: etree._Element, exit_mark: bool | None, in_link: bool, in_caption: bool,
           runs: list[_Run], blocks: list[TextBlock]) -> None:
    """The walk leaves ``element``: only a block's own run has it as owner (the root's run
    stays open to the end); its tail goes on the run around it."""
    if runs[-1].owner is element and len(runs) > 1:
        runs.pop().flush(blocks)
    elif exit_mark is None:
        runs[-1].add("\n", False)  # the end of a div's line in a heading (text_blocks)
    tail = element.tail
    if tail:
        runs[-1].add(tail, in_link, in_caption)


def _hover_card(span: etree._Element, before: list[str]) -> bool:
    """A card that scripts show while the pointer rests on the term before it, set inside
    the sentence (a person's photo, then links to their page and latest stories): inline
    markup after the paragraph's first words (``before``, its text so far), a picture
    before any of its text, then only links, at least ``MIN_CARD_LINKS``. A link around an
    inline picture is one link; a span laying out blocks (a script-built page's card grid)
    is no sentence's."""
    if not any(part.strip() for part in before):
        return False
    for node in span.iter():
        if node.tag in PICTURE_TAGS:
            break
        if isinstance(node.tag, str) and (node.text or "").strip():
            return False
    else:
        return False
    links = 0
    for node in span.iter(etree.Element):
        if node.tag in BLOCK_TAGS:
            return False
        if node.tag == "a":
            links += 1
        elif (node.text or "").strip() and not _in_link(node, span):
            return False
        if node is not span and (node.tail or "").strip() and \
                not _in_link(node.getparent(), span):
            return False
    return links >= MIN_CARD_LINKS


def _in_link(node: etree._Element, top: etree._Element) -> bool:
    """``node`` is an ``a`` or inside one, below ``top``."""
    while node is not None and node is not top:
        if node.tag == "a":
            return True
        node = node.getparent()
    return False


def _glued(element: etree._Element, text: str | None, parts: list[str]) -> bool:
    """Words of two sibling inline elements meeting with no space in the markup: items a
    style sheet sets apart (a field's name and its type in an API reference, a player's
    name and his yards), not halves of one word, which sit in one element or in an
    element and its tail. Single characters are left alone: pages that animate a word
    give each letter its own span. ``text``: the element's own, read by the walk."""
    if not text or len(text) < 2 or not text[0].isalpha() or not parts:
        return False
    last = parts[-1]
    if len(last) < 2 or not last[-2:].isalpha():
        return False
    previous = element.getprevious()
    return previous is not None and previous.tag in STYLED_INLINE_TAGS and not previous.tail


def hidden_page(walk: Walk) -> list[etree._Element]:
    """The hidden elements holding more text than the whole visible page, most first: a page
    that hides its content until its scripts run (``display:none`` on a wrapper, undone by
    an anti-flicker snippet or an app's start-up), unless they say they are chrome (a
    dialog, a menu: a hidden mega-menu out-writes an error page). Text counts as a reader
    sees it, so scripts and styles inside do not."""
    visible = sum(len(block.text) for block in walk.blocks)
    found = []
    for element, _ in walk.hidden:
        if chrome_signal(element):
            continue  # a dialog waiting to be opened, a mega-menu, a form: never the page
        chars = sum(len(block.text) for block in text_blocks(element, frozenset({element})).blocks)
        if chars > max(visible, MIN_FALLBACK_BODY_CHARS):
            found.append((chars, element))
    return [element for _, element in sorted(found, key=lambda item: -item[0])]


def _swallows_page(element: etree._Element) -> bool:
    """A ``button`` holding paragraphs, a ``main`` or an ``article``: libxml2 keeps a button
    that was never closed open to the end of the page, so the page is inside it."""
    return element.tag == "button" and element.find(".//p") is not None and (
        element.find(".//main") is not None or element.find(".//article") is not None
        or len(element.findall(".//p")) >= 3)


def _is_fallback(noscript: etree._Element) -> bool:
    """A ``noscript`` holding the page itself: script-built sites (forums, shops) serve their
    content there for crawlers. Short ones ("enable JavaScript", tracking pixels) are not,
    nor is a longer apology for what needs scripts or a plug-in ("This story contains media
    that requires Adobe Flash and JavaScript ..."), unless a page follows it."""
    chars = 0
    parts = []
    for text in noscript.itertext():
        chars += len(text.strip())
        parts.append(text)
        if chars >= MAX_NOTICE_CHARS:
            return True
    return chars >= MIN_FALLBACK_CHARS and not SCRIPT_NOTICE.search(" ".join(parts))


def _open_run(element: etree._Element, tag: str, classes: str | None, attributes: list[str],
              runs: list[_Run], blocks: list[TextBlock]) -> None:
    parent = runs[-1]
    if parent.parts:
        parent.flush(blocks)
    elif parent.notes:
        parent.notes = []  # as ``flush`` drops them, without its call
    kind = OWN_KIND.get(tag)
    # A <p> in a quote, list item or caption (<figcaption><p>, also wrapped in layout
    # elements: <figcaption><section><div><p>) is part of that.
    if kind is None or (kind == "paragraph" and (parent.kind in ("quote", "list_item")
                                                 or _in_caption_box(parent))):
        kind = parent.kind if parent.owner is not None and parent.kind in (
            "quote", "list_item", "caption", "byline") else "paragraph"
    id_ = element.get("id") if "id" in attributes else None
    names = _names(classes, id_)
    # Classes on <html> and <body> are the page's state ("f_caption_muted_videos_on").
    if kind in ("paragraph", "list_item") and names and tag not in PAGE_TAGS and \
            _caption_markup(classes, id_):
        kind = "caption"
    signal = chrome_signal(element, names, attributes)
    chrome, chrome_owner = (signal, element) if signal else (parent.chrome, parent.chrome_owner)
    if tag == "blockquote" and not signal and _embed_wrapper(element, chrome_owner, chrome):
        chrome, chrome_owner = None, None
    # Both entry-content classes hold "content", as does ``names`` when the class does.
    entry = "content" in names and _is_entry_content(element)
    if entry and not signal and chrome_owner is not None and not _never_wrapper(chrome_owner):
        chrome, chrome_owner = None, None  # the nearer signal wins
    # WordPress post_class puts "author-name" on the post itself, and Blogger groups posts
    # by day in "date-outer" wrappers: taxonomy and layout around the post, not a byline.
    byline = parent.byline or bool(names and _byline_word(names)
                                   and tag not in ARTICLE_TAGS
                                   and not POST_CLASS.search(names)
                                   and not _holds_post(element))
    in_article = parent.in_article or entry or tag in ("article", "main") or \
        ("role" in attributes and element.get("role") == "main") or \
        ("itemprop" in attributes and element.get("itemprop") == "articleBody")
    runs.append(_Run(element, tag, kind, chrome, chrome_owner, byline, in_article))


def _byline_box(element: etree._Element) -> bool:
    """Named for a byline or post metadata, as ``_open_run`` reads the names."""
    names = _names(element.get("class"), element.get("id"))
    return bool(names) and _byline_word(names) and element.tag not in ARTICLE_TAGS and \
        not POST_CLASS.search(names) and not _holds_post(element)


def _without_wrapping_bylines(blocks: list[TextBlock], container: etree._Element,
                              inside: set[etree._Element]) -> list[TextBlock]:
    """The blocks, those in the region no longer hinted bylines when the only byline-named
    element over them is the region or one around it: a byline or a post's metadata sits
    beside or inside the article, and a class that names the post's author on a wrapper
    holding the whole post ("journal-entry-wrapper authored-by-jane") says who wrote it,
    not that its short lines (a list of places, one a line) are bylines."""
    unhinted = list(blocks)
    for index, block in enumerate(blocks):
        if not block.byline_hint or block.element not in inside:
            continue
        node: etree._Element | None = block.element
        while node is not None and node is not container and not _byline_box(node):
            node = node.getparent()
        if node is container:
            unhinted[index] = replace(block, byline_hint=False)
    return unhinted


def _embed_wrapper(quote: etree._Element, owner: etree._Element | None,
                   signal: str | None) -> bool:
    """``owner``, named for sharing ("social-media-embed"), is the quote's parent and holds
    nothing else but scripts: the box a site serves an embedded post in (a tweet's
    ``blockquote`` and its loader script), whose quoted post is the article's, not a share
    bar."""
    if owner is None or quote.getparent() is not owner or \
            signal not in ("class:social", "class:sociable", "class:share", "class:sharing"):
        return False
    if (owner.text or "").strip():
        return False
    return all((child is quote or child.tag in ("script", "noscript"))
               and not (child.tail or "").strip() for child in owner)


def _byline_word(names: str) -> bool:
    """``BYLINE_WORDS`` in an element's class and id. Every match holds one of the pieces
    tested first, which pass over most class names five times faster than the search."""
    return ("date" in names or "author" in names or "meta" in names or "byline" in names
            or "by-line" in names or "posted" in names or "published" in names
            or "timestamp" in names) and BYLINE_WORDS.search(names) is not None


def _in_caption_box(run: _Run) -> bool:
    """Inside a ``figcaption`` or table ``caption``: HTML says so. Elements only named a
    caption may be layout (a post's "tag-tax-credits") or a product's feature tiles."""
    if run.kind != "caption" or run.owner is None:
        return False
    if run.tag in ("figcaption", "caption"):
        return True
    return any(node.tag in ("figcaption", "caption") for node in run.owner.iterancestors()) \
        or _under_its_picture(run.owner)


def _under_its_picture(box: etree._Element) -> bool:
    """A box named a caption that follows a picture, the two alone in their parent, with a
    caption's length of text: the picture's caption laid out as a figure without the
    markup (``<div><div class="m"><picture>...</div><div class="caption"><p>...</div>``).
    A caption-named section beside more than that (a post's "credits") is not one, nor
    text above its picture (a product's feature tiles, "caption" and then the image)."""
    parent = box.getparent()
    if parent is None:
        return False
    children = [child for child in parent if isinstance(child.tag, str)]
    if len(children) != 2 or children[1] is not box:
        return False
    picture = children[0]
    if not (picture.tag in PICTURE_TAGS or next(picture.iter(*PICTURE_TAGS), None) is not None):
        return False
    return len(" ".join(box.itertext()).split()) <= MAX_CAPTION_WORDS


def _inline_caption(element: etree._Element, classes: str | None, attributes: list[str]
                    ) -> bool:
    """``_caption_markup`` of an element whose class and attribute names the walk has read."""
    id_ = element.get("id") if "id" in attributes else None
    return bool(classes or id_) and _caption_markup(classes, id_)


@lru_cache(maxsize=4096)
def _caption_markup(classes: str | None, id_: str | None) -> bool:
    """A class or id naming a caption or credit, also as the end of a camelCase name.
    Cached, as ``chrome_word``: pages repeat their names."""
    names = _names(classes, id_)
    # Every caption word holds one of these: most class names are passed without a search.
    if not names or ("aption" not in names and "redit" not in names and "nfo" not in names):
        return False
    return CAPTION_WORDS.search(names) is not None or CAMEL_CAPTION_WORDS.search(
        f"{classes or ''} {id_ or ''}") is not None


def _holds_post(element: etree._Element) -> bool:
    """A post inside: an ``article``, a post class, an entry's content or an articleBody.
    A post's metadata sits beside or inside the post, never around it."""
    return any(_is_post(node) for node in element.iterdescendants(etree.Element))


def _post_at(element: etree._Element) -> bool:
    """A post at, around or inside the element."""
    return any(_is_post(node) for node in (element, *element.iterancestors())) or \
        _holds_post(element)


def _declared_post_with(region: etree._Element, headline: etree._Element) -> bool:
    """The region is, or sits in, a post the markup declares, and holds the headline."""
    return any(_is_post(node) for node in (region, *region.iterancestors())) and \
        any(node is region for node in headline.iterancestors())


def _is_post(node: etree._Element) -> bool:
    if node.tag == "article" or node.get("itemprop") in POST_ITEMPROPS:
        return True
    classes = node.get("class")
    return bool(classes) and (POST_CLASS.search(classes.lower()) is not None
                              or _is_entry_content(node))


def _child_holding(parent: etree._Element | None, element: etree._Element | None
                   ) -> etree._Element | None:
    """The child of ``parent`` that is ``element`` or holds it; None when ``element`` is not
    under ``parent``."""
    while element is not None and element.getparent() is not parent:
        element = element.getparent()
    return element


def _is_entry_content(element: etree._Element) -> bool:
    classes = element.get("class")
    return bool(classes) and not ENTRY_CONTENT_CLASSES.isdisjoint(classes.lower().split())


def _atomic_block(element: etree._Element, runs: list[_Run], blocks: list[TextBlock],
                  in_link: bool) -> None:
    runs[-1].flush(blocks)
    own = chrome_signal(element)
    signal = own or runs[-1].chrome
    owner = element if own else runs[-1].chrome_owner
    if element.tag == "pre":
        text = element.text_content().strip("\n")
        kind: PassageKind = "code"
    else:
        text = table_text(element)
        kind = "table"
    links = sum(len(a.text_content().strip()) for a in element.iter("a"))
    if text.strip():
        blocks.append(TextBlock(element, kind, text, min(links, len(text)), None, signal,
                                owner, False, runs[-1].in_article, []))
    runs[-1].add(element.tail, in_link)


def _is_atomic(element: etree._Element, page_chars: Callable[[], int]) -> bool:
    """A ``pre``, or a data table: cells hold text, not layout. Layout tables (the old way
    to set a page in columns) nest tables or forms, or hold headings, lists and quotes; a
    ``p`` or ``div`` in a cell is only evidence when the cells hold prose (see
    ``_lays_out_prose``): CMS editors wrap every data cell's text in one."""
    if element.tag == "pre":
        return True
    rows = 0
    widest = 0
    wrapped_cells = False
    for node in element.iter():
        tag = node.tag
        if tag in LAYOUT_TAGS and node is not element:
            return False
        if tag in CELL_WRAPPER_TAGS:
            wrapped_cells = True
        elif tag == "tr":
            rows += 1
            widest = max(widest, sum(1 for c in node if c.tag in ("td", "th")))
    if rows < 1 or widest < 2:
        return False
    return not wrapped_cells or not _lays_out_prose(element, rows, page_chars)


def _lays_out_prose(table: etree._Element, rows: int, page_chars: Callable[[], int]) -> bool:
    """A table whose cells wrap their text in blocks sets out the page when it has one row
    (columns side by side: an admonition's label and its text, a sidebar and the article),
    when a cell holds several paragraphs of prose (an article in a column), or when the
    table holds most of the page's text (the whole page set in one)."""
    if rows < 2:
        return True
    for cell in table.iter("td", "th"):
        paragraphs = 0
        for block in cell.iter(*CELL_WRAPPER_TAGS):
            # Innermost wrappers only: a div around the paragraphs is not one more.
            if next(block.iterdescendants(*CELL_WRAPPER_TAGS), None) is None and \
                    len(" ".join(visible_text(block).split())) >= MIN_CELL_PROSE_CHARS:
                paragraphs += 1
        if paragraphs >= 2 or len(" ".join(visible_text(cell).split())) >= MIN_COLUMN_CHARS:
            return True
    return len(table_text(table)) * 2 >= page_chars()


def table_text(table: etree._Element) -> str:
    """Rows as lines, cells separated by tabs."""
    rows = []
    for row in table.iter("tr"):
        cells = [" ".join(visible_text(c).split()) for c in row if c.tag in ("td", "th")]
        if any(cells):
            rows.append("\t".join(cells))
    return "\n".join(rows)


def visible_text(element: etree._Element) -> str:
    """The element's text without script, style and other non-text content, in document
    order; a block or line break inside it ends a word (a cell's two divs, "4.00" and
    "per kg", read "4.00 per kg")."""
    parts: list[str] = []
    # Entries: an element to read, or a string (a tail or a break) to add when reached.
    stack: list[etree._Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if item.text:
            parts.append(item.text)
        for child in reversed(item):
            if child.tail:
                stack.append(child.tail)
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                continue
            breaks = tag in BLOCK_TAGS or tag == "br"
            if breaks:
                stack.append(" ")
            stack.append(child)
            if breaks:
                stack.append(" ")
    return "".join(parts)


def weight(block: TextBlock, listing: bool = False) -> float:
    """How much this block says "article here" (positive) or "chrome here" (negative).
    On a listing, an entry's headline link is content, not a link to elsewhere."""
    found = block.weights.get(listing)
    if found is None:
        found = block.weights[listing] = _weight(block, listing)
    return found


def _weight(block: TextBlock, listing: bool) -> float:
    if (block.kind == "heading" and not (listing and is_entry_link(block))) or \
            is_defined_term(block):
        return HEADING_CREDIT
    if legal_notice(block):
        return -FRAGMENT_COST
    if listing and is_entry_link(block):
        return float(len(block.text))
    prose = len(block.text) - block.link_chars
    if prose >= MIN_PROSE_CHARS and not is_fragment(block):
        # Links inside sentences are part of prose; they still cost, less than in a menu.
        return prose - PROSE_LINK_COST * block.link_chars
    if not block.link_chars:
        return -PLAIN_FRAGMENT_COST
    return -FRAGMENT_COST - LINK_COST * block.link_chars


def legal_notice(block: TextBlock) -> re.Match[str] | None:
    """A copyright or rights notice in the block's text (searched once: every weighing and
    the verdict ask)."""
    if block.legal is None:
        # Every match holds one of these pieces, lower-cased (no character outside ASCII
        # matches their letters case-insensitively): substring tests are far cheaper than
        # the case-insensitive search, which most blocks need not run.
        text = block.text.lower()
        cued = "©" in text or "(c" in text or "all r" in text or "copy" in text
        block.legal = (LEGAL_NOTICE.search(block.text) if cued else None,)
    return block.legal[0]


def is_defined_term(block: TextBlock) -> bool:
    """A ``dt`` followed by its ``dd``: the term a definition list defines, often a link
    to its own anchor in reference pages ("WebSocket.binaryType"), not a menu item."""
    if block.element.tag != "dt":
        return False
    following = block.element.getnext()
    return following is not None and following.tag == "dd"


def is_entry_link(block: TextBlock) -> bool:
    """A headline link: mostly link text of a few words, outside chrome beside the content
    (a listing's entry title, "Cable TV customer? Channel bloat may cost you $1,600"; not
    "Home", "AI", nor a sidebar's "most read")."""
    return block.link_density > MAX_LINK_DENSITY and listing_chrome(block) is None and \
        len(block.text.split()) >= MIN_ENTRY_WORDS and block.kind not in ("table", "code")


def listing_chrome(block: TextBlock) -> str | None:
    """The block's chrome signal as a listing reads it: the words CMSs put on entries
    ("teaser", "promo", "category-x", "read-more") describe entries there, not chrome."""
    signal = block.chrome
    if signal and signal.startswith("class:") and signal[6:] in ENTRY_CHROME_WORDS:
        return None
    return signal


def product_chrome(block: TextBlock) -> str | None:
    """The block's chrome signal as a product page reads it: shops fold the description,
    the specifications and the size guide into modals, drawers and "read more" toggles,
    so those words are the product's details there, unless the same element names a
    cookie, consent, newsletter or login dialog."""
    signal = block.chrome
    if signal and signal.startswith("class:") and signal[6:] in FOLD_WORDS and \
            block.chrome_owner is not None and \
            not DIALOG_WORDS.search(_class_id(block.chrome_owner)):
        return None
    return signal


def kind_chrome(block: TextBlock, kind: str) -> str | None:
    """The block's chrome signal as a page of ``kind`` reads it."""
    if kind == "listing":
        return listing_chrome(block)
    if kind == "product":
        return product_chrome(block)
    if kind == "forum":
        return forum_chrome(block)
    return block.chrome


def forum_chrome(block: TextBlock) -> str | None:
    """The block's chrome signal as a forum thread reads it: forum software names its
    posts and their container for what they are, comments and replies
    (``js-replyNewMessageContainer``), and on a thread they are the content."""
    signal = block.chrome
    if signal and signal.startswith("class:") and signal[6:] in COMMENT_WORDS:
        return None
    return signal


def region_weight(block: TextBlock, wrappers: set[etree._Element],
                  kind: str = "article") -> float:
    """``weight`` adjusted by where the block sits: prose under chrome counts little, prose
    in list items (teaser lists) less than paragraphs, prose inside article/main more."""
    listing = kind == "listing"
    w = weight(block, listing)
    if w <= 0:
        return w
    chrome = kind_chrome(block, kind)
    if chrome and block.chrome_owner not in wrappers:
        return w * CHROME_PROSE_FACTOR
    if block.kind == "list_item" and not listing and block.element.tag != "dd":
        w *= LIST_PROSE_FACTOR  # a definition's prose is no teaser
    return w * ARTICLE_PROSE_FACTOR if block.in_article else w


@dataclass(frozen=True, slots=True)
class Region:
    """The main content's element, and the signatures (tag, first class) of chrome-named
    elements that are its repeated units (a forum's posts carry ``comment`` classes)."""

    element: etree._Element
    units: frozenset[tuple[object, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class Layout:
    """What every reading of one page's blocks shares, whatever kind it reads them as: the
    elements that hold a block, in document order with their parents, the headline, and the
    prose under each chrome owner with the content wrappers it makes (an article and a
    listing reading of the same page each needed them, and rebuilt them)."""

    elements: list[etree._Element]
    """The elements under the root that are or hold a block's element: the only ones a
    weight sum, a chrome subtree test or a region can reach (the rest of the tree, inline
    markup and empty wrappers, is about half of it)."""
    parents: list[etree._Element | None]
    headline: TextBlock | None
    owner_prose: tuple[dict[etree._Element, float], float]
    wrappers: set[etree._Element]
    chrome_subtrees: dict[frozenset[etree._Element], frozenset[etree._Element]] = \
        field(default_factory=dict)
    """``_chrome_subtrees``' elements by their chrome owners: an article and a listing
    reading often find the same owners, and the walk of the layout is then the same."""


def layout(blocks: list[TextBlock], root: etree._Element, title: str | None = None) -> Layout:
    """The ``Layout`` of ``blocks`` under ``root`` for a page titled ``title``."""
    holding: set[etree._Element] = set()
    for block in blocks:
        node: etree._Element | None = block.element
        while node is not None and node not in holding:  # its ancestors are in already
            holding.add(node)
            node = node.getparent()
    elements = [element for element in root.iter(etree.Element) if element in holding]
    headline = _headline_block(blocks, title)
    owner_prose = _owner_prose(blocks)
    wrappers = _wrappers(*owner_prose, headline)
    if headline is not None:
        prose, total = owner_prose
        wrappers.update(owner for owner, value in prose.items()
                        if value >= WRAPPER_SHARE * total and owner not in wrappers
                        and _body_after_headline(owner, headline, blocks))
    return Layout(elements, [element.getparent() for element in elements], headline,
                  owner_prose, wrappers)


def _body_after_headline(owner: etree._Element, headline: TextBlock,
                         blocks: list[TextBlock]) -> bool:
    """A chrome-named box holding most of the prose is the article's body, not a column
    beside it, when it comes right after the headline's own box (nothing with text between
    them), that box holds at most a standfirst of prose beside the headline, and the box
    holds paragraphs of sentences, not headline links: news templates put the headline,
    standfirst and byline in one box and the body in the next, and name the body's box for
    its layout ("story-body sidebar-layout", "content-share"). A sidebar beside a post
    comes after the post's paragraphs, or is a column of teasers."""
    if owner.tag in CHROME_TAGS or _never_wrapper(owner) or _declared_chrome(owner):
        return False
    box = _child_holding(owner.getparent(), headline.element.getparent())
    if box is None:
        return False
    for sibling in box.itersiblings():
        if sibling is owner:
            break
        if isinstance(sibling.tag, str) and \
                len(sibling.text_content().strip()) >= MIN_PROSE_CHARS:
            return False
    else:
        return False
    in_box = set(box.iter(etree.Element))
    in_owner = set(owner.iter(etree.Element))
    standfirst = sentences = 0
    for block in blocks:
        if block.element in in_box:
            standfirst += block.kind == "paragraph" and weight(block) > 0
        elif block.element in in_owner:
            if is_entry_link(block):
                return False
            sentences += block.kind == "paragraph" and weight(block) > 0 and \
                bool(SENTENCE_END.search(block.text))
    return standfirst <= 1 and sentences >= 2


def main_container(blocks: list[TextBlock], root: etree._Element,
                   title: str | None = None, kind: str = "article",
                   shared: Layout | None = None) -> Region:
    """The element whose subtree has the largest weight sum (ties go to the ancestor),
    widened to its parent when it is one of several alike siblings that all hold prose.
    The heading that repeats the page title counts as some prose: a short post under its
    headline should beat a longer disclaimer box in the sidebar. A page's ``kind`` says
    how to read chrome words (``kind_chrome``); on a listing, headline links are prose.
    ``shared`` is ``layout(blocks, root, title)`` when the caller reads the page twice."""
    if shared is None:
        shared = layout(blocks, root, title)
    sums: dict[etree._Element, float] = {}
    prose: dict[etree._Element, float] = {}
    headline = shared.headline
    wrappers = shared.wrappers
    for block in blocks:
        value = region_weight(block, wrappers, kind)
        if block is headline:
            value = max(value, 0.0) + HEADLINE_CREDIT
        sums[block.element] = sums.get(block.element, 0.0) + value
        if value > 0 and block.kind != "heading":
            prose[block.element] = prose.get(block.element, 0.0) + value
    elements = shared.elements
    # Children before parents: one pass sums subtrees.
    for element, parent in zip(reversed(elements), reversed(shared.parents)):
        if parent is None:
            continue
        total = sums.get(element)
        if total is not None:
            sums[parent] = sums.get(parent, 0.0) + total
        total = prose.get(element)
        if total is not None:
            prose[parent] = prose.get(parent, 0.0) + total
    best, best_sum = root, float("-inf")
    in_chrome = _chrome_subtrees(blocks, shared, prose)
    boxed = _boxed_prose(blocks, in_chrome, wrappers, kind)
    for element in elements:
        total = sums.get(element)
        # A box the page hides (a build stamp in a ``hidden`` div) is never the main
        # content itself; its text may still be kept inside a shown region.
        if total is None or total <= best_sum or element in in_chrome \
                or element.get("hidden") is not None:
            continue
        # A region needs prose of its own, outside the chrome beside the article: a footer's
        # wrapper is chrome however much its privacy-policy dialog holds, and with the
        # headline's credit the headline's own header must not win without prose.
        own = prose.get(element, 0.0) - boxed.get(element, 0.0)
        if own >= MIN_PROSE_CHARS or (headline is None and element not in boxed):
            best, best_sum = element, total
    if best_sum == float("-inf"):
        return Region(root)
    if kind not in ("listing", "forum"):
        best = _post_around_comment(best, blocks, headline, in_chrome)
    region = _widen_to_peers(_paragraphs_holder(best, prose, root), prose, root)
    if region.units or not blocks:
        return _comments_after_article(region, blocks)
    # A listing's entries and a thread's posts are not one article under its headline.
    if kind not in ("listing", "forum"):
        region = _under_headline(region, blocks, headline, wrappers, in_chrome, prose)
        region = _around_headline(region, blocks, headline, wrappers, title)
        region = _without_titled_box_after(region, blocks, headline)
    # The region may have won with the headline's credit before any climb from a post:
    # look for repeated chrome-named units above the richest prose block instead.
    richest = max(blocks, key=lambda b: prose.get(b.element, 0.0)).element
    inside = region.element
    node, units = richest, set()
    while node is not inside and node.getparent() is not None:
        if (chrome_signal(node) or "").startswith("class:"):
            units.add(_signature(node))
        if units and peer_prose(node, prose) >= PEER_SHARE * prose.get(node, 0.0):
            return _comments_after_article(Region(inside, frozenset(units)), blocks)
        node = node.getparent()
    return region


def _post_around_comment(best: etree._Element, blocks: list[TextBlock],
                         headline: TextBlock | None, in_chrome: frozenset[etree._Element]
                         ) -> etree._Element:
    """A reader's comment can out-write a short post (a one-line announcement over a
    hundred congratulations), but it answers the post, and is not the article: when the
    best element is in a comment-named box that does not hold the headline, the nearest
    post around the comments (an ``article``, a post class) holding prose outside chrome
    is the article instead. Only a post the markup declares: a forum's page wrapper
    around its messages is no post, and its messages stay the content."""
    above_headline = set(headline.element.iterancestors()) if headline is not None else set()
    outermost = None
    for node in (best, *best.iterancestors()):
        if node in above_headline:
            break
        signal = chrome_signal(node) or ""
        if signal.startswith("class:") and signal[6:] in COMMENT_WORDS:
            outermost = node
    if outermost is None:
        return best
    post_prose: dict[etree._Element, float] = {}
    for block in blocks:
        if block.chrome is None and block.kind != "heading" and weight(block) > 0:
            for node in block.element.iterancestors():
                post_prose[node] = post_prose.get(node, 0.0) + weight(block)
    for node in outermost.iterancestors():
        if node.tag in PAGE_TAGS or node in in_chrome:
            return best
        if _is_post(node) and post_prose.get(node, 0.0) >= MIN_PROSE_CHARS:
            return node
    return best


def _under_headline(region: Region, blocks: list[TextBlock], headline: TextBlock | None,
                    wrappers: set[etree._Element], in_chrome: frozenset[etree._Element],
                    prose: dict[etree._Element, float]) -> Region:
    """A short post under its headline loses to a longer box beside it (the author's bio,
    the blogger's profile) when its share buttons and meta lines cost more than its few
    sentences say. The nearest element around the headline holding prose outside chrome
    is the article instead, unless the region holds it, or the region out-writes it many
    times (the body beside a standfirst or a photo caption under the headline: the search
    goes on outward). An element around both the headline and the region is the article
    when the region holds only a small part of its prose (a table in the guide won alone,
    the lists of links between the guide's paragraphs costing more than they say), and
    otherwise the region is (a headline above the body's own column)."""
    if headline is None or headline.chrome:
        return region
    above = list(headline.element.iterancestors())
    rank = {node: i for i, node in enumerate(above)}
    if region.element in rank:
        return region
    for node in (region.element, *region.element.iterancestors()):
        parent = node.getparent()
        if node in wrappers and node not in rank and parent is not None:
            # The body's box after the headline's (``_body_after_headline``): the
            # article is both boxes, however much the standfirst says.
            return Region(parent)
    held = [0.0] * len(above)  # prose whose nearest ancestor among ``above`` this is
    for block in blocks:
        if block.chrome or block.kind == "heading":
            continue
        value = region_weight(block, wrappers)
        if value <= 0:
            continue
        for node in (block.element, *block.element.iterancestors()):
            i = rank.get(node)
            if i is not None:
                held[i] += value
                break
    total = 0.0
    around_region = set(region.element.iterancestors())
    for node, value in zip(above, held):
        total += value
        if total < MIN_PROSE_CHARS:
            continue
        if node in in_chrome:
            return region
        if node in around_region:
            return Region(node) if prose.get(region.element, 0.0) < BESIDE_SHARE * total \
                else region
        if total >= BESIDE_SHARE * prose.get(region.element, 0.0):
            return Region(node)
    return region


def _around_headline(region: Region, blocks: list[TextBlock], headline: TextBlock | None,
                     wrappers: set[etree._Element], title: str | None) -> Region:
    """The article is its headline and the paragraphs under it: when the region also holds
    a column beside them (a blog's boxes of recent posts, an about box, contributors' bios
    adding up to more prose than the column costs), it narrows to the smallest element
    holding both the headline and the element with the most paragraph prose after the
    headline (or before it under a heading of the headline's rank)."""
    if headline is None or headline.chrome:
        return region  # a title in a "popular stories" box is no anchor for the article
    inside = set(region.element.iter(etree.Element))
    if headline.element not in inside:
        return region
    held: dict[etree._Element, float] = {}
    wanted = _norm(title) if title else ""
    passed = titled = False
    for block in blocks:
        if block is headline:
            passed = True
        elif not passed and block.kind == "heading":
            # Prose before the headline is the article's only under a heading that ranks
            # with it or repeats the page title (the headline found may be a recipe's or
            # a gallery's repeat of it); a box of its own before the article ("About",
            # "Comment policy", "Viewing options") is a column beside it.
            text = _norm(block.text)
            titled = bool(text) and (text in wanted or
                                     (block.level or 9) <= (headline.level or 9))
        if not (block.kind == "paragraph" or block.element.tag == "p") or \
                block.element not in inside or not (passed or titled):
            continue
        w = region_weight(block, wrappers)
        if w > 0:
            holder = block.element.getparent() if block.element.tag == "p" else block.element
            if holder is not None:
                held[holder] = held.get(holder, 0.0) + w
    if not held:
        return region
    core = max(held, key=lambda e: held[e])
    above_core = {core, *core.iterancestors()}
    for node in (headline.element, *headline.element.iterancestors()):
        if node is region.element:
            return region
        if node in above_core:
            return Region(node, region.units)
    return region


def _without_titled_box_after(region: Region, blocks: list[TextBlock],
                              headline: TextBlock | None) -> Region:
    """A short post's box (its headline and its paragraphs) followed in the region by one
    box of its own title and a paragraph (an about box, a comment policy) is the article:
    the titled box is a column beside the post, as it is when it comes before it, or
    after the region (``_continuation``). An article cut into sections has a section
    after another, or its headline in a ``header`` of its own; this narrows only when one
    box with prose follows, and the post's box holds a paragraph of sentences."""
    if headline is None or headline.chrome:
        return region
    top = region.element
    box = _child_holding(top, headline.element)
    if box is None or box is headline.element or box.tag in ("header", "hgroup"):
        return region
    after = [node for node in box.itersiblings() if isinstance(node.tag, str)]
    position = {node: i for i, node in enumerate(after)}
    in_box = set(box.iter(etree.Element))
    post = 0
    held: dict[int, list[TextBlock]] = {}
    for block in blocks:
        if block.element in in_box:
            post += block.kind == "paragraph" and len(block.text) >= MIN_PARAGRAPH_CHARS \
                and FULL_STOP.search(block.text) is not None
            continue
        i = position.get(_child_holding(top, block.element))
        if i is not None:
            held.setdefault(i, []).append(block)
    prosy = [i for i, held_blocks in held.items()
             if any(b.kind == "paragraph" and weight(b) > 0 for b in held_blocks)]
    if not post or len(prosy) != 1:
        return region
    titled = [b for b in held[prosy[0]] if weight(b) > 0 or b.kind == "heading"]
    if len(titled) == 2 and titled[0].kind == "heading" and titled[1].kind == "paragraph":
        return Region(box, region.units)
    return region


def _comments_after_article(region: Region, blocks: list[TextBlock]) -> Region:
    """Comment-named units are a thread's posts only when they are the page: a forum
    thread has little prose before its first post. When the region opens with an article
    outside them (a blog post above its comment list) holding half the prose of an
    average unit or more, they are that article's comments and stay chrome."""
    named = {unit for unit in region.units if unit[1] and _comment_word(unit[1])}
    if not named:
        return region
    inside = set(region.element.iter(etree.Element))
    article = 0.0
    unit_prose: dict[etree._Element, float] = {}
    for block in blocks:
        w = weight(block)
        if w <= 0 or block.kind == "heading" or block.element not in inside:
            continue
        unit = next((node for node in _chain(block.element, region.element)
                     if _signature(node) in named), None)
        if unit is not None:
            unit_prose[unit] = unit_prose.get(unit, 0.0) + w
        elif block.chrome is None and not unit_prose:
            article += w
    if unit_prose and article >= PEER_SHARE * sum(unit_prose.values()) / len(unit_prose):
        return Region(region.element, region.units - named)
    return region


def _comment_word(class_token: str) -> bool:
    return chrome_word(class_token) in COMMENT_WORDS


def _chrome_subtrees(blocks: list[TextBlock], shared: Layout,
                     region_prose: dict[etree._Element, float]) -> frozenset[etree._Element]:
    """Elements at or under a chrome owner beside the article: a sidebar of teasers can
    out-write a short post, but the main content is never inside the sidebar. Owners around
    the article (one holding the headline or most of the prose: an ASP.NET page's <form>,
    a "has-sidebar" layout div) do not count, nor do a thread's posts (alike siblings
    holding prose, whatever their class says) or an entry's content (microformats)."""
    prose, total = shared.owner_prose
    headline = shared.headline
    above = set(headline.element.iterancestors()) if headline is not None else set()
    owners = {block.chrome_owner for block in blocks
              if block.chrome_owner is not None and _beside(block.chrome or "")}
    # A box the markup declares beside the article (``aside``, ``nav``, a complementary
    # role) with the page's headline outside it is a sidebar however much it holds: a
    # column of teaser summaries out-writes a short story.
    owners = {owner for owner in owners
              if (prose.get(owner, 0.0) < WRAPPER_SHARE * total
                  or (headline is not None and _declared_chrome(owner)))
              and owner not in above and not _is_unit(owner, region_prose)}
    if not owners:
        return frozenset()
    key = frozenset(owners)
    known = shared.chrome_subtrees.get(key)
    if known is not None:
        return known
    found: set[etree._Element] = set()
    # Parents before children; the layout's parents, not a getparent() call per element.
    for element, parent in zip(shared.elements, shared.parents):
        if element in owners or (parent in found and not _is_entry_content(element)):
            found.add(element)
    known = shared.chrome_subtrees[key] = frozenset(found)
    return known


def _boxed_prose(blocks: list[TextBlock], in_chrome: frozenset[etree._Element],
                 wrappers: set[etree._Element], kind: str) -> dict[etree._Element, float]:
    """Prose weight in chrome subtrees beside the article that the markup declares as such
    (a ``footer``, ``aside`` or ``nav``, a dialog or complementary role), summed for every
    ancestor. Class names do not count here: page builders call the article's own
    columns "widget"."""
    boxed: dict[etree._Element, float] = {}
    for block in blocks:
        if block.element not in in_chrome or block.kind == "heading":
            continue
        value = region_weight(block, wrappers, kind)
        if value > 0 and _declared_chrome(block.element):
            for node in (block.element, *block.element.iterancestors()):
                boxed[node] = boxed.get(node, 0.0) + value
    return boxed


def _declared_chrome(element: etree._Element) -> bool:
    """At or under an element whose tag or ARIA role says page chrome (not a ``form``)."""
    for node in (element, *element.iterancestors()):
        if node.tag in CHROME_TAGS and node.tag != "form" or \
                (node.get("role") or "").lower() in CHROME_ROLES:
            return True
    return False


def _beside(signal: str) -> bool:
    """A chrome signal naming a box beside the article, not words CMSs also put on it."""
    kind, _, name = signal.partition(":")
    return (kind == "tag" and name != "form") or kind == "role" or name in SIDE_WORDS


def _headline_block(blocks: list[TextBlock], title: str | None) -> TextBlock | None:
    """The longest h1-h3 whose text is in the page title and is most of it (the site name
    alone is in the title too, and is short), outside footers and menus (where the site
    name may well be most of a short title)."""
    wanted = _norm(title) if title else ""
    best = None
    for block in blocks:
        if block.kind != "heading" or (block.level or 9) > 3 or \
                block.chrome in FOOTER_SIGNALS:
            continue
        text = _norm(block.text)
        if text and text in wanted and len(text) >= HEADLINE_SHARE * len(wanted) and \
                (best is None or len(text) > len(_norm(best.text))):
            best = block
    return best


def _paragraphs_holder(best: etree._Element, prose: dict[etree._Element, float],
                       root: etree._Element) -> etree._Element:
    """A paragraph is a part of an article, never all of it: when the winner is one and its
    parent holds as much prose or more, the parent is the region. A long paragraph wins
    alone when a link list or a newsletter box below its siblings makes their parent's sum
    negative, or when the lines beside it (a photo credit, a list's introduction) add no
    prose; the blocks around the paragraphs are then judged inside the region (link
    density, trailing fragments), each with its own rule."""
    while best.tag in PARAGRAPH_TAGS and best is not root:
        parent = best.getparent()
        if parent is None or prose.get(parent, 0.0) < prose.get(best, 0.0):
            break
        best = parent
    return best


def _widen_to_peers(best: etree._Element, prose: dict[etree._Element, float],
                    root: etree._Element) -> Region:
    """The posts of a forum thread, the entries of a listing, an essay cut into sections:
    the weight sum picks the single richest one when the chrome between them (user cards,
    dates, vote counts) outweighs the rest. Climb from the winner through wrappers that add
    no prose; if that wrapper has alike siblings (same tag and first class) whose prose
    together is comparable to its own, the content is the whole run of them."""
    own = prose.get(best, 0.0)
    if own <= 0:
        return Region(best)
    node = best
    units = set()
    while True:
        parent = node.getparent()
        if parent is None or node is root:
            return Region(best)
        if (chrome_signal(node) or "").startswith("class:"):
            units.add(_signature(node))
        if peer_prose(node, prose) >= PEER_SHARE * own:
            return Region(parent, frozenset(units))
        if prose.get(parent, 0.0) > WRAPPER_GROWTH * own:
            return Region(best)
        node = parent


def _is_unit(element: etree._Element, prose: dict[etree._Element, float]) -> bool:
    own = prose.get(element, 0.0)
    return own > 0 and peer_prose(element, prose) >= PEER_SHARE * own


def peer_prose(node: etree._Element, prose: dict[etree._Element, float]) -> float:
    """Prose held by ``node``'s siblings of the same tag and first class token (a bare
    ``div`` is like every other bare div: only a class or ``<article>`` makes a unit)."""
    parent = node.getparent()
    signature = _peer_signature(node)
    if parent is None or signature is None:
        return 0.0
    return sum(prose.get(sibling, 0.0) for sibling in parent
               if sibling is not node and _peer_signature(sibling) == signature)


def _peer_signature(node: etree._Element) -> tuple[object, ...] | None:
    """What makes ``node`` alike its siblings: its tag and first class, or, for a bare
    wrapper around one ``<article>``, that article's (forum software wraps each post's
    ``<article class="post-box">`` in a ``div`` with only an id). Bare wrappers around
    other classed boxes are a layout's columns as often as units."""
    signature = _signature(node)
    if signature[1] or node.tag == "article":
        return signature
    children = [child for child in node if isinstance(child.tag, str)]
    if len(children) == 1 and children[0].tag == "article":
        return (node.tag, *_signature(children[0]))
    return None


def _signature(element: etree._Element) -> tuple[object, str]:
    classes = (element.get("class") or "").split()
    return element.tag, classes[0] if classes else ""



def _chain(element: etree._Element, stop: etree._Element) -> list[etree._Element]:
    """``element`` and its ancestors below ``stop``."""
    chain = []
    node: etree._Element | None = element
    while node is not None and node is not stop:
        chain.append(node)
        node = node.getparent()
    return chain


def is_fragment(block: TextBlock) -> bool:
    """Short text with no sentence ending: a label, a date, a button caption."""
    return (block.kind not in ("table", "code") and len(block.text) < SHORT_FRAGMENT_CHARS
            and not SENTENCE_END.search(block.text))


def looks_like_dateline(block: TextBlock) -> bool:
    """"Updated: 19 November 2019, 09:01 AM": a short line with a date or time in it, or
    lines that each are one ("Mon 18 Nov 2019 18.54 GMT / Last modified on ...")."""
    if block.kind == "heading":
        return False
    lines = block.text.splitlines() if len(block.text.split()) > MAX_DATELINE_WORDS else \
        [block.text]
    return all(len(line.split()) <= MAX_DATELINE_WORDS and not _ends_sentence(line) and
               DATE_TEXT.search(line) for line in lines if line.strip())


def _ends_sentence(text: str) -> bool:
    """A sentence's last character ends ``text``; a clock time's "p.m." is no full stop."""
    return bool(SENTENCE_END.search(text)) and not CLOCK_END.search(text)


def looks_like_byline(block: TextBlock) -> bool:
    if len(block.text) > MAX_BYLINE_CHARS or (block.text.rstrip().endswith((".", "!", "?"))
                                              and not CLOCK_END.search(block.text)):
        return False
    return bool(BYLINE_TEXT.match(block.text)) or (block.byline_hint and is_fragment(block))


NOTES_HEADING = re.compile(
    r"^\s*(notes?|end\s?notes|footnotes|references|sources|works cited|bibliography|"
    r"citations|for more information|further reading)"
    r"(?:\s*(?:and|&)\s+(?:notes|references|sources|citations|further reading))?"
    r"(?:,?\s*(?:please\s+)?see(?:\s+also)?)?"
    r"\s*(?:[:.]|\[edit\])?\s*$", re.IGNORECASE)

NOTE_TITLE = re.compile(r"^\s*note\s*:?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What happens to one block: kept as ``kind``, kept as a note, or removed by ``rule``."""

    keep: bool
    kind: PassageKind | None = None
    rule: str = ""
    evidence: str = ""
    note: bool = False
    """An item of an end-of-article notes/references/sources list."""


def classify(blocks: list[TextBlock], region: Region, title: str | None,
             comments: bool = False, kind: str = "article",
             page_title: str | None = None) -> list[Verdict]:
    """One verdict per block (see the module docstring, pass 3); with ``comments``, the
    prose of comment threads is kept as ``comment`` blocks instead of removed. On a
    listing the entries are the content: their headline links, teaser lists and
    ``<article>`` cards are kept; chrome words are read as ``kind_chrome`` says.
    ``page_title`` is the ``<title>`` element's text, when ``title`` is another's."""
    listing = kind == "listing"
    container = region.element
    inside = set(container.iter(etree.Element))
    blocks = _without_wrapping_bylines(blocks, container, inside)
    # No headline test here: inside the chosen region, the article's body wrapper often
    # sits below a header holding the headline ("article-body pagination-first").
    wrappers = {owner for owner in content_wrappers(blocks, container, inside)
                if not _after_the_article(owner, blocks, inside)}
    headline = _headline_block(blocks, title)
    if headline is not None and headline.element in inside:
        wrappers.update(content_wrappers(blocks, container, inside, headline))
    wrappers.update(block.chrome_owner for block in blocks if block.chrome_owner is not None
                    and block.chrome_owner in inside and _signature(block.chrome_owner)
                    in region.units)
    wrappers.update(_chrome_named_sections(blocks, inside))
    # Most blocks lie outside the region and share one verdict, its evidence written once.
    outside = Verdict(False, rule="outside-main-content",
                      evidence=f"main content is {describe(container)}")
    verdicts = [_first_verdict(b, container, wrappers, inside, outside, kind) for b in blocks]
    if kind not in ("listing", "forum"):
        for box in _continuation(blocks, container):
            within = set(box.iter(etree.Element))
            for i, block in enumerate(blocks):
                if block.element in within:
                    verdicts[i] = _first_verdict(block, box, wrappers, within, outside, kind)
    # The <title> element names the post (``title`` may be the site's lone h1).
    own = _headline_block(blocks, page_title) if page_title else headline
    if own is not None and own.element in inside:
        _keep_linked_headline(blocks, verdicts, own)
    lists = _list_items(blocks)
    _keep_linked_items(blocks, verdicts, lists)
    _keep_introduced_lists(blocks, verdicts, lists)
    _keep_annotated_lists(blocks, verdicts, lists)
    _keep_opening_lists(blocks, verdicts, lists)
    _keep_inline_paragraphs(blocks, verdicts)
    _keep_numbered_lines(blocks, verdicts)
    if not listing:
        _drop_other_articles(blocks, verdicts, container, title)
        _drop_teaser_lists(blocks, verdicts)
    _keep_linked_titles(blocks, verdicts)
    _drop_link_list_titles(blocks, verdicts)
    _drop_repeats(blocks, verdicts)
    _mark_notes_lists(blocks, verdicts)
    _drop_sign_up_boxes(blocks, verdicts, container)
    _drop_sign_offs(blocks, verdicts)
    _drop_author_box(blocks, verdicts)
    if kind not in ("listing", "forum"):
        _drop_counted_comments(blocks, verdicts)
    _trim_edges(blocks, verdicts)
    _drop_post_meta(blocks, verdicts)
    _unlabel_bylines_among_paragraphs(blocks, verdicts)
    _label_title(blocks, verdicts, title)
    _captions_as_text(blocks, verdicts)
    if comments:
        _keep_comments(blocks, verdicts)
    return verdicts


def listing_region(blocks: list[TextBlock], root: etree._Element, title: str | None,
                   article: Region, shared: Layout | None = None
                   ) -> tuple[Region | None, str]:
    """The region of a listing's entries, when the page reads as one, and the evidence.
    Read with headline links as content, the winning region must hold ``MIN_ENTRIES``
    entries (a headline link and the rest of its card: the largest element around it
    holding no other headline link), and the cards' text must be ``LISTING_SHARE`` times
    the prose outside them, and than the prose outside them in ``article``, the region an
    article reading picks; the page's headline, if any, must be in the region: an article
    with a few teasers after it, or with a carousel of headlines elsewhere on the page,
    stays an article."""
    if shared is None:
        shared = layout(blocks, root, title)
    region = main_container(blocks, root, title, "listing", shared)
    elements = set(region.element.iter(etree.Element))
    headline = shared.headline
    if headline is not None and headline.element not in elements:
        # A listing's heading sits above its list, outside the list's own container (a
        # category's name over its entries): the entries are read with the nearest element
        # holding both, which must not be the whole page, unless the article reading found a
        # post (a blog post with a column of headline links beside it is a post).
        above = _holding_both(region.element, headline.element)
        if above is None or above.tag in PAGE_TAGS or _post_at(article.element):
            return None, (f"the headline {headline.text[:60]!r} is outside the entries' "
                          f"region {describe(region.element)}")
        region = Region(above, region.units)
        elements = set(above.iter(etree.Element))
    inside = [b for b in blocks if b.element in elements]
    entries = [b for b in inside if is_entry_link(b)]
    if len(entries) < MIN_ENTRIES:
        return None, f"{len(entries)} headline links in {describe(region.element)}"
    links_under: dict[etree._Element, int] = {}
    for block in entries:
        for node in _chain(block.element, region.element):
            links_under[node] = links_under.get(node, 0) + 1
    card_of: dict[etree._Element, etree._Element] = {}
    for block in entries:
        card = block.element
        for node in _chain(block.element, region.element):
            if links_under[node] > 1:
                break
            card = node
        card_of.update((node, card) for node in card.iter(etree.Element))
    held: dict[etree._Element, float] = {}
    for block in inside:
        card = card_of.get(block.element)
        if card is not None and (block.kind != "heading" or is_entry_link(block)):
            held[card] = held.get(card, 0.0) + max(weight(block, True), 0.0)
    # Entries are alike in size: a "card" holding several times what a typical one holds
    # is an article with a link in it (a permalink, a "related" box), not an entry.
    typical = sorted(held.values())[len(held) // 2] if held else 0.0
    held = {card: chars for card, chars in held.items() if chars <= CARD_SPREAD * typical}
    in_cards = {node for node, card in card_of.items() if card in held}
    cards = sum(held.values())
    in_article = set(article.element.iter(etree.Element))
    prose = max(sum(max(weight(b), 0.0) for b in scope if b.element not in in_cards
                    and b.kind != "heading")
                for scope in (inside, [b for b in blocks if b.element in in_article]))
    evidence = (f"{len(entries)} entries holding {cards:.0f} chars in "
                f"{describe(region.element)}, {prose:.0f} chars of prose outside them")
    if cards < LISTING_SHARE * prose:
        return None, evidence
    if region.element.tag in PAGE_TAGS and headline is not None and \
            headline.element in in_article:
        # Entries spread over the whole page, no container of their own, beside an article
        # under the page's headline: they are the site's columns (recent posts, most read)
        # unless they out-write that article's prose in its own region too.
        mine = sum(chars for card, chars in held.items() if card in in_article)
        own = sum(max(weight(b), 0.0) for b in blocks if b.element in in_article
                  and b.element not in in_cards and b.kind != "heading")
        if mine < LISTING_SHARE * own:
            return None, (f"{evidence}; the entries span the page, and the article under "
                          f"the headline holds {own:.0f} chars of prose to their "
                          f"{mine:.0f}")
    if headline is not None and _declared_post_with(article.element, headline.element):
        # The article reading found the post the headline heads (a short post, its body
        # taken for an entry card when it opens with a linked dek): the teasers around it
        # are "recently posted" boxes, not the page's entries.
        return None, (f"{evidence}; the headline {headline.text[:60]!r} heads the post "
                      f"{describe(article.element)}")
    return region, evidence


def body_chars(blocks: list[TextBlock], verdicts: list[Verdict]) -> int:
    """Characters of kept prose: what a reader came for, titles and bylines aside."""
    return sum(len(block.text) for block, verdict in zip(blocks, verdicts)
               if verdict.keep and verdict.kind not in ("title", "heading", "byline")
               and not is_fragment(block))


def thread_post(blocks: list[TextBlock], verdicts: list[Verdict]) -> etree._Element | None:
    """The kept article's post when it is one of a run of alike posts (same tag and first
    class) whose siblings were removed as comments: forum software marks every answer a
    "reply" and the opening post as the same kind of element ("forum-post" and "forum-post
    forum-post-reply"), and on a thread the answers are content. An article and its comment
    section are built from different elements, so a news page's comments stay out."""
    replied: set[etree._Element] = set()
    for block, verdict in zip(blocks, verdicts):
        owner = block.chrome_owner
        if not verdict.keep and owner is not None and block.chrome is not None and \
                block.chrome.startswith("class:") and block.chrome[6:] in COMMENT_WORDS \
                and len(block.text) >= MIN_PROSE_CHARS:
            replied.add(owner)
    if not replied:
        return None
    for block, verdict in zip(blocks, verdicts):
        if not verdict.keep or verdict.kind not in ("paragraph", "list_item") or \
                is_fragment(block):
            continue
        for node in block.element.iterancestors(etree.Element):
            parent = node.getparent()
            if parent is None or not node.get("class"):
                continue
            signature = _signature(node)
            if any(other in replied and _signature(other) == signature
                   for other in parent.iterchildren(etree.Element) if other is not node):
                return node
        break  # the article's first paragraph decides
    return None


def _holding_both(element: etree._Element, other: etree._Element) -> etree._Element | None:
    """The nearest ancestor of ``element`` that holds ``other``."""
    holding = set(other.iterancestors())
    node = element.getparent()
    while node is not None and node not in holding:
        node = node.getparent()
    return node


def holds_prose(blocks: list[TextBlock], verdicts: list[Verdict]) -> bool:
    """Whether a kept block is prose as ``weight`` counts it (a sentence or a line of
    MIN_PROSE_CHARS or more), a table or code, not only labels, prices and buttons."""
    return any(verdict.keep and verdict.kind not in ("title", "heading", "byline") and
               (block.kind in ("table", "code") or (
                   len(block.text) - block.link_chars >= MIN_PROSE_CHARS
                   and not is_fragment(block)))
               for block, verdict in zip(blocks, verdicts))


def titled_prose(blocks: list[TextBlock], verdicts: list[Verdict], title: str | None
                 ) -> bool:
    """Whether the reading keeps the heading the page's ``<title>`` names and, beside it,
    prose as ``holds_prose`` counts it: a reference page of a few short lines and code
    under its own name (a docs page built from "widget" boxes) is short, not empty."""
    wanted = _norm(title) if title else ""
    return bool(wanted) and holds_prose(blocks, verdicts) and any(
        verdict.keep and verdict.kind == "title" and _norm(block.text)
        and _norm(block.text) in wanted and not ERROR_HEADLINE.search(block.text)
        for block, verdict in zip(blocks, verdicts))


def in_page_footer(blocks: list[TextBlock], verdicts: list[Verdict]) -> bool:
    """Whether every kept block of prose sits in the page's footer: a disclaimer or a
    newsletter's pitch closing every page of the site, which a reading falls back to when
    the page's own content is not in its HTML."""
    kept = False
    for block, verdict in zip(blocks, verdicts):
        if verdict.keep and verdict.kind not in ("title", "heading", "byline") and \
                not is_fragment(block):
            if not _page_footer(block.element):
                return False
            kept = True
    return kept


def _page_footer(element: etree._Element) -> bool:
    """Inside a ``footer`` or ``contentinfo`` landmark that is no article's or main
    region's own. Only markup counts: class names say "footer" for layout too
    ("sticky-footer" bars holding a product's reviews, "wsite-not-footer")."""
    found = False
    for node in element.iterancestors(etree.Element):
        role = node.get("role")
        if node.tag in ("article", "main") or role == "main":
            return False
        found = found or node.tag == "footer" or role == "contentinfo"
    return found


def record_run(blocks: list[TextBlock], top: etree._Element
               ) -> tuple[list[etree._Element], str] | None:
    """The records of a page whose content comes in short pieces (a shop's product cards,
    a catalogue's entries: a name, a price, a line of specs), and the evidence: the run of
    ``MIN_ENTRIES`` or more alike siblings (tag and first class) that each hold two or more
    text blocks besides list items, with the most text. A menu's items are list items, and
    the page's own layout columns (children of ``<body>``) are no records. Blocks under
    chrome are no part of any record."""
    held: dict[etree._Element, list[int]] = {}  # blocks besides list items, characters
    runs: dict[tuple[etree._Element, tuple[object, str]], list[etree._Element]] = {}
    for block in blocks:
        if block.chrome:
            continue
        node = block.element
        parent = node.getparent()
        while parent is not None and node is not top:
            counts = held.get(node)
            if counts is None:
                counts = held[node] = [0, 0]
                if parent.tag not in PAGE_TAGS:
                    runs.setdefault((parent, _signature(node)), []).append(node)
            counts[0] += block.kind != "list_item"
            counts[1] += len(block.text)
            node, parent = parent, parent.getparent()
    best: tuple[int, etree._Element, list[etree._Element]] | None = None
    for (parent, _), members in runs.items():
        records = [node for node in members if held[node][0] >= 2]
        chars = sum(held[node][1] for node in records)
        if len(records) >= MIN_ENTRIES and (best is None or chars > best[0]):
            best = (chars, parent, records)
    if best is None:
        return None
    chars, parent, records = best
    return records, (f"{len(records)} alike records of short pieces holding {chars} chars "
                     f"in {describe(parent)}")


def headlined_main(blocks: list[TextBlock]) -> etree._Element | None:
    """The page's declared main region (``<main>``, ``role=main``) when the page's headline,
    an ``h1`` under no chrome, sits in it: the page says where its content is and names it
    (a product's name above its price and sizes, a schedule's title above its games, a link
    post's title in a forum thread). Pages made of short pieces have one."""
    for block in blocks:
        if block.kind == "heading" and block.level == 1 and not block.chrome:
            if ERROR_HEADLINE.search(block.text):
                return None  # "Page not found": the page has no content of its own
            for node in block.element.iterancestors(etree.Element):
                if node.tag == "main" or node.get("role") == "main":
                    return node
    return None


def read_records(blocks: list[TextBlock], records: list[etree._Element], evidence: str,
                 title: str | None) -> list[Verdict]:
    """Verdicts keeping the records' text whole: on such a page a price, a size or a link
    to the item is the content, so neither fragments nor links are removed there; ad labels
    and rights notices are."""
    inside = {node for record in records for node in record.iter(etree.Element)}
    verdicts = []
    for block in blocks:
        if block.element not in inside or block.chrome:
            verdicts.append(Verdict(False, rule="outside-records", evidence=evidence))
        elif AD_LABEL.match(block.text):
            verdicts.append(Verdict(False, rule="ad-label",
                                    evidence="the whole block is an ad label"))
        elif LOADING_PLACEHOLDER.match(block.text):
            verdicts.append(Verdict(False, rule="placeholder",
                                    evidence="a script's loading placeholder"))
        elif legal_notice(block):
            verdicts.append(Verdict(False, rule="legal-notice",
                                    evidence="a copyright or rights notice"))
        else:
            verdicts.append(Verdict(True, block.kind))
    _label_title(blocks, verdicts, title)
    return verdicts


def without_chrome(blocks: list[TextBlock]) -> list[TextBlock]:
    """The blocks as if no class or id said chrome. Tags and roles (``footer``, ``nav``,
    ``dialog``) still do, and so do the words for what can out-write a page: comments,
    cookie and consent dialogs, newsletters."""
    verdict: dict[etree._Element, bool] = {}
    plain = []
    for block in blocks:
        owner = block.chrome_owner
        if owner is not None and owner not in verdict:
            verdict[owner] = not any(_never_wrapper(node) for node in owner.iterancestors()
                                     if chrome_signal(node)) and not _never_wrapper(owner)
        plain.append(replace(block, chrome=None, chrome_owner=None)
                     if owner is not None and verdict[owner] else block)
    return plain


def _drop_counted_comments(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A kept heading counting comments ("10 comments") after kept prose opens the post's
    comment thread: it and what follows it in its parent are the readers' comments, however
    meaningless their boxes' class names (a class saying "comment" makes them chrome
    already). A thread's page is read as a forum, where the posts are the content."""
    seen_prose = False
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if not verdict.keep:
            continue
        if block.kind != "heading":
            seen_prose = seen_prose or (block.kind == "paragraph" and not is_fragment(block))
            continue
        if not seen_prose or not COMMENT_COUNT.match(block.text):
            continue
        parent = block.element.getparent()
        thread = set(parent.iter(etree.Element)) if parent is not None else set()
        for later in range(index, len(blocks)):
            if blocks[later].element in thread and verdicts[later].keep:
                verdicts[later] = Verdict(False, rule="comment-thread",
                                          evidence=f"under {block.text!r}")
        return


def _keep_comments(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """Prose removed only for sitting in a comment thread becomes a ``comment`` block; the
    thread's links, buttons and reply forms stay removed."""
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if verdict.keep or verdict.rule not in ("chrome", "outside-main-content",
                                                "comment-thread"):
            continue
        if verdict.rule != "comment-thread" and \
                (not block.chrome or block.chrome.split(":", 1)[-1] not in COMMENT_WORDS):
            continue
        if block.link_density <= MAX_LINK_DENSITY and not AD_LABEL.match(block.text) and \
                (not is_fragment(block) or looks_like_byline(block)):
            verdicts[index] = Verdict(True, "byline" if looks_like_byline(block) else "comment")


def content_wrappers(blocks: list[TextBlock], container: etree._Element,
                     inside: set[etree._Element] | None = None,
                     headline: TextBlock | None = None) -> set[etree._Element]:
    """Chrome-looking elements that hold most of the container's prose: not chrome at all
    (WordPress puts ``category-news tag-x`` on the article element itself). When the page's
    headline is known, the article's wrapper holds it: a sidebar box that out-writes a
    short post is still a sidebar box."""
    return _wrappers(*_owner_prose(blocks, inside), headline)


def _wrappers(prose: dict[etree._Element, float], total: float,
              headline: TextBlock | None) -> set[etree._Element]:
    above = set(headline.element.iterancestors()) if headline is not None else None
    return {owner for owner, value in prose.items()
            if value >= WRAPPER_SHARE * total and owner.tag not in CHROME_TAGS
            and (above is None or owner in above)
            and (not _never_wrapper(owner) or _holds_headline(owner, above))}


def _chrome_named_sections(blocks: list[TextBlock], inside: set[etree._Element]
                           ) -> set[etree._Element]:
    """Chrome-named boxes sharing one class token that together hold most of the region's
    prose: an article cut into sections whose class carries a chrome word (a jump menu's
    "jump-section" targets, page builders' "widget-container", a scroll-spy's "navSource").
    No single one holds most of the prose (then ``content_wrappers`` keeps that one alone);
    together they are the article, unless they come after its first paragraphs and open
    with a headline link (teaser cards below a post; a service page's sections after its
    intro open with their headings)."""
    prose, total = _owner_prose(blocks, inside)
    groups: dict[tuple[object, str], list[etree._Element]] = {}
    for owner in prose:
        if owner not in inside or _never_wrapper(owner):
            continue
        token = next((token for token in (owner.get("class") or "").lower().split()
                      if chrome_word(token)), None)
        if token is not None:
            groups.setdefault((owner.tag, token), []).append(owner)
    found: set[etree._Element] = set()
    share = WRAPPER_SHARE * total
    for owners in groups.values():
        if len(owners) > 1 and sum(prose[owner] for owner in owners) >= share \
                and all(prose[owner] < share for owner in owners) \
                and not (_after_the_article(owners[0], blocks, inside) and
                         sum(map(_opens_with_link, owners)) >= TEASER_SHARE * len(owners)):
            found.update(owners)
    return found


def _after_the_article(owner: etree._Element, blocks: list[TextBlock],
                       inside: set[etree._Element]) -> bool:
    """A chrome-named box after several paragraphs of the region's sentences outside it: the
    article's wrapper holds where the article begins (a lead paragraph or two may come
    before it), a slideshow or a "related" box after the story does not, however much its
    captions and summaries add up to."""
    before = 0
    for block in blocks:
        if block.chrome_owner is owner:
            return False
        if block.element in inside and block.kind == "paragraph" and weight(block) > 0 \
                and SENTENCE_END.search(block.text):
            before += 1
            if before >= MAX_LEAD_PARAGRAPHS:
                return True
    return False


def _holds_headline(owner: etree._Element, above: set[etree._Element] | None) -> bool:
    """A class-named box around the page's headline and most of the prose is the article,
    whatever the class says: a newsletter sign-up box or a cookie dialog never holds the
    page's headline, a newsletter's own post (``<article class="newsletter-post">``) does."""
    return above is not None and owner in above and \
        (chrome_signal(owner) or "").startswith("class:")


def _owner_prose(blocks: list[TextBlock], inside: set[etree._Element] | None = None
                 ) -> tuple[dict[etree._Element, float], float]:
    """Prose weight under each nearest chrome owner, and in all (of blocks ``inside``)."""
    prose: dict[etree._Element, float] = {}
    total = 0.0
    for block in blocks:
        w = weight(block)
        if w <= 0 or block.kind == "heading" or \
                (inside is not None and block.element not in inside):
            continue
        total += w
        if block.chrome_owner is not None:
            prose[block.chrome_owner] = prose.get(block.chrome_owner, 0.0) + w
    return prose, total


def _never_wrapper(element: etree._Element) -> bool:
    """Tags, roles and some words always mean chrome; other chrome words on an element
    holding most of the prose are layout names ("has-sidebar", "penci_sidebar")."""
    signal = chrome_signal(element) or ""
    return not signal.startswith("class:") or signal.split(":", 1)[-1] in NEVER_WRAPPER_WORDS


def _first_verdict(block: TextBlock, container: etree._Element,
                   wrappers: set[etree._Element], inside: set[etree._Element],
                   outside: Verdict, kind: str = "article") -> Verdict:
    if block.element not in inside:
        return outside
    owner = block.chrome_owner
    chrome = kind_chrome(block, kind)
    listing = kind == "listing"
    if chrome and owner is not None and owner is not container \
            and owner not in wrappers and owner in inside:
        return Verdict(False, rule="chrome", evidence=f"{chrome} on {describe(owner)}")
    if block.link_density > MAX_LINK_DENSITY and not _linked_sentence(block) and \
            not (listing and is_entry_link(block)) and not is_defined_term(block) and \
            not _opens_with_a_sentence(block):
        return Verdict(False, rule="link-density",
                       evidence=f"{block.link_density:.2f} of the text is link text")
    if AD_LABEL.match(block.text):
        return Verdict(False, rule="ad-label", evidence="the whole block is an ad label")
    if LOADING_PLACEHOLDER.match(block.text):
        return Verdict(False, rule="placeholder", evidence="a script's loading placeholder")
    if GALLERY_COUNTER.match(block.text):
        return Verdict(False, rule="gallery-counter", evidence="a slideshow's position")
    if SCRIPT_STAND_IN.match(block.text):
        return Verdict(False, rule="script-notice",
                       evidence="a widget's stand-in naming the script or plug-in it needs")
    if SHORTCODE.match(block.text) and block.kind != "code":
        return Verdict(False, rule="shortcode",
                       evidence="a shortcode the site's software left unexpanded")
    legal = legal_notice(block) if block.kind not in ("table", "code") else None
    if legal:
        return Verdict(False, rule="legal-notice",
                       evidence=f"a copyright or rights notice: {legal.group(0)!r}")
    if (looks_like_byline(block) or looks_like_dateline(block)) and not _in_quote(block):
        return Verdict(True, "byline")
    return Verdict(True, block.kind)


# The rest of a post is running text: a box after it whose text is more links than this
# (a feed, newsletter and sharing sign-off, a list of sources) is not its continuation.
CONTINUED_LINK_SHARE = 0.2


def _continuation(blocks: list[TextBlock], container: etree._Element
                  ) -> list[etree._Element]:
    """Boxes right after the region that go on with its text: blog software prints a post's
    opening in one box and the rest, behind a "continue reading" link on its front page,
    in the next (Movable Type's ``div#more`` after ``div.body``); links to related
    stories below both made their parent weigh less than the opening alone, and the post
    was cut there. A box continues the text when nothing with text lies between, no
    chrome word or tag marks it or anything in it, it opens with no heading of its own (an
    about box, a list of related stories, the comments do), it holds no headline links
    and its prose outweighs its fragments and links. A declared post (``article``, a post
    class, an articleBody) ends where its markup does."""
    if container.tag in PAGE_TAGS or _is_post(container):
        return []
    found: list[etree._Element] = []
    node = container
    while True:
        if (node.tail or "").strip():
            return found
        node = node.getnext()
        while node is not None and (not isinstance(node.tag, str) or node.tag in SKIP_TAGS
                                    or not node.text_content().strip()):
            if (node.tail or "").strip():
                return found
            node = node.getnext()
        if node is None or node.tag in CHROME_TAGS or node.tag in HEADING_TAGS or \
                chrome_signal(node) or _is_post(node):
            return found
        within = set(node.iter(etree.Element))
        held = [block for block in blocks if block.element in within]
        if not held or held[0].kind == "heading" or \
                sum(weight(block) for block in held) <= 0 or \
                sum(block.link_chars for block in held) > \
                CONTINUED_LINK_SHARE * sum(len(block.text) for block in held) or \
                not any(weight(block) > 0 and SENTENCE_END.search(block.text)
                        for block in held) or \
                any(block.chrome or is_entry_link(block) for block in held):
            return found
        found.append(node)


def _in_quote(block: TextBlock) -> bool:
    """Under a ``blockquote``, a name and a date are the quote's attribution ("— Jane Doe
    (@jane) November 18, 2019" closing an embedded post, in the quote's own text or its
    ``p``): quoted text, not the article's byline."""
    return block.element.tag == "blockquote" or \
        next(block.element.iterancestors("blockquote"), None) is not None


def _keep_linked_headline(blocks: list[TextBlock], verdicts: list[Verdict],
                          headline: TextBlock) -> None:
    """The heading that repeats the page title, in the region, is the article's own
    headline even when it links to the post's permalink (a blog's ``<h2><a>``): no menu
    entry says the page's title."""
    for index, block in enumerate(blocks):
        if block is headline:
            if verdicts[index].rule == "link-density":
                verdicts[index] = Verdict(True, block.kind)
            return


def _keep_linked_titles(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A linked heading right over a kept paragraph of prose in the same element is that
    paragraph's title (a roundup's or an index's entry: "140 Artists' Ideas for Planet
    Earth" over its summary), not a menu entry; teaser cards are dropped before this."""
    for index, block in enumerate(blocks[:-1]):
        if block.kind != "heading" or verdicts[index].rule != "link-density":
            continue
        following = blocks[index + 1]
        if verdicts[index + 1].keep and following.kind == "paragraph" and \
                weight(following) > 0 and not is_fragment(following) and \
                block.element.getparent() in following.element.iterancestors():
            verdicts[index] = Verdict(True, block.kind)


def _linked_sentence(block: TextBlock) -> bool:
    """A paragraph written as sentences, a couple of lines long, with some words outside
    its links: a story citing its sources link by link ("As noted in our story on the
    judgment, ..."), not a list of links, which is not written in ``<p>`` sentences."""
    if block.element.tag != "p":
        return False
    if len(block.text) >= LINKED_SENTENCE_CHARS:
        return block.link_density < MAX_SENTENCE_LINK_DENSITY and \
            bool(SENTENCE_END.search(block.text))
    # A short sentence around its link: "See Handling Application Errors for more details.",
    # "Locate useful packages on pkg.go.dev." (a title or a menu item ends without a stop).
    return block.text[:1].isupper() and bool(FULL_STOP.search(block.text)) and \
        len(block.text) - block.link_chars >= MIN_UNLINKED_CHARS


def _opens_with_a_sentence(block: TextBlock) -> bool:
    """A ``<p>`` whose words before its first link hold a whole sentence and open another
    ("I have discussed this on the blog for years. There are no limits that I see: ..."):
    the author's paragraph citing its posts, not a list of links, which opens with a link
    or a label."""
    if block.element.tag != "p":
        return False
    link = next(block.element.iter("a"), None)
    if link is None:
        return False
    start = block.text.find("".join(link.itertext()).strip() or "\0")
    lead = block.text[:start] if start > 0 else ""
    return len(lead.split()) >= 2 * MIN_LINE_WORDS and OPENED_SENTENCE.search(lead) is not None


def _list_items(blocks: list[TextBlock]) -> list[list[int]]:
    """Indices of the ``li`` blocks of each list, by list, in order."""
    items: dict[etree._Element, list[int]] = {}
    for index, block in enumerate(blocks):
        parent = block.element.getparent()
        if block.element.tag == "li" and parent is not None:
            items.setdefault(parent, []).append(index)
    return list(items.values())


def _keep_linked_items(blocks: list[TextBlock], verdicts: list[Verdict],
                       lists: list[list[int]]) -> None:
    """A list's items are judged together, as readability and trafilatura judge a list: an
    item removed for its link text that is written as a sentence, in a list whose other
    items are mostly kept, is one of them (a news digest linking each story it sums up:
    "Ousted WeWork CEO Adam Neumann can still ...", linked word by word), not a menu entry."""
    for indexes in lists:
        others = len(indexes) - 1
        kept = sum(verdicts[i].keep for i in indexes)  # counted once, then as items are kept
        for index in indexes:
            if verdicts[index].rule != "link-density" or \
                    not SENTENCE_END.search(blocks[index].text):
                continue
            if others and kept >= KEPT_ITEMS_SHARE * others:  # this item is not kept yet
                verdicts[index] = Verdict(True, blocks[index].kind)
                kept += 1


def _keep_introduced_lists(blocks: list[TextBlock], verdicts: list[Verdict],
                           lists: list[list[int]]) -> None:
    """A list of links that a kept sentence of the body introduces with a colon ("Redis
    provides the following data types:") continues that sentence: the things it names (a
    docs page's commands, types, guides), not a menu, which no sentence introduces."""
    for indexes in lists:
        if not all(verdicts[i].rule == "link-density" for i in indexes):
            continue
        before = indexes[0] - 1
        if before < 0 or not verdicts[before].keep or blocks[before].element.tag != "p":
            continue
        intro = blocks[before].text.rstrip()
        if not intro.endswith(":") or len(intro) - blocks[before].link_chars < MIN_INTRO_CHARS:
            continue
        for index in indexes:
            verdicts[index] = Verdict(True, blocks[index].kind)


def _keep_annotated_lists(blocks: list[TextBlock], verdicts: list[Verdict],
                          lists: list[list[int]]) -> None:
    """A list of links set among the article's paragraphs (a kept paragraph of sentences
    is its sibling) whose items mostly say something of their own beside their link (a
    date, an author, a remark: "Calling All Germs – Do you really want to know ...") is
    the article's: menus and related-story lists are bare links."""
    for indexes in lists:
        dropped = [i for i in indexes if verdicts[i].rule == "link-density"]
        if not dropped:
            continue
        annotated = sum(len(blocks[i].text) - blocks[i].link_chars >= MIN_UNLINKED_CHARS
                        for i in indexes)
        if annotated < KEPT_ITEMS_SHARE * len(indexes) or \
                not _beside_kept_prose(blocks, verdicts, blocks[indexes[0]].element.getparent()):
            continue
        for index in dropped:
            verdicts[index] = Verdict(True, blocks[index].kind)


def _keep_opening_lists(blocks: list[TextBlock], verdicts: list[Verdict],
                        lists: list[list[int]]) -> None:
    """A list of links opening a post's declared body (an entry's content), with the
    post's paragraphs after it in the same body, is what the post says: a link roundup's
    picks, each a few words like a headline (a share bar's "Facebook" or a menu's "Home"
    is one word). Related-story lists close a post or sit in a box of their own; a table
    of contents links within the page."""
    for indexes in lists:
        if not all(verdicts[i].rule == "link-density" for i in indexes) or \
                sum(len(blocks[i].text.split()) for i in indexes) < \
                MIN_ENTRY_WORDS * len(indexes):
            continue
        items = blocks[indexes[0]].element.getparent()
        body = items.getparent() if items is not None else None
        if body is None or not (_is_post(body) or body.get("itemprop") in POST_ITEMPROPS):
            continue
        if (body.text or "").strip() or any(
                (sibling.text_content() or "").strip()
                for sibling in items.itersiblings(preceding=True)):
            continue
        if any((a.get("href") or "").startswith("#") for a in items.iter("a")) or \
                not _beside_kept_prose(blocks, verdicts, items):
            continue
        for index in indexes:
            verdicts[index] = Verdict(True, blocks[index].kind)


def _keep_inline_paragraphs(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A ``<p>`` of links with the article's paragraphs of sentences around it, in the same
    parent (a source's address, "part 1 is here.", a listing's linked name between its
    descriptions), is a paragraph of the article, as readability keeps every ``<p>`` of
    the element it picks: menus and related-story lists sit at the article's edges or in
    lists and boxes of their own, call-outs shout in capitals or open with a label, and a
    menu set in a paragraph has only separators between its links."""
    prose: dict[etree._Element, list[int]] = {}
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if verdict.keep and block.element.tag == "p" and not is_fragment(block) and \
                SENTENCE_END.search(block.text):
            prose.setdefault(block.element.getparent(), []).append(index)
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        # A link shouted in capitals, behind a label ("Related: ...", "Also: See ...") or
        # opening with an imperative is a call-out to another page, not the article's.
        if verdict.rule != "link-density" or block.element.tag != "p" or \
                block.text.isupper() or CALLOUT_LABEL.match(block.text) or \
                CALL_TO_ACTION.match(block.text) or _link_menu(block):
            continue
        around = prose.get(block.element.getparent(), [])
        before = bisect_left(around, index)
        if before >= INLINE_SIDE and len(around) - before >= INLINE_SIDE:
            verdicts[index] = Verdict(True, block.kind)


def _keep_numbered_lines(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A ``<p>`` of links whose lines are numbered 1, 2, 3 ... ("1. Owls Of The British
    Isles Wallpaper", one line a pick), after a kept paragraph of sentences in the same
    parent, is a numbered list the author set with line breaks: the article's roundup, as
    a list of such items would be. Menus and related-story boxes are not numbered."""
    prose_in: set[etree._Element] = set()
    for index, block in enumerate(blocks):
        parent = block.element.getparent()
        if verdicts[index].rule == "link-density" and block.element.tag == "p" and \
                parent in prose_in and _numbered_lines(block.text):
            verdicts[index] = Verdict(True, block.kind)
        verdict = verdicts[index]
        if verdict.keep and block.element.tag == "p" and not is_fragment(block) and \
                SENTENCE_END.search(block.text) and parent is not None:
            prose_in.add(parent)


def _numbered_lines(text: str) -> bool:
    numbers = [NUMBERED_LINE.match(line) for line in text.splitlines() if line.strip()]
    return len(numbers) >= MIN_NUMBERED_LINES and all(numbers) and \
        [int(m.group(1)) for m in numbers if m] == list(range(1, len(numbers) + 1))


def _link_menu(block: TextBlock) -> bool:
    """Two links or more with nothing but separators between them ("« Older | Main |
    Newer »"): a menu written in a paragraph."""
    links = [" ".join(a.itertext()).split() for a in block.element.iter("a")]
    if len(links) < 2:
        return False
    rest = block.text.split()
    for words in links:
        for word in words:
            if word in rest:
                rest.remove(word)
    return not any(ch.isalnum() for word in rest for ch in word)


def _beside_kept_prose(blocks: list[TextBlock], verdicts: list[Verdict],
                       element: etree._Element | None) -> bool:
    """A kept ``<p>`` of sentences is a sibling of ``element``."""
    parent = element.getparent() if element is not None else None
    if parent is None:
        return False
    return any(verdict.keep and block.element.tag == "p" and block.element is not element
               and block.element.getparent() is parent and not is_fragment(block)
               and SENTENCE_END.search(block.text)
               for block, verdict in zip(blocks, verdicts))


def _drop_other_articles(blocks: list[TextBlock], verdicts: list[Verdict],
                         container: etree._Element, title: str | None) -> None:
    """An ``<article>`` is a self-contained composition: when the region holds several, the
    one with the page's headline (else the most prose) is the page's, the others are
    teasers or recommendations, unless they are a thread's alike posts or parts of the
    page's own story, cut by ad slots (alike, without a heading)."""
    prose: dict[etree._Element, float] = {}
    owner_of: list[etree._Element | None] = []
    headline_owner = None
    headed: set[etree._Element | None] = set()
    for block, verdict in zip(blocks, verdicts):
        owner = _outermost_article(block.element, container) if verdict.keep else None
        owner_of.append(owner)
        if owner is not None:
            prose[owner] = prose.get(owner, 0.0) + max(weight(block), 0.0)
            if headline_owner is None and _is_headline(block, title):
                headline_owner = owner
        if block.kind == "heading":  # kept or not: a teaser's headline is a link
            headed.add(owner if owner is not None else
                       _outermost_article(block.element, container))
    if len(prose) < 2:
        return
    main = headline_owner if headline_owner is not None else max(prose, key=lambda a: prose[a])
    # A thread's posts are articles alike (same parent, tag and class) and comparable in
    # prose; teasers beside an article are not.
    peers = {a for a in prose if a is not main and a.getparent() is main.getparent()
             and _signature(a) == _signature(main)}
    if sum(prose[a] for a in peers) < PEER_SHARE * prose[main]:
        peers = set()
    # A story cut into <article>s of the same kind between ad slots: a part without a
    # heading continues the main one; a teaser or a recommendation carries its headline.
    peers.update(a for a in prose if a is not main and a not in headed
                 and _signature(a) == _signature(main))
    for index, owner in enumerate(owner_of):
        if owner is not None and owner is not main and owner not in peers:
            verdicts[index] = Verdict(False, rule="other-article",
                                      evidence=f"{describe(owner)} beside the main "
                                               f"{describe(main)}")


def _is_headline(block: TextBlock, title: str | None) -> bool:
    """An h1 that repeats the document title."""
    if block.level != 1 or not title:
        return False
    text, wanted = _norm(block.text), _norm(title)
    return bool(text) and (text in wanted or wanted in text)


def _outermost_article(element: etree._Element, container: etree._Element
                       ) -> etree._Element | None:
    found = None
    for node in _chain(element, container):
        if node.tag == "article":
            found = node
    return found


def _drop_teaser_lists(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """Lists whose items each open with a headline link and go on with a summary are
    teasers for other pages (headline tickers, "more stories"), not the article's list."""
    verdict_of: dict[etree._Element, bool] = {}
    cards: dict[tuple[etree._Element, tuple[object, str]], bool | None] = {}
    card_of: dict[int, etree._Element] = {}
    list_of: dict[int, etree._Element] = {}
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if not verdict.keep:
            continue
        item = _list_item_of(block)
        if item is None:
            card = _teaser_card(block.element, cards)
            if card is not None:
                card_of[index] = card
            continue
        parent = item.getparent()
        if parent is None:
            continue
        if parent not in verdict_of:
            items = [c for c in parent if c.tag == "li"]
            teasers = sum(1 for c in items if _opens_with_headline(c))
            verdict_of[parent] = teasers >= MIN_TEASERS and teasers >= TEASER_SHARE * len(items)
        if verdict_of[parent]:
            list_of[index] = parent
    # A teaser list with the article's own paragraphs after it is the article's roundup
    # (products, each linked by name and then described), not "more stories".
    last_paragraph = max((i for i, v in enumerate(verdicts) if v.keep and i not in list_of
                          and i not in card_of and blocks[i].kind == "paragraph"
                          and weight(blocks[i]) > 0 and not is_fragment(blocks[i])),
                         default=len(blocks))
    for index, parent in list_of.items():
        if index > last_paragraph:
            verdicts[index] = Verdict(False, rule="teaser-list",
                                      evidence=f"items of {describe(parent)} open with a "
                                               "headline link followed by a summary")
    # Cards built of divs are teasers only after the article's own prose ("more stories"),
    # and only beside an article that out-writes them: inside it, alike boxes opening with
    # a link are its roundup or its FAQ; without it, they are a listing's entries.
    if not card_of:
        return
    own = [i for i, v in enumerate(verdicts) if v.keep and i not in card_of
           and not is_fragment(blocks[i])]
    last = max(own, default=len(blocks))
    after = [i for i in card_of if i > last]
    if sum(weight(blocks[i]) for i in after) >= sum(weight(blocks[i]) for i in own):
        return
    for index in after:
        verdicts[index] = Verdict(False, rule="teaser-list",
                                  evidence=f"{describe(card_of[index])} and its alike siblings "
                                           "after the article open with a headline link "
                                           "followed by a summary")


def _teaser_card(element: etree._Element,
                 cards: dict[tuple[etree._Element, tuple[object, str]], bool | None]
                 ) -> etree._Element | None:
    """The teaser card ``element`` sits in, if any: the nearest ancestor with alike
    siblings (tag and first class), at least ``MIN_TEASERS`` of them, nearly all opening
    with a headline link followed by more text ("more stories" boxes built of divs).
    ``cards`` keeps each sibling group's answer (None: too few alike to be cards), so a
    parent of many children is read once, not once per block under it."""
    for unit in islice(element.iterancestors(), MAX_CARD_DEPTH):
        parent = unit.getparent()
        if parent is None or unit.tag in ARTICLE_TAGS:
            return None
        key = (parent, _signature(unit))
        if key not in cards:
            alike = [c for c in parent if _signature(c) == key[1]]
            cards[key] = None if len(alike) < MIN_TEASERS else \
                sum(1 for c in alike if _opens_with_link(c)) >= TEASER_SHARE * len(alike)
        if cards[key] is not None:
            return unit if cards[key] else None
    return None


def _opens_with_link(unit: etree._Element) -> bool:
    """The unit's first text is a link of a few words, and more text follows it."""
    holder = _first_text_holder(unit)
    if holder is None:
        return False
    link = holder if holder.tag == "a" else next(
        (a for a in holder.iterancestors("a") if unit in a.iterancestors()), None)
    return link is not None and _headline_then_summary(link, unit)


def _toggle(link: etree._Element) -> bool:
    """A link to no other page: an accordion's or FAQ's title that unfolds its answer."""
    return (link.get("href") or "#").startswith("#")


def _first_text_holder(element: etree._Element) -> etree._Element | None:
    """The element whose own text or child's tail is the first visible text in it (walked
    with a stack: markup may nest deeper than Python's recursion limit)."""
    if (element.text or "").strip():
        return element
    stack = [(element, iter(element))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and (node.tail or "").strip():
                return stack[-1][0]
        elif isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
            if (child.text or "").strip():
                return child
            stack.append((child, iter(child)))
        elif (child.tail or "").strip():
            return node
    return None


def _list_item_of(block: TextBlock) -> etree._Element | None:
    """The ``li`` a list item block is, or sits in: a teaser's summary is often a ``<p>``
    under the item, after its headline link."""
    if block.kind != "list_item":
        return None
    if block.element.tag == "li":
        return block.element
    return next(block.element.iterancestors("li"), None)


def _opens_with_headline(item: etree._Element) -> bool:
    """The item's first text is a headline link of a few words, followed by more text; a
    thumbnail before it (an image, or a link around one) holds no text and does not count."""
    if (item.text or "").strip() or not len(item):
        return False
    children = iter(item)
    first = next(children)
    while first.tag in THUMBNAIL_TAGS and not "".join(first.itertext()).strip() and \
            not (first.tail or "").strip():
        following = next(children, None)
        if following is None:
            return False
        first = following
    if first.tag in HEADING_TAGS and len(first) and first[0].tag == "a":
        first = first[0]
    return first.tag == "a" and _headline_then_summary(first, item)


def _headline_then_summary(link: etree._Element, unit: etree._Element) -> bool:
    """``link``, opening ``unit``, is a headline of a few words to another page, and more
    text follows it in ``unit``."""
    if _toggle(link):
        return False
    headline = len(" ".join(link.itertext()).strip())
    return headline >= MIN_HEADLINE_CHARS and \
        len(" ".join(unit.itertext()).strip()) >= headline + MIN_HEADLINE_CHARS


def _drop_link_list_titles(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A kept heading right over a list whose items were all removed for their links, the
    two in one parent, is that list's title ("Trending News", "Related Tags:" over their
    links), and goes with it: the article's own headings head what it says. A sentence
    introducing the list with a colon ("These are the top trends for 2025:") is the
    article's, as in ``_keep_introduced_lists``. So is a label set in a box of its own
    right before a box of such links ("More on remote and hybrid work" over a field of
    links, both ``div``): a label over links is their title, however it is marked up."""
    for index, block in enumerate(blocks[:-1]):
        if not verdicts[index].keep:
            continue
        if block.kind == "heading":
            if block.text.rstrip().endswith(":") and len(block.text.split()) >= MIN_LINE_WORDS:
                continue
            first = blocks[index + 1].element
            items = first.getparent()
            if first.tag != "li" or items is None or \
                    items.getparent() is not block.element.getparent():
                continue
            end = index + 1
            while end < len(blocks) and blocks[end].element.getparent() is items:
                end += 1
        elif is_fragment(block) and not (block.element.tail or "").strip():
            box = block.element.getnext()
            while box is not None and not isinstance(box.tag, str):
                box = box.getnext()
            if box is None:
                continue
            end = index + 1
            while end < len(blocks) and (blocks[end].element is box or any(
                    node is box for node in blocks[end].element.iterancestors())):
                end += 1
        else:
            continue
        if end - index > 2 and all(verdicts[i].rule == "link-density"
                                   for i in range(index + 1, end)):
            verdicts[index] = Verdict(False, rule="link-density",
                                      evidence="the title of a list of links removed as such")


def _drop_repeats(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A text said again elsewhere on the page (a carousel caption repeated under the photo,
    a sticky headline) is kept once; repeats among siblings (a recipe's "1 tsp. oil") stay,
    and so do code and tables: a reference shows the same example or options table under
    several sections."""
    seen: dict[str, etree._Element | None] = {}
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if not verdict.keep or block.kind in REPEATED_KINDS:
            continue
        parent = block.element.getparent()
        if block.text in seen and seen[block.text] is not parent:
            verdicts[index] = Verdict(False, rule="repeated-text",
                                      evidence="same text as an earlier kept block")
        seen.setdefault(block.text, parent)


def _mark_notes_lists(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """After a "Notes"/"Sources"/"For more information" heading, the items are notes,
    unless the article's prose goes on after them (then the heading opened a section of
    the article: a practice report's "Notes:" bullets, followed by its closing paragraph)."""
    start = None
    run: list[int] = []
    end = len(blocks)
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if verdict.rule == "outside-main-content":
            continue
        if NOTES_HEADING.match(block.text) and (block.kind == "heading" or is_fragment(block)
                                                or block.text.rstrip().endswith(":")):
            start = index
            continue
        if start is None:
            continue
        if block.kind == "heading" or verdict.rule == "chrome":
            end = index
            break
        run.append(index)
    if start is None or _prose_after_list(blocks, verdicts, run):
        return
    # A lone "Note" with the article's prose going on after it (under a later heading or
    # chrome) titles a documentation page's admonition box, not end notes.
    if NOTE_TITLE.match(blocks[start].text) and \
            _prose_after_list(blocks, verdicts, list(range(end, len(blocks))), items=True):
        return
    for index in run:
        verdicts[index] = Verdict(False, rule="note", note=True)
    verdicts[start] = Verdict(False, rule="notes-heading", evidence="heading of a notes list")


def _prose_after_list(blocks: list[TextBlock], verdicts: list[Verdict], run: list[int],
                      items: bool = False) -> bool:
    """A kept paragraph of prose after list items (``items``: the list is behind already):
    the text goes on past the list."""
    for index in run:
        block = blocks[index]
        if block.kind == "list_item":
            items = True
        elif items and verdicts[index].keep and block.kind == "paragraph" and \
                not is_fragment(block) and not looks_like_byline(block):
            return True
    return False


def _drop_sign_up_boxes(blocks: list[TextBlock], verdicts: list[Verdict],
                        container: etree._Element) -> None:
    """An email field with the lines around it, up to the largest element holding no more
    than a pitch's text (``MAX_SIGN_UP_BOX_CHARS``), is a newsletter sign-up box ("Get
    more travel content / Subscribe to ..., a free daily newsletter / By subscribing you
    agree to ..."), when the article's paragraphs lie outside it: its kept blocks are
    removed as ``sign-up-box``. Only the fields in the region (``container``) can have
    kept blocks around them."""
    boxes: set[etree._Element] = set()
    for email in container.iter("input"):
        if not _email_field(email):
            continue
        box = _sign_up_box(email)
        if box is not None:
            boxes.add(box)
    if not boxes:
        return
    inside = {i for i, (b, v) in enumerate(zip(blocks, verdicts))
              if v.keep and any(node in boxes for node in (b.element, *b.element.iterancestors()))}
    # A page that is its sign-up form (a newsletter's landing page) keeps it.
    if not any(v.keep and v.kind == "paragraph" and not is_fragment(b) and i not in inside
               for i, (b, v) in enumerate(zip(blocks, verdicts))):
        return
    for index in sorted(inside):
        verdicts[index] = Verdict(False, rule="sign-up-box",
                                  evidence="beside an email field, in a box of a sign-up "
                                           "pitch's length")


def _email_field(field: etree._Element) -> bool:
    """An ``<input>`` for an email address: of type email, or, on pages written before
    HTML5 gave it that type, a text field named so (``<input type="text" name="email">``)."""
    kind = (field.get("type") or "text").lower()
    return kind == "email" or (kind == "text" and (field.get("name") or "").lower() == "email")


def _sign_up_box(email: etree._Element) -> etree._Element | None:
    """The largest element around ``email`` whose visible words, spaced, make no more than
    ``MAX_SIGN_UP_BOX_CHARS``: each step up adds the text of the new siblings only."""
    box, node, size = None, email, 0
    for parent in email.iterancestors():
        size += _spaced_chars(parent.text)
        for child in parent:
            if child is not node and isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
                size += _subtree_chars(child, MAX_SIGN_UP_BOX_CHARS - size)
            size += _spaced_chars(child.tail)
            if size > MAX_SIGN_UP_BOX_CHARS:
                return box
        box, node = parent, parent
    return box


def _subtree_chars(element: etree._Element, budget: int) -> int:
    """``_spaced_chars`` of the element's visible text, read only until it exceeds
    ``budget``."""
    size = 0
    stack = [element]
    while stack and size <= budget:
        item = stack.pop()
        size += _spaced_chars(item.text)
        for child in item:
            size += _spaced_chars(child.tail)
            if isinstance(child.tag, str) and child.tag not in SKIP_TAGS:
                stack.append(child)
    return size


def _spaced_chars(text: str | None) -> int:
    """Characters of ``text``'s words, each with one space."""
    return sum(len(word) + 1 for word in text.split()) if text else 0


def _drop_sign_offs(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """The paragraphs closing the article that ask the reader to subscribe, join or write
    (``SIGN_OFF``) are its sign-off, removed as ``call-to-action``, and the blog software's
    notices on comments (``COMMENT_NOTICE``) as ``comment-notice``, a newspaper's note on
    its print edition (``PRINT_EDITION``) as ``print-edition``, and paragraphs of any
    length set in small print (``_small_print``: a press release's "About the company"
    boilerplate, a site's terms) after text of the usual size as ``fine-print``. Headings,
    fragments, bylines and datelines between them are passed over and left to
    ``_trim_edges``, which then finds them after the article's last prose; any other kept
    block ends the search."""
    for index in range(len(blocks) - 1, -1, -1):
        block, verdict = blocks[index], verdicts[index]
        if not verdict.keep or verdict.note:
            continue
        paragraph = block.kind == "paragraph" and verdict.kind == "paragraph"
        closing = paragraph and len(block.text) <= MAX_SIGN_OFF_CHARS
        # Opening with the pitch, a paragraph is the pitch however long it goes on
        # ("If you enjoyed this article, we have a proposition for you: ...").
        if (closing and SIGN_OFF.search(block.text)) or (paragraph and SIGN_OFF.match(block.text)):
            verdicts[index] = Verdict(False, rule="call-to-action",
                                      evidence="asks the reader to subscribe, join or write, "
                                               "after the article's text")
        elif closing and PRINT_EDITION.match(block.text):
            verdicts[index] = Verdict(False, rule="print-edition",
                                      evidence="the newspaper's note on its print edition, "
                                               "after the article's text")
        elif closing and COMMENT_NOTICE.match(block.text):
            verdicts[index] = Verdict(False, rule="comment-notice",
                                      evidence="the blog software's notice on comments, after "
                                               "the article's text")
        elif block.kind == "paragraph" and verdict.kind == "paragraph" and \
                (size := _small_print(block.element)) and \
                _prose_before(blocks, verdicts, index):
            verdicts[index] = Verdict(False, rule="fine-print",
                                      evidence=f"set in small print ({size}) after the "
                                               "article's text")
        elif not (is_fragment(block) or block.kind == "heading" or
                  verdict.kind in ("byline", "caption") or looks_like_dateline(block)):
            return


def _small_print(element: etree._Element) -> str | None:
    """How the element's text is set smaller than the text around it, if it is: in
    ``small`` (HTML's element for side comments: disclaimers, caveats, legal terms) or at
    an inline ``SMALL_FONT`` size, on the element itself or on markup wrapping all of its
    text."""
    while True:
        if element.tag == "small":
            return "small"
        match = SMALL_FONT.search(element.get("style") or "")
        if match:
            return match.group(0)
        children = [child for child in element if isinstance(child.tag, str)]
        if (element.text or "").strip() or len(children) != 1 or \
                (children[0].tail or "").strip():
            return None
        element = children[0]


def _prose_before(blocks: list[TextBlock], verdicts: list[Verdict], index: int) -> bool:
    """A kept paragraph before ``index`` in the text's own size: the article is not all
    small print (a page setting its whole text at 12px)."""
    return any(verdicts[i].keep and blocks[i].kind == "paragraph" and
               not _small_print(blocks[i].element) for i in range(index))


def _closing_positions(blocks: list[TextBlock], verdicts: list[Verdict]
                       ) -> Iterator[tuple[list[int], int]]:
    """The kept blocks' indexes and, from the last back to the second, the position among
    them of a block that may open an author's box or bio: while what follows it holds no
    more than a bio's text (``MAX_AUTHOR_BOX_CHARS``)."""
    kept = [i for i, v in enumerate(verdicts) if v.keep]
    for position in range(len(kept) - 1, 0, -1):
        if sum(len(blocks[i].text) for i in kept[position + 1:]) > MAX_AUTHOR_BOX_CHARS:
            return
        yield kept, position


def _drop_author_box(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A line titling the author's box ("About the Author", "Written by") after the
    article's prose, with no more than a bio's text after it, opens the box: it and what
    follows (the name, the role, the bio) are removed as ``author-box``."""
    for kept, position in _closing_positions(blocks, verdicts):
        index = kept[position]
        if not AUTHOR_BOX_TITLE.match(blocks[index].text):
            continue
        if not any(verdicts[i].kind == "paragraph" and not is_fragment(blocks[i])
                   for i in kept[:position]):
            return
        for box in kept[position:]:
            verdicts[box] = Verdict(False, rule="author-box",
                                    evidence=f"the author's box {blocks[index].text.strip()!r} "
                                             "closing the article")
        return


def drop_author_bio(blocks: list[TextBlock], verdicts: list[Verdict],
                    authors: tuple[str, ...]) -> None:
    """A paragraph opening with the name of the page's author and a verb ("David Kravets is
    a senior staff writer ...") in a box of its own after the article's last paragraph,
    with no more than a bio's text after it, is the author's bio: the box (the name, the
    role, "Follow ... on Twitter") is removed as ``author-bio``. A line of the body itself
    (a sibling of its paragraphs) introducing the author stays, as an essay's first or last
    paragraph does ("Casey B. Mulligan is an economics professor ..."), and so do the bios
    of the people the article is about, whose names the page does not give as its author."""
    opening = _author_opening(authors)
    if opening is None:
        return
    for kept, position in _closing_positions(blocks, verdicts):
        index = kept[position]
        if blocks[index].kind != "paragraph" or not opening.match(blocks[index].text):
            continue
        prose = [i for i in kept[:position] if blocks[i].kind == "paragraph" and
                 not is_fragment(blocks[i]) and SENTENCE_END.search(blocks[i].text)]
        if not prose:
            return
        bio = blocks[index].element
        box = _child_holding(_holding_both(bio, blocks[prose[-1]].element), bio)
        if box is None or box is bio:
            return
        within = set(box.iter(etree.Element))
        inside = [i for i in kept if blocks[i].element in within]
        if sum(len(blocks[i].text) for i in inside) > MAX_AUTHOR_BOX_CHARS:
            return
        for i in inside:
            verdicts[i] = Verdict(False, rule="author-bio",
                                  evidence=f"the page's author's bio in {describe(box)} "
                                           "after the article")
        return


def _author_opening(authors: tuple[str, ...]) -> re.Pattern[str] | None:
    """A text opening with one of ``authors``' names (two words or more: a first name
    alone opens many sentences) and a verb saying what the person is or does."""
    names = [r"\W+".join(map(re.escape, words)) for words in
             (re.findall(r"\w+", author) for author in authors) if len(words) >= 2]
    if not names:
        return None
    return re.compile(rf"^\W*(?:{'|'.join(names)})\W*\s+{AUTHOR_BIO_VERBS}\b", re.IGNORECASE)


def _trim_edges(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """Fragments before the first and after the last prose block are chrome or bylines."""
    prose = [i for i, (b, v) in enumerate(zip(blocks, verdicts))
             if v.keep and v.kind not in ("heading", "byline") and not is_fragment(b)
             and not _lead_in(blocks, verdicts, i)]
    if not prose:
        return
    first, last = prose[0], prose[-1]
    for index, (block, verdict) in enumerate(zip(blocks, verdicts)):
        if not verdict.keep or first <= index <= last or verdict.kind == "byline":
            continue
        if index < first and block.kind == "heading":
            continue
        if block.element.tag == "p" and not block.link_chars and \
                len(block.text.split()) >= MIN_LINE_WORDS:
            continue  # a line of words in its own paragraph, not a label or a button
        if index < first and _item_of_list_reaching(blocks, verdicts, index, first):
            continue  # a list is read whole: its first items open the article with it
        if index < first and _introduces_table(blocks, verdicts, index):
            continue  # a reference page's line over its table ("Creates a bucket")
        if index > last and (_closing_list(blocks, index, last) or
                             _closing_lines(blocks, index, last)):
            continue  # and so is a plain list closing the article, with its heading
        if is_fragment(block) or block.kind == "heading" or _lead_in(blocks, verdicts, index):
            side = "leading" if index < first else "trailing"
            verdicts[index] = Verdict(False, rule=f"{side}-fragment",
                                      evidence=f"{len(block.text)} chars, no sentence, "
                                               f"{side} the article's prose")


def _introduces_table(blocks: list[TextBlock], verdicts: list[Verdict], index: int) -> bool:
    """``blocks[index]`` is a line of its own, without links, whose next sibling
    element is a kept table or code block: it says what the table holds (a reference
    page's "Creates a bucket" over the call's parameters). A kicker or a section label
    stands over the headline or the article's prose, not over a table."""
    block = blocks[index]
    if block.kind != "paragraph" or block.link_chars or index + 1 >= len(blocks):
        return False
    following = blocks[index + 1]
    if following.kind not in REPEATED_KINDS or not verdicts[index + 1].keep:
        return False
    box = _child_holding(block.element.getparent(), following.element)
    return box is not None and box.getprevious() is block.element  # or the table's wrapper


def _closing_list(blocks: list[TextBlock], index: int, last: int) -> bool:
    """``blocks[index]`` is an item of a list without links set right among the article's
    paragraphs (a child of the last prose block's parent), or the heading right over one:
    the article's closing list ("Qualified teams" and the teams), which is read whole.
    Related stories, tags and share bars are links."""
    body = blocks[last].element.getparent()
    if blocks[index].kind == "heading" and index + 1 < len(blocks):
        if blocks[index].element.getparent() is not body:
            return False
        index += 1  # the heading goes with the list right under it
    item = blocks[index].element
    items = item.getparent()
    return item.tag == "li" and items is not None and items.getparent() is body and \
        next(items.iter("a"), None) is None


def _closing_lines(blocks: list[TextBlock], index: int, last: int) -> bool:
    """``blocks[index]`` is in a run of three short lines or more right after the
    article's last prose block, each the next element after the one before and set as
    that block is (the same tag and class) and without links: a list the author typed one
    line a paragraph (a recipe's ingredients in ``div.MsoNormal``), read whole as a list
    closing the article is. One or two such lines are a sign-off or a credit ("Twitter:
    @name", "Photos courtesy ..."), lines with pictures between them are captions, and
    share bars, tags and related stories are links. Lists marked up as lists are
    ``_closing_list``'s."""
    model = blocks[last].element
    if model.tag == "li":
        return False
    end = last + 1
    while end < len(blocks) and blocks[end].element is blocks[end - 1].element.getnext() \
            and blocks[end].element.tag == model.tag and not blocks[end].link_chars \
            and blocks[end].element.get("class") == model.get("class"):
        end += 1
    return index < end and end - last > MIN_CLOSING_LINES


def _item_of_list_reaching(blocks: list[TextBlock], verdicts: list[Verdict], index: int,
                           first: int) -> bool:
    """``blocks[index]`` is an item of a list whose kept items reach the article's first
    prose block ``first``: one of a list that opens the article."""
    element = blocks[index].element
    if element.tag != "li":
        return False
    items = element.getparent()
    later = index + 1
    while later < len(blocks) and blocks[later].element.tag == "li" and \
            blocks[later].element.getparent() is items:
        if later >= first and verdicts[later].keep:
            return True
        later += 1
    return False


def _lead_in(blocks: list[TextBlock], verdicts: list[Verdict], index: int) -> bool:
    """A short line trailing off in an ellipsis ("You may also like...") right before a
    block removed as links or chrome: it introduces them, and goes with them."""
    block = blocks[index]
    if len(block.text) >= SHORT_FRAGMENT_CHARS or not ELLIPSIS_END.search(block.text) or \
            index + 1 >= len(blocks):
        return False
    following = verdicts[index + 1]
    return not following.keep and following.rule in ("link-density", "chrome", "teaser-list")


def _drop_post_meta(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """Before the article's first and after its last paragraph, what sits under a byline or
    post-meta class is the post's metadata however long it runs: "This entry was posted on
    ... and is filed under ... You can follow any responses", an author's bio box, and the
    author card a byline unfolds above the story (the bio, "LATEST ARTICLE" with its
    summary)."""
    prose = [i for i, (b, v) in enumerate(zip(blocks, verdicts))
             if v.keep and v.kind not in ("heading", "byline", "title") and not b.byline_hint
             and not is_fragment(b)]
    if not prose:
        return
    for index in (*range(prose[0]), *range(prose[-1] + 1, len(blocks))):
        block, verdict = blocks[index], verdicts[index]
        if verdict.keep and block.byline_hint and verdict.kind != "byline":
            side = "leading" if index < prose[0] else "trailing"
            before = "before the article's first" if side == "leading" else \
                "after the article's last"
            verdicts[index] = Verdict(False, rule=f"{side}-meta",
                                      evidence=f"under a byline/meta class {before} paragraph")


def _unlabel_bylines_among_paragraphs(blocks: list[TextBlock], verdicts: list[Verdict]
                                      ) -> None:
    """A line labelled a byline or dateline by its shape alone (a year in it, or a short
    line under a byline-named class) with a paragraph of prose of its own parent on either
    side is a line of the article: a citation ("[HR. At-Tirmidzi no.1997 ...]"), a chart's
    title ("July 2012 Changes in ..."), an exhibition's dates. Not when it opens like a
    byline ("By", "Posted by") or holds a clock time: a comment's or a post's signature
    ("Tracked on Apr 6, 2007 3:09:50 PM") between paragraphs is still metadata."""
    prose = [index for index, (block, verdict) in enumerate(zip(blocks, verdicts))
             if verdict.keep and verdict.kind == "paragraph" and
             len(block.text) >= MIN_PARAGRAPH_CHARS]
    for position in range(1, len(prose)):
        before, after = prose[position - 1], prose[position]
        parent = blocks[before].element.getparent()
        if after - before < 2 or blocks[after].element.getparent() is not parent:
            continue
        for index in range(before + 1, after):
            block, verdict = blocks[index], verdicts[index]
            if verdict.keep and verdict.kind == "byline" and block.kind != "byline" and \
                    block.element.getparent() is parent and \
                    not BYLINE_TEXT.match(block.text) and not CLOCK_TIME.search(block.text):
                verdicts[index] = Verdict(True, block.kind)


def _captions_as_text(blocks: list[TextBlock], verdicts: list[Verdict]) -> None:
    """A photo story told in its captions ("Lindsay Lohan looked a tad too done up after a
    night of partying ...", under each picture, beside a headline and a dek): when the
    captions' sentences out-write the running text and make a body of their own, they are
    the story's paragraphs, not notes on its pictures."""
    captions = [i for i, v in enumerate(verdicts) if v.keep and v.kind == "caption"]
    caption_chars = sum(len(blocks[i].text) for i in captions if not is_fragment(blocks[i]))
    if caption_chars < MIN_FALLBACK_BODY_CHARS:
        return
    running = sum(len(b.text) for b, v in zip(blocks, verdicts)
                  if v.keep and v.kind not in ("title", "heading", "byline", "caption"))
    if caption_chars <= running:
        return
    for index in captions:
        verdicts[index] = Verdict(True, "paragraph")


def _label_title(blocks: list[TextBlock], verdicts: list[Verdict], title: str | None) -> None:
    """The heading that repeats the document title (else the first h1) is the title."""
    wanted = _norm(title) if title else ""
    candidates = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1
                  and verdicts[i].rule in ("", "outside-main-content", "link-density",
                                           "leading-fragment")]
    for index in candidates:
        text = _norm(blocks[index].text)
        if wanted and text and (text in wanted or wanted in text):
            verdicts[index] = Verdict(True, "title")
            return
    kept = [i for i in candidates if verdicts[i].keep]
    if kept:
        verdicts[kept[0]] = Verdict(True, "title")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def describe(element: etree._Element) -> str:
    """``<div id="x" class="y">`` as evidence for an auditor."""
    attrs = "".join(f' {k}="{element.get(k)}"' for k in ("id", "class", "role")
                    if element.get(k))
    return f"<{element.tag}{attrs[:120]}>"
