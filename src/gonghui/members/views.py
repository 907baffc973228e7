"""Thin views of the member registry: an access helper, one service or selector call, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.views import _apply_errors

from . import selectors, services
from .forms import DateForm, EmptyForm, FilterForm, MemberForm, ReasonForm, ReceiveForm, RetainForm, TransferForm
from .models import EmploymentType, Member, Status

PAGE_SIZE = 25


def _filters(request: HttpRequest, node) -> dict[str, Any]:
    form = FilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    group = None
    if data.get("group"):
        group = org_selectors.visible_nodes(request.user).filter(pk=data["group"], path__under=node.path).first()
    return {"search": data.get("q", ""), "status": data.get("status", ""), "group": group,
            "employment_type": data.get("employment_type", ""), "new_form": bool(data.get("new_form"))}


@login_required
@vary_on_headers("HX-Request")
def member_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "members.view")
    filters = _filters(request, node)
    page = Paginator(selectors.member_list(request.user, node, **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {
        "node": node, "page": page, "filters": filters,
        "perms": policy.permissions_at(request.user, node.path),
        "reveal": policy.has_perm(request.user, "members.reveal", node.path),
        "is_union": node.level in services.MEMBERSHIP_LEVELS,
    }
    if request.htmx and request.htmx.target == "member-results":
        return render(request, "members/_member_results.html", context)
    context.update({
        "crumbs": org_selectors.breadcrumbs(request.user, node),
        "statuses": Status.choices,
        "employment_types": EmploymentType.choices,
        "groups": org_selectors.node_children(node).filter(level="union_group") if context["is_union"] else [],
        "transfers": selectors.pending_transfer_counts(request.user, node),
        "inactive_count": selectors.inactive_members(request.user, node).count(),
    })
    return render(request, "members/member_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    union = org_selectors.get_node_for_user(request.user, pk, "members.change")
    if union.level not in services.MEMBERSHIP_LEVELS:
        messages.error(request, _("Members are registered in a grassroots, joint or branch union; open one of the "
                                  "unions below %(name)s.") % {"name": union.name})
        return redirect("members:member_list", pk=union.pk)
    form = MemberForm(request.POST or None, union=union)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        status = Status.APPLICANT if data.pop("as_application", False) else Status.ACTIVE
        try:
            member = services.member_create(actor=request.user, union=union, status=status, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was registered with card number %(card)s.")
                             % {"name": member.name, "card": member.card_no})
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {
        "form": form, "node": union, "crumbs": org_selectors.breadcrumbs(request.user, union),
        "title": _("New member of %(name)s") % {"name": union.name},
    })


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for_user(request.user, pk)
    return render(request, "members/member_detail.html", {
        "member": member,
        "crumbs": org_selectors.breadcrumbs(request.user, member.union)
        if policy.has_perm(request.user, "orgs.view", member.union.path) else [],
        "history": selectors.member_history(member),
        "transfers": selectors.member_transfers(member),
        "actions": _available_actions(request.user, member),
        "may_edit": selectors.can(request.user, "members.change", member)
        and policy.has_perm(request.user, "members.change", member.path),
        "may_reveal": policy.has_perm(request.user, "members.reveal", member.path),
        "may_see_women": member.gender == "F" and policy.has_perm(request.user, "women.view", member.path),
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for_user(request.user, pk, "members.change")
    if not policy.has_perm(request.user, "members.change", member.path):
        raise Http404  # the receiving side of a transfer may act on the transfer, not edit the record
    reveal = policy.has_perm(request.user, "members.reveal", member.path)
    form = MemberForm(request.POST or None, instance=Member.objects.get(pk=member.pk), union=member.union,
                      reveal=reveal)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, **form.changes())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": member.name})
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_form.html", {
        "form": form, "node": member.union, "member": member,
        "crumbs": org_selectors.breadcrumbs(request.user, member.union),
        "title": _("Edit %(name)s") % {"name": member.name},
    })


@login_required
@require_POST
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one 身份证号 or mobile number in clear: an explicit, logged action."""
    member = selectors.get_member_for_user(request.user, pk)
    if not policy.has_perm(request.user, "members.reveal", member.path):
        raise PermissionDenied
    field = request.POST.get("field", "citizen_id")
    if field not in ("citizen_id", "mobile"):
        field = "citizen_id"
    value = services.citizen_id_reveal(actor=request.user, member=member, field=field)
    return render(request, "members/_revealed.html", {"value": value or "—", "field": field})


# ---- 会籍 lifecycle ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    label: str
    form: type
    run: Callable[[Any, Member, dict], Any]  # (actor, member, the form's cleaned data) → the service
    receiving_side: bool = False  # decided by the union the member is transferring to
    danger: bool = False


