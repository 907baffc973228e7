"""The roster export (会员花名册): a node's members, chosen columns, the member list's filters, as an .xlsx
laid out for printing.

The sheet is written with openpyxl's write-only mode, which streams rows to the file instead of holding a
cell object per value, so a roster of a whole federation stays within memory and a few seconds. Layout: a
title row (node, 会员花名册, date), a line saying how many people and which filters, then a bold header
with fill and borders; the header is frozen on screen and repeated on every printed page, A4 landscape,
fitted to the page width, gridlines printed, page numbers in the footer.

身份证号 and 手机号 are masked unless the user holds `members.reveal` where the member is (and asked for
them in clear); every export is logged with the node, the row count, the columns and whether those two
columns were in clear.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from gonghui.accounts import policy
from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import Gender, OrgNode

from ..models import Education, EmploymentType, Member, NewFormGroup, PoliticalStatus, Status


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    width: float
    value: Callable[[Member], Any]
    sensitive: bool = False
    choices: type | None = None  # a TextChoices class: the stored value is shown by its label


def _text(attribute: str) -> Callable[[Member], Any]:
    return lambda member: getattr(member, attribute)


COLUMNS: list[Column] = [
    Column("card_no", pgettext_lazy("roster column", "Member card no."), 14, _text("card_no")),
    Column("name", pgettext_lazy("roster column", "Name"), 10, _text("name")),
    Column("gender", pgettext_lazy("roster column", "Gender"), 6, _text("gender"), choices=Gender),
    Column("ethnicity", pgettext_lazy("roster column", "Ethnicity"), 8, _text("ethnicity")),
    Column("birth_date", pgettext_lazy("roster column", "Birth date"), 12, _text("birth_date")),
    Column("citizen_id", pgettext_lazy("roster column", "Citizen ID number"), 21, lambda m: m.citizen_id_clear,
           sensitive=True),
    Column("mobile", pgettext_lazy("roster column", "Mobile"), 14, lambda m: m.mobile_clear, sensitive=True),
    Column("education", pgettext_lazy("roster column", "Education"), 14, _text("education"), choices=Education),
    Column("political_status", pgettext_lazy("roster column", "Political status"), 14, _text("political_status"),
           choices=PoliticalStatus),
    Column("employment_type", pgettext_lazy("roster column", "Employment type"), 12, _text("employment_type"),
           choices=EmploymentType),
    Column("new_form_group", pgettext_lazy("roster column", "New form of employment"), 14, _text("new_form_group"),
           choices=NewFormGroup),
    Column("is_front_line", pgettext_lazy("roster column", "Front-line worker"), 9, _text("is_front_line")),
    Column("post", pgettext_lazy("roster column", "Post"), 12, _text("post")),
    Column("unit", pgettext_lazy("roster column", "Unit"), 24, lambda m: m.unit.name if m.unit_id else ""),
    Column("union", pgettext_lazy("roster column", "Union"), 24, lambda m: m.union.name),
    Column("group", pgettext_lazy("roster column", "Union group"), 18, lambda m: m.group.name if m.group_id else ""),
    Column("join_date", pgettext_lazy("roster column", "Joined on"), 12, _text("join_date")),
    Column("status", pgettext_lazy("roster column", "Membership status"), 10, _text("status"), choices=Status),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
SENSITIVE_KEYS = frozenset(column.key for column in COLUMNS if column.sensitive)

FIRST_DATA_ROW = 4  # title, summary, header
_THIN = Side(style="thin", color="808080")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class ExportResult:
    file: IO[bytes]
    rows: int
    filename: str
    unmasked: bool


def ordered_columns(keys: Iterable[str]) -> list[Column]:
    """The chosen columns in the roster's own order; unknown keys are ignored."""
    chosen = set(keys)
    return [column for column in COLUMNS if column.key in chosen]


def _cleaner(column: Column, reveal: Callable[[Member], bool]) -> Callable[[Member], Any]:
    """A function giving the cell value of `column` for one member, with the choice labels looked up once."""
    if column.choices is not None:
        labels = {value: str(label) for value, label in column.choices.choices}
        labels[""] = ""
        raw = column.value
        return lambda member: labels.get(raw(member), raw(member))
    if column.key == "is_front_line":
        yes = _("yes")
        return lambda member: yes if member.is_front_line else ""
    if column.key == "citizen_id":
        return lambda member: member.citizen_id_clear if reveal(member) else member.citizen_id_masked
    if column.key == "mobile":
        return lambda member: member.mobile_clear if reveal(member) else member.mobile_masked
    return column.value


