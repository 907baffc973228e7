"""Indicator pages: the panel of a plan's indicators (an htmx fragment on the plan's page, or a page of its
own), adding, changing and removing an indicator, recording the value of a hand-entered one, and its evidence.
plans.view to look, plans.change to write; outside the user's subtree nothing exists (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.core import evidence, evidence_views
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.views import _apply_errors

from .. import selectors
from ..models import Indicator, Plan
from . import services
from .forms import IndicatorForm, RecordActualForm
from .status import STATUS_COLOURS, indicator_rows, status_totals


def plan_url(plan: Plan) -> str:
    """The plan's own page, at its indicators."""
    return reverse("plans:plan_detail", args=[plan.pk]) + "#indicators"


def _crumbs(request: HttpRequest, plan: Plan) -> list:
    return org_selectors.breadcrumbs(request.user, plan.node)


def panel_context(user, plan: Plan, *, today=None) -> dict:
    rows = indicator_rows(plan, today=today)
    return {"plan": plan, "rows": rows, "totals": status_totals(rows), "colours": STATUS_COLOURS,
            "may_change": policy.has_perm(user, "plans.change", plan.path)}


@login_required
@vary_on_headers("HX-Request")
def indicator_panel(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    context = panel_context(request.user, plan)
    if request.htmx:
        return render(request, "plans/_indicator_panel.html", context)
    context.update(crumbs=_crumbs(request, plan), plan_url=plan_url(plan))
    return render(request, "plans/indicators/panel.html", context)


def _form_data(form: IndicatorForm) -> dict:
    data = dict(form.cleaned_data)
    data["item"] = data.get("item")
    return data


def _item(plan: Plan, pk):
    return plan.items.filter(pk=pk).first() if pk else None


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "plans.change")
    items = list(plan.items.filter(indicator__isnull=True).order_by("order", "pk"))
    form = IndicatorForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid() and plan.editable:
        data = _form_data(form)
        try:
            indicator = services.indicator_create(
                actor=request.user, plan=plan, metric=data["metric"], label=data["label"], section=data["section"],
                comparator=data["comparator"], target=data["target"], unit=data["unit"], deadline=data["deadline"],
                item=_item(plan, data["item"]))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The indicator “%(label)s” was added.")
                             % {"label": services.describe(indicator)})
            return redirect(plan_url(plan))
    return render(request, "plans/indicators/form.html", {
        "plan": plan, "form": form, "indicator": None, "crumbs": _crumbs(request, plan), "plan_url": plan_url(plan),
    })


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for_user(request.user, pk, "plans.change")
    plan = indicator.plan
    items = list(plan.items.filter(indicator__isnull=True).order_by("order", "pk"))
    if indicator.item is not None:
        items.insert(0, indicator.item)
    initial = {"metric": indicator.metric, "label": indicator.label, "section": indicator.section,
               "comparator": indicator.comparator, "target": indicator.target, "unit": indicator.unit,
               "deadline": indicator.deadline, "item": indicator.item_id}
    form = IndicatorForm(request.POST or None, initial=initial, items=items)
    if request.method == "POST" and form.is_valid() and plan.editable:
        data = _form_data(form)
        try:
            indicator = services.indicator_update(
                actor=request.user, indicator=indicator, metric=data["metric"], label=data["label"],
                section=data["section"], comparator=data["comparator"], target=data["target"], unit=data["unit"],
                deadline=data["deadline"], item=_item(plan, data["item"]))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The indicator “%(label)s” was saved.")
                             % {"label": services.describe(indicator)})
            return redirect(plan_url(plan))
    return render(request, "plans/indicators/form.html", {
        "plan": plan, "form": form, "indicator": indicator, "crumbs": _crumbs(request, plan),
        "plan_url": plan_url(plan),
    })


