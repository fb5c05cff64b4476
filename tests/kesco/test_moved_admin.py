"""The admin addresses of models that left the arrears app still lead to them."""

import pytest


@pytest.mark.parametrize(("old", "new"), [
    ("/admin/arrears/payment/", "/admin/payments/payment/"),
    ("/admin/arrears/payment/take/?account_no=00012345", "/admin/payments/payment/take/?account_no=00012345"),
    ("/admin/arrears/importjob/7/change/", "/admin/imports/importjob/7/change/"),
    ("/admin/arrears/defaulterrun/build/", "/admin/defaulters/defaulterrun/build/"),
    ("/admin/arrears/defaulterlist/", "/admin/defaulters/defaulterlist/"),
])
def test_it_redirects_an_old_admin_address_for_good(db, client, old, new):
    response = client.get(old)

    assert (response.status_code, response["Location"]) == (301, new)


def test_it_leaves_the_arrears_admin_where_it_is(client, it_admin):
    client.force_login(it_admin)

    assert client.get("/admin/arrears/consumer/").status_code == 200
    assert client.get("/admin/arrears/ledgerentry/").status_code == 200
