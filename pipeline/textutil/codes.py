"""A text's characters as an array of their code points, for numpy to test all at once."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def char_codes(text: str) -> npt.NDArray[np.uint8] | npt.NDArray[np.uint32]:
    """``text``'s code points, one array item per character: bytes when it is ASCII, else
    32-bit units (UTF-32 holds every character in one, a lone surrogate too)."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
