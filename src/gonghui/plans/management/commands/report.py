"""`gonghui report summary --org CODE --year Y [--half 1|2] --out FILE.docx`: a node's 工作总结 as a Word
document: the stored summary of that node and period when there is one (as the officer edited it), else a draft
written from the records."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone, translation

from gonghui.core.commands import DescribedCommand
from gonghui.orgs.models import OrgNode
from gonghui.plans.contrib import Period
from gonghui.plans.models import Summary
from gonghui.plans.summary import services

HELP = """Reports of an organisation, written as documents.

  report summary --org CODE --year Y [--half 1|2] --out FILE.docx
      the year's (or the half-year's) work summary (工作总结) of the organisation, covering everything below
      it: the stored summary of that period when one exists, otherwise a draft written from the records.
      The year must be between 2000 and this year, and the period must have begun."""


class Command(DescribedCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["summary"], help="which report")
        parser.add_argument("--org", metavar="CODE", required=True, help="the organisation's short code")
        parser.add_argument("--year", type=int, metavar="Y", required=True, help="the year")
        parser.add_argument("--half", type=int, choices=[1, 2], help="one half of the year instead of all of it")
        parser.add_argument("--out", metavar="FILE.docx", required=True, help="where to write the document")

    def handle(self, *args, **options):
        code = options["org"].strip().upper()
        node = OrgNode.objects.filter(code=code).first()
        if node is None:
            raise CommandError(f"没有代码为 {options['org']} 的工会组织。")
        try:
            year, half = services.check_period(options["year"], options.get("half") or 0)
        except ValidationError:
            last = timezone.localdate().year + 1
            raise CommandError(f"年份 {options['year']} 不在 2000 至 {last} 之间。") from None
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"目录 {out.parent} 不存在。")
        with translation.override("zh-hans"):
            summary = Summary.objects.select_related("node").filter(node=node, year=year, half=half).first()
            if summary is not None:
                content, what = services.summary_export(actor=None, summary=summary), "已保存的总结"
            else:
                content = services.draft_export(actor=None, node=node, year=year, half=half)
                what = "根据记录起草"
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"无法写入 {out}：{error.strerror}") from None
        self.stdout.write(f"{node.name}{Period(year, half).label}工作总结（{what}）已写入 {out}")