# The steps a page offers, in order; which statuses each may start from is services.ALLOWED_FROM.
ACTIONS: dict[str, Action] = {
    "approve": Action(gettext_lazy("Approve the application"), DateForm,
                      lambda actor, m, d: services.member_approve(actor=actor, member=m, on=d["on"])),
    "refuse": Action(gettext_lazy("Refuse the application"), ReasonForm,
                     lambda actor, m, d: services.member_refuse_application(actor=actor, member=m, reason=d["reason"]),
                     danger=True),
    "reapply": Action(gettext_lazy("Register a new application"), EmptyForm,
                      lambda actor, m, d: services.member_reapply(actor=actor, member=m)),
    "transfer": Action(gettext_lazy("Transfer to another union"), TransferForm,
                       lambda actor, m, d: services.member_transfer_out(actor=actor, member=m,
                                                                        to_union=d["to_union"], reason=d["reason"])),
    "cancel_transfer": Action(gettext_lazy("Call back the transfer"), EmptyForm,
                              lambda actor, m, d: services.member_transfer_cancel(actor=actor, member=m)),
    "receive": Action(gettext_lazy("Receive into this union"), ReceiveForm,
                      lambda actor, m, d: services.member_transfer_receive(actor=actor, member=m, group=d["group"],
                                                                           unit=d["unit"]),
                      receiving_side=True),
    "refuse_transfer": Action(gettext_lazy("Refuse the transfer"), ReasonForm,
                              lambda actor, m, d: services.member_transfer_refuse(actor=actor, member=m,
                                                                                  reason=d["reason"]),
                              receiving_side=True, danger=True),
    "retain": Action(gettext_lazy("Retain membership"), RetainForm,
                     lambda actor, m, d: services.member_retain(actor=actor, member=m, reason=d["reason"])),
    "restore": Action(gettext_lazy("Restore full membership"), EmptyForm,
                      lambda actor, m, d: services.member_restore(actor=actor, member=m)),
    "keep": Action(gettext_lazy("Keep after six months without dues or union life"), ReasonForm,
                   lambda actor, m, d: services.member_keep_after_inactivity(actor=actor, member=m,
                                                                             reason=d["reason"])),
    "withdraw": Action(gettext_lazy("Withdraw from the union"), ReasonForm,
                       lambda actor, m, d: services.member_withdraw(actor=actor, member=m, reason=d["reason"]),
                       danger=True),
    "expel": Action(gettext_lazy("Expel"), ReasonForm,
                    lambda actor, m, d: services.member_expel(actor=actor, member=m, reason=d["reason"]),
                    danger=True),
    "death": Action(gettext_lazy("Record death"), DateForm,
                    lambda actor, m, d: services.member_record_death(actor=actor, member=m, on=d["on"]),
                    danger=True),
}
REASON_REQUIRED = frozenset({"refuse", "refuse_transfer", "expel"})


def _may(user, member: Member, action: Action) -> bool:
    path = member.transfer_to_path if action.receiving_side else member.path
    return bool(path) and policy.has_perm(user, "members.change", path)


def _available_actions(user, member: Member) -> list[tuple[str, Action]]:
    return [(key, action) for key, action in ACTIONS.items()
            if member.status in services.ALLOWED_FROM[key] and _may(user, member, action)
            and (key != "keep" or selectors.is_flagged_inactive(member))]


def _form_for(key: str, action: Action, member: Member, data=None):
    if action.form is ReceiveForm:
        return ReceiveForm(data, union=member.transfer_to)
    if action.form is ReasonForm:
        return ReasonForm(data, required=key in REASON_REQUIRED)
    return action.form(data)


@login_required
@require_http_methods(["GET", "POST"])
def member_membership(request: HttpRequest, pk: int) -> HttpResponse:
    """One 会籍 step (?action=…): its form on GET, the service on POST. A step the member's status does not
    allow is refused with the service's message; a step the user may not take is 403."""
    member = selectors.get_member_for_user(request.user, pk)
    if not any(policy.has_perm(request.user, "members.change", path)
               for path in (member.path, member.transfer_to_path) if path):
        raise PermissionDenied
    key = request.POST.get("action") or request.GET.get("action") or ""
    action = ACTIONS.get(key)
    if action is None:
        # no step chosen yet: the steps this member's status allows and this user may take
        return render(request, "members/member_membership.html", {
            "member": member, "action": None, "actions": _available_actions(request.user, member),
            "crumbs": org_selectors.breadcrumbs(request.user, member.union)
            if policy.has_perm(request.user, "orgs.view", member.union.path) else [],
        })
    path = member.transfer_to_path if action.receiving_side and member.transfer_to_path else member.path
    if not policy.has_perm(request.user, "members.change", path):
        raise PermissionDenied  # the member is visible (the access helper passed), the step is not theirs
    if action.receiving_side and not member.transfer_to_path:
        messages.error(request, _("%(name)s has no transfer waiting.") % {"name": member.name})
        return redirect("members:member_detail", pk=member.pk)
    form = _form_for(key, action, member, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action.run(request.user, member, form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _apply_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("members:member_detail", pk=member.pk)
        else:
            if key == "transfer":
                messages.success(request, _("%(name)s was sent to %(union)s; the transfer waits for that union to "
                                            "receive them.") % {"name": member.name,
                                                                "union": form.cleaned_data["to_union"].name})
            else:
                messages.success(request, _("%(step)s: done for %(name)s.") % {"step": action.label,
                                                                               "name": member.name})
            if action.receiving_side and not policy.has_perm(request.user, "members.view", member.path) \
                    and key == "refuse_transfer":
                return redirect("members:member_list", pk=member.transfer_to_id or member.union_id)
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_membership.html", {
        "member": member, "action": action, "key": key, "form": form,
        "crumbs": org_selectors.breadcrumbs(request.user, member.union)
        if policy.has_perm(request.user, "orgs.view", member.union.path) else [],
    })


@login_required
def transfer_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "members.view")
    return render(request, "members/transfer_list.html", {
        "node": node, "crumbs": org_selectors.breadcrumbs(request.user, node),
        "transfers": selectors.pending_transfers(request.user, node),
    })


@login_required
@vary_on_headers("HX-Request")
def inactive_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "members.view")
    page = Paginator(selectors.inactive_members(request.user, node), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/inactive_list.html", {
        "node": node, "crumbs": org_selectors.breadcrumbs(request.user, node), "page": page,
        "perms": policy.permissions_at(request.user, node.path),
        "months": selectors.INACTIVITY_MONTHS,
    })
