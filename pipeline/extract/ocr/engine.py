"""The OCR engine: one page image in, its text lines with character boxes and confidences out.

RapidOCR runs PaddleOCR's PP-OCR detection and recognition models on onnxruntime; the models
ship inside the ``rapidocr`` wheel, so nothing is downloaded at run time. A page is read in
three steps:

1. skew: the slope of the page's text lines, from its ink (``_ink_skew``, within
   ``MAX_SKEW_DEG``), levelled before the lines are detected, so they are detected once;
2. lines: text lines are detected on the levelled page (on a copy at most ``DETECTION_SIDE``
   pixels long); when most stand upright, the page is turned by 90 or 270° (its lines then
   detected again): a few of the widest are recognised both ways, the first if the
   recogniser is sure of it, else the one it is surer of. Lines still sloping (the median
   slope of the wide lines' top edges) have the page levelled by them and detected again;
3. the page is read at full resolution, one box and one confidence per character. If the
   recogniser is not sure of its widest lines, they are also read at 180°, and a surer
   reading there has the page read upside down.

Coordinates in an :class:`OcrPage` are pixels of the *upright* image; :meth:`OcrPage.to_source`
maps a point back to the image as it was given.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
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
    ink: np.ndarray
    """Which pixels of ``image`` are ink (``ink_mask``): found once, read by the line boxes,
    the characters' placement and the rules."""

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
    from omegaconf import flag_override  # rapidocr's configuration library
    from rapidocr import RapidOCR  # 0.5 s of imports, only in processes that OCR

    engine = RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,  # page orientation is decided once per page, below
        "Global.max_side_len": MAX_SIDE,
        "Det.limit_type": "max",
        "Det.limit_side_len": DETECTION_SIDE,
        "Det.score_mode": "slow",  # see _line_boxes
        "Global.text_score": MIN_SCORE,
    })
    # rapidocr takes a ready session per model (its "session" key) for options it does not
    # name itself: no spinning, see session()
    with flag_override(engine.cfg, "allow_objects", True):
        engine.cfg.Det.session = session(DETECTION_MODEL)
        engine.cfg.Rec.session = session(RECOGNITION_MODEL)
    return engine


def session(model: str) -> Any:
    """An onnxruntime session for one of the wheel's models, on ``THREADS`` threads that
    sleep between operators instead of spinning (onnxruntime's default: a spinning thread
    burns a core another worker could use; recognising a page took 1.25 times the CPU with
    it). Its memory arena is emptied after each run: the arena took 8 % less CPU a page (the
    same output), but kept what the largest run took and grew with it (400 MB more after
    three pages) until it handed its memory back after each run."""
    from pathlib import Path

    import onnxruntime as ort  # type: ignore[import-untyped]
    import rapidocr

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # values too small for a normal float are taken as zero: the CPU works them out in
    # microcode, many times slower; a page took 15-19 % less CPU, its text the same
    options.add_session_config_entry("session.set_denormal_as_zero", "1")
    shrink = ort.RunOptions()
    shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    class Shrinking(ort.InferenceSession):  # type: ignore[misc]
        """rapidocr runs the session without run options: these empty the arena."""

        def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
            return _onnxruntime_thread().submit(super().run, output_names, input_feed,
                                                run_options or shrink).result()

    path = Path(rapidocr.__file__).parent / "models" / f"{model}.onnx"
    return _onnxruntime_thread().submit(Shrinking, str(path), options,
                                        providers=["CPUExecutionProvider"]).result()


@cache
def _onnxruntime_thread() -> ThreadPoolExecutor:
    """The one thread that makes and runs the sessions: a session made with
    ``set_denormal_as_zero`` sets the thread that makes it to flush such floats to zero, and
    the setting stays with that thread. On the caller's thread it changed every later float
    operation there (numpy's and the layout code's too; hypothesis refuses to run)."""
    return ThreadPoolExecutor(1, thread_name_prefix="onnxruntime")


def engine_version() -> str:
    """``rapidocr/3.10.0`` and the models, for the ``ocr`` transform."""
    from importlib.metadata import version

    return f"{ENGINE} {version('rapidocr')} ({DETECTION_MODEL}, {RECOGNITION_MODEL})"


