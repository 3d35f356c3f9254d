"""Crash safety and concurrency with real processes: SIGKILL mid-write and mid-commit, and two
ingests of overlapping registries at the same time."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.archive import Archive
from pipeline.audit import verify
from pipeline.store import INCOMING, Store

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 120
"""Upper bound for a child to reach the point where it is killed (a slow CI disk)."""

INGEST = textwrap.dedent('''
    from datetime import datetime, timezone
    from pipeline.archive import Archive, RunWriter
    from pipeline.build import ingest_source, plan_ingest, record_result
    from pipeline.capture import CaptureOptions
    from pipeline.registry import load_registry
    from pipeline.store import Store

    def ingest(registry, root, run_id, before_commit=lambda: None):
        """The ingest flow's steps without Prefect: capture, build, one commit."""
        store = Store.at(root)
        reg = load_registry(registry)
        archive = Archive(store)
        run = RunWriter(run_id, datetime.now(timezone.utc), str(registry))
        options = CaptureOptions(allowed_roots=reg.allowed_roots)
        for work in plan_ingest(reg, archive, run.started_at):
            record_result(run, ingest_source(work, store, options))
        before_commit()
        return archive.commit(run)
''')


@contextmanager
def python(code: str, *args: str) -> Iterator[subprocess.Popen]:
    """A child running ``code``; killed (if still running) and reaped on the way out, its
    pipes closed, whether or not the test's assertions held."""
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield child
    finally:
        child.kill()
        child.communicate()


def ingest_here(registry: Path, store: Store, run_id: str) -> int:
    namespace: dict = {}
    exec(INGEST, namespace)  # the same steps the children run
    return namespace["ingest"](registry, store.root, run_id)


def test_sigkill_while_writing_raw_bytes_leaves_no_partial_blob(store: Store):
    size = 256 * 1024 * 1024
    incoming = Path(store.raw) / INCOMING
    partial = []
    with python("import sys\nfrom pipeline.store import Store\n"
                "Store.at(sys.argv[1]).put_blob(b'x' * int(sys.argv[2]))",
                str(store.root), str(size)) as child:
        deadline = time.monotonic() + WAIT_S
        while not partial and child.poll() is None and time.monotonic() < deadline:
            partial = [p for p in incoming.glob("*") if 0 < p.stat().st_size] if incoming.exists() else []
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert partial, "the child finished before it could be killed mid-write"
    assert store.blobs() == []
    assert verify(Archive(store)) == []

    sha = store.put_blob(b"x" * size)  # the next attempt completes the work
    assert sha == hashlib.sha256(b"x" * size).hexdigest() and len(store.blobs()) == 1
    assert verify(Archive(store)) == []


def test_sigkill_during_commit_keeps_the_previous_version_and_the_next_run_completes(corpus, store):
    ingest_here(corpus, store, "run-1")
    archive = Archive(store)
    passages_v1 = sorted(archive.read("passages")["passage_id"].to_pylist())
    changed = sorted(corpus.parent.glob("seeds/*.txt"))[0]
    head, rest = changed.read_text().split("\n\n", 1)
    changed.write_text(head + "\n\nThe committee published a second report in 2010 describing "
                       "forty further cases of trafficking along the border, with testimony "
                       "from women who had reached Seoul.\n\n" + rest)

    with python(INGEST + textwrap.dedent('''
            import sys, time
            import pipeline.archive as archive_module
            real_write = archive_module.write_deltalake

            def write_then_stall(uri, data, **options):
                """deltalake's write, then a report, then a stall once passages are in."""
                real_write(uri, data, **options)
                print("appended", uri.rstrip("/").rsplit("/", 1)[-1], flush=True)
                if uri.rstrip("/").endswith("passages"):
                    time.sleep(600)

            archive_module.write_deltalake = write_then_stall
            ingest(sys.argv[1], sys.argv[2], "run-killed")
        '''), str(corpus), str(store.root)) as child:
        appended = []
        while "passages" not in appended:
            line = child.stdout.readline()
            assert line, f"child ended early after {appended}: {child.stderr.read()}"
            appended.append(line.split()[-1])
        child.send_signal(signal.SIGKILL)
        child.wait()

    archive = Archive(store)
    assert archive.latest_version() == 1
    assert sorted(archive.read("passages")["passage_id"].to_pylist()) == passages_v1
    assert set(archive.read("documents")["doc_version"].to_pylist()) == {1}
    assert verify(archive) == []

    assert ingest_here(corpus, store, "run-2") == 2
    documents = archive.current("documents").to_pylist()
    assert sorted(d["doc_version"] for d in documents) == [1, 1, 1, 1, 2]
    current = archive.current("passages")["passage_id"].to_pylist()
    assert len(current) == len(set(current))
    assert "run-killed" not in set(archive.read("passages")["run_id"].to_pylist())


def write_sources(folder: Path, numbers: range) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for n in numbers:
        (folder / f"doc{n}.txt").write_text(
            f"Document {n}\n\nThe first paragraph of document {n}.\n\nA second one, {n * 7}.\n")
        entries.append(f'[[source]]\nid = "doc-{n}"\nuri = "doc{n}.txt"\n')
    registry = folder / "sources.toml"
    registry.write_text("\n".join(entries))
    return registry


def test_two_runs_numbered_from_the_same_snapshot_do_not_duplicate_documents(tmp_path, store):
    from pipeline.archive import RunWriter
    from pipeline.build import build_document
    from pipeline.capture import capture
    from pipeline.registry import load_registry

    reg = load_registry(write_sources(tmp_path / "docs", range(3)))
    snapshot = Archive(store).latest_documents()  # both runs start from the empty archive
    runs = []
    for run_id in ("a", "b"):
        run = RunWriter(run_id, datetime.now(timezone.utc))
        for source in reg.sources:
            captured = capture(source, store)
            built = build_document(captured, store, snapshot.get(source.id))
            run.add_capture(captured)
            run.add_document(built.document, source, captured, built.doc_version)
        runs.append(run)
    archive = Archive(store)
    # The second run finds the first's documents and changes nothing: recorded, no new version.
    assert [archive.commit(run) for run in runs] == [1, 1]
    assert [r["new_version"] for r in archive.runs()] == [True, False]
    assert set(runs[1].outcomes.values()) == {"unchanged"}
    assert archive.read("documents").num_rows == 3
    assert set(archive.read("passages")["run_id"].to_pylist()) == {"a"}


@pytest.mark.slow
def test_two_ingests_of_overlapping_registries_at_once_lose_and_duplicate_nothing(tmp_path):
    first = write_sources(tmp_path / "a", range(0, 30))
    second = write_sources(tmp_path / "b", range(15, 45))
    store = Store.at(tmp_path / "store")
    go = tmp_path / "go"
    # Both children build everything, then wait for each other before committing.
    code = INGEST + textwrap.dedent('''
        import sys, time
        from pathlib import Path
        go = Path(sys.argv[3])
        def barrier():
            Path(f"{go}.{sys.argv[4]}").touch()
            while len(list(go.parent.glob(go.name + ".*"))) < 2:
                time.sleep(0.01)
        print(ingest(sys.argv[1], sys.argv[2], sys.argv[4], barrier))
    ''')
    versions = []
    with ExitStack() as stack:
        children = [stack.enter_context(python(code, str(reg), str(store.root), str(go), run_id))
                    for reg, run_id in ((first, "run-a"), (second, "run-b"))]
        for child in children:
            out, errors = child.communicate(timeout=WAIT_S)
            assert child.returncode == 0, errors
            versions.append(int(out.split()[-1]))
    assert sorted(versions) == [1, 2]

    reference = Store.at(tmp_path / "reference")
    ingest_here(first, reference, "ref-a")
    ingest_here(second, reference, "ref-b")
    archive, expected = Archive(store), Archive(reference)
    documents = archive.current("documents").to_pylist()
    assert sorted(d["doc_id"] for d in documents) == sorted(
        d["doc_id"] for d in expected.current("documents").to_pylist())
    assert len(documents) == 45 and {d["doc_version"] for d in documents} == {1}
    columns = ["passage_id", "doc_id", "doc_version", "text", "char_start", "char_end"]
    got = archive.current("passages").select(columns).to_pylist()
    assert len(got) == len({p["passage_id"] for p in got})
    assert sorted(got, key=str) == sorted(
        expected.current("passages").select(columns).to_pylist(), key=str)
    assert verify(archive) == []
