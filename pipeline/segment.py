"""Segment: a cleaned Extraction in, sections, passages and footnotes with stable ids out.

Headings open sections: a heading of level ``n`` closes every open section of level ``>= n``.
A passage's id hashes its document id, section path, normalised text and its occurrence number
among identical passages of that section, so an unchanged passage keeps its id across versions
even when passages before it change.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from pipeline.ids import normalise_text, stable_hash
from pipeline.model import (
    Extraction,
    Footnote,
    Passage,
    Section,
    SegmentedDocument,
)


def doc_id_for(source_id: str) -> str:
    """Documents are named by their source: re-captures of a source are versions of one doc."""
    return source_id


def segment(doc_id: str, extraction: Extraction) -> SegmentedDocument:
    sections: list[Section] = []
    open_sections: list[Section] = []
    passages: list[Passage] = []
    occurrences: Counter[tuple[tuple[str, ...], str]] = Counter()

    for block in extraction.blocks:
        if block.kind == "heading":
            level = block.level or 1
            while open_sections and open_sections[-1].level >= level:
                open_sections.pop()
            path = tuple(s.heading for s in open_sections) + (block.text,)
            section = Section(section_id=stable_hash(doc_id, "section", *path, str(len(sections))),
                              path=path, heading=block.text, level=level,
                              ordinal=len(sections))
            sections.append(section)
            open_sections.append(section)
        current = open_sections[-1] if open_sections else None
        path = current.path if current else ()
        key = (path, normalise_text(block.text))
        occurrence = occurrences[key]
        occurrences[key] += 1
        passages.append(Passage(
            passage_id=stable_hash(doc_id, *path, key[1], str(occurrence)),
            ordinal=len(passages), kind=block.kind, text=block.text,
            section_id=current.section_id if current else None, section_path=path,
            locator=block.locator, transforms=block.transforms,
            footnote_labels=block.footnote_refs))

    referenced_by: dict[str, list[str]] = defaultdict(list)
    for passage in passages:
        for label in passage.footnote_labels:
            referenced_by[label].append(passage.passage_id)
    label_counts: Counter[str] = Counter()
    footnotes = []
    for note in extraction.footnotes:
        occurrence = label_counts[note.label]
        label_counts[note.label] += 1
        footnotes.append(Footnote(
            footnote_id=stable_hash(doc_id, "footnote", note.label, str(occurrence)),
            label=note.label, text=note.text, locator=note.locator,
            transforms=note.transforms, passage_ids=tuple(referenced_by.get(note.label, ()))))
    return SegmentedDocument(doc_id, extraction, tuple(sections), tuple(passages),
                             tuple(footnotes))
