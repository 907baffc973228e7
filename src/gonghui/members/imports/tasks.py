"""Roster checks and imports of large files, run by the worker (`gonghui db_worker`): thin wrappers around
the services, enqueued once the job is committed."""

from __future__ import annotations

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from gonghui.members.models import ImportJob

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
