"""The one small interface through which every domain feeds plans and summaries.

A domain (orgs, members, activities, care; later congress, rights, funds) writes a module `report.py` in
its own package with a subclass of `Contribution` and calls `register()` on an instance. Plans never
import a domain: `contributions()` finds the `report.py` modules of the installed apps (Django's
`autodiscover_modules`), so a new app plugs in by adding its own `report.py`, without touching this one.

A contribution may offer:
- `metrics()`: figures computed from its records for a node's subtree and a period (建会率, 活动次数 …).
  Indicators of a plan and criteria of an assessment name a metric by its key; the actual value is
  computed live, never stored.
- `suggestions(node, year)`: the items the year requires by rule or by the records (a 换届 that falls due,
  health checks due, hardship files up for review …), each with its source.
- `summary(node, period)`: its part of the summary, with real numbers: paragraphs, tables, and the raw
  figures (`facts`) the paragraphs were written from, which tests compare with the ledgers.
- `evidence_sources()`: the kinds of records that can carry out a plan item (activities, visits …):
  how to find those of a node's subtree between two dates, and how to reach one for a user.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.module_loading import autodiscover_modules

from .models import Comparator, Half, period_bounds, period_label


@dataclass(frozen=True)
class Period:
    """A year (half 0) or one of its halves."""

    year: int
    half: int = Half.WHOLE_YEAR

    @property
    def start(self) -> datetime.date:
        return period_bounds(self.year, self.half)[0]

    @property
    def end(self) -> datetime.date:
        return period_bounds(self.year, self.half)[1]

    @property
    def label(self) -> str:
        return period_label(self.year, self.half)

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes in the site's time zone, for DateTimeField ranges."""
        from django.utils import timezone

        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, zone)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, zone)
        return start, end


class MetricKind:
    RATE = "rate"    # a share in %, judged against the target as it stands (建会率 95%)
    COUNT = "count"  # a number that grows through the period, judged against the target pro rata (活动 ≥ 12)


@dataclass(frozen=True)
class Metric:
    key: str                      # "<domain>.<name>", e.g. "orgs.founding_rate_min_staff"
    label: str                    # lazily translated, e.g. 建会率（25人以上单位）
    unit: str                     # "%", "家", "次", "人次", "元" …
    section: str                  # a plans.models.Section value
    kind: str                     # MetricKind.RATE or MetricKind.COUNT
    compute: Callable[[Any, Period], Decimal | None]  # (node, period) → value, None when undefined (0 ÷ 0)
    comparator: str = Comparator.AT_LEAST
    default_target: Decimal | None = None
    source: str = ""              # where the usual target comes from, shown to the user
    help: str = ""


