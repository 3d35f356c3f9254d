"""Where an article starts and ends: patterns from pages where readability or trafilatura
beat Archivist on the dragnet dev split, each rebuilt as a small synthetic page."""

from __future__ import annotations

from test_extract_html import MENU, run

POST = ["Alan Ritchson has been cast as Gloss in the sequel, the studio announced on "
        "Thursday, and filming starts in the autumn.",
        "Gloss is a former winner from the first district who is thrown back into the arena "
        "for the anniversary games.",
        "He joins other new cast members announced over the summer, among them a veteran "
        "stage actor and two newcomers from television.",
        "The sequel is set to reach theaters in November next year."]


def test_one_long_paragraph_does_not_stand_for_the_whole_article():
    # A link list and a newsletter line under the post's paragraphs made their parent's sum
    # smaller than its longest paragraph, which became the whole main content (recall 0.20).
    related = "".join(f"<li><a href='/s{i}'>Another story about somebody famous, part {i}</a>"
                      "</li>" for i in range(10))
    source = ("<html><head><title>Ritchson cast as Gloss | Gossip</title></head><body>" + MENU +
              "<div id='story'><h1>Ritchson cast as Gloss</h1><p>1:13 pm, August 9th</p>" +
              "".join(f"<p>{text}</p>" for text in POST) +
              "<p><a href='/tw'>Follow us on Twitter!</a></p><h3>You might like:</h3>"
              f"<ul>{related}</ul></div></body></html>")
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
    assert len(removed) == 24 and all(r.rule == "chrome" for r in removed)


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
