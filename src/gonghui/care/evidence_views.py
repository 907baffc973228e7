"""Evidence of care records: the receipt or signed list of an assistance (a visit's gift is one too), the
documents of a hardship file (income certificates, hospital bills), the photos of a visit. The files are
checked, stored, logged and served by core/evidence.py; these views only reach the record through its access
helper. A hardship file's documents show a household's finances and health, so they are served to those who
may reveal its details."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.accounts import policy
from gonghui.core import evidence, evidence_views
from gonghui.core.models import Attachment

from .assistance import selectors as assistance_selectors
from .hardship import selectors as hardship_selectors
from .models import Assistance, HardshipFile, Visit
from .visits import selectors as visit_selectors

# the record's model → (permission to open its files, its page, its access helper)
RECORDS = {
    HardshipFile: ("care.reveal", "care:hardship_detail", hardship_selectors.get_file),
    Assistance: ("care.view", "care:assistance_detail", assistance_selectors.get_record),
    Visit: ("care.view", "care:visit_detail", visit_selectors.get_visit),
}
UPLOAD_URLS = {HardshipFile: "care:hardship_evidence_upload", Assistance: "care:assistance_evidence_upload",
               Visit: "care:visit_evidence_upload"}


def context(user, record) -> dict:
    """What core/_evidence.html needs on a care record's page."""
    may_change = policy.has_perm(user, "care.change", record.path)
    may_open = policy.has_perm(user, RECORDS[type(record)][0], record.path)
    files = evidence.evidence_of(record) if may_open else []
    name = UPLOAD_URLS[type(record)]
    return {"photos": [f for f in files if f.kind == "photo"], "documents": [f for f in files if f.kind != "photo"],
            "may_change": may_change, "may_open_evidence": may_open,
            "upload_action": reverse(name, args=[record.pk]) if may_change else "",
            "max_mb": evidence.max_attachment_bytes() // 1024 // 1024,
            "file_url": "care:evidence_file", "delete_url": "care:evidence_delete"}


def _upload(request: HttpRequest, record) -> HttpResponse:
    return evidence_views.uploaded(
        request, next_url=reverse(RECORDS[type(record)][1], args=[record.pk]) + "#evidence",
        add=lambda data: evidence.evidence_add(actor=request.user, instance=record, path=record.path,
                                               upload=data["file"], caption=data["caption"]))


@login_required
@require_POST
def hardship_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, hardship_selectors.get_file(request.user, pk, "care.change"))


@login_required
@require_POST
def assistance_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, assistance_selectors.get_record(request.user, pk, "care.change"))


@login_required
@require_POST
def visit_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, visit_selectors.get_visit(request.user, pk, "care.change"))


def _attachment_for_user(user, pk: int, permission: str | None) -> tuple[Attachment, object]:
    """A care record's attachment with its record, reached through the record's access helper."""
    for model, (open_permission, _page, get) in RECORDS.items():
        try:
            attachment = evidence.attachment_of(model, pk)
        except Http404:
            continue
        record = get(user, attachment.object_id)
        policy.check(user, record.path, permission or open_permission, view_permission="care.view")
        return attachment, record
    raise Http404


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _record = _attachment_for_user(request.user, pk, None)
    return evidence.evidence_file(attachment)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, record = _attachment_for_user(request.user, pk, "care.change")
    return evidence_views.removed(
        request, attachment=attachment, next_url=reverse(RECORDS[type(record)][1], args=[record.pk]) + "#evidence",
        delete=lambda: evidence.evidence_delete(actor=request.user, attachment=attachment))
