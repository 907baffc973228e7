"""Every URL pattern, visited as each persona: no one sees or changes anything outside their subtree.

Object pages answer 404 for what lies outside the persona's subtree (GET and POST alike, and nothing is
written), 403 where the persona may look but not act. A new URL pattern fails
`test_it_covers_every_url_pattern` until it is added to the cases below.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gonghui.accounts.models import Role, RoleAssignment, User
from gonghui.activities import services as activity_services
from gonghui.activities.honours import services as honour_services
from gonghui.activities.models import Activity, CompetitionEntry, Honour, Participation
from gonghui.care.campaigns import services as campaign_services
from gonghui.care.models import Assistance, Campaign, CampaignRecipient, CareNotice, Donation, Visit
from gonghui.core import evidence
from gonghui.core.models import Attachment, AuditEntry
from gonghui.members.models import ImportJob, Member, WomenRecord
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Level, OfficerRole, OrgNode, Unit

from .conftest import VALID_CODES, make_member, make_node, make_user

# URL name → which object of a "side" it takes, and a POST body that would change something.
OBJECT_URLS = {
    "orgs:node_detail": ("node", None),
    "orgs:node_stats": ("node", None),
    "orgs:node_edit": ("node", {"name": "改名", "code": "HACKED", "address": "改了地址"}),
    "orgs:node_move": ("node", {"new_parent": "QX"}),
    "orgs:node_create": ("node", {"level": "union_group", "name": "新小组", "code": "NEWG"}),
    "orgs:unit_list": ("node", None),
    "orgs:unit_create": ("node", {"name": "新单位", "credit_code": VALID_CODES[5], "kind": "enterprise",
                                  "ownership": "private", "industry": "C", "staff_count": 10,
                                  "women_count": 1, "migrant_worker_count": 0}),
    "orgs:officer_create": ("node", {"name": "张三", "role": "committee_member", "term_start": "2025-01-01"}),
    "orgs:unit_detail": ("unit", None),
    "orgs:unit_edit": ("unit", {"name": "改名单位", "credit_code": VALID_CODES[6], "kind": "enterprise",
                                "ownership": "private", "industry": "C", "staff_count": 1, "women_count": 0,
                                "migrant_worker_count": 0}),
    "orgs:officer_edit": ("officer", {"name": "改名", "role": "chair", "term_start": "2020-01-01"}),
    "orgs:officer_delete": ("officer", {}),
    "accounts:role_list": ("node", {"username": "intruder", "full_name": "入侵者", "password": "Very-long-pass-99",
                                    "role": "federation_admin", "node": "QX"}),
    "accounts:role_revoke": ("assignment", {}),
    "members:member_list": ("node", None),
    "members:member_create": ("node", {"name": "入侵者", "citizen_id": "110105199001011238",
                                       "employment_type": "employed"}),
    "members:transfer_list": ("node", None),
    "members:inactive_list": ("node", None),
    "members:member_detail": ("member", None),
    "members:member_edit": ("member", {"name": "改名", "employment_type": "employed"}),
    "members:member_reveal": ("member", {"field": "citizen_id"}),
    "members:member_membership": ("member", {"action": "expel", "reason": "入侵"}),
    "members:women_list": ("node", None),
    "members:women_record": ("member", None),
    "members:women_record_edit": ("member", {"stage": "menopause", "babies": 1}),
    "members:women_check_record": ("member", {"kind": "general"}),
    "members:member_export": ("node", None),
    "members:card_sheet": ("node", None),
    "members:member_card": ("member", None),
    "members:import_start": ("node", {"mode": "valid-rows"}),
    "members:import_detail": ("import_job", None),
    "members:import_run": ("import_job", {"mode": "valid-rows"}),
    "members:import_errors": ("import_job", None),
    "care:care_home": ("node", None),
    "care:standard_list": ("node", None),  # adding is refused (403) in tests/test_care_hardship.py
    "care:budget_list": ("node", None),
    "care:hardship_list": ("node", None),
    "care:hardship_create": ("node", {"member": "0", "cause": "illness", "household": "本人", "annual_income": "1",
                                      "hardship_spending": "0"}),
    "care:hardship_detail": ("hardship_file", None),
    "care:hardship_edit": ("hardship_file", {"cause": "other", "household": "本人", "annual_income": "1",
                                             "hardship_spending": "0"}),
    "care:hardship_action": ("hardship_file", {"action": "union_approve"}),
    "care:hardship_review": ("hardship_file", {"household": "本人", "annual_income": "1",
                                               "hardship_spending": "0"}),
    "care:hardship_reveal": ("hardship_file", {}),
    "care:assistance_list": ("node", None),
    "care:assistance_create": ("node", {"submission": "9b2c1e0e-1111-4222-8333-444455556666", "member": "0",
                                        "kind": "marriage", "amount": "1", "form": "cash", "funding": "donations",
                                        "on": "2025-01-01"}),
    "care:assistance_ledger": ("node", None),
    "care:assistance_detail": ("assistance", None),
    "care:hardship_evidence_upload": ("hardship_file", {}),
    "care:assistance_evidence_upload": ("assistance", {}),
    "care:visit_detail": ("visit", None),
    "care:visit_evidence_upload": ("visit", {}),
    "care:evidence_file": ("care_attachment", None),
    "care:evidence_delete": ("care_attachment", {}),
    "care:assistance_action": ("assistance", {"action": "approve"}),
    "care:assistance_confirm": ("assistance", {}),
    "activities:honour_list": ("node", None),
    "activities:honour_nominate": ("node", {"kind": "excellent_member", "year": 2025, "member_card_no": "X",
                                            "citation": "入侵"}),
    "activities:honour_roll": ("node", None),
    "activities:honour_detail": ("honour", None),
    "activities:honour_decide": ("honour", {"decision": "approve", "note": "入侵"}),
    "activities:honour_withdraw": ("honour", {}),
    "activities:member_honours": ("member", None),
    "activities:activity_ledger": ("node", None),
    "activities:activity_list": ("node", None),
    "activities:activity_create": ("node", {"title": "入侵活动", "kind": "meeting", "starts_at": "2030-01-01T09:00",
                                            "audience": "all", "budget": "0"}),
    "activities:activity_detail": ("activity", None),
    "activities:activity_edit": ("activity", {"title": "改名", "kind": "meeting", "starts_at": "2030-01-01T09:00",
                                              "audience": "all", "budget": "0"}),
    "activities:activity_status": ("activity", {"status": "cancelled"}),
    "activities:attachment_upload": ("activity", {}),
    "activities:attachment_file": ("activity_attachment", None),
    "activities:attachment_delete": ("activity_attachment", {}),
    "activities:activity_signup": ("activity", {}),
    "activities:activity_roster": ("activity", None),
    "activities:participant_add": ("activity", {"member": "1"}),
    "activities:participant_update": ("activity", {"participation": "1", "action": "cancel"}),
    "activities:activity_qr": ("activity", None),
    "activities:activity_checkin": ("activity", None),
    "activities:results": ("activity", None),
    "activities:entry_create": ("activity", {"team": "入侵队", "event": "入侵"}),
    "activities:entry_rank": ("activity", {}),
    "activities:entry_edit": ("activity_entry", {"team": "改名队", "event": "入侵"}),
    "activities:entry_delete": ("activity_entry", {}),
    "activities:member_activities": ("member", None),
    "activities:activity_ledger_xlsx": ("node", None),
    "care:visit_list": ("node", None),
    "care:visit_create": ("node", {"member": "甲会员", "reason": "festival", "visited_on": "2025-01-01",
                                   "visitors": "入侵者", "gift_value": "0", "form": "goods",
                                   "funding": "union_funds"}),
    "care:visit_due": ("node", None),
    "care:notice_create": ("node", {"member": "甲会员", "reason": "illness", "since": "2025-01-01"}),
    "care:visit_ledger": ("node", None),
    "care:campaign_list": ("node", None),
    "care:campaign_create": ("node", {"kind": "coolness", "year": 2025}),
    "care:campaign_detail": ("campaign", None),
    "care:campaign_select": ("campaign", {}),
    "care:donation_create": ("drive", {"donor_name": "入侵者", "amount": "5", "donated_on": "2025-01-01"}),
    "care:recipient_give": ("recipient", {"amount": "100", "form": "cash", "funding": "donations",
                                          "on": "2025-01-01"}),
    # 考核 (plans/assessment): schemes live on the union's parent federation
    "plans:scheme_list": ("node", None),
    "plans:scheme_create": ("node", {"name": "入侵考核", "year": 2025}),
    "plans:scheme_detail": ("scheme", None),
    "plans:scheme_edit": ("scheme", {"name": "改名考核", "year": 2025}),
    "plans:scheme_delete": ("scheme", {}),
    "plans:scheme_scores": ("scheme", {"s-1-1": "5"}),
    "plans:scheme_xlsx": ("scheme", None),
    "plans:criterion_create": ("scheme", {"label": "入侵", "comparator": "gte", "target": "1", "weight": "5",
                                          "rule": "threshold"}),
    "plans:criterion_edit": ("criterion", {"label": "改名", "comparator": "gte", "target": "1", "weight": "5",
                                           "rule": "threshold"}),
    "plans:criterion_delete": ("criterion", {}),
    # 台账 of plan items and review of plans and summaries (plans/links, plans/review)
    "plans:item_evidence": ("plan_item", None),
    "plans:link_add": ("plan_item", {"source": "activities.activity", "object_id": "1"}),
    "plans:link_remove": ("plan_link", {}),
    "plans:item_file_upload": ("plan_item", {}),
    "plans:item_file": ("plan_attachment", None),
    "plans:item_file_delete": ("plan_attachment", {}),
    "plans:plan_review": ("plan", {"action": "submit"}),
    "plans:summary_review": ("summary", {"action": "submit"}),
    "plans:submissions": ("node", None),
    # plans and their items (plans/views.py)
    "plans:plan_list": ("node", None),
    "plans:plan_create": ("node", {"year": "2027", "half": "0", "start": "blank"}),
    "plans:plan_detail": ("plan", None),
    "plans:plan_edit": ("plan", {"title": "入侵计划"}),
    "plans:plan_calendar": ("plan", None),
    "plans:plan_suggestions": ("plan", {"suggestions": "orgs.congress:1:2025"}),
    "plans:item_create": ("plan", {"section": "culture", "title": "入侵", "timing": "yearly"}),
    "plans:item_edit": ("plan_item", {"section": "culture", "title": "改名", "timing": "yearly"}),
    "plans:item_delete": ("plan_item", {}),
    "plans:item_move": ("plan_item", {"direction": "up"}),
    # collective contracts (rights/)
    "rights:contract_list": ("node", None),
    "rights:contract_create": ("node", {"kind": "wage", "title": "入侵合同", "signed_on": "2025-01-01",
                                        "starts_on": "2025-01-01", "term_years": "1", "union_negotiators": "3",
                                        "employer_negotiators": "3"}),
    "rights:contract_detail": ("contract", None),
    "rights:contract_edit": ("contract", {"kind": "wage", "title": "改名", "signed_on": "2025-01-01",
                                          "starts_on": "2025-01-01", "term_years": "1", "union_negotiators": "3",
                                          "employer_negotiators": "3"}),
    "rights:contract_delete": ("contract", {}),
    # indicators of a plan (plans/indicators)
    "plans:indicator_panel": ("plan", None),
    "plans:indicator_create": ("plan", {"metric": "", "label": "入侵", "section": "culture", "comparator": "gte",
                                        "target": "1", "unit": "次"}),
    "plans:indicator_detail": ("indicator", None),
    "plans:indicator_edit": ("indicator", {"metric": "", "label": "改名", "section": "culture", "comparator": "gte",
                                           "target": "1", "unit": "次"}),
    "plans:indicator_delete": ("indicator", {}),
    "plans:indicator_record": ("indicator", {"value": "9", "note": "入侵"}),
    "plans:indicator_evidence_upload": ("indicator", {}),
    "plans:indicator_evidence_file": ("indicator_attachment", None),
    "plans:indicator_evidence_delete": ("indicator_attachment", {}),
    # work summaries (plans/summary)
    "plans:summary_list": ("node", None),
    "plans:summary_create": ("node", {"year": "2024", "half": "0"}),
    "plans:summary_draft_export": ("node", None),
    "plans:summary_detail": ("summary", None),
    "plans:summary_section": ("summary", None),
    "plans:summary_edit": ("summary", {"title": "入侵总结"}),
    "plans:summary_redraft": ("summary", {}),
    "plans:summary_export": ("summary", None),
}
OTHER_URLS = {
    "home", "audit_log", "accounts:login", "accounts:logout", "accounts:password_change",
    "accounts:switch_node", "accounts:set_language", "orgs:node_picker",
    "members:card_verify",  # public: what a card's QR code opens (tests/test_member_cards.py)
    "care:my_assistance",  # a member's own assistance (tests/test_care_assistance.py)
    "activities:my_activities",  # a member's own page, no object (tests/test_activities.py)
    "health",  # public: database and worker checks, no personal data (tests/test_health.py)
}
POST_ONLY = {"orgs:officer_delete", "accounts:role_revoke", "members:member_reveal", "members:women_check_record",
             "members:import_run", "activities:honour_decide", "activities:honour_withdraw",
             "activities:activity_status", "activities:attachment_upload", "activities:attachment_delete",
             "activities:activity_signup", "activities:participant_update", "activities:entry_rank",
             "activities:entry_delete",
             "care:campaign_select", "care:recipient_give"}
# 女职工 pages exist only for the women's officer and the chair: every other persona gets 404 even inside
# their subtree (tests/test_women.py checks them persona by persona).
WOMEN_ONLY = {"members:women_list", "members:women_record", "members:women_record_edit",
              "members:women_check_record"}
POST_ONLY |= {"care:hardship_action", "care:hardship_reveal", "care:assistance_action", "care:assistance_confirm",
              "care:hardship_evidence_upload", "care:assistance_evidence_upload", "care:evidence_delete",
              "care:visit_evidence_upload"}
POST_ONLY |= {"plans:scheme_delete", "plans:criterion_delete"}
POST_ONLY |= {"plans:indicator_evidence_upload", "plans:indicator_evidence_delete"}
POST_ONLY |= {"plans:summary_redraft"}
POST_ONLY |= {"plans:item_delete", "plans:item_move"}
POST_ONLY |= {"plans:link_remove", "plans:item_file_upload", "plans:item_file_delete", "plans:plan_review",
              "plans:summary_review"}
# Which write permission each object URL needs (read-only personas get 403 there).
WRITE_URLS = {name for name, (_, body) in OBJECT_URLS.items() if body is not None}


def _all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _honour(union, name):
    """A pending nomination of one of the union's members, for the union above to decide."""
    return honour_services.honour_nominate(actor=None, node=union, kind="excellent_member", year=2025,
                                           member=make_member(union, name), citation="事迹")


