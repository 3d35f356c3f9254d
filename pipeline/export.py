"""Handoff: one archive version out as a documented, checksummed dataset; provenance as PROV.

In: an :class:`~pipeline.archive.Archive` and a version. Out: a folder holding ``tables/``
(one Parquet or JSON Lines file per table), ``schemas/`` (the contracts), ``README.md`` (a
dataset card) and checksums: ``SHA256SUMS``, or with ``bag=True`` a BagIt bag (payload under
``data/``, SHA-256 manifests) that ``bagit.py --validate`` accepts.

Document tables (documents, sections, passages, footnotes, removed) hold each document's
state at that version; captures, failures, runs and tags hold the history up to it.

``provenance`` gives one document's lineage as W3C PROV (captures, activities with software
versions, derivations down to passages), serialisable as PROV-JSON by the ``prov`` package.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

import bagit
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prov.model import ProvDocument

from pipeline import __version__
from pipeline.archive import Archive
from pipeline.croissant import croissant_metadata
from pipeline.errors import ArchiveError, shorten
from pipeline.query import Snapshot
from pipeline.releases import tags
from pipeline.schema import SCHEMA_DIR, arrow_schema, contract
from pipeline.selection import Dedup, deduplicate, select_languages

Format = Literal["parquet", "jsonl"]
DOCUMENT_TABLES = ("documents", "sections", "passages", "footnotes", "removed")
HISTORY_TABLES = ("captures", "failures", "expansions", "runs", "tags")
EXPORT_TABLES = DOCUMENT_TABLES + HISTORY_TABLES
CARD_SOURCE_ROWS = 200
"""Sources listed by name in the card; beyond this the card points to documents.parquet
instead of growing into a file nobody reads."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    archive_version: int
    row_counts: dict[str, int]
    files: tuple[str, ...]
    """Payload files, relative to the payload root (``data/`` in a bag)."""
    bag: bool


def export(archive: Archive, out: Path, version: int | None = None,
           fmt: Format = "parquet", bag: bool = False, dedup: Dedup | None = None,
           languages: tuple[str, ...] = (), license_url: str | None = None) -> ExportResult:
    """Write archive ``version`` (default: latest) to the empty or new folder ``out``.

    ``languages`` keeps only documents in those languages; ``dedup`` keeps one copy of each
    cluster of passages and lists the rest in a ``duplicates`` table (``pipeline.selection``).
    """
    snapshot = Snapshot(archive, version)
    number = snapshot.version
    if out.exists() and not out.is_dir():
        raise ArchiveError(f"{out} is not a folder: export into a new or empty folder")
    if out.exists() and any(out.iterdir()):
        raise ArchiveError(f"{out} is not empty: export into a new or empty folder")
    try:
        (out / "tables").mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a parent folder should be, no permission
        raise ArchiveError(f"cannot create {out}: {exc.strerror or exc}") from None
    tables = export_tables(snapshot)
    if languages:
        tables = select_languages(tables, languages)
    if dedup:
        tables, tables["duplicates"] = deduplicate(tables, dedup)
    table_files = {name: _write_table(out / "tables", name, table, fmt)
                   for name, table in tables.items()}
    files = list(table_files.values())
    (out / "schemas").mkdir()
    for name in tables:
        shutil.copyfile(SCHEMA_DIR / f"{name}.json", out / "schemas" / f"{name}.json")
        files.append(f"schemas/{name}.json")
    card = dataset_card(tables, number, fmt)
    (out / "README.md").write_text(card, encoding="utf-8")
    files.append("README.md")
    croissant = croissant_metadata(
        {n: t.num_rows for n, t in tables.items()},
        {n: (f, _sha256(out / f)) for n, f in table_files.items()}, number,
        f"Archivist archive version {number}: documents, passages, footnotes and their "
        "provenance; see README.md.", license_url)
    (out / "croissant.json").write_text(json.dumps(croissant, indent=2), encoding="utf-8")
    files.append("croissant.json")
    if bag:
        bagit.make_bag(str(out), bag_info=_bag_info(number), checksums=["sha256"])
    else:
        (out / "SHA256SUMS").write_text("".join(f"{_sha256(out / f)}  {f}\n" for f in files),
                                        encoding="utf-8")
    return ExportResult(out, number, {n: t.num_rows for n, t in tables.items()},
                        tuple(files), bag)


