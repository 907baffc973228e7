"""Year statistics of a node's subtree (issue 4 §10): activities and 人次, honours, assistance, visits,
hardship files, campaigns and donations — checked against counts made here over the records the test built,
for two years, inside and outside the subtree; the dashboard's year section and `gonghui stats --year`."""

import datetime
import json
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.activities.models import Activity, Honour, Participation
from gonghui.care import stats as care_stats
from gonghui.care.models import (
    COMMITTED_ASSISTANCE,
    Assistance,
    Campaign,
    CampaignRecipient,
    Donation,
    HardshipFile,
    Visit,
)
from tests.conftest import make_member

Y0, Y1 = 2025, 2026


def _at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _activity(node, kind, when, *, status="finished"):
    return Activity.objects.create(organiser=node, path=node.path, title=f"{kind} {when:%Y-%m-%d}", kind=kind,
                                   starts_at=when, status=status)


def _take_part(activity, member, *, checked_in=True, status="signed_up"):
    return Participation.objects.create(activity=activity, member=member, status=status,
                                        checked_in_at=activity.starts_at if checked_in else None,
                                        check_in_method="qr" if checked_in else "")


def _assist(union, member, kind, amount, on, *, status="paid", campaign=None, form="cash"):
    return Assistance.objects.create(union=union, path=member.path, kind=kind, member=member, amount=Decimal(amount),
                                     on=on, status=status, campaign=campaign, form=form)


