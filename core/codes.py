"""Receipt numbers as one canonical text (DESIGN.md, Domain rules): the one rule for every place that writes or
looks one up (payments.services.payment_record behind the API, the clerk's and the counter's pay pages and the
admin; the API's input field; a dispute's deposit receipt in drives).

Unicode NFKC first (a full-width "１" is a "1", a ligature its letters), then upper case; what is left may hold
only A-Z, 0-9, "-" and "/" and at most 40 characters. Anything else, a space inside, a zero-width space (U+200B),
a bidi control (U+202E), a Cyrillic "Р" that looks like a Latin "P", is refused rather than dropped: a receipt
number that prints like another must not be a second receipt.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.money import format_count

RECEIPT_NO_LENGTH = 40

_CANONICAL = re.compile(r"[A-Z0-9/-]+", re.ASCII)


def receipt_no_canonical(value) -> str | None:
    """``value`` as its canonical receipt number, or None when it has none (blank, too long, or holding a
    character outside A-Z, 0-9, "-" and "/" after NFKC and upper-casing). For lookups: a text without a
    canonical form names no receipt."""
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    if not text or len(text) > RECEIPT_NO_LENGTH or not _CANONICAL.fullmatch(text):
        return None
    return text


def receipt_no_checked(value, *, field: str = "receipt_no", required_code: str = "receipt_required",
                       invalid_code: str | None = None) -> str:
    """The canonical receipt number of ``value``, or a DomainError on ``field``: ``required_code`` when blank,
    ``invalid_code`` (default ``invalid_<field>``) when too long or holding another character."""
    invalid_code = invalid_code or f"invalid_{field}"
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    if not text:
        raise DomainError(_("required"), code=required_code, field=field)
    if len(text) > RECEIPT_NO_LENGTH:
        raise DomainError(_("at most %(n)s characters") % {"n": format_count(RECEIPT_NO_LENGTH)}, code=invalid_code,
                          field=field)
    if not _CANONICAL.fullmatch(text):
        raise DomainError(_("only the letters A-Z, digits, \"-\" and \"/\": no spaces, no other signs"),
                          code=invalid_code, field=field)
    return text
