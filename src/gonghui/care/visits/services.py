"""Writes of 走访慰问 (issue 4 §7): a visit, with its gift; an event reported for a visit (CareNotice).

A gift with a value is money committed to a member: it becomes an Assistance record (kind from the visit
reason, status paid, dated the day of the visit) in the same transaction as the visit, after
`caps.check_spending` with the member's row locked. So the caps, the budget and the rule on retirees apply to
gifts as to any assistance, and a refused gift refuses the whole visit, with the rule named.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member

from .. import caps
from ..assistance.services import handed_over_fields
from ..models import Assistance, CareNotice, Funding, GiftForm, Visit

# Reasons a notice can be reported for (the events that call for a visit).
NOTICE_REASONS = ("illness", "marriage", "birth", "bereavement")


def visit_reasons() -> dict[str, tuple[str, str]]:
    """code → (label, assistance kind) from the settings."""
    return settings.GONGHUI_CARE["VISIT_REASONS"]


def reason_label(code: str) -> str:
    entry = visit_reasons().get(code)
    return entry[0] if entry else code


def reason_kind(code: str) -> str:
    return visit_reasons()[code][1]


def _check_member_under(member: Member, node) -> None:
    if not member.path.startswith(node.path):
        raise ValidationError({"member": _("%(name)s is not a member under %(node)s.")
                               % {"name": member.name, "node": node.name}})
    if member.status not in MEMBER_STATUSES:
        raise ValidationError({"member": _("%(name)s is no longer a member (%(status)s).")
                               % {"name": member.name, "status": member.get_status_display()}})


def _snapshot(instance) -> dict:
    """audit.snapshot with the submission key (a UUID) as text, which the log's JSON needs."""
    return {key: str(value) if isinstance(value, uuid.UUID) else value
            for key, value in audit.snapshot(instance).items()}


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not an amount of money.") % {"value": value}}) from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Enter an amount of at least 0 with at most two decimals.")})
    return amount


@transaction.atomic
def visit_create(*, actor, node, member: Member, reason: str, visited_on: datetime.date, visitors: str,
                 place: str = "", gift: str = "", gift_value=Decimal("0"), form: str = GiftForm.GOODS,
                 funding: str = Funding.UNION_FUNDS, case: str = "", notes: str = "",
                 notice: CareNotice | None = None, submission: uuid.UUID | None = None) -> Visit:
    """Record a visit to `member` (a member under `node`). A gift with a value is paid (an Assistance record)
    under the caps; a notice of the member (the one given, else their open ones for the same reason) is
    resolved by the visit. `submission`: the form's one-time key, so a second submission of the same form
    returns the visit already recorded instead of paying twice."""
    if submission is not None:
        earlier = Visit.objects.filter(assistance__submission=submission).first()
        if earlier is not None:
            return earlier
    errors: dict[str, list[str]] = {}
    if reason not in visit_reasons():
        errors["reason"] = [_("Choose one of the visit reasons.")]
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("A visit cannot be recorded before it took place.")]
    if not visitors.strip():
        errors["visitors"] = [_("Name the officers who went.")]
    value = _money(gift_value, "gift_value")
    if value > 0 and not gift.strip():
        errors["gift"] = [_("Say what was given.")]
    if form not in GiftForm.values:
        errors["form"] = [_("Choose how the gift was given.")]
    if funding not in Funding.values:
        errors["funding"] = [_("Choose where the money came from.")]
    if errors:
        raise ValidationError(errors)
    _check_member_under(member, node)
    if notice is not None and (notice.member_id != member.pk or notice.resolved_on is not None):
        raise ValidationError({"notice": _("This reported event is not an open event of this member.")})
    assistance = None
    if value > 0:
        # lock the member: two gifts recorded at once cannot both pass a cap only one of them fits
        member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
        kind = reason_kind(reason)
        hardship_file = member.hardship_files.filter(status="active").first()
        caps.check_spending(union=member.union, member=member, kind=kind, amount=value, form=form,
                            funding=funding, on=visited_on, case=case.strip(), hardship_file=hardship_file)
        assistance = Assistance(
            union=member.union, path=member.union.path, kind=kind, member=member, amount=value, form=form,
            goods=gift.strip() if form != GiftForm.CASH else "", funding=funding, case=case.strip(),
            hardship_file=hardship_file if caps.needs_hardship_file(kind) else None,
            reason=_("Visit: %(reason)s") % {"reason": reason_label(reason)}, on=visited_on,
            submission=submission, **handed_over_fields(actor, member.union.path))
        assistance.full_clean()
        assistance.save()
        audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=assistance,
                     org_path=assistance.path, after=_snapshot(assistance))
    visit = Visit(union=member.union, path=member.union.path, member=member, reason=reason, visited_on=visited_on,
                  visitors=visitors.strip(), place=place.strip(), gift=gift.strip(), gift_value=value,
                  assistance=assistance, notes=notes.strip(), recorded_by=actor)
    open_notices = CareNotice.objects.select_for_update().filter(member=member, resolved_on__isnull=True)
    if notice is not None:
        resolved = list(open_notices.filter(pk=notice.pk))
    else:
        resolved = list(open_notices.filter(reason=reason))
    visit.notice = resolved[0] if resolved else None
    visit.full_clean()
    visit.save()
    for item in resolved:
        item.resolved_on = visited_on
        item.save(update_fields=["resolved_on", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=visit, org_path=visit.path,
                 after=audit.snapshot(visit))
    return visit


@transaction.atomic
def notice_create(*, actor, node, member: Member, reason: str, since: datetime.date, note: str = "") -> CareNotice:
    """Report an event that calls for a visit (a member in hospital since a date, a wedding, a birth, a
    bereavement). It stays on the due list until a visit resolves it."""
    errors: dict[str, list[str]] = {}
    if reason not in visit_reasons() or reason not in NOTICE_REASONS:
        errors["reason"] = [_("Choose one of the events that call for a visit.")]
    if since > timezone.localdate() + datetime.timedelta(days=60):
        errors["since"] = [_("The date is too far in the future.")]
    if errors:
        raise ValidationError(errors)
    _check_member_under(member, node)
    notice = CareNotice(union=member.union, path=member.union.path, member=member, reason=reason, since=since,
                        note=note.strip(), reported_by=actor)
    notice.full_clean()
    notice.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=notice, org_path=notice.path,
                 after=audit.snapshot(notice))
    return notice
