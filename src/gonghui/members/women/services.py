"""Writes to 女职工 records: the 五期 details and the dates of health checks (issue 3 §6).

The 五期 details are health data. They live only inside the record's encrypted `details` JSON, never in
clear columns and never in the audit log: an entry says that the details changed ("***" → "******"), not
which of them or to what, because the audit log is read by federation admins who may not see them (even
the name of a changed field, such as a miscarriage date, would tell too much).
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
from gonghui.orgs.models import Gender

from ..models import FivePeriod, Member, WomenRecord
from . import rules

# The keys of the decrypted details, with their empty values.
DETAIL_DEFAULTS: dict[str, Any] = {
    "stage": FivePeriod.NONE,
    "expected_due_date": None,
    "birth_date": None,
    "difficult_birth": False,
    "babies": 1,
    "miscarriage_date": None,
    "miscarriage_months": None,
    "notes": "",
}
DATE_DETAILS = ("expected_due_date", "birth_date", "miscarriage_date")
MAX_BABIES = 9
MAX_NOTES = 500
# The due date of a pregnancy recorded today lies at most this far ahead (a pregnancy lasts 280 days).
MAX_DAYS_TO_DUE = rules.PREGNANCY_DAYS + 14


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()

CHECK_FIELDS = {"gynaecological": "last_gynaecological_check", "general": "last_general_check"}


def _today() -> datetime.date:
    return timezone.localdate()


def record_details(record: WomenRecord | None) -> dict[str, Any]:
    """The decrypted details with every key present; dates as `datetime.date`."""
    stored = crypto.decrypt_json(record.details, {}) if record is not None and record.details else {}
    details = {**DETAIL_DEFAULTS, **stored}
    for key in DATE_DETAILS:
        details[key] = rules._date(details[key])
    return details


def _stored(details: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.isoformat() if isinstance(value, datetime.date) else value)
            for key, value in details.items()}


def _check_woman(member: Member) -> None:
    if member.gender != Gender.FEMALE:
        raise ValidationError({"member": _("Only women members have a women worker record; %(name)s is "
                                           "recorded as male.") % {"name": member.name}})


def _validate(new: dict[str, Any], old: dict[str, Any], today: datetime.date) -> None:
    """Messages by field, in the order a person reads the form. Checks on dates that lie in the past
    apply when the date (or the stage) is being entered now, so an old record stays editable."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    stage = new["stage"]
    due, born, lost = new["expected_due_date"], new["birth_date"], new["miscarriage_date"]
    if stage not in FivePeriod.values:
        add("stage", _("Choose one of the listed stages."))
    stage_changed = stage != old["stage"]
    if stage == FivePeriod.PREGNANT:
        if due is None:
            add("expected_due_date", _("Enter the expected due date of the pregnancy."))
        elif (due != old["expected_due_date"] or stage_changed) and due < today:
            add("expected_due_date", _("The expected due date %(date)s is in the past: record the birth or "
                                       "the miscarriage instead.") % {"date": due.isoformat()})
        if born is not None and due is not None and born >= rules.pregnancy_start(due):
            add("birth_date", _("A birth is recorded for this pregnancy: choose maternity leave or the "
                                "nursing period as the stage."))
    if due is not None and due > today + datetime.timedelta(days=MAX_DAYS_TO_DUE) and (
            due != old["expected_due_date"]):
        add("expected_due_date", _("The expected due date %(date)s is more than ten months away.")
            % {"date": due.isoformat()})
    if stage == FivePeriod.MATERNITY and due is None and born is None and lost is None:
        add("birth_date", _("Maternity leave is counted from the birth, the expected due date or the "
                            "miscarriage: enter one of them."))
    if stage == FivePeriod.NURSING:
        if born is None:
            add("birth_date", _("The nursing period is counted from the birth: enter the birth date."))
        elif (born != old["birth_date"] or stage_changed) and rules.nursing_period_end(born) < today:
            add("birth_date", _("The nursing period ended on %(date)s, the child's first birthday: choose "
                                "another stage.") % {"date": rules.nursing_period_end(born).isoformat()})
    if born is not None:
        if born > today:
            add("birth_date", _("The birth date %(date)s is in the future: record the expected due date "
                                "until the birth.") % {"date": born.isoformat()})
        elif due is not None and born < rules.pregnancy_start(due):
            add("birth_date", _("The birth date is before the pregnancy began (%(start)s, 280 days before "
                                "the expected due date).") % {"start": rules.pregnancy_start(due).isoformat()})
        if lost is not None:
            add("miscarriage_date", _("Enter either the birth date or the miscarriage date for this leave, "
                                      "not both."))
    babies = new["babies"]
    if not isinstance(babies, int) or isinstance(babies, bool) or not 1 <= babies <= MAX_BABIES:
        add("babies", _("The number of babies is a whole number from 1 to %(max)d.") % {"max": MAX_BABIES})
    if new["difficult_birth"] and born is None:
        add("difficult_birth", _("A difficult birth is recorded with the birth date."))
    months = new["miscarriage_months"]
    if lost is not None:
        if lost > today:
            add("miscarriage_date", _("The miscarriage date %(date)s is in the future.")
                % {"date": lost.isoformat()})
        elif due is not None and lost < rules.pregnancy_start(due):
            add("miscarriage_date", _("The miscarriage date is before the pregnancy began (%(start)s, 280 days "
                                      "before the expected due date).")
                % {"start": rules.pregnancy_start(due).isoformat()})
        if months is None:
            add("miscarriage_months", _("Enter the completed months of pregnancy at the miscarriage: the leave "
                                        "is 15 days under 4 months and 42 days from 4 months."))
    if months is not None:
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 10:
            add("miscarriage_months", _("The months of pregnancy are a whole number from 1 to 10."))
        elif lost is None:
            add("miscarriage_date", _("Enter the date of the miscarriage."))
    if len(new["notes"] or "") > MAX_NOTES:
        add("notes", _("Notes are at most %(max)d characters.") % {"max": MAX_NOTES})
    if errors:
        raise ValidationError(errors)


