"""`rebuild` derives the curated archive again from raw/ and the runs log (#13): a round trip on an
archive of several versions, intact and with a truncated Parquet file."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.archive import Archive, RunWriter
from pipeline.audit import verify
from pipeline.build import ingest_source, plan_ingest, record_result
from pipeline.capture import CaptureOptions
from pipeline.errors import ArchiveError
from pipeline.lineage import link
from pipeline.rebuild import rebuild
from pipeline.registry import load_registry
from pipeline.store import Store


def ingest(registry: Path, store: Store) -> int:
    """The ingest flow's steps without Prefect: capture, build, link, one commit."""
    reg = load_registry(registry)
    archive = Archive(store)
    run = RunWriter(f"run-{len(archive.runs()) + 1}", datetime.now(timezone.utc), str(registry))
    for work in plan_ingest(reg, archive, run.started_at):
        record_result(run, ingest_source(work, store, CaptureOptions(
            allowed_roots=reg.allowed_roots)))
    link(archive, run)
    return archive.commit(run)


def edit(registry: Path, source_id: str, old: str, new: str) -> None:
    seed = Path(next(s.uri for s in load_registry(registry).sources if s.id == source_id))
    seed.write_text(seed.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def versions(corpus: Path, store: Store) -> Archive:
    """Version 1: the corpus; 2: one seed edited; a run that changed nothing; 3: another edit."""
    assert ingest(corpus, store) == 1
    edit(corpus, "wilson-2008-struggle-for-survival", " the ", " the very ")
    assert ingest(corpus, store) == 2
    assert ingest(corpus, store) == 2  # recorded, no new version
    edit(corpus, "hrnk-2009-lives-for-sale", " the ", " a ")
    assert ingest(corpus, store) == 3
    return Archive(store)


def ids_per_version(archive: Archive) -> dict[int, list[str]]:
    return {v: sorted(archive.read("passages", v)["passage_id"].to_pylist()) for v in (1, 2, 3)}


def test_rebuild_of_an_intact_archive_gives_the_same_versions(versions: Archive):
    before = ids_per_version(versions)
    runs = [(r["run_id"], r["archive_version"], r["committed_at"]) for r in versions.runs()]

    result = rebuild(versions)

    assert result.ok and [c.archive_version for c in result.checks] == [1, 2, 3]
    assert all(c.matches for c in result.checks)
    assert ids_per_version(versions) == before
    assert [(r["run_id"], r["archive_version"], r["committed_at"])
            for r in versions.runs()] == runs
    assert result.kept_at.is_dir() and (result.kept_at / "passages").is_dir()  # the old set
    assert verify(versions) == []


def test_rebuild_mends_a_truncated_parquet_file(versions: Archive):
    before = ids_per_version(versions)
    damaged = sorted(Path(versions.curated, "passages").glob("*.parquet"))[0]
    damaged.write_bytes(damaged.read_bytes()[:100])
    with pytest.raises(ArchiveError):
        versions.read("passages", 3)
    assert any(p.path.endswith(damaged.name) for p in verify(versions))

    result = rebuild(versions)

    assert result.ok, result.checks
    assert any("unreadable before" in c.detail for c in result.checks)
    assert ids_per_version(versions) == before
    assert verify(versions) == []
    assert (result.kept_at / "passages" / damaged.name).stat().st_size == 100  # kept as it was


def test_a_damaged_log_table_stops_the_rebuild_and_changes_nothing(versions: Archive):
    damaged = sorted(Path(versions.curated, "captures").glob("*.parquet"))[0]
    damaged.write_bytes(damaged.read_bytes()[:100])
    listing = sorted(p.name for p in Path(versions.curated).parent.iterdir())
    with pytest.raises(ArchiveError, match="captures table, part of the runs log"):
        rebuild(versions)
    assert sorted(p.name for p in Path(versions.curated).parent.iterdir()) == listing
