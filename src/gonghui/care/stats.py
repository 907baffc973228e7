"""Year figures of care for a node's subtree (issue 4 §10): plain dicts, each part from one or two GROUP BY
queries over the indexed `path` range — the same number of queries for a union and for the whole county.

- Assistance: the records committed in the year (approved, paid or confirmed; dated in the year), by kind:
  distinct persons, records, amount. Visit gifts and campaign gifts are Assistance records too, so they are
  counted here once.
- Visits: by reason (settings GONGHUI_CARE["VISIT_REASONS"]), count and value given.
- Hardship files, by category: `open` = on file at the end of the year (approved by the union or at both
  levels, filed by then, not relieved by then — a file relieved later counts as open for the earlier year);
  `new` = filed in the year (drafts not yet filed left out); `relieved` = out of hardship in the year.
- Campaigns of the year (送温暖, 送清凉, 金秋助学, 一日捐) by kind: campaigns run in the subtree; members of the
  subtree selected, given, and the amount given to them (a county campaign counts at each union for its own
  members); and the donations made in the year by donors in the subtree.

`year_stats()` puts these together with the activity and honour figures (activities/stats.py).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum

from gonghui.activities.stats import _ordered, activity_year_stats, honour_year_stats, year_bounds

from .models import (
    COMMITTED_ASSISTANCE,
    Assistance,
    AssistanceKind,
    Campaign,
    CampaignRecipient,
    Donation,
    HardshipCategory,
    HardshipFile,
    HardshipStatus,
    Visit,
)

ZERO = Decimal("0.00")
NO_CATEGORY = "none"   # a file whose category is not decided yet


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def assistance_year_stats(node, year: int) -> dict:
    """{"by_kind": {kind: {"persons", "records", "amount"}}, "total": {the same}}. Two queries."""
    return assistance_period_stats(node, *year_bounds(year))


def assistance_period_stats(node, start: datetime.date, end: datetime.date) -> dict:
    """The same for the records dated in [start, end) (a half-year for the plans' summaries)."""
    committed = Assistance.objects.filter(path__under=node.path, on__gte=start, on__lt=end,
                                          status__in=COMMITTED_ASSISTANCE)
    rows = {row["kind"]: {"persons": row["persons"], "records": row["records"], "amount": _money(row["amount"])}
            for row in committed.order_by().values("kind").annotate(
                persons=Count("member", distinct=True), records=Count("id"), amount=Sum("amount"))}
    totals = committed.aggregate(persons=Count("member", distinct=True), records=Count("id"), amount=Sum("amount"))
    return {"by_kind": _ordered(rows, list(AssistanceKind.values)),
            "total": {"persons": totals["persons"], "records": totals["records"], "amount": _money(totals["amount"])}}


def visit_year_stats(node, year: int) -> dict:
    """{"by_reason": {reason: {"visits", "persons", "value"}}, "total": {the same}}. Two queries."""
    return visit_period_stats(node, *year_bounds(year))


def visit_period_stats(node, start: datetime.date, end: datetime.date) -> dict:
    """The same for the visits made in [start, end)."""
    visits = Visit.objects.filter(path__under=node.path, visited_on__gte=start, visited_on__lt=end)
    rows = {row["reason"]: {"visits": row["visits"], "persons": row["persons"], "value": _money(row["value"])}
            for row in visits.order_by().values("reason").annotate(
                visits=Count("id"), persons=Count("member", distinct=True), value=Sum("gift_value"))}
    totals = visits.aggregate(visits=Count("id"), persons=Count("member", distinct=True), value=Sum("gift_value"))
    return {"by_reason": _ordered(rows, list(settings.GONGHUI_CARE["VISIT_REASONS"])),
            "total": {"visits": totals["visits"], "persons": totals["persons"], "value": _money(totals["value"])}}


def visit_reason_label(reason: str) -> str:
    entry = settings.GONGHUI_CARE["VISIT_REASONS"].get(reason)
    return entry[0] if entry else reason


def hardship_year_stats(node, year: int) -> dict:
    """{"by_category": {category: {"open", "new", "relieved"}}, "total": {the same}}. One query."""
    return hardship_period_stats(node, *year_bounds(year))


def hardship_period_stats(node, start: datetime.date, end: datetime.date) -> dict:
    """The same for [start, end): `open` at its end, `new` and `relieved` within it."""
    approved = [HardshipStatus.UNION_APPROVED, HardshipStatus.ACTIVE, HardshipStatus.RELIEVED]
    open_at_end = (Q(status__in=approved, filed_on__lt=end)
                   & (Q(relieved_on__isnull=True) | Q(relieved_on__gte=end)))
    new = Q(filed_on__gte=start, filed_on__lt=end) & ~Q(status=HardshipStatus.DRAFT)
    relieved = Q(relieved_on__gte=start, relieved_on__lt=end)
    rows = {}
    for row in (HardshipFile.objects.filter(path__under=node.path).filter(open_at_end | new | relieved)
                .order_by().values("category")
                .annotate(open=Count("id", filter=open_at_end), new=Count("id", filter=new),
                          relieved=Count("id", filter=relieved))):
        rows[row["category"] or NO_CATEGORY] = {"open": row["open"], "new": row["new"], "relieved": row["relieved"]}
    by_category = _ordered(rows, [*HardshipCategory.values, NO_CATEGORY])
    total = {key: sum(row[key] for row in by_category.values()) for key in ("open", "new", "relieved")}
    return {"by_category": by_category, "total": total}


def campaign_year_stats(node, year: int) -> dict:
    """{"by_kind": {kind: {"campaigns", "selected", "given", "amount"}}, "donations": {"donations", "member_donors",
    "amount"}}: campaigns run in the subtree in the year; the recipients in the subtree of that year's campaigns
    (whoever runs them, e.g. the county) and the amounts committed to them; the donations made in the year by
    donors in the subtree. Three queries."""
    return _campaign_stats(node, *year_bounds(year), year=year)


def campaign_period_stats(node, start: datetime.date, end: datetime.date) -> dict:
    """The same for the campaigns starting in [start, end) (a half-year) and the donations made in it."""
    return _campaign_stats(node, start, end)


def _campaign_stats(node, start: datetime.date, end: datetime.date, *, year: int | None = None) -> dict:
    if year is not None:
        campaigns, recipients = Q(year=year), Q(campaign__year=year)
    else:
        campaigns = Q(starts_on__gte=start, starts_on__lt=end)
        recipients = Q(campaign__starts_on__gte=start, campaign__starts_on__lt=end)
    rows: dict[str, dict] = {}

    def row(kind: str) -> dict:
        return rows.setdefault(kind, {"campaigns": 0, "selected": 0, "given": 0, "amount": ZERO})

    for item in (Campaign.objects.filter(campaigns, path__under=node.path).order_by().values("kind")
                 .annotate(n=Count("id"))):
        row(item["kind"])["campaigns"] = item["n"]
    for item in (CampaignRecipient.objects.filter(recipients, path__under=node.path).order_by()
                 .values("campaign__kind")
                 .annotate(selected=Count("id"), given=Count("id", filter=Q(status=CampaignRecipient.Status.GIVEN)),
                           amount=Sum("assistance__amount",
                                      filter=Q(assistance__status__in=COMMITTED_ASSISTANCE)))):
        row(item["campaign__kind"]).update(selected=item["selected"], given=item["given"],
                                           amount=_money(item["amount"]))
    donations = Donation.objects.filter(path__under=node.path, donated_on__gte=start, donated_on__lt=end).aggregate(
        donations=Count("id"), members=Count("member", distinct=True), amount=Sum("amount"))
    return {"by_kind": _ordered(rows, list(Campaign.Kind.values)),
            "donations": {"donations": donations["donations"], "member_donors": donations["members"],
                          "amount": _money(donations["amount"])}}


def year_stats(node, year: int) -> dict:
    """Every year figure of a node's subtree: a fixed number of queries (11) whatever its size."""
    return {
        "year": year,
        "activities": activity_year_stats(node, year),
        "honours": honour_year_stats(node, year),
        "assistance": assistance_year_stats(node, year),
        "visits": visit_year_stats(node, year),
        "hardship": hardship_year_stats(node, year),
        "campaigns": campaign_year_stats(node, year),
    }


def as_json(value):
    """The figures with Decimal amounts as strings ("1234.50"), for json.dumps."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value
