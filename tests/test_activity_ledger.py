"""The activity ledger (活动台账, issue 4 §9): rows, totals equal to the participation records, the .xlsx,
the drill-down of a federation, and who may see it."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.activities import ledger
from gonghui.activities import services as activity_services
from gonghui.activities.models import Activity, ActivityKind, Participation, ParticipationStatus
from gonghui.core.models import AuditEntry

from .conftest import make_member

YEAR = 2025


def at(month: int, day: int, hour: int = 9, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def make_activity(organiser, title, when, *, budget="0", cost=None, kind=ActivityKind.SPORTS_CULTURE,
                  **fields) -> Activity:
    return activity_services.activity_create(
        actor=None, organiser=organiser, title=title, kind=kind, starts_at=when, place="礼堂",
        budget=Decimal(budget), actual_cost=Decimal(cost) if cost is not None else None, **fields)


def attend(activity, members, *, checked_in=()):
    for member in members:
        activity_services.signup(actor=None, activity=activity, member=member, by_officer=True)
    for member in checked_in:
        activity_services.check_in(actor=None, activity=activity, member=member, method="officer")


@pytest.fixture
def year_of_activities(world):
    """Union A: a sports day (3 signed up, 2 came), a training (4 signed up, all came, one also at the sports
    day), one cancelled meeting, one activity in the next year. Joint union: a festival with 2 who came."""
    a = [make_member(world.union_a, f"甲{i}") for i in range(5)]
    j = [make_member(world.joint_a, f"联{i}") for i in range(2)]
    b = make_member(world.union_b, "乙1")
    sports = make_activity(world.union_a, "教工运动会", at(4, 20), budget="3000", cost="2750.50")
    attend(sports, a[:3], checked_in=a[:2])
    training = make_activity(world.union_a, "工会干部培训", at(6, 3, 14), budget="1200.00", cost="1180",
                             kind=ActivityKind.TRAINING)
    attend(training, a[1:5], checked_in=a[1:5])
    cancelled = make_activity(world.union_a, "取消的会议", at(7, 1), budget="500", kind=ActivityKind.MEETING)
    attend(cancelled, a[:1])
    activity_services.activity_set_status(actor=None, activity=cancelled, status="cancelled")
    later = make_activity(world.union_a, "明年的活动", at(1, 5, year=YEAR + 1), budget="800")
    attend(later, a[:2], checked_in=a[:2])
    festival = make_activity(world.joint_a, "中秋联欢", at(9, 17, 19), budget="2000", cost="1900",
                             kind=ActivityKind.FESTIVAL)
    attend(festival, j, checked_in=j)
    other = make_activity(world.union_b, "乙院活动", at(5, 1), budget="999")
    attend(other, [b], checked_in=[b])
    return {"sports": sports, "training": training, "cancelled": cancelled, "later": later,
            "festival": festival, "other": other}


def _records(path: str, start: datetime.date, end: datetime.date):
    """The participation rows of the activities held under `path` in the period, read without the ledger."""
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_current_timezone())
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min,
                                     tzinfo=timezone.get_current_timezone())
    return (Participation.objects.filter(activity__path__under=path, activity__starts_at__gte=low,
                                         activity__starts_at__lt=high)
            .exclude(activity__status="cancelled"))


def test_it_totals_the_ledger_as_the_sum_of_the_participation_records(world, year_of_activities):
    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    result = ledger.build_activity_ledger(world.street_a, start, end)
    assert [row["title"] for row in result.rows] == ["教工运动会", "工会干部培训", "中秋联欢"]
    records = _records(world.street_a.path, start, end)
    attended = records.filter(checked_in_at__isnull=False)
    assert result.totals["attended"] == attended.count() == 2 + 4 + 2
    assert result.totals["signed_up"] == records.filter(status=ParticipationStatus.SIGNED_UP).count() == 3 + 4 + 2
    assert result.persons == attended.values("member").distinct().count() == 5 + 2
    assert result.totals["budget"] == Decimal("6200.00")
    assert result.totals["actual_cost"] == Decimal("5830.50")
    assert result.rows[0]["date"] == datetime.date(YEAR, 4, 20) and result.rows[0]["organiser"] == "甲中学工会"
    assert any("7" in note and "人数" in note for note in result.notes)
    # one union's ledger holds only its own subtree
    union = ledger.build_activity_ledger(world.union_a, start, end)
    assert union.totals["attended"] == _records(world.union_a.path, start, end).filter(
        checked_in_at__isnull=False).count() == 6
    assert union.persons == 5


def test_it_keeps_to_the_period_asked_for(world, year_of_activities):
    result = ledger.build_activity_ledger(world.union_a, datetime.date(YEAR, 5, 1), datetime.date(YEAR, 6, 30))
    assert [row["title"] for row in result.rows] == ["工会干部培训"]
    result = ledger.build_activity_ledger(world.union_a, datetime.date(YEAR + 1, 1, 1),
                                          datetime.date(YEAR + 1, 12, 31))
    assert [row["title"] for row in result.rows] == ["明年的活动"] and result.totals["attended"] == 2


def test_it_drills_down_a_federation_by_child_node(world, year_of_activities):
    make_activity(world.street_a, "街道工会主席会议", at(3, 3), budget="100", cost="80",
                  kind=ActivityKind.MEETING)
    rows = ledger.drill_down(world.street_a, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    figures = {(row.node.code if row.node else None): (row.activities, row.attended, row.cost) for row in rows}
    assert figures == {"JA": (1, 2, Decimal("1900")), "UA": (2, 6, Decimal("3930.50")), None: (1, 0, Decimal("80"))}
    whole = ledger.build_activity_ledger(world.street_a, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    assert sum(row.activities for row in rows) == len(whole.rows)
    assert sum(row.attended for row in rows) == whole.totals["attended"]
    assert sum(row.cost for row in rows) == whole.totals["actual_cost"]


def test_it_shows_the_ledger_page_with_links_to_the_children(client, world, year_of_activities):
    client.force_login(world.street_admin)
    response = client.get(reverse("activities:activity_ledger", args=[world.street_a.pk]), {"year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert "教工运动会" in body and "乙院活动" not in body
    assert reverse("activities:activity_ledger", args=[world.union_a.pk]) in body
    assert response.context["ledger"].totals["attended"] == 8
    fragment = client.get(reverse("activities:activity_ledger", args=[world.union_a.pk]), {"year": YEAR},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-results")
    assert fragment.templates[0].name == "activities/ledger_results.html"


def test_it_names_a_bad_period(client, world):
    client.force_login(world.chair_a)
    response = client.get(reverse("activities:activity_ledger", args=[world.union_a.pk]), {"from": "2025-13-01"})
    assert response.status_code == 400
    assert "2025-13-01" in response.context["errors"][0]
    response = client.get(reverse("activities:activity_ledger_xlsx", args=[world.union_a.pk]),
                          {"from": "2025-06-01", "to": "2025-01-01"})
    assert response.status_code == 400 and response.context["errors"]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_it_exports_the_same_totals_as_xlsx_and_logs_the_export(client, world, year_of_activities):
    client.force_login(world.street_admin)
    response = client.get(reverse("activities:activity_ledger_xlsx", args=[world.street_a.pk]), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    total_row = next(row for row in rows if row[0] in ("合计", "Total"))
    index = {label: position for position, label in enumerate(header)}
    page = ledger.build_activity_ledger(world.street_a, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    attended = next(c for c in page.columns if c.key == "attended").label
    cost = next(c for c in page.columns if c.key == "actual_cost").label
    assert total_row[index[attended]] == page.totals["attended"] == 8
    assert Decimal(str(total_row[index[cost]])) == page.totals["actual_cost"]
    data_rows = rows[3:rows.index(total_row)]
    assert [row[index[header[1]]] for row in data_rows] == ["教工运动会", "工会干部培训", "中秋联欢"]
    assert sum(row[index[attended]] for row in data_rows) == 8
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.org_path == world.street_a.path and entry.actor == world.street_admin
    assert entry.changes["rows"] == [None, 3]


def test_it_hides_the_ledger_from_the_outsider_and_refuses_it_to_a_member(client, world, year_of_activities):
    for name in ("activities:activity_ledger", "activities:activity_ledger_xlsx"):
        client.force_login(world.chair_b)
        assert client.get(reverse(name, args=[world.union_a.pk])).status_code == 404
        assert client.get(reverse(name, args=[world.street_a.pk])).status_code == 404
        client.force_login(world.member)
        assert client.get(reverse(name, args=[world.group_a.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("extra", [0, 5])
def test_it_builds_the_ledger_page_in_a_fixed_number_of_queries(client, world, year_of_activities,
                                                                django_assert_num_queries, extra):
    for index in range(extra):
        activity = make_activity(world.joint_a, f"活动{index}", at(10, 1 + index), budget="10")
        attend(activity, [make_member(world.joint_a, f"新{index}")])
    client.force_login(world.street_admin)
    url = reverse("activities:activity_ledger", args=[world.street_a.pk])
    client.get(url, {"year": YEAR})
    # session, user, node, grants, activities, 人数, children, drill-down figures, breadcrumbs, and the page
    # shell's two (home nodes, linked member)
    with django_assert_num_queries(11):
        client.get(url, {"year": YEAR})
