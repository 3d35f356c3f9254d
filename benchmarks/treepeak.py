"""Run a benchmark step in a subprocess and measure the peak RSS of its whole process tree
(extraction workers and Dask workers included), for the scale and bulk benchmarks; and, on
request, the peak of each process of the tree by its role."""

from __future__ import annotations

import subprocess
import threading
import time

import psutil

SAMPLE_EVERY_S = 0.1
ROLES = (("pipeline.extract.isolate", "extraction worker"),
         ("resource_tracker", "multiprocessing resource tracker"),
         ("multiprocessing", "dask worker"))
"""A process's role by a piece of its command line (first match); any other: ``run``."""


def run_with_peak(command: list[str], env: dict[str, str],
                  processes: dict[int, tuple[str, int]] | None = None,
                  at_peak: dict[str, int] | None = None) -> tuple[str, int, int]:
    """The command's standard output, its exit code and its tree's peak RSS in bytes.
    ``processes``, if given, gets pid -> (role, peak RSS in bytes) of every process seen, and
    ``at_peak`` role -> RSS in bytes of that role's processes together at the sample of the
    tree's peak: the processes' own peaks need not fall at the same moment."""
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
                sizes = {p.pid: p.memory_info().rss for p in tree if p.is_running()}
                if processes is not None:
                    _note(processes, tree, sizes, parent.pid)
                if sum(sizes.values()) > peak:
                    peak = sum(sizes.values())
                    if processes is not None and at_peak is not None:
                        at_peak.clear()
                        for pid, size in sizes.items():
                            role = processes[pid][0]
                            at_peak[role] = at_peak.get(role, 0) + size
            except psutil.Error:
                pass
            time.sleep(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    stop.set()
    sampler.join()
    return out, process.returncode, peak


def _note(processes: dict[int, tuple[str, int]], tree: list[psutil.Process],
          sizes: dict[int, int], root: int) -> None:
    for proc in tree:
        if proc.pid not in sizes:
            continue
        role, seen = processes.get(proc.pid, ("", 0))
        if not role:
            command = " ".join(proc.cmdline())
            role = "run" if proc.pid == root else next(
                (name for key, name in ROLES if key in command), "other")
        processes[proc.pid] = (role, max(seen, sizes[proc.pid]))


def by_role(processes: dict[int, tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """role -> (processes seen, largest peak RSS in bytes of one of them)."""
    roles: dict[str, tuple[int, int]] = {}
    for role, peak in processes.values():
        count, largest = roles.get(role, (0, 0))
        roles[role] = (count + 1, max(largest, peak))
    return roles
