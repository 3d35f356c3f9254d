"""benchmarks/web_quality.py's own helpers (the benchmark itself needs ../shared/bench)."""

from __future__ import annotations

from pathlib import Path

from tests.benchmark_module import load_benchmark


def test_default_bench_found_from_a_worktree(tmp_path: Path) -> None:
    """Run from a git worktree (``wt/NAME`` beside ``main``), the default --bench is the
    shared folder above it, not ``wt/shared/bench``, which does not exist."""
    bench = tmp_path / "shared" / "bench"
    bench.mkdir(parents=True)
    worktree = tmp_path / "wt" / "helper"
    worktree.mkdir(parents=True)
    main = tmp_path / "main"
    main.mkdir()
    web_quality = load_benchmark("web_quality")
    assert web_quality.default_bench(worktree) == bench
    assert web_quality.default_bench(main) == bench
