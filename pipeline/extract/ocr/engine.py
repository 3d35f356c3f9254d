"""The OCR engine: one page image in, its text lines with character boxes and confidences out.

RapidOCR runs PaddleOCR's PP-OCR detection and recognition models on onnxruntime; the models
ship inside the ``rapidocr`` wheel, so nothing is downloaded at run time. A page is read in
three steps:

1. orientation: text lines are detected on a small copy of the page; a few of the widest are
   recognised in both candidate directions (0/180°, or 90/270° when the lines stand upright)
   and the direction the recogniser is surest of wins;
2. skew: the median slope of the wide lines' top edges (within ``MAX_SKEW_DEG``);
3. the page, turned upright and deskewed, is read at full resolution, with one box and one
   confidence per character.

Coordinates in an :class:`OcrPage` are pixels of the *upright* image; :meth:`OcrPage.to_source`
maps a point back to the image as it was given.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

ENGINE = "rapidocr"
DETECTION_MODEL = "PP-OCRv6_det_small"
RECOGNITION_MODEL = "PP-OCRv6_rec_small"
THREADS = 2
"""onnxruntime threads per model: the machine this runs on has two cores per worker."""
DETECTION_SIDE = 1600
"""Longest side (pixels) of the copy the line detector sees (recognition reads the lines from
the full-resolution page). Detection time grows with the pixels: on a 200 dpi letter page,
1,600 took 15 s and 2,400 took 32 s on a loaded two-core machine, finding the same lines;
1,280 lost two of 42 lines. Smaller pages are not enlarged."""
MAX_SIDE = 6000
"""Longest side (pixels) of a page the recogniser reads from (images.MAX_OCR_SIDE)."""
PROBE_SIDE = 960
"""Longest side of the small copy used to find the page's orientation and skew."""
PROBE_LINES = 4
"""Widest lines recognised in each candidate direction..."""
PROBE_HEIGHT = 48
"""...each scaled to this height (the recogniser's own input height)."""
MAX_SKEW_DEG = 5.0
"""Slopes beyond this are no scanner's skew (a chart's slanted labels): the page stays as is."""
MIN_SKEW_DEG = 0.3
"""Below this a rotation would only blur the glyphs: each line's characters share one baseline
(chars.py), so a slight slope does not split a line."""
MIN_SCORE = 0.5
"""Lines recognised with less confidence are dropped (RapidOCR's own default)."""

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class OcrChar:
    text: str
    """One character; a space between words has the box of the gap it stands for."""
    x0: float
    x1: float
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]
    """(x0, top, x1, bottom) in pixels of the upright image."""
    confidence: float
    chars: tuple[OcrChar, ...]


@dataclass(frozen=True, slots=True)
class OcrPage:
    """The lines of one page image, read upright."""

    image: Image.Image
    """The upright (rotated and deskewed) grayscale image the lines were read from."""
    lines: tuple[OcrLine, ...]
    rotation: int
    """Degrees (0, 90, 180, 270) the page was turned clockwise to read upright."""
    skew: float
    """Degrees the lines of the page (once turned by ``rotation``) rose counter-clockwise; the
    page was turned back by as much to level them."""
    source_size: tuple[int, int]
    """(width, height) of the image as given."""

    @property
    def confidence(self) -> float | None:
        """Mean recognition confidence per character (None: no text found)."""
        weights = [len(line.chars) for line in self.lines]
        if not sum(weights):
            return None
        return sum(l.confidence * w for l, w in zip(self.lines, weights)) / sum(weights)

    def to_source(self, x: float, y: float) -> tuple[float, float]:
        """A point of the upright image as a point of the image as given."""
        return to_source(x, y, self.rotation, self.skew, self.source_size, self.image.size)


def to_source(x: float, y: float, rotation: int, skew: float,
              source_size: tuple[float, float], upright_size: tuple[float, float]
              ) -> tuple[float, float]:
    """A point of a page turned ``rotation`` clockwise, then ``skew`` clockwise (with the
    canvas grown to fit), as a point of the page as given; any unit, the same for all."""
    w, h = source_size
    turned = (h, w) if rotation in (90, 270) else (w, h)
    if skew:
        x, y = _unrotate(x, y, -skew, turned, upright_size)
    return {0: (x, y), 90: (y, h - x), 180: (w - x, h - y), 270: (w - y, x)}[rotation]


