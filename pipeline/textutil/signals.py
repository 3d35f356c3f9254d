"""Quality signals and language of a passage or document: what downstream teams filter on.

The signals are the ones web-text pipelines (C4, Gopher, RefinedWeb, Dolma) filter with, computed
on the clean text so they mean the same thing for every kind of source. ``schemas/passages.json``
and ``schemas/documents.json`` describe each column.

Language comes from py3langid (langid.py's model, shipped in its wheel, 97 languages). A language
is only named where the text gives it a chance: a passage of fewer than ``MIN_WORDS_FOR_LANGUAGE``
words, or a guess under ``MIN_LANGUAGE_CONFIDENCE``, is left unlabelled instead of guessed.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from pipeline import cached_copy, write_whole
from pipeline.ids import normalise_text

MIN_WORDS_FOR_LANGUAGE = 4
"""langid.py is unreliable on one- to three-word strings ("Abstract" comes out Romanian)."""
MIN_LANGUAGE_CONFIDENCE = 0.5
"""Normalised probability below which a passage's language is left unknown."""
MIXED_LANGUAGE_SHARE = 0.1
"""A document lists a second language when passages in it hold this share of its words."""
STOP_WORDS_PER_LANGUAGE = 100
"""A language's stop words are its 100 most frequent words (wordfreq's lists), the usual proxy."""

LANGUAGE_SAMPLE_CHARS = 400
"""langid.py's cost grows with the text; its first 400 characters settle the language."""

_WORD = re.compile(r"\w+")
_NOT_LETTERS = re.compile(r"[\d_]+")
_ASCII_SYMBOLS = "$+<=>^`|~#@*_\\/{}[]"
"""Unicode category S in ASCII, and the marks web and OCR junk is made of."""
_ASCII_SYMBOL_BYTES = _ASCII_SYMBOLS.encode()
_ASCII_DIGIT_BYTES = b"0123456789"
_ASCII_SPACE_BYTES = bytes(c for c in range(128) if chr(c).isspace())
_ASCII = frozenset(map(chr, range(128)))


@dataclass(frozen=True, slots=True)
class Language:
    code: str | None
    """ISO 639-1 code, or None when the text is too short or the guess too weak."""
    confidence: float | None


@dataclass(frozen=True, slots=True)
class TextSignals:
    word_count: int
    mean_word_length: float | None
    alpha_share: float | None
    digit_ratio: float | None
    symbol_ratio: float | None
    stopword_share: float | None
    language: Language

    def columns(self) -> dict[str, Any]:
        return {"word_count": self.word_count, "mean_word_length": self.mean_word_length,
                "alpha_share": self.alpha_share, "digit_ratio": self.digit_ratio,
                "symbol_ratio": self.symbol_ratio, "stopword_share": self.stopword_share,
                "language": self.language.code,
                "language_confidence": self.language.confidence}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def text_signals(text: str) -> TextSignals:
    return passage_signals([text])[0]


def passage_signals(texts: Sequence[str]) -> list[TextSignals]:
    """:func:`text_signals` of each text; their languages are guessed together, which walks
    the language model's automaton over all of them at once (``language_batch``)."""
    tokens = [words(text) for text in texts]
    languages = detect_languages(texts, [len(found) for found in tokens])
    return [_signals(text, found, language)
            for text, found, language in zip(texts, tokens, languages)]


def _signals(text: str, tokens: list[str], language: Language) -> TextSignals:
    # A word of letters needs no regex; \s is what str.split splits on (str.isspace).
    alphabetic = [t for t in tokens if t.isalpha() or not _NOT_LETTERS.fullmatch(t)]
    visible, digits, symbols = _counts(text)
    return TextSignals(
        word_count=len(tokens),
        mean_word_length=_ratio(sum(map(len, alphabetic)), len(alphabetic)),
        alpha_share=_ratio(len(alphabetic), len(tokens)),
        digit_ratio=_ratio(digits, visible),
        symbol_ratio=_ratio(symbols, visible),
        stopword_share=_stopword_share(alphabetic, language.code),
        language=language)


def detect_language(text: str, word_count: int | None = None) -> Language:
    return detect_languages([text], None if word_count is None else [word_count])[0]