def _validate_check(field: str, value: datetime.date | None, member: Member, today: datetime.date) -> None:
    if value is None:
        return
    if value > today:
        raise ValidationError({field: _("The check date %(date)s is in the future.") % {"date": value.isoformat()}})
    if member.birth_date and value < member.birth_date:
        raise ValidationError({field: _("The check date %(date)s is before the member was born.")
                               % {"date": value.isoformat()}})


def _snapshot(record: WomenRecord, details_mark: str | None) -> dict[str, Any]:
    data = audit.snapshot(record)
    data.pop("details", None)
    if details_mark is not None:
        data["details"] = details_mark
    return data


def _locked_record(member: Member) -> tuple[Member, WomenRecord | None]:
    # the member row is the lock: two first writes for the same member cannot both create a record
    member = Member.objects.select_for_update().get(pk=member.pk)
    return member, WomenRecord.objects.filter(member=member).first()


@transaction.atomic
def women_record_update(*, actor, member: Member, stage: str = FivePeriod.NONE,
                        expected_due_date: datetime.date | None = None, birth_date: datetime.date | None = None,
                        difficult_birth: bool = False, babies: int = 1,
                        miscarriage_date: datetime.date | None = None, miscarriage_months: int | None = None,
                        notes: str = "", last_gynaecological_check: Any = UNCHANGED,
                        last_general_check: Any = UNCHANGED, today: datetime.date | None = None) -> WomenRecord:
    """Create or change a woman member's record. The 五期 details are stored encrypted and replaced as a
    whole; the check dates are left as they are unless given."""
    today = today or _today()
    member, record = _locked_record(member)
    _check_woman(member)
    created = record is None
    if created:
        record = WomenRecord(member=member)
    old = record_details(None if created else record)
    before = {} if created else _snapshot(record, None)
    new = {
        "stage": stage or FivePeriod.NONE, "expected_due_date": expected_due_date, "birth_date": birth_date,
        "difficult_birth": bool(difficult_birth), "babies": babies if babies is not None else 1,
        "miscarriage_date": miscarriage_date, "miscarriage_months": miscarriage_months,
        "notes": (notes or "").strip(),
    }
    _validate(new, old, today)
    for field, value in (("last_gynaecological_check", last_gynaecological_check),
                         ("last_general_check", last_general_check)):
        if value is not UNCHANGED:
            _validate_check(field, value, member, today)
            setattr(record, field, value)
    details_changed = created or new != old
    if details_changed:
        record.details = crypto.encrypt_json(_stored(new))
    record.path = member.path
    record.full_clean(exclude=["member"])
    record.save()
    if created:
        audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=record, org_path=member.path,
                     after=_snapshot(record, "******"))
    else:
        if details_changed:
            before["details"] = "***"
        after = _snapshot(record, "******" if details_changed else None)
        if audit.diff(before, after):
            audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=record, org_path=member.path,
                         before=before, after=after)
    return record


@transaction.atomic
def women_check_record(*, actor, member: Member, kind: str, on: datetime.date | None = None,
                       today: datetime.date | None = None) -> WomenRecord:
    """Record that a gynaecological ("gynaecological") or general ("general") check was done on `on`."""
    if kind not in CHECK_FIELDS:
        raise ValueError(f"unknown check {kind!r}")
    today = today or _today()
    on = on or today
    field = CHECK_FIELDS[kind]
    member, record = _locked_record(member)
    _check_woman(member)
    _validate_check(field, on, member, today)
    created = record is None
    if created:
        record = WomenRecord(member=member, path=member.path)
    before = {} if created else _snapshot(record, None)
    current = getattr(record, field)
    if current is not None and current > on:
        raise ValidationError({field: _("A later check (%(date)s) is already recorded.")
                               % {"date": current.isoformat()}})
    setattr(record, field, on)
    record.path = member.path
    record.full_clean(exclude=["member"])
    record.save()
    action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
    audit.record(actor=actor, action=action, instance=record, org_path=member.path, before=before,
                 after=_snapshot(record, None))
    return record
