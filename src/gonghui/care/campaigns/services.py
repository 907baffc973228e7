"""Writes of the seasonal campaigns (送温暖, 送清凉, 金秋助学) and the 一日捐 donation drives (issue 4 §8).

A campaign selects its recipients by rule (CampaignRecipient); recording a recipient as given is money
committed to a member: an Assistance record linked to the campaign, paid by the node that runs it, after
`caps.check_spending` with the member's row locked — the kinds that need a 困难职工档案 (送温暖, 金秋助学) get
the recipient's file. A recipient is given once.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member

from .. import caps
from ..assistance.services import handed_over_fields
from ..models import (
    Assistance,
    AssistanceKind,
    Campaign,
    CampaignRecipient,
    Donation,
    Funding,
    GiftForm,
    HardshipCategory,
    HardshipCause,
    HardshipFile,
    HardshipStatus,
)
from . import holidays

ASSISTANCE_KIND = {Campaign.Kind.WARMTH: AssistanceKind.WARMTH, Campaign.Kind.COOLNESS: AssistanceKind.COOLNESS,
                   Campaign.Kind.EDUCATION: AssistanceKind.EDUCATION}


def _snapshot(instance) -> dict:
    """audit.snapshot with the submission key (a UUID) as text, which the log's JSON needs."""
    return {key: str(value) if isinstance(value, uuid.UUID) else value
            for key, value in audit.snapshot(instance).items()}


def _money(value, field: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter an amount.")})
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not an amount of money.") % {"value": value}}) from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Enter an amount above 0 with at most two decimals.")})
    return amount


def clean_rule(kind: str, rule: dict | None) -> dict:
    """The selection rule kept on the campaign: hardship categories (with an active file), front-line workers,
    new-form workers; 金秋助学 always takes the active files whose cause is schooling."""
    rule = rule or {}
    if kind == Campaign.Kind.DONATION:
        return {}
    if kind == Campaign.Kind.EDUCATION:
        return {"causes": [HardshipCause.SCHOOLING.value]}
    categories = [c for c in rule.get("categories", []) if c in HardshipCategory.values]
    return {"categories": categories, "front_line": bool(rule.get("front_line")),
            "new_form": bool(rule.get("new_form"))}


@transaction.atomic
def campaign_create(*, actor, node, kind: str, year: int, title: str = "", starts_on: datetime.date | None = None,
                    ends_on: datetime.date | None = None, rule: dict | None = None, amount_per_person=None,
                    target_amount=None, notes: str = "") -> Campaign:
    """A campaign of `node` for its subtree. Dates left empty come from the holiday library (holidays.py);
    when it has no data for the year, the officer is asked for them."""
    if kind not in Campaign.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of campaign.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("“%(value)s” is not a year.") % {"value": year}})
    if starts_on is None and ends_on is None and kind != Campaign.Kind.DONATION:
        try:
            starts_on, ends_on = holidays.default_dates(kind, int(year))
        except holidays.NoHolidayData as error:
            raise ValidationError({"starts_on": str(error)}) from None
    errors: dict[str, list[str]] = {}
    if starts_on is None:
        errors["starts_on"] = [_("Enter the first day.")]
    if ends_on is None:
        errors["ends_on"] = [_("Enter the last day.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The last day is before the first day.")]
    given_as = ASSISTANCE_KIND.get(kind)
    if given_as and caps.needs_hardship_file(given_as):
        # the caps allow this kind only to members with an approved hardship file: selecting others would make
        # recipients that can never be given to
        cleaned = clean_rule(kind, rule)
        for field in ("front_line", "new_form"):
            if cleaned.get(field):
                errors[field] = [_(
                    "Under the spending rules %(kind)s is given only to members with an approved hardship file "
                    "(困难职工档案), so it cannot select workers by their work alone; select hardship categories, "
                    "or reach these workers with 送清凉 or a festival visit (source: %(source)s)."
                ) % {"kind": AssistanceKind(given_as).label, "source": caps.source()}]
    if errors:
        raise ValidationError(errors)
    label = Campaign.Kind(kind).label
    campaign = Campaign(kind=kind, node=node, path=node.path, year=int(year),
                        title=title.strip() or f"{year} {label}", starts_on=starts_on, ends_on=ends_on,
                        rule=clean_rule(kind, rule), amount_per_person=_money(amount_per_person, "amount_per_person"),
                        target_amount=_money(target_amount, "target_amount"), notes=notes.strip())
    today = timezone.localdate()
    campaign.status = (Campaign.Status.FINISHED if ends_on < today else
                       Campaign.Status.RUNNING if starts_on <= today else Campaign.Status.PLANNED)
    campaign.full_clean()
    campaign.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=campaign, org_path=campaign.path,
                 after=audit.snapshot(campaign))
    return campaign


