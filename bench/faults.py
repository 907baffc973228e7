"""Faults, repeated: workers SIGKILLed at random moments during a roster import, processes killed inside a member
transfer and an assistance payment, and the database lost and restored under a running gunicorn — on SQLite and
on PostgreSQL (a temporary server, scripts/pgcluster.py). Every process works on a throw-away database.

    .venv/bin/python bench/faults.py [--kills 6] [--rows 10000] [--engines sqlite,postgresql] [--outages 3]

Prints, per engine: runs; consistent after the kill (no member of the file unless the import finished, tallies
equal to the registry, nothing of a killed transfer or payment); tasks failed-and-retryable after the restarted
worker's recovery; retries that succeeded; seconds from the database coming back to the first good page.
The processes are those of tests/test_faults.py (tests/faultkit.py). A few minutes per engine on this 2-core
machine; --kills 10 --rows 20000 about twice that.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from tests.test_faults import (  # noqa: E402
    _gonghui,
    _killed_at_signal,
    _run,
    _state,
    fault_env,
    serving,
)

INTERRUPTED = "导入中断，没有写入任何数据：会员库保持导入前的状态。请重新导入。"


def worker_run(env) -> float:
    started = time.perf_counter()
    _gonghui(env, "worker", "--batch", "--no-startup-delay", timeout=600)
    return time.perf_counter() - started


def consistent(before: dict, after: dict, created_if_done: int) -> bool:
    job = after["jobs"][-1]
    expected = before["members"] + (created_if_done if job["status"] == "done" else 0)
    return after["members"] == expected and after["tallies"]["members"] == after["members"]


def marked_worker(env, *, batch: bool) -> subprocess.Popen:
    for name in ("signal", "signal.done"):
        (Path(env["GONGHUI_VAR_DIR"]) / name).unlink(missing_ok=True)
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "faultkit.py"), "worker", "--mark",
                             *(["--batch"] if batch else [])], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the worker never started the import")
        time.sleep(0.01)


def import_kills(env, *, kills: int, rows: int, rng: random.Random) -> dict:
    """Each kill lands at a random moment of the import (from its start to the time an uninterrupted one took)."""
    var = Path(env["GONGHUI_VAR_DIR"])
    json.loads(_run(env, "roster", str(rows), "1"))
    calibration = marked_worker(env, batch=True)
    calibration.wait()
    full = float((var / "signal.done").read_text()) - float((var / "signal").read_text())
    assert _state(env)["jobs"][-1]["status"] == "done", "the calibration import did not finish"
    seed = 100
    job = json.loads(_run(env, "roster", str(rows), str(seed)))["job"]
    runs = ok = retryable = finished = 0
    before = _state(env)
    for _ in range(kills):
        worker = marked_worker(env, batch=False)
        wait_for(var / "signal", worker)
        time.sleep(rng.uniform(0, full))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        runs += 1
        after = _state(env)
        ok += consistent(before, after, after["jobs"][-1]["created"])
        worker_run(env)  # restarted: recovers the killed worker's task
        recovered = _state(env)
        status, error = recovered["jobs"][-1]["status"], recovered["jobs"][-1]["error"]
        if status == "done":
            finished += 1
            retryable += 1
            seed += 1
            job = json.loads(_run(env, "roster", str(rows), str(seed)))["job"]
        elif status == "failed" and error == INTERRUPTED:
            retryable += 1
            _run(env, "requeue", str(job))
        before = recovered
    worker_run(env)
    last = _state(env)
    retried = last["jobs"][-1]["status"] == "done" and consistent(before, last, last["jobs"][-1]["created"])
    return {"runs": runs, "consistent": ok, "retryable": retryable, "finished_before_kill": finished,
            "retry_ok": int(retried), "full_import_s": full}


def service_kills(env, *, kills: int) -> dict:
    results = {}
    for command, keys in (("transfer", ("moving", "transfers", "events", "audit", "tallies")),
                          ("pay", ("assistance", "budget_spent", "audit"))):
        ok = 0
        for _ in range(kills):
            before = _state(env)
            _killed_at_signal(env, command, "--hang")
            after = _state(env)
            ok += all(after[key] == before[key] for key in keys)
        _run(env, command)
        done = _state(env)
        again = (done["moving"]["status"] == "in_transfer") if command == "transfer" else (
            done["assistance"]["status"] == "paid")
        results[command] = {"runs": kills, "consistent": ok, "retry_ok": int(again)}
    return results


def outages(env, *, count: int, server, workdir: Path) -> list[float]:
    """Seconds from the database back to the first 200 page, under one gunicorn that is never restarted."""
    times = []
    with serving(env) as get:
        assert get()[0] == 200
        for _ in range(count):
            if server is not None:
                server.stop("immediate")
            else:
                (workdir / "db").rename(workdir / "db-away")
            assert get()[0] == 503
            if server is not None:
                server.start()
            else:
                (workdir / "db-away").rename(workdir / "db")
            back = time.perf_counter()
            while get()[0] != 200:
                time.sleep(0.01)
            times.append(time.perf_counter() - back)
    return times


def bench_engine(engine: str, args, rng: random.Random) -> None:
    server = None
    if engine == "postgresql":
        from pgcluster import PgServer

        server = PgServer.create()
    workdir = Path(tempfile.mkdtemp(prefix=f"gonghui-faults-{engine}-"))
    try:
        started = time.perf_counter()
        env = fault_env(workdir, server)
        imports = import_kills(env, kills=args.kills, rows=args.rows, rng=rng)
        services = service_kills(env, kills=max(1, args.kills // 3))
        back = outages(env, count=args.outages, server=server, workdir=workdir)
        elapsed = time.perf_counter() - started
    finally:
        if server is not None:
            server.destroy()
        subprocess.run(["rm", "-rf", str(workdir)], check=False)
    print(f"\n== {engine} ({elapsed:.0f} s)")
    print(f"roster import of {args.rows} rows, worker SIGKILLed at a random moment of the import (0 to "
          f"{imports['full_import_s']:.1f} s after it started, the time an uninterrupted one took):")
    print(f"  runs                               {imports['runs']}")
    print(f"  consistent after kill              {imports['consistent']}/{imports['runs']}")
    print(f"  tasks failed-and-retryable         {imports['retryable']}/{imports['runs']}"
          f"  (of which finished before the kill: {imports['finished_before_kill']})")
    print(f"  retry succeeded                    {imports['retry_ok']}/1")
    for name, result in services.items():
        label = {"transfer": "member transfer", "pay": "assistance payment"}[name]
        print(f"{label}, killed inside its transaction: consistent {result['consistent']}/{result['runs']}, "
              f"done again {result['retry_ok']}/1")
    what = "server stopped (immediate) and started" if server is not None else "database directory moved away"
    print(f"database lost ({what}) x{len(back)}: 503 page meanwhile; database back → first good page: "
          f"median {statistics.median(back) * 1000:.0f} ms, max {max(back) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--outages", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for engine in args.engines.split(","):
        bench_engine(engine.strip(), args, rng)


if __name__ == "__main__":
    main()
