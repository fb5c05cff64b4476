"""Admin access by role: the mixins every app's admin stands on.

Officers are staff but hold no Django model permissions: access follows the role,
and every queryset starts from the scoping selectors, so another division's records
cannot be reached by URL either.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from accounts.models import Role
from core.money import format_inr

# Roles that may correct a ledger or take money in the admin: the division officer and IT.
MONEY_ROLES = (Role.OFFICER, Role.ADMIN)


def in_scope(user, obj) -> bool:
    """Whether ``obj`` (anything with a division, or a consumer) is in the user's divisions."""
    if obj is None or user.is_superuser or user.sees_all_divisions:
        return True
    division_id = getattr(obj, "division_id", None)
    if division_id is None and hasattr(obj, "consumer"):
        division_id = obj.consumer.division_id
    return division_id is not None and division_id == user.division_id


class RoleAccessMixin:
    """Admin access by role instead of Django model permissions.

    ``view_roles`` may look (within their divisions), ``change_roles`` may edit.
    Nobody adds or deletes through the admin unless a subclass says so.
    """

    view_roles: tuple = (Role.OFFICER, Role.MD, Role.ADMIN)
    change_roles: tuple = ()

    def _active_staff(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff

    def has_module_permission(self, request):
        return self._active_staff(request) and (request.user.is_superuser or request.user.role in self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and in_scope(request.user, obj)

    def has_change_permission(self, request, obj=None):
        user = request.user
        return (self._active_staff(request) and (user.is_superuser or user.role in self.change_roles)
                and in_scope(user, obj))

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(RoleAccessMixin, admin.ModelAdmin):
    """A record that the admin shows and never edits."""

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


def money_column(field: str, label):
    @admin.display(description=label, ordering=field)
    def column(self, obj):
        return format_inr(getattr(obj, field))

    return column


class AdminFormViewMixin:
    """A small admin page with a form that calls a service."""

    def _render_form(self, request, form, title, template="admin/service_form.html"):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, template, context, status=400 if form.errors else 200)

    def _require_money_role(self, request):
        user = request.user
        if not (user.is_active and user.is_staff and (user.is_superuser or user.role in MONEY_ROLES)):
            raise PermissionDenied
