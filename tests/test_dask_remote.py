"""``archivist ingest --address``: the flow on a Dask cluster that was already running.

The scheduler and two workers are separate processes started with the ``dask`` command, as
docs/scale-out.md shows; the workers run from an empty folder, without ``PREFECT_API_URL`` and
with their own ``PREFECT_HOME``, so the run has to bring them everything they need.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.archive import Archive
from pipeline.errors import PipelineError
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BIN = Path(sys.executable).parent
WORKER_NAMES = ("remote-1", "remote-2")
START_TIMEOUT_S = 90
"""Guards against a hang only: the cluster is up in a few seconds on an idle machine."""

pytestmark = pytest.mark.slow


@dataclass
class Cluster:
    address: str
    folder: Path


def _start(command: list[str], log: Path, **kwargs) -> subprocess.Popen:
    # A session of its own, so that cleanup ends a worker together with its nanny's child.
    with open(log, "ab") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, **kwargs)


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group, SIGKILL to those still there 20 s later."""
    for process in reversed(processes):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in reversed(processes):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _scheduler(folder: Path, processes: list[subprocess.Popen], env: dict[str, str]) -> str:
    """Start ``dask scheduler`` on a free port; its address, read from the scheduler file."""
    scheduler_file = folder / "scheduler.json"
    processes.append(_start(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
        folder / "scheduler.log", env=env, cwd=folder))
    deadline = time.monotonic() + START_TIMEOUT_S
    while not scheduler_file.exists():
        assert processes[-1].poll() is None, (folder / "scheduler.log").read_text()
        assert time.monotonic() < deadline, "dask scheduler wrote no scheduler file"
        time.sleep(0.1)
    return json.loads(scheduler_file.read_text())["address"]


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker --nthreads 1`` processes on 127.0.0.1."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask-cluster")
    worker_cwd = folder / "worker-cwd"
    worker_cwd.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(folder / "worker-prefect-home"), PYTHONPATH=str(ROOT))
    processes: list[subprocess.Popen] = []
    try:
        address = _scheduler(folder, processes, env)
        for name in WORKER_NAMES:
            processes.append(_start(
                [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--name", name,
                 "--dashboard-address", "127.0.0.1:0", "--local-directory", str(folder / name)],
                folder / f"{name}.log", env=env, cwd=worker_cwd))
        with Client(address, set_as_default=False) as client:
            client.wait_for_workers(len(WORKER_NAMES), timeout=START_TIMEOUT_S)
        yield Cluster(address, folder)
    finally:
        _stop(processes)


def _archivist(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "archivist"), *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=300)


def _tasks_run_by_worker(address: str) -> dict[str, int]:
    """Worker name -> tasks it has executed, as each worker process counts them itself."""
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        counts = client.run(lambda dask_worker: (dask_worker.name, dask_worker.state.executed_count))
    return dict(counts.values())


