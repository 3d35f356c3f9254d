"""render.to_json and to_json_utf8: the extract command's JSON, written as json.dumps(indent=2)
writes it."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render import to_json, to_json_utf8

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


def json_utf8(value: object) -> bytes | type[Exception]:
    """What the extract command wrote before orjson: json.dumps's text encoded, or the error."""
    try:
        return (json.dumps(value, indent=2, ensure_ascii=False, default=isoformat)
                + "\n").encode("utf-8")
    except (TypeError, ValueError) as error:  # UnicodeEncodeError is a ValueError
        return type(error)


def to_json_utf8_or_error(value: object) -> bytes | type[Exception]:
    try:
        return to_json_utf8(value, isoformat)
    except (TypeError, ValueError) as error:
        return type(error)


# What orjson writes otherwise than json.dumps, or refuses: floats under 1e-4, NaN and the
# infinities, lone surrogates, integers over 64 bits, keys that are not strings, subclasses,
# times (orjson's own format), and values default= makes of them.
class Text(str):
    pass


class Number(int):
    pass


ODD = st.sampled_from([1e-05, -2.5e-07, 5e-324, 1e-4, 0.0001234, 1e16, 1e300, 1e308,
                       float("nan"), float("inf"), -0.0, 2**63, 2**64, -(2**63) - 1,
                       "\ud800", "a\udfffb", "\u2028\u2029\x7f\x00\x1f", Text("x"),
                       Number(3), (1, 2)])
ODD_VALUES = st.recursive(SCALARS | ODD, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(ODD_VALUES | TABLES)
def test_to_json_utf8_is_json_dumps_indent_2_encoded(value: object) -> None:
    assert to_json_utf8_or_error(value) == json_utf8(value)


def test_to_json_utf8_writes_floats_as_json_does() -> None:
    values = [1.5e-5, 0.0001, 123.456, 1e16, 9007199254740993.0, 0.1 + 0.2, -0.0, 1e-300]
    values += [float(f"{mantissa}e{exponent}") for mantissa in (1, 1.25, 9.999999)
               for exponent in range(-8, 24)]
    for value in values:
        assert to_json_utf8_or_error({"x": [value, value]}) == json_utf8({"x": [value, value]})


def test_to_json_utf8_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        to_json_utf8({"x": object()}, isoformat)
    with pytest.raises(UnicodeEncodeError):
        to_json_utf8({"x": "\ud800"}, isoformat)


def test_to_json_utf8_checks_what_default_makes() -> None:
    def tiny(value: object) -> object:
        return [1e-05, float("nan"), {"at": value.isoformat()}] if isinstance(value, date) \
            else isoformat(value)

    value = {"when": date(2020, 1, 2)}
    assert to_json_utf8(value, tiny) == (json.dumps(value, indent=2, ensure_ascii=False,
                                                    default=tiny) + "\n").encode()
