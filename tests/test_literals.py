"""The one-scan literal finder answers exactly as testing each literal with ``in``."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from dangjian.model.literals import LiteralScanner

# A three-letter alphabet makes literals overlap, nest and straddle each other often.
_LITERALS = st.lists(st.text(alphabet="abc", min_size=1, max_size=5), max_size=12)


@settings(max_examples=500, deadline=None)
@given(_LITERALS, st.text(alphabet="abcd", max_size=40))
def test_present_equals_testing_each_literal(literals, text):
    assert LiteralScanner(literals).present(text) == {s for s in literals if s in text}


@settings(max_examples=200, deadline=None)
@given(_LITERALS, st.text(max_size=40))
def test_present_on_any_text(literals, text):
    assert LiteralScanner(literals).present(text) == {s for s in literals if s in text}


def test_a_literal_running_past_the_end_of_the_one_taken_is_found():
    # "轮值主席" is taken at 2; "主席国" begins inside it and runs past its end.
    assert LiteralScanner(["轮值主席", "主席国"]).present("担任轮值主席国") == {"轮值主席", "主席国"}
    # "值主" is inside the taken literal, "轮值" is its prefix.
    assert LiteralScanner(["轮值主席", "值主", "轮值"]).present("轮值主席") == {"轮值主席", "值主", "轮值"}


def test_no_literals_find_nothing():
    assert LiteralScanner([]).present("任何文字") == set()
    assert LiteralScanner([""]).present("任何文字") == set()
