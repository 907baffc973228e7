"""`gonghui backup` / `gonghui restore` (core/backup.py): a round trip gives back every row of every table and
every uploaded file byte for byte; a damaged or foreign archive is refused before anything changes.

Transactional tests: on PostgreSQL pg_dump and pg_restore run in other processes and see only committed data."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from gonghui.core import backup, crypto
from gonghui.core.evidence import evidence_add, evidence_delete
from gonghui.core.models import Attachment
from gonghui.members.models import ImportJob, Member

from .conftest import make_member

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n" + "工会会议纪要".encode() * 50


def all_rows() -> dict[str, list[dict]]:
    """Every row of every table Django knows (many-to-many tables included), in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values())
    return rows


def all_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(world, media):
    """The world plus members with encrypted ID and mobile numbers, evidence files and a roster upload."""
    members = [make_member(world.union_a, "李四", mobile="13800138000"),
               make_member(world.union_a, "王芳", female=True, mobile="13912345678"),
               make_member(world.union_b, "赵六")]
    photo = evidence_add(actor=world.chair_a, instance=members[0], path=world.union_a.path,
                         upload=SimpleUploadedFile("合影.png", PNG, "image/png"), caption="入会仪式")
    minutes = evidence_add(actor=world.chair_a, instance=members[1], path=world.union_a.path,
                           upload=SimpleUploadedFile("纪要.pdf", PDF, "application/pdf"))
    job = ImportJob.objects.create(union=world.union_a, path=world.union_a.path, original_name="花名册.xlsx",
                                   file=ContentFile(b"PK\x03\x04roster", name="花名册.xlsx"),
                                   created_by=world.chair_a, rows=3, report={"rows": [{"row": 2, "ok": True}]})
    return {"members": members, "photo": photo, "minutes": minutes, "job": job}


def test_it_restores_every_row_and_file_exactly(world, records, media, tmp_path, capsys):
    before_rows = all_rows()
    before_files = all_files(media)
    assert len(before_files) == 3
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", out=str(archive))
    out = capsys.readouterr().out
    assert str(archive) in out
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["members_member"] == Member.objects.count()
    assert {entry["path"] for entry in manifest["files"]} == set(before_files)
    assert manifest["field_key"]["included"] is True

    # a day's work after the backup: records changed, deleted and added, files removed, rewritten and added
    first, second, third = records["members"]
    photo_pk = records["photo"].pk
    Member.objects.filter(pk=first.pk).update(name="改名")
    third.delete()
    evidence_delete(actor=world.chair_a, attachment=records["photo"])
    Path(records["minutes"].file.path).write_bytes(b"%PDF-overwritten")
    records["job"].file.delete(save=False)
    records["job"].delete()
    newcomer = make_member(world.union_a, "新会员")
    evidence_add(actor=world.chair_a, instance=newcomer, path=world.union_a.path,
                 upload=SimpleUploadedFile("新.png", PNG + b"new", "image/png"))
    (media / "stray.txt").write_text("not in the backup")
    assert all_rows() != before_rows

    call_command("restore", str(archive), yes=True)
    out = capsys.readouterr().out
    assert "3" in out and str(archive) in out

    assert all_rows() == before_rows
    assert all_files(media) == before_files
    crypto.reset_keys()
    restored = Member.objects.get(pk=second.pk)
    assert restored.citizen_id_clear == crypto.decrypt(second.citizen_id)
    assert restored.mobile_clear == "13912345678"
    assert Member.objects.get(pk=first.pk).name == "李四"
    assert Attachment.objects.get(pk=photo_pk).file.read() == PNG
    # the sequences came back too: a new record takes a fresh primary key
    later = make_member(world.union_a, "再来一位")
    assert later.pk > max(row["id"] for row in before_rows["members_member"])


def test_it_refuses_a_damaged_archive_and_changes_nothing(world, records, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", out=str(archive))
    Member.objects.filter(pk=records["members"][0].pk).update(name="备份之后")
    (media / "after.txt").write_text("written after the backup")
    rows, files = all_rows(), all_files(media)

    # one file swapped inside an otherwise well-formed archive: its checksum no longer matches the manifest
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for info in source:
            data = source.extractfile(info).read()
            if info.name.endswith(".png"):
                data = data[:-1] + b"X"
            target.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"checksum|校验"):
        call_command("restore", str(tampered), yes=True)

    # bytes flipped in the compressed stream
    damaged = tmp_path / "damaged.tar.gz"
    raw = bytearray(archive.read_bytes())
    for offset in range(len(raw) // 2, len(raw) // 2 + 64):
        raw[offset] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    with pytest.raises(CommandError):
        call_command("restore", str(damaged), yes=True)

    # cut short
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError):
        call_command("restore", str(truncated), yes=True)

    assert all_rows() == rows
    assert all_files(media) == files


