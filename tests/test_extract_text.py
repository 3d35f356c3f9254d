"""Text captures (issue 5): the five seeds and our own captures in the same styles, cleaned.

Seeds are run through the real ``archivist extract`` command (JSON out); chrome and furniture
checks read the Extraction's removed list, which the JSON does not carry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.capture import read_local
from pipeline.clean import clean
from pipeline.cli import app
from pipeline.extract import extract
from pipeline.extract.source import decode_source
from pipeline.extract.text.layer import extract_layer, join_lines
from pipeline.extract.text.lines import Mapped, split_lines
from pipeline.extract.text.web import extract_web
from pipeline.model import Extraction
from pipeline.render import to_markdown
from pipeline.textutil.footnotes import find_marker
from pipeline.textutil.hyphenation import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def seeds_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("extract")
    result = CliRunner().invoke(app, ["extract", str(SEEDS), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {p.stem[:3]: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("0*.json")}


def run(path: Path) -> tuple[Extraction, str]:
    capture, data = read_local(path, "text")
    return clean(extract(data, capture)), decode_source(data, capture).text


def texts(doc: dict, kinds: tuple[str, ...] = ("paragraph",)) -> list[str]:
    return [p["text"] for p in doc["passages"] if p["kind"] in kinds]


def everything(doc: dict) -> str:
    return "\n".join(p["text"] for p in doc["passages"])


ARTICLES = {
    "000": ("In a sobering presentation, Ambassador Mark P. Lagon described U.S. actions",
            "interviewed several women who had been trafficked."),
    "001": ("I would like to begin by thanking the Woodrow Wilson International Center",
            "and to abolish modern-day slavery."),
    "002": ("PYONGYANG, North Korea – North Korea is a source for men, women, and children",
            "to operate along the border region with North Korea."),
    "003": ("This report calls the world’s attention to the suffering of North Korean women who "
            "have become the victims",
            "programs in the border areas between North Korea and China."),
    "004": ("Ambassador Robert King is currently a Visiting Scholar, Koret Fellow",
            "It is important that we continue this effort."),
}


@pytest.mark.parametrize("prefix", sorted(ARTICLES))
def test_each_seed_keeps_its_article_from_first_to_last_sentence(seeds_json, prefix):
    first, last = ARTICLES[prefix]
    body = texts(seeds_json[prefix], ("paragraph", "list_item"))
    assert body[0].startswith(first)
    assert body[-1].endswith(last)


CHROME = [
    ("000", "Skip to main content", "skip-link"),
    ("000", "Hosted By", "event-boilerplate"),
    ("000", "The Asia Program promotes policy debate", "event-boilerplate"),
    ("000", "Please send any feedback or questions", "event-boilerplate"),
    ("000", "click here", "dead-link-prompt"),
    ("001", "World Video | Defence | Foreign Affairs", "nav-bar"),
    ("001", "Latest World News | Top World News", "nav-bar"),
    ("001", "© Scoop Media", "copyright"),
    ("001", "World Headlines", "related-headlines"),
    ("001", "Werewolf: Gordon Campbell On North Korea", "related-headlines"),
    ("001", "With a bit of luck the planet", "teaser"),
    ("001", "Cafe Pacific", "link-list"),
    ("002", "Author: Impunity Watch Archive", "post-meta"),
    ("004", "Share this:", "share-widget"),
    ("004", "Leave a Reply", "comment-form"),
    ("004", "Required fields are marked", "comment-form"),
]


@pytest.mark.parametrize(("prefix", "chrome", "rule"), CHROME)
def test_web_chrome_is_removed_and_recorded_with_its_rule(seeds_json, prefix, chrome, rule):
    assert chrome not in everything(seeds_json[prefix])
    extraction, source = run(seed(prefix))
    hits = [r for r in extraction.removed if chrome in r.text]
    assert hits and hits[0].rule == rule and hits[0].category == "boilerplate"
    loc = hits[0].locator
    assert chrome in source[loc.char_start:loc.char_end]
    assert source.count("\n", 0, loc.char_start) + 1 == loc.line_start


def test_web_metadata_title_bylines_and_dates(seeds_json):
    docs = {k: v["document"] for k, v in seeds_json.items()}
    assert docs["000"]["title"] == "A Struggle for Survival: Trafficking of North Korean Women"
    assert docs["000"]["published"] == "2008-03-03"
    assert docs["001"]["title"] == "Survival Struggle: Trafficking Of N. Korean Women"
    assert list(docs["001"]["authors"]) == ["Mark P. Lagon"]
    assert docs["001"]["published"] == "2008-03-03"
    assert list(docs["002"]["authors"]) == ["Ariel Lin"]
    assert list(docs["004"]["authors"]) == ["Salonee Goel"]
    assert "By Ariel Lin" in texts(seeds_json["002"], ("byline",))
    assert "Drafted by Mark Mohr, Asia Program Associate" in texts(seeds_json["000"], ("byline",))


def test_image_credit_is_kept_as_caption(seeds_json):
    assert texts(seeds_json["004"], ("caption",)) == [
        "Featured Image by Roman Harak [North Korea – Check Point], September 6, 2010"]


def test_reference_list_items_become_footnotes(seeds_json):
    notes = seeds_json["002"]["footnotes"]
    assert [n["label"] for n in notes] == ["1", "2", "3", "4"]
    assert notes[0]["text"] == ("The Chosun Ilbo – Human Trafficking Thrives Across N.Korea-China "
                                "Border – 2 March 2008")
    assert notes[3]["text"].startswith("YonHap News")
    assert "For more information, please see:" not in everything(seeds_json["002"])


def test_interview_questions_become_headings_that_open_sections(seeds_json):
    doc = seeds_json["004"]
    questions = texts(doc, ("heading",))
    assert len(questions) == 11 and all(q.endswith("?") for q in questions)
    answer = next(p for p in doc["passages"] if p["text"].startswith("No. The Chinese"))
    assert answer["section_path"] == ["Do you see China budging on this in the future?"]


# --- the HRNK report (seed 003) ---------------------------------------------------------------

def test_report_has_64_footnotes_in_order_with_complete_text(seeds_json):
    notes = {n["label"]: n["text"] for n in seeds_json["003"]["footnotes"]}
    assert list(notes) == [str(i) for i in range(1, 65)]
    assert notes["1"] == ("Joel R. Charny et al., Acts of Betrayal. The Challenge of Protecting "
                          "North Koreans in China, (Washington, D.C.: Refugees International, 2005) "
                          "UNHCR Refworld, available online at: "
                          "http://www.unhcr.org/refworld/docid/47a6eba50.html [accessed 9 April 2009]")
    assert notes["4"] == "HRNK Refugee Report, p. 26."
    assert notes["49"].endswith("Joel R. Charny, Op. cit. ; Human Rights Watch(2002), Op. cit.;")
    assert "paragraph 1(b) of “Resolution 2004/13" in notes["50"]
    assert notes["50"].endswith("43f3135c0.html [accessed 9 April 2009]")
    assert "“[No] Contracting State shall expel" in notes["54"]
    assert notes["54"].endswith("refugees.htm#wp1037145 [accessed April 9 2009]")
    assert "http://www.state.gov/documents/organization/105501.pdf" in notes["32"]
    assert notes["64"].endswith("gcim-complete-report-2005.pdf [accessed 9 April 2009]")


def test_report_markers_are_removed_and_linked_to_their_notes(seeds_json):
    doc = seeds_json["003"]
    labels_of = {p["text"]: p["footnote_labels"] for p in doc["passages"]}

    def labels(fragment: str) -> list[str]:
        return next(v for k, v in labels_of.items() if fragment in k)

    assert labels("International Response. The following provides") == ["2"]
    assert "3" in labels("(600,000 to 1 million people).")
    assert labels("a staggering 14-1. Because there are few") == ["1"]
    assert labels("its population had grown to 91,800,000.") == ["29"]
    assert labels("2005 China Human Development Report by the") == ["23", "24", "25"]
    assert "Response.2" not in everything(doc) and "people).3" not in everything(doc)
    assert all(n["passage_ids"] for n in doc["footnotes"])
    cases = [h for h in texts(doc, ("heading",)) if h.startswith("Case ")]
    assert len(cases) == 53 and cases[0] == "Case 1 Ms. Baek in Heilongjiang Province, born in 1974"


def test_report_paragraphs_split_by_pages_photos_and_notes_are_rejoined(seeds_json):
    body = everything(seeds_json["003"])
    for joined in ("many face poverty aggravated by their husbands’ debts. Those debts stem at "
                   "least in part from fees paid for the women",
                   "those who are left in rural areas are disproportionately unmarried men, "
                   "including those addicted to alcohol",
                   "primarily through the United Nations World Food Program",
                   "It has been reported that North Korean guards at the border have “shoot-to-kill”",
                   "at the train station, but I managed to escape and got help",
                   "He complained that I couldn’t speak any Chinese. I ran away from the house",
                   "but I am not sure if it ever was received.",
                   "just by working on a farm. One of my friends"):
        assert joined in body


def test_report_hyphens_joined_or_kept_on_evidence(seeds_json):
    body = everything(seeds_json["003"])
    for joined in ("who have become the victims", "unable to free themselves",
                   "victims of traffickers and victims of men", "official “minders” throughout",
                   "by the laws of either China", "Seventy-seven interviews"):
        assert joined in body
    for kept in ("Korean-Chinese population", "Chinese-speaking men", "fast-growing communication",
                 "sister-in-law", "anti-trafficking"):
        assert kept in body
    for broken in ("be- come", "be-come", "traffick- ers", "un- able", "mind- ers"):
        assert broken not in body


def test_report_structure_headings_captions_lists_and_furniture(seeds_json):
    doc = seeds_json["003"]
    assert doc["document"]["title"] == ("Lives for Sale: Personal Accounts of Women Fleeing North "
                                        "Korea to China")
    levels = {s["heading"]: s["level"] for s in doc["sections"]}
    assert levels["Foreword"] == 1 and levels["Conclusion"] == 1
    assert levels["The Conditions They Fled: Lack of Food"] == 2
    case1 = next(s for s in doc["sections"] if s["heading"].startswith("Case 1 "))
    assert case1["path"][0] == "Personal Accounts from North Korean Women Interviewed in China"
    assert len(case1["path"]) == 3
    captions = texts(doc, ("caption",))
    assert "The Tumen River running between North Korea and China." in captions
    assert "Many shops and restaurants have been opened by ethnic Koreans in Qingdao." in captions
    items = texts(doc, ("list_item",))
    assert "1. Undertake economic and agricultural reforms to improve its ability to provide " \
           "food for its population." in items
    assert "threat or use of force or other forms of coercion," in items
    assert "Lives for saLe" not in everything(doc)
    extraction, _ = run(seed("003"))
    assert [r.rule for r in extraction.removed if r.category == "furniture"] == ["running-header"] * 2
    assert sum(r.rule == "footnote-marker" for r in extraction.removed) == 64


def test_every_passage_and_footnote_maps_back_to_its_lines(seeds_json):
    source = seed("003").read_text(encoding="utf-8")
    doc = seeds_json["003"]
    for row in doc["passages"] + doc["footnotes"]:
        start, end = row["char_start"], row["char_end"]
        assert 0 <= start < end <= len(source)
        assert source.count("\n", 0, start) + 1 == row["line_start"]
        assert source.count("\n", 0, end - 1) + 1 == row["line_end"]
        snippet = source[start:end]
        assert row["text"].split()[0].strip("“”\"•") in snippet
    split = next(p for p in doc["passages"] if "Those debts stem" in p["text"])
    assert (split["line_start"], split["line_end"]) == (112, 122)  # across note 1 and the page


def test_report_renders_readably(seeds_json):
    doc = seeds_json["003"]
    markdown = to_markdown(doc["document"], doc["passages"], doc["footnotes"])
    assert "## Foreword" in markdown and "#### Case 1 Ms. Baek" in markdown
    assert "[^1]: Joel R. Charny" in markdown and "[^64]: Global Commission" in markdown
    assert markdown.index("[^64]:") > markdown.index("programs in the border areas")


# --- our own captures in the same styles ---------------------------------------------------------

def test_news_page_with_menus_breadcrumbs_adverts_and_related_list():
    extraction, _ = run(FIXTURES / "news_daily_example.txt")
    kept = "\n".join(b.text for b in extraction.blocks)
    assert extraction.meta.title == "Floods Cut Off Villages Along the Shire River"
    assert extraction.meta.authors == ("Grace Banda",) and extraction.meta.published == "2019-06-04"
    assert kept.count("\n") == 8  # title, 3 bylines, 4 paragraphs, one subheading
    for chrome in ("Menu", "Home › World", "Subscribe", "Advertisement", "Share on", "Related",
                   "Drought Warning", "© 2019", "Privacy Policy"):
        assert chrome not in kept
    rules = {r.rule for r in extraction.removed}
    assert {"link-list", "breadcrumb", "advert", "share-widget", "related-headlines",
            "copyright", "nav-bar", "call-to-action"} <= rules
    heading = next(b for b in extraction.blocks if b.kind == "heading")
    assert heading.text == "What happens next?"


def test_blog_interview_with_comment_form():
    extraction, _ = run(FIXTURES / "blog_interview.txt")
    assert extraction.meta.authors == ("Tom Okello",)
    assert [b.text for b in extraction.blocks if b.kind == "heading"] == [
        "How did the outbreak start in your area?", "What made the response difficult?",
        "What would you change before the next season?"]
    assert extraction.blocks[-1].kind == "caption"
    kept = "\n".join(b.text for b in extraction.blocks)
    for chrome in ("Skip to content", "Field Notes |", "Posted in", "Comments", "Leave a Reply",
                   "Website", "Post Comment"):
        assert chrome not in kept


def test_another_reports_text_layer():
    extraction, _ = run(FIXTURES / "report_text_layer.txt")
    assert extraction.meta.title == "Annual Review 2016: Water Access in Rural Districts"
    notes = {n.label: n.text for n in extraction.footnotes}
    assert list(notes) == ["1", "2", "3", "4", "5"]
    assert notes["3"] == ("National Statistics Office, Household Water Survey 2015 (Entebbe: 2016), "
                          "available online at: http://www.example.org/stats/hws2015.pdf "
                          "[accessed 3 May 2017]")
    paragraphs = [b for b in extraction.blocks if b.kind == "paragraph"]
    methods = next(b for b in paragraphs if b.text.startswith("Field teams"))
    assert "recorded fees, repairs and the cost of spare parts over the whole period." in methods.text
    assert methods.footnote_refs == ("3",) and "Survey provided" in methods.text
    intro = paragraphs[0]
    assert intro.footnote_refs == ("1",) and "Table 1 lists" in intro.text
    assert "self-reliance scheme" in paragraphs[1].text and "maintenance requires" in paragraphs[1].text
    assert "41 percent" in "\n".join(b.text for b in paragraphs)
    assert [b.text for b in extraction.blocks if b.kind == "heading"] == [
        "Introduction", "Methods", "Findings", "Recommendations"]
    assert [b.kind for b in extraction.blocks[-3:]] == ["list_item"] * 3
    assert any(r.rule == "running-header" for r in extraction.removed)
    assert any(b.kind == "caption" and b.text.startswith("A hand pump") for b in extraction.blocks)


# --- properties of the text transforms -------------------------------------------------------------

line_text = st.text(alphabet="abcdeé -.,“”\t", max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(line_text, min_size=1, max_size=8))
def test_joined_lines_map_back_to_their_source_characters(lines):
    source = "\n".join(lines)
    joined, _ = join_lines(split_lines(source), Vocabulary())
    assert len(joined.text) == len(joined.offsets)
    for char, offset in zip(joined.text, joined.offsets):
        assert offset is None or source[offset] == char
    again, transforms = join_lines(split_lines(joined.text), Vocabulary())
    assert again.text == joined.text.strip() and transforms == ()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab .\n", max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_cutting_mapped_text_keeps_offsets(text, start, end):
    mapped = Mapped.of_line(split_lines(text)[0], strip=False) if text else Mapped("", ())
    cut = mapped.cut(min(start, end), max(start, end))
    for char, offset in zip(cut.text, cut.offsets):
        assert offset is None or text[offset] == char


page = st.lists(st.sampled_from([
    "", " ", " A page starts here with text that wraps onto the next line of the page and", "goes on.1",
    "1 A note at the bottom of the page.", "Heading Words", "• a bullet", "2. A numbered item",
    "Some words of a paragraph that wraps at the right margin of a typeset page here", "word-",
    "Title    3    Running Header"]), max_size=40)


@settings(max_examples=80, deadline=None)
@given(page)
def test_text_layer_locators_stay_inside_the_source_and_notes_count_up(lines):
    source = "\n".join(lines)
    for result in (extract_layer(source), extract_web(source)):
        for item in list(result.blocks) + list(result.footnotes):
            loc = item.locator
            assert 0 <= loc.char_start <= loc.char_end <= len(source)
            assert 1 <= loc.line_start <= loc.line_end
        labels = [n.label for n in result.footnotes]
        assert labels == [str(i) for i in range(1, len(labels) + 1)]


def test_marker_search_prefers_glued_numbers_to_decimals_and_years():
    text = "In 2014 the rate was 3.23 times higher in poor areas.23 Table 23 shows it."
    marker = find_marker(text, "23", 0, len(text))
    assert marker is not None and text[marker.start - 6:marker.end] == "areas.23"
    assert find_marker("Case 1 Ms. Baek was born in 1974.", "1", 0, 33) is None
