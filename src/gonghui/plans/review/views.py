"""Submission and review pages: the actions on a plan's or a summary's review panel (one POST view each,
answering the panel as an htmx fragment or redirecting back), and a federation's page of which unions below
it have submitted their plan and summary for a year, with its review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.orgs.selectors import get_node_for_user

from ..models import Plan, ReviewStatus
from ..selectors import check_reviewer, get_plan_for_user, get_summary_for_user
from . import selectors, services

ACTIONS = ("submit", "return", "accept", "comment")
DONE = {"submit": gettext_lazy("Submitted to %(node)s."), "return": gettext_lazy("Returned for changes."),
        "accept": gettext_lazy("Accepted."), "comment": gettext_lazy("Comment added.")}


def document_url(document) -> str:
    """The document's own page: the plan's or the summary's."""
    name = "plans:plan_detail" if isinstance(document, Plan) else "plans:summary_detail"
    return reverse(name, args=[document.pk])


def _act(request: HttpRequest, document, getter) -> HttpResponse:
    action = request.POST.get("action", "")
    text = request.POST.get("comment", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
    else:
        try:
            if action == "submit":
                document = getter(request.user, document.pk, "plans.change")
                document = services.submit(actor=request.user, document=document)
            else:
                check_reviewer(request.user, document)
                if action == "return":
                    document = services.return_for_changes(actor=request.user, document=document, comment=text)
                elif action == "accept":
                    document = services.accept(actor=request.user, document=document, comment=text)
                else:
                    services.comment(actor=request.user, document=document, comment=text)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            parent = document.node.parent
            messages.success(request, str(DONE[action]) % {"node": parent.name if parent else ""})
    if request.htmx:
        context = selectors.panel_context(request.user, document)
        return render(request, "plans/_review_panel.html", context)
    return redirect(request.POST.get("next") if _safe_next(request) else document_url(document))


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())


@login_required
@require_POST
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit (plans.change on the plan's node), or return / accept / comment (plans.review above it)."""
    return _act(request, get_plan_for_user(request.user, pk), get_plan_for_user)


@login_required
@require_POST
def summary_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, get_summary_for_user(request.user, pk), get_summary_for_user)


@login_required
@vary_on_headers("HX-Request")
def submissions(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.view")
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    rows, queue = selectors.submissions(request.user, node, year)
    for doc in queue:
        doc.page_url = document_url(doc)
        doc.review_url = "plans:plan_review" if isinstance(doc, Plan) else "plans:summary_review"
    only_missing = request.GET.get("missing") == "1"
    context = {
        "node": node, "year": year, "years": list(range(this_year + 1, this_year - 5, -1)),
        "rows": [row for row in rows if row.missing] if only_missing else rows, "only_missing": only_missing,
        "queue": queue, "can_review": policy.has_perm(request.user, "plans.review", node.path),
        "plan_missing": sum(1 for row in rows if row.plan_missing),
        "summary_missing": sum(1 for row in rows if row.summary_missing), "total": len(rows),
        "SUBMITTED": ReviewStatus.SUBMITTED,
    }
    if request.htmx and request.htmx.target == "submission-rows":
        return render(request, "plans/review/_rows.html", context)
    return render(request, "plans/review/submissions.html", context)
