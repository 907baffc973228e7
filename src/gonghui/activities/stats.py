"""Year figures of activities and honours for a node's subtree (issue 4 §10): plain dicts, each from one
GROUP BY query over the indexed `path` range, so the dashboard and `gonghui stats --year` cost the same few
queries for a union group and for the whole county.

- Activities of the year: held or planned activities starting in the year (cancelled ones left out), by kind,
  with their 人次 (checked-in participations) and the distinct members who took part.
- Honours of the year: honours awarded (status approved) with the award date in the year — or, when no award
  date was entered, the decision date — by kind, split into members and collectives; and the nominations made
  for that honour year that are still waiting.
"""

from __future__ import annotations

import datetime

from django.db.models import CharField, Count, Q, Value
from django.utils import timezone

from .models import Activity, ActivityKind, ActivityStatus, Honour, HonourKind, HonourStatus, Participation


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """[1 January of `year`, 1 January of the next year)."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def year_moments(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The same range as aware datetimes in the site's time zone (for DateTimeFields, so the index is used)."""
    return date_moments(*year_bounds(year))


def date_moments(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of dates as aware datetimes in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), zone),
            timezone.make_aware(datetime.datetime.combine(end, datetime.time.min), zone))


def _ordered(rows: dict[str, dict], order: list[str]) -> dict[str, dict]:
    """Rows in the order of the kind's choices; unknown keys (an old code) at the end."""
    known = {key: rows[key] for key in order if key in rows}
    known.update({key: value for key, value in rows.items() if key not in known})
    return known


def activity_year_stats(node, year: int) -> dict:
    """{"by_kind": {kind: {"activities", "person_times", "participants"}}, "total": {the same}}.
    Two queries: the activities by kind, then the check-ins and distinct participants of each kind and of all."""
    return activity_period_stats(node, *year_bounds(year))


ALL_KINDS = "*"


def activity_period_stats(node, first: datetime.date, stop: datetime.date) -> dict:
    """The same for the activities starting in [first, stop) (a half-year for the plans' summaries).

    At the district root a year is ~2 million check-ins. Grouping the joined rows by kind makes the database sort
    them all, so instead each kind present (and all kinds together) is one aggregate without GROUP BY, the branches
    joined by UNION ALL: each reads the covering partial index participation_attended_idx (activity, member) of
    the checked-in rows of that kind's activities and keeps its own distinct set of members."""
    start, end = date_moments(first, stop)
    activities = (Activity.objects.filter(path__under=node.path, starts_at__gte=start, starts_at__lt=end)
                  .exclude(status=ActivityStatus.CANCELLED))
    counts = dict(activities.order_by().values_list("kind").annotate(n=Count("id")))

    def branch(key: str, of_kind):
        return (Participation.objects.filter(checked_in_at__isnull=False, activity__in=of_kind.values("id"))
                .order_by().annotate(key=Value(key, output_field=CharField())).values("key")
                .annotate(person_times=Count("id"), participants=Count("member", distinct=True))
                .values_list("key", "person_times", "participants"))

    branches = [branch(kind, activities.filter(kind=kind)) for kind in counts]
    query = branch(ALL_KINDS, activities).union(*branches, all=True) if branches else branch(ALL_KINDS, activities)
    figures = {key: {"person_times": times, "participants": people} for key, times, people in query}
    rows = {kind: {"activities": count, "person_times": figures[kind]["person_times"],
                   "participants": figures[kind]["participants"]} for kind, count in counts.items()}
    by_kind = _ordered(rows, list(ActivityKind.values))
    total = {"activities": sum(row["activities"] for row in by_kind.values()),
             "person_times": sum(row["person_times"] for row in by_kind.values()),
             "participants": figures[ALL_KINDS]["participants"]}
    return {"by_kind": by_kind, "total": total}


def honour_year_stats(node, year: int) -> dict:
    """{"by_kind": {kind: {"awarded", "members", "collectives"}}, "total": {the same}, "nominated": n}
    for the honours nominated inside the node's subtree. One query."""
    return honour_period_stats(node, *year_bounds(year), year=year)


def honour_period_stats(node, start: datetime.date, end: datetime.date, *, year: int) -> dict:
    """The same for the honours awarded in [start, end); `nominated`: those still waiting for `year`."""
    moment_start, moment_end = date_moments(start, end)
    awarded = Q(status=HonourStatus.APPROVED) & (
        Q(awarded_on__gte=start, awarded_on__lt=end)
        | Q(awarded_on__isnull=True, decided_at__gte=moment_start, decided_at__lt=moment_end))
    waiting = Q(status=HonourStatus.NOMINATED, year=year)
    rows = {}
    nominated = 0
    for row in (Honour.objects.filter(path__under=node.path).filter(awarded | waiting).order_by().values("kind")
                .annotate(awarded=Count("id", filter=awarded),
                          members=Count("id", filter=awarded & Q(member__isnull=False)),
                          waiting=Count("id", filter=waiting))):
        nominated += row["waiting"]
        if row["awarded"]:
            rows[row["kind"]] = {"awarded": row["awarded"], "members": row["members"],
                                 "collectives": row["awarded"] - row["members"]}
    by_kind = _ordered(rows, list(HonourKind.values))
    total = {key: sum(row[key] for row in by_kind.values()) for key in ("awarded", "members", "collectives")}
    return {"by_kind": by_kind, "total": total, "nominated": nominated}
