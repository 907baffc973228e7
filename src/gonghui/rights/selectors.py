"""Reads of collective contracts, limited to what the user may see (policy rights.view), and the counts the
plans and summaries use (which work on a node's whole subtree, as a federation's figures do)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.orgs.models import Coverage, OrgNode, Unit

from .models import WAGE_KINDS, CollectiveContract
from .rules import rule

STATUS_FILTERS = ("in_force", "expiring", "expired", "pending")



def get_contract_for_user(user, pk: int, permission: str = "rights.view") -> CollectiveContract:
    """One contract, through its union's path: 404 outside the user's rights scope, 403 without `permission`."""
    contract = CollectiveContract.objects.select_related("union", "recorded_by").filter(pk=pk).first()
    if contract is None:
        raise Http404
    policy.check(user, contract.path, "rights.view")
    if permission != "rights.view":
        policy.check(user, contract.path, permission)
    return contract


def status_q(status: str, today: datetime.date) -> Q:
    """A filter for the list: in force (expiring ones included), expiring within the renewal window, expired,
    not yet in force (before its start, not filed, or within the 15 days the labour bureau may object), as
    CollectiveContract.status_on says."""
    window = datetime.timedelta(days=rule("RENEWAL_WINDOW_DAYS") - 1)
    if status == "in_force":
        return in_force_q(today)
    if status == "expiring":
        return in_force_q(today) & Q(ends_on__lte=today + window)
    if status == "expired":
        return Q(ends_on__lt=today)
    if status == "pending":
        return Q(ends_on__gte=today) & (Q(starts_on__gt=today) | Q(effective_on__isnull=True)
                                        | Q(effective_on__gt=today))
    return Q()


def in_force_q(day: datetime.date, prefix: str = "") -> Q:
    """In force on `day`: started, filed and effective (no objection within 15 days: 集体合同规定 §47), not
    ended. A contract never filed has no effective_on and is never in force."""
    return Q(**{f"{prefix}starts_on__lte": day, f"{prefix}effective_on__lte": day, f"{prefix}ends_on__gte": day})


def contracts(user, node: OrgNode, *, status: str = "", kind: str = "",
              today: datetime.date | None = None) -> QuerySet[CollectiveContract]:
    rows = CollectiveContract.objects.filter(policy.scope_q(user, "rights.view"), path__under=node.path)
    if status in STATUS_FILTERS and today is not None:
        rows = rows.filter(status_q(status, today))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("union").prefetch_related("units").order_by("ends_on", "path", "id")


# Counts for plans and summaries: a node's whole subtree, the caller has already checked access.

def in_force_at(node: OrgNode, day: datetime.date) -> QuerySet[CollectiveContract]:
    return CollectiveContract.objects.filter(in_force_q(day), path__under=node.path)


def units_with_union(node: OrgNode) -> QuerySet[Unit]:
    return Unit.objects.filter(path__under=node.path).exclude(coverage=Coverage.NONE)


def units_covered_at(node: OrgNode, day: datetime.date, kinds=None) -> QuerySet[Unit]:
    """The units with a union under the node that a contract (of `kinds`, else any) in force on `day` covers."""
    contracts_in_force = CollectiveContract.objects.filter(in_force_q(day), units=OuterRef("pk"))
    if kinds:
        contracts_in_force = contracts_in_force.filter(kind__in=kinds)
    return units_with_union(node).filter(Exists(contracts_in_force))


def wage_covered_units_at(node: OrgNode, day: datetime.date) -> QuerySet[Unit]:
    return units_covered_at(node, day, WAGE_KINDS)
