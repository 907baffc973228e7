"""Thin views: an access helper, one service or selector call, render or redirect. A view answers both its
full page and, for htmx requests, the fragment that changed."""

from __future__ import annotations

import copy
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.activities.models import ActivityKind, HonourKind
from gonghui.care import stats as care_stats
from gonghui.care.models import AssistanceKind, Campaign, HardshipCategory
from gonghui.members.models import Status
from gonghui.plans import progress as plan_progress

from . import selectors, services
from .forms import MoveForm, NodeForm, OfficerForm, UnitForm
from .models import Level, Ownership, UnitKind

PAGE_SIZE = 25


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@vary_on_headers("HX-Request")
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_user(request.user, pk)
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.node_children(node, search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "node": node,
        "search": search,
        "page": page,
        "rows": selectors.child_rows(node, list(page.object_list)),
        "perms": policy.permissions_at(request.user, node.path),
    }
    if request.htmx and request.htmx.target == "children":
        return render(request, "orgs/_children.html", context)
    officers = selectors.node_officers(node)
    today = datetime.date.today()
    context.update({
        "crumbs": selectors.breadcrumbs(request.user, node),
        "officers": officers,
        "today": today,
        "findings": selectors.findings_for(node, officers, today),
        "own_members": selectors.own_member_counts(node) if node.is_union else None,
        "coverage": selectors.coverage(node),
        # this year's overdue plan items of the node and of the unions directly under it (issue 5)
        "overdue": (plan_progress.overdue_items(request.user, node, today=today)
                    if context["perms"].get("plans_view") else []),
    })
    return render(request, "orgs/node_detail.html", context)


STATS_PAGE_SIZE = 50


@login_required
@vary_on_headers("HX-Request")
def node_stats(request: HttpRequest, pk: int) -> HttpResponse:
    """The coverage dashboard of a node's subtree: figures, charts and one row per child, each opening that
    child's dashboard. A fixed number of queries whatever the size of the subtree."""
    node = selectors.get_node_for_user(request.user, pk)
    rows = selectors.child_coverage(node)
    page = Paginator(rows, STATS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"node": node, "page": page, "rows": page.object_list,
               "min_staff": settings.GONGHUI_RULES["COVERAGE_MIN_STAFF"]}
    if request.htmx and request.htmx.target == "stats-children":
        return render(request, "orgs/_stats_children.html", context)
    coverage = selectors.coverage(node)
    year, years = _stats_year(request.GET.get("year"))
    year_figures = care_stats.year_stats(node, year)
    chart = stats_chart_data(coverage, rows)
    tables = year_tables(year_figures)
    chart["year"] = year_chart_data(tables)
    context.update({
        "crumbs": selectors.breadcrumbs(request.user, node),
        "coverage": coverage,
        "status_rows": [(status, Status(status).label, count)
                        for status, count in coverage.members_by_status.items()],
        "chart": chart,
        "year": year,
        "years": years,
        "year_figures": year_figures,
        "year_tables": tables,
        "year_cards": year_cards(tables, year_figures),
    })
    return render(request, "orgs/node_stats.html", context)


STATS_YEARS = 5  # the year selector offers this year and the four before it


