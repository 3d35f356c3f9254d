"""Schedules: cadence and cron logic as plain functions, and `archivist serve` end to end with a
real local Prefect server, a registered cron deployment and a run triggered through the API."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from prefect.client.schemas.schedules import CronSchedule

from pipeline.archive import Archive
from pipeline.model import Source
from pipeline.schedule import (
    SLACK,
    cadence,
    due_sources,
    is_due,
    next_due,
    source_statuses,
    statuses_of,
)
from pipeline.store import Store

NOW = datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)


def test_cadence_units():
    assert cadence("30m") == timedelta(minutes=30)
    assert cadence("6h") == timedelta(hours=6)
    assert cadence("1d") == timedelta(days=1)
    assert cadence("2w") == timedelta(weeks=2)
    with pytest.raises(ValueError):
        cadence("1y")


def test_a_source_is_due_only_when_its_cadence_has_passed():
    daily = Source("daily", "https://example.org/a", every="1d")
    always = Source("always", "https://example.org/b")
    assert is_due(daily, None, NOW)  # never captured
    assert not is_due(daily, NOW - timedelta(hours=23), NOW)
    assert is_due(daily, NOW - timedelta(days=1), NOW)
    # yesterday's 03:00 run finished its capture a few seconds late: still due today at 03:00
    assert is_due(daily, NOW - timedelta(days=1) + timedelta(seconds=5), NOW)
    assert is_due(always, NOW, NOW)
    assert next_due(daily, NOW) == NOW + timedelta(days=1) - SLACK
    last = {"daily": NOW - timedelta(hours=2), "always": NOW - timedelta(hours=2)}
    assert [s.id for s in due_sources([daily, always], last, NOW)] == ["always"]


def test_a_daily_cron_and_a_daily_cadence_agree():
    """Every 03:00 run of a daily cron finds a daily source due, never two days in a row missed."""
    source = Source("daily", "https://example.org/a", every="1d")
    fire_times = CronSchedule(cron="0 3 * * *", timezone="UTC")
    dates = _dates(fire_times, 5, NOW - timedelta(minutes=1))
    assert dates[0] == NOW and all(b - a == timedelta(days=1) for a, b in zip(dates, dates[1:]))
    last = None
    for fire in dates:
        assert is_due(source, last, fire)
        last = fire + timedelta(seconds=3)  # the capture finishes a little after the fire time


def test_a_weekly_source_is_captured_once_in_seven_daily_runs():
    source = Source("weekly", "https://example.org/w", every="1w")
    captured, last = [], None
    for fire in _dates(CronSchedule(cron="0 3 * * *", timezone="UTC"), 14, NOW - timedelta(minutes=1)):
        if is_due(source, last, fire):
            captured.append(fire)
            last = fire
    assert len(captured) == 2 and captured[1] - captured[0] == timedelta(weeks=1)


def test_failure_streak_resets_on_success():
    runs = [{"run_id": f"r{i}"} for i in range(5)]
    captures = [{"run_id": "r0", "source_id": "a", "captured_at": NOW},
                {"run_id": "r3", "source_id": "a", "captured_at": NOW + timedelta(days=3)}]
    failures = [{"run_id": r, "source_id": "a", "stage": "capture", "error_class": "FetchError",
                 "message": "HTTP 500"} for r in ("r1", "r2", "r4")]
    [status] = source_statuses([Source("a", "x")], runs, captures, failures, stale_after=2)
    assert status.consecutive_failures == 1 and not status.stale
    assert status.last_success == NOW + timedelta(days=3)
    [status] = source_statuses([Source("a", "x")], runs[:3], captures, failures, stale_after=2)
    assert status.stale and status.last_error == "capture: FetchError: HTTP 500"


def test_statuses_take_each_source_s_latest_capture_when_given():
    """A caller that found each source's latest capture passes it, and the captures of the
    sources walked over runs (those with failures) only."""
    runs = [{"run_id": f"r{i}"} for i in range(3)]
    failures = [{"run_id": "r2", "source_id": "a", "stage": "capture",
                 "error_class": "FetchError", "message": "HTTP 500"}]
    captured = {("r1", "a"): NOW}
    latest = {"a": NOW, "b": NOW + timedelta(days=2)}
    a, b, c = statuses_of(["a", "b", "c"], runs, captured, failures, latest=latest)
    assert (a.last_success, a.consecutive_failures) == (NOW, 1)
    assert (b.last_success, b.consecutive_failures) == (NOW + timedelta(days=2), 0)
    assert c.last_success is None


def _dates(schedule: CronSchedule, n: int, start: datetime) -> list[datetime]:
    """The schedule's next ``n`` fire times, computed by the Prefect server's own schedule code
    (the client-side CronSchedule only describes a schedule)."""
    import asyncio

    from prefect.server.schemas.schedules import CronSchedule as ServerCronSchedule

    server_side = ServerCronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    result = asyncio.run(server_side.get_dates(n, start=start))
    return [datetime.fromtimestamp(d.timestamp(), timezone.utc) for d in result]


# -- a real Prefect server ---------------------------------------------------------------------

def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@pytest.mark.slow
def test_serve_runs_a_scheduled_ingest_triggered_through_the_api(corpus: Path, tmp_path: Path):
    archivist = shutil.which("archivist", path=str(Path(sys.executable).parent))
    store = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(tmp_path / "client-home"), PREFECT_LOGGING_LEVEL="WARNING")
    subprocess.run([archivist, "schedule", str(corpus), "--cron", "0 3 * * *", "--store",
                    str(store), "--name", "nightly"], env=env, check=True, capture_output=True)
    with open(tmp_path / "serve.log", "w+") as log, ExitStack() as stack:
        serve = subprocess.Popen([archivist, "serve", "--store", str(store)], env=env, stdout=log,
                                 stderr=subprocess.STDOUT, text=True)
        try:
            def printed_url():
                log.seek(0)
                line = next((l for l in log.read().splitlines() if "Prefect server:" in l), None)
                assert serve.poll() is None, (log.seek(0), log.read())[1]
                return line.split("Prefect server:", 1)[1].strip() if line else None

            api = _wait_for(printed_url, 150, "the server URL")
            client = stack.enter_context(httpx.Client(base_url=api, timeout=10))

            def deployment():
                found = client.post("/deployments/filter", json={}).json()
                return found[0] if found else None

            deployed = _wait_for(deployment, 60, "the deployment")
            assert deployed["name"] == "nightly"
            assert [s["schedule"]["cron"] for s in deployed["schedules"]] == ["0 3 * * *"]

            def created():
                # A freshly started server under load can answer 5xx while its database settles.
                answer = client.post(f"/deployments/{deployed['id']}/create_flow_run", json={})
                return answer.json() if answer.status_code == 201 else None

            run = _wait_for(created, 60, "the flow run to be created")

            def finished():
                state = client.get(f"/flow_runs/{run['id']}").json()["state"]
                return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED") else None

            assert _wait_for(finished, 180, "the flow run")["type"] == "COMPLETED"
            runs = Archive(Store.at(store)).runs()
            assert [r["run_id"] for r in runs] == [run["id"]] and runs[0]["new_docs"] == 5
        finally:
            serve.terminate()
            serve.wait(timeout=60)
    with pytest.raises(httpx.TransportError):  # the server was stopped with the command
        httpx.get(f"{api}/health", timeout=2)


def test_an_invalid_cron_is_a_pipeline_error_the_cli_prints_as_one_line(store):
    from flows.schedule import add_schedule
    from pipeline.errors import PipelineError, ScheduleError

    with pytest.raises(ScheduleError, match="invalid cron") as raised:
        add_schedule("sources.toml", "every tuesday", store)
    assert isinstance(raised.value, PipelineError) and raised.value.stage == "schedule"
