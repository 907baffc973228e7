"""Honour pages (评优表彰, issue 4 §4): a node's nominations (to decide and its own), nominating, one
nomination with its decision, the honour roll of a node, and the honours of a member."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.members import selectors as member_selectors
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.views import _apply_errors

from ..models import HonourKind, HonourStatus
from . import selectors, services
from .forms import DecisionForm, NominationForm

PAGE_SIZE = 25


def _int_param(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) == 4 else None


@login_required
@vary_on_headers("HX-Request")
def honour_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The nominations of a node: those it decides (pending), and those it made."""
    node = org_selectors.get_node_for_user(request.user, pk, "honours.view")
    year = _int_param(request.GET.get("year"))
    status = request.GET.get("status", "")
    status = status if status in HonourStatus.values else ""
    page = Paginator(selectors.nominations_by(node, year=year, status=status), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {
        "node": node, "page": page, "year": year, "status": status, "statuses": HonourStatus.choices,
        "may_change": policy.has_perm(request.user, "honours.change", node.path),
        "may_nominate": services.may_nominate_from(node),
    }
    if request.htmx and request.htmx.target == "honour-results":
        return render(request, "activities/honours/_nominations.html", context)
    context.update({"to_decide": list(selectors.to_decide(node)),
                    "crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True})
    return render(request, "activities/honours/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def honour_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "honours.change")
    if not policy.has_perm(request.user, "honours.view", node.path):
        raise PermissionDenied
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = collective = None
        if data["member_card_no"]:
            member = selectors.find_member_under(node, data["member_card_no"])
            if member is None:
                form.add_error("member_card_no", _("No member with card number “%(card)s” under %(node)s.")
                               % {"card": data["member_card_no"], "node": node.name})
        if data["collective_code"]:
            collective = selectors.find_collective_under(node, data["collective_code"])
            if collective is None:
                form.add_error("collective_code", _("No union or group with code “%(code)s” under %(node)s.")
                               % {"code": data["collective_code"], "node": node.name})
        if not form.errors:
            try:
                honour = services.honour_nominate(
                    actor=request.user, node=node, kind=data["kind"], year=data["year"], title=data["title"],
                    member=member, collective=collective, collective_name=data["collective_name"],
                    citation=data["citation"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    error = ValidationError({{"member": "member_card_no", "collective": "collective_code"}.get(
                        field, field): errors for field, errors in error.error_dict.items()})
                _apply_errors(form, error)
            else:
                messages.success(request, _("%(title)s: the nomination was sent to %(approver)s.")
                                 % {"title": honour.title, "approver": honour.approver.name})
                return redirect("activities:honour_detail", pk=honour.pk)
    return render(request, "activities/honours/nominate.html", {
        "form": form, "node": node, "may_nominate": services.may_nominate_from(node),
        "approver": node.parent,
        "crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True,
    })


@login_required
def honour_detail(request: HttpRequest, pk: int) -> HttpResponse:
    honour = selectors.get_honour_for_user(request.user, pk)
    pending = honour.status == HonourStatus.NOMINATED
    may_decide = pending and policy.has_perm(request.user, "honours.change", honour.approver_path)
    may_withdraw = pending and policy.has_perm(request.user, "honours.change", honour.path) and (
        not policy.has_perm(request.user, "honours.change", honour.approver_path)
        or honour.nominated_by_user_id == request.user.pk)
    see_node = policy.has_perm(request.user, "honours.view", honour.path)
    return render(request, "activities/honours/detail.html", {
        "honour": honour, "may_decide": may_decide, "may_withdraw": may_withdraw,
        "decision_form": DecisionForm(), "see_node": see_node,
        "crumbs": org_selectors.breadcrumbs(request.user, honour.nominated_by) if see_node else [],
        "crumb_link_last": True,
    })


def _redirect_with_errors(request: HttpRequest, error: ValidationError, honour_pk: int) -> HttpResponse:
    for message in error.messages:
        messages.error(request, message)
    return redirect("activities:honour_detail", pk=honour_pk)


@login_required
@require_POST
def honour_decide(request: HttpRequest, pk: int) -> HttpResponse:
    honour = selectors.get_honour_for_user(request.user, pk)
    if not policy.has_perm(request.user, "honours.change", honour.approver_path):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _redirect_with_errors(request, ValidationError(
            [error for errors in form.errors.values() for error in errors]), honour.pk)
    try:
        honour = services.honour_decide(actor=request.user, honour=honour,
                                        approve=form.cleaned_data["decision"] == "approve",
                                        note=form.cleaned_data["note"], awarded_on=form.cleaned_data["awarded_on"])
    except ValidationError as error:
        return _redirect_with_errors(request, error, honour.pk)
    messages.success(request, _("%(title)s of %(name)s: %(status)s.") % {
        "title": honour.title, "name": honour.member.name if honour.member else (
            honour.collective.name if honour.collective else honour.collective_name),
        "status": honour.get_status_display()})
    return redirect("activities:honour_list", pk=honour.approver_id)


@login_required
@require_POST
def honour_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    honour = selectors.get_honour_for_user(request.user, pk)
    if not policy.has_perm(request.user, "honours.change", honour.path):
        raise PermissionDenied
    try:
        honour = services.honour_withdraw(actor=request.user, honour=honour)
    except ValidationError as error:
        return _redirect_with_errors(request, error, honour.pk)
    messages.success(request, _("The nomination “%(title)s” was withdrawn.") % {"title": honour.title})
    return redirect("activities:honour_list", pk=honour.nominated_by_id)


@login_required
@vary_on_headers("HX-Request")
def honour_roll(request: HttpRequest, pk: int) -> HttpResponse:
    """The honours awarded under a node, by year and kind."""
    node = org_selectors.get_node_for_user(request.user, pk, "honours.view")
    year = _int_param(request.GET.get("year"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in HonourKind.values else ""
    page = Paginator(selectors.honour_roll(node, year=year, kind=kind), 100).get_page(request.GET.get("page"))
    context = {"node": node, "page": page, "year": year, "kind": kind, "kinds": HonourKind.choices}
    if request.htmx and request.htmx.target == "roll-results":
        return render(request, "activities/honours/_roll.html", context)
    context.update({"years": selectors.roll_years(node),
                    "crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True})
    return render(request, "activities/honours/roll.html", context)


@login_required
@vary_on_headers("HX-Request")
def member_honours(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's honours: a page, or (htmx) the section alone for the member's record."""
    member = member_selectors.get_member_for_user(request.user, pk)
    context = {"member": member, "honours": list(selectors.member_honours(request.user, member)),
               "officer": policy.has_perm(request.user, "honours.view", member.path)}
    if request.htmx:
        return render(request, "activities/honours/_member_honours.html", context)
    see_union = policy.has_perm(request.user, "orgs.view", member.union.path)
    context.update({"crumbs": org_selectors.breadcrumbs(request.user, member.union) if see_union else [],
                    "crumb_link_last": True})
    return render(request, "activities/honours/member.html", context)
