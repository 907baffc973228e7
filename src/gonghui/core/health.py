"""GET /health/ for load balancers and monitoring: no login, no personal data, a few cheap queries.

    {"status": "ok" | "degraded" | "down",
     "checks": {"databases": {"default": {"ok": true, "ms": 0.4}, "replica1": {"ok": true, "ms": 0.6,
                "streaming": true, "lag_seconds": 0.0}},
                "worker": {"ok": true, "heartbeat_age_seconds": 2.1, "workers": 1, "ready_tasks": 0,
                           "oldest_ready_seconds": null}}}

HTTP 200 for ok and degraded, 503 for down. Down: the primary database does not answer. Degraded: a replica
does not answer or does not stream (its pages read from the primary meanwhile, core/db.py), no worker heartbeat
for STALE seconds, or a task ready for longer than TASK_WAIT seconds. Errors are named by their class only.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .db import replica_state

WORKER_STALE_SECONDS = 60
TASK_WAIT_SECONDS = 300
REPLICA_LAG_SECONDS = 30


def check_database(alias: str) -> dict:
    connection = connections[alias]
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            result = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}
            if alias != "default" and connection.vendor == "postgresql":
                result.update(replica_state(cursor))
                lag = result["lag_seconds"]
                result["ok"] = result["standby"] and result["streaming"] and (lag is None or
                                                                              lag <= REPLICA_LAG_SECONDS)
        return result
    except DatabaseError as error:
        connection.close()
        return {"ok": False, "error": type(error).__name__}


def check_worker() -> dict:
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = timezone.now()
    freshest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    live = WorkerHeartbeat.objects.filter(seen_at__gte=now - timedelta(seconds=WORKER_STALE_SECONDS)).count()
    ready = DBTaskResult.objects.ready()
    waiting = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    age = None if freshest is None else round((now - freshest).total_seconds(), 1)
    oldest = None if waiting is None else round((now - waiting).total_seconds(), 1)
    return {
        "ok": age is not None and age <= WORKER_STALE_SECONDS and (oldest is None or oldest <= TASK_WAIT_SECONDS),
        "heartbeat_age_seconds": age,
        "workers": live,
        "ready_tasks": ready.count(),
        "oldest_ready_seconds": oldest,
    }


def report() -> tuple[str, dict]:
    databases = {alias: check_database(alias) for alias in settings.DATABASES}
    checks: dict = {"databases": databases}
    if not databases["default"]["ok"]:
        checks["worker"] = {"ok": False, "error": "database unreachable"}
        return "down", checks
    try:
        checks["worker"] = check_worker()
    except DatabaseError as error:
        connections["default"].close()
        checks["worker"] = {"ok": False, "error": type(error).__name__}
    healthy = all(d["ok"] for d in databases.values()) and checks["worker"]["ok"]
    return ("ok" if healthy else "degraded"), checks


@never_cache
@require_GET
def health(request):
    status, checks = report()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)
