"""The language model's unpacked copy in the user's cache: made once, and never a failure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_no_writable_cache_falls_back_to_the_wheels_model(unwritable_cache):
    signals._identifier.cache_clear()
    try:
        assert signals.detect_language(ENGLISH).code == "en"
    finally:
        signals._identifier.cache_clear()


SENTENCES = [ENGLISH, "Der Fluss fror in jenem Winter früh zu, und im Dezember begannen die Überfahrten.",
             "La rivière gela tôt cet hiver-là, et les traversées commencèrent en décembre.",
             "El río se heló pronto aquel invierno y los cruces empezaron en diciembre.",
             "Река замёрзла рано той зимой, и переправы начались в декабре.",
             "その冬、川は早く凍り、十二月に渡河が始まった。", "Ok ok ok ok", "1 2 3 4 5 6",
             "Il fiume gelò presto quell'inverno e gli attraversamenti iniziarono a dicembre."]


def test_the_float32_table_gives_the_wheels_scores_exactly(fresh_model):
    # The memory-mapped float32 copy must give the same languages and probabilities, to the
    # last bit, as py3langid's own model (float16, widened by numpy in every product), and
    # the memory-mapped transitions the same byte walk as py3langid's array of them.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    stock = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ours = signals._identifier()
    assert str(ours.nb_ptc.dtype) == "float32" and list(fresh_model.glob("*-float32.npy"))
    assert isinstance(ours.tk_nextmove, memoryview) and list(fresh_model.glob("*-nextmove.npy"))
    texts = [s[i:] for s in SENTENCES for i in range(0, 12, 3)]
    assert [ours.classify(t) for t in texts] == [stock.classify(t) for t in texts]
    # the byte walk's lists, made only when classify first needs them, are py3langid's
    assert ours._rowbase == stock._rowbase and ours.tk_output == stock.tk_output


@pytest.mark.parametrize("name", ["ptc-float32", "nextmove"])
def test_a_damaged_mapped_copy_falls_back_and_is_made_again(fresh_model, name):
    signals.detect_language(ENGLISH)
    (copy,) = fresh_model.glob(f"*-{name}.npy")
    whole = copy.stat().st_size
    copy.write_bytes(copy.read_bytes()[:5000])
    signals._identifier.cache_clear()
    assert signals.detect_language(ENGLISH).code == "en"
    model = signals._identifier()
    assert not copy.exists()
    assert (str(model.nb_ptc.dtype) == "float16" if name == "ptc-float32"
            else not isinstance(model.tk_nextmove, memoryview))
    signals._identifier.cache_clear()
    assert signals.detect_language(ENGLISH).code == "en"
    assert copy.stat().st_size == whole


@given(st.text() | st.sampled_from(SENTENCES))
def test_visible_characters_digits_and_symbols_are_counted_as_a_walk_over_every_character_counts_them(text):
    symbols = sum(c in "$+<=>^`|~#@*_\\/{}[]" or (ord(c) > 127 and unicodedata.category(c)[0] == "S")
                  for c in text)
    visible = sum(not c.isspace() for c in text)
    assert visible == sum(map(len, text.split()))
    assert signals._counts(text) == (visible, len(re.findall(r"\d", text)), symbols)


def test_stop_words_come_from_wordfreq_then_from_the_cache_without_importing_it(fresh_model):
    from wordfreq import available_languages

    from pipeline.textutil.lexicon import top_words

    for language in ("en", "de", "xx"):
        listed = available_languages("best").get(language)
        assert signals._word_list(language) == (None if listed is None else Path(listed))
    made = signals._stop_words("de")
    assert made == frozenset(top_words("de", signals.STOP_WORDS_PER_LANGUAGE))
    assert len(list(fresh_model.glob("stopwords-de-*.json"))) == 1
    code = ("import sys; from pipeline.textutil import signals; "
            "print(signals._stop_words('de') == frozenset(sys.argv[1].split('|')), "
            "'wordfreq' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, "|".join(made)], capture_output=True,
                         text=True, check=True, env={**os.environ}).stdout.split()
    assert out == ["True", "False"]


MIXED = SENTENCES + ["", "a", "ab", "Ünïcödé ñ", "\U0001f600 emoji " * 30, "ὕδωρ " * 100,
                     "x" * 500, "THE RIVER FROZE EARLY THAT WINTER", "\ud800 lone surrogate"]


@pytest.mark.parametrize(("window", "batch_bytes"), [(1, 1 << 18), (3, 1 << 18), (6, 1 << 18),
                                                   (6, 1), (6, 100)])
def test_many_texts_guessed_at_once_get_classifys_answers_to_the_last_bit(
        monkeypatch, window, batch_bytes):
    # The walk's first reading of each state (from the start over `window` bytes) is only
    # right for nodes that shallow: with window 1 or 3 the check must step every wrong state
    # again until the walk is py3langid's own. Small batches cut the texts into many walks.
    from pipeline.textutil import language_batch

    monkeypatch.setattr(language_batch, "WINDOW", window)
    monkeypatch.setattr(language_batch, "BATCH_BYTES", batch_bytes)
    model = signals._identifier()
    texts = MIXED + [s[i:] for s in SENTENCES for i in range(0, 12, 3)]
    assert model.classify_all(texts) == [model.classify(t) for t in texts]
    assert model.classify_all([]) == []


@given(st.lists(st.text(max_size=60) | st.sampled_from(SENTENCES), max_size=6))
def test_a_batch_of_any_texts_is_guessed_as_each_alone(texts):
    model = signals._identifier()
    assert model.classify_all(texts) == [model.classify(t) for t in texts]


def test_passage_signals_are_each_texts_signals():
    texts = MIXED + ["Abstract", "1 2 3 4 5 6 7"]
    assert signals.passage_signals(texts) == [
        signals._signals(t, signals.words(t), _alone(t)) for t in texts]


def _alone(text):
    """detect_language as it was before batching: py3langid's classify on one text."""
    if len(signals.words(text)) < signals.MIN_WORDS_FOR_LANGUAGE:
        return signals.Language(None, None)
    code, probability = signals._identifier().classify(text[:signals.LANGUAGE_SAMPLE_CHARS])
    confidence = round(float(probability), 4)
    return signals.Language(code if confidence >= signals.MIN_LANGUAGE_CONFIDENCE else None,
                            confidence)
