"""Plain-text captures: saved web pages and PDF text layers, told apart from the text."""
