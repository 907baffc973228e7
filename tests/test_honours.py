"""Honours (评优表彰, issue 4 §4): a union nominates, the union above decides, the nominator may withdraw."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gonghui.activities.honours import services
from gonghui.activities.models import Honour, HonourKind, HonourStatus
from gonghui.core.models import AuditEntry

from .conftest import make_member

KIND = HonourKind.EXCELLENT_MEMBER


@pytest.fixture
def people(world):
    return {
        "a": make_member(world.union_a, "李文", group=world.group_a),
        "a2": make_member(world.union_a, "周红", female=True),
        "b": make_member(world.union_b, "赵医生"),
    }


def nominate(world, member, actor=None, node=None, **extra):
    fields = {"kind": KIND, "year": 2025, "citation": "教学成绩突出，热心工会工作。", **extra}
    return services.honour_nominate(actor=actor or world.chair_a, node=node or world.union_a, member=member,
                                    **fields)


def test_it_lets_a_union_nominate_its_member_for_the_union_above_to_decide(world, people):
    honour = nominate(world, people["a"])
    assert honour.status == HonourStatus.NOMINATED
    assert honour.approver == world.street_a and honour.approver_path == world.street_a.path
    assert honour.path == world.union_a.path and honour.nominated_by_user == world.chair_a
    assert honour.title == services.default_title(KIND, 2025)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(honour.pk),
                                     org_path=world.union_a.path).exists()


def test_it_refuses_a_nomination_from_outside_the_users_nodes(world, people):
    with pytest.raises(PermissionDenied):
        nominate(world, people["b"], actor=world.chair_a, node=world.union_b)
    assert not Honour.objects.exists()


def test_it_refuses_a_member_who_is_not_under_the_nominating_node(world, people):
    with pytest.raises(ValidationError) as caught:
        nominate(world, people["b"])
    assert "赵医生" in caught.value.message_dict["member"][0]


def test_it_refuses_nominations_from_the_top_node_and_from_a_union_group(world, people):
    with pytest.raises(ValidationError):
        nominate(world, people["a"], actor=world.district_admin, node=world.county)
    with pytest.raises(ValidationError):
        nominate(world, people["a"], actor=world.chair_a, node=world.group_a)
    assert not Honour.objects.exists()


def test_it_gives_collective_honours_to_collectives_only(world, people):
    with pytest.raises(ValidationError) as caught:
        nominate(world, people["a"], kind=HonourKind.ADVANCED_COLLECTIVE)
    assert "member" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.honour_nominate(actor=world.chair_a, node=world.union_a, kind=KIND, year=2025,
                                 collective=world.group_a, citation="事迹")
    assert "member" in caught.value.message_dict and "collective" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.honour_nominate(actor=world.chair_a, node=world.union_a, kind=HonourKind.ADVANCED_COLLECTIVE,
                                 year=2025, collective=world.union_b, citation="事迹")
    assert "collective" in caught.value.message_dict
    group = services.honour_nominate(actor=world.chair_a, node=world.union_a, kind=HonourKind.ADVANCED_COLLECTIVE,
                                     year=2025, collective=world.group_a, citation="教研成绩突出")
    team = services.honour_nominate(actor=world.street_admin, node=world.street_a,
                                    kind=HonourKind.WORKER_PIONEER, year=2025, collective_name="内科护理组",
                                    citation="连续三年零差错")
    assert group.collective == world.group_a and team.approver == world.county


def test_it_requires_the_deeds_and_a_sensible_year(world, people):
    with pytest.raises(ValidationError) as caught:
        nominate(world, people["a"], citation="  ", year=1800)
    assert set(caught.value.message_dict) == {"citation", "year"}


def test_it_says_clearly_that_a_member_holds_an_honour_of_a_kind_once_a_year(world, people):
    first = nominate(world, people["a"])
    with pytest.raises(ValidationError) as caught:
        nominate(world, people["a"])
    message = caught.value.message_dict["member"][0]
    assert "李文" in message and "2025" in message
    nominate(world, people["a"], year=2024)  # another year is fine
    nominate(world, people["a"], kind=HonourKind.EXCELLENT_CADRE)  # another kind too
    services.honour_decide(actor=world.street_admin, honour=first, approve=False, note="名额已满")
    assert nominate(world, people["a"]).status == HonourStatus.NOMINATED  # a refused one no longer counts


def test_it_turns_the_databases_refusal_into_the_same_message(world, people, monkeypatch):
    nominate(world, people["a"])
    monkeypatch.setattr(services, "LIVE_STATUSES", ())  # as if the check ran before a parallel save
    with pytest.raises(ValidationError) as caught:
        nominate(world, people["a"])
    assert "李文" in caught.value.message_dict["member"][0]
    assert Honour.objects.count() == 1


def test_it_lets_the_union_above_approve_and_the_node_below_not(world, people):
    honour = nominate(world, people["a"])
    with pytest.raises(PermissionDenied):
        services.honour_decide(actor=world.chair_a, honour=honour, approve=True)
    with pytest.raises(PermissionDenied):
        services.honour_decide(actor=world.chair_b, honour=honour, approve=True)
    honour = services.honour_decide(actor=world.street_admin, honour=honour, approve=True, note="同意")
    assert honour.status == HonourStatus.APPROVED and honour.decided_by == world.street_admin
    assert honour.awarded_on is not None and honour.decided_at is not None
    with pytest.raises(ValidationError):  # decided once
        services.honour_decide(actor=world.street_admin, honour=honour, approve=False, note="改主意")
    with pytest.raises(ValidationError):
        services.honour_withdraw(actor=world.chair_a, honour=honour)


def test_it_needs_a_reason_to_reject(world, people):
    honour = nominate(world, people["a"])
    with pytest.raises(ValidationError) as caught:
        services.honour_decide(actor=world.street_admin, honour=honour, approve=False)
    assert "note" in caught.value.message_dict
    honour = services.honour_decide(actor=world.district_admin, honour=honour, approve=False, note="事迹不够具体")
    assert honour.status == HonourStatus.REJECTED and honour.awarded_on is None


def test_it_lets_only_the_nominator_withdraw_a_pending_nomination(world, people):
    honour = nominate(world, people["a"])
    with pytest.raises(ValidationError):  # the union above rejects instead
        services.honour_withdraw(actor=world.street_admin, honour=honour)
    with pytest.raises(PermissionDenied):
        services.honour_withdraw(actor=world.chair_b, honour=honour)
    honour = services.honour_withdraw(actor=world.chair_a, honour=honour)
    assert honour.status == HonourStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.honour_withdraw(actor=world.chair_a, honour=honour)
    with pytest.raises(ValidationError):
        services.honour_decide(actor=world.street_admin, honour=honour, approve=True)


# ---- pages ------------------------------------------------------------------------------------------------

def test_it_nominates_through_the_form_by_member_card_number(client, world, people):
    client.force_login(world.chair_a)
    url = reverse("activities:honour_nominate", args=[world.union_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": KIND, "year": 2025, "member_card_no": people["b"].card_no,
                                 "citation": "事迹"})
    assert response.status_code == 200 and "member_card_no" in response.context["form"].errors
    response = client.post(url, {"kind": KIND, "year": 2025, "member_card_no": people["a"].card_no,
                                 "citation": "事迹"})
    honour = Honour.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activities:honour_detail",
                                                                           args=[honour.pk])
    response = client.post(url, {"kind": KIND, "year": 2025, "member_card_no": people["a"].card_no,
                                 "citation": "事迹"})
    assert "李文" in str(response.context["form"].errors["member_card_no"])
    assert Honour.objects.count() == 1


def test_it_shows_the_union_above_what_it_decides_and_lets_it_decide(client, world, people):
    honour = nominate(world, people["a"])
    client.force_login(world.street_admin)
    response = client.get(reverse("activities:honour_list", args=[world.street_a.pk]))
    assert [h.pk for h in response.context["to_decide"]] == [honour.pk]
    detail = client.get(reverse("activities:honour_detail", args=[honour.pk]))
    assert detail.context["may_decide"] and not detail.context["may_withdraw"]
    response = client.post(reverse("activities:honour_decide", args=[honour.pk]),
                           {"decision": "approve", "note": ""})
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.status == HonourStatus.APPROVED


def test_it_refuses_the_decision_to_the_nominating_union(client, world, people):
    honour = nominate(world, people["a"])
    client.force_login(world.chair_a)
    detail = client.get(reverse("activities:honour_detail", args=[honour.pk]))
    assert not detail.context["may_decide"] and detail.context["may_withdraw"]
    assert client.post(reverse("activities:honour_decide", args=[honour.pk]),
                       {"decision": "approve"}).status_code == 403
    response = client.post(reverse("activities:honour_withdraw", args=[honour.pk]))
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.status == HonourStatus.WITHDRAWN


def test_it_hides_honours_from_the_outsider(client, world, people):
    honour = nominate(world, people["a"])
    client.force_login(world.chair_b)
    for name, arg in (("activities:honour_detail", honour.pk), ("activities:honour_decide", honour.pk),
                      ("activities:honour_withdraw", honour.pk), ("activities:honour_list", world.union_a.pk),
                      ("activities:honour_roll", world.union_a.pk),
                      ("activities:member_honours", people["a"].pk)):
        assert client.post(reverse(name, args=[arg])).status_code in (404, 405), name
        assert client.get(reverse(name, args=[arg])).status_code in (404, 405), name
    honour.refresh_from_db()
    assert honour.status == HonourStatus.NOMINATED


def test_it_lists_on_the_roll_the_honours_of_members_under_the_node_whoever_nominated_them(client, world, people):
    own = nominate(world, people["a"])
    from_above = services.honour_nominate(actor=world.street_admin, node=world.street_a,
                                          kind=HonourKind.MARCH_8_RED_BANNER, year=2024, member=people["a2"],
                                          citation="巾帼建功")
    pending = nominate(world, people["a2"])
    services.honour_decide(actor=world.street_admin, honour=own, approve=True)
    services.honour_decide(actor=world.district_admin, honour=from_above, approve=True)
    client.force_login(world.chair_a)
    response = client.get(reverse("activities:honour_roll", args=[world.union_a.pk]))
    shown = [h.pk for h in response.context["page"].object_list]
    assert shown == [own.pk, from_above.pk] and pending.pk not in shown
    assert response.context["years"] == [2025, 2024]
    response = client.get(reverse("activities:honour_roll", args=[world.union_a.pk]), {"year": "2024"})
    assert [h.pk for h in response.context["page"].object_list] == [from_above.pk]
    # the member's union sees the honour the street gave, though not the street's nomination list
    assert client.get(reverse("activities:honour_detail", args=[from_above.pk])).status_code == 200
    assert client.get(reverse("activities:honour_list", args=[world.street_a.pk])).status_code == 404


def test_it_shows_a_member_their_awarded_honours_only(client, world, people):
    people["a"].user = world.member
    people["a"].save(update_fields=["user"])
    awarded = nominate(world, people["a"])
    services.honour_decide(actor=world.street_admin, honour=awarded, approve=True)
    pending = nominate(world, people["a"], kind=HonourKind.EXCELLENT_CADRE)
    client.force_login(world.member)
    response = client.get(reverse("activities:member_honours", args=[people["a"].pk]))
    assert [h.pk for h in response.context["honours"]] == [awarded.pk]
    client.force_login(world.chair_a)
    response = client.get(reverse("activities:member_honours", args=[people["a"].pk]), HTTP_HX_REQUEST="true")
    assert {h.pk for h in response.context["honours"]} == {awarded.pk, pending.pk}
    assert response.templates[0].name == "activities/honours/_member_honours.html"
    assert client.get(reverse("activities:member_honours", args=[people["a2"].pk])).status_code == 200
    # another member's honours stay hidden from a member
    client.force_login(world.member)
    assert client.get(reverse("activities:member_honours", args=[people["a2"].pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_it_lists_nominations_and_the_roll_in_a_fixed_number_of_queries(client, world, django_assert_num_queries,
                                                                       count):
    for index in range(count):
        member = make_member(world.union_a, f"会员{index}")
        honour = nominate(world, member)
        if index % 2 == 0:
            services.honour_decide(actor=world.street_admin, honour=honour, approve=True)
    client.force_login(world.street_admin)
    client.get(reverse("activities:honour_list", args=[world.street_a.pk]))  # warm the session
    # session, user, node, grants, count of own nominations, to decide, breadcrumbs, the page shell's two
    # (home nodes, linked member); the street made no nominations, so its empty page needs no query
    with django_assert_num_queries(9):
        client.get(reverse("activities:honour_list", args=[world.street_a.pk]))
    with django_assert_num_queries(10):  # the same and the page of the union's own nominations
        client.get(reverse("activities:honour_list", args=[world.union_a.pk]))
    with django_assert_num_queries(10):  # count, page, years of the roll
        client.get(reverse("activities:honour_roll", args=[world.union_a.pk]))


def test_it_links_the_honours_from_the_node_and_the_member_pages(client, world, people):
    client.force_login(world.chair_a)
    body = client.get(reverse("orgs:node_detail", args=[world.union_a.pk])).content.decode()
    assert reverse("activities:honour_list", args=[world.union_a.pk]) in body
    assert reverse("activities:activity_ledger", args=[world.union_a.pk]) in body
    body = client.get(reverse("members:member_detail", args=[people["a"].pk])).content.decode()
    assert reverse("activities:member_honours", args=[people["a"].pk]) in body
    client.force_login(world.member)
    body = client.get(reverse("orgs:node_detail", args=[world.group_a.pk])).content.decode()
    assert reverse("activities:honour_list", args=[world.group_a.pk]) not in body
