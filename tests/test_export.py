"""Handoff and releases on the sample corpus: JSONL export with checksums, PROV-JSON, tags,
vacuum that keeps tagged versions readable, and reprocess without fetching."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from prov.model import ProvDocument

from pipeline.archive import Archive
from pipeline.errors import ArchiveError
from pipeline.export import export, provenance
from pipeline.releases import compact, plan_vacuum, tag, tagged_version, vacuum
from pipeline.reprocess import reprocess
from pipeline.store import Store

DOC = "wilson-2008-struggle-for-survival"


@pytest.fixture
def two_versions(corpus: Path, tmp_path: Path, prefect_harness) -> Archive:
    """Version 1: the corpus; version 2: one seed edited."""
    from flows.ingest import run_ingest
    from pipeline.registry import load_registry

    store = tmp_path / "store"
    run_ingest(str(corpus), str(store))
    seed = Path(next(s.uri for s in load_registry(corpus).sources if s.id == DOC))
    seed.write_text(seed.read_text(encoding="utf-8").replace(" the ", " the very ", 1),
                    encoding="utf-8")
    assert run_ingest(str(corpus), str(store)).outcomes[DOC] == "changed"
    return Archive(Store.at(store))


@pytest.mark.slow
def test_jsonl_export_with_checksums_and_card(two_versions: Archive, tmp_path: Path):
    out = tmp_path / "handoff"
    result = export(two_versions, out, 1, fmt="jsonl")
    passages = (out / "tables" / "passages.jsonl").read_text().splitlines()
    assert len(passages) == result.row_counts["passages"] == \
        two_versions.current("passages", 1).num_rows
    assert json.loads(passages[0])["doc_version"] == 1
    sums = dict(reversed(line.split("  ", 1)) for line in
                (out / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == set(result.files) and "schemas/passages.json" in sums
    for name, digest in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    card = (out / "README.md").read_text()
    assert DOC in card and "| passage_id |" in card and "read_json" in card
    with pytest.raises(ArchiveError):
        export(two_versions, out, 1)  # never writes into a non-empty folder


@pytest.mark.slow
def test_prov_json_round_trips_and_reaches_passages(two_versions: Archive):
    document = provenance(two_versions, DOC)
    text = document.serialize(format="json")
    loaded = ProvDocument.deserialize(content=text, format="json")
    assert loaded == document
    data = json.loads(text)
    versions = [k for k in data["entity"] if k.startswith(f"arch:document/{DOC}/")]
    assert sorted(versions) == [f"arch:document/{DOC}/v1", f"arch:document/{DOC}/v2"]
    assert any(d["prov:usedEntity"] == f"arch:document/{DOC}/v1" and
               d["prov:generatedEntity"] == f"arch:document/{DOC}/v2"
               for d in data["wasDerivedFrom"].values())  # PROV-JSON writes revisions so
    passages = [k for k in data["entity"] if k.startswith("arch:passage/")]
    derived = {d["prov:generatedEntity"] for d in data["wasDerivedFrom"].values()}
    assert passages and set(passages) <= derived
    agents = {a["arch:name"] for a in data["agent"].values()}
    assert {"archivist", "text"} <= agents


@pytest.mark.slow
def test_vacuum_keeps_tagged_and_latest_versions_readable(two_versions: Archive):
    archive = two_versions
    tag(archive, "first", 1, note="the original corpus")
    assert tagged_version(archive, "first") == 1
    with pytest.raises(ArchiveError):
        tag(archive, "first", 2)
    before = {v: archive.current("passages", v).num_rows for v in (1, 2)}
    assert plan_vacuum(archive).files == ()  # append-only: nothing unreferenced yet
    latest = compact(archive)
    assert latest == 3 and archive.current("passages", 3).num_rows == before[2]
    plan = plan_vacuum(archive)
    assert plan.protected_versions == (1, 3) and plan.files
    assert all(Path(path).exists() for path, _ in plan.files)  # planning deletes nothing
    assert vacuum(archive, plan) == len(plan.files)
    assert not any(Path(path).exists() for path, _ in plan.files)
    assert archive.current("passages", 1).num_rows == before[1]
    assert archive.current("passages", 3).num_rows == before[2]
    assert plan_vacuum(archive).files == ()


@pytest.mark.slow
def test_reprocess_without_changes_adds_no_document_version(two_versions: Archive):
    before = two_versions.document_versions()
    summary = reprocess(two_versions)
    assert summary.count("unchanged") == 5 and summary.count("changed") == 0
    assert two_versions.document_versions() == before
    assert two_versions.latest_version() == 2 and not summary.new_version
    since = reprocess(two_versions, since_version=2)  # only the document version 2 wrote
    assert list(since.outcomes) == [DOC]
