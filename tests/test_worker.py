"""`gonghui worker` (core/worker.py): the heartbeat row, and the recovery of work a killed process left behind —
a task RUNNING on a dead worker becomes FAILED, its roster import FAILED with a message and runnable again; an
import left RUNNING by a killed web request is found by the sweep. (Real killed processes: tests/test_faults.py.)"""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from gonghui.core import worker
from gonghui.core.models import WorkerHeartbeat
from gonghui.members.imports import tasks
from gonghui.members.models import ImportJob, ImportStatus, Member
from tests.test_import_views import _upload

pytestmark = pytest.mark.django_db
IMPORT = worker.task_path(tasks.import_roster)
INTERRUPTED = "导入中断"


def _worker(worker_id="me") -> worker.GonghuiWorker:
    return worker.GonghuiWorker(queue_names=["default"], interval=0.1, batch=True, backend_name="default",
                                startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[])


def _running(job_id, worker_id, path=IMPORT, status="RUNNING") -> DBTaskResult:
    return DBTaskResult.objects.create(args_kwargs={"args": [job_id, None], "kwargs": {}}, backend_name="default",
                                       task_path=path, run_after=get_date_max(), status=status,
                                       worker_ids=[worker_id] if worker_id else [], started_at=timezone.now())


def _beat(worker_id, *, age=0.0, host=None, pid=None) -> WorkerHeartbeat:
    at = timezone.now() - datetime.timedelta(seconds=age)
    return WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=host or "other-host", pid=pid or 1,
                                          started_at=at, seen_at=at)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def job(client, world):
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)  # the worker closes its connections as a real one does
def test_it_writes_its_heartbeat_and_removes_it_when_it_stops():
    w = _worker("w-1")
    w.beat()
    beat = WorkerHeartbeat.objects.get(worker_id="w-1")
    assert beat.pid == os.getpid() and beat.hostname == socket.gethostname() and beat.task_id == ""
    w.current_task_id = "abc"
    w.beat()
    assert WorkerHeartbeat.objects.get().task_id == "abc" and WorkerHeartbeat.objects.count() == 1
    w.stop()
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_runs_ready_tasks_in_batch_mode_and_leaves_no_heartbeat(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    DBTaskResult.objects.create(args_kwargs={"args": [999999, None], "kwargs": {}}, backend_name="default",
                                task_path=IMPORT, run_after=get_date_max())
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # a job that no longer exists: nothing to do
    assert not WorkerHeartbeat.objects.exists()


def test_it_fails_a_task_whose_worker_is_gone_and_makes_its_import_runnable_again(client, job):
    task = _running(job.pk, "killed-worker")
    result = worker.recover(own_worker_id="me")
    assert result["tasks"] == 1
    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path == "gonghui.core.worker.WorkerInterrupted"
    assert "stopped before it finished" in task.traceback
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert INTERRUPTED in job.error and "没有写入" in job.error
    page = client.get(reverse("members:import_detail", args=[job.pk])).content.decode()
    assert INTERRUPTED in page
    response = client.post(reverse("members:import_run", args=[job.pk]), {"mode": "valid-rows"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created == Member.objects.count() > 0


def test_it_leaves_alone_a_task_whose_worker_beats(job):
    _beat("alive", age=5)
    task = _running(job.pk, "alive")
    assert worker.recover(own_worker_id="me")["tasks"] == 0
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == "RUNNING" and job.status == ImportStatus.RUNNING
    assert WorkerHeartbeat.objects.filter(worker_id="alive").exists()


def test_it_treats_a_stale_heartbeat_or_a_dead_process_of_this_host_as_a_dead_worker(job):
    _beat("stale", age=120)
    _beat("gone", host=socket.gethostname(), pid=_dead_pid())
    stale, gone = _running(job.pk, "stale"), _running(job.pk, "gone")
    assert worker.recover(own_worker_id="me")["tasks"] == 2
    assert set(DBTaskResult.objects.filter(pk__in=[stale.pk, gone.pk]).values_list("status", flat=True)) == {"FAILED"}
    assert not WorkerHeartbeat.objects.exists()  # dead workers are forgotten


def test_it_puts_an_interrupted_check_back_to_failed(job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    _running(job.pk, "killed", path=worker.task_path(tasks.check_roster))
    worker.recover()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "检查" in job.error


def test_it_sweeps_an_import_left_running_by_a_killed_web_request(job, settings):
    settings.GONGHUI_WORKER = {"REQUEST_STALE_SECONDS": 180}
    assert worker.recover()["swept"] == 0  # just started: the request may still be running
    old = timezone.now() - datetime.timedelta(seconds=200)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=old)
    queued = _running(job.pk, None, status="READY")  # the worker will still run it
    assert worker.recover()["swept"] == 0
    queued.delete()
    assert worker.recover()["swept"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and INTERRUPTED in job.error
