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


def test_clean_scores_the_commands_repaired_text() -> None:
    """A page whose own UTF-8 bytes hold double-encoded text ("â€™", a site that decoded its
    UTF-8 as windows-1252 and encoded it again) is decoded as it is; the clean stage repairs
    it, so ``--clean`` scores what ``archivist extract`` writes and the default does not."""
    web_quality = load_benchmark("web_quality")
    body = ("<p>The National Music Publishers\u00e2\u20ac\u2122 Association asked the board "
            "to raise the royalty rates paid by every online music store this year.</p>")
    page = ("<html><head><meta charset='utf-8'><title>Royalties</title></head><body>"
            f"<article>{body * 3}</article></body></html>").encode()
    options = web_quality.ExtractOptions()
    raw = web_quality.archivist_with(options)(page, "p1", "")
    cleaned = web_quality.archivist_with(options, cleaned=True)(page, "p1", "")
    assert "Publishers\u00e2\u20ac\u2122 Association" in raw
    assert "Publishers\u2019 Association" in cleaned
    assert "\u00e2" not in cleaned