def _care(union, name):
    """A 送清凉 campaign of the union with one selected recipient, a 一日捐 drive and a visit of the union."""
    from gonghui.care.visits import services as visit_services

    make_member(union, name, is_front_line=True)
    campaign = campaign_services.campaign_create(actor=None, node=union, kind="coolness", year=2025,
                                                 starts_on=datetime.date(2025, 6, 1),
                                                 ends_on=datetime.date(2025, 8, 31), rule={"front_line": True})
    campaign_services.campaign_select(actor=None, campaign=campaign)
    drive = campaign_services.campaign_create(actor=None, node=union, kind="donation", year=2025,
                                              starts_on=datetime.date(2025, 5, 1), ends_on=datetime.date(2025, 5, 31))
    visit = visit_services.visit_create(actor=None, node=union, member=make_member(union, name + "病"),
                                        reason="illness", visited_on=datetime.date(2025, 6, 2), visitors="工会主席")
    return {"campaign": campaign, "recipient": campaign.recipients.get(), "drive": drive, "visit": visit}


def _activities(union, name):
    """A competition of the union (open, with a photo, one entry and one participant)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    activity = activity_services.activity_create(actor=None, organiser=union, title=f"{name}技能比武",
                                                 kind="competition",
                                                 starts_at=timezone.now() + datetime.timedelta(days=5))
    photo = activity_services.attachment_add(actor=None, activity=activity, upload=SimpleUploadedFile(
        "合影.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png"))
    entry = activity_services.entry_save(actor=None, activity=activity, team=f"{name}队", event="电工组")
    activity_services.signup(actor=None, activity=activity, member=make_member(union, name))
    return {"activity": activity, "activity_attachment": photo, "activity_entry": entry}


def _hardship_care(union, name):
    """A hardship file being filed and a requested assistance, for one member of the union each."""
    from gonghui.care import models as care_models
    from gonghui.care.assistance import services as assistance_services
    from gonghui.care.hardship import services as hardship_services

    root = OrgNode.objects.get(pk=int(union.path[:8], 16))
    care_models.LivingAllowanceStandard.objects.get_or_create(
        node=root, effective_from=datetime.date(2000, 1, 1), defaults={"path": root.path, "monthly_amount": 800})
    file = hardship_services.hardship_file_create(
        actor=None, member=make_member(union, name), cause="illness", household=[{"relation": "本人"}],
        annual_income=5000, hardship_spending=0)
    assistance, _ = assistance_services.assistance_request(
        actor=None, union=union, member=make_member(union, name + "二"), kind="marriage", amount=500,
        funding="donations")
    receipt = evidence.evidence_add(actor=None, instance=assistance, path=assistance.path, upload=SimpleUploadedFile(
        "签收单.pdf", b"%PDF-1.4 receipt", "application/pdf"))
    return {"hardship_file": file, "assistance": assistance, "care_attachment": receipt}


def _care_state():
    from gonghui.care import models as care_models

    return (list(care_models.HardshipFile.objects.order_by("pk").values_list("status", "category", "details")),
            list(care_models.Assistance.objects.order_by("pk").values_list("status", "amount")),
            care_models.LivingAllowanceStandard.objects.count(), care_models.CareBudget.objects.count())


def _import_job(union):
    """A checked roster import (its file already gone), as the import pages show one."""
    return ImportJob.objects.create(union=union, path=union.path, original_name="花名册.xlsx", status="checked")


def _plans(union, name):
    """A plan with one item linked to a record, a hand-entered indicator, a summary and, on the node above, an
    assessment scheme with one criterion (issue 5)."""
    from gonghui.plans import models as plans

    plan = plans.Plan.objects.create(node=union, path=union.path, year=2025, title=f"{name}计划")
    item = plans.PlanItem.objects.create(plan=plan, section=plans.Section.CULTURE, title=f"{name}活动",
                                         timing=plans.Timing.MONTHS, months=[5])
    link = plans.PlanItemLink.objects.create(item=item, source="activities.activity", object_id=1,
                                             on=datetime.date(2025, 5, 1), label=f"{name}记录")
    indicator = plans.Indicator.objects.create(plan=plan, section=plans.Section.PUBLICITY, label="信息报送",
                                               target=2, unit="篇")
    summary = plans.Summary.objects.create(node=union, path=union.path, year=2025, title=f"{name}总结")
    scheme = plans.AssessmentScheme.objects.create(node=union.parent, path=union.parent.path, year=2025,
                                                   name=f"{name}考核")
    criterion = plans.AssessmentCriterion.objects.create(scheme=scheme, label="信息报送", target=2, weight=10)
    indicator.refresh_from_db()  # the target as a Decimal, as the audit entry shows it
    notice = evidence.evidence_add(actor=None, instance=indicator, path=plan.path, upload=SimpleUploadedFile(
        f"{name}录用通知.pdf", b"%PDF-1.4 notice", "application/pdf"))
    minutes = evidence.evidence_add(actor=None, instance=item, path=plan.path, upload=SimpleUploadedFile(
        f"{name}纪要.pdf", b"%PDF-1.4 minutes", "application/pdf"))
    return {"plan": plan, "plan_item": item, "plan_link": link, "indicator": indicator, "summary": summary,
            "scheme": scheme, "criterion": criterion, "indicator_attachment": notice, "plan_attachment": minutes}


def _contract(union, name):
    """A wage agreement of the union covering its units (rights/)."""
    from gonghui.rights import services as rights_services

    return rights_services.contract_create(
        actor=None, union=union, units=list(Unit.objects.filter(covering_union=union)), kind="wage",
        title=f"{name}工资协议", signed_on=datetime.date(2025, 1, 10), starts_on=datetime.date(2025, 1, 1),
        term_years=1, union_negotiators=3, employer_negotiators=3)


@pytest.fixture
def sides(world):
    """The three sides of the world: street A, street B, and another district C."""
    county_c = make_node(None, Level.COUNTY_FEDERATION, "QC", "丙区总工会")
    union_c = make_node(county_c, Level.GRASSROOTS_UNION, "UC", "丙厂工会")
    unit_c = org_services.unit_create(actor=None, name="丙厂", credit_code=VALID_CODES[3], kind="enterprise",
                                      ownership="private", industry="C", staff_count=45, women_count=20,
                                      area_node=county_c, covering_union=union_c)
    officer_c = org_services.officer_create(actor=None, node=union_c, name="丙主席", role=OfficerRole.CHAIR,
                                            term_start=datetime.date(2024, 1, 1))
    chair_c = make_user("chair_c", Role.UNION_CHAIR, union_c)
    return {
        "A": {"node": world.union_a, "unit": world.unit_a, "officer": world.officer_a,
              "assignment": world.chair_a.assignments.get(),
              "member": make_member(world.union_a, "甲会员", female=True, group=world.group_a),
              "import_job": _import_job(world.union_a), "honour": _honour(world.union_a, "甲先进"),
              **_hardship_care(world.union_a, "甲困难"),
              **_care(world.union_a, "甲一线"), **_activities(world.union_a, "甲参赛"),
              **_plans(world.union_a, "甲计划"), "contract": _contract(world.union_a, "甲")},
        "B": {"node": world.union_b, "unit": world.unit_b, "officer": world.officer_b,
              "assignment": world.chair_b.assignments.get(),
              "member": make_member(world.union_b, "乙会员", female=True), "import_job": _import_job(world.union_b),
              "honour": _honour(world.union_b, "乙先进"),
              **_hardship_care(world.union_b, "乙困难"), **_care(world.union_b, "乙一线"),
              **_activities(world.union_b, "乙参赛"), **_plans(world.union_b, "乙计划"),
              "contract": _contract(world.union_b, "乙")},
        "C": {"node": union_c, "unit": unit_c, "officer": officer_c, "assignment": chair_c.assignments.get(),
              "member": make_member(union_c, "丙会员", female=True), "import_job": _import_job(union_c),
              "honour": _honour(union_c, "丙先进"),
              **_hardship_care(union_c, "丙困难"), **_care(union_c, "丙一线"),
              **_activities(union_c, "丙参赛"), **_plans(union_c, "丙计划"),
              "contract": _contract(union_c, "丙")},
    }


OUTSIDE = {
    "district_admin": ["C"],
    "readonly_leader": ["C"],
    "street_admin": ["B", "C"],
    "chair_a": ["B", "C"],
    "women_officer": ["B", "C"],
    "member": ["B", "C"],
    "chair_b": ["A", "C"],
}


def _state():
    """Everything a write could touch, to prove that nothing was."""
    return (
        AuditEntry.objects.count(),
        list(RoleAssignment.objects.order_by("pk").values_list("user_id", "node_id", "role")),
        User.objects.count(),
        list(OrgNode.objects.order_by("pk").values_list("name", "code", "path", "parent_id")),
        list(Unit.objects.order_by("pk").values_list("name", "credit_code", "path")),
        list(WomenRecord.objects.order_by("pk").values_list("member_id", "details", "last_general_check")),
        list(Member.objects.order_by("pk").values_list("name", "status", "path", "union_id", "citizen_id_hash")),
        list(Honour.objects.order_by("pk").values_list("status", "decided_by_id", "decision_note")),
        _care_state(),
        [model.objects.count() for model in (Visit, CareNotice, Assistance, Campaign, CampaignRecipient, Donation)],
        list(CampaignRecipient.objects.order_by("pk").values_list("status", "assistance_id")),
        list(Activity.objects.order_by("pk").values_list("title", "status", "signed_up_count", "attended_count")),
        list(Participation.objects.order_by("pk").values_list("member_id", "status", "checked_in_at")),
        list(CompetitionEntry.objects.order_by("pk").values_list("team", "event", "rank")),
        list(Attachment.objects.order_by("pk").values_list("object_id", "file")),
        _rights_state(),
    )


def _rights_state():
    from gonghui.rights.models import CollectiveContract

    return list(CollectiveContract.objects.order_by("pk").values_list("title", "term_years", "ends_on"))


def test_it_covers_every_url_pattern():
    assert _all_url_names() == set(OBJECT_URLS) | OTHER_URLS


@pytest.mark.parametrize("persona", sorted(OUTSIDE))
def test_it_gives_404_for_everything_outside_the_personas_subtree(client, world, sides, persona):
    client.force_login(world.personas[persona])
    before = _state()
    for side in OUTSIDE[persona]:
        for name, (kind, body) in OBJECT_URLS.items():
            url = reverse(name, args=[sides[side][kind].pk])
            expected_get = 405 if name in POST_ONLY else 404
            assert client.get(url).status_code == expected_get, (persona, side, name, "GET")
            response = client.post(url, body or {})
            assert response.status_code in (404, 405), (persona, side, name, "POST")
            if name not in WRITE_URLS and body is None:
                continue
            assert response.status_code == 404, (persona, side, name, "POST")
    assert _state() == before


@pytest.mark.parametrize("persona", ["readonly_leader", "women_officer", "member"])
def test_it_gives_403_where_the_persona_may_look_but_not_change(client, world, persona):
    client.force_login(world.personas[persona])
    own = {"readonly_leader": world.union_a, "women_officer": world.union_a, "member": world.group_a}[persona]
    before = _state()
    targets = {"node": own, "unit": world.unit_a, "officer": world.officer_a,
               "assignment": world.chair_a.assignments.get(), "member": make_member(world.union_a, female=True),
               "import_job": _import_job(world.union_a), "honour": _honour(world.union_a, "甲先进"),
              **_hardship_care(world.union_a, "甲困难"),
               **_care(world.union_a, "甲一线"), **_activities(world.union_a, "甲参赛"),
               **_plans(world.union_a, "甲计划"), "contract": _contract(world.union_a, "甲")}
    before = _state()
    for name, (kind, body) in OBJECT_URLS.items():
        if name not in WRITE_URLS or name in WOMEN_ONLY:
            continue
        if persona == "member" and kind != "node":
            continue  # the member's subtree (their group) holds no units or officers
        if kind in ("scheme", "criterion") and persona != "readonly_leader":
            continue  # an assessment scheme lies on the federation above the persona's union (outside: 404)
        url = reverse(name, args=[targets[kind].pk])
        assert client.get(url).status_code in (403, 405), (persona, name)
        assert client.post(url, body).status_code == 403, (persona, name)
    assert client.get(reverse("orgs:node_detail", args=[own.pk])).status_code == 200
    assert _state() == before


def test_it_lets_a_member_see_their_group_but_not_their_units(client, world):
    client.force_login(world.member)
    assert client.get(reverse("orgs:node_detail", args=[world.group_a.pk])).status_code == 200
    assert client.get(reverse("orgs:node_detail", args=[world.union_a.pk])).status_code == 404
    assert client.get(reverse("orgs:unit_list", args=[world.group_a.pk])).status_code == 403


def test_it_shows_every_page_inside_the_subtree_to_the_district_admin(client, world):
    client.force_login(world.district_admin)
    targets = {"node": world.union_a, "unit": world.unit_a, "officer": world.officer_a,
               "member": make_member(world.union_a, female=True), "import_job": _import_job(world.union_a),
               "honour": _honour(world.union_a, "甲先进"),
              **_hardship_care(world.union_a, "甲困难"), **_care(world.union_a, "甲一线"),
               **_activities(world.union_a, "甲参赛"), **_plans(world.union_a, "甲计划"),
               "contract": _contract(world.union_a, "甲")}
    for name, (kind, _body) in OBJECT_URLS.items():
        if name in POST_ONLY:
            continue
        response = client.get(reverse(name, args=[targets[kind].pk]))
        assert response.status_code == (404 if name in WOMEN_ONLY else 200), name
    assert client.get(reverse("audit_log")).status_code == 200


@pytest.mark.parametrize("name", sorted(set(OBJECT_URLS) | {"home", "audit_log", "orgs:node_picker",
                                                             "accounts:password_change"}))
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, world, name):
    kind = OBJECT_URLS.get(name, (None,))[0]
    target = {"node": world.union_a, "unit": world.unit_a, "officer": world.officer_a,
              "assignment": world.chair_a.assignments.get(),
              "member": make_member(world.union_a, female=True) if kind == "member" else None,
              "import_job": _import_job(world.union_a) if kind == "import_job" else None,
              "honour": _honour(world.union_a, "甲先进") if kind == "honour" else None,
              "contract": _contract(world.union_a, "甲") if kind == "contract" else None,
              **(_hardship_care(world.union_a, "甲困难") if kind in ("hardship_file", "assistance", "care_attachment")
                 else {}),
              **(_care(world.union_a, "甲一线") if kind in ("campaign", "recipient", "drive", "visit") else {}),
              **(_activities(world.union_a, "甲参赛")
                 if kind in ("activity", "activity_attachment", "activity_entry") else {}),
              **(_plans(world.union_a, "甲计划") if kind in ("plan", "plan_item", "plan_link", "plan_attachment",
                                                          "indicator", "indicator_attachment", "summary", "scheme",
                                                          "criterion")
                 else {})}.get(kind)
    url = reverse(name, args=[target.pk]) if target else reverse(name)
    response = client.get(url)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_the_audit_log_to_a_union_chair(client, world):
    client.force_login(world.chair_b)
    assert client.get(reverse("audit_log")).status_code == 403


def test_it_shows_a_street_admin_only_their_streets_audit_entries(client, world):
    client.force_login(world.street_admin)
    response = client.get(reverse("audit_log"), {"kind": "unit"})
    shown = {entry.object_repr for entry in response.context["page"].object_list}
    assert shown == {"甲中学", "甲便利店"}
    # asking for another street's code by hand shows nothing, the same as a typo
    response = client.get(reverse("audit_log"), {"node": "SB"})
    assert response.status_code == 200 and not response.context["page"].object_list
    assert response.context["unknown_code"]


def test_it_does_not_switch_to_a_node_outside_the_subtree(client, world):
    client.force_login(world.chair_b)
    response = client.post(reverse("accounts:switch_node"), {"node": world.union_a.pk})
    assert response.status_code == 404
    assert client.session.get("current_node_id") is None


def test_it_offers_only_visible_nodes_in_the_picker(client, world, sides):
    client.force_login(world.chair_b)
    response = client.get(reverse("orgs:node_picker"), {"perm": "orgs.view", "q": "工会"})
    assert "乙医院工会" in response.content.decode()
    assert "甲中学工会" not in response.content.decode()
    assert "丙厂工会" not in response.content.decode()


def test_it_refuses_to_move_a_node_under_a_parent_outside_the_subtree(client, world):
    client.force_login(world.street_admin)
    # street_admin may move within street A, but street B is not theirs
    response = client.post(reverse("orgs:node_move", args=[world.joint_a.pk]), {"new_parent": "SB"})
    assert response.status_code == 200
    assert "没有找到代码为" in response.content.decode()
    world.joint_a.refresh_from_db()
    assert world.joint_a.parent_id == world.street_a.pk


def test_it_lets_a_chair_add_a_group_in_their_own_union_only(client, world):
    client.force_login(world.chair_a)
    url = reverse("orgs:node_create", args=[world.union_a.pk])
    response = client.post(url, {"level": "union_group", "name": "数学组工会小组", "code": "GA2"})
    assert response.status_code == 302
    assert OrgNode.objects.get(code="GA2").parent_id == world.union_a.pk
    assert client.get(reverse("orgs:node_create", args=[world.street_a.pk])).status_code == 404


def test_it_gives_each_role_the_actions_the_policy_names(world):
    from gonghui.accounts import policy

    user = make_user("finance", Role.FINANCE_OFFICER, world.union_a)
    assert policy.has_perm(user, "orgs.view", world.group_a.path)
    assert not policy.has_perm(user, "orgs.change", world.union_a.path)
    assert not policy.has_perm(user, "orgs.view", world.union_b.path)
