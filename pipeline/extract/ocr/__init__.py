"""OCR: page images in, the character records the PDF layout code reads out.

    engine.py    RapidOCR (PP-OCR models from its wheel): a page image -> upright lines with
                 character boxes and confidences (orientation and skew found first)
    chars.py     OCR lines -> layout characters in PDF points (size, baseline, superscripts
                 from the line's ink)
    images.py    TIFF / PNG / JPEG bytes -> page images within the pixel limits
    textlayer.py  whether a PDF page's own text layer is usable, with the evidence
    extractor.py page images as a document, through the PDF layout code
    provenance.py  the ``ocr`` transform and confidences on the blocks of OCR'd pages
"""

# What a capture and a document record as their extractor. Here, importing nothing, so that
# the run's process (which decides by them what to build again) need not import the extractor;
# a change of what the extractor outputs bumps VERSION.
NAME = "ocr"
VERSION = "0.3.10"
