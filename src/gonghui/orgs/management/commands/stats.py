"""`gonghui stats --org CODE [--json]`: the coverage figures of a node's subtree, the same as its dashboard."""

import json

from django.core.management.base import BaseCommand
from django.utils import translation

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
  membership_rate                    members / staff_covered (入会率), or null
  women_members, migrant_members (农民工), new_form_members (新就业形态), front_line_members,
  retired_members                    members among them
  members_by_status                  {status: records}: applicant, active, in_transfer, retained,
                                     withdrawn, expelled, deceased, refused
Rates are fractions rounded to 4 decimals. An unknown code prints an error and exits with status 1."""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="CODE", required=True, help="the organisation's short code")
        parser.add_argument("--json", action="store_true", help="print one JSON object (keys above)")

    def handle(self, *args, **options):
        code = options["org"].strip().upper()
        node = OrgNode.objects.filter(code=code).first()
        if node is None:
            self.stderr.write(f"没有代码为 {options['org']} 的工会组织")
            raise SystemExit(1)
        figures = {"code": node.code, "name": node.name, "level": node.level,
                   **selectors.coverage(node).as_dict()}
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._table(node, figures))

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


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