def _stats_year(raw: str | None) -> tuple[int, list[int]]:
    """The year asked for (?year=), else this year; an unreadable or far-off year falls back to this year."""
    today = datetime.date.today()
    years = list(range(today.year, today.year - STATS_YEARS, -1))
    try:
        year = int(raw or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return year, years


def _label(choices, key: str) -> str:
    if key == care_stats.NO_CATEGORY:
        return _("No category yet")
    return str(choices(key).label) if key in choices.values else key


def year_tables(figures: dict) -> dict:
    """The year figures as rows with labels, for the dashboard's tables and charts."""
    activities, honours = figures["activities"], figures["honours"]
    assistance, visits = figures["assistance"], figures["visits"]
    hardship, campaigns = figures["hardship"], figures["campaigns"]
    return {
        "activities": [{"label": _label(ActivityKind, kind), **row} for kind, row in activities["by_kind"].items()],
        "honours": [{"label": _label(HonourKind, kind), **row} for kind, row in honours["by_kind"].items()],
        "assistance": [{"label": _label(AssistanceKind, kind), **row}
                       for kind, row in assistance["by_kind"].items()],
        "visits": [{"label": care_stats.visit_reason_label(reason), **row}
                   for reason, row in visits["by_reason"].items()],
        "hardship": [{"label": _label(HardshipCategory, category), **row}
                     for category, row in hardship["by_category"].items()],
        "campaigns": [{"label": _label(Campaign.Kind, kind), **row} for kind, row in campaigns["by_kind"].items()],
    }


def year_cards(tables: dict, figures: dict) -> list[dict]:
    """The dashboard's year tables, one card each (orgs/_year_card.html): title, chart, headers, cells, note."""
    def n(value) -> str:
        return intcomma(value)

    donations = figures["campaigns"]["donations"]
    return [
        {"key": "activities", "icon": "flag", "title": _("Activities by kind"), "chart": "chart-year-activities",
         "chart_label": _("Activity person-times by kind"),
         "headers": [_("Activity kind"), _("Activities"), _("Person-times"), _("Participants")],
         "rows": [[r["label"], n(r["activities"]), n(r["person_times"]), n(r["participants"])]
                  for r in tables["activities"]],
         "empty": _("No activities in this year.")},
        {"key": "assistance", "icon": "heart", "title": _("Assistance by kind"), "chart": "chart-year-assistance",
         "chart_label": _("Assistance amounts by kind"),
         "headers": [_("Assistance kind"), _("Persons"), _("Payments"), _("Amount (yuan)")],
         "rows": [[r["label"], n(r["persons"]), n(r["records"]), n(r["amount"])] for r in tables["assistance"]],
         "empty": _("No assistance in this year."),
         "note": _("Approved, paid or confirmed assistance, visit gifts and campaign gifts included.")},
        {"key": "visits", "icon": "house-heart", "title": _("Visits by reason"), "chart": "chart-year-visits",
         "chart_label": _("Visits by reason"),
         "headers": [_("Visit reason"), _("Visits"), _("Persons"), _("Value given (yuan)")],
         "rows": [[r["label"], n(r["visits"]), n(r["persons"]), n(r["value"])] for r in tables["visits"]],
         "empty": _("No visits in this year.")},
        {"key": "hardship", "icon": "clipboard-heart", "title": _("Hardship files by category"),
         "chart": "chart-year-hardship", "chart_label": _("Hardship files by category"),
         "headers": [_("Hardship category"), _("On file at year end"), _("Filed in the year"),
                     _("Out of hardship in the year")],
         "rows": [[r["label"], n(r["open"]), n(r["new"]), n(r["relieved"])] for r in tables["hardship"]],
         "empty": _("No hardship files.")},
        {"key": "honours", "icon": "award", "title": _("Honours awarded"),
         "headers": [_("Honour"), _("Awarded"), _("Members"), _("Collectives")],
         "rows": [[r["label"], n(r["awarded"]), n(r["members"]), n(r["collectives"])] for r in tables["honours"]],
         "empty": _("No honours awarded in this year."),
         "note": _("Nominations for this year waiting for a decision: %(n)s") % {
             "n": figures["honours"]["nominated"]}},
        {"key": "campaigns", "icon": "gift", "title": _("Campaigns and donations"),
         "headers": [_("Campaign"), _("Campaigns"), _("Given / selected"), _("Amount (yuan)")],
         "rows": [[r["label"], n(r["campaigns"]), f"{n(r['given'])} / {n(r['selected'])}", n(r["amount"])]
                  for r in tables["campaigns"]],
         "empty": _("No campaigns in this year."),
         "note": _("Donations: %(n)s (%(m)s members), %(a)s yuan") % {
             "n": donations["donations"], "m": donations["member_donors"], "a": donations["amount"]},
         "note_testid": "stats-year-donations"},
    ]


def year_chart_data(tables: dict) -> dict:
    """What the year charts draw: 人次 by activity kind, assistance amounts by kind, visits by reason,
    hardship files on file by category."""
    return {
        "activities": [{"name": row["label"], "value": row["person_times"]} for row in tables["activities"]],
        "assistance": [{"name": row["label"], "value": float(row["amount"])} for row in tables["assistance"]],
        "visits": [{"name": row["label"], "value": row["visits"]} for row in tables["visits"]],
        "hardship": {"names": [row["label"] for row in tables["hardship"]],
                     "open": [row["open"] for row in tables["hardship"]],
                     "new": [row["new"] for row in tables["hardship"]],
                     "relieved": [row["relieved"] for row in tables["hardship"]]},
        "labels": {"person_times": _("Person-times"), "amount": _("Amount (yuan)"), "visits": _("Visits"),
                   "open": _("On file at year end"), "new": _("Filed in the year"),
                   "relieved": _("Out of hardship in the year")},
    }


def stats_chart_data(coverage, rows) -> dict:
    """What the dashboard's charts draw (json_script): labels in the user's language, drill-down URLs."""
    children = [row for row in rows if row.node is not None]
    url = reverse("orgs:node_stats", args=[0]).replace("/0/", "/%d/")  # one reverse() for every child
    return {
        "status": [{"name": str(Status(status).label), "value": count}
                   for status, count in coverage.members_by_status.items() if count],
        "children": {
            "names": [row.node.name for row in children],
            "urls": [url % row.node.pk for row in children],
            "founding": [_pct(row.coverage.founding_rate) for row in children],
            "founding_min_staff": [_pct(row.coverage.founding_rate_min_staff) for row in children],
            "membership": [_pct(row.coverage.membership_rate) for row in children],
        },
        "labels": {
            "founding": _("Union founding rate (all units)"),
            "founding_min_staff": _("Union founding rate (%(n)d+ staff)") % {"n": coverage.min_staff},
            "membership": _("Membership rate"),
            "status": _("Members by status"),
        },
    }


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


@login_required
@require_http_methods(["GET", "POST"])
def node_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = selectors.get_node_for_user(request.user, pk, "orgs.add")
    form = NodeForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        level = data.pop("level")
        try:
            node = services.node_create(actor=request.user, parent=parent, level=level, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": node.name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render(request, "orgs/node_form.html", {
        "form": form, "parent": parent, "crumbs": selectors.breadcrumbs(request.user, parent),
        "title": _("New organisation under %(name)s") % {"name": parent.name},
    })


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_user(request.user, pk, "orgs.change")
    may_approve = node.parent is not None and policy.has_perm(request.user, "orgs.change", node.parent.path)
    form = NodeForm(request.POST or None, instance=copy.copy(node), may_approve=may_approve)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_update(actor=request.user, node=node, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": node.name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render(request, "orgs/node_form.html", {
        "form": form, "node": node, "crumbs": selectors.breadcrumbs(request.user, node),
        "title": _("Edit %(name)s") % {"name": node.name},
    })


