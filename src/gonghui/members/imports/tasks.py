"""Roster checks and imports of large files, run by the worker (`gonghui worker`): thin wrappers around
the services, enqueued once the job is committed. Below them, the recovery hooks (core/worker.py): a job whose
worker or web process was killed mid-way is put back to FAILED with a message, and can be run again."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gonghui.core import worker
from gonghui.members.models import ImportJob, ImportStatus

from . import services


@task()
def check_roster(job_id: int) -> None:
    job = ImportJob.objects.select_related("union").filter(pk=job_id).first()
    if job is not None:
        services.import_check(job=job)


@task()
def import_roster(job_id: int, actor_id: int | None) -> None:
    job = ImportJob.objects.select_related("union").filter(pk=job_id).first()
    if job is None:
        return
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    services.import_run(job=job, actor=actor, queued=True)


def enqueue_check(job: ImportJob) -> None:
    transaction.on_commit(partial(check_roster.enqueue, job.pk))


def enqueue_import(job: ImportJob, actor) -> None:
    transaction.on_commit(partial(import_roster.enqueue, job.pk, getattr(actor, "pk", None)))


# ---- recovery of interrupted jobs (core/worker.py) ------------------------------------------------------

def _interrupted(job_ids, statuses) -> int:
    """The import's transaction was rolled back with its process: nothing was written, the job can run again."""
    messages = {
        ImportStatus.RUNNING: _("The import was interrupted and nothing was written: the registry is as it was "
                                "before. Run the import again."),
        ImportStatus.CHECKING: _("The check of this file was interrupted. Run the import, which checks the file "
                                 "again, or upload the file again."),
    }
    count = 0
    for status in statuses:
        count += ImportJob.objects.filter(pk__in=job_ids, status=status).update(
            status=ImportStatus.FAILED, error=messages[status], updated_at=timezone.now())
    return count


@worker.on_interrupted(worker.task_path(import_roster))
def _import_interrupted(result) -> None:
    _interrupted((result.args_kwargs.get("args") or [None])[:1], [ImportStatus.RUNNING])


@worker.on_interrupted(worker.task_path(check_roster))
def _check_interrupted(result) -> None:
    _interrupted((result.args_kwargs.get("args") or [None])[:1], [ImportStatus.CHECKING])


@worker.on_sweep
def _sweep_stale_jobs() -> int:
    """Jobs left RUNNING or CHECKING by a killed web request (small rosters run in the request): no live task
    will finish them and they have not moved for REQUEST_STALE_SECONDS."""
    cutoff = timezone.now() - timedelta(seconds=worker.config("REQUEST_STALE_SECONDS"))
    stale = set(ImportJob.objects.filter(status__in=[ImportStatus.RUNNING, ImportStatus.CHECKING],
                                         updated_at__lt=cutoff).values_list("pk", flat=True))
    if not stale:
        return 0
    queued = {args[0] for args in worker.live_task_args([worker.task_path(import_roster),
                                                          worker.task_path(check_roster)]) if args}
    return _interrupted(stale - queued, [ImportStatus.RUNNING, ImportStatus.CHECKING])


@worker.on_sweep
def _discard_stale_uploads() -> int:
    """Uploaded rosters checked but not imported within GONGHUI_IMPORT_UPLOAD_HOURS (services)."""
    return services.discard_stale_uploads()
