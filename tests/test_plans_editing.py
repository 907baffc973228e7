"""Drafting and editing plans (issue 5 §1 and the applying of §2's suggestions): templates, copying last
year's plan, suggestions applied once, edits refused on a submitted plan, the item pages and the calendar."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Level
from gonghui.plans import catalog, contrib, services
from gonghui.plans.models import (
    Indicator,
    Plan,
    PlanItem,
    PlanItemLink,
    PlanTemplate,
    ReviewStatus,
    Section,
    Timing,
)
from gonghui.plans.timing import occurrences, validate_timing

from .conftest import VALID_CODES, make_node

D = datetime.date


class FakeRules(contrib.Contribution):
    """Two suggestions for every node: a congress in March and a report by 30 September."""

    domain = "test_plans_editing"

    def suggestions(self, node, year):
        return [
            contrib.Suggestion(key=f"test.congress:{node.pk}:{year}", section=Section.DEMOCRACY,
                               title="召开会员代表大会", source="《工会法》：每年至少召开一次",
                               timing=contrib.SuggestedTiming(timing=Timing.MONTHS, months=(3,)),
                               responsible_role="chair", evidence="activities.activity:meeting"),
            contrib.Suggestion(key=f"test.report:{node.pk}:{year}", section=Section.PUBLICITY,
                               title="报送年度信息", source="上级工会通知",
                               timing=contrib.SuggestedTiming(timing=Timing.DATE, due_on=D(year, 9, 30))),
        ]


@pytest.fixture
def rules():
    contrib.contributions()  # discover the real ones first, so ours is added to them
    contrib.register(FakeRules())
    yield
    contrib._registry.pop(FakeRules.domain, None)


def _ours(suggestions) -> list[str]:
    return [s.key for s in suggestions if s.key.startswith("test.")]


def _keys(node, year=2026):
    return [f"test.congress:{node.pk}:{year}", f"test.report:{node.pk}:{year}"]


# ------------------------------------------------------------------------------------------------ templates

def test_it_guesses_the_template_from_the_node(world):
    assert catalog.default_template(world.county) == PlanTemplate.FEDERATION
    assert catalog.default_template(world.street_a) == PlanTemplate.FEDERATION
    assert catalog.default_template(world.union_a) == PlanTemplate.SCHOOL
    assert catalog.default_template(world.group_a) == PlanTemplate.SCHOOL
    assert catalog.default_template(world.union_b) == PlanTemplate.HOSPITAL
    assert catalog.default_template(world.joint_a) == PlanTemplate.COMMUNITY
    kindergarten = make_node(world.street_a, Level.GRASSROOTS_UNION, "UK", "阳光幼儿园工会")
    org_services.unit_create(actor=None, name="阳光幼儿园", credit_code=VALID_CODES[4], kind="public_institution",
                             ownership="non_profit", industry="P", staff_count=30, women_count=28,
                             area_node=world.street_a, covering_union=kindergarten)
    assert catalog.default_template(kindergarten) == PlanTemplate.KINDERGARTEN
    factory = make_node(world.street_a, Level.GRASSROOTS_UNION, "UF", "丁厂工会")
    org_services.unit_create(actor=None, name="丁厂", credit_code=VALID_CODES[5], kind="enterprise",
                             ownership="private", industry="C", staff_count=80, women_count=20,
                             area_node=world.street_a, covering_union=factory)
    assert catalog.default_template(factory) == PlanTemplate.ENTERPRISE


def test_it_names_only_known_records_and_metrics_in_the_templates():
    sources, metrics = contrib.evidence_sources(), contrib.metrics()
    for template in catalog.TEMPLATES.values():
        for entry in template.items:
            if entry.evidence:
                key, _sep, kind = entry.evidence.partition(":")
                assert key in sources, (template.key, entry.title)
                assert not kind or kind in dict(sources[key].kinds), (template.key, entry.title)
        for _section, indicator, _entry in template.all_indicators():
            assert not indicator.metric or indicator.metric in metrics, (template.key, indicator.label)


@pytest.mark.parametrize("template", PlanTemplate.values)
def test_it_drafts_a_plan_from_each_template(world, template, settings):
    settings.GONGHUI_PLANS = {**settings.GONGHUI_PLANS, "INFO_REPORTS_PER_YEAR": 3}
    plan = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, template=template)
    chosen = catalog.template(template)
    items = list(plan.items.order_by("order"))
    assert [item.title for item in items] == [entry.title for entry in chosen.items]
    assert plan.template == template and plan.foreword == chosen.foreword
    assert plan.title == "甲中学工会2026年工作计划"
    assert {item.section for item in items} >= {Section.ORGANISATION, Section.CARE, Section.CULTURE,
                                                Section.WOMEN, Section.PUBLICITY, Section.SELF}
    for item in items:  # every 时限 is valid in the plan's year and falls due at least once
        validate_timing(timing=item.timing, due_on=item.due_on, months=item.months, quarters=item.quarters,
                        start=plan.start, end=plan.end)
        assert occurrences(timing=item.timing, due_on=item.due_on, months=item.months, quarters=item.quarters,
                           start=plan.start, end=plan.end), item.title
    indicators = list(plan.indicators.select_related("item"))
    assert len(indicators) == len(chosen.all_indicators())
    reports = next(indicator for indicator in indicators if indicator.label == "信息报送")
    assert (reports.metric, reports.target, reports.unit) == ("", Decimal(3), "篇")
    assert reports.item is not None and reports.item.section == Section.PUBLICITY
    assert all(indicator.section == indicator.item.section for indicator in indicators if indicator.item)
    assert AuditEntry.objects.filter(action="create", content_type__model__in=["planitem", "indicator"],
                                     org_path=plan.path).count() == len(items) + len(indicators)


def test_it_keeps_only_the_items_due_in_a_half_year(world):
    plan = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, half=2,
                                template=PlanTemplate.SCHOOL)
    titles = set(plan.items.values_list("title", flat=True))
    assert "召开教职工代表大会" not in titles  # March
    assert {"开展教师节慰问", "开展教职工文体活动", "举办教职工运动会"} <= titles  # September, monthly, November
    festival = plan.items.get(title="开展节日慰问")
    assert festival.months == [9]  # 1, 6, 9 → 9 in the second half
    assert plan.title == "甲中学工会2026年下半年工作计划"


def test_it_refuses_a_second_plan_for_the_same_period(world):
    services.plan_create(actor=world.chair_a, node=world.union_a, year=2026)
    with pytest.raises(ValidationError) as caught:
        services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, template=PlanTemplate.SCHOOL)
    assert "甲中学工会" in caught.value.message_dict["year"][0] and "2026年" in caught.value.message_dict["year"][0]
    assert Plan.objects.count() == 1 and PlanItem.objects.count() == 0
    services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, half=1)  # a half-year is another


@pytest.mark.parametrize(("year", "half", "field"), [(1999, 0, "year"), ("二〇二六", 0, "year"), (2026, 3, "half")])
def test_it_refuses_a_wrong_period(world, year, half, field):
    with pytest.raises(ValidationError) as caught:
        services.plan_create(actor=world.chair_a, node=world.union_a, year=year, half=half)
    assert field in caught.value.message_dict
    assert not Plan.objects.exists()


# ------------------------------------------------------------------------------------------------- copying

def test_it_copies_last_years_plan_with_dates_moved_and_without_the_records(world):
    old = services.plan_create(actor=world.chair_a, node=world.union_a, year=2024, foreword="去年的指导思想")
    dated = services.item_create(actor=world.chair_a, plan=old, section=Section.FUNDS, title="报送经费决算",
                                 timing=Timing.DATE, due_on=D(2024, 2, 29), responsible_name="李会计")
    monthly = services.item_create(actor=world.chair_a, plan=old, section=Section.CULTURE, title="文体活动",
                                   timing=Timing.MONTHLY, evidence="activities.activity:sports_culture")
    Indicator.objects.create(plan=old, item=monthly, section=Section.CULTURE, metric="activities.activities",
                             label="开展活动", target=12, unit="次")
    Indicator.objects.create(plan=old, section=Section.PUBLICITY, label="信息报送", target=2, unit="篇",
                             deadline=D(2024, 11, 30), manual_actual=5, manual_note="报了五篇")
    PlanItemLink.objects.create(item=monthly, source="activities.activity", object_id=1, on=D(2024, 5, 1),
                                label="五一登山")
    assert services.previous_plan(world.union_a, 2025) == old

    plan = services.plan_create(actor=world.chair_a, node=world.union_a, year=2025, copy_from=old)
    assert plan.copied_from == old and plan.foreword == "去年的指导思想"
    items = {item.title: item for item in plan.items.all()}
    assert items["报送经费决算"].due_on == D(2025, 2, 28) and items["报送经费决算"].responsible_name == "李会计"
    assert items["文体活动"].timing == Timing.MONTHLY and items["文体活动"].evidence == dated.plan.items.get(
        pk=monthly.pk).evidence
    assert not PlanItemLink.objects.filter(item__plan=plan).exists()
    indicators = {indicator.label: indicator for indicator in plan.indicators.all()}
    assert indicators["开展活动"].item == items["文体活动"] and indicators["开展活动"].target == 12
    assert indicators["信息报送"].deadline == D(2025, 11, 30) and indicators["信息报送"].target == 2
    assert indicators["信息报送"].manual_actual is None and indicators["信息报送"].manual_note == ""
    assert old.items.count() == 2 and old.indicators.count() == 2  # last year's plan untouched


def test_it_copies_only_an_earlier_plan_of_the_same_node_and_period(world):
    other = services.plan_create(actor=world.street_admin, node=world.joint_a, year=2025)
    with pytest.raises(ValidationError):
        services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, copy_from=other)
    half = services.plan_create(actor=world.chair_a, node=world.union_a, year=2025, half=1)
    with pytest.raises(ValidationError):
        services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, copy_from=half)
    assert not Plan.objects.filter(year=2026).exists()


# --------------------------------------------------------------------------------------------- suggestions

def test_it_adds_the_chosen_suggestions_once_with_their_source(world, rules):
    plan = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026,
                                suggestions=_keys(world.union_a)[:1])
    congress = plan.items.get()
    assert (congress.title, congress.suggestion_key, congress.source) == (
        "召开会员代表大会", _keys(world.union_a)[0], "《工会法》：每年至少召开一次")
    assert (congress.section, congress.timing, congress.months, congress.responsible_role, congress.evidence) == (
        Section.DEMOCRACY, Timing.MONTHS, [3], "chair", "activities.activity:meeting")
    assert _ours(services.remaining_suggestions(plan)) == _keys(world.union_a)[1:]

    made = services.suggestions_apply(actor=world.chair_a, plan=plan, keys=_keys(world.union_a))
    assert [item.title for item in made] == ["报送年度信息"]
    assert made[0].due_on == D(2026, 9, 30)
    assert services.suggestions_apply(actor=world.chair_a, plan=plan, keys=_keys(world.union_a)) == []
    assert plan.items.count() == 2 and _ours(services.remaining_suggestions(plan)) == []
    with pytest.raises(ValidationError):
        services.suggestions_apply(actor=world.chair_a, plan=plan, keys=["test.unknown:1:2026"])
    assert plan.items.count() == 2


def test_it_offers_a_half_year_only_the_suggestions_due_in_it(world, rules):
    first = services.fitting_suggestions(world.union_a, 2026, 1)
    second = services.fitting_suggestions(world.union_a, 2026, 2)
    assert _ours(first) == _keys(world.union_a)[:1]
    assert _ours(second) == _keys(world.union_a)[1:]


def test_it_applies_suggestions_through_the_pages(client, world, rules):
    client.force_login(world.chair_a)
    page = client.get(reverse("plans:plan_create", args=[world.union_a.pk]), {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert "召开会员代表大会" in html and "《工会法》：每年至少召开一次" in html
    for key in _keys(world.union_a):  # proposed, checked
        assert re.search(rf'name="suggestions" value="{re.escape(key)}" id="[^"]+" checked', html), key
    response = client.post(reverse("plans:plan_create", args=[world.union_a.pk]), {
        "year": 2026, "half": 0, "title": "", "start": "blank", "template": "school",
        "suggestions": _keys(world.union_a)[:1]})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    assert list(plan.items.values_list("suggestion_key", flat=True)) == _keys(world.union_a)[:1]

    detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("plans:plan_suggestions", args=[plan.pk]) in detail
    panel = client.get(reverse("plans:plan_suggestions", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert "报送年度信息" in panel.content.decode() and "召开会员代表大会" not in panel.content.decode()
    added = client.post(reverse("plans:plan_suggestions", args=[plan.pk]),
                        {"suggestions": _keys(world.union_a)}, HTTP_HX_REQUEST="true")
    assert added.status_code == 204 and added["HX-Redirect"] == reverse("plans:plan_detail", args=[plan.pk])
    assert plan.items.count() == 2
    again = client.post(reverse("plans:plan_suggestions", args=[plan.pk]), {"suggestions": _keys(world.union_a)})
    assert again.status_code == 302 and plan.items.count() == 2


# ------------------------------------------------------------------------------------------ create page

def test_it_drafts_from_the_default_template_or_copies_last_year_through_the_page(client, world):
    client.force_login(world.chair_a)
    url = reverse("plans:plan_create", args=[world.union_a.pk])
    page = client.get(url, {"year": 2025}).content.decode()
    assert 'value="school" selected' in page and 'value="template" checked' in page
    response = client.post(url, {"year": 2025, "half": 0, "start": "template", "template": "school"})
    plan = Plan.objects.get(year=2025)
    assert response.status_code == 302 and plan.items.count() == len(catalog.SCHOOL.items)

    page = client.get(url, {"year": 2026}).content.decode()
    assert 'value="copy" checked' in page and "2025年" in page
    client.post(url, {"year": 2026, "half": 0, "start": "copy"})
    copy = Plan.objects.get(year=2026)
    assert copy.copied_from == plan and copy.items.count() == plan.items.count()

    again = client.post(url, {"year": 2026, "half": 0, "start": "blank"})
    assert again.status_code == 200 and "已" in again.content.decode()
    assert Plan.objects.count() == 2


# ------------------------------------------------------------------------------------------------ editing

@pytest.fixture
def plan(world):
    return services.plan_create(actor=world.chair_a, node=world.union_a, year=2026)


def _item(plan, title="工会小组活动", section=Section.CULTURE, **fields):
    return services.item_create(actor=None, plan=plan, section=section, title=title,
                                **{"timing": Timing.QUARTERLY, **fields})


def test_it_adds_edits_moves_and_removes_items(world, plan):
    first = _item(plan, "第一项")
    second = _item(plan, "第二项")
    other = _item(plan, "经费预算", Section.FUNDS, timing=Timing.MONTHS, months=[1])
    assert [i.title for i in plan.items.filter(section=Section.CULTURE).order_by("order", "pk")] == ["第一项", "第二项"]
    services.item_move(actor=world.chair_a, item=second, direction="up")
    assert [i.title for i in plan.items.filter(section=Section.CULTURE).order_by("order", "pk")] == ["第二项", "第一项"]
    services.item_move(actor=world.chair_a, item=second, direction="up")  # already first: nothing moves
    assert [i.title for i in plan.items.filter(section=Section.CULTURE).order_by("order", "pk")] == ["第二项", "第一项"]
    other.refresh_from_db()
    assert other.section == Section.FUNDS

    item = services.item_update(actor=world.chair_a, item=first, section=Section.CULTURE, title="第一项（改）",
                                timing=Timing.DATE, due_on=D(2026, 6, 30), months=[3], responsible_name="张老师")
    assert (item.title, item.due_on, item.months, item.quarters) == ("第一项（改）", D(2026, 6, 30), [], [])
    with pytest.raises(ValidationError) as caught:
        services.item_update(actor=world.chair_a, item=first, section=Section.CULTURE, title="第一项",
                             timing=Timing.MONTHS, months=[])
    assert "months" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.item_create(actor=world.chair_a, plan=plan, section="nonsense", title=" ")
    assert {"section", "title"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        _item(plan, "查无此类", evidence="activities.nothing")
    assert "evidence" in caught.value.message_dict
    services.item_delete(actor=world.chair_a, item=second)
    assert not PlanItem.objects.filter(pk=second.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(second.pk)).exists()
    assert AuditEntry.objects.filter(action="move", org_path=plan.path).exists()


def test_it_refuses_every_edit_of_a_submitted_plan(client, world, plan, rules):
    item = _item(plan, "不可改")
    Plan.objects.filter(pk=plan.pk).update(status=ReviewStatus.SUBMITTED)
    plan.refresh_from_db()
    item.refresh_from_db()
    attempts = [
        lambda: services.plan_update(actor=world.chair_a, plan=plan, title="改标题"),
        lambda: _item(plan, "新的一项"),
        lambda: services.item_update(actor=world.chair_a, item=item, section=Section.CULTURE, title="改了"),
        lambda: services.item_delete(actor=world.chair_a, item=item),
        lambda: services.item_move(actor=world.chair_a, item=item, direction="down"),
        lambda: services.suggestions_apply(actor=world.chair_a, plan=plan, keys=_keys(world.union_a)),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert "已报送" in " ".join(caught.value.messages) and "不能再修改" in " ".join(caught.value.messages)
    client.force_login(world.chair_a)
    before = AuditEntry.objects.count()
    for name, target, body in [("plans:plan_edit", plan, {"title": "改"}),
                               ("plans:item_create", plan, {"section": "culture", "title": "新", "timing": "yearly"}),
                               ("plans:item_edit", item, {"section": "culture", "title": "改", "timing": "yearly"}),
                               ("plans:item_delete", item, {}), ("plans:item_move", item, {"direction": "up"}),
                               ("plans:plan_suggestions", plan, {"suggestions": _keys(world.union_a)})]:
        response = client.post(reverse(name, args=[target.pk]), body)
        assert response.status_code == 302, name
    assert AuditEntry.objects.count() == before
    assert list(plan.items.values_list("title", flat=True)) == ["不可改"] and Plan.objects.get().title == plan.title
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("plans:item_edit", args=[item.pk]) not in detail
    # returned for changes: editable again
    Plan.objects.filter(pk=plan.pk).update(status=ReviewStatus.RETURNED)
    plan.refresh_from_db()
    assert _item(plan, "退回后补充").plan == plan


def test_it_edits_items_through_htmx_fragments_and_full_pages(client, world, plan):
    client.force_login(world.chair_a)
    url = reverse("plans:item_create", args=[plan.pk])
    fragment = client.get(url, {"section": "women"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    assert b'value="women" selected' in fragment.content
    assert b"<html" in client.get(url).content
    wrong = client.post(url, {"section": "women", "title": "三八节活动", "timing": "months"},
                        HTTP_HX_REQUEST="true")
    assert wrong.status_code == 200 and b'id="id_months_error"' in wrong.content
    assert not plan.items.exists()
    done = client.post(url, {"section": "women", "title": "三八节活动", "timing": "months", "months": ["3"],
                             "responsible_role": "women_director",
                             "evidence": "activities.activity:festival"}, HTTP_HX_REQUEST="true")
    item = plan.items.get()
    assert done.status_code == 204 and done["HX-Redirect"].endswith(f"#item-{item.pk}")
    assert (item.months, item.responsible_role, item.evidence) == (
        [3], "women_director", "activities.activity:festival")
    edit = reverse("plans:item_edit", args=[item.pk])
    assert re.search(r'name="months" value="3" id="[^"]+" checked', client.get(edit, HTTP_HX_REQUEST="true")
                     .content.decode())
    saved = client.post(edit, {"section": "women", "title": "三八节系列活动", "timing": "monthly"})
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.timing, item.months) == ("三八节系列活动", Timing.MONTHLY, [])
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "三八节系列活动" in detail and "每月" in detail and 'data-testid="item-progress"' in detail
    # from the plan's own page, htmx reloads it (a redirect to the same page and another #anchor would only scroll)
    removed = client.post(reverse("plans:item_delete", args=[item.pk]), HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver" + reverse("plans:plan_detail", args=[plan.pk]))
    assert removed.status_code == 204 and removed["HX-Refresh"] == "true" and "HX-Redirect" not in removed
    assert not plan.items.exists()


def test_it_lets_a_reader_look_but_not_change(client, world, plan):
    item = _item(plan)
    client.force_login(world.readonly_leader)
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan_calendar", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan_list", args=[world.union_a.pk])).status_code == 200
    for name, target in [("plans:plan_create", world.union_a), ("plans:plan_edit", plan), ("plans:item_create", plan),
                         ("plans:item_edit", item), ("plans:plan_suggestions", plan)]:
        assert client.get(reverse(name, args=[target.pk])).status_code == 403, name
    for name in ("plans:item_delete", "plans:item_move"):
        assert client.post(reverse(name, args=[item.pk]), {"direction": "up"}).status_code == 403, name
    assert plan.items.count() == 1


# ------------------------------------------------------------------------------------------------ calendar

def test_it_lays_the_plan_out_month_by_month(client, world, plan):
    _item(plan, "每月文体活动", timing=Timing.MONTHLY)
    _item(plan, "季度委员会议", Section.SELF, timing=Timing.QUARTERLY)
    _item(plan, "第三季度培训", Section.SELF, timing=Timing.QUARTERS, quarters=[3])
    _item(plan, "教代会", Section.DEMOCRACY, timing=Timing.YEARLY, months=[3], responsible_name="林晓梅")
    _item(plan, "年度总结", Section.SELF, timing=Timing.YEARLY)
    _item(plan, "经费决算", Section.FUNDS, timing=Timing.DATE, due_on=D(2026, 5, 31))
    client.force_login(world.chair_a)
    response = client.get(reverse("plans:plan_calendar", args=[plan.pk]))
    assert response.status_code == 200
    rows = {row["label"]: [item.title for item in row["items"]] for row in response.context["rows"]}
    assert list(rows) == [f"{m}月" for m in range(1, 13)] + ["全年"]
    assert all("每月文体活动" in rows[f"{m}月"] for m in range(1, 13))
    # a quarter's item once, in the month by which it is due, not in all three months
    assert [m for m in range(1, 13) if "季度委员会议" in rows[f"{m}月"]] == [3, 6, 9, 12]
    assert [m for m in range(1, 13) if "第三季度培训" in rows[f"{m}月"]] == [9]
    assert [label for label, titles in rows.items() if "教代会" in titles] == ["3月"]
    assert [label for label, titles in rows.items() if "经费决算" in titles] == ["5月"]
    assert rows["全年"] == ["年度总结"]
    assert rows["3月"].index("教代会") < rows["3月"].index("每月文体活动")  # 民主管理 before 文体活动
    html = response.content.decode()
    assert "林晓梅" in html and 'data-testid="plan-calendar"' in html

    half = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, half=2)
    _item(half, "下半年每月活动", timing=Timing.MONTHLY)
    rows = client.get(reverse("plans:plan_calendar", args=[half.pk])).context["rows"]
    assert [row["label"] for row in rows] == [f"{m}月" for m in range(7, 13)] + ["全年"]


# ------------------------------------------------------------------------------------------ pages and queries

def test_it_answers_the_plan_page_in_a_fixed_number_of_queries(client, world, plan):
    client.force_login(world.chair_a)
    url = reverse("plans:plan_detail", args=[plan.pk])
    for index in range(3):
        _item(plan, f"活动{index}", timing=Timing.MONTHLY, evidence="activities.activity")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(12):
        _item(plan, f"更多{index}", Section(Section.values[index % 9]), timing=Timing.QUARTERLY,
              evidence="care.visit" if index % 2 else "")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('data-testid="plan-item"') == 15
    # one more find() for the new kind of record (care.visit) and one for "no kind": bounded by kinds, not items
    assert len(many) <= len(few) + 2, "\n".join(q["sql"][:150] for q in many.captured_queries)
    for index in range(12):
        _item(plan, f"再多{index}", Section(Section.values[index % 9]), timing=Timing.YEARLY,
              evidence="care.visit" if index % 2 else "")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(many)


def test_it_lists_a_federations_plans_and_those_below_it(client, world, django_assert_max_num_queries):
    services.plan_create(actor=world.street_admin, node=world.street_a, year=2026)
    services.plan_create(actor=world.chair_a, node=world.union_a, year=2026)
    services.plan_create(actor=world.street_admin, node=world.joint_a, year=2026)
    services.plan_create(actor=world.street_admin, node=world.joint_a, year=2025)
    services.plan_create(actor=world.chair_b, node=world.union_b, year=2026)
    client.force_login(world.street_admin)
    url = reverse("plans:plan_list", args=[world.street_a.pk])
    html = client.get(url).content.decode()
    assert "甲街道总工会2026年工作计划" in html and "甲中学工会2026年工作计划" in html
    assert "甲社区联合工会2026年工作计划" in html and "乙医院工会" not in html
    older = client.get(url, {"year": 2025}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="plan-subtree")
    assert "甲社区联合工会2025年工作计划" in older.content.decode() and b"<html" not in older.content
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for code, name in (("U1", "一厂工会"), ("U2", "二厂工会"), ("U3", "三厂工会")):
        node = make_node(world.street_a, Level.GRASSROOTS_UNION, code, name)
        services.plan_create(actor=world.street_admin, node=node, year=2026)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    client.force_login(world.chair_a)
    assert "甲社区联合工会" not in client.get(reverse("plans:plan_list", args=[world.union_a.pk])).content.decode()


def test_it_shows_the_plans_in_the_navigation_and_on_the_node_page(client, world):
    client.force_login(world.chair_a)
    page = client.get(reverse("orgs:node_detail", args=[world.union_a.pk])).content.decode()
    assert reverse("plans:plan_list", args=[world.union_a.pk]) in page
    assert "工作计划" in page
    client.force_login(world.member)
    page = client.get(reverse("orgs:node_detail", args=[world.group_a.pk])).content.decode()
    assert reverse("plans:plan_list", args=[world.group_a.pk]) not in page


def test_it_merges_a_suggestion_into_the_template_item_for_the_same_work(world):
    """The school template has its 教代会 and the rules suggest the 教代会 a school of 125 staff must hold: one
    item, carrying the rule as its source, not two; and next year's copy takes next year's suggestion the same
    way."""
    keys = [s.key for s in services.fitting_suggestions(world.union_a, 2026)]
    congress = f"orgs.congress:{world.union_a.pk}:2026"
    assert congress in keys
    plan = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, template=PlanTemplate.SCHOOL,
                                suggestions=keys)
    democracy = list(plan.items.filter(section=Section.DEMOCRACY, title__contains="代表大会"))
    assert [item.title for item in democracy] == ["召开教职工代表大会"]
    assert democracy[0].suggestion_key == congress and "职工代表大会制度" in democracy[0].source
    assert plan.items.filter(title="做好信息报送工作").get().suggestion_key.startswith("orgs.info_reports:")
    assert not services.remaining_suggestions(plan) or all(
        not s.key.startswith(("orgs.congress:", "orgs.info_reports:")) for s in services.remaining_suggestions(plan))

    following = services.plan_create(actor=world.chair_a, node=world.union_a, year=2027, copy_from=plan,
                                     suggestions=[s.key for s in services.fitting_suggestions(world.union_a, 2027)])
    titles = list(following.items.filter(section=Section.DEMOCRACY).values_list("title", flat=True))
    assert titles.count("召开教职工代表大会") == 1 and not any("2027年教职工代表大会" in title for title in titles)
    assert following.items.get(title="召开教职工代表大会").suggestion_key == f"orgs.congress:{world.union_a.pk}:2027"


def test_it_halves_the_counted_targets_of_a_half_year_plan_from_a_template(world):
    whole = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, template=PlanTemplate.SCHOOL)
    half = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, half=2,
                                template=PlanTemplate.SCHOOL)
    targets = {i.label: i.target for i in whole.indicators.all()}
    halved = {i.label: i.target for i in half.indicators.all()}
    assert targets["开展活动"] == 12 and halved["开展活动"] == 6
    assert targets["信息报送"] == 2 and halved["信息报送"] == 1
    assert targets["入会率"] == halved["入会率"] == 95  # a rate stays


def test_it_offers_a_half_year_plans_item_form_its_own_months_and_quarters(client, world):
    half = services.plan_create(actor=world.chair_a, node=world.union_a, year=2026, half=2)
    client.force_login(world.chair_a)
    form = client.get(reverse("plans:item_create", args=[half.pk])).context["form"]
    assert [value for value, _label in form.fields["months"].choices] == [str(m) for m in range(7, 13)]
    assert [value for value, _label in form.fields["quarters"].choices] == ["3", "4"]