def export_tables(snapshot: Snapshot) -> dict[str, pa.Table]:
    """The tables a handoff of the snapshot's version contains, in contract order."""
    tables = {name: snapshot.current_table(name) for name in DOCUMENT_TABLES}
    for name in ("captures", "failures"):
        tables[name] = snapshot.rows(name)
    tables["runs"] = pa.Table.from_pylist(snapshot.runs, schema=arrow_schema("runs"))
    rows = [{"name": t.name, "archive_version": t.archive_version, "run_id": t.run_id,
             "created_at": t.created_at, "note": t.note}
            for t in tags(snapshot.archive) if t.archive_version <= snapshot.version]
    tables["tags"] = pa.Table.from_pylist(rows, schema=arrow_schema("tags"))
    return tables


def _write_table(folder: Path, name: str, table: pa.Table, fmt: Format) -> str:
    if fmt == "parquet":
        pq.write_table(table, folder / f"{name}.parquet")
        return f"tables/{name}.parquet"
    with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as handle:
        for row in table.to_pylist():
            handle.write(json.dumps(row, ensure_ascii=False, default=_json_value) + "\n")
    return f"tables/{name}.jsonl"


def _json_value(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _bag_info(version: int) -> dict[str, str]:
    return {"Source-Organization": "Archivist", "External-Description":
            f"Archivist archive version {version}: documents, passages, footnotes and their "
            "provenance; see data/README.md", "Bag-Software-Agent": f"archivist {__version__}"}


# -- the dataset card ----------------------------------------------------------------------

def dataset_card(tables: dict[str, pa.Table], version: int, fmt: Format) -> str:
    """README.md for the handoff: what is in it, where it came from, how to read it."""
    docs = tables["documents"].to_pylist()
    runs = tables["runs"].to_pylist()
    sections = [
        f"# Archivist dataset: archive version {version}", "",
        f"Exported {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by archivist {__version__}. "
        "Document tables hold each document's latest version as of this archive version; "
        "captures, failures, runs and tags hold the history up to it. In a BagIt bag every "
        "path below is under `data/`.", "",
        *_counts(tables), *_ranges(tables), *_languages(docs), *_sources(docs),
        *_runs(runs, tables["tags"].to_pylist()), *_reading(fmt), *_fields(tables),
        "## Checksums", "",
        "`SHA256SUMS` (or the bag's `manifest-sha256.txt`) lists the SHA-256 of every file; "
        "check with `sha256sum -c SHA256SUMS` or `bagit.py --validate DIR`.", ""]
    return "\n".join(sections)


def _counts(tables: dict[str, pa.Table]) -> list[str]:
    lines = ["## Tables", "", "| table | rows | description |", "|---|---:|---|"]
    lines += [f"| {name} | {table.num_rows:,} | {contract(name)['description']} |"
              for name, table in tables.items()]
    return lines + [""]


def _ranges(tables: dict[str, pa.Table]) -> list[str]:
    captured = [v for v in tables["captures"]["captured_at"].to_pylist() if v is not None]
    published = sorted(v for v in tables["documents"]["published"].to_pylist() if v)
    lines = ["## Date ranges", ""]
    lines.append(f"- captured: {min(captured):%Y-%m-%d %H:%M} to {max(captured):%Y-%m-%d %H:%M}"
                 " UTC" if captured else "- captured: no captures")
    lines.append(f"- published: {published[0]} to {published[-1]} ({len(published)} documents "
                 "give a date)" if published else "- published: no document gives a date")
    return lines + [""]


def _languages(docs: list[dict[str, Any]]) -> list[str]:
    counts = Counter(d.get("detected_language") or d["language"] or "unknown" for d in docs)
    return ["## Languages", "", *[f"- {lang}: {n} documents" for lang, n in counts.most_common()],
            ""]


def _sources(docs: list[dict[str, Any]]) -> list[str]:
    lines = ["## Sources", "", f"{len(docs)} documents from {len({d['source_id'] for d in docs})}"
             " sources.", "", "| source | kind | version | passages | title | uri |",
             "|---|---|---:|---:|---|---|"]
    for d in sorted(docs, key=lambda d: d["source_id"])[:CARD_SOURCE_ROWS]:
        title = (d["title"] or "").replace("|", "\\|")
        lines.append(f"| {d['source_id']} | {d['kind']} | {d['doc_version']} | "
                     f"{d['passage_count']} | {title} | {d['uri']} |")
    if len(docs) > CARD_SOURCE_ROWS:
        lines.append(f"\n… and {len(docs) - CARD_SOURCE_ROWS} more: see the documents table.")
    return lines + [""]


def _runs(runs: list[dict[str, Any]], tag_rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Versions and runs", "", "| version | run id | committed (UTC) | new | changed |"
             " unchanged | failed |", "|---:|---|---|---:|---:|---:|---:|"]
    lines += [f"| {r['archive_version']} | {r['run_id']} | {r['committed_at']:%Y-%m-%d %H:%M:%S}"
              f" | {r['new_docs']} | {r['changed_docs']} | {r['unchanged_docs']} | "
              f"{r['failed']} |" for r in runs]
    lines += [""] + [f"- tag `{t['name']}` = version {t['archive_version']}" for t in tag_rows]
    return lines + [""]


def _reading(fmt: Format) -> list[str]:
    ext = "parquet" if fmt == "parquet" else "jsonl"
    reader = "read_parquet" if fmt == "parquet" else "read_json"
    pandas = ("pd.read_parquet('tables/passages.parquet')" if fmt == "parquet"
              else "pd.read_json('tables/passages.jsonl', lines=True)")
    return ["## How to read it", "", "DuckDB:", "", "```sql",
            f"SELECT d.title, p.ordinal, p.text FROM {reader}('tables/passages.{ext}') p",
            f"JOIN {reader}('tables/documents.{ext}') d USING (doc_id, doc_version)",
            "ORDER BY d.title, p.ordinal;", "```", "", "pandas:", "", "```python",
            "import pandas as pd", f"passages = {pandas}", "```", "",
            "`croissant.json` describes the tables as MLCommons Croissant 1.0 metadata "
            "(`mlcroissant.Dataset('croissant.json')`); Hugging Face datasets reads them as "
            f"they are: `load_dataset('{'parquet' if fmt == 'parquet' else 'json'}', "
            f"data_files='tables/passages.{ext}')`.", ""]


def _fields(tables: dict[str, pa.Table]) -> list[str]:
    lines = ["## Fields", ""]
    for name in tables:
        lines += [f"### {name}", "", "| field | type | nullable | description |",
                  "|---|---|---|---|"]
        for spec in contract(name)["fields"]:
            lines.append(f"| {spec['name']} | `{_type_name(spec['type'])}` | "
                         f"{spec.get('nullable', True)} | "
                         f"{spec.get('description', '')} |")
        lines.append("")
    return lines


def _type_name(spec: str | dict[str, Any]) -> str:
    if isinstance(spec, str):
        return spec
    if "list" in spec:
        return f"list<{_type_name(spec['list'])}>"
    return "struct<" + ", ".join(f"{f['name']}: {_type_name(f['type'])}"
                                 for f in spec["struct"]) + ">"


# -- provenance ----------------------------------------------------------------------------

PROV_NAMESPACE = "urn:archivist:"
"""Identifiers are URNs: they name things in this archive, they are not web addresses."""


def provenance(archive: Archive, doc_id: str, version: int | None = None) -> ProvDocument:
    """``doc_id``'s lineage up to archive ``version``: source -> captures (raw bytes) ->
    extraction activities -> document versions -> passages and footnotes."""
    snapshot = Snapshot(archive, version)
    docs = snapshot.rows("documents", pc.field("doc_id") == doc_id).to_pylist()
    if not docs:
        raise ArchiveError(f"no document {shorten(doc_id)!r} at archive version "
                           f"{snapshot.version}")
    doc = ProvDocument()
    doc.add_namespace("arch", PROV_NAMESPACE)
    source_id = docs[0]["source_id"]
    doc.entity(f"arch:source/{source_id}", {"prov:type": "arch:Source",
                                           "prov:location": docs[0]["uri"]})
    captures = snapshot.rows("captures", pc.field("source_id") == source_id).to_pylist()
    for capture in captures:
        _prov_capture(doc, capture)
    previous = None
    for row in sorted(docs, key=lambda d: d["doc_version"]):
        entity = _prov_document_version(doc, row, previous)
        _prov_items(doc, snapshot, row, entity)
        previous = entity
    return doc


def _software(doc: ProvDocument, name: str, version: str) -> str:
    agent = f"arch:software/{name}/{version}"
    if not doc.get_record(agent):  # one record per identifier: PROV-JSON lists repeats
        doc.agent(agent, {"prov:type": "prov:SoftwareAgent", "arch:name": name,
                          "arch:version": version})
    return agent


def _prov_capture(doc: ProvDocument, c: dict[str, Any]) -> None:
    stamp = c["captured_at"].strftime("%Y%m%dT%H%M%S%fZ")
    activity = doc.activity(f"arch:capture/{c['source_id']}/{stamp}", c["captured_at"],
                            c["captured_at"], {"prov:type": "arch:Capture",
                                               "arch:run_id": c["run_id"],
                                               "arch:revisit": c["revisit"],
                                               "arch:http_status": c["http_status"] or 0})
    doc.used(activity, f"arch:source/{c['source_id']}")
    doc.wasAssociatedWith(activity, _software(doc, "archivist", __version__))
    raw = f"arch:raw/sha256/{c['sha256']}"
    attributes: dict[str, Any] = {"prov:type": "arch:RawBytes", "arch:sha256": c["sha256"],
                                  "arch:size": c["size"], "arch:media_type": c["media_type"]}
    if c["warc_path"]:
        attributes["arch:warc_path"] = c["warc_path"]
    for field in ("warc_sha256", "warc_offset", "warc_length", "warc_record_id"):
        if c.get(field) is not None:  # a record of a WARC source: where its bytes are
            attributes[f"arch:{field}"] = c[field]
    if not doc.get_record(raw):
        doc.entity(raw, attributes)
    if not c["revisit"]:  # a revisit re-confirmed bytes an earlier capture generated
        doc.wasGeneratedBy(raw, activity, c["captured_at"])


def _prov_document_version(doc: ProvDocument, row: dict[str, Any], previous: str | None) -> str:
    entity = f"arch:document/{row['doc_id']}/v{row['doc_version']}"
    doc.entity(entity, {"prov:type": "arch:DocumentVersion", "arch:doc_version":
                        row["doc_version"], "arch:content_hash": row["content_hash"],
                        "prov:label": row["title"] or row["doc_id"]})
    activity = doc.activity(f"arch:extract/{row['doc_id']}/v{row['doc_version']}", None, None,
                            {"prov:type": "arch:Extraction", "arch:run_id": row["run_id"],
                             "arch:transforms": ", ".join(t["name"] for t in row["transforms"])})
    raw = f"arch:raw/sha256/{row['capture_sha256']}"
    doc.used(activity, raw)
    doc.wasGeneratedBy(entity, activity)
    doc.wasDerivedFrom(entity, raw, activity)
    doc.wasAssociatedWith(activity, _software(doc, row["extractor"], row["extractor_version"]))
    doc.wasAssociatedWith(activity, _software(doc, "archivist", row["pipeline_version"]))
    if previous is not None:
        doc.wasRevisionOf(entity, previous)
    return entity


def _prov_items(doc: ProvDocument, snapshot: Snapshot, row: dict[str, Any],
                parent: str) -> None:
    """Passages and footnotes of one document version, each derived from it."""
    for table, id_column, kind in (("passages", "passage_id", "arch:Passage"),
                                   ("footnotes", "footnote_id", "arch:Footnote")):
        rows = snapshot.rows(table, (pc.field("doc_id") == row["doc_id"])
                             & (pc.field("doc_version") == row["doc_version"])).to_pylist()
        for item in rows:
            entity = f"arch:{table[:-1]}/{item[id_column]}"
            if not doc.get_record(entity):  # an unchanged passage keeps its id across versions
                doc.entity(entity, {"prov:type": kind, "prov:value": item["text"][:200],
                                    "arch:ordinal": item.get("ordinal", 0)})
            doc.wasDerivedFrom(entity, parent)
