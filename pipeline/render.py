"""Render a document for people: Markdown with its sections, passages and footnotes.

Input is archive rows (or the same rows ``archivist extract`` builds), so what is shown is
exactly what is stored. Footnote markers are written back after the passage that referenced
them, and the notes are listed at the end: as Markdown footnotes (``[^1]`` and ``[^1]: …``)
for files, or, for a terminal, which shows Markdown footnotes as raw text run together in one
paragraph, as superscripts (``¹``) and a list of notes.
"""

from __future__ import annotations

from typing import Any, Literal

Notes = Literal["markdown", "terminal"]
_SUPERSCRIPT = str.maketrans("0123456789+-=()abcdefghijklmnoprstuvwxyz",
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ")

_PREFIX = {"list_item": "- ", "quote": "> ", "caption": "*Caption:* ", "byline": "*",
           "callout": "> **Note:** ", "figure": "*Figure text:* ",
           "comment": "> *Comment:* "}
_SUFFIX = {"byline": "*"}


def to_markdown(document: dict[str, Any], passages: list[dict[str, Any]],
                footnotes: list[dict[str, Any]], notes: Notes = "markdown") -> str:
    """The document as Markdown; ``notes="terminal"`` for a screen (see the module docstring)."""
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
        rendered = _passage(passage, title, notes)
        if rendered:
            lines += [rendered, ""]
    if footnotes:
        lines += ["---", "", "**Notes**", ""]
        for note in footnotes:
            lines.append(f"[^{note['label']}]: {note['text']}" if notes == "markdown"
                         else f"- **{note['label']}** {note['text']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def superscript(label: str) -> str:
    """A footnote label as superscript characters (a character with none stays as it is)."""
    return label.lower().translate(_SUPERSCRIPT)


def _markers(labels: list[str], notes: Notes) -> str:
    if notes == "markdown":
        return "".join(f"[^{label}]" for label in labels)
    return "˒".join(superscript(label) for label in labels)  # ¹˒² is two notes, ¹² one


def _passage(passage: dict[str, Any], title: str | None, notes: Notes) -> str:
    text: str = passage["text"]
    markers = _markers(passage.get("footnote_labels") or [], notes)
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
