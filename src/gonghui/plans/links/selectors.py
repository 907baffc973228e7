"""Reads of the 台账 pages: a link or an item's file reached through its plan's access rule."""

from __future__ import annotations

from django.http import Http404

from gonghui.core import evidence
from gonghui.core.models import Attachment

from .. import contrib
from ..models import PlanItem, PlanItemLink
from ..selectors import get_item_for_user


def get_link_for_user(user, pk: int, permission: str = "plans.view") -> PlanItemLink:
    link = PlanItemLink.objects.filter(pk=pk).first()
    if link is None:
        raise Http404
    link.item = get_item_for_user(user, link.item_id, permission)
    return link


def get_file_for_user(user, pk: int, permission: str = "plans.view") -> tuple[Attachment, PlanItem]:
    attachment = evidence.attachment_of(PlanItem, pk)
    return attachment, get_item_for_user(user, attachment.object_id, permission)


def candidates(item: PlanItem, source: contrib.EvidenceSource, kind: str) -> list[contrib.EvidenceRecord]:
    """Records of the source (and kind) in the plan node's subtree and the plan's period, newest first, that
    are not yet linked to the item: one find() and one query for the item's links."""
    plan = item.plan
    linked = set(PlanItemLink.objects.filter(item=item, source=source.key).values_list("object_id", flat=True))
    records = [r for r in source.find(plan.node, plan.start, plan.end, kind) if r.object_id not in linked]
    return sorted(records, key=lambda r: (r.on, r.object_id), reverse=True)
