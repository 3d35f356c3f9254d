"""Copies derived from installed files, kept in the user's cache: one per live source."""

from __future__ import annotations

import os

from pipeline import write_whole
from pipeline.textutil import signals


def _save(text: str):
    return lambda out: out.write(text.encode())


def test_a_copy_of_a_replaced_source_is_deleted_when_the_next_copy_is_made(tmp_path):
    cache, installs = tmp_path / "cache", tmp_path / "site-packages"
    installs.mkdir()
    old, other = installs / "model-1.bin", installs / "other.bin"
    old.write_text("v1")
    other.write_text("another install's model")
    write_whole(cache / "model-a.npz", _save("copy of v1"), old)
    write_whole(cache / "other-a.npz", _save("copy of other"), other)
    (cache / "index-of-a-version").mkdir()  # a browse index: not a copy
    (cache / "half-written.part").write_text("")  # another process is writing it
    (cache / "model-0.npz").write_text("made before sources were recorded")

    old.write_text("v2, upgraded in place")
    os.utime(old, ns=(1, 1))  # a new size and time, as an upgrade gives
    write_whole(cache / "model-b.npz", _save("copy of v2"), old)

    left = sorted(p.name for p in cache.iterdir())
    assert left == ["half-written.part", "index-of-a-version", "model-b.npz", "model-b.npz.source",
                    "other-a.npz", "other-a.npz.source"]

    other.unlink()  # that install is removed
    write_whole(cache / "model-c.npz", _save("v2 again"), old)
    assert not (cache / "other-a.npz").exists() and not (cache / "other-a.npz.source").exists()
    assert (cache / "model-b.npz").read_text() == "copy of v2"


def test_loading_the_language_model_clears_an_older_installs_copies(monkeypatch, tmp_path):
    cache = tmp_path / "cache" / "archivist"
    cache.mkdir(parents=True)
    stale = [cache / "py3langid-4586720-1.npz", cache / "py3langid-4586720-1-ptc-float32.npy"]
    for path in stale:
        path.write_bytes(b"an earlier install's copy")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    signals._identifier.cache_clear()
    try:
        assert signals.detect_language("The river froze early that winter.").code == "en"
    finally:
        signals._identifier.cache_clear()
    assert not any(path.exists() for path in stale)
    made = sorted(p.name for p in cache.glob("py3langid-*") if p.suffix != ".source")
    assert len(made) == 3 and all((cache / f"{name}.source").exists() for name in made)
