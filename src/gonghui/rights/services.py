"""Writes of collective contracts: record, change, delete. Each checks the rules of rights/rules.py and names
the field and the rule it breaks; each is written to the audit log in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import UNION_LEVELS, OrgNode, Unit

from .models import CollectiveContract, ContractKind
from .rules import rule

FIELDS = ("kind", "title", "signed_on", "starts_on", "term_years", "union_negotiators", "employer_negotiators",
          "congress_passed_on", "filed_on", "reference_no", "notes")


def _snapshot(contract: CollectiveContract, units: list[Unit]) -> dict:
    data = audit.snapshot(contract)
    data["units"] = "、".join(sorted(unit.name for unit in units))
    return data


def _check(union: OrgNode, units: list[Unit], data: dict) -> None:
    """Every rule a contract must keep; all broken rules at once, by field."""
    errors: dict[str, list[str]] = {}
    if union.level not in UNION_LEVELS:
        errors["union"] = [_("A collective contract is signed by a grassroots or joint union, not by %(name)s.")
                           % {"name": union.name}]
    if not units:
        errors["units"] = [_("Choose the units the contract covers.")]
    outside = [unit.name for unit in units if unit.covering_union_id != union.pk]
    if outside:
        errors["units"] = [_("%(units)s is not covered by %(union)s, so this contract cannot cover it.")
                           % {"units": "、".join(outside), "union": union.name}]
    if data.get("kind") not in ContractKind.values:
        errors["kind"] = [_("Choose the kind of contract.")]
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Give the contract's title.")]
    low, high = rule("TERM_MIN_YEARS"), rule("TERM_MAX_YEARS")
    term = data.get("term_years")
    if term is None or not low <= term <= high:
        errors["term_years"] = [_("The term is %(low)s to %(high)s years (%(source)s).")
                                % {"low": low, "high": high, "source": rule("TERM_SOURCE")}]
    low, high = rule("NEGOTIATORS_MIN"), rule("NEGOTIATORS_MAX")
    for field in ("union_negotiators", "employer_negotiators"):
        count = data.get(field)
        if count is None or not low <= count <= high:
            errors[field] = [_("Each side has %(low)s to %(high)s negotiators (%(source)s).")
                             % {"low": low, "high": high, "source": rule("NEGOTIATORS_SOURCE")}]
    if ("union_negotiators" not in errors and "employer_negotiators" not in errors
            and data["union_negotiators"] != data["employer_negotiators"]):
        errors["employer_negotiators"] = [_("Both sides have the same number of negotiators (%(source)s).")
                                          % {"source": rule("NEGOTIATORS_SOURCE")}]
    signed = data.get("signed_on")
    today = timezone.localdate()
    if signed is None:
        errors["signed_on"] = [_("Enter the day the contract was signed.")]
    elif signed > today:
        errors["signed_on"] = [_("A contract cannot be recorded as signed before it was signed.")]
    if data.get("starts_on") is None:
        errors["starts_on"] = [_("Enter the day the contract takes effect.")]
    elif signed and abs((data["starts_on"] - signed).days) > 366:
        errors["starts_on"] = [_("The contract's start lies more than a year from its signing: check both dates.")]
    passed = data.get("congress_passed_on")
    if passed and signed and passed > signed:
        errors["congress_passed_on"] = [_("The workers' congress passes the draft before it is signed (%(source)s).")
                                        % {"source": rule("CONGRESS_SOURCE")}]
    filed = data.get("filed_on")
    if filed and signed and filed < signed:
        errors["filed_on"] = [_("A contract is filed after it is signed.")]
    if filed and filed > today:
        errors["filed_on"] = [_("The filing date lies in the future.")]
    if errors:
        raise ValidationError(errors)


def warnings(contract: CollectiveContract, *, today: datetime.date | None = None) -> list[str]:
    """What the rules flag without refusing: late filing, a wage agreement longer than usual."""
    today = today or timezone.localdate()
    result = []
    if contract.filing_late(today):
        if contract.filed_on:
            result.append(_("Filed %(days)s days after signing, later than the %(limit)s days allowed (%(source)s).")
                          % {"days": (contract.filed_on - contract.signed_on).days, "limit": rule("FILING_DAYS"),
                             "source": rule("FILING_SOURCE")})
        else:
            result.append(_("Not filed with the labour bureau, and the %(limit)s days after signing are over "
                            "(%(source)s).") % {"limit": rule("FILING_DAYS"), "source": rule("FILING_SOURCE")})
    if contract.kind == ContractKind.WAGE and contract.term_years > rule("WAGE_TERM_YEARS"):
        result.append(_("A wage agreement usually runs %(years)s year (%(source)s).")
                      % {"years": rule("WAGE_TERM_YEARS"), "source": rule("WAGE_TERM_SOURCE")})
    return result


def _clean_data(data: dict) -> dict:
    clean = {field: data.get(field) for field in FIELDS}
    clean["title"] = (clean["title"] or "").strip()
    clean["reference_no"] = (clean["reference_no"] or "").strip()
    clean["notes"] = (clean["notes"] or "").strip()
    return clean


def _save(contract: CollectiveContract, units: list[Unit]) -> None:
    contract.derive_dates()
    contract.full_clean()
    contract.save()
    contract.units.set(units)


@transaction.atomic
def contract_create(*, actor, union: OrgNode, units: Iterable[Unit], kind: str, title: str,
                    signed_on: datetime.date, starts_on: datetime.date, term_years: int, union_negotiators: int,
                    employer_negotiators: int, congress_passed_on: datetime.date | None = None,
                    filed_on: datetime.date | None = None, reference_no: str = "",
                    notes: str = "") -> CollectiveContract:
    units = list(units)
    data = _clean_data(dict(kind=kind, title=title, signed_on=signed_on, starts_on=starts_on, term_years=term_years,
                            union_negotiators=union_negotiators, employer_negotiators=employer_negotiators,
                            congress_passed_on=congress_passed_on, filed_on=filed_on, reference_no=reference_no,
                            notes=notes))
    _check(union, units, data)
    contract = CollectiveContract(union=union, path=union.path, recorded_by=actor if getattr(actor, "pk", None)
                                  else None, **data)
    _save(contract, units)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=contract, org_path=contract.path,
                 after=_snapshot(contract, units))
    return contract


@transaction.atomic
def contract_update(*, actor, contract: CollectiveContract, units: Iterable[Unit], **fields) -> CollectiveContract:
    """Change a contract's facts (the union stays). `fields` are those of FIELDS; the others keep their value."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    contract = CollectiveContract.objects.select_for_update().get(pk=contract.pk)
    before_units = list(contract.units.all())
    before = _snapshot(contract, before_units)
    units = list(units)
    data = _clean_data({**{field: getattr(contract, field) for field in FIELDS}, **fields})
    _check(contract.union, units, data)
    for field, value in data.items():
        setattr(contract, field, value)
    _save(contract, units)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=contract, org_path=contract.path,
                 before=before, after=_snapshot(contract, units))
    return contract


@transaction.atomic
def contract_delete(*, actor, contract: CollectiveContract) -> None:
    before = _snapshot(contract, list(contract.units.all()))
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=contract, org_path=contract.path,
                 before=before)
    contract.delete()
