"""Collective contract pages: the contracts of a node's subtree, recording, changing and deleting one.
rights.view to look, rights.change to write; a node or contract outside the user's subtree does not exist for
them (404)."""

from __future__ import annotations

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
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import UNION_LEVELS
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from . import selectors, services
from .forms import ContractForm
from .models import ContractKind, ContractStatus
from .rules import rule

PAGE_SIZE = 25
STATUS_CHOICES = [("in_force", ContractStatus.IN_FORCE.label), ("expiring", ContractStatus.EXPIRING.label),
                  ("expired", ContractStatus.EXPIRED.label), ("pending", ContractStatus.PENDING.label)]


def _decorate(contract, today) -> None:
    contract.status = contract.status_on(today)
    contract.status_label = ContractStatus(contract.status).label
    contract.late = contract.filing_late(today)


@login_required
@vary_on_headers("HX-Request")
def contract_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "rights.view")
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ContractKind.values else ""
    page = Paginator(selectors.contracts(request.user, node, status=status, kind=kind, today=today),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    for contract in page.object_list:
        _decorate(contract, today)
    context = {"node": node, "page": page, "status": status, "kind": kind, "statuses": STATUS_CHOICES,
               "kinds": ContractKind.choices, "today": today,
               "may_create": node.level in UNION_LEVELS and policy.has_perm(request.user, "rights.change",
                                                                            node.path),
               "renewal_source": rule("RENEWAL_SOURCE")}
    if request.htmx and request.htmx.target == "contract-results":
        return render(request, "rights/_results.html", context)
    context["crumbs"] = org_selectors.breadcrumbs(request.user, node)
    return render(request, "rights/list.html", context)


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract_for_user(request.user, pk)
    today = timezone.localdate()
    _decorate(contract, today)
    return render(request, "rights/detail.html", {
        "contract": contract, "units": list(contract.units.order_by("name")),
        "warnings": services.warnings(contract, today=today),
        "may_change": policy.has_perm(request.user, "rights.change", contract.path),
        "renewal_source": rule("RENEWAL_SOURCE"), "effective_source": rule("EFFECTIVE_SOURCE"),
        "crumbs": org_selectors.breadcrumbs(request.user, contract.union), "crumb_link_last": True,
    })


def _saved(request, contract) -> None:
    messages.success(request, _("The collective contract “%(title)s” was saved.") % {"title": contract.title})
    for warning in services.warnings(contract):
        messages.warning(request, warning)


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "rights.change")
    is_union = node.level in UNION_LEVELS
    form = ContractForm(request.POST or None, union=node) if is_union else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            contract = services.contract_create(actor=request.user, union=node, units=units, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            _saved(request, contract)
            return redirect("rights:contract_detail", pk=contract.pk)
    return render(request, "rights/form.html", {
        "node": node, "form": form, "contract": None,
        "crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract_for_user(request.user, pk, "rights.change")
    initial = {field: getattr(contract, field) for field in services.FIELDS}
    initial["units"] = list(contract.units.values_list("pk", flat=True))
    form = ContractForm(request.POST or None, union=contract.union, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        units = data.pop("units")
        try:
            contract = services.contract_update(actor=request.user, contract=contract, units=units, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            _saved(request, contract)
            return redirect("rights:contract_detail", pk=contract.pk)
    return render(request, "rights/form.html", {
        "node": contract.union, "form": form, "contract": contract,
        "crumbs": org_selectors.breadcrumbs(request.user, contract.union), "crumb_link_last": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def contract_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.get_contract_for_user(request.user, pk, "rights.change")
    if request.method == "POST":
        union = contract.union
        services.contract_delete(actor=request.user, contract=contract)
        messages.success(request, _("The collective contract “%(title)s” was deleted.") % {"title": contract.title})
        return redirect("rights:contract_list", pk=union.pk)
    return render(request, "rights/delete.html", {
        "contract": contract, "crumbs": org_selectors.breadcrumbs(request.user, contract.union),
        "crumb_link_last": True,
    })
