"""`gonghui serve`: the production web server (gunicorn) with its workers, and optionally the background worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import CommandError, get_commands
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from gonghui.core.commands import DescribedCommand


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))


class Command(DescribedCommand):
    help = """Serve Gonghui in production: gunicorn with several worker processes (each with threads), static
files from var/static through WhiteNoise (compressed, cached for a year by their hashed names), one JSON line per
request on stderr (LOG_FORMAT=text for plain lines). Run `gonghui migrate` and `gonghui collectstatic --noinput`
first; the command refuses to start without them.

  gonghui serve                                   127.0.0.1:8000, WEB_CONCURRENCY or 2×cores+1 processes
  gonghui serve --bind 0.0.0.0:8000 --workers 5   behind a reverse proxy on another host
  gonghui serve --with-worker                     also runs the background worker and restarts it if it dies

Environment: GONGHUI_BIND, WEB_CONCURRENCY, WEB_THREADS, FORWARDED_ALLOW_IPS (proxies whose X-Forwarded-*
headers are trusted, default 127.0.0.1), and the settings' variables (DATABASE_URL, SECRET_KEY, …)."""

    def add_arguments(self, parser):
        parser.add_argument("--bind", action="append",
                            help="HOST:PORT or unix:PATH to listen on; repeat for several (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="worker processes (default: WEB_CONCURRENCY or 2×cores+1)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")),
                            help="threads per worker process (default: WEB_THREADS or 2)")
        parser.add_argument("--timeout", type=int, default=60,
                            help="seconds before a stuck request's worker is killed and replaced (default 60)")
        parser.add_argument("--max-requests", type=int, default=5000,
                            help="a worker process is replaced after this many requests, ± 10%% (0: never)")
        parser.add_argument("--with-worker", action="store_true",
                            help="also run the background worker (imports, exports), restarted if it stops")
        parser.add_argument("--access-log", action="store_true",
                            help="also write gunicorn's access log (it holds query strings: searches by name)")

    def handle(self, *args, **options):
        self._check_ready()
        binds = options["bind"] or [os.environ.get("GONGHUI_BIND", "127.0.0.1:8000")]
        config = {
            "bind": binds,
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread" if options["threads"] > 1 else "sync",
            "timeout": options["timeout"],
            "graceful_timeout": 30,
            "keepalive": 5,
            "max_requests": options["max_requests"],
            "max_requests_jitter": options["max_requests"] // 10,
            # Django is loaded once in the master and the workers are forked from it: faster start, shared memory
            "preload_app": True,
            "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "proc_name": "gonghui",
            "errorlog": "-",
            "loglevel": "warning",
            "accesslog": "-" if options["access_log"] else None,
        }
        if os.path.isdir("/dev/shm"):
            config["worker_tmp_dir"] = "/dev/shm"
        # no database connection may cross the fork into the workers
        connections.close_all()
        if options["with_worker"]:
            sys.exit(_Supervisor(self.stderr).run())
        self.stdout.write(f"Gonghui: http://{binds[0]}/ ({options['workers']} × {options['threads']} threads)")
        self.stdout.flush()
        _GunicornApplication(config).run()

    def _check_ready(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as error:
            raise CommandError(f"数据库无法连接（{error}）。请检查 DATABASE_URL。") from error
        if pending:
            raise CommandError(f"数据库还有 {len(pending)} 个迁移未执行：请先运行 gonghui migrate。")
        if not settings.DEBUG and not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError("静态文件尚未收集：请先运行 gonghui collectstatic --noinput。")


class _GunicornApplication:
    """gunicorn's BaseApplication with the options given here instead of a config file or its own arguments."""

    def __new__(cls, config):
        from gunicorn.app.base import BaseApplication

        class Application(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                from gonghui.wsgi import application

                return application

        sys.argv = sys.argv[:1]  # gunicorn must not read Django's command line as its own
        return Application()


class _Supervisor:
    """`serve --with-worker`: the web server and the background worker as two child processes of this one, which
    passes SIGTERM/SIGINT on to both, starts the worker again if it exits (killed, crashed), and stops when the web
    server stops. (The worker is not a child of gunicorn's master, which reaps every child it has.)"""

    def __init__(self, stderr):
        self.stderr = stderr
        self.stopping = False
        argv = [arg for arg in sys.argv[1:] if arg != "--with-worker"]
        self.web_argv = [sys.executable, "-m", "gonghui.cli", *argv]
        command = "worker" if "worker" in get_commands() else "db_worker"
        self.worker_argv = [sys.executable, "-m", "gonghui.cli", command, "--queue-name", "default", "--no-reload"]

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        web = subprocess.Popen(self.web_argv, preexec_fn=_die_with_parent)
        worker = subprocess.Popen(self.worker_argv, preexec_fn=_die_with_parent)
        while True:
            code = web.poll()
            if code is not None:
                self.stopping = True
                _terminate(worker)
                return code
            if worker.poll() is not None and not self.stopping:
                self.stderr.write(f"background worker exited with {worker.returncode}; starting it again")
                time.sleep(1)
                worker = subprocess.Popen(self.worker_argv, preexec_fn=_die_with_parent)
            if self.stopping:
                _terminate(worker)
                _terminate(web)
            time.sleep(0.5)

    def _stop(self, signum, frame) -> None:
        self.stopping = True


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _die_with_parent() -> None:
    """In the child: ask Linux to stop it if this process is killed, rather than leave it running alone."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
