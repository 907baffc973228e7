import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from gonghui.orgs.selectors import find_node_for_user

from .models import AuditEntry
from .selectors import audit_entries

AUDITED_KINDS = [
    ("orgnode", _("Union organisation")),
    ("unit", _("Unit")),
    ("officer", _("Officer")),
    ("roleassignment", _("Role assignment")),
]


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@vary_on_headers("HX-Request")
def audit_log(request: HttpRequest) -> HttpResponse:
    """A federation admin's audit log for their subtree, filtered by union, person, action, kind, dates."""
    node_code = request.GET.get("node", "").strip()
    node = find_node_for_user(request.user, node_code, "audit.view") if node_code else None
    unknown_code = bool(node_code) and node is None
    filters = {
        "actor": request.GET.get("actor", "").strip(),
        "action": request.GET.get("action", ""),
        "kind": request.GET.get("kind", ""),
        "since": _date(request.GET.get("since", "")),
        "until": _date(request.GET.get("until", "")),
        "search": request.GET.get("q", "").strip(),
    }
    entries = audit_entries(request.user, path=node.path if node else "", **filters)
    if unknown_code:
        # Same answer for a typo and for a union outside the subtree: nothing about it is revealed.
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "filters": filters, "node_code": node_code, "node": node, "unknown_code": unknown_code,
        "actions": AuditEntry.Action.choices, "kinds": AUDITED_KINDS,
    }
    if request.htmx and request.htmx.target == "audit-results":
        return render(request, "core/_audit_results.html", context)
    return render(request, "core/audit_log.html", context)
