"""The archivist command, run in-process with typer's CliRunner."""

import gc
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.schema import arrow_schema

runner = CliRunner()
SEED_000 = str(SEEDS / "000_0709e5aed7a81254.txt")


def commands():
    import typer.main

    return sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_an_example(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`archivist {name} --help` shows no example"


@pytest.mark.parametrize("name", commands())
def test_help_shows_no_type_labels(name):
    """typer printed <bool>, <str>, <list[Path]> beside every option and argument."""
    result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    assert not re.search(r"<(bool|str|int|float|path|datetime|list\[)", result.output), \
        result.output


@pytest.mark.parametrize("name", commands())
def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source(name):
    """typer kept the docstring's own line breaks: at 200 columns every paragraph still broke
    where the source wrapped it, and narrower terminals got ragged half-lines."""
    import inspect

    import typer.main

    doc = inspect.cleandoc(typer.main.get_command(app).commands[name].callback.__doc__ or "")
    result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    lines = {" ".join(line.split()) for line in result.output.splitlines()}
    for paragraph in doc.split("\n\n")[1:]:
        words = " ".join(paragraph.split())
        if len(words) < 190 and not paragraph.startswith("- "):
            assert words in lines, f"broken across lines: {paragraph}"


def test_archivist_version_prints_the_program_version():
    from pipeline import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"archivist {__version__}"


def test_minus_v_is_not_an_archive_version():
    result = runner.invoke(app, ["show", "x", "-v", "1"])
    assert result.exit_code == 2 and "No such option: -v" in result.output


def test_format_options_list_their_choices():
    for command, choices in (("extract", "json|text|markdown"), ("diff", "table|json|parquet"),
                             ("export", "parquet|jsonl")):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert choices in result.output, command


def test_every_read_command_offers_json():
    for command in ("versions", "status", "show", "trace", "diff", "verify"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert "--json" in result.output, command


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [n for n in commands() if not re.search(rf"archivist {n}\b", readme)]
    assert not missing, f"README does not mention: {missing}"


def test_extract_json_uses_the_archive_field_names():
    result = runner.invoke(app, ["extract", SEED_000, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"document", "sections", "passages", "footnotes", "removed"}
    assert set(data["passages"][0]) == set(arrow_schema("passages").names)
    assert set(data["document"]) == set(arrow_schema("documents").names)
    assert any("Tumen River" in p["text"] for p in data["passages"])


def test_extract_does_not_load_the_archive_stack():
    # Every `archivist extract` pays its imports at process start; Delta and pyarrow.dataset
    # (which imports pandas) cost about 0.2 s of CPU, pyarrow itself 0.15 s, the HTTP stack
    # (httpx, warcio) 0.15 s, rich's Markdown renderer 0.1 s, Pydantic (typer 0.29 coerces
    # options with it) 0.05 s, charset_normalizer and the HTML extractor (only the worker
    # decodes and extracts; the command imports a file's extractor only to fork its worker,
    # and these seeds are text) and rich's progress bar 0.01 s each: none is needed to print
    # rows. The worker makes and renders the rows too: the language model (py3langid and
    # numpy) is loaded there only.
    code = ("import contextlib, io, sys\n"
            "from pipeline.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    app(['extract', {SEED_000!r}, '--format', 'json'], standalone_mode=False)\n"
            "assert 'Tumen River' in out.getvalue()\n"
            "print(sorted(m for m in ('deltalake', 'pyarrow', 'pyarrow.dataset', 'pandas', "
            "'httpx', 'warcio', 'rich.markdown', 'charset_normalizer', 'rich.progress', "
            "'pydantic', 'prefect', 'lxml', 'trafilatura', 'py3langid', 'numpy') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_command_s_imports_run_without_the_cycle_collector():
    # Every pass of the collector while typer, rich and the CLI were imported walked all the
    # objects made before it: a tenth of the command's start. Back on afterwards.
    # (Counted from typer's import to the module's end: compiling the module from source,
    # where no bytecode is kept, makes passes of its own before the module runs.)
    code = ("import gc, sys, pipeline\n"
            "passes = []\n"
            "gc.callbacks.append(lambda phase, info: 'typer' in sys.modules and not hasattr(\n"
            "    sys.modules['pipeline.cli'], 'main') and passes.append(info['generation']))\n"
            "import pipeline.cli\n"
            "print(passes, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] True"


def test_extract_writes_one_file_per_input_in_a_folder(tmp_path):
    result = runner.invoke(app, ["extract", str(SEEDS), "--format", "markdown",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 6 and "003_b5b1913a230cda32.md" in written  # 5 seeds + README.md


def test_extract_reports_a_bad_file_and_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(empty), SEED_000, "--format", "text"])
    assert result.exit_code == 1
    assert "EmptySource" in result.output and "Tumen River" in result.output


def test_extract_makes_each_document_with_the_cycle_collector_paused(tmp_path, monkeypatch):
    # A document's rows form no cycles; the collector's passes over them while they were made
    # were 1% of the command's instructions. It runs again between documents and after.
    import pipeline.rows

    paused = []
    extract_file_then = pipeline.rows.extract_file_then

    def watched(*args):
        paused.append(not gc.isenabled())
        return extract_file_then(*args)

    monkeypatch.setattr(pipeline.rows, "extract_file_then", watched)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(empty), SEED_000, "--format", "json"])
    assert result.exit_code == 1 and "Tumen River" in result.output
    assert paused == [True, True] and gc.isenabled()


def test_reading_an_empty_store_says_how_to_fill_it(tmp_path):
    result = runner.invoke(app, ["show", "anything", "--store", str(tmp_path)])
    assert result.exit_code != 0
    assert "archivist ingest" in str(result.exception) + result.output


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_show_trace_verify_through_the_cli(corpus, tmp_path):
    store = str(tmp_path / "store")
    result = runner.invoke(app, ["ingest", str(corpus), "--store", store])
    assert result.exit_code == 0, result.output
    assert "5 new" in result.output and "version 1" in result.output
    shown = runner.invoke(app, ["show", "wilson-2008-struggle-for-survival", "--store", store,
                                "--markdown"])
    assert shown.exit_code == 0 and "Tumen River" in shown.output
    traced = runner.invoke(app, ["trace", "--text", "120 male births", "--store", store])
    assert traced.exit_code == 0, traced.output
    assert "raw source at the locator" in traced.output and "sha256" in traced.output
    assert runner.invoke(app, ["verify", "--store", store]).exit_code == 0
    listed = runner.invoke(app, ["versions", "--store", store])
    assert listed.exit_code == 0 and "│       1 │" in listed.output.replace("┃", "│")

    again = runner.invoke(app, ["ingest", str(corpus), "--store", store])  # nothing changed
    assert again.exit_code == 0 and "version 1, unchanged: no new version" in again.output
    listed = runner.invoke(app, ["versions", "--store", store])
    cells = [[c.strip() for c in line.split("│")[1:3]] for line in listed.output.splitlines()
             if "│" in line]
    assert [row for row in cells if row[0]] == [["1", "yes"], ["1", "no"]]
    runs = json.loads(runner.invoke(app, ["versions", "--store", store, "--json"]).output)
    assert [(r["archive_version"], r["new_version"]) for r in runs] == [(1, True), (1, False)]


def test_ingest_failures_keep_the_brackets_of_their_hints(capsys):
    """A failure's message is data: rich markup dropped "[settings]" from this hint."""
    from pipeline.archive import RunSummary
    from pipeline.cli import _print_summary

    hint = ("x.txt resolves to /etc/x.txt, outside the allowed folders; add its folder to "
            "[settings] allowed_roots in the registry to allow it")
    _print_summary(RunSummary("r1", 1, {"[[source]] one": "failed"},
                              (("[[source]] one", "capture", "CaptureError", hint),)))
    captured = capsys.readouterr()
    assert "[settings] allowed_roots" in captured.err.replace("\n", " ")
    assert "[[source]] one" in captured.out and "[[source]] one" in captured.err


def test_trace_shows_where_a_transform_acted_once():
    from pipeline.cli import _transform_line

    joined = {"name": "join-break", "detail": "continued", "page_number": 2,
              "bbox": [72.0, 60.5, 300.0, 74.0], "char_start": None, "char_end": None,
              "evidence": None}
    assert _transform_line(joined) == "join-break: continued · page 2, bbox (72.0, 60.5, 300.0, 74.0)"
    dehyphenated = {"name": "dehyphenate", "detail": "join a-|b -> ab (lexicon)",
                    "char_start": 5, "char_end": 6, "evidence": "lexicon"}
    assert _transform_line(dehyphenated) == "dehyphenate: join a-|b -> ab (lexicon) · chars [5, 6)"


def test_options_are_coerced_as_typers_own_adapters_would():
    """The CLI coerces plain values itself (typer 0.29 would import Pydantic for them, 0.05 s
    at every start); every parameter of every command must come out as typer's adapter
    makes it, or fail with its message."""
    import typer.main
    from typer._click.core import Context
    from typer._click.exceptions import BadParameter
    from typer._coercion import build_runtime_param
    from typer.core import _TyperParameter

    def coerced(runtime, value, param, ctx):
        try:
            return runtime._coerce_value(value, param=param, ctx=ctx)
        except BadParameter as exc:
            return f"error: {exc.message}"

    group = typer.main.get_command(app)
    checked = 0
    for command in group.commands.values():
        ctx = Context(command)
        for param in command.params:
            if not isinstance(param, _TyperParameter) or param.type_descriptor.annotation is bool:
                continue
            ours = param.get_runtime_param()
            theirs = build_runtime_param(param.type_descriptor)
            values = ["x", "", "3", "-1", "1e3", "70000", 7, 0, 2.5, "json", "thread", "HTML",
                      str(SEEDS), ["a", "b"], (str(SEEDS),), "2026-01-02"]
            for value in values:
                assert coerced(ours, value, param, ctx) == coerced(theirs, value, param, ctx), (
                    command.name, param.name, value)
                checked += 1
    assert checked > 400
