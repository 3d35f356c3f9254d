import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.textutil.hyphenation import Vocabulary, decide, dehyphenate

EMPTY = Vocabulary()


def test_broken_words_are_joined_on_lexicon_evidence():
    assert decide("sug", "gested", EMPTY).result == "suggested"
    assert decide("govern", "ment", EMPTY).result == "government"


def test_real_compounds_keep_their_hyphen():
    assert decide("self", "contained", EMPTY).result == "self-contained"
    assert decide("Franco", "German", EMPTY).result == "Franco-German"
    assert decide("long", "term", EMPTY).result == "long-term"
    assert decide("COVID", "19", EMPTY).result == "COVID-19"


def test_the_documents_own_spelling_wins_over_the_lexicon():
    british = Vocabulary.from_texts(["The co-operation of both governments was co-operation in name."])
    assert decide("co", "operation", british).result == "co-operation"
    american = Vocabulary.from_texts(["Their cooperation ended."])
    assert decide("co", "operation", american).result == "cooperation"


def test_no_evidence_keeps_the_hyphen():
    assert decide("zqx", "vbnrt", EMPTY).join is False


def test_each_decision_is_recorded_with_its_evidence():
    text, transforms = dehyphenate("they sug-\ngested a self-\ncontained plan", EMPTY)
    assert text == "they suggested a self-contained plan"
    assert [t.detail.split(" (")[0] for t in transforms] == [
        "join sug-|gested -> suggested", "keep-hyphen self-|contained -> self-contained"]


words = st.text(alphabet="abcdefghij-", min_size=1, max_size=12)


# No deadline: the first example loads the word lexicon (seconds on a loaded machine).
@settings(deadline=None)
@given(st.lists(words, min_size=1, max_size=8), st.lists(st.sampled_from([" ", "\n", "-\n"]), min_size=8, max_size=8))
def test_dehyphenate_is_idempotent_and_only_touches_line_breaks(parts, separators):
    raw = "".join(p + s for p, s in zip(parts, separators))
    once, _ = dehyphenate(raw, EMPTY)
    twice, transforms = dehyphenate(once, EMPTY)
    assert twice == once and transforms == ()
    assert once.replace("\n", "").replace("-", "") == raw.replace("\n", "").replace("-", "")


def test_hyphen_break_finds_the_two_parts_of_a_broken_word():
    from pipeline.textutil.hyphenation import hyphen_break

    assert hyphen_break("the plan they sug-", "gested was") == ("sug", "gested")
    assert hyphen_break("either and/or-", "ganised") == ("or", "ganised")
    assert hyphen_break("a dash —", "then") is None
    assert hyphen_break("years 1990-", "95 saw") is None  # a range, not a word
    assert hyphen_break("Paulo Ro-", "cha9, Bogdan") == ("Ro", "cha")  # an affiliation mark


def test_hyphen_break_reads_only_the_texts_last_word():
    """A long note's text grows line by line: what was before its last word plays no part,
    and ``$`` also ends the text before a final newline."""
    from pipeline.textutil.hyphenation import hyphen_break

    text = "\n".join(["a line of a long note, broken at a well-"] * 500 + ["the last sug-"])
    assert hyphen_break(text, "gested") == ("sug", "gested")
    assert hyphen_break(text + "\n", "gested") == ("sug", "gested")
    assert hyphen_break(text[:-1], "gested") is None
    assert hyphen_break("one\nand/or-", "ganised") == ("or", "ganised")
    assert hyphen_break("x sug-\n\n", "gested") is None
    assert hyphen_break("-", "gested") is None


def test_a_note_number_glued_to_the_right_part_does_not_block_the_join():
    """Text captures of PDFs keep footnote numbers glued on: the word is the letters before
    them, as in the PDF extractor's line-based check."""
    text, _ = dehyphenate("they sug-\ngested5 a plan", EMPTY)
    assert text == "they suggested5 a plan"
    text, _ = dehyphenate("in the abc-\n95 range", EMPTY)  # a digit part keeps its hyphen
    assert text == "in the abc-95 range"


