"""台账 pages of a plan item: its occurrences with the records that met them, attaching and detaching records,
and its own documents and photos. plans.view to look, plans.change to link or upload (on a plan in any
status: carrying the plan out goes on all year). A record is reached through its domain's access helper.
The records of a source with its own permission (contrib.EvidenceSource.permission: the care registers need
care.view) are listed, offered and attached only for a user who holds it at the plan's node; the others see
how many there are."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts import policy
from gonghui.core import evidence, evidence_views
from gonghui.core.forms import DatedEvidenceForm

from .. import contrib
from ..progress import evidence_kind, plan_progress
from ..selectors import get_item_for_user
from ..timing import item_timing_text
from . import selectors, services

CANDIDATE_LIMIT = 200


def _ledger_url(item) -> str:
    return reverse("plans:item_evidence", args=[item.pk])


def plan_url(plan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])


def _upload_dates(plan) -> dict | None:
    """The date field of an item's upload: the day of the work shown, within the plan's period, not ahead."""
    today = timezone.localdate()
    last = min(plan.end, today)
    if last < plan.start:
        return None  # a plan of a coming period: nothing done yet to document
    return {"default": last, "min": plan.start, "max": last}


@login_required
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk)
    plan = item.plan
    ip = plan_progress(plan, items=[item], detail=True).items[item.pk]
    links = {(link.source, link.object_id): link for link in item.links.all()}
    sources = contrib.evidence_sources()
    may_change = policy.has_perm(request.user, "plans.change", plan.path)
    files = evidence.evidence_of(item)
    source_key, kind = evidence_kind(item.evidence)
    source = sources.get(source_key)
    kind_label = dict(source.kinds).get(kind, kind) if source else ""
    labels = {key: s.label for key, s in sources.items()}
    hidden = contrib.hidden_sources(request.user, plan.path)

    def rows(records):
        return [{"record": r, "source_label": labels.get(r.source, r.source),
                 "link": links.get((r.source, r.object_id))} for r in records if r.source not in hidden]

    def unseen(records) -> int:
        return sum(1 for r in records if r.source in hidden)

    context = {
        "item": item, "plan": plan, "ip": ip, "may_change": may_change, "plan_url": plan_url(plan),
        "occurrences": [(st, rows(st.records), unseen(st.records)) for st in ip.occurrences],
        "all_records": rows(ip.records), "all_unseen": unseen(ip.records),
        "timing_text": item_timing_text(item),
        "evidence_label": f"{source.label}{'（' + str(kind_label) + '）' if kind else ''}" if source else "",
        "photos": [f for f in files if f.kind == "photo"], "documents": [f for f in files if f.kind != "photo"],
        "upload_action": reverse("plans:item_file_upload", args=[item.pk]) if may_change else "",
        "upload_dated": _upload_dates(plan),
        "max_mb": evidence.max_attachment_bytes() // 1024 // 1024,
    }
    return render(request, "plans/links/item_evidence.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the records that could be attached (of the item's kind, or of the kind chosen); POST: attach one."""
    item = get_item_for_user(request.user, pk, "plans.change")
    hidden = contrib.hidden_sources(request.user, item.plan.path)
    sources = {key: source for key, source in contrib.evidence_sources().items() if key not in hidden}
    own_key, own_kind = evidence_kind(item.evidence)
    if request.method == "POST":
        if request.POST.get("source", "") in hidden:
            raise PermissionDenied  # records the user may not see are not attached by them either
        source = sources.get(request.POST.get("source", ""))
        try:
            object_id = int(request.POST.get("object_id", ""))
        except ValueError:
            object_id = None
        if source is None or object_id is None:
            messages.error(request, _("Choose a record to attach."))
            return redirect(reverse("plans:link_add", args=[item.pk]))
        record = source.get_for_user(request.user, object_id)  # 404 for a record the user may not see
        try:
            services.link_add(actor=request.user, item=item, record=record)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect(reverse("plans:link_add", args=[item.pk]) + f"?source={source.key}")
        messages.success(request, _("“%(record)s” was attached to the item.") % {"record": record.label})
        return redirect(_ledger_url(item))
    key = request.GET.get("source") or own_key
    source = sources.get(key)
    kind = own_kind if key == own_key else request.GET.get("kind", "")
    if source is not None and kind and kind not in dict(source.kinds):
        kind = ""
    records = selectors.candidates(item, source, kind) if source else []
    context = {"item": item, "plan": item.plan, "sources": sorted(sources.values(), key=lambda s: s.key),
               "source": source, "kind": kind, "records": records[:CANDIDATE_LIMIT],
               "more": max(0, len(records) - CANDIDATE_LIMIT), "source_hidden": key in hidden}
    return render(request, "plans/links/link_add.html", context)


@login_required
@require_POST
def link_remove(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.get_link_for_user(request.user, pk, "plans.change")
    if link.source in contrib.hidden_sources(request.user, link.item.plan.path):
        raise PermissionDenied
    services.link_remove(actor=request.user, link=link)
    messages.success(request, _("“%(record)s” was detached from the item.") % {"record": link.label})
    return redirect(_ledger_url(link.item))


@login_required
@require_POST
def item_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, pk, "plans.change")
    return evidence_views.uploaded(
        request, form_class=DatedEvidenceForm, next_url=_ledger_url(item) + "#files",
        add=lambda data: services.file_add(actor=request.user, item=item, upload=data["file"],
                                           caption=data["caption"], on=data["on"]))


@login_required
def item_file(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _item = selectors.get_file_for_user(request.user, pk)
    return evidence.evidence_file(attachment)


@login_required
@require_POST
def item_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, item = selectors.get_file_for_user(request.user, pk, "plans.change")
    return evidence_views.removed(request, attachment=attachment, next_url=_ledger_url(item) + "#files",
                                  delete=lambda: services.file_delete(actor=request.user, attachment=attachment))

