"""走访慰问 pages: the visits of a node, recording a visit, the visits that are due, and the 走访慰问台账.
care.view to look, care.change to record; a node outside the user's subtree does not exist for them (404)."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.core.ledger import ledger_period
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from .. import evidence_views
from . import retirement, selectors, services
from .forms import NoticeForm, VisitForm
from .ledger import export_ledger
from .ledger import visit_ledger as build_visit_ledger

PAGE_SIZE = 25


def _period(request: HttpRequest):
    """(start, end, error message or "") from the query string; this year when it is wrong."""
    try:
        start, end = ledger_period(request.GET)
    except ValidationError as error:
        today = timezone.localdate()
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31), " ".join(error.messages)
    return start, end, ""


def _gift_errors(error: ValidationError) -> ValidationError:
    """The caps name the payment's fields (amount, hardship_file …); on the visit form the amount is the gift's
    value."""
    if hasattr(error, "error_dict") and "amount" in error.error_dict:
        errors = dict(error.error_dict)
        errors.setdefault("gift_value", []).extend(errors.pop("amount"))
        return ValidationError(errors)
    return error


def _resolve_member(request, node, form):
    """The member the form names (card no. or name), or None with the error put on the form."""
    matches = selectors.find_members(request.user, node, form.cleaned_data.get("member", ""))
    if not matches:
        form.add_error("member", _("No member under %(node)s has this card number or name.") % {"node": node.name})
        return None
    if len(matches) > 1:
        form.add_error("member", _("Several members have this name: enter the card number (%(cards)s).")
                       % {"cards": "、".join(m.card_no for m in matches)})
        return None
    return matches[0]


@login_required
@vary_on_headers("HX-Request")
def visit_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    start, end, period_error = _period(request)
    reason = request.GET.get("reason", "")
    reason = reason if reason in services.visit_reasons() else ""
    page = Paginator(selectors.visits(request.user, node, start=start, end=end, reason=reason),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    for visit in page.object_list:
        visit.reason_label = services.reason_label(visit.reason)
    context = {"node": node, "page": page, "start": start, "end": end, "reason": reason,
               "reasons": [(code, label) for code, (label, _kind) in services.visit_reasons().items()],
               "period_error": period_error,
               "may_change": policy.has_perm(request.user, "care.change", node.path)}
    if request.htmx and request.htmx.target == "visit-results":
        return render(request, "care/visits/_results.html", context)
    context["crumbs"] = org_selectors.breadcrumbs(request.user, node)
    return render(request, "care/visits/list.html", context)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit(request.user, pk)
    visit.reason_label = services.reason_label(visit.reason)
    return render(request, "care/visits/detail.html", {
        "visit": visit, "crumbs": org_selectors.breadcrumbs(request.user, visit.union), "crumb_link_last": True,
        "evidence": evidence_views.context(request.user, visit),
    })


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.change")
    fixed = selectors.get_member(request.user, node, request.GET.get("member") or request.POST.get("member_id"))
    notice = selectors.get_notice(request.user, node, request.GET.get("notice") or request.POST.get("notice"))
    if notice is not None and fixed is None:
        fixed = notice.member
    initial = {}
    if notice is not None:
        initial = {"reason": notice.reason, "notice": notice.pk, "case": notice.note if notice.reason == "illness"
                   else ""}
    elif request.GET.get("reason") in services.visit_reasons():
        initial = {"reason": request.GET["reason"]}
    form = VisitForm(request.POST or None, fixed_member=fixed, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = fixed or _resolve_member(request, node, form)
        if member is not None:
            data = form.cleaned_data
            try:
                visit = services.visit_create(
                    actor=request.user, node=node, member=member, reason=data["reason"],
                    visited_on=data["visited_on"], visitors=data["visitors"], place=data["place"],
                    gift=data["gift"], gift_value=data["gift_value"] or 0, form=data["form"],
                    funding=data["funding"], case=data["case"], notes=data["notes"], notice=notice,
                    submission=data["submission"])
            except ValidationError as error:
                _apply_errors(form, _gift_errors(error))
            else:
                messages.success(request, _("The visit to %(name)s on %(date)s was recorded.")
                                 % {"name": visit.member.name, "date": visit.visited_on.isoformat()})
                target = "care:visit_due" if request.POST.get("then") == "due" else "care:visit_list"
                return redirect(target, pk=node.pk)
    return render(request, "care/visits/form.html", {
        "node": node, "form": form, "member": fixed, "notice": notice,
        "then": request.GET.get("then") or request.POST.get("then", ""),
        "crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True,
    })


def _month(request: HttpRequest) -> tuple[int, int, str]:
    today = timezone.localdate()
    text = (request.GET.get("month") or "").strip()
    if text:
        try:
            chosen = datetime.date.fromisoformat(f"{text}-01")
        except ValueError:
            chosen = None
        if chosen is None or not 1990 <= chosen.year <= 2100:
            return today.year, today.month, _("“%(value)s” is not a month like 2025-03.") % {"value": text}
        return chosen.year, chosen.month, ""
    return today.year, today.month, ""


@login_required
def visit_due(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    year, month, month_error = _month(request)
    today = timezone.localdate()
    notices = list(selectors.open_notices(request.user, node))
    for notice in notices:
        notice.reason_label = services.reason_label(notice.reason)
        notice.days = max((today - notice.since).days, 0)
    return render(request, "care/visits/due.html", {
        "node": node, "notices": notices, "retiring": selectors.retiring_in_month(request.user, node, year, month),
        "month": f"{year:04d}-{month:02d}", "month_error": month_error, "today": today,
        "may_change": policy.has_perm(request.user, "care.change", node.path),
        "retirement_source": retirement.SOURCE, "crumbs": org_selectors.breadcrumbs(request.user, node),
    })


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.change")
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = _resolve_member(request, node, form)
        if member is not None:
            try:
                services.notice_create(actor=request.user, node=node, member=member,
                                       reason=form.cleaned_data["reason"], since=form.cleaned_data["since"],
                                       note=form.cleaned_data["note"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The event was reported: %(name)s is on the list of visits due.")
                                 % {"name": member.name})
                return redirect("care:visit_due", pk=node.pk)
    return render(request, "care/visits/notice_form.html", {
        "node": node, "form": form, "crumbs": org_selectors.breadcrumbs(request.user, node),
        "crumb_link_last": True,
    })


@login_required
def visit_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    start, end, period_error = _period(request)
    ledger, drill = build_visit_ledger(request.user, node, start, end)
    if request.GET.get("format") == "xlsx" and not period_error:
        content = export_ledger(actor=request.user, node=node, ledger=ledger)
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                      "spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(ledger.filename())}"
        return response
    return render(request, "care/visits/ledger.html", {
        "node": node, "ledger": ledger, "ledger_page": ledger.page(request.GET.get("page")), "drill": drill,
        "start": start, "end": end, "period_error": period_error,
        "query": request.GET.urlencode(), "crumbs": org_selectors.breadcrumbs(request.user, node),
    })


def _quote(name: str) -> str:
    return quote(name)
