"""Every write to the member registry: records, and the 会籍 lifecycle with its history (DOMAIN.md).

Each lifecycle step is one service that checks the member's current status, refuses an impossible
transition with a message that says why, changes the member, writes a MembershipEvent (the member's own
history) and an audit entry, all in one transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto
from gonghui.core.models import AuditEntry
from gonghui.core.validators import citizen_id_birth_date, citizen_id_gender, clean_citizen_id
from gonghui.orgs.models import Level, OrgNode, Unit

from . import tally
from .identity import card_numbers, card_prefix, clean_mobile, clean_name, name_search_keys
from .models import EventKind, Member, MembershipEvent, RetainReason, Status, Transfer, TransferStatus, WomenRecord
from .selectors import is_flagged_inactive

# Nodes that can hold 会籍 directly (a member's `union`). A federation holds it only as the keeper of
# retained memberships of a closed unit.
MEMBERSHIP_LEVELS = frozenset({Level.GRASSROOTS_UNION, Level.JOINT_UNION, Level.BRANCH_UNION})

EDITABLE_FIELDS = {
    "name", "gender", "ethnicity", "birth_date", "education", "political_status", "employment_type",
    "new_form_group", "is_front_line", "post", "unit", "group", "join_date", "card_no", "last_active_on", "notes",
}


def _today() -> datetime.date:
    return timezone.localdate()


def _actor_name(actor) -> str:
    return (actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else ""


def last_generated_card(union_code: str) -> str | None:
    """The highest card number generated for this union so far (an index range on the unique column)."""
    prefix = card_prefix(union_code)
    return (
        Member.objects.filter(card_no__gt=prefix, card_no__lt=prefix + "~")
        .order_by("-card_no").values_list("card_no", flat=True).first()
    )


def next_card_no(union: OrgNode) -> str:
    for number in card_numbers(union.code, last_generated_card(union.code)):
        if not Member.objects.filter(card_no=number).exists():
            return number
    raise AssertionError("unreachable")


def find_by_citizen_id(citizen_id: str) -> Member | None:
    return Member.objects.filter(citizen_id_hash=crypto.lookup_hash(citizen_id)).first()


def _place(member: Member) -> None:
    """The member's path: their group's, or else their union's."""
    member.path = member.group.path if member.group_id else member.union.path


def _sync_paths(member: Member) -> None:
    """Records that hang off a member follow them when their path changes (group change, transfer)."""
    WomenRecord.objects.filter(member=member).exclude(path=member.path).update(path=member.path)


def _check_links(member: Member) -> None:
    errors: dict[str, str] = {}
    union = member.union
    if member.group_id:
        group = member.group
        if group.level != Level.UNION_GROUP or not group.path.startswith(union.path):
            errors["group"] = _("%(group)s is not a union group of %(union)s.") % {"group": group, "union": union}
    if member.unit_id:
        covering = member.unit.covering_union
        if covering is None or not (union.path.startswith(covering.path) or covering.path.startswith(union.path)):
            errors["unit"] = _("%(unit)s is not covered by %(union)s.") % {"unit": member.unit, "union": union}
    if errors:
        raise ValidationError(errors)


def _apply_identity(member: Member, citizen_id: str, *, gender_given: bool, birth_given: bool) -> None:
    """Store the 身份证号 encrypted and cross-check the gender and birth date it carries."""
    try:
        number = clean_citizen_id(citizen_id)
    except ValidationError as error:
        raise ValidationError({"citizen_id": error.messages}) from None
    gender, born = citizen_id_gender(number), citizen_id_birth_date(number)
    errors = {}
    if gender_given and member.gender and member.gender != gender:
        errors["gender"] = _("The gender does not match the citizen ID number (its 17th digit).")
    if birth_given and member.birth_date and member.birth_date != born:
        errors["birth_date"] = _("The birth date does not match the citizen ID number (%(date)s).") % {
            "date": born.isoformat()}
    if errors:
        raise ValidationError(errors)
    member.gender, member.birth_date = gender, born
    digest = crypto.lookup_hash(number)
    other = Member.objects.filter(citizen_id_hash=digest).exclude(pk=member.pk).only("id").first()
    if other is not None:
        raise ValidationError({"citizen_id": _(
            "This citizen ID number is already registered as a member. A worker joins once: if they moved, "
            "their old union transfers them."
        )})
    member.citizen_id, member.citizen_id_hash = crypto.encrypt(number), digest