@pytest.fixture
def records(world):
    """Records in union A (and its group), the joint union A (both under street A), and union B (street B),
    in both years, with some that must not count (cancelled, rejected, drafts, the last day of the year)."""
    a1 = make_member(world.union_a, "甲一", female=True)
    a2 = make_member(world.union_a, "甲二", group=world.group_a)
    a3 = make_member(world.union_a, "甲三")
    j1 = make_member(world.joint_a, "联一", female=True)
    b1 = make_member(world.union_b, "乙一")
    b2 = make_member(world.union_b, "乙二", female=True)

    # activities
    sports = _activity(world.union_a, "sports_culture", _at(Y1, 3, 8))
    for member in (a1, a2):
        _take_part(sports, member)
    _take_part(sports, a3, checked_in=False)
    training = _activity(world.group_a, "training", _at(Y1, 5, 1))
    _take_part(training, a2)
    _take_part(training, a1, checked_in=False, status="waiting")
    street_festival = _activity(world.street_a, "festival", _at(Y1, 10, 1))
    for member in (a1, j1, a3):
        _take_part(street_festival, member)
    cancelled = _activity(world.union_a, "sports_culture", _at(Y1, 6, 1), status="cancelled")
    _take_part(cancelled, a1)
    last_year = _activity(world.union_a, "sports_culture", _at(Y0, 12, 31, 23))  # 31 Dec, late evening
    _take_part(last_year, a1)
    outside = _activity(world.union_b, "sports_culture", _at(Y1, 4, 1))
    _take_part(outside, b1)
    _take_part(outside, b2)
    _activity(world.union_a, "meeting", _at(Y1 + 1, 1, 1, 0))  # next year

    # honours
    def honour(node, kind, status, *, member=None, collective=None, year=Y1, awarded_on=None, decided_at=None):
        return Honour.objects.create(kind=kind, title=kind, year=year, nominated_by=node, path=node.path,
                                     approver=world.street_a, approver_path=world.street_a.path, member=member,
                                     collective=collective, status=status, awarded_on=awarded_on,
                                     decided_at=decided_at)

    honour(world.union_a, "excellent_member", "approved", member=a1, awarded_on=datetime.date(Y1, 4, 28))
    honour(world.union_a, "excellent_member", "approved", member=a2, decided_at=_at(Y1, 4, 20))
    honour(world.union_a, "advanced_collective", "approved", collective=world.group_a,
           awarded_on=datetime.date(Y1, 4, 28))
    honour(world.union_a, "excellent_member", "nominated", member=a3)
    honour(world.union_a, "excellent_member", "rejected", member=j1, decided_at=_at(Y1, 4, 20))
    honour(world.union_a, "model_worker", "approved", member=a3, year=Y0, awarded_on=datetime.date(Y0, 5, 1))
    honour(world.union_b, "excellent_member", "approved", member=b1, awarded_on=datetime.date(Y1, 4, 28))

    # hardship files
    def hardship(member, category, status, filed_on, relieved_on=None):
        return HardshipFile.objects.create(member=member, union=member.union, path=member.path, category=category,
                                           cause="illness", status=status, filed_on=filed_on,
                                           relieved_on=relieved_on)

    file_a1 = hardship(a1, "deep", "active", datetime.date(Y0, 3, 1))
    hardship(a2, "relative", "relieved", datetime.date(Y0, 6, 1), relieved_on=datetime.date(Y1, 8, 1))
    hardship(a3, "relative", "union_approved", datetime.date(Y1, 9, 1))
    hardship(j1, "accident", "relieved", datetime.date(Y0, 2, 1), relieved_on=datetime.date(Y0, 11, 1))
    hardship(j1, "", "draft", datetime.date(Y1, 10, 1))
    hardship(b1, "deep", "active", datetime.date(Y1, 1, 5))

    # campaigns, assistance, visits, donations
    warmth = Campaign.objects.create(kind="warmth", node=world.street_a, path=world.street_a.path, year=Y1,
                                     title="送温暖", starts_on=datetime.date(Y1, 1, 10),
                                     ends_on=datetime.date(Y1, 2, 10))
    given = _assist(world.union_a, a1, "warmth", "800", datetime.date(Y1, 1, 20), campaign=warmth)
    given.hardship_file = file_a1
    given.save()
    CampaignRecipient.objects.create(campaign=warmth, member=a1, path=a1.path, status="given", assistance=given)
    CampaignRecipient.objects.create(campaign=warmth, member=a3, path=a3.path)
    _assist(world.union_a, a1, "medical", "1500", datetime.date(Y1, 3, 3), status="confirmed")
    _assist(world.union_a, a1, "medical", "900", datetime.date(Y1, 7, 3), status="approved")
    _assist(world.union_a, a2, "medical", "600", datetime.date(Y1, 7, 3), status="requested")
    _assist(world.union_a, a2, "medical", "600", datetime.date(Y1, 7, 4), status="rejected")
    _assist(world.union_a, a2, "festival", "300", datetime.date(Y1, 9, 20), form="goods")
    _assist(world.joint_a, j1, "living", "1000", datetime.date(Y0, 12, 31))
    _assist(world.union_b, b1, "living", "2000", datetime.date(Y1, 5, 5))
    gift = _assist(world.union_a, a3, "illness", "500", datetime.date(Y1, 6, 2), form="goods")
    Visit.objects.create(union=world.union_a, path=a3.path, member=a3, reason="illness", visited_on=gift.on,
                         visitors="林晓梅", gift="水果", gift_value=Decimal("500"), assistance=gift)
    Visit.objects.create(union=world.union_a, path=a3.path, member=a3, reason="illness",
                         visited_on=datetime.date(Y1, 6, 20), visitors="林晓梅")
    Visit.objects.create(union=world.joint_a, path=j1.path, member=j1, reason="marriage",
                         visited_on=datetime.date(Y0, 10, 2), visitors="联合工会", gift_value=Decimal("200"))
    Visit.objects.create(union=world.union_b, path=b1.path, member=b1, reason="illness",
                         visited_on=datetime.date(Y1, 6, 2), visitors="王强", gift_value=Decimal("300"))
    drive = Campaign.objects.create(kind="donation", node=world.county, path=world.county.path, year=Y1,
                                    title="一日捐", starts_on=datetime.date(Y1, 5, 1), ends_on=datetime.date(Y1, 5, 31))
    for member, amount in ((a1, "100"), (a2, "50"), (a1, "20"), (b1, "200")):
        Donation.objects.create(campaign=drive, member=member, path=member.path, amount=Decimal(amount),
                                donated_on=datetime.date(Y1, 5, 10))
    Donation.objects.create(campaign=drive, donor_name="甲中学", path=world.union_a.path, amount=Decimal("1000"),
                            donated_on=datetime.date(Y1, 5, 12))
    return world


def _under(path, node):
    return path.startswith(node.path)


def _expected_activities(node, year):
    rows = defaultdict(lambda: {"activities": 0, "person_times": 0, "participants": set()})
    everyone = set()
    for activity in Activity.objects.all():
        local = timezone.localtime(activity.starts_at)
        if not _under(activity.path, node) or local.year != year or activity.status == "cancelled":
            continue
        row = rows[activity.kind]
        row["activities"] += 1
        for participation in activity.participations.all():
            if participation.checked_in_at:
                row["person_times"] += 1
                row["participants"].add(participation.member_id)
                everyone.add(participation.member_id)
    by_kind = {kind: {**row, "participants": len(row["participants"])} for kind, row in rows.items()}
    return by_kind, len(everyone)


@pytest.mark.parametrize("year", [Y0, Y1])
@pytest.mark.parametrize("code", ["county", "street_a", "union_a", "group_a", "joint_a", "union_b"])
def test_it_counts_activities_and_person_times_like_the_records(records, code, year):
    node = getattr(records, code)
    figures = care_stats.year_stats(node, year)["activities"]
    by_kind, participants = _expected_activities(node, year)
    assert figures["by_kind"] == by_kind
    assert figures["total"]["participants"] == participants
    assert figures["total"]["person_times"] == sum(row["person_times"] for row in by_kind.values())


