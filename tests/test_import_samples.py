"""The six sample rosters of ../shared/samples/rosters (copied to tests/fixtures/rosters): exactly the valid rows
are imported, every rejected row is reported by its spreadsheet row number, and nothing a careless importer
would make of a rejected value is ever stored (checked by its keyed hash).

The README's "either way" rows are rejected here, consistently (the registry's own rules: a gender or birth
date that contradicts the ID, a mobile that is not a mobile, an unreadable 入会时间, a 15-digit ID and a card
number used twice are refused by the member form too); an ID typed with spaces between its groups is the same
number and is accepted.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.members.imports import services
from gonghui.members.models import EventKind, ImportJob, ImportStatus, Member, MembershipEvent

FIXTURES = Path(__file__).parent / "fixtures" / "rosters"


def _rows(*spans) -> set[int]:
    out: set[int] = set()
    for span in spans:
        if isinstance(span, int):
            out.add(span)
        else:
            out |= set(range(span[0], span[1] + 1))
    return out


SAMPLES = {
    "01_标题行_序号_小计_页脚.xlsx": {
        "valid": _rows((5, 8), (10, 13), 15, (17, 19), (21, 22), (25, 28)),
        "reject": {9, 16, 20}, "either": {23},
        "ids": {7: "310104198407275429", 11: "31010419690111826X", 18: "310104198611295101",
                21: "110108198005045450"},
        "never": ["3.20506199303026e+17", "3.20506E+17", "320506199303025984", "320506199303026000",
                  "320506199303026277", "110108197911218865", "110108197911218862", "320106197207296997"],
    },
    "02_全角_空格_日期格式_LibreOffice另存.xlsx": {
        "valid": _rows((3, 18), 21, 23, (25, 28)),
        "reject": {19, 20, 24}, "either": {22},
        "ids": {3: "310110198101137290", 4: "310110197310268735", 5: "310110196906255164", 6: "320106199908075467",
                7: "32010619830401540X", 8: "320106199106268777", 9: "110108197604016630",
                10: "320104200008086825", 11: "310110198205235813", 12: "310110198101287686",
                13: "320105199806057106", 14: "320106198606026614", 15: "320111198901216438",
                16: "310110198603276928", 17: "32011119870723785X", 18: "320105198808235637",
                23: "320104199607186478"},
        "never": ["320106199103086919", "320106199113086912", "320105197205135616"],
    },
    "03_Excel另存CSV_GBK.csv": {
        "valid": _rows(3, (5, 7), (9, 12), (15, 17), (19, 20), (22, 23)),
        "reject": {4, 13}, "either": {8, 18, 21},
        "ids": {6: "110108197704098346", 9: "110108198401166000", 11: "11010819801027862X",
                16: "110108200005238332"},
        "never": ["1.10108196811078e+17", "1.10108E+17", "110108196811078000", "110108196811078469",
                  "510106197108156097", "51010619710816097"],
    },
    "04_系统导出CSV_UTF8_BOM.csv": {
        "valid": _rows((2, 5), (7, 8), (10, 11), (13, 14), (16, 17)),
        "reject": {6, 12, 15, 18}, "either": {9},
        "ids": {2: "310104198203015051", 3: "420106198306118211", 4: "42010219861016708X", 5: "42011119941129831X",
                7: "110108197708158334", 8: "420102198905096194", 10: "420102198311208478",
                11: "110108199705206926", 13: "420111199005258523", 14: "110108198604267194",
                16: "11010819780325632X", 17: "310104198904287500"},
        "never": ["420111199111047797", "420111199612297284", "420111199612297285", "310104198111237669",
                  "310104198l11237669"],
    },
    "05_LibreOffice转换.xls": {
        "valid": _rows((4, 6), (8, 10), (12, 15), (17, 19), 21, (23, 24), (26, 27), (29, 30)),
        "reject": {7, 11, 20}, "either": {25, 28},
        "ids": {5: "370202199612277931", 9: "370202198610155186", 13: "370203199010048695",
                18: "37010219900225899X"},
        "never": ["310104199008298097", "310104199008298096", "37020319910214764X", "37020319910230764X",
                  "3.70102196407235e+17", "3.70102E+17", "370102196407235000", "370102196407235008",
                  "370102196407235469"],
    },
    "06_WPS风格表头_少数民族姓名.xlsx": {
        "valid": _rows((4, 5), (7, 13), (15, 16), (18, 23)),
        "reject": set(), "either": {6, 14, 17},
        "either_accepted": {17},  # the same number typed with spaces between its groups
        "ids": {5: "430104199806066490", 7: "440104198701077422", 9: "652801197202018992",
                11: "652801200110157148", 15: "652801197301257737", 18: "36010219950302775X",
                19: "440111198801078477", 20: "510107199609076613", 21: "110108196010057916",
                22: "440111198807216439", 23: "360102199211287939"},
        "never": ["450103691109680"],
    },
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_it_reports_exactly_the_bad_rows_of_each_sample_in_a_dry_run(world, name):
    expected = SAMPLES[name]
    report, job = services.import_file(actor=None, union=world.union_a, path=FIXTURES / name, dry_run=True)
    accepted_either = expected.get("either_accepted", set())
    rejected = expected["reject"] | (expected["either"] - accepted_either)
    assert job is None and Member.objects.count() == 0
    assert {error["row"] for error in report.errors} == rejected
    assert report.rows == len(expected["valid"]) + len(expected["reject"]) + len(expected["either"])
    assert report.rejected == len(rejected)
    assert report.created == len(expected["valid"]) + len(accepted_either)
    for error in report.errors:
        assert error["column"] and error["message"]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_it_imports_exactly_the_valid_rows_and_never_stores_a_rejected_value(world, name):
    expected = SAMPLES[name]
    report, job = services.import_file(actor=world.chair_a, union=world.union_a, path=FIXTURES / name)
    accepted = len(expected["valid"]) + len(expected.get("either_accepted", set()))
    assert job.status == ImportStatus.DONE
    assert (report.created, report.updated) == (accepted, 0)
    assert Member.objects.filter(union=world.union_a).count() == accepted
    stored = set(Member.objects.values_list("citizen_id_hash", flat=True))
    for row, number in expected["ids"].items():
        assert crypto.lookup_hash(number) in stored, (name, row, number)
    for value in expected["never"]:
        assert crypto.lookup_hash(value) not in stored, (name, value)
        assert crypto.lookup_hash(value.upper()) not in stored, (name, value)
    # every created member has its history entry, and the job one audit entry with the counts
    assert MembershipEvent.objects.filter(kind=EventKind.IMPORTED).count() == accepted
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
    assert entries.count() == 1
    assert entries.get().changes["created"] == [None, accepted]


def test_it_normalises_the_messy_values_of_the_samples(world):
    services.import_file(actor=None, union=world.union_a, path=FIXTURES / "02_全角_空格_日期格式_LibreOffice另存.xlsx")
    joined = {member.citizen_id_clear: member for member in Member.objects.all()}
    assert joined["310110198101137290"].join_date == datetime.date(2021, 2, 1)  # 2021.02: that month
    assert joined["320106199908075467"].join_date == datetime.date(2019, 2, 1)  # 2019年2月
    assert joined["320104200008086825"].join_date == datetime.date(2020, 12, 1)  # serial 44166
    assert joined["310110198603276928"].join_date == datetime.date(2014, 4, 1)  # full-width ２０１４年４月
    assert joined["110108197604016630"].join_date == datetime.date(1995, 8, 6)  # 19950806
    assert joined["310110198101287686"].name == "万梅"
    assert joined["320105198808235637"].mobile_clear == "17387421410"  # full-width digits
    assert joined["32010619830401540X"].gender == "F"
    services.import_file(actor=None, union=world.union_a, path=FIXTURES / "06_WPS风格表头_少数民族姓名.xlsx")
    uyghur = Member.objects.get(name="艾则孜·努尔")
    assert uyghur.ethnicity == "维吾尔族" and uyghur.employment_type == "migrant"
    assert Member.objects.get(name="司马东").name_initials == "smd"
    generated = Member.objects.get(citizen_id_hash=crypto.lookup_hash("440111198807216439"))
    assert generated.card_no == "UA-000001"  # 会员证号 empty: generated by the rule
    retired = Member.objects.get(citizen_id_hash=crypto.lookup_hash("110108196010057916"))
    assert retired.employment_type == "retired" and retired.birth_date == datetime.date(1960, 10, 5)


def test_it_finds_the_roster_on_the_second_sheet_and_reads_the_libreoffice_xls(world):
    report, _job = services.import_file(actor=None, union=world.union_a,
                                        path=FIXTURES / "02_全角_空格_日期格式_LibreOffice另存.xlsx", dry_run=True)
    assert (report.sheet, report.header_row) == ("会员名单", 2)
    report, _job = services.import_file(actor=None, union=world.union_a, path=FIXTURES / "05_LibreOffice转换.xls",
                                        dry_run=True)
    assert (report.sheet, report.header_row) == ("花名册", 3)
    numbered = {error["row"]: error for error in report.errors}
    assert numbered[20]["value"] == "3.70102E+17" and "15" in numbered[20]["message"]
    assert "12" in numbered[28]["message"]  # the card number's first use is named


def test_it_keeps_the_job_report_encrypted(world):
    _report, job = services.import_file(actor=None, union=world.union_a, path=FIXTURES / "03_Excel另存CSV_GBK.csv")
    job = ImportJob.objects.get(pk=job.pk)
    assert "510106197108156097" not in str(job.report)
    assert any(error["value"] == "51010619710816097" for error in services.report_details(job)["errors"])
    assert not job.file  # the upload is removed once imported
