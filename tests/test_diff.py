"""Passage matching and word-level diffs (pure functions over rows, no archive needed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.diff import match_items, word_diff


def rows(*texts: str, ids: tuple[str, ...] | None = None) -> list[dict]:
    return [{"passage_id": (ids[i] if ids else f"id-{t}"), "text": t, "ordinal": i}
            for i, t in enumerate(texts)]


def test_unchanged_passages_produce_no_changes():
    same = rows("one two three", "four five six")
    assert match_items("d", "passage", "passage_id", same, same) == []


def test_edited_passage_is_matched_by_similarity_not_reported_as_remove_and_add():
    old = rows("The river freezes in the coldest weeks of winter.", "Guards patrol the banks.")
    new = rows("The river freezes in the coldest weeks of the year.", "Guards patrol the banks.")
    [change] = match_items("d", "passage", "passage_id", old, new)
    assert change.change == "changed" and change.old_id != change.new_id
    assert ("delete", "winter.") in change.words and ("insert", "the year.") in change.words
    assert 0.5 <= change.similarity < 1


def test_rewritten_passage_is_removed_plus_added():
    old = rows("Markets sell rice and batteries.")
    new = rows("An entirely different sentence about letters kept in a tin.")
    found = sorted(c.change for c in match_items("d", "passage", "passage_id", old, new))
    assert found == ["added", "removed"]


def test_same_id_with_different_spacing_or_case_is_changed():
    old = rows("Tumen River", ids=("p1",))
    new = rows("Tumen river", ids=("p1",))
    [change] = match_items("d", "passage", "passage_id", old, new)
    assert change.change == "changed" and change.old_id == change.new_id == "p1"


def test_each_old_passage_matches_at_most_one_new_one():
    old = rows("alpha beta gamma delta epsilon")
    new = rows("alpha beta gamma delta zeta", "alpha beta gamma delta eta")
    changes = match_items("d", "passage", "passage_id", old, new)
    assert sorted(c.change for c in changes) == ["added", "changed"]


words = st.lists(st.sampled_from(["river", "border", "night", "guide", "rice", "tin"]),
                 max_size=12)


@given(words, words)
def test_word_diff_rebuilds_both_sides(a, b):
    ops = word_diff(" ".join(a), " ".join(b))
    old = " ".join(t for op, t in ops if op in ("equal", "delete") and t)
    new = " ".join(t for op, t in ops if op in ("equal", "insert") and t)
    assert old.split() == a and new.split() == b
