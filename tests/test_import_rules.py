"""Roster import rules on files written here (openpyxl, csv in GBK and UTF-8), one messy case at a time, and
the import's behaviour: re-import updates, duplicates in the file and in the registry, all or nothing, an
interrupted import, the command line."""

from __future__ import annotations

import datetime
import io
import json
import random

import pytest
from django.core.management import call_command
from openpyxl import Workbook
from stdnum.cn import ric

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.demo import identifiers
from gonghui.members import identity, tally
from gonghui.members.imports import load, normalize, sealing, services
from gonghui.members.models import EventKind, ImportJob, ImportMode, ImportStatus, Member, MembershipEvent

from .conftest import make_citizen_id, make_member

HEADER = ["序号", "姓名", "性别", "出生日期", "身份证号", "手机号", "入会时间", "会员证号"]


def _xlsx(tmp_path, rows, *, header=HEADER, above=(), name="roster.xlsx", sheets_before=(), merge_title=False):
    workbook = Workbook()
    sheet = workbook.active
    for title, content in sheets_before:
        sheet.title = title
        for line in content:
            sheet.append(line)
        sheet = workbook.create_sheet("花名册")
    for line in above:
        sheet.append(line)
    if merge_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _row(number, name="张三", *, citizen_id=None, gender="", born=None, mobile="13800138000", joined="",
         card=""):
    return [number, name, gender, born, citizen_id or make_citizen_id(), mobile, joined, card]


def _dry(world, path):
    report, _job = services.import_file(actor=None, union=world.union_a, path=path, dry_run=True)
    return report


def _errors(report) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for error in report.errors:
        out.setdefault(error["row"], []).append(error)
    return out


# ---- cells ---------------------------------------------------------------------------------------------

def test_it_checks_the_id_check_digit_exactly_as_python_stdnum_does():
    rng = random.Random(7)
    for _ in range(2000):
        number = identifiers.citizen_id(rng, area="320506", birth_year=rng.randint(1930, 2010),
                                        female=rng.random() < 0.5)
        assert normalize._check_character(number[:17]) == ric.calc_check_digit(number)
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        assert normalize.citizen_id(wrong)[1] is not None
        assert normalize.citizen_id(number) == (number, None)


def test_it_hashes_and_encrypts_like_the_crypto_module(world):
    sealer = sealing.Sealer.from_settings()
    for value in ["110108198005045450", "13800138000", "张三"]:
        assert sealer.hash(value) == crypto.lookup_hash(value)
        assert crypto.decrypt(sealer.encrypt_all([value])[0]) == value
    assert sealer.hash("") == "" and sealer.encrypt_all([""]) == [""]


def test_it_seals_a_large_roster_in_a_helper_process_with_the_same_results(world):
    ids, mobiles = ["110108198005045450", ""], ["13800138000", ""]
    helper = sealing.Helper()
    helper.send(ids, mobiles, ciphers=True)
    sealed = helper.result()
    assert sealed["id_hash"] == [crypto.lookup_hash(ids[0]), ""]
    assert sealed["mobile_hash"] == [crypto.lookup_hash(mobiles[0]), ""]
    assert [crypto.decrypt(token) for token in sealed["id_cipher"]] == ids
    assert [crypto.decrypt(token) for token in sealed["mobile_cipher"]] == mobiles


def test_it_imports_through_the_helper_process_as_it_does_without_it(world, tmp_path, monkeypatch):
    monkeypatch.setattr(sealing, "HELPER_ROWS", 2)
    number = make_citizen_id()
    services.import_file(actor=None, union=world.union_a,
                         path=_xlsx(tmp_path, [_row(1, "甲", citizen_id=number, mobile="13700001111"), _row(2)]))
    member = Member.objects.get(citizen_id_hash=crypto.lookup_hash(number))
    assert (member.citizen_id_clear, member.mobile_clear) == (number, "13700001111")
    assert member.mobile_hash == crypto.lookup_hash("13700001111")


def test_it_gives_names_the_same_search_keys_as_the_registry():
    for name in ["张三", "曾国藩", "单田芳", "司马东", "上官云菲", "阿牛木呷", "万梅", "覃锋", "区"]:
        assert normalize.person_name(name)[0][1:] == identity.name_search_keys(name), name
    assert normalize.person_name("艾则孜·努尔")[0][0] == "艾则孜·努尔"
    assert normalize.person_name("彭\u3000鸣")[0][0] == "彭鸣"
    assert normalize.person_name("  ")[1].message


