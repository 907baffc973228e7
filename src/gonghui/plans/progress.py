"""How far a plan has been carried out (台账): each item's occurrences met by records, per section and overall.

An item's 时限 gives its occurrences (plans/timing.py): windows of dates in which it must be carried out
once. An occurrence is met by

- a record an officer linked to the item by hand (`PlanItemLink`, dated by the record's date `on`);
- a record found automatically: the item's `evidence` names a kind of record ("activities.activity:training"),
  and any record of that kind in the plan node's subtree dated within the window counts without a link;
- for an item that names no kind of record (a meeting, a report, a publicity task), a document or photo
  uploaded to the item itself (core.Attachment on the PlanItem), dated by the day of the work it shows (given
  when it is uploaded later), else by its upload date.

An item is done when every occurrence is met; an item without occurrences (its months lie outside the
plan's period) counts as done once it has any evidence at all. An occurrence is overdue once its window has
ended before `today` without being met, and an item is overdue when any of its occurrences is.

Nothing here is stored: it is computed from the records each time. The queries are bounded by the plan, not
by its items: one read of the items, one of the links, one of the attachments, and one read per (evidence
source, kind) used in the plan over the plan's whole period; windows are matched in Python. For a source
that offers `dated` (every source of the installed domains) that read is the number of records per day, and
windows are summed over it, so a federation's plan does not build one record object per activity of the
district; the record lists themselves (`detail=True`) are read only for the evidence page of one item. The
plans of a node's children (a dashboard's overdue items) share one read per (source, kind), grouped by child.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from gonghui.core.models import Attachment

from . import contrib
from .models import SECTION_ORDER, Plan, PlanItem, PlanItemLink, Section
from .timing import Occurrence, item_occurrences


@dataclass
class OccurrenceStatus:
    occurrence: Occurrence
    records: list[contrib.EvidenceRecord]
    met: bool
    overdue: bool
    files: int = 0  # documents and photos uploaded to the item within the window
    count: int = 0  # records that met it: linked by hand and found (counted by day when not listed)


@dataclass
class ItemProgress:
    item: PlanItem
    occurrences: list[OccurrenceStatus]
    attachments: int
    done: bool
    overdue: bool
    share: float  # occurrences met ÷ occurrences (1 or 0 for an item without occurrences)
    records: list[contrib.EvidenceRecord] = field(default_factory=list)  # all evidence in the plan's period

    @property
    def met_count(self) -> int:
        return sum(1 for status in self.occurrences if status.met)

    @property
    def total_count(self) -> int:
        return len(self.occurrences)

    @property
    def overdue_occurrences(self) -> list[OccurrenceStatus]:
        return [status for status in self.occurrences if status.overdue]

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class SectionProgress:
    section: str
    label: str
    total: int
    done: int
    share: float
    occurrences_met: int = 0
    occurrences_total: int = 0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class PlanProgress:
    items: dict[int, ItemProgress]
    sections: list[SectionProgress]
    done: int
    total: int
    share: float
    overdue: list[ItemProgress]
    occurrences_met: int = 0
    occurrences_total: int = 0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def evidence_kind(evidence: str) -> tuple[str, str]:
    """ "activities.activity:training" → ("activities.activity", "training")."""
    source, _, kind = (evidence or "").partition(":")
    return source, kind


def _link_record(link: PlanItemLink) -> contrib.EvidenceRecord:
    return contrib.EvidenceRecord(source=link.source, object_id=link.object_id, on=link.on, label=link.label,
                                  kind=link.kind, url=link.url)


class DayCounts:
    """Records counted by day (an evidence source's day counts), summed over a window by bisection."""

    def __init__(self, counts: dict[datetime.date, int]):
        self.days = sorted(counts)
        self.running = [0]
        for day in self.days:
            self.running.append(self.running[-1] + counts[day])

    def within(self, start: datetime.date, end: datetime.date) -> int:
        return self.running[bisect.bisect_right(self.days, end)] - self.running[bisect.bisect_left(self.days, start)]


def found_records(plan: Plan, keys, *, detail: bool = False
                  ) -> dict[tuple[str, str], list[contrib.EvidenceRecord] | DayCounts]:
    """The records of each (source, kind) in the plan's subtree and period, one read per pair: counted by day
    where the source offers it (unless `detail`), else listed by find()."""
    found: dict[tuple[str, str], list[contrib.EvidenceRecord] | DayCounts] = {}
    for key in keys:
        source = contrib.evidence_source(key[0]) if key[0] else None
        if source is None:
            found[key] = []
        elif source.dated is not None and not detail:
            found[key] = DayCounts(source.day_counts(plan.node, plan.start, plan.end, key[1]))
        else:
            found[key] = list(source.find(plan.node, plan.start, plan.end, key[1]))
    return found


def _children_counts(under, plans, items) -> dict[tuple[str, str], dict[str, dict[datetime.date, int]]]:
    """For the plans of `under`'s children: each (source, kind) they use, counted by child and day in one read
    over all their periods."""
    children = [plan for plan in plans if plan.node.parent_id == under.pk]
    if not children:
        return {}
    start, end = min(plan.start for plan in children), max(plan.end for plan in children)
    counts = {}
    for key in {evidence_kind(item.evidence) for plan in children for item in items.get(plan.pk, [])
                if item.evidence}:
        source = contrib.evidence_source(key[0]) if key[0] else None
        if source is not None and source.dated is not None:
            counts[key] = source.day_counts_by_child(under, start, end, key[1])
    return counts


def plan_progress(plan: Plan, *, today: datetime.date | None = None, items=None, detail: bool = False
                  ) -> PlanProgress:
    """The progress of every item of `plan` as of `today` (default: today's local date). `items` may be given
    when the caller already holds the plan's items (in order). With `detail`, every occurrence lists the
    records that met it (the evidence page of an item); without it, records found automatically may be
    counted only."""
    items = list(items if items is not None else plan.items.all())
    return plans_progress([plan], today=today, items={plan.pk: items}, detail=detail)[plan.pk]


def plans_progress(plans, *, today: datetime.date | None = None, items=None, detail: bool = False,
                   under=None) -> dict[int, PlanProgress]:
    """The progress of several plans at once: one query for their items (unless given as {plan pk: items}),
    one for their links, one for their attachments, and the reads of each plan's records; with `under` (a
    node), the plans of its children share one read per (source, kind)."""
    today = today or timezone.localdate()
    plans = list(plans)
    if items is None:
        items = defaultdict(list)
        by_pk = {plan.pk: plan for plan in plans}
        for item in PlanItem.objects.filter(plan__in=plans).order_by("order", "pk") if plans else []:
            item.plan = by_pk[item.plan_id]
            items[item.plan_id].append(item)
    ids = [item.pk for plan in plans for item in items.get(plan.pk, [])]

    links: dict[int, list[PlanItemLink]] = defaultdict(list)
    for link in PlanItemLink.objects.filter(item_id__in=ids).order_by("on", "pk") if ids else []:
        links[link.item_id].append(link)

    uploads: dict[int, list[datetime.date]] = defaultdict(list)
    if ids:
        rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(PlanItem),
                                         object_id__in=ids).values_list("object_id", "taken_on", "uploaded_at")
        for object_id, taken_on, uploaded_at in rows:  # dated by the work shown, else by the upload
            uploads[object_id].append(taken_on or timezone.localdate(uploaded_at))

    shared = _children_counts(under, plans, items) if under is not None and not detail else {}
    result: dict[int, PlanProgress] = {}
    for plan in plans:
        plan_items = items.get(plan.pk, [])
        keys = {evidence_kind(item.evidence) for item in plan_items if item.evidence}
        counted = ({key: DayCounts(shared[key].get(plan.path, {})) for key in keys if key in shared}
                   if under is not None and plan.node.parent_id == under.pk else {})
        found = found_records(plan, sorted(keys - set(counted)), detail=detail)
        found.update(counted)
        progress = {item.pk: item_progress(
            item, links=links.get(item.pk, []), uploads=uploads.get(item.pk, []),
            found=found.get(evidence_kind(item.evidence), []) if item.evidence else [], today=today)
            for item in plan_items}
        result[plan.pk] = summarise(plan_items, progress)
    return result


