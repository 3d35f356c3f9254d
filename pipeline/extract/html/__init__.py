"""HTML pages: main content, boilerplate as removed rows, XPaths and offsets, metadata."""

# What a capture and a document record as their extractor. Here, importing nothing, so that
# the run's process (which decides by them what to build again) need not import the extractor;
# a change of what the extractor outputs bumps VERSION.
NAME = "html"
VERSION = "0.4.74"
