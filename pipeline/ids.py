"""Stable identities: the same inputs give the same id on every machine and every run."""

from __future__ import annotations

import hashlib
import unicodedata


def stable_hash(*parts: str, length: int = 16) -> str:
    """Hex SHA-256 of the parts joined by a separator no text contains, cut to ``length``."""
    digest = hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def normalise_text(text: str) -> str:
    """The form of a text that ids are computed from: NFC, case-folded, spaces collapsed."""
    # str.split splits on what \s matches (str.isspace), faster than a regex substitution.
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()
