"""Roster import pages: upload, the check's report, the import in both modes, the error workbook, the worker
path with its progress fragment, and who may do what."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gonghui.core.models import AuditEntry
from gonghui.members.imports import services
from gonghui.members.models import ImportJob, ImportStatus, Member

FIXTURES = Path(__file__).parent / "fixtures" / "rosters"
SAMPLE = "01_标题行_序号_小计_页脚.xlsx"


def _upload(client, union, name=SAMPLE, data=None):
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return client.post(reverse("members:import_start", args=[union.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def test_it_checks_an_upload_and_lists_every_problem_by_row(client, world):
    client.force_login(world.chair_a)
    assert client.get(reverse("members:import_start", args=[world.union_a.pk])).status_code == 200
    response = _upload(client, world.union_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:import_detail", args=[job.pk])
    assert job.status == ImportStatus.CHECKED and Member.objects.count() == 0
    page = client.get(response["Location"])
    html = page.content.decode()
    assert (job.rows, job.created, job.rejected) == (22, 18, 4)
    problems = {item["row"] for item in page.context["page"].object_list if item["level"] == "error"}
    assert problems == {9, 16, 20, 23}
    assert "3.20506E+17" in html and "导入有效行" in html and "全部或不导入" in html
    assert "会员花名册" in html  # the sheet the roster was found on


def test_it_imports_the_valid_rows_and_shows_the_counts(client, world):
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    job = ImportJob.objects.get()
    response = client.post(reverse("members:import_run", args=[job.pk]), {"mode": "valid-rows"}, follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and (job.created, job.rejected) == (18, 4)
    assert Member.objects.filter(union=world.union_a).count() == 18
    assert "新增 18 名会员" in response.content.decode()
    # once imported, the job cannot run twice
    client.post(reverse("members:import_run", args=[job.pk]), {"mode": "valid-rows"})
    assert Member.objects.count() == 18


def test_it_imports_nothing_all_or_nothing_when_a_row_is_rejected(client, world):
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    job = ImportJob.objects.get()
    response = client.post(reverse("members:import_run", args=[job.pk]), {"mode": "all-or-nothing"}, follow=True)
    assert Member.objects.count() == 0
    assert "没有导入任何数据" in response.content.decode()


def test_an_all_or_nothing_refusal_deletes_the_upload_at_once(client, world):
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    job = ImportJob.objects.get()
    name, storage = job.file.name, job.file.storage
    assert storage.exists(name)
    client.post(reverse("members:import_run", args=[job.pk]), {"mode": "all-or-nothing"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not job.file and not storage.exists(name)


def test_a_checked_roster_left_unimported_is_deleted_after_the_set_hours(client, world, settings):
    """A roster holds every 身份证号 in clear: one that was only checked is not kept for ever. The worker's
    recovery sweep deletes it after GONGHUI_IMPORT_UPLOAD_HOURS; the job and its report stay."""
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.core import worker

    settings.GONGHUI_RULES = {**settings.GONGHUI_RULES, "IMPORT_UPLOAD_HOURS": 24}
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    _upload(client, world.union_a)
    old, recent = ImportJob.objects.order_by("pk")
    old_name, recent_name, storage = old.file.name, recent.file.name, old.file.storage
    ImportJob.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(hours=25))
    ImportJob.objects.filter(pk=recent.pk).update(updated_at=timezone.now() - timedelta(hours=23))
    assert worker.recover()["swept"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not storage.exists(old_name) and old.status == ImportStatus.CHECKED and old.rejected == 4
    assert recent.file and storage.exists(recent_name)
    # a file the worker is still to read keeps its file whatever its age
    for status in (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.RUNNING):
        ImportJob.objects.filter(pk=recent.pk).update(status=status, updated_at=timezone.now() - timedelta(days=3))
        assert services.discard_stale_uploads() == 0 and storage.exists(recent_name)
    # the page says what happened and offers no import; a stale form posted anyway is refused in words
    page = client.get(reverse("members:import_detail", args=[old.pk]))
    html = page.content.decode()
    assert page.context["job"].rows == 22 and "24 小时" in html and "重新上传" in html
    assert 'data-testid="import-run"' not in html
    response = client.post(reverse("members:import_run", args=[old.pk]), {"mode": "valid-rows"}, follow=True)
    assert "已不再保存" in response.content.decode() and Member.objects.count() == 0


def test_it_offers_the_rejected_rows_as_a_workbook_with_the_reason(client, world):
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    job = ImportJob.objects.get()
    response = client.get(reverse("members:import_errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因"
    assert rows[0][1:-1] == ("序号", "姓名", "性别", "民族", "出生日期", "身份证号", "手机号", "学历", "政治面貌",
                             "工作单位", "年级组", "岗位", "用工性质", "是否一线", "入会时间", "会员证号", "备注")
    assert [row[0] for row in rows[1:]] == [9, 16, 20, 23]
    assert rows[2][6] == "110108197911218862" and "校验位" in rows[2][-1]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(job.pk)).count() == 1


def test_it_explains_an_upload_that_is_not_a_roster(client, world):
    client.force_login(world.chair_a)
    response = _upload(client, world.union_a, name="notes.docx", data=b"PK\x03\x04")
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert ".xlsx" in response.content.decode()
    workbook = Workbook()
    workbook.active.append(["年级组", "人数"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, world.union_a, name="统计.xlsx", data=buffer.getvalue())
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "姓名" in client.get(response["Location"]).content.decode()


def test_it_pages_a_long_list_of_problems(client, world):
    client.force_login(world.chair_a)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号"])
    for index in range(60):
        sheet.append([f"某{chr(0x4E00 + index)}", "3.20506E+17"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, world.union_a, name="long.xlsx", data=buffer.getvalue())
    first = client.get(response["Location"])
    assert len(first.context["page"].object_list) == 50
    second = client.get(response["Location"], {"page": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="problems")
    assert second.status_code == 200 and "<html" not in second.content.decode()
    assert [item["row"] for item in second.context["page"].object_list] == list(range(52, 62))


def test_it_checks_and_imports_a_large_roster_in_the_worker(client, world, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 5)
    monkeypatch.setattr(services, "BACKGROUND_CHECK_BYTES", 100)
    from gonghui.members.imports import tasks

    queued = []
    for name in ("enqueue_check", "enqueue_import"):
        real = getattr(tasks, name)
        monkeypatch.setattr(tasks, name, lambda *args, real=real, name=name: (queued.append(name), real(*args)))
    client.force_login(world.chair_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world.union_a)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED and job.processed == job.rows == 22  # checked by the task
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:import_run", args=[job.pk]), {"mode": "valid-rows"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created == 18  # the immediate backend ran the task
    assert queued == ["enqueue_check", "enqueue_import"]


def test_it_shows_progress_while_the_worker_imports(client, world):
    client.force_login(world.chair_a)
    job = ImportJob.objects.create(union=world.union_a, path=world.union_a.path, original_name="大.xlsx",
                                   status=ImportStatus.RUNNING, rows=10000, processed=2500)
    url = reverse("members:import_detail", args=[job.pk])
    page = client.get(url)
    assert 'hx-trigger="every 1s"' in page.content.decode() and "25%" in page.content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress")
    assert "25%" in fragment.content.decode() and "<html" not in fragment.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, processed=10000)
    done = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-progress")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


@pytest.mark.parametrize("name", ["members:import_detail", "members:import_errors"])
def test_it_hides_another_streets_import_from_the_outsider(client, world, name):
    job = ImportJob.objects.create(union=world.union_a, path=world.union_a.path, original_name="a.xlsx",
                                   status=ImportStatus.CHECKED)
    client.force_login(world.chair_b)
    assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("members:import_run", args=[job.pk]), {"mode": "valid-rows"}).status_code == 404
    assert client.get(reverse("members:import_start", args=[world.union_a.pk])).status_code == 404
    assert _upload(client, world.union_a).status_code == 404
    assert ImportJob.objects.count() == 1


def test_it_lets_read_only_personas_look_but_not_import(client, world):
    client.force_login(world.readonly_leader)
    assert client.get(reverse("members:import_start", args=[world.union_a.pk])).status_code == 403
    assert _upload(client, world.union_a).status_code == 403
    assert not ImportJob.objects.exists()


def test_it_offers_no_import_on_a_federation(client, world):
    client.force_login(world.street_admin)
    assert client.get(reverse("members:import_start", args=[world.street_a.pk])).status_code == 404
    assert client.get(reverse("members:import_start", args=[world.union_a.pk])).status_code == 200


def test_it_lists_recent_imports_on_the_upload_page(client, world):
    client.force_login(world.chair_a)
    _upload(client, world.union_a)
    page = client.get(reverse("members:import_start", args=[world.union_a.pk]))
    assert SAMPLE in page.content.decode()
    assert "310104" not in page.content.decode()  # the file's name and counts, no personal data
