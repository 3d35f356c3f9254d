"""The query API (pipeline/query.py) and the read commands over it, on a real archive.

The archive is built once per module through the library's own ingest steps (capture, build,
commit: real extraction, real Delta tables) without a Prefect flow, which the reads never
touch; tests that damage it work on a copy.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from conftest import ROOT, SEEDS
from typer.testing import CliRunner

from pipeline.archive import Archive, RunWriter
from pipeline.build import ingest_source, plan_ingest, record_result
from pipeline.capture import CaptureOptions
from pipeline.cli import app
from pipeline.errors import ArchiveError
from pipeline.query import Snapshot, _latest_captures, _records
from pipeline.registry import load_registry
from pipeline.store import Store

runner = CliRunner()
BRACKETS = "Officials said the government [of China] continued to return them. [[source]] stays."
REPORT = "hrnk-2009-lives-for-sale"


def ingest(registry: Path, store: Store) -> int:
    """One ingest run through the library steps the Prefect flow calls."""
    archive = Archive(store)
    now = datetime.now(timezone.utc)
    run = RunWriter(str(uuid.uuid4()), now, str(registry))
    for work in plan_ingest(load_registry(registry), archive, now):
        record_result(run, ingest_source(work, store, CaptureOptions()))
    return archive.commit(run)


def write_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in (1, 2):
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 760, f"Page {number} of a small report on river crossings.")
        pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory) -> Path:
    """A store with two versions: v1 = report + brackets note + a PDF; v2 edits the note."""
    base = tmp_path_factory.mktemp("query")
    shutil.copyfile(SEEDS / "003_b5b1913a230cda32.txt", base / "report.txt")
    (base / "note.txt").write_text(BRACKETS + "\n", encoding="utf-8")
    write_pdf(base / "small.pdf")
    registry = base / "sources.toml"
    registry.write_text(
        f'[[source]]\nid = "{REPORT}"\nuri = "report.txt"\n\n'
        '[[source]]\nid = "note"\nuri = "note.txt"\n\n'
        '[[source]]\nid = "small-pdf"\nuri = "small.pdf"\n', encoding="utf-8")
    store = Store.at(base / "store")
    assert ingest(registry, store) == 1
    (base / "note.txt").write_text(BRACKETS + " A second sentence now.\n", encoding="utf-8")
    assert ingest(registry, store) == 2
    return base / "store"


@pytest.fixture
def damaged(archive_root, tmp_path) -> Path:
    """A copy of the archive to break."""
    return Path(shutil.copytree(archive_root, tmp_path / "store"))


def cli(*args: str, store: Path | None = None):
    extra = ["--store", str(store)] if store is not None else []
    return runner.invoke(app, [*args, *extra], env={"COLUMNS": "200"})


def run_json(*args: str, store: Path):
    result = cli(*args, "--json", store=store)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the library --------------------------------------------------------------------------

def test_a_document_comes_with_its_passages_footnotes_and_removed_rows(archive_root):
    view = Snapshot(Archive(Store.at(archive_root))).document(REPORT)
    assert view.document["doc_id"] == REPORT and len(view.footnotes) == 64
    assert [p["ordinal"] for p in view.passages] == sorted(p["ordinal"] for p in view.passages)
    assert view.removed and all(r["doc_id"] == REPORT for r in view.removed)


def test_old_versions_read_back_as_they_were(archive_root):
    archive = Archive(Store.at(archive_root))
    texts = {v: [p["text"] for p in Snapshot(archive, v).document("note").passages]
             for v in (1, 2)}
    assert "A second sentence now." not in " ".join(texts[1])
    assert "A second sentence now." in " ".join(texts[2])


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Names of the tables each DeltaTable object built from now on was opened for."""
    import deltalake

    names: list[str] = []
    original = deltalake.DeltaTable.__init__

    def counting(self, table_uri, *args, **kwargs):
        names.append(Path(str(table_uri)).name)
        original(self, table_uri, *args, **kwargs)

    monkeypatch.setattr(deltalake.DeltaTable, "__init__", counting)
    return names


def test_show_opens_each_table_once(archive_root, opened):
    """It used to open the runs table 13 times and build 19 DeltaTable objects."""
    result = cli("show", REPORT, "--markdown", store=archive_root)
    assert result.exit_code == 0, result.output
    assert sorted(opened) == ["documents", "footnotes", "passages", "removed", "runs"]


def test_show_page_opens_each_table_once(archive_root, opened, tmp_path):
    result = cli("show", "small-pdf", "--page", "1", "--out", str(tmp_path / "p1.png"),
                 store=archive_root)
    assert result.exit_code == 0, result.output
    assert sorted(opened) == ["documents", "footnotes", "passages", "runs"]
    from PIL import Image

    from pipeline.audit import PASSAGE_STROKE

    pixels = Image.open(tmp_path / "p1.png").convert("RGB").get_flattened_data()
    assert sum(1 for pixel in pixels if pixel == PASSAGE_STROKE) > 100  # the passage's box


