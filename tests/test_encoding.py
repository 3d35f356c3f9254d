import unicodedata

import ftfy
from hypothesis import given
from hypothesis import strategies as st

from pipeline.textutil.encoding import _ftfy, decode, repair


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
