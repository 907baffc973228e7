"""Rules and numbers of plans, indicators, summaries and collective contracts that a review of issue 5 found
wrong, each kept as a test of the rule named in its comment (with its DOMAIN.md source)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from gonghui.activities.models import Activity
from gonghui.activities.report import find_activities
from gonghui.care.models import Assistance, HardshipFile
from gonghui.members import services as member_services
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Level
from gonghui.plans import catalog, contrib
from gonghui.plans import services as plan_services
from gonghui.plans.contrib import Period
from gonghui.plans.indicators.status import ON_TRACK, judge
from gonghui.plans.models import Comparator, Section, Timing
from gonghui.plans.progress import item_progress, plan_progress
from gonghui.plans.summary import draft
from gonghui.rights import services as rights_services
from gonghui.rights.models import ContractStatus, end_of_term
from tests.conftest import VALID_CODES, make_member, make_node

Y = 2025


def keyed(node, year):
    return {s.key: s for s in contrib.suggestions(node, year)}


def _contract(world, *, signed, starts, term, filed=None, kind="wage", title="甲中学工资专项集体合同"):
    return rights_services.contract_create(
        actor=None, union=world.union_a, units=[world.unit_a], kind=kind, title=title, signed_on=signed,
        starts_on=starts, term_years=term, union_negotiators=3, employer_negotiators=3, filed_on=filed)


def _paragraphs(sections, key=None):
    return [p for s in sections if key is None or s["key"] == key for p in s["paragraphs"]]


# ---- summary draft -----------------------------------------------------------------------------------------

def test_half_year_summary_does_not_list_second_half_items_as_problems(world):
    # WRONG (plans/summary/draft.py:210): a first-half summary reports on the year's plan (plan_for falls back
    # to it) and, once 30 June is past (`over`), lists every item not yet done under 存在的问题 "未按时完成" —
    # including items due only in November, and monthly items as "应完成12次". RULE (DOMAIN.md, Plans and
    # summaries; issue 5 §6 "half-year summary … unfinished plan items as 存在的问题"): a half-year summary
    # judges only the occurrences that fall within its half (windows ending by 30 June); an item due in the
    # second half is not a problem of the first half. FIX: compute progress over the occurrences within
    # period.start..period.end (clip the windows to the summary's period) when the plan is the year's plan.
    plan = plan_services.plan_create(actor=None, node=world.union_a, year=Y)
    plan_services.item_create(actor=None, plan=plan, section=Section.CULTURE, title="举办教职工运动会",
                              timing=Timing.MONTHS, months=[11])
    sections = draft.draft_sections(world.union_a, Period(Y, 1), today=datetime.date(Y, 7, 15))
    problems = " ".join(_paragraphs(sections, "problems"))
    assert "举办教职工运动会" not in problems


def test_half_year_summary_plans_only_second_half_work(world):
    # WRONG (plans/summary/draft.py:240): the 下半年打算 of a first-half summary lists every suggestion of the
    # whole year (contrib.suggestions(node, year)), so a union is told in July to "开展“送温暖”活动，春节前完成"
    # — a January–February campaign already past. RULE (issue 5 §6: 下半年打算 after the first half): the
    # intentions for the second half are the suggestions whose 时限 falls in July–December. FIX: use
    # services.fitting_suggestions(node, year, Half.SECOND) for a first-half summary.
    sections = draft.draft_sections(world.union_a, Period(Y, 1), today=datetime.date(Y, 7, 15))
    heading = next(s["heading"] for s in sections if s["key"] == "next")
    assert heading == "五、下半年打算"
    intentions = " ".join(_paragraphs(sections, "next"))
    assert "送温暖" not in intentions


def test_summary_omits_zero_sentences_and_zero_percentages(world):
    # WRONG: the drafted summary of a union without such records prints sentences of zeros a union officer
    # deletes by hand: "现有女会员0人，占会员总数的0%。" (members/report.py:190), "新建困难职工档案0份，期末在档
    # 0份，实现脱困0户。" (care/report.py:350), "办理会籍转入0人、转出0人" (members/report.py:180) and, for a
    # grassroots union that has no unions under it, "2025年无新建工会。" (orgs/report.py:296). RULE (the brief:
    # "0人" sentences are omitted, no percentages of zero; DOMAIN.md, Plans and summaries: a summary states
    # facts with numbers). FIX: write each clause only when its figure is non-zero, and the new-unions sentence
    # only for a node that has unions under it.
    make_member(world.union_a, "甲一", join_date=datetime.date(Y, 2, 1))
    text = " ".join(_paragraphs(draft.draft_sections(world.union_a, Period(Y), today=datetime.date(Y + 1, 1, 10))))
    assert "占会员总数的0%" not in text
    assert "新建困难职工档案0份" not in text
    assert "转入0人" not in text
    assert "无新建工会" not in text


def test_next_year_intentions_quote_targets_without_a_full_stop_inside(world):
    # WRONG (plans/summary/draft.py:237): an unfinished item's 目标 is quoted with its own full stop, giving
    # "实现“各教研组、年级组工会小组健全，活动正常。”，明确责任" — a 。 inside the quotes followed by ，. The
    # template targets (plans/catalog.py) all end in 。. RULE (GB/T 15834 标点符号用法: a quotation used as part
    # of the sentence drops its final 。). FIX: strip a trailing 。；. from the target before quoting it.
    plan = plan_services.plan_create(actor=None, node=world.union_a, year=Y)
    plan_services.item_create(actor=None, plan=plan, section=Section.ORGANISATION, title="健全工会小组建设",
                              target="各教研组、年级组工会小组健全，活动正常。", timing=Timing.MONTHS, months=[2])
    text = " ".join(_paragraphs(draft.draft_sections(world.union_a, Period(Y), today=datetime.date(Y + 1, 1, 10)),
                                "next"))
    assert "健全工会小组建设" in text
    assert "。”，" not in text


# ---- metrics -----------------------------------------------------------------------------------------------

def test_hardship_coverage_does_not_count_festival_gifts_as_assistance(world):
    # WRONG (care/report.py:98): 困难职工档案帮扶覆盖率 counts a file as helped when its member received *any* paid
    # assistance in the period — a festival gift (节日慰问品) or a birthday gift every member gets makes the
    # coverage 100% without any 帮扶. RULE (DOMAIN.md, Care: the assistance kinds are 生活救助, 医疗救助, 助学,
    # 送温暖, 送清凉, 春送岗位; 慰问 for festivals, birthdays, marriage … is not hardship assistance). FIX: filter
    # `helped` on kind__in those six AssistanceKind values.
    member = make_member(world.union_a, "困一")
    HardshipFile.objects.create(member=member, union=world.union_a, path=member.path, category="deep",
                                cause="illness", status="active", filed_on=datetime.date(Y - 1, 3, 1))
    Assistance.objects.create(union=world.union_a, path=member.path, member=member, kind="festival",
                              amount=Decimal("300"), on=datetime.date(Y, 9, 20), status="paid")
    assert contrib.metric("care.hardship_coverage").compute(world.union_a, Period(Y)) == Decimal("0.00")


def test_activities_metric_does_not_count_activities_not_yet_held(world):
    # WRONG (activities/report.py:72-77): 开展活动 ("Activities held") counts every activity of the period that was
    # not cancelled, including those planned for later in the year, so an indicator "开展活动 ≥ 12次" shows met
    # in March when twelve are merely scheduled; the evidence of the same items (find_activities, line 98) counts
    # an activity only once it has started. RULE (issue 5 §3: the actual value is computed from what the records
    # show was done; the metric's own help: "activities … held"): count activities that have started
    # (starts_at ≤ now). FIX: add .filter(starts_at__lte=timezone.now()) in _held.
    later = timezone.now() + datetime.timedelta(days=2)
    Activity.objects.create(organiser=world.union_a, path=world.union_a.path, title="年底运动会",
                            kind="sports_culture", starts_at=later, status="open")
    period = Period(timezone.localdate(later).year)
    held = len(find_activities(world.union_a, period.start, period.end))
    assert held == 0
    assert contrib.metric("activities.activities").compute(world.union_a, period) == held


def test_membership_rate_counts_working_members_over_staff(world):
    # WRONG (members/report.py:52-54): 入会率 divides all members in the statistics' sense — retirees and the
    # unemployed with 保留会籍 included — by the staff of the covered units, so a union whose ten staff are all
    # members and which keeps two retirees shows 120%. RULE (DOMAIN.md, Organisations: 入会率 = members ÷ staff
    # of covered units; retirees keep 保留会籍 but are not staff, and members with 保留会籍 are counted apart).
    # FIX: the numerator excludes status RETAINED (tally "retained") — members who are staff of covered units.
    union = make_node(world.street_a, Level.GRASSROOTS_UNION, "UR", "丙公司工会")
    org_services.unit_create(actor=None, name="丙公司", credit_code=VALID_CODES[3], kind="enterprise",
                             ownership="private", industry="C", staff_count=10, women_count=2,
                             area_node=world.street_a, covering_union=union)
    members = [make_member(union, f"丙{i}") for i in range(12)]
    for member in members[:2]:
        member_services.member_retain(actor=None, member=member, reason="retired")
    # 10 working members of 10 staff
    assert contrib.metric("members.membership_rate").compute(union, Period(Y)) == Decimal("100.00")


# ---- indicator status ----------------------------------------------------------------------------------------

def test_a_count_is_on_track_on_the_first_day_of_the_period(db):
    # WRONG (plans/indicators/status.py:108): the pro-rata pace counts `today` as fully elapsed, so on 1 January
    # a count target (开展活动 ≥ 12) has a pace of 12/365 and its actual 0 is "at risk" — every count indicator of
    # a new plan opens red. RULE (issue 5 §3 on track / at risk judged against the pace; nothing can be expected
    # before any of the period has passed): the pace on the first day is 0. FIX: elapsed = (today − start).days
    # (days completed before today), or compare against whole units of the pace.
    status, _pace = judge(actual=Decimal(0), target=Decimal(12), comparator=Comparator.AT_LEAST, count=True,
                          start=datetime.date(Y, 1, 1), deadline=datetime.date(Y, 12, 31),
                          today=datetime.date(Y, 1, 1))
    assert status == ON_TRACK


# ---- suggestions ---------------------------------------------------------------------------------------------

def _overdue_unions(world, count, name="某某市某某区甲街道某某电子科技有限公司工会{}"):
    for i in range(count):
        make_node(world.street_a, Level.GRASSROOTS_UNION, f"OV{i}", name.format(i),
                  term_start=datetime.date(2018, 1, 1), term_years=3)


def test_re_election_below_counts_every_overdue_union(world):
    # WRONG (orgs/report.py:157): "其中N个已逾期" counts the overdue terms among the first NAMES_SHOWN (10) rows
    # only, so with eleven unions overdue the source says "其中10个已逾期". RULE (DOMAIN.md, Organisations: a
    # union whose term has ended without 换届 is overdue; the suggestion's source states the records). FIX:
    # count the overdue ones on the whole queryset (below.filter(term_end < 1 January) in SQL, e.g. by
    # term_due_q(year − 1)).
    _overdue_unions(world, 11, name="换届{}工会")
    item = keyed(world.street_a, Y)[f"orgs.re_election_below:{world.street_a.pk}:{Y}"]
    assert "其中11个已逾期" in item.source


def test_a_suggested_items_source_is_kept_whole(world):
    # WRONG (plans/services.py:366): a suggestion applied to a plan keeps only the first 200 characters of its
    # source (PlanItem.source max_length=200), so the rule and record list shown with the item is cut off in
    # mid-sentence for any federation with real union names. RULE (DOMAIN.md preamble: "a rule the system checks
    # is shown to users with that source"; issue 5 §2 "each with its source"). FIX: make PlanItem.source a
    # TextField (migration) or shorten the sources, never truncate silently.
    _overdue_unions(world, 11)
    key = f"orgs.re_election_below:{world.street_a.pk}:{Y}"
    suggestion = keyed(world.street_a, Y)[key]
    plan = plan_services.plan_create(actor=None, node=world.street_a, year=Y, suggestions=[key])
    item = plan.items.get(suggestion_key=key)
    assert item.source == suggestion.source


def test_re_election_dates_are_written_without_leading_zeros(world):
    # WRONG (orgs/report.py:99, 145): dates in the 换届 item read "本届任期自2020年03月01日起5年，2025年03月01日
    # 届满" and "03月01日前选举产生…" (strftime %m/%d). RULE (GB/T 9704-2012 党政机关公文格式 §7.3.5.4: 月、日不编
    # 虚位 — "2025年3月1日"; rights/report.py's _cn already writes dates so). Same in care/report.py:206
    # ("春节（02月04日）前") and rights/report.py:99 ("2025-12-31期满" in prose). FIX: format with
    # f"{d.year}年{d.month}月{d.day}日".
    union = make_node(world.street_a, Level.GRASSROOTS_UNION, "UT", "丁公司工会",
                      term_start=datetime.date(2020, 3, 1), term_years=5)
    item = keyed(union, Y)[f"orgs.re_election:{union.pk}:{Y}"]
    assert "2020年3月1日" in item.source and "03月" not in item.source
    assert "03月01日" not in item.target


def test_warmth_campaign_names_the_spring_festival_day(world):
    # WRONG (care/report.py:206): the 送温暖 item says "春节（02月04日）前完成送温暖" for 2025, citing the last day of
    # the Spring Festival *holiday* (4 February) as the festival; the Spring Festival of 2025 was 29 January
    # (2026: "春节（02月23日）前" for 17 February). RULE (DOMAIN.md, Care: 送温暖 (冬) before the Spring
    # Festival): the date named is the festival's, i.e. the campaign is finished before 正月初一. FIX: name the
    # festival day (e.g. the first holiday day + 1 for years where 除夕 is a holiday, or a lunar conversion), or
    # write "春节前" without a date.
    warmth = keyed(world.union_a, Y)[f"care.campaign:warmth:{world.union_a.pk}:{Y}"]
    assert "1月29日" in warmth.target


def test_women_committee_item_is_done_once_the_committee_is_set_up(world):
    # WRONG (orgs/report.py:230): "建立女职工委员会" is suggested with 时限 QUARTERS (1, 2), i.e. two occurrences, so
    # the committee set up once in March (its election minutes uploaded) leaves the item half done and the
    # second quarter overdue. RULE (DOMAIN.md, Organisations: 10 or more women members → a 女职工委员会; it is set
    # up once): a one-off task has one occurrence — a date (by 30 June) — and is done with one piece of evidence.
    # FIX: SuggestedTiming(timing=Timing.DATE, due_on=date(year, 6, 30)).
    union = make_node(world.street_a, Level.GRASSROOTS_UNION, "UW", "戊服装厂工会")
    for i in range(10):
        make_member(union, f"女{i}", female=True)
    key = f"orgs.women_committee:{union.pk}:{Y}"
    assert key in keyed(union, Y)
    plan = plan_services.plan_create(actor=None, node=union, year=Y, suggestions=[key])
    item = plan.items.get(suggestion_key=key)
    progress = item_progress(item, links=[], uploads=[datetime.date(Y, 3, 10)], found=[],
                             today=datetime.date(Y, 7, 15))
    assert progress.done and not progress.overdue


# ---- collective contracts --------------------------------------------------------------------------------------

def test_renewal_item_is_done_by_the_renewed_contract(world):
    # WRONG (rights/report.py:93): the renewal item's 时限 is MONTHS over the whole renewal window (October,
    # November, December for a contract ending 31 December), each month an occurrence, so the renewed contract
    # signed on 15 November meets one of three and the item is never done (October overdue). RULE (DOMAIN.md,
    # Rights: renewal may start in the last 90 days — one renewal within the window): one occurrence from the
    # window's opening to the contract's end. FIX: SuggestedTiming(timing=Timing.DATE, due_on=ends_on) clipped
    # to the year (or a single window).
    old = _contract(world, signed=datetime.date(2022, 12, 20), starts=datetime.date(2023, 1, 1), term=3,
                    filed=datetime.date(2022, 12, 25))
    key = f"rights.renew:{old.pk}:{Y}"
    plan = plan_services.plan_create(actor=None, node=world.union_a, year=Y, suggestions=[key])
    _contract(world, signed=datetime.date(Y, 11, 15), starts=datetime.date(Y + 1, 1, 1), term=1,
              filed=datetime.date(Y, 11, 20), title="甲中学2026年工资专项集体合同")
    item = plan.items.get(suggestion_key=key)
    row = plan_progress(plan, today=datetime.date(Y + 1, 1, 10)).items[item.pk]
    assert row.done and not row.overdue


def test_an_expired_contract_not_renewed_is_suggested(world):
    # WRONG (rights/report.py:71): due_for_renewal only takes contracts ending from 1 January of the year, so a
    # wage agreement that expired on 30 November of last year and was never renewed yields no item in this
    # year's plan — the unit has no agreement in force and nobody is told. RULE (DOMAIN.md, Rights: term 1–3
    # years, renewal from the last 90 days; as 换届 overdue is suggested, a lapsed contract is the most urgent
    # renewal). FIX: also take contracts with ends_on < 1 January not followed by a later contract of the same
    # union and kind, titled "尽快重新签订…（已过期）".
    lapsed = _contract(world, signed=datetime.date(Y - 3, 11, 20), starts=datetime.date(Y - 3, 12, 1), term=2,
                       filed=datetime.date(Y - 3, 11, 25))
    assert lapsed.ends_on == datetime.date(Y - 1, 11, 30)
    assert any(s.section == Section.RIGHTS for s in contrib.suggestions(world.union_a, Y))


def test_a_contract_from_29_february_ends_on_28_february(db):
    # WRONG (rights/models.py:92): end_of_term adds the years with 29 February → 28 February and then subtracts a
    # day, so a one-year contract from 2024-02-29 ends on 2025-02-27 and the workers lose a day of cover. RULE
    # (DOMAIN.md, Rights: term 1–3 years; end = start + term − 1 day, where a year after 29 February is
    # 1 March — 民法典 §202: no corresponding day → the end of that month is the last day): 2025-02-28. FIX: take
    # start + term years as 1 March when the start is 29 February, then subtract a day.
    assert end_of_term(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_a_contract_is_not_in_force_before_it_takes_effect(world):
    # WRONG (rights/models.py:147, and selectors.in_force_at / units_covered_at used for the 签约率): a contract is
    # "in force" from its starts_on even while the labour bureau may still object (effective_on = filed + 15
    # days) or when it was never filed, and the 工资集体协商签约率 counts it. RULE (DOMAIN.md, Rights: filed
    # within 10 days, effective if no objection in 15 days; 集体合同规定 §47): in force from
    # max(starts_on, effective_on), and not before it is filed. FIX: status_on returns PENDING while
    # day < effective_on or filed_on is None; in_force_at filters effective_on__lte=day.
    contract = _contract(world, signed=datetime.date(Y, 3, 1), starts=datetime.date(Y, 3, 1), term=1,
                         filed=datetime.date(Y, 3, 5))
    assert contract.effective_on == datetime.date(Y, 3, 20)
    assert contract.status_on(datetime.date(Y, 3, 10)) == ContractStatus.PENDING


# ---- plan templates -------------------------------------------------------------------------------------------

def test_templates_name_the_five_periods_of_women_workers(db):
    # WRONG (plans/catalog.py:143): the women's item reads "检查经期、孕期、产期、哺乳期“四期”保护落实情况" — the
    # old 四期 of 1988. RULE (DOMAIN.md, Women workers: the "五期" are 经期, 孕期, 产期, 哺乳期, 更年期). FIX: "经期、
    # 孕期、产期、哺乳期、更年期“五期”保护".
    texts = [item.measures for template in catalog.TEMPLATES.values() for item in template.items
             if item.section == Section.WOMEN]
    assert not any("四期" in text for text in texts)
    assert any("更年期" in text for text in texts)


# ---- the .docx ------------------------------------------------------------------------------------------------

def test_docx_has_no_empty_numbered_heading_after_an_officer_clears_a_section(world):
    # WRONG (plans/summary/docx.py:203-210, with summary/services.py summary_update): an officer drops a part of
    # the draft by clearing its text — the usual way to edit a summary — and the .docx still prints its numbered
    # heading "（一）组织建设" with nothing under it, the next part staying "（二）…". RULE (issue 5 §6: the .docx has
    # numbered sections that open cleanly; the brief: no empty numbered headings, no gaps in 一、二、… /
    # （一）（二）…). FIX: in write_docx (or on update) skip a level-2 section with neither paragraphs nor tables and
    # renumber the remaining （一）（二）… headings in order.
    import io

    from docx import Document

    from gonghui.plans.summary import docx as summary_docx
    from gonghui.plans.summary import services as summary_services

    make_member(world.union_a, "甲一", join_date=datetime.date(Y, 2, 1))
    summary = summary_services.summary_create(actor=None, node=world.union_a, year=Y,
                                              today=datetime.date(Y + 1, 1, 10))
    keys = [s["key"] for s in summary.sections if s["level"] == 2]
    assert f"work.{Section.ORGANISATION}" in keys and len(keys) > 1
    summary = summary_services.summary_update(actor=None, summary=summary,
                                              sections={f"work.{Section.ORGANISATION}": {"paragraphs": ""}})
    document = Document(io.BytesIO(summary_docx.summary_docx(summary, on=datetime.date(Y + 1, 1, 10))))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    subheadings = [text for style, text in paragraphs if style == "Heading 2"]
    assert "（一）组织建设" not in subheadings
    assert subheadings[0].startswith("（一）")
