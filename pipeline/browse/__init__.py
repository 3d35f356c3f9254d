"""Browse: ``archivist browse``, a local read-only web workbench over the archive.

In: an :class:`~pipeline.archive.Archive`. Out: a Starlette app (``app.create_app``) with the
archive's versions and documents, search, each document as a reader sees it, and beside it the
source of any passage or footnote (the PDF page with its box, the captured HTML page with its
element, the text lines), with its capture, SHA-256, locator, transforms and lineage.
"""
