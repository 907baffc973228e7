"""Plan progress (台账): occurrences met by records linked by hand, matched by kind and date, or by files on
the item; done and overdue against a fixed today; per section and overall; the ledger pages; overdue items
on the dashboards; fixed query counts (issue 5 §4)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts import policy
from gonghui.activities.models import Activity
from gonghui.core import evidence
from gonghui.core.models import Attachment, AuditEntry
from gonghui.plans import contrib
from gonghui.plans.links import services as link_services
from gonghui.plans.models import Plan, PlanItem, PlanItemLink, ReviewStatus, Section, Timing
from gonghui.plans.progress import overdue_items, plan_progress

D = datetime.date
SOURCE = "test.activity"


def _record(activity: Activity) -> contrib.EvidenceRecord:
    return contrib.EvidenceRecord(source=SOURCE, object_id=activity.pk, on=timezone.localdate(activity.starts_at),
                                  label=activity.title, kind=activity.kind)


def _find(node, start, end, kind):
    """Activities of the node's subtree held within [start, end], of one kind when given (one query)."""
    rows = Activity.objects.filter(path__under=node.path, starts_at__date__gte=start, starts_at__date__lte=end)
    if kind:
        rows = rows.filter(kind=kind)
    return [_record(activity) for activity in rows.order_by("starts_at", "pk")]


def _get_for_user(user, pk):
    activity = Activity.objects.filter(pk=pk).first()
    if activity is None or not policy.has_perm(user, "orgs.view", activity.path):
        raise Http404
    return _record(activity)


class _TestContribution(contrib.Contribution):
    domain = "plans_test"

    def evidence_sources(self):
        return [contrib.EvidenceSource(key=SOURCE, label="测试活动",
                                       kinds=(("training", "培训"), ("competition", "比武")),
                                       find=_find, get_for_user=_get_for_user)]


@pytest.fixture
def source(monkeypatch):
    contrib.contributions()  # discover the real ones first
    monkeypatch.setitem(contrib._registry, "plans_test", _TestContribution())
    return SOURCE


def activity(node, day: datetime.date, kind: str = "training", title: str = "") -> Activity:
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return Activity.objects.create(organiser=node, path=node.path, title=title or f"{node.name}{day}{kind}",
                                   kind=kind, starts_at=starts)


def make_plan(node, year=2025, **fields) -> Plan:
    return Plan.objects.create(node=node, path=node.path, year=year, **fields)


def item(plan, title="事项", section=Section.CULTURE, **fields) -> PlanItem:
    return PlanItem.objects.create(plan=plan, section=section, title=title, **fields)


def link(it, day, object_id=1, label="记录"):
    return PlanItemLink.objects.create(item=it, source=SOURCE, object_id=object_id, on=day, label=label)


def upload(name="纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 minutes", "application/pdf")


def test_it_meets_an_occurrence_by_a_hand_link_and_marks_the_missed_one_overdue(world, source):
    plan = make_plan(world.union_a)
    it = item(plan, timing=Timing.MONTHS, months=[3, 5, 9])
    link(it, D(2025, 3, 10))
    link(it, D(2025, 4, 30), object_id=2)  # between the windows: counts for none

    ip = plan_progress(plan, today=D(2025, 6, 15)).items[it.pk]

    assert [(s.occurrence.label, s.met, s.overdue) for s in ip.occurrences] == [
        ("3月", True, False), ("5月", False, True), ("9月", False, False)]
    assert [r.on for r in ip.occurrences[0].records] == [D(2025, 3, 10)]
    assert ip.overdue and not ip.done
    assert ip.share == pytest.approx(1 / 3)


def test_it_matches_records_by_kind_date_and_subtree(world, source):
    plan = make_plan(world.union_a)
    it = item(plan, timing=Timing.QUARTERS, quarters=[1, 2, 3], evidence=f"{SOURCE}:training")
    activity(world.union_a, D(2025, 2, 1))                       # Q1, own union: counts
    activity(world.group_a, D(2025, 5, 5))                       # Q2, a group under the union: counts
    activity(world.union_a, D(2025, 8, 1), kind="competition")  # Q3 but another kind
    activity(world.union_b, D(2025, 8, 2))                       # Q3 but another union's
    activity(world.street_a, D(2025, 8, 3))                      # Q3 but the federation above
    activity(world.union_a, D(2024, 12, 31))                     # before the plan's period

    ip = plan_progress(plan, today=D(2025, 12, 31)).items[it.pk]

    assert [s.met for s in ip.occurrences] == [True, True, False]
    assert [r.on for r in ip.occurrences[1].records] == [D(2025, 5, 5)]
    assert ip.overdue and not ip.done

    activity(world.union_a, D(2025, 9, 30))
    assert plan_progress(plan, today=D(2025, 12, 31)).items[it.pk].done


