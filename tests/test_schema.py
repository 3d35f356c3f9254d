import json
from datetime import datetime, timezone

import pyarrow as pa
import pytest

from pipeline.errors import SchemaViolation
from pipeline.schema import SCHEMA_DIR, TABLES, arrow_schema, contract, to_arrow

FAILURE = {"source_id": "a", "run_id": "r", "stage": "capture", "error_class": "FetchError",
           "message": "boom", "capture_sha256": None,
           "failed_at": datetime(2026, 1, 1, tzinfo=timezone.utc)}


@pytest.mark.parametrize("table", TABLES)
def test_every_contract_describes_every_field(table):
    spec = contract(table)
    assert spec["table"] == table and isinstance(spec["schema_version"], int)
    assert spec["description"]
    for field in spec["fields"]:
        assert field["description"], f"{table}.{field['name']} has no description"
    assert arrow_schema(table).names == [f["name"] for f in spec["fields"]]


def test_contract_files_are_the_tables():
    assert {p.stem for p in SCHEMA_DIR.glob("*.json")} >= set(TABLES)


def test_a_valid_batch_has_exactly_the_contract_schema():
    batch = to_arrow("failures", [FAILURE])
    assert batch.schema == arrow_schema("failures")
    assert batch.column("failed_at").type == pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize("change, message", [
    ({"stage": 3}, "does not fit the contract"),          # deltalake would cast this silently
    ({"message": None}, "message is required"),
    ({"colour": "red"}, "unexpected ['colour']"),
])
def test_invalid_batches_are_refused_before_writing(change, message):
    with pytest.raises(SchemaViolation, match=message.replace("[", r"\[").replace("]", r"\]")):
        to_arrow("failures", [{**FAILURE, **change}])


def test_missing_column_is_named():
    row = dict(FAILURE)
    del row["stage"]
    with pytest.raises(SchemaViolation, match=r"missing \['stage'\]"):
        to_arrow("failures", [row])


def test_contracts_are_valid_json_files_with_a_trailing_newline():
    for path in SCHEMA_DIR.glob("*.json"):
        text = path.read_text()
        json.loads(text)
        assert text.endswith("\n")
