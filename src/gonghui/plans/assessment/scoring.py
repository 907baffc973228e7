"""Scoring of an assessment (考核): each assessed union's value, points, total and rank under a scheme.

Whom a scheme scores (`AssessmentScheme.subjects`): by default the grassroots and joint unions of its
federation's subtree (a street's unions; for a county, every union under its streets as well as its own;
union groups and branches are parts of their union and are not scored on their own); or, chosen for a
county or city, the federations directly under it (a county's streets), each scored over its whole subtree.
The word "union" below stands for either.

For each union and criterion the value is the criterion's metric computed for the union's subtree over the
scheme's year (plans/contrib.py), or, for a criterion without a metric, the value entered by hand
(AssessmentScore). Points:
- proportional (按完成比例): weight × min(value ÷ target, 1); for a "≤" criterion weight × min(target ÷ value, 1),
  a value of 0 earning full points; a target of 0 under "≥" is full points for any value;
- threshold (达标): the full weight when the target is reached (value ≥ target, or ≤ for "≤"), else 0;
- a metric with nothing to measure for the union (no value: e.g. hardship-file coverage of a union without
  hardship files): not applicable, full points (无此项工作不扣分), marked so;
- nothing entered by hand: 0 points, marked "not entered".
Totals are ranked highest first; equal totals share a rank (1, 1, 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from gonghui.orgs.models import FEDERATION_LEVELS, UNION_LEVELS, OrgNode
from gonghui.plans import contrib
from gonghui.plans.models import (
    AssessedUnits,
    AssessmentCriterion,
    AssessmentScheme,
    AssessmentScore,
    Comparator,
    ScoringRule,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def met(criterion: AssessmentCriterion, value: Decimal | None) -> bool | None:
    """Whether the value reaches the criterion's target (None without a value)."""
    if value is None:
        return None
    if criterion.comparator == Comparator.AT_MOST:
        return value <= criterion.target
    return value >= criterion.target


def points(criterion: AssessmentCriterion, value: Decimal | None) -> Decimal:
    """The points a value earns on one criterion (see the module's rules), to the cent."""
    weight = Decimal(criterion.weight)
    if value is None:
        return ZERO
    value, target = Decimal(value), Decimal(criterion.target)
    if criterion.rule == ScoringRule.THRESHOLD:
        return _round(weight) if met(criterion, value) else ZERO
    if criterion.comparator == Comparator.AT_MOST:
        if value <= 0:
            return _round(weight)
        share = min(target / value, Decimal(1))
    else:
        if target <= 0:
            return _round(weight)
        share = min(value / target, Decimal(1))
    return _round(weight * max(share, ZERO))


@dataclass
class Cell:
    criterion: AssessmentCriterion
    value: Decimal | None
    points: Decimal
    computed: bool            # from a metric (else entered by hand)
    met: bool | None

    @property
    def missing(self) -> bool:
        """Entered by hand, and not entered yet."""
        return self.value is None and not self.computed

    @property
    def not_applicable(self) -> bool:
        """Computed, and nothing to measure for this union."""
        return self.value is None and self.computed


@dataclass
class Row:
    union: OrgNode
    cells: list[Cell]
    total: Decimal = ZERO
    rank: int = 0

    @property
    def missing(self) -> int:
        return sum(1 for cell in self.cells if cell.missing)


@dataclass
class ScoreTable:
    scheme: AssessmentScheme
    criteria: list[AssessmentCriterion]
    rows: list[Row]
    unknown_metrics: list[str] = field(default_factory=list)  # criteria naming a metric no app provides

    @property
    def full_marks(self) -> Decimal:
        return sum((Decimal(c.weight) for c in self.criteria), ZERO)


def assessed_queryset(node: OrgNode, subjects: str):
    if subjects == AssessedUnits.CHILDREN:
        found = OrgNode.objects.filter(parent_id=node.pk, level__in=FEDERATION_LEVELS)
    else:
        found = OrgNode.objects.filter(path__under=node.path, level__in=UNION_LEVELS).exclude(pk=node.pk)
    return found.only("id", "name", "code", "path", "level", "parent_id").order_by("name", "pk")


def assessed_unions(scheme: AssessmentScheme) -> list[OrgNode]:
    """Whom the scheme scores (the module's docstring), by name; one query."""
    return list(assessed_queryset(scheme.node, scheme.subjects))


def rank(rows: list[Row]) -> list[Row]:
    """Sort by total (highest first, then name) and give equal totals the same rank (1, 1, 3)."""
    rows = sorted(rows, key=lambda row: (-row.total, row.union.name, row.union.pk))
    previous = None
    for position, row in enumerate(rows, start=1):
        if previous is None or row.total != previous.total:
            row.rank = position
        else:
            row.rank = previous.rank
        previous = row
    return rows


def score_table(scheme: AssessmentScheme, *, criteria: list[AssessmentCriterion] | None = None,
                unions: list[OrgNode] | None = None) -> ScoreTable:
    """The scheme's ranked table. Queries: the criteria, the unions, the hand scores (one each), and each
    distinct metric once per union (through the metric's own compute)."""
    criteria = list(scheme.criteria.all()) if criteria is None else criteria
    unions = assessed_unions(scheme) if unions is None else unions
    known = contrib.metrics() if any(c.metric for c in criteria) else {}
    hand = [c.pk for c in criteria if not c.metric]
    entered: dict[tuple[int, int], Decimal] = {}
    if hand and unions:
        entered = {(criterion_id, union_id): value for criterion_id, union_id, value in
                   AssessmentScore.objects.filter(criterion_id__in=hand, union__in=[u.pk for u in unions])
                   .values_list("criterion_id", "union_id", "value")}
    period = contrib.Period(scheme.year)
    metric_keys = list(dict.fromkeys(c.metric for c in criteria if c.metric and c.metric in known))
    rows = []
    for union in unions:
        with contrib.sharing():  # figures shared by several metrics of the union, read once
            values = {key: known[key].compute(union, period) for key in metric_keys}  # each metric once
        cells = []
        for criterion in criteria:
            if criterion.metric:
                value = values.get(criterion.metric)
                value = None if value is None else Decimal(value)
                earned = points(criterion, value) if value is not None or criterion.metric not in known \
                    else _round(Decimal(criterion.weight))  # not applicable: full points
            else:
                value = entered.get((criterion.pk, union.pk))
                earned = points(criterion, value)
            cells.append(Cell(criterion=criterion, value=value, points=earned,
                              computed=bool(criterion.metric), met=met(criterion, value)))
        rows.append(Row(union=union, cells=cells, total=sum((cell.points for cell in cells), ZERO)))
    unknown = [c.metric for c in criteria if c.metric and c.metric not in known]
    return ScoreTable(scheme=scheme, criteria=criteria, rows=rank(rows), unknown_metrics=unknown)
