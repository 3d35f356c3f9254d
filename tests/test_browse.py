"""``archivist browse`` in a real headless Chromium, over an archive ingested from examples/.

The app is served by uvicorn on 127.0.0.1 (a free port) in a thread; the browser is Debian's
``chromium`` driven by Playwright (``.ci/run`` installs it when missing). The archive holds the
sample report as a PDF, the HTML renderings of the web seeds, one text seed and a page whose
scripts would change its own DOM if they ran.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLES, FIXTURES, SEEDS
from test_extract_ocr import LINES, PAGE, SECOND, image_bytes, rendered, typeset
from test_query import ingest

from pipeline.archive import Archive
from pipeline.diff import changed_documents, compared, diff_versions
from pipeline.query import Snapshot
from pipeline.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PDF_DOC = "hrnk-2009-lives-for-sale-pdf"
HTML_DOC = "wilson-2008-struggle-for-survival-html"
TEXT_DOC = "wilson-text"
HOSTILE_DOC = "hostile"
SCAN_DOC = "scan"
IMAGE_DOC = "scan-image"
EDITED = ("sobering presentation", "grim presentation")
BROWSER_TIMEOUT_MS = 90_000
"""Playwright's default 30 s per action: a first page that renders two PDF pages while eight
suites share two cores has come close to it."""
HTTP_TIMEOUT = 60
"""Seconds: httpx's default 5 s is too short on a 2-core machine running 8 test suites."""
SCREENSHOTS = os.environ.get("BROWSE_SCREENSHOTS")
"""A folder to keep the screenshots in (default: the test's temporary folder)."""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    base = tmp_path_factory.mktemp("browse")
    shutil.copyfile(SEEDS / "000_0709e5aed7a81254.txt", base / "wilson.txt")
    shutil.copyfile(FIXTURES / "browse" / "hostile.html", base / "hostile.html")
    # A scan: an image-only PDF, so OCR reads it.
    (base / "scan.pdf").write_bytes(image_bytes(rendered(typeset([LINES])), "PDF"))
    # A scan captured as a page image (TIFF), not a PDF.
    (base / "scan.tiff").write_bytes(image_bytes(rendered(typeset([SECOND])), "TIFF"))
    registry = base / "sources.toml"
    registry.write_text(f'[[source]]\nid = "{TEXT_DOC}"\nuri = "wilson.txt"\n\n'
                        f'[[source]]\nid = "{HOSTILE_DOC}"\nuri = "hostile.html"\n\n'
                        f'[[source]]\nid = "{SCAN_DOC}"\nuri = "scan.pdf"\n\n'
                        f'[[source]]\nid = "{IMAGE_DOC}"\nuri = "scan.tiff"\n',
                        encoding="utf-8")
    store = Store.at(base / "store")
    for each in (EXAMPLES / "pdf" / "sources.toml", EXAMPLES / "html" / "sources.toml", registry):
        ingest(each, store)
    # A second version of the text capture, one word of it edited, for the history views.
    text = (base / "wilson.txt").read_text(encoding="utf-8")
    assert EDITED[0] in text
    (base / "wilson.txt").write_text(text.replace(*EDITED, 1), encoding="utf-8")
    ingest(registry, store)
    return Archive(store)


@pytest.fixture(scope="module")
def url(archive):
    """The app on a free loopback port, served by uvicorn in a thread."""
    import uvicorn

    from pipeline.browse.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(archive), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=url)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def words(text: str) -> str:
    return " ".join(text.split())


