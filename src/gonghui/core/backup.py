"""Backup and restore of a whole Gonghui installation: the database, the uploaded files and the field key.

One archive (a .tar.gz, mode 0600) holds, in this order:

    gonghui-backup.json   format, engine and date, so `restore` can refuse the wrong engine at once
    database/...          SQLite: a copy made with SQLite's online backup API (consistent while the server
                          and the worker write; WAL readers do not block writers); PostgreSQL: `pg_dump
                          --format=custom` taken in an exported snapshot, the same one the row counts come from
    field_key             the key of the encrypted fields (core/crypto.py), when it comes from VAR_DIR/field_key
    media/...             every file under MEDIA_ROOT (evidence photos and documents, roster uploads)
    manifest.json         versions, the applied migrations, the rows of every table, and the size and sha256 of
                          every other member

`restore` reads and checks the whole archive (every member's sha256 and size against the manifest, nothing
missing, nothing extra, the engine, the field key) before it touches anything; then it replaces the database
(SQLite: the backup API into the live database; PostgreSQL: `pg_restore --clean --if-exists --no-owner
--single-transaction`), installs the key, makes MEDIA_ROOT exactly the archive's files (each written under a
temporary name and renamed), and counts every table's rows again against the manifest.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from . import crypto

FORMAT = 1
HEADER = "gonghui-backup.json"
MANIFEST = "manifest.json"
KEY_MEMBER = "field_key"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"sqlite": "database/gonghui.sqlite3", "postgresql": "database/gonghui.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# tables that a freshly migrated database already has rows in: they do not make it "not empty"
SCHEMA_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1024 * 1024
GZIP_LEVEL = 1  # level 1 is twice as fast as 6 on this data and the archive is only ~5 % larger


class BackupError(Exception):
    """A refusal or failure, in words for the administrator (the commands show it as a CommandError)."""


@dataclass
class BackupResult:
    path: Path
    size: int
    engine: str
    tables: dict[str, int]
    files: int
    file_bytes: int
    database_bytes: int
    key_source: str  # "file" (included) or "environment" (not included)
    key_path: str
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass
class RestoreResult:
    path: Path
    engine: str
    created_at: str
    tables: dict[str, int]
    files: int
    files_removed: int
    key_installed: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# --- what the database is ---------------------------------------------------------------------------------------

def engine_of(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def _table_names(cursor, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "ORDER BY name")
    else:
        # the tables of the schemas on the search path (public), not the system catalogues
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(current_schemas(false)) "
                       "AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY c.relname")
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(cursor, engine: str) -> dict[str, int]:
    counts = {}
    for table in _table_names(cursor, engine):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor, tables) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def current_counts(alias: str = "default") -> dict[str, int]:
    """The rows of every table of the live database."""
    engine = engine_of(alias)
    with connections[alias].cursor() as cursor:
        return _row_counts(cursor, engine)


# --- the field key ---------------------------------------------------------------------------------------------

def _key_fingerprint(value: str) -> str:
    """A short tag of a master key, to tell keys apart without revealing them."""
    return hashlib.sha256(b"gonghui field key fingerprint\0" + base64.b64decode(value.strip())).hexdigest()[:16]


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / "field_key"


def _current_key() -> tuple[str, str | None]:
    """(source, base64 value or None): where this installation's field key comes from."""
    value = os.environ.get("GONGHUI_FIELD_KEY", "").strip()
    if value:
        return "environment", value
    path = _key_file()
    if path.exists():
        return "file", path.read_text().strip()
    return "file", None


# --- helpers ----------------------------------------------------------------------------------------------------

