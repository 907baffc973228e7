"""Ledgers (台账): one shape for every domain's ledger, shown as a page and exported as a formatted .xlsx.

A domain builds a `Ledger` (title, node, period, columns, rows, totals) from its own selector, already limited
to what the user may see; `ledger_xlsx()` writes it as the printable workbook officers keep (title, the node
and period, a frozen header, widths, money and date formats, a 合计 row, A4 landscape fitted to the width),
and the template `core/_ledger_table.html` shows the same ledger on the page. So the page and the file always
hold the same rows and the same totals.

`ledger_period()` reads the period a ledger page is asked for (a year, or from/to dates) with a Chinese message
for a bad value.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FORMATS = {"money": "#,##0.00", "int": "0", "date": "yyyy-mm-dd", "text": "@"}
# Excel refuses these in a sheet's name (openpyxl raises ValueError): their full-width forms read the same.
_SHEET_TITLE_CHARACTERS = str.maketrans({"/": "／", "\\": "＼", ":": "：", "[": "［", "]": "］", "?": "？",
                                         "*": "＊"})


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    label: str
    kind: str = "text"        # text, int, money, date
    width: float = 14
    total: bool = False       # summed in the 合计 row

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "money")


@dataclass
class Ledger:
    title: str                                  # e.g. 活动台账
    node_name: str
    start: datetime.date
    end: datetime.date
    columns: Sequence[LedgerColumn]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)  # lines under the table: 人数, 人次 …
    totals: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.totals:
            self.totals = {column.key: sum((row.get(column.key) or 0 for row in self.rows),
                                           Decimal("0") if column.kind == "money" else 0)
                           for column in self.columns if column.total}

    @property
    def period_label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == self.start.replace(month=12, day=31):
            return _("Year %(year)d") % {"year": self.start.year}
        return f"{self.start:%Y-%m-%d} — {self.end:%Y-%m-%d}"

    @property
    def subtitle(self) -> str:
        return _("%(node)s · %(period)s · made on %(today)s") % {
            "node": self.node_name, "period": self.period_label, "today": timezone.localdate().isoformat()}

    def table_rows(self) -> _TableRows:
        """The rows as (value, column kind) pairs in column order (for the template), made as they are read: the
        template resolves `ledger.table_rows` even when it shows a page (the argument of `default`), and that
        must not read or convert every row of a county's year."""
        return _TableRows(self)

    def _cells(self, rows: Iterable[dict[str, Any]]) -> list[list[tuple[Any, str]]]:
        return [[(row.get(column.key), column.kind) for column in self.columns] for row in rows]

    def page(self, number, size: int = 200):
        """One page of the table rows for the ledger's page (the totals and the .xlsx keep every row): a county's
        year holds thousands of records, more than a page can show and a browser can draw quickly. With
        `PagedRows`, only that page's rows are read from the database."""
        from django.core.paginator import Paginator

        return Paginator(_TableRows(self), size).get_page(number)

    def total_cells(self) -> list[tuple[Any, str]]:
        return [(self.totals.get(column.key, "") if column.total else "", column.kind) for column in self.columns]

    def filename(self, suffix: str = "xlsx") -> str:
        return f"{self.title}-{self.node_name}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.{suffix}"


class PagedRows:
    """A ledger's rows read from the database a slice at a time: `count` rows in all (known from an aggregate
    query), `fetch(offset, limit)` returns rows offset … offset + limit - 1 in the ledger's order (one query with
    LIMIT/OFFSET). Indexing, slicing, len() and iteration work as on the list of every row, so the page reads one
    page of rows while the .xlsx, which iterates, still gets every row."""

    def __init__(self, count: int, fetch: Callable[[int, int], list[dict[str, Any]]]):
        self.count = count
        self._fetch = fetch
        self._all: list[dict[str, Any]] | None = None

    def _every(self) -> list[dict[str, Any]]:
        if self._all is None:
            self._all = self._fetch(0, self.count) if self.count else []
        return self._all

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self._every())

    def __bool__(self) -> bool:
        return self.count > 0

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __getitem__(self, index):
        if self._all is not None:
            return self._all[index]
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            if step != 1:
                return self._every()[index]
            return self._fetch(start, stop - start) if stop > start else []
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError("ledger row out of range")
        return self._fetch(index, 1)[0]


class _TableRows:
    """The ledger's table rows as (value, kind) cells, computed for the slice a page asks for."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def __len__(self) -> int:
        return len(self.ledger.rows)

    def __iter__(self):
        return iter(self.ledger._cells(self.ledger.rows))

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.ledger._cells(self.ledger.rows[index])
        return self.ledger._cells([self.ledger.rows[index]])[0]


def _common_prefix(paths: list[str]) -> str:
    """The longest string every path starts with (character by character: paths are hexadecimal, no separator)."""
    low, high = min(paths), max(paths)
    size = 0
    while size < min(len(low), len(high)) and low[size] == high[size]:
        size += 1
    return low[:size]


def _by_prefix(queryset: QuerySet, prefix: str, width: int, aggregates: dict) -> QuerySet:
    return (queryset.filter(path__under=prefix).annotate(ledger_subtree=Substr("path", 1, width))
            .values("ledger_subtree").annotate(**aggregates).order_by())


def per_subtree(queryset: QuerySet, paths: Iterable[str], **aggregates) -> dict[str, dict]:
    """`aggregates` of `queryset` over each subtree in `paths`, as {path: {name: value}} (paths without rows
    are left out). Paths are fixed-width segments, so a row lies under the path of the same width that its own
    path starts with: the paths of one width are read in one query, a range scan over their common prefix
    grouped by the row's path cut to that width (one grouped query, not one query per path)."""
    by_width: dict[int, list[str]] = {}
    for path in paths:
        by_width.setdefault(len(path), []).append(path)
    figures: dict[str, dict] = {}
    for width, group in by_width.items():
        rows = _by_prefix(queryset, _common_prefix(group), width, aggregates).filter(ledger_subtree__in=group)
        figures.update((row.pop("ledger_subtree"), row) for row in rows)
    return figures