def test_it_refuses_an_archive_of_the_other_engine(world, media, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = tmp_path / "other.tar.gz"
    header = json.dumps({"format": backup.FORMAT, "engine": other, "created_at": "2026-01-01T02:00:00+08:00"})
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in ((backup.HEADER, header.encode()), (backup.DATABASE_MEMBERS[other], b"x" * 100)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    rows = all_rows()
    name = backup.ENGINE_NAMES[other]
    with pytest.raises(CommandError, match=name):
        call_command("restore", str(archive), yes=True)
    assert all_rows() == rows


def test_it_refuses_a_file_that_is_not_a_backup(world, media, tmp_path):
    plain = tmp_path / "notes.tar.gz"
    plain.write_bytes(gzip.compress(b"just some text, not a tar"))
    with pytest.raises(CommandError):
        call_command("restore", str(plain), yes=True)
    # a well-formed header, then a manifest that is JSON but not a manifest
    header = json.dumps({"format": backup.FORMAT, "engine": connection.vendor, "created_at": "2026-01-01"}).encode()
    hollow = tmp_path / "hollow.tar.gz"
    with tarfile.open(hollow, "w:gz") as tar:
        for name, data in ((backup.HEADER, header), (backup.MANIFEST, b"[1, 2]")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore", str(hollow), yes=True)
    with pytest.raises(CommandError, match=r"does not exist|不存在"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)


def test_it_asks_before_replacing_a_database_that_is_not_empty(world, records, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", out=str(archive))
    Member.objects.filter(pk=records["members"][0].pk).update(name="备份之后")
    rows = all_rows()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))  # no terminal under pytest: no prompt, a refusal
    assert all_rows() == rows


def test_it_leaves_a_key_from_the_environment_out_and_insists_on_it(world, records, media, tmp_path, monkeypatch,
                                                                       capsys):
    monkeypatch.setenv("GONGHUI_FIELD_KEY", backup._current_key()[1])  # the key the data is encrypted with
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", out=str(archive))
    assert "GONGHUI_FIELD_KEY" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        assert "field_key" not in tar.getnames()
        assert json.load(tar.extractfile("manifest.json"))["field_key"]["source"] == "environment"

    # restoring where another key is set is refused: the numbers would be unreadable
    monkeypatch.setenv("GONGHUI_FIELD_KEY", "A" * 44)
    rows = all_rows()
    with pytest.raises(CommandError, match="GONGHUI_FIELD_KEY"):
        call_command("restore", str(archive), yes=True)
    assert all_rows() == rows


def test_it_writes_to_the_backups_folder_by_default(world, media, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    call_command("backup")
    written = list((settings.VAR_DIR / "backups").glob(f"gonghui-{connection.vendor}-*.tar.gz"))
    assert len(written) == 1
    with tarfile.open(written[0]) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        for entry in manifest["files"]:
            data = tar.extractfile("media/" + entry["path"]).read()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert ["core", "0001_audit_log"] in manifest["migrations"]

    media.mkdir(parents=True, exist_ok=True)
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        call_command("backup", out=str(media))  # it would back itself up


def test_it_takes_the_first_pg_tool_at_least_as_new_as_the_server(tmp_path, monkeypatch):
    def fake(folder: str, major: int) -> Path:
        path = tmp_path / folder / "pg_dump"
        path.parent.mkdir()
        path.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {major}.2'\n")
        path.chmod(0o755)
        return path

    new = fake("new", 99)
    monkeypatch.setenv("PATH", str(new.parent))
    assert backup.find_pg_tool("pg_dump", 17) == str(new)
    old = fake("old", 9)
    monkeypatch.setenv("PATH", str(old.parent))
    with pytest.raises(backup.BackupError, match="PostgreSQL 98"):
        backup.find_pg_tool("pg_dump", 98)


def test_it_installs_the_backup_key_where_another_key_was(world, records, media, settings, tmp_path, capsys):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", out=str(archive))
    original = backup._key_file().read_bytes()
    settings.VAR_DIR = tmp_path / "new-machine"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "field_key").write_text(base64.b64encode(os.urandom(32)).decode())
    crypto.reset_keys()
    try:
        call_command("restore", str(archive), yes=True)
        assert (settings.VAR_DIR / "field_key").read_bytes() == original
        assert oct((settings.VAR_DIR / "field_key").stat().st_mode & 0o777) == "0o600"
        assert len(list(settings.VAR_DIR.glob("field_key.before-restore-*"))) == 1  # the other key is kept
        assert Member.objects.get(pk=records["members"][0].pk).mobile_clear == "13800138000"
    finally:
        crypto.reset_keys()
