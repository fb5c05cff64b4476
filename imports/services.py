"""Imports of the billing system's files, recorded as jobs: the commands and the upload page alike."""

import logging
import uuid

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_import
from core.errors import ImportFailed
from core.models import Source
from core.outbox import task_queue_on_commit
from imports.models import ImportJob, ImportKind, ImportStatus
from imports.pipeline import consumers_import, ledger_import
from imports.pipeline.divisions import divisions_import
from imports.pipeline.reader import ImportResult
from imports.pipeline.registry import importer_for

logger = logging.getLogger(__name__)


def import_run(*, kind: str, file, dry_run: bool = False, user: User | None = None, source: str,
               progress=None, job: ImportJob | None = None) -> ImportResult:
    """Runs one import and records it as an ImportJob: who, when, through what, with what result.

    ``user`` None is the command line (the IT admin on the server). An officer's
    import is confined to the officer's division. Raises ImportFailed on bad rows.
    """
    division_id = user.division_id if user is not None and not user.sees_all_divisions else None
    if job is None:
        job = ImportJob.objects.create(kind=kind, original_name=str(getattr(file, "name", file))[:255],
                                       dry_run=dry_run, created_by=user, division_id=division_id, source=source,
                                       language=_job_language(user))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        if kind == ImportKind.DIVISIONS:
            if division_id is not None:
                raise PermissionDenied(_("only HQ and IT import divisions"))
            result = divisions_import(file=file, dry_run=dry_run, progress=progress)
        elif kind == ImportKind.CONSUMERS:
            result = consumers_import(file=file, dry_run=dry_run, progress=progress, division_id=division_id)
        elif kind == ImportKind.LEDGER:
            result = ledger_import(file=file, dry_run=dry_run, progress=progress, division_id=division_id,
                                   user_id=user.pk if user else None, source=Source.IMPORT)
        elif (importer := importer_for(kind)) is not None:
            # A file another app owns (reports: targets.csv), registered in its AppConfig.ready().
            result = importer(file=file, dry_run=dry_run, progress=progress, division_id=division_id,
                              user_id=user.pk if user else None, source=Source.IMPORT)
        else:
            raise ValueError(f"unknown import kind {kind!r}")
    except ImportFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, errors=exc.errors,
                                                   problems=exc.problems, bad_lines=exc.lines,
                                                   summary=str(exc), finished_at=timezone.now())
        raise
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, summary=f"failed: {exc}",
                                                   finished_at=timezone.now())
        raise
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, summary=result.summary(),
                                               counts=result.counts(),
                                               rows_total=result.rows, rows_done=result.rows,
                                               finished_at=timezone.now())
    return result


def import_job_create(*, user: User, kind: str, upload, dry_run: bool = False) -> ImportJob:
    """An officer's or IT admin's upload: saved now, imported by a Celery task after commit."""
    if not may_import(user):
        raise PermissionDenied(_("only officers and IT admins import files"))
    if not may_import(user, kind):
        raise PermissionDenied(_("only IT imports divisions") if kind == ImportKind.DIVISIONS
                               else _("you may not import %(kind)s") % {"kind": kind})
    job = ImportJob(kind=kind, original_name=upload.name[:255], dry_run=dry_run, created_by=user,
                    division_id=None if user.sees_all_divisions else user.division_id, source=Source.WEB,
                    task_id=str(uuid.uuid4()), language=_job_language(user))
    job.file.save(upload.name, upload, save=False)
    job.save()
    # The task id is known in advance, so the job page can follow the task's progress.
    from imports.tasks import import_job_execute_task

    task_queue_on_commit(import_job_execute_task, args=[job.pk], task_id=job.task_id,
                         on_refused=lambda: _import_job_not_queued(job))
    return job


def _job_language(user: User | None) -> str:
    """The language a job's errors are written in: the one the user chose, else the one of the request that
    uploads it (its Accept-Language or cookie; a command's: the settings'). The worker has no request."""
    chosen = user.language if user is not None else ""
    return chosen or translation.get_language() or ""


def _import_job_not_queued(job: ImportJob) -> None:
    # Redis down or hung (core.outbox logged it): the page answers and the job says why it did not start
    # (settings: queueing gives up within seconds). A task that did reach the queue finds the job failed.
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.FAILED,
        summary=_("could not start: the task queue is unavailable; upload again later"),
        finished_at=timezone.now())


def import_job_execute(*, job_id: int, progress=None) -> None:
    """Runs a queued upload; failures are recorded on the job, not raised."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return  # already run: a redelivered task. A job left "running" by a killed worker runs
        # again: the import is all-or-nothing and idempotent, so that is safe.
    # The worker has no request: the job's reasons and summary are written in the language it was uploaded in.
    # (A job queued before it was stored: the language the uploader chose, if any.)
    language = job.language or (job.created_by.language if job.created_by else "")
    if not _import_job_file_present(job, language):
        return
    try:
        with translation.override(language or None), job.file.open("rb") as handle:
            import_run(kind=job.kind, file=handle, dry_run=job.dry_run, user=job.created_by, source=Source.WEB,
                       progress=progress, job=job)
    except ImportFailed:
        pass  # the job holds the errors for the page
    except PermissionDenied as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, summary=str(exc),
                                                   finished_at=timezone.now())


def _import_job_file_present(job: ImportJob, language: str) -> bool:
    """The worker sees the file the web process saved, or the job fails now with the reason (not an hour later
    by the stale sweep): web and worker share one media storage (the compose file's `media` volume)."""
    if job.file and job.file.storage.exists(job.file.name):
        return True
    logger.error("import job %s: the uploaded file %r is not in this worker's media storage (MEDIA_ROOT=%s): "
                 "web and worker must share MEDIA_ROOT (the media volume)", job.pk, job.file.name,
                 getattr(job.file.storage, "location", "?"))
    with translation.override(language or None):
        summary = _("could not start: the worker cannot find the uploaded file (the web and worker processes do "
                    "not share their file storage); IT must fix that, then upload the file again")
    ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=ImportStatus.FAILED, summary=summary, finished_at=timezone.now())
    return False
