"""Marks and word lists the extractors of every kind read text by.

``BULLETS`` are the glyphs that open a list item in print; ``BULLET`` matches one at the start
of a line with the spaces after it. ``MINOR_WORDS`` stay lower case inside a title-cased
heading.
"""

from __future__ import annotations

import re

BULLETS = "•◦▪▫●○■□►▶‣⁃∙·❖➢➤✓✔❑◆◇"
BULLET = re.compile(rf"^\s*[{BULLETS}]\s*")

MINOR_WORDS = frozenset(
    "a an and as at but by for from in into is it its of on or over the their them these this "
    "those to with without some are be not than that via".split())
