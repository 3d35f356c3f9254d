"""A Prefect server that a command starts for itself dies with it, even under SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

STARTER = """
import sys
from pathlib import Path
from flows.schedule import free_port, prefect_server
with prefect_server(Path(sys.argv[1]), free_port()) as url:
    import psutil
    print(*[c.pid for c in psutil.Process().children(recursive=True)], flush=True)
    import time
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().split(") ", 1)[1][0] != "Z"


@pytest.mark.slow
def test_a_server_started_for_a_run_dies_when_the_run_is_killed(tmp_path):
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(tmp_path / "home")],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = starter.stdout.readline()  # after the server answered its health check
        servers = [int(pid) for pid in line.split()]
        assert servers and all(alive(pid) for pid in servers)
    finally:
        starter.send_signal(signal.SIGKILL)  # no finally, no atexit: only the kernel acts
        starter.wait()
    deadline = time.monotonic() + 60
    while any(alive(pid) for pid in servers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(alive(pid) for pid in servers)
