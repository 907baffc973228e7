"""Reads of 女职工 records, limited to the women's officer and the chair (policy: women.view / women.change).

Everyone else gets 404 on these pages, even a federation admin who sees the member registry: 五期 data is
health data (DESIGN.md, Access). Access follows the member's path (the record copies it when written, but a
member moved later keeps their current path on the member row).

Two kinds of list, with different costs:
- The check due lists filter on the clear check-date columns: one indexed range scan of the members under
  the node (path__under) joined to their record, paginated in SQL, at any scale.
- The 五期 lists (by stage, on leave or nursing now) need the encrypted details, so every record under the
  node is decrypted once per request to select the rows; only the page's rows are then loaded. Fine for a
  union (hundreds of records); at federation scale it costs one AES-GCM decryption per record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404

from gonghui.accounts import policy
from gonghui.orgs.models import Gender, OrgNode

from ..models import FivePeriod, Member, Status, WomenRecord
from . import rules
from .services import record_details

# Women counted on these lists: members now (a retained 会籍 is usually a retired woman, no longer at work).
LIST_STATUSES = (Status.ACTIVE, Status.IN_TRANSFER, Status.RETAINED)
CHECK_STATUSES = (Status.ACTIVE, Status.IN_TRANSFER)

TABS = ("all", "gynaecological", "general", "leave")


def get_node_for_women(user, pk: int) -> OrgNode:
    """A node whose women workers the user may see, else 404 (never 403: the pages do not exist for them)."""
    node = OrgNode.objects.select_related("parent").filter(pk=pk).first()
    if node is None or not policy.has_perm(user, "women.view", node.path):
        raise Http404
    return node


def get_member_for_women(user, pk: int, permission: str = "women.view") -> Member:
    """A woman member whose record the user may see (404 otherwise), 403 if they may not `permission`."""
    member = (Member.objects.select_related("union", "group", "unit", "women_record")
              .filter(pk=pk, gender=Gender.FEMALE).first())
    policy.check(user, member.path if member else None, permission, view_permission="women.view")
    return member


def women_members(user, node: OrgNode, *, statuses=LIST_STATUSES) -> QuerySet[Member]:
    return (Member.objects.filter(policy.subtree_q(user, "women.view", node.path), gender=Gender.FEMALE,
                                  status__in=statuses)
            .select_related("union", "group", "women_record").order_by("path", "name", "id"))


def check_due(user, node: OrgNode, kind: str, today: datetime.date) -> QuerySet[Member]:
    """Women at work under the node who were never checked, or whose last check is older than the interval
    (GONGHUI_RULES); never-checked first, then the longest ago."""
    field, months = {
        "gynaecological": ("last_gynaecological_check", rules.gynaecological_check_months()),
        "general": ("last_general_check", rules.general_check_months()),
    }[kind]
    cutoff = rules.check_cutoff(months, today)
    column = f"women_record__{field}"
    due = Q(women_record__isnull=True) | Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__lte": cutoff})
    return women_members(user, node, statuses=CHECK_STATUSES).filter(due).order_by(
        F(column).asc(nulls_first=True), "path", "name", "id")


def _decrypted_under(user, node: OrgNode) -> list[tuple[tuple[str, str, int], dict[str, Any]]]:
    """Every record under the node with its member's sort key (path, name, id), decrypted. One query."""
    rows = WomenRecord.objects.filter(
        member__in=women_members(user, node).order_by().values("pk")
    ).exclude(details="").values_list("member__path", "member__name", "member_id", "details")
    return [((path, name, member_id), record_details(WomenRecord(details=token)))
            for path, name, member_id, token in rows]


def _sorted_ids(pairs) -> list[int]:
    return [key[2] for key in sorted(pairs)]


def member_ids_by_stage(user, node: OrgNode, stage: str) -> list[int]:
    """Members whose recorded 五期 stage is `stage`, in list order (every record under the node is
    decrypted; the caller pages the ids and loads only the page's members)."""
    return _sorted_ids(key for key, details in _decrypted_under(user, node) if details["stage"] == stage)


def member_ids_on_leave_or_nursing(user, node: OrgNode, today: datetime.date) -> list[int]:
    """Members on maternity leave or in the nursing period today, by the dates the rules compute."""
    return _sorted_ids(key for key, details in _decrypted_under(user, node)
                       if (fig := rules.figures(details, today)).on_leave or fig.nursing)


def members_by_ids(user, node: OrgNode, ids: list[int]) -> list[Member]:
    """One page of members picked by `member_ids_*` (a page's worth of ids, never the whole list)."""
    return list(women_members(user, node).filter(pk__in=ids))


@dataclass
class Row:
    """A list row: the member, their decrypted details and the computed figures (page rows only)."""

    member: Member
    record: WomenRecord | None
    details: dict[str, Any]
    figures: rules.Figures
    gynaecological_due: bool
    general_due: bool
    gynaecological_next: datetime.date | None
    general_next: datetime.date | None

    @property
    def stage_label(self) -> str:
        stage = self.details["stage"]
        return str(FivePeriod(stage).label) if stage and stage in FivePeriod.values else ""


def rows_for(members: list[Member], today: datetime.date) -> list[Row]:
    gyn_months, general_months = rules.gynaecological_check_months(), rules.general_check_months()
    rows = []
    for member in members:
        record = getattr(member, "women_record", None) if _has_record(member) else None
        details = record_details(record)
        gyn = record.last_gynaecological_check if record else None
        general = record.last_general_check if record else None
        rows.append(Row(
            member=member, record=record, details=details, figures=rules.figures(details, today),
            gynaecological_due=rules.check_is_due(gyn, gyn_months, today),
            general_due=rules.check_is_due(general, general_months, today),
            gynaecological_next=rules.check_due_on(gyn, gyn_months),
            general_next=rules.check_due_on(general, general_months),
        ))
    return rows


def _has_record(member: Member) -> bool:
    try:
        member.women_record  # noqa: B018  (select_related filled it, or None raises)
    except WomenRecord.DoesNotExist:
        return False
    return True


def record_for(member: Member) -> WomenRecord | None:
    return member.women_record if _has_record(member) else None