def test_reads_skip_files_the_filter_rules_out(damaged):
    """Version 2 of `note` is in the files of run 2 only: with run 1's passages file
    damaged, it still reads, because that file's statistics exclude doc_version 2."""
    archive = Archive(Store.at(damaged))
    first = Archive(Store.at(damaged)).open("passages", 0).file_uris()
    assert len(first) == 1
    Path(first[0]).write_bytes(Path(first[0]).read_bytes()[:300])
    assert "A second sentence now." in Snapshot(archive).document("note").passages[0]["text"]
    with pytest.raises(ArchiveError, match="damaged"):
        Snapshot(archive).document(REPORT)  # its passages are in that file


def test_search_counts_every_match_and_returns_the_first_ones_in_context(archive_root):
    snapshot = Snapshot(Archive(Store.at(archive_root)))
    found = snapshot.search("tumen river", limit=3)
    assert found.total > 20 and len(found.hits) == 3
    for hit in found.hits:
        before, match, after = hit.context(width=20)
        assert match.lower() == "tumen river" and len(before) <= 21 and len(after) <= 21
        assert hit.text[hit.start:hit.end] == match


def test_trace_by_prefix_reaches_the_raw_bytes(archive_root):
    snapshot = Snapshot(Archive(Store.at(archive_root)))
    [hit] = snapshot.search("[of China] continued to return").hits
    traced = snapshot.trace(hit.id[:8])
    assert traced.row["doc_id"] == "note" and "[of China]" in traced.snippet
    assert traced.document["doc_version"] == 2


@pytest.mark.parametrize("command", [["versions"], ["show", REPORT], ["trace", "PASSAGE"],
                                     ["status", "--json"], ["--help"]])
def test_read_commands_start_without_what_only_ingests_need(archive_root, command):
    """Each read command is a fresh process whose imports were most of its time on a
    100,000-document archive: it loads the archive stack, not Prefect, pandas, the Pydantic
    typer 0.29 coerces values with, the WARC reader or the extraction stages."""
    passage = Snapshot(Archive(Store.at(archive_root))).document(REPORT).passages[1]
    args = [passage["passage_id"] if a == "PASSAGE" else a for a in command]
    if command != ["--help"]:
        args += ["--store", str(archive_root)]
    heavy = ("prefect", "pandas", "pydantic", "warcio", "fsspec", "lxml",
             "pipeline.capture", "pipeline.clean", "pipeline.segment", "pipeline.build")
    code = ("import contextlib, io, sys\n"
            "from pipeline.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out, "
            "contextlib.suppress(SystemExit):\n"
            f"    code = app({args!r}, standalone_mode=False)\n"
            "assert code in (0, 1, None) and out.getvalue(), (code, out.getvalue())\n"
            f"print([m for m in {heavy!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", command


# -- JSON from every read command -----------------------------------------------------------

def test_versions_json(archive_root):
    runs = run_json("versions", store=archive_root)
    assert [r["archive_version"] for r in runs] == [1, 2]
    assert runs[1]["changed_docs"] == 1


def test_show_json(archive_root):
    shown = run_json("show", REPORT, store=archive_root)
    assert shown["archive_version"] == 2 and shown["document"]["doc_id"] == REPORT
    assert len(shown["footnotes"]) == 64 and shown["removed"]
    assert shown["passages"][0]["passage_id"]


def test_records_are_the_rows_of_a_table_with_utc_times_made_quickly():
    moments = [datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=timezone.utc), None]
    table = pa.table({"source_id": ["a", "b"],
                      "at": pa.array(moments, pa.timestamp("us", tz="UTC")),
                      "counts": [[{"name": "request", "count": 3}], []]})
    assert _records(table) == table.to_pylist()
    assert _records(table)[0]["at"] == moments[0] and _records(table.slice(0, 0)) == []


def test_each_source_s_latest_capture_is_found_by_arrow():
    """An archive of many runs holds a capture per source and run: status picks each source's
    latest by Arrow (100,000 sources over 10 runs: 1.28 s in Python dicts, 0.18 s so)."""
    at = [datetime(2024, 5, d, tzinfo=timezone.utc) for d in range(1, 6)]
    captures = pa.table({"run_id": ["r1", "r2", "r1", "r3", "rX"],
                         "source_id": ["b", "b", "a", "a", "a"],
                         "captured_at": pa.array(at, pa.timestamp("us", tz="UTC"))})
    latest = _latest_captures(captures, ["r1", "r2", "r3"])  # rX: not a committed run
    assert latest.to_pylist() == [{"source_id": "a", "captured_at": at[3]},
                                  {"source_id": "b", "captured_at": at[1]}]
    assert _latest_captures(captures.slice(0, 1), ["r1"]).num_rows == 1
    assert _latest_captures(captures.slice(0, 0), ["r1"]).num_rows == 0