@login_required
@require_http_methods(["GET", "POST"])
def node_move(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_user(request.user, pk, "orgs.move")
    form = MoveForm(request.POST or None, user=request.user, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_move(actor=request.user, node=node, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was moved under %(parent)s.")
                             % {"name": node.name, "parent": form.cleaned_data["new_parent"].name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render(request, "orgs/node_move.html", {
        "form": form, "node": node, "crumbs": selectors.breadcrumbs(request.user, node),
    })


@login_required
def node_picker(request: HttpRequest) -> HttpResponse:
    """<option> suggestions for NodeCodeField inputs."""
    permission = request.GET.get("perm", "orgs.view")
    if permission not in policy.PERMISSIONS:
        permission = "orgs.view"
    levels = {level for level in request.GET.getlist("level") if level in Level.values} or set(Level.values)
    search = next((value for key, value in request.GET.items() if key not in {"perm", "level"}), "").strip()
    nodes = selectors.node_choices(request.user, permission=permission, levels=levels, search=search)
    return render(request, "orgs/_picker_options.html", {"nodes": nodes})


@login_required
@vary_on_headers("HX-Request")
def unit_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_user(request.user, pk, "units.view")
    filters = {
        "search": request.GET.get("q", "").strip(),
        "kind": request.GET.get("kind", ""),
        "ownership": request.GET.get("ownership", ""),
        "coverage_filter": request.GET.get("coverage", ""),
    }
    units = selectors.unit_list(request.user, node, **filters)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "node": node, "page": page, "filters": filters,
        "kinds": UnitKind.choices, "ownerships": Ownership.choices,
        "perms": policy.permissions_at(request.user, node.path),
    }
    if request.htmx and request.htmx.target == "unit-results":
        return render(request, "orgs/_unit_results.html", context)
    context["crumbs"] = selectors.breadcrumbs(request.user, node)
    return render(request, "orgs/unit_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_user(request.user, pk, "units.change")
    initial = {}
    if node.is_federation or node.level == Level.JOINT_UNION:
        initial["area_node"] = node.code
    if node.is_union:
        initial["covering_union"] = node.code
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {
        "form": form, "node": node, "crumbs": selectors.breadcrumbs(request.user, node),
        "title": _("New unit"),
    })


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk)
    anchor = unit.covering_union or unit.area_node
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "crumbs": selectors.breadcrumbs(request.user, anchor),
        "perms": policy.permissions_at(request.user, unit.path),
    })


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk, "units.change")
    form = UnitForm(request.POST or None, user=request.user, instance=copy.copy(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": unit.name})
            return redirect("orgs:unit_detail", pk=unit.pk)
    anchor = unit.covering_union or unit.area_node
    return render(request, "orgs/unit_form.html", {
        "form": form, "unit": unit, "node": anchor, "crumbs": selectors.breadcrumbs(request.user, anchor),
        "title": _("Edit %(name)s") % {"name": unit.name},
    })


@login_required
@require_http_methods(["GET", "POST"])
def officer_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_user(request.user, pk, "orgs.change")
    form = OfficerForm(request.POST or None, initial={"term_start": node.term_start})
    if request.method == "POST" and form.is_valid():
        try:
            officer = services.officer_create(actor=request.user, node=node, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the committee.") % {"name": officer.name})
            return redirect("orgs:node_detail", pk=node.pk)
    return render(request, "orgs/officer_form.html", {
        "form": form, "node": node, "crumbs": selectors.breadcrumbs(request.user, node),
        "title": _("New officer"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = selectors.get_officer_for_user(request.user, pk, "orgs.change")
    form = OfficerForm(request.POST or None, instance=copy.copy(officer))
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_update(actor=request.user, officer=officer, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": officer.name})
            return redirect("orgs:node_detail", pk=officer.node_id)
    return render(request, "orgs/officer_form.html", {
        "form": form, "node": officer.node, "officer": officer,
        "crumbs": selectors.breadcrumbs(request.user, officer.node),
        "title": _("Edit %(name)s") % {"name": officer.name},
    })


@login_required
@require_POST
def officer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    officer = selectors.get_officer_for_user(request.user, pk, "orgs.change")
    node_id = officer.node_id
    services.officer_delete(actor=request.user, officer=officer)
    messages.success(request, _("%(name)s was removed from the committee.") % {"name": officer.name})
    return redirect("orgs:node_detail", pk=node_id)
