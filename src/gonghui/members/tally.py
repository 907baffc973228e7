"""Per-node member tallies for the coverage statistics (issue 3 §8) and the node rules.

A tally row holds the counts of one union's members at one org node: the members' 工会小组 if they have
one, else the union itself (the node whose path the members carry). The services call `refresh()` with the
unions whose members changed, inside their transaction; bulk writers (the demo and district seed, the
roster import) call `refresh()` for the unions they touched or `rebuild_all()` once at the end.

Subtree figures are then a SUM over the tally rows under a path (orgs/selectors.py), one indexed range over
a few thousand rows for a whole district instead of a million member rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from .models import MEMBER_STATUSES, EmploymentType, Member, MemberTally, RetainReason, Status

# Counted among members (MEMBER_STATUSES) only.
_MEMBER = Q(status__in=MEMBER_STATUSES)
MEMBER_FIGURES: dict[str, Q] = {
    "members": Q(),
    "women": Q(gender="F"),
    "migrant": Q(employment_type=EmploymentType.MIGRANT),
    "new_form": ~Q(new_form_group=""),
    "front_line": Q(is_front_line=True),
    "retired": Q(employment_type=EmploymentType.RETIRED) | Q(retain_reason=RetainReason.RETIRED),
}
# Every record, by 会籍 status.
STATUS_FIGURES: tuple[str, ...] = tuple(Status.values)
FIGURES: tuple[str, ...] = (*MEMBER_FIGURES, *STATUS_FIGURES)

BATCH_SIZE = 2000


def _counts(members) -> list[dict]:
    """One GROUP BY: the figures of each (union, node) among `members`, with the node's path."""
    aggregates = {name: Count("id", filter=_MEMBER & q) for name, q in MEMBER_FIGURES.items()}
    aggregates.update({status: Count("id", filter=Q(status=status)) for status in STATUS_FIGURES})
    return list(
        members.annotate(tally_node=Coalesce("group_id", "union_id"))
        .values("union_id", "tally_node", "path")
        .annotate(**aggregates)
        .order_by()
    )


def _rows(counts: list[dict]) -> list[MemberTally]:
    # A node's members share its path; should a stale path differ (a group moved), the rows merge here.
    merged: dict[tuple[int, int], MemberTally] = {}
    for row in counts:
        key = (row["union_id"], row["tally_node"])
        tally = merged.get(key)
        if tally is None:
            merged[key] = MemberTally(union_id=key[0], node_id=key[1], path=row["path"],
                                      **{name: row[name] for name in FIGURES})
        else:
            for name in FIGURES:
                setattr(tally, name, getattr(tally, name) + row[name])
    return list(merged.values())


@transaction.atomic
def refresh(union_ids: Iterable[int]) -> None:
    """Recount the members of these unions (one GROUP BY) and replace their tally rows."""
    ids = sorted({pk for pk in union_ids if pk})
    if not ids:
        return
    rows = _rows(_counts(Member.objects.filter(union_id__in=ids)))
    MemberTally.objects.filter(union_id__in=ids).delete()
    MemberTally.objects.bulk_create(rows, batch_size=BATCH_SIZE)


@transaction.atomic
def rebuild_all() -> int:
    """Recompute every tally row from the member records; returns the number of rows."""
    rows = _rows(_counts(Member.objects.all()))
    MemberTally.objects.all().delete()
    MemberTally.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def totals(tallies) -> dict[str, int]:
    """The SUM of every figure over a queryset of tally rows, in one query."""
    sums = tallies.aggregate(**{name: Coalesce(Sum(name), 0) for name in FIGURES})
    return {name: sums[name] for name in FIGURES}