def read_page(image: Image.Image) -> OcrPage:
    """Read one page image (any mode) upright; a blank page gives no lines."""
    gray = image.convert("L")
    ink = ink_mask(np.asarray(gray))
    slope = _ink_skew(ink)
    level = _upright(gray, 0, slope)
    pixels = np.asarray(level.convert("RGB"))
    boxes = _detect(pixels)
    if _standing(boxes):  # on its side (a slope its rows showed was by chance): as given
        if slope:
            pixels = np.asarray(gray.convert("RGB"))
            boxes = _detect(pixels)
        rotation = _turn(pixels, boxes, (90, 270))
        return _read(_upright(gray, rotation, 0.0), rotation, 0.0, gray.size)[0]
    residual = _skew(boxes, 0)
    if residual:  # the lines slope otherwise than the ink showed (pictures, charts)
        slope = round(slope + residual, 2)
        level = _upright(gray, 0, slope)
        pixels = np.asarray(level.convert("RGB"))
        boxes = _detect(pixels)
    found = (pixels, boxes, None if slope else ink)
    page, (score, characters) = _read(level, 0, slope, gray.size, found)
    if score >= SURE * characters:  # read as it should be (or nothing to read)
        return page
    # the page may stand on its head: its widest lines read that way, the surer reading wins
    turned, _ = _probe(pixels, _widest(boxes), 180)
    if turned <= score:
        return page
    return _read(_upright(gray, 180, slope), 180, slope, gray.size)[0]


def _upright(gray: Image.Image, rotation: int, skew: float) -> Image.Image:
    """The page turned by ``rotation`` clockwise and levelled by ``skew``."""
    upright = gray.transpose(_TURN[rotation]) if rotation else gray
    if skew:  # turned back by as much as its lines rise
        upright = upright.rotate(-skew, resample=Image.Resampling.BICUBIC, expand=True,
                                 fillcolor=255)
    return upright


def _read(upright: Image.Image, rotation: int, skew: float, source_size: tuple[int, int],
          found: tuple[np.ndarray, list[np.ndarray], np.ndarray | None] | None = None
          ) -> tuple[OcrPage, tuple[float, int]]:
    """The upright page read, and how sure the recogniser was of its widest lines
    (``_recognise``); ``found``: its pixels, detected lines and ink mask, when known."""
    pixels, boxes, ink = found or (np.asarray(upright.convert("RGB")), None, None)
    if boxes is None:
        boxes = _detect(pixels)
    if ink is None:
        ink = ink_mask(np.asarray(upright))
    lines, sure = _recognise(ink, pixels, boxes)
    return OcrPage(upright, lines, rotation, skew, source_size, ink), sure


SKEW_STRIPS = 32
"""Vertical strips of the page whose rows' ink is shifted against each other to try a slope
(``_ink_skew``): 53 pixels wide on a 200 dpi letter page, a line drifts 2 pixels across one
at 2 degrees."""


def _ink_skew(ink: np.ndarray) -> float:
    """How far (degrees, counter-clockwise positive, as ``_skew``) the page's text lines rise,
    from its ink before any line is detected, so the detector runs on the levelled page once
    (detecting the lines on the page as given to measure their slope, then again on the
    levelled page, took a quarter of a skewed page's CPU). The slope is the one along which
    the rows' ink counts are most uneven, lines and leading apart (a projection profile): each
    strip's counts are shifted by the slope at its centre, tried every 0.1 degree up to
    ``MAX_SKEW_DEG``, then every 0.01. 0 below ``MIN_SKEW_DEG``, and when the columns' counts
    are more uneven than the rows' (lines running down a page on its side)."""
    height, width = ink.shape
    if not ink.any():
        return 0.0
    edges = np.linspace(0, width, SKEW_STRIPS + 1).astype(int)[:-1]
    strips = np.add.reduceat(ink, edges, axis=1, dtype=np.int32).T
    centres = (np.append(edges[1:], width) + edges) / 2 - width / 2
    reach = int(math.ceil(width / 2 * math.tan(math.radians(MAX_SKEW_DEG)))) + 1

    def unevenness(degrees: float) -> float:
        shifts = np.round(centres * math.tan(math.radians(degrees))).astype(int) + reach
        rows = np.zeros(height + 2 * reach)
        for shift, strip in zip(shifts.tolist(), strips):
            rows[shift:shift + height] += strip
        return float(np.square(np.diff(rows)).sum())

    best = 0.0
    for step, span in ((0.1, MAX_SKEW_DEG), (0.01, 0.1)):
        tries = np.arange(best - span, best + span + step / 2, step)
        best = float(max(tries, key=unevenness))
    columns = ink.sum(axis=0, dtype=np.int64)
    if float(np.square(np.diff(columns)).sum()) >= unevenness(best):
        return 0.0
    skew = round(best, 2)
    return skew if MIN_SKEW_DEG <= abs(skew) <= MAX_SKEW_DEG else 0.0


