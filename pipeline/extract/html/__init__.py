"""HTML pages: main content, boilerplate as removed rows, XPaths and offsets, metadata."""
