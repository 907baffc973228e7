"""The one ledger shape (core/ledger.py): totals, pages, the .xlsx, the period and the drill-down by child."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from openpyxl import load_workbook

from gonghui.core.ledger import Ledger, LedgerColumn, child_totals, ledger_period, ledger_xlsx

COLUMNS = [LedgerColumn("on", "日期", "date"), LedgerColumn("name", "姓名"),
           LedgerColumn("amount", "金额", "money", total=True), LedgerColumn("times", "人次", "int", total=True)]


def _ledger(count: int) -> Ledger:
    rows = [{"on": datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 300), "name": f"会员{i}",
             "amount": Decimal("10.50"), "times": 1} for i in range(count)]
    return Ledger(title="帮扶台账", node_name="甲工会", start=datetime.date(2025, 1, 1),
                  end=datetime.date(2025, 12, 31), columns=COLUMNS, rows=rows)


def test_it_totals_every_row_and_shows_one_page_of_them():
    ledger = _ledger(450)
    assert ledger.totals == {"amount": Decimal("4725.00"), "times": 450}
    page = ledger.page("3")
    assert len(page.object_list) == 50 and page.paginator.num_pages == 3
    request = RequestFactory().get("/ledger/", {"page": "3", "year": "2025"})
    html = render_to_string("core/_ledger_table.html", {"ledger": ledger, "ledger_page": page}, request=request)
    assert html.count("<tr>") == 1 + 50  # the header row and this page's rows
    assert "4,725.00" in html or "4725.00" in html
    assert "page=2" in html and "year=2025" in html


def test_it_writes_the_same_rows_and_totals_to_the_workbook_with_formulas_kept_as_text():
    ledger = _ledger(3)
    ledger.rows[0]["name"] = "=HYPERLINK(\"x\")"
    sheet = load_workbook(io.BytesIO(ledger_xlsx(ledger))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "帮扶台账" and rows[2] == ("日期", "姓名", "金额", "人次")
    assert rows[3][1] == "=HYPERLINK(\"x\")" and sheet.cell(row=4, column=2).data_type == "s"
    assert rows[6][2] == pytest.approx(31.5) and rows[6][3] == 3


def test_it_reads_the_period_and_names_a_bad_field():
    assert ledger_period({"year": "2024"}) == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    assert ledger_period({"from": "2025-03-01", "to": "2025-03-31"}) == (datetime.date(2025, 3, 1),
                                                                          datetime.date(2025, 3, 31))
    for params, field in (({"year": "二〇二五"}, "year"), ({"from": "2025-13-01"}, "from"),
                          ({"from": "2025-03-02", "to": "2025-03-01"}, "to")):
        with pytest.raises(ValidationError) as error:
            ledger_period(params)
        assert set(error.value.error_dict) == {field}


def test_it_sums_the_records_under_each_child_node_in_one_pass():
    children = [SimpleNamespace(path="0000000100000002", name="甲"),
                SimpleNamespace(path="0000000100000003", name="乙")]
    records = [SimpleNamespace(path="0000000100000002", member=1, amount=Decimal("5")),
               SimpleNamespace(path="000000010000000200000009", member=1, amount=Decimal("7")),
               SimpleNamespace(path="000000010000000200000009", member=2, amount=None),
               SimpleNamespace(path="0000000100000003", member=3, amount=Decimal("1")),
               SimpleNamespace(path="00000001", member=4, amount=Decimal("100"))]  # the node's own: no child
    totals = child_totals(children, records, path=lambda r: r.path, member=lambda r: r.member,
                          amount=lambda r: r.amount)
    assert [(t.node.name, t.persons, t.times, t.amount) for t in totals] == [
        ("甲", 2, 3, Decimal("12")), ("乙", 1, 1, Decimal("1"))]
