"""Backup and restore at district scale: `gonghui backup` and `gonghui restore` run as an administrator runs them
(the real commands, in their own processes), timed, while a writer keeps inserting rows during the backup to
show that the online copy is consistent (restore counts every table against the manifest and would fail
otherwise).

    .venv/bin/python bench/backup.py [--fresh] [--media-files 300] [--media-kb 256]
    DATABASE_URL=... .venv/bin/python bench/backup.py --pg-members 100000
    bash scripts/with-postgres.sh .venv/bin/python bench/backup.py --pg-members 100000

SQLite (no DATABASE_URL): var/bench5 (1.5 GB, 1,000,000 members and a year of records; never written here) is
copied once to var/bench_backup (again with --fresh), given MEDIA_ROOT files (random bytes, like photos, which
do not compress), backed up into var/bench_backup_archives/, and restored in place.

PostgreSQL (DATABASE_URL set): the database is migrated and, when it has no district yet, seeded with
`gonghui seed --scale district --members N` (not timed); it is backed up, and the archive restored into a
scratch database `<name>_restore` on the same server (created and dropped here), as on a fresh server.

Prints seconds, sizes and MB/s; nothing is asserted. The run is bounded: one backup, one restore.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
GONGHUI = [sys.executable, "-c", "from gonghui.cli import main; main()"]
if (ROOT / ".venv/bin/gonghui").exists():
    GONGHUI = [str(ROOT / ".venv/bin/gonghui")]


def run(command: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}")
    return seconds, completed.stdout + completed.stderr


def make_media(media: Path, count: int, kilobytes: int) -> int:
    """`count` files of random bytes under media/evidence (incompressible, like photos); kept between runs."""
    rng = random.Random(2026)
    total = 0
    for number in range(count):
        path = media / "evidence" / "2025" / f"{number % 12 + 1:02d}" / f"photo-{number:05d}.jpg"
        size = kilobytes * 1024 + rng.randrange(1024)
        if not path.exists() or path.stat().st_size != size:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\xff\xd8\xff" + rng.randbytes(size - 3))
        else:
            rng.randbytes(size - 3)
        total += size
    return total


class Writer(threading.Thread):
    """Inserts a session row every few milliseconds until stopped: the server's writes during a backup."""

    def __init__(self, connect, placeholder: str):
        super().__init__(daemon=True)
        self.connect = connect
        self.placeholder = placeholder
        self.stop = threading.Event()
        self.rows = 0
        self.error = None

    def run(self):
        try:
            connection = self.connect()
            cursor = connection.cursor()
            p = self.placeholder
            while not self.stop.is_set():
                key = f"bench-backup-{time.time_ns()}"
                cursor.execute(f"INSERT INTO django_session (session_key, session_data, expire_date) "
                               f"VALUES ({p}, {p}, {p})", (key, "x", "2030-01-01 00:00:00+00:00"))
                connection.commit()
                self.rows += 1
                time.sleep(0.005)
            connection.close()
        except Exception as error:  # reported, not raised: the bench goes on
            self.error = error


