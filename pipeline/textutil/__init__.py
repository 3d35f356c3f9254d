"""Text helpers shared by the extractors, the clean step and the archive: decoding and encoding
repair (``encoding``), evidence-based dehyphenation (``hyphenation``, its word frequencies from
``lexicon``), footnote marker sequencing (``footnotes``), bullet glyphs and minor words
(``words``), quality signals and language (``signals``), a text's code points as an array
(``codes``). This package imports nothing from ``pipeline`` but ``model`` and ``ids``."""
