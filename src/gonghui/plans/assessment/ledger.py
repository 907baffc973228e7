"""The ranked table of an assessment as a core.ledger.Ledger, for the .xlsx export (core.ledger.ledger_xlsx)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.core.ledger import Ledger, LedgerColumn
from gonghui.plans.models import period_bounds

from .scoring import ScoreTable


def number(value) -> str:
    """A decimal without trailing zeros (95.00 → 95, 12.50 → 12.5)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def criterion_heading(criterion) -> str:
    return _("%(label)s (%(comparator)s%(target)s%(unit)s, %(weight)s points)") % {
        "label": criterion.label, "comparator": criterion.get_comparator_display(),
        "target": number(criterion.target), "unit": criterion.unit, "weight": number(criterion.weight)}


def score_ledger(table: ScoreTable) -> Ledger:
    scheme = table.scheme
    columns = [LedgerColumn("rank", _("Rank"), "int", 7), LedgerColumn("union", _("Union"), "text", 28)]
    for index, criterion in enumerate(table.criteria):
        columns.append(LedgerColumn(f"v{index}", criterion_heading(criterion), "money", 18))
        columns.append(LedgerColumn(f"p{index}", _("Points"), "money", 9))
    columns.append(LedgerColumn("total", _("Total points"), "money", 10))
    rows = []
    for row in table.rows:
        data = {"rank": row.rank, "union": row.union.name, "total": row.total}
        for index, cell in enumerate(row.cells):
            data[f"v{index}"] = cell.value
            data[f"p{index}"] = cell.points
        rows.append(data)
    start, end = period_bounds(scheme.year)
    notes = [_("Full marks: %(points)s. An empty value entered by hand was not entered and scores 0; an empty "
               "computed value means there was nothing to measure for the union (e.g. no hardship files) and "
               "earns full points.") % {"points": number(table.full_marks)}]
    return Ledger(title=scheme.name, node_name=scheme.node.name, start=start, end=end, columns=columns, rows=rows,
                  notes=notes)