def archive_figures(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    database = next(entry for name, entry in manifest["members"].items() if name.startswith("database/"))
    return {"database": database["size"], "media": sum(entry["size"] for entry in manifest["files"]),
            "files": len(manifest["files"]), "rows": sum(manifest["tables"].values()),
            "sessions": manifest["tables"].get("django_session", 0)}


def report(label: str, seconds: float, figures: dict, archive: Path) -> None:
    data = figures["database"] + figures["media"]
    print(f"  {label:<8} {seconds:7.1f} s   {data / 1e6 / seconds:6.1f} MB/s of data "
          f"({figures['database'] / 1e6:,.0f} MB database + {figures['media'] / 1e6:,.0f} MB in "
          f"{figures['files']} files, {figures['rows']:,} rows); archive {archive.stat().st_size / 1e6:,.0f} MB")


def backup_while_writing(connect, placeholder: str, out: Path, env: dict, engine: str) -> tuple[dict, Path, Writer]:
    """`gonghui backup` timed and reported while a Writer inserts rows on its own connection."""
    writer = Writer(connect, placeholder)
    writer.start()
    seconds, _output = run([*GONGHUI, "backup", "--out", str(out)], env)
    writer.stop.set()
    writer.join()
    archive = next(out.glob(f"gonghui-{engine}-*.tar.gz"))
    figures = archive_figures(archive)
    report("backup", seconds, figures, archive)
    return figures, archive, writer


def sqlite_bench(args) -> None:
    import sqlite3

    source = ROOT / "var" / "bench5"
    var = ROOT / "var" / "bench_backup"
    if not (source / "gonghui.sqlite3").exists():
        sys.exit("var/bench5 is missing: build it with `gonghui seed --scale district` and "
                 "`gonghui seed --scale district-year` (GONGHUI_VAR_DIR=var/bench5)")
    if args.fresh or not (var / "gonghui.sqlite3").exists():
        shutil.rmtree(var, ignore_errors=True)
        started = time.perf_counter()
        shutil.copytree(source, var)
        print(f"copied var/bench5 to var/bench_backup in {time.perf_counter() - started:.1f} s")
    env = {**os.environ, "GONGHUI_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    env.pop("GONGHUI_FIELD_KEY", None)
    make_media(var / "media", args.media_files, args.media_kb)
    run([*GONGHUI, "migrate", "-v0"], env)
    database = var / "gonghui.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM django_session WHERE session_key LIKE 'bench-backup-%'")
    out = ROOT / "var" / "bench_backup_archives"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(mode=0o700)

    with sqlite3.connect(database) as connection:
        sessions_before = connection.execute("SELECT COUNT(*) FROM django_session").fetchone()[0]
    print(f"SQLite: {database.stat().st_size / 1e9:.2f} GB database, {args.media_files} media files")
    figures, archive, writer = backup_while_writing(lambda: sqlite3.connect(database, timeout=20), "?", out, env,
                                                    "sqlite")
    print(f"           while a writer inserted {writer.rows} rows (the archive holds the "
          f"{figures['sessions'] - sessions_before} committed when the copy began)"
          f"{f'; writer error: {writer.error}' if writer.error else ''}")
    seconds, output = run([*GONGHUI, "restore", str(archive), "--yes"], env)
    report("restore", seconds, figures, archive)
    print("\n".join("           " + line for line in output.strip().splitlines()))


def postgres_bench(args) -> None:
    import dj_database_url
    import psycopg

    url = os.environ["DATABASE_URL"]
    var = ROOT / "var" / "bench_backup_pg"
    var.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GONGHUI_VAR_DIR": str(var)}
    env.pop("GONGHUI_FIELD_KEY", None)
    run([*GONGHUI, "migrate", "-v0"], env)
    settings = dj_database_url.parse(url)
    params = {"host": settings["HOST"], "port": settings["PORT"] or None, "user": settings["USER"],
              "password": settings["PASSWORD"] or None, "dbname": settings["NAME"]}
    with psycopg.connect(**params) as connection:
        members = connection.execute("SELECT COUNT(*) FROM members_member").fetchone()[0]
        connection.execute("DELETE FROM django_session WHERE session_key LIKE 'bench-backup-%'")
    if members == 0:
        print(f"seeding a district of {args.pg_members:,} members (not timed)…", flush=True)
        seconds, _output = run([*GONGHUI, "seed", "--scale", "district", "--members", str(args.pg_members)], env)
        print(f"  seeded in {seconds:.0f} s")
    make_media(var / "media", args.media_files, args.media_kb)
    out = var / "archives"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(mode=0o700)
    with psycopg.connect(**params) as connection:
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    print(f"PostgreSQL: {size / 1e9:.2f} GB database, {args.media_files} media files")

    figures, archive, writer = backup_while_writing(lambda: psycopg.connect(**params), "%s", out, env, "postgresql")
    print(f"           while a writer inserted {writer.rows} rows{f'; error: {writer.error}' if writer.error else ''}")

    scratch = f"{settings['NAME']}_restore"
    target_var = ROOT / "var" / "bench_backup_pg_restore"
    shutil.rmtree(target_var, ignore_errors=True)
    target_var.mkdir(parents=True)
    with psycopg.connect(**params, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        connection.execute(f'CREATE DATABASE "{scratch}"')
    try:
        parts = urlsplit(url)
        target_env = {**env, "GONGHUI_VAR_DIR": str(target_var),
                      "DATABASE_URL": urlunsplit(parts._replace(path="/" + scratch))}
        seconds, output = run([*GONGHUI, "restore", str(archive), "--yes"], target_env)
        report("restore", seconds, figures, archive)
        print("           into an empty database on the same server:")
        print("\n".join("           " + line for line in output.strip().splitlines()))
    finally:
        with psycopg.connect(**params, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        shutil.rmtree(target_var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="SQLite: copy var/bench5 again")
    parser.add_argument("--media-files", type=int, default=300, help="uploaded files to add (default 300)")
    parser.add_argument("--media-kb", type=int, default=256, help="size of each file in KB (default 256)")
    parser.add_argument("--pg-members", type=int, default=100_000,
                        help="PostgreSQL: members of the district seeded into an empty database (default 100,000)")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        postgres_bench(args)
    else:
        sqlite_bench(args)


if __name__ == "__main__":
    main()
