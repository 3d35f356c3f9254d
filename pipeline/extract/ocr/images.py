"""Page images: TIFF (one or many pages), PNG or JPEG bytes in, one grayscale page image at a
time out, with its resolution, within the pixel limits.

Pillow reads the format from the bytes (a ``.jpg`` that is really a PNG is read as the PNG it
is). An image larger than ``MAX_PIXELS`` is refused before it is decoded; one sharper than
``OCR_DPI`` is reduced to it (JPEG decodes at the reduced size straight away), since the
recogniser gains nothing from more pixels and memory grows with them.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.errors import ContentLimitExceeded, ExtractError

MAX_PIXELS = 120_000_000
"""Largest page image read (pixels): an A3 page at 600 dpi has 70 million. A 20,000 x 20,000
image (400 million pixels, 1.2 GB as RGB) is refused, not decoded."""
OCR_DPI = 300
"""Pages are read at most at this resolution; sharper scans are scaled down to it."""
DEFAULT_DPI = 300
"""Resolution assumed when an image does not state one (most scanners write 300)."""
MIN_DPI, MAX_DPI = 50, 2400
"""A stated resolution outside this range is a placeholder, and the default is used."""
MAX_OCR_SIDE = 6000
"""Longest side (pixels) of a page after reduction: a poster-sized scan stays within memory."""


@dataclass(frozen=True, slots=True)
class PageImage:
    number: int
    """1-based frame number."""
    image: Image.Image
    dpi: float
    """Pixels per inch of ``image`` (after any reduction): a point is dpi/72 pixels."""


def page_count(data: bytes, uri: str) -> int:
    """Frames in the image (a multi-page TIFF has several), opening only its headers."""
    with _open(data, uri) as image:
        return getattr(image, "n_frames", 1)


def page_images(data: bytes, uri: str) -> Iterator[PageImage]:
    """Each frame of the image as a grayscale page, one at a time (a 500-page TIFF streams)."""
    with _open(data, uri) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            yield _page(frame, number, uri)


def page_image(data: bytes, uri: str, number: int) -> PageImage:
    """Frame ``number`` (1-based) alone, as OCR read it (to draw boxes on it)."""
    with _open(data, uri) as image:
        count = getattr(image, "n_frames", 1)
        if not 1 <= number <= count:
            raise ExtractError(f"{uri} has pages 1 to {count}, not {number}")
        image.seek(number - 1)
        return _page(image, number, uri)


def _open(data: bytes, uri: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # MAX_PIXELS below is the limit, checked per frame before decoding
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ContentLimitExceeded(f"{uri}: the image is too large to read ({exc})") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ExtractError(f"{uri} is not a readable TIFF, PNG or JPEG image: {exc}") from None
    return image


def _page(frame: Image.Image, number: int, uri: str) -> PageImage:
    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise ContentLimitExceeded(f"{uri}: page {number} is {width:,} x {height:,} pixels, "
                                   f"over the {MAX_PIXELS:,}-pixel limit for a page image")
    dpi = _dpi(frame)
    scale = min(1.0, OCR_DPI / dpi, MAX_OCR_SIDE / max(width, height))
    try:
        if scale < 1 and frame.format == "JPEG":
            frame.draft("L", (int(width * scale), int(height * scale)))  # decode reduced
        gray = frame.convert("L")
        if scale < 1 and gray.width > width * scale * 1.01:
            gray = gray.resize((max(1, round(width * scale)), max(1, round(height * scale))),
                               Image.Resampling.LANCZOS)
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt pixel data
        raise ExtractError(f"{uri}: page {number} of the image cannot be decoded "
                           f"(truncated or corrupt): {exc}") from None
    return PageImage(number, gray, dpi * gray.width / width)


def _dpi(frame: Image.Image) -> float:
    stated = frame.info.get("dpi")
    try:
        value = float(stated[0]) if stated else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if MIN_DPI <= value <= MAX_DPI else DEFAULT_DPI
