"""考核 pages: a node's schemes, a scheme's ranked table with its criteria, the hand-score grid and the .xlsx.
plans.view to look, plans.assess (a federation admin) to define schemes and enter scores; outside the
user's subtree a scheme or node does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import FEDERATION_LEVELS
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from . import scoring, selectors, services
from .forms import CriterionForm, SchemeForm
from .ledger import criterion_heading, number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(request, node) -> dict:
    return {"crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True}


@login_required
def scheme_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.view")
    return render(request, "plans/assessment/scheme_list.html", {
        "node": node, "schemes": list(selectors.schemes_of(request.user, node)),
        "is_federation": node.level in FEDERATION_LEVELS,
        "may_assess": policy.has_perm(request.user, "plans.assess", node.path), **_crumbs(request, node)})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.assess")
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=request.user, node=node, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The assessment scheme “%(name)s” was created: now add its indicators.")
                             % {"name": scheme.name})
            return redirect("plans:scheme_detail", pk=scheme.pk)
    return render(request, "plans/assessment/scheme_form.html", {
        "node": node, "form": form, "scheme": None, "is_federation": node.level in FEDERATION_LEVELS,
        **_crumbs(request, node)}, status=400 if form.errors else 200)


def _table_context(request, scheme) -> dict:
    table = scoring.score_table(scheme)
    return {"scheme": scheme, "node": scheme.node, "table": table,
            "headings": [criterion_heading(c) for c in table.criteria], "full_marks": number(table.full_marks),
            "may_assess": policy.has_perm(request.user, "plans.assess", scheme.path),
            "has_hand": any(not c.metric for c in table.criteria)}


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_user(request.user, pk)
    context = _table_context(request, scheme)
    return render(request, "plans/assessment/scheme_detail.html", {**context, **_crumbs(request, scheme.node)})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_user(request.user, pk, "plans.assess")
    initial = {"name": scheme.name, "year": scheme.year, "description": scheme.description,
               "subjects": scheme.subjects}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The assessment scheme was saved."))
            return redirect("plans:scheme_detail", pk=scheme.pk)
    return render(request, "plans/assessment/scheme_form.html", {
        "node": scheme.node, "form": form, "scheme": scheme, "is_federation": True,
        **_crumbs(request, scheme.node)}, status=400 if form.errors else 200)


@login_required
@require_POST
def scheme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_user(request.user, pk, "plans.assess")
    node = scheme.node
    services.scheme_delete(actor=request.user, scheme=scheme)
    messages.success(request, _("The assessment scheme “%(name)s” was deleted.") % {"name": scheme.name})
    return redirect("plans:scheme_list", pk=node.pk)


def _criterion_form_page(request, scheme, form, criterion=None) -> HttpResponse:
    return render(request, "plans/assessment/criterion_form.html", {
        "scheme": scheme, "node": scheme.node, "form": form, "criterion": criterion,
        **_crumbs(request, scheme.node)}, status=400 if form.errors else 200)


def _criterion_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["metric"] = data.get("metric") or ""
    return data


@login_required
@require_http_methods(["GET", "POST"])
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_user(request.user, pk, "plans.assess")
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_create(actor=request.user, scheme=scheme, **_criterion_data(form))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect("plans:scheme_detail", pk=scheme.pk)
    return _criterion_form_page(request, scheme, form)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = selectors.get_criterion_for_user(request.user, pk, "plans.assess")
    initial = {name: getattr(criterion, name) for name in
               ("label", "metric", "comparator", "target", "unit", "weight", "rule", "order")}
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=request.user, criterion=criterion, **_criterion_data(form))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect("plans:scheme_detail", pk=criterion.scheme_id)
    return _criterion_form_page(request, criterion.scheme, form, criterion)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = selectors.get_criterion_for_user(request.user, pk, "plans.assess")
    scheme_id = criterion.scheme_id
    services.criterion_delete(actor=request.user, criterion=criterion)
    messages.success(request, _("The indicator “%(label)s” was deleted.") % {"label": criterion.label})
    return redirect("plans:scheme_detail", pk=scheme_id)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid of values entered by hand: one row per assessed union, one column per hand-scored criterion."""
    scheme = selectors.get_scheme_for_user(request.user, pk, "plans.assess")
    criteria = list(scheme.criteria.filter(metric=""))
    unions = scoring.assessed_unions(scheme)
    values = {key: number(value) for key, value in selectors.entered_values(criteria, unions).items()}
    errors: list[str] = []
    if request.method == "POST":
        entries = {}
        for criterion in criteria:
            for union in unions:
                name = f"s-{criterion.pk}-{union.pk}"
                if name in request.POST:
                    entries[(criterion.pk, union.pk)] = request.POST[name]
        try:
            counts = services.scores_save(actor=request.user, scheme=scheme, entries=entries)
        except ValidationError as error:
            errors = error.messages
            values.update(entries)
        else:
            messages.success(request, _("Scores saved: %(created)d entered, %(changed)d changed, %(cleared)d "
                                        "cleared.") % counts)
            return redirect("plans:scheme_detail", pk=scheme.pk)
    grid = [(union, [(criterion, f"s-{criterion.pk}-{union.pk}", values.get((criterion.pk, union.pk), ""))
                     for criterion in criteria]) for union in unions]
    return render(request, "plans/assessment/scores.html", {
        "scheme": scheme, "node": scheme.node, "criteria": criteria, "grid": grid, "errors": errors,
        "headings": [criterion_heading(c) for c in criteria], **_crumbs(request, scheme.node)},
        status=400 if errors else 200)


@login_required
def scheme_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for_user(request.user, pk)
    content, filename = services.export_xlsx(actor=request.user, scheme=scheme)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