_TURN = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
         270: Image.Transpose.ROTATE_90}
"""PIL names rotations counter-clockwise; a page turned 90° clockwise is ROTATE_270."""


def _detect(pixels: np.ndarray) -> list[np.ndarray]:
    """The detector's line boxes (four corners each, clockwise from the top left)."""
    with _lock:
        found = _engine()(pixels, use_det=True, use_cls=False, use_rec=False,
                         return_word_box=False)
    return [] if found.boxes is None else [np.asarray(b, dtype=float) for b in found.boxes]


def _standing(boxes: list[np.ndarray]) -> bool:
    """Whether most lines stand upright: a page turned by 90 or 270 degrees."""
    return sum(1 for b in boxes if _height(b) > 1.5 * _width(b)) > len(boxes) / 2


def _widest(boxes: list[np.ndarray]) -> list[np.ndarray]:
    return sorted(boxes, key=lambda b: -max(_width(b), _height(b)))[:PROBE_LINES]


def _turn(pixels: np.ndarray, boxes: list[np.ndarray], candidates: tuple[int, int]) -> int:
    """Which of two directions the widest lines read in: the first if the recogniser is
    sure of it, else the one it is surer of."""
    scores: dict[int, float] = {}
    for angle in candidates:
        score, characters = _probe(pixels, _widest(boxes), angle)
        if score >= SURE * characters > 0:  # read as it should be: the other way is wrong
            return angle
        scores[angle] = score
    return max(scores, key=scores.__getitem__)


SURE = 0.9
"""Mean character confidence of the widest lines beyond which a direction is taken without
reading the other: text read the wrong way up scored 0.24-0.69 on the sample report's pages
(clean and degraded), the right way 0.85-0.99. Most pages are upright, so a page whose lines
lie is read at 0° at once, and its widest lines' reading decides whether 180° is tried (the
probe at 0° that came first took a tenth of a page's CPU); a page whose lines stand is probed
at 90° before 270°."""


