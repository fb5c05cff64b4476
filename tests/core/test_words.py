from decimal import Decimal

import pytest

from core.words import amount_in_words_en, amount_in_words_hi


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "Rupees zero only"),
    ("7", "Rupees seven only"),
    ("19", "Rupees nineteen only"),
    ("45", "Rupees forty-five only"),
    ("100", "Rupees one hundred only"),
    ("1000", "Rupees one thousand only"),
    ("6650", "Rupees six thousand six hundred fifty only"),
    ("100000", "Rupees one lakh only"),
    ("665000", "Rupees six lakh sixty-five thousand only"),
    ("10000000", "Rupees one crore only"),
    ("123456789", "Rupees twelve crore thirty-four lakh fifty-six thousand seven hundred eighty-nine only"),
    # Above 99 crore the crores are counted in lakhs: 1,00,00,00,00,000 is one lakh crore.
    ("1000000000000", "Rupees one lakh crore only"),
    ("1000.50", "Rupees one thousand and fifty paise only"),
    ("0.05", "Rupees zero and five paise only"),
    ("99.999", "Rupees one hundred only"),
])
def test_it_says_an_amount_in_indian_english(amount, words):
    assert amount_in_words_en(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "words"), [
    ("51", "इक्यावन रुपये मात्र"),
    ("99", "निन्यानबे रुपये मात्र"),
    ("6650", "छह हज़ार छह सौ पचास रुपये मात्र"),
    ("665000", "छह लाख पैंसठ हज़ार रुपये मात्र"),
    ("250000000", "पच्चीस करोड़ रुपये मात्र"),
    ("25000000", "दो करोड़ पचास लाख रुपये मात्र"),
    ("1001.75", "एक हज़ार एक रुपये और पचहत्तर पैसे मात्र"),
])
def test_it_says_an_amount_in_hindi(amount, words):
    assert amount_in_words_hi(Decimal(amount)) == words


def test_it_has_a_hindi_word_for_every_number_below_a_hundred():
    words = [amount_in_words_hi(n) for n in range(100)]
    assert len(set(words)) == 100


def test_it_refuses_a_negative_amount():
    with pytest.raises(ValueError):
        amount_in_words_en(Decimal("-1"))