@cache
def _engine() -> Any:
    """The one engine of this process (models load once). Its ``use_*`` switches persist from
    call to call, so every call below sets all of them."""
    from rapidocr import RapidOCR  # 0.5 s of imports, only in processes that OCR

    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,  # page orientation is decided once per page, below
        "Global.max_side_len": MAX_SIDE,
        "Det.limit_type": "max",
        "Det.limit_side_len": DETECTION_SIDE,
        "Global.text_score": MIN_SCORE,
        "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def engine_version() -> str:
    """``rapidocr/3.10.0`` and the models, for the ``ocr`` transform."""
    from importlib.metadata import version

    return f"{ENGINE} {version('rapidocr')} ({DETECTION_MODEL}, {RECOGNITION_MODEL})"


def read_page(image: Image.Image) -> OcrPage:
    """Read one page image (any mode) upright; a blank page gives no lines."""
    gray = image.convert("L")
    rotation, skew = _orientation(gray)
    upright = gray.transpose(_TURN[rotation]) if rotation else gray
    if skew:  # turned back by as much as its lines rise
        upright = upright.rotate(-skew, resample=Image.Resampling.BICUBIC, expand=True,
                                 fillcolor=255)
    lines = _recognise(upright)
    return OcrPage(upright, lines, rotation, skew, gray.size)


_TURN = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
         270: Image.Transpose.ROTATE_90}
"""PIL names rotations counter-clockwise; a page turned 90° clockwise is ROTATE_270."""


def _orientation(gray: Image.Image) -> tuple[int, float]:
    """(rotation, skew) of the page from its lines on a small copy; (0, 0.0) if none found."""
    scale = min(1.0, PROBE_SIDE / max(gray.size))
    small = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                        Image.Resampling.LANCZOS) if scale < 1 else gray
    pixels = np.asarray(small.convert("RGB"))
    with _lock:
        found = _engine()(pixels, use_det=True, use_cls=False, use_rec=False,
                         return_word_box=False)
    boxes = [] if found.boxes is None else [np.asarray(b, dtype=float) for b in found.boxes]
    if not boxes:
        return 0, 0.0
    upright = sum(1 for b in boxes if _height(b) > 1.5 * _width(b))
    candidates = (90, 270) if upright > len(boxes) / 2 else (0, 180)
    widest = sorted(boxes, key=lambda b: -max(_width(b), _height(b)))[:PROBE_LINES]
    scores = {angle: _probe(pixels, widest, angle) for angle in candidates}
    rotation = max(scores, key=scores.__getitem__)
    return rotation, _skew(boxes, rotation)


