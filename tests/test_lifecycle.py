"""What a run leaves behind when it ends or is ended: real ``archivist ingest`` processes on the
local Prefect server, a loopback HTTP source that never answers, SIGKILL and SIGINT (#12, #13).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from flows.server import STATE_FILE
from pipeline.archive import Archive
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
START_S = 240
"""Bound for a run to reach its stuck source: the first run of a home creates the server's
database, which a loaded 2-core machine has taken over a minute to do."""
IDLE_S = 6
"""The server's idle limit in these tests (the default is ten minutes)."""
GONE_S = 15
"""Bound for processes to disappear after a kill (the kernel reaps, PR_SET_PDEATHSIG fires)."""


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect home for the module: its database is created once."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture
def stuck_source():
    """A loopback HTTP server whose /stuck never answers; ``hit`` is set when it is asked."""
    hit = threading.Event()
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            hit.set()
            release.wait(120)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stuck", hit
    release.set()
    server.shutdown()
    server.server_close()


def registry(folder: Path, stuck_url: str) -> Path:
    """Two text files (their extraction starts worker processes) and the stuck source."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(f"Document {name}.\n\nA paragraph of plain text.\n")
    path = folder / "sources.toml"
    path.write_text('[settings]\nallow_private_hosts = ["127.0.0.1"]\n\n'
                    '[[source]]\nid = "a"\nuri = "a.txt"\n\n[[source]]\nid = "b"\nuri = "b.txt"\n\n'
                    f'[[source]]\nid = "stuck"\nuri = "{stuck_url}"\n')
    return path


@contextmanager
def ingest(registry_path: Path, store: Path, home: Path, idle_s: float = IDLE_S
           ) -> Iterator[subprocess.Popen]:
    """``archivist ingest`` as a child; killed (if still running) and reaped on the way out
    and its pipes closed, whether or not the test's assertions held. The pipes are closed,
    not drained: a process the run left behind could hold them open."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PYTHONPATH=str(ROOT), PREFECT_HOME=str(home), ARCHIVIST_PREFECT_IDLE_S=str(idle_s),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    with subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", str(registry_path),
                           "--store", str(store)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        try:
            yield child
        finally:
            child.kill()


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.1)


def server_pid(home: Path) -> int:
    return json.loads((home / STATE_FILE).read_text())["pid"]


def stuck_with_workers(child: subprocess.Popen, hit: threading.Event) -> set[int]:
    """Wait until the run asks the stuck source and has extraction workers; its processes."""
    wait_until(lambda: hit.is_set() or child.poll() is not None, START_S, "the run reached the source")
    assert child.poll() is None, child.stderr.read()
    wait_until(lambda: any("isolate" in Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                           for p in descendants(child.pid) if alive(p)), START_S,
               "the run started extraction workers")
    return descendants(child.pid)


def test_sigkill_of_an_ingest_leaves_no_process_of_the_run(tmp_path, prefect_home, stuck_source):
    url, hit = stuck_source
    with ingest(registry(tmp_path / "reg", url), tmp_path / "store", prefect_home) as child:
        processes = stuck_with_workers(child, hit)
        server = server_pid(prefect_home)

        child.send_signal(signal.SIGKILL)
        child.wait(GONE_S)
    own = processes - {server}
    wait_until(lambda: not any(alive(p) for p in own), GONE_S,
               f"processes of the killed run still alive: {[p for p in own if alive(p)]}")
    # The shared server is no child of the run's: it outlives it, then stops once idle.
    assert alive(server)
    wait_until(lambda: not alive(server), IDLE_S + GONE_S, "the idle server stopped")
    assert not (prefect_home / STATE_FILE).exists()


def test_sigint_stops_an_ingest_promptly_commits_nothing_and_exits_130(tmp_path, prefect_home,
                                                                      stuck_source):
    url, hit = stuck_source
    store = tmp_path / "store"
    with ingest(registry(tmp_path / "reg", url), store, prefect_home) as child:
        processes = stuck_with_workers(child, hit)
        own = processes - {server_pid(prefect_home)}

        started = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    assert time.monotonic() - started < 10, "the run went on after Ctrl-C"
    assert child.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert Archive(Store.at(store)).runs() == []  # the two text files were read: not committed
    wait_until(lambda: not any(alive(p) for p in own), GONE_S, "the run's workers stopped")


def test_a_second_run_reuses_the_server_of_the_first(tmp_path, prefect_home):
    folder = tmp_path / "reg"
    folder.mkdir()
    (folder / "a.txt").write_text("One short document.\n")
    (folder / "sources.toml").write_text('[[source]]\nid = "a"\nuri = "a.txt"\n')
    if (prefect_home / STATE_FILE).exists():  # a server of another test, on its short limit
        running = server_pid(prefect_home)
        (prefect_home / STATE_FILE).unlink()
        wait_until(lambda: not alive(running), GONE_S, "the other test's server stopped")
    pids = []
    for _ in range(2):
        with ingest(folder / "sources.toml", tmp_path / "store", prefect_home, idle_s=120) as child:
            _, stderr = child.communicate(timeout=START_S)
        assert child.returncode == 0, stderr
        pids.append(server_pid(prefect_home))
    assert pids[0] == pids[1] and alive(pids[0])
    (prefect_home / STATE_FILE).unlink()  # the server's stop signal
    wait_until(lambda: not alive(pids[0]), GONE_S, "the server stopped")
