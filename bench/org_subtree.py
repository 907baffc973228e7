"""Subtree queries at scale: the materialised path against a recursive CTE over parent ids.

Builds a province (10 cities × 10 counties × N streets per county, each street with joint and grassroots
unions, union groups and units) in a throw-away database, then times the reads the org pages make:
"how many nodes / unions / units under X" and the node page's per-child figures and coverage.

    .venv/bin/python bench/org_subtree.py [--streets-per-county 10] [--repeat 5]

Uses SQLite in a temporary directory unless DATABASE_URL is set (point it at an empty database).
Prints each figure and the path/CTE ratio; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from benchsetup import setup_django


def build(streets_per_county: int) -> dict[str, int]:
    from django.db import connection

    from gonghui.orgs.models import Formation, Level, OrgNode, Unit, path_segment

    nodes: list[OrgNode] = []
    units: list[Unit] = []
    next_id = 1
    code_seq = 0

    def add(parent, level, name, **extra):
        nonlocal next_id, code_seq
        node_id = next_id
        next_id += 1
        code_seq += 1
        node = OrgNode(
            id=node_id, parent_id=parent.id if parent else None, level=level, name=name, code=f"B{code_seq}",
            path=(parent.path if parent else "") + path_segment(node_id), depth=parent.depth + 1 if parent else 0,
            **extra,
        )
        nodes.append(node)
        return node

    unit_seq = 0

    def add_unit(area, union, staff):
        nonlocal unit_seq
        unit_seq += 1
        units.append(Unit(
            name=f"单位{unit_seq}", credit_code=f"91{unit_seq:016d}", kind="enterprise", ownership="private",
            industry="C", staff_count=staff, women_count=staff // 3, area_node_id=area.id,
            covering_union_id=union.id if union else None, path=(union or area).path,
            coverage="none" if union is None else ("joint" if union.level == Level.JOINT_UNION else "independent"),
        ))

    province = add(None, Level.PROVINCE_FEDERATION, "省总工会")
    for c in range(10):
        city = add(province, Level.CITY_FEDERATION, f"市{c}")
        for k in range(10):
            county = add(city, Level.COUNTY_FEDERATION, f"县{c}-{k}")
            for s in range(streets_per_county):
                street = add(county, Level.STREET_FEDERATION, f"街道{c}-{k}-{s}")
                for j in range(20):
                    joint = add(street, Level.JOINT_UNION, f"联合{j}", formation=Formation.JOINT)
                    for _ in range(5):
                        add_unit(joint, joint, 15)
                for g in range(80):
                    union = add(street, Level.GRASSROOTS_UNION, f"基层{g}", formation=Formation.INDEPENDENT)
                    add_unit(street, union, 95)
                    for q in range(2):
                        add(union, Level.UNION_GROUP, f"小组{q}")
                for _ in range(20):
                    add_unit(street, None, 40)
    started = time.perf_counter()
    OrgNode.objects.bulk_create(nodes, batch_size=5000)
    Unit.objects.bulk_create(units, batch_size=5000)
    # Measure the steady state, not the aftermath of one huge bulk write.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"nodes": len(nodes), "units": len(units), "build_seconds": time.perf_counter() - started}


CTE_NODES = """
WITH RECURSIVE sub(id) AS (
    SELECT id FROM orgs_orgnode WHERE id = %s
    UNION ALL SELECT n.id FROM orgs_orgnode n JOIN sub ON n.parent_id = sub.id
) SELECT COUNT(*), SUM(CASE WHEN n.level IN ('joint_union', 'grassroots_union') THEN 1 ELSE 0 END)
  FROM orgs_orgnode n JOIN sub ON n.id = sub.id
"""
CTE_UNITS = """
WITH RECURSIVE sub(id) AS (
    SELECT id FROM orgs_orgnode WHERE id = %s
    UNION ALL SELECT n.id FROM orgs_orgnode n JOIN sub ON n.parent_id = sub.id
) SELECT COUNT(*) FROM orgs_unit u
  WHERE u.area_node_id IN (SELECT id FROM sub) OR u.covering_union_id IN (SELECT id FROM sub)
"""


def timed(fn, repeat: int) -> tuple[float, object]:
    samples = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    if os.environ.get("BENCH_VERBOSE"):
        print("   samples ms:", [round(s * 1000, 1) for s in samples])
    return statistics.median(samples) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streets-per-county", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.db.models import Count, Q

    from gonghui.orgs import selectors
    from gonghui.orgs.models import UNION_LEVELS, Level, OrgNode, Unit

    sizes = build(args.streets_per_county)
    print(f"database: {connection.vendor}; built {sizes['nodes']:,} nodes and {sizes['units']:,} units "
          f"in {sizes['build_seconds']:.1f} s")

    targets = {
        "street": OrgNode.objects.filter(level=Level.STREET_FEDERATION).order_by("id")[0],
        "county": OrgNode.objects.filter(level=Level.COUNTY_FEDERATION).order_by("id")[0],
        "city": OrgNode.objects.filter(level=Level.CITY_FEDERATION).order_by("id")[0],
        "province": OrgNode.objects.get(level=Level.PROVINCE_FEDERATION),
    }
    print("path = materialised path, range scan (path__under); LIKE = the same prefix through Django's startswith;")
    print("CTE = recursive query over parent ids; page = the node page's reads (25 children's figures + coverage)")
    print(f"{'subtree of':<10} {'nodes':>9} {'units':>9} | {'path ms':>8} {'LIKE ms':>8} {'CTE ms':>8} "
          f"{'LIKE/path':>9} {'CTE/path':>8} | {'page ms':>8}")
    for label, node in targets.items():
        def by_path(node=node, lookup="under"):
            subtree = {f"path__{lookup}": node.path}
            figures = OrgNode.objects.filter(**subtree).aggregate(
                n=Count("id"), m=Count("id", filter=Q(level__in=UNION_LEVELS)))
            return figures["n"], figures["m"], Unit.objects.filter(**subtree).count()

        def by_like(node=node):
            return by_path(node, lookup="startswith")

        def by_cte(node=node):
            with connection.cursor() as cursor:
                cursor.execute(CTE_NODES, [node.id])
                count, members = cursor.fetchone()
                cursor.execute(CTE_UNITS, [node.id])
                return count, members, cursor.fetchone()[0]

        def node_page(node=node):
            children = list(selectors.node_children(node)[:25])
            return selectors.child_rows(node, children), selectors.coverage(node)

        path_ms, path_result = timed(by_path, args.repeat)
        cte_ms, cte_result = timed(by_cte, args.repeat)
        like_ms, _ = timed(by_like, args.repeat)
        page_ms, _ = timed(node_page, args.repeat)
        assert path_result[:2] == cte_result[:2], (path_result, cte_result)
        print(f"{label:<10} {path_result[0]:>9,} {path_result[2]:>9,} | {path_ms:>8.1f} {like_ms:>8.1f} "
              f"{cte_ms:>8.1f} {like_ms / path_ms:>8.1f}x {cte_ms / path_ms:>7.1f}x | {page_ms:>8.1f}")


if __name__ == "__main__":
    main()
