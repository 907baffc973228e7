"""Collective contracts (集体合同) of the unions: the comprehensive contract, the wage agreement (工资专项集体合同)
and the women workers' special contract, with the dates that decide whether one is in force.

A contract belongs to a grassroots or joint union (`union`, with a copy of its `path` for subtree queries) and
covers some of the units that union covers. Its end (`ends_on`) and the day it takes effect (`effective_on`)
follow from the other dates by the rules of rights/rules.py; the services store them so that "in force at a
date" and "expiring" are range conditions on an indexed column.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import PathField
from gonghui.core.models import TimeStampedModel

from .rules import rule


class ContractKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive collective contract")   # 综合性集体合同
    WAGE = "wage", _("Collective wage agreement")                              # 工资专项集体合同
    WOMEN = "women", _("Special contract on women workers' rights")            # 女职工权益保护专项集体合同


# The kinds' names in generated Chinese prose (plan items, summaries), whatever the UI language.
KIND_ZH = {"comprehensive": "综合性集体合同", "wage": "工资专项集体合同", "women": "女职工权益保护专项集体合同"}

# The kinds that settle wages: a unit covered by one in force counts for the 工资集体协商签约率.
WAGE_KINDS = (ContractKind.COMPREHENSIVE, ContractKind.WAGE)


class ContractStatus(models.TextChoices):
    PENDING = "pending", _("Not yet in force")
    IN_FORCE = "in_force", _("In force")
    EXPIRING = "expiring", _("Expiring (renewal window)")
    EXPIRED = "expired", _("Expired")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def end_of_term(starts_on: datetime.date, term_years: int) -> datetime.date:
    """The last day of a term of whole years: a contract from 2025-01-01 for 1 year runs to 2025-12-31. A term
    from 29 February runs to the day before 1 March of a year without that day (民法典 §202: with no
    corresponding day the term ends at the end of the month), i.e. to 28 February."""
    try:
        after = starts_on.replace(year=starts_on.year + term_years)
    except ValueError:  # 29 February
        after = datetime.date(starts_on.year + term_years, 3, 1)
    return after - datetime.timedelta(days=1)


class CollectiveContract(TimeStampedModel):
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("union"), on_delete=models.PROTECT,
                              related_name="collective_contracts")
    path = PathField(_("org path"), max_length=255, editable=False)
    units = models.ManyToManyField("orgs.Unit", verbose_name=_("units covered"), related_name="collective_contracts")
    kind = models.CharField(_("contract kind"), max_length=16, choices=ContractKind.choices)
    title = models.CharField(_("title"), max_length=120)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("in force from"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    ends_on = models.DateField(_("in force until"), editable=False)
    union_negotiators = models.PositiveSmallIntegerField(_("negotiators for the workers"))
    employer_negotiators = models.PositiveSmallIntegerField(_("negotiators for the employer"))
    congress_passed_on = models.DateField(_("passed by the workers' congress on"), null=True, blank=True)
    filed_on = models.DateField(_("filed with the labour bureau on"), null=True, blank=True)
    effective_on = models.DateField(_("effective (no objection) from"), null=True, blank=True, editable=False)
    reference_no = models.CharField(_("filing reference no."), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("collective contract")
        verbose_name_plural = _("collective contracts")
        ordering = ["-starts_on", "-id"]
        indexes = [
            # subtree ranges by end: what is in force at a date, what expires in a window
            models.Index(fields=["path", "ends_on"], name="contract_path_ends_idx"),
            models.Index(fields=["union", "kind", "starts_on"], name="contract_union_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="contract_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def derive_dates(self) -> None:
        """Set the stored derived dates from the entered ones (the services call this before full_clean)."""
        if self.starts_on and self.term_years:
            self.ends_on = end_of_term(self.starts_on, self.term_years)
        self.effective_on = (self.filed_on + datetime.timedelta(days=rule("EFFECTIVE_DAYS"))
                             if self.filed_on else None)

    @property
    def renewal_opens_on(self) -> datetime.date:
        """The first day on which renewal may be asked for (the last 90 days of the term)."""
        return self.ends_on - datetime.timedelta(days=rule("RENEWAL_WINDOW_DAYS") - 1)

    @property
    def in_force_from(self) -> datetime.date | None:
        """The first day in force: the later of its start and the day it takes effect (filed, and no objection
        within 15 days: 集体合同规定 §47); None while it has not been filed."""
        if self.effective_on is None:
            return None
        return max(self.starts_on, self.effective_on)

    def status_on(self, day: datetime.date) -> str:
        if day > self.ends_on:
            return ContractStatus.EXPIRED
        if self.in_force_from is None or day < self.in_force_from:
            return ContractStatus.PENDING
        if day >= self.renewal_opens_on:
            return ContractStatus.EXPIRING
        return ContractStatus.IN_FORCE

    @property
    def filing_due_on(self) -> datetime.date:
        return self.signed_on + datetime.timedelta(days=rule("FILING_DAYS"))

    def filing_late(self, today: datetime.date) -> bool:
        """Filed after the 10 days, or not filed and the 10 days are over."""
        if self.filed_on:
            return self.filed_on > self.filing_due_on
        return today > self.filing_due_on
