from accounts.models import User
from accounts.selectors import division_scope, divisions_visible_to


def test_it_shows_officers_and_clerks_only_their_division(officer, clerk, hsp):
    for user in (officer, clerk):
        assert list(divisions_visible_to(user).values_list("code", flat=True)) == ["RTP"]


def test_it_shows_hq_and_it_every_division(md, it_admin, rtp, hsp):
    for user in (md, it_admin):
        assert set(divisions_visible_to(user).values_list("code", flat=True)) == {"RTP", "HSP"}


def test_it_scopes_any_queryset_by_a_division_path(clerk, other_clerk, md):
    users = User.objects.all()
    assert set(division_scope(users, clerk).values_list("username", flat=True)) == {"clerk_rtp"}
    assert set(division_scope(users, md).values_list("username", flat=True)) == {"clerk_rtp", "clerk_hsp", "md1"}


def test_it_shows_nothing_to_an_inactive_user(clerk):
    clerk.is_active = False
    assert not divisions_visible_to(clerk).exists()
    assert not division_scope(User.objects.all(), clerk).exists()
