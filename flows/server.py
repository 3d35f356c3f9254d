"""The local Prefect API for runs without ``PREFECT_API_URL``: one server per ``PREFECT_HOME``,
shared by every run, stopping itself when idle.

Prefect's own temporary server costs 6-14 s per run (a fresh interpreter imports the server and
opens its database) and is a child of the run, so a run killed with SIGKILL left it running
for ever (#12, #13). Here the first run starts a server in its own session, which later runs
reuse within milliseconds; no run owns it, so killing a run kills nothing it shares, and the
server exits by itself after :data:`IDLE_S` seconds without a connection. Its output goes to
``archivist-server.log`` in ``PREFECT_HOME``, not to the terminal of the run that started it.

    local_api()  -> a URL, from archivist-server.json if that server answers, else a new server
    python -m flows.server  -> the server: uvicorn on a free loopback port, an idle watchdog
"""

from __future__ import annotations

import asyncio
import fcntl
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import PipelineError

IDLE_ENV = "ARCHIVIST_PREFECT_IDLE_S"
IDLE_S = 600.0
"""A server with no connection for this long exits: long enough to serve a session of runs,
short enough that nothing lingers for long after the last one."""
START_TIMEOUT_S = 120.0
"""The server answers after 6-14 s here; its first start also creates the SQLite database,
which a loaded 2-core machine has taken much longer to do."""
HEALTH_TIMEOUT_S = 2.0
WATCH_INTERVAL_S = 0.5
STATE_FILE = "archivist-server.json"
LOG_FILE = "archivist-server.log"
LOCK_FILE = "archivist-server.lock"


def prefect_home() -> Path:
    from prefect.settings import PREFECT_HOME

    return Path(PREFECT_HOME.value()).expanduser()


@contextmanager
def local_api() -> Iterator[str | None]:
    """Run the body against a Prefect API: the configured one, else the shared local server.

    Yields the local server's URL, or None when ``PREFECT_API_URL`` is set (that server is used
    as configured). Flow-run heartbeats are off against the local server: they exist to let a
    server's services mark crashed runs, and this server runs no services.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if PREFECT_API_URL.value():
        yield None
        return
    url = shared_server(prefect_home())
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url  # processes this run starts (Dask workers) inherit it
    try:
        with temporary_settings({PREFECT_API_URL: url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous


def shared_server(home: Path) -> str:
    """The API URL of the server of ``home``, started (and waited for) if none answers."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK_FILE, "w") as lock:  # two runs starting at once start one server
        fcntl.flock(lock, fcntl.LOCK_EX)
        url = running_server(home)
        if url is None:
            url = _start(home)
        return url


def running_server(home: Path) -> str | None:
    """The URL in ``home``'s state file if a server of this Prefect version answers there."""
    import prefect

    try:
        state = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state.get("prefect") != prefect.__version__:
        return None  # an upgrade: that server idles out, a new one serves this version
    url = str(state.get("url"))
    return url if _healthy(url) else None


def _healthy(url: str) -> bool:
    """Whether ``url`` answers Prefect's health check (http.client: an httpx client would load
    the system's CA certificates, a tenth of a second, for a plain-HTTP loopback call)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port,
                                            timeout=HEALTH_TIMEOUT_S)
    try:
        connection.request("GET", f"{address.path}/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _start(home: Path) -> str:
    """Start a server for ``home`` in a new session and wait until it answers."""
    (home / STATE_FILE).unlink(missing_ok=True)
    with open(home / LOG_FILE, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.server"], stdin=subprocess.DEVNULL, stdout=log,
            stderr=log, start_new_session=True,  # not in the run's process group
            env={**os.environ, **_settings_env(), "PYTHONPATH": _import_path(),
                 "PREFECT_HOME": str(home)},
            cwd=home)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PipelineError(f"the local Prefect server exited with status "
                                f"{process.returncode} while starting; its output is in "
                                f"{home / LOG_FILE}")
        url = running_server(home)
        if url is not None:
            return url
        time.sleep(0.1)
    process.kill()
    raise PipelineError(f"the local Prefect server did not answer within {START_TIMEOUT_S:g} s "
                        f"(its output is in {home / LOG_FILE}); set PREFECT_API_URL to use a "
                        "server of your own")


def _settings_env() -> dict[str, str]:
    """This process's Prefect settings (a profile's database URL among them) as variables."""
    from prefect.settings import get_current_settings

    return get_current_settings().to_environment_variables(exclude_unset=True)


def _import_path() -> str:
    """PYTHONPATH for the server: the folder holding ``flows/`` first."""
    here = str(Path(__file__).resolve().parents[1])
    return os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))


# -- the server's side -----------------------------------------------------------------------

class Activity:
    """ASGI middleware that knows when the app last had a connection open."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.open = 0
        self.last = time.monotonic()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)  # type: ignore[no-any-return]
        self.open += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.open -= 1
            self.last = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.open else time.monotonic() - self.last


def serve(home: Path, idle_s: float) -> None:
    """Serve Prefect's API (no UI, no background services) until idle for ``idle_s``."""
    import prefect
    import uvicorn
    from prefect.server.api.server import create_app

    app = Activity(create_app(ephemeral=True, final=True))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, with no race between choosing and binding
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on"))

    def watch() -> None:
        while not server.started:
            time.sleep(WATCH_INTERVAL_S / 5)
        app.last = time.monotonic()  # idle from now, not from before the database was opened
        _write_state(home, {"pid": os.getpid(), "url": url, "prefect": prefect.__version__})
        while app.idle_for() < idle_s and (home / STATE_FILE).exists():
            time.sleep(WATCH_INTERVAL_S)
        server.should_exit = True

    threading.Thread(target=watch, daemon=True).start()
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        _forget(home)


def _write_state(home: Path, state: dict[str, Any]) -> None:
    temporary = home / f".{STATE_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(home / STATE_FILE)


def _forget(home: Path) -> None:
    """Remove the state file if it still names this process."""
    try:
        if json.loads((home / STATE_FILE).read_text(encoding="utf-8")).get("pid") == os.getpid():
            (home / STATE_FILE).unlink()
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    serve(Path(os.environ.get("PREFECT_HOME", ".")), float(os.environ.get(IDLE_ENV, IDLE_S)))