def test_german_joins_words_written_together_as_compounds():
    german = Vocabulary(language="de")
    assert decide("Wis", "sensgesellschaften", german).result == "Wissensgesellschaften"
    assert decide("Rechts", "wissenschaftler", german).result == "Rechtswissenschaftler"
    assert decide("Druckkos", "tenzuschuss", german).result == "Druckkostenzuschuss"
    assert decide("Open", "Source", german).result == "Open-Source"  # a capital: a compound
    written = Vocabulary.from_texts(["Eine nicht-kommerzielle Nutzung"], language="de")
    assert decide("nicht", "kommerzielle", written).result == "nicht-kommerzielle"
    # the same joins in English would lack evidence: English writes compounds open
    assert decide("Rechts", "wissenschaftler", EMPTY).join is False


def test_a_part_that_is_no_word_joins_where_the_hyphenation_patterns_break():
    """Words the lexicon lists too rarely or not at all (a BMC paper's ``purposively``, lorem
    ipsum's ``rhoncus``, a chemical's name) were kept hyphenated for lack of evidence. A part
    that is no word makes no compound, and the break is where the language's patterns would
    put it; a compound's seam often is not (``cat-tleraid-ing``), and nonsense has none."""
    assert decide("pur", "posively", EMPTY).result == "purposively"
    assert decide("rhon", "cus", EMPTY).result == "rhoncus"
    assert decide("ketomethyl", "ene", EMPTY).result == "ketomethylene"
    assert decide("cattle", "raiding", EMPTY).result == "cattle-raiding"
    assert decide("machine", "readable", EMPTY).result == "machine-readable"
    assert decide("zqx", "vbnrt", EMPTY).join is False
    # TeX breaks a word holding a hyphen only at its hyphens (a romanised ``kyo-hwa-so``)
    assert decide("hwa", "so", EMPTY).join is True
    assert dehyphenate("in a kyo-hwa-\nso camp", EMPTY)[0] == "in a kyo-hwa-so camp"
    german = Vocabulary(language="de")
    assert decide("Wider", "spruchsbeweisen", german).result == "Widerspruchsbeweisen"
    assert decide("Vertriebswe", "sen", german).result == "Vertriebswesen"


def test_a_whole_word_after_the_break_is_a_compounds_second_word():
    """``chlor-|alkali`` and ``cross-|sectional`` were joined by the patterns' rule: the
    joined forms are in no lexicon and one part is rare, but the right part is a whole word
    (a typesetter's break leaves a fragment there), so in English the hyphen is kept.
    German writes compounds closed: ``Übungsauf-|gaben`` joins though ``gaben`` is a word."""
    assert decide("chlor", "alkali", EMPTY).result == "chlor-alkali"
    assert decide("cross", "sectional", EMPTY).result == "cross-sectional"
    assert decide("dig", "nissim", EMPTY).result == "dignissim"
    assert dehyphenate("a chlor-\nalkali plant", EMPTY)[0] == "a chlor-alkali plant"
    german = Vocabulary(language="de")
    assert decide("Übungsauf", "gaben", german).result == "Übungsaufgaben"


def test_a_part_the_document_uses_on_its_own_is_a_word():
    """``lipid`` is rare in the lexicon, common in a paper on lipids: ``lipid-|lowering`` is a
    compound there. The pieces of words broken at line ends are no words of the document
    (``pur-|posively`` counted ``posively``), and one use may be such a piece broken at a
    column break, which no line-end hyphen marks."""
    lipids = Vocabulary.from_texts(["The lipid levels fell; lipid intake and lowering doses."])
    assert decide("lipid", "lowering", lipids).result == "lipid-lowering"
    broken = Vocabulary.from_texts(["sampled pur-\nposively, then pur-\nposively again"])
    assert broken.counts["posively"] == 0 and broken.counts["pur"] == 0
    assert decide("pur", "posively", broken).result == "purposively"