def item_progress(item: PlanItem, *, links, uploads, found, today: datetime.date) -> ItemProgress:
    """One item's progress from its hand links, its upload dates and the records found for its kind (listed,
    or counted by day)."""
    hand = [_link_record(link) for link in links]
    counted = found if isinstance(found, DayCounts) else None
    if counted is None:
        seen = {(r.source, r.object_id) for r in hand}
        records = sorted(hand + [r for r in found if (r.source, r.object_id) not in seen],
                         key=lambda r: (r.on, r.label))
    else:
        records = sorted(hand, key=lambda r: (r.on, r.label))
        source, kind = evidence_kind(item.evidence)
    files_count = not item.evidence  # files carry out only items that name no kind of record
    statuses = []
    for occurrence in item_occurrences(item):
        matched = [r for r in records if occurrence.contains(r.on)]
        count = len(matched)
        if counted is not None:
            # the hand-linked records of the item's own source and kind are among those counted by day: once
            same = sum(1 for r in matched if r.source == source and (not kind or r.kind == kind))
            count += counted.within(occurrence.start, occurrence.end) - same
        files = sum(1 for day in uploads if occurrence.contains(day)) if files_count else 0
        met = count > 0 or files > 0
        statuses.append(OccurrenceStatus(occurrence=occurrence, records=matched, met=met,
                                         overdue=not met and occurrence.end < today, files=files, count=count))
    if statuses:
        met_count = sum(1 for status in statuses if status.met)
        share = met_count / len(statuses)
        done = met_count == len(statuses)
    else:
        start, end = item.plan.start, item.plan.end
        done = (any(start <= r.on <= end for r in records) or (counted is not None and counted.within(start, end) > 0)
                or (files_count and bool(uploads)))
        share = 1.0 if done else 0.0
    return ItemProgress(item=item, occurrences=statuses, attachments=len(uploads), done=bool(done),
                        overdue=any(status.overdue for status in statuses), share=share, records=records)