def test_trace_json_for_an_id_and_for_a_phrase(archive_root):
    listed = run_json("trace", "--text", "Tumen River", "--limit", "5", store=archive_root)
    assert listed["total"] > 5 and len(listed["matches"]) == 5
    traced = run_json("trace", listed["matches"][0]["id"], store=archive_root)
    assert traced["row"]["passage_id"] == listed["matches"][0]["id"]
    assert traced["capture"]["sha256"] == traced["row"]["capture_sha256"]
    assert "Tumen" in traced["snippet"]
    one = run_json("trace", "--text", "[of China] continued to return", store=archive_root)
    assert one["total"] == 1 and one["matches"][0]["doc_id"] == "note"


def test_statuses_are_made_without_the_cycle_collector(archive_root, monkeypatch):
    """A status per source makes objects with no cycles, 100,000 of them on a large archive:
    the collector walking them as they piled up was a quarter of the time."""
    snapshot = Snapshot(Archive(Store.at(archive_root)))
    collector_on: list[bool] = []
    read = snapshot.rows

    def rows(*args: Any, **kwargs: Any) -> pa.Table:
        collector_on.append(gc.isenabled())
        return read(*args, **kwargs)

    monkeypatch.setattr(snapshot, "rows", rows)
    assert len(snapshot.statuses()) == 3
    assert collector_on == [False, False, False] and gc.isenabled()


def test_status_and_verify_json(archive_root):
    statuses = run_json("status", store=archive_root)
    assert {s["source_id"] for s in statuses} == {REPORT, "note", "small-pdf"}
    # one source a line (json's C encoder: an indented list of 100,000 took seconds), with
    # every field of the status
    lines = cli("status", "--json", store=archive_root).stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(statuses) + 2
    expected = Snapshot(Archive(Store.at(archive_root))).statuses()
    assert statuses == json.loads(json.dumps([asdict(s) for s in expected],
                                             default=datetime.isoformat))
    checked = run_json("verify", store=archive_root)
    assert checked["ok"] is True and checked["blobs"] == 4 and checked["problems"] == []


def test_diff_json_and_diff_without_versions_compares_the_latest_two(archive_root):
    changes = run_json("diff", store=archive_root)
    assert changes and {c["version_a"] for c in changes} == {1}
    assert {c["version_b"] for c in changes} == {2}
    assert changes == run_json("diff", "1", "2", store=archive_root)