@pytest.mark.parametrize("cell, expected, month_only", [
    (datetime.date(2019, 3, 1), datetime.date(2019, 3, 1), False),
    (datetime.datetime(2019, 3, 1, 8, 30), datetime.date(2019, 3, 1), False),
    (43525.0, datetime.date(2019, 3, 1), False),
    (43525, datetime.date(2019, 3, 1), False),
    ("2019.03", datetime.date(2019, 3, 1), True),
    ("2019-3-1", datetime.date(2019, 3, 1), False),
    ("2019/03/01", datetime.date(2019, 3, 1), False),
    ("2019/3/1", datetime.date(2019, 3, 1), False),
    ("2019年3月", datetime.date(2019, 3, 1), True),
    ("2019年3月1日", datetime.date(2019, 3, 1), False),
    ("20190301", datetime.date(2019, 3, 1), False),
    ("2019-03-01", datetime.date(2019, 3, 1), False),
    ("2019.3.1", datetime.date(2019, 3, 1), False),
    ("2019.03.01", datetime.date(2019, 3, 1), False),
    ("2019-03", datetime.date(2019, 3, 1), True),
    ("２０１９年３月", datetime.date(2019, 3, 1), True),
    ("２０１９－０３－０１", datetime.date(2019, 3, 1), False),
    (" 2019-03-01 00:00:00 ", datetime.date(2019, 3, 1), False),
    (2019.03, datetime.date(2019, 3, 1), True),
    (20190301.0, datetime.date(2019, 3, 1), False),
])
def test_it_reads_every_way_a_date_is_written(cell, expected, month_only):
    assert normalize.DateColumn()(cell) == (expected, month_only, None)


@pytest.mark.parametrize("cell", ["2021-02-29", "2019.13", "2019年13月", "2019-02-30", "未知", 2019.1, "20191301", "-"])
def test_it_refuses_impossible_or_unclear_dates(cell):
    # a number 2019.1 may have been typed 2019.10 (Excel drops the zero); the text 2019.1 is January
    value, _month_only, problem = normalize.DateColumn()(cell)
    assert value is None and problem is not None and problem.level == normalize.ERROR


def test_it_rejects_ids_that_excel_turned_into_numbers_and_never_guesses():
    number = "320506199303026277"
    for cell in (3.20506199303026e17, 320506199303026000.0, "3.20506E+17", "3.20506199303026e+17"):
        value, problem = normalize.citizen_id(cell)
        assert value == "" and problem is not None
    # the same digits as text are a valid ID when the check digit fits
    assert normalize.citizen_id("110108198401166000") == ("110108198401166000", None)
    assert normalize.citizen_id(number)[0] == number


@pytest.mark.parametrize("cell", ["３１０１０４１９８４０７２７５４２９", "  310104198407275429 ",
                                  "310104198407275429\u00a0", "\u3000310104198407275429\u3000",
                                  "\t310104198407275429", "310104 19840727 5429"])
def test_it_accepts_ids_with_full_width_digits_and_stray_spaces(cell):
    assert normalize.citizen_id(cell) == ("310104198407275429", None)


def test_it_upper_cases_a_lower_case_x():
    assert normalize.citizen_id("31010419690111826x") == ("31010419690111826X", None)


@pytest.mark.parametrize("cell, expected", [("13859925634", "13859925634"), (13859925634.0, "13859925634"),
                                            ("１７３８７４２１４１０", "17387421410"),
                                            ("13859925634   ", "13859925634"), ("", "")])
def test_it_reads_mobile_numbers_from_text_number_cells_and_full_width(cell, expected):
    assert normalize.mobile(cell) == (expected, None)


# ---- files ---------------------------------------------------------------------------------------------

def test_it_finds_the_header_under_a_merged_title_and_skips_every_non_member_row(world, tmp_path):
    header = ["序 号", "*姓　名", "性 别", "出生日期", "*公民身份号码", "联系电话", "入会日期", "会员证编号"]
    rows = [
        _row(1, "王芳"),
        [None] * 8,
        ["小计：1人"] + [None] * 7,
        header,
        _row(2, "李四"),
        ["", " ", "", "", "", "", "", ""],
        ["合计：2人", None, None, None, None, None, None, None],
        ["制表人：顾月华　　审核人：钱建东"] + [None] * 7,
        ["说明：本表由各小组填写"] + [None] * 7,
        [None, " "] + [None] * 6,
    ]
    path = _xlsx(tmp_path, rows, header=header, merge_title=True,
                 above=[["某某工会会员花名册"], [], ["填报单位：某某工会　　填报日期：2024年1月10日"]])
    report = _dry(world, path)
    assert report.header_row == 4
    assert (report.rows, report.created, report.rejected) == (2, 2, 0), report.errors