def test_a_search_hit_opens_the_pdf_page_with_the_passage_boxed(page, archive, shots):
    import pdfplumber

    page.goto("/")
    page.fill("input[name=q]", "Tumen River")
    page.press("input[name=q]", "Enter")
    hit = page.locator(f"a.hit-link:text-is('{PDF_DOC}')").first
    hit.click()
    pane = page.locator("#pane .pane-body")
    item_id = pane.get_attribute("data-item")
    trace = Snapshot(archive).trace(item_id)
    assert "tumen river" in trace.row["text"].lower()
    figure = page.locator(".pdfpage").first
    assert figure.get_attribute("data-page") == str(trace.locator.page_number)
    image = figure.locator("img")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0
    # Both rectangles read at once, the box relative to the image: the pane scrolls to the
    # box when the image loads, which would move one between two separate reads.
    shown, box = figure.evaluate("""f => {
        const i = f.querySelector('img').getBoundingClientRect();
        const b = f.querySelector('.box.highlight').getBoundingClientRect();
        return [{width: i.width}, {x: b.x - i.x, y: b.y - i.y, width: b.width, height: b.height}];
    }""")
    data = archive.store.read_blob(trace.capture.sha256)
    with pdfplumber.open(io.BytesIO(data), pages=[trace.locator.page_number]) as pdf:
        pdf_page = pdf.pages[0]
        scale = shown["width"] / float(pdf_page.width)
        tumen = [w for w in pdf_page.extract_words() if w["text"].startswith("Tumen")]
    # The archive's bbox, drawn where it belongs on the image (to the pixel)...
    x0, top, x1, bottom = trace.locator.bbox
    assert box["x"] == pytest.approx(x0 * scale, abs=1.5)
    assert box["y"] == pytest.approx(top * scale, abs=1.5)
    assert box["width"] == pytest.approx((x1 - x0) * scale, abs=1.5)
    assert box["height"] == pytest.approx((bottom - top) * scale, abs=1.5)

    # ...covers the PDF's own words "Tumen River" on that page, read independently.
    def inside(word) -> bool:
        cx = (word["x0"] + word["x1"]) / 2 * scale
        cy = (word["top"] + word["bottom"]) / 2 * scale
        return box["x"] <= cx <= box["x"] + box["width"] and box["y"] <= cy <= box["y"] + box["height"]

    assert any(inside(w) for w in tumen), "no 'Tumen' of the page lies in the highlighted box"
    # The running head the extractor removed from the page is marked there, with its rule.
    head = figure.locator(".box.removed-box[title*='running-header']")
    assert head.count() == 1
    assert page.locator(f"[data-id='{item_id}'].selected").count() == 1  # passage or note
    page.screenshot(path=str(shots / "browse-pdf.png"))


def test_an_html_passage_highlights_its_element_in_the_captured_page(page, archive, shots):
    passages = Snapshot(archive).passages(HTML_DOC)
    target = next(p for p in passages if p["kind"] == "paragraph" and p["word_count"] > 40)
    page.goto(f"/doc/{HTML_DOC}")
    page.click(f"#p-{target['passage_id']} a.src")
    frame = page.frame_locator("iframe.capture")
    marked = frame.locator("#archivist-highlight")
    assert words(marked.inner_text()) == words(target["text"])
    assert page.locator("pre.markup").inner_text().startswith("<p")
    # The lineage comes in its own request after the pane: the text seed is the same article.
    from playwright.sync_api import expect

    lineage = page.locator("#pane dd.lineage")
    expect(lineage).not_to_contain_text("look up", timeout=BROWSER_TIMEOUT_MS)
    assert lineage.inner_text().startswith(("first seen in", "too short"))
    page.screenshot(path=str(shots / "browse-html.png"))


def test_a_text_passage_shows_its_lines(page, archive):
    passages = Snapshot(archive).passages(TEXT_DOC)
    target = next(p for p in passages if p["word_count"] > 30)
    page.goto(f"/doc/{TEXT_DOC}?item={target['passage_id']}")
    lines = page.locator("pre.lines .line.hl")
    assert lines.count() >= 1
    shown = words(" ".join(lines.all_inner_texts()))
    assert words(target["text"])[:60] in shown
    assert page.locator(".fixity.ok").inner_text() == "✓ the stored bytes match"


def test_a_footnote_marker_jumps_to_its_note_and_back(page, archive):
    snapshot = Snapshot(archive)
    notes = {n["footnote_id"]: n for n in snapshot.footnotes(PDF_DOC)}
    cited = next(p for p in snapshot.passages(PDF_DOC) if p["footnote_labels"])
    note = next(n for n in notes.values() if cited["passage_id"] in (n["passage_ids"] or ()))
    page.goto(f"/doc/{PDF_DOC}")
    page.click(f"#p-{cited['passage_id']} a.fnref")
    assert page.evaluate("location.hash") == f"#fn-{note['footnote_id']}"
    target = page.locator(f"#fn-{note['footnote_id']}")
    assert target.evaluate("el => el.matches(':target')")
    assert words(target.locator("a.src").inner_text()) == words(note["text"])
    assert target.is_visible() and target.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    target.locator("a.back").first.click()
    assert page.evaluate("location.hash").startswith(f"#ref-{cited['passage_id']}")


