"""Web pages: consumer search and account, taking a payment, uploads of billing files.

Each view checks access, validates input, calls one service and answers. Every
queryset starts from a scoping selector, so another division's records are a 404.
"""

import logging

from celery.result import AsyncResult
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.selectors import divisions_visible_to
from arrears.forms import ConsumerSearchForm, PaymentForm, UploadForm
from arrears.models import Consumer, ImportStatus, Source
from arrears.selectors import (
    consumer_get,
    consumers_search,
    import_jobs_visible_to,
    ledger_visible_to,
    payments_visible_to,
)
from arrears.services import IMPORT_ROLES, PAYMENT_ROLES, import_job_create, payment_record
from kesco.errors import DomainError

logger = logging.getLogger(__name__)

CONSUMERS_PER_PAGE = 50
LEDGER_PER_PAGE = 25
JOBS_PER_PAGE = 25
# Who may look at uploads: the importers, and HQ watching them. Clerks do not import.
IMPORT_VIEW_ROLES = (*IMPORT_ROLES, Role.MD)


def _require_role(user, roles) -> None:
    if user.role not in roles:
        raise PermissionDenied


# --- consumers ----------------------------------------------------------------------

@require_GET
@login_required
def consumer_list(request):
    divisions = list(divisions_visible_to(request.user))
    form = ConsumerSearchForm(request.GET or None, divisions=divisions)
    consumers = Consumer.objects.none()
    if form.is_valid():
        data = form.cleaned_data
        consumers = consumers_search(request.user, q=data["q"].strip(), status=data["status"],
                                     division=data.get("division", ""))
    elif not request.GET:
        consumers = consumers_search(request.user)
    page = Paginator(consumers, CONSUMERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "arrears/consumer_list.html",
                  {"form": form, "page": page, "query": query.urlencode(), "searched": bool(request.GET)})


def _consumer_page(request, consumer, form, status=200):
    ledger = ledger_visible_to(request.user).filter(consumer=consumer).order_by("-entry_date", "-id")
    page = Paginator(ledger, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    may_take_payment = request.user.role in PAYMENT_ROLES
    return render(request, "arrears/consumer_detail.html",
                  {"consumer": consumer, "page": page, "form": form if may_take_payment else None},
                  status=status)


@require_GET
@login_required
def consumer_detail(request, account_no):
    consumer = consumer_get(request.user, account_no)
    return _consumer_page(request, consumer, PaymentForm())


@require_http_methods(["POST"])
@login_required
def payment_take(request, account_no):
    consumer = consumer_get(request.user, account_no)
    _require_role(request.user, PAYMENT_ROLES)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = payment_record(user=request.user, account_no=consumer.account_no,
                                     amount=form.cleaned_data["amount"], mode=form.cleaned_data["mode"],
                                     receipt_no=form.cleaned_data["receipt_no"], source=Source.WEB)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            return redirect("payment-receipt", pk=payment.pk)
    return _consumer_page(request, consumer, form, status=400)


@require_GET
@login_required
def payment_receipt(request, pk):
    payment = get_object_or_404(payments_visible_to(request.user).select_related("consumer__division"), pk=pk)
    return render(request, "arrears/receipt.html", {"payment": payment})


# --- uploads ------------------------------------------------------------------------

@require_GET
@login_required
def import_job_list(request):
    _require_role(request.user, IMPORT_VIEW_ROLES)
    page = Paginator(import_jobs_visible_to(request.user).select_related("division"),
                     JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "arrears/import_job_list.html",
                  {"page": page, "may_upload": request.user.role in IMPORT_ROLES})


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    _require_role(request.user, IMPORT_ROLES)
    may_import_divisions = request.user.sees_all_divisions
    form = UploadForm(request.POST or None, request.FILES or None, may_import_divisions=may_import_divisions)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(user=request.user, kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"])
        except PermissionDenied as exc:
            form.add_error("kind", str(exc))
        else:
            return redirect("import-job-detail", pk=job.pk)
    return render(request, "arrears/import_upload.html", {"form": form}, status=400 if form.errors else 200)


def _job_for(request, pk):
    _require_role(request.user, IMPORT_VIEW_ROLES)
    return get_object_or_404(import_jobs_visible_to(request.user), pk=pk)


@require_GET
@login_required
def import_job_detail(request, pk):
    job = _job_for(request, pk)
    return render(request, "arrears/import_job_detail.html",
                  {"job": job, "progress": import_job_progress(job), "may_upload": request.user.role in IMPORT_ROLES})


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
        "summary": job.summary,
        "error_count": len(job.errors or []),
    }