def _why() -> dict[str, str]:
    return {"deep": _("Deep hardship file"), "relative": _("Relative hardship file"),
            "accident": _("Hardship by accident file"), "schooling": _("Hardship file: children's schooling"),
            "front_line": _("Works on the front line"), "new_form": _("Works in a new form of employment")}


@transaction.atomic
def campaign_select(*, actor, campaign: Campaign) -> int:
    """Add the members the campaign's rule selects (under its node, members now); those already selected
    stay as they are. Returns how many were added."""
    if campaign.kind == Campaign.Kind.DONATION:
        raise ValidationError(_("A donation drive has donors, not recipients."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    rule = clean_rule(campaign.kind, campaign.rule)
    labels = _why()
    files = HardshipFile.objects.filter(path__under=campaign.path, status=HardshipStatus.ACTIVE,
                                        member__status__in=MEMBER_STATUSES)
    chosen: dict[int, tuple[HardshipFile | None, str]] = {}
    if campaign.kind == Campaign.Kind.EDUCATION:
        for file in files.filter(cause=HardshipCause.SCHOOLING).order_by("id"):
            chosen.setdefault(file.member_id, (file, labels["schooling"]))
    else:
        if rule["categories"]:
            for file in files.filter(category__in=rule["categories"]).order_by("id"):
                chosen.setdefault(file.member_id, (file, labels[file.category]))
        others = Q(pk__in=[])
        if rule["front_line"]:
            others |= Q(is_front_line=True)
        if rule["new_form"]:
            others |= ~Q(new_form_group="")
        members = Member.objects.filter(others, path__under=campaign.path, status__in=MEMBER_STATUSES)
        for member_id, front_line in members.values_list("pk", "is_front_line"):
            reason = labels["front_line"] if front_line and rule["front_line"] else labels["new_form"]
            chosen.setdefault(member_id, (None, reason))
    existing = set(campaign.recipients.values_list("member_id", flat=True))
    paths = dict(Member.objects.filter(pk__in=list(chosen)).values_list("pk", "path"))
    new = [CampaignRecipient(campaign=campaign, member_id=member_id, path=paths[member_id], hardship_file=file,
                             planned_amount=campaign.amount_per_person, why=why)
           for member_id, (file, why) in sorted(chosen.items()) if member_id not in existing]
    CampaignRecipient.objects.bulk_create(new)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=campaign, org_path=campaign.path,
                 before={"recipients": len(existing)}, after={"recipients": len(existing) + len(new)})
    return len(new)


@transaction.atomic
def recipient_give(*, actor, recipient: CampaignRecipient, on: datetime.date, amount=None,
                   form: str = GiftForm.CASH, funding: str = Funding.UNION_FUNDS, goods: str = "",
                   submission: uuid.UUID | None = None) -> Assistance:
    """Record what a selected recipient was given: an Assistance record (paid) under the caps. Refused for a
    recipient already given."""
    recipient = (CampaignRecipient.objects.select_for_update().select_related("campaign", "campaign__node")
                 .get(pk=recipient.pk))
    campaign = recipient.campaign
    if recipient.status == CampaignRecipient.Status.GIVEN:
        raise ValidationError(_("%(name)s was already given in this campaign.")
                              % {"name": recipient.member.name})
    value = _money(amount if amount not in (None, "") else recipient.planned_amount, "amount", required=True)
    errors: dict[str, list[str]] = {}
    if form not in GiftForm.values:
        errors["form"] = [_("Choose how the gift was given.")]
    if funding not in Funding.values:
        errors["funding"] = [_("Choose where the money came from.")]
    if on > timezone.localdate():
        errors["on"] = [_("A gift cannot be recorded before it was given.")]
    if errors:
        raise ValidationError(errors)
    member = Member.objects.select_for_update().get(pk=recipient.member_id)
    kind = ASSISTANCE_KIND[campaign.kind]
    hardship_file = recipient.hardship_file or member.hardship_files.filter(status=HardshipStatus.ACTIVE).first()
    caps.check_spending(union=campaign.node, member=member, kind=kind, amount=value, form=form, funding=funding,
                        on=on, hardship_file=hardship_file)
    assistance = Assistance(
        union=campaign.node, path=campaign.node.path, kind=kind, member=member,
        hardship_file=hardship_file if caps.needs_hardship_file(kind) else None, campaign=campaign, amount=value,
        form=form, goods=goods.strip(), funding=funding, reason=campaign.title, on=on, submission=submission,
        **handed_over_fields(actor, campaign.node.path))
    assistance.full_clean()
    assistance.save()
    recipient.status = CampaignRecipient.Status.GIVEN
    recipient.assistance = assistance
    recipient.save(update_fields=["status", "assistance"])
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=assistance, org_path=assistance.path,
                 after=_snapshot(assistance))
    return assistance


