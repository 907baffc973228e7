from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from gonghui.accounts import policy

from .models import AuditEntry


def audit_entries(user, *, path: str = "", actor: str = "", action: str = "", kind: str = "",
                  since: datetime.date | None = None, until: datetime.date | None = None,
                  search: str = "") -> QuerySet[AuditEntry]:
    """The audit log of the subtrees where `user` may read it; 403 for a user who may read it nowhere."""
    if not policy.scope_paths(user, "audit.view") and not user.is_superuser:
        raise PermissionDenied
    entries = AuditEntry.objects.filter(policy.scope_q(user, "audit.view", field="org_path"))
    if path:
        entries = entries.filter(org_path__under=path)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if action:
        entries = entries.filter(action=action)
    if kind:
        entries = entries.filter(content_type__model=kind)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    if search:
        entries = entries.filter(Q(object_repr__icontains=search))
    return entries.select_related("content_type").order_by("-at", "-id")
