import pytest
from django.db import connection

from core.sql import sql_text


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["plain", "it's", "''", "back\\slash", "[\\x01-\\x1f]", "दिल्ली", ""])
def test_it_quotes_a_literal_the_database_reads_back_unchanged(value):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql_text(value)}")
        assert cursor.fetchone()[0] == value


def test_it_refuses_a_nul_no_database_can_hold():
    with pytest.raises(ValueError):
        sql_text("a\x00b")