def _apply_mobile(member: Member, mobile: str) -> None:
    if not mobile:
        member.mobile = member.mobile_hash = ""
        return
    try:
        number = clean_mobile(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error.messages}) from None
    member.mobile, member.mobile_hash = crypto.encrypt(number), crypto.lookup_hash(number)


def _all_errors(*steps) -> None:
    """Run every check and raise one ValidationError with all their field errors, so a form shows them
    all at once rather than one per submission."""
    errors: dict[str, list[str]] = {}
    for step in steps:
        try:
            step()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _set_fields(member: Member, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(member, name, value)
    member.name = clean_name(member.name)
    member.name_pinyin, member.name_initials = name_search_keys(member.name)
    member.card_no = (member.card_no or "").strip().upper()


def _event(member: Member, *, actor, kind: str, status_before: str, on: datetime.date | None = None,
           from_node: OrgNode | None = None, to_node: OrgNode | None = None, reason: str = "") -> MembershipEvent:
    return MembershipEvent.objects.create(
        member=member, kind=kind, on=on or _today(), from_node=from_node, to_node=to_node,
        status_before=status_before, status_after=member.status, reason=reason,
        actor=actor if getattr(actor, "pk", None) else None, actor_name=_actor_name(actor),
    )


@transaction.atomic
def member_create(*, actor, union: OrgNode, name: str, citizen_id: str, mobile: str = "",
                  status: str = Status.ACTIVE, **fields: Any) -> Member:
    """Register a member (status ACTIVE) or record an application to join (status APPLICANT)."""
    if union.level not in MEMBERSHIP_LEVELS:
        raise ValidationError({"union": _("Members belong to a grassroots, joint or branch union.")})
    if status not in (Status.ACTIVE, Status.APPLICANT):
        raise ValueError("a new member is either active or an applicant")
    member = Member(union=union, status=status, status_since=_today())
    _set_fields(member, {"name": name, **fields})
    _all_errors(
        lambda: _apply_identity(member, citizen_id, gender_given=bool(fields.get("gender")),
                                birth_given=bool(fields.get("birth_date"))),
        lambda: _apply_mobile(member, mobile),
        lambda: _check_links(member),
    )
    if status == Status.ACTIVE and member.join_date is None:
        member.join_date = _today()
    if not member.card_no:
        member.card_no = next_card_no(union)
    _place(member)
    member.full_clean()
    member.save()
    kind = EventKind.JOINED if status == Status.ACTIVE else EventKind.APPLIED
    _event(member, actor=actor, kind=kind, status_before="", on=member.join_date or _today(), to_node=union)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=member, org_path=member.path,
                 after=audit.snapshot(member))
    tally.refresh([union.pk])
    return member


@transaction.atomic
def member_update(*, actor, member: Member, citizen_id: str | None = None, mobile: str | None = None,
                  **fields: Any) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = audit.snapshot(member)
    _set_fields(member, fields)
    if not member.gender or not member.birth_date:  # left empty on the form: they follow from the ID
        stored = member.citizen_id_clear
        member.gender = member.gender or citizen_id_gender(stored)
        member.birth_date = member.birth_date or citizen_id_birth_date(stored)
    changed_id = bool(citizen_id) and citizen_id != member.citizen_id_clear
    changed_mobile = mobile is not None and mobile != member.mobile_clear
    _all_errors(
        lambda: _apply_identity(member, citizen_id, gender_given="gender" in fields,
                                birth_given="birth_date" in fields) if changed_id else None,
        lambda: _apply_mobile(member, mobile) if changed_mobile else None,
        lambda: _check_links(member),
    )
    if changed_id:
        before["citizen_id"] = "***"
    if changed_mobile:
        before["mobile"] = "***"
    _place(member)
    member.full_clean()
    member.save()
    _sync_paths(member)
    after = audit.snapshot(member)
    if changed_id:
        after["citizen_id"] = "******"  # that it changed, never the number
    if changed_mobile:
        after["mobile"] = "******"
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=member, org_path=member.path,
                 before=before, after=after)
    tally.refresh([member.union_id])
    return member


