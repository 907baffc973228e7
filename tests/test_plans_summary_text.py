"""The summary's text as a person reads it: a half-year summary judged on its own half, quotes within quotes,
sections an officer cleared (not printed, numbers closed up), control characters kept out of the .docx."""

from __future__ import annotations

import datetime
import io

import docx as python_docx

from gonghui.plans import services as plan_services
from gonghui.plans.contrib import Period
from gonghui.plans.models import Section, Timing
from gonghui.plans.summary import docx as summary_docx
from gonghui.plans.summary import draft
from gonghui.plans.summary import services as summary_services

from .conftest import make_member

Y = 2025


def _paragraphs(sections, key):
    return " ".join(p for s in sections if s["key"] == key for p in s["paragraphs"])


def test_it_judges_a_monthly_item_of_the_years_plan_on_the_first_halfs_six_months(world):
    plan = plan_services.plan_create(actor=None, node=world.union_a, year=Y)
    plan_services.item_create(actor=None, plan=plan, section=Section.SELF, title="召开工会委员会会议",
                              timing=Timing.MONTHLY)
    sections = draft.draft_sections(world.union_a, Period(Y, 1), today=datetime.date(Y, 7, 15))
    problems = _paragraphs(sections, "problems")
    assert "召开工会委员会会议" in problems and "应完成6次，已完成0次" in problems
    whole = draft.draft_sections(world.union_a, Period(Y), today=datetime.date(Y + 1, 1, 10))
    assert "应完成12次" in _paragraphs(whole, "problems")


def test_it_writes_quotes_inside_a_quoted_title_as_single_quotes():
    assert draft.quote("开展“三八”国际妇女节活动") == "“开展‘三八’国际妇女节活动”"
    assert draft.quote("召开职代会") == "“召开职代会”"


def test_it_quotes_an_unfinished_items_title_with_its_own_quotes_once(world):
    plan = plan_services.plan_create(actor=None, node=world.union_a, year=Y)
    plan_services.item_create(actor=None, plan=plan, section=Section.WOMEN, title="开展“三八”国际妇女节活动",
                              target="女职工参与率达到80%。", timing=Timing.MONTHS, months=[3])
    sections = draft.draft_sections(world.union_a, Period(Y), today=datetime.date(Y + 1, 1, 10))
    text = _paragraphs(sections, "problems") + _paragraphs(sections, "next")
    assert "“开展‘三八’国际妇女节活动”" in text and "“三八”" not in text
    assert "实现“女职工参与率达到80%”，" in text


def test_it_numbers_sections_again_without_the_cleared_ones():
    sections = [
        {"key": "a", "level": 1, "heading": "一、基本情况", "paragraphs": [], "tables": []},
        {"key": "b", "level": 1, "heading": "二、主要工作", "paragraphs": ["引言"], "tables": []},
        {"key": "c", "level": 2, "heading": "（一）组织建设", "paragraphs": [], "tables": []},
        {"key": "d", "level": 2, "heading": "（二）民主管理", "paragraphs": ["x"], "tables": []},
        {"key": "e", "level": 2, "heading": "文体活动", "paragraphs": ["y"], "tables": []},
        {"key": "f", "level": 1, "heading": "三、存在的问题", "paragraphs": ["z"], "tables": []},
    ]
    result = draft.numbered(sections)
    assert [s["heading"] for s in result] == ["基本情况", "一、主要工作", "组织建设", "（一）民主管理",
                                              "（二）文体活动", "二、存在的问题"]
    assert [s["key"] for s in draft.printable(result)] == ["b", "d", "e", "f"]
    assert sections[2]["heading"] == "（一）组织建设"  # the input is not changed


def test_the_page_shows_the_numbers_the_docx_prints_and_a_refilled_section_gets_its_number_back(world):
    make_member(world.union_a, "甲一", join_date=datetime.date(Y, 2, 1))
    summary = summary_services.summary_create(actor=None, node=world.union_a, year=Y,
                                              today=datetime.date(Y + 1, 1, 10))
    key = f"work.{Section.ORGANISATION}"
    summary = summary_services.summary_update(actor=None, summary=summary, sections={key: {"paragraphs": ""}})
    subs = [s["heading"] for s in summary.sections if s["level"] == 2]
    assert subs[0] == "组织建设" and subs[1].startswith("（一）")
    summary = summary_services.summary_update(actor=None, summary=summary, sections={key: {"paragraphs": "重新写"}})
    subs = [s["heading"] for s in summary.sections if s["level"] == 2]
    assert subs[0] == "（一）组织建设" and subs[1].startswith("（二）")


def test_it_writes_control_characters_as_breaks_or_not_at_all():
    assert summary_docx.xml_text("甲\x0b乙\x01丙\x0c丁") == "甲\n乙丙\n丁"
    assert summary_docx.xml_text("标题\x0b续\x02", breaks=False) == "标题 续"
    content = summary_docx.write_docx(
        title="总结\x01", signature="甲工会\x0b", on=datetime.date(Y, 12, 31),
        sections=[{"key": "a", "level": 1, "heading": "一、基本\x0b情况",
                   "paragraphs": ["全年开展活动\x0b共12次\x01"],
                   "tables": [{"caption": "表\x03", "columns": ["项\x04"], "rows": [["值\x05"]]}]}])
    document = python_docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert "总结" in texts and "一、基本 情况" in texts and "全年开展活动\n共12次" in texts
    assert document.tables[0].cell(1, 0).text == "值"


def test_it_keeps_control_characters_out_of_an_edited_title_and_heading(world):
    summary = summary_services.summary_create(actor=None, node=world.union_a, year=Y,
                                              today=datetime.date(Y + 1, 1, 10))
    summary = summary_services.summary_update(actor=None, summary=summary, title="年度\x0b总结\x01",
                                              sections={"facts": {"heading": "一、基本\x01情况"}})
    assert summary.title == "年度 总结"
    assert summary.sections[0]["heading"] == "一、基本情况"
