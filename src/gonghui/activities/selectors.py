"""Every read of activities a user can reach, already limited to what that user may see.

Officers see the activities under the nodes where they hold `activities.view`. A member (Role.MEMBER, through
request.user.member) sees the activities open to them — organised by their union or group, or by a node above
with `include_subtree`, for an audience they belong to — and those they took part in.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.accounts import policy
from gonghui.core import evidence
from gonghui.core.models import Attachment
from gonghui.members.models import EmploymentType as MemberEmployment
from gonghui.members.models import Member, RetainReason
from gonghui.orgs.models import OrgNode, path_ids

from .models import Activity, ActivityStatus, Audience, CompetitionEntry, Participation, ParticipationStatus


def member_of(user) -> Member | None:
    """The member record linked to the signed-in account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_gonghui_member", "unset")
    if cached == "unset":
        cached = Member.objects.select_related("union", "group").filter(user_id=user.pk).first()
        user._gonghui_member = cached
    return cached


def is_retired(member: Member) -> bool:
    return member.employment_type == MemberEmployment.RETIRED or member.retain_reason == RetainReason.RETIRED


def audience_q(member: Member) -> Q:
    query = Q(audience=Audience.ALL)
    if member.gender == "F":
        query |= Q(audience=Audience.WOMEN)
    if is_retired(member):
        query |= Q(audience=Audience.RETIREES)
    if member.group_id:
        query |= Q(audience=Audience.GROUP, audience_group_id=member.group_id)
    return query


def organiser_q(member: Member) -> Q:
    own = [pk for pk in (member.union_id, member.group_id) if pk]
    return Q(organiser_id__in=own) | Q(include_subtree=True, organiser_id__in=path_ids(member.path))


def is_open_to(activity: Activity, member: Member) -> bool:
    """Whether `member` is among those the activity is for (organiser and audience; not status or dates)."""
    organiser_ok = activity.organiser_id in (member.union_id, member.group_id) or (
        activity.include_subtree and member.path.startswith(activity.path))
    if not organiser_ok:
        return False
    if activity.audience == Audience.ALL:
        return True
    if activity.audience == Audience.WOMEN:
        return member.gender == "F"
    if activity.audience == Audience.RETIREES:
        return is_retired(member)
    return bool(member.group_id) and member.group_id == activity.audience_group_id