def _probe(pixels: np.ndarray, boxes: list[np.ndarray], angle: int) -> float:
    """Confidence x length of the boxes' text turned ``angle`` clockwise, read as one line:
    the crops are scaled to one height and set side by side, so one recogniser call reads
    them all."""
    strips: list[np.ndarray] = []
    for box in boxes:
        x0, y0 = np.floor(box.min(axis=0)).astype(int)
        x1, y1 = np.ceil(box.max(axis=0)).astype(int)
        crop = pixels[max(y0, 0):y1, max(x0, 0):x1]
        if crop.size == 0:
            continue
        turned = Image.fromarray(np.ascontiguousarray(np.rot90(crop, -angle // 90)))
        width = max(1, round(turned.width * PROBE_HEIGHT / turned.height))
        strips += [np.asarray(turned.resize((width, PROBE_HEIGHT))),
                   np.full((PROBE_HEIGHT, PROBE_HEIGHT, 3), 255, dtype=np.uint8)]
    if not strips:
        return 0.0
    with _lock:
        read = _engine()(np.concatenate(strips, axis=1), use_det=False, use_cls=False,
                         use_rec=True, return_word_box=False)
    return float(sum(s * len(t.strip()) for t, s in zip(read.txts or (), read.scores or ())))


def _skew(boxes: list[np.ndarray], rotation: int) -> float:
    """How far (degrees, counter-clockwise positive) the long lines' top edges rise: the
    median, 0 when below ``MIN_SKEW_DEG`` or implausibly large. Measured on pages read at 0 or
    180° only: turning a page by 180° keeps the sense of its skew, and the detector's boxes on
    a page standing on its side are too short across to measure."""
    if rotation not in (0, 180):
        return 0.0
    angles = []
    for box in boxes:
        # corners run clockwise from the top left of the image
        (ax, ay), (bx, by) = box[0], box[1]
        if math.hypot(bx - ax, by - ay) >= 8 * max(_side(box), 1.0):
            angles.append(-math.degrees(math.atan2(by - ay, bx - ax)))  # y runs down
    if not angles:
        return 0.0
    skew = float(np.median(angles))
    if abs(skew) < MIN_SKEW_DEG or abs(skew) > MAX_SKEW_DEG:
        return 0.0
    return round(skew, 2)


def _width(box: np.ndarray) -> float:
    return float(np.linalg.norm(box[1] - box[0]))


def _height(box: np.ndarray) -> float:
    return float(np.linalg.norm(box[3] - box[0]))


def _side(box: np.ndarray) -> float:
    return min(_width(box), _height(box))


def _unrotate(x: float, y: float, degrees: float, size: tuple[float, float],
              rotated_size: tuple[float, float]) -> tuple[float, float]:
    """The point of an image of ``size`` that ``Image.rotate(degrees, expand=True)`` moved
    to (x, y) of the result (of ``rotated_size``)."""
    theta = math.radians(degrees)
    dx, dy = x - rotated_size[0] / 2, y - rotated_size[1] / 2
    # the visual counter-clockwise turn is clockwise in y-down coordinates: undo it
    ox = dx * math.cos(theta) - dy * math.sin(theta)
    oy = dx * math.sin(theta) + dy * math.cos(theta)
    return ox + size[0] / 2, oy + size[1] / 2


def _recognise(upright: Image.Image) -> tuple[OcrLine, ...]:
    with _lock:
        found = _engine()(np.asarray(upright.convert("RGB")), use_det=True, use_cls=False,
                          use_rec=True, return_word_box=True, return_single_char_box=True)
    if not found.txts:
        return ()
    lines = []
    for text, score, quad, chars in zip(found.txts, found.scores, found.boxes,
                                        found.word_results):
        quad = np.asarray(quad, dtype=float)
        x0, top = quad.min(axis=0)
        x1, bottom = quad.max(axis=0)
        box = (float(x0), float(top), float(x1), float(bottom))
        lines.append(OcrLine(text.strip(), box, float(score), _chars(text, chars, box)))
    return tuple(line for line in lines if line.text)


def _chars(text: str, boxes: tuple[tuple[str, float, Any], ...],
           box: tuple[float, float, float, float]) -> tuple[OcrChar, ...]:
    """One OcrChar per character of ``text``, spaces included: the recogniser places each
    non-space character (its column in the model's output); characters of a word are made to
    touch and a space spans the gap, so the layout code finds words where the text has them."""
    glyphs = [(t, float(c), float(min(p[0] for p in q)), float(max(p[0] for p in q)))
              for t, c, q in boxes if q is not None]
    ink = [ch for ch in text.strip() if not ch.isspace()]
    if len(glyphs) != len(ink) or not ink:  # no usable positions: spread the line evenly
        step = (box[2] - box[0]) / max(len(text.strip()), 1)
        return tuple(OcrChar(ch, box[0] + i * step, box[0] + (i + 1) * step, 1.0)
                     for i, ch in enumerate(text.strip()))
    out: list[OcrChar] = []
    queue = iter(glyphs)
    pending_space = False
    for ch in text.strip():
        if ch.isspace():
            pending_space = True
            continue
        _, confidence, x0, x1 = next(queue)
        if out:
            previous = out[-1]
            if pending_space:
                gap_end = max(x0, previous.x1 + 1.0)
                out.append(OcrChar(" ", previous.x1, gap_end, confidence))
                x0 = gap_end
            else:
                x0 = previous.x1  # touching: no spurious word gap inside a word
        x1 = max(x1, x0 + 1.0)
        out.append(OcrChar(ch, x0, x1, confidence))
        pending_space = False
    return tuple(out)
