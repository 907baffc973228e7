"""Campaigns (issue 4 §8): default dates from the holiday library, recipients selected by rule, given once
under the caps, progress and totals; 一日捐 donation drives and their totals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gonghui.care.campaigns import holidays, selectors
from gonghui.care.campaigns import services as campaigns
from gonghui.care.models import Assistance, Campaign, CampaignRecipient, CareBudget, Donation, HardshipFile

from .conftest import make_member

D = datetime.date


def _today() -> datetime.date:
    return timezone.localdate()


def _budget(node, amount="50000"):
    return CareBudget.objects.create(node=node, path=node.path, year=_today().year, amount=Decimal(amount))


def _file(member, category="deep", cause="illness", status="active"):
    return HardshipFile.objects.create(member=member, union=member.union, path=member.union.path, category=category,
                                       cause=cause, status=status, filed_on=D(2024, 1, 1))


def _campaign(world, kind="warmth", node=None, **fields):
    values = {"actor": world.chair_a, "node": node or world.union_a, "kind": kind, "year": _today().year,
              "starts_on": _today().replace(day=1), "ends_on": _today()}
    values.update(fields)
    return campaigns.campaign_create(**values)


# ---- dates from the holiday library --------------------------------------------------------------------

def test_it_dates_songwennuan_from_30_days_before_the_spring_festival_holiday():
    assert holidays.spring_festival_holiday(2025) == (D(2025, 1, 28), D(2025, 2, 4))
    assert holidays.default_dates("warmth", 2025) == (D(2024, 12, 29), D(2025, 2, 4))
    assert holidays.default_dates("warmth", 2026) == (D(2026, 1, 16), D(2026, 2, 23))
    assert holidays.default_dates("coolness", 2026) == (D(2026, 6, 1), D(2026, 8, 31))
    assert holidays.default_dates("education", 2026) == (D(2026, 7, 1), D(2026, 9, 30))


def test_it_names_the_spring_festival_day_itself_not_the_holiday():
    # published 春节 dates: leap-month years (2023 闰二月, 2034 after 2033's 闰十一月) included
    published = {2000: D(2000, 2, 5), 2014: D(2014, 1, 31), 2015: D(2015, 2, 19), 2020: D(2020, 1, 25),
                 2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17),
                 2027: D(2027, 2, 6), 2033: D(2033, 1, 31), 2034: D(2034, 2, 19), 2035: D(2035, 2, 8)}
    assert {year: holidays.spring_festival(year) for year in published} == published
    for year in range(2004, 2027):  # inside the official holiday wherever the library has one
        first, last = holidays.spring_festival_holiday(year)
        assert first <= holidays.spring_festival(year) <= last, year


def test_it_creates_a_campaign_with_the_default_dates(world):
    campaign = campaigns.campaign_create(actor=world.chair_a, node=world.union_a, kind="warmth", year=2026)
    assert (campaign.starts_on, campaign.ends_on) == (D(2026, 1, 16), D(2026, 2, 23))
    assert campaign.title.startswith("2026") and campaign.path == world.union_a.path


def test_it_asks_for_the_dates_in_a_year_the_library_does_not_know(world, client):
    with pytest.raises(ValidationError) as error:
        campaigns.campaign_create(actor=world.chair_a, node=world.union_a, kind="warmth", year=2090)
    assert "2090" in " ".join(error.value.message_dict["starts_on"])
    campaign = campaigns.campaign_create(actor=world.chair_a, node=world.union_a, kind="warmth", year=2090,
                                         starts_on=D(2090, 1, 1), ends_on=D(2090, 2, 10))
    assert campaign.starts_on == D(2090, 1, 1)
    client.force_login(world.chair_a)
    response = client.post(reverse("care:campaign_create", args=[world.union_a.pk]),
                           {"kind": "warmth", "year": "2091"})
    assert response.status_code == 200 and "2091" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_it_refuses_dates_in_the_wrong_order(world):
    with pytest.raises(ValidationError) as error:
        _campaign(world, starts_on=D(2026, 3, 1), ends_on=D(2026, 2, 1))
    assert "ends_on" in error.value.message_dict


# ---- recipients by rule --------------------------------------------------------------------------------

def test_it_selects_recipients_by_the_rule_once(world):
    deep = make_member(world.union_a, "深困甲")
    _file(deep, "deep")
    relative = make_member(world.union_a, "相困乙")
    _file(relative, "relative")
    returned = make_member(world.union_a, "退回丙")
    _file(returned, "deep", status="returned")
    front = make_member(world.union_a, "一线丁", is_front_line=True)
    rider = make_member(world.joint_a, "骑手戊", new_form_group="food_delivery")
    make_member(world.union_a, "普通己")
    outside = make_member(world.union_b, "外院庚", is_front_line=True)
    campaign = _campaign(world, kind="coolness", node=world.street_a,
                         rule={"categories": ["deep"], "front_line": True, "new_form": True})
    assert campaigns.campaign_select(actor=world.street_admin, campaign=campaign) == 3 + 0
    chosen = {r.member_id: r for r in campaign.recipients.all()}
    assert set(chosen) == {deep.pk, front.pk, rider.pk}
    assert chosen[deep.pk].hardship_file is not None and chosen[front.pk].hardship_file is None
    assert relative.pk not in chosen and returned.pk not in chosen and outside.pk not in chosen
    assert campaigns.campaign_select(actor=world.street_admin, campaign=campaign) == 0
    assert CampaignRecipient.objects.count() == 3


def test_it_selects_the_schooling_files_for_jinqiu_zhuxue(world):
    student = make_member(world.union_a, "上学甲")
    _file(student, "relative", cause="schooling")
    ill = make_member(world.union_a, "生病乙")
    _file(ill, "deep", cause="illness")
    campaign = _campaign(world, kind="education", rule={"categories": ["deep"], "front_line": True})
    campaigns.campaign_select(actor=world.chair_a, campaign=campaign)
    assert list(campaign.recipients.values_list("member_id", flat=True)) == [student.pk]


# ---- giving ---------------------------------------------------------------------------------------------

def test_it_gives_once_under_the_caps_and_counts_the_progress(world):
    _budget(world.union_a)
    poor = make_member(world.union_a, "困难甲")
    _file(poor, "deep")
    poor2 = make_member(world.union_a, "困难乙")
    _file(poor2, "relative")
    campaign = _campaign(world, rule={"categories": ["deep", "relative"]}, amount_per_person="800")
    campaigns.campaign_select(actor=world.chair_a, campaign=campaign)
    first = campaign.recipients.get(member=poor)
    assistance = campaigns.recipient_give(actor=world.chair_a, recipient=first, on=_today())
    assert assistance.amount == Decimal("800") and assistance.campaign == campaign and assistance.kind == "warmth"
    assert assistance.hardship_file is not None and assistance.status == "paid"
    with pytest.raises(ValidationError) as error:
        campaigns.recipient_give(actor=world.chair_a, recipient=first, on=_today())
    assert "困难甲" in " ".join(error.value.messages)
    assert Assistance.objects.count() == 1
    progress = selectors.progress(campaign)
    assert (progress.selected, progress.given, progress.total, progress.percent) == (2, 1, Decimal("800"), 50)
    row = selectors.campaigns(world.chair_a, world.union_a).get()
    assert (row.selected, row.given, row.given_total) == (2, 1, Decimal("800"))


def test_a_warmth_campaign_cannot_select_workers_the_caps_would_never_let_it_give_to(world, client):
    """送温暖 counts as 困难帮扶 under the configured caps (an approved hardship file needed): a rule that picks
    front-line or new-form workers by their work alone would make recipients that can never be given to."""
    for field in ("front_line", "new_form"):
        with pytest.raises(ValidationError) as error:
            _campaign(world, rule={"categories": ["deep"], field: True})
        assert field in error.value.message_dict and "困难职工档案" in error.value.message_dict[field][0]
    client.force_login(world.chair_a)
    response = client.post(reverse("care:campaign_create", args=[world.union_a.pk]),
                           {"kind": "warmth", "year": str(_today().year), "front_line": "on"})
    assert response.status_code == 200 and "送清凉" in response.content.decode()
    assert Campaign.objects.count() == 0
    # 送清凉 has no such rule; and where a deployment's caps do not ask a file for 送温暖, it may select them
    _campaign(world, kind="coolness", rule={"front_line": True})
    caps_without_file = [{**cap, "needs_hardship_file": False} for cap in settings.GONGHUI_CARE["CAPS"]]
    with override_settings(GONGHUI_CARE={**settings.GONGHUI_CARE, "CAPS": caps_without_file}):
        _campaign(world, rule={"front_line": True})
    assert Campaign.objects.count() == 2


def test_it_refuses_a_gift_above_the_cap_or_without_a_hardship_file(world):
    _budget(world.union_a)
    poor = make_member(world.union_a, "困难丙")
    _file(poor, "deep")
    closed = make_member(world.union_a, "脱困丁")
    closed_file = _file(closed, "relative")
    campaign = _campaign(world, rule={"categories": ["deep", "relative"]})
    campaigns.campaign_select(actor=world.chair_a, campaign=campaign)
    with pytest.raises(ValidationError) as error:
        campaigns.recipient_give(actor=world.chair_a, recipient=campaign.recipients.get(member=poor), on=_today(),
                                 amount="2500")
    assert "困难帮扶" in " ".join(error.value.messages)
    # a file closed between the selection and the gift
    HardshipFile.objects.filter(pk=closed_file.pk).update(status="relieved")
    with pytest.raises(ValidationError) as error:
        campaigns.recipient_give(actor=world.chair_a, recipient=campaign.recipients.get(member=closed), on=_today(),
                                 amount="300")
    assert "hardship_file" in error.value.message_dict
    assert Assistance.objects.count() == 0
    assert not CampaignRecipient.objects.filter(status="given").exists()


def test_it_gives_through_the_page_and_refuses_the_second_time(client, world):
    _budget(world.union_a)
    worker = make_member(world.union_a, "一线戊", is_front_line=True)
    campaign = _campaign(world, kind="coolness", rule={"front_line": True}, amount_per_person="200")
    client.force_login(world.chair_a)
    client.post(reverse("care:campaign_select", args=[campaign.pk]))
    recipient = campaign.recipients.get(member=worker)
    url = reverse("care:recipient_give", args=[recipient.pk])
    body = {"amount": "200", "form": "goods", "funding": "union_funds", "on": _today().isoformat()}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302
    assert Assistance.objects.filter(campaign=campaign).count() == 1
    page = client.get(reverse("care:campaign_detail", args=[campaign.pk])).content.decode()
    assert "一线戊" in page and "200.00" in page


# ---- 一日捐 -----------------------------------------------------------------------------------------------

def test_it_totals_a_donation_drive_by_node_and_overall(world, client):
    drive = _campaign(world, kind="donation", node=world.street_a)
    a1 = make_member(world.union_a, "捐一")
    a2 = make_member(world.union_a, "捐二")
    j1 = make_member(world.joint_a, "捐三")
    campaigns.donation_create(actor=world.street_admin, campaign=drive, member=a1, amount="100", donated_on=_today())
    campaigns.donation_create(actor=world.street_admin, campaign=drive, member=a2, amount="50.5", donated_on=_today())
    campaigns.donation_create(actor=world.street_admin, campaign=drive, member=j1, amount="200", donated_on=_today())
    campaigns.donation_create(actor=world.street_admin, campaign=drive, donor_name="甲便利店", amount="1000",
                              donated_on=_today())
    by_node, overall = selectors.donation_totals(drive)
    assert overall.amount == Decimal("1350.50") and overall.donors == 4
    table = {(row.node.name if row.node else None): (row.donors, row.amount) for row in by_node}
    assert table == {"甲中学工会": (2, Decimal("150.50")), "甲社区联合工会": (1, Decimal("200")),
                     None: (1, Decimal("1000"))}
    assert sum(row.amount for row in by_node) == overall.amount
    assert sum(Donation.objects.values_list("amount", flat=True)) == overall.amount
    outsider = make_member(world.union_b, "外人")
    with pytest.raises(ValidationError):
        campaigns.donation_create(actor=world.street_admin, campaign=drive, member=outsider, amount="10",
                                  donated_on=_today())
    with pytest.raises(ValidationError):
        campaigns.donation_create(actor=world.street_admin, campaign=drive, amount="10", donated_on=_today())
    client.force_login(world.street_admin)
    page = client.get(reverse("care:campaign_detail", args=[drive.pk])).content.decode()
    assert "1350.50" in page


def test_it_records_a_list_of_donations_all_or_none(world, client):
    drive = _campaign(world, kind="donation")
    member = make_member(world.union_a, "列一")
    other = make_member(world.union_a, "列二")
    client.force_login(world.chair_a)
    url = reverse("care:donation_create", args=[drive.pk])
    response = client.post(url, {"lines": f"列一, 100\n没有这人 50\n{other.card_no} abc",
                                 "donated_on": _today().isoformat()})
    text = response.content.decode()
    assert response.status_code == 200 and "2" in text and "3" in text and Donation.objects.count() == 0
    response = client.post(url, {"lines": f"列一，100\n{other.card_no}\t20.5", "donated_on": _today().isoformat()})
    assert response.status_code == 302
    assert sorted(Donation.objects.values_list("member_id", "amount")) == sorted(
        [(member.pk, Decimal("100")), (other.pk, Decimal("20.50"))])


def test_it_denies_the_outsider_every_campaign_page(client, world):
    drive = _campaign(world, kind="donation")
    warmth = _campaign(world, kind="coolness", rule={"front_line": True})
    make_member(world.union_a, "一线", is_front_line=True)
    campaigns.campaign_select(actor=world.chair_a, campaign=warmth)
    recipient = warmth.recipients.get()
    client.force_login(world.chair_b)
    for url in (reverse("care:campaign_list", args=[world.union_a.pk]),
                reverse("care:campaign_create", args=[world.union_a.pk]),
                reverse("care:campaign_detail", args=[drive.pk]),
                reverse("care:donation_create", args=[drive.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("care:campaign_select", args=[warmth.pk])).status_code == 404
    assert client.post(reverse("care:recipient_give", args=[recipient.pk]),
                       {"amount": "100", "form": "cash", "funding": "union_funds"}).status_code == 404
    assert client.post(reverse("care:donation_create", args=[drive.pk]),
                       {"donor_name": "x", "amount": "5", "donated_on": "2025-01-01"}).status_code == 404
    assert Donation.objects.count() == 0 and Assistance.objects.count() == 0
