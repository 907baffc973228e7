"""The first draft of a 工作总结, written from the period's records.

`draft_sections(node, period)` returns the text in the shape `Summary.sections` stores: a list of
{"key", "level", "heading", "paragraphs": [str], "tables": [{"caption", "columns", "rows"}]}, where level 1
is a numbered part (一、基本情况) and level 2 a sub-heading inside it (（一）组织建设).

Where the figures come from:
- 一、基本情况: the domains' "facts" parts (plans.contrib.summary_parts), which already cover the node's
  subtree; for a federation also how many subordinate unions submitted their plan and summary.
- 二、主要工作及成效: per plans Section in SECTION_ORDER, the domains' parts of that section and the plan's
  items of that section that are done (plans.progress.plan_progress).
- 三、目标完成情况: the plan's indicators (plans.indicators.status.indicator_rows), met and missed counted.
- 四、存在的问题: the plan's items not done (overdue, or not done when the period is over) and the missed
  indicators.
- 五、下一年打算 (下半年打算 after the first half): each missed indicator and unfinished item as an intention,
  then what the rules and records require next (plans.contrib.suggestions).
The prose is Chinese data (the document a union files), not UI text.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

from django.utils import timezone

from gonghui.orgs.models import FEDERATION_LEVELS, Level, OrgNode

from .. import contrib
from ..models import SECTION_ORDER, Comparator, Half, Plan, ReviewStatus, Section, Summary

# The sections' names as a union writes them (the models' labels are UI text, translated per reader).
SECTION_TITLES = {
    Section.ORGANISATION: "组织建设",
    Section.DEMOCRACY: "民主管理",
    Section.RIGHTS: "维权服务",
    Section.CARE: "帮扶关爱",
    Section.CULTURE: "文体活动",
    Section.WOMEN: "女职工工作",
    Section.FUNDS: "经费管理",
    Section.PUBLICITY: "宣传教育",
    Section.SELF: "工会自身建设",
}
STATUS_TEXT = {"met": "已完成", "on_track": "按进度推进", "at_risk": "进度滞后", "missed": "未完成",
               "no_data": "暂无数据"}
NUMERALS = "一二三四五六七八九十"
# the rules may propose many items (a health check per member): the summary names the first few
MAX_SUGGESTIONS = 8
UNION_LEVELS = (Level.GRASSROOTS_UNION, Level.JOINT_UNION)


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (sub-headings rarely pass twenty)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


_PART_NUMBER = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*")
_SUB_NUMBER = re.compile(r"^\s*[（(]\s*(?:[一二三四五六七八九十]+|\d+)\s*[）)]\s*")


def level_of(section: dict) -> int:
    heading = str(section.get("heading") or "").strip()
    return section.get("level") or (2 if heading.startswith(("（", "(")) else 1)


def _has_text(section: dict) -> bool:
    return any(str(p).strip() for p in section.get("paragraphs") or []) or bool(section.get("tables"))


def numbered(sections: list[dict]) -> list[dict]:
    """The sections with their numbers written again in order: parts 一、二、… and, within each part,
    sub-headings （一）（二）…, counting only sections that hold text or a table (a part counts when any of its
    sub-sections does). An empty section (the officer cleared its text) keeps its heading without a number,
    so the numbers have no gaps and it gets its number back once it is filled again."""
    result = [dict(section) for section in sections]
    kept = printable(result)
    kept_ids = {id(section) for section in kept}
    part = sub = 0
    for section in result:
        heading = str(section.get("heading") or "").strip()
        if level_of(section) == 1:
            sub = 0
            match = _PART_NUMBER.match(heading)
            if match is None:
                continue  # a part the officer titled without a number stays as written
            body = heading[match.end():]
            if id(section) in kept_ids:
                part += 1
                section["heading"] = f"{numeral(part)}、{body}"
            else:
                section["heading"] = body
        else:
            body = _SUB_NUMBER.sub("", heading, count=1)
            if id(section) in kept_ids:
                sub += 1
                section["heading"] = f"（{numeral(sub)}）{body}"
            else:
                section["heading"] = body
    return result


def printable(sections: list[dict]) -> list[dict]:
    """The sections a document prints: a sub-section with neither text nor table is left out, and so is a part
    that has none and no sub-section that has some."""
    kept: list[dict] = []
    index = 0
    while index < len(sections):
        section = sections[index]
        if level_of(section) == 2:
            if _has_text(section):
                kept.append(section)
            index += 1
            continue
        children = []
        index += 1
        while index < len(sections) and level_of(sections[index]) == 2:
            if _has_text(sections[index]):
                children.append(sections[index])
            index += 1
        if _has_text(section) or children:
            kept.append(section)
            kept.extend(children)
    return kept


def number(value) -> str:
    """A figure as it is written in a document: no trailing zeros, thousands not separated."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("0.01")).normalize()
        return f"{value:f}"
    return str(value)


