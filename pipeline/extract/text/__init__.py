"""Plain-text captures: saved web pages and PDF text layers, told apart from the text."""

# What a capture and a document record as their extractor. Here, importing nothing, so that
# the run's process (which decides by them what to build again) need not import the extractor;
# a change of what the extractor outputs bumps VERSION.
NAME = "text"
VERSION = "0.2.2"
