"""Web pages of uploads: the list, the upload form, a job's page and its progress.

Each view checks access, validates input, calls one service and answers.
"""

import logging

from celery.result import AsyncResult
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import may_import, may_view_imports, require
from imports.forms import UploadForm
from imports.models import ImportKind, ImportStatus
from imports.selectors import import_jobs_visible_to
from imports.services import import_job_create

logger = logging.getLogger(__name__)


JOBS_PER_PAGE = 25


@require_GET
@login_required
def import_job_list(request):
    require(may_view_imports(request.user))
    page = Paginator(import_jobs_visible_to(request.user).select_related("division"),
                     JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/import_job_list.html",
                  {"page": page, "may_upload": may_import(request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    require(may_import(request.user))
    may_import_divisions = may_import(request.user, ImportKind.DIVISIONS)
    form = UploadForm(request.POST or None, request.FILES or None, may_import_divisions=may_import_divisions)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(user=request.user, kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
        except PermissionDenied as exc:
            form.add_error("kind", str(exc))
        else:
            return redirect("import-job-detail", pk=job.pk)
    return render(request, "imports/import_upload.html", {"form": form}, status=400 if form.errors else 200)


def _job_for(request, pk):
    require(may_view_imports(request.user))
    return get_object_or_404(import_jobs_visible_to(request.user), pk=pk)


@require_GET
@login_required
def import_job_detail(request, pk):
    job = _job_for(request, pk)
    return render(request, "imports/import_job_detail.html",
                  {"job": job, "progress": import_job_progress(job), "may_upload": may_import(request.user)})


@require_GET
@login_required
def import_job_status(request, pk):
    job = _job_for(request, pk)
    return JsonResponse(import_job_progress(job))


def task_rows_done(task_id: str) -> int | None:
    """Rows the Celery task reports done (its PROGRESS meta), or None when it cannot say.

    A progress poll must never fail the page: with no result backend (eager
    mode) or Redis down, the job row's own figures are the answer.
    """
    if not task_id:
        return None
    try:
        result = AsyncResult(task_id)
        if result.state == "PROGRESS" and isinstance(result.info, dict):
            return int(result.info.get("rows_done", 0))
    except Exception:  # any backend failure only means "no live figure"
        logger.info("no progress for import task %s", task_id, exc_info=True)
    return None


def import_job_progress(job) -> dict:
    finished = job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    rows_done = job.rows_done
    if not finished:
        live = task_rows_done(job.task_id)
        if live is not None:
            rows_done = max(rows_done, live)
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "finished": finished,
        "rows_done": rows_done,
        "rows_total": job.rows_total,
        "summary": job.summary_text(),
        "error_count": job.problems,
        "bad_lines": job.bad_lines,
    }