def _section(key: str, heading: str, paragraphs=(), tables=(), level: int = 1) -> dict:
    return {"key": key, "level": level, "heading": heading, "paragraphs": [p for p in paragraphs if p],
            "tables": [t for t in tables if t]}


def _table(table) -> dict:
    return {"caption": str(table.caption), "columns": [str(c) for c in table.columns],
            "rows": [[str(cell) for cell in row] for row in table.rows]}


def plan_for(node: OrgNode, period: contrib.Period) -> Plan | None:
    """The plan the summary reports on: the plan of the same period, else (for a half) the year's plan."""
    plans = {plan.half: plan for plan in Plan.objects.filter(node=node, year=period.year,
                                                               half__in={period.half, Half.WHOLE_YEAR})}
    return plans.get(period.half) or plans.get(Half.WHOLE_YEAR)


def title_for(node: OrgNode, period: contrib.Period) -> str:
    return f"{node.name}{period.label}工作总结"


def _target_text(indicator) -> str:
    sign = "≥" if indicator.comparator == Comparator.AT_LEAST else "≤"
    return f"{sign}{number(indicator.target)}{indicator.unit}"


def _actual_text(row) -> str:
    if row.actual is None:
        return "—"
    return f"{number(row.actual)}{row.indicator.unit}"


def _federation_paragraph(node: OrgNode, period: contrib.Period) -> str:
    unions = OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS).exclude(pk=node.pk)
    total = unions.count()
    if not total:
        return ""
    sent = (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED)
    union_ids = unions.values("pk")
    plans = (Plan.objects.filter(path__under=node.path, node__in=union_ids, year=period.year,
                                 half__in={period.half, Half.WHOLE_YEAR}, status__in=sent)
             .values("node").distinct().count())
    summaries = (Summary.objects.filter(path__under=node.path, node__in=union_ids, year=period.year,
                                        half=period.half, status__in=sent)
                 .values("node").distinct().count())
    text = (f"辖区内共有基层工会（含联合工会）{total}个，其中{plans}个已向上级报送{period.year}年工作计划，"
            f"{summaries}个已报送{period.label}工作总结")
    missing = total - summaries
    return text + (f"，尚有{missing}个未报送总结。" if missing else "，已全部报送。")


def draft_sections(node: OrgNode, period: contrib.Period, *, today: datetime.date | None = None) -> list[dict]:
    with contrib.sharing():  # the domains' figures of the node, read once for the whole draft
        return _draft_sections(node, period, today=today)