# ---- 会籍 lifecycle -------------------------------------------------------------------------------------

# Each 会籍 step and the statuses it may start from: the services enforce it, the pages offer only these.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "approve": frozenset({Status.APPLICANT}),
    "refuse": frozenset({Status.APPLICANT}),
    "reapply": frozenset({Status.WITHDRAWN, Status.REFUSED}),
    "transfer": frozenset({Status.ACTIVE}),
    "cancel_transfer": frozenset({Status.IN_TRANSFER}),
    "receive": frozenset({Status.IN_TRANSFER}),
    "refuse_transfer": frozenset({Status.IN_TRANSFER}),
    "retain": frozenset({Status.ACTIVE}),
    "restore": frozenset({Status.RETAINED}),
    "keep": frozenset({Status.ACTIVE}),
    "withdraw": frozenset({Status.ACTIVE, Status.RETAINED}),
    "expel": frozenset({Status.ACTIVE, Status.RETAINED}),
    "death": frozenset({Status.ACTIVE, Status.RETAINED}),
}


def _refuse(member: Member, step: str, action: str) -> None:
    if member.status not in ALLOWED_FROM[step]:
        raise ValidationError(
            _("%(name)s cannot be %(action)s: their membership status is “%(status)s”.")
            % {"name": member.name, "action": action, "status": member.get_status_display()},
            code="transition",
        )


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("union").get(pk=member.pk)


def _status_change(member: Member, *, actor, kind: str, before_status: str, before_union: int | None = None,
                   reason: str = "", on: datetime.date | None = None, from_node=None, to_node=None) -> None:
    member.status_since = on or _today()
    member.save()
    _sync_paths(member)
    _event(member, actor=actor, kind=kind, status_before=before_status, on=on, from_node=from_node,
           to_node=to_node, reason=reason)
    audit.record(
        actor=actor, action=AuditEntry.Action.MEMBERSHIP, instance=member, org_path=member.path,
        before={"status": before_status}, after={"status": member.status, **({"reason": reason} if reason else {})},
    )
    tally.refresh([pk for pk in {before_union, member.union_id} if pk])


@transaction.atomic
def member_approve(*, actor, member: Member, on: datetime.date | None = None) -> Member:
    """入会: the union approves an application."""
    member = _locked(member)
    _refuse(member, "approve", _("approved"))
    member.status, member.join_date = Status.ACTIVE, on or _today()
    _status_change(member, actor=actor, kind=EventKind.JOINED, before_status=Status.APPLICANT, on=on,
                   to_node=member.union)
    return member


@transaction.atomic
def member_refuse_application(*, actor, member: Member, reason: str) -> Member:
    member = _locked(member)
    _refuse(member, "refuse", _("refused"))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the application is refused.")})
    member.status = Status.REFUSED
    _status_change(member, actor=actor, kind=EventKind.REFUSED, before_status=Status.APPLICANT, reason=reason)
    return member


@transaction.atomic
def member_reapply(*, actor, member: Member) -> Member:
    """A worker who withdrew or was refused applies again: the same record, a new application."""
    member = _locked(member)
    _refuse(member, "reapply", _("registered as applying again"))
    before = member.status
    member.status = Status.APPLICANT
    _status_change(member, actor=actor, kind=EventKind.APPLIED, before_status=before, to_node=member.union)
    return member


