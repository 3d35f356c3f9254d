"""Run every benchmark in this folder, one after another, with the same bench-data path.

    .venv/bin/python benchmarks/run_all.py [--bench ../shared/bench]

Each benchmark measures its baseline in the same run and prints the ratio last.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEEDS_BENCH_DATA = {"web_quality.py", "pdf_quality.py", "reingest.py", "bulk.py", "ocr_quality.py"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", default=str(HERE.parent.parent / "shared" / "bench"),
                        help="folder holding the public benchmark data (default: ../shared/bench)")
    args = parser.parse_args()
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name == Path(__file__).name:
            continue
        extra = ["--bench", args.bench] if script.name in NEEDS_BENCH_DATA else []
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.call([sys.executable, str(script), *extra]) != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