def _draft_sections(node: OrgNode, period: contrib.Period, *, today: datetime.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    over = today > period.end
    parts = contrib.summary_parts(node, period)
    by_section: dict[str, list] = {}
    for part in parts:
        by_section.setdefault(part.section, []).append(part)
    for section_parts in by_section.values():
        section_parts.sort(key=lambda part: part.order)

    plan = plan_for(node, period)
    progress = rows = None
    if plan is not None:
        from ..indicators.status import indicator_rows
        from ..progress import plan_progress

        progress = _within(plan_progress(plan, today=today), period)
        rows = indicator_rows(plan, today=today)

    sections: list[dict] = []

    # 一、基本情况
    facts = by_section.get("facts", [])
    paragraphs = [p for part in facts for p in part.paragraphs]
    tables = [_table(t) for part in facts for t in part.tables]
    if node.level in FEDERATION_LEVELS:
        paragraphs.append(_federation_paragraph(node, period))
    if plan is None:
        paragraphs.append(f"我会未在系统中制定{period.label}工作计划，本总结根据系统中{period.label}的工作记录"
                          f"整理，不含计划目标的对照。")
    else:
        paragraphs.append(f"{period.label}，我会按照《{plan}》确定的目标任务，"
                          f"共安排工作{progress.total}项，已完成{progress.done}项"
                          f"（{round(progress.share * 100)}%）。")
    if not paragraphs:
        paragraphs.append(f"系统中暂无我会{period.label}的基本情况记录。")
    sections.append(_section("facts", "一、基本情况", paragraphs, tables))

    # 二、主要工作及成效
    done_by_section: dict[str, list] = {}
    if progress is not None:
        for item_progress in progress.items.values():
            if item_progress.done:
                done_by_section.setdefault(item_progress.item.section, []).append(item_progress)
    work: list[dict] = []
    for section in sorted(SECTION_ORDER, key=SECTION_ORDER.get):
        section_parts = by_section.get(section, [])
        paragraphs = [p for part in section_parts for p in part.paragraphs]
        tables = [_table(t) for part in section_parts for t in part.tables]
        done = sorted(done_by_section.get(section, []), key=lambda ip: (ip.item.order, ip.item.pk))
        if done:
            listed = "；".join(_done_text(ip) for ip in done)
            paragraphs.append(f"对照年度工作计划，完成了以下工作：{listed}。")
        if paragraphs or tables:
            heading = f"（{numeral(len(work) + 1)}）{SECTION_TITLES.get(section, section)}"
            work.append(_section(f"work.{section}", heading, paragraphs, tables, level=2))
    if not work:
        intro = f"系统中暂无我会{period.label}各项工作的记录。"
    elif plan is not None:
        intro = f"{period.label}，我会围绕年度工作计划，扎实开展各项工作，主要工作及成效如下。"
    else:
        intro = f"{period.label}，我会认真履行工会各项职能，主要工作及成效如下。"
    sections.append(_section("work", "二、主要工作及成效", [intro]))
    sections.extend(work)

    # 三、目标完成情况
    missed = [row for row in rows or [] if row.status == "missed"]
    if rows:
        met = sum(1 for row in rows if row.status == "met")
        pending = len(rows) - met - len(missed)
        sentence = f"年度计划共设目标指标{len(rows)}项，已完成{met}项，未完成{len(missed)}项"
        sentence += f"，其余{pending}项尚在推进或暂无数据。" if pending else "。"
        table = {"caption": "目标完成情况", "columns": ["指标", "目标", "实际", "完成情况"],
                 "rows": [[row.indicator.label, _target_text(row.indicator), _actual_text(row),
                           STATUS_TEXT.get(row.status, row.status)] for row in rows]}
        sections.append(_section("targets", "三、目标完成情况", [sentence], [table]))
    elif plan is not None:
        sections.append(_section("targets", "三、目标完成情况", ["年度计划未设定量化目标指标。"]))
    else:
        sections.append(_section("targets", "三、目标完成情况", ["我会未制定工作计划，无目标指标可对照。"]))

    # 四、存在的问题
    unfinished = []
    if progress is not None:
        unfinished = sorted((ip for ip in progress.items.values() if not ip.done and (ip.overdue or over)),
                            key=lambda ip: (SECTION_ORDER.get(ip.item.section, 99), ip.item.order, ip.item.pk))
    problems = []
    if unfinished:
        problems.append("部分计划工作未按时完成：" + "；".join(
            f"{SECTION_TITLES.get(ip.item.section, '')}{quote(ip.item.title)}{_unfinished_text(ip)}"
            for ip in unfinished) + "。")
    if missed:
        problems.append("部分目标指标未完成：" + "；".join(
            f"{row.indicator.label}目标{_target_text(row.indicator)}，实际{_actual_text(row)}" for row in missed)
            + "。")
    if not problems:
        problems.append("对照计划和各项记录，本期未发现未完成的计划工作和目标指标。" if plan is not None
                        else "我会未制定工作计划，各项工作缺少目标和进度的对照，计划管理有待加强。")
    sections.append(_section("problems", "四、存在的问题", problems))

    # 五、下一年打算
    if period.half == Half.FIRST:
        heading, next_year, when = "五、下半年打算", period.year, "下半年"
    else:
        heading, next_year, when = "五、下一年打算", period.year + 1, f"{period.year + 1}年"
    intentions = []
    for row in missed:
        intentions.append(f"针对{row.indicator.label}未达标（目标{_target_text(row.indicator)}，"
                          f"实际{_actual_text(row)}），{when}采取有力措施，确保{row.indicator.label}"
                          f"{_target_text(row.indicator)}。")
    for ip in unfinished:
        target = ip.item.target.strip().rstrip("。；;.，, ")
        goal = f"，实现{quote(target)}" if target else ""
        intentions.append(f"继续推进{quote(ip.item.title)}{goal}，明确责任、按时完成。")
    taken = {ip.item.suggestion_key for ip in unfinished if ip.item.suggestion_key}
    if period.half == Half.FIRST:
        # after the first half: the work whose 时限 falls in July–December, not the year's January campaign
        from ..services import fitting_suggestions

        coming = fitting_suggestions(node, next_year, Half.SECOND)
    else:
        coming = contrib.suggestions(node, next_year)
    suggestions = [s for s in coming if s.key not in taken]
    for suggestion in suggestions[:MAX_SUGGESTIONS]:
        # the title says what; its source (the rule and the records' list) belongs to the plan, not here
        target = f"，{suggestion.target}" if suggestion.target and len(suggestion.target) <= 60 else ""
        intentions.append(f"{suggestion.title}{target}。")
    paragraphs = [f"{when}，我会将重点做好以下工作：" if intentions
                  else f"{when}，我会将继续按照上级工会的部署，认真制定并落实年度工作计划。"]
    paragraphs += [f"{i}. {text}" for i, text in enumerate(intentions, start=1)]
    sections.append(_section("next", heading, paragraphs))
    return sections


def _done_text(ip) -> str:
    records = sum(o.count for o in ip.occurrences)
    return quote(ip.item.title) + (f"（记录{records}条）" if records else "")


def quote(text: str) -> str:
    """Text in Chinese double quotes; quotes inside it become single quotes (“开展‘三八’节活动”), as GB/T 15834
    writes a quotation within a quotation."""
    inner = str(text).replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def _within(progress, period: contrib.Period):
    """The plan's progress judged on the summary's period only: the occurrences whose window ends within it.
    A first-half summary that reports on the year's plan neither counts nor lists as unfinished an item due in
    November, and a monthly item there is due six times, not twelve. An item with no window ending in the
    period is left out, unless it has no windows at all (then its evidence decides, as on the plan's page)."""
    from ..progress import summarise

    kept, items = {}, []
    for ip in progress.items.values():
        if not ip.occurrences:
            kept[ip.item.pk] = ip
            items.append(ip.item)
            continue
        statuses = [o for o in ip.occurrences if period.start <= o.occurrence.end <= period.end]
        if not statuses:
            continue
        if len(statuses) < len(ip.occurrences):
            met = sum(1 for o in statuses if o.met)
            ip = dataclasses.replace(ip, occurrences=statuses, done=met == len(statuses),
                                     overdue=any(o.overdue for o in statuses), share=met / len(statuses))
        kept[ip.item.pk] = ip
        items.append(ip.item)
    if len(kept) == len(progress.items) and all(kept[pk] is progress.items[pk] for pk in kept):
        return progress
    return summarise(items, kept)


def _unfinished_text(ip) -> str:
    total = len(ip.occurrences)
    met = sum(1 for o in ip.occurrences if o.met)
    if total > 1:
        return f"（应完成{total}次，已完成{met}次）"
    return "（逾期未完成）" if ip.overdue else "（未完成）"
