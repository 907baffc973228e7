import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from gonghui.demo.plans import plan_lines
from gonghui.demo.seed import build_demo


class Command(BaseCommand):
    help = ("Load the demo data (idempotent: a second run keeps what is there) and print the demo accounts; "
            "or, with --scale district, build a district of about 20,000 units and 1,000,000 members for "
            "benchmarks; with --scale district-year, add a year of activities, hardship files, assistance and visits "
            "to that district (for the plans and summary benchmarks).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "district", "district-year"], default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument("--members", type=int, default=None,
                            help="district only: number of member records (default 1,000,000)")
        parser.add_argument("--year", type=int, default=None,
                            help="district-year only: the year of the records (default last year)")

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        if options["scale"] == "district":
            return self.district(options)
        if options["scale"] == "district-year":
            return self.district_year(options)
        if options["members"] is not None:
            raise CommandError("--members 只用于 --scale district。")
        started = time.perf_counter()
        result = build_demo(seed=options["seed"])
        verb = "已生成" if result.created else "已存在，保留原有数据"
        self.stdout.write(f"演示数据{verb}：{result.nodes} 个工会组织，{result.units} 个单位。")
        figures = result.members
        verb = "已生成" if result.members_created else "已存在"
        self.stdout.write(
            f"会员{verb}：{figures['records']} 条会员记录，其中会员 {figures['members']} 人（女 {figures['women']} 人；"
            f"转接中 {figures['in_transfer']}，保留会籍 {figures['retained']}），入会申请 {figures['applicant']}，"
            f"退会 {figures['withdrawn']}，除名 {figures['expelled']}，去世 {figures['deceased']}。"
            f"用时 {time.perf_counter() - started:.1f} 秒。")
        care = result.care
        if care:
            self.stdout.write("两年的活动与帮扶已生成：" + "，".join(
                f"{label} {care.get(key, 0)} {unit}" for key, label, unit in (
                    ("activities", "活动", "场"), ("participations", "报名记录", "条"),
                    ("competition_entries", "比赛名次", "条"), ("honours", "评优表彰", "项"),
                    ("hardship_files", "困难职工档案", "份"), ("assistance", "帮扶救助", "笔"),
                    ("visits", "走访慰问", "次"), ("notices", "待走访事项", "件"),
                    ("campaign_recipients", "专项活动救助对象", "人"))) + "。")
        for line in plan_lines(result.plans, created=result.plans_created):
            self.stdout.write(line)
        self.stdout.write("演示账号（每个角色一个）:")
        width = max(len(row[0]) for row in result.accounts)
        for username, password, role, node in result.accounts:
            self.stdout.write(f"  {username:<{width}}  密码 {password}  {role} · {node}")

    def district(self, options):
        from gonghui.demo.district import DEFAULT_MEMBERS, DistrictExists, build_district

        members = options["members"] if options["members"] is not None else DEFAULT_MEMBERS
        if members < 1000:
            raise CommandError("--members 至少为 1000。")
        try:
            result = build_district(members=members, seed=options["seed"], progress=self.stdout.write)
        except DistrictExists as error:
            raise CommandError(str(error)) from None
        self.stdout.write(result.summary())

    def district_year(self, options):
        from gonghui.demo.district_year import YearExists, build_district_year

        try:
            result = build_district_year(year=options["year"], seed=options["seed"], progress=self.stdout.write)
        except YearExists as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{result.year} 年的记录已生成：活动 {result.activities:,} 场，签到 {result.participations:,} 人次，"
            f"困难职工档案 {result.hardship_files:,} 份，帮扶与慰问 {result.assistance:,} 笔，"
            f"走访 {result.visits:,} 次。用时 {result.seconds:.0f} 秒。")
