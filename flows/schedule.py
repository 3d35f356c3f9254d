"""Schedules: the ingest flow as a Prefect deployment with a cron schedule, and a local server.

Wiring only. ``add_schedule`` records a schedule in the store (``schedules.json``) and, when a
Prefect API is configured, registers the deployment at once. ``serve`` starts a local
``prefect server`` (SQLite, in the store's ``.prefect/`` folder), registers every recorded
schedule as a deployment and serves them in this process until interrupted, then stops the
server. Schedules never fire on Prefect's temporary server, which is why a real one is started.

Which sources a scheduled run captures is decided inside the flow (``pipeline.schedule``): a
source whose cadence (``every = "1d"``) has not passed is skipped.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import httpx
from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import RunnerDeployment
from prefect.types.entrypoint import EntrypointType

from pipeline.errors import ScheduleError
from pipeline.registry import load_registry
from pipeline.store import Store

SCHEDULES_FILE = "schedules.json"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
SERVER_START_TIMEOUT_S = 120.0
"""`prefect server start` is healthy after about 8.5 s here; its first start also migrates the
SQLite database, which on a slow disk takes far longer."""


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """One scheduled ingest: which registry, into which store, when."""

    name: str
    registry: str
    store: str
    cron: str
    timezone: str = "UTC"


def add_schedule(registry: str, cron: str, store: Store, name: str | None = None,
                 timezone: str = "UTC") -> ScheduleSpec:
    """Validate and record a schedule; register its deployment if a Prefect API is set."""
    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValueError as exc:
        raise ScheduleError(f"invalid cron {cron!r}: {exc}") from None
    reg = load_registry(registry)  # fail now, not at 3 a.m.
    spec = ScheduleSpec(name or reg.path.stem, str(reg.path), str(store), cron, timezone)
    specs = [s for s in load_schedules(store) if s.name != spec.name] + [spec]
    _schedules_path(store).write_text(json.dumps([asdict(s) for s in specs], indent=2) + "\n",
                                      encoding="utf-8")
    if os.environ.get("PREFECT_API_URL"):
        deployment(spec).apply()
    return spec


def load_schedules(store: Store) -> list[ScheduleSpec]:
    path = _schedules_path(store)
    if not path.exists():
        return []
    return [ScheduleSpec(**s) for s in json.loads(path.read_text(encoding="utf-8"))]


def _schedules_path(store: Store) -> Path:
    Path(store.root).mkdir(parents=True, exist_ok=True)
    return Path(store.root) / SCHEDULES_FILE


def deployment(spec: ScheduleSpec) -> RunnerDeployment:
    """The ingest flow as a deployment named ``spec.name`` with the spec's cron schedule."""
    from flows.ingest import ingest

    # `schedules` is typed to take the client CronSchedule (`schedule` wants a
    # prefect.schedules.Schedule, whose payload would add day_or, parameters and slug).
    # to_deployment returns a coroutine only when called from async code; its callers are sync.
    return cast(RunnerDeployment, ingest.to_deployment(
        name=spec.name, schedules=[CronSchedule(cron=spec.cron, timezone=spec.timezone)],
        parameters={"registry": spec.registry, "store": spec.store},
        entrypoint_type=EntrypointType.MODULE_PATH,
        description=f"archivist ingest {spec.registry} into {spec.store} at '{spec.cron}'"))


def serve(store: Store, port: int | None = None, prefect_home: Path | None = None,
          announce: Callable[[str], None] = print) -> None:
    """Start a local Prefect server and serve every recorded schedule until interrupted."""
    specs = load_schedules(store)
    if not specs:
        raise ScheduleError(f"no schedules in {store}: add one with `archivist schedule "
                            "REGISTRY --cron \"0 3 * * *\"`")
    home = prefect_home or Path(store.root) / ".prefect"
    with prefect_server(home, port or free_port()) as url:
        announce(url)
        os.environ["PREFECT_API_URL"] = url  # flow-run subprocesses inherit it
        from prefect import serve as prefect_serve
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: url}):
            prefect_serve(*[deployment(s) for s in specs], print_starting_message=False)


@contextmanager
def prefect_server(home: Path, port: int) -> Iterator[str]:
    """A ``prefect server`` on 127.0.0.1:``port`` with its SQLite database in ``home``."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=_terminate_with_parent)
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(url, process, home / "server.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _terminate_with_parent() -> None:
    """In the server's process before it starts: the kernel sends it SIGTERM when the thread
    that started it ends, so a run or ``archivist serve`` killed with SIGKILL (no ``finally``
    runs) takes its server with it. SIGTERM, not SIGKILL: the server stops its own uvicorn."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ScheduleError(f"prefect server exited with code {process.returncode}; "
                                f"see {log}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise ScheduleError(f"prefect server not healthy after {SERVER_START_TIMEOUT_S:g} s; "
                        f"see {log}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
