from django.contrib import admin

from backups.models import BackupRun


@admin.register(BackupRun)
class BackupRunAdmin(admin.ModelAdmin):
    """Read-only: a run is written by the backup itself (IT sees the same on the health page)."""

    list_display = ("finished_at", "trigger", "status", "database_file", "database_bytes", "media_bytes", "duration")
    list_filter = ("status", "trigger")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
