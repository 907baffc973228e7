"""GET /health/: the database and the worker, as JSON for a load balancer; no login, no personal data; 503 with
JSON (no traceback) when the database is gone. And the Chinese 503 page for a lost database on any page
(core/middleware.py)."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from gonghui.core.models import WorkerHeartbeat
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def _beat(age_seconds: float = 0) -> WorkerHeartbeat:
    at = timezone.now() - datetime.timedelta(seconds=age_seconds)
    return WorkerHeartbeat.objects.create(worker_id=f"w{age_seconds}", hostname="web1", pid=4242, started_at=at,
                                          seen_at=at)


def _task(minutes_ago: float) -> DBTaskResult:
    task = DBTaskResult.objects.create(args_kwargs={"args": [1, None], "kwargs": {}}, backend_name="default",
                                       task_path="gonghui.members.imports.tasks.import_roster",
                                       run_after=get_date_max())
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return task


def _cut_database(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: password=hunter2 refused')
    monkeypatch.setattr(connections["default"], "cursor", refuse)


def test_it_reports_ok_with_a_live_worker_and_no_waiting_task(client):
    _beat(2)
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["databases"]["default"]["ok"] is True
    assert body["checks"]["databases"]["default"]["ms"] >= 0
    worker = body["checks"]["worker"]
    assert worker["ok"] and worker["workers"] == 1 and worker["ready_tasks"] == 0
    assert worker["heartbeat_age_seconds"] < 60 and worker["oldest_ready_seconds"] is None
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_is_degraded_without_a_worker_heartbeat_for_a_minute(client):
    _beat(120)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["workers"] == 0 and body["checks"]["worker"]["heartbeat_age_seconds"] >= 120
    WorkerHeartbeat.objects.all().delete()
    assert client.get(reverse("health")).json()["checks"]["worker"]["heartbeat_age_seconds"] is None


def test_it_is_degraded_when_a_task_waits_more_than_five_minutes(client):
    _beat(1)
    _task(1)
    assert client.get(reverse("health")).json()["status"] == "ok"  # a minute's wait is normal
    _task(6)
    body = client.get(reverse("health")).json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ready_tasks"] == 2 and body["checks"]["worker"]["oldest_ready_seconds"] >= 360


def test_it_answers_without_login_and_shows_no_personal_data(client, world):
    member = make_member(world.union_b, "欧阳秀英", female=True, mobile="13912345678")
    _beat(1)
    for viewer in (None, world.chair_b):  # anonymous, and the outsider
        c = Client()
        if viewer:
            c.force_login(viewer)
        response = c.get(reverse("health"))
        assert response.status_code == 200
        text = response.content.decode()
        for secret in (member.name, member.citizen_id, "13912345678", "chair_b", "web1", "4242", "乙医院"):
            assert secret not in text
    assert client.post(reverse("health")).status_code == 405


def test_it_answers_503_json_without_a_trace_when_the_database_is_down(client, monkeypatch):
    _cut_database(monkeypatch)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["databases"]["default"] == {"ok": False, "error": "OperationalError"}
    text = response.content.decode()
    assert "Traceback" not in text and "hunter2" not in text and "10.0.0.5" not in text


def test_it_shows_the_chinese_503_page_when_a_view_loses_the_database(client, world, monkeypatch, caplog):
    client.force_login(world.chair_a)
    url = reverse("orgs:node_detail", args=[world.union_a.pk])
    assert client.get(url).status_code == 200
    from gonghui.orgs import selectors

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")
    monkeypatch.setattr(selectors, "get_node_for_user", lost)
    with caplog.at_level(logging.WARNING):
        first, second = client.get(url), client.get(url)
    for response in (first, second):
        text = response.content.decode()
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert "系统暂时无法访问" in text and "数据库暂时连接不上" in text
        assert "Traceback" not in text and "OperationalError" not in text and "server closed" not in text
    records = [r for r in caplog.records if r.name in ("gonghui.database", "django.request")]
    assert [(r.name, r.levelname, bool(r.exc_info)) for r in records] == [
        ("gonghui.database", "ERROR", True), ("gonghui.database", "WARNING", False)]  # one traceback per outage
    monkeypatch.undo()
    assert client.get(url).status_code == 200  # the next request recovers by itself


def test_it_shows_the_503_page_when_the_session_lookup_loses_the_database(client, world, monkeypatch, caplog):
    client.force_login(world.chair_a)
    url = reverse("orgs:node_detail", args=[world.union_a.pk])
    _cut_database(monkeypatch)  # the session and the user are read before the view, in middleware
    anonymous_client = Client(raise_request_exception=False)
    anonymous_client.cookies = client.cookies
    with caplog.at_level(logging.WARNING):
        response = anonymous_client.get(url)
    text = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "系统暂时无法访问" in text and "hunter2" not in text and "Traceback" not in text
    assert not [r for r in caplog.records if r.name == "django.request"]
    monkeypatch.undo()
    assert anonymous_client.get(url).status_code == 200


def test_it_keeps_the_plain_500_page_for_other_errors(world, monkeypatch):
    from gonghui.orgs import selectors

    def broken(*args, **kwargs):
        raise ValueError("boom")
    monkeypatch.setattr(selectors, "get_node_for_user", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.chair_a)
    response = client.get(reverse("orgs:node_detail", args=[world.union_a.pk]))
    text = response.content.decode()
    assert response.status_code == 500 and "系统出错了" in text and "boom" not in text
    assert "Retry-After" not in response
