"""Admin access by role: the mixins every app's admin stands on.

Officers are staff but hold no Django model permissions: access follows the role
(accounts.permissions), and every queryset starts from the scoping selectors, so another
division's records cannot be reached by URL either: a record is in scope when the model
admin's own queryset holds it, the one scoping rule of the pages and the API.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from accounts.permissions import may_use_admin
from core.money import format_count, format_inr


class RoleAccessMixin:
    """Admin access by role instead of Django model permissions.

    ``view_action`` and ``change_action`` name rules of accounts.permissions: who may look (within
    their divisions) and who may edit (None: nobody). Nobody adds or deletes through the admin
    unless a subclass says so.
    """

    view_action: str = "admin_view"
    change_action: str | None = None

    def in_scope(self, request, obj) -> bool:
        """Whether ``obj`` is one of the records this admin's queryset (a scoping selector) gives the user."""
        if obj is None:
            return True
        # A change page asks several times; the answer holds for the request.
        answers = request.__dict__.setdefault("_admin_in_scope", {})
        key = (obj._meta.label, obj.pk)
        if key not in answers:
            answers[key] = self.get_queryset(request).filter(pk=obj.pk).exists()
        return answers[key]

    def has_module_permission(self, request):
        return may_use_admin(request.user, self.view_action)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return (self.change_action is not None and may_use_admin(request.user, self.change_action)
                and self.in_scope(request, obj))

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Columns and filters naming the division: an officer's lists hold one division only.
    division_columns = ("division",)

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if request.user.sees_all_divisions:
            return columns
        return [c for c in columns if c not in self.division_columns]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.sees_all_divisions:
            return filters
        return [f for f in filters if (f[0] if isinstance(f, tuple) else f) not in self.division_columns]


class ScopedHistoryMixin:
    """simple_history's pages for a RoleAccessMixin admin: another division's record answers as an unknown id.

    simple_history finds the object in any division and then refuses it (403), which would tell an officer
    which ids exist elsewhere; the admin's own pages go back to the index (302) and a version is a 404.
    """

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


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


def count_column(field: str, label):
    """A count the Indian way in an admin list: 1,23,456 (the admin's own number format has no grouping)."""
    @admin.display(description=label, ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        return "—" if value is None else format_count(value)

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

    def _require(self, request, may) -> None:
        """Refuses unless the user is active staff and ``may(user)`` (a rule of accounts.permissions)."""
        user = request.user
        if not (may_use_admin(user) and may(user)):
            raise PermissionDenied