def signup_open_q(now: datetime.datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(status=ActivityStatus.OPEN) & (
        Q(signup_deadline__gt=now) | Q(signup_deadline__isnull=True, starts_at__gt=now))


def open_to_member(member: Member, now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """Activities `member` may sign up for now, soonest first."""
    return (Activity.objects.filter(signup_open_q(now)).filter(organiser_q(member)).filter(audience_q(member))
            .select_related("organiser").order_by("starts_at", "id"))


def participation_by_activity(member: Member, activities) -> dict[int, Participation]:
    ids = [activity.pk for activity in activities]
    rows = Participation.objects.filter(member=member, activity_id__in=ids).exclude(
        status=ParticipationStatus.CANCELLED)
    return {row.activity_id: row for row in rows}


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def member_participations(member: Member, year: int | None = None) -> QuerySet[Participation]:
    """A member's sign-ups (not the cancelled ones), latest activity first; of one year when given."""
    queryset = Participation.objects.filter(member=member).exclude(status=ParticipationStatus.CANCELLED)
    if year:
        start, end = year_bounds(year)
        queryset = queryset.filter(activity__starts_at__gte=start, activity__starts_at__lt=end)
    return queryset.select_related("activity", "activity__organiser").order_by("-activity__starts_at", "-id")


def attendance_count(member: Member, year: int) -> int:
    """人次 of one member in one year: the activities they checked in at."""
    start, end = year_bounds(year)
    return Participation.objects.filter(member=member, checked_in_at__isnull=False,
                                        activity__starts_at__gte=start, activity__starts_at__lt=end).count()


def get_activity_for_user(user, pk: int, permission: str = "activities.view") -> Activity:
    """The access helper for activities: officers by their scope (404 outside, 403 without `permission`); a
    member may read an activity open to them or one they are on the list of, and do nothing else here."""
    activity = Activity.objects.select_related("organiser", "audience_group", "created_by").filter(pk=pk).first()
    if activity is None:
        raise Http404
    if policy.has_perm(user, "activities.view", activity.path):
        if not policy.has_perm(user, permission, activity.path):
            raise PermissionDenied
        return activity
    if member_may_see(user, activity):
        if permission != "activities.view":
            raise PermissionDenied
        return activity
    raise Http404


def get_activity_for_checkin(user, pk: int, token: str) -> tuple[Activity, bool]:
    """The activity a QR check-in link opens, and whether the user may see it. Someone it is not open to sees
    it only with a valid code from the venue (to be told why they cannot check in); without one, a 404 as
    everywhere else."""
    from . import checkin

    try:
        return get_activity_for_user(user, pk), True
    except Http404:
        activity = Activity.objects.select_related("organiser").filter(pk=pk).first()
        if activity is None:
            raise
        try:
            checkin.check_token(activity, token)
        except checkin.TokenRefused:
            raise Http404 from None
        return activity, False


def member_may_see(user, activity: Activity) -> bool:
    """A member sees an activity they are on the list of, or one open to them that is no longer being planned
    (a planned activity and its documents are the officers' until it is announced)."""
    member = member_of(user)
    return member is not None and (
        (activity.status != ActivityStatus.PLANNED and is_open_to(activity, member))
        or Participation.objects.filter(activity=activity, member=member).exists())


def activity_list(user, node: OrgNode, *, kind: str = "", status: str = "", year: int | None = None,
                  search: str = "") -> QuerySet[Activity]:
    """The activities organised at `node` and below that the user may see; one query whatever the length."""
    queryset = Activity.objects.filter(policy.scope_q(user, "activities.view"), path__under=node.path)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if year:
        start, end = year_bounds(year)
        queryset = queryset.filter(starts_at__gte=start, starts_at__lt=end)
    if search.strip():
        queryset = queryset.filter(Q(title__contains=search.strip()) | Q(place__contains=search.strip()))
    return queryset.select_related("organiser").order_by("-starts_at", "-id")


def participants(activity: Activity, *, include_cancelled: bool = False) -> QuerySet[Participation]:
    queryset = activity.participations.select_related("member", "member__union", "member__group", "added_by")
    if not include_cancelled:
        queryset = queryset.exclude(status=ParticipationStatus.CANCELLED)
    return queryset.order_by("status", "signed_up_at", "id")


def get_participation(activity: Activity, pk) -> Participation:
    text = str(pk)
    participation = (activity.participations.select_related("member").filter(pk=int(text)).first()
                     if text.isascii() and text.isdigit() else None)
    if participation is None:
        raise Http404
    return participation


def attachments(activity: Activity) -> list[Attachment]:
    return evidence.evidence_of(activity)


def get_attachment_for_user(user, pk: int, permission: str = "activities.view") -> tuple[Attachment, Activity]:
    """An activity's attachment, seen by whoever sees the activity (officers, and the members it is for)."""
    attachment = evidence.attachment_of(Activity, pk)
    activity = get_activity_for_user(user, attachment.object_id, permission)
    return attachment, activity


def entries(activity: Activity) -> list[CompetitionEntry]:
    return list(activity.entries.select_related("member", "member__union").order_by("event", "rank", "-score", "id"))


def get_entry_for_user(user, pk: int, permission: str = "activities.view") -> CompetitionEntry:
    entry = CompetitionEntry.objects.select_related("activity", "member").filter(pk=pk).first()
    if entry is None:
        raise Http404
    get_activity_for_user(user, entry.activity_id, permission)
    if policy.has_perm(user, "activities.view", entry.activity.path):
        return entry
    raise Http404


def eligible_members(activity: Activity, search: str = "", *, exclude_listed: bool = True) -> QuerySet[Member]:
    """Members an officer may add to `activity`: members the activity is for, not already on its list."""
    from gonghui.members.models import MEMBER_STATUSES
    from gonghui.members.selectors import search_q

    if activity.include_subtree:
        queryset = Member.objects.filter(path__under=activity.path)
    else:
        queryset = Member.objects.filter(Q(union_id=activity.organiser_id) | Q(group_id=activity.organiser_id))
    if activity.audience == Audience.WOMEN:
        queryset = queryset.filter(gender="F")
    elif activity.audience == Audience.RETIREES:
        queryset = queryset.filter(Q(employment_type=MemberEmployment.RETIRED) | Q(retain_reason=RetainReason.RETIRED))
    elif activity.audience == Audience.GROUP:
        queryset = queryset.filter(group_id=activity.audience_group_id)
    queryset = queryset.filter(status__in=MEMBER_STATUSES)
    if exclude_listed:
        taken = activity.participations.exclude(status=ParticipationStatus.CANCELLED).values("member_id")
        queryset = queryset.exclude(pk__in=taken)
    return (queryset.filter(search_q(search))
            .select_related("union", "group").order_by("name", "id"))
