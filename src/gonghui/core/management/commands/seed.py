from django.core.management.base import BaseCommand
from django.utils import translation

from gonghui.demo.seed import build_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run keeps what is there) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo"], default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        result = build_demo(seed=options["seed"])
        verb = "已生成" if result.created else "已存在，保留原有数据"
        self.stdout.write(f"演示数据{verb}：{result.nodes} 个工会组织，{result.units} 个单位。")
        self.stdout.write("演示账号（每个角色一个）:")
        width = max(len(row[0]) for row in result.accounts)
        for username, password, role, node in result.accounts:
            self.stdout.write(f"  {username:<{width}}  密码 {password}  {role} · {node}")
