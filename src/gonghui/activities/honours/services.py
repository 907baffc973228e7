"""Writes to honours (评优表彰, issue 4 §4): a union nominates, the union above decides.

A nomination is made by a node (`nominated_by`) for a member of its subtree or for a collective (an org node
of its subtree, or a team named in words). The node above it (its parent, `approver`) approves or rejects it
with a note; while it is pending the nominating node may withdraw it. A member holds one honour of a kind per
year: the database refuses a second live one (nominated or awarded), and the services say so in words before
it comes to that.

Who may act: `honours.change` held on the nominating node (nominate, withdraw) or on the deciding node
(decide). The views check it first (404 outside the subtree, 403 without the permission); the services check
again, so a direct call cannot bypass it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts import policy
from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.members.models import MEMBER_STATUSES, Member
from gonghui.orgs.models import Level, OrgNode

from ..models import COLLECTIVE_HONOURS, Honour, HonourKind, HonourStatus

FIRST_YEAR = 1950
MAX_NOTE = 200
MAX_CITATION = 5000

# The statuses that count against "one honour of a kind per member and year" (the database constraint's rule).
LIVE_STATUSES = (HonourStatus.NOMINATED, HonourStatus.APPROVED)


def default_title(kind: str, year: int) -> str:
    """The printed title, e.g. 2025年度优秀工会会员."""
    return _("%(year)s %(honour)s") % {"year": year, "honour": HonourKind(kind).label}


def may_nominate_from(node: OrgNode) -> bool:
    """A node can nominate when there is a node above it to decide, and it is not a union group."""
    return node.parent_id is not None and node.level != Level.UNION_GROUP


def _require(actor, permission: str, path: str) -> None:
    if actor is not None and not policy.has_perm(actor, permission, path):
        raise PermissionDenied


def _duplicate_message(member: Member, kind: str, year: int) -> str:
    return _("%(name)s already holds or is nominated for “%(honour)s” in %(year)s: a member receives an honour "
             "of a kind once a year.") % {"name": member.name, "honour": HonourKind(kind).label, "year": year}


@transaction.atomic
def honour_nominate(*, actor, node: OrgNode, kind: str, year: int, title: str = "", member: Member | None = None,
                    collective: OrgNode | None = None, collective_name: str = "", citation: str = "",
                    today: datetime.date | None = None) -> Honour:
    """`node` nominates a member of its subtree, or a collective, for an honour of `kind` in `year`."""
    _require(actor, "honours.change", node.path)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if node.parent_id is None:
        raise ValidationError(_("%(node)s has no union above it to decide on a nomination.") % {"node": node.name})
    if node.level == Level.UNION_GROUP:
        raise ValidationError(_("A union group does not nominate for honours: its union does."))
    if kind not in HonourKind.values:
        add("kind", _("Choose one of the listed honours."))
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year + 1:
        add("year", _("The year of the honour is between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": today.year + 1})
    collective_name = (collective_name or "").strip()
    citation = (citation or "").strip()
    title = (title or "").strip()
    if kind in COLLECTIVE_HONOURS:
        if member is not None:
            add("member", _("“%(honour)s” is given to a collective, not to one member.")
                % {"honour": HonourKind(kind).label})
        if collective is None and not collective_name:
            add("collective", _("Name the collective: a union or group below this node, or a team."))
        if collective is not None and collective_name:
            add("collective_name", _("Give either a union or group, or a team name, not both."))
    elif kind in HonourKind.values:
        if member is None:
            add("member", _("“%(honour)s” is given to one member: enter the member card number.")
                % {"honour": HonourKind(kind).label})
        if collective is not None or collective_name:
            add("collective", _("“%(honour)s” is given to one member, not to a collective.")
                % {"honour": HonourKind(kind).label})
    if member is not None:
        member = Member.objects.select_for_update().get(pk=member.pk)
        if not member.path.startswith(node.path):
            add("member", _("%(name)s is not a member under %(node)s.") % {"name": member.name, "node": node.name})
        elif member.status not in MEMBER_STATUSES:
            add("member", _("%(name)s is not a member now (%(status)s).")
                % {"name": member.name, "status": member.get_status_display()})
    if collective is not None and not collective.path.startswith(node.path):
        add("collective", _("%(collective)s is not under %(node)s.") % {"collective": collective.name,
                                                                        "node": node.name})
    if not citation:
        add("citation", _("Describe the deeds (事迹) that earn the honour."))
    elif len(citation) > MAX_CITATION:
        add("citation", _("The deeds are at most %(max)d characters.") % {"max": MAX_CITATION})
    if errors:
        raise ValidationError(errors)
    if member is not None and Honour.objects.filter(kind=kind, year=year, member=member,
                                                    status__in=LIVE_STATUSES).exists():
        raise ValidationError({"member": _duplicate_message(member, kind, year)})
    if collective is not None and Honour.objects.filter(kind=kind, year=year, collective=collective,
                                                        status__in=LIVE_STATUSES).exists():
        raise ValidationError({"collective": _("%(collective)s already holds or is nominated for “%(honour)s” in "
                                               "%(year)s.") % {"collective": collective.name,
                                                               "honour": HonourKind(kind).label, "year": year}})
    approver = OrgNode.objects.get(pk=node.parent_id)
    honour = Honour(kind=kind, year=year, title=title or default_title(kind, year), nominated_by=node,
                    path=node.path, approver=approver, approver_path=approver.path, member=member,
                    collective=collective, collective_name=collective_name, citation=citation,
                    nominated_by_user=actor if getattr(actor, "pk", None) else None)
    honour.full_clean(exclude=["nominated_by_user", "decided_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            honour.save()
    except IntegrityError:
        # a nomination for the same member, kind and year was saved at the same moment
        raise ValidationError({"member": _duplicate_message(member, kind, year)}) from None
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=honour, org_path=node.path,
                 after=audit.snapshot(honour))
    return honour


def _locked(honour: Honour) -> Honour:
    return Honour.objects.select_for_update(of=("self",)).select_related("member", "collective").get(pk=honour.pk)


def _require_pending(honour: Honour) -> None:
    if honour.status != HonourStatus.NOMINATED:
        raise ValidationError(_("This nomination is already “%(status)s”: only a pending nomination can be "
                                "decided or withdrawn.") % {"status": honour.get_status_display()})


@transaction.atomic
def honour_decide(*, actor, honour: Honour, approve: bool, note: str = "",
                  awarded_on: datetime.date | None = None) -> Honour:
    """The node above the nominating node approves (awards) or rejects a pending nomination."""
    honour = _locked(honour)
    _require(actor, "honours.change", honour.approver_path)
    _require_pending(honour)
    if actor is not None and honour.nominated_by_user_id == getattr(actor, "pk", None):
        raise ValidationError(_("You made this nomination: it is decided by someone else at %(node)s.")
                              % {"node": honour.approver.name})
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("The note is at most %(max)d characters.") % {"max": MAX_NOTE}})
    if not approve and not note:
        raise ValidationError({"note": _("Say why the nomination is not approved.")})
    today = timezone.localdate()
    if approve and awarded_on is not None and awarded_on > today:
        raise ValidationError({"awarded_on": _("The award date %(date)s is in the future.")
                               % {"date": awarded_on.isoformat()}})
    before = audit.snapshot(honour)
    honour.status = HonourStatus.APPROVED if approve else HonourStatus.REJECTED
    honour.decision_note = note
    honour.decided_by = actor if getattr(actor, "pk", None) else None
    honour.decided_at = timezone.now()
    honour.awarded_on = (awarded_on or today) if approve else None
    honour.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "awarded_on", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=honour, org_path=honour.path,
                 before=before, after=audit.snapshot(honour))
    return honour


@transaction.atomic
def honour_withdraw(*, actor, honour: Honour) -> Honour:
    """The nominating node takes back a pending nomination. The node above rejects instead: it cannot
    withdraw what it did not put forward."""
    honour = _locked(honour)
    _require(actor, "honours.change", honour.path)
    _require_pending(honour)
    if actor is not None and policy.has_perm(actor, "honours.change", honour.approver_path) and not (
            getattr(actor, "pk", None) and honour.nominated_by_user_id == actor.pk):
        raise ValidationError(_("Only the nominating union withdraws a nomination; the union above decides on "
                                "it (approve or reject)."))
    before = audit.snapshot(honour)
    honour.status = HonourStatus.WITHDRAWN
    honour.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=honour, org_path=honour.path,
                 before=before, after=audit.snapshot(honour))
    return honour
