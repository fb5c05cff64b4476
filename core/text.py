"""Text that people type or files bring: the one rule for which characters free text may hold.

A control character (Unicode's Cc: NUL, BEL, ESC, the C1 range) or an invisible format character (Cf: the
bidi overrides U+202A-U+202E and U+2066-U+2069, a zero-width space, a soft hyphen, a BOM) has no place in a
name, an address or a note. PostgreSQL can't store a NUL; XML (an XLSX) can't hold most controls; a U+202E
in a consumer's name shows "Ram Prasad" reversed on every page, list and export that prints it, and a
zero-width space makes two names look the same. So a service refuses them where text enters the app
(pages, API, admin, imports alike), and the exports drop any that an older row still holds.

Two exceptions: the joiners U+200C and U+200D (also Cf) shape Devanagari conjuncts, so a Hindi name may
need them; and a note or an address (``one_line=False``) may break lines and hold a tab.
"""

import unicodedata
from functools import cache

from django.utils.translation import gettext

from core.errors import DomainError

# Zero-width non-joiner and joiner: part of how Hindi is written (क्‍ष), not a trick.
JOINERS = frozenset("\u200c\u200d")
LINE_BREAKS = frozenset("\t\n\r")
# Not characters at all; a file that holds one was written wrongly (they were refused by the imports before).
NONCHARACTERS = frozenset("\ufffe\uffff")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # Cs: a lone surrogate, which no encoder can write


def _refused(char: str, *, one_line: bool) -> bool:
    if char in JOINERS or (not one_line and char in LINE_BREAKS):
        return False
    return char in NONCHARACTERS or unicodedata.category(char) in _REFUSED_CATEGORIES


def refused_character(value: str, *, one_line: bool = True) -> str | None:
    """The first character of ``value`` that text may not hold, or None. (isprintable() is a fast C pass that is
    true for nearly every value: only a value that fails it is looked at character by character.)"""
    if value.isprintable():
        return None
    return next((char for char in value if _refused(char, one_line=one_line)), None)


def plain_text_checked(value: str, *, field: str, code: str, one_line: bool = True) -> str:
    """``value`` if it holds no control or format character (a name: one line; a note: ``one_line=False``,
    line breaks and tabs allowed), else a DomainError with ``code`` on ``field``."""
    char = refused_character(value, one_line=one_line)
    if char is not None:
        raise DomainError(gettext("must not hold a control or formatting character (U+%(code)s)")
                          % {"code": f"{ord(char):04X}"}, code=code, field=field)
    return value


def text_clean(value: str, *, one_line: bool = False) -> str:
    """``value`` without the characters text may not hold: for what is shown or exported, not for input
    (input is refused, never silently changed)."""
    if value.isprintable():
        return value
    return "".join(char for char in value if not _refused(char, one_line=one_line))


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@cache
def refused_pattern(*, one_line: bool = True) -> str:
    """The refused characters as one regular expression class, in the syntax PostgreSQL's and Python's regular
    expressions share (the imports check a staged file with it in SQL). Without NUL and surrogates, which
    PostgreSQL's text can't hold (the file reader refuses a NUL byte first). Cc and Cf lie in the planes
    searched here (0, 1 and 14; tests/core/test_it_text.py checks that against all of Unicode)."""
    codes = [code for code in [*range(1, 0x20000), *range(0xE0000, 0xE1000)]
             if not 0xD800 <= code <= 0xDFFF and _refused(chr(code), one_line=one_line)]
    runs = []  # [first, last] of each run of consecutive code points
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(_escape(first) if first == last else f"{_escape(first)}-{_escape(last)}"
                         for first, last in runs) + "]"
