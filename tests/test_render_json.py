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
