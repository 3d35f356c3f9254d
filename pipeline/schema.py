"""The data contracts in ``schemas/<table>.json`` as Arrow schemas, and batch validation.

A contract lists each field's name, type, nullability and description. Types are ``string``,
``int32``, ``int64``, ``float64``, ``bool``, ``timestamp`` (UTC, microseconds), ``{"list": T}``
and ``{"struct": [fields]}``. deltalake casts by name and castability (an int into a string
column passes), so every batch is checked here against the contract before it is written.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.errors import SchemaViolation

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
TABLES = ("documents", "sections", "passages", "footnotes", "removed", "captures", "failures",
          "lineage_index", "expansions", "runs", "tags")

_SCALARS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


@cache
def contract(table: str) -> dict[str, Any]:
    """The parsed ``schemas/<table>.json``."""
    spec: dict[str, Any] = json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))
    return spec


@cache
def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([_field(f) for f in contract(table)["fields"]])


def _field(spec: dict[str, Any]) -> pa.Field:
    return pa.field(spec["name"], _type(spec["type"]), nullable=spec.get("nullable", True))


def _type(spec: str | dict[str, Any]) -> pa.DataType:
    if isinstance(spec, str):
        return _SCALARS[spec]
    if "list" in spec:
        return pa.list_(_type(spec["list"]))
    return pa.struct([_field(f) for f in spec["struct"]])


def to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table of exactly the contract's schema, or SchemaViolation saying why."""
    schema = arrow_schema(table)
    expected = set(schema.names)
    for number, row in enumerate(rows):
        if set(row) != expected:
            missing, extra = sorted(expected - set(row)), sorted(set(row) - expected)
            raise SchemaViolation(f"{table} row {number}: missing {missing}, unexpected {extra}")
    try:
        batch = pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise SchemaViolation(f"{table}: a value does not fit the contract: {exc}") from None
    for field in schema:
        if not field.nullable and batch.column(field.name).null_count:
            raise SchemaViolation(f"{table}: {field.name} is required but "
                                  f"{batch.column(field.name).null_count} rows have no value")
    return batch
