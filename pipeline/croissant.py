"""Croissant metadata (MLCommons, version 1.0) for an exported dataset: the JSON-LD file that
ML tools read to find the tables, their columns and types, and the licence and citation.

Written beside the dataset card as ``croissant.json``; every table file is a ``FileObject``
with its SHA-256, and every table a ``RecordSet`` whose fields take their types and
descriptions from the contracts in ``schemas/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.schema import contract

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract",
    "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key",
    "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex",
    "repeated": "cr:repeated", "replace": "cr:replace", "samplingRate": "cr:samplingRate",
    "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField",
    "transform": "cr:transform"}
"""The standard context of Croissant 1.0 documents."""

_DATA_TYPES = {"string": "sc:Text", "int32": "sc:Integer", "int64": "sc:Integer",
               "float64": "sc:Float", "bool": "sc:Boolean", "timestamp": "sc:DateTime"}
_ENCODING = {".parquet": "application/x-parquet", ".jsonl": "application/jsonlines"}


def croissant_metadata(tables: dict[str, int], files: dict[str, tuple[str, str]],
                       version: int, description: str, license_url: str | None = None,
                       url: str | None = None) -> dict[str, Any]:
    """``tables``: name -> row count; ``files``: table name -> (relative path, SHA-256).

    The licence is the archive owner's to state (``--license``): archived documents keep
    their publishers' terms, so none is assumed."""
    distribution = []
    record_sets = []
    for name in tables:
        path, digest = files[name]
        file_id = Path(path).name
        distribution.append({"@type": "cr:FileObject", "@id": file_id, "name": file_id,
                             "contentUrl": path, "encodingFormat": _ENCODING[Path(path).suffix],
                             "sha256": digest})
        spec = contract(name)
        fields = [_field(name, file_id, f) for f in spec["fields"]
                  if _scalar(f["type"]) is not None]
        record_sets.append({"@type": "cr:RecordSet", "@id": name, "name": name,
                            "description": spec["description"], "field": fields})
    metadata: dict[str, Any] = {
        "@context": CONTEXT, "@type": "sc:Dataset", "conformsTo": CONFORMS_TO,
        "name": f"archivist-archive-version-{version}", "description": description,
        "version": f"{version}.0.0", "citeAs": f"Archivist archive version {version}",
        "creator": {"@type": "sc:Organization", "name": f"archivist {__version__}"},
        "distribution": distribution, "recordSet": record_sets}
    if license_url:
        metadata["license"] = license_url
    if url:
        metadata["url"] = url
    return metadata


def _field(table: str, file_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    scalar = _scalar(spec["type"])
    field: dict[str, Any] = {
        "@type": "cr:Field", "@id": f"{table}/{spec['name']}", "name": spec["name"],
        "description": spec.get("description", ""), "dataType": _DATA_TYPES[scalar or "string"],
        "source": {"fileObject": {"@id": file_id}, "extract": {"column": spec["name"]}}}
    if isinstance(spec["type"], dict):
        field["repeated"] = True
    return field


def _scalar(type_spec: str | dict[str, Any]) -> str | None:
    """The element type of a scalar or a list of scalars; None for structs, which Croissant
    would describe as sub-fields and no tool reads from Parquet that way yet."""
    if isinstance(type_spec, str):
        return type_spec
    inner = type_spec.get("list")
    return inner if isinstance(inner, str) else None
