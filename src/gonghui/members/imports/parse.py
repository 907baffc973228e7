"""Reading a roster file into rows of typed cells, and finding the roster in it.

.xlsx and .xls are read with python-calamine, which keeps each cell's type: text stays `str`, a number cell
is a `float` (`int` in some .xls files), a date cell a `date` or `datetime`. That type matters: an ID in a
number cell has lost its last digits and is rejected, never guessed. CSV files are decoded as UTF-8 (with or
without a byte-order mark) or else GB18030 (a superset of GBK, what Excel on Chinese Windows writes), and
every CSV cell is text.

The roster is the first sheet whose header row has a name column and an ID column; the header may sit below
title rows and merged cells. Header cells are matched by meaning: spaces (also full-width ones) and a leading
`*` that marks a required column are ignored, and each field has its usual synonyms.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

# The fields a roster may carry, each with the header texts that mean it (after normalise_header()).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "职工姓名", "员工姓名"),
    "citizen_id": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "身份证", "居民身份证号码",
                   "身份证件号码", "证件号", "公民身份证号"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "mobile": ("手机号", "手机号码", "联系电话", "手机", "联系方式", "电话", "电话号码", "移动电话"),
    "education": ("学历", "文化程度", "最高学历"),
    "political_status": ("政治面貌",),
    "unit": ("工作单位", "单位", "单位名称", "所在单位", "用人单位"),
    "post": ("岗位", "职务", "岗位职务", "工种", "职位"),
    "employment_type": ("用工性质", "用工形式", "用工类型", "职工类型", "人员类别", "人员类型"),
    "new_form_group": ("新就业形态", "新就业形态群体", "新就业形态类型", "新就业形态劳动者类型"),
    "is_front_line": ("是否一线", "是否一线职工", "一线职工", "一线"),
    "join_date": ("入会时间", "入会日期", "入会年月"),
    "card_no": ("会员证号", "会员证编号", "会员证号码", "会员卡号", "会员编号"),
    "group": ("工会小组", "所在工会小组", "所在小组"),
    "notes": ("备注",),
}
HEADER_FIELDS = {text: name for name, texts in HEADER_SYNONYMS.items() for text in texts}
HEADER_SCAN_ROWS = 30  # the header is looked for among the first rows of each sheet

_HEADER_NOISE = re.compile(r"[\s*＊:：]|[(（](?:必填|选填|必须|可选)[)）]")


class RosterError(Exception):
    """The file as a whole cannot be read as a roster; the message says why, in the user's language."""


def normalise_header(value) -> str:
    if not isinstance(value, str):
        return ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", value))


def header_fields(cells: list) -> dict[str, int]:
    """Field → column index for a candidate header row (the first column wins when one repeats)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = HEADER_FIELDS.get(normalise_header(cell))
        if name and name not in found:
            found[name] = index
    return found


def is_roster_header(fields: dict[str, int]) -> bool:
    return "name" in fields and "citizen_id" in fields


@dataclass
class Table:
    """The roster part of a file: its header and every row below it, numbered as the spreadsheet shows them."""

    sheet: str
    header_row: int
    header: list[str]
    columns: dict[str, int]
    rows: list[list] = field(repr=False)
    first_row: int = 0  # the spreadsheet row number of rows[0]

    def label(self, name: str) -> str:
        """The column's header as written in the file (for messages)."""
        index = self.columns.get(name)
        if index is None or index >= len(self.header):
            return ""
        return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", str(self.header[index]))) or str(index + 1)


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = header_fields(cells)
        if is_roster_header(fields):
            return index, fields
    return None


def _table(sheet: str, rows: list[list]) -> Table | None:
    found = _find_header(rows)
    if found is None:
        return None
    index, fields = found
    header = ["" if cell is None else str(cell) for cell in rows[index]]
    return Table(sheet=sheet, header_row=index + 1, header=header, columns=fields, rows=rows[index + 1:],
                 first_row=index + 2)


def read_workbook(path: str | Path) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for damaged or foreign files
        raise RosterError(_("The file could not be opened as a spreadsheet (%(error)s).") % {"error": error}) from None
    for index, sheet_name in enumerate(workbook.sheet_names):
        try:
            sheet = workbook.get_sheet_by_index(index)
        except Exception:  # a chart sheet or a damaged sheet: not a roster
            continue
        head = sheet.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        if _find_header(head) is None:
            continue
        table = _table(sheet_name, sheet.to_python(skip_empty_area=False))
        if table is not None:
            return table
    raise RosterError(_(
        "No sheet of this file has a header row with a name column (姓名) and an ID column (身份证号 / 身份证号码 / "
        "公民身份号码 / 证件号码)."
    ))


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterError(_("The CSV file is neither UTF-8 nor GBK text.")) from None


def read_csv(path: str | Path) -> Table:
    text = decode_csv(Path(path).read_bytes())
    # newline="" semantics: the csv module handles CRLF and quoted line breaks itself
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list] = []  # rows[i] is line i + 1
    previous = 0
    try:
        for cells in reader:
            # a record spanning several lines (a quoted line break) is numbered by its first line
            while len(rows) < previous:
                rows.append([])
            rows.append(cells)
            previous = reader.line_num
    except csv.Error as error:
        raise RosterError(_("The CSV file could not be read at line %(line)d (%(error)s).")
                          % {"line": reader.line_num, "error": error}) from None
    table = _table("", rows)
    if table is None:
        raise RosterError(_(
            "The CSV file has no header line with a name column (姓名) and an ID column (身份证号 / 身份证号码 / "
            "公民身份号码 / 证件号码)."
        ))
    return table


SUFFIXES = {".xlsx": read_workbook, ".xlsm": read_workbook, ".xls": read_workbook, ".ods": read_workbook,
            ".csv": read_csv, ".txt": read_csv}


def read_table(path: str | Path, original_name: str = "") -> Table:
    """The roster in the file at `path`; `original_name` (as uploaded) decides the format."""
    suffix = Path(original_name or str(path)).suffix.lower()
    reader = SUFFIXES.get(suffix)
    if reader is None:
        raise RosterError(_("Upload an .xlsx, .xls or .csv file; “%(name)s” is none of these.")
                          % {"name": original_name or Path(path).name})
    return reader(path)
