"""Collective contracts (issue 5 §2, DOMAIN.md Rights): the rules a contract keeps, its derived dates and status,
and what it gives plans through rights/report.py (the 工资集体协商签约率, renewals, the summary, evidence)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Unit
from gonghui.plans import contrib
from gonghui.plans.contrib import Period
from gonghui.rights import services
from gonghui.rights.models import CollectiveContract, ContractStatus

from .conftest import VALID_CODES

D = datetime.date


def make_contract(union, *, units=None, kind="wage", title="", signed_on=None, starts_on=None,
                  term_years=1, negotiators=5, actor=None, **fields) -> CollectiveContract:
    units = units if units is not None else list(Unit.objects.filter(covering_union=union))
    signed_on = signed_on or D(2025, 1, 10)
    return services.contract_create(
        actor=actor, union=union, units=units, kind=kind, title=title or f"{union.name}{kind}合同",
        signed_on=signed_on, starts_on=starts_on or signed_on, term_years=term_years, union_negotiators=negotiators,
        employer_negotiators=negotiators, **fields)


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- rules ------------------------------------------------------------------------------------------------------

def test_it_refuses_a_term_outside_one_to_three_years_and_names_the_rule(world):
    for years in (0, 4):
        with pytest.raises(ValidationError) as excinfo:
            make_contract(world.union_a, term_years=years)
        assert "1至3年" in " ".join(_errors(excinfo)["term_years"])
    assert not CollectiveContract.objects.exists()


def test_it_refuses_too_few_too_many_or_unequal_negotiators(world):
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.union_a, negotiators=2)
    assert set(_errors(excinfo)) == {"union_negotiators", "employer_negotiators"}
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.union_a, negotiators=11)
    assert "3至10名" in " ".join(_errors(excinfo)["union_negotiators"])
    with pytest.raises(ValidationError) as excinfo:
        services.contract_create(actor=None, union=world.union_a, units=[world.unit_a], kind="wage", title="合同",
                                 signed_on=D(2025, 1, 1), starts_on=D(2025, 1, 1), term_years=1, union_negotiators=3,
                                 employer_negotiators=4)
    assert "对等" in " ".join(_errors(excinfo)["employer_negotiators"])
    assert not CollectiveContract.objects.exists()


def test_it_refuses_units_the_union_does_not_cover(world):
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.union_a, units=[world.unit_a, world.unit_b])
    message = " ".join(_errors(excinfo)["units"])
    assert "乙医院" in message and "甲中学工会" in message
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.union_a, units=[])
    assert "units" in _errors(excinfo)
    assert not CollectiveContract.objects.exists()


def test_it_refuses_a_contract_of_a_federation_or_a_group(world):
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.street_a, units=[world.unit_a])
    assert "union" in _errors(excinfo)
    with pytest.raises(ValidationError):
        make_contract(world.group_a, units=[])


def test_it_refuses_dates_in_the_wrong_order(world):
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.union_a, congress_passed_on=D(2025, 1, 20), filed_on=D(2025, 1, 5))
    assert set(_errors(excinfo)) == {"congress_passed_on", "filed_on"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        make_contract(world.union_a, signed_on=tomorrow)
    assert "signed_on" in _errors(excinfo)


# --- derived dates and status --------------------------------------------------------------------------------------

def test_it_derives_the_end_the_effective_day_and_the_status(world):
    contract = make_contract(world.union_a, kind="comprehensive", signed_on=D(2024, 2, 20), starts_on=D(2024, 3, 1),
                             term_years=3, filed_on=D(2024, 2, 28))
    assert contract.ends_on == D(2027, 2, 28)
    assert contract.effective_on == D(2024, 3, 14)
    assert contract.renewal_opens_on == D(2026, 12, 1)  # the last 90 days, 28 February included
    assert contract.status_on(D(2024, 2, 29)) == ContractStatus.PENDING
    # started on 1 March but in force only once effective: no objection within 15 days of filing (§47)
    assert contract.in_force_from == D(2024, 3, 14)
    assert contract.status_on(D(2024, 3, 13)) == ContractStatus.PENDING
    assert contract.status_on(D(2024, 3, 14)) == ContractStatus.IN_FORCE
    assert contract.status_on(D(2026, 11, 30)) == ContractStatus.IN_FORCE
    assert contract.status_on(D(2026, 12, 1)) == ContractStatus.EXPIRING
    assert contract.status_on(D(2027, 2, 28)) == ContractStatus.EXPIRING
    assert contract.status_on(D(2027, 3, 1)) == ContractStatus.EXPIRED


def test_it_flags_late_filing_and_a_long_wage_agreement_without_refusing_them(world):
    contract = make_contract(world.union_a, signed_on=D(2025, 1, 10), filed_on=D(2025, 1, 25), term_years=2)
    assert contract.filing_late(D(2025, 2, 1))
    text = " ".join(services.warnings(contract, today=D(2025, 2, 1)))
    assert "15" in text and "10" in text and "一般为1年" in text
    on_time = make_contract(world.joint_a, kind="comprehensive", signed_on=D(2025, 1, 10), filed_on=D(2025, 1, 20))
    assert services.warnings(on_time, today=D(2025, 2, 1)) == []
    unfiled = make_contract(world.union_b, signed_on=D(2025, 1, 10))
    assert not unfiled.filing_late(D(2025, 1, 20)) and unfiled.filing_late(D(2025, 1, 21))


def test_it_updates_and_deletes_with_audit_entries_and_recomputes_the_end(world):
    contract = make_contract(world.union_a, actor=world.chair_a)
    services.contract_update(actor=world.chair_a, contract=contract, units=[world.unit_a], term_years=2,
                             kind="comprehensive")
    contract.refresh_from_db()
    assert contract.ends_on == D(2027, 1, 9)
    with pytest.raises(ValidationError):
        services.contract_update(actor=world.chair_a, contract=contract, units=[world.unit_b], term_years=1)
    contract.refresh_from_db()
    assert contract.term_years == 2 and list(contract.units.all()) == [world.unit_a]
    update = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(contract.pk))
    assert update.changes["term_years"] == [1, 2] and update.org_path == world.union_a.path
    pk = contract.pk
    services.contract_delete(actor=world.chair_a, contract=contract)
    assert not CollectiveContract.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_id=str(pk)).exists()


# --- the metric ---------------------------------------------------------------------------------------------------

def _independent_rate(node, day):
    with_union = [u for u in Unit.objects.all() if u.path.startswith(node.path) and u.covering_union_id]
    covered = [u for u in with_union
               if any(c.kind in ("wage", "comprehensive") and c.effective_on is not None
                      and max(c.starts_on, c.effective_on) <= day <= c.ends_on
                      for c in u.collective_contracts.all())]
    return Decimal(len(covered) * 100) / Decimal(len(with_union))


def test_it_computes_the_wage_agreement_rate_as_an_independent_count(world):
    shop_2 = org_services.unit_create(actor=None, name="甲面馆", credit_code=VALID_CODES[4], kind="enterprise",
                                      ownership="private", industry="H", staff_count=8, women_count=3,
                                      area_node=world.joint_a, covering_union=world.joint_a)
    org_services.unit_create(actor=None, name="无工会小店", credit_code=VALID_CODES[5], kind="enterprise",
                             ownership="private", industry="F", staff_count=5, women_count=1, area_node=world.street_a)
    make_contract(world.union_a, signed_on=D(2025, 1, 1), filed_on=D(2025, 1, 5))   # in force at the end of 2025
    make_contract(world.joint_a, kind="women", units=[world.shop_a, shop_2], signed_on=D(2025, 3, 1),
                  filed_on=D(2025, 3, 2))                                            # not wages
    make_contract(world.joint_a, kind="comprehensive", units=[shop_2], signed_on=D(2023, 1, 1), term_years=2,
                  filed_on=D(2023, 1, 3))                                            # over
    make_contract(world.union_b, signed_on=D(2024, 6, 1), filed_on=D(2024, 6, 5))   # ended 2025-05-31
    make_contract(world.union_b, signed_on=D(2025, 6, 1))                            # never filed: not in force
    metric = contrib.metric("rights.wage_agreement_rate")
    assert metric.default_target == Decimal("90") and "90%" in metric.source
    for node in (world.county, world.street_a, world.street_b, world.joint_a):
        for year in (2024, 2025):
            expected = _independent_rate(node, D(year, 12, 31)).quantize(Decimal("0.1"))
            assert metric.compute(node, Period(year)) == expected, (node.code, year)
    assert metric.compute(world.street_a, Period(2025)) == Decimal("33.3")  # 甲中学 of 甲中学, 甲便利店, 甲面馆
    assert metric.compute(world.street_b, Period(2024)) == Decimal("100.0")
    assert metric.compute(world.group_a, Period(2025)) is None  # no unit has a union there


# --- suggestions ----------------------------------------------------------------------------------------------------

def test_it_suggests_renewing_a_contract_that_expires_and_not_one_that_runs_on(world):
    expiring = make_contract(world.union_a, kind="comprehensive", title="甲中学集体合同", signed_on=D(2023, 3, 1),
                             starts_on=D(2023, 3, 1), term_years=3)                    # ends 2026-02-28
    make_contract(world.union_a, title="甲中学工资协议", signed_on=D(2025, 6, 1), term_years=3)  # ends 2028
    items = contrib.suggestions(world.union_a, 2025)
    rights = [item for item in items if item.key.startswith("rights.")]
    assert [item.title for item in rights] == ["续签《甲中学集体合同》"]
    item = rights[0]
    # one renewal: a single occurrence, due when the contract ends (within the plan's year)
    assert item.section == "rights" and item.timing.timing == "date" and item.timing.due_on == D(2025, 12, 31)
    assert "2026年2月28日" in item.source and "3个月" in item.source
    assert item.evidence == "rights.contract:comprehensive"
    assert item.key == f"rights.renew:{expiring.pk}:2025"
    # in 2026 the window runs from 1 December 2025 to the end of February
    assert [i.timing.due_on for i in contrib.suggestions(world.union_a, 2026) if i.key.startswith("rights.")] \
        == [D(2026, 2, 28)]
    assert not [i for i in contrib.suggestions(world.union_a, 2024) if i.key.startswith("rights.")]


def test_it_does_not_suggest_renewing_a_contract_already_renewed(world):
    make_contract(world.union_a, title="2024年工资协议", signed_on=D(2024, 1, 1))
    assert [i.title for i in contrib.suggestions(world.union_a, 2024) if i.key.startswith("rights.")] \
        == ["续签《2024年工资协议》"]
    make_contract(world.union_a, title="2025年工资协议", signed_on=D(2024, 12, 20), starts_on=D(2025, 1, 1))
    assert [i.title for i in contrib.suggestions(world.union_a, 2024) if i.key.startswith("rights.")] == []


def test_it_gives_a_federation_one_item_for_its_subtrees_expiring_contracts(world):
    make_contract(world.union_a, title="甲协议", signed_on=D(2025, 1, 1))
    make_contract(world.joint_a, title="甲社区协议", signed_on=D(2025, 3, 1))  # ends 2026-02-28: window from December
    make_contract(world.joint_a, title="甲社区女工合同", kind="women", signed_on=D(2025, 4, 1))  # window from 2026
    make_contract(world.union_b, title="乙协议", signed_on=D(2025, 1, 1))
    items = [i for i in contrib.suggestions(world.street_a, 2025) if i.key.startswith("rights.")]
    assert len(items) == 1
    assert "2份" in items[0].title and "甲协议" in items[0].source and "乙协议" not in items[0].source
    assert items[0].timing.months == (10, 11, 12)
    county = [i for i in contrib.suggestions(world.county, 2025) if i.key.startswith("rights.")]
    assert "3份" in county[0].title
    assert not [i for i in contrib.suggestions(world.group_a, 2025) if i.key.startswith("rights.")]


# --- summary ---------------------------------------------------------------------------------------------------------

def test_it_states_the_summary_facts_from_the_contracts(world):
    make_contract(world.union_a, kind="wage", signed_on=D(2025, 1, 5), filed_on=D(2025, 1, 8))
    make_contract(world.union_a, kind="women", signed_on=D(2024, 3, 1), term_years=3, filed_on=D(2024, 3, 5))
    make_contract(world.joint_a, kind="comprehensive", signed_on=D(2025, 7, 1), term_years=3, filed_on=D(2025, 7, 3))
    make_contract(world.union_b, kind="wage", signed_on=D(2025, 2, 1), filed_on=D(2025, 2, 3))
    parts = [part for part in contrib.summary_parts(world.street_a, Period(2025)) if "contracts_in_force" in part.facts]
    assert len(parts) == 1
    facts = parts[0].facts
    assert facts["contracts_in_force"] == 3 and facts["contracts_signed"] == 2
    assert facts["units_covered"] == 2 and facts["staff_covered"] == 125 + 12
    assert facts["wage_agreements_in_force"] == 1 and facts["wage_agreements_signed"] == 1
    assert facts["wage_agreement_rate"] == Decimal("100.0")
    text = parts[0].paragraphs[0]
    assert "新签订集体合同2份" in text and "覆盖单位2家、职工137人" in text
    assert [row[1] for row in parts[0].tables[0].rows] == ["甲中学工会wage合同", "甲社区联合工会comprehensive合同"]
    first_half = [p for p in contrib.summary_parts(world.street_a, Period(2025, 1)) if "contracts_signed" in p.facts]
    assert first_half[0].facts["contracts_signed"] == 1


# --- evidence ---------------------------------------------------------------------------------------------------------

def test_it_finds_contracts_as_evidence_and_denies_those_outside(world):
    own = make_contract(world.union_a, kind="wage", signed_on=D(2025, 1, 5))
    make_contract(world.union_a, kind="women", signed_on=D(2025, 3, 5))
    other = make_contract(world.union_b, kind="wage", signed_on=D(2025, 1, 5))
    source = contrib.evidence_source("rights.contract:wage")
    assert [value for value, _label in source.kinds] == ["comprehensive", "wage", "women"]
    found = list(source.find(world.union_a, D(2025, 1, 1), D(2025, 12, 31), "wage"))
    assert [record.object_id for record in found] == [own.pk]
    assert len(list(source.find(world.union_a, D(2025, 1, 1), D(2025, 12, 31), ""))) == 2
    assert not list(source.find(world.union_a, D(2025, 2, 1), D(2025, 2, 28), ""))
    record = source.get_for_user(world.chair_a, own.pk)
    assert record.url == reverse("rights:contract_detail", args=[own.pk]) and record.on == D(2025, 1, 5)
    with pytest.raises(Http404):
        source.get_for_user(world.chair_a, other.pk)
    with pytest.raises(Http404):
        source.get_for_user(world.chair_b, own.pk)


# --- pages ----------------------------------------------------------------------------------------------------

def test_it_lists_a_subtrees_contracts_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.street_admin)
    url = reverse("rights:contract_list", args=[world.street_a.pk])
    make_contract(world.union_a, signed_on=D(2025, 1, 1))
    client.get(url)  # the session and the site's caches warmed
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["page"].object_list) == 1
    for year in (2022, 2023, 2024):
        make_contract(world.union_a, kind="women", signed_on=D(year, 2, 1))
        make_contract(world.joint_a, signed_on=D(year, 3, 1))
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 7


def test_it_filters_the_list_by_status_and_kind(client, world):
    today = timezone.localdate()
    client.force_login(world.chair_a)

    def filed(days_ago: int, **fields):  # filed on the day it was signed: effective 15 days later
        day = today - datetime.timedelta(days=days_ago)
        return make_contract(world.union_a, signed_on=day, filed_on=day, **fields)

    expiring = filed(300, title="快到期")
    running = filed(20, title="有效", kind="comprehensive", term_years=3)
    expired = filed(800, title="已到期")
    unfiled = make_contract(world.union_a, title="未备案", kind="women", signed_on=today - datetime.timedelta(days=20))
    url = reverse("rights:contract_list", args=[world.union_a.pk])

    def shown(**query):
        return {c.pk for c in client.get(url, query).context["page"].object_list}

    assert shown() == {expiring.pk, running.pk, expired.pk, unfiled.pk}
    assert shown(status="in_force") == {expiring.pk, running.pk}
    assert shown(status="pending") == {unfiled.pk}
    assert shown(status="expiring") == {expiring.pk}
    assert shown(status="expired") == {expired.pk}
    assert shown(kind="comprehensive") == {running.pk}
    page = client.get(url, {"status": "expiring"}, headers={"HX-Request": "true", "HX-Target": "contract-results"})
    assert "<html" not in page.content.decode() and "快到期" in page.content.decode()


def test_it_records_a_contract_through_the_form_with_clear_messages(client, world):
    client.force_login(world.chair_a)
    url = reverse("rights:contract_create", args=[world.union_a.pk])
    body = {"kind": "wage", "title": "2025年工资专项集体合同", "units": [world.unit_a.pk], "signed_on": "2025-01-10",
            "starts_on": "2025-01-01", "term_years": "1", "union_negotiators": "3", "employer_negotiators": "4",
            "filed_on": "2025-01-30"}
    response = client.post(url, body)
    assert response.status_code == 200 and not CollectiveContract.objects.exists()
    assert "对等" in response.content.decode()
    response = client.post(url, {**body, "employer_negotiators": "3"}, follow=True)
    contract = CollectiveContract.objects.get()
    assert response.redirect_chain[-1][0] == reverse("rights:contract_detail", args=[contract.pk])
    assert contract.recorded_by == world.chair_a and contract.ends_on == D(2025, 12, 31)
    assert "10日内" in response.content.decode()  # filed 20 days after signing: flagged
    edit = client.post(reverse("rights:contract_edit", args=[contract.pk]), {**body, "employer_negotiators": "3",
                                                                             "title": "改名"})
    assert edit.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "改名"
    assert client.post(reverse("rights:contract_delete", args=[contract.pk])).status_code == 302
    assert not CollectiveContract.objects.exists()


def test_it_explains_that_a_federation_records_no_contract_of_its_own(client, world):
    client.force_login(world.street_admin)
    response = client.get(reverse("rights:contract_create", args=[world.street_a.pk]))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(reverse("rights:contract_create", args=[world.street_a.pk]), {"title": "x"}).status_code == 200
    assert not CollectiveContract.objects.exists()


@pytest.mark.parametrize("name", ["rights:contract_detail", "rights:contract_edit", "rights:contract_delete"])
def test_it_denies_the_outsider_every_contract_page(client, world, name):
    contract = make_contract(world.union_a)
    client.force_login(world.chair_b)
    assert client.get(reverse(name, args=[contract.pk])).status_code == 404
    assert client.post(reverse(name, args=[contract.pk]), {"title": "入侵"}).status_code == 404
    assert CollectiveContract.objects.get().title == contract.title


@pytest.mark.parametrize("name", ["rights:contract_list", "rights:contract_create"])
def test_it_denies_the_outsider_the_nodes_contract_pages(client, world, name):
    client.force_login(world.chair_b)
    assert client.get(reverse(name, args=[world.union_a.pk])).status_code == 404
    assert client.post(reverse(name, args=[world.union_a.pk]), {"title": "入侵"}).status_code in (404, 405)
    assert not CollectiveContract.objects.exists()


def test_it_lets_a_reader_look_but_not_change_and_keeps_a_member_out(client, world):
    contract = make_contract(world.union_a)
    client.force_login(world.readonly_leader)
    assert client.get(reverse("rights:contract_detail", args=[contract.pk])).status_code == 200
    assert client.get(reverse("rights:contract_edit", args=[contract.pk])).status_code == 403
    assert client.post(reverse("rights:contract_delete", args=[contract.pk])).status_code == 403
    client.force_login(world.member)
    assert client.get(reverse("rights:contract_list", args=[world.group_a.pk])).status_code == 403
    assert CollectiveContract.objects.count() == 1


# --- demo data ------------------------------------------------------------------------------------------------

def test_it_builds_demo_contracts_deterministically_and_once(world):
    import random

    from gonghui.demo import rights as demo_rights

    def contracts():
        return list(CollectiveContract.objects.order_by("pk").values_list(
            "union__code", "kind", "title", "signed_on", "starts_on", "ends_on", "filed_on", "union_negotiators"))

    result = demo_rights.build_rights(random.Random(11), world.county, today=D(2025, 6, 1))
    first = contracts()
    assert result["contracts"] == len(first) > 0
    assert demo_rights.build_rights(random.Random(11), world.county, today=D(2025, 6, 1)) == {}
    assert contracts() == first
    for contract in CollectiveContract.objects.all():
        assert contract.signed_on <= D(2025, 6, 1)
        assert set(contract.units.values_list("covering_union_id", flat=True)) == {contract.union_id}
    CollectiveContract.objects.all().delete()
    demo_rights.build_rights(random.Random(11), world.county, today=D(2025, 6, 1))
    assert [row[1:] for row in contracts()] == [row[1:] for row in first]