def per_child(queryset: QuerySet, path: str, **aggregates) -> dict[str, dict]:
    """`aggregates` of `queryset` under the node at `path`, per child: {child's path: {name: value}}, and the
    node's own rows under its own `path`; one query grouped by the rows' paths cut to the children's width."""
    from gonghui.orgs.models import SEGMENT_WIDTH

    return {row.pop("ledger_subtree"): row
            for row in _by_prefix(queryset, path, len(path) + SEGMENT_WIDTH, aggregates)}


@dataclass(frozen=True)
class ChildTotal:
    """One row of a federation's drill-down: what lies under one child node."""

    node: Any
    persons: int
    times: int       # records (人次)
    amount: Decimal


def child_totals(children: Sequence[Any], records: Iterable[Any], *, path: Callable[[Any], str],
                 member: Callable[[Any], Any], amount: Callable[[Any], Any],
                 times: Callable[[Any], int] = lambda record: 1) -> list[ChildTotal]:
    """Per child node (in the given order): distinct persons, 人次 and amount of the records under it, in one
    pass: a record lies under the child whose path is its own path cut to the children's length (paths are
    fixed-width segments, so that is one dictionary look-up per record, whatever the number of children)."""
    if not children:
        return []
    width = len(children[0].path)
    sums: dict[str, list] = {child.path: [set(), 0, Decimal("0")] for child in children}
    for record in records:
        entry = sums.get(path(record)[:width])
        if entry is not None:
            entry[0].add(member(record))
            entry[1] += times(record)
            entry[2] += amount(record) or Decimal("0")
    return [ChildTotal(node=child, persons=len(sums[child.path][0]), times=sums[child.path][1],
                       amount=sums[child.path][2]) for child in children]


def ledger_period(params, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The period from request parameters: `year` (the whole year), or `from` and `to` (ISO dates); by
    default this year. Raises ValidationError naming the field."""
    today = today or timezone.localdate()
    start_text, end_text = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if start_text or end_text:
        try:
            start = datetime.date.fromisoformat(start_text) if start_text else today.replace(month=1, day=1)
        except ValueError:
            message = _("“%(value)s” is not a date like 2025-01-31.") % {"value": start_text}
            raise ValidationError({"from": message}) from None
        try:
            end = datetime.date.fromisoformat(end_text) if end_text else today
        except ValueError:
            message = _("“%(value)s” is not a date like 2025-12-31.") % {"value": end_text}
            raise ValidationError({"to": message}) from None
        if end < start:
            raise ValidationError({"to": _("The end of the period is before its start.")})
        for field_name, day in (("from", start), ("to", end)):
            if not 1990 <= day.year <= 2100:
                raise ValidationError({field_name: _("“%(value)s” is not a year.") % {"value": day.year}})
        return start, end
    year_text = (params.get("year") or "").strip()
    if year_text:
        if not (year_text.isascii() and year_text.isdigit()) or not 1990 <= int(year_text) <= 2100:
            raise ValidationError({"year": _("“%(value)s” is not a year.") % {"value": year_text}})
        year = int(year_text)
    else:
        year = today.year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: the characters it refuses (/ \\ : [ ] ? *) in their full-width forms,
    no control characters, no apostrophe at either end, at most 31 characters, never empty."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(title or "")).translate(_SHEET_TITLE_CHARACTERS).strip().strip("'")
    return text[:31].strip() or _("Ledger")


def _cell_value(column: LedgerColumn, value: Any) -> Any:
    if value is None:
        return ""
    if column.kind == "money":
        return float(value)
    return _clean(value)


def _clean(value: Any) -> Any:
    """Text without the control characters a workbook cannot hold (openpyxl raises IllegalCharacterError)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _as_text(sheet: Worksheet) -> None:
    """Every string cell is text: a title, header, row or note starting with "=" is user text (a scheme's name,
    a criterion's label, a record's note), never a formula (formula injection: =HYPERLINK(…), DDE). A ledger
    writes no formulas of its own."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def ledger_xlsx(ledger: Ledger) -> bytes:
    """The ledger as a formatted, printable workbook."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(ledger.title)
    width = len(ledger.columns)
    last = get_column_letter(width)
    sheet.append([_clean(ledger.title)])
    sheet.append([_clean(ledger.subtitle)])
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    sheet["A2"].font = Font(size=10, color="555555")
    sheet.append([_clean(column.label) for column in ledger.columns])
    for index, column in enumerate(ledger.columns, start=1):
        cell = sheet.cell(row=3, column=index)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in ledger.rows:
        sheet.append([_cell_value(column, row.get(column.key)) for column in ledger.columns])
        for index, column in enumerate(ledger.columns, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            cell.border = _BORDER
            if column.kind in FORMATS and column.kind != "text":
                cell.number_format = FORMATS[column.kind]
            if column.kind == "text":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if any(column.total for column in ledger.columns):
        cells = [_cell_value(column, ledger.totals.get(column.key)) if column.total else "" for column in
                 ledger.columns]
        cells[0] = _("Total")
        sheet.append(cells)
        for index, column in enumerate(ledger.columns, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            cell.font, cell.fill, cell.border = Font(bold=True), _TOTAL_FILL, _BORDER
            if column.total:
                cell.number_format = FORMATS[column.kind]
    for note in ledger.notes:
        sheet.append([_clean(note)])
    _as_text(sheet)
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = _("Page &P of &N")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
