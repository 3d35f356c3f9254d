"""Text helpers shared by every extractor and by the clean step: decoding and encoding repair
(``encoding``), evidence-based dehyphenation (``hyphenation``), footnote marker sequencing
(``footnotes``). This package imports nothing from ``pipeline`` but ``model``."""