def test_it_counts_a_record_once_when_it_is_both_linked_and_matched(world, source):
    plan = make_plan(world.union_a)
    it = item(plan, timing=Timing.MONTHS, months=[2], evidence=SOURCE)
    record = activity(world.union_a, D(2025, 2, 1))
    link(it, D(2025, 2, 1), object_id=record.pk, label=record.title)

    status = plan_progress(plan, today=D(2025, 3, 1)).items[it.pk].occurrences[0]

    assert status.met and len(status.records) == 1


def test_it_counts_files_only_for_items_without_a_kind_of_record(world, source):
    year = timezone.localdate().year
    plan = make_plan(world.union_a, year=year)
    meeting = item(plan, "召开工会委员会会议", timing=Timing.YEARLY)
    training = item(plan, "开展培训", timing=Timing.YEARLY, evidence=f"{SOURCE}:training")
    assert not plan_progress(plan).items[meeting.pk].done

    for it in (meeting, training):
        evidence.evidence_add(actor=None, instance=it, path=plan.path, upload=upload())
    progress = plan_progress(plan)

    assert progress.items[meeting.pk].done and progress.items[meeting.pk].occurrences[0].files == 1
    assert progress.items[training.pk].attachments == 1 and not progress.items[training.pk].done


def test_it_counts_an_item_without_occurrences_done_once_it_has_evidence(world, source):
    plan = make_plan(world.union_a, half=2)
    it = item(plan, timing=Timing.MONTHS, months=[3])  # March lies outside the second half

    assert plan_progress(plan, today=D(2025, 12, 31)).items[it.pk].occurrences == []
    assert not plan_progress(plan, today=D(2025, 12, 31)).items[it.pk].done

    link(it, D(2025, 8, 1))
    ip = plan_progress(plan, today=D(2025, 12, 31)).items[it.pk]
    assert ip.done and not ip.overdue and ip.share == 1.0


def test_it_gives_progress_per_section_and_overall(world, source):
    plan = make_plan(world.union_a)
    done = item(plan, "文体一", timing=Timing.MONTHS, months=[3])
    item(plan, "文体二", timing=Timing.QUARTERLY)
    care = item(plan, "帮扶", section=Section.CARE, timing=Timing.HALF_YEARLY)
    link(done, D(2025, 3, 1))
    link(care, D(2025, 2, 1), object_id=5)
    link(care, D(2025, 8, 1), object_id=6)

    progress = plan_progress(plan, today=D(2025, 12, 31))

    assert (progress.done, progress.total, progress.share) == (2, 3, pytest.approx(2 / 3))
    sections = {s.section: s for s in progress.sections}
    assert [s.section for s in progress.sections] == [Section.CARE, Section.CULTURE]  # in SECTION_ORDER
    assert (sections[Section.CULTURE].done, sections[Section.CULTURE].total) == (1, 2)
    assert (sections[Section.CARE].done, sections[Section.CARE].share) == (1, 1.0)
    assert (progress.occurrences_met, progress.occurrences_total) == (3, 1 + 4 + 2)
    assert [ip.item.title for ip in progress.overdue] == ["文体二"]


def test_it_reads_a_fixed_number_of_queries_whatever_the_number_of_items(world, source, django_assert_num_queries):
    ContentType.objects.get_for_model(PlanItem)  # cached once per process

    def build(count):
        plan = make_plan(world.union_a, year=2025 + count)
        for n in range(count):
            it = item(plan, f"事项{n}", timing=Timing.MONTHLY,
                      evidence=[SOURCE, f"{SOURCE}:training", ""][n % 3])
            link(it, D(plan.year, 1, 2), object_id=n + 1)
            evidence.evidence_add(actor=None, instance=it, path=plan.path, upload=upload())
            activity(world.union_a, D(plan.year, 2, 1 + n))
        return plan

    for count in (3, 12):
        plan = build(count)
        # items, links, attachments, and one find() per (source, kind): 2 here
        with django_assert_num_queries(5):
            progress = plan_progress(plan, today=D(plan.year, 12, 31))
        assert progress.total == count


