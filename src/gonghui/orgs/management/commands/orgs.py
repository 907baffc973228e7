import json

from django.core.management.base import BaseCommand

from gonghui.orgs.models import OrgNode


class Command(BaseCommand):
    help = "List org nodes with their codes and levels (--json for machine-readable output)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--under", metavar="CODE", help="only this node and its subtree")

    def handle(self, *args, **options):
        nodes = OrgNode.objects.select_related("parent").order_by("path")
        if options["under"]:
            top = OrgNode.objects.filter(code=options["under"].strip().upper()).first()
            if top is None:
                self.stderr.write(f"没有代码为 {options['under']} 的工会组织")
                raise SystemExit(2)
            nodes = nodes.filter(path__under=top.path)
        rows = [
            {"code": n.code, "name": n.name, "level": n.level, "parent": n.parent.code if n.parent else None,
             "depth": n.depth}
            for n in nodes.iterator(chunk_size=2000)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{'  ' * row['depth']}{row['code']:<12} {row['name']}（{row['level']}）")
