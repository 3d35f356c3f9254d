"""PDFs: lines from characters, columns and reading order, furniture, notes, tables, figures."""
