"""Load test of the production server (`gonghui serve`) on loopback with the district-scale data: closed-loop
clients (aiohttp, one process, asyncio) at 16, 64 and 256 at once, mixed traffic of member search, node
dashboards, ledger pages, sign-ups and small writes; throughput, p50/p95/p99 latency and errors per page kind,
for SQLite and PostgreSQL side by side; and a soak (--soak SECONDS: 64 clients, the server's memory sampled
every 10 s). The run stops by itself: it starts the server, and stops it at the end.

    .venv/bin/python bench/load.py                                   both engines, 16/64/256 clients, 30 s each
    .venv/bin/python bench/load.py --engine postgres --clients 64 --duration 60
    .venv/bin/python bench/load.py --engine postgres --soak 600 --clients 0     the 10-minute soak only
    .venv/bin/python bench/load.py --engine sqlite --workers 3 --threads 4      try the server's settings

Data (made once; see the README's benchmark section):
- SQLite: a copy of the district, `cp -r var/bench5 var/bench_load` (var/bench5 itself is never written).
- PostgreSQL: scripts/pgcluster.py start var/pg_bench/data --port 55432, then with DATABASE_URL and
  GONGHUI_VAR_DIR=var/bench_load_pg: gonghui migrate, gonghui seed --scale district, gonghui seed --scale
  district-year --year 2025. This script starts that PostgreSQL server if it is not running.
Before each engine's run, bench/load_setup.py adds the bench's accounts and open activities (once) and writes the
plan of pages; the accounts log in through the login form once and their sessions are kept in
VAR_DIR/load_sessions.json for the next run (an Argon2 check costs half a second of CPU per login).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_procs import ProcessTree, machine_busy_seconds, parent_of  # noqa: E402

BIN = Path(sys.executable).parent
GONGHUI = str(BIN / "gonghui")
PG_URL = "postgres://gonghui@127.0.0.1:55432/gonghui"
REQUEST_TIMEOUT = 30

# page kind → (weight in %, what it is). The weights are those of the mix every client draws from.
MIX = {
    "search_union": (12, "member list of a union with ?q= (name, pinyin initials, card-number tail)"),
    "search_street": (8, "member list of a street federation with ?q="),
    "dash_union": (7, "union node page"),
    "stats_union": (6, "union statistics fragment"),
    "dash_street": (5, "street node page"),
    "stats_street": (4, "street statistics fragment"),
    "dash_root": (2, "district root node page"),
    "stats_root": (2, "district root statistics fragment"),
    "activity_list": (6, "activities of a union or street, pages 1-3"),
    "activity_ledger": (6, "activity ledger (活动台账) of a union or street for 2025, pages 1-3"),
    "visit_ledger": (5, "visit ledger of a union or street for 2025, pages 1-3"),
    "assistance_ledger": (5, "assistance ledger of a union or street for 2025, pages 1-3"),
    "signup": (12, "a member signs up for an open activity, or cancels (POST, expects 302)"),
    "checkin": (11, "a chair ticks a member on the list in or out (POST, expects 302)"),
    "visit_new": (7, "a chair records a festival visit (POST, expects 302)"),
    "activity_new": (2, "a chair creates an activity (POST, expects 302)"),
    # probes, not in the mix (weight 0): with --only, the ceiling of this machine, server and clients
    "home_redirect": (0, "probe: a member's GET / (session, user, one query, a redirect: no page drawn)"),
    "health": (0, "probe: GET /health/ without a login (each database, the worker's heartbeat, the queue)"),
}
GROUPS = {"search": ("search_union", "search_street"),
          "dashboard": ("dash_union", "stats_union", "dash_street", "stats_street", "dash_root", "stats_root"),
          "ledger": ("activity_list", "activity_ledger", "visit_ledger", "assistance_ledger"),
          "signup": ("signup",), "write": ("checkin", "visit_new", "activity_new")}


# ---- results ---------------------------------------------------------------------------------------------

@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    errors: dict[str, collections.Counter] = field(default_factory=lambda: collections.defaultdict(
        collections.Counter))
    recording: bool = False

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        if not self.recording:
            return
        self.latencies[kind].append(seconds * 1000)
        if error:
            self.errors[kind][error] += 1

    def requests(self, kinds=None) -> int:
        return sum(len(v) for k, v in self.latencies.items() if kinds is None or k in kinds)

    def error_count(self, kinds=None) -> int:
        return sum(sum(c.values()) for k, c in self.errors.items() if kinds is None or k in kinds)

    def all_latencies(self, kinds=None) -> list[float]:
        return [x for k, v in self.latencies.items() if kinds is None or k in kinds for x in v]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# ---- the simulated users ------------------------------------------------------------------------------------

class Traffic:
    """Builds each request of the mix from the plan (bench/load_setup.py) and checks its answer."""

    def __init__(self, plan: dict, sessions: dict[str, dict], base: str, seed: int, only: list[str] | None = None):
        self.plan, self.sessions, self.base = plan, sessions, base
        self.rng = random.Random(seed)
        self.kinds = list(only or [kind for kind, (weight, _what) in MIX.items() if weight])
        self.weights = [1 if only else MIX[k][0] for k in self.kinds]
        self.signed_up: dict[str, bool] = {}
        self.checked_in: dict[int, bool] = {}
        self.year = plan.get("year", 2025)
        self.tree: ProcessTree | None = None      # the server's processes
        self.db_tree: ProcessTree | None = None   # PostgreSQL's, when it runs here

    def cookie(self, username: str) -> dict[str, str]:
        session = self.sessions[username]
        return {"Cookie": f"sessionid={session['sessionid']}; csrftoken={session['csrftoken']}"}

    def token(self, username: str) -> str:
        return self.sessions[username]["csrftoken"]

    def term(self, node: dict) -> str:
        search = node["search"]
        choice = self.rng.choice(("name", "name", "initials", "card"))
        return self.rng.choice(search[choice] or search["name"])

    def next_request(self, client: int):
        """(kind, method, url, user, form data or None, expected status, expected Location prefix)."""
        rng = self.rng
        kind = rng.choices(self.kinds, self.weights)[0]
        chairs, streets = self.plan["chairs"], self.plan["streets"]
        chair = chairs[(client + rng.randrange(4)) % len(chairs)]
        street = streets[client % len(streets)]
        if kind == "home_redirect":
            return kind, "GET", "/", chair["member_username"], None, 302, "/members/"
        if kind == "health":
            return kind, "GET", "/health/", None, None, 200, None
        if kind == "search_union":
            return kind, "GET", f"/members/{chair['union']}/", chair["username"], {"q": self.term(chair)}, 200, None
        if kind == "search_street":
            return (kind, "GET", f"/members/{street['node']}/", street["username"], {"q": self.term(street)},
                    200, None)
        if kind in ("dash_union", "stats_union", "dash_street", "stats_street", "dash_root", "stats_root"):
            if kind.endswith("union"):
                user, node = chair["username"], chair["union"]
            elif kind.endswith("street"):
                user, node = street["username"], street["node"]
            else:
                user, node = self.plan["admin"], self.plan["root"]
            suffix = "stats/" if kind.startswith("stats") else ""
            return kind, "GET", f"/orgs/{node}/{suffix}", user, None, 200, None
        if kind in GROUPS["ledger"]:
            user, node = ((chair["username"], chair["union"]) if rng.random() < 0.5
                          else (street["username"], street["node"]))
            page = str(rng.randint(1, 3))
            url = {"activity_list": f"/activities/node/{node}/", "activity_ledger": f"/activities/ledger/{node}/",
                   "visit_ledger": f"/care/nodes/{node}/visits/ledger/",
                   "assistance_ledger": f"/care/{node}/assistance/ledger/"}[kind]
            params = {"page": page} if kind == "activity_list" else {"year": str(self.year), "page": page}
            return kind, "GET", url, user, params, 200, None
        if kind == "signup":
            member = chair["member_username"]
            data = {"csrfmiddlewaretoken": self.token(member)}
            if self.signed_up.get(member):
                data["action"] = "cancel"
            self.signed_up[member] = not self.signed_up.get(member)
            return (kind, "POST", f"/activities/{chair['activity']}/signup/", member, data, 302,
                    f"/activities/{chair['activity']}/")
        if kind == "checkin":
            participation = rng.choice(chair["participations"])
            action = "uncheck" if self.checked_in.get(participation) else "checkin"
            self.checked_in[participation] = action == "checkin"
            data = {"csrfmiddlewaretoken": self.token(chair["username"]), "participation": str(participation),
                    "action": action}
            return (kind, "POST", f"/activities/{chair['activity']}/list/update/", chair["username"], data, 302,
                    f"/activities/{chair['activity']}/list/")
        if kind == "visit_new":
            data = {"csrfmiddlewaretoken": self.token(chair["username"]),
                    "member_id": str(rng.choice(chair["visit_members"])), "reason": "festival",
                    "visited_on": datetime.date.today().isoformat(), "visitors": "负载测试主席", "place": "单位",
                    "gift": "", "gift_value": "0", "form": "goods", "funding": "union_funds", "case": "",
                    "notes": "", "notice": "", "submission": str(uuid.uuid4())}
            return (kind, "POST", f"/care/nodes/{chair['union']}/visits/new/", chair["username"], data, 302,
                    f"/care/nodes/{chair['union']}/visits/")
        starts = datetime.datetime(2031, rng.randint(1, 12), rng.randint(1, 28), 14, 0)
        data = {"csrfmiddlewaretoken": self.token(chair["username"]), "title": f"负载测试座谈会{rng.randrange(10**6)}",
                "kind": "meeting", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "place": "会议室",
                "audience": "all", "audience_group": "", "capacity": "", "signup_deadline": "", "budget": "0",
                "actual_cost": "", "description": ""}
        return (kind, "POST", f"/activities/node/{chair['union']}/new/", chair["username"], data, 302,
                "/activities/")


async def client_loop(number: int, traffic: Traffic, results: Results, stop: asyncio.Event) -> None:
    connector = aiohttp.TCPConnector(limit=1, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(traffic.base, connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        while not stop.is_set():
            kind, method, url, user, data, expected, location = traffic.next_request(number)
            headers = traffic.cookie(user) if user else {}
            started = time.perf_counter()
            error = None
            try:
                if method == "GET":
                    response = await session.get(url, params=data, headers=headers, allow_redirects=False)
                else:
                    headers["Referer"] = traffic.base + url
                    response = await session.post(url, data=data, headers=headers, allow_redirects=False)
                async with response:
                    await response.read()
                    if response.status != expected:
                        error = f"HTTP {response.status}"
                    elif location and not response.headers.get("Location", "").startswith(location):
                        error = f"redirect to {response.headers.get('Location', '')[:40]}"
            except TimeoutError:
                error = "timeout"
            except aiohttp.ClientError as exc:
                error = type(exc).__name__
            results.add(kind, time.perf_counter() - started, error)
            if error and error.startswith(("Client", "Server")):
                await asyncio.sleep(0.05)


async def run_level(traffic: Traffic, clients: int, warmup: float, duration: float, sampler=None) -> dict:
    results = Results()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(client_loop(n, traffic, results, stop)) for n in range(clients)]
    await asyncio.sleep(warmup)
    cpu_before, server_before = _own_cpu(), traffic.tree.cpu_seconds() if traffic.tree else 0
    db_before = traffic.db_tree.cpu_seconds() if traffic.db_tree else 0
    machine_before = machine_busy_seconds()
    results.recording = True
    started = time.perf_counter()
    if sampler is not None:
        await sampler(duration)
    else:
        await asyncio.sleep(duration)
    elapsed = time.perf_counter() - started
    results.recording = False
    cpu = _own_cpu() - cpu_before
    server_cpu = (traffic.tree.cpu_seconds() - server_before) if traffic.tree else 0
    db_cpu = (traffic.db_tree.cpu_seconds() - db_before) if traffic.db_tree else 0
    machine = machine_busy_seconds() - machine_before
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"clients": clients, "results": results, "elapsed": elapsed, "client_cpu": cpu / elapsed,
            "server_cpu": server_cpu / elapsed, "db_cpu": db_cpu / elapsed,
            "other_cpu": max(0.0, machine - server_cpu - db_cpu - cpu) / elapsed}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- logging in -----------------------------------------------------------------------------------------

async def login_all(base: str, plan: dict, cache: Path) -> dict[str, dict]:
    usernames = [plan["admin"], *(s["username"] for s in plan["streets"]), *(c["username"] for c in plan["chairs"]),
                 *(c["member_username"] for c in plan["chairs"])]
    sessions = json.loads(cache.read_text()) if cache.exists() else {}
    sessions = {name: value for name, value in sessions.items() if name in usernames}
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.DummyCookieJar()) as http:
        async def valid(name: str) -> bool:
            value = sessions[name]
            async with http.get("/", headers={"Cookie": f"sessionid={value['sessionid']}"},
                                allow_redirects=False) as response:
                await response.read()
                # home sends a signed-in user on to their node or member record, a stranger to the login page
                return response.status in (200, 302) and "/accounts/login/" not in response.headers.get(
                    "Location", "")
        checked = await asyncio.gather(*(valid(name) for name in sessions))
        for name, ok in zip(list(sessions), checked, strict=False):
            if not ok:
                del sessions[name]
    missing = [name for name in usernames if name not in sessions]
    if missing:
        print(f"  logging in {len(missing)} accounts through the login form …", flush=True)
        started = time.perf_counter()
        semaphore = asyncio.Semaphore(4)

        async def login(name: str) -> None:
            async with semaphore:
                sessions[name] = await login_one(base, name, plan["password"])
        await asyncio.gather(*(login(name) for name in missing))
        print(f"  logged in in {time.perf_counter() - started:.0f} s", flush=True)
        cache.write_text(json.dumps(sessions, indent=0))
    return sessions


async def login_one(base: str, username: str, password: str) -> dict:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base, cookie_jar=jar) as http:
        async with http.get("/accounts/login/") as response:
            html = await response.text()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        async with http.post("/accounts/login/", data={"username": username, "password": password,
                                                       "csrfmiddlewaretoken": token, "next": "/"},
                             headers={"Referer": base + "/accounts/login/"}, allow_redirects=False) as response:
            await response.read()
            if response.status != 302:
                raise SystemExit(f"login of {username} failed: HTTP {response.status}")
        cookies = {c.key: c.value for c in jar}
    return {"sessionid": cookies["sessionid"], "csrftoken": cookies["csrftoken"]}


# ---- the server -----------------------------------------------------------------------------------------

@dataclass
class Engine:
    name: str
    var_dir: Path
    database_url: str | None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update({"GONGHUI_VAR_DIR": str(self.var_dir), "DJANGO_SETTINGS_MODULE": "gonghui.settings",
                    "DEBUG": "0", "PYTHONUNBUFFERED": "1"})
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env


def prepare(engine: Engine, plan_file: Path) -> dict:
    if engine.database_url is None and not (engine.var_dir / "gonghui.sqlite3").exists():
        raise SystemExit(f"{engine.var_dir}/gonghui.sqlite3 is missing: cp -r var/bench5 {engine.var_dir}")
    env = engine.env()
    subprocess.run([GONGHUI, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([GONGHUI, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([sys.executable, str(ROOT / "bench" / "load_setup.py"), str(plan_file)], env=env, check=True,
                   cwd=ROOT)
    return json.loads(plan_file.read_text())


def start_server(engine: Engine, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    command = [GONGHUI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads",
               str(threads), "--with-worker"]
    print(f"  server: {' '.join(command[1:])}  (log {log.relative_to(ROOT) if log.is_relative_to(ROOT) else log})",
          flush=True)
    output = log.open("ab")
    process = subprocess.Popen(command, env=engine.env(), cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}); see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit("the server did not start within 120 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ensure_postgres(url: str) -> ProcessTree | None:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    datadir = ROOT / "var" / "pg_bench" / "data"
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    except OSError:
        if not datadir.exists():
            raise SystemExit(f"no PostgreSQL on port {port} and no {datadir}: see this script's docstring") from None
        subprocess.run([sys.executable, str(ROOT / "scripts" / "pgcluster.py"), "start", str(datadir), "--port",
                        str(port)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    pidfile = datadir / "postmaster.pid"
    return ProcessTree(int(pidfile.read_text().split()[0])) if pidfile.exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- one engine's run -----------------------------------------------------------------------------------

async def run_engine(engine: Engine, args) -> dict:
    print(f"\n=== {engine.name}: {engine.var_dir.relative_to(ROOT) if engine.var_dir.is_relative_to(ROOT) else ''}"
          f"{' ' + engine.database_url if engine.database_url else ''}", flush=True)
    db_tree = ensure_postgres(engine.database_url) if engine.database_url else None
    started = time.perf_counter()
    plan = prepare(engine, engine.var_dir / "load_plan.json")
    print(f"  prepared in {time.perf_counter() - started:.0f} s", flush=True)
    port = args.port or free_port()
    server = start_server(engine, port, args.workers, args.threads, engine.var_dir / "load_server.log")
    outcome = {"levels": [], "soak": None}
    try:
        base = f"http://127.0.0.1:{port}"
        sessions = await login_all(base, plan, engine.var_dir / "load_sessions.json")
        traffic = Traffic(plan, sessions, base, seed=args.seed, only=args.only)
        traffic.tree, traffic.db_tree = ProcessTree(server.pid), db_tree
        for clients in args.clients:
            sampler = None
            if args.py_spy:
                sampler = profiler(args.py_spy, server.pid, engine.var_dir / f"load_profile_{clients}.txt")
            level = await run_level(traffic, clients, args.warmup, args.duration, sampler=sampler)
            print_level(engine.name, level)
            if args.py_spy:
                import load_profile

                load_profile.summarise(str(engine.var_dir / f"load_profile_{clients}.txt"), top=15)
            outcome["levels"].append(level)
        if args.soak:
            outcome["soak"] = await soak(traffic, args.soak_clients, args.warmup, args.soak)
    finally:
        stop_server(server)
    return outcome


def profiler(py_spy: str, serve_pid: int, output: Path):
    """A sampler for run_level: py-spy on gunicorn's master and its workers for the measured seconds."""
    async def sample(duration: float) -> None:
        # serve --with-worker runs gunicorn's master and the background worker as its two children
        master = next(pid for pid, command in ProcessTree(serve_pid).describe()
                      if parent_of(pid) == serve_pid and "gonghui.cli serve" in command)
        process = await asyncio.create_subprocess_exec(
            py_spy, "record", "--pid", str(master), "--subprocesses", "--nonblocking", "--rate", "40",
            "--duration", str(int(duration)), "--format", "raw", "-o", str(output),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await asyncio.sleep(duration)
        await process.wait()
    return sample


async def soak(traffic: Traffic, clients: int, warmup: float, seconds: float) -> dict:
    series: list[tuple[float, float, float]] = []

    async def sampler(duration: float) -> None:
        started = time.perf_counter()
        while True:
            elapsed = time.perf_counter() - started
            rss, pss = traffic.tree.memory_mb()
            series.append((elapsed, rss, pss))
            if elapsed >= duration:
                return
            await asyncio.sleep(min(10, duration - elapsed))

    print(f"  soak: {clients} clients for {seconds:.0f} s, the server's memory every 10 s …", flush=True)
    level = await run_level(traffic, clients, warmup, seconds, sampler=sampler)
    level["series"] = series
    print_level("soak", level)
    print_soak(series, level["results"])
    return level


# ---- printing -------------------------------------------------------------------------------------------

def row(label: str, results: Results, elapsed: float, kinds=None) -> str:
    values = results.all_latencies(kinds)
    count = len(values)
    return (f"  {label:<18}{count:>8}{count / elapsed:>9.1f}{percentile(values, 50):>9.0f}"
            f"{percentile(values, 95):>9.0f}{percentile(values, 99):>9.0f}{results.error_count(kinds):>8}")


def print_level(name: str, level: dict) -> None:
    results, elapsed = level["results"], level["elapsed"]
    print(f"\n  {name}, {level['clients']} clients, {elapsed:.0f} s — client CPU {level['client_cpu'] * 100:.0f}% of "
          f"a core, server {level['server_cpu'] * 100:.0f}%, database server {level['db_cpu'] * 100:.0f}%, "
          f"other processes on the machine {level['other_cpu'] * 100:.0f}% (of {os.cpu_count()} cores)")
    used = level["server_cpu"] + level["db_cpu"]
    if results.requests() and used:
        per_request = used * elapsed / results.requests() * 1000
        cores = os.cpu_count() or 1
        print(f"  CPU per request (server + database): {per_request:.0f} ms, so {cores} free cores serve about "
              f"{cores * 1000 / per_request:.0f} req/s of this mix")
    print(f"  {'kind':<18}{'requests':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    print(row("ALL", results, elapsed))
    for group, kinds in GROUPS.items():
        print(row(f"[{group}]", results, elapsed, kinds))
    for kind in MIX:
        if results.latencies.get(kind):
            print(row(kind, results, elapsed, (kind,)))
    for kind, counter in results.errors.items():
        print(f"  errors {kind}: " + ", ".join(f"{what} ×{n}" for what, n in counter.most_common()))
    sys.stdout.flush()


def print_soak(series, results: Results) -> None:
    print("  memory of the server (gunicorn master + workers + background worker), MB:")
    print("    " + "  ".join(f"{t:.0f}s:{rss:.0f}/{pss:.0f}" for t, rss, pss in series) + "   (RSS sum / PSS sum)")
    settle = min(120.0, series[-1][0] / 3)  # the workers fill their caches and touch their pages at first
    for title, points in (("whole run", series), (f"after the first {settle:.0f} s", [
            point for point in series if point[0] >= settle])):
        if len(points) < 2:
            continue
        for label, column in (("RSS", 1), ("PSS", 2)):
            xs = [t / 60 for t, *_ in points]
            ys = [point[column] for point in points]
            slope = statistics.linear_regression(xs, ys).slope
            print(f"    {title}, {label}: first {ys[0]:.0f} MB, last {ys[-1]:.0f} MB, last/first "
                  f"{ys[-1] / ys[0]:.2f}, max {max(ys):.0f} MB, fitted slope {slope:+.2f} MB/min")
    print(f"    errors: {results.error_count()}")


def print_comparison(outcomes: dict[str, dict]) -> None:
    if set(outcomes) != {"sqlite", "postgres"}:
        return
    print("\n=== PostgreSQL / SQLite")
    print(f"  {'clients':<9}{'req/s':>20}{'p50 ms':>20}{'p95 ms':>20}{'p99 ms':>20}{'errors':>12}")
    for lite, pg in zip(outcomes["sqlite"]["levels"], outcomes["postgres"]["levels"], strict=False):
        cells = []
        for which in ("rate", 50, 95, 99):
            a, b = (_figure(level, which) for level in (lite, pg))
            cells.append(f"{b:.0f}/{a:.0f}={b / a if a else float('nan'):.2f}")
        errors = f"{pg['results'].error_count()}/{lite['results'].error_count()}"
        print(f"  {lite['clients']:<9}" + "".join(f"{c:>20}" for c in cells) + f"{errors:>12}")
    print("  per kind at each level, p95 PostgreSQL/SQLite:")
    for lite, pg in zip(outcomes["sqlite"]["levels"], outcomes["postgres"]["levels"], strict=False):
        parts = []
        for kind in MIX:
            a = percentile(lite["results"].latencies.get(kind, []), 95)
            b = percentile(pg["results"].latencies.get(kind, []), 95)
            parts.append(f"{kind} {b / a:.2f}" if a and a == a and b == b else f"{kind} -")
        print(f"  {lite['clients']:>4}: " + ", ".join(parts))


def _figure(level: dict, which) -> float:
    if which == "rate":
        return level["results"].requests() / level["elapsed"]
    return percentile(level["results"].all_latencies(), which)


def print_targets(outcomes: dict[str, dict]) -> None:
    pg = outcomes.get("postgres")
    if not pg:
        return
    print("\n=== targets (PostgreSQL)")
    for level in pg["levels"]:
        if level["clients"] == 64:
            rate, p99 = _figure(level, "rate"), _figure(level, 99)
            errors = level["results"].error_count()
            verdict = "met" if rate >= 300 and p99 <= 300 and errors == 0 else "NOT met"
            print(f"  64 clients: {rate:.0f} req/s (≥ 300), p99 {p99:.0f} ms (≤ 300), {errors} errors (0): {verdict}")
    if pg["soak"]:
        series = pg["soak"]["series"]
        print(f"  soak: {len(series)} samples, errors {pg['soak']['results'].error_count()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", default="16,64,256",
                        help="comma-separated numbers of concurrent clients (default 16,64,256; 0: none)")
    parser.add_argument("--duration", type=float, default=30, help="seconds measured per level (default 30)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of traffic before measuring (default 5)")
    parser.add_argument("--soak", type=float, default=0, help="then a soak of this many seconds (e.g. 600)")
    parser.add_argument("--soak-clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2)")
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    parser.add_argument("--sqlite-dir", default=str(ROOT / "var" / "bench_load"))
    parser.add_argument("--pg-dir", default=str(ROOT / "var" / "bench_load_pg"))
    parser.add_argument("--pg-url", default=os.environ.get("LOAD_DATABASE_URL", PG_URL))
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--py-spy", metavar="PY_SPY", default="",
                        help="profile the web workers with this py-spy executable during each level (written to "
                             "VAR_DIR/load_profile_CLIENTS.txt and summed by bench/load_profile.py)")
    parser.add_argument("--only", default="", metavar="KIND,…",
                        help="draw only these kinds, equally (e.g. home_redirect or health: the probes)")
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",") if n.strip() and int(n) > 0]
    args.only = [kind for kind in args.only.split(",") if kind.strip()]
    unknown = set(args.only) - set(MIX)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))} (choose from {', '.join(MIX)})")
    print("Mix (each client draws its next request from this, no think time):")
    for kind, (weight, what) in MIX.items():
        if kind in args.only or (weight and not args.only):
            print(f"  {round(100 / len(args.only)) if args.only else weight:>3}%  {kind:<18} {what}")
    engines = []
    if args.engine in ("sqlite", "both"):
        engines.append(Engine("sqlite", Path(args.sqlite_dir).resolve(), None))
    if args.engine in ("postgres", "both"):
        engines.append(Engine("postgres", Path(args.pg_dir).resolve(), args.pg_url))
    print(f"Server: gonghui serve, {args.workers} workers × {args.threads} threads, with the background worker; "
          f"{os.cpu_count()} cores. Levels {args.clients}, {args.duration:.0f} s each after {args.warmup:.0f} s "
          f"of warm-up.", flush=True)
    outcomes = {}
    for engine in engines:
        outcomes[engine.name] = asyncio.run(run_engine(engine, args))
    print_comparison(outcomes)
    print_targets(outcomes)


if __name__ == "__main__":
    main()
