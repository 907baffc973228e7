"""The member list's side reads (issue 6): the inactivity cutoff on the registration time, compared as stored, and
the pending transfers counted rather than loaded."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from gonghui.members import selectors, services
from gonghui.members.models import Member

from .conftest import make_member


def _registered_at(member: Member, moment: datetime.datetime, join_date: datetime.date) -> None:
    Member.objects.filter(pk=member.pk).update(created_at=moment, join_date=join_date)


def test_it_flags_a_member_registered_on_the_cutoff_day_in_local_time_and_not_one_registered_the_day_after(world):
    today = datetime.date(2026, 11, 24)
    cutoff = datetime.date(2026, 5, 24)  # six months before
    zone = timezone.get_current_timezone()
    late_on_cutoff = make_member(world.union_a, "甲")
    # 23:59 local on the cutoff day is 15:59 UTC the same day; 00:01 local the next day is 16:01 UTC on the cutoff day:
    # the UTC date alone would put both on the cutoff day
    _registered_at(late_on_cutoff, datetime.datetime.combine(cutoff, datetime.time(23, 59), tzinfo=zone),
                   datetime.date(2020, 1, 1))
    early_next_day = make_member(world.union_a, "乙")
    _registered_at(early_next_day, datetime.datetime.combine(cutoff + datetime.timedelta(days=1),
                                                             datetime.time(0, 1), tzinfo=zone),
                   datetime.date(2020, 1, 1))
    joined_after = make_member(world.union_a, "丙")
    _registered_at(joined_after, datetime.datetime.combine(datetime.date(2020, 1, 1), datetime.time(9), tzinfo=zone),
                   cutoff + datetime.timedelta(days=1))

    assert list(selectors.inactive_members(world.chair_a, world.union_a, today=today)) == [late_on_cutoff]
    # the same members as the date of the registration time in the current time zone would give
    by_local_date = Member.objects.filter(selectors.inactive_q(today)).values_list("pk", flat=True)
    assert set(by_local_date) == set(Member.objects.filter(
        status="active", last_active_on__isnull=True, join_date__lte=cutoff,
        created_at__date__lte=cutoff).values_list("pk", flat=True)) == {late_on_cutoff.pk}


def test_it_counts_the_pending_transfers_the_transfer_list_lists_on_each_side(world):
    sent = [services.member_transfer_out(actor=world.chair_a, member=make_member(world.union_a, name),
                                         to_union=world.union_b, reason="调动") for name in ("甲", "乙", "丙")]
    back = services.member_transfer_out(actor=world.chair_b, member=make_member(world.union_b, "丁"),
                                        to_union=world.union_a, reason="调动")
    for user, node in [(world.chair_a, world.union_a), (world.chair_b, world.union_b), (world.street_admin,
                       world.street_a), (world.district_admin, world.county), (world.chair_b, world.street_b)]:
        listed = selectors.pending_transfers(user, node)
        assert selectors.pending_transfer_counts(user, node) == {side: len(rows) for side, rows in listed.items()}
    assert selectors.pending_transfer_counts(world.chair_a, world.union_a) == {"incoming": 1, "outgoing": 3}
    assert selectors.pending_transfers(world.chair_a, world.union_a)["outgoing"] == sorted(
        sent, key=lambda t: (t.sent_on, t.pk))
    assert selectors.pending_transfers(world.chair_a, world.union_a)["incoming"] == [back]
    # the district sees both directions; the outsider's street only what touches its own union
    assert selectors.pending_transfer_counts(world.district_admin, world.county) == {"incoming": 4, "outgoing": 4}


def test_it_shows_the_transfer_counts_on_the_member_list_and_the_names_on_the_transfer_list(client, world):
    for name in ("钱七", "孙八"):
        services.member_transfer_out(actor=world.chair_a, member=make_member(world.union_a, name),
                                     to_union=world.union_b, reason="调动")
    client.force_login(world.chair_b)
    page = client.get(reverse("members:member_list", args=[world.union_b.pk])).content.decode()
    link = page[page.index('data-testid="transfers-link"'):]
    link = link[:link.index("</a>")]
    assert "2" in link and "钱七" not in link
    assert reverse("members:transfer_list", args=[world.union_b.pk]) in page
    listed = client.get(reverse("members:transfer_list", args=[world.union_b.pk])).content.decode()
    incoming = listed[listed.index('data-testid="incoming-transfers"'):listed.index('data-testid="outgoing-transfers"')]
    assert "钱七" in incoming and "孙八" in incoming and world.union_a.name in incoming
