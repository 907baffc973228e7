"""The roster export: chosen columns, the list's filters, scope, masking, the audit entry, print layout."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEntry
from gonghui.members.documents import export
from gonghui.members.documents.export import COLUMNS, FIRST_DATA_ROW
from gonghui.members.documents.views import XLSX

from .conftest import make_citizen_id, make_member

HEADER_ROW = FIRST_DATA_ROW - 1


@pytest.fixture
def roster(world):
    """Three members of union A (one in its group), one of the joint union, one of union B."""
    zhang_id = make_citizen_id(birth_year=1980)
    return {
        "zhang": make_member(world.union_a, "张三", citizen_id=zhang_id, mobile="13812345678",
                             join_date=datetime.date(2019, 3, 1), post="教师"),
        "zhang_id": zhang_id,
        "li": make_member(world.union_a, "李四", female=True, employment_type="migrant"),
        "wang": make_member(world.union_a, "王五", group=world.group_a, new_form_group="courier"),
        "zhao": make_member(world.joint_a, "赵六"),
        "outsider": make_member(world.union_b, "钱七"),
    }


def _download(client, node, **data):
    data.setdefault("columns", [column.key for column in COLUMNS])
    response = client.post(reverse("members:member_export", args=[node.pk]), data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _header(sheet) -> list[str]:
    return [cell.value for cell in sheet[HEADER_ROW]]


def _rows(sheet) -> list[dict[str, object]]:
    header = _header(sheet)
    return [dict(zip(header, row, strict=False))
            for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]


def test_it_writes_the_chosen_columns_in_the_rosters_order(client, world, roster):
    client.force_login(world.chair_a)
    sheet = _download(client, world.union_a, columns=["status", "name", "card_no", "join_date"]).active
    assert _header(sheet) == ["会员证号", "姓名", "入会时间", "会籍状态"]
    zhang = next(row for row in _rows(sheet) if row["姓名"] == "张三")
    assert zhang == {"会员证号": roster["zhang"].card_no, "姓名": "张三",
                     "入会时间": datetime.datetime(2019, 3, 1), "会籍状态": "会员"}
    # the join date is a real date cell, shown as a date
    date_cell = next(row for row in sheet.iter_rows(min_row=FIRST_DATA_ROW) if row[1].value == "张三")[2]
    assert date_cell.is_date and "yy" in date_cell.number_format


def test_it_offers_every_column_of_the_roster_on_the_form(client, world, roster):
    client.force_login(world.readonly_leader)
    response = client.get(reverse("members:member_export", args=[world.union_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ["会员证号", "姓名", "性别", "民族", "出生日期", "身份证号", "手机号", "学历", "政治面貌", "用工形式",
                  "新就业形态", "一线职工", "岗位", "单位", "所属工会", "工会小组", "入会时间", "会籍状态"]:
        assert label in page, label
    assert response.context["count"] == 3
    assert 'name="unmask"' not in page  # a read-only leader cannot ask for clear values


def test_it_answers_htmx_with_the_form_fragment_only(client, world, roster):
    client.force_login(world.chair_a)
    response = client.get(reverse("members:member_export", args=[world.union_a.pk]), {"status": "active"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page and 'data-testid="export-form"' in page
    assert 'name="status" value="active"' in page  # the list's filters travel with the form


def test_it_keeps_the_filters_of_the_member_list(client, world, roster):
    client.force_login(world.chair_a)
    names = lambda **filters: sorted(row["姓名"] for row in _rows(_download(client, world.union_a, **filters).active))  # noqa: E731
    assert names() == ["张三", "李四", "王五"]
    assert names(employment_type="migrant") == ["李四"]
    assert names(group=str(world.group_a.pk)) == ["王五"]
    assert names(new_form="1") == ["王五"]
    assert names(q="zs") == ["张三"]
    assert names(q=roster["zhang_id"]) == ["张三"]
    assert names(status="retained") == []


def test_it_exports_only_the_users_subtree(client, world, roster):
    client.force_login(world.street_admin)
    names = {row["姓名"] for row in _rows(_download(client, world.street_a).active)}
    assert names == {"张三", "李四", "王五", "赵六"}
    client.force_login(world.chair_a)
    names = {row["姓名"] for row in _rows(_download(client, world.union_a).active)}
    assert "钱七" not in names and "赵六" not in names


def test_it_gives_404_to_the_outsider_and_logs_nothing(client, world, roster):
    client.force_login(world.chair_b)
    before = AuditEntry.objects.count()
    url = reverse("members:member_export", args=[world.union_a.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "xlsx", "columns": ["name"]}).status_code == 404
    assert client.post(url, {"columns": ["name", "citizen_id"], "unmask": "on"}).status_code == 404
    assert AuditEntry.objects.count() == before


def test_it_ignores_a_group_filter_from_another_union(client, world, roster):
    client.force_login(world.chair_a)
    # union B's node id as a "group": not under union A, so no filter, and still nothing of union B
    names = {row["姓名"] for row in _rows(_download(client, world.union_a, group=str(world.union_b.pk)).active)}
    assert names == {"张三", "李四", "王五"}


def test_it_masks_identifiers_for_a_leader_who_may_only_look(client, world, roster):
    client.force_login(world.readonly_leader)
    # asking for clear values does not help without members.reveal
    sheet = _download(client, world.union_a, columns=["name", "citizen_id", "mobile"], unmask="on").active
    zhang = next(row for row in _rows(sheet) if row["姓名"] == "张三")
    number = roster["zhang_id"]
    assert zhang["身份证号"] == number[:6] + "********" + number[-4:]
    assert zhang["手机号"] == "138****5678"
    assert "已脱敏" in sheet["A2"].value
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert entry.changes["sensitive_in_clear"] == [None, False]


def test_it_shows_identifiers_in_clear_to_the_chair_who_asks(client, world, roster):
    client.force_login(world.chair_a)
    sheet = _download(client, world.union_a, columns=["name", "citizen_id", "mobile"], unmask="on").active
    zhang = next(row for row in _rows(sheet) if row["姓名"] == "张三")
    assert zhang["身份证号"] == roster["zhang_id"]
    assert zhang["手机号"] == "13812345678"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert entry.changes["sensitive_in_clear"] == [None, True]
    # without ticking the box the chair gets masked values too
    sheet = _download(client, world.union_a, columns=["name", "citizen_id"]).active
    zhang = next(row for row in _rows(sheet) if row["姓名"] == "张三")
    assert "*" in zhang["身份证号"]


def test_it_logs_every_export_with_node_rows_and_columns(client, world, roster):
    client.force_login(world.chair_a)
    _download(client, world.union_a, columns=["name", "card_no"], employment_type="migrant")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert entry.actor == world.chair_a
    assert entry.object_id == str(world.union_a.pk) and entry.org_path == world.union_a.path
    assert entry.changes["rows"] == [None, 1]
    assert entry.changes["columns"] == [None, "会员证号、姓名"]
    assert entry.changes["filters"] == [None, "农民工"]
    assert entry.changes["sensitive_in_clear"] == [None, False]


def test_it_lays_the_sheet_out_for_printing(client, world, roster):
    client.force_login(world.chair_a)
    book = _download(client, world.union_a)
    sheet = book.active
    assert sheet["A1"].value.startswith("甲中学工会会员花名册（")
    assert "共 3 人" in sheet["A2"].value
    assert {str(cells) for cells in sheet.merged_cells} == {"A1:R1", "A2:R2"}  # 18 columns
    header = sheet[HEADER_ROW]
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("DDE6F0") and cell.border.bottom.style == "thin"
               for cell in header)
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.column_dimensions["A"].width == 14  # 会员证号
    assert sheet.column_dimensions["F"].width == 21  # 身份证号
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0


def test_it_downloads_from_a_link_with_format_xlsx(client, world, roster):
    client.force_login(world.chair_a)
    response = client.get(reverse("members:member_export", args=[world.union_a.pk]),
                          {"format": "xlsx", "columns": ["name"], "status": "active"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(row["姓名"] for row in _rows(sheet)) == ["张三", "李四", "王五"]
    assert ".xlsx" in response["Content-Disposition"]


def test_it_asks_again_when_no_column_is_chosen(client, world, roster):
    client.force_login(world.chair_a)
    response = client.post(reverse("members:member_export", args=[world.union_a.pk]), {"columns": []})
    assert response.status_code == 200
    assert "请至少选择一列" in response.content.decode()
    response = client.post(reverse("members:member_export", args=[world.union_a.pk]), {"columns": ["nonsense"]})
    assert response.status_code == 200 and response.context["form"].errors
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_it_writes_text_that_looks_like_a_formula_as_text(client, world):
    make_member(world.union_a, "张三", post='=HYPERLINK("http://evil.example","点我")')
    client.force_login(world.chair_a)
    sheet = _download(client, world.union_a, columns=["name", "post"]).active
    cell = sheet.cell(row=FIRST_DATA_ROW, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_it_escapes_markup_and_keeps_empty_cells_empty(client, world):
    make_member(world.union_a, "张三", post="班组长 <一线> & 质检")
    client.force_login(world.chair_a)
    sheet = _download(client, world.union_a, columns=["name", "post", "unit", "group"]).active
    assert [cell.value for cell in sheet[FIRST_DATA_ROW]] == ["张三", "班组长 <一线> & 质检", None, None]


def test_it_refuses_a_roster_longer_than_an_excel_sheet(client, world, roster, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    client.force_login(world.chair_a)
    response = client.post(reverse("members:member_export", args=[world.union_a.pk]), {"columns": ["name"]})
    assert response.status_code == 200
    assert "不能放在一张 Excel 工作表中" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