def test_a_suspended_hyphen_before_a_conjunction_is_kept():
    """``Kultur- und Bildungseinrichtungen``: both parts are German words, so the compound rule
    joined them as ``Kulturund``."""
    assert decide("Kultur", "und", Vocabulary(language="de")).result == "Kultur-und"
    assert decide("pre", "and", EMPTY).join is False


def test_a_word_of_the_lexicon_ending_in_a_conjunction_is_no_suspended_compound():
    """``emper-|or``, ``pho-|to``: the right part is a conjunction's spelling, but the joined
    form is a word of the lexicon, which no suspended compound is (``pre- or``)."""
    assert decide("emper", "or", EMPTY).result == "emperor"
    assert decide("pho", "to", EMPTY).result == "photo"
    assert decide("pre", "or", EMPTY).join is False


def test_two_words_written_as_one_join_while_open_compounds_keep_their_hyphen():
    """Words made of two words are rarer than their parts by a zipf or so (``grassland``,
    ``videotape``, ``wastewater``, kept hyphenated at a margin of 1.0); an open compound
    written closed, by 2.5 or more (``longterm``, ``realtime``)."""
    for left, right in (("grass", "land"), ("video", "tape"), ("waste", "water")):
        assert decide(left, right, EMPTY).join is True, (left, right)
    for left, right in (("long", "term"), ("real", "time"), ("fine", "tuned"),
                        ("large", "scale"), ("wild", "type"), ("non", "academic")):
        assert decide(left, right, EMPTY).join is False, (left, right)


def test_unicode_hyphens_at_a_line_end_are_breaks_too():
    """Some typesetters set every hyphen as U+2011 (non-breaking hyphen), line-end breaks
    included (a French government guide's ``défi‑`` / ``nition``); U+2010 is the hyphen."""
    from pipeline.textutil.hyphenation import hyphen_break

    assert hyphen_break("la défi\u2011", "nition du") == ("défi", "nition")
    assert hyphen_break("the sug\u2010", "gested plan") == ("sug", "gested")
    text, _ = dehyphenate("they sug\u2011\ngested a self\u2011\ncontained plan", EMPTY)
    assert text == "they suggested a self\u2011contained plan"


def test_the_compact_lexicon_reads_as_wordfreq_does():
    """lexicon.zipf against wordfreq's own look-up: buckets, digits, several tokens, unknown
    words, and a word whose str hash equals another's (``e0`` and ``づ``, U+3065, share their
    internal bytes 65 30, so str hashes collide)."""
    from wordfreq import get_frequency_list, zipf_frequency

    from pipeline.textutil.lexicon import zipf

    listed = [w for bucket in get_frequency_list("en")[::40] for w in bucket[:3]]
    words = listed + ["e0", "づ", "become", "longterm", "covid-19", "1999", "abc123", "don't",
                      "self-contained", "mind", "ers", "qqqzzx", "", "--", "Straße"]
    for language in ("en", "de"):
        assert [zipf(w, language) for w in words] == [zipf_frequency(w, language)
                                                     for w in words], language


