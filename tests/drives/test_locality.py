import pytest

from drives.locality import locality_key, locality_of


@pytest.mark.parametrize(("address", "locality"), [
    ("7 Lal Bangla, Kanpur", "Lal Bangla"),
    ("12/34 Ratanpur Colony, Kanpur", "Ratanpur Colony"),
    ("H.No. 5, Block B, Kidwai Nagar, Kanpur - 208011", "Kidwai Nagar"),
    ("117/K-23, Juhi Kalan, Kanpur Nagar", "Juhi Kalan"),
    ("B-12 Harrisganj , KANPUR 208001", "Harrisganj"),
    ("Swaroop Nagar, Kanpur", "Swaroop Nagar"),
    ("Lal Bangla", "Lal Bangla"),  # no city named: the whole address
    ("22 Juhi Kalan", "Juhi Kalan"),
    ("12/34", "12/34"),  # a number alone is kept rather than lost
    ("Kanpur", ""),
    ("", ""),
])
def test_it_reads_the_locality_off_an_address(address, locality):
    assert locality_of(address) == locality


def test_it_groups_spellings_of_one_locality_together():
    assert locality_key(locality_of("7 LAL  BANGLA, Kanpur")) == locality_key(locality_of("9 Lal Bangla, Kanpur"))
