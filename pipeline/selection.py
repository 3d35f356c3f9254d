"""What a handoff keeps: documents in the languages asked for, one copy of repeated passages.

Both act on the tables of one exported version (``export.export_tables``) and never on the
archive. Deduplication keeps the earliest-captured copy of each cluster and lists every copy it
left out in a ``duplicates`` table, so nothing disappears without a row saying where it went:

    exact   passages of MIN_WORDS+ words with the same words as an earlier kept passage
    near    those, and passages whose lineage origin (``passages.origin_passage_id``, found at
            ingest by MinHash and confirmed on the texts) is a kept passage
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.schema import to_arrow
from pipeline.textutil.fingerprint import MIN_WORDS, exact_key, normal_words

Dedup = Literal["exact", "near"]
DOCUMENT_KEYED = ("documents", "sections", "passages", "footnotes", "removed")


def select_languages(tables: dict[str, pa.Table], languages: Iterable[str]) -> dict[str, pa.Table]:
    """Keep the documents whose detected (else declared) language is one of ``languages``."""
    wanted = {code.strip().lower() for code in languages if code.strip()}
    docs = tables["documents"]
    detected = docs["detected_language"].to_pylist()
    declared = docs["language"].to_pylist()
    keep = [((found or (given or "").split("-")[0]) or "").lower() in wanted
            for found, given in zip(detected, declared)]
    kept_docs = docs.filter(pa.array(keep, pa.bool_()))
    return _restrict(tables, kept_docs)


def deduplicate(tables: dict[str, pa.Table], mode: Dedup) -> tuple[dict[str, pa.Table], pa.Table]:
    """The tables with one copy per cluster of passages, and the ``duplicates`` rows."""
    passages = tables["passages"]
    captured = {(d["doc_id"], d["doc_version"]): d["captured_at"]
                for d in tables["documents"].select(["doc_id", "doc_version", "captured_at"])
                .to_pylist()}
    rows = passages.select(["passage_id", "doc_id", "doc_version", "ordinal", "text",
                            "origin_passage_id", "origin_similarity"]).to_pylist()
    rows.sort(key=lambda r: (captured.get((r["doc_id"], r["doc_version"])), r["doc_id"],
                             r["ordinal"]))
    doc_of = {r["passage_id"]: r["doc_id"] for r in rows}
    first_of: dict[int, dict[str, object]] = {}
    kept_ids: set[str] = set()
    duplicates = []
    for row in rows:
        tokens = normal_words(row["text"])
        kept = None
        if len(tokens) >= MIN_WORDS:
            key = exact_key(tokens)
            kept = first_of.get(key)
            if kept is None:
                first_of[key] = row
        if kept is not None and kept["passage_id"] != row["passage_id"]:
            duplicates.append(_duplicate(row, kept, 1.0, "exact"))
        elif mode == "near" and row["origin_passage_id"] in kept_ids:
            origin = {"passage_id": row["origin_passage_id"],
                      "doc_id": doc_of[row["origin_passage_id"]]}
            duplicates.append(_duplicate(row, origin, row["origin_similarity"], "near"))
        else:
            kept_ids.add(row["passage_id"])
    dropped = pa.array([d["passage_id"] for d in duplicates], pa.string())
    keep = pc.invert(pc.is_in(passages["passage_id"], value_set=dropped))
    return {**tables, "passages": passages.filter(keep)}, to_arrow("duplicates", duplicates)


def _duplicate(row: dict[str, object], kept: dict[str, object], similarity: object,
               method: str) -> dict[str, object]:
    return {"passage_id": row["passage_id"], "doc_id": row["doc_id"],
            "doc_version": row["doc_version"], "kept_passage_id": kept["passage_id"],
            "kept_doc_id": kept["doc_id"], "similarity": similarity, "method": method}


def _restrict(tables: dict[str, pa.Table], docs: pa.Table) -> dict[str, pa.Table]:
    """Every document-keyed table cut to the (doc_id, doc_version) pairs of ``docs``."""
    keys = pa.array([f"{d}\x00{v}" for d, v in zip(docs["doc_id"].to_pylist(),
                                                   docs["doc_version"].to_pylist())])
    out = dict(tables)
    for name in DOCUMENT_KEYED:
        table = tables[name]
        joined = pc.binary_join_element_wise(table["doc_id"], pc.cast(table["doc_version"],
                                                                      pa.string()), "\x00")
        out[name] = table.filter(pc.is_in(joined, value_set=keys))
    return out
