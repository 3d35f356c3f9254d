import subprocess
import sys
import unicodedata
from pathlib import Path

import ftfy
from hypothesis import given
from hypothesis import strategies as st

from pipeline.textutil.encoding import (
    _FTFY_MAPS,
    _FTFY_MAX_LINE,
    _MOJIBAKE_NEEDS,
    _ftfy,
    decode,
    repair,
)


def test_a_bom_wins_over_a_declared_charset():
    decoded = decode("\ufeffcafé".encode("utf-8"), "iso-8859-1")
    assert decoded.text == "café" and "evidence=bom" in decoded.transform.detail


def test_a_declared_charset_that_does_not_decode_is_rejected_and_recorded():
    decoded = decode("Grüße aus Köln".encode(), "shift_jis")
    assert decoded.text == "Grüße aus Köln"
    assert "rejected: http-charset 'shift_jis'" in decoded.transform.detail


def test_one_damaged_byte_does_not_turn_utf8_text_into_mojibake():
    data = "crème brûlée à la gare, déjà vu".encode().replace(b"gare", b"g\xffre")
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and "crème brûlée" in decoded.text
    assert "1 undecodable byte sequences" in decoded.transform.detail


def test_windows_1252_text_is_not_mistaken_for_damaged_utf8():
    decoded = decode("crème brûlée à la gare, déjà vu".encode("cp1252"))
    assert decoded.text == "crème brûlée à la gare, déjà vu"


def test_repair_fixes_mojibake_and_ligatures_but_keeps_curly_quotes():
    text, transforms = repair("The “ﬁnal” rÃ©sumÃ©")
    assert text == "The “final” résumé"
    assert [t.name for t in transforms] == ["ftfy"]


@given(st.text(st.characters(max_codepoint=127)) | st.sampled_from(
    ["plain \x1b[31mred\x1b[0m", "form\x0cfeed\r\n", "nul\x00 del\x7f", "tab\tbell\x07"]))
def test_repair_skips_ftfy_only_for_ascii_it_would_leave_alone(text):
    # The ASCII shortcut must give what ftfy and NFC give, control characters included.
    expected = unicodedata.normalize("NFC", ftfy.fix_text(text, config=_ftfy()[1]))
    assert repair(text)[0] == expected


@given(st.text())
def test_repair_is_idempotent(text):
    once, _ = repair(text)
    assert repair(once) == (once, ())


@given(st.text())
def test_utf8_bytes_always_decode_to_the_same_text(text):
    assert decode(text.encode("utf-8")).text == text.removeprefix("\ufeff")


# Lines ftfy changes or must look at: mojibake (also opening a later line, where its
# start-of-line pattern applies), ligatures, C1 and other control characters, BOMs,
# surrogates, terminal escapes; and non-ASCII text it leaves alone.
_FTFY_PIECES = ["rÃ©sumÃ©", "Ã ", "ﬁnal", "\x85", "\x9d", "\ufeff", "\u206a", "\ufffc",
                "\x1b[31m", "\x00", "\ud83d", "\ude00", "“quoted”", "naïve café", "—", "\n",
                "Ελληνικά", "中文", "😀", " ", "a", "é"]


@given(st.lists(st.sampled_from(_FTFY_PIECES), max_size=8).map("".join) | st.text())
def test_repair_gives_what_ftfy_gives_when_it_skips_ftfy(text):
    # Text found to be left alone by ftfy skips it; that must be exactly ftfy and NFC.
    expected = unicodedata.normalize("NFC", ftfy.fix_text(text, config=_ftfy()[1]))
    assert repair(text)[0] == expected


def test_repair_does_not_run_ftfy_on_non_ascii_text_it_leaves_alone(monkeypatch):
    def refuse(text, config=None):
        raise AssertionError(f"ftfy ran on {text!r}")

    monkeypatch.setattr(ftfy, "fix_text", refuse)
    assert repair("“Déjà vu” — naïve\nΕλληνικά 😀") == ("“Déjà vu” — naïve\nΕλληνικά 😀", ())


def test_ftfy_s_character_maps_are_copied_exactly():
    # The copy lets repair judge text without importing ftfy: it must be ftfy's own sets.
    from ftfy.chardata import CONTROL_CHARS, LIGATURES

    mapped = {*CONTROL_CHARS, *LIGATURES, 0x1B, *range(0x80, 0xA0), *range(0xD800, 0xE000)}
    assert {c for c in range(0x110000) if _FTFY_MAPS.match(chr(c))} == mapped
    assert _FTFY_MAX_LINE == _ftfy()[1].max_decode_length


def test_ftfy_finds_mojibake_only_where_the_prefilter_does():
    # A lone non-ASCII character among ASCII is mojibake to ftfy only if _MOJIBAKE_NEEDS
    # says it can be (the other patterns of its BADNESS_RE need two side by side).
    from ftfy.badness import is_bad

    contexts = ("", "a", " ", ".")
    for code in range(0x80, 0x10000):
        for left in contexts:
            for right in contexts:
                text = left + chr(code) + right
                assert not is_bad(text) or _MOJIBAKE_NEEDS.search(text), text


def test_repair_of_non_ascii_text_without_mojibake_does_not_import_ftfy():
    # (letters of Greek or any other non-Latin script stand side by side: they need ftfy's test)
    code = ("import sys; from pipeline.textutil.encoding import repair; "
            "assert repair('“Déjà vu” — naïve\\n½ · x') == ('“Déjà vu” — naïve\\n½ · x', ()); "
            "assert 'ftfy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_repair_of_text_the_mojibake_test_must_read_does_not_import_ftfy():
    # Two non-ASCII letters side by side (German's "öß") need ftfy's mojibake test: its module
    # is run on its own, without ftfy's package, its codecs and wcwidth.
    code = ("import sys; from pipeline.textutil.encoding import repair; "
            "assert repair('Größe und Maße') == ('Größe und Maße', ()); "
            "assert 'ftfy' not in sys.modules; "
            "assert repair('cafÃ©')[0] == 'café'; "
            "from pipeline.textutil.encoding import _is_bad; import ftfy.badness; "
            "assert _is_bad().__code__.co_code == ftfy.badness.is_bad.__code__.co_code")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
