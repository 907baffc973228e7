"""The activity ledger page (活动台账) of a node for a period, its drill-down, and its .xlsx download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.vary import vary_on_headers

from gonghui.core.ledger import ledger_period
from gonghui.orgs import selectors as org_selectors

from . import ledger as activity_ledger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: HttpRequest):
    """(start, end, errors): a bad period is named and the current year shown instead."""
    try:
        start, end = ledger_period(request.GET)
    except ValidationError as error:
        start, end = ledger_period({})
        return start, end, error.messages
    return start, end, []


def _context(request: HttpRequest, node, start, end, errors) -> dict:
    today = timezone.localdate()
    ledger = activity_ledger.build_activity_ledger(node, start, end, paged=True)
    return {
        "node": node, "start": start, "end": end, "errors": errors,
        "ledger": ledger, "ledger_page": ledger.page(request.GET.get("page")),
        "drill": activity_ledger.drill_down(node, start, end),
        "years": list(range(today.year, today.year - 6, -1)),
        "year": start.year if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        and start.year == end.year else None,
        "query": request.GET.urlencode(),
    }


@login_required
@vary_on_headers("HX-Request")
def activity_ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "activities.view")
    start, end, errors = _period(request)
    context = _context(request, node, start, end, errors)
    if request.htmx and request.htmx.target == "ledger-results":
        return render(request, "activities/ledger_results.html", context)
    context.update({"crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True})
    return render(request, "activities/ledger.html", context, status=400 if errors else 200)


@login_required
def activity_ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "activities.view")
    start, end, errors = _period(request)
    if errors:
        context = _context(request, node, start, end, errors)
        context.update({"crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True})
        return render(request, "activities/ledger.html", context, status=400)
    content, filename = activity_ledger.export_activity_ledger(actor=request.user, node=node, start=start, end=end)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
