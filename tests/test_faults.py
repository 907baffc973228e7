"""Faults with real processes (issue 6, item 4), on the engine of the run: SQLite in a temporary GONGHUI_VAR_DIR,
or, when the suite runs on PostgreSQL (scripts/with-postgres.sh), a PostgreSQL server of this module's own
(scripts/pgcluster.py), since some tests stop it.

(a) the worker SIGKILLed in the middle of a large import's write: nothing of the file is in the registry, the
    tallies are unchanged; a restarted `gonghui worker` marks the job FAILED with the Chinese message, and running
    it again imports everything;
(b) a process SIGKILLed in the middle of a member transfer and of an assistance payment, after everything
    (the audit entry too) was written inside the transaction: nothing of it is left, and doing it again succeeds;
(c) a lost database under a running gunicorn: the Chinese 503 page, then, once the database is back, the next
    request succeeds without restarting anything (PostgreSQL: server stopped and started, and the connection
    terminated between requests; SQLite: the database's directory moved away and back).

The processes run tests/faultkit.py, which patches the service to signal (a file) and sleep at the right moment.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FAULTKIT = ROOT / "tests" / "faultkit.py"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
ENGLISH_ERRORS = ("Traceback", "Error", "Exception", "unable to open", "connection", "server closed", "psycopg")


@pytest.fixture(scope="module")
def pg_server():
    if not ON_POSTGRES:
        yield None
        return
    sys.path.insert(0, str(ROOT / "scripts"))
    from pgcluster import PgServer

    server = PgServer.create()
    yield server
    server.destroy()


def _run(env, *args, timeout=120) -> str:
    done = subprocess.run([sys.executable, str(FAULTKIT), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _state(env) -> dict:
    return json.loads(_run(env, "state"))


def _gonghui(env, *args, timeout=120) -> None:
    done = subprocess.run([str(BIN / "gonghui"), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]


def _killed_at_signal(env, *args) -> None:
    """Run faultkit with --hang, wait for its signal (it is inside its transaction), SIGKILL it."""
    signal_file = Path(env["FAULT_SIGNAL"])
    signal_file.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, str(FAULTKIT), *args], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not signal_file.exists():
            assert process.poll() is None, process.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "the process never reached the point to kill it at"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


def fault_env(workdir: Path, server) -> dict:
    """The environment of the fault processes, with a throw-away database set up: a new one on `server` (a
    PostgreSQL test server), else SQLite in workdir/db, a directory the outage tests move away and back."""
    env = {**os.environ, "GONGHUI_VAR_DIR": str(workdir), "FAULT_SIGNAL": str(workdir / "signal"),
           "LOG_LEVEL": "CRITICAL", "DEBUG": "0"}
    if server is not None:
        name = f"faults_{uuid.uuid4().hex[:8]}"
        server.createdb(name)
        env["DATABASE_URL"] = server.url(name)
    else:
        (workdir / "db").mkdir()
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'db' / 'gonghui.sqlite3'}"
    _run(env, "setup")
    return env


@pytest.fixture
def env(tmp_path, pg_server) -> dict:
    return fault_env(tmp_path, pg_server)


@pytest.mark.parametrize("where", ["write", "tally"])
def test_it_leaves_nothing_of_an_import_whose_worker_was_killed_and_runs_it_again(env, where):
    job = json.loads(_run(env, "roster", "400"))["job"]
    before = _state(env)
    _killed_at_signal(env, "worker", "--hang", where)
    after = _state(env)
    assert after["members"] == before["members"] and after["tallies"] == before["tallies"]
    assert after["tasks"] == ["RUNNING"] and after["jobs"][0]["status"] == "running"  # until a worker looks

    _gonghui(env, "worker", "--batch", "--no-startup-delay")  # restarted: finds the dead worker's task
    recovered = _state(env)
    assert recovered["tasks"] == ["FAILED"] and recovered["heartbeats"] == 0
    assert recovered["jobs"][0]["status"] == "failed"
    assert recovered["jobs"][0]["error"] == "导入中断，没有写入任何数据：会员库保持导入前的状态。请重新导入。"
    assert recovered["members"] == before["members"] and recovered["tallies"] == before["tallies"]

    _run(env, "requeue", str(job))
    _gonghui(env, "worker", "--batch", "--no-startup-delay")
    done = _state(env)
    assert done["jobs"][0]["status"] == "done" and done["tasks"] == ["FAILED", "SUCCESSFUL"]
    created = done["jobs"][0]["created"]
    assert created > 350 and done["members"] == before["members"] + created
    assert done["tallies"]["members"] == before["tallies"]["members"] + created


def test_it_leaves_nothing_of_a_transfer_whose_process_was_killed(env):
    before = _state(env)
    _killed_at_signal(env, "transfer", "--hang")
    after = _state(env)
    for key in ("moving", "transfers", "events", "audit", "tallies"):
        assert after[key] == before[key], key
    assert after["moving"]["status"] == "active" and after["transfers"] == 0
    _run(env, "transfer")
    again = _state(env)
    assert again["moving"]["status"] == "in_transfer" and again["transfers"] == 1
    assert again["events"] == before["events"] + 1 and again["audit"] > before["audit"]


def test_it_leaves_nothing_of_a_payment_whose_process_was_killed(env):
    before = _state(env)
    _killed_at_signal(env, "pay", "--hang")
    after = _state(env)
    for key in ("assistance", "budget_spent", "audit"):
        assert after[key] == before[key], key
    assert after["assistance"] == {"status": "approved", "paid_at": False, "ref": ""}
    _run(env, "pay")
    again = _state(env)
    assert again["assistance"] == {"status": "paid", "paid_at": True, "ref": "PZ-1"}
    assert again["audit"] == before["audit"] + 1 and again["budget_spent"] == before["budget_spent"]


# ---- (c) a lost database under a running server -------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(env):
    """gunicorn on loopback for `env`'s database; yields get(path) → (status, headers, text) as chair_a."""
    _gonghui(env, "collectstatic", "--noinput", "-v0")
    session = _run(env, "session").strip()
    port = _free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "gonghui.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
                                "1", "--timeout", "60"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)

    def get(path="/"):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get("/health/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        get.pid = process.pid
        yield get
    finally:
        process.terminate()
        process.wait(timeout=30)


def _assert_chinese_503(status, headers, text) -> None:
    assert status == 503, text[:500]
    assert headers.get("Retry-After") == "30"
    assert "系统暂时无法访问" in text and "数据库暂时连接不上" in text
    for english in ENGLISH_ERRORS:
        assert english not in text, english


def _assert_home(result) -> None:
    status, _headers, text = result
    assert status == 200 and "甲主席" in text, text[:500]


def _assert_down(result) -> None:
    status, _headers, text = result
    assert status == 503 and json.loads(text)["status"] == "down"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL run")
def test_it_shows_the_503_page_while_postgresql_is_down_and_recovers_by_itself(pg_server, env):
    with serving(env) as get:
        _assert_home(get())
        pg_server.stop("immediate")
        try:
            _assert_chinese_503(*get())
            _assert_chinese_503(*get("/members/"))
            _assert_down(get("/health/"))
        finally:
            pg_server.start()
        _assert_home(get())
        # the server's connection terminated between two requests: the next request connects again
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        pg_server.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
                      "AND pid <> pg_backend_pid()")
        _assert_home(get())
        os.kill(get.pid, 0)  # the same gunicorn all along, never restarted


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite run")
def test_it_shows_the_503_page_while_the_sqlite_file_is_unreachable_and_recovers_by_itself(tmp_path):
    env = fault_env(tmp_path, None)
    dbdir = tmp_path / "db"
    with serving(env) as get:
        _assert_home(get())
        away = tmp_path / "db-away"
        dbdir.rename(away)  # the volume holding the database gone
        try:
            _assert_chinese_503(*get())
            _assert_chinese_503(*get("/members/"))
            _assert_down(get("/health/"))
        finally:
            away.rename(dbdir)
        _assert_home(get())
        os.kill(get.pid, 0)
