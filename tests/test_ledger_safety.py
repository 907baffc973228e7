"""core/ledger.py writes any user text safely: sheet names Excel accepts, no formulas, no control characters."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from gonghui.core.ledger import Ledger, LedgerColumn, ledger_xlsx, sheet_title


def _ledger(title: str, label: str = "姓名", value: str = "张三", note: str = "共1人") -> Ledger:
    return Ledger(title=title, node_name="甲工会", start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31),
                  columns=[LedgerColumn("name", label), LedgerColumn("times", "人次", "int", total=True)],
                  rows=[{"name": value, "times": 1}], notes=[note])


@pytest.mark.parametrize(("title", "expected"), [
    ("考核（上/下半年）", "考核（上／下半年）"), ("考核:基层[试行]?*\\", "考核：基层［试行］？＊＼"),
    ("'台账'", "台账"), ("", "台账"), ("///", "／／／"), ("考" * 40, "考" * 31)])
def test_it_names_the_sheet_without_the_characters_excel_refuses(title, expected):
    assert sheet_title(title) == expected
    workbook = load_workbook(io.BytesIO(ledger_xlsx(_ledger(title))))
    assert workbook.active.title == expected


def test_it_writes_title_header_rows_and_notes_as_text_never_as_formulas():
    content = ledger_xlsx(_ledger('=HYPERLINK("x","y")', label="=1+2", value="=SUM(A1)", note="=cmd|' /C calc'!A0"))
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert sheet["A1"].value == '=HYPERLINK("x","y")' and sheet["A3"].value == "=1+2"


def test_it_drops_control_characters_a_workbook_cannot_hold():
    sheet = load_workbook(io.BytesIO(ledger_xlsx(_ledger("台账\x01", value="张\x0b三", note="共\x001人")))).active
    assert sheet["A1"].value == "台账" and sheet["A4"].value == "张三"
