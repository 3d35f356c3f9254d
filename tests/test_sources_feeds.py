"""Sitemap and feed sources, served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from pipeline.capture import CaptureOptions
from pipeline.registry import load_registry
from pipeline.sources import expand

PAGE = ("<html><head><title>{0}</title></head><body><article><h1>{0}</h1>"
        + "<p>{0}: a page long enough for the extractor to keep as the main content of it.</p>" * 3
        + "</article></body></html>")
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
XML = {"Content-Type": "application/xml"}


def urlset(*entries: tuple[str, str | None]) -> bytes:
    rows = "".join(f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "")
                   + "</url>" for loc, mod in entries)
    return f'<?xml version="1.0"?><urlset {NS}>{rows}</urlset>'.encode()


def index(*locs: str) -> bytes:
    rows = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex {NS}>{rows}</sitemapindex>'.encode()


def entry_of(tmp_path: Path, kind: str, uri: str):  # noqa: ANN201 - (Source, CaptureOptions)
    path = tmp_path / "sources.toml"
    path.write_text(f'[settings]\nallow_private_hosts = ["127.0.0.1"]\n\n[[source]]\n'
                    f'id = "site"\nkind = "{kind}"\nuri = "{uri}"\n')
    reg = load_registry(path)
    return reg.sources[0], CaptureOptions(allow_private_hosts=reg.allow_private_hosts,
                                          allowed_roots=reg.allowed_roots, retries=0)


def test_a_gzipped_sitemap_index_and_its_sitemaps(tmp_path, store, http_server) -> None:
    base, routes = http_server
    routes["/sitemap.xml"] = (200, XML, index(f"{base}/a.xml.gz", f"{base}/b.xml",
                                              f"{base}/sitemap.xml", f"{base}/missing.xml"))
    routes["/a.xml.gz"] = (200, {"Content-Type": "application/x-gzip"}, gzip.compress(
        urlset((f"{base}/p1", "2024-03-01"), (f"{base}/p2?b=1&a=2", "2024-03-02T10:00:00Z"))))
    routes["/b.xml"] = (200, XML, urlset((f"{base}/p3", None), (f"{base}/p1", None),
                                         ("javascript:alert(1)", None)))
    entry, options = entry_of(tmp_path, "sitemap", f"{base}/sitemap.xml")
    expansion = expand(entry, store, options)
    host = base.removeprefix("http://")
    children = {c.source.id: c for c in expansion.children}
    assert sorted(children) == [f"site/{host}/p1", f"site/{host}/p2?a=2&b=1", f"site/{host}/p3"]
    assert children[f"site/{host}/p1"].lastmod.isoformat() == "2024-03-01T00:00:00+00:00"
    assert children[f"site/{host}/p3"].lastmod is None
    assert expansion.counts["repeated sitemap"] == 1 and expansion.counts["duplicate url"] == 1
    messages = [f.message for f in expansion.failures]
    assert len(messages) == 2
    assert any("missing.xml answered HTTP 404" in m for m in messages)
    assert any("javascript:alert(1)" in m for m in messages)


def test_a_sitemap_index_of_100000_sitemaps_is_bounded(tmp_path, store, http_server,
                                                        monkeypatch) -> None:
    from pipeline.sources import feeds

    monkeypatch.setattr(feeds, "MAX_SITEMAPS", 20)
    base, routes = http_server
    routes["/sitemap.xml"] = (200, XML, index(*(f"{base}/s{n}.xml" for n in range(100_000))))
    for n in range(30):
        routes[f"/s{n}.xml"] = (200, XML, urlset((f"{base}/page{n}", None)))
    entry, options = entry_of(tmp_path, "sitemap", f"{base}/sitemap.xml")
    expansion = expand(entry, store, options)
    assert len(expansion.children) == 19   # the index itself is one of the 20 fetched
    [failure] = expansion.failures
    assert "over 20 sitemaps" in failure.message and "skipped 99,981" in failure.message


def test_rss_and_atom_feeds_and_a_billion_laughs_feed_is_refused(tmp_path, store,
                                                                 http_server) -> None:
    base, routes = http_server
    routes["/rss"] = (200, XML, f"""<?xml version="1.0"?><rss version="2.0"><channel>
        <title>News</title><item><title>First</title><link>{base}/n1</link>
        <pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>
        <item><title>Second</title><link>{base}/n2</link></item></channel></rss>""".encode())
    routes["/atom"] = (200, XML, f"""<?xml version="1.0"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Log</title>
        <entry><title>Post</title><link rel="alternate" href="{base}/post"/>
        <link rel="edit" href="{base}/edit/post"/><updated>2024-04-01T08:00:00Z</updated></entry>
        </feed>""".encode())
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    routes["/bomb"] = (200, XML, f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">
        {laughs}]><rss><channel><item><title>&l9;</title><link>{base}/x</link></item>
        </channel></rss>""".encode())
    routes["/entity"] = (200, XML, f"""<?xml version="1.0"?><!DOCTYPE rss [
        <!ENTITY e SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&e;</title>
        <link>{base}/x</link></item></channel></rss>""".encode())
    host = base.removeprefix("http://")

    entry, options = entry_of(tmp_path, "feed", f"{base}/rss")
    rss = expand(entry, store, options)
    assert [(c.source.id, c.source.metadata["title"]) for c in rss.children] == [
        (f"site/{host}/n1", "First"), (f"site/{host}/n2", "Second")]
    assert rss.children[0].lastmod.isoformat() == "2024-03-05T10:00:00+00:00"
    entry, options = entry_of(tmp_path, "feed", f"{base}/atom")
    atom = expand(entry, store, options)
    assert [c.source.uri for c in atom.children] == [f"{base}/post"]
    for path, expected in (("/bomb", "amplification"), ("/entity", "declares XML entities")):
        entry, options = entry_of(tmp_path, "feed", f"{base}{path}")
        refused = expand(entry, store, options)
        assert not refused.children
        [failure] = refused.failures
        assert expected in failure.message and failure.source_id == "site"


@pytest.mark.usefixtures("prefect_harness")
def test_sitemap_pages_are_refetched_only_when_lastmod_moves(tmp_path: Path, store,
                                                              http_server) -> None:
    from flows.ingest import run_ingest

    base, routes = http_server
    host = base.removeprefix("http://")
    routes["/sitemap.xml"] = (200, XML, urlset((f"{base}/a", "2024-01-01"), (f"{base}/b", "2024-01-01")))
    routes["/a"] = (200, {"Content-Type": "text/html"}, PAGE.format("Alpha").encode())
    routes["/b"] = (200, {"Content-Type": "text/html"}, PAGE.format("Beta").encode())
    registry = tmp_path / "sources.toml"
    registry.write_text('[settings]\nallow_private_hosts = ["127.0.0.1"]\n\n[[source]]\n'
                        f'id = "site"\nkind = "sitemap"\nuri = "{base}/sitemap.xml"\n')
    first = run_ingest(str(registry), str(store.root), 2)
    assert first.ok and first.count("new") == 2

    # both pages change, but the sitemap says only b did: a is not even fetched
    routes["/a"] = (200, {"Content-Type": "text/html"}, PAGE.format("Alpha two").encode())
    routes["/b"] = (200, {"Content-Type": "text/html"}, PAGE.format("Beta two").encode())
    routes["/sitemap.xml"] = (200, XML, urlset((f"{base}/a", "2024-01-01"), (f"{base}/b", "2099-01-01")))
    second = run_ingest(str(registry), str(store.root), 2)
    assert second.outcomes == {f"site/{host}/a": "unchanged", f"site/{host}/b": "changed"}
