"""The 工作总结 (issue 5 §6): drafted from the records and the plan, edited in the browser, exported as .docx that
LibreOffice opens, written by `gonghui report summary`."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import docx as python_docx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from docx.oxml.ns import qn

from gonghui.core.models import AuditEntry
from gonghui.plans import models as plans
from gonghui.plans.contrib import Period, summary_parts
from gonghui.plans.summary import services
from gonghui.plans.summary.docx import BODY_FONT, HEADING_FONT, summary_docx
from gonghui.plans.summary.draft import draft_sections

from .conftest import make_member

TODAY = datetime.date(2026, 1, 15)  # the year 2025 is over


def _section(sections, key):
    return next(s for s in sections if s["key"] == key)


def _text(sections) -> str:
    return "\n".join([s["heading"] for s in sections] + [p for s in sections for p in s["paragraphs"]]
                     + [cell for s in sections for t in s["tables"] for row in t["rows"] for cell in row])


def _plan(union, year=2025):
    """A plan with one item carried out (a record linked in May), one not (due in March, nothing recorded), an
    indicator met and one missed (both entered by hand)."""
    plan = plans.Plan.objects.create(node=union, path=union.path, year=year, title=f"{union.name}{year}年工作计划")
    done = plans.PlanItem.objects.create(plan=plan, section=plans.Section.CULTURE, order=1, title="开展五月读书月活动",
                                         timing=plans.Timing.MONTHS, months=[5])
    plans.PlanItemLink.objects.create(item=done, source="activities.activity", object_id=1,
                                      on=datetime.date(year, 5, 10), label="读书分享会")
    plans.PlanItem.objects.create(plan=plan, section=plans.Section.DEMOCRACY, order=2, title="召开教职工代表大会",
                                  target="审议学校年度工作报告", timing=plans.Timing.DATE,
                                  due_on=datetime.date(year, 3, 31))
    plans.Indicator.objects.create(plan=plan, section=plans.Section.PUBLICITY, order=1, label="信息报送",
                                   target=Decimal(4), unit="篇", manual_actual=Decimal(1))
    plans.Indicator.objects.create(plan=plan, section=plans.Section.ORGANISATION, order=2, label="培训委员",
                                   target=Decimal(2), unit="人", manual_actual=Decimal(3))
    return plan


def test_it_drafts_the_parts_in_order_with_the_plans_targets_problems_and_intentions(world):
    _plan(world.union_a)
    sections = draft_sections(world.union_a, Period(2025), today=TODAY)
    level_one = [s["heading"] for s in sections if s["level"] == 1]
    assert level_one == ["一、基本情况", "二、主要工作及成效", "三、目标完成情况", "四、存在的问题", "五、下一年打算"]

    culture = next(s for s in sections if s["key"] == "work.culture")
    assert culture["heading"].startswith("（") and "文体活动" in culture["heading"]
    assert any("开展五月读书月活动" in p for p in culture["paragraphs"])
    sub = [s["heading"] for s in sections if s["level"] == 2]
    assert sub[0].startswith("（一）") and all(h.startswith("（") for h in sub)

    targets = _section(sections, "targets")
    assert targets["tables"][0]["columns"] == ["指标", "目标", "实际", "完成情况"]
    rows = {row[0]: row for row in targets["tables"][0]["rows"]}
    assert rows["信息报送"] == ["信息报送", "≥4篇", "1篇", "未完成"]
    assert rows["培训委员"] == ["培训委员", "≥2人", "3人", "已完成"]
    assert "已完成1项，未完成1项" in targets["paragraphs"][0]

    problems = " ".join(_section(sections, "problems")["paragraphs"])
    assert "召开教职工代表大会" in problems and "信息报送" in problems
    assert "开展五月读书月活动" not in problems

    intentions = " ".join(_section(sections, "next")["paragraphs"])
    assert "信息报送" in intentions and "≥4篇" in intentions
    assert "召开教职工代表大会" in intentions and "审议学校年度工作报告" in intentions


def test_it_drafts_a_half_year_summary_with_the_second_half_ahead(world):
    _plan(world.union_a)
    sections = draft_sections(world.union_a, Period(2025, 1), today=datetime.date(2025, 7, 2))
    assert sections[-1]["heading"] == "五、下半年打算"
    # the plan of the year is the one reported on; the March item is overdue by July
    assert "召开教职工代表大会" in " ".join(_section(sections, "problems")["paragraphs"])


def test_it_drafts_from_the_records_only_when_there_is_no_plan_and_says_so(world):
    sections = draft_sections(world.union_a, Period(2025), today=TODAY)
    facts = " ".join(_section(sections, "facts")["paragraphs"])
    assert "未在系统中制定2025年工作计划" in facts
    assert "无目标指标" in " ".join(_section(sections, "targets")["paragraphs"])
    assert not _section(sections, "targets")["tables"]


def test_it_covers_a_federations_subtree_and_counts_the_unions_that_reported(world):
    for name in ("甲一", "甲二", "甲三"):
        make_member(world.union_a, name)
    make_member(world.union_b, "乙一")
    accepted = plans.Summary.objects.create(node=world.union_a, path=world.union_a.path, year=2025,
                                            status=plans.ReviewStatus.ACCEPTED)
    assert accepted.pk
    plans.Plan.objects.create(node=world.union_a, path=world.union_a.path, year=2025,
                              status=plans.ReviewStatus.SUBMITTED)
    street = _text(draft_sections(world.street_a, Period(2025), today=TODAY))
    union = _text(draft_sections(world.union_a, Period(2025), today=TODAY))
    county = _text(draft_sections(world.county, Period(2025), today=TODAY))
    # street A: 甲中学工会 and 甲社区联合工会; one of them sent its plan and its summary
    assert "辖区内共有基层工会（含联合工会）2个，其中1个已向上级报送2025年工作计划，1个已报送2025年工作总结" in street
    assert "尚有1个未报送总结" in street
    assert "现有会员3人" in street and "现有会员3人" in union and "现有会员4人" in county
    assert "辖区内" not in union


def test_it_states_the_ledgers_figures_of_the_period(world):
    """Activities (count and 人次), visits (count and amount) and assistance (amount) in the summary equal the
    ledgers' totals for the same node and period."""
    pytest.importorskip("gonghui.activities.report")
    pytest.importorskip("gonghui.care.report")
    from gonghui.activities import ledger as activity_ledger
    from gonghui.care.assistance.ledger import assistance_ledger
    from gonghui.care.visits.ledger import visit_ledger

    _build_records(world)
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    text = _text(draft_sections(world.street_a, Period(2025), today=TODAY))
    activities = activity_ledger.build_activity_ledger(world.street_a, start, end)
    visits, _children = visit_ledger(world.district_admin, world.street_a, start, end)
    assistance = assistance_ledger(world.district_admin, world.street_a, start, end)
    figures = {
        "activities.activities": len(activities.rows), "activities.person_times": activities.totals["attended"],
        "care.visits": len(visits.rows), "care.visit_value": visits.totals["value"],
        "care.assistance_amount": assistance.totals["amount"],
    }
    assert figures == {"activities.activities": 3, "activities.person_times": 7, "care.visits": 3,
                       "care.visit_value": Decimal("750.50"), "care.assistance_amount": Decimal("3500.50")}
    facts = {key: value for part in summary_parts(world.street_a, Period(2025)) for key, value in part.facts.items()}
    assert {key: facts[key] for key in figures} == figures
    for value in figures.values():
        assert _figure(value) in text, (value, text)


