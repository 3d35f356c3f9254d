"""render.to_json: the extract command's JSON, written as json.dumps(indent=2) writes it."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render import to_json

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text() | st.datetimes(timezones=st.just(timezone.utc)) | st.dates())
KEYS = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=30)


def isoformat(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_to_json_is_json_dumps_indent_2(value: object) -> None:
    assert to_json(value, isoformat) == json.dumps(value, indent=2, ensure_ascii=False,
                                                   default=isoformat)


def test_to_json_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        to_json({"x": object()}, isoformat)
    with pytest.raises(TypeError):
        to_json({(1, 2): 1}, isoformat)


# Tables: lists of dicts with the same keys in the same order, as the extract command's rows
# are, written a column at a time; columns of one repeated value, of 0.0 and -0.0, of mixed
# types and of nested values, and keys holding "%".
CELLS = st.sampled_from([0.0, -0.0, 1, True, "%s", "a", None, [], [1]]) | VALUES
TABLES = st.lists(KEYS | st.just("%"), unique=True, max_size=4).flatmap(
    lambda names: st.lists(st.fixed_dictionaries({name: CELLS for name in names}),
                           min_size=2, max_size=5))


@settings(max_examples=400, deadline=None)
@given(TABLES, st.booleans())
def test_tables_are_json_dumps_indent_2(rows: list[dict[object, object]], nested: bool) -> None:
    value = {"rows": rows} if nested else rows
    assert to_json(value, isoformat) == json.dumps(value, indent=2, ensure_ascii=False,
                                                   default=isoformat)


def test_rows_with_other_keys_or_order_are_written_as_they_are() -> None:
    cases: list[list[object]] = [[{"a": 1, "b": 2}, {"b": 2, "a": 1}],
                                 [{"a": 1}, {"a": 1, "b": 2}], [{"a": 1}, [1]], [{}, {}],
                                 [{1: "x"}, {1: "y"}]]
    for rows in cases:
        assert to_json(rows, isoformat) == json.dumps(rows, indent=2, ensure_ascii=False)
