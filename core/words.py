"""Amounts in words for receipts, the Indian way (lakh and crore), in English and in Hindi.

A receipt states the amount in words so a figure cannot be altered after it is handed over.
Hindi numbers below a hundred are irregular (इक्यावन, not "पचास एक"), so they are a table.
"""

from decimal import ROUND_HALF_UP, Decimal

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

# 0 to 99 in Hindi, each written out: the language has no rule that builds them.
_HINDI = (
    "शून्य एक दो तीन चार पाँच छह सात आठ नौ "
    "दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस "
    "बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस "
    "तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस "
    "चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास "
    "पचास इक्यावन बावन तिरेपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ "
    "साठ इकसठ बासठ तिरेसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर "
    "सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी "
    "अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी "
    "नब्बे इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे निन्यानबे"
).split()

# Indian places above a hundred: crore (10^7), lakh (10^5), thousand (10^3), hundred (10^2).
_PLACES = ((10_000_000, "crore", "करोड़"), (100_000, "lakh", "लाख"), (1000, "thousand", "हज़ार"),
           (100, "hundred", "सौ"))


def _below_hundred_en(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _whole(n: int, *, hindi: bool) -> str:
    """A whole number in words; above 99 crore the crores are themselves said in lakhs and thousands."""
    if n < 100:
        return _HINDI[n] if hindi else _below_hundred_en(n)
    words = []
    for size, english, hindi_word in _PLACES:
        count, n = divmod(n, size)
        if count:
            words.append(f"{_whole(count, hindi=hindi)} {hindi_word if hindi else english}")
    if n:
        words.append(_HINDI[n] if hindi else _below_hundred_en(n))
    return " ".join(words)


def _split(amount) -> tuple[int, int]:
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("an amount in words is never negative")
    rupees = int(value)
    return rupees, int((value - rupees) * 100)


def amount_in_words_en(amount) -> str:
    """Decimal("665000.50") → "Rupees six lakh sixty-five thousand and fifty paise only"."""
    rupees, paise = _split(amount)
    text = f"Rupees {_whole(rupees, hindi=False)}"
    if paise:
        text += f" and {_whole(paise, hindi=False)} paise"
    return f"{text} only"


def amount_in_words_hi(amount) -> str:
    """Decimal("665000.50") → "छह लाख पैंसठ हज़ार रुपये और पचास पैसे मात्र"."""
    rupees, paise = _split(amount)
    text = f"{_whole(rupees, hindi=True)} रुपये"
    if paise:
        text += f" और {_whole(paise, hindi=True)} पैसे"
    return f"{text} मात्र"