def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads at most `size` bytes of a file for tarfile, hashing what it hands over."""

    def __init__(self, handle, size: int):
        self.handle = handle
        self.left = size
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.left:
            size = self.left
        data = self.handle.read(size)
        self.left -= len(data)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(handle, stat.st_size)
        archive.addfile(info, reader)
    return {"size": stat.st_size, "sha256": reader.digest.hexdigest()}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> dict:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _media_files(root: Path) -> list[tuple[str, Path]]:
    """(relative POSIX path, path) of every regular file under MEDIA_ROOT, sorted; temporary files of an
    unfinished restore are left out."""
    if not root.is_dir():
        return []
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            if name.startswith(".gonghui-restore-") or not path.is_file() or path.is_symlink():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def default_backup_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


# --- PostgreSQL tools -------------------------------------------------------------------------------------------

def _tool_version(path: str) -> int | None:
    try:
        output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.(\d+))?", output)
    return int(match.group(1)) if match else None


def _tool_candidates(tool: str) -> list[str]:
    candidates = []
    found = shutil.which(tool)
    if found:
        candidates.append(found)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                    timeout=20).stdout.strip()
            if bindir:
                candidates.append(str(Path(bindir) / tool))
    versions = []
    for directory in Path("/usr/lib/postgresql").glob("*/bin"):
        with contextlib.suppress(ValueError):
            versions.append((float(directory.parent.name), str(directory / tool)))
    candidates += [path for _version, path in sorted(versions, reverse=True)]
    unique = []
    for path in candidates:
        if os.access(path, os.X_OK) and path not in unique:
            unique.append(path)
    return unique


def find_pg_tool(tool: str, server_major: int) -> str:
    """pg_dump or pg_restore: from PATH, else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin;
    the first whose major version is at least the server's (an older one refuses a newer server's data)."""
    candidates = [(path, _tool_version(path)) for path in _tool_candidates(tool)]
    for path, major in candidates:
        if major is not None and major >= server_major:
            return path
    if candidates:
        raise BackupError(_("%(tool)s %(found)s is older than the PostgreSQL %(server)d server; install the "
                            "PostgreSQL %(server)d client tools (apt-get install postgresql-client-%(server)d).")
                          % {"tool": tool, "found": ", ".join(f"{path} ({major})" for path, major in candidates),
                             "server": server_major})
    raise BackupError(_("%(tool)s was not found (not on PATH, not in `pg_config --bindir`, not in "
                        "/usr/lib/postgresql/*/bin); install the PostgreSQL client tools "
                        "(apt-get install postgresql-client).") % {"tool": tool})


def _pg_env(settings_dict: dict) -> tuple[dict, str]:
    """The libpq environment for the connection Django uses (the password through PGPASSWORD, never on the
    command line), and the database name."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    pairs = {"PGHOST": settings_dict.get("HOST") or options.get("host"),
             "PGPORT": settings_dict.get("PORT") or options.get("port"),
             "PGUSER": settings_dict.get("USER") or options.get("user"),
             "PGPASSWORD": settings_dict.get("PASSWORD") or options.get("password"),
             "PGSSLMODE": options.get("sslmode"), "PGSSLROOTCERT": options.get("sslrootcert"),
             "PGSSLCERT": options.get("sslcert"), "PGSSLKEY": options.get("sslkey")}
    for name, value in pairs.items():
        if value:
            env[name] = str(value)
    name = settings_dict["NAME"]
    env["PGDATABASE"] = name
    return env, name


def _run_tool(command: list[str], env: dict, what: str) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-8:]
        raise BackupError(_("%(what)s failed (exit %(code)d): %(detail)s")
                          % {"what": what, "code": completed.returncode, "detail": "\n".join(detail)})


# --- backup -----------------------------------------------------------------------------------------------------

def _snapshot_sqlite(alias: str, target: Path) -> dict:
    """Copy the live database into `target` with SQLite's online backup API, in one step (one read
    transaction: a consistent snapshot, while WAL lets the server and the worker go on writing), then count
    the copy's rows, so the counts are exactly those of the copy."""
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination, pages=0)
        destination.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        cursor = destination.cursor()
        tables = _row_counts(cursor, "sqlite")
        migrations = _migrations(cursor, tables)
        cursor.close()
    finally:
        destination.close()
    return {"tables": tables, "migrations": migrations,
            "server_version": sqlite3.sqlite_version}