def _at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _build_records(world):
    """Activities with check-ins, visits with gifts and assistance in street A's unions in 2025, and records that
    must not count: cancelled, outside the street, the year before."""
    from gonghui.activities.models import Activity, Participation
    from gonghui.care.models import Assistance, Visit

    members = [make_member(world.union_a, name) for name in ("甲一", "甲二", "甲三")]
    joint = make_member(world.joint_a, "联一", female=True)
    outsider = make_member(world.union_b, "乙一")

    def activity(node, kind, when, attendees, *, status="finished"):
        item = Activity.objects.create(organiser=node, path=node.path, title=f"{kind}{when:%m%d}", kind=kind,
                                       starts_at=when, status=status, signed_up_count=len(attendees),
                                       attended_count=len(attendees))
        for member in attendees:
            Participation.objects.create(activity=item, member=member, status="signed_up",
                                         checked_in_at=when, check_in_method="qr")

    activity(world.union_a, "sports_culture", _at(2025, 3, 8), members)
    activity(world.group_a, "training", _at(2025, 5, 1), members[:2])
    activity(world.joint_a, "festival", _at(2025, 10, 1), [joint, members[0]])
    activity(world.union_a, "sports_culture", _at(2025, 6, 1), members, status="cancelled")
    activity(world.union_a, "sports_culture", _at(2024, 6, 1), members)
    activity(world.union_b, "sports_culture", _at(2025, 6, 1), [outsider])

    def visit(union, member, on, value):
        Visit.objects.create(union=union, path=member.path, member=member, reason="illness", visited_on=on,
                             visitors="林晓梅", gift="水果", gift_value=Decimal(value))

    visit(world.union_a, members[0], datetime.date(2025, 2, 3), "300")
    visit(world.union_a, members[1], datetime.date(2025, 9, 9), "450.50")
    visit(world.joint_a, joint, datetime.date(2025, 11, 1), "0")
    visit(world.union_a, members[2], datetime.date(2024, 9, 9), "200")
    visit(world.union_b, outsider, datetime.date(2025, 9, 9), "800")

    def assist(union, member, amount, on, status="paid"):
        Assistance.objects.create(union=union, path=member.path, kind="living", member=member,
                                  amount=Decimal(amount), on=on, status=status, form="cash")

    assist(world.union_a, members[0], "2000", datetime.date(2025, 1, 20))
    assist(world.joint_a, joint, "1500.50", datetime.date(2025, 8, 1))
    assist(world.union_a, members[1], "900", datetime.date(2025, 8, 1), status="rejected")
    assist(world.union_a, members[2], "700", datetime.date(2024, 8, 1))
    assist(world.union_b, outsider, "5000", datetime.date(2025, 8, 1))


