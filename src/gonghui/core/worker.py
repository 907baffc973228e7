"""The background worker (`gonghui worker`): django_tasks_db's worker with a heartbeat and the recovery of work
that a killed process left behind.

- Heartbeat: each worker keeps one WorkerHeartbeat row (worker id, host, pid, the task it runs), written when it
  starts and every HEARTBEAT_SECONDS by a thread of its own (so a long task does not make it look dead), deleted
  when it stops cleanly. The health endpoint (core/health.py) reads the freshest one.
- Recovery: when a worker starts and about every RECOVERY_SECONDS, a task RUNNING on a worker that has no fresh
  heartbeat (none for STALE_SECONDS, or a worker of this host whose process is gone) is marked FAILED with a
  clear message, and the hooks registered for its task put the domain object back in a clean, retryable state
  (on_interrupted). Work that was not a task — a small roster imported inside a web request whose process was
  killed — is found by the sweeps registered with on_sweep.

Settings (all optional): GONGHUI_WORKER = {"HEARTBEAT_SECONDS": 5, "STALE_SECONDS": 60, "RECOVERY_SECONDS": 60,
"REQUEST_STALE_SECONDS": 180, "HOOK_MODULES": [...]}.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction
from django.utils import timezone, translation
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger("gonghui.worker")

DEFAULTS = {
    "HEARTBEAT_SECONDS": 5.0,
    "STALE_SECONDS": 60.0,
    "RECOVERY_SECONDS": 60.0,
    # a roster imported inside a web request: the request is killed by gunicorn after 60 s
    "REQUEST_STALE_SECONDS": 180.0,
    # modules whose import registers recovery hooks
    "HOOK_MODULES": ["gonghui.members.imports.tasks"],
}


def config(name: str):
    return getattr(settings, "GONGHUI_WORKER", {}).get(name, DEFAULTS[name])


class WorkerInterrupted(Exception):
    """Recorded on a task whose worker stopped while running it."""


# ---- hooks ----------------------------------------------------------------------------------------------

_interrupted_hooks: dict[str, list[Callable[[DBTaskResult], None]]] = {}
_sweeps: list[Callable[[], int]] = []


def on_interrupted(task_path: str):
    """Register fn(task_result) to run (in the transaction that marks the task FAILED) when a task of
    `task_path` (the module path of the task function) is found interrupted."""
    def register(fn):
        hooks = _interrupted_hooks.setdefault(task_path, [])
        if fn not in hooks:
            hooks.append(fn)
        return fn
    return register


def on_sweep(fn: Callable[[], int]):
    """Register fn() → how many objects it repaired, run at each recovery (work left by killed web requests)."""
    if fn not in _sweeps:
        _sweeps.append(fn)
    return fn


def load_hooks() -> None:
    for path in config("HOOK_MODULES"):
        __import__(path)


# ---- recovery -------------------------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_worker_ids(now=None) -> set[str]:
    """Workers with a fresh heartbeat, less those of this host whose process is gone."""
    now = now or timezone.now()
    fresh = WorkerHeartbeat.objects.filter(seen_at__gte=now - timedelta(seconds=config("STALE_SECONDS")))
    host = socket.gethostname()
    return {worker_id for worker_id, hostname, pid in fresh.values_list("worker_id", "hostname", "pid")
            if hostname != host or pid == os.getpid() or _pid_alive(pid)}


def interrupted_message() -> str:
    return ("The worker running this task stopped before it finished (killed, or its server restarted). "
            "Its transaction was rolled back; run it again.")


def recover(*, own_worker_id: str | None = None) -> dict[str, int]:
    """Mark tasks RUNNING on dead workers FAILED, run their hooks and the sweeps; forget dead workers."""
    load_hooks()
    now = timezone.now()
    alive = live_worker_ids(now)
    if own_worker_id:
        alive.add(own_worker_id)
    failed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for pk, worker_ids in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
                "pk", "worker_ids"):
            if worker_ids and worker_ids[-1] in alive:
                continue
            with transaction.atomic():
                result = DBTaskResult.objects.select_for_update().filter(
                    pk=pk, status=TaskResultStatus.RUNNING).first()
                if result is None:
                    continue
                result.set_failed(WorkerInterrupted(interrupted_message()))
                for hook in _interrupted_hooks.get(result.task_path, []):
                    hook(result)
            failed += 1
            logger.warning("task %s (%s) was interrupted: its worker %s stopped; marked failed", pk,
                           result.task_path, (worker_ids or ["?"])[-1])
        swept = 0
        for sweep in _sweeps:
            try:
                swept += sweep() or 0
            except DatabaseError:
                raise
            except Exception:
                logger.exception("recovery sweep %s failed", sweep)
    dead = WorkerHeartbeat.objects.exclude(worker_id__in=alive)
    if own_worker_id:
        dead = dead.exclude(worker_id=own_worker_id)
    dead.delete()
    return {"tasks": failed, "swept": swept}


def live_task_args(task_paths: list[str]) -> list[list]:
    """The args of READY or RUNNING tasks of these paths (for sweeps: work a task will still do)."""
    rows = DBTaskResult.objects.filter(task_path__in=task_paths,
                                       status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return [(args_kwargs or {}).get("args", []) for args_kwargs in rows.values_list("args_kwargs", flat=True)]


# ---- the worker -----------------------------------------------------------------------------------------

class GonghuiWorker(Worker):
    """django_tasks_db's Worker, plus the heartbeat thread, recovery, and riding out a lost database."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.current_task_id = ""
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_recovery = 0.0

    # heartbeat
    def beat(self) -> None:
        now = timezone.now()
        fields = {"seen_at": now, "task_id": self.current_task_id, "hostname": socket.gethostname()[:255],
                  "pid": os.getpid(), "queues": ",".join(self.queue_names)[:255]}
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(**fields):
            WorkerHeartbeat.objects.create(worker_id=self.worker_id, started_at=self.started_at, **fields)

    def _background(self) -> None:
        failing = False
        while not self._stop.is_set():
            self._wake.wait(config("HEARTBEAT_SECONDS"))
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                connection.close_if_unusable_or_obsolete()
                self.beat()
                if time.monotonic() - self._last_recovery >= config("RECOVERY_SECONDS"):
                    self._last_recovery = time.monotonic()
                    recover(own_worker_id=self.worker_id)
                if failing:
                    logger.warning("worker %s: the database answers again", self.worker_id)
                failing = False
            except Exception:
                if not failing:
                    logger.exception("worker %s: heartbeat failed (database unreachable?)", self.worker_id)
                failing = True
                connection.close()
        connection.close()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current_task_id = str(db_task_result.pk)
        self._wake.set()
        try:
            super().run_task(db_task_result)
        finally:
            self.current_task_id = ""
            self._wake.set()

    def _retry_after_error(self, attempt: int, what: str) -> None:
        """Log the first failure with its traceback, later ones in a line; wait a little longer each time."""
        if attempt == 0:
            logger.exception("worker %s: %s; retrying until it answers", self.worker_id, what)
        else:
            logger.warning("worker %s: %s (attempt %d)", self.worker_id, what, attempt + 1)
        connection.close()
        time.sleep(min(1 + attempt, 5))

    def _start(self) -> None:
        attempt = 0
        while True:
            try:
                close_old_connections()
                self.beat()
                recover(own_worker_id=self.worker_id)
                self._last_recovery = time.monotonic()
                return
            except (OperationalError, InterfaceError):
                self._retry_after_error(attempt, "database unreachable at start")
                attempt += 1

    def run(self) -> None:
        self._start()
        self._thread = threading.Thread(target=self._background, name="gonghui-heartbeat", daemon=True)
        self._thread.start()
        try:
            attempt = 0
            while True:
                try:
                    super().run()
                    return
                except (OperationalError, InterfaceError):
                    if not self.running:
                        return
                    self._retry_after_error(attempt, "database error")
                    attempt += 1
        finally:
            self.stop()

    def stop(self) -> None:
        """Clean shutdown: stop the heartbeat and delete it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            close_old_connections()
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("worker %s: could not remove its heartbeat", self.worker_id)


def task_path(task) -> str:
    return getattr(task, "module_path", None) or f"{task.func.__module__}.{task.func.__qualname__}"