def test_it_takes_the_first_sheet_whose_header_has_a_name_and_an_id(world, tmp_path):
    path = _xlsx(tmp_path, [_row(1)], sheets_before=[("填表说明", [["1. 请填写姓名、身份证号"], ["姓名", "性别"]])])
    report = _dry(world, path)
    assert report.sheet == "花名册" and report.created == 1


def test_it_reports_a_file_without_a_roster_in_chinese(world, tmp_path):
    workbook = Workbook()
    workbook.active.append(["年级组", "人数"])
    path = tmp_path / "统计.xlsx"
    workbook.save(path)
    with pytest.raises(services.RosterError) as error:
        _dry(world, path)
    assert "姓名" in str(error.value)


def test_it_rejects_each_bad_row_with_its_row_number_column_and_value(world, tmp_path):
    good = make_citizen_id(female=True)
    rows = [
        _row(1, "甲", citizen_id=good, gender="女"),                                        # row 2: fine
        _row(2, "乙", citizen_id=3.20506199303026e17),                                      # row 3
        _row(3, "  ", citizen_id=make_citizen_id()),                                        # row 4
        _row(4, "丙", citizen_id=good.lower()),                                             # row 5: dup of 2
        _row(5, "丁", citizen_id=make_citizen_id(), joined="2021-02-29"),                   # row 6
        _row(6, "戊", citizen_id=make_citizen_id(female=True), gender="男"),                 # row 7
        _row(7, "己", citizen_id=make_citizen_id(birth_year=1990), born=datetime.date(1991, 1, 1)),  # row 8
        _row(8, "庚", citizen_id=make_citizen_id(), mobile="0532-83155942"),               # row 9
        _row(9, "辛", citizen_id=make_citizen_id(), card="X-1"),                            # row 10
        _row(10, "壬", citizen_id=make_citizen_id(), card="x-1"),                           # row 11: same card
        _row(11, "癸", citizen_id=make_citizen_id(), joined=(datetime.date.today() + datetime.timedelta(days=40))),
    ]
    report = _dry(world, _xlsx(tmp_path, rows))
    errors = _errors(report)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 11, 12}
    assert errors[3][0]["column"] == "身份证号" and errors[3][0]["value"] == "3.20506E+17"
    assert errors[4][0]["column"] == "姓名"
    assert "2" in errors[5][0]["message"]  # names the first row
    assert errors[6][0]["column"] == "入会时间" and errors[6][0]["value"] == "2021-02-29"
    assert errors[7][0]["column"] == "性别"
    assert errors[8][0]["column"] == "出生日期"
    assert errors[9][0]["column"] == "手机号"
    assert errors[11][0]["column"] == "会员证号" and "10" in errors[11][0]["message"]
    assert (report.rows, report.created, report.rejected) == (11, 2, 9)


def test_it_accepts_a_birth_year_and_month_that_match_the_id(world, tmp_path):
    number = make_citizen_id(birth_year=1990)
    month = f"{number[6:10]}.{number[10:12]}"
    report = _dry(world, _xlsx(tmp_path, [_row(1, citizen_id=number, born=month)]))
    assert report.created == 1 and not report.errors


def test_it_warns_about_unknown_labels_and_keeps_them_out(world, tmp_path):
    header = ["姓名", "身份证号", "民族", "学历", "政治面貌", "用工性质", "新就业形态", "是否一线"]
    rows = [["张三", make_citizen_id(), "汉", "大专", "团员", "派遣工", "外卖骑手", "√"],
            ["李四", make_citizen_id(), "火星族", "留学", "无党人", "兼职", "主播兼职", "也许"],
            ["王五", make_citizen_id(), "回族", "本科", "无党派人士", "在职", "", "否"]]
    services.import_file(actor=None, union=world.union_a, path=_xlsx(tmp_path, rows, header=header))
    first, second, third = Member.objects.order_by("id")
    assert (third.ethnicity, third.political_status) == ("回族", "non_party")
    assert (first.ethnicity, first.education, first.political_status, first.employment_type,
            first.new_form_group, first.is_front_line) == ("汉族", "college", "cyl_member", "dispatched",
                                                          "food_delivery", True)
    assert (second.ethnicity, second.education, second.political_status, second.employment_type,
            second.new_form_group, second.is_front_line) == ("", "", "", "other", "other", False)
    report = _dry(world, _xlsx(tmp_path, rows, header=header, name="again.xlsx"))
    assert {w["column"] for w in report.warnings} == {"民族", "学历", "政治面貌", "用工性质", "新就业形态", "是否一线"}


