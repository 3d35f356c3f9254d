"""Folder and URL-list sources: real files made here, real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.capture import CaptureOptions
from pipeline.registry import load_registry
from pipeline.sources import expand

PAGE = ("<html><head><title>{0}</title></head><body><article><h1>{0}</h1>"
        + "<p>{0}: a page long enough for the extractor to keep as the main content of it.</p>" * 3
        + "</article></body></html>")


def entry_of(folder: Path, text: str):  # noqa: ANN201 - (Source, CaptureOptions)
    path = folder / "sources.toml"
    path.write_text(text)
    reg = load_registry(path)
    return reg.sources[0], CaptureOptions(allow_private_hosts=reg.allow_private_hosts,
                                          allowed_roots=reg.allowed_roots)


def test_a_folder_expands_by_relative_path_with_globs_and_refuses_symlinks_out(
        tmp_path: Path, store) -> None:
    docs = tmp_path / "docs"
    (docs / "reports" / "drafts").mkdir(parents=True)
    (docs / "index.html").write_text(PAGE.format("Index"))
    (docs / "reports" / "annual.txt").write_text("Annual report\n\nAll is well.\n")
    (docs / "reports" / "drafts" / "next.txt").write_text("Draft\n")
    (docs / "notes.bin").write_bytes(b"\0\1")
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the folder")
    os.symlink(secret, docs / "reports" / "leak.txt")
    os.symlink(docs / "index.html", docs / "home.html")   # inside: fine
    entry, options = entry_of(tmp_path, '[[source]]\nid = "docs"\nkind = "folder"\nuri = "docs"\n'
                                        'include = ["*.html", "*.txt"]\nexclude = ["*/drafts/*"]\n')
    expansion = expand(entry, store, options)
    assert [c.source.id for c in expansion.children] == [
        "docs/home.html", "docs/index.html", "docs/reports/annual.txt"]
    assert expansion.children[2].source.uri == str(docs / "reports" / "annual.txt")
    [failure] = expansion.failures
    assert failure.source_id == "docs/reports/leak.txt" and "outside" in failure.message
    assert expansion.counts["refused symlink"] == 1


@pytest.mark.usefixtures("prefect_harness")
def test_a_folder_entry_ingests_and_reruns_unchanged(tmp_path: Path, store) -> None:
    from flows.ingest import run_ingest
    from pipeline.archive import Archive

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.html").write_text(PAGE.format("Alpha"))
    (docs / "b.txt").write_text("Beta notes\n\nThe second file of the folder.\n")
    (tmp_path / "sources.toml").write_text('[[source]]\nid = "docs"\nkind = "folder"\nuri = "docs"\n')
    from typer.testing import CliRunner

    from pipeline.cli import app

    first = CliRunner().invoke(app, ["ingest", str(tmp_path / "sources.toml"), "--store",
                                     str(store.root), "--workers", "2"])
    assert first.exit_code == 0, first.output
    assert sorted(Archive(store).document_versions()) == ["docs/a.html", "docs/b.txt"]
    (docs / "b.txt").write_text("Beta notes\n\nThe second file, edited.\n")
    second = run_ingest(str(tmp_path / "sources.toml"), str(store.root), 2)
    assert second.outcomes == {"docs/a.html": "unchanged", "docs/b.txt": "changed"}


def test_a_url_list_and_a_csv_with_a_malformed_row(tmp_path: Path, store) -> None:
    (tmp_path / "urls.txt").write_text("# crawl list\nhttps://Example.org/a?y=2&x=1\n\n"
                                       "ftp://example.org/file\nhttps://example.org/b\n"
                                       "https://example.org/b#again\n")
    entry, options = entry_of(tmp_path, '[[source]]\nid = "list"\nkind = "urls"\nuri = "urls.txt"\n')
    expansion = expand(entry, store, options)
    assert [c.source.id for c in expansion.children] == ["list/example.org/a?x=1&y=2",
                                                         "list/example.org/b"]
    assert [c.source.uri for c in expansion.children][0] == "https://Example.org/a?y=2&x=1"
    [failure] = expansion.failures
    assert "urls.txt line 4" in failure.message and "no http(s) URL" in failure.message
    assert expansion.counts["duplicate url"] == 1

    (tmp_path / "urls.csv").write_text('url,id,title\nhttps://example.org/r1,report-1,"First, report"\n'
                                       "https://example.org/r2,report-2,Second,extra\n"
                                       "https://example.org/r3,,\n")
    entry, options = entry_of(tmp_path, '[[source]]\nid = "csv"\nkind = "urls"\nuri = "urls.csv"\n')
    expansion = expand(entry, store, options)
    assert [(c.source.id, c.source.metadata.get("title")) for c in expansion.children] == [
        ("csv/report-1", "First, report"), ("csv/example.org/r3", None)]
    [failure] = expansion.failures
    assert "urls.csv line 3" in failure.message and "more" in failure.message


@pytest.mark.usefixtures("prefect_harness")
def test_url_list_entries_are_fetched_under_the_http_rules(tmp_path: Path, store, http_server) -> None:
    from flows.ingest import run_ingest

    base, routes = http_server
    routes["/a"] = (200, {"Content-Type": "text/html"}, PAGE.format("Served").encode())
    (tmp_path / "urls.txt").write_text(f"{base}/a\n{base}/gone\n")
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nid = "list"\nkind = "urls"\nuri = "urls.txt"\n')
    refused = run_ingest(str(path), str(store.root), 2)
    assert all(outcome == "failed" for outcome in refused.outcomes.values())
    assert any("non-public address" in f[3] for f in refused.failures)

    path.write_text('[settings]\nallow_private_hosts = ["127.0.0.1"]\n\n' + path.read_text())
    summary = run_ingest(str(path), str(store.root), 2)
    host = base.removeprefix("http://")
    assert summary.outcomes[f"list/{host}/a"] == "new"
    assert summary.outcomes[f"list/{host}/gone"] == "failed"


@pytest.mark.parametrize("entry, message", [
    ('kind = "folder"\nuri = "docs"\nkeep_warc = true', "applies to kind warc or wacz only"),
    ('kind = "folder"\nuri = "docs"\ninclude = "*.html"', "must be a list of globs"),
    ('kind = "sitemap"\nuri = "sitemap.xml"', "its uri must be http"),
    ('kind = "warc"\nuri = "https://example.org/crawl.warc.gz"', "reads a local path"),
    ('kind = "zip"\nuri = "docs"', "is not one of"),
])
def test_bulk_entries_are_checked_when_the_registry_is_read(tmp_path: Path, entry: str,
                                                            message: str) -> None:
    from pipeline.errors import RegistryError

    with pytest.raises(RegistryError, match=message):
        entry_of(tmp_path, f'[[source]]\nid = "e"\n{entry}\n')
