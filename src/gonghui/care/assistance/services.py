"""Writes for assistance (帮扶救助, issue 4 §6): request, approval, rejection, payment, the recipient's
confirmation.

- A request carries the form's one-time `submission` key: a second POST with the same key returns the record
  the first one made (the unique column settles a race), so a double click never makes two.
- Approval commits the money: inside the transaction the member's row is locked and `caps.check_spending`
  runs (the caps, the hardship file, retirees and union funds, the budget), so two approvals cannot both pass
  a cap only one of them fits. The request runs the same check first, to refuse early on the form.
- Payment locks the record and refuses unless it is approved and not yet paid: it is never paid twice.
- Kinds that need a hardship file take the member's file on record automatically, or are refused.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts import policy
from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member
from gonghui.orgs.models import OrgNode

from .. import caps
from ..models import Assistance, AssistanceKind, AssistanceStatus, Funding, GiftForm, HardshipFile, HardshipStatus


def _today() -> datetime.date:
    return timezone.localdate()


def _require(actor, permission: str, path: str) -> None:
    if actor is not None and not policy.has_perm(actor, permission, path):
        raise PermissionDenied


def handed_over_fields(actor, path: str) -> dict:
    """The status fields of a gift handed over on the spot (a visit's gift, a campaign's gift). Only someone who
    may both approve and pay (a chair, a federation admin; the system) records it as approved and paid; a gift
    recorded by anyone else waits for the usual approval and payment, so no officer commits union money alone."""
    now = timezone.now()
    if actor is None or (policy.has_perm(actor, "care.approve", path) and policy.has_perm(actor, "care.pay", path)):
        return {"status": AssistanceStatus.PAID, "requested_by": actor, "approved_by": actor, "approved_at": now,
                "paid_by": actor, "paid_at": now}
    return {"status": AssistanceStatus.REQUESTED, "requested_by": actor}


def active_file(member: Member) -> HardshipFile | None:
    return HardshipFile.objects.filter(member=member, status=HardshipStatus.ACTIVE).first()


def _check(record: Assistance, *, exclude_pk=None) -> None:
    caps.check_spending(union=record.union, member=record.member, kind=record.kind, amount=record.amount,
                        form=record.form, funding=record.funding, on=record.on, case=record.case,
                        hardship_file=record.hardship_file, exclude_pk=exclude_pk)


@transaction.atomic
def assistance_request(*, actor, union: OrgNode, member: Member, kind: str, amount: Decimal, form: str = GiftForm.CASH,
                       funding: str = Funding.UNION_FUNDS, goods: str = "", case: str = "", reason: str = "",
                       on: datetime.date | None = None, submission: uuid.UUID | None = None,
                       campaign=None) -> tuple[Assistance, bool]:
    """(the record, whether it was created now). A known `submission` key returns its record unchanged."""
    if submission is not None:
        existing = Assistance.objects.filter(submission=submission).first()
        if existing is not None:
            return existing, False
    on = on or _today()
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require(actor, "care.change", union.path)
    if not union.is_union:
        raise ValidationError({"member": _("Assistance is paid by a union; %(node)s is not one.")
                               % {"node": union.name}})
    if not member.path.startswith(union.path):
        raise ValidationError({"member": _("%(name)s is not a member of %(union)s.") % {
            "name": member.name, "union": union.name}})
    if member.status not in MEMBER_STATUSES:
        raise ValidationError({"member": _("%(name)s is not a member now.") % {"name": member.name}})
    if kind not in AssistanceKind.values:
        raise ValidationError({"kind": _("Choose one of the listed kinds.")})
    hardship_file = None
    if caps.needs_hardship_file(kind):
        hardship_file = active_file(member)
        if hardship_file is None:
            raise ValidationError({"kind": _(
                "%(kind)s needs an approved hardship file (困难职工档案) of %(name)s, and there is none on record: "
                "file one first.（source：%(source)s）") % {
                "kind": AssistanceKind(kind).label, "name": member.name, "source": caps.source()}})
    record = Assistance(union=union, path=union.path, kind=kind, member=member, hardship_file=hardship_file,
                        campaign=campaign, amount=amount, form=form, goods=(goods or "").strip(),
                        funding=funding, case=(case or "").strip(), reason=(reason or "").strip(), on=on,
                        submission=submission, requested_by=actor if getattr(actor, "pk", None) else None)
    record.full_clean(exclude=["union", "member", "hardship_file", "campaign", "submission"])
    _check(record)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        existing = Assistance.objects.filter(submission=submission).first() if submission else None
        if existing is None:
            raise
        return existing, False
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=record, org_path=record.path,
                 after=_snapshot(record))
    return record, True


def _snapshot(record: Assistance) -> dict:
    data = audit.snapshot(record)
    data.pop("submission", None)  # the form's key is internal (and a UUID is not JSON)
    return data


def _locked(record: Assistance) -> Assistance:
    return Assistance.objects.select_for_update(of=("self",)).select_related("union", "member", "hardship_file").get(
        pk=record.pk)


def _save_step(record: Assistance, before: dict, actor) -> Assistance:
    record.full_clean(exclude=["union", "member", "hardship_file", "campaign", "submission"])
    record.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=record, org_path=record.path,
                 before=before, after=_snapshot(record))
    return record


@transaction.atomic
def assistance_approve(*, actor, record: Assistance, note: str = "") -> Assistance:
    # the member first, then the record: the same order as a request, so two writers cannot deadlock
    Member.objects.select_for_update().get(pk=record.member_id)
    record = _locked(record)
    _require(actor, "care.approve", record.path)
    if record.status != AssistanceStatus.REQUESTED:
        raise ValidationError(_("Only a requested assistance can be approved; this one is “%(status)s”.")
                              % {"status": record.get_status_display()})
    if caps.needs_hardship_file(record.kind) and (record.hardship_file is None
                                                  or record.hardship_file.status != HardshipStatus.ACTIVE):
        record.hardship_file = active_file(record.member)
    _check(record, exclude_pk=record.pk)
    before = _snapshot(record)
    record.status = AssistanceStatus.APPROVED
    record.approved_by, record.approved_at = actor, timezone.now()
    record.decision_note = (note or "").strip()[:200]
    return _save_step(record, before, actor)


@transaction.atomic
def assistance_reject(*, actor, record: Assistance, note: str) -> Assistance:
    record = _locked(record)
    _require(actor, "care.approve", record.path)
    if record.status != AssistanceStatus.REQUESTED:
        raise ValidationError(_("Only a requested assistance can be refused; this one is “%(status)s”.")
                              % {"status": record.get_status_display()})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why it is not approved.")})
    before = _snapshot(record)
    record.status = AssistanceStatus.REJECTED
    record.approved_by, record.approved_at, record.decision_note = actor, timezone.now(), note[:200]
    return _save_step(record, before, actor)


@transaction.atomic
def assistance_pay(*, actor, record: Assistance, payment_ref: str = "") -> Assistance:
    record = _locked(record)
    _require(actor, "care.pay", record.path)
    if record.status in (AssistanceStatus.PAID, AssistanceStatus.CONFIRMED):
        raise ValidationError(_("Already paid on %(date)s: an assistance is never paid twice.") % {
            "date": timezone.localtime(record.paid_at).date().isoformat() if record.paid_at else "—"})
    if record.status != AssistanceStatus.APPROVED:
        raise ValidationError(_("Only an approved assistance can be paid; this one is “%(status)s”.")
                              % {"status": record.get_status_display()})
    before = _snapshot(record)
    record.status = AssistanceStatus.PAID
    record.paid_by, record.paid_at, record.payment_ref = actor, timezone.now(), (payment_ref or "").strip()[:64]
    return _save_step(record, before, actor)


@transaction.atomic
def assistance_confirm(*, actor, record: Assistance, how: str = "") -> Assistance:
    """The recipient's confirmation: by the member themself in Gonghui, or recorded by an officer from a
    signed list or receipt (`how` says which)."""
    record = _locked(record)
    own = actor is not None and record.member.user_id is not None and record.member.user_id == actor.pk
    if not own:
        _require(actor, "care.change", record.path)
        how = (how or "").strip()
        if not how:
            raise ValidationError({"how": _("Say how the recipient confirmed, e.g. signed the list.")})
    else:
        how = _("confirmed in Gonghui by the recipient")
    if record.status == AssistanceStatus.CONFIRMED:
        raise ValidationError(_("The recipient already confirmed it."))
    if record.status != AssistanceStatus.PAID:
        raise ValidationError(_("Only a paid assistance can be confirmed as received; this one is “%(status)s”.")
                              % {"status": record.get_status_display()})
    before = _snapshot(record)
    record.status = AssistanceStatus.CONFIRMED
    record.confirmed_at, record.confirmed_how = timezone.now(), how[:100]
    return _save_step(record, before, actor)
