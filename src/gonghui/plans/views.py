"""Plan pages (issue 5 §1): a node's plans, drafting a plan (template, last year's plan or blank, with the
suggested items), the plan with its items by section and their progress, editing items (htmx fragments
with a full page as fallback), adding the remaining suggestions, and the month-by-month calendar.

plans.view to look, plans.change to write (only while the plan is a draft or returned); outside the user's
subtree nothing exists (404).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import FEDERATION_LEVELS, OfficerRole
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from . import catalog, contrib, selectors, services
from .forms import ItemForm, PlanCreateForm, PlanEditForm
from .models import SECTION_ORDER, Half, Plan, PlanTemplate, Section, Timing
from .progress import plan_progress
from .review.selectors import panel_context
from .timing import describe, item_occurrences, item_timing_text

PAGE_SIZE = 50
ROLE_LABELS = dict(OfficerRole.choices)
SECTION_LABELS = dict(Section.choices)


def _detail_url(plan_or_pk, anchor: str = "") -> str:
    pk = plan_or_pk.pk if isinstance(plan_or_pk, Plan) else plan_or_pk
    return reverse("plans:plan_detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: a plain form is redirected to the plan's page; htmx is sent there (HX-Redirect), or, when
    it is already on that page, reloads it (a redirect to the same page with another #anchor would only
    scroll)."""
    if request.htmx:
        response = HttpResponse(status=204)
        if urlsplit(request.htmx.current_url or "").path == urlsplit(url).path:
            response["HX-Refresh"] = "true"
        else:
            response["HX-Redirect"] = url
        return response
    return redirect(url)


def _evidence_label(value: str, sources: dict) -> str:
    if not value:
        return ""
    key, _sep, kind = value.partition(":")
    source = sources.get(key)
    if source is None:
        return value
    label = str(source.label)
    if kind:
        label += " · " + str(dict(source.kinds).get(kind, kind))
    return label


def decorate_items(items, sources: dict | None = None) -> None:
    """What the item rows show, computed once per item without a query."""
    sources = contrib.evidence_sources() if sources is None else sources
    for item in items:
        item.timing_text = item_timing_text(item)
        item.evidence_label = _evidence_label(item.evidence, sources)
        item.role_label = ROLE_LABELS.get(item.responsible_role, "")
        item.responsible_text = "、".join(part for part in (item.responsible_name, str(item.role_label)) if part)


def grouped(items) -> list[dict]:
    """Items grouped by section in the usual order; every section, even an empty one."""
    by_section: dict[str, list] = {value: [] for value in Section.values}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    return [{"section": value, "label": SECTION_LABELS[value], "items": sorted(rows, key=lambda i: (i.order, i.pk))}
            for value, rows in sorted(by_section.items(), key=lambda pair: SECTION_ORDER.get(pair[0], 99))]


def _can_change(user, plan: Plan) -> bool:
    return plan.editable and policy.has_perm(user, "plans.change", plan.path)