def _write_sources(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(ROOT / "examples" / "html" / "000_wilson_event.html", folder / "event.html")
    shutil.copy(FIXTURES / "text" / "news_daily_example.txt", folder / "news.txt")
    pdf = canvas.Canvas(str(folder / "report.pdf"), pagesize=A4)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 760, "Brokers in Jilin province arrange marriages for a fee.")
    pdf.drawString(72, 745, "Most women interviewed had been sold more than once.")
    pdf.showPage()
    pdf.save()
    whole = (folder / "report.pdf").read_bytes()
    (folder / "broken.pdf").write_bytes(whole[:len(whole) // 2])
    entries = [("event", "event.html", "html"), ("news", "news.txt", "text"),
               ("report", "report.pdf", "pdf"), ("broken", "broken.pdf", "pdf")]
    registry = folder / "sources.toml"
    registry.write_text("\n".join(f'[[source]]\nid = "{source_id}"\nuri = "{uri}"\nkind = "{kind}"\n'
                                  for source_id, uri, kind in entries))
    return registry


def _client_env() -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}


def test_ingest_runs_on_the_workers_of_a_running_cluster(dask_cluster, prefect_harness, tmp_path):
    _write_sources(tmp_path / "sources")
    before = _tasks_run_by_worker(dask_cluster.address)

    # Relative registry and store: the workers, in another folder, must get absolute paths.
    result = _archivist("ingest", "sources/sources.toml", "--store", "archive", "--runner", "dask",
                        "--address", dask_cluster.address, "--workers", "2",
                        cwd=tmp_path, env=_client_env())

    assert result.returncode == 1, result.stdout + result.stderr  # one source failed
    archive = Archive(Store.at(tmp_path / "archive"))
    assert sorted(archive.document_versions()) == ["event", "news", "report"]
    failures = archive.read("failures").to_pylist()
    assert [(f["source_id"], f["stage"]) for f in failures] == [("broken", "extract")]
    assert "not a readable PDF" in failures[0]["message"]
    assert "broken failed in extract" in result.stderr
    assert not any((dask_cluster.folder / "worker-cwd").iterdir())

    after = _tasks_run_by_worker(dask_cluster.address)
    ran = {name: after[name] - before.get(name, 0) for name in after}
    assert sorted(ran) == sorted(WORKER_NAMES)
    assert all(count > 0 for count in ran.values()), ran
    # The workers reported to the run's Prefect server, none started a temporary one.
    assert not (dask_cluster.folder / "worker-prefect-home" / "prefect.db").exists()


def test_an_address_nothing_listens_on_fails_at_once_with_a_clear_message(prefect_harness,
                                                                           tmp_path):
    registry = _write_sources(tmp_path / "sources")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"tcp://127.0.0.1:{sock.getsockname()[1]}"

    result = _archivist("ingest", str(registry), "--store", str(tmp_path / "archive"),
                        "--runner", "dask", "--address", closed, cwd=tmp_path, env=_client_env())

    assert result.returncode == 1
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert f"cannot reach a Dask scheduler at {closed}: Connection refused" in message
    assert "Traceback" not in message
    assert not (tmp_path / "archive" / "curated").exists()


def test_a_scheduler_without_workers_is_reported_instead_of_waited_on(tmp_path, monkeypatch):
    from flows import ingest

    monkeypatch.setattr(ingest, "SCHEDULER_WAIT_S", 1.0)
    processes: list[subprocess.Popen] = []
    try:
        address = _scheduler(tmp_path, processes, dict(os.environ))
        with pytest.raises(PipelineError, match=f"scheduler at {address} has no workers"):
            ingest.check_scheduler(address)
    finally:
        _stop(processes)


def test_an_address_that_is_not_dask_is_reported(prefect_harness, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    from flows import ingest

    monkeypatch.setattr(ingest, "SCHEDULER_WAIT_S", 1.0)
    api = PREFECT_API_URL.value()  # an HTTP server: it never answers Dask's handshake
    host_port = api.removeprefix("http://").split("/")[0]
    with pytest.raises(PipelineError, match="does not answer as a Dask scheduler"):
        ingest.check_scheduler(f"tcp://{host_port}")
    with pytest.raises(PipelineError, match="not a Dask scheduler address"):
        ingest.check_scheduler("scheduler-without-port")


def test_address_needs_the_dask_runner_and_a_prefect_server(dask_cluster, tmp_path, monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from typer.testing import CliRunner

    from pipeline.cli import app

    registry = _write_sources(tmp_path / "sources")
    thread = CliRunner().invoke(app, ["ingest", str(registry), "--address", dask_cluster.address])
    assert thread.exit_code == 2 and "needs --runner dask" in thread.output

    # No server to hand the workers, and none is started for them: it would be 127.0.0.1 only.
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings({PREFECT_API_URL: None}):
        remote = CliRunner().invoke(app, ["ingest", str(registry), "--store", str(tmp_path / "a"),
                                          "--runner", "dask", "--address", dask_cluster.address])
    assert remote.exit_code == 1 and "error: --runner dask needs a running Prefect server" \
        in remote.output, remote.output
    assert "prefect server start" in remote.output
    assert "started a Prefect server" not in remote.output