def detect_languages(texts: Sequence[str], word_counts: Sequence[int] | None = None
                     ) -> list[Language]:
    """Each text's language (``word_counts``: each text's number of :func:`words`)."""
    if word_counts is None:
        word_counts = [len(words(text)) for text in texts]
    guessed = [i for i, count in enumerate(word_counts) if count >= MIN_WORDS_FOR_LANGUAGE]
    languages = [Language(None, None)] * len(texts)
    if not guessed:
        return languages
    answers = _identifier().classify_all([texts[i][:LANGUAGE_SAMPLE_CHARS] for i in guessed])
    for i, (code, probability) in zip(guessed, answers):
        confidence = round(float(probability), 4)
        languages[i] = Language(str(code) if confidence >= MIN_LANGUAGE_CONFIDENCE else None,
                                confidence)
    return languages


def document_languages(passages: Sequence[tuple[Language, int]]) -> tuple[Language, list[str]]:
    """The main language (most words) and every language holding ``MIXED_LANGUAGE_SHARE`` of
    the labelled words, from each passage's language and word count."""
    by_language: Counter[str] = Counter()
    confidence: dict[str, list[tuple[float, int]]] = {}
    for language, count in passages:
        if language.code is None or language.confidence is None:
            continue
        by_language[language.code] += count
        confidence.setdefault(language.code, []).append((language.confidence, count))
    total = sum(by_language.values())
    if not total:
        return Language(None, None), []
    main, main_words = by_language.most_common(1)[0]
    weighted = sum(c * n for c, n in confidence[main]) / main_words
    # The share of labelled words in the main language scales how sure the document is.
    main_language = Language(main, round(weighted * main_words / total, 4))
    mixed = [code for code, n in by_language.most_common() if n / total >= MIXED_LANGUAGE_SHARE]
    return main_language, mixed


def repeated_line_share(texts: Sequence[str]) -> float | None:
    """Share of a document's passages whose text occurs more than once in it (menus, repeated
    disclaimers, a sentence pasted over and over)."""
    if not texts:
        return None
    counts = Counter(normalise_text(t) for t in texts)
    return round(sum(n for n in counts.values() if n > 1) / len(texts), 4)


def _counts(text: str) -> tuple[int, int, int]:
    """The characters of ``text`` that are not white space (what ``str.split`` splits on),
    its digits (``\\d``: Unicode's decimal digits) and its symbols (``_ASCII_SYMBOLS`` and
    Unicode's category S). ASCII characters are counted in the text's UTF-8 bytes by
    ``bytes.translate``, at C speed (any other character's bytes are 0x80 and above); the
    others by kind, each distinct one once (a page in Cyrillic or Chinese repeats a few
    dozen). A regex's digits and nineteen ``str.count`` calls took three times as long."""
    encoded = text.encode("utf-8", "surrogatepass")
    size = len(encoded)
    visible = len(text) - size + len(encoded.translate(None, _ASCII_SPACE_BYTES))
    digits = size - len(encoded.translate(None, _ASCII_DIGIT_BYTES))
    symbols = size - len(encoded.translate(None, _ASCII_SYMBOL_BYTES))
    if size != len(text):
        for c in set(text).difference(_ASCII):
            if c.isdecimal():
                digits += text.count(c)
            elif c.isspace():
                visible -= text.count(c)
            elif unicodedata.category(c)[0] == "S":
                symbols += text.count(c)
    return visible, digits, symbols


def _stopword_share(alphabetic: list[str], language: str | None) -> float | None:
    stop = _stop_words(language) if language else None
    if not stop or not alphabetic:
        return None
    return round(sum(w.casefold() in stop for w in alphabetic) / len(alphabetic), 4)


