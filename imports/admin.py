"""Admin of import jobs: who imported what, when, with what result."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_access import ReadOnlyAdmin
from accounts.permissions import may_import
from imports.models import ImportJob
from imports.selectors import import_jobs_visible_to


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "original_name", "dry_run_shown", "status", "created_by", "division",
                    "outcome"]
    list_filter = ["kind", "status", "source", "dry_run"]
    search_fields = ["original_name"]
    change_list_template = "imports/admin/importjob_change_list.html"

    @admin.display(description=_("dry run"), ordering="dry_run")
    def dry_run_shown(self, job: ImportJob) -> str:
        # Words, not Django's boolean icon: its alt text is an untranslated "True"/"False".
        return _("yes") if job.dry_run else "—"

    @admin.display(description=_("summary"))
    def outcome(self, job: ImportJob) -> str:
        return job.summary_text()

    def get_queryset(self, request):
        return import_jobs_visible_to(request.user).select_related("division")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_upload": may_import(request.user)}
        return super().changelist_view(request, extra_context)
