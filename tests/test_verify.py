"""`archivist verify` and the verify flow name every changed, missing or extra raw file and
every corrupted Parquet file, and exit non-zero."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.archive import Archive
from pipeline.audit import verify
from pipeline.cli import app
from pipeline.store import Store


def ingest_here(registry: Path, store: Store, run_id: str) -> int:
    """Capture, build and commit every source of ``registry`` (the flow's steps, no Prefect)."""
    from pipeline.archive import RunWriter
    from pipeline.build import build_document
    from pipeline.capture import capture
    from pipeline.registry import load_registry

    archive = Archive(store)
    run = RunWriter(run_id, datetime.now(timezone.utc))
    for source in load_registry(registry).sources:
        captured = capture(source, store)
        built = build_document(captured, store, None)
        run.add_capture(captured)
        run.add_document(built.document, source, captured, built.doc_version)
    return archive.commit(run)


@pytest.fixture
def damaged(corpus, store: Store) -> dict[str, Path]:
    """An archive of the sample corpus with one of each kind of damage."""
    ingest_here(corpus, store, "run-1")
    blobs = [Path(p) for p in store.blobs()]
    blobs[0].write_bytes(blobs[0].read_bytes() + b" ")
    blobs[1].unlink()
    extra = Path(store.raw) / "sha256" / "00" / "stray.txt"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("not a blob")
    parquet = sorted((Path(store.curated) / "passages").glob("*.parquet"))[0]
    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])
    return {"changed": blobs[0], "missing": blobs[1], "extra": extra, "unreadable": parquet}


def test_verify_names_each_kind_of_damage(damaged, store):
    found = {(p.kind, Path(p.path).name) for p in verify(Archive(store))}
    assert found == {(kind, path.name) for kind, path in damaged.items()}


def test_cli_verify_exits_1_naming_each_problem(damaged, store):
    result = CliRunner().invoke(app, ["verify", "--store", str(store.root)])
    assert result.exit_code == 1
    for kind, path in damaged.items():
        assert kind in result.output and path.name in result.output


def test_cli_verify_passes_on_an_intact_archive(corpus, store):
    ingest_here(corpus, store, "run-1")
    result = CliRunner().invoke(app, ["verify", "--store", str(store.root)])
    assert result.exit_code == 0 and "match their SHA-256" in result.output


def test_verify_flow_fails_naming_the_damage(damaged, store, prefect_harness):
    from flows.verify import verify_store
    from pipeline.errors import AuditError

    with pytest.raises(AuditError, match="4 problem") as error:
        verify_store(str(store.root))
    for path in damaged.values():
        assert path.name in error.value.message


def test_verify_flow_can_be_scheduled_with_cron():
    from prefect.client.schemas.schedules import CronSchedule

    from flows.verify import verify_store

    deployment = verify_store.to_deployment(name="nightly", cron="0 4 * * *",
                                            parameters={"store": "/srv/archive"})
    schedule = deployment.schedules[0].schedule
    assert isinstance(schedule, CronSchedule) and schedule.cron == "0 4 * * *"
    assert deployment.parameters == {"store": "/srv/archive"}