def _probe(pixels: np.ndarray, boxes: list[np.ndarray], angle: int) -> tuple[float, int]:
    """Confidence x length of the boxes' text turned ``angle`` clockwise, and that length,
    read as one line: the crops are scaled to one height and set side by side, so one
    recogniser call reads them all. Each box is cut out along its own sides, so a skewed
    page's lines are read level: the upright rectangle around a line of a page skewed by
    1.2 degrees took in parts of the lines above and below, and the recogniser read one
    character of the four lines (a page of the sample report was read upside down)."""
    page = Image.fromarray(pixels)
    strips: list[np.ndarray] = []
    for box in boxes:
        width, height = round(_width(box)), round(_height(box))
        if width < 1 or height < 1:
            continue
        # PIL's quad: upper left, lower left, lower right, upper right corners of the source
        corners = box[[0, 3, 2, 1]].flatten().tolist()
        crop = np.asarray(page.transform((width, height), Image.Transform.QUAD, corners,
                                         Image.Resampling.BILINEAR, fillcolor=(255, 255, 255)))
        turned = Image.fromarray(np.ascontiguousarray(np.rot90(crop, -angle // 90)))
        width = max(1, round(turned.width * PROBE_HEIGHT / turned.height))
        strips += [np.asarray(turned.resize((width, PROBE_HEIGHT))),
                   np.full((PROBE_HEIGHT, PROBE_HEIGHT, 3), 255, dtype=np.uint8)]
    if not strips:
        return 0.0, 0
    with _lock:
        read = _engine()(np.concatenate(strips, axis=1), use_det=False, use_cls=False,
                         use_rec=True, return_word_box=False)
    texts = [(len(t.strip()), float(s)) for t, s in zip(read.txts or (), read.scores or ())]
    return sum(n * s for n, s in texts), sum(n for n, _ in texts)


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


def _recognise(ink: np.ndarray, pixels: np.ndarray, found: list[np.ndarray]
               ) -> tuple[tuple[OcrLine, ...], tuple[float, int]]:
    """The detector's lines, their boxes redrawn from the ink (``_line_boxes``), recognised
    with a box and a confidence per character; a raised marker's own reading replaces what
    its line's reading made of it. And how sure the recogniser was of the ``PROBE_LINES``
    widest lines: confidence x length of their text, and that length."""
    if not found:
        return (), (0.0, 0)
    with _lock:
        engine = _engine()
        lines = _line_boxes(ink, found)
        if not lines:
            return (), (0.0, 0)
        boxes = [box for box, _ in lines] + [m for _, marks in lines for m in marks]
        crops = [pixels[top:bottom, x0:x1] for x0, top, x1, bottom in boxes]
        engine.update_params(return_word_box=True, return_single_char_box=True)
        read = engine.recognize_txt(crops)
        glyphs = [_glyphs(engine.cal_rec_boxes, text, info, crop.shape[1], box[0])
                  for text, info, crop, box in zip(read.txts, read.word_results, crops, boxes)]
    results = iter(zip(read.txts, read.scores, boxes, glyphs))
    recognised = [(next(results), marks) for _, marks in lines]
    widest = sorted(recognised, key=lambda r: r[0][2][0] - r[0][2][2])[:PROBE_LINES]
    sure = [(len(text.strip()), float(score)) for (text, score, _, _), _ in widest]
    out = []
    for (text, score, box, chars), marks in recognised:
        readings = [next(results)[:2] for _ in marks]
        if score < MIN_SCORE or not text.strip():
            continue
        fbox = (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        line = OcrLine(text.strip(), fbox, float(score), _chars(text, chars, fbox))
        for (mark_text, mark_score), mark in zip(readings, marks):
            line = _with_marker(line, mark_text.strip(), float(mark_score), ink, mark)
        out.append(line)
    return tuple(out), (sum(n * score for n, score in sure), sum(n for n, _ in sure))


def _glyphs(cells: Any, text: str, info: Any, width: int, x0: int
            ) -> list[tuple[str, float, float, float]]:
    """Each recognised non-space character of a line's crop ``width`` pixels wide, set at
    ``x0`` on the page: (character, confidence, left, right). rapidocr's own placement
    (``cal_rec_boxes``: the character's column in the model's output, cells made not to
    overlap), minus its mapping back through the detector's four-cornered box, which for
    our upright rectangles is a shift by ``x0`` (it took a tenth of a page's CPU time, and
    took a crop 1.5 times taller than wide, a lone digit, for vertical text, putting the
    digit partly outside its crop)."""
    if not text or not info.line_txt_len:
        return []
    chars, boxes, confidences = cells.cal_ocr_word_box(
        text, np.array([[0, 0], [width, 0], [width, 1], [0, 1]]), info, True)
    boxes = cells.adjust_box_overlap(boxes)
    out = []
    for char, confidence, box in zip(chars, confidences, boxes):
        left, right = int(box[0][0] + x0), int(box[1][0] + x0)
        out.append((char, float(confidence), float(min(left, right)), float(max(left, right))))
    return out


MARKERS = set("0123456789*†‡§")


def _with_marker(line: OcrLine, text: str, score: float, ink: np.ndarray,
                 box: tuple[int, int, int, int]) -> OcrLine:
    """The line with a raised marker's own reading in place of the line's characters over
    the marker's ink (the line's crop holds only its lower part: ``11`` read as ``1``, ``12``
    as ``1²``). A raised mark that is no marker is left to the line's reading. A line
    character is the marker's when most of the narrower of the two lies over the other: a
    lone ``1``'s ink is a stroke two pixels wide, and its cell in the line's reading, ten
    wide, may centre outside it (``1`` read twice, as ``11``)."""
    if not text or not set(text) <= MARKERS or score < MIN_SCORE:
        return line
    x0, top, x1, bottom = box
    columns = np.flatnonzero(ink[top:bottom, x0:x1].any(axis=0))
    if not columns.size:
        return line
    left, right = x0 + float(columns[0]), x0 + float(columns[-1]) + 1
    kept = [c for c in line.chars
            if min(c.x1, right) - max(c.x0, left) <= min(c.x1 - c.x0, right - left) / 2]
    at = next((i for i, c in enumerate(kept) if (c.x0 + c.x1) / 2 > right), len(kept))
    step = (right - left) / len(text)
    marker = [OcrChar(ch, left + i * step, left + (i + 1) * step, score)
              for i, ch in enumerate(text)]
    chars = tuple(kept[:at] + marker + kept[at:])
    box_out = (min(line.box[0], left), min(line.box[1], float(top)), max(line.box[2], right),
               line.box[3])
    return OcrLine("".join(c.text for c in chars).strip(), box_out, line.confidence, chars)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Which pixels of a grayscale page are ink."""
    return gray < ink_threshold(gray)


def ink_threshold(pixels: np.ndarray) -> int:
    """Ink is darker than halfway between the page's paper and its darkest tenth."""
    paper = float(np.percentile(pixels, 90))
    dark = float(np.percentile(pixels, 1))
    return int((paper + dark) / 2) if paper - dark > 40 else 128


LINE_FLOOR = 0.03
"""A pixel row of a detected box with less ink than this share of its busiest row is leading
(or a raised marker's few pixels, or the descenders of the line above)."""
LINE_PAD = 0.35
"""Paper kept above and below a line's ink rows, as a share of their height (the rows the
floor keeps run from about the capitals' top to the baseline): the descenders and the margin
the detector's own boxes leave."""
SAME_LINE = 0.5
"""Two boxes whose ink rows overlap by this share of the shorter one's are on one line (and
so is one that rises above a line and ends inside it: a raised marker)..."""
JOIN_GAP = 0.5
"""...when at most this share of the line's height apart (a raised marker past a word; two
columns stand an em or more apart)..."""
SAME_SIZE = 0.4
"""...and when the shorter band is at least this share of the taller: pieces of one line share
its size (a piece of x-height letters stands about 0.45 of one with ascenders and descenders),
while a picture's box beside a title took the title and the line under it in (a journal's
masthead: the line read as junk and dropped)."""


def _one_line(main: list[int], band: list[int]) -> str:
    """How an ink band (x0, top, x1, bottom) stands to a line's main band: ``same`` (a piece
    of its line), ``raised`` (a marker standing on it), ``carries`` (the line's main band is
    a marker standing on this one: a short line such as ``motive.`` has little ink above its
    x-height) or ``""`` (another line)."""
    height = max(main[3] - main[1], band[3] - band[1])
    if max(band[0] - main[2], main[0] - band[2]) > JOIN_GAP * height:
        return ""
    overlap = min(main[3], band[3]) - max(main[1], band[1])
    shorter = min(main[3] - main[1], band[3] - band[1])
    if overlap >= SAME_LINE * shorter and shorter >= SAME_SIZE * height:
        return "same"
    if overlap <= -RAISED_ABOVE * height:  # a short line's band may start at its x-height
        return ""
    if band[1] < main[1] and band[3] < main[3] and _mark_sized(band, main):
        return "raised"
    if main[1] < band[1] and main[3] < band[3] and _mark_sized(main, band):
        return "carries"
    return ""


MARK_WIDTH = 3.0
"""A raised marker is at most this many times its line's height wide (``123`` is about
1.5): a wider band is text of its own, such as the line above."""


def _mark_sized(mark: list[int], line: list[int]) -> bool:
    height = line[3] - line[1]
    return mark[2] - mark[0] <= MARK_WIDTH * height and mark[3] - mark[1] <= 1.5 * height


Box = tuple[int, int, int, int]


def _line_boxes(ink: np.ndarray, quads: Any) -> list[tuple[Box, list[Box]]]:
    """The detector's boxes as text lines (x0, top, x1, bottom; pixels), each with the boxes
    of the raised markers standing on it.

    A raised note marker is a small blob above the line's contour: past the line's end the
    detector makes it a box of its own, which the recogniser read without its line (so no
    baseline showed it raised); inside the line it makes the contour taller, and the box drawn
    around it took in half the line above (the marker lost) or scored too low to keep (the line
    lost; the detector scores contours by their own area, Det.score_mode "slow"). So each box
    is cut to the rows its line's ink fills, boxes on one line that (nearly) touch are
    joined, a small one whose ink ends inside a line's is that line's raised marker, read
    both as part of the line and on its own; each is read with ``LINE_PAD`` of paper above
    and below."""
    height, width = ink.shape
    bands: list[list[int]] = []  # x0, top, x1, bottom of each line's ink rows
    for quad in quads:
        points = np.asarray(quad, dtype=float)
        x0, top = (int(v) for v in np.floor(points.min(axis=0)).clip(0))
        x1, bottom = int(min(np.ceil(points[:, 0].max()), width)), int(
            min(np.ceil(points[:, 1].max()), height))
        if x1 <= x0 or bottom <= top:
            continue
        rows = ink[top:bottom, x0:x1].sum(axis=1)
        if not rows.any():
            continue
        full = np.flatnonzero(rows > LINE_FLOOR * rows.max())
        runs = np.split(full, np.flatnonzero(np.diff(full) > 1) + 1)
        tallest = max(len(run) for run in runs)
        bands += [[x0, top + int(run[0]), x1, top + int(run[-1]) + 1] for run in runs
                  if len(run) >= SAME_LINE * tallest]
    bands.sort(key=lambda b: b[1] - b[3])  # tallest first: lines before their markers
    lines: list[tuple[list[int], list[int], list[list[int]]]] = []  # extent, main, markers
    for band in bands:
        for extent, main, marks in lines:
            how = _one_line(main, band)
            if how == "raised":
                marks.append(band)
            elif how == "carries":
                marks.append(list(main))
                main[:] = band
            if how:
                extent[:] = [min(extent[0], band[0]), min(extent[1], band[1]),
                             max(extent[2], band[2]), max(extent[3], band[3])]
                break
        else:
            lines.append((list(band), band, []))
    out = []
    for (x0, top, x1, _), main, marks in lines:
        marks += _raised_marks(ink, x0, x1, main, marks)
        pad = round(LINE_PAD * (main[3] - main[1]))
        out.append(((x0, max(min(main[1] - pad, top - 2), 0), x1, min(main[3] + pad, height)),
                    [_padded(m, height) for m in sorted(marks)]))
    return sorted(out, key=lambda line: (line[0][1], line[0][0]))


RAISED_ABOVE = 0.2
"""Ink standing this share of a line's height above its top (capitals, ascenders) is
raised..."""
RAISED_REACH = 0.7
"""...looked for up to this share of the line's height above its top."""


def _raised_marks(ink: np.ndarray, x0: int, x1: int, main: list[int],
                  marks: list[list[int]]) -> list[list[int]]:
    """Bands of raised marks inside a line that its band left out: the columns whose ink
    rises ``RAISED_ABOVE`` of the line's height over its capitals and runs on down into the
    line (a marker ``10`` glued to ``Korea.`` and its line read as ``Korea.1º``; the
    descenders of the line above end before it), grouped into marks. Columns of the marks
    found as boxes of their own are left out."""
    top, bottom = main[1], main[3]
    height = bottom - top
    reach = max(top - round(RAISED_REACH * height), 0)
    high = top - round(RAISED_ABOVE * height)
    if high <= reach:
        return []
    region = ink[reach:top + 1, x0:x1]
    # rows from each column's lowest ink-free row above the line's top down to its top
    blank = ~region
    last_blank = np.where(blank.any(axis=0),
                          region.shape[0] - 1 - np.argmax(blank[::-1], axis=0), -1)
    rises = reach + last_blank + 1  # where each column's ink run reaching the top begins
    raised = (rises < high) & region[-1]
    for mark in marks:
        raised[max(mark[0] - x0, 0):max(mark[2] - x0, 0)] = False
    found: list[list[int]] = []
    for column in np.flatnonzero(raised).tolist():
        if found and column - found[-1][2] + x0 <= JOIN_GAP * height:
            found[-1][2] = x0 + column + 1
            found[-1][1] = min(found[-1][1], int(rises[column]))
        else:
            found.append([x0 + column, int(rises[column]), x0 + column + 1, top])
    for mark in found:  # down to where the mark's ink ends inside the line
        rows = np.flatnonzero(ink[top:bottom, mark[0]:mark[2]].any(axis=1))
        gaps = np.flatnonzero(np.diff(rows) > 1)
        mark[3] = top + int(rows[gaps[0]] if gaps.size else rows[-1]) + 1 if rows.size else top
    return found


def _padded(band: list[int], height: int) -> Box:
    pad = round(LINE_PAD * (band[3] - band[1]))
    return band[0], max(band[1] - pad, 0), band[2], min(band[3] + pad, height)


def _chars(text: str, glyphs: list[tuple[str, float, float, float]],
           box: tuple[float, float, float, float]) -> tuple[OcrChar, ...]:
    """One OcrChar per character of ``text``, spaces included: the recogniser places each
    non-space character (``_glyphs``); characters of a word are made to touch and a space
    spans the gap, so the layout code finds words where the text has them."""
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
