"""Commands exit cleanly (#13): about 2 CLI runs in 100 printed their output and then aborted
with "terminate called without an active exception" (exit 134). pyarrow's I/O threads were
reading Delta files through deltalake's file-system handler, written in Python, and one still
inside it while the interpreter exited was ended by CPython in the middle of a C++ frame."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyarrow import fs
from test_rebuild import ingest

from pipeline.archive import Archive, dataset
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30
"""Runs of a read command; each takes about a second."""


@pytest.fixture
def archive(corpus: Path, store: Store) -> Archive:
    ingest(corpus, store)
    return Archive(store)


def test_tables_are_read_through_pyarrows_own_file_system(archive: Archive):
    for table in ("runs", "documents", "passages"):
        filesystem = dataset(archive.open(table, 0)).filesystem
        assert isinstance(filesystem, fs.SubTreeFileSystem)
        assert isinstance(filesystem.base_fs, fs.LocalFileSystem)  # no Python in I/O threads


@pytest.mark.timeout(600)
def test_a_read_command_exits_cleanly_every_time(archive: Archive):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pipeline.cli", "trace", "--text", "Tumen River", "--json",
               "--store", str(archive.store.root)]
    codes = []
    for _ in range(RUNS):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert "terminate called" not in done.stderr, done.stderr
        codes.append(done.returncode)
    assert codes == [0] * RUNS
    assert json.loads(done.stdout)  # and the output is whole