def _refuse_frozen(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    if plan.editable:
        return None
    messages.error(request, _("This plan is %(status)s and can no longer be changed; it can be changed again if "
                              "the reviewer returns it.") % {"status": plan.get_status_display()})
    return _done(request, _detail_url(plan))


# ---------------------------------------------------------------------------------------------- plan list

@login_required
@vary_on_headers("HX-Request")
def plan_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.view")
    own = list(Plan.objects.filter(node=node).order_by("-year", "half"))
    federation = node.level in FEDERATION_LEVELS
    years = sorted({plan.year for plan in own}, reverse=True)
    context = {"node": node, "own": own, "federation": federation,
               "may_change": policy.has_perm(request.user, "plans.change", node.path)}
    if federation:
        below = selectors.plans_of(request.user, node).exclude(node=node)
        years = sorted(set(years) | set(below.values_list("year", flat=True).distinct()), reverse=True)
        year = _number(request.GET.get("year", ""))
        year = year if year in years else (years[0] if years else None)
        page = Paginator(below.filter(year=year) if year else below.none(), PAGE_SIZE).get_page(
            request.GET.get("page"))
        context.update(page=page, year=year, years=years)
        if request.htmx and request.htmx.target == "plan-subtree":
            return render(request, "plans/_plan_subtree.html", context)
    context["crumbs"] = org_selectors.breadcrumbs(request.user, node)
    return render(request, "plans/plan_list.html", context)


# -------------------------------------------------------------------------------------------- plan create

def _suggestion_rows(suggestions) -> list[dict]:
    return [{"key": s.key, "title": s.title, "source": s.source, "section": SECTION_LABELS.get(s.section, ""),
             "target": s.target, "measures": s.measures,
             "timing": describe(timing=s.timing.timing, due_on=s.timing.due_on, months=s.timing.months,
                                quarters=s.timing.quarters)}
            for s in suggestions]


def _number(text) -> int | None:
    """A whole number written in ASCII digits, else None ("²".isdigit() is true but int("²") fails)."""
    text = str(text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _period_from(data, default_year: int) -> tuple[int, int]:
    year, half = _number(data.get("year", "")), _number(data.get("half", "0"))
    year = year if year is not None and services.MIN_YEAR <= year <= services.MAX_YEAR else default_year
    half = half if half in Half.values else Half.WHOLE_YEAR
    return year, half


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.change")
    default_year = PlanCreateForm().initial["year"]
    year, half = _period_from(request.POST if request.method == "POST" else request.GET, default_year)
    previous = services.previous_plan(node, year, half)
    suggestions = services.fitting_suggestions(node, year, half)
    initial = {"year": year, "half": half, "template": catalog.default_template(node)}
    data = request.POST if request.method == "POST" else None
    stale = False
    if data is not None:
        listed = {s.key for s in suggestions}
        if set(data.getlist("suggestions")) - listed:
            # The year or half was changed after the suggested items were listed (the page had not reloaded them
            # yet): show the period's own suggestions, checked, for the officer to confirm, instead of refusing.
            data = data.copy()
            data.setlist("suggestions", sorted(listed))
            stale = True
    form = PlanCreateForm(data, previous=previous, suggestion_keys=[s.key for s in suggestions], initial=initial)
    if stale:
        form.is_valid()
        form.add_error(None, _("The suggested items were updated for %(year)s; check them and draft the plan again.")
                       % {"year": year})
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = data["start"]
        if start == form.START_TEMPLATE and not data["template"]:
            form.add_error("template", _("Choose one of the templates."))
        else:
            try:
                plan = services.plan_create(
                    actor=request.user, node=node, year=data["year"], half=data["half"], title=data["title"],
                    template=data["template"] if start == form.START_TEMPLATE else "",
                    copy_from=previous if start == form.START_COPY else None, suggestions=data["suggestions"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The plan was drafted with %(count)s items.")
                                 % {"count": plan.items.count()})
                return redirect("plans:plan_detail", pk=plan.pk)
    chosen = set(form["suggestions"].value() or [])
    context = {"node": node, "form": form, "previous": previous, "suggestions": _suggestion_rows(suggestions),
               "chosen": chosen, "year": year, "half": half,
               "default_template": catalog.default_template(node), "templates": PlanTemplate.choices}
    if request.htmx and request.htmx.target == "plan-create-choices":
        return render(request, "plans/_plan_create_choices.html", context)
    context.update(crumbs=org_selectors.breadcrumbs(request.user, node), crumb_link_last=True)
    return render(request, "plans/plan_form.html", context)


# -------------------------------------------------------------------------------------------- plan detail

@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    items = list(plan.items.order_by("order", "pk"))
    decorate_items(items)
    progress = plan_progress(plan, items=items)
    sections = grouped(items)
    section_progress = {row.section: row for row in progress.sections}
    for section in sections:
        section["progress"] = section_progress.get(section["section"])
        for item in section["items"]:
            item.ip = progress.items.get(item.pk)
    can_change = _can_change(request.user, plan)
    context = {"plan": plan, "node": plan.node, "sections": sections, "progress": progress,
               "can_change": can_change, "may_change": policy.has_perm(request.user, "plans.change", plan.path),
               "item_count": len(items), **panel_context(request.user, plan),
               "crumbs": org_selectors.breadcrumbs(request.user, plan.node), "crumb_link_last": True}
    context["remaining_suggestions"] = len(services.remaining_suggestions(plan)) if can_change else 0
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "plans.change")
    refused = _refuse_frozen(request, plan)
    if refused:
        return refused
    form = PlanEditForm(request.POST or None, initial={"title": plan.title, "foreword": plan.foreword})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, title=form.cleaned_data["title"],
                                 foreword=form.cleaned_data["foreword"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/plan_edit.html", {
        "plan": plan, "form": form, "crumbs": org_selectors.breadcrumbs(request.user, plan.node),
        "crumb_link_last": True})


# ----------------------------------------------------------------------------------------------- calendar

def calendar_rows(plan: Plan, items) -> list[dict]:
    """The printed month-by-month table: each month of the period with the items due in it, then 全年 for
    what has no month (every year, every half-year without months). A monthly item is in every month, a
    quarterly one in the last month of each quarter, by which it is due (or in its given months), a dated one
    in its due month: an item appears once per time it must be done, not in every month of a quarter."""
    months = list(range(plan.start.month, plan.end.month + 1))
    by_month: dict[int | str, list] = {month: [] for month in months}
    by_month["year"] = []
    for item in items:
        if item.timing == Timing.DATE:
            placed = [item.due_on.month] if item.due_on else []
        elif item.timing in (Timing.YEARLY, Timing.HALF_YEARLY) and not item.months:
            placed = ["year"]
        else:
            placed = sorted({occurrence.end.month for occurrence in item_occurrences(item)})
        for month in placed:
            if month in by_month:
                by_month[month].append(item)
    rows = [{"label": f"{month}月", "items": by_month[month]} for month in months]
    rows.append({"label": "全年", "items": by_month["year"]})
    for row in rows:
        row["items"].sort(key=lambda i: (SECTION_ORDER.get(i.section, 99), i.order, i.pk))
    return rows


@login_required
def plan_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    items = list(plan.items.order_by("order", "pk"))
    decorate_items(items)
    return render(request, "plans/plan_calendar.html", {
        "plan": plan, "rows": calendar_rows(plan, items),
        "crumbs": org_selectors.breadcrumbs(request.user, plan.node), "crumb_link_last": True})


# ------------------------------------------------------------------------------------------------- items

def _item_data(form: ItemForm) -> dict:
    data = dict(form.cleaned_data)
    data["months"] = [int(m) for m in data["months"]]
    data["quarters"] = [int(q) for q in data["quarters"]]
    return data


def _item_page(request, *, plan, form, item=None) -> HttpResponse:
    context = {"plan": plan, "form": form, "item": item,
               "action": (reverse("plans:item_edit", args=[item.pk]) if item is not None
                          else reverse("plans:item_create", args=[plan.pk]))}
    if request.htmx:
        return render(request, "plans/_plan_item_form.html", context)
    context.update(crumbs=org_selectors.breadcrumbs(request.user, plan.node), crumb_link_last=True)
    return render(request, "plans/item_form.html", context)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk, "plans.change")
    refused = _refuse_frozen(request, plan)
    if refused:
        return refused
    section = request.GET.get("section", "")
    form = ItemForm(request.POST or None, initial={"section": section if section in Section.values else ""},
                    plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=request.user, plan=plan, **_item_data(form))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was added to the plan.") % {"title": item.title})
            return _done(request, _detail_url(plan, f"item-{item.pk}"))
    return _item_page(request, plan=plan, form=form)


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk, "plans.change")
    plan = item.plan
    refused = _refuse_frozen(request, plan)
    if refused:
        return refused
    form = ItemForm(request.POST or None, initial=ItemForm.initial_of(item), plan=item.plan)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_update(actor=request.user, item=item, **_item_data(form))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": item.title})
            return _done(request, _detail_url(plan, f"item-{item.pk}"))
    return _item_page(request, plan=plan, form=form, item=item)


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk, "plans.change")
    plan = item.plan
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” was removed from the plan.") % {"title": item.title})
    return _done(request, _detail_url(plan, f"section-{item.section}"))


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk, "plans.change")
    try:
        services.item_move(actor=request.user, item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _done(request, _detail_url(item.plan, f"item-{item.pk}"))


# ------------------------------------------------------------------------------------------- suggestions

@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def plan_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggested items not yet in the plan, to add some of them (GET: the panel; POST: add the chosen)."""
    plan = selectors.get_plan_for_user(request.user, pk, "plans.change")
    refused = _refuse_frozen(request, plan)
    if refused:
        return refused
    error = ""
    if request.method == "POST":
        keys = request.POST.getlist("suggestions")
        if not keys:
            error = _("Choose at least one suggested item.")
        else:
            try:
                made = services.suggestions_apply(actor=request.user, plan=plan, keys=keys)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(request, _("%(count)s suggested items were added to the plan.")
                                 % {"count": len(made)})
                return _done(request, _detail_url(plan))
    context = {"plan": plan, "suggestions": _suggestion_rows(services.remaining_suggestions(plan)),
               "error": error}
    if request.htmx:
        return render(request, "plans/_plan_suggestions.html", context)
    context.update(crumbs=org_selectors.breadcrumbs(request.user, plan.node), crumb_link_last=True)
    return render(request, "plans/plan_suggestions.html", context)