def test_the_figures_of_street_a_are_the_ones_expected(records):
    figures = care_stats.year_stats(records.street_a, Y1)
    assert figures["activities"]["by_kind"] == {
        "sports_culture": {"activities": 1, "person_times": 2, "participants": 2},
        "training": {"activities": 1, "person_times": 1, "participants": 1},
        "festival": {"activities": 1, "person_times": 3, "participants": 3},
    }
    assert figures["activities"]["total"] == {"activities": 3, "person_times": 6, "participants": 4}
    assert care_stats.year_stats(records.street_a, Y0)["activities"]["total"] == {
        "activities": 1, "person_times": 1, "participants": 1}
    assert figures["honours"] == {
        "by_kind": {"excellent_member": {"awarded": 2, "members": 2, "collectives": 0},
                    "advanced_collective": {"awarded": 1, "members": 0, "collectives": 1}},
        "total": {"awarded": 3, "members": 2, "collectives": 1}, "nominated": 1}
    assert care_stats.year_stats(records.county, Y1)["honours"]["total"]["awarded"] == 4
    assert care_stats.year_stats(records.union_a, Y0)["honours"]["by_kind"] == {
        "model_worker": {"awarded": 1, "members": 1, "collectives": 0}}


@pytest.mark.parametrize("year", [Y0, Y1])
@pytest.mark.parametrize("code", ["county", "street_a", "union_a", "joint_a", "union_b"])
def test_it_counts_assistance_and_visits_like_the_records(records, code, year):
    node = getattr(records, code)
    figures = care_stats.year_stats(node, year)
    persons, counts, amounts = defaultdict(set), Counter(), defaultdict(Decimal)
    for record in Assistance.objects.all():
        if _under(record.path, node) and record.on.year == year and record.status in COMMITTED_ASSISTANCE:
            persons[record.kind].add(record.member_id)
            counts[record.kind] += 1
            amounts[record.kind] += record.amount
    assert figures["assistance"]["by_kind"] == {
        kind: {"persons": len(persons[kind]), "records": counts[kind], "amount": amounts[kind]} for kind in counts}
    assert figures["assistance"]["total"]["amount"] == sum(amounts.values(), Decimal("0"))
    assert figures["assistance"]["total"]["persons"] == len(set().union(*persons.values()))
    visits, values = Counter(), defaultdict(Decimal)
    for visit in Visit.objects.all():
        if _under(visit.path, node) and visit.visited_on.year == year:
            visits[visit.reason] += 1
            values[visit.reason] += visit.gift_value
    assert {reason: (row["visits"], row["value"]) for reason, row in figures["visits"]["by_reason"].items()} == {
        reason: (visits[reason], values[reason]) for reason in visits}


def test_the_care_figures_of_union_a_are_the_ones_expected(records):
    figures = care_stats.year_stats(records.union_a, Y1)
    assert figures["assistance"]["by_kind"] == {
        "medical": {"persons": 1, "records": 2, "amount": Decimal("2400.00")},
        "warmth": {"persons": 1, "records": 1, "amount": Decimal("800.00")},
        "festival": {"persons": 1, "records": 1, "amount": Decimal("300.00")},
        "illness": {"persons": 1, "records": 1, "amount": Decimal("500.00")},
    }
    assert figures["assistance"]["total"] == {"persons": 3, "records": 5, "amount": Decimal("4000.00")}
    assert figures["visits"]["by_reason"] == {"illness": {"visits": 2, "persons": 1, "value": Decimal("500.00")}}
    assert figures["campaigns"] == {
        # the campaign is run by street A: its recipients in union A are counted here, the campaign is not
        "by_kind": {"warmth": {"campaigns": 0, "selected": 2, "given": 1, "amount": Decimal("800.00")}},
        "donations": {"donations": 4, "member_donors": 2, "amount": Decimal("1170.00")}}
    street = care_stats.year_stats(records.street_a, Y1)["campaigns"]["by_kind"]
    assert street == {"warmth": {"campaigns": 1, "selected": 2, "given": 1, "amount": Decimal("800.00")}}
    county = care_stats.year_stats(records.county, Y1)["campaigns"]
    assert county["by_kind"]["donation"] == {"campaigns": 1, "selected": 0, "given": 0, "amount": Decimal("0.00")}
    assert county["donations"] == {"donations": 5, "member_donors": 3, "amount": Decimal("1370.00")}
    assert care_stats.year_stats(records.union_a, Y0)["campaigns"]["donations"]["donations"] == 0