def test_a_plain_word_is_looked_up_as_wordfreq_does():
    """A word of Latin letters in a plain language is one token, the word case folded: looked
    up without wordfreq's import (0.1 s of CPU in every process that dehyphenates), with the
    value wordfreq gives, for every word of the languages' lists (in capitals and title case
    too) and for words case folding or NFC changes (ß, ǰ, µ, ſ, İ, ligatures)."""
    from wordfreq import available_languages, get_frequency_list, zipf_frequency
    from wordfreq.language_info import get_language_info

    from pipeline.textutil.lexicon import PLAIN_LANGUAGES, _plain_token, word_lists, zipf

    assert word_lists() == available_languages("best")
    odd = ["Straße", "außen", "ǰ", "µm", "ſtadt", "İstanbul", "ﬁn", "ªb", "naïve", "Ǆ", "don't",
           "e0", "covid-19", "self-contained", "Ελλάδα", "", "--", "x\u0301"]
    plain = total = 0
    for language in sorted(PLAIN_LANGUAGES):
        info = get_language_info(language)
        assert (info["tokenizer"], info["normal_form"], info["transliteration"],
                info["remove_marks"], info["dotless_i"], info["diacritics_under"],
                info["lookup_transliteration"]) == ("regex", "NFC", None, False, False, None,
                                                    None), language
        listed = [w for bucket in get_frequency_list(language)[::25] for w in bucket[:5]]
        words = listed + [w.upper() for w in listed] + [w.title() for w in listed] + odd
        plain += sum(_plain_token(w, language) is not None for w in words)
        total += len(words)
        assert [zipf(w, language) for w in words] == [zipf_frequency(w, language)
                                                     for w in words], language
    assert plain > total / 2  # most words take the plain path


