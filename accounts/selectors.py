"""Who may see what. One scoping function per entity; views, API, admin,
exports and reports all start from these, so another division's rows are
unreachable rather than merely hidden. Out of scope is a 404, not a 403."""

from django.db.models import QuerySet

from accounts.models import Division, User
from accounts.permissions import may_see_all_divisions


def division_scope(queryset: QuerySet, user: User, *, field: str = "division") -> QuerySet:
    """Narrows ``queryset`` to the rows of the user's division (all for HQ and IT).

    ``field`` is the lookup path from the model to its Division, e.g.
    ``"consumer__division"``. Anonymous or inactive users see nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if may_see_all_divisions(user):
        return queryset
    if user.division_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}_id": user.division_id})


def divisions_visible_to(user: User) -> QuerySet[Division]:
    if not user.is_authenticated or not user.is_active:
        return Division.objects.none()
    if may_see_all_divisions(user):
        return Division.objects.all()
    return Division.objects.filter(pk=user.division_id)


def users_visible_to(user: User) -> QuerySet[User]:
    return division_scope(User.objects.all(), user)
