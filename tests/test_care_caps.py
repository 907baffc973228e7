"""Each spending rule of care (DOMAIN.md, Anhui 2025 defaults), allowed and refused, through the assistance
services that commit money (request, then approval under the member's lock)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.care import models as care
from gonghui.care.assistance import services
from gonghui.care.hardship import services as hardship_services
from gonghui.members.models import EmploymentType

from .conftest import make_member
from .test_care_hardship import active_file_for, set_standard

ON = datetime.date(2025, 5, 1)


@pytest.fixture
def budget(world):
    hardship_services.budget_create(actor=None, node=world.union_a, year=2026, kind="", amount=Decimal("100000"))
    return hardship_services.budget_create(actor=None, node=world.union_a, year=2025, kind="",
                                           amount=Decimal("100000"))


def give(world, member, kind, amount, *, form="cash", funding="union_funds", case="", on=ON):
    """Request and approve; returns the approved record (or raises the refusal)."""
    record, _ = services.assistance_request(actor=world.chair_a, union=world.union_a, member=member, kind=kind,
                                            amount=Decimal(amount), form=form, funding=funding, case=case, on=on,
                                            submission=uuid.uuid4())
    return services.assistance_approve(actor=world.chair_a, record=record)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    return " ".join(error.value.messages)


def test_it_allows_festival_gifts_up_to_2200_a_year_and_refuses_more(world, budget):
    member = make_member(world.union_a)
    give(world, member, "festival", "2000", form="goods")
    give(world, member, "festival", "200", form="goods")
    message = refused(give, world, member, "festival", "0.01", form="goods")
    assert "节日慰问品" in message and "2,200.00" in message and "安徽省总工会" in message
    give(world, member, "festival", "500", form="goods", on=datetime.date(2026, 1, 20))  # a new year


@pytest.mark.parametrize("form", ["cash", "shopping_card"])
def test_it_refuses_festival_gifts_in_cash_or_shopping_cards(world, budget, form):
    message = refused(give, world, make_member(world.union_a), "festival", "100", form=form)
    assert "节日慰问品" in message and "安徽省总工会" in message
    assert not care.Assistance.objects.exists()


def test_it_allows_birthday_gifts_up_to_500_a_year(world, budget):
    member = make_member(world.union_a)
    give(world, member, "birthday", "500", form="goods")
    assert "生日慰问" in refused(give, world, member, "birthday", "1", form="goods")
    other = make_member(world.union_a, "李四")
    assert "生日慰问" in refused(give, world, other, "birthday", "500.01", form="goods")


@pytest.mark.parametrize("kind", ["marriage", "birth", "illness", "bereavement", "retirement"])
def test_it_allows_each_life_event_up_to_2000(world, budget, kind):
    member = make_member(world.union_a)
    case = "骨折" if kind == "illness" else ""
    give(world, member, kind, "2000", case=case)
    message = refused(give, world, make_member(world.union_a, "李四"), kind, "2000.01", case=case)
    assert "2,000.00" in message and "安徽省总工会" in message


def test_it_helps_the_same_illness_once_a_year(world, budget):
    member = make_member(world.union_a)
    give(world, member, "illness", "1000", case="肺炎")
    assert "肺炎" in refused(give, world, member, "illness", "500", case="肺炎")
    give(world, member, "illness", "500", case="骨折")
    give(world, member, "illness", "500", case="肺炎", on=datetime.date(2026, 2, 1))
    assert "请填写所患疾病" in refused(give, world, make_member(world.union_a, "李四"), "illness", "100")


def test_it_needs_a_hardship_file_for_hardship_assistance_up_to_2000(world, budget):
    set_standard(world.county)
    member = make_member(world.union_a)
    message = refused(give, world, member, "living", "1000")
    assert "困难职工档案" in message
    file = active_file_for(world, member)
    record = give(world, member, "living", "2000")
    assert record.hardship_file == file
    assert "困难帮扶" in refused(give, world, member, "medical", "2000.01")


def test_it_refuses_union_funds_for_a_retiree_but_not_other_funds(world, budget):
    retiree = make_member(world.union_a, "老王", employment_type=EmploymentType.RETIRED)
    assert "退休" in refused(give, world, retiree, "birthday", "100", form="goods")
    give(world, retiree, "birthday", "100", form="goods", funding="donations")


def test_it_refuses_spending_without_a_budget(world):
    message = refused(give, world, make_member(world.union_a), "birthday", "100", form="goods")
    assert "无预算不得开支" in message and "2025" in message


def test_it_refuses_spending_above_the_budget(world):
    hardship_services.budget_create(actor=None, node=world.union_a, year=2025, kind="", amount=Decimal("1500"))
    give(world, make_member(world.union_a), "marriage", "1000")
    message = refused(give, world, make_member(world.union_a, "李四"), "marriage", "600")
    assert "不得超预算开支" in message and "500.00" in message
    give(world, make_member(world.union_a, "王五"), "marriage", "500")


def test_it_checks_the_caps_again_at_approval(world, budget):
    """Two requests that each fit alone: the second approval sees the first and is refused."""
    member = make_member(world.union_a)
    first, _ = services.assistance_request(actor=world.chair_a, union=world.union_a, member=member, kind="birthday",
                                           amount=Decimal("400"), form="goods", on=ON, submission=uuid.uuid4())
    second, _ = services.assistance_request(actor=world.chair_a, union=world.union_a, member=member,
                                            kind="birthday", amount=Decimal("400"), form="goods", on=ON,
                                            submission=uuid.uuid4())
    services.assistance_approve(actor=world.chair_a, record=first)
    assert "生日慰问" in refused(services.assistance_approve, actor=world.chair_a, record=second)
    second.refresh_from_db()
    assert second.status == care.AssistanceStatus.REQUESTED
