"""Per-page work of the HTML extractor that must not grow with the page's chrome: guards for
speed changes whose output is unchanged (the bench pages' extraction is compared before and
after each one)."""

from __future__ import annotations

import pytest
from test_extract_html import MENU, capture_for
from test_extract_html_article import POST

from pipeline.extract import ExtractOptions
from pipeline.extract.html import boilerplate
from pipeline.extract.html import extractor as html_extractor


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
