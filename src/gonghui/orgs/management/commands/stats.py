"""`gonghui stats --org CODE [--year Y] [--json]`: the coverage figures of a node's subtree, the same as its
dashboard, and with --year the figures of that year (activities, honours, care)."""

import datetime
import json

from django.utils import translation

from gonghui.activities.models import ActivityKind, HonourKind
from gonghui.care import stats as care_stats
from gonghui.care.models import AssistanceKind, Campaign, HardshipCategory
from gonghui.core.commands import DescribedCommand
from gonghui.members.models import Status
from gonghui.orgs import selectors
from gonghui.orgs.models import OrgNode

HELP = """Coverage figures of an organisation and everything below it (the figures of its statistics page).

With --json, one JSON object is printed with these keys:
  code, name, level                  the organisation
  units                              units in scope (every unit under the organisation)
  units_with_union                   units covered by a union, = units_independent + units_joint
  units_independent, units_joint     covered by their own union / by a joint union
  units_without_union                units without a union
  founding_rate                      units_with_union / units (建会率, all units), 0..1 or null
  min_staff                          the staff threshold of the usual target (setting COVERAGE_MIN_STAFF, 25)
  units_min_staff                    units with min_staff or more staff
  units_min_staff_with_union         ... of them covered by a union
  founding_rate_min_staff            units_min_staff_with_union / units_min_staff (建会率, 25+ staff)
  staff_covered                      staff of the units that have a union
  members                            members (status active, in transfer or retained)
  working_members                    members less those with 保留会籍 (status retained: retirees, the
                                     unemployed), i.e. the members who are staff
  membership_rate                    working_members / staff_covered (入会率), or null
  women_members, migrant_members (农民工), new_form_members (新就业形态), front_line_members,
  retired_members                    members among them
  members_by_status                  {status: records}: applicant, active, in_transfer, retained,
                                     withdrawn, expelled, deceased, refused
Rates are fractions rounded to 4 decimals. An unknown code prints an error and exits with status 1.

With --year Y, the JSON object also has a "year" object (care/stats.py year_stats; amounts are strings
with 2 decimals, rows only for the kinds that have figures):
  year                               Y
  activities.by_kind.KIND, .total    activities (not cancelled) starting in Y: activities, person_times
                                     (人次, checked-in participations), participants (distinct members)
  honours.by_kind.KIND, .total       honours awarded in Y: awarded, members, collectives; honours.nominated:
                                     nominations for Y still waiting for a decision
  assistance.by_kind.KIND, .total    assistance committed in Y (approved, paid, confirmed): persons,
                                     records, amount
  visits.by_reason.REASON, .total    visits in Y: visits, persons, value (given)
  hardship.by_category.CAT, .total   hardship files: open (on file at the end of Y), new (filed in Y),
                                     relieved (out of hardship in Y); CAT "none" = no category yet
  campaigns.by_kind.KIND             campaigns of Y: campaigns, selected, given (recipients in scope), amount
  campaigns.donations                donations made in Y by donors in scope: donations, member_donors, amount
The year must be between 2000 and next year."""


