from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Division, User
from accounts.selectors import divisions_visible_to, users_visible_to


@admin.register(Division)
class DivisionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_hi"]
    search_fields = ["code", "name", "name_hi"]

    def get_queryset(self, request):
        return divisions_visible_to(request.user)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "role", "division", "is_active"]
    list_filter = ["role", "division", "is_active"]
    fieldsets = DjangoUserAdmin.fieldsets + (("KESCO", {"fields": ("role", "division")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (("KESCO", {"fields": ("role", "division")}),)

    def get_queryset(self, request):
        return users_visible_to(request.user)