def _figure(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


# --- services ---------------------------------------------------------------------------------------------

def test_it_creates_one_summary_per_node_and_period_drafted_and_logged(world):
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    assert summary.title == "甲中学工会2025年工作总结"
    assert summary.sections[0]["heading"] == "一、基本情况" and summary.drafted_at
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(summary.pk)).exists()
    with pytest.raises(ValidationError) as error:
        services.summary_create(actor=world.chair_a, node=world.union_a, year=2025)
    assert "year" in error.value.message_dict
    half = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, half=1, today=TODAY)
    assert half.title == "甲中学工会2025年上半年工作总结"
    for year, half, field in ((1999, 0, "year"), (2025, 3, "half"), ("二〇二五", 0, "year")):
        with pytest.raises(ValidationError) as error:
            services.summary_create(actor=world.chair_a, node=world.union_a, year=year, half=half)
        assert field in error.value.message_dict
    assert plans.Summary.objects.count() == 2


def test_it_keeps_the_tables_when_the_officer_edits_and_redraft_replaces_the_text(world):
    _plan(world.union_a)
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    tables = _section(summary.sections, "targets")["tables"]
    summary = services.summary_update(actor=world.chair_a, summary=summary, title="甲中学工会2025年度工作总结",
                                      sections={"targets": {"heading": "三、年度目标完成情况",
                                                            "paragraphs": "第一段\n\n 第二段 "}})
    targets = _section(summary.sections, "targets")
    assert targets == {**targets, "heading": "三、年度目标完成情况", "paragraphs": ["第一段", "第二段"],
                       "tables": tables}
    assert summary.title == "甲中学工会2025年度工作总结" and summary.edited_by == world.chair_a
    with pytest.raises(ValidationError) as error:
        services.summary_update(actor=world.chair_a, summary=summary, sections={"targets": {"heading": " "}})
    assert "targets" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.summary_update(actor=world.chair_a, summary=summary, sections={"nonsense": {"heading": "x"}})
    summary.refresh_from_db()
    assert _section(summary.sections, "targets")["heading"] == "三、年度目标完成情况"
    summary = services.summary_redraft(actor=world.chair_a, summary=summary, today=TODAY)
    assert _section(summary.sections, "targets")["heading"] == "三、目标完成情况"


@pytest.mark.parametrize("status", [plans.ReviewStatus.SUBMITTED, plans.ReviewStatus.ACCEPTED])
def test_it_refuses_edits_and_redrafts_of_a_submitted_or_accepted_summary(client, world, status):
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    plans.Summary.objects.filter(pk=summary.pk).update(status=status)
    summary.refresh_from_db()
    before = summary.sections
    with pytest.raises(ValidationError):
        services.summary_update(actor=world.chair_a, summary=summary, sections={"facts": {"heading": "改"}})
    with pytest.raises(ValidationError):
        services.summary_redraft(actor=world.chair_a, summary=summary)
    client.force_login(world.chair_a)
    response = client.post(reverse("plans:summary_edit", args=[summary.pk]),
                           {"section": "facts", "s-facts-heading": "改", "s-facts-paragraphs": "改"})
    assert response.status_code == 302
    client.post(reverse("plans:summary_redraft", args=[summary.pk]))
    summary.refresh_from_db()
    assert summary.sections == before
    page = client.get(reverse("plans:summary_detail", args=[summary.pk])).content.decode()
    assert 'data-testid="section-edit"' not in page and 'data-testid="summary-redraft"' not in page