def test_it_lists_overdue_items_for_the_node_and_the_node_above(world, source):
    today = D(2025, 6, 1)
    plan_a = make_plan(world.union_a)
    late = item(plan_a, "一季度培训", timing=Timing.QUARTERS, quarters=[1])
    item(plan_a, "四季度培训", timing=Timing.QUARTERS, quarters=[4])
    make_plan(world.union_b).items.create(section=Section.CARE, title="乙事项", timing=Timing.MONTHS, months=[1])

    assert [ip.item.pk for ip in overdue_items(world.chair_a, world.union_a, today=today)] == [late.pk]
    assert [ip.item.pk for ip in overdue_items(world.street_admin, world.street_a, today=today)] == [late.pk]
    # two levels up: the county sees its streets' items, not every union's
    assert overdue_items(world.district_admin, world.county, today=today) == []
    assert overdue_items(world.chair_b, world.union_b, today=today)[0].item.title == "乙事项"
    assert overdue_items(world.member, world.group_a, today=today) == []


def test_it_shows_overdue_items_on_the_dashboard_of_the_street(client, world, source):
    today = timezone.localdate()
    if today.month == 1 and today.day == 1:
        pytest.skip("nothing of this year can be overdue on 1 January")
    plan = make_plan(world.union_a, year=today.year)
    item(plan, "开年动员会", timing=Timing.DATE, due_on=D(today.year, 1, 1))

    client.force_login(world.street_admin)
    page = client.get(reverse("orgs:node_detail", args=[world.street_a.pk])).content.decode()
    assert 'data-testid="overdue-items"' in page and "开年动员会" in page
    client.force_login(world.chair_b)
    page = client.get(reverse("orgs:node_detail", args=[world.union_b.pk])).content.decode()
    assert "开年动员会" not in page


def test_it_shows_an_items_ledger_with_its_occurrences_and_records(client, world, source):
    plan = make_plan(world.union_a)
    it = item(plan, "每季度培训", timing=Timing.QUARTERLY, evidence=f"{SOURCE}:training")
    activity(world.union_a, D(2025, 2, 3), title="一季度安全培训")
    link(it, D(2025, 4, 9), object_id=99, label="二季度手工记录")

    client.force_login(world.women_officer)
    response = client.get(reverse("plans:item_evidence", args=[it.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "一季度安全培训" in page and "二季度手工记录" in page and "第三季度" in page
    assert reverse("plans:link_add", args=[it.pk]) not in page  # may look, not link


def test_it_offers_the_records_of_the_items_kind_and_attaches_one(client, world, source):
    plan = make_plan(world.union_a, status=ReviewStatus.ACCEPTED)  # carried out after it was accepted
    it = item(plan, "培训", timing=Timing.MONTHS, months=[5], evidence=f"{SOURCE}:training")
    wanted = activity(world.union_a, D(2025, 5, 20), title="五月培训")
    activity(world.union_a, D(2025, 5, 21), kind="competition", title="五月比武")
    activity(world.union_b, D(2025, 5, 22), title="乙院培训")
    activity(world.union_a, D(2026, 1, 5), title="明年培训")

    client.force_login(world.chair_a)
    page = client.get(reverse("plans:link_add", args=[it.pk])).content.decode()
    assert "五月培训" in page
    assert "五月比武" not in page and "乙院培训" not in page and "明年培训" not in page

    response = client.post(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "object_id": wanted.pk})
    assert response.status_code == 302
    created = PlanItemLink.objects.get(item=it)
    assert (created.object_id, created.on, created.linked_by) == (wanted.pk, D(2025, 5, 20), world.chair_a)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, org_path=plan.path).exists()
    # already attached: refused, still one
    client.post(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "object_id": wanted.pk})
    assert PlanItemLink.objects.filter(item=it).count() == 1

    response = client.post(reverse("plans:link_remove", args=[created.pk]))
    assert response.status_code == 302 and not PlanItemLink.objects.filter(item=it).exists()


def test_it_lets_an_item_without_a_kind_choose_the_source(client, world, source):
    plan = make_plan(world.union_a)
    it = item(plan, "宣传", timing=Timing.YEARLY)
    activity(world.union_a, D(2025, 3, 3), kind="competition", title="三月比武")
    client.force_login(world.chair_a)

    assert "三月比武" not in client.get(reverse("plans:link_add", args=[it.pk])).content.decode()
    page = client.get(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE}).content.decode()
    assert "三月比武" in page
    page = client.get(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "kind": "training"}).content.decode()
    assert "三月比武" not in page