def _csv(tmp_path, lines, encoding, name="roster.csv", bom=False):
    text = "\r\n".join(",".join(line) for line in lines) + "\r\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding, bom", [("gbk", False), ("utf-8", False), ("utf-8", True)])
def test_it_reads_csv_in_gbk_and_utf8_and_numbers_rows_by_line(world, tmp_path, encoding, bom):
    lines = [["某某物业公司工会会员名册", "", "", ""], ["姓名", "公民身份号码", "手机号码", "入会时间"],
             ["余\u3000阳", make_citizen_id(), "13800138000", "2019/3/1"],
             ["", "", "", ""], ["赵六", "1.10108E+17", "13800138001", "2019/3/1"],
             ["钱七", make_citizen_id() + "   ", "13800138002", "2020-01"], ["合计：3人", "", "", ""], ["", "", "", ""]]
    report = _dry(world, _csv(tmp_path, lines, encoding, bom=bom))
    assert report.header_row == 2
    assert [error["row"] for error in report.errors] == [5]
    assert (report.rows, report.created) == (3, 2)


def test_it_rejects_a_file_of_another_kind_with_a_message(world, tmp_path):
    path = tmp_path / "roster.docx"
    path.write_bytes(b"PK")
    with pytest.raises(Exception) as error:
        services.import_file(actor=None, union=world.union_a, path=path)
    assert ".xlsx" in " ".join(getattr(error.value, "messages", [str(error.value)]))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    with pytest.raises(services.RosterError):
        _dry(world, broken)


# ---- the registry --------------------------------------------------------------------------------------

def test_it_updates_members_of_this_union_when_the_same_roster_comes_again(world, tmp_path):
    number = make_citizen_id()
    path = _xlsx(tmp_path, [_row(1, "王五", citizen_id=number, card="UA-9")])
    services.import_file(actor=world.chair_a, union=world.union_a, path=path)
    report, _job = services.import_file(actor=world.chair_a, union=world.union_a, path=path)
    assert (report.created, report.updated, report.rejected) == (0, 1, 0)
    assert Member.objects.count() == 1
    changed = _xlsx(tmp_path, [_row(1, "王五", citizen_id=number, mobile="13911112222", joined="2015.06")],
                    name="changed.xlsx")
    services.import_file(actor=world.chair_a, union=world.union_a, path=changed)
    member = Member.objects.get()
    assert (member.mobile_clear, member.join_date, member.card_no) == ("13911112222", datetime.date(2015, 6, 1),
                                                                       "UA-9")
    assert MembershipEvent.objects.filter(member=member, kind=EventKind.IMPORTED).count() == 1


def test_it_updates_a_member_of_a_group_of_this_union(world, tmp_path):
    number = make_citizen_id()
    make_member(world.union_a, "组员", citizen_id=number, group=world.group_a)
    report, _job = services.import_file(actor=None, union=world.union_a,
                                        path=_xlsx(tmp_path, [_row(1, "组员", citizen_id=number)]))
    assert (report.updated, report.created) == (1, 0)
    assert Member.objects.get().path == world.group_a.path


def test_it_refuses_a_member_of_another_union_without_naming_it(world, tmp_path):
    number = make_citizen_id()
    make_member(world.union_b, "乙会员", citizen_id=number)
    report = _dry(world, _xlsx(tmp_path, [_row(1, "乙会员", citizen_id=number)]))
    assert report.rejected == 1
    message = report.errors[0]["message"]
    assert world.union_b.name not in message and "转" in message
    assert Member.objects.get().union == world.union_b


def test_it_refuses_a_card_number_of_another_member(world, tmp_path):
    other = make_member(world.union_b, "乙会员", card_no="SAME-1")
    report = _dry(world, _xlsx(tmp_path, [_row(1, card="same-1")]))
    assert report.rejected == 1 and report.errors[0]["column"] == "会员证号"
    assert other.card_no == "SAME-1"


def test_it_generates_card_numbers_after_the_last_generated_one(world, tmp_path):
    make_member(world.union_a, "先来")  # UA-000001 through the form's rule
    services.import_file(actor=None, union=world.union_a, path=_xlsx(tmp_path, [_row(1, "后到"), _row(2, "再来")]))
    assert sorted(Member.objects.values_list("card_no", flat=True)) == ["UA-000001", "UA-000002", "UA-000003"]