@dataclass(frozen=True)
class SuggestedTiming:
    timing: str = "yearly"        # a plans.models.Timing value
    due_on: datetime.date | None = None
    months: tuple[int, ...] = ()
    quarters: tuple[int, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    key: str                      # stable across runs ("orgs.re_election:12:2026"): never proposed twice
    section: str
    title: str
    source: str                   # the rule and/or the records it comes from, in Chinese
    target: str = ""
    measures: str = ""
    timing: SuggestedTiming = SuggestedTiming()
    responsible_role: str = ""    # an orgs.models.OfficerRole value
    evidence: str = ""            # an evidence source key (optionally ":kind") whose records carry it out


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class SummaryPart:
    """A domain's part of a summary. `section` is a plans.models.Section value, or "facts" for the opening
    基本情况; parts of the same section are joined in `order`."""

    section: str
    order: int
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceRecord:
    source: str                   # the evidence source key
    object_id: int
    on: datetime.date
    label: str
    kind: str = ""                # e.g. the activity kind, for "activities.activity:training"
    url: str = ""


@dataclass(frozen=True)
class EvidenceSource:
    key: str                      # "activities.activity", "care.visit", "care.assistance" …
    label: str
    kinds: tuple[tuple[str, str], ...]  # (value, label) of the kinds an item may narrow to; () for none
    # records of the node's subtree dated within [start, end], optionally of one kind
    find: Callable[[Any, datetime.date, datetime.date, str], Iterable[EvidenceRecord]]
    # one record as the user may see it, or Http404 (the access helper of its domain)
    get_for_user: Callable[[Any, int], EvidenceRecord]
    # optional: the records find() lists, as a queryset (with the records' `path`) annotated with their date as
    # `day`. A plan's progress then counts them by day (day_counts) instead of building a record object for each
    # of a district's year, and a dashboard counts them for every child of a node in one query
    # (day_counts_by_child). plans/progress.py falls back to find() without it.
    dated: Callable[[Any, datetime.date, datetime.date, str], Any] | None = None
    # a permission (accounts/policy.py) the viewer must hold at the plan node's path to see this source's
    # records listed (their labels, pages, kinds) or to attach one: "care.view" for the care registers, whose
    # records name members in hardship. "" = any viewer of the plan. Others see how many records there are.
    permission: str = ""

    def day_counts(self, node, start: datetime.date, end: datetime.date, kind: str = "") -> dict[datetime.date, int]:
        """{date: records} of the node's subtree in [start, end] (one GROUP BY)."""
        from django.db.models import Count

        rows = self.dated(node, start, end, kind).order_by().values("day").annotate(n=Count("pk"))
        return {row["day"]: row["n"] for row in rows}

    def day_counts_by_child(self, node, start: datetime.date, end: datetime.date, kind: str = ""
                            ) -> dict[str, dict[datetime.date, int]]:
        """{child's path: {date: records}} for every child of `node` (one GROUP BY on the path's next segment)."""
        from django.db.models import Count
        from django.db.models.functions import Substr

        from gonghui.orgs.models import SEGMENT_WIDTH

        counts: dict[str, dict[datetime.date, int]] = {}
        rows = (self.dated(node, start, end, kind).annotate(child=Substr("path", 1, len(node.path) + SEGMENT_WIDTH))
                .order_by().values("child", "day").annotate(n=Count("pk")))
        for row in rows:
            counts.setdefault(row["child"], {})[row["day"]] = row["n"]
        return counts

    def visible_to(self, user, path: str) -> bool:
        """May `user` see this source's records of the plan at `path`?"""
        if not self.permission:
            return True
        from gonghui.accounts import policy

        return policy.has_perm(user, self.permission, path)


class Contribution:
    domain: str = ""

    def metrics(self) -> list[Metric]:
        return []

    def suggestions(self, node, year: int) -> list[Suggestion]:
        return []

    def summary(self, node, period: Period) -> list[SummaryPart]:
        return []

    def evidence_sources(self) -> list[EvidenceSource]:
        return []


_shared: ContextVar[dict | None] = ContextVar("gonghui_plans_shared", default=None)


@contextmanager
def sharing() -> Iterator[None]:
    """Within this block, figures read through `shared()` are read once: a panel of indicators, a summary or an
    assessment asks several metrics of the same node, and 建会率, 入会率 and the summary's facts all rest on
    the same coverage figures. Outside a block nothing is kept, so no figure outlives the read that asked."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: tuple, read: Callable[[], Any]) -> Any:
    """`read()`, once per key within a `sharing()` block (every time outside one)."""
    cache = _shared.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


_registry: dict[str, Contribution] = {}
_discovered = False


def register(contribution: Contribution) -> Contribution:
    _registry[contribution.domain] = contribution
    return contribution


def contributions() -> list[Contribution]:
    global _discovered
    if not _discovered:
        autodiscover_modules("report")
        _discovered = True
    return list(_registry.values())


def metrics() -> dict[str, Metric]:
    return {metric.key: metric for contribution in contributions() for metric in contribution.metrics()}


def metric(key: str) -> Metric | None:
    return metrics().get(key)


def suggestions(node, year: int) -> list[Suggestion]:
    return [s for contribution in contributions() for s in contribution.suggestions(node, year)]


def summary_parts(node, period: Period) -> list[SummaryPart]:
    return [part for contribution in contributions() for part in contribution.summary(node, period)]


def evidence_sources() -> dict[str, EvidenceSource]:
    return {source.key: source for contribution in contributions() for source in contribution.evidence_sources()}


def hidden_sources(user, path: str) -> set[str]:
    """The keys of the evidence sources whose records `user` may not see listed on a plan at `path`."""
    return {key for key, source in evidence_sources().items() if not source.visible_to(user, path)}


def evidence_source(key: str) -> EvidenceSource | None:
    """The source of an item's `evidence` value ("activities.activity:training" → activities.activity)."""
    return evidence_sources().get(key.split(":", 1)[0])
