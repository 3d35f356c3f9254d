"""Render a document for people: Markdown with its sections, passages and footnotes.

Input is archive rows (or the same rows ``archivist extract`` builds), so what is shown is
exactly what is stored. Footnote markers are written back as ``[^label]`` after the passage
that referenced them, and the notes are listed at the end.
"""

from __future__ import annotations

from typing import Any

_PREFIX = {"list_item": "- ", "quote": "> ", "caption": "*Caption:* ", "byline": "*",
           "callout": "> **Note:** ", "figure": "*Figure text:* "}
_SUFFIX = {"byline": "*"}


def to_markdown(document: dict[str, Any], passages: list[dict[str, Any]],
                footnotes: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    title = document.get("title")
    if title:
        lines += [f"# {title}", ""]
    facts = [f"{label}: {document[key]}" for key, label in
             (("published", "Published"), ("site_name", "Site"), ("uri", "Source"),
              ("doc_version", "Version")) if document.get(key)]
    if document.get("authors"):
        facts.insert(0, "By " + ", ".join(document["authors"]))
    if facts:
        lines += ["*" + " · ".join(str(f) for f in facts) + "*", ""]
    for passage in sorted(passages, key=lambda p: p["ordinal"]):
        rendered = _passage(passage, title)
        if rendered:
            lines += [rendered, ""]
    if footnotes:
        lines += ["---", "", "**Notes**", ""]
        for note in footnotes:
            lines.append(f"[^{note['label']}]: {note['text']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _passage(passage: dict[str, Any], title: str | None) -> str:
    text = passage["text"]
    markers = "".join(f"[^{label}]" for label in passage.get("footnote_labels") or ())
    kind = passage["kind"]
    if kind == "title":
        return f"# {text}" if text != title else ""
    if kind == "heading":
        level = min(6, len(passage.get("section_path") or ()) + 1)
        return f"{'#' * level} {text}{markers}"
    if kind in ("table", "code"):
        return "```\n" + text + "\n```"
    return _PREFIX.get(kind, "") + text + _SUFFIX.get(kind, "") + markers


def to_text(passages: list[dict[str, Any]]) -> str:
    """The clean passages in order, one per paragraph, separated by blank lines."""
    ordered = sorted(passages, key=lambda p: p["ordinal"])
    return "\n\n".join(p["text"] for p in ordered) + ("\n" if ordered else "")
