"""The demo's two years of activities, honours and care (issue 4 §11): every payment rechecked with the
rules of care/caps.py, data in both years, histories that hold together, and something to see for the demo
accounts. The demo is built once for the module (a few seconds) and rolled back at the end."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from gonghui.accounts.models import User
from gonghui.activities.models import Activity, Honour, Participation
from gonghui.care import caps
from gonghui.care import stats as care_stats
from gonghui.care.models import (
    COMMITTED_ASSISTANCE,
    Assistance,
    Campaign,
    CampaignRecipient,
    CareBudget,
    CareNotice,
    Donation,
    HardshipEvent,
    HardshipFile,
    HardshipStatus,
    LivingAllowanceStandard,
    Visit,
)
from gonghui.demo.seed import ROOT_CODE, build_demo
from gonghui.members.models import Member
from gonghui.orgs.models import OrgNode

TODAY = datetime.date(2026, 11, 23)
YEARS = (TODAY.year - 1, TODAY.year)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = build_demo(today=TODAY)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def root(demo, db):
    return OrgNode.objects.get(code=ROOT_CODE)


def test_it_builds_both_years_of_activities_care_and_honours(demo, root):
    assert demo.care_created and demo.care["activities"] > 100 and demo.care["assistance"] > 1000
    for year in YEARS:
        figures = care_stats.year_stats(root, year)
        assert figures["activities"]["total"]["person_times"] > 1000, year
        assert len(figures["activities"]["by_kind"]) >= 6
        assert figures["assistance"]["total"]["persons"] > 100
        assert {"festival", "living", "warmth", "coolness", "education", "illness"} <= set(
            figures["assistance"]["by_kind"])
        assert figures["visits"]["total"]["visits"] > 50
        assert set(figures["campaigns"]["by_kind"]) == {"warmth", "coolness", "education", "donation"}
        assert figures["campaigns"]["donations"]["amount"] > Decimal("10000")
        assert figures["hardship"]["total"]["open"] > 10
    assert care_stats.year_stats(root, YEARS[0])["honours"]["total"]["awarded"] > 20
    assert care_stats.year_stats(root, YEARS[1])["honours"]["nominated"] > 10
    assert sum(care_stats.year_stats(root, year)["hardship"]["total"]["relieved"] for year in YEARS) > 0
    assert Honour.objects.filter(status="rejected").exists()
    assert LivingAllowanceStandard.objects.filter(node=root).count() == 2


def test_every_payment_obeys_the_caps_and_the_budget(demo, root):
    """Each committed payment (the festival gifts of the chair's union among them) rechecked with
    caps.check_spending as if it were being approved now; the festival gifts of the others by their sums."""
    committed = (Assistance.objects.filter(status__in=COMMITTED_ASSISTANCE)
                 .select_related("member", "union", "hardship_file"))
    checked = 0
    for record in committed.filter(~Q(kind="festival") | Q(union__code="HBYZ")).iterator():
        file = record.hardship_file
        if file is not None and file.status == HardshipStatus.RELIEVED:
            # on file when it was paid; the rules ask for a file on file, so recheck as of that day
            assert file.approved_at.date() <= record.on < file.relieved_on
            file.status = HardshipStatus.ACTIVE
        caps.check_spending(union=record.union, member=record.member, kind=record.kind, amount=record.amount,
                            form=record.form, funding=record.funding, on=record.on, case=record.case,
                            hardship_file=file, exclude_pk=record.pk)
        checked += 1
    assert checked > 1000
    festival = (committed.filter(kind="festival").values("member", "on__year")
                .annotate(total=Sum("amount"), cash=Count("id", filter=~Q(form="goods"))))
    assert festival and all(row["total"] <= Decimal("2200") and row["cash"] == 0 for row in festival)
    for line in CareBudget.objects.all():
        assert caps.budget_spent(line) <= line.amount, (line.node, line.year, line.kind)
    retired = [record for record in committed.filter(funding="union_funds", member__employment_type="retired")]
    assert retired == []
    assert committed.filter(funding="other", kind="retirement").exists()


def test_the_hardship_files_have_their_history(demo, root):
    files = HardshipFile.objects.annotate(filed=Count("events", filter=Q(events__kind="filed")),
                                          relieved_events=Count("events", filter=Q(events__kind="relieved")))
    assert files.count() > 40
    assert all(file.filed == 1 for file in files)
    statuses = Counter(file.status for file in files)
    assert statuses["active"] > 20 and statuses["relieved"] > 0 and statuses["union_approved"] > 0
    for file in files:
        assert (file.relieved_events == 1) == (file.status == HardshipStatus.RELIEVED)
        if file.status == HardshipStatus.RELIEVED:
            assert YEARS[0] <= file.relieved_on.year and file.relieved_on < TODAY
            assert file.above_line_since == file.relieved_on - datetime.timedelta(days=183)
        if file.status in (HardshipStatus.ACTIVE, HardshipStatus.RELIEVED):
            assert file.approved_at is not None and file.union_approved_at is not None
    assert HardshipEvent.objects.filter(kind="reviewed").exists()
    # one open file per member at most (the database holds it too)
    assert not HardshipFile.objects.filter(status__in=["draft", "union_approved", "active", "returned"]).values(
        "member").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_visits_gifts_campaigns_and_notices_hold_together(demo, root):
    with_gift = Visit.objects.filter(assistance__isnull=False).select_related("assistance")
    assert with_gift.count() > 100
    for visit in with_gift:
        assert visit.assistance.member_id == visit.member_id and visit.assistance.amount == visit.gift_value
    assert not Visit.objects.filter(assistance__isnull=True, gift_value__gt=0).exists()
    assert Visit.objects.filter(notice__isnull=False, notice__resolved_on__isnull=False).exists()
    open_notices = CareNotice.objects.filter(resolved_on__isnull=True)
    assert open_notices.count() >= 5 and open_notices.filter(union__code="HBYZ").count() == 3
    given = CampaignRecipient.objects.filter(status="given")
    assert given.count() > 100 and not given.filter(assistance__isnull=True).exists()
    assert not given.exclude(assistance__campaign=F("campaign")).exists()
    planned = Campaign.objects.get(status="planned")
    assert planned.recipients.filter(status="selected").count() > 10
    assert Donation.objects.filter(member__isnull=True).exists()


def test_the_kept_counts_of_the_activities_match_their_rows(demo, root):
    counts = Activity.objects.annotate(
        signed=Count("participations", filter=Q(participations__status="signed_up")),
        waiting=Count("participations", filter=Q(participations__status="waiting")),
        came=Count("participations", filter=Q(participations__checked_in_at__isnull=False)))
    assert all((a.signed_up_count, a.waiting_count, a.attended_count) == (a.signed, a.waiting, a.came)
               for a in counts)
    assert not Participation.objects.filter(checked_in_at__isnull=False).exclude(status="signed_up").exists()
    assert Activity.objects.filter(kind="competition", entries__isnull=False).exists()


def test_the_demo_accounts_have_something_to_see(demo, root):
    school = OrgNode.objects.get(code="HBYZ")
    for model in (Activity, Assistance, Visit, HardshipFile):
        assert model.objects.filter(path__under=school.path).exists(), model
    member = Member.objects.get(user=User.objects.get(username="member"))
    upcoming = Activity.objects.filter(organiser=school, status="open", starts_at__date__gt=TODAY,
                                       signup_deadline__date__gt=TODAY)
    assert upcoming.count() >= 3
    mine = set(Participation.objects.filter(member=member).values_list("activity", flat=True))
    assert len([a for a in upcoming if a.pk not in mine]) >= 2 and len([a for a in upcoming if a.pk in mine]) == 1
    assert Participation.objects.filter(member=member, checked_in_at__isnull=False).exists()


def test_a_second_build_keeps_the_care_data(demo, root):
    count = Assistance.objects.count()
    again = build_demo(today=TODAY)
    assert not again.care_created and Assistance.objects.count() == count