# --- .docx ----------------------------------------------------------------------------------------------

def test_it_writes_a_docx_with_east_asian_fonts_headings_and_tables(world):
    _plan(world.union_a)
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    document = python_docx.Document(io.BytesIO(summary_docx(summary, on=datetime.date(2026, 1, 20))))
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == BODY_FONT
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == HEADING_FONT
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == "甲中学工会2025年工作总结"
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"] == [
        "一、基本情况", "二、主要工作及成效", "三、目标完成情况", "四、存在的问题", "五、下一年打算"]
    assert any(p.text.startswith("（一）") for p in paragraphs if p.style.name == "Heading 2")
    assert [p.text for p in paragraphs[-2:]] == ["甲中学工会", "2026年1月20日"]
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["指标", "目标", "实际", "完成情况"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    body = document.paragraphs[2]._p.pPr.ind if document.paragraphs[2]._p.pPr is not None else None
    assert body is None or body.get(qn("w:firstLineChars")) in (None, "200")
    assert document.styles["Normal"].element.pPr.ind.get(qn("w:firstLineChars")) == "200"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_it_writes_a_docx_that_libreoffice_converts_to_pdf(world, tmp_path):
    _plan(world.union_a)
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    source = tmp_path / "summary.docx"
    source.write_bytes(summary_docx(summary))
    profile = tmp_path / "profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stdout + result.stderr.replace("javaldx", "")
    pdf = tmp_path / "summary.pdf"
    assert pdf.exists()
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 10_000
    assert b"/Font" in content


# --- CLI ------------------------------------------------------------------------------------------------

def test_the_command_writes_the_stored_summary_or_a_draft(world, tmp_path):
    out = tmp_path / "draft.docx"
    call_command("report", "summary", "--org", "ua", "--year", "2025", "--out", str(out))
    document = python_docx.Document(str(out))
    assert document.paragraphs[0].text == "甲中学工会2025年工作总结"
    assert not plans.Summary.objects.exists()

    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, half=1, today=TODAY)
    services.summary_update(actor=world.chair_a, summary=summary, sections={"facts": {"heading": "一、上半年概况"}})
    call_command("report", "summary", "--org", "UA", "--year", "2025", "--half", "1", "--out", str(out))
    document = python_docx.Document(str(out))
    assert "一、上半年概况" in [p.text for p in document.paragraphs]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--org", "NOPE", "--year", "2025"], "没有代码为 NOPE 的工会组织"),
    (["--org", "UA", "--year", "1990"], "年份 1990 不在 2000"),
    (["--org", "UA", "--year", "2025", "--out", "/nonexistent/dir/x.docx"], "目录 /nonexistent/dir 不存在"),
])
def test_the_command_refuses_an_unknown_code_a_bad_year_and_a_missing_directory(world, tmp_path, args, message):
    if "--out" not in args:
        args = [*args, "--out", str(tmp_path / "x.docx")]
    with pytest.raises(CommandError, match=message):
        call_command("report", "summary", *args)
    assert not (tmp_path / "x.docx").exists()


# --- pages ----------------------------------------------------------------------------------------------

def test_a_chair_creates_reads_edits_and_downloads_a_summary(client, world):
    _plan(world.union_a)
    client.force_login(world.chair_a)
    assert client.get(reverse("plans:summary_create", args=[world.union_a.pk])).status_code == 200
    response = client.post(reverse("plans:summary_create", args=[world.union_a.pk]), {"year": "2025", "half": "0"})
    summary = plans.Summary.objects.get(node=world.union_a, year=2025)
    assert response.status_code == 302 and response["Location"] == reverse("plans:summary_detail", args=[summary.pk])
    again = client.post(reverse("plans:summary_create", args=[world.union_a.pk]), {"year": "2025", "half": "0"})
    assert again.status_code == 200 and "已有" in again.content.decode()

    page = client.get(reverse("plans:summary_detail", args=[summary.pk])).content.decode()
    assert "一、基本情况" in page and "召开教职工代表大会" in page and 'data-testid="review-panel"' in page

    edit_url = reverse("plans:summary_edit", args=[summary.pk])
    fragment = client.get(edit_url, {"section": "problems"}, headers={"HX-Request": "true"})
    assert 'data-testid="section-form"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    saved = client.post(edit_url, {"section": "problems", "s-problems-heading": "四、问题与不足",
                                   "s-problems-paragraphs": "会员活动参与面不够广。"}, headers={"HX-Request": "true"})
    assert "四、问题与不足" in saved.content.decode() and 'data-testid="summary-section"' in saved.content.decode()
    blank = client.post(edit_url, {"section": "problems", "s-problems-heading": "", "s-problems-paragraphs": "x"},
                        headers={"HX-Request": "true"})
    assert blank.status_code == 200 and "is-invalid" in blank.content.decode()
    summary.refresh_from_db()
    assert _section(summary.sections, "problems")["paragraphs"] == ["会员活动参与面不够广。"]

    full = client.get(edit_url)
    assert full.status_code == 200 and 's-facts-heading' in full.content.decode()

    download = client.get(reverse("plans:summary_export", args=[summary.pk]))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    assert "四、问题与不足" in [p.text for p in python_docx.Document(io.BytesIO(download.content)).paragraphs]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(summary.pk)).exists()

    client.post(reverse("plans:summary_redraft", args=[summary.pk]))
    summary.refresh_from_db()
    assert _section(summary.sections, "problems")["heading"] == "四、存在的问题"


