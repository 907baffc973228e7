"""Collective contracts in the demo county (rights/): for most unions a comprehensive contract (3 years, some
ending next year or early the year after, so that plans propose their renewal), a yearly wage agreement in the
enterprises' unions (last year's and this year's), and a women workers' special contract where most staff are
women. About one union in six has none, so the 工资集体协商签约率 stays below 100%. A few were filed later than
the 10 days allowed, as happens.

Written through rights/services.py (every rule checked, every contract in the audit log). Deterministic: the same
seed and day give the same contracts; a second run adds nothing.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from gonghui.orgs.models import UNION_LEVELS, OrgNode, Unit
from gonghui.rights import services
from gonghui.rights.models import CollectiveContract, ContractKind, end_of_term

DAY = datetime.timedelta(days=1)


def contracts_exist(root: OrgNode) -> bool:
    return CollectiveContract.objects.filter(path__under=root.path).exists()


def _dates(rng: random.Random, starts_on: datetime.date, today: datetime.date, *, late: bool):
    """(signed, passed by the congress, filed) for a contract starting on `starts_on`; None when it is not signed
    yet on `today`."""
    signed = starts_on - rng.randint(3, 20) * DAY
    if signed > today:
        return None
    passed = signed - rng.randint(5, 15) * DAY
    filed = signed + (rng.randint(12, 25) if late else rng.randint(2, 9)) * DAY
    return signed, passed, (filed if filed <= today else None)


def build_rights(rng: random.Random, root: OrgNode, *, today: datetime.date | None = None) -> dict[str, int]:
    if contracts_exist(root):
        return {}
    today = min(today or timezone.localdate(), timezone.localdate())
    year = today.year
    units_of: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(path__under=root.path, covering_union__isnull=False).order_by("name", "id"):
        units_of.setdefault(unit.covering_union_id, []).append(unit)
    unions = [node for node in OrgNode.objects.filter(path__under=root.path, level__in=UNION_LEVELS).order_by("path")
              if node.pk in units_of]
    made = 0
    serial = 0

    def record(union, units, kind, title, starts_on, term_years):
        nonlocal made, serial
        dates = _dates(rng, starts_on, today, late=rng.random() < 0.12)
        if dates is None:
            return
        signed, passed, filed = dates
        serial += 1
        negotiators = rng.randint(3, 7)
        services.contract_create(
            actor=None, union=union, units=units, kind=kind, title=title, signed_on=signed, starts_on=starts_on,
            term_years=term_years, union_negotiators=negotiators, employer_negotiators=negotiators,
            congress_passed_on=passed, filed_on=filed,
            reference_no=f"滨人社集备〔{signed.year}〕{serial:03d}号" if filed else "")
        made += 1

    for union in unions:
        units = units_of[union.pk]
        if rng.random() < 0.17:
            continue  # no collective contract yet
        enterprises = any(unit.kind == "enterprise" for unit in units)
        prefix = "区域性" if union.level == "joint_union" else ""
        # a 3-year comprehensive contract started two years ago or last year: it ends this year, next year or the
        # year after, so some are up for renewal in this year's plan and some in next year's
        start_year = year - 2 if rng.random() < 0.5 else year - 1
        starts_on = datetime.date(start_year, rng.choice([1, 1, 1, 3, 4, 7, 10]), 1)
        base = union.name.removesuffix("工会")
        ends = end_of_term(starts_on, 3)
        record(union, units, ContractKind.COMPREHENSIVE, f"{base}{prefix}集体合同（{starts_on.year}—{ends.year}年）",
               starts_on, 3)
        if enterprises or rng.random() < 0.4:
            for wage_year in (year - 1, year):
                record(union, units, ContractKind.WAGE,
                       f"{base}{wage_year}年度{prefix}工资专项集体合同",
                       datetime.date(wage_year, 1, 1), 1)
        women = sum(unit.women_count for unit in units)
        staff = sum(unit.staff_count for unit in units)
        if staff and women * 2 > staff and rng.random() < 0.6:
            record(union, units, ContractKind.WOMEN,
                   f"{base}女职工权益保护专项集体合同", datetime.date(year - 1, 3, 8), 3)
    return {"contracts": made}
