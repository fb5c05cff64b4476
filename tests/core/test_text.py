"""core.text: the one rule for the characters free text may hold, in Python and as the imports' SQL pattern."""

import re
import unicodedata

import pytest

from core.errors import DomainError
from core.text import plain_text_checked, refused_character, refused_pattern, text_clean


@pytest.mark.parametrize("value, char", [
    ("Ram\x07", "\x07"), ("Ram\u202e", "\u202e"), ("\u2066Ram", "\u2066"), ("Ra\u200bm", "\u200b"),
    ("Ram\u00ad", "\u00ad"), ("\ufeffRam", "\ufeff"), ("Ram\x00", "\x00"), ("Ram\x85", "\x85"),
    ("Ram\ufffe", "\ufffe"), ("Ram\ud800", "\ud800"), ("Ram\tPrasad", "\t"), ("Ram\nPrasad", "\n"),
])
def test_it_finds_the_first_character_a_name_may_not_hold(value, char):
    assert refused_character(value) == char


@pytest.mark.parametrize("value", ["Ram Prasad", "राम प्रसाद", "लक्\u200dष्मी", "क्\u200cष", "12/34, Kanpur"])
def test_it_lets_a_name_hold_any_script_and_the_hindi_joiners(value):
    assert refused_character(value) is None
    assert plain_text_checked(value, field="name", code="invalid_name") == value


def test_it_lets_a_note_break_lines_and_hold_a_tab_but_nothing_else():
    assert refused_character("line one\r\nline\ttwo", one_line=False) is None
    assert refused_character("line one\r\n\u202eowt enil", one_line=False) == "\u202e"


def test_it_refuses_with_the_callers_code_and_field():
    with pytest.raises(DomainError) as refusal:
        plain_text_checked("Ram\u202e", field="name", code="invalid_name")
    assert (refusal.value.code, refusal.value.field, refusal.value.detail) == (
        "invalid_name", "name", "must not hold a control or formatting character (U+202E)")


def test_it_cleans_text_for_display_keeping_joiners_and_line_breaks():
    assert text_clean("Ram\x07 \u202eP\u200brasad\r\nक्\u200dष") == "Ram Prasad\r\nक्\u200dष"
    assert text_clean("Ram\tPrasad", one_line=True) == "RamPrasad"


@pytest.mark.parametrize("one_line", [True, False])
def test_it_writes_the_same_rule_as_a_pattern_over_all_of_unicode(one_line):
    pattern = re.compile(refused_pattern(one_line=one_line))
    for code in range(1, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert bool(pattern.fullmatch(char)) == (refused_character(char, one_line=one_line) is not None), hex(code)
    assert unicodedata.category("\u202e") == "Cf"