def test_it_refuses_records_outside_the_subtree_or_the_period(client, world, source):
    plan = make_plan(world.union_a)
    it = item(plan, "培训", timing=Timing.YEARLY)
    joint = activity(world.joint_a, D(2025, 5, 1), title="联合工会培训")   # seen by the street, not union A's
    early = activity(world.union_a, D(2024, 5, 1), title="去年培训")
    hidden = activity(world.union_b, D(2025, 5, 1), title="乙院培训")

    client.force_login(world.street_admin)
    client.post(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "object_id": joint.pk})
    client.post(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "object_id": early.pk})
    response = client.post(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "object_id": hidden.pk})
    assert response.status_code == 404  # the record's own access helper
    response = client.post(reverse("plans:link_add", args=[it.pk]), {"source": SOURCE, "object_id": "x"},
                           follow=True)
    assert response.status_code == 200
    assert not PlanItemLink.objects.filter(item=it).exists()

    with pytest.raises(ValidationError):
        link_services.link_add(actor=None, item=it, record=_record(joint))


def test_it_keeps_serves_and_removes_files_of_an_item(client, world, source):
    plan = make_plan(world.union_a)
    it = item(plan, "会议", timing=Timing.YEARLY)
    client.force_login(world.chair_a)

    response = client.post(reverse("plans:item_file_upload", args=[it.pk]), {"file": upload("会议纪要.pdf")})
    assert response.status_code == 302
    attachment = Attachment.objects.get(object_id=it.pk)
    assert attachment.path == plan.path
    assert "会议纪要.pdf" in client.get(reverse("plans:item_evidence", args=[it.pk])).content.decode()
    response = client.get(reverse("plans:item_file", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")

    client.post(reverse("plans:item_file_upload", args=[it.pk]),
                {"file": SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00", "application/pdf")})
    assert Attachment.objects.filter(object_id=it.pk).count() == 1  # not really a PDF: refused

    client.force_login(world.chair_b)
    assert client.get(reverse("plans:item_file", args=[attachment.pk])).status_code == 404
    client.force_login(world.chair_a)
    client.post(reverse("plans:item_file_delete", args=[attachment.pk]))
    assert not Attachment.objects.filter(object_id=it.pk).exists()


def test_it_denies_the_outsider_every_ledger_page(client, world, source):
    plan = make_plan(world.union_a)
    it = item(plan, "会议", timing=Timing.YEARLY)
    made = link(it, D(2025, 2, 2))
    attachment = evidence.evidence_add(actor=None, instance=it, path=plan.path, upload=upload())
    client.force_login(world.chair_b)
    for name, pk in [("plans:item_evidence", it.pk), ("plans:link_add", it.pk), ("plans:item_file", attachment.pk)]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    for name, pk in [("plans:link_add", it.pk), ("plans:link_remove", made.pk), ("plans:item_file_upload", it.pk),
                     ("plans:item_file_delete", attachment.pk)]:
        assert client.post(reverse(name, args=[pk]), {"source": SOURCE, "object_id": 1}).status_code == 404, name
    assert PlanItemLink.objects.filter(pk=made.pk).exists() and Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("evidence", ["activities.activity", "activities.activity:training"])
def test_it_counts_a_districts_records_by_day_with_the_same_result_as_listing_them(world, evidence):
    """The real activity source offers `days`: a plan's progress counts records by day instead of listing them,
    and must reach the same met / overdue / count as the listed records of the evidence page."""
    plan = make_plan(world.street_a)
    monthly = item(plan, title="每月活动", timing=Timing.MONTHLY, evidence=evidence)
    dated = item(plan, title="上半年一次", timing=Timing.DATE, due_on=D(2025, 6, 30), evidence=evidence)
    activity(world.union_a, D(2025, 1, 10))
    activity(world.union_a, D(2025, 1, 31), kind="competition")
    activity(world.union_a, D(2025, 3, 1))
    activity(world.union_a, D(2025, 3, 31))
    activity(world.union_b, D(2025, 2, 10))  # street B: outside the plan's subtree
    cancelled = activity(world.union_a, D(2025, 2, 11))
    cancelled.status = "cancelled"
    cancelled.save()
    hand = activity(world.union_a, D(2025, 3, 15))
    PlanItemLink.objects.create(item=monthly, source="activities.activity", object_id=hand.pk,
                                on=D(2025, 3, 15), label=hand.title, kind=hand.kind)
    other = activity(world.union_a, D(2025, 4, 2), kind="competition")  # linked by hand to a training item too
    PlanItemLink.objects.create(item=monthly, source="activities.activity", object_id=other.pk,
                                on=D(2025, 4, 2), label=other.title, kind=other.kind)
    today = D(2025, 4, 15)
    counted = plan_progress(plan, today=today)
    listed = plan_progress(plan, today=today, detail=True)
    for it in (monthly, dated):
        fast, full = counted.items[it.pk], listed.items[it.pk]
        assert [(s.met, s.overdue, s.count) for s in fast.occurrences] == \
            [(s.met, s.overdue, len(s.records)) for s in full.occurrences]
        assert (fast.done, fast.overdue, fast.share) == (full.done, full.overdue, full.share)
    months = counted.items[monthly.pk].occurrences
    expected_january = 1 if evidence.endswith("training") else 2
    assert [s.count for s in months[:4]] == [expected_january, 0, 3, 1]
    assert months[1].overdue and months[3].met


def test_it_dates_a_file_uploaded_later_by_the_work_it_shows(client, world):
    """September's new-member registration, its form scanned and uploaded in November: dated 15 September it
    meets September's occurrence; a day outside the plan or ahead of today is refused with the reason."""
    today = timezone.localdate()
    plan = make_plan(world.union_a, year=today.year)
    it = item(plan, title="做好会员发展和会籍管理", section=Section.ORGANISATION, timing=Timing.MONTHS, months=[1])
    january = D(today.year, 1, 15)
    assert plan_progress(plan, today=today).items[it.pk].overdue or today.month == 1
    client.force_login(world.chair_a)
    url = reverse("plans:item_file_upload", args=[it.pk])
    response = client.post(url, {"file": upload("1月入会登记表.pdf"), "on": january.isoformat()}, follow=True)
    assert response.status_code == 200
    attachment = Attachment.objects.get(object_id=it.pk)
    assert attachment.taken_on == january or (today == january and attachment.taken_on is None)
    progress = plan_progress(plan, today=today).items[it.pk]
    assert progress.done and not progress.overdue
    for wrong in (D(today.year - 1, 12, 31), today + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            link_services.file_add(actor=world.chair_a, item=it, upload=upload("迟到.pdf"), on=wrong)
        assert "工作开展日期须在计划时段内" in " ".join(refused.value.messages)
    assert Attachment.objects.filter(object_id=it.pk).count() == 1


def test_it_reads_the_records_of_all_the_childrens_plans_at_once_for_a_dashboard(world):
    """A street's dashboard lists the overdue items of every union's plan below it: the unions' records are read
    once per kind of record, grouped by union, whatever the number of unions, with the result each plan gives
    on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.orgs.models import Level

    from .conftest import make_node

    today = D(2025, 7, 15)

    def union_with_plan(code: str, held: list[datetime.date]) -> Plan:
        node = make_node(world.street_a, Level.GRASSROOTS_UNION, code, f"{code}工会")
        for day in held:
            activity(node, day, kind="meeting")
        plan = make_plan(node)
        item(plan, "季度委员会议", section=Section.SELF, timing=Timing.QUARTERLY,
             evidence="activities.activity:meeting")
        item(plan, "上半年慰问", section=Section.CARE, timing=Timing.MONTHS, months=[5], evidence="care.visit")
        return plan

    union_with_plan("U1", [D(2025, 2, 1), D(2025, 5, 1)])
    union_with_plan("U2", [D(2025, 2, 1)])                  # Q2 missed
    overdue_items(world.street_admin, world.street_a, today=today)  # the content type, cached from then on
    with CaptureQueriesContext(connection) as few:
        first = overdue_items(world.street_admin, world.street_a, today=today)
    for index in range(3, 8):
        union_with_plan(f"U{index}", [D(2025, 5, 2)])       # Q1 missed
    with CaptureQueriesContext(connection) as many:
        rows = overdue_items(world.street_admin, world.street_a, today=today)
    assert len(many) == len(few)
    assert len(first) < len(rows)
    alone = [ip for plan in Plan.objects.filter(node__parent=world.street_a).order_by("path")
             for ip in plan_progress(plan, today=today).overdue]
    assert [(ip.item.pk, [s.occurrence.label for s in ip.overdue_occurrences]) for ip in rows] == \
        [(ip.item.pk, [s.occurrence.label for s in ip.overdue_occurrences]) for ip in alone]
    assert {ip.item.plan.node.code for ip in rows if ip.item.title == "季度委员会议"} == {
        "U2", *(f"U{index}" for index in range(3, 8))}