def test_it_writes_nothing_in_all_or_nothing_mode_when_a_row_is_rejected(world, tmp_path):
    path = _xlsx(tmp_path, [_row(1, "好人"), _row(2, "", citizen_id=make_citizen_id())])
    report, job = services.import_file(actor=None, union=world.union_a, path=path, mode=ImportMode.ALL_OR_NOTHING)
    assert (report.rows, report.created, report.updated, report.rejected) == (2, 0, 0, 1)
    assert Member.objects.count() == 0 and job.report["written"] is False
    good = _xlsx(tmp_path, [_row(1, "好人")], name="good.xlsx")
    report, _job = services.import_file(actor=None, union=world.union_a, path=good, mode=ImportMode.ALL_OR_NOTHING)
    assert report.created == 1 and Member.objects.count() == 1


def test_it_leaves_the_registry_as_it_was_when_an_import_is_interrupted(world, tmp_path, monkeypatch):
    existing = make_member(world.union_a, "老会员")
    path = _xlsx(tmp_path, [_row(1, "新人"), _row(2, "老会员", citizen_id=existing.citizen_id_clear,
                                                     mobile="13912345678")])
    with open(path, "rb") as handle:
        from django.core.files import File

        job = services.import_job_create(actor=world.chair_a, union=world.union_a, upload=File(handle, "r.xlsx"))
    services.import_check(job=job)
    real_columns = load._columns

    def fail_after_the_members(model, names):
        if model is MembershipEvent:
            raise OSError("disk full")
        return real_columns(model, names)

    monkeypatch.setattr(load, "_columns", fail_after_the_members)
    before = AuditEntry.objects.count()
    job = services.import_run(job=job, actor=world.chair_a)
    assert job.status == ImportStatus.FAILED and "没有写入" in job.error
    assert list(Member.objects.values_list("name", flat=True)) == ["老会员"]
    assert Member.objects.get().mobile_clear == existing.mobile_clear
    assert AuditEntry.objects.count() == before
    assert job.file  # kept for the retry
    monkeypatch.setattr(load, "_columns", real_columns)
    job = services.import_run(job=ImportJob.objects.get(pk=job.pk), actor=world.chair_a)
    assert job.status == ImportStatus.DONE and (job.created, job.updated) == (1, 1)
    assert Member.objects.count() == 2


def test_it_recounts_the_union_once_and_audits_the_job_once(world, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(tally, "refresh", lambda ids: calls.append(list(ids)))
    services.import_file(actor=world.chair_a, union=world.union_a,
                         path=_xlsx(tmp_path, [_row(1, "一"), _row(2, "二"), _row(3, "三")]))
    assert calls == [[world.union_a.pk]]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.actor == world.chair_a and entry.org_path == world.union_a.path
    assert entry.changes["created"] == [None, 3]


def test_it_refuses_to_import_into_a_federation(world, tmp_path):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.import_file(actor=None, union=world.street_a, path=_xlsx(tmp_path, [_row(1)]))


# ---- the command line ----------------------------------------------------------------------------------

def _command(*args) -> str:
    out = io.StringIO()
    call_command("import-members", *args, stdout=out)
    return out.getvalue()


def test_it_prints_exactly_the_json_the_issue_asks_for(world, tmp_path):
    path = _xlsx(tmp_path, [_row(1, "甲"), _row(2, "乙", citizen_id="3.20506E+17"), _row(3, "丙")])
    dry = json.loads(_command(str(path), "--union", "ua", "--dry-run", "--json"))
    assert dry == {"rows": 3, "created": 2, "updated": 0, "rejected": 1, "errors": [dry["errors"][0]]}
    assert set(dry["errors"][0]) == {"row", "column", "value", "message"}
    assert dry["errors"][0]["row"] == 3 and Member.objects.count() == 0
    done = json.loads(_command(str(path), "--union", "UA", "--json"))
    assert {key: done[key] for key in ("rows", "created", "updated", "rejected")} == {
        "rows": 3, "created": 2, "updated": 0, "rejected": 1}
    again = json.loads(_command(str(path), "--union", "UA", "--json", "--mode", "all-or-nothing"))
    assert (again["created"], again["updated"], again["rejected"]) == (0, 0, 1)


def test_it_prints_a_readable_chinese_summary(world, tmp_path):
    path = _xlsx(tmp_path, [_row(1, "甲"), _row(2, "", citizen_id=make_citizen_id())])
    text = _command(str(path), "--union", "UA", "--dry-run")
    assert "甲中学工会" in text and "第 3 行" in text


def test_it_names_an_unknown_union_code(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _command(str(_xlsx(tmp_path, [_row(1)])), "--union", "NOPE")