def _ratio(part: float, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@cache
def _stop_words(language: str) -> frozenset[str] | None:
    """The language's stop words, kept in the user's cache once read from wordfreq's list:
    importing wordfreq and reading the list cost 0.07 s of CPU at every process start. The
    copy is named by the list file's size and time, so an upgraded wordfreq gets its own."""
    listed = _word_list(language)
    if listed is None:
        return None
    copy = cached_copy(f"stopwords-{language}-{STOP_WORDS_PER_LANGUAGE}", listed, ".json")
    try:
        words = json.loads(copy.read_text(encoding="utf-8"))
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            return frozenset(words)
    except (OSError, ValueError):  # not made yet, or damaged: made again below
        pass
    from pipeline.textutil.lexicon import top_words  # wordfreq's import: 0.2-0.5 s

    words = top_words(language, STOP_WORDS_PER_LANGUAGE)
    try:
        write_whole(copy, lambda out: out.write(json.dumps(words, ensure_ascii=False).encode()),
                    listed)
    except OSError:  # no writable cache: read from wordfreq in every process
        pass
    return frozenset(words)


def _word_list(language: str) -> Path | None:
    """The file ``wordfreq.available_languages("best")`` names for ``language``, found without
    importing wordfreq."""
    from pipeline.textutil.lexicon import word_lists  # msgpack: only once a list is wanted

    listed = word_lists().get(language)
    return Path(listed) if listed is not None else None


@cache
def _identifier() -> Any:
    """Loaded once per process. The model ships inside the py3langid wheel as LZMA, whose
    decompression (68 MB) costs 0.3 s of CPU at every process start; the decompressed copy
    kept in the user's cache loads in 0.07 s. Without a writable cache, the wheel's file.

    The feature table (100,053 features x 142 classes) is float16; every guess gathers its
    features' rows and numpy widens them to float32 for the product, a third of a guess's
    time. A float32 copy of the table, memory-mapped from the cache, gives the product the
    same float32 rows (widening is exact), so the same scores, and only the rows used are
    read. The byte walk's transition table (38,346 states x 256 bytes, uint32) is
    memory-mapped the same way: py3langid copies it out of the model file into an array,
    0.04 s of CPU at every process start, and the walk reads it through a memoryview of the
    same item type just as fast. Guessing many texts at once: ``language_batch``."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import _to_array

    from pipeline.textutil.language_batch import BatchIdentifier

    packed = MODEL_DIR / MODEL_FILE
    try:
        unpacked = _unpacked_model(packed)
    except OSError:  # no writable cache
        return BatchIdentifier.from_modelpath(packed, norm_probs=True)
    try:
        with np.load(unpacked, allow_pickle=False) as model:
            pc, row = model["pc"], model["nextmove_row"]
            table = _mapped_copy(unpacked, "ptc-float32", lambda: model["ptc"].astype(np.float32),
                                 lambda t: t.dtype == np.float32 and t.shape[1:] == pc.shape)
            states = int(row.max()) + 1
            moves = _mapped_copy(unpacked, "nextmove", lambda: model["nextmove"],
                                 lambda t: t.dtype == np.uint32 and t.shape == (states * 256,))
            return BatchIdentifier(
                model["ptc"] if table is None else table, pc, model["classes"].tolist(),
                _to_array(model["nextmove"]) if moves is None else memoryview(moves),
                model["out_feat"], norm_probs=True, tk_row=_to_array(row))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # damaged: the next load redoes it
        unpacked.unlink(missing_ok=True)
        for name in ("ptc-float32", "nextmove"):
            _mapped_path(unpacked, name).unlink(missing_ok=True)
        return BatchIdentifier.from_modelpath(packed, norm_probs=True)


def _mapped_path(unpacked: Path, name: str) -> Path:
    return unpacked.with_name(f"{unpacked.stem}-{name}.npy")


def _mapped_copy(unpacked: Path, name: str, make: Callable[[], Any],
                 fits: Callable[[Any], bool]) -> Any | None:
    """An array of the model memory-mapped from beside the unpacked model (``make()``
    written whole, then renamed, the first time); None where that fails, and the caller
    uses the model's own array."""
    import numpy as np

    path = _mapped_path(unpacked, name)
    try:
        if not path.exists():
            write_whole(path, lambda out: np.save(out, make(), allow_pickle=False), unpacked)
        # A copy cut short fails to map (ValueError); one of another shape is not ours.
        table = np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        if fits(table):
            return table
    except (OSError, ValueError):
        pass
    path.unlink(missing_ok=True)  # the next process writes it again
    return None


def _unpacked_model(packed: Path) -> Path:
    """The wheel's model decompressed once into the user's cache, named by the packed file's
    size and time so an upgraded wheel gets its own copy; written whole, then renamed."""
    import lzma

    unpacked = cached_copy("py3langid", packed, ".npz")
    if not unpacked.exists():
        def decompress(out: IO[bytes]) -> None:
            with lzma.open(packed) as source:
                shutil.copyfileobj(source, out, length=1 << 20)

        write_whole(unpacked, decompress, packed)
    return unpacked