@login_required
@require_http_methods(["GET", "POST"])
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for_user(request.user, pk, "plans.change")
    plan = indicator.plan
    error = ""
    if request.method == "POST":
        label = services.describe(indicator)
        try:
            services.indicator_delete(actor=request.user, indicator=indicator)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, _("The indicator “%(label)s” was removed.") % {"label": label})
            return redirect(plan_url(plan))
    return render(request, "plans/indicators/delete.html", {
        "plan": plan, "indicator": indicator, "error": error, "crumbs": _crumbs(request, plan),
        "plan_url": plan_url(plan), "files": len(evidence.evidence_of(indicator)),
    })


def _row(indicator: Indicator):
    """The status row of one indicator (its metric computed alone)."""
    indicator.plan.node  # noqa: B018 - loaded by the access helper
    return indicator_rows(indicator.plan, indicators=[indicator])[0]


def _evidence_context(user, indicator: Indicator, may_change: bool) -> dict:
    files = evidence.evidence_of(indicator)
    return {"photos": [f for f in files if f.kind == "photo"], "documents": [f for f in files if f.kind != "photo"],
            "may_change": may_change,
            "upload_action": reverse("plans:indicator_evidence_upload", args=[indicator.pk]) if may_change else "",
            "max_mb": evidence.max_attachment_bytes() // 1024 // 1024,
            "file_url": "plans:indicator_evidence_file", "delete_url": "plans:indicator_evidence_delete"}


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for_user(request.user, pk)
    may_change = policy.has_perm(request.user, "plans.change", indicator.plan.path)
    return render(request, "plans/indicators/detail.html", {
        "plan": indicator.plan, "indicator": indicator, "row": _row(indicator), "may_change": may_change,
        "evidence": _evidence_context(request.user, indicator, may_change), "crumbs": _crumbs(request, indicator.plan),
        "plan_url": plan_url(indicator.plan),
    })


@login_required
@require_http_methods(["GET", "POST"])
def indicator_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the value reached on a hand-entered indicator (at any status of the plan: services)."""
    indicator = selectors.get_indicator_for_user(request.user, pk, "plans.change")
    if indicator.metric:
        messages.info(request, _("“%(label)s” is computed from the records; its value is not entered by hand.")
                      % {"label": indicator.label})
        return redirect("plans:indicator_detail", indicator.pk)
    form = RecordActualForm(request.POST or None, initial={"value": indicator.manual_actual,
                                                            "note": indicator.manual_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_record_actual(actor=request.user, indicator=indicator,
                                             value=form.cleaned_data["value"], note=form.cleaned_data["note"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The value of “%(label)s” was recorded.") % {"label": indicator.label})
            return redirect("plans:indicator_detail", indicator.pk)
    return render(request, "plans/indicators/record.html", {
        "plan": indicator.plan, "indicator": indicator, "form": form, "crumbs": _crumbs(request, indicator.plan),
        "plan_url": plan_url(indicator.plan),
    })


@login_required
@require_POST
def indicator_evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator_for_user(request.user, pk, "plans.change")
    return evidence_views.uploaded(
        request, next_url=reverse("plans:indicator_detail", args=[indicator.pk]) + "#evidence",
        add=lambda data: services.evidence_add(actor=request.user, indicator=indicator, upload=data["file"],
                                               caption=data["caption"]))


def _attachment_for_user(user, pk: int, permission: str):
    attachment = evidence.attachment_of(Indicator, pk)
    return attachment, selectors.get_indicator_for_user(user, attachment.object_id, permission)


@login_required
def indicator_evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, _indicator = _attachment_for_user(request.user, pk, "plans.view")
    return evidence.evidence_file(attachment)


@login_required
@require_POST
def indicator_evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, indicator = _attachment_for_user(request.user, pk, "plans.change")
    return evidence_views.removed(
        request, attachment=attachment, next_url=reverse("plans:indicator_detail", args=[indicator.pk]) + "#evidence",
        delete=lambda: services.evidence_delete(actor=request.user, attachment=attachment))