@transaction.atomic
def member_transfer_out(*, actor, member: Member, to_union: OrgNode, reason: str = "",
                        on: datetime.date | None = None) -> Transfer:
    """转出: the old union sends; the member is "in transfer" until the new union receives or refuses."""
    member = _locked(member)
    _refuse(member, "transfer", _("transferred"))
    if to_union.level not in MEMBERSHIP_LEVELS:
        raise ValidationError({"to_union": _("A member can only be transferred to a grassroots, joint or branch "
                                             "union.")})
    if to_union.pk == member.union_id:
        raise ValidationError({"to_union": _("The member already belongs to this union.")})
    transfer = Transfer.objects.create(
        member=member, from_union=member.union, to_union=to_union, from_path=member.union.path,
        to_path=to_union.path, reason=reason, sent_on=on or _today(),
        sent_by=actor if getattr(actor, "pk", None) else None,
    )
    member.status, member.transfer_to, member.transfer_to_path = Status.IN_TRANSFER, to_union, to_union.path
    _status_change(member, actor=actor, kind=EventKind.TRANSFER_OUT, before_status=Status.ACTIVE, reason=reason,
                   on=on, from_node=member.union, to_node=to_union)
    return transfer


def _pending_transfer(member: Member) -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(member=member, status=TransferStatus.PENDING).first()
    if transfer is None:
        raise ValidationError(_("%(name)s has no transfer waiting.") % {"name": member.name}, code="transition")
    return transfer


def _close_transfer(transfer: Transfer, *, actor, status: str, note: str, on: datetime.date | None) -> None:
    transfer.status, transfer.decision_note, transfer.decided_on = status, note, on or _today()
    transfer.decided_by = actor if getattr(actor, "pk", None) else None
    transfer.save()


@transaction.atomic
def member_transfer_receive(*, actor, member: Member, group: OrgNode | None = None, unit: Unit | None = None,
                            on: datetime.date | None = None) -> Member:
    """转入: the new union receives; the member now belongs to it, with their card number and history."""
    member = _locked(member)
    _refuse(member, "receive", _("received"))
    transfer = _pending_transfer(member)
    old_union = member.union
    _close_transfer(transfer, actor=actor, status=TransferStatus.RECEIVED, note="", on=on)
    member.union, member.group, member.unit = transfer.to_union, group, unit
    member.status, member.transfer_to, member.transfer_to_path = Status.ACTIVE, None, ""
    _check_links(member)
    _place(member)
    _status_change(member, actor=actor, kind=EventKind.TRANSFER_IN, before_status=Status.IN_TRANSFER, on=on,
                   before_union=old_union.pk, from_node=old_union, to_node=transfer.to_union)
    return member


@transaction.atomic
def member_transfer_refuse(*, actor, member: Member, reason: str) -> Member:
    """The new union refuses (with a reason): the member stays with the old union, active."""
    member = _locked(member)
    _refuse(member, "refuse_transfer", _("refused by the receiving union"))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the transfer is refused.")})
    transfer = _pending_transfer(member)
    _close_transfer(transfer, actor=actor, status=TransferStatus.REFUSED, note=reason, on=None)
    member.status, member.transfer_to, member.transfer_to_path = Status.ACTIVE, None, ""
    _status_change(member, actor=actor, kind=EventKind.TRANSFER_REFUSED, before_status=Status.IN_TRANSFER,
                   reason=reason, from_node=transfer.to_union, to_node=member.union)
    return member


@transaction.atomic
def member_transfer_cancel(*, actor, member: Member) -> Member:
    """The sending union withdraws a transfer that has not been received yet."""
    member = _locked(member)
    _refuse(member, "cancel_transfer", _("called back"))
    transfer = _pending_transfer(member)
    _close_transfer(transfer, actor=actor, status=TransferStatus.CANCELLED, note="", on=None)
    member.status, member.transfer_to, member.transfer_to_path = Status.ACTIVE, None, ""
    _status_change(member, actor=actor, kind=EventKind.TRANSFER_CANCELLED, before_status=Status.IN_TRANSFER)
    return member


