"""Run a benchmark step in a subprocess and measure the peak RSS of its whole process tree
(extraction workers and Dask workers included), for the scale and bulk benchmarks."""

from __future__ import annotations

import subprocess
import threading
import time

import psutil

SAMPLE_EVERY_S = 0.1


def run_with_peak(command: list[str], env: dict[str, str]) -> tuple[str, int, int]:
    """The command's standard output, its exit code and its tree's peak RSS in bytes."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not stop.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    stop.set()
    sampler.join()
    return out, process.returncode, peak
