import re
from pathlib import Path

import pytest

from pipeline.capture import CaptureOptions
from pipeline.errors import RegistryError
from pipeline.registry import load_registry


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_registry_lists_the_five_seeds_as_absolute_paths():
    registry = load_registry(Path(__file__).parent.parent / "examples" / "sources.toml")
    assert len(registry.sources) == 5
    assert all(Path(s.uri).is_file() for s in registry.sources)
    assert registry.sources[3].metadata["publisher"].startswith("Committee for Human Rights")


def test_relative_paths_resolve_against_the_registry_folder(tmp_path):
    (tmp_path / "docs").mkdir()
    registry = load_registry(write(tmp_path, '[[source]]\nid = "a"\nuri = "docs/a.txt"\n'))
    assert registry.sources[0].uri == str(tmp_path / "docs" / "a.txt")


def test_http_sources_and_settings_are_kept(tmp_path):
    registry = load_registry(write(tmp_path, '[settings]\nallow_private_hosts = ["127.0.0.1"]\n'
                                   '[[source]]\nid = "web"\nuri = "https://example.org/x"\n'
                                   'kind = "html"\nevery = "1d"\ntags = ["a"]\n'))
    source = registry.sources[0]
    assert (source.uri, source.kind, source.every, source.metadata) == (
        "https://example.org/x", "html", "1d", {"tags": ["a"]})
    assert registry.allow_private_hosts == ("127.0.0.1",)


@pytest.mark.parametrize("body, message", [
    ('[[source]]\nid = "a"\nuri = "a.txt"\ncolour = "red"\n', "source #1 ('a'): unknown keys ['colour']"),
    ('[[source]]\nid = "a"\nuri = "a.txt"\n[[source]]\nid = "a"\nuri = "b.txt"\n', "source #2 repeats id 'a'"),
    ('[[source]]\nid = "a"\nuri = "ftp://host/a.txt"\n', "scheme 'ftp' is not supported"),
    ('[[source]]\nid = "a"\nuri = "file:///etc/passwd"\n', "scheme 'file' is not supported"),
    ('[[source]]\nid = "a"\nuri = "a.txt"\nkind = "docx"\n', "kind 'docx' is not one of"),
    ('[[source]]\nuri = "a.txt"\n', "'id' is required"),
    ('[[source]]\nid = "a b"\nuri = "a.txt"\n', "id must be letters"),
    ('[[source]]\nid = "a"\nuri = "a.txt"\nevery = "daily"\n', "every='daily' must look like"),
    ('source = 3\n', "'source' must be an array of tables"),
    ('[[source]\n', "is not valid TOML"),
])
def test_invalid_entries_are_rejected_naming_the_entry(tmp_path, body, message):
    with pytest.raises(RegistryError) as error:
        load_registry(write(tmp_path, body))
    assert message in str(error.value)


def test_missing_registry_file_is_a_clear_error(tmp_path):
    with pytest.raises(RegistryError, match="registry file not found"):
        load_registry(tmp_path / "nope.toml")


def test_issue_13_the_capture_deadline_is_set_in_settings_capture(tmp_path):
    source = '[[source]]\nid = "a"\nuri = "a.txt"\n'
    assert load_registry(write(tmp_path, source)).capture_deadline_s == 300
    registry = load_registry(write(tmp_path, '[settings.capture]\ndeadline_s = 45\n' + source))
    assert registry.capture_deadline_s == 45.0 and CaptureOptions.of(registry).deadline_s == 45.0
    for bad, message in [("deadline_s = 0", "deadline_s must be a number of seconds > 0"),
                         ('deadline_s = "1m"', "deadline_s must be a number"),
                         ("timeout = 5", "unknown keys ['timeout']")]:
        with pytest.raises(RegistryError, match=re.escape(message)):
            load_registry(write(tmp_path, f"[settings.capture]\n{bad}\n" + source))


def test_a_symlink_refused_at_capture_is_named_with_its_target(tmp_path):
    """The registry resolved symlinks, so the refusal named only the file outside."""
    from pipeline.capture import CaptureOptions, capture
    from pipeline.errors import CaptureError
    from pipeline.store import Store

    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("Not for the archive.\n")
    root = tmp_path / "registry"
    root.mkdir()
    (root / "escape-link.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    registry = load_registry(write(root, '[[source]]\nid = "a"\nuri = "escape-link.txt"\n'))
    with pytest.raises(CaptureError) as refused:
        capture(registry.sources[0], Store.at(tmp_path / "store"),
                CaptureOptions(allowed_roots=registry.allowed_roots))
    assert str(root / "escape-link.txt") in refused.value.message
    assert str(tmp_path / "outside" / "secret.txt") in refused.value.message


def test_a_huge_id_is_cut_in_messages(tmp_path):
    huge = "x" * 10_000
    with pytest.raises(RegistryError) as refused:
        load_registry(write(tmp_path, f'[[source]]\nid = "{huge}"\nuri = "a.txt"\ncolour = 1\n'))
    assert "10,000 characters" in refused.value.message and len(str(refused.value)) < 300


def test_a_registry_of_random_bytes_is_a_clear_error(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(RegistryError, match="is not a text file"):
        load_registry(path)
