"""The checks shown on each node, each with the rule's source (DOMAIN.md, Organisations).

They read plain values (a node, its current officers, today's date, and the node's member figures derived
from the member records by orgs/selectors.py `own_member_counts`) so that they can be tested without a
database and shown on any page that has those values at hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import COMMITTEE_ROLES, Level, Officer, OfficerRole, OrgNode

# (lowest member count, highest member count, smallest committee, largest committee): 工会法 / 基层工会
# 选举条例 practice as given in DOMAIN.md. Committees have an odd number of members.
COMMITTEE_SIZE_TABLE: tuple[tuple[int, int | None, int, int], ...] = (
    (11, 25, 3, 3),
    (26, 100, 3, 5),
    (101, 200, 5, 7),
    (201, 500, 7, 9),
    (501, 1000, 9, 15),
    (1001, 5000, 15, 21),
    (5001, 10000, 21, 29),
    (10001, 50000, 29, 37),
    (50001, None, 37, 45),
)

SOURCE_TERM = gettext_lazy("Trade Union Law 2021, Art. 16: grassroots committees serve 3 or 5 years, "
                           "local federations 5 years")
SOURCE_APPROVAL = gettext_lazy("Trade Union Law 2021, Art. 12: setting up a union needs the approval of "
                               "the union one level up")
SOURCE_WOMEN = gettext_lazy("Regulations on the Work of Women Workers' Committees, Art. 11: "
                            "%(threshold)d or more women members → a women workers' committee")
SOURCE_COMMITTEE_SIZE = gettext_lazy("Committee size by member count (grassroots election rules): "
                                     "%(low)s–%(high)s members → %(size)s members, an odd number")
SOURCE_COMMITTEE_REQUIRED = gettext_lazy("Trade Union Law 2021, Art. 11: 25 or more members → a "
                                         "trade union committee; fewer → a committee or one organiser")
SOURCE_AUDIT = gettext_lazy("Trade Union Law 2021, Art. 45: every grassroots union has a funds audit "
                            "committee")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "danger", "warning" or "info"
    message: str
    source: str


def committee_size_range(member_count: int) -> tuple[int, int, int, int | None] | None:
    """(smallest, largest, low, high) committee size for a member count, or None below the table."""
    for low, high, smallest, largest in COMMITTEE_SIZE_TABLE:
        if member_count >= low and (high is None or member_count <= high):
            return smallest, largest, low, high
    return None


def current_officers(officers: Iterable[Officer], today: datetime.date) -> list[Officer]:
    return [officer for officer in officers if officer.is_current(today)]


def node_findings(node: OrgNode, officers: Iterable[Officer], today: datetime.date, *, members: int,
                  women_members: int) -> list[Finding]:
    """`members` and `women_members`: the union's own members (its groups and branches included, unions
    below it not), counted from the member records."""
    rules = settings.GONGHUI_RULES
    current = current_officers(officers, today)
    roles = [officer.role for officer in current]
    findings: list[Finding] = []

    if node.level in (Level.UNION_GROUP,):
        return findings

    # Term overdue: the term has ended without 换届.
    term_end = node.term_end
    if term_end is None and node.level != Level.BRANCH_UNION:
        findings.append(Finding("term_unknown", "warning", _("The start and length of the current term are "
                                                             "not recorded."), str(SOURCE_TERM)))
    elif term_end is not None and term_end < today:
        findings.append(Finding(
            "term_overdue", "danger",
            _("The term ended on %(date)s and no new committee has been elected (overdue by %(days)d days).")
            % {"date": term_end.isoformat(), "days": (today - term_end).days},
            str(SOURCE_TERM),
        ))

    # Approval by the level above.
    if node.parent_id is not None and node.level != Level.BRANCH_UNION and node.approved_on is None:
        findings.append(Finding("approval_missing", "warning",
                                _("No approval by the union one level up is recorded."), str(SOURCE_APPROVAL)))

    if not node.is_union:
        return findings

    # Women workers' committee required but missing.
    threshold = rules["WOMEN_COMMITTEE_THRESHOLD"]
    if women_members >= threshold and not node.women_committee_established:
        findings.append(Finding(
            "women_committee_missing", "danger",
            _("%(count)d women members: a women workers' committee is required but none is set up.")
            % {"count": women_members},
            str(SOURCE_WOMEN) % {"threshold": threshold},
        ))
    elif 0 < women_members < threshold and OfficerRole.WOMEN_DIRECTOR not in roles \
            and not node.women_committee_established:
        findings.append(Finding(
            "women_officer_missing", "info",
            _("Fewer than %(threshold)d women members: a women's officer should be named.")
            % {"threshold": threshold},
            str(SOURCE_WOMEN) % {"threshold": threshold},
        ))

    # Committee: required from 25 members, and its size must fit the member count.
    committee_size = sum(1 for role in roles if role in COMMITTEE_ROLES)
    if members >= rules["COMMITTEE_MEMBER_THRESHOLD"] and committee_size == 0:
        findings.append(Finding(
            "committee_missing", "danger",
            _("%(count)d members but no current trade union committee is recorded.")
            % {"count": members},
            str(SOURCE_COMMITTEE_REQUIRED),
        ))
    elif committee_size:
        size_range = committee_size_range(members)
        if size_range is not None:
            smallest, largest, low, high = size_range
            size_text = str(smallest) if smallest == largest else f"{smallest}–{largest}"
            source = str(SOURCE_COMMITTEE_SIZE) % {"low": low, "high": high or "∞", "size": size_text}
            if not smallest <= committee_size <= largest:
                findings.append(Finding(
                    "committee_size", "warning",
                    _("The committee has %(size)d members; for %(members)d members it should have %(range)s.")
                    % {"size": committee_size, "members": members, "range": size_text},
                    source,
                ))
            elif committee_size % 2 == 0:
                findings.append(Finding(
                    "committee_even", "warning",
                    _("The committee has %(size)d members; it should have an odd number.")
                    % {"size": committee_size},
                    source,
                ))

    # 经审会 for every grassroots union.
    if node.level == Level.GRASSROOTS_UNION and members >= rules["COMMITTEE_MEMBER_THRESHOLD"] \
            and OfficerRole.AUDIT_DIRECTOR not in roles:
        findings.append(Finding("audit_committee_missing", "warning",
                                _("No director of the funds audit committee is recorded."), str(SOURCE_AUDIT)))
    return findings
