"""Throw-away PostgreSQL servers on loopback for tests and benchmarks: a primary, streaming replicas made from
it with pg_basebackup, stopped, killed and restarted at will. The server binaries come from Debian's
`postgresql` package (`make system-deps`); as root, the servers run as the `postgres` system user, because
PostgreSQL refuses to run as root.

    from pgcluster import PgServer
    primary = PgServer.create()            # initdb in a temporary directory, started
    replica = primary.replica()            # streaming standby, started, read-only
    primary.url("gonghui")                 # postgres://gonghui@127.0.0.1:PORT/gonghui
    replica.wait_caught_up(primary)
    primary.destroy(); replica.destroy()

Command line (for benches that keep their data between runs):
    python scripts/pgcluster.py start DATADIR [--port N]     initdb when DATADIR is empty, then start
    python scripts/pgcluster.py stop DATADIR
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "gonghui"


def bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        path = Path(subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip())
        if (path / "initdb").exists():
            return path
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if candidates and (Path(candidates[-1]) / "initdb").exists():
        return Path(candidates[-1])
    raise RuntimeError("PostgreSQL server binaries not found; run 'make system-deps'")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    user = "postgres"
    try:
        import pwd

        pwd.getpwnam(user)
    except KeyError:
        user = "nobody"
    return ["runuser", "-u", user, "--"]


def _own(path: Path) -> None:
    """As root, hand a directory to the user the server runs as."""
    runner = _run_as()
    if runner:
        shutil.chown(path, user=runner[2])


class PgServer:
    def __init__(self, datadir: Path | str, port: int | None = None):
        self.datadir = Path(datadir).resolve()
        self.port = port or free_port()
        self.bin = bindir()
        self.logfile = self.datadir.parent / f"{self.datadir.name}.log"
        self.sockdir = self.datadir.parent

    # --- life cycle ---------------------------------------------------------------------------------------
    @classmethod
    def create(cls, *, port: int | None = None, fast: bool = True, start: bool = True) -> PgServer:
        """A new primary in a temporary directory. `fast` turns off fsync (tests and benches only)."""
        workdir = Path(tempfile.mkdtemp(prefix="gonghui-pg-"))
        _own(workdir)
        server = cls(workdir / "data", port)
        server.init(fast=fast)
        if start:
            server.start()
        return server

    def init(self, *, fast: bool = True) -> None:
        self._run("initdb", "-D", str(self.datadir), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        settings = [
            "listen_addresses = '127.0.0.1'",
            "wal_level = replica",
            "max_wal_senders = 10",
            "hot_standby = on",
            "max_connections = 300",
            "shared_buffers = 256MB",
        ]
        if fast:
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        conf = self.datadir / "postgresql.auto.conf"
        self._append(conf, "\n".join(settings) + "\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.sockdir}", "start")

    def stop(self, mode: str = "fast") -> None:
        """mode "fast" (clean), or "immediate" (as if the machine lost power: crash recovery at next start)."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.datadir), "status", check=False).returncode == 0

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)

    # --- replicas -----------------------------------------------------------------------------------------
    def replica(self, *, port: int | None = None, start: bool = True) -> PgServer:
        """A streaming standby of this server (pg_basebackup -R), in its own temporary directory."""
        workdir = Path(tempfile.mkdtemp(prefix="gonghui-pg-replica-"))
        _own(workdir)
        standby = PgServer(workdir / "data", port)
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-D", str(standby.datadir),
                  "-R", "-X", "stream", "--checkpoint=fast")
        if start:
            standby.start()
        return standby

    def wait_caught_up(self, primary: PgServer, timeout: float = 30) -> None:
        """Wait until this standby has replayed everything the primary has written so far."""
        target = primary.sql("SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done == "t":
                return
            time.sleep(0.05)
        raise TimeoutError(f"replica on port {self.port} did not catch up with {target}")

    # --- helpers ------------------------------------------------------------------------------------------
    def url(self, db: str = "postgres") -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{db}"

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)

    def sql(self, statement: str, db: str = "postgres") -> str:
        result = self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", db,
                           "-XAtq", "-c", statement)
        return result.stdout.strip()

    def _append(self, path: Path, text: str) -> None:
        self._run("sh", "-c", f"cat >> '{path}'", input=text)

    def _run(self, program: str, *args: str, check: bool = True, input: str | None = None):
        executable = str(self.bin / program) if (self.bin / program).exists() else program
        result = subprocess.run([*_run_as(), executable, *args], capture_output=True, text=True, input=input,
                                cwd="/")
        if check and result.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-2000:] if self.logfile.exists() else ""
            raise RuntimeError(f"{program} {' '.join(args)} failed: {result.stderr.strip()}\n{log}")
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("datadir")
    parser.add_argument("--port", type=int, default=55432)
    args = parser.parse_args()
    datadir = Path(args.datadir).resolve()
    server = PgServer(datadir, args.port)
    if args.action == "stop":
        server.stop()
        return
    if not (datadir / "PG_VERSION").exists():
        datadir.parent.mkdir(parents=True, exist_ok=True)
        _own(datadir.parent)
        server.init(fast=True)
        server.start()
        server.createdb("gonghui")
    elif not server.running():
        server.start()
    print(server.url("gonghui"))


if __name__ == "__main__":
    main()
