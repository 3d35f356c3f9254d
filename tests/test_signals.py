"""The language model's unpacked copy in the user's cache: made once, and never a failure."""

from __future__ import annotations

import pytest

from pipeline.textutil import signals

ENGLISH = "The river froze early that winter, and the crossings began in December."


@pytest.fixture
def fresh_model(monkeypatch, tmp_path):
    """Each test loads the model itself, with its own cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    signals._identifier.cache_clear()
    yield tmp_path / "cache" / "archivist"
    signals._identifier.cache_clear()


def test_the_first_load_leaves_an_unpacked_copy_the_next_one_reads(fresh_model):
    assert signals.detect_language(ENGLISH).code == "en"
    copies = list(fresh_model.glob("py3langid-*.npz"))
    assert len(copies) == 1 and not list(fresh_model.glob("*.part"))
    made = copies[0].stat().st_mtime_ns
    signals._identifier.cache_clear()
    assert signals.detect_language(ENGLISH).code == "en"
    assert copies[0].stat().st_mtime_ns == made  # read, not written again


def test_a_damaged_copy_falls_back_to_the_wheels_model_and_is_made_again(fresh_model):
    signals.detect_language(ENGLISH)
    (copy,) = fresh_model.glob("py3langid-*.npz")
    whole = copy.stat().st_size
    copy.write_bytes(copy.read_bytes()[:1000])
    signals._identifier.cache_clear()
    assert signals.detect_language(ENGLISH).code == "en"
    assert not copy.exists()
    signals._identifier.cache_clear()
    assert signals.detect_language(ENGLISH).code == "en"
    assert copy.stat().st_size == whole


def test_no_writable_cache_falls_back_to_the_wheels_model(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    signals._identifier.cache_clear()
    try:
        assert signals.detect_language(ENGLISH).code == "en"
    finally:
        signals._identifier.cache_clear()
