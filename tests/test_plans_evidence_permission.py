"""An evidence source with its own permission (contrib.EvidenceSource.permission, e.g. care.view for the care
registers): its records are listed on an item's 台账 page, offered and attached only to a user who holds it at
the plan's node; others see how many there are (review 5, attack #1)."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from gonghui.accounts import policy
from gonghui.plans import contrib
from gonghui.plans.models import Plan, PlanItem, PlanItemLink, Section, Timing

D = datetime.date
SOURCE = "test.secret"
RECORDS = {1: ("秘密记录甲", D(2025, 3, 2)), 2: ("秘密记录乙", D(2025, 8, 9))}


def _record(pk: int) -> contrib.EvidenceRecord:
    label, on = RECORDS[pk]
    return contrib.EvidenceRecord(source=SOURCE, object_id=pk, on=on, label=label, url=f"/secret/{pk}/")


def _find(node, start, end, kind):
    return [_record(pk) for pk in RECORDS if start <= RECORDS[pk][1] <= end]


def _get_for_user(user, pk):
    if pk not in RECORDS:
        raise Http404
    return _record(pk)


class _Secret(contrib.Contribution):
    domain = "plans_test_secret"

    def __init__(self, permission):
        self.permission = permission

    def evidence_sources(self):
        return [contrib.EvidenceSource(key=SOURCE, label="机密台账", kinds=(), find=_find, get_for_user=_get_for_user,
                                       permission=self.permission)]


def _register(monkeypatch, permission):
    contrib.contributions()  # discover the real ones first
    monkeypatch.setitem(contrib._registry, "plans_test_secret", _Secret(permission))


def _item(world) -> PlanItem:
    plan = Plan.objects.create(node=world.union_a, path=world.union_a.path, year=2025, title="甲中学计划")
    item = PlanItem.objects.create(plan=plan, section=Section.CARE, title="走访慰问", timing=Timing.HALF_YEARLY,
                                   evidence=SOURCE)
    PlanItemLink.objects.create(item=item, source=SOURCE, object_id=2, on=RECORDS[2][1], label="手工挂接的秘密")
    return item


def test_it_lists_the_records_only_to_a_user_with_the_sources_permission(client, world, monkeypatch):
    _register(monkeypatch, "care.view")
    item = _item(world)
    assert not policy.has_perm(world.women_officer, "care.view", world.union_a.path)
    client.force_login(world.women_officer)
    body = client.get(reverse("plans:item_evidence", args=[item.pk])).content.decode()
    assert "秘密记录甲" not in body and "手工挂接的秘密" not in body and "/secret/1/" not in body
    assert body.count('data-testid="records-unseen"') == 2  # one per half-year window: counts only
    client.force_login(world.chair_a)
    body = client.get(reverse("plans:item_evidence", args=[item.pk])).content.decode()
    assert "秘密记录甲" in body and "手工挂接的秘密" in body and 'data-testid="records-unseen"' not in body


def test_a_source_without_a_permission_is_listed_to_every_viewer_of_the_plan(client, world, monkeypatch):
    _register(monkeypatch, "")
    item = _item(world)
    client.force_login(world.women_officer)
    body = client.get(reverse("plans:item_evidence", args=[item.pk])).content.decode()
    assert "秘密记录甲" in body and 'data-testid="records-unseen"' not in body


@pytest.mark.parametrize("permission", ["women.view"])  # the chair holds it, the street's admin does not
def test_it_neither_offers_nor_attaches_nor_detaches_records_the_user_may_not_see(client, world, monkeypatch,
                                                                                   permission):
    _register(monkeypatch, permission)
    item = _item(world)
    link = item.links.get()
    client.force_login(world.street_admin)
    assert policy.has_perm(world.street_admin, "plans.change", item.plan.path)
    page = client.get(reverse("plans:link_add", args=[item.pk]) + f"?source={SOURCE}").content.decode()
    assert "秘密记录甲" not in page and 'data-testid="source-hidden"' in page and "机密台账" not in page
    response = client.post(reverse("plans:link_add", args=[item.pk]), {"source": SOURCE, "object_id": 1})
    assert response.status_code == 403
    assert client.post(reverse("plans:link_remove", args=[link.pk])).status_code == 403
    assert item.links.count() == 1
    client.force_login(world.chair_a)
    page = client.get(reverse("plans:link_add", args=[item.pk]) + f"?source={SOURCE}").content.decode()
    assert "秘密记录甲" in page
    assert client.post(reverse("plans:link_add", args=[item.pk]), {"source": SOURCE, "object_id": 1}).status_code == 302
    assert item.links.count() == 2