def _snapshot_postgresql(alias: str, target: Path) -> dict:
    """pg_dump in a snapshot exported by a REPEATABLE READ transaction that also counts the rows, so the
    manifest's counts are those of the dump even while the server writes."""
    connection = connections[alias]
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')::int, "
                       "current_setting('server_version')")
        snapshot, version_num, version = cursor.fetchone()
        tables = _row_counts(cursor, "postgresql")
        migrations = _migrations(cursor, tables)
        pg_dump = find_pg_tool("pg_dump", version_num // 10000)
        env, name = _pg_env(connection.settings_dict)
        # no compression inside the dump: the archive's gzip compresses it once
        _run_tool([pg_dump, "--format=custom", "--compress=0", "--no-password", f"--snapshot={snapshot}",
                   f"--file={target}", f"--dbname={name}"], env, "pg_dump")
        cursor.execute("COMMIT")
        cursor.close()
    finally:
        raw.close()
    return {"tables": tables, "migrations": migrations, "server_version": version, "pg_dump": pg_dump}


def _output_path(out: str | Path | None, engine: str, now: datetime.datetime) -> Path:
    name = f"gonghui-{engine}-{now:%Y%m%d-%H%M%S}.tar.gz"
    if out is None:
        directory = default_backup_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return directory / name
    path = Path(out).expanduser()
    if path.is_dir():
        return path / name
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    return path


def create_backup(*, out: str | Path | None = None, alias: str = "default",
                  progress: Callable[[str], None] | None = None) -> BackupResult:
    """Write one archive of the database, MEDIA_ROOT and (when it is a file) the field key; see the module."""
    started = time.perf_counter()
    engine = engine_of(alias)
    now = timezone.localtime()
    path = _output_path(out, engine, now)
    if path.exists():
        raise BackupError(_("%(path)s already exists; give another --out.") % {"path": path})
    say = progress or (lambda _line: None)
    key_source, key_value = _current_key()
    if key_value is None:
        crypto.derived_keys()  # the key is created on first use: create it now so that the backup holds it
        key_source, key_value = _current_key()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve().parent.is_relative_to(media_root):
        raise BackupError(_("The archive cannot be written inside MEDIA_ROOT (%(folder)s), which it backs up.")
                          % {"folder": media_root})

    partial = path.with_name(f".{path.name}.partial")
    workdir = Path(tempfile.mkdtemp(prefix=".gonghui-backup-", dir=path.parent))
    try:
        database_file = workdir / Path(DATABASE_MEMBERS[engine]).name
        say(_("Copying the database…"))
        snapshot = (_snapshot_sqlite if engine == "sqlite" else _snapshot_postgresql)(alias, database_file)
        header = {"format": FORMAT, "engine": engine, "created_at": now.isoformat()}
        header_bytes = json.dumps(header, ensure_ascii=False, indent=2).encode()
        manifest = {
            **header,
            "gonghui_version": _gonghui_version(),
            "django_version": django.get_version(),
            "database": {"server_version": snapshot["server_version"]},
            "migrations": snapshot["migrations"],
            "tables": snapshot["tables"],
            "field_key": {"source": key_source, "included": key_source == "file",
                          "fingerprint": _key_fingerprint(key_value)},
            "members": {},
            "files": [],
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz", compresslevel=GZIP_LEVEL, format=tarfile.PAX_FORMAT) as tar:
            manifest["members"][HEADER] = _add_bytes(tar, HEADER, header_bytes)
            say(_("Compressing the database…"))
            member = DATABASE_MEMBERS[engine]
            manifest["members"][member] = _add_file(tar, member, database_file)
            database_file.unlink()
            if key_source == "file":
                manifest["members"][KEY_MEMBER] = _add_bytes(tar, KEY_MEMBER, _key_file().read_bytes())
            say(_("Adding the uploaded files…"))
            file_bytes = 0
            for relative, file_path in _media_files(media_root):
                entry = _add_file(tar, MEDIA_PREFIX + relative, file_path)
                manifest["files"].append({"path": relative, **entry})
                file_bytes += entry["size"]
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return BackupResult(path=path, size=path.stat().st_size, engine=engine, tables=snapshot["tables"],
                        files=len(manifest["files"]), file_bytes=file_bytes,
                        database_bytes=manifest["members"][DATABASE_MEMBERS[engine]]["size"],
                        key_source=key_source, key_path=str(_key_file()), seconds=time.perf_counter() - started)


def _gonghui_version() -> str:
    try:
        return metadata.version("gonghui")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- reading and checking an archive ----------------------------------------------------------------------------

def _safe_media_path(relative: str) -> bool:
    parts = PurePosixPath(relative).parts
    return bool(parts) and not relative.startswith("/") and ".." not in parts and "\\" not in relative


def _expected_members(manifest: dict) -> dict[str, dict]:
    expected = dict(manifest.get("members") or {})
    for entry in manifest.get("files") or []:
        if not _safe_media_path(entry.get("path", "")):
            raise BackupError(_("The archive names an unsafe file path: %(path)s.") % {"path": entry.get("path")})
        expected[MEDIA_PREFIX + entry["path"]] = entry
    return expected


def _check_header(header: dict, engine: str, path: Path) -> None:
    if header.get("format") != FORMAT:
        raise BackupError(_("%(path)s is a backup of format %(format)s; this Gonghui reads format %(ours)d.")
                          % {"path": path, "format": header.get("format"), "ours": FORMAT})
    if header.get("engine") != engine:
        raise BackupError(_("%(path)s is a %(theirs)s backup; this installation uses %(ours)s. A backup can only "
                            "be restored into the same kind of database.")
                          % {"path": path, "theirs": ENGINE_NAMES.get(header.get("engine"), header.get("engine")),
                             "ours": ENGINE_NAMES[engine]})


def read_archive(path: str | Path, *, engine: str, staging: Path) -> dict:
    """Read the whole archive into `staging`, hashing every member, and check it against its manifest: the
    engine, every member present with its size and sha256, nothing else. Returns the manifest; raises
    BackupError (nothing outside `staging` touched) otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s does not exist.") % {"path": path})
    seen: dict[str, dict] = {}
    manifest = None
    header = None
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for number, info in enumerate(tar):
                if not info.isfile():
                    raise BackupError(_("The archive holds %(name)s, which is not a plain file.")
                                      % {"name": info.name})
                if info.name in seen or (info.name == MANIFEST and manifest is not None):
                    raise BackupError(_("The archive holds %(name)s twice.") % {"name": info.name})
                source = tar.extractfile(info)
                if info.name in (HEADER, MANIFEST):
                    if info.size > 64 * 1024 * 1024:
                        raise BackupError(_("%(name)s in the archive is too large.") % {"name": info.name})
                    data = source.read()
                    try:
                        document = json.loads(data)
                    except ValueError:
                        raise BackupError(_("%(name)s in the archive is not valid JSON.")
                                          % {"name": info.name}) from None
                    if info.name == HEADER:
                        if number != 0 or not isinstance(document, dict):
                            raise BackupError(_("%(path)s is not a Gonghui backup.") % {"path": path})
                        header = document
                        _check_header(header, engine, path)  # the wrong engine is refused before reading on
                        seen[HEADER] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                    else:
                        manifest = document
                    continue
                if header is None:
                    raise BackupError(_("%(path)s is not a Gonghui backup.") % {"path": path})
                if info.name.startswith(MEDIA_PREFIX):
                    if not _safe_media_path(info.name[len(MEDIA_PREFIX):]):
                        raise BackupError(_("The archive names an unsafe file path: %(path)s.")
                                          % {"path": info.name})
                elif info.name not in DATABASE_MEMBERS.values() and info.name != KEY_MEMBER:
                    raise BackupError(_("The archive holds %(name)s, which a Gonghui backup does not have.")
                                      % {"name": info.name})
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[info.name] = {"size": size, "sha256": digest.hexdigest()}
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError, zlib.error) as error:
        raise BackupError(_("%(path)s cannot be read as a backup archive (%(error)s); it is damaged or "
                            "incomplete.") % {"path": path, "error": error}) from None
    if header is None:
        raise BackupError(_("%(path)s is not a Gonghui backup.") % {"path": path})
    if manifest is None:
        raise BackupError(_("The archive has no manifest.json; it is damaged or incomplete."))
    shapes = {"created_at": str, "tables": dict, "files": list, "members": dict, "field_key": dict, "migrations": list}
    if not isinstance(manifest, dict) or any(not isinstance(manifest.get(key), kind) for key, kind in shapes.items()):
        raise BackupError(_("The archive's manifest.json lacks what a Gonghui backup records; it is damaged."))
    _check_header(manifest, engine, path)
    if any(manifest.get(key) != header.get(key) for key in ("format", "engine", "created_at")):
        raise BackupError(_("The archive's manifest does not match its header; it is damaged."))
    expected = _expected_members(manifest)
    if DATABASE_MEMBERS[engine] not in expected:
        raise BackupError(_("The archive's manifest names no database."))
    for name, entry in expected.items():
        got = seen.get(name)
        if got is None:
            raise BackupError(_("%(name)s is missing from the archive.") % {"name": name})
        if got["size"] != entry.get("size") or got["sha256"] != entry.get("sha256"):
            raise BackupError(_("%(name)s in the archive does not match its checksum in the manifest; the archive "
                                "is damaged.") % {"name": name})
    extra = sorted(set(seen) - set(expected))
    if extra:
        raise BackupError(_("The archive holds %(name)s, which its manifest does not list.") % {"name": extra[0]})
    return manifest


# --- restore ----------------------------------------------------------------------------------------------------

def _is_empty(counts: dict[str, int]) -> bool:
    return not any(rows for table, rows in counts.items() if table not in SCHEMA_TABLES)


def _restore_sqlite(alias: str, source_file: Path) -> None:
    """Copy the archive's database into the live one with the backup API: one write transaction, so the server
    and the worker see either the old database or the restored one."""
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        source.backup(connection.connection, pages=0)
    except sqlite3.Error as error:
        raise BackupError(_("SQLite could not restore the database (%(error)s); is the server or the worker "
                            "writing? Stop them and try again.") % {"error": error}) from None
    finally:
        source.close()


def _restore_postgresql(alias: str, source_file: Path) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        version_num = cursor.fetchone()[0]
    pg_restore = find_pg_tool("pg_restore", version_num // 10000)
    connections.close_all()  # pg_restore --clean drops the tables: no connection of ours may hold a lock
    env, name = _pg_env(connection.settings_dict)
    # a server or worker in the middle of a transaction would make the DROPs wait: give up after a while
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c lock_timeout=60s").strip()
    _run_tool([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password",
               f"--dbname={name}", str(source_file)], env, "pg_restore")


def _install_key(data: bytes) -> bool:
    """Write the archive's field key file to VAR_DIR/field_key (mode 0600, temporary name then rename); True when
    it changed. The key it replaces, if different, is kept beside it."""
    path = _key_file()
    if path.exists() and path.read_bytes().strip() == data.strip():
        return False
    if path.exists():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(path, path.with_name(f"field_key.before-restore-{stamp}"))
    temporary = path.with_name(".field_key.restore")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
    crypto.reset_keys()
    return True


def _restore_media(manifest: dict, staging: Path, media_root: Path) -> int:
    """Make MEDIA_ROOT hold exactly the archive's files: each one not already there with the same bytes is
    written under a temporary name and renamed; files the archive does not have are removed. Returns how many
    files were removed."""
    media_root.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for entry in manifest["files"]:
        wanted[entry["path"]] = entry
        target = media_root / entry["path"]
        if target.is_file() and not target.is_symlink() and target.stat().st_size == entry["size"] \
                and _sha256_file(target) == entry["sha256"]:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".gonghui-restore-{target.name}")
        source = staging / (MEDIA_PREFIX + entry["path"])
        try:
            os.replace(source, temporary)  # same file system: a rename; otherwise copy
        except OSError:
            shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    removed = 0
    for relative, path in _media_files(media_root):
        if relative not in wanted:
            path.unlink()
            removed += 1
    for directory, _dirnames, _filenames in sorted(os.walk(media_root), key=lambda item: -len(item[0])):
        if Path(directory) != media_root:
            with contextlib.suppress(OSError):
                os.rmdir(directory)  # only empty ones
    return removed


def _migration_warnings(manifest: dict) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    on_disk = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    in_archive = {f"{app}.{name}" for app, name in manifest.get("migrations") or []}
    warnings = []
    newer = sorted(in_archive - on_disk)
    if newer:
        warnings.append(_("The backup has %(count)d migrations this version of Gonghui does not know (e.g. "
                          "%(name)s): it was made by a newer version.") % {"count": len(newer), "name": newer[0]})
    missing = sorted(on_disk - in_archive)
    if missing and in_archive:
        warnings.append(_("The backup lacks %(count)d migrations of this version (e.g. %(name)s): run `gonghui "
                          "migrate` after the restore.") % {"count": len(missing), "name": missing[0]})
    return warnings


def restore_backup(*, path: str | Path, alias: str = "default",
                   confirm: Callable[[dict[str, int]], bool] | None = None,
                   progress: Callable[[str], None] | None = None) -> RestoreResult:
    """Check the archive, then replace the database, the field key and MEDIA_ROOT with its contents; see the
    module. `confirm(current_counts)` is asked when the database is not empty (None: refuse)."""
    started = time.perf_counter()
    path = Path(path)
    engine = engine_of(alias)
    say = progress or (lambda _line: None)
    media_root = Path(settings.MEDIA_ROOT)
    staging_parent = media_root.parent if media_root.parent.is_dir() else Path(settings.VAR_DIR)
    staging = Path(tempfile.mkdtemp(prefix=".gonghui-restore-", dir=staging_parent))
    try:
        say(_("Checking the archive…"))
        manifest = read_archive(path, engine=engine, staging=staging)
        key = manifest["field_key"]
        key_value = None
        if key.get("included"):
            key_value = (staging / KEY_MEMBER).read_bytes()
            if _key_fingerprint(key_value.decode()) != key.get("fingerprint"):
                raise BackupError(_("The field key in the archive does not match its manifest; the archive is "
                                    "damaged."))
            environment = os.environ.get("GONGHUI_FIELD_KEY", "").strip()
            if environment and _key_fingerprint(environment) != key["fingerprint"]:
                raise BackupError(_("GONGHUI_FIELD_KEY is set to a different key than the one in the backup, and "
                                    "it would hide the restored key: unset it (the key is restored to %(path)s) "
                                    "or set it to the backup's key.") % {"path": _key_file()})
        else:
            _source, current = _current_key()
            if current is None or _key_fingerprint(current) != key.get("fingerprint"):
                raise BackupError(_("The backup was made with a field key from GONGHUI_FIELD_KEY, and the key "
                                    "set now is not that key: set GONGHUI_FIELD_KEY to the key used then, "
                                    "otherwise the restored ID and mobile numbers cannot be read."))
        warnings = _migration_warnings(manifest)

        counts = current_counts(alias)
        if not _is_empty(counts) and not (confirm and confirm(counts)):
            raise BackupError(_("The database is not empty (%(rows)s rows); restoring replaces all of it. Run "
                                "again with --yes to go ahead.") % {"rows": f"{sum(counts.values()):,}"})

        say(_("Restoring the database…"))
        connections.close_all()
        database_file = staging / DATABASE_MEMBERS[engine]
        if engine == "sqlite":
            _restore_sqlite(alias, database_file)
        else:
            _restore_postgresql(alias, database_file)
        connections.close_all()
        key_installed = _install_key(key_value) if key_value else False
        crypto.reset_keys()
        say(_("Restoring the uploaded files…"))
        removed = _restore_media(manifest, staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    say(_("Counting the restored rows…"))
    after = current_counts(alias)
    expected = manifest["tables"]
    wrong = [table for table in sorted(set(expected) | set(after))
             if table in expected and after.get(table) != expected[table]]
    if wrong:
        raise BackupError(_("After the restore, %(count)d tables do not hold the rows of the backup (e.g. %(table)s: "
                            "%(got)s rows, the backup has %(want)s).")
                          % {"count": len(wrong), "table": wrong[0], "got": after.get(wrong[0], "—"),
                             "want": expected[wrong[0]]})
    extra = sorted(set(after) - set(expected))
    if extra:
        warnings.append(_("%(count)d tables are not in the backup and were left as they were (e.g. %(table)s).")
                        % {"count": len(extra), "table": extra[0]})
    return RestoreResult(path=path, engine=engine, created_at=manifest["created_at"], tables=expected,
                         files=len(manifest["files"]), files_removed=removed, key_installed=key_installed,
                         seconds=time.perf_counter() - started, warnings=warnings)