def summarise(items, result: dict[int, ItemProgress]) -> PlanProgress:
    by_section: dict[str, list[ItemProgress]] = defaultdict(list)
    for item in items:
        by_section[item.section].append(result[item.pk])
    labels = dict(Section.choices)
    sections = []
    for section in sorted(by_section, key=lambda s: SECTION_ORDER.get(s, 99)):
        rows = by_section[section]
        done = sum(1 for row in rows if row.done)
        sections.append(SectionProgress(
            section=section, label=str(labels.get(section, section)), total=len(rows), done=done,
            share=done / len(rows) if rows else 0.0,
            occurrences_met=sum(row.met_count for row in rows),
            occurrences_total=sum(row.total_count for row in rows)))
    rows = [result[item.pk] for item in items]
    done = sum(1 for row in rows if row.done)
    return PlanProgress(items=result, sections=sections, done=done, total=len(rows),
                        share=done / len(rows) if rows else 0.0, overdue=[row for row in rows if row.overdue],
                        occurrences_met=sum(row.met_count for row in rows),
                        occurrences_total=sum(row.total_count for row in rows))


def overdue_items(user, node, *, today: datetime.date | None = None) -> list[ItemProgress]:
    """Overdue items of this year's plans of `node` and of its direct children (the node above sees its
    unions' overdue items on its dashboard), as far as `user` may see plans. Queries: the plans, their items,
    links and attachments, the node's own plan's records, and one read per (source, kind) for all the
    children's plans together — however many unions there are."""
    from gonghui.accounts import policy

    today = today or timezone.localdate()
    plans = list(Plan.objects.filter(policy.scope_q(user, "plans.view"), year=today.year)
                 .filter(Q(node=node) | Q(node__parent=node)).select_related("node").order_by("path", "half"))
    progress = plans_progress(plans, today=today, under=node)
    return [row for plan in plans for row in progress[plan.pk].overdue]
