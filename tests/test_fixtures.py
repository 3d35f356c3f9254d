"""Real files and what the pipeline makes of them, side by side in tests/fixtures/<kind>/.

Each input is named after the failure it pins and has ``<name>.expected.txt`` beside it: its
passages as ``kind: text`` lines in reading order, the typed provenance a reader relies on
indented under them, then its notes. The input goes through what ``archivist extract`` runs
(kind sniffed from the bytes, extract, clean, segment), so any change in the output shows as a
diff of the expected file. After a deliberate change, rewrite the expected files with
``ARCHIVIST_UPDATE_FIXTURES=1 pytest tests/test_fixtures.py`` and read the diff before
committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.capture import read_local
from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.model import Transform
from pipeline.segment import doc_id_for, segment

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INPUTS = sorted(path for kind in ("pdf", "html", "text") for path in (FIXTURES / kind).iterdir()
                if path.with_name(path.stem + ".expected.txt").exists())


def rendered(path: Path) -> str:
    capture, data = read_local(path)
    doc = segment(doc_id_for(capture.source_id), clean(extract(data, capture)))
    lines = []
    for passage in doc.passages:
        lines.append(f"{passage.kind}: {passage.text}")
        lines += [f"  {line}" for t in passage.transforms if (line := _provenance(t, passage.text))]
    lines += [f"[^{note.label}]: {note.text}" for note in doc.footnotes]
    return "\n".join(lines) + "\n"


def _provenance(transform: Transform, text: str) -> str | None:
    """The typed fields of the steps that join text from elsewhere in the source (a continued
    part by the text its offsets give)."""
    if transform.name == "join-break" and transform.bbox is not None:
        box = ", ".join(f"{v:.1f}" for v in transform.bbox)
        part = text[transform.char_start:transform.char_end]
        return f"continued on page {transform.page_number} at ({box}): {part!r}"
    if transform.name == "dehyphenate":
        action = "joined" if transform.detail.startswith("join ") else "kept"
        return (f"hyphen {action} at source [{transform.char_start}, {transform.char_end}) "
                f"({transform.evidence})")
    return None


def test_every_fixture_has_an_input():
    assert {p.parent.name for p in INPUTS} == {"pdf", "html", "text"}


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_output_matches_its_expected_file(path: Path):
    expected = path.with_name(path.stem + ".expected.txt")
    actual = rendered(path)
    if os.environ.get("ARCHIVIST_UPDATE_FIXTURES"):
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")