class Command(DescribedCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="CODE", required=True, help="the organisation's short code")
        parser.add_argument("--json", action="store_true", help="print one JSON object (keys above)")
        parser.add_argument("--year", type=int, metavar="Y", help="add the figures of that year")

    def handle(self, *args, **options):
        code = options["org"].strip().upper()
        node = OrgNode.objects.filter(code=code).first()
        if node is None:
            self.stderr.write(f"没有代码为 {options['org']} 的工会组织")
            raise SystemExit(1)
        year = options.get("year")
        if year is not None and not 2000 <= year <= datetime.date.today().year + 1:
            self.stderr.write(f"年份 {year} 不在 2000 至 {datetime.date.today().year + 1} 之间")
            raise SystemExit(1)
        figures = {"code": node.code, "name": node.name, "level": node.level,
                   **selectors.coverage(node).as_dict()}
        if year is not None:
            figures["year"] = care_stats.as_json(care_stats.year_stats(node, year))
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._table(node, figures))
        if year is not None:
            self.stdout.write("\n" + self._year_table(figures["year"]))

    @staticmethod
    def _table(node, f) -> str:
        def pct(value):
            return "—" if value is None else f"{value * 100:.1f}%"

        rows = [
            ("单位数", f"{f['units']:,}"),
            ("已建会单位", f"{f['units_with_union']:,}"
                           f"（独立建会 {f['units_independent']:,}，联合建会 {f['units_joint']:,}）"),
            ("未建会单位", f"{f['units_without_union']:,}"),
            ("建会率（全部单位）", pct(f["founding_rate"])),
            (f"{f['min_staff']}人以上单位", f"{f['units_min_staff']:,}（已建会 {f['units_min_staff_with_union']:,}）"),
            (f"建会率（{f['min_staff']}人以上）", pct(f["founding_rate_min_staff"])),
            ("已建会单位职工数", f"{f['staff_covered']:,}"),
            ("会员数", f"{f['members']:,}"),
            ("在职会员（不含保留会籍）", f"{f['working_members']:,}"),
            ("入会率", pct(f["membership_rate"])),
            ("女会员", f"{f['women_members']:,}"),
            ("农民工会员", f"{f['migrant_members']:,}"),
            ("新就业形态会员", f"{f['new_form_members']:,}"),
            ("一线会员", f"{f['front_line_members']:,}"),
            ("退休会员", f"{f['retired_members']:,}"),
        ]
        with translation.override("zh-hans"):  # Chinese whatever the shell's locale
            rows += [(f"会籍：{Status(status).label}", f"{count:,}")
                     for status, count in f["members_by_status"].items()]
        width = max(_display_width(label) for label, _ in rows)
        lines = [f"{node.name}（{node.code}）覆盖统计", ""]
        lines += [label + " " * (width - _display_width(label) + 2) + value for label, value in rows]
        return "\n".join(lines)

    @staticmethod
    def _year_table(y: dict) -> str:
        def label(choices, key):
            return str(choices(key).label) if key in choices.values else ("未分类" if key == "none" else key)

        lines = [f"{y['year']}年度统计", ""]
        with translation.override("zh-hans"):
            a = y["activities"]
            lines.append(f"活动 {a['total']['activities']} 次，参加 {a['total']['person_times']} 人次"
                         f"（{a['total']['participants']} 人）")
            lines += [f"  {label(ActivityKind, kind)}：{row['activities']} 次，{row['person_times']} 人次"
                      for kind, row in a["by_kind"].items()]
            h = y["honours"]
            lines.append(f"表彰 {h['total']['awarded']} 项（个人 {h['total']['members']}，集体 "
                         f"{h['total']['collectives']}），待审批推荐 {h['nominated']} 项")
            lines += [f"  {label(HonourKind, kind)}：{row['awarded']}" for kind, row in h["by_kind"].items()]
            s = y["assistance"]
            lines.append(f"帮扶救助 {s['total']['persons']} 人、{s['total']['records']} 笔，{s['total']['amount']} 元")
            lines += [f"  {label(AssistanceKind, kind)}：{row['persons']} 人，{row['records']} 笔，{row['amount']} 元"
                      for kind, row in s["by_kind"].items()]
            v = y["visits"]
            lines.append(f"走访慰问 {v['total']['visits']} 次（{v['total']['persons']} 人），{v['total']['value']} 元")
            lines += [f"  {care_stats.visit_reason_label(reason)}：{row['visits']} 次，{row['value']} 元"
                      for reason, row in v["by_reason"].items()]
            f = y["hardship"]
            lines.append(f"困难职工档案：年末在档 {f['total']['open']} 户，新建 {f['total']['new']} 户，"
                         f"脱困 {f['total']['relieved']} 户")
            lines += [f"  {label(HardshipCategory, cat)}：在档 {row['open']}，新建 {row['new']}，脱困 {row['relieved']}"
                      for cat, row in f["by_category"].items()]
            c = y["campaigns"]
            lines += [f"{label(Campaign.Kind, kind)}：{row['campaigns']} 项，慰问 {row['given']}/{row['selected']} 人，"
                      f"{row['amount']} 元" for kind, row in c["by_kind"].items()]
            d = c["donations"]
            lines.append(f"捐款 {d['donations']} 笔（会员 {d['member_donors']} 人），{d['amount']} 元")
        return "\n".join(lines)


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
