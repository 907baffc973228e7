"""Evidence kept with care records (core/evidence.py through care/evidence_views.py): a receipt on an assistance
record, an income certificate on a hardship file, checked, logged, and served only through the record."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.care.assistance import services as assistance_services
from gonghui.care.hardship import services as hardship_services
from gonghui.care.models import LivingAllowanceStandard
from gonghui.core.models import Attachment, AuditEntry

from .conftest import make_member

PDF = b"%PDF-1.4 signed list"


@pytest.fixture
def records(world):
    county = world.union_a.parent.parent
    LivingAllowanceStandard.objects.create(node=county, path=county.path, monthly_amount=800,
                                           effective_from=datetime.date(2000, 1, 1))
    file = hardship_services.hardship_file_create(
        actor=world.chair_a, member=make_member(world.union_a, "困难甲"), cause="illness",
        household=[{"relation": "本人"}], annual_income=5000, hardship_spending=0)
    assistance, _ = assistance_services.assistance_request(
        actor=world.chair_a, union=world.union_a, member=make_member(world.union_a, "受助甲"), kind="marriage",
        amount=500, funding="donations")
    return file, assistance


def _upload(client, name, pk, content=PDF, filename="签收单.pdf"):
    return client.post(reverse(name, args=[pk]), {"file": SimpleUploadedFile(filename, content), "caption": "签收"},
                       follow=True)


def test_it_keeps_a_receipt_with_an_assistance_record_and_serves_it_to_care_officers(client, world, records):
    _file, assistance = records
    client.force_login(world.chair_a)
    page = _upload(client, "care:assistance_evidence_upload", assistance.pk)
    assert "签收单.pdf" in page.content.decode()
    receipt = Attachment.objects.get()
    assert receipt.path == assistance.path and receipt.object_id == assistance.pk
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(receipt.pk)).exists()
    response = client.get(reverse("care:evidence_file", args=[receipt.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.readonly_leader)  # care.view over the county: may read receipts
    assert client.get(reverse("care:evidence_file", args=[receipt.pk])).status_code == 200


def test_it_refuses_a_file_whose_contents_do_not_match_its_name(client, world, records):
    _file, assistance = records
    client.force_login(world.chair_a)
    page = _upload(client, "care:assistance_evidence_upload", assistance.pk, content=b"MZ\x90\x00program",
                   filename="发票.pdf")
    assert "内容与文件名不符" in page.content.decode() or "不是真正的" in page.content.decode()
    assert not Attachment.objects.exists()


def test_it_shows_a_hardship_files_documents_only_to_who_may_reveal_its_details(client, world, records):
    file, _assistance = records
    client.force_login(world.chair_a)
    _upload(client, "care:hardship_evidence_upload", file.pk, filename="收入证明.pdf")
    certificate = Attachment.objects.get()
    assert client.get(reverse("care:evidence_file", args=[certificate.pk])).status_code == 200
    client.force_login(world.readonly_leader)  # sees the file, may not reveal its finances
    assert client.get(reverse("care:evidence_file", args=[certificate.pk])).status_code == 403
    assert "收入证明.pdf" not in client.get(reverse("care:hardship_detail", args=[file.pk])).content.decode()
    client.force_login(world.chair_b)
    assert client.get(reverse("care:evidence_file", args=[certificate.pk])).status_code == 404


def test_it_removes_evidence_with_an_audit_entry(client, world, records):
    _file, assistance = records
    client.force_login(world.chair_a)
    _upload(client, "care:assistance_evidence_upload", assistance.pk)
    receipt = Attachment.objects.get()
    client.force_login(world.readonly_leader)
    assert client.post(reverse("care:evidence_delete", args=[receipt.pk])).status_code == 403
    client.force_login(world.chair_a)
    response = client.post(reverse("care:evidence_delete", args=[receipt.pk]))
    assert response.status_code == 302 and not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_id=str(receipt.pk)).exists()


def test_it_keeps_photos_with_a_visit_on_its_own_page(client, world):
    from gonghui.care.visits import services as visit_services

    visit = visit_services.visit_create(actor=world.chair_a, node=world.union_a,
                                        member=make_member(world.union_a, "住院甲"), reason="illness",
                                        visited_on=datetime.date(2025, 6, 2), visitors="甲主席", place="市一院")
    client.force_login(world.chair_a)
    listing = client.get(reverse("care:visit_list", args=[world.union_a.pk]), {"year": "2025"}).content.decode()
    assert reverse("care:visit_detail", args=[visit.pk]) in listing
    page = _upload(client, "care:visit_evidence_upload", visit.pk, content=b"\x89PNG\r\n\x1a\n" + b"0" * 32,
                   filename="慰问合影.png")
    html = page.content.decode()
    assert "市一院" in html and "慰问合影.png" in html
    photo = Attachment.objects.get()
    assert photo.kind == "photo" and photo.path == visit.path
    client.force_login(world.chair_b)
    assert client.get(reverse("care:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("care:evidence_file", args=[photo.pk])).status_code == 404
