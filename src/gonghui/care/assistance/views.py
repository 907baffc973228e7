"""Assistance pages: the list of a node, a request, one record with its steps, the member's own records (to
confirm receipt), and the 帮扶台账 (page and .xlsx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.core import audit
from gonghui.core.ledger import ledger_period, ledger_xlsx
from gonghui.core.models import AuditEntry
from gonghui.members.models import Member
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from .. import caps, evidence_views
from ..hardship.forms import member_choices
from ..models import Assistance, AssistanceKind, AssistanceStatus
from . import ledger as ledgers
from . import selectors, services
from .forms import AssistanceForm, DecisionForm

PAGE_SIZE = 25


@login_required
@vary_on_headers("HX-Request")
def assistance_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    status = request.GET.get("status", "")
    status = status if status in AssistanceStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in AssistanceKind.values else ""
    page = Paginator(selectors.records(request.user, node, status=status, kind=kind),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"node": node, "page": page, "status": status, "kind": kind, "statuses": AssistanceStatus.choices,
               "kinds": AssistanceKind.choices,
               "may_request": node.is_union and policy.has_perm(request.user, "care.change", node.path)}
    if request.htmx and request.htmx.target == "assistance-results":
        return render(request, "care/assistance/_results.html", context)
    context["crumbs"] = org_selectors.breadcrumbs(request.user, node)
    return render(request, "care/assistance/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assistance_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.change")
    form = AssistanceForm(request.POST or None, members=member_choices(node),
                          initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if not node.is_union:
                raise ValidationError(_("Assistance is paid by a union; open the page of the union that pays."))
            record, created = services.assistance_request(actor=request.user, union=node, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if created:
                messages.success(request, _("The assistance for %(name)s was requested.") % {
                    "name": record.member.name})
            else:
                messages.info(request, _("This form was already sent: here is the record it made."))
            return redirect("care:assistance_detail", pk=record.pk)
    today = timezone.localdate()
    return render(request, "care/assistance/form.html", {
        "form": form, "node": node, "crumbs": org_selectors.breadcrumbs(request.user, node),
        "caps": caps.caps(), "source": caps.source(), "remaining": caps.budget_remaining(node, today.year, "")
        if node.is_union else None, "year": today.year})


@login_required
def assistance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_record(request.user, pk)
    user = request.user
    return render(request, "care/assistance/detail.html", {
        "record": record, "crumbs": org_selectors.breadcrumbs(user, record.union), "crumb_link_last": True,
        "may_decide": record.status == AssistanceStatus.REQUESTED and policy.has_perm(user, "care.approve",
                                                                                        record.path),
        "may_pay": record.status == AssistanceStatus.APPROVED and policy.has_perm(user, "care.pay", record.path),
        "may_confirm": record.status == AssistanceStatus.PAID and policy.has_perm(user, "care.change", record.path),
        "form": DecisionForm(),
        "evidence": evidence_views.context(user, record),
    })


ACTIONS = {"approve": "care.approve", "reject": "care.approve", "pay": "care.pay", "confirm": "care.change"}


@login_required
@require_POST
def assistance_action(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_record(request.user, pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown step."))
        return redirect("care:assistance_detail", pk=record.pk)
    policy.check(request.user, record.path, ACTIONS[action])
    form = DecisionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if action == "approve":
            record = services.assistance_approve(actor=request.user, record=record, note=data.get("note", ""))
        elif action == "reject":
            record = services.assistance_reject(actor=request.user, record=record, note=data.get("note", ""))
        elif action == "pay":
            record = services.assistance_pay(actor=request.user, record=record,
                                             payment_ref=data.get("payment_ref", ""))
        else:
            record = services.assistance_confirm(actor=request.user, record=record, how=data.get("how", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done: the assistance is now “%(status)s”.")
                         % {"status": record.get_status_display()})
    return redirect("care:assistance_detail", pk=record.pk)


@login_required
def my_assistance(request: HttpRequest) -> HttpResponse:
    member = Member.objects.filter(user=request.user).first()
    if member is None:
        raise Http404
    return render(request, "care/assistance/mine.html", {"member": member,
                                                          "rows": selectors.for_member(member)[:100]})


@login_required
@require_POST
def assistance_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The recipient confirms receipt from their own page."""
    record = Assistance.objects.select_related("member").filter(pk=pk).first()
    if record is None or record.member.user_id != request.user.pk:
        if record is not None and policy.has_perm(request.user, "orgs.view", record.path):
            raise PermissionDenied
        raise Http404
    try:
        services.assistance_confirm(actor=request.user, record=record)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your confirmation was recorded."))
    return redirect("care:my_assistance")


@login_required
def assistance_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    error = ""
    try:
        start, end = ledger_period(request.GET)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        today = timezone.localdate()
        start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    ledger = ledgers.assistance_ledger(request.user, node, start, end)
    if request.GET.get("format") == "xlsx" and not error:
        audit.record(actor=request.user, action=AuditEntry.Action.EXPORT, instance=node, org_path=node.path,
                     after={"ledger": ledger.title, "period": ledger.period_label, "rows": len(ledger.rows)})
        response = HttpResponse(ledger_xlsx(ledger), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(ledger.filename())}"
        return response
    return render(request, "care/assistance/ledger.html", {
        "node": node, "crumbs": org_selectors.breadcrumbs(request.user, node), "ledger": ledger, "error": error,
        "ledger_page": ledger.page(request.GET.get("page")),
        "start": start, "end": end, "children": ledgers.drill_down(request.user, node, start, end),
        "query": request.GET.urlencode()})