@transaction.atomic
def member_retain(*, actor, member: Member, reason: str, on: datetime.date | None = None) -> Member:
    """保留会籍: retirees keep it at their last union, the unemployed at the old union; when the unit closes,
    the union above keeps it (DOMAIN.md)."""
    member = _locked(member)
    _refuse(member, "retain", _("given retained membership"))
    if reason not in RetainReason.values:
        raise ValidationError({"reason": _("Choose why the membership is retained.")})
    old_union = member.union
    member.status, member.retain_reason = Status.RETAINED, reason
    if reason == RetainReason.UNIT_CLOSED:
        keeper = old_union.parent
        if keeper is None:
            raise ValidationError({"reason": _("This union has no union above it to keep the membership.")})
        member.union, member.group, member.unit = keeper, None, None
        _place(member)
    _status_change(member, actor=actor, kind=EventKind.RETAINED, before_status=Status.ACTIVE, on=on,
                   before_union=old_union.pk, reason=str(RetainReason(reason).label), from_node=old_union,
                   to_node=member.union)
    return member


@transaction.atomic
def member_restore(*, actor, member: Member, on: datetime.date | None = None) -> Member:
    """恢复: a retained member takes up full membership again (a member kept by a federation is then
    transferred to their new union)."""
    member = _locked(member)
    _refuse(member, "restore", _("restored"))
    member.status, member.retain_reason = Status.ACTIVE, ""
    _status_change(member, actor=actor, kind=EventKind.RESTORED, before_status=Status.RETAINED, on=on)
    return member


@transaction.atomic
def member_withdraw(*, actor, member: Member, reason: str = "", on: datetime.date | None = None) -> Member:
    """退会 (also the officer's decision on six months without dues or union life)."""
    member = _locked(member)
    _refuse(member, "withdraw", _("withdrawn"))
    before = member.status
    member.status = Status.WITHDRAWN
    _status_change(member, actor=actor, kind=EventKind.WITHDRAWN, before_status=before, reason=reason, on=on)
    return member


@transaction.atomic
def member_expel(*, actor, member: Member, reason: str, on: datetime.date | None = None) -> Member:
    """除名, always with its reason."""
    member = _locked(member)
    _refuse(member, "expel", _("expelled"))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the expulsion.")})
    before = member.status
    member.status = Status.EXPELLED
    _status_change(member, actor=actor, kind=EventKind.EXPELLED, before_status=before, reason=reason, on=on)
    return member


@transaction.atomic
def member_record_death(*, actor, member: Member, on: datetime.date | None = None) -> Member:
    member = _locked(member)
    _refuse(member, "death", _("recorded as deceased"))
    before = member.status
    member.status = Status.DECEASED
    _status_change(member, actor=actor, kind=EventKind.DECEASED, before_status=before, on=on)
    return member


@transaction.atomic
def member_keep_after_inactivity(*, actor, member: Member, reason: str = "") -> Member:
    """The officer's other decision on the six-month flag: keep the member (the flag clears until the next
    six months pass)."""
    member = _locked(member)
    _refuse(member, "keep", _("kept"))
    if not is_flagged_inactive(member):
        raise ValidationError(_("%(name)s has dues or union life within the last six months: there is nothing "
                                "to decide.") % {"name": member.name}, code="transition")
    member.inactivity_reviewed_on = _today()
    member.save(update_fields=["inactivity_reviewed_on", "updated_at"])
    _event(member, actor=actor, kind=EventKind.INACTIVITY_KEPT, status_before=member.status, reason=reason)
    audit.record(actor=actor, action=AuditEntry.Action.MEMBERSHIP, instance=member, org_path=member.path,
                 before={"inactivity_reviewed_on": None}, after={"inactivity_reviewed_on": str(_today())})
    return member


def citizen_id_reveal(*, actor, member: Member, field: str) -> str:
    """The clear 身份证号 or mobile number, for a user the policy allows; the reveal is logged."""
    if field not in ("citizen_id", "mobile"):
        raise ValueError(field)
    value = member.citizen_id_clear if field == "citizen_id" else member.mobile_clear
    audit.record(actor=actor, action=AuditEntry.Action.REVEAL, instance=member, org_path=member.path,
                 after={"revealed": str(Member._meta.get_field(field).verbose_name)})
    return value

