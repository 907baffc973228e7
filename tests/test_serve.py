"""The production server (`gonghui serve`), its request logs and its deployment settings."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from gonghui.core.requestlog import JsonFormatter

ROOT = Path(__file__).resolve().parents[1]
GONGHUI = [sys.executable, "-m", "gonghui.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sqlite_env(var_dir: Path) -> dict[str, str]:
    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production process
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"GONGHUI_VAR_DIR": str(var_dir), "PYTHONWARNINGS": "ignore", "LOG_FORMAT": "json"})
    return env


def test_it_logs_one_json_line_per_request_without_the_query_string(client, world, caplog):
    client.force_login(world.chair_a)
    with caplog.at_level(logging.INFO, logger="gonghui.request"):
        response = client.get(reverse("members:member_list", args=[world.union_a.pk]) + "?q=110101199003077777",
                              HTTP_X_REQUEST_ID="proxy-abc-123")
    assert response.status_code == 200 and response["X-Request-ID"] == "proxy-abc-123"
    (record,) = [r for r in caplog.records if r.name == "gonghui.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == f"/members/{world.union_a.pk}/" and "110101" not in json.dumps(line)
    assert (line["route"], line["status"], line["user"], line["request_id"]) == (
        "members:member_list", 200, world.chair_a.pk, "proxy-abc-123")
    assert line["queries"] > 0 and line["ms"] > 0 and line["db"] == "default"
    assert line["bytes"] == len(response.content) > 1000


def test_it_makes_up_a_request_id_when_the_proxy_sends_a_strange_one(client, caplog):
    with caplog.at_level(logging.INFO, logger="gonghui.request"):
        response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] != "<script>alert(1)</script>" and len(response["X-Request-ID"]) == 32
    (record,) = [r for r in caplog.records if r.name == "gonghui.request"]
    assert record.request["user"] is None  # the anonymous login page never loads a user


def test_the_deployment_settings_pass_djangos_deploy_checks(tmp_path):
    env = _sqlite_env(tmp_path) | {"HTTPS": "1", "SECRET_KEY": "k" * 60 + "-production-secret-from-the-environment",
                                   "ALLOWED_HOSTS": "gonghui.example.org", "DEBUG": "0",
                                   "HSTS_INCLUDE_SUBDOMAINS": "1", "HSTS_PRELOAD": "1"}
    result = subprocess.run([*GONGHUI, "check", "--deploy", "--fail-level", "WARNING"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_serve_a_database_that_is_not_migrated(tmp_path):
    result = subprocess.run([*GONGHUI, "serve", "--bind", f"127.0.0.1:{_free_port()}"], env=_sqlite_env(tmp_path),
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "gonghui migrate" in result.stderr


@pytest.fixture
def served(tmp_path):
    """`gonghui serve --with-worker` on a migrated SQLite database with collected static files."""
    env = _sqlite_env(tmp_path)
    subprocess.run([*GONGHUI, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    subprocess.run([*GONGHUI, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    port = _free_port()
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 - read by the test while the server writes
    process = subprocess.Popen([*GONGHUI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                                "--with-worker"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)
            break
        except OSError:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.1)
    yield base, process, tmp_path / "server.log"
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found[int(entry.name)] = cmdline
    return found


def _worker_pid(pid: int) -> int | None:
    return next((child for child, cmd in _children(pid).items() if "--queue-name" in cmd), None)


def test_the_server_answers_serves_hashed_static_files_and_logs_each_request(served):
    base, _process, log = served
    page = urllib.request.urlopen(base + "/accounts/login/", timeout=10)
    html = page.read().decode()
    assert page.status == 200 and page.headers["X-Request-ID"]
    static = next(part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/static/")
                  and ".css" in part.split('"')[0])
    asset = urllib.request.urlopen(base + static, timeout=10)
    assert asset.status == 200 and "immutable" in asset.headers["Cache-Control"]
    time.sleep(0.5)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(line.get("route") == "accounts:login" and line.get("status") == 200 for line in lines)


def test_the_background_worker_is_started_again_when_killed_and_everything_stops_on_sigterm(served):
    _base, process, _log = served
    for _ in range(100):
        first = _worker_pid(process.pid)
        if first:
            break
        time.sleep(0.1)
    assert first, _children(process.pid)
    os.kill(first, signal.SIGKILL)
    for _ in range(100):
        second = _worker_pid(process.pid)
        if second and second != first:
            break
        time.sleep(0.1)
    assert second and second != first
    children = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    time.sleep(0.5)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()
                and "zombie" not in (Path(f"/proc/{pid}/status").read_text())]


def test_the_client_address_comes_from_the_trusted_proxy_only(rf, settings):
    from gonghui.core.requestlog import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # not the forged 6.6.6.6 the client put in front