def test_it_counts_hardship_files_open_at_year_end_new_and_relieved(records):
    street = care_stats.year_stats(records.street_a, Y1)["hardship"]
    # a1 deep active; a2 relieved in Y1 (not open at the end of Y1); a3 approved by the union in Y1;
    # j1's accident file relieved in Y0; j1's draft not counted
    assert street["by_category"] == {"deep": {"open": 1, "new": 0, "relieved": 0},
                                     "relative": {"open": 1, "new": 1, "relieved": 1}}
    assert street["total"] == {"open": 2, "new": 1, "relieved": 1}
    last = care_stats.year_stats(records.street_a, Y0)["hardship"]
    # at the end of Y0: a1 and a2 on file (a2 relieved only in Y1); j1's file was relieved in Y0
    assert last["by_category"] == {"deep": {"open": 1, "new": 1, "relieved": 0},
                                   "relative": {"open": 1, "new": 1, "relieved": 0},
                                   "accident": {"open": 0, "new": 1, "relieved": 1}}
    assert care_stats.year_stats(records.union_b, Y1)["hardship"]["total"] == {"open": 1, "new": 1, "relieved": 0}
    assert care_stats.year_stats(records.union_b, Y0)["hardship"]["total"] == {"open": 0, "new": 0, "relieved": 0}
    assert HardshipFile.objects.filter(status="draft").count() == 1


def test_the_year_figures_take_a_fixed_number_of_queries(records, django_assert_num_queries):
    with django_assert_num_queries(11):
        care_stats.year_stats(records.county, Y1)
    with django_assert_num_queries(11):
        care_stats.year_stats(records.group_a, Y0)


def test_the_dashboard_shows_the_year_with_its_charts_and_tables(client, records):
    client.force_login(records.district_admin)
    url = reverse("orgs:node_stats", args=[records.street_a.pk])
    response = client.get(url, {"year": Y1})
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["year"] == Y1
    assert 'data-figure="person_times">6<' in page
    assert 'data-testid="stats-year-activities"' in page and "文体活动" in page
    assert 'id="chart-year-activities"' in page and 'id="chart-year-hardship"' in page
    chart = response.context["chart"]["year"]
    assert {row["value"] for row in chart["activities"]} == {2, 1, 3}
    assert sum(row["value"] for row in chart["assistance"]) == 4000.0
    assert chart["hardship"]["open"] == [1, 1]
    assert f'<option value="{Y0}"' in page
    # another year, and an unreadable year falls back to this year
    assert client.get(url, {"year": Y0}).context["year_figures"]["activities"]["total"]["person_times"] == 1
    assert client.get(url, {"year": "abc"}).context["year"] == datetime.date.today().year
    assert client.get(url, {"year": "1900"}).context["year"] == datetime.date.today().year


def test_the_outsider_sees_only_their_own_figures(client, records):
    client.force_login(records.chair_b)
    assert client.get(reverse("orgs:node_stats", args=[records.street_a.pk]), {"year": Y1}).status_code == 404
    response = client.get(reverse("orgs:node_stats", args=[records.union_b.pk]), {"year": Y1})
    assert response.context["year_figures"]["activities"]["total"] == {
        "activities": 1, "person_times": 2, "participants": 2}


def test_the_dashboard_year_section_runs_a_fixed_number_of_queries(client, records):
    client.force_login(records.district_admin)
    url = reverse("orgs:node_stats", args=[records.county.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"year": Y0 - 3})  # a year without records
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"year": Y1})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_command_prints_the_year_figures_next_to_the_coverage(records, capsys):
    call_command("stats", "--org", "sa", "--json")
    plain = json.loads(capsys.readouterr().out)
    assert "year" not in plain
    call_command("stats", "--org", "sa", "--year", str(Y1), "--json")
    printed = json.loads(capsys.readouterr().out)
    assert {key: value for key, value in printed.items() if key != "year"} == plain
    year = printed["year"]
    assert set(year) == {"year", "activities", "honours", "assistance", "visits", "hardship", "campaigns"}
    assert year["year"] == Y1
    assert year["activities"]["total"] == {"activities": 3, "person_times": 6, "participants": 4}
    assert year["assistance"]["by_kind"]["medical"] == {"persons": 1, "records": 2, "amount": "2400.00"}
    assert year["hardship"]["total"] == {"open": 2, "new": 1, "relieved": 1}
    assert year["campaigns"]["donations"]["amount"] == "1170.00"
    call_command("stats", "--org", "sa", "--year", str(Y1))
    out = capsys.readouterr().out
    assert f"{Y1}年度统计" in out and "活动 3 次，参加 6 人次" in out and "帮扶救助 3 人、5 笔，4000.00 元" in out


def test_the_command_refuses_a_year_out_of_range(records, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("stats", "--org", "sa", "--year", "1999", "--json")
    assert exit_info.value.code == 1
    assert "1999" in capsys.readouterr().err
