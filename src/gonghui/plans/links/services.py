"""台账 links: records an officer attaches to a plan item as carrying it out, and documents or photos kept
with the item itself.

Links may be made and removed on a plan in any status, submitted and accepted ones included: the plan is
carried out all year after it was accepted, and linking a record changes what was done, not what was
planned. plans.change on the plan's node is needed (the views check it); the record itself is reached
through its own domain's access helper (`EvidenceSource.get_for_user`), and must lie in the plan node's
subtree and within the plan's period.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, evidence
from gonghui.core.models import Attachment, AuditEntry

from .. import contrib
from ..models import PlanItem, PlanItemLink


def record_in_subtree(item: PlanItem, record: contrib.EvidenceRecord) -> bool:
    """Whether the record lies in the plan node's subtree: the source is asked for that node's records of the
    record's own day (one small query), which it scopes by path."""
    source = contrib.evidence_source(record.source)
    if source is None:
        return False
    return any(found.object_id == record.object_id
               for found in source.find(item.plan.node, record.on, record.on, ""))


@transaction.atomic
def link_add(*, actor, item: PlanItem, record: contrib.EvidenceRecord) -> PlanItemLink:
    """Attach a record (as its access helper returned it to the user) to the item."""
    plan = item.plan
    if contrib.evidence_source(record.source) is None:
        raise ValidationError({"source": _("Unknown kind of record.")})
    if not plan.start <= record.on <= plan.end:
        raise ValidationError({"object_id": _("“%(record)s” is dated %(on)s, outside the plan's period "
                                              "(%(start)s to %(end)s).")
                               % {"record": record.label, "on": record.on, "start": plan.start, "end": plan.end}})
    if not record_in_subtree(item, record):
        raise ValidationError({"object_id": _("“%(record)s” is not a record of %(node)s or of a union under it.")
                               % {"record": record.label, "node": plan.node.name}})
    if PlanItemLink.objects.filter(item=item, source=record.source, object_id=record.object_id).exists():
        raise ValidationError({"object_id": _("“%(record)s” is already attached to this item.")
                               % {"record": record.label}})
    link = PlanItemLink(item=item, source=record.source, object_id=record.object_id, on=record.on,
                        label=record.label[:200], kind=record.kind[:32], url=record.url[:200],
                        linked_by=actor if getattr(actor, "pk", None) else None)
    link.full_clean()
    link.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=link, org_path=plan.path,
                 after={"item": item.title, "source": record.source, "object_id": record.object_id,
                        "on": str(record.on), "label": link.label})
    return link


@transaction.atomic
def link_remove(*, actor, link: PlanItemLink) -> None:
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=link, org_path=link.item.plan.path,
                 before={"item": link.item.title, "source": link.source, "object_id": link.object_id,
                         "on": str(link.on), "label": link.label})
    link.delete()


def file_add(*, actor, item: PlanItem, upload, caption: str = "", on: datetime.date | None = None) -> Attachment:
    """A document or photo kept with the item (a meeting's minutes, a report sent, a photo of a poster), dated
    `on`, the day of the work it shows (default: today), which must lie in the plan's period and not ahead."""
    today = timezone.localdate()
    plan = item.plan
    if on is not None and not plan.start <= on <= min(plan.end, today):
        raise ValidationError({"on": _("The date of the work must lie within the plan's period (%(start)s to "
                                       "%(end)s) and not after today.")
                               % {"start": plan.start, "end": min(plan.end, today)}})
    return evidence.evidence_add(actor=actor, instance=item, path=plan.path, upload=upload, caption=caption,
                                 taken_on=on if on is not None and on != today else None)


def file_delete(*, actor, attachment: Attachment) -> None:
    evidence.evidence_delete(actor=actor, attachment=attachment)