def test_extract_json_includes_the_removed_rows():
    result = runner.invoke(app, ["extract", str(SEEDS / "003_b5b1913a230cda32.txt"),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["removed"] and {"rule", "category", "text"} <= set(data["removed"][0])


# -- what a reader sees ---------------------------------------------------------------------

def test_trace_prints_bracketed_text_intact_in_both_panels(archive_root):
    result = cli("trace", "--text", "[of China] continued to return", store=archive_root)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("the government [of China] continued") == 2
    assert "[[source]] stays" in result.stdout


def test_trace_text_says_how_many_and_shows_the_match_in_context(archive_root):
    result = cli("trace", "--text", "Tumen River", "--limit", "4", store=archive_root)
    assert result.exit_code == 0, result.output
    total = Snapshot(Archive(Store.at(archive_root))).search("Tumen River").total
    assert f"{total} matches" in result.stdout and "the first 4" in result.stdout
    assert result.stdout.count("Tumen River") + result.stdout.count("Tumen river") >= 4


def test_show_lists_footnotes_and_marks_them_with_superscripts(archive_root):
    result = cli("show", REPORT, store=archive_root)
    assert result.exit_code == 0, result.output
    assert "[^" not in result.stdout
    assert "¹" in result.stdout and "⁶⁴" in result.stdout
    notes = result.stdout[result.stdout.index("Notes"):]
    assert sum(1 for line in notes.splitlines() if line.lstrip().startswith("•")) == 64


def test_show_markdown_keeps_markdown_footnotes(archive_root):
    result = cli("show", REPORT, "--markdown", store=archive_root)
    assert "[^1]" in result.stdout and "\n[^64]: " in result.stdout


# -- errors, not tracebacks -----------------------------------------------------------------

def assert_error(result, *phrases: str, code: int = 1) -> None:
    """A clear message and exit code, no exception escaping the command."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for phrase in phrases:
        assert phrase in result.output.replace("\n", " ")


@pytest.mark.parametrize("command", ["verify", "status", "versions", "show x", "trace x",
                                     "browse"])
def test_a_missing_store_is_an_error(command, tmp_path):
    assert_error(cli(*command.split(), store=tmp_path / "no" / "such"), "no store at",
                 "does not exist")


@pytest.mark.parametrize("command", ["verify", "status", "browse"])
def test_an_empty_store_is_an_error(command, tmp_path):
    assert_error(cli(command, store=tmp_path), "archivist ingest")


def test_errors_print_plainly_without_jargon(archive_root):
    result = cli("show", "nope", store=archive_root)
    assert_error(result, "error: no document 'nope'")
    assert "PipelineError" not in result.output and "(archive)" not in result.output


def test_a_huge_id_is_cut_in_the_message(archive_root):
    result = cli("trace", "f" * 10_000, store=archive_root)
    assert_error(result, "10,000 characters")
    assert len(result.output) < 500


def test_error_hints_keep_their_brackets(archive_root, tmp_path):
    registry = tmp_path / "bad.toml"
    registry.write_text('[sources]\nid = "x"\n', encoding="utf-8")
    assert_error(cli("status", str(registry), store=archive_root), "[[source]]", "[settings]")


def test_a_registry_of_random_bytes_is_a_registry_error(archive_root, tmp_path):
    registry = tmp_path / "random.toml"
    registry.write_bytes(bytes(range(256)) * 8)
    assert_error(cli("status", str(registry), store=archive_root), "random.toml",
                 "is not a text file")


def test_extract_with_an_unknown_kind_is_a_usage_error(tmp_path):
    image = tmp_path / "x.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    assert_error(runner.invoke(app, ["extract", str(image), "--kind", "txt"]), "txt", code=2)


def test_show_page_into_a_missing_folder_is_an_error(archive_root, tmp_path):
    target = tmp_path / "missing" / "dir" / "x.png"
    assert_error(cli("show", "small-pdf", "--page", "2", "--out", str(target),
                     store=archive_root), "does not exist")
    written = tmp_path / "p2.png"
    result = cli("show", "small-pdf", "--page", "2", "--out", str(written), store=archive_root)
    assert result.exit_code == 0, result.output
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_out_without_page_is_a_usage_error(archive_root, tmp_path):
    assert_error(cli("show", REPORT, "--out", str(tmp_path / "x.png"), store=archive_root),
                 "--page", code=2)


def test_export_into_a_file_is_an_error(archive_root, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("not a folder", encoding="utf-8")
    assert_error(cli("export", str(target), store=archive_root), "a-file", "not a folder")
    assert_error(cli("export", "--prov", REPORT, str(tmp_path), store=archive_root),
                 "cannot write")


@pytest.mark.parametrize("command", [f"show {REPORT}", "trace --text Tumen", "diff",
                                     "export OUT", f"show {REPORT} --json"])
def test_a_truncated_parquet_file_is_an_error_naming_the_damage(command, damaged, tmp_path):
    for path in (damaged / "curated" / "passages").glob("*.parquet"):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command.split()]
    assert_error(cli(*args, store=damaged), "passages table is damaged", "archivist verify")


def test_show_of_a_version_vacuum_removed_says_so(damaged):
    assert cli("vacuum", "--compact", "--yes", store=damaged).exit_code == 0
    assert_error(cli("show", "note", "--version", "1", store=damaged), "gone",
                 "read the latest or a tagged version")
    assert cli("show", "note", store=damaged).exit_code == 0


def test_diff_opens_the_runs_table_once(archive_root, opened):
    result = cli("diff", "1", "2", "--json", store=archive_root)
    assert result.exit_code == 0, result.output
    assert sorted(opened) == ["documents", "footnotes", "passages", "runs"]


def test_a_damaged_delta_log_is_an_error_and_verify_names_it(damaged):
    log = damaged / "curated" / "runs" / "_delta_log" / "00000000000000000001.json"
    log.write_text("garbage{", encoding="utf-8")
    for command in ("versions", f"show {REPORT}"):
        assert_error(cli(*command.split(), store=damaged), "cannot open the runs table",
                     "Json error")
    checked = cli("verify", store=damaged)
    assert_error(checked, "✗ unreadable", "runs: Delta log")
    assert "<unknown>" not in checked.output  # delta-rs' Rust backtrace is left out


def test_verify_names_a_truncated_captures_file(damaged):
    for path in (damaged / "curated" / "captures").glob("*.parquet"):
        path.write_bytes(path.read_bytes()[:300])
    checked = cli("verify", "--json", store=damaged)
    assert checked.exit_code == 1
    problems = json.loads(checked.stdout)["problems"]
    assert {p["kind"] for p in problems} == {"unreadable"} and len(problems) == 2
