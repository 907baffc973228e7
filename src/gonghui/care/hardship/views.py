"""Pages of hardship files, the 低保 standards, the care budgets, and the care overview of a node."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from .. import evidence_views
from ..models import HardshipStatus
from . import selectors, services
from .forms import BudgetForm, HardshipFileForm, HardshipReviewForm, ReasonForm, StandardForm, member_choices

PAGE_SIZE = 25
FILE_FIELDS = ("cause", "household", "annual_income", "hardship_spending", "sudden_accident", "cause_text",
               "health")


def _crumbs(request, node):
    return org_selectors.breadcrumbs(request.user, node)


@login_required
def care_home(request: HttpRequest, pk: int) -> HttpResponse:
    from ..assistance import selectors as assistance_selectors

    node = get_node_for_user(request.user, pk, "care.view")
    today = timezone.localdate()
    counts = selectors.status_counts(request.user, node, today)
    return render(request, "care/home.html", {
        "node": node, "crumbs": _crumbs(request, node), "today": today,
        "file_rows": [(value, label, counts.get(value, 0)) for value, label in HardshipStatus.choices],
        "due_count": counts["due"],
        "assistance_counts": assistance_selectors.status_counts(request.user, node),
        "perms": policy.permissions_at(request.user, node.path, ["care.change", "care.approve", "care.pay"]),
        "is_federation": node.is_federation, "is_union": node.is_union,
    })


@login_required
@vary_on_headers("HX-Request")
def hardship_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in HardshipStatus.values else ""
    due = request.GET.get("due") == "1"
    page = Paginator(selectors.files(request.user, node, status=status, due=due, today=today),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"node": node, "page": page, "status": status, "due": due, "statuses": HardshipStatus.choices,
               "today": today, "may_change": policy.has_perm(request.user, "care.change", node.path)}
    if request.htmx and request.htmx.target == "hardship-results":
        return render(request, "care/hardship/_results.html", context)
    context["crumbs"] = _crumbs(request, node)
    return render(request, "care/hardship/list.html", context)


def _file_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in FILE_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def hardship_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.change")
    form = HardshipFileForm(request.POST or None, members=member_choices(node))
    if request.method == "POST" and form.is_valid():
        try:
            file = services.hardship_file_create(actor=request.user, member=form.cleaned_data["member"],
                                                 **_file_data(form))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The hardship file of %(name)s was filed as %(category)s.") % {
                "name": file.member.name, "category": file.get_category_display()})
            return redirect("care:hardship_detail", pk=file.pk)
    return render(request, "care/hardship/form.html", {"form": form, "node": node, "crumbs": _crumbs(request, node),
                                                       "title": _("File a hardship case")})


@login_required
def hardship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file(request.user, pk)
    details = services.file_details(file)
    user = request.user
    editable = file.status in (HardshipStatus.DRAFT, HardshipStatus.RETURNED)
    return render(request, "care/hardship/detail.html", {
        "file": file, "details": services.masked_details(details), "history": selectors.history(file),
        "crumbs": _crumbs(request, file.union), "crumb_link_last": True,
        "may_edit": editable and policy.has_perm(user, "care.change", file.path),
        "may_union_approve": file.status == HardshipStatus.DRAFT and services.may_approve_for_union(user, file),
        "may_approve": file.status == HardshipStatus.UNION_APPROVED and services.may_approve_above(user, file),
        "may_return": (file.status == HardshipStatus.DRAFT and services.may_approve_for_union(user, file))
        or (file.status == HardshipStatus.UNION_APPROVED and services.may_approve_above(user, file)),
        "may_review": file.status == HardshipStatus.ACTIVE and policy.has_perm(user, "care.change", file.path),
        "may_close": file.status != HardshipStatus.CLOSED and policy.has_perm(user, "care.change", file.path),
        "may_reveal": policy.has_perm(user, "care.reveal", file.path),
        "reason_form": ReasonForm(),
        "evidence": evidence_views.context(user, file),
    })


@login_required
@require_http_methods(["GET", "POST"])
def hardship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file(request.user, pk, "care.change")
    details = services.file_details(file)
    initial = {"cause": file.cause, "household": services.household_text(details["household"]),
               "annual_income": details["annual_income"], "hardship_spending": details["hardship_spending"],
               "sudden_accident": details["sudden_accident"], "cause_text": details["cause_text"],
               "health": details["health"]}
    form = HardshipFileForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_file_update(actor=request.user, file=file, **_file_data(form))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The hardship file was saved."))
            return redirect("care:hardship_detail", pk=file.pk)
    return render(request, "care/hardship/form.html", {
        "form": form, "file": file, "node": file.union, "crumbs": _crumbs(request, file.union),
        "title": _("Correct the hardship file of %(name)s") % {"name": file.member.name}})


ACTIONS = {
    "union_approve": (services.hardship_union_approve, False, "care.approve"),
    "approve": (services.hardship_approve, False, "care.view"),  # the service checks the union above
    "return": (services.hardship_return, True, "care.approve"),
    "close": (services.hardship_close, True, "care.change"),
}


@login_required
@require_POST
def hardship_action(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file(request.user, pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown step."))
        return redirect("care:hardship_detail", pk=file.pk)
    service, needs_reason, permission = ACTIONS[action]
    policy.check(request.user, file.path, permission)
    kwargs = {"reason": request.POST.get("reason", "")} if needs_reason else {}
    try:
        file = service(actor=request.user, file=file, **kwargs)
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done: the file is now “%(status)s”.") % {"status": file.get_status_display()})
    return redirect("care:hardship_detail", pk=file.pk)


@login_required
@require_http_methods(["GET", "POST"])
def hardship_review(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file(request.user, pk, "care.change")
    details = services.file_details(file)
    form = HardshipReviewForm(request.POST or None, initial={
        "household": services.household_text(details["household"]), "annual_income": details["annual_income"],
        "hardship_spending": details["hardship_spending"], "health": details["health"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            file = services.hardship_review(
                actor=request.user, file=file, household=data["household"], annual_income=data["annual_income"],
                hardship_spending=data["hardship_spending"], health=data["health"], note=data["note"],
                on=data["on"] or None)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Review recorded: the file is now “%(status)s”.")
                             % {"status": file.get_status_display()})
            return redirect("care:hardship_detail", pk=file.pk)
    return render(request, "care/hardship/form.html", {
        "form": form, "file": file, "node": file.union, "crumbs": _crumbs(request, file.union),
        "title": _("Yearly review of the hardship file of %(name)s") % {"name": file.member.name}})


@login_required
@require_POST
def hardship_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.get_file(request.user, pk, "care.reveal")
    details = services.hardship_reveal(actor=request.user, file=file)
    return render(request, "care/hardship/_details.html", {"file": file, "details": details, "revealed": True})


@login_required
@require_http_methods(["GET", "POST"])
def standard_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    may_add = node.is_federation and policy.has_perm(request.user, "care.approve", node.path) and (
        policy.has_perm(request.user, "accounts.manage", node.path))
    form = StandardForm(request.POST or None)
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.standard_create(actor=request.user, node=node, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The 低保 standard was saved."))
                return redirect("care:standard_list", pk=node.pk)
    today = timezone.localdate()
    return render(request, "care/hardship/standards.html", {
        "node": node, "crumbs": _crumbs(request, node), "rows": selectors.standards(node), "form": form,
        "may_add": may_add, "current": services.standard_for(node, today), "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def budget_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    may_add = node.is_union and policy.has_perm(request.user, "care.approve", node.path)
    form = BudgetForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.budget_create(actor=request.user, node=node, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The budget line was saved."))
                return redirect("care:budget_list", pk=node.pk)
    return render(request, "care/hardship/budgets.html", {
        "node": node, "crumbs": _crumbs(request, node), "lines": selectors.budget_rows(request.user, node),
        "form": form, "may_add": may_add})