def test_scripts_in_an_archived_page_never_run(page, archive, url):
    passages = Snapshot(archive).passages(HOSTILE_DOC)
    target = next(p for p in passages if p["text"].startswith("Families"))
    page.goto(f"/doc/{HOSTILE_DOC}?item={target['passage_id']}")
    frame = page.frame_locator("iframe.capture")
    assert words(frame.locator("#archivist-highlight").inner_text()) == words(target["text"])
    assert frame.locator("html").get_attribute("data-script-ran") is None
    assert frame.locator("body").get_attribute("data-script-ran") is None
    # Opened on its own, outside the sandboxed frame, the page's CSP still forbids scripts.
    page.goto(f"/capture/{target['passage_id']}")
    assert page.locator("#archivist-highlight").inner_text().startswith("Families")
    assert page.locator("html").get_attribute("data-script-ran") is None
    assert page.locator("body").get_attribute("data-script-ran") is None
    policy = httpx.get(f"{url}/capture/{target['passage_id']}", timeout=HTTP_TIMEOUT).headers["content-security-policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy


def test_j_and_k_move_through_passages_and_narrow_windows_fit(page, archive, shots):
    passages = Snapshot(archive).passages(HTML_DOC)
    page.goto(f"/doc/{HTML_DOC}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    second = passages[1]["passage_id"]
    page.wait_for_selector(f"#pane .pane-body[data-item='{second}']")
    assert page.locator(".passage.selected").get_attribute("data-id") == second
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.screenshot(path=str(shots / "browse-narrow.png"))


def test_only_reads_and_only_ids(url):
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as client:
        assert client.post("/").status_code == 405
        missing = client.get("/doc/..%2F..%2Fetc%2Fpasswd")
        assert missing.status_code == 404 and "no document" in missing.text
        assert client.get("/pane/..%2Fcurated").status_code == 404
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
        home = client.get("/")
        assert "script-src 'self'" in home.headers["content-security-policy"]


def test_a_port_in_use_is_a_clear_error(archive):
    from typer.testing import CliRunner

    from pipeline.cli import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["browse", "--port", str(port), "--store",
                                          str(archive.store.root)])
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output.replace("\n", " ")


def test_a_changed_passage_shows_its_words_changed_and_the_version_diff_lists_it(url, archive):
    snapshot = Snapshot(archive)
    edited = next(p for p in snapshot.passages(TEXT_DOC) if EDITED[1] in p["text"])
    kept = next(p for p in snapshot.passages(TEXT_DOC) if "Lagon" not in p["text"])
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as client:
        pane = client.get(f"/pane/{edited['passage_id']}").text
        assert "Changed from document version 1" in pane
        assert "<del>sobering</del>" in pane and "<ins>grim</ins>" in pane
        assert "Unchanged since document version 1" in client.get(f"/pane/{kept['passage_id']}").text
        versions = client.get(f"/diff?doc={TEXT_DOC}").text
        assert "changed passage" in versions and "<ins>grim</ins>" in versions
        assert client.get("/diff?a=x").status_code == 404
        prov = client.get(f"/prov/{TEXT_DOC}").json()
        assert any(TEXT_DOC in key for key in prov["entity"])


def test_an_older_version_is_read_on_every_page(page, archive):
    """The picker reads version 3 (before the text seed's edit): the document, the pane its
    script loads, the search and the links carry the version."""
    page.goto(f"/doc/{TEXT_DOC}")
    assert page.locator(".older").count() == 0
    page.select_option(".picker select[name=version]", "3")
    page.click(".picker button")
    assert "version=3" in page.url
    assert "You are reading archive version 3; the latest is 4" in page.locator(".older").inner_text()
    old = page.locator(f".passage:has-text('{EDITED[0]}')")
    assert old.count() == 1 and page.locator(f".passage:has-text('{EDITED[1]}')").count() == 0
    old.locator("a.src").click()
    history = page.locator("#pane .pane-body p.history")
    assert "document version 1 (archive version 3)" in history.inner_text()
    assert "no earlier version" in history.inner_text()
    page.fill("input[name=q]", EDITED[1])
    page.press("input[name=q]", "Enter")
    assert "version=3" in page.url and page.locator("h1").inner_text().startswith("0 matches")
    page.goto(f"/search?q={EDITED[1].replace(' ', '+')}")
    hit = page.locator("a.hit-link")
    assert hit.all_inner_texts() == [TEXT_DOC]
    assert page.locator("li.hit mark").first.inner_text().lower() == EDITED[1]
    assert page.locator(".older").count() == 0
    page.goto("/?version=3")
    assert page.locator(f"a[href='/doc/{TEXT_DOC}?version=3']").count() == 1
    page.locator("a:text-is('Read the latest')").click()
    assert "version" not in page.url and page.locator("h1").inner_text() == "Archive version 4"


def test_documents_filter_by_status_kind_and_source(page, archive):
    page.goto("/")
    page.select_option("select[name=status]", "changed")
    page.click("form.filter button")
    rows = page.locator("table.documents tbody tr")
    assert rows.count() == 1 and rows.first.locator("td").first.inner_text() == TEXT_DOC
    assert "changed (1)" in page.locator("select[name=status]").inner_text()
    page.goto("/?version=1&status=new&kind=pdf")
    assert page.locator("table.documents tbody td:first-child").all_inner_texts() == [PDF_DOC]
    page.goto("/?status=unchanged&source=HOSTILE")
    assert page.locator("table.documents tbody td:first-child").all_inner_texts() == [HOSTILE_DOC]
    page.goto("/?status=gone")
    assert "status must be one of new, changed, unchanged, failed" in page.locator(".error").inner_text()


@pytest.mark.parametrize("doc_id", [SCAN_DOC, IMAGE_DOC])
def test_ocr_words_show_with_their_confidence(page, archive, shots, doc_id):
    """A scan, whether captured as a PDF or as a page image, is shown as its page with the
    passage and each word OCR read boxed on it."""
    from pipeline.browse.source import PAGE_SCALE, ocr_words

    target = Snapshot(archive).passages(doc_id)[0]
    recorded = ocr_words(target)
    assert [w.text for w in recorded] == target["text"].split()
    page.goto(f"/doc/{doc_id}?item={target['passage_id']}")
    shown = page.locator("#pane .ocr-words .ocrword")
    assert shown.all_inner_texts() == [w.text for w in recorded]
    confidences = [float(c) for c in shown.evaluate_all("els => els.map(e => e.dataset.confidence)")]
    assert confidences == pytest.approx([w.confidence for w in recorded], abs=1e-3)
    assert shown.first.get_attribute("title") == f"confidence {recorded[0].confidence:.2f}"
    # Each word is boxed on the page image, inside the passage's highlighted box.
    figure = page.locator(".pdfpage").first
    size = figure.locator("img").evaluate(
        "img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])")
    assert size == pytest.approx([PAGE[0] * PAGE_SCALE, PAGE[1] * PAGE_SCALE], abs=2)
    outside = figure.evaluate("""f => {
        const h = f.querySelector('.box.highlight').getBoundingClientRect();
        return Array.from(f.querySelectorAll('.box.ocrword')).filter(w => {
            const r = w.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
            return x < h.left - 2 || x > h.right + 2 || y < h.top - 2 || y > h.bottom + 2;
        }).length;
    }""")
    assert figure.locator(".box.ocrword").count() == len(recorded) and outside == 0
    page.screenshot(path=str(shots / f"browse-ocr-{doc_id}.png"))


def test_the_version_diff_shows_a_page_of_documents_at_a_time(page, archive, monkeypatch):
    monkeypatch.setattr("pipeline.browse.app.DIFF_PAGE_SIZE", 2)
    differ = sorted({c.doc_id for c in diff_versions(archive, 1, 4).changes})
    assert len(differ) > 4
    page.goto("/diff?a=1&b=4")
    assert f"{len(differ)} documents differ: {len(differ)} added" in page.locator(".summary").inner_text()
    pages = []
    while True:
        pages.append(page.locator("li.change > a").all_inner_texts())
        more = page.locator("nav.pages a[rel=next]")
        if more.count() == 0:
            break
        more.click()
    assert all(len(shown) == 2 for shown in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    assert [doc for shown in pages for doc in shown] == differ
    assert "a=1" in page.url and "b=4" in page.url
    page.goto("/diff?a=1&b=4&page=99")
    assert f"{len(differ)} documents differ" in page.locator(".error").inner_text()


def test_a_diff_reads_the_documents_whose_version_differs_and_no_others(archive):
    """Found from the runs between the two versions, they are the documents whose latest
    version differs, either way round."""
    latest = Snapshot(archive)
    for a in range(1, latest.version + 1):
        for b in range(1, latest.version + 1):
            old, new = archive.document_versions(a), archive.document_versions(b)
            expected = [(d, old.get(d), new.get(d)) for d in sorted(old.keys() | new.keys())
                        if old.get(d) != new.get(d)]
            found = changed_documents(*compared(latest.at(b), a))
            assert [(d.doc_id, d.old_version, d.new_version) for d in found] == expected, (a, b)
    gone = set(archive.document_versions(3)) - set(archive.document_versions(1))
    backwards = changed_documents(*compared(latest.at(1), 3))
    assert {d.doc_id for d in backwards} == gone and {d.change for d in backwards} == {"removed"}


def test_a_pdf_pane_reads_its_documents_rows_once(url, archive, monkeypatch):
    """The pane of a PDF passage reads the document's rows once for its trace, the boxes
    beside it and its history (it read the documents table three times, the passages three)."""
    import pipeline.query as query

    tables: list[str] = []
    original = query.scan

    def counting(delta, table, *args, **kwargs):
        tables.append(table)
        return original(delta, table, *args, **kwargs)

    from pipeline.browse.index import SearchIndex

    SearchIndex(archive).update()  # it knows each id's document (the first search makes it)
    monkeypatch.setattr(query, "scan", counting)
    item = Snapshot(archive).passages(PDF_DOC)[1]["passage_id"]
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as client:
        assert client.get(f"/pane/{item}").status_code == 200  # the version's document list
        tables.clear()
        pane = client.get(f"/pane/{item}")
    assert pane.status_code == 200 and "box highlight" in pane.text
    assert sorted(tables) == ["captures", "documents", "footnotes", "passages", "passages",
                              "removed"], tables
