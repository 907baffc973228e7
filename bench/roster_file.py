"""The benchmark roster: a generated 工会会员花名册 .xlsx as a union office would send it.

15 columns (序号 … 会员证号), a title row above the header, real Excel dates, IDs as text, and 1% bad rows
of the kinds real rosters carry (an ID that Excel turned into a number, a wrong check digit, an empty name,
the same person twice, an impossible 入会时间). Deterministic (a seed); written once and reused while it
exists. The file is written the way Excel saves one (a shared-strings table, dates as serial numbers with a
date style, the title merged across the columns) by a small writer below: openpyxl's write-only mode would
write inline strings, an 8× larger sheet that no office program produces and that is slower to read.

    .venv/bin/python bench/roster_file.py [--rows 100000] [--out var/bench/roster_100000.xlsx]
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gonghui.demo.identifiers import citizen_id  # noqa: E402
from gonghui.demo.names import person_name  # noqa: E402

HEADER = ["序号", "姓名", "性别", "民族", "出生日期", "身份证号", "手机号", "学历", "政治面貌", "工作单位",
          "岗位", "用工性质", "是否一线", "入会时间", "会员证号"]
AREAS = ["110108", "310104", "320106", "320506", "420102", "440104", "510107", "370202"]
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族", "壮族", "土家族"]
EDUCATIONS = ["大学本科", "大学专科", "硕士研究生", "高中", "中专", "初中"]
POLITICS = ["群众", "群众", "中共党员", "共青团员", "中共预备党员", "民盟盟员"]
POSTS = ["操作工", "技术员", "班组长", "质检员", "仓管员", "司机", "文员", "电工"]
EMPLOYMENT = ["在职"] * 6 + ["劳务派遣", "农民工", "灵活就业"]
BAD_KINDS = ("number_id", "check_digit", "empty_name", "duplicate", "bad_join_date")


def default_path(rows: int) -> Path:
    return ROOT / "var" / "bench" / f"roster_{rows}.xlsx"


def generate(rows: int, path: Path, *, seed: int = 20240101, bad_share: float = 0.01) -> dict[str, int]:
    """Write the roster; return how many rows of each bad kind it holds."""
    rng = random.Random(seed)
    bad_every = round(1 / bad_share)
    seen: set[str] = set()
    earlier: list[str] = []
    counts = dict.fromkeys(BAD_KINDS, 0)
    sheet = _SheetWriter()
    sheet.append(["城东工业园区联合工会会员花名册"])
    sheet.append(HEADER)
    for index in range(1, rows + 1):
        female = rng.random() < 0.45
        year = rng.randint(1962, 2004)
        while True:
            number = citizen_id(rng, area=rng.choice(AREAS), birth_year=year, female=female)
            if number not in seen:
                break
        seen.add(number)
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        joined = datetime.date(max(year + 18, 1985) + rng.randint(0, 15), rng.randint(1, 12), rng.randint(1, 28))
        joined = min(joined, datetime.date(2024, 6, 30))
        name = person_name(rng, female=female)
        id_cell: object = number
        join_cell: object = joined
        if index % bad_every == 0:
            kind = BAD_KINDS[(index // bad_every) % len(BAD_KINDS)]
            counts[kind] += 1
            if kind == "number_id":
                id_cell = float(number[:15] + "000")
            elif kind == "check_digit":
                id_cell = number[:17] + ("0" if number[17] != "0" else "1")
            elif kind == "empty_name":
                name = ""
            elif kind == "duplicate":
                id_cell = earlier[rng.randrange(len(earlier))]
            else:
                join_cell = f"{joined.year}-02-30"
        else:
            earlier.append(number)
        sheet.append([
            index, name, "女" if female else "男", rng.choice(ETHNICITIES), born, id_cell,
            f"1{rng.choice('35789')}{rng.randint(0, 999_999_999):09d}", rng.choice(EDUCATIONS),
            rng.choice(POLITICS), f"城东第{rng.randint(1, 40)}机械厂", rng.choice(POSTS), rng.choice(EMPLOYMENT),
            "是" if rng.random() < 0.6 else "否", join_cell, f"CDGY{index:07d}",
        ])
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, "会员花名册", merge=f"A1:{_column(len(HEADER) - 1)}1")
    return counts


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _SheetWriter:
    """Rows into one worksheet with shared strings, as Excel writes them."""

    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.uses = 0
        self.rows: list[str] = []

    def _string(self, text: str) -> int:
        self.uses += 1
        index = self.strings.get(text)
        if index is None:
            index = self.strings[text] = len(self.strings)
        return index

    def append(self, values: list) -> None:
        number = len(self.rows) + 1
        cells = []
        for index, value in enumerate(values):
            ref = f"{_column(index)}{number}"
            if value is None or value == "":
                continue
            if isinstance(value, str):
                cells.append(f'<c r="{ref}" t="s"><v>{self._string(value)}</v></c>')
            elif isinstance(value, datetime.date):
                serial = (value - datetime.date(1899, 12, 30)).days
                cells.append(f'<c r="{ref}" s="1"><v>{serial}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
        self.rows.append(f'<row r="{number}">{"".join(cells)}</row>')

    def save(self, path: Path, title: str, *, merge: str) -> None:
        import zipfile
        from xml.sax.saxutils import escape

        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        package = "http://schemas.openxmlformats.org/package/2006/relationships"
        parts = {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.worksheet+xml"/>'
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.styles+xml"/></Types>'
            ),
            "_rels/.rels": (
                f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                'Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="{escape(title)}" sheetId="1" '
                'r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{package}">'
                f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": (
                f'<styleSheet xmlns="{main}"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
                '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
                '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
                '<cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
            ),
            "xl/sharedStrings.xml": (
                f'<sst xmlns="{main}" count="{self.uses}" uniqueCount="{len(self.strings)}">'
                + "".join(f"<si><t>{escape(text)}</t></si>" for text in self.strings)
                + "</sst>"
            ),
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{main}"><sheetData>' + "".join(self.rows)
                + f'</sheetData><mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells></worksheet>'
            ),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)


def ensure(rows: int, path: Path | None = None) -> Path:
    path = path or default_path(rows)
    if not path.exists():
        generate(rows, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    path = args.out or default_path(args.rows)
    counts = generate(args.rows, path)
    print(f"wrote {path} ({args.rows:,} rows; bad rows: {counts})")


if __name__ == "__main__":
    main()