def test_a_plain_word_is_looked_up_without_importing_wordfreq():
    """Nor msgpack, once the tables are in the user's cache (the first process builds them)."""
    code = ("import sys; from pipeline.textutil.lexicon import zipf; "
            "print(zipf('außen', 'de'), zipf('become', 'en'), 'wordfreq' in sys.modules, "
            "'msgpack' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    from wordfreq import zipf_frequency

    assert runs[1] == [str(zipf_frequency("außen", "de")), str(zipf_frequency("become", "en")),
                       "False", "False"]
    assert runs[0][:3] == runs[1][:3]


def test_stop_words_are_wordfreqs_top_words_without_its_whole_list_in_memory():
    """A crawl meets many languages; wordfreq's ``top_n_list`` would cache each one's whole
    list for the process (10-70 MB a language), where 100 words are needed."""
    from wordfreq import get_frequency_list, top_n_list

    from pipeline.textutil.signals import STOP_WORDS_PER_LANGUAGE, _stop_words

    _stop_words.cache_clear()
    for language in ("pl", "nl", "ja"):   # lists no other test reads
        cached = get_frequency_list.cache_info().currsize
        stop = _stop_words(language)
        assert get_frequency_list.cache_info().currsize == cached, language
        assert stop == frozenset(top_n_list(language, STOP_WORDS_PER_LANGUAGE)), language
    assert _stop_words("xx") is None


@pytest.fixture
def own_cache(monkeypatch, tmp_path):
    """The word tables made and read in a cache folder of the test's own."""
    from pipeline.textutil import lexicon

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lexicon._table.cache_clear()
    yield tmp_path / "archivist"
    lexicon._table.cache_clear()


def test_the_word_table_is_made_once_then_read_from_the_users_cache(own_cache):
    """Building German's table costs 0.2-0.3 s of CPU at every process start; the copy in the
    user's cache is read in a few ms. A copy cut short is made again, never a failure."""
    from pipeline.textutil import lexicon

    built = lexicon._table("de")
    saved = list(own_cache.glob("wordfreq-de-*.table"))
    assert len(saved) == 1
    lexicon._table.cache_clear()
    read = lexicon._table("de")
    assert read is not built
    assert (read._hashes, read._buckets) == (built._hashes, built._buckets)
    saved[0].write_bytes(saved[0].read_bytes()[:1000])
    lexicon._table.cache_clear()
    assert lexicon._table("de")._hashes == built._hashes
    assert saved[0].stat().st_size > 1000


def test_a_table_from_the_cache_reads_the_same_in_another_process(own_cache):
    """The words' hashes are the same in every process (Python's own hash of bytes is salted
    per process, so a table saved by one process would find nothing in the next)."""
    from wordfreq import zipf_frequency

    from pipeline.textutil import lexicon

    words = ["Druckkostenzuschuss", "Straße", "become", "qqqzzx", "1999", "don't"]
    lexicon._table("de")  # made and saved here
    code = ("import sys; from pipeline.textutil.lexicon import zipf; "
            "print(' '.join(str(zipf(w, 'de')) for w in sys.argv[1:]))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code, *words], capture_output=True,
                             text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout.split()
        assert out == [str(zipf_frequency(w, "de")) for w in words]


def test_the_words_hashes_in_numpy_are_the_ones_a_look_up_computes():
    from pipeline.textutil.lexicon import _hash, _hashes

    words = ["", "a", "e0", "づ", "Straße", "naïve", "𝔘nicode", "x" * 300, "don't"] * 3
    assert [int(h) for h in _hashes([w.encode() for w in words])] == [_hash(w) for w in words]


def test_without_a_writable_cache_the_table_is_built_in_the_process(unwritable_cache):
    from wordfreq import zipf_frequency

    from pipeline.textutil import lexicon

    lexicon._table.cache_clear()
    try:
        assert lexicon.zipf("Straße", "de") == zipf_frequency("Straße", "de")
    finally:
        lexicon._table.cache_clear()


def test_the_hyphenation_patterns_are_parsed_once_then_read_from_the_users_cache(own_cache):
    """pyphen parses a patterns file line by line in every process (German's three: 1.4 s of
    CPU); parsed once, the patterns are kept in the user's cache and read back as pyphen
    has them, a bucket at a time: a few words' breaks read a few hundred of the 65,536
    buckets, not German's 66,000 patterns (0.07 s and 24 MB for the three files). A copy cut
    short is made again, never a failure."""
    import pyphen

    from pipeline.textutil.hyphenation import PATTERN_BUCKETS, _patterns

    path = pyphen.LANGUAGES["de_DE"]
    parsed = pyphen.HyphDict(path)
    assert vars(_patterns(pyphen, path)) == vars(parsed)
    saved = list(own_cache.glob("pyphen-hyph_de_DE-*.buckets"))
    assert len(saved) == 1
    read = _patterns(pyphen, path)
    words = ["Widerspruchsbeweisen", "Druckkostenzuschuss", "Straße", "Abbildung"]
    assert [read.positions(w) for w in words] == [parsed.positions(w) for w in words]
    assert 0 < len(read.patterns._read) < PATTERN_BUCKETS / 20
    assert read.maxlen == parsed.maxlen
    assert all(read.patterns.get(k) == v for k, v in parsed.patterns.items())
    assert read.patterns.get("qqq") is None and read.patterns.get("qqq", 0) == 0
    saved[0].write_bytes(saved[0].read_bytes()[:1000])
    assert vars(_patterns(pyphen, path)) == vars(pyphen.HyphDict(path))
    assert saved[0].stat().st_size > 1000


def test_a_word_is_listed_as_in_wordfreqs_dict():
    """lexicon.listed against ``word in get_frequency_dict``: the text layer's junk test asks
    it of a scanned page's words, without building wordfreq's dict of the language."""
    from wordfreq import get_frequency_dict, get_frequency_list

    from pipeline.textutil.lexicon import listed

    for language in ("en", "de", "fr", "es"):
        words = [w for bucket in get_frequency_list(language)[::50] for w in bucket[:3]]
        words += ["humanmisery", "wedo", "qqqzzx", "Straße", "straße", "außen", "e0", "don't"]
        known = get_frequency_dict(language)
        assert [listed(w, language) for w in words] == [w in known for w in words], language


def test_a_scanned_pages_words_are_judged_without_importing_wordfreq():
    code = ("import sys; from pipeline.extract.ocr.textlayer import _words_verdict; "
            "v = _words_verdict(['humanmisery if wedo not act, the annual report said'] * 9); "
            "print(v.ocr, 'wordfreq' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