def _check_donation_drive(campaign: Campaign) -> None:
    if campaign.kind != Campaign.Kind.DONATION:
        raise ValidationError(_("Donations are recorded on a donation drive (一日捐)."))


@transaction.atomic
def donation_create(*, actor, campaign: Campaign, amount, donated_on: datetime.date, member: Member | None = None,
                    donor_name: str = "") -> Donation:
    """One gift to a 一日捐 drive, by a member under the drive's node or by a donor named."""
    _check_donation_drive(campaign)
    value = _money(amount, "amount", required=True)
    if member is None and not donor_name.strip():
        raise ValidationError({"donor_name": _("Choose a member or name the donor.")})
    if member is not None and (not member.path.startswith(campaign.path) or member.status not in MEMBER_STATUSES):
        raise ValidationError({"member": _("%(name)s is not a member under %(node)s.")
                               % {"name": member.name, "node": campaign.node.name}})
    if donated_on > timezone.localdate():
        raise ValidationError({"donated_on": _("A donation cannot be recorded before it was made.")})
    donation = Donation(campaign=campaign, member=member, donor_name=donor_name.strip() if member is None else "",
                        path=member.path if member is not None else campaign.path, amount=value,
                        donated_on=donated_on, recorded_by=actor)
    donation.full_clean()
    donation.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=donation, org_path=campaign.path,
                 after=audit.snapshot(donation))
    return donation


@transaction.atomic
def donations_bulk(*, actor, campaign: Campaign, text: str, donated_on: datetime.date, find_member) -> int:
    """Many donations at once, one a line: “card no. or name, amount” (comma, tab or spaces). Every line is
    checked first; one bad line records none, and the message names each bad line. `find_member(text)` →
    the list of members under the drive that the text names."""
    _check_donation_drive(campaign)
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace("，", ",").replace("\t", ",").replace(",", " ").split()
        if len(parts) < 2:
            problems.append(_("Line %(n)d: write the card number or name, then the amount.") % {"n": number})
            continue
        who, amount = " ".join(parts[:-1]), parts[-1]
        matches = find_member(who)
        if len(matches) != 1:
            problems.append((_("Line %(n)d: no member under the drive is “%(who)s”.") if not matches else
                             _("Line %(n)d: several members are called “%(who)s”; use the card number."))
                            % {"n": number, "who": who})
            continue
        try:
            value = _money(amount, "amount", required=True)
        except ValidationError:
            problems.append(_("Line %(n)d: “%(amount)s” is not an amount above 0.") % {"n": number, "amount": amount})
            continue
        entries.append((matches[0], value))
    if problems:
        raise ValidationError({"lines": problems})
    if not entries:
        raise ValidationError({"lines": _("Enter at least one line.")})
    for member, value in entries:
        donation_create(actor=actor, campaign=campaign, member=member, amount=value, donated_on=donated_on)
    return len(entries)
