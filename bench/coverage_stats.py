"""Coverage statistics at district scale (issue 3, Speed): the figures of the district root and of each
street, warm, against ≈20,000 units and ≈1,000,000 members.

    .venv/bin/python bench/coverage_stats.py [--repeat 7] [--source auto|seed|generate] [--members 1000000]
    bash scripts/with-postgres.sh .venv/bin/python bench/coverage_stats.py      # the same on PostgreSQL

The data comes from `gonghui seed --scale district` when the seed command offers that scale (--source auto,
the default), else it is generated here with raw batched inserts (a county, 12 streets, joint and grassroots
unions with groups, units, members of every status). The member tallies are rebuilt once
(members/tally.py `rebuild_all`, timed), then for each node the bench times, after one warm-up run:
  coverage   orgs/selectors.py `coverage()`: the figures of the dashboard and of `gonghui stats` (2 queries)
  dashboard  coverage() + `child_coverage()`: the figures and the per-child drill-down rows (5 queries)
and prints min and median in ms, and the EXPLAIN of the main queries. Target: ≤ 100 ms per node.
Uses SQLite in a temporary directory unless DATABASE_URL is set (point it at an empty database).
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from benchsetup import setup_django, timed


def seed_offers_district() -> bool:
    """Whether `gonghui seed --scale district` exists (the option and the module that builds it)."""
    import importlib.util

    from django.core.management import load_command_class

    parser = load_command_class("gonghui.core", "seed").create_parser("gonghui", "seed")
    scale = next((action for action in parser._actions if action.dest == "scale"), None)
    offered = bool(scale and scale.choices and "district" in scale.choices)
    return offered and importlib.util.find_spec("gonghui.demo.district") is not None


class Writer:
    """Batched raw inserts of plain tuples (executemany on SQLite, COPY on PostgreSQL)."""

    def __init__(self, model, batch_size: int = 50_000):
        from django.db import connection

        self.fields = [field for field in model._meta.concrete_fields]
        self.names = [field.name for field in self.fields]
        self.table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        if connection.vendor == "postgresql":
            self.sql = f"COPY {self.table} ({columns}) FROM STDIN"
        else:
            self.sql = f"INSERT INTO {self.table} ({columns}) VALUES ({', '.join(['%s'] * len(self.fields))})"
        self.batch_size = batch_size
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, **values) -> None:
        self.rows.append(tuple(values[name] for name in self.names))
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.rows)
        self.count += len(self.rows)
        self.rows = []


def generate(total_members: int, rng: random.Random) -> None:
    """A district: 12 streets, each with 20 joint unions (30 small units each) and grassroots unions
    (one unit each, some with groups), and units without a union; members for about 85% of covered staff."""
    from gonghui.members.models import EmploymentType, Member, NewFormGroup, RetainReason, Status
    from gonghui.orgs.models import Coverage, Formation, Level, OrgNode, Unit, path_segment

    now = "2026-01-01 00:00:00"
    nodes, units, members = Writer(OrgNode), Writer(Unit), Writer(Member)
    next_node = iter(range(1, 10**9))

    def node(parent, level, name, formation=""):
        pk = next(next_node)
        path = (parent["path"] if parent else "") + path_segment(pk)
        nodes.add(id=pk, created_at=now, updated_at=now, name=name, code=f"N{pk}", level=level,
                  parent=parent["id"] if parent else None, path=path, depth=parent["depth"] + 1 if parent else 0,
                  formation=formation, founded_on=None, approved_on=None, approval_ref="", term_start=None,
                  term_years=None, women_committee_established=False, address="")
        return {"id": pk, "path": path, "depth": parent["depth"] + 1 if parent else 0}

    unit_ids = iter(range(1, 10**9))

    def unit(area, union, staff, coverage):
        pk = next(unit_ids)
        units.add(id=pk, created_at=now, updated_at=now, name=f"单位{pk}", credit_code=f"B{pk:017d}",
                  kind="enterprise", ownership="private", industry="C", staff_count=staff, women_count=staff // 3,
                  migrant_worker_count=staff // 5, address="", area_node=area["id"],
                  covering_union=union["id"] if union else None, path=(union or area)["path"], coverage=coverage)
        return pk

    # Union plans first: (street, union, groups, units as (id, staff)), so members can be spread to the total.
    county = node(None, Level.COUNTY_FEDERATION, "基准区总工会")
    plans = []
    for s in range(12):
        street = node(county, Level.STREET_FEDERATION, f"基准街道{s + 1:02d}")
        for j in range(20):
            joint = node(street, Level.JOINT_UNION, f"联合工会{s}-{j}", Formation.JOINT)
            covered = [(unit(joint, joint, staff, Coverage.JOINT), staff)
                       for staff in (rng.randint(3, 24) for _ in range(30))]
            plans.append((joint, [], covered))
        for g in range(830):
            staff = int(rng.paretovariate(1.6) * 25)
            union = node(street, Level.GRASSROOTS_UNION, f"工会{s}-{g}", Formation.INDEPENDENT)
            groups = [node(union, Level.UNION_GROUP, f"小组{s}-{g}-{k}") for k in range(2 if staff >= 100 else 0)]
            plans.append((union, groups, [(unit(street, union, staff, Coverage.INDEPENDENT), staff)]))
        for _ in range(240):
            unit(street, None, rng.randint(3, 300), Coverage.NONE)
    staff_total = sum(staff for _, _, covered in plans for _, staff in covered)
    nodes.flush()
    units.flush()

    statuses = [Status.ACTIVE] * 88 + [Status.RETAINED] * 4 + [Status.IN_TRANSFER] * 1 + [Status.WITHDRAWN] * 3 \
        + [Status.APPLICANT] * 2 + [Status.EXPELLED, Status.DECEASED]
    employment = [EmploymentType.EMPLOYED] * 70 + [EmploymentType.MIGRANT] * 18 + [EmploymentType.DISPATCHED] * 6 \
        + [EmploymentType.FLEXIBLE] * 3 + [EmploymentType.RETIRED] * 3
    new_forms = [""] * 92 + list(NewFormGroup.values)[:8]
    born = datetime.date(1985, 1, 1)
    member_id = 0
    for union, groups, covered in plans:
        for unit_id, staff in covered:
            for _ in range(round(staff * total_members / staff_total)):
                member_id += 1
                group = groups[member_id % len(groups)] if groups else None
                status = rng.choice(statuses)
                members.add(
                    id=member_id, created_at=now, updated_at=now, name=f"会员{member_id}", name_pinyin="huiyuan",
                    name_initials="hy", gender="F" if rng.random() < 0.45 else "M", ethnicity="汉族",
                    birth_date=born, citizen_id="x", citizen_id_hash=f"h{member_id}", mobile="", mobile_hash="",
                    education="", political_status="", employment_type=rng.choice(employment),
                    new_form_group=rng.choice(new_forms), is_front_line=rng.random() < 0.4, post="",
                    unit=unit_id, union=union["id"], group=group["id"] if group else None,
                    path=(group or union)["path"], join_date=born, card_no=f"C{member_id}", status=status,
                    status_since=born, retain_reason=RetainReason.RETIRED if status == Status.RETAINED else "",
                    transfer_to=None, transfer_to_path="", last_active_on=None, inactivity_reviewed_on=None,
                    user=None, notes="",
                )
    members.flush()


def explain_queries(fn) -> None:
    """EXPLAIN every query `fn` runs, as it ran (SQL with its parameters in place)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in captured.captured_queries:
        print(f"  {query['sql'][:160]}{' …' if len(query['sql']) > 160 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            for row in cursor.fetchall():
                print(f"    {row[-1] if connection.vendor == 'sqlite' else row[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--source", choices=["auto", "seed", "generate"], default="auto")
    parser.add_argument("--members", type=int, default=1_000_000, help="members to generate (--source generate)")
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command
    from django.db import connection, transaction

    from gonghui.members import tally
    from gonghui.members.models import Member
    from gonghui.orgs import selectors
    from gonghui.orgs.models import Level, OrgNode, Unit

    source = args.source
    if source == "auto":
        source = "seed" if seed_offers_district() else "generate"
    started = time.perf_counter()
    if source == "seed":
        call_command("seed", "--scale", "district")
    else:
        with transaction.atomic():
            generate(args.members, random.Random(2026))
    built = time.perf_counter() - started
    started = time.perf_counter()
    rows = tally.rebuild_all()
    rebuilt = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM (ANALYZE)")

    # the district: the top node with the most units under it
    root = max(OrgNode.objects.filter(parent__isnull=True).order_by("id"),
               key=lambda top: Unit.objects.filter(path__under=top.path).count())
    streets = list(OrgNode.objects.filter(path__under=root.path, level=Level.STREET_FEDERATION).order_by("path"))
    print(f"database: {connection.vendor}; data from {source} in {built:.1f} s: "
          f"{OrgNode.objects.count():,} nodes, {Unit.objects.count():,} units, {Member.objects.count():,} members")
    print(f"tally.rebuild_all(): {rows:,} tally rows in {rebuilt:.2f} s")
    print(f"warm timings over {args.repeat} runs after one warm-up; ms (min / median)")
    print(f"{'node':<22} {'units':>7} {'members':>9} | {'coverage':>17} | {'dashboard':>17}")
    worst = 0.0
    for node in [root, *streets]:
        figures = selectors.coverage(node)
        cov = timed(lambda node=node: selectors.coverage(node), args.repeat)
        page = timed(lambda node=node: (selectors.coverage(node), selectors.child_coverage(node)), args.repeat)
        worst = max(worst, cov[1], page[1])
        print(f"{node.name[:20]:<22} {figures.units:>7,} {figures.members:>9,} | {cov[0]:>7.1f} / {cov[1]:>7.1f} | "
              f"{page[0]:>7.1f} / {page[1]:>7.1f}")
    print(f"slowest median: {worst:.1f} ms (target ≤ 100 ms)")

    print("\nEXPLAIN of coverage() for the district root (units, then member tallies; the root's range is the whole "
          "table, so PostgreSQL may rightly read it sequentially):")
    explain_queries(lambda: selectors.coverage(root))
    print(f"\nEXPLAIN of coverage() for {streets[0].name}:")
    explain_queries(lambda: selectors.coverage(streets[0]))
    print("\nEXPLAIN of child_coverage() for the district root (per-child drill-down):")
    explain_queries(lambda: selectors.child_coverage(root))


if __name__ == "__main__":
    main()
