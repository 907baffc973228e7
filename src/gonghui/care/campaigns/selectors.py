"""Reads of campaigns, their recipients and donations, limited to what the user may see (care.view)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from gonghui.accounts import policy
from gonghui.orgs.models import OrgNode

from ..models import COMMITTED_ASSISTANCE, Assistance, Campaign, CampaignRecipient, Donation

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def get_campaign(user, pk: int, permission: str = "care.view") -> Campaign:
    campaign = Campaign.objects.select_related("node").filter(pk=pk).first()
    policy.check(user, campaign.path if campaign else None, permission)
    return campaign


def get_recipient(user, pk: int, permission: str = "care.change") -> CampaignRecipient:
    recipient = (CampaignRecipient.objects.select_related("campaign", "campaign__node", "member")
                 .filter(pk=pk).first())
    policy.check(user, recipient.campaign.path if recipient else None, permission)
    return recipient


def _count(rows):
    counted = (rows.filter(campaign=OuterRef("pk")).order_by().values("campaign").annotate(n=Count("id"))
               .values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _given_total():
    rows = (Assistance.objects.filter(campaign=OuterRef("pk"), status__in=COMMITTED_ASSISTANCE)
            .order_by().values("campaign").annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(rows, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)


def _donated_total():
    rows = (Donation.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
            .annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(rows, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)


def campaigns(user, node: OrgNode, *, kind: str = "", year: int | None = None) -> QuerySet[Campaign]:
    """Campaigns run by the node or below it, with their progress; one query."""
    rows = Campaign.objects.filter(policy.scope_q(user, "care.view"), path__under=node.path)
    if kind:
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(year=year)
    # each figure its own correlated subquery: joining recipients and donations at once would multiply the rows
    return (rows.select_related("node")
            .annotate(selected=_count(CampaignRecipient.objects.all()),
                      given=_count(CampaignRecipient.objects.filter(status=CampaignRecipient.Status.GIVEN)),
                      given_total=_given_total(), donated_total=_donated_total(),
                      donors=_count(Donation.objects.all()))
            .order_by("-year", "-starts_on", "-id"))


def recipients(campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return (campaign.recipients.select_related("member", "member__union", "assistance", "hardship_file")
            .order_by("status", "path", "id"))


@dataclass(frozen=True)
class Progress:
    selected: int
    given: int
    total: Decimal

    @property
    def percent(self) -> int:
        return round(self.given * 100 / self.selected) if self.selected else 0


def progress(campaign: Campaign) -> Progress:
    counts = campaign.recipients.aggregate(
        selected=Count("id"), given=Count("id", filter=Q(status=CampaignRecipient.Status.GIVEN)))
    total = (Assistance.objects.filter(campaign=campaign, status__in=COMMITTED_ASSISTANCE)
             .aggregate(total=Sum("amount"))["total"] or Decimal("0"))
    return Progress(selected=counts["selected"], given=counts["given"], total=total)


@dataclass(frozen=True)
class DonationTotal:
    node: OrgNode | None    # None: donors at the drive's own node (units, people named, its own members)
    donors: int
    amount: Decimal


def donation_totals(campaign: Campaign) -> tuple[list[DonationTotal], DonationTotal]:
    """Totals of a drive by the child nodes of the node running it (and the rest at the node itself), and
    overall. Two queries."""
    rows = list(campaign.donations.values_list("path", "amount"))
    children = list(OrgNode.objects.filter(parent_id=campaign.node_id).order_by("path"))
    by_node, rest = [], [(p, a) for p, a in rows]
    for child in children:
        under = [a for p, a in rows if p.startswith(child.path)]
        rest = [(p, a) for p, a in rest if not p.startswith(child.path)]
        if under:
            by_node.append(DonationTotal(node=child, donors=len(under), amount=sum(under, Decimal("0"))))
    if rest:
        by_node.append(DonationTotal(node=None, donors=len(rest), amount=sum((a for _p, a in rest), Decimal("0"))))
    overall = DonationTotal(node=campaign.node, donors=len(rows), amount=sum((a for _p, a in rows), Decimal("0")))
    return by_node, overall


def donations(campaign: Campaign) -> QuerySet[Donation]:
    return campaign.donations.select_related("member", "member__union").order_by("-donated_on", "-id")
