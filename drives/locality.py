"""A stop's locality, read from the consumer's address: how a drive's stops are grouped among clerks.

The billing system keeps one free-text address ("117/23 Lal Bangla, Kanpur"); KESCO's addresses
name the locality as the last part before the city. Pure functions, so the rule is tested alone.
"""

import re

CITY = "kanpur"
LOCALITY_LENGTH = 100  # Stop.locality
# A house number leads the part it is in: "117/23", "H.No. 5", "B-12", "12A".
_HOUSE_NUMBER = re.compile(r"^(?:h\.?\s*no\.?\s*)?[\w/-]*\d[\w/-]*\.?\s+", re.IGNORECASE)


def locality_of(address: str) -> str:
    """The locality in ``address``: the last comma-separated part before "Kanpur" (or the whole address
    when no part names the city), without a leading house number. "" for no address."""
    parts = [" ".join(part.split()) for part in (address or "").split(",")]
    parts = [part for part in parts if part]
    city_at = next((i for i, part in enumerate(parts) if part.lower().startswith(CITY)), None)
    if city_at is None:
        locality = ", ".join(parts)
    elif city_at == 0:
        return ""
    else:
        locality = parts[city_at - 1]
    # Only a number that leaves a name behind is dropped: "12/34" alone stays what it is.
    locality = _HOUSE_NUMBER.sub("", locality, count=1) or locality
    return locality[:LOCALITY_LENGTH]


def locality_key(locality: str) -> str:
    """What two spellings of one locality share ("Lal Bangla" and "LAL  BANGLA")."""
    return " ".join(locality.lower().split())
