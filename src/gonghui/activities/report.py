"""Activities' and honours' part of plans and summaries (issue 5 §3, §4, §6), through plans/contrib.py.

- Metrics: 开展活动 (activities of the subtree starting in the period that have started by now, cancelled
  ones left out — the activity ledger's rule, and the evidence's) and 参与活动 人次 (the check-ins the services
  keep on each activity, as the ledger sums them), one aggregate over the indexed (path, starts_at) range;
  获得表彰 (honours awarded in the period) from activities/stats.py.
- Summary: activities by kind with their 人次 (and, below federations, the members who took part), the
  competitions and their prizes (culture); the honours of the period (the union's own building).
- Evidence: `activities.activity` (kinds = ActivityKind; an activity counts once it has started and was not
  cancelled, dated by its start) and `activities.honour` (awarded honours, dated by the award).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import FEDERATION_LEVELS
from gonghui.plans.contrib import (
    Contribution,
    EvidenceRecord,
    EvidenceSource,
    Metric,
    MetricKind,
    Period,
    SummaryPart,
    Table,
    register,
)
from gonghui.plans.models import Section

from . import stats
from .honours.selectors import get_honour_for_user
from .ledger import activities_in
from .models import ActivityKind, CompetitionEntry, Honour, HonourKind, HonourStatus, Participation
from .selectors import get_activity_for_user

ONE_DAY = datetime.timedelta(days=1)


def held_in(node, start: datetime.date, end: datetime.date):
    """Activities of the subtree starting in [start, end] that were held: not cancelled (the ledger's rule) and
    already started — one planned for later in the period is not yet 开展."""
    return activities_in(node, start, end).filter(starts_at__lte=timezone.now())


def activity_figures(node, period: Period) -> dict:
    """{"by_kind": {kind: {"activities", "person_times"}}, "total": {the same, and "participants" for a union or
    group}} as the activity ledger counts them: one GROUP BY on activity_path_start_idx with the 人次 the services
    keep on each activity. The distinct members who took part (the ledger's 人数) need the participations, so they
    are counted below federations only (a district's year holds millions of check-ins)."""
    held = held_in(node, period.start, period.end)
    rows = {row["kind"]: {"activities": row["activities"], "person_times": row["person_times"]}
            for row in held.order_by().values("kind").annotate(
                activities=Count("id"), person_times=Coalesce(Sum("attended_count"), 0))}
    by_kind = stats._ordered(rows, list(ActivityKind.values))
    total = {key: sum(row[key] for row in by_kind.values()) for key in ("activities", "person_times")}
    if node.level not in FEDERATION_LEVELS:
        total["participants"] = (Participation.objects.filter(activity__in=held.order_by().values("pk"),
                                                              checked_in_at__isnull=False)
                                 .values("member_id").distinct().count())
    return {"by_kind": by_kind, "total": total}


def honour_stats(node, period: Period) -> dict:
    return stats.honour_period_stats(node, period.start, period.end + ONE_DAY, year=period.year)


def _held(node, period: Period) -> dict:
    """Activities held (started, not cancelled) and 人次 as the activity ledger counts them (its rows; the
    check-ins the services keep on each activity), in one query on activity_path_start_idx without reading the
    participations."""
    return held_in(node, period.start, period.end).aggregate(
        activities=Count("id"), person_times=Coalesce(Sum("attended_count"), 0))


def activities_count(node, period: Period) -> Decimal:
    return Decimal(_held(node, period)["activities"])


def person_times(node, period: Period) -> Decimal:
    return Decimal(_held(node, period)["person_times"])


def honours_count(node, period: Period) -> Decimal:
    return Decimal(honour_stats(node, period)["total"]["awarded"])


# ---- evidence --------------------------------------------------------------------------------------------

def _activity_record(activity) -> EvidenceRecord:
    return EvidenceRecord(source="activities.activity", object_id=activity.pk,
                          on=timezone.localdate(activity.starts_at), label=activity.title, kind=activity.kind,
                          url=reverse("activities:activity_detail", args=[activity.pk]))


def find_activities(node, start: datetime.date, end: datetime.date, kind: str = ""):
    """Activities of the subtree starting in [start, end] that were held: not cancelled, already started."""
    return [_activity_record(activity) for activity in
            activities_dated(node, start, end, kind).only("id", "title", "kind", "starts_at")
            .order_by("starts_at", "id")]


def activities_dated(node, start: datetime.date, end: datetime.date, kind: str = ""):
    """The held activities of find_activities, dated by their local start day (activity_path_start_idx)."""
    rows = held_in(node, start, end)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))


def honours_dated(node, start: datetime.date, end: datetime.date, kind: str = ""):
    low, high = stats.date_moments(start, end + ONE_DAY)
    rows = Honour.objects.filter(path__under=node.path, status=HonourStatus.APPROVED).filter(
        Q(awarded_on__gte=start, awarded_on__lte=end)
        | Q(awarded_on__isnull=True, decided_at__gte=low, decided_at__lt=high))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(day=Coalesce("awarded_on", TruncDate("decided_at", tzinfo=timezone.get_current_timezone())))


def activity_for_user(user, pk: int) -> EvidenceRecord:
    return _activity_record(get_activity_for_user(user, pk))


def _awarded_on(honour) -> datetime.date:
    return honour.awarded_on or timezone.localdate(honour.decided_at)


def _honour_record(honour) -> EvidenceRecord:
    return EvidenceRecord(source="activities.honour", object_id=honour.pk, on=_awarded_on(honour),
                          label=honour.title, kind=honour.kind,
                          url=reverse("activities:honour_detail", args=[honour.pk]))


def find_honours(node, start: datetime.date, end: datetime.date, kind: str = ""):
    """Honours nominated in the subtree and awarded in [start, end] (by the award date, else the decision)."""
    records = [_honour_record(honour) for honour in
               honours_dated(node, start, end, kind).only("id", "title", "kind", "awarded_on", "decided_at")]
    return sorted(records, key=lambda record: (record.on, record.object_id))


def honour_for_user(user, pk: int) -> EvidenceRecord:
    return _honour_record(get_honour_for_user(user, pk))


class ActivitiesContribution(Contribution):
    domain = "activities"

    def metrics(self) -> list[Metric]:
        return [
            Metric(key="activities.activities", label=_("Activities held"), unit="次", section=Section.CULTURE,
                   kind=MetricKind.COUNT, compute=activities_count, source="活动台账（已开始的活动，不含已取消的活动）",
                   help=_("Activities of the subtree held within the period: started by now, cancelled ones "
                          "left out.")),
            Metric(key="activities.participants", label=_("Attendance at activities (person-times)"),
                   unit="人次", section=Section.CULTURE, kind=MetricKind.COUNT, compute=person_times,
                   source="活动签到记录",
                   help=_("Check-ins at those activities: one member at three activities counts three times.")),
            Metric(key="activities.honours", label=_("Honours received"), unit="项", section=Section.SELF,
                   kind=MetricKind.COUNT, compute=honours_count, source="评优表彰记录（已批准）",
                   help=_("Honours nominated in the subtree and awarded within the period.")),
        ]

    def summary(self, node, period: Period) -> list[SummaryPart]:
        figures = activity_figures(node, period)
        total = figures["total"]
        labels = dict(ActivityKind.choices)
        rows = [[str(labels.get(kind, kind)), str(row["activities"]), str(row["person_times"])]
                for kind, row in figures["by_kind"].items()]
        facts = {
            "activities.activities": total["activities"],
            "activities.person_times": total["person_times"],
            "activities.by_kind": {kind: dict(row) for kind, row in figures["by_kind"].items()},
        }
        if total["activities"]:
            kinds = "，".join(f"{labels.get(kind, kind)}{row['activities']}次（{row['person_times']}人次）"
                             for kind, row in figures["by_kind"].items())
            persons = f"参与会员{total['participants']}人。" if "participants" in total else ""
            text = (f"{period.label}共开展各类活动{total['activities']}次，参与{total['person_times']}人次。"
                    f"{persons}其中{kinds}。")
        else:
            text = f"{period.label}未开展登记在册的活动。"
        paragraphs = [text]

        contest = (CompetitionEntry.objects.filter(
            activity__in=activities_in(node, period.start, period.end).filter(kind=ActivityKind.COMPETITION)
            .values("pk"))
            .aggregate(entries=Count("id"), prizes=Count("id", filter=~Q(prize="")),
                       events=Count("activity", distinct=True)))
        facts.update({"activities.competitions": figures["by_kind"].get(ActivityKind.COMPETITION, {})
                      .get("activities", 0), "activities.competition_entries": contest["entries"],
                      "activities.competition_prizes": contest["prizes"]})
        if "participants" in total:
            facts["activities.participants"] = total["participants"]
        if facts["activities.competitions"]:
            paragraphs.append(f"组织劳动竞赛和技能比武{facts['activities.competitions']}次，参赛"
                              f"{contest['entries']}人（队）次，获奖{contest['prizes']}人（队）次。")
        tables = [Table(caption=f"{period.label}活动开展情况", columns=["活动类别", "次数", "人次"],
                        rows=[*rows, ["合计", str(total["activities"]), str(total["person_times"])]])] if rows else []
        parts = [SummaryPart(section=Section.CULTURE, order=10, paragraphs=paragraphs, tables=tables, facts=facts)]

        honours = honour_stats(node, period)
        awarded = honours["total"]
        honour_labels = dict(HonourKind.choices)
        honour_facts = {"activities.honours": awarded["awarded"], "activities.honours_members": awarded["members"],
                        "activities.honours_collectives": awarded["collectives"],
                        "activities.honours_by_kind": {kind: row["awarded"]
                                                       for kind, row in honours["by_kind"].items()}}
        if awarded["awarded"]:
            kinds = "、".join(f"{honour_labels.get(kind, kind)}{row['awarded']}项"
                             for kind, row in honours["by_kind"].items())
            text = (f"{period.label}获得各级表彰{awarded['awarded']}项（个人{awarded['members']}项、集体"
                    f"{awarded['collectives']}项）：{kinds}。")
            parts.append(SummaryPart(section=Section.SELF, order=30, paragraphs=[text], facts=honour_facts))
        else:
            parts.append(SummaryPart(section=Section.SELF, order=30, facts=honour_facts))
        return parts

    def evidence_sources(self) -> list[EvidenceSource]:
        return [
            EvidenceSource(key="activities.activity", label=_("Activities"),
                           kinds=tuple((value, str(label)) for value, label in ActivityKind.choices),
                           find=find_activities, get_for_user=activity_for_user, dated=activities_dated),
            EvidenceSource(key="activities.honour", label=_("Honours"),
                           kinds=tuple((value, str(label)) for value, label in HonourKind.choices),
                           find=find_honours, get_for_user=honour_for_user, dated=honours_dated),
        ]


register(ActivitiesContribution())
