"""PDFs: lines from characters, columns and reading order, furniture, notes, tables, figures."""

# What a capture and a document record as their extractor. Here, importing nothing, so that
# the run's process (which decides by them what to build again) need not import the extractor;
# a change of what the extractor outputs bumps VERSION.
NAME = "pdf"
VERSION = "0.8.147"
