"""Plan indicators (issue 5 §3): live and hand-entered actuals, met / on track / at risk / missed by the deadline,
the writes and their limits, the pages and their queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.models import Attachment, AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member
from gonghui.orgs.models import Level, OrgNode
from gonghui.plans import contrib
from gonghui.plans.indicators import services
from gonghui.plans.indicators.status import (
    AT_RISK,
    MET,
    MISSED,
    NO_DATA,
    NOT_STARTED,
    ON_TRACK,
    indicator_rows,
    judge,
    pace_of,
)
from gonghui.plans.models import Comparator, Half, Indicator, Plan, PlanItem, ReviewStatus, Section

from .conftest import make_member, make_node

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
MID_YEAR = datetime.date(2026, 7, 1)  # 181 of 365 days completed before it: pace is 49.6% of the target


class Calls:
    """How often each test metric was computed."""

    counts: dict[str, int] = {}


def _count_members(node, period):
    Calls.counts["b2test.members"] = Calls.counts.get("b2test.members", 0) + 1
    return Decimal(Member.objects.filter(path__under=node.path, status__in=MEMBER_STATUSES).count())


def _women_share(node, period):
    Calls.counts["b2test.women_share"] = Calls.counts.get("b2test.women_share", 0) + 1
    members = Member.objects.filter(path__under=node.path, status__in=MEMBER_STATUSES)
    total = members.count()
    if not total:
        return None
    return (Decimal(members.filter(gender="F").count()) * 100 / total).quantize(Decimal("0.01"))


class TestContribution(contrib.Contribution):
    domain = "b2test"

    def metrics(self):
        return [
            contrib.Metric(key="b2test.members", label="会员人数", unit="人", section=Section.ORGANISATION,
                           kind=contrib.MetricKind.COUNT, compute=_count_members, default_target=Decimal(4),
                           source="测试口径"),
            contrib.Metric(key="b2test.women_share", label="女会员占比", unit="%", section=Section.WOMEN,
                           kind=contrib.MetricKind.RATE, compute=_women_share, default_target=Decimal(50)),
        ]


@pytest.fixture(autouse=True)
def test_metrics():
    contrib.contributions()  # discover the installed modules first, so ours is added, not replaced
    contrib.register(TestContribution())
    Calls.counts = {}
    yield
    contrib._registry.pop("b2test", None)


@pytest.fixture
def plan(world):
    return Plan.objects.create(node=world.union_a, path=world.union_a.path, year=2026, title="甲中学2026年计划")


def _indicator(plan, **fields):
    defaults = {"section": Section.CULTURE, "label": "开展活动", "target": Decimal(12), "unit": "次"}
    fields = {**defaults, **fields}
    for name in ("target", "manual_actual"):
        if fields.get(name) is not None:
            fields[name] = Decimal(str(fields[name]))
    return Indicator.objects.create(plan=plan, **fields)


def _row(plan, indicator, today):
    return next(r for r in indicator_rows(plan, today=today) if r.indicator.pk == indicator.pk)


# --- the rules -------------------------------------------------------------------------------------------------

def test_it_computes_the_pro_rata_pace_of_a_count():
    assert pace_of(Decimal(12), START, END, datetime.date(2025, 12, 31)) == 0
    assert pace_of(Decimal(365), START, END, datetime.date(2026, 1, 1)) == 0  # no day completed yet
    assert pace_of(Decimal(365), START, END, datetime.date(2026, 1, 2)) == 1
    assert pace_of(Decimal(365), START, END, datetime.date(2026, 2, 28)) == 58
    assert pace_of(Decimal(12), START, END, END) == 12


@pytest.mark.parametrize(("actual", "comparator", "count", "today", "status"), [
    # ≥ a count: reached at any time → met; before the deadline against 0.9 × pace; after it → missed
    (12, "gte", True, MID_YEAR, MET),
    (6, "gte", True, MID_YEAR, ON_TRACK),        # pace 5.95, 6 ≥ 5.36
    (5.4, "gte", True, MID_YEAR, ON_TRACK),      # 5.4 ≥ 0.9 × 5.95 = 5.355
    (5.3, "gte", True, MID_YEAR, AT_RISK),
    (0, "gte", True, datetime.date(2026, 1, 10), AT_RISK),
    (0, "gte", True, datetime.date(2025, 12, 1), NOT_STARTED),  # next year's plan: nothing judged yet
    (50, "gte", False, datetime.date(2025, 12, 1), NOT_STARTED),  # not even a rate that stands below target
    (11, "gte", True, END, ON_TRACK),            # the deadline day itself is still within time
    (11, "gte", True, datetime.date(2027, 1, 1), MISSED),
    (12, "gte", True, datetime.date(2027, 1, 1), MET),
    # ≥ a rate: as it stands
    (94, "gte", False, MID_YEAR, AT_RISK),
    (95, "gte", False, MID_YEAR, MET),
    (94, "gte", False, datetime.date(2027, 2, 1), MISSED),
    # ≤ (a ceiling): inverted
    (3, "lte", False, MID_YEAR, ON_TRACK),
    (6, "lte", False, MID_YEAR, AT_RISK),
    (6, "lte", False, datetime.date(2027, 1, 1), MISSED),
    (5, "lte", False, datetime.date(2027, 1, 1), MET),
    (13, "lte", True, MID_YEAR, MISSED),         # a count over its ceiling cannot come back
    (7, "lte", True, MID_YEAR, AT_RISK),         # far ahead of the pace the ceiling allows (5.95 / 0.9 = 6.61)
    (6, "lte", True, MID_YEAR, ON_TRACK),
    (None, "gte", True, MID_YEAR, NO_DATA),
])
def test_it_judges_an_actual_against_its_target(actual, comparator, count, today, status):
    target = Decimal(12) if count else (Decimal(95) if comparator == "gte" else Decimal(5))
    result, _pace = judge(actual=None if actual is None else Decimal(str(actual)), target=target,
                          comparator=comparator, count=count, start=START, deadline=END, today=today)
    assert result == status


def test_it_reads_the_at_risk_pace_from_the_settings(settings):
    settings.GONGHUI_PLANS = {**settings.GONGHUI_PLANS, "AT_RISK_PACE": 0.5}
    status, pace = judge(actual=Decimal("3.5"), target=Decimal(12), comparator="gte", count=True, start=START,
                         deadline=END, today=MID_YEAR)
    assert status == ON_TRACK and pace.quantize(Decimal("0.01")) == Decimal("5.95")


def test_it_judges_by_the_indicators_own_deadline(world, plan):
    early = _indicator(plan, label="新增建会", target=2, unit="家", deadline=datetime.date(2026, 6, 30),
                       manual_actual=1)
    late = _indicator(plan, label="信息报送", target=2, unit="篇", manual_actual=1)
    today = datetime.date(2026, 7, 1)
    assert _row(plan, early, today).status == MISSED
    assert _row(plan, late, today).status == ON_TRACK  # 1 ≥ 0.9 × 2 × 182/365


def test_it_uses_the_half_years_bounds(world):
    half = Plan.objects.create(node=world.union_a, path=world.union_a.path, year=2026, half=Half.FIRST)
    indicator = _indicator(half, target=6, manual_actual=2)
    row = _row(half, indicator, datetime.date(2026, 4, 1))  # 91 of 181 days
    assert row.deadline == datetime.date(2026, 6, 30)
    assert row.status == AT_RISK  # 2 < 0.9 × 6 × 91/181 = 2.71
    assert _row(half, indicator, datetime.date(2026, 7, 1)).status == MISSED


# --- actual values ---------------------------------------------------------------------------------------------

def test_it_computes_the_actual_from_the_metric_and_each_metric_once(world, plan):
    for index in range(3):
        make_member(world.union_a, f"会员{index}", female=index < 2)
    make_member(world.union_b, "乙会员")  # outside the plan's node
    first = _indicator(plan, metric="b2test.members", label="会员", target=4, unit="人")
    again = _indicator(plan, metric="b2test.members", label="会员（再列一次）", target=2, unit="人")
    share = _indicator(plan, metric="b2test.women_share", label="女会员占比", target=50, unit="%",
                       section=Section.WOMEN)
    rows = {r.indicator.pk: r for r in indicator_rows(plan, today=MID_YEAR)}
    independent = Member.objects.filter(union__in=[world.union_a, world.group_a]).count()
    assert rows[first.pk].actual == independent == 3
    assert rows[first.pk].actual == contrib.metric("b2test.members").compute(world.union_a,
                                                                             contrib.Period(2026))
    assert rows[first.pk].status == ON_TRACK and rows[again.pk].status == MET
    women = Member.objects.filter(path__under=world.union_a.path, gender="F").count()
    assert rows[share.pk].actual == Decimal(women * 100 / 3).quantize(Decimal("0.01")) == Decimal("66.67")
    assert rows[share.pk].status == MET and rows[share.pk].computed
    assert "女会员占比" in rows[share.pk].source
    assert Calls.counts == {"b2test.members": 2, "b2test.women_share": 1}  # once per metric + the direct call


def test_it_shows_no_data_for_a_metric_that_is_not_registered(world, plan):
    gone = _indicator(plan, metric="funds.no_such_figure", label="经费执行率", target=90, unit="%")
    empty = _indicator(plan, metric="b2test.women_share", label="女会员占比", target=50, unit="%")  # 0 members
    rows = {r.indicator.pk: r for r in indicator_rows(plan, today=MID_YEAR)}
    assert rows[gone.pk].status == NO_DATA and rows[gone.pk].metric_missing
    assert rows[gone.pk].status_label == "口径不可用" and "funds.no_such_figure" in rows[gone.pk].source
    assert rows[empty.pk].status == NO_DATA and rows[empty.pk].actual is None
    assert rows[empty.pk].status_label == "暂无数据"


def test_it_shows_a_hand_entered_value_with_who_entered_it_and_its_evidence(world, plan):
    indicator = _indicator(plan, label="信息报送", target=2, unit="篇", section=Section.PUBLICITY)
    row = _row(plan, indicator, MID_YEAR)
    assert row.status == NO_DATA and not row.computed
    services.indicator_record_actual(actor=world.chair_a, indicator=indicator, value="2", note="区工会网站录用2篇")
    services.evidence_add(actor=world.chair_a, indicator=indicator,
                          upload=SimpleUploadedFile("录用通知.png", PNG, "image/png"))
    row = _row(plan, indicator, MID_YEAR)
    assert row.actual == 2 and row.status == MET and row.evidence_count == 1
    assert "甲主席" in row.source and row.target_text == "≥ 2篇"
    with pytest.raises(ValidationError) as error:
        services.evidence_add(actor=world.chair_a, indicator=indicator,
                              upload=SimpleUploadedFile("通知.pdf", b"MZ\x90\x00", "application/pdf"))
    assert error.value.messages == ["通知.pdf 不是真正的 PDF 文件：内容与文件名不符。"]
    assert Attachment.objects.filter(object_id=indicator.pk).count() == 1


# --- writes ----------------------------------------------------------------------------------------------------

def test_it_creates_an_indicator_from_a_metric_with_its_defaults(world, plan):
    indicator = services.indicator_create(actor=world.chair_a, plan=plan, metric="b2test.women_share")
    assert (indicator.label, indicator.unit, indicator.section, indicator.target) == (
        "女会员占比", "%", Section.WOMEN, Decimal(50))
    assert AuditEntry.objects.filter(object_id=str(indicator.pk), action=AuditEntry.Action.CREATE).exists()
    item = PlanItem.objects.create(plan=plan, section=Section.CULTURE, title="开展文体活动")
    hand = services.indicator_create(actor=world.chair_a, plan=plan, label="开展活动", target="12", unit="次",
                                     section=Section.CULTURE, item=item, deadline=datetime.date(2026, 11, 30))
    assert hand.order == indicator.order + 1 and hand.item == item and not hand.metric


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"metric": "nope.nothing"}, "metric", "nope.nothing"),
    ({"metric": "b2test.women_share", "target": "101"}, "target", "100"),
    ({"label": "活动", "section": Section.CULTURE, "target": "-1"}, "target", "负"),
    ({"label": "活动", "section": Section.CULTURE, "target": "abc"}, "target", "abc"),
    ({"label": "活动", "section": Section.CULTURE}, "target", "目标"),
    ({"label": "", "section": Section.CULTURE, "target": "3"}, "label", ""),
    ({"label": "活动", "section": Section.CULTURE, "target": "3", "deadline": datetime.date(2027, 1, 5)},
     "deadline", "2026-12-31"),
])
def test_it_refuses_a_bad_indicator_in_plain_chinese(world, plan, fields, field, message):
    with pytest.raises(ValidationError) as error:
        services.indicator_create(actor=world.chair_a, plan=plan, **fields)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Indicator.objects.exists()


def test_it_refuses_an_item_of_another_plan_or_already_measured(world, plan):
    other = Plan.objects.create(node=world.union_a, path=world.union_a.path, year=2025)
    foreign = PlanItem.objects.create(plan=other, section=Section.CULTURE, title="去年的活动")
    with pytest.raises(ValidationError) as error:
        services.indicator_create(actor=world.chair_a, plan=plan, label="x", section=Section.CULTURE, target=1,
                                  item=foreign)
    assert "item" in error.value.message_dict
    item = PlanItem.objects.create(plan=plan, section=Section.CULTURE, title="活动")
    services.indicator_create(actor=world.chair_a, plan=plan, label="x", section=Section.CULTURE, target=1, item=item)
    with pytest.raises(ValidationError) as error:
        services.indicator_create(actor=world.chair_a, plan=plan, label="y", section=Section.CULTURE, target=1,
                                  item=item)
    assert "已有" in " ".join(error.value.message_dict["item"])


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED])
def test_it_freezes_the_indicators_of_a_submitted_or_accepted_plan_but_records_progress(world, plan, status):
    indicator = _indicator(plan, label="信息报送", target=2, unit="篇")
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    indicator.refresh_from_db()
    for write in (lambda: services.indicator_create(actor=world.chair_a, plan=plan, label="x",
                                                    section=Section.CULTURE, target=1),
                  lambda: services.indicator_update(actor=world.chair_a, indicator=indicator, target=5),
                  lambda: services.indicator_delete(actor=world.chair_a, indicator=indicator)):
        with pytest.raises(ValidationError) as error:
            write()
        assert "草稿" in error.value.messages[0]
    indicator.refresh_from_db()
    assert indicator.target == 2 and Indicator.objects.count() == 1
    services.indicator_record_actual(actor=world.chair_a, indicator=indicator, value=1, note="已报送1篇")
    indicator.refresh_from_db()
    assert indicator.manual_actual == 1 and indicator.manual_updated_by == world.chair_a


def test_it_refuses_a_hand_entered_value_on_a_computed_indicator_or_without_a_note(world, plan):
    computed = _indicator(plan, metric="b2test.members", label="会员", target=4, unit="人")
    with pytest.raises(ValidationError):
        services.indicator_record_actual(actor=world.chair_a, indicator=computed, value=3, note="手填")
    hand = _indicator(plan, label="覆盖率", target=100, unit="%")
    with pytest.raises(ValidationError) as error:
        services.indicator_record_actual(actor=world.chair_a, indicator=hand, value=3, note=" ")
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.indicator_record_actual(actor=world.chair_a, indicator=hand, value=120, note="超了")
    assert "value" in error.value.message_dict
    assert Indicator.objects.filter(manual_actual__isnull=False).count() == 0


def test_it_updates_and_deletes_an_indicator_with_its_files_and_audit(world, plan):
    indicator = services.indicator_create(actor=world.chair_a, plan=plan, label="开展活动", target=12, unit="次",
                                          section=Section.CULTURE)
    services.indicator_update(actor=world.chair_a, indicator=indicator, target=Decimal(10), label="开展文体活动")
    indicator.refresh_from_db()
    assert (indicator.label, indicator.target) == ("开展文体活动", 10)
    update = AuditEntry.objects.get(object_id=str(indicator.pk), action=AuditEntry.Action.UPDATE)
    assert update.changes["target"][0] == "12.00" and Decimal(update.changes["target"][1]) == 10
    services.evidence_add(actor=world.chair_a, indicator=indicator, upload=SimpleUploadedFile("a.png", PNG))
    pk = indicator.pk
    services.indicator_delete(actor=world.chair_a, indicator=indicator)
    assert not Indicator.objects.exists() and not Attachment.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(pk), action=AuditEntry.Action.DELETE).exists()


# --- pages -----------------------------------------------------------------------------------------------------

def test_it_shows_the_panel_as_a_fragment_and_as_a_page(client, world, plan):
    _indicator(plan, metric="b2test.members", label="会员人数", target=1, unit="人")
    _indicator(plan, label="信息报送", target=2, unit="篇", manual_actual=0)
    make_member(world.union_a, "会员甲")
    client.force_login(world.chair_a)
    url = reverse("plans:indicator_panel", args=[plan.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert 'data-status="met"' in text and "会员人数" in text and "text-bg-success" in text
    assert reverse("plans:indicator_create", args=[plan.pk]) in text
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    client.force_login(world.readonly_leader)
    readonly = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "会员人数" in readonly and reverse("plans:indicator_create", args=[plan.pk]) not in readonly


def test_it_answers_the_panel_in_a_fixed_number_of_queries(client, world, plan):
    client.force_login(world.chair_a)
    url = reverse("plans:indicator_panel", args=[plan.pk])
    _indicator(plan, label="信息报送", target=2, unit="篇", manual_actual=1, manual_updated_by=world.chair_a)
    _indicator(plan, metric="b2test.members", label="会员人数", target=1, unit="人")
    client.get(url, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers={"HX-Request": "true"})
    for index in range(6):
        indicator = _indicator(plan, label=f"手填{index}", target=2, unit="篇", manual_actual=1,
                               manual_updated_by=world.street_admin)
        services.evidence_add(actor=world.chair_a, indicator=indicator, upload=SimpleUploadedFile("a.png", PNG))
        _indicator(plan, metric="b2test.members", label=f"会员{index}", target=1, unit="人")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.content.decode().count('data-testid="indicator-row"') == 14
    assert len(many) == len(few)


def test_it_adds_an_indicator_through_the_form(client, world, plan):
    client.force_login(world.chair_a)
    url = reverse("plans:indicator_create", args=[plan.pk])
    page = client.get(url).content.decode()
    assert 'data-target="50"' in page and "女会员占比" in page and "会员人数" in page
    response = client.post(url, {"metric": "b2test.women_share", "label": "女会员占比", "section": "women",
                                 "comparator": "gte", "target": "60", "unit": "", "deadline": "", "item": ""})
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.metric, indicator.unit, indicator.target) == ("b2test.women_share", "%", 60)
    bad = client.post(url, {"metric": "", "label": "信息报送", "section": "publicity", "comparator": "gte",
                            "target": "2", "unit": "篇", "deadline": "2027-03-01", "item": ""})
    assert bad.status_code == 200 and "2026-12-31" in bad.content.decode()
    assert Indicator.objects.count() == 1


def test_it_records_a_value_and_evidence_through_the_pages(client, world, plan):
    indicator = _indicator(plan, label="信息报送", target=2, unit="篇")
    client.force_login(world.chair_a)
    response = client.post(reverse("plans:indicator_record", args=[indicator.pk]), {"value": "3", "note": "录用3篇"})
    assert response.status_code == 302
    upload = reverse("plans:indicator_evidence_upload", args=[indicator.pk])
    client.post(upload, {"file": SimpleUploadedFile("录用.png", PNG, "image/png"), "caption": "录用通知"})
    bad = client.post(upload, {"file": SimpleUploadedFile("病毒.exe", b"MZ", "application/octet-stream")},
                      follow=True)
    assert "病毒.exe 不是照片（JPG、PNG、GIF、WebP）或文件" in bad.content.decode()
    detail = client.get(reverse("plans:indicator_detail", args=[indicator.pk])).content.decode()
    assert "录用3篇" in detail and "3篇" in detail and "已完成" in detail
    attachment = Attachment.objects.get()
    assert client.get(reverse("plans:indicator_evidence_file", args=[attachment.pk])).status_code == 200
    client.force_login(world.readonly_leader)
    assert client.get(reverse("plans:indicator_evidence_file", args=[attachment.pk])).status_code == 200
    assert client.post(reverse("plans:indicator_evidence_delete", args=[attachment.pk])).status_code == 403
    client.force_login(world.chair_a)
    client.post(reverse("plans:indicator_evidence_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()


def test_it_shows_a_frozen_plan_without_edit_forms(client, world, plan):
    indicator = _indicator(plan, label="信息报送", target=2, unit="篇")
    Plan.objects.filter(pk=plan.pk).update(status=ReviewStatus.ACCEPTED)
    client.force_login(world.chair_a)
    page = client.get(reverse("plans:indicator_edit", args=[indicator.pk])).content.decode()
    assert 'data-testid="plan-frozen"' in page and 'data-testid="indicator-form"' not in page
    client.post(reverse("plans:indicator_edit", args=[indicator.pk]),
                {"metric": "", "label": "改了", "section": "publicity", "comparator": "gte", "target": "9",
                 "unit": "篇"})
    client.post(reverse("plans:indicator_delete", args=[indicator.pk]))
    indicator.refresh_from_db()
    assert indicator.label == "信息报送"
    panel = client.get(reverse("plans:indicator_panel", args=[plan.pk]), headers={"HX-Request": "true"})
    assert reverse("plans:indicator_edit", args=[indicator.pk]) not in panel.content.decode()
    assert reverse("plans:indicator_record", args=[indicator.pk]) in panel.content.decode()


def test_it_denies_the_outsider_every_indicator_page(client, world, plan):
    indicator = _indicator(plan, label="信息报送", target=2, unit="篇")
    attachment = services.evidence_add(actor=world.chair_a, indicator=indicator,
                                       upload=SimpleUploadedFile("a.png", PNG))
    client.force_login(world.chair_b)
    for name, pk in [("indicator_panel", plan.pk), ("indicator_create", plan.pk), ("indicator_detail", indicator.pk),
                     ("indicator_edit", indicator.pk), ("indicator_delete", indicator.pk),
                     ("indicator_record", indicator.pk), ("indicator_evidence_file", attachment.pk)]:
        assert client.get(reverse(f"plans:{name}", args=[pk])).status_code == 404, name
    for name, pk in [("indicator_evidence_upload", indicator.pk), ("indicator_evidence_delete", attachment.pk),
                     ("indicator_delete", indicator.pk), ("indicator_record", indicator.pk)]:
        assert client.post(reverse(f"plans:{name}", args=[pk]), {"value": "9", "note": "x"}).status_code == 404
    assert Indicator.objects.get().manual_actual is None and Attachment.objects.count() == 1
    client.force_login(world.member)
    assert client.get(reverse("plans:indicator_panel", args=[plan.pk])).status_code == 404


def test_it_writes_nothing_for_an_unknown_comparator(world, plan):
    with pytest.raises(ValidationError):
        services.indicator_create(actor=world.chair_a, plan=plan, label="x", section=Section.CULTURE, target=1,
                                  comparator="between")
    assert not Indicator.objects.exists()
    assert Comparator.AT_MOST == "lte"


def test_it_computes_the_domains_metrics_like_an_independent_count(world):
    """The metrics of orgs and members (B1) through an indicator: the same as their compute and as a count of
    the records made here."""
    for code, founded in [("N1", datetime.date(2026, 3, 1)), ("N2", datetime.date(2026, 5, 1)),
                          ("N0", datetime.date(2025, 12, 1))]:
        make_node(world.street_a, Level.GRASSROOTS_UNION, code, f"{code}工会", founded_on=founded)
    make_node(world.street_b, Level.GRASSROOTS_UNION, "NB", "乙新工会", founded_on=datetime.date(2026, 4, 1))
    for name, joined, union in [("新甲", datetime.date(2026, 2, 1), world.union_a),
                                ("新乙", datetime.date(2026, 8, 1), world.joint_a),
                                ("老丙", datetime.date(2025, 6, 1), world.union_a),
                                ("外丁", datetime.date(2026, 3, 1), world.union_b)]:
        make_member(union, name, join_date=joined)
    plan = Plan.objects.create(node=world.street_a, path=world.street_a.path, year=2026)
    unions = services.indicator_create(actor=world.street_admin, plan=plan, metric="orgs.new_unions")
    members = services.indicator_create(actor=world.street_admin, plan=plan, metric="members.new_members", target=10)
    rate = services.indicator_create(actor=world.street_admin, plan=plan, metric="orgs.founding_rate")
    rows = {r.indicator.pk: r for r in indicator_rows(plan, today=MID_YEAR)}
    period = contrib.Period(2026)
    assert rows[unions.pk].actual == 2 == OrgNode.objects.filter(
        path__under=world.street_a.path, founded_on__year=2026).count()
    assert rows[unions.pk].status == MET and unions.target == 2  # the metric's default target
    assert rows[members.pk].actual == 2 == Member.objects.filter(
        path__under=world.street_a.path, join_date__year=2026).count()
    assert rows[members.pk].status == AT_RISK  # 2 < 0.9 × 10 × 182/365
    for indicator in (unions, members, rate):
        assert rows[indicator.pk].actual == contrib.metric(indicator.metric).compute(world.street_a, period)
    assert rows[rate.pk].actual is not None and rows[rate.pk].computed
