import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.selectors import get_node_by_code_for_user

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
def audit_log(request: HttpRequest) -> HttpResponse:
    """A federation admin's audit log for their subtree, filtered by union, person, action, kind, dates."""
    node_code = request.GET.get("node", "").strip()
    node = get_node_by_code_for_user(request.user, node_code, "audit.view") if node_code else None
    filters = {
        "actor": request.GET.get("actor", "").strip(),
        "action": request.GET.get("action", ""),
        "kind": request.GET.get("kind", ""),
        "since": _date(request.GET.get("since", "")),
        "until": _date(request.GET.get("until", "")),
        "search": request.GET.get("q", "").strip(),
    }
    entries = audit_entries(request.user, path=node.path if node else "", **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "filters": filters, "node_code": node_code, "node": node,
        "actions": AuditEntry.Action.choices, "kinds": AUDITED_KINDS,
    }
    if request.htmx and request.htmx.target == "audit-results":
        return render(request, "core/_audit_results.html", context)
    return render(request, "core/audit_log.html", context)
