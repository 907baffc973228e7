"""The contributions of orgs, members, activities and care to plans and summaries (issue 5 §2–4, §6): each metric
against a count made here over the records the test built (with records just outside the period and outside the
subtree), each suggested item from its rule (and absent when the rule does not apply), the summary's figures
against the ledgers of the same period, and the evidence sources' reach."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from gonghui.activities.ledger import build_activity_ledger
from gonghui.activities.models import Activity, CompetitionEntry, Honour, Participation
from gonghui.care.assistance.ledger import assistance_ledger
from gonghui.care.models import Assistance, Campaign, HardshipFile, Visit
from gonghui.care.visits.ledger import visit_ledger
from gonghui.members import services as member_services
from gonghui.members.models import MEMBER_STATUSES, Member, WomenRecord
from gonghui.members.women import rules as women_rules
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Level, OrgNode, Unit
from gonghui.plans import contrib
from gonghui.plans.contrib import Period, summary_parts
from gonghui.plans.models import Section, Timing
from tests.conftest import VALID_CODES, make_member, make_node

Y = 2025
YEAR, H1, H2 = Period(Y), Period(Y, 1), Period(Y, 2)

FIXED = {
    "orgs.founding_rate": ("%", "rate", None), "orgs.founding_rate_min_staff": ("%", "rate", Decimal("95")),
    "orgs.new_unions": ("家", "count", Decimal("2")), "members.membership_rate": ("%", "rate", Decimal("95")),
    "members.new_members": ("人", "count", None), "activities.activities": ("次", "count", None),
    "activities.participants": ("人次", "count", None), "activities.honours": ("项", "count", None),
    "care.visits": ("人次", "count", None), "care.assistance_amount": ("元", "count", None),
    "care.hardship_coverage": ("%", "rate", Decimal("100")),
}


def value(key, node, period=YEAR):
    return contrib.metric(key).compute(node, period)


def under(node):
    return lambda path: path.startswith(node.path)


def _at(year, month, day, hour=9, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def keyed(node, year):
    return {item.key: item for item in contrib.suggestions(node, year)}


# ---- metrics ---------------------------------------------------------------------------------------------

def test_it_registers_the_fixed_metrics_with_their_units_and_targets(db):
    metrics = contrib.metrics()
    for key, (unit, kind, target) in FIXED.items():
        metric = metrics[key]
        assert (metric.unit, metric.kind) == (unit, kind), key
        if target is not None:
            assert metric.default_target == target, key
        assert metric.section in Section.values and str(metric.label) and metric.source
    assert metrics["orgs.founding_rate"].default_target == Decimal("95")
    assert str(metrics["orgs.founding_rate_min_staff"].label) == "建会率（25人以上单位）"


def test_it_counts_unions_founded_in_the_period_within_the_subtree(world):
    def union(parent, code, founded, level=Level.GRASSROOTS_UNION):
        return make_node(parent, level, code, f"{code}工会", founded_on=founded)

    union(world.street_a, "N1", datetime.date(Y, 3, 1))
    union(world.street_a, "N2", datetime.date(Y, 7, 1), level=Level.JOINT_UNION)
    union(world.street_a, "N3", datetime.date(Y - 1, 12, 31))      # just before
    union(world.street_a, "N4", datetime.date(Y + 1, 1, 1))        # just after
    union(world.union_a, "G9", datetime.date(Y, 5, 1), level=Level.UNION_GROUP)  # a group is not a union
    union(world.street_b, "N5", datetime.date(Y, 4, 1))             # outside street A

    for node in (world.street_a, world.county, world.street_b):
        for period in (YEAR, H1, H2):
            expected = sum(1 for n in OrgNode.objects.all()
                           if n.path.startswith(node.path) and n.level in ("grassroots_union", "joint_union")
                           and n.founded_on and period.start <= n.founded_on <= period.end)
            assert value("orgs.new_unions", node, period) == expected
    assert value("orgs.new_unions", world.street_a) == 2
    assert value("orgs.new_unions", world.street_a, H1) == 1
    assert value("orgs.new_unions", world.county) == 3


def test_it_computes_the_founding_rates_over_the_subtree_units(world):
    org_services.unit_create(actor=None, name="甲工厂", credit_code=VALID_CODES[3], kind="enterprise",
                             ownership="private", industry="C", staff_count=30, women_count=5, area_node=world.street_a)
    org_services.unit_create(actor=None, name="乙小店", credit_code=VALID_CODES[4], kind="enterprise",
                             ownership="private", industry="F", staff_count=8, women_count=2, area_node=world.street_b)
    for node in (world.street_a, world.street_b, world.county, world.union_a):
        units = [u for u in Unit.objects.all() if u.path.startswith(node.path)]
        large = [u for u in units if u.staff_count >= 25]
        rate = Decimal(100 * sum(u.covering_union_id is not None for u in units) / len(units)).quantize(Decimal("0.01"))
        rate_large = Decimal(100 * sum(u.covering_union_id is not None for u in large) / len(large)
                             ).quantize(Decimal("0.01"))
        assert value("orgs.founding_rate", node) == rate
        assert value("orgs.founding_rate_min_staff", node) == rate_large
    assert value("orgs.founding_rate", world.street_a) == Decimal("66.67")
    assert value("orgs.founding_rate_min_staff", world.street_a) == Decimal("50.00")
    assert value("orgs.founding_rate", world.group_a) is None  # no units: undefined, not 0


def test_it_computes_membership_and_new_members_from_the_member_records(world):
    make_member(world.union_a, "甲一", join_date=datetime.date(Y, 2, 1))
    make_member(world.union_a, "甲二", join_date=datetime.date(Y, 8, 1), group=world.group_a)
    make_member(world.union_a, "甲三", join_date=datetime.date(Y - 1, 12, 31))  # just before
    make_member(world.union_a, "甲四", join_date=datetime.date(Y + 1, 1, 1))    # just after
    make_member(world.joint_a, "联一", join_date=datetime.date(Y, 5, 5))
    make_member(world.union_b, "乙一", join_date=datetime.date(Y, 5, 5))        # outside street A
    applicant = make_member(world.union_a, "甲五", status="applicant")
    member_services.member_approve(actor=None, member=applicant, on=datetime.date(Y, 6, 30))
    make_member(world.union_a, "甲六", status="applicant")                     # never approved
    joined = {"甲一": datetime.date(Y, 2, 1), "甲二": datetime.date(Y, 8, 1), "甲三": datetime.date(Y - 1, 12, 31),
              "甲四": datetime.date(Y + 1, 1, 1), "联一": datetime.date(Y, 5, 5), "乙一": datetime.date(Y, 5, 5),
              "甲五": datetime.date(Y, 6, 30)}
    for node in (world.street_a, world.union_a, world.county, world.group_a):
        for period in (YEAR, H1, H2):
            expected = sum(1 for m in Member.objects.all() if m.name in joined and m.union.path.startswith(node.path)
                           and period.start <= joined[m.name] <= period.end)
            assert value("members.new_members", node, period) == expected
    assert value("members.new_members", world.street_a) == 4
    assert value("members.new_members", world.union_a, H1) == 2

    for node in (world.street_a, world.county):
        # members with 保留会籍 (retained) are not staff: 入会率 counts the working members over the staff
        members = sum(1 for m in Member.objects.all() if m.path.startswith(node.path) and m.status in MEMBER_STATUSES
                      and m.status != "retained")
        staff = sum(u.staff_count for u in Unit.objects.all()
                    if u.path.startswith(node.path) and u.covering_union_id)
        assert value("members.membership_rate", node) == (Decimal(members * 100) / staff).quantize(Decimal("0.01"))


@pytest.fixture
def records(world):
    """Activities, honours, visits, assistance, hardship files and campaigns in union A, the joint union A
    (street A) and union B (street B), with some just outside 2025 and some that must not count."""
    a1 = make_member(world.union_a, "甲一", female=True)
    a2 = make_member(world.union_a, "甲二", group=world.group_a)
    a3 = make_member(world.union_a, "甲三")
    a4 = make_member(world.union_a, "甲四")
    j1 = make_member(world.joint_a, "联一", female=True)
    b1 = make_member(world.union_b, "乙一")

    def activity(node, kind, when, attendees, *, status="finished"):
        item = Activity.objects.create(organiser=node, path=node.path, title=f"{kind}{when:%m%d}", kind=kind,
                                       starts_at=when, status=status, attended_count=len(attendees),
                                       signed_up_count=len(attendees))
        for member in attendees:
            Participation.objects.create(activity=item, member=member, checked_in_at=when, check_in_method="qr")
        return item

    activity(world.union_a, "sports_culture", _at(Y, 3, 8), [a1, a2])
    activity(world.group_a, "training", _at(Y, 6, 30, 23, 30), [a2])       # last evening of H1
    contest = activity(world.street_a, "competition", _at(Y, 7, 1, 0, 10), [a1, j1, a3])
    CompetitionEntry.objects.create(activity=contest, member=a1, event="电工组", prize="一等奖")
    CompetitionEntry.objects.create(activity=contest, member=a3, event="电工组")
    activity(world.union_a, "festival", _at(Y, 12, 31, 23, 30), [a1])       # last evening of the year
    activity(world.union_a, "festival", _at(Y + 1, 1, 1, 0, 10), [a1])      # next year
    activity(world.union_a, "sports_culture", _at(Y, 5, 1), [a1], status="cancelled")
    activity(world.union_b, "sports_culture", _at(Y, 4, 1), [b1])           # outside street A

    def honour(node, member, awarded_on, status="approved"):
        return Honour.objects.create(kind="excellent_member", title=f"{awarded_on.year}年度优秀会员", year=Y,
                                     nominated_by=node, path=node.path, approver=world.street_a,
                                     approver_path=world.street_a.path, member=member, status=status,
                                     awarded_on=awarded_on)

    honour(world.union_a, a1, datetime.date(Y, 4, 28))
    honour(world.union_a, a2, datetime.date(Y, 12, 31))
    honour(world.union_a, a3, datetime.date(Y + 1, 1, 1))
    honour(world.union_a, a4, datetime.date(Y, 5, 1), status="nominated")
    honour(world.union_b, b1, datetime.date(Y, 4, 28))

    def assist(union, member, kind, amount, on, status="paid", **fields):
        return Assistance.objects.create(union=union, path=member.path, kind=kind, member=member,
                                         amount=Decimal(amount), on=on, status=status, **fields)

    def visit(union, member, reason, on, gift_value="0"):
        return Visit.objects.create(union=union, path=member.path, member=member, reason=reason, visited_on=on,
                                    visitors="林晓梅", gift_value=Decimal(gift_value))

    visit(world.union_a, a3, "illness", datetime.date(Y, 6, 2), "500")
    visit(world.union_a, a3, "illness", datetime.date(Y, 6, 20))
    visit(world.union_a, a2, "marriage", datetime.date(Y, 12, 31), "300")
    visit(world.joint_a, j1, "birth", datetime.date(Y, 1, 1), "200")
    visit(world.joint_a, j1, "birth", datetime.date(Y - 1, 12, 31), "200")   # just before
    visit(world.union_b, b1, "illness", datetime.date(Y, 6, 2), "300")       # outside

    def hardship(member, status, filed_on, relieved_on=None):
        return HardshipFile.objects.create(member=member, union=member.union, path=member.path, category="deep",
                                           cause="illness", status=status, filed_on=filed_on, relieved_on=relieved_on)

    hardship(a1, "active", datetime.date(Y - 1, 3, 1))                        # helped (paid in the year)
    hardship(a2, "active", datetime.date(Y, 2, 1))                            # only approved, not yet paid
    hardship(a3, "relieved", datetime.date(Y - 2, 3, 1), datetime.date(Y, 3, 1))  # in force Jan–Mar, helped in Feb
    hardship(a4, "relieved", datetime.date(Y - 2, 3, 1), datetime.date(Y - 1, 6, 1))  # out before the year
    hardship(j1, "active", datetime.date(Y - 1, 5, 1))                        # helped only on 31 Dec of last year
    hardship(b1, "active", datetime.date(Y - 1, 5, 1))                        # outside street A

    warmth = Campaign.objects.create(kind="warmth", node=world.street_a, path=world.street_a.path, year=Y,
                                     title="2025年送温暖", starts_on=datetime.date(Y, 1, 10),
                                     ends_on=datetime.date(Y, 2, 10))
    assist(world.union_a, a1, "warmth", "800", datetime.date(Y, 1, 20), campaign=warmth)
    assist(world.union_a, a1, "medical", "1500", datetime.date(Y, 8, 3), status="confirmed")
    assist(world.union_a, a2, "medical", "900", datetime.date(Y, 7, 3), status="approved")
    assist(world.union_a, a2, "medical", "600", datetime.date(Y, 7, 3), status="requested")
    assist(world.union_a, a3, "living", "700", datetime.date(Y, 2, 3))
    assist(world.joint_a, j1, "living", "1000", datetime.date(Y - 1, 12, 31))  # just before
    assist(world.joint_a, j1, "living", "400", datetime.date(Y, 12, 31), status="rejected")
    assist(world.union_b, b1, "living", "2000", datetime.date(Y, 5, 5))       # outside
    Campaign.objects.create(kind="coolness", node=world.union_b, path=world.union_b.path, year=Y, title="乙送清凉",
                            starts_on=datetime.date(Y, 7, 1), ends_on=datetime.date(Y, 8, 31))
    return {"a1": a1, "a2": a2, "a3": a3, "j1": j1, "b1": b1, "warmth": warmth}


def test_it_computes_activity_and_honour_metrics_as_counted_here(world, records):
    assert value("activities.activities", world.street_a) == 4
    assert value("activities.participants", world.street_a) == 2 + 1 + 3 + 1
    assert value("activities.activities", world.street_a, H1) == 2
    assert value("activities.activities", world.street_a, H2) == 2
    assert value("activities.participants", world.union_a, H1) == 3
    assert value("activities.activities", world.county) == 5
    assert value("activities.honours", world.street_a) == 2
    assert value("activities.honours", world.street_a, H1) == 1
    assert value("activities.honours", world.county) == 3


def test_it_computes_care_metrics_as_counted_here(world, records):
    assert value("care.visits", world.street_a) == 4
    assert value("care.visits", world.street_a, H1) == 3
    assert value("care.visits", world.county) == 5
    # committed (approved, paid, confirmed) in the year
    assert value("care.assistance_amount", world.street_a) == Decimal("800") + 1500 + 900 + 700
    assert value("care.assistance_amount", world.street_a, H2) == Decimal("1500") + 900
    assert value("care.assistance_amount", world.county) == Decimal("3900") + 2000
    # in force: a1, a2, a3 (until March), j1 → helped (paid or confirmed): a1, a3
    assert value("care.hardship_coverage", world.street_a) == Decimal("50.00")
    # H2: a1, a2, j1 in force; a1 confirmed in August
    assert value("care.hardship_coverage", world.street_a, H2) == Decimal("33.33")
    assert value("care.hardship_coverage", world.union_b) == Decimal("100.00")  # paid in May
    assert value("care.hardship_coverage", world.union_b, H2) == Decimal("0.00")
    assert value("care.hardship_coverage", world.group_a) == Decimal("0.00")   # a2's file, not yet paid
    assert value("care.hardship_coverage", world.street_a, Period(2020)) is None  # no file on record yet


def test_it_computes_each_metric_in_a_few_queries(world, records, django_assert_max_num_queries):
    for key in FIXED:
        with django_assert_max_num_queries(3):
            value(key, world.county)


# ---- summary ---------------------------------------------------------------------------------------------

def _facts(node, period):
    facts = {}
    for part in contrib.summary_parts(node, period):
        facts.update(part.facts)
        assert all(isinstance(text, str) and text for text in part.paragraphs)
    return facts


@pytest.mark.parametrize("period", [YEAR, H1, H2])
def test_it_writes_summary_figures_equal_to_the_ledgers(world, records, period):
    for node in (world.street_a, world.union_a, world.county):
        facts = _facts(node, period)
        ledger = build_activity_ledger(node, period.start, period.end)
        assert facts["activities.activities"] == len(ledger.rows)
        assert facts["activities.person_times"] == ledger.totals["attended"]
        if node.level in ("grassroots_union", "joint_union"):
            assert facts["activities.participants"] == ledger.persons
        else:  # not counted for a federation: millions of check-ins for a district
            assert "activities.participants" not in facts
        visits, _drill = visit_ledger(world.district_admin, node, period.start, period.end)
        assert facts["care.visits"] == len(visits.rows)
        assert facts["care.visit_value"] == visits.totals["value"]
        assert facts["care.visit_persons"] == len({row["member"] for row in visits.rows})
        given = assistance_ledger(world.district_admin, node, period.start, period.end)
        assert facts["care.assistance_records"] == len(given.rows)
        assert facts["care.assistance_amount"] == given.totals["amount"]
        for key in FIXED:
            short = {"activities.participants": "activities.person_times"}.get(key, key)
            if short in facts:
                assert facts[short] == value(key, node, period), (key, node, period)


def test_it_writes_the_year_in_chinese_prose_with_its_numbers(world, records):
    parts = contrib.summary_parts(world.street_a, YEAR)
    text = "\n".join(p for part in parts for p in part.paragraphs)
    assert "2025年共开展各类活动4次，参与7人次。其中" in text
    union = "\n".join(p for part in contrib.summary_parts(world.union_a, YEAR) for p in part.paragraphs)
    assert "2025年共开展各类活动3次，参与4人次。参与会员2人。" in union
    assert "走访慰问会员3人、4人次" in text
    assert "金额3,900.00元" in text
    assert "建会率" in text and "入会率" in text
    assert "组织劳动竞赛和技能比武1次，参赛2人（队）次，获奖1人（队）次" in text
    sections = {part.section for part in parts}
    assert {"facts", Section.ORGANISATION, Section.CULTURE, Section.CARE, Section.WOMEN, Section.SELF} <= sections
    culture = next(part for part in parts if part.section == Section.CULTURE)
    assert culture.tables[0].rows[-1] == ["合计", "4", "7"]
    facts = _facts(world.street_a, YEAR)
    assert facts["members.members"] == 5 and facts["members.women"] == 2
    assert facts["orgs.units"] == 2 and facts["orgs.unions"] == 2 and facts["orgs.union_groups"] == 1
    assert facts["care.hardship_new"] == 1 and facts["care.hardship_relieved"] == 1
    assert facts["activities.honours"] == 2


# ---- suggestions -----------------------------------------------------------------------------------------

def _set(node, **fields):
    OrgNode.objects.filter(pk=node.pk).update(**fields)
    node.refresh_from_db()
    return node


def test_it_suggests_the_re_election_when_the_term_falls_due(world):
    _set(world.union_a, term_start=datetime.date(2021, 3, 1), term_years=5)   # ends 1 March 2026
    item = keyed(world.union_a, 2026)[f"orgs.re_election:{world.union_a.pk}:2026"]
    assert item.section == Section.ORGANISATION and "按期" in item.title
    assert item.timing.timing == Timing.DATE and item.timing.due_on == datetime.date(2026, 3, 1)
    assert "工会法" in item.source and "2026年3月1日届满" in item.source
    assert f"orgs.re_election:{world.union_a.pk}:2025" not in keyed(world.union_a, 2025)
    overdue = keyed(world.union_a, 2027)[f"orgs.re_election:{world.union_a.pk}:2027"]
    assert "逾期" in overdue.title and overdue.timing.due_on == datetime.date(2027, 3, 31)

    below = keyed(world.street_a, 2026)[f"orgs.re_election_below:{world.street_a.pk}:2026"]
    assert "督促" in below.title and "甲中学工会" in below.source and "甲社区联合工会" not in below.source
    assert not any(key.startswith("orgs.re_election") for key in keyed(world.street_b, 2026))
    # the county's own term (2024 + 5) and every node below it fall due in 2029
    county = keyed(world.county, 2029)
    assert f"orgs.re_election:{world.county.pk}:2029" in county
    assert county[f"orgs.re_election_below:{world.county.pk}:2029"].title == "督促5个下属工会按期换届"


def test_it_suggests_the_congress_where_units_have_enough_staff(world, settings):
    ua = keyed(world.union_a, Y)[f"orgs.congress:{world.union_a.pk}:{Y}"]
    assert "教代会" in ua.title and ua.section == Section.DEMOCRACY and "甲中学（职工125人）" in ua.source
    ub = keyed(world.union_b, Y)[f"orgs.congress:{world.union_b.pk}:{Y}"]
    assert "职代会" in ub.title and "教代会" not in ub.title
    assert not any(key.startswith("orgs.congress") for key in keyed(world.joint_a, Y))  # 12 staff
    below = keyed(world.street_a, Y)[f"orgs.congress_below:{world.street_a.pk}:{Y}"]
    assert "甲中学工会" in below.source
    settings.GONGHUI_PLANS = {**settings.GONGHUI_PLANS, "CONGRESS_MIN_STAFF": 200}
    assert not any(key.startswith("orgs.congress") for key in keyed(world.union_a, Y))
    assert f"orgs.congress:{world.union_b.pk}:{Y}" in keyed(world.union_b, Y)


def test_it_suggests_a_women_committee_from_the_women_members(world):
    _set(world.joint_a, women_committee_established=False)
    for index in range(9):
        make_member(world.joint_a, f"联女{index}", female=True)
    assert not any(key.startswith("orgs.women_committee") for key in keyed(world.joint_a, Y))
    make_member(world.joint_a, "联女九", female=True)
    item = keyed(world.joint_a, Y)[f"orgs.women_committee:{world.joint_a.pk}:{Y}"]
    assert item.section == Section.WOMEN and "女会员10人" in item.source and "第十一条" in item.source
    below = keyed(world.street_a, Y)[f"orgs.women_committee_below:{world.street_a.pk}:{Y}"]
    assert "甲社区联合工会" in below.source
    for index in range(12):  # union A has a committee already
        make_member(world.union_a, f"甲女{index}", female=True)
    assert not any(key.startswith("orgs.women_committee") for key in keyed(world.union_a, Y))


def test_it_suggests_information_reports_owed_upward(world):
    item = keyed(world.union_a, Y)[f"orgs.info_reports:{world.union_a.pk}:{Y}"]
    assert item.section == Section.PUBLICITY and item.timing.timing == Timing.HALF_YEARLY
    assert "甲街道总工会" in item.title and "不少于2篇" in item.target
    assert not any(key.startswith("orgs.info_reports") for key in keyed(world.county, Y))


def test_it_suggests_the_health_checks_due_as_counts_without_names(world):
    def woman(union, name, gynaecological=None, general=None, record=True):
        member = make_member(union, name, female=True)
        if record:
            WomenRecord.objects.create(member=member, path=member.path, last_gynaecological_check=gynaecological,
                                       last_general_check=general)
        return member

    woman(world.union_a, "李从未", record=False)                                   # never checked: due
    woman(world.union_a, "李三月", datetime.date(2025, 3, 10), datetime.date(2025, 1, 5))  # due March 2026
    woman(world.union_a, "李明年", datetime.date(2026, 2, 1), datetime.date(2026, 2, 1))   # due 2027
    woman(world.union_a, "李逾期", datetime.date(2024, 5, 1), datetime.date(2023, 5, 1))   # overdue
    woman(world.union_b, "王外面")                                                  # outside union A
    make_member(world.union_a, "张男")

    items = keyed(world.union_a, 2026)
    gyn = items[f"members.women_check:gynaecological:{world.union_a.pk}:2026"]
    women = [m for m in Member.objects.filter(gender="F") if m.path.startswith(world.union_a.path)]

    def due(member, field, months):
        record = WomenRecord.objects.filter(member=member).first()
        last = getattr(record, field) if record else None
        return women_rules.check_due_on(last, months) is None or women_rules.check_due_on(last, months) <= \
            datetime.date(2026, 12, 31)

    expected = sum(due(m, "last_gynaecological_check", 12) for m in women)
    assert expected == 3 and f"应妇科检查{expected}人" in gyn.source
    assert gyn.section == Section.WOMEN and "女职工劳动保护特别规定" in gyn.source
    assert gyn.timing.timing == Timing.MONTHS and gyn.timing.months == (1, 3)
    general = items[f"members.women_check:general:{world.union_a.pk}:2026"]
    assert f"应健康体检{sum(due(m, 'last_general_check', 24) for m in women)}人" in general.source
    for item in (gyn, general):
        text = item.title + item.source + item.target + item.measures
        assert not any(name in text for name in ("李从未", "李三月", "李明年", "李逾期"))
    assert not any(key.startswith("members.women_check") for key in keyed(world.joint_a, 2026))


def test_it_asks_a_federation_to_see_that_its_unions_hold_the_checks(world):
    make_member(world.union_a, "李甲", female=True)
    make_member(world.union_b, "王乙", female=True)
    items = keyed(world.street_a, 2026)
    item = items[f"members.women_check:supervise:{world.street_a.pk}:2026"]
    assert "共有女会员1人" in item.source and "女职工劳动保护特别规定" in item.source
    assert item.section == Section.WOMEN and item.timing.months == (6, 12)
    assert not any(key.startswith("members.women_check:gynaecological") for key in items)


def test_it_suggests_the_hardship_reviews_by_their_months(world):
    members = [make_member(world.union_a, f"困{i}") for i in range(5)]
    outside = make_member(world.union_b, "困外")
    reviews = [(members[0], "active", datetime.date(2026, 4, 10)), (members[1], "active", datetime.date(2026, 4, 20)),
               (members[2], "active", datetime.date(2025, 11, 1)), (members[3], "active", datetime.date(2027, 1, 5)),
               (members[4], "relieved", datetime.date(2026, 5, 1)), (outside, "active", datetime.date(2026, 6, 1))]
    for member, status, review in reviews:
        HardshipFile.objects.create(member=member, union=member.union, path=member.path, category="deep",
                                    cause="illness", status=status, filed_on=datetime.date(2024, 1, 1),
                                    next_review_on=review)
    item = keyed(world.union_a, 2026)[f"care.hardship_review:{world.union_a.pk}:2026"]
    assert item.section == Section.CARE and item.timing.months == (1, 4)
    assert "3份" in item.source and "已逾期1份" in item.source and "4月2份" in item.source
    assert f"care.hardship_review:{world.joint_a.pk}:2026" not in keyed(world.joint_a, 2026)


def test_it_suggests_the_seasonal_campaigns_with_their_evidence(world, records):
    union = keyed(world.union_a, 2026)
    warmth = union[f"care.campaign:warmth:{world.union_a.pk}:2026"]
    assert warmth.evidence == "care.assistance:warmth" and warmth.timing.timing == Timing.MONTHS
    assert warmth.timing.months and max(warmth.timing.months) <= 3 and "春节" in warmth.target
    assert union[f"care.campaign:coolness:{world.union_a.pk}:2026"].timing.months == (7, 8)
    assert union[f"care.campaign:education:{world.union_a.pk}:2026"].timing.months == (8, 9)
    assert "上年发放1人次、800.00元" in warmth.source
    street = keyed(world.street_a, 2026)
    assert street[f"care.campaign:warmth:{world.street_a.pk}:2026"].evidence == "care.campaign:warmth"
    assert "开展活动1次" in street[f"care.campaign:warmth:{world.street_a.pk}:2026"].source
    assert not any(key.startswith("care.") for key in keyed(world.group_a, 2026))


def test_it_keeps_suggestion_keys_stable_and_unique(world, records):
    first = [item.key for item in contrib.suggestions(world.street_a, 2026)]
    assert first == [item.key for item in contrib.suggestions(world.street_a, 2026)]
    assert len(first) == len(set(first))
    assert all(item.source for item in contrib.suggestions(world.street_a, 2026))


# ---- evidence --------------------------------------------------------------------------------------------

def test_it_finds_evidence_in_the_subtree_and_the_dates(world, records):
    sources = contrib.evidence_sources()
    found = sources["activities.activity"].find(world.street_a, YEAR.start, YEAR.end, "")
    assert [r.label for r in found] == ["sports_culture0308", "training0630", "competition0701", "festival1231"]
    assert found[1].on == datetime.date(Y, 6, 30) and found[0].url.endswith(f"/activities/{found[0].object_id}/")
    assert [r.kind for r in sources["activities.activity"].find(world.street_a, YEAR.start, YEAR.end,
                                                                 "competition")] == ["competition"]
    assert len(sources["activities.honour"].find(world.street_a, YEAR.start, YEAR.end, "")) == 2
    visits = sources["care.visit"].find(world.street_a, YEAR.start, YEAR.end, "illness")
    assert len(visits) == 2 and "甲*" in visits[0].label and "甲三" not in visits[0].label
    given = sources["care.assistance"].find(world.street_a, H2.start, H2.end, "medical")
    assert sorted(r.label for r in given) == ["医疗救助 甲* 1,500.00元", "医疗救助 甲* 900.00元"]
    campaigns = sources["care.campaign"].find(world.street_a, YEAR.start, YEAR.end, "")
    assert [r.object_id for r in campaigns] == [records["warmth"].pk]
    assert sources["care.campaign"].find(world.county, YEAR.start, YEAR.end, "coolness")[0].label == "乙送清凉"
    assert dict(sources["care.visit"].kinds)["illness"] == "生病住院"


def test_it_reaches_evidence_only_through_the_domain_access_helpers(world, records):
    sources = contrib.evidence_sources()
    outside = {
        "activities.activity": Activity.objects.get(organiser=world.union_b).pk,
        "activities.honour": Honour.objects.get(path=world.union_b.path).pk,
        "care.visit": Visit.objects.get(path__startswith=world.union_b.path).pk,
        "care.assistance": Assistance.objects.get(path__startswith=world.union_b.path).pk,
        "care.campaign": Campaign.objects.get(node=world.union_b).pk,
    }
    for key, pk in outside.items():
        with pytest.raises(Http404):
            sources[key].get_for_user(world.chair_a, pk)
        record = sources[key].get_for_user(world.chair_b, pk)
        assert record.object_id == pk and record.source == key and record.url
    inside = sources["care.campaign"].get_for_user(world.street_admin, records["warmth"].pk)
    assert inside.on == datetime.date(Y, 1, 10) and inside.kind == "warmth"



def test_it_dates_the_member_figures_of_a_past_period_as_the_registry_stands(world):
    """The registry keeps no past head counts: a summary of a period already over says the figures are today's."""
    make_member(world.union_a, "甲一")
    today = timezone.localdate()
    past = " ".join(p for part in summary_parts(world.union_a, Period(today.year - 1)) for p in part.paragraphs)
    assert f"截至{today.year}年{today.month}月{today.day}日，现有会员1人" in past
    current = " ".join(p for part in summary_parts(world.union_a, Period(today.year)) for p in part.paragraphs)
    assert "现有会员1人" in current and "截至" not in current