def test_a_period_without_a_summary_downloads_as_a_draft(client, world):
    client.force_login(world.readonly_leader)
    url = reverse("plans:summary_draft_export", args=[world.union_a.pk])
    response = client.get(url, {"year": "2025", "half": "2"})
    assert response.status_code == 200
    assert python_docx.Document(io.BytesIO(response.content)).paragraphs[0].text == "甲中学工会2025年下半年工作总结"
    assert not plans.Summary.objects.exists()
    assert client.get(url, {"year": "abc"}).status_code == 302
    # a stored summary (drafted earlier, perhaps edited) does not stand in for a draft from today's records
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    summary.sections[0]["paragraphs"] = ["旧的文字"]
    summary.save()
    fresh = client.get(url, {"year": "2025", "half": "0"})
    assert fresh.status_code == 200
    assert "旧的文字" not in "\n".join(p.text for p in python_docx.Document(io.BytesIO(fresh.content)).paragraphs)


def test_the_summary_list_shows_the_status_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.street_admin)
    url = reverse("plans:summary_list", args=[world.street_a.pk])
    plans.Summary.objects.create(node=world.union_a, path=world.union_a.path, year=2025,
                                 status=plans.ReviewStatus.SUBMITTED)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    with translation.override("zh-hans"):
        label = str(plans.ReviewStatus.SUBMITTED.label)
    assert f'data-testid="summary-status">{label}</span>' in page.content.decode()
    for year in (2023, 2024):
        plans.Summary.objects.create(node=world.union_a, path=world.union_a.path, year=year)
    plans.Summary.objects.create(node=world.joint_a, path=world.joint_a.path, year=2025)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_an_outsider_and_a_reader_are_kept_out(client, world):
    summary = services.summary_create(actor=world.chair_a, node=world.union_a, year=2025, today=TODAY)
    client.force_login(world.chair_b)
    for name, arg in (("summary_list", world.union_a.pk), ("summary_create", world.union_a.pk),
                      ("summary_draft_export", world.union_a.pk), ("summary_detail", summary.pk),
                      ("summary_edit", summary.pk), ("summary_section", summary.pk),
                      ("summary_export", summary.pk)):
        assert client.get(reverse(f"plans:{name}", args=[arg]), {"year": "2025", "section": "facts"}).status_code == 404
    assert client.post(reverse("plans:summary_redraft", args=[summary.pk])).status_code == 404
    assert client.post(reverse("plans:summary_create", args=[world.union_a.pk]), {"year": "2024"}).status_code == 404
    client.force_login(world.readonly_leader)
    assert client.get(reverse("plans:summary_detail", args=[summary.pk])).status_code == 200
    assert client.post(reverse("plans:summary_edit", args=[summary.pk]), {}).status_code == 403
    assert client.post(reverse("plans:summary_redraft", args=[summary.pk])).status_code == 403
    assert plans.Summary.objects.count() == 1


def test_it_refuses_a_summary_of_a_period_that_has_not_begun(world):
    """A summary reports the work done: on 15 January 2026 the year 2026 has begun (a summary of it so far may be
    drafted), its second half has not, nor has 2027."""
    with pytest.raises(ValidationError) as refused:
        services.summary_create(actor=world.chair_a, node=world.union_a, year=2026, half=2, today=TODAY)
    assert "2026年下半年尚未开始" in str(refused.value.message_dict["half"])
    with pytest.raises(ValidationError):
        services.summary_create(actor=world.chair_a, node=world.union_a, year=2027, today=TODAY)
    assert services.summary_create(actor=world.chair_a, node=world.union_a, year=2026, today=TODAY).year == 2026
    assert not plans.Summary.objects.filter(year=2027).exists()
