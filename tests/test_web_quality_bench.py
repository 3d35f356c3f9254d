"""benchmarks/web_quality.py's own helpers (the benchmark itself needs ../shared/bench)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "web_quality.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_quality_under_test", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_bench_found_from_a_worktree(tmp_path: Path) -> None:
    """Run from a git worktree (``wt/NAME`` beside ``main``), the default --bench is the
    shared folder above it, not ``wt/shared/bench``, which does not exist."""
    bench = tmp_path / "shared" / "bench"
    bench.mkdir(parents=True)
    worktree = tmp_path / "wt" / "helper"
    worktree.mkdir(parents=True)
    main = tmp_path / "main"
    main.mkdir()
    web_quality = _benchmark()
    assert web_quality.default_bench(worktree) == bench
    assert web_quality.default_bench(main) == bench