def _text_cell(sheet, value: str) -> Any:
    """A value for a text cell. openpyxl treats text starting with "=" as a formula: such a value (a name or
    a post someone typed that way) is written as text, so a roster can never carry a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _styled(sheet, value: Any, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, style_value in style.items():
        setattr(cell, name, style_value)
    return cell


def write_roster(
    target: IO[bytes],
    members: Iterable[Member],
    *,
    columns: Sequence[Column],
    title: str,
    summary: str,
    reveal: Callable[[Member], bool] = lambda member: False,
) -> int:
    """Write the roster workbook into `target`; return the number of member rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Roster"))
    width = max(len(columns), 1)
    last_letter = get_column_letter(width)

    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{FIRST_DATA_ROW - 1}:{FIRST_DATA_ROW - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = _("Page &P of &N")
    if width > 1:
        sheet.merged_cells.add(CellRange(f"A1:{last_letter}1"))
        sheet.merged_cells.add(CellRange(f"A2:{last_letter}2"))
    sheet.row_dimensions[1].height = 28

    sheet.append([_styled(sheet, title, font=Font(bold=True, size=16),
                          alignment=Alignment(horizontal="center", vertical="center"))])
    sheet.append([_styled(sheet, summary, font=Font(size=10, color="555555"),
                          alignment=Alignment(horizontal="left", vertical="center"))])
    sheet.append([_styled(sheet, str(column.label), font=HEADER_FONT, fill=HEADER_FILL, border=HEADER_BORDER,
                          alignment=HEADER_ALIGNMENT) for column in columns])

    getters = [_cleaner(column, reveal) for column in columns]
    rows = 0
    for member in members:
        values = []
        for getter in getters:
            value = getter(member)
            values.append(_text_cell(sheet, value) if isinstance(value, str) else value)
        sheet.append(values)
        rows += 1
    workbook.save(target)
    return rows


def export_roster(
    *,
    actor,
    node: OrgNode,
    members: QuerySet[Member],
    columns: Sequence[Column],
    unmask: bool,
    filters_text: str = "",
    today: datetime.date | None = None,
) -> ExportResult:
    """Write the roster of `members` (already limited to what `actor` may see) to a temporary file and log
    the export. Sensitive columns are in clear only where `actor` holds members.reveal, and only if asked."""
    today = today or timezone.localdate()
    unmask = bool(unmask) and policy.has_perm(actor, "members.reveal", node.path)
    allowed: dict[str, bool] = {}

    def reveal(member: Member) -> bool:
        # a member in transfer into the node may lie outside the actor's reveal scope: shown masked
        if member.path not in allowed:
            allowed[member.path] = policy.has_perm(actor, "members.reveal", member.path)
        return allowed[member.path]

    has_sensitive = any(column.sensitive for column in columns)
    title = _("%(name)s member roster (%(date)s)") % {"name": node.name, "date": date_format(today)}
    count = members.count()
    parts = [ngettext("%(count)s member", "%(count)s members", count) % {"count": count}]
    if filters_text:
        parts.append(_("Filters: %(filters)s") % {"filters": filters_text})
    if has_sensitive:
        parts.append(_("Citizen ID and mobile in clear: handle with care.") if unmask
                     else _("Citizen ID and mobile masked."))
    # handed to the response, which closes (and so deletes) it once sent
    target = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        rows = write_roster(target, members.iterator(chunk_size=2000), columns=columns, title=title,
                            summary="；".join(parts), reveal=reveal if unmask else (lambda member: False))
    except BaseException:
        target.close()
        raise
    target.seek(0)
    audit.record(
        actor=actor, action=AuditEntry.Action.EXPORT, instance=node, org_path=node.path,
        after={
            "export": "member roster",
            "rows": rows,
            "columns": [column.key for column in columns],
            "filters": filters_text,
            "sensitive_in_clear": unmask and has_sensitive,
        },
    )
    filename = _("%(name)s member roster %(date)s.xlsx") % {"name": node.name, "date": today.isoformat()}
    return ExportResult(file=target, rows=rows, filename=filename, unmasked=unmask and has_sensitive)
