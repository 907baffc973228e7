"""Every write to activities: the activity itself, its evidence, sign-ups with their waiting list, check-in
and competition results. Each service runs in one transaction with its audit entry.

Sign-ups, cancellations and check-ins lock the activity row first (`select_for_update`), so two members taking
the last place at once cannot both get it, and the kept counts (signed_up_count, waiting_count,
attended_count) are recounted from the participations under that lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, evidence
from gonghui.core.models import Attachment, AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member
from gonghui.orgs.models import Level, OrgNode

from .models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Audience,
    CheckInMethod,
    CompetitionEntry,
    Participation,
    ParticipationStatus,
)
from .selectors import is_open_to

EDITABLE_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "audience", "audience_group",
                   "include_subtree", "capacity", "signup_deadline", "budget", "actual_cost", "description")

# status → the statuses it may be set from
STATUS_FROM: dict[str, frozenset[str]] = {
    ActivityStatus.OPEN: frozenset({ActivityStatus.PLANNED, ActivityStatus.CLOSED}),
    ActivityStatus.CLOSED: frozenset({ActivityStatus.OPEN}),
    ActivityStatus.FINISHED: frozenset({ActivityStatus.OPEN, ActivityStatus.CLOSED, ActivityStatus.PLANNED}),
    ActivityStatus.CANCELLED: frozenset({ActivityStatus.PLANNED, ActivityStatus.OPEN, ActivityStatus.CLOSED}),
    ActivityStatus.PLANNED: frozenset(),
}

def _clean_activity(activity: Activity) -> None:
    errors: dict[str, list[str]] = {}
    if activity.ends_at and activity.starts_at and activity.ends_at < activity.starts_at:
        errors.setdefault("ends_at", []).append(_("The activity cannot end before it starts."))
    if activity.signup_deadline and activity.starts_at and activity.signup_deadline > activity.starts_at:
        errors.setdefault("signup_deadline", []).append(_("Sign-up must close before the activity starts."))
    if activity.audience == Audience.GROUP:
        group = activity.audience_group
        if group is None:
            errors.setdefault("audience_group", []).append(_("Choose the union group this activity is for."))
        elif group.level != Level.UNION_GROUP or not group.path.startswith(activity.organiser.path):
            errors.setdefault("audience_group", []).append(
                _("%(name)s is not a union group under %(organiser)s.")
                % {"name": group.name, "organiser": activity.organiser.name})
    else:
        activity.audience_group = None
    if activity.capacity == 0:
        errors.setdefault("capacity", []).append(_("Leave the places empty for no limit, or give at least 1."))
    for field in ("budget", "actual_cost"):
        value = getattr(activity, field)
        if value is not None and value < 0:
            errors.setdefault(field, []).append(_("An amount cannot be negative."))
    if errors:
        raise ValidationError(errors)
    activity.full_clean()


@transaction.atomic
def activity_create(*, actor, organiser: OrgNode, **fields) -> Activity:
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"status"}
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    if fields.get("budget") is None:
        fields["budget"] = Decimal("0")
    activity = Activity(organiser=organiser, path=organiser.path,
                        created_by=actor if getattr(actor, "pk", None) else None, **fields)
    _clean_activity(activity)
    activity.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=activity, org_path=activity.path,
                 after=audit.snapshot(activity))
    return activity


def _lock(activity: Activity) -> Activity:
    # of=self: PostgreSQL cannot lock the nullable side of the audience group's outer join
    return (Activity.objects.select_for_update(of=("self",)).select_related("organiser", "audience_group")
            .get(pk=activity.pk))


@transaction.atomic
def activity_update(*, actor, activity: Activity, **fields) -> Activity:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    locked = _lock(activity)
    if locked.status in (ActivityStatus.CANCELLED,):
        raise ValidationError(_("A cancelled activity cannot be changed."))
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.budget is None:
        locked.budget = Decimal("0")
    _clean_activity(locked)
    locked.save()
    _promote_waiting(locked)
    _recount(locked)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=locked, org_path=locked.path,
                 before=before, after=audit.snapshot(locked))
    activity.refresh_from_db()
    return locked


@transaction.atomic
def activity_set_status(*, actor, activity: Activity, status: str, actual_cost: Decimal | None = None) -> Activity:
    locked = _lock(activity)
    if status not in STATUS_FROM or locked.status not in STATUS_FROM[status]:
        raise ValidationError(_("An activity that is “%(current)s” cannot be set to “%(new)s”.")
                              % {"current": locked.get_status_display(),
                                 "new": ActivityStatus(status).label if status in ActivityStatus.values else status})
    before = audit.snapshot(locked)
    locked.status = status
    if actual_cost is not None:
        if actual_cost < 0:
            raise ValidationError({"actual_cost": _("An amount cannot be negative.")})
        locked.actual_cost = actual_cost
    locked.save(update_fields=["status", "actual_cost", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=locked, org_path=locked.path,
                 before=before, after=audit.snapshot(locked))
    activity.refresh_from_db()
    return locked


# ---- evidence ----------------------------------------------------------------------------------------------

def attachment_add(*, actor, activity: Activity, upload, caption: str = "") -> Attachment:
    return evidence.evidence_add(actor=actor, instance=activity, path=activity.path, upload=upload, caption=caption)


def attachment_delete(*, actor, attachment: Attachment) -> None:
    evidence.evidence_delete(actor=actor, attachment=attachment)


# ---- sign-up and the waiting list -----------------------------------------------------------------------

def _recount(activity: Activity) -> None:
    figures = activity.participations.aggregate(
        signed_up=Count("id", filter=Q(status=ParticipationStatus.SIGNED_UP)),
        waiting=Count("id", filter=Q(status=ParticipationStatus.WAITING)),
        attended=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    activity.signed_up_count = figures["signed_up"]
    activity.waiting_count = figures["waiting"]
    activity.attended_count = figures["attended"]
    Activity.objects.filter(pk=activity.pk).update(signed_up_count=activity.signed_up_count,
                                                   waiting_count=activity.waiting_count,
                                                   attended_count=activity.attended_count)


def _has_place(activity: Activity) -> bool:
    if activity.capacity is None:
        return True
    taken = activity.participations.filter(status=ParticipationStatus.SIGNED_UP).count()
    return taken < activity.capacity


def _promote_waiting(activity: Activity) -> list[Participation]:
    """Give free places to the waiting list, first come first served."""
    promoted = []
    while True:
        if not _has_place(activity):
            break
        first = (activity.participations.filter(status=ParticipationStatus.WAITING)
                 .order_by("signed_up_at", "id").first())
        if first is None:
            break
        first.status = ParticipationStatus.SIGNED_UP
        first.save(update_fields=["status"])
        promoted.append(first)
    return promoted


def _check_member(member: Member) -> None:
    if member.status not in MEMBER_STATUSES:
        raise ValidationError(_("%(name)s is not a member now (%(status)s) and cannot take part in activities.")
                              % {"name": member.name, "status": member.get_status_display()})


def not_open_reason(activity: Activity, member: Member) -> str:
    """Why the activity is not for `member` (organiser and audience), or "" when it is."""
    if is_open_to(activity, member):
        return ""
    return _("%(title)s is not open to %(name)s: it is for %(audience)s of %(organiser)s.") % {
        "title": activity.title, "name": member.name, "audience": activity.get_audience_display(),
        "organiser": activity.organiser.name}


def _check_eligible(activity: Activity, member: Member) -> None:
    reason = not_open_reason(activity, member)
    if reason:
        raise ValidationError(reason)


@transaction.atomic
def signup(*, actor, activity: Activity, member: Member, by_officer: bool = False) -> Participation:
    """Sign `member` up (themselves, or added by an officer). When the places are taken they join the waiting
    list. Signing up again after cancelling takes a new place in the queue."""
    locked = _lock(activity)
    member = Member.objects.select_related("union", "group").get(pk=member.pk)
    _check_member(member)
    _check_eligible(locked, member)
    if locked.status in (ActivityStatus.CANCELLED, ActivityStatus.FINISHED):
        raise ValidationError(_("%(title)s is %(status)s: no more sign-ups.")
                              % {"title": locked.title, "status": locked.get_status_display()})
    if not by_officer:
        if locked.status != ActivityStatus.OPEN:
            raise ValidationError(_("%(title)s is not open for sign-up.") % {"title": locked.title})
        deadline = locked.signup_deadline or locked.starts_at
        if timezone.now() >= deadline:
            raise ValidationError(_("Sign-up for %(title)s closed at %(when)s.")
                                  % {"title": locked.title,
                                     "when": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")})
    participation = Participation.objects.filter(activity=locked, member=member).first()
    if participation is not None and participation.status != ParticipationStatus.CANCELLED:
        raise ValidationError(_("%(name)s is already on the list of %(title)s (%(status)s).")
                              % {"name": member.name, "title": locked.title,
                                 "status": participation.get_status_display()})
    status = ParticipationStatus.SIGNED_UP if _has_place(locked) else ParticipationStatus.WAITING
    added_by = actor if by_officer and getattr(actor, "pk", None) else None
    if participation is None:
        participation = Participation.objects.create(activity=locked, member=member, status=status,
                                                     added_by=added_by)
    else:
        participation.status = status
        participation.added_by = added_by
        participation.signed_up_at = timezone.now()
        participation.checked_in_at = None
        participation.check_in_method = ""
        participation.save()
    _recount(locked)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=participation, org_path=member.path,
                 after={"activity": str(locked), "member": str(member), "status": participation.status,
                        "added_by": str(actor) if added_by else None})
    return participation


@transaction.atomic
def cancel_participation(*, actor, participation: Participation) -> list[Participation]:
    """Take a member off an activity; the first person waiting gets the freed place. Returns those promoted."""
    locked = _lock(participation.activity)
    participation = Participation.objects.select_related("member").get(pk=participation.pk)
    if participation.status == ParticipationStatus.CANCELLED:
        raise ValidationError(_("This sign-up was already cancelled."))
    if participation.checked_in_at is not None:
        raise ValidationError(_("%(name)s has already checked in; undo the check-in first.")
                              % {"name": participation.member.name})
    if locked.status in (ActivityStatus.FINISHED, ActivityStatus.CANCELLED):
        raise ValidationError(_("%(title)s is %(status)s: its list can no longer change.")
                              % {"title": locked.title, "status": locked.get_status_display()})
    before = participation.status
    participation.status = ParticipationStatus.CANCELLED
    participation.save(update_fields=["status"])
    promoted = _promote_waiting(locked)
    _recount(locked)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=participation,
                 org_path=participation.member.path,
                 before={"status": before}, after={"status": participation.status,
                                                   "promoted": [str(p.member) for p in promoted] or None})
    return promoted


# ---- check-in ------------------------------------------------------------------------------------------------

@transaction.atomic
def check_in(*, actor, activity: Activity, member: Member, method: str) -> tuple[Participation, bool]:
    """Record that `member` came. A member on the list is checked in; a walk-in is signed up and checked in when
    a place is free (an officer may always let someone in). Returns the participation and whether it was
    newly checked in (a second scan changes nothing)."""
    locked = _lock(activity)
    member = Member.objects.select_related("union", "group").get(pk=member.pk)
    _check_member(member)
    if locked.status in (ActivityStatus.CANCELLED, ActivityStatus.PLANNED):
        raise ValidationError(_("%(title)s is %(status)s: there is no check-in.")
                              % {"title": locked.title, "status": locked.get_status_display()})
    participation = Participation.objects.filter(activity=locked, member=member).first()
    if participation is not None and participation.checked_in_at is not None:
        return participation, False
    by_officer = method == CheckInMethod.OFFICER
    if participation is None or participation.status != ParticipationStatus.SIGNED_UP:
        if participation is None or participation.status == ParticipationStatus.CANCELLED:
            _check_eligible(locked, member)
        if not by_officer and not _has_place(locked):
            raise ValidationError(_("%(title)s is full: ask an officer at the venue.") % {"title": locked.title})
        if participation is None:
            participation = Participation(activity=locked, member=member,
                                          added_by=actor if by_officer and getattr(actor, "pk", None) else None)
        participation.status = ParticipationStatus.SIGNED_UP
    participation.checked_in_at = timezone.now()
    participation.check_in_method = method
    participation.save()
    today = timezone.localdate(participation.checked_in_at)
    Member.objects.filter(pk=member.pk).filter(Q(last_active_on__isnull=True) | Q(last_active_on__lt=today)) \
        .update(last_active_on=today)
    _recount(locked)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=participation, org_path=member.path,
                 after={"activity": str(locked), "checked_in_at": str(participation.checked_in_at),
                        "check_in_method": method})
    return participation, True


@transaction.atomic
def undo_check_in(*, actor, participation: Participation) -> Participation:
    locked = _lock(participation.activity)
    participation = Participation.objects.select_related("member").get(pk=participation.pk)
    if participation.checked_in_at is None:
        return participation
    before = {"checked_in_at": str(participation.checked_in_at), "check_in_method": participation.check_in_method}
    participation.checked_in_at = None
    participation.check_in_method = ""
    participation.save(update_fields=["checked_in_at", "check_in_method"])
    _recount(locked)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=participation,
                 org_path=participation.member.path, before=before,
                 after={"checked_in_at": None, "check_in_method": ""})
    return participation


# ---- competitions ----------------------------------------------------------------------------------------

ENTRY_FIELDS = ("member", "team", "event", "score", "rank", "prize", "notes")


def _clean_entry(entry: CompetitionEntry) -> None:
    activity = entry.activity
    if activity.kind != ActivityKind.COMPETITION:
        raise ValidationError(_("Only a competition has entries and results."))
    if entry.member is None and not entry.team.strip():
        raise ValidationError({"team": _("Give the member or the name of the team.")})
    if entry.member is not None:
        _check_member(entry.member)
        if not is_open_to(activity, entry.member):
            raise ValidationError({"member": _("%(name)s is not among the members this competition is for.")
                                   % {"name": entry.member.name}})
        duplicate = CompetitionEntry.objects.filter(activity=activity, event=entry.event, member=entry.member) \
            .exclude(pk=entry.pk)
        if duplicate.exists():
            raise ValidationError({"member": _("%(name)s already has an entry in this event.")
                                   % {"name": entry.member.name}})
    entry.full_clean(validate_constraints=False)


@transaction.atomic
def entry_save(*, actor, activity: Activity, entry: CompetitionEntry | None = None, **fields) -> CompetitionEntry:
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    creating = entry is None
    entry = entry or CompetitionEntry(activity=activity)
    entry.activity = activity
    before = {} if creating else audit.snapshot(entry)
    for name, value in fields.items():
        setattr(entry, name, "" if value is None and name in ("team", "event", "prize", "notes") else value)
    _clean_entry(entry)
    entry.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
                 instance=entry, org_path=activity.path, before=before, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def entry_delete(*, actor, entry: CompetitionEntry) -> None:
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=entry, org_path=entry.activity.path,
                 before=audit.snapshot(entry))
    entry.delete()


@transaction.atomic
def rank_by_score(*, actor, activity: Activity) -> int:
    """Rank every scored entry within its event, highest score first; equal scores share a rank (1, 2, 2, 4).
    Entries without a score keep no rank. Returns how many entries were ranked."""
    if activity.kind != ActivityKind.COMPETITION:
        raise ValidationError(_("Only a competition has entries and results."))
    entries = list(CompetitionEntry.objects.select_for_update().filter(activity=activity)
                   .order_by("event", "-score", "id"))
    ranked = 0
    position, previous_event, previous_score, previous_rank = 0, None, None, 0
    for entry in entries:
        if entry.event != previous_event:
            position, previous_event, previous_score, previous_rank = 0, entry.event, None, 0
        if entry.score is None:
            new_rank = None
        else:
            position += 1
            new_rank = previous_rank if entry.score == previous_score else position
            previous_score, previous_rank = entry.score, new_rank
            ranked += 1
        if entry.rank != new_rank:
            entry.rank = new_rank
            entry.save(update_fields=["rank", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=activity, org_path=activity.path,
                 before={"ranks": None}, after={"ranks": _("ranked %(n)d entries by score") % {"n": ranked}})
    return ranked
