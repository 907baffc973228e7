"""The district-scale queries behind the main pages, with their query plans and times (issue 6, query discipline).

    .venv/bin/python bench/explain.py                      # var/bench5, opened read-only
    .venv/bin/python bench/explain.py --data var/bench_h3  # a migrated copy (cp -r var/bench5 var/bench_h3;
                                                           #   GONGHUI_VAR_DIR=var/bench_h3 .venv/bin/gonghui migrate)
    DATABASE_URL=postgres://… .venv/bin/python bench/explain.py   # PostgreSQL: EXPLAIN ANALYZE

Each scenario calls the selectors a page calls (member search by name, by the tail of a 身份证号 or card number and by
mobile on the district's 1,000,000 members; a union's member list; the node dashboards and their year figures at the
district root and at a street; the activity, assistance and visit ledgers; the records a plan's progress counts),
as a superuser held in memory, so nothing is written. Every statement it runs is shown with its plan (SQLite:
EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE) and a line is flagged FULL SCAN where a table of more than
100,000 rows is read whole rather than searched through an index. Times: the best and the median of --repeat runs
after one warm-up, per scenario (the machine's load shows in them: compare figures taken in the same run).

`--compare` also times the reads changed in issue 6 as they were before (the code kept in this file) next to the
present ones, on the same data in the same run, and checks that they give the same result: the activity year
figures (one GROUP BY kind over the joined check-ins with COUNT DISTINCT, then a second COUNT DISTINCT), a union's
member list read by the district's admin, a pinyin search over the whole district, the rows of the visit and
activity ledgers, the activity drill-down and the dashboard's child figures (a UNION ALL of one range scan per
child, then one query grouped by child path segment) at the root, a street and the street with the most children,
and the activity ledger page (every row of the period read, then one page of it; now one page and an aggregate).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchsetup import timed  # noqa: E402

BIG_TABLE_ROWS = 100_000


def setup(data: Path, read_only: bool) -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["GONGHUI_VAR_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and read_only:
        # Django opens SQLite with uri=True: mode=ro refuses every write, and the WAL pragma is left out
        database["NAME"] = f"file:{Path(database['NAME']).resolve()}?mode=ro"
        database["OPTIONS"] = {**database.get("OPTIONS", {}), "init_command": "PRAGMA query_only=ON;"}
    import django

    django.setup()


class Statements:
    """Records every statement run (SQL and parameters) while active."""

    def __init__(self):
        self.seen: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)


def _sizes() -> dict[str, int]:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
                row = cursor.fetchone()
                sizes[table] = int(row[0]) if row else 0
            elif table.startswith(("members_", "activities_", "care_", "orgs_", "plans_", "rights_", "core_")):
                cursor.execute(f'SELECT MAX(rowid) FROM "{table}"')  # table names from the schema
                sizes[table] = cursor.fetchone()[0] or 0
    return sizes


def explain(sql: str, params: tuple, sizes: dict[str, int]) -> tuple[list[str], list[str]]:
    """(plan lines, full scans of big tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            scans = [line for line in lines if (found := re.search(r"Seq Scan on (\w+)", line))
                     and sizes.get(found.group(1), 0) > BIG_TABLE_ROWS]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            lines = [row[3] for row in cursor.fetchall()]
            aliases = dict(re.findall(r'"(\w+)" (?:AS )?"?(\w+)"?', sql))
            scans = []
            for line in lines:
                found = re.match(r"SCAN (\w+)", line)
                if found and "subquery" not in line:
                    table = found.group(1)
                    table = table if table in sizes else next((t for t, a in aliases.items() if a == table), table)
                    if sizes.get(table, 0) > BIG_TABLE_ROWS:
                        scans.append(line)
    return lines, scans


SLOW_MS = 500


def statement_ms(sql: str, params: tuple) -> float:
    """One statement run alone, its rows fetched (SQLite computes them while they are fetched)."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def district_sample():
    """(root, admin, street, union): the district's root, its federation admin held in memory (the same scoped
    queries as a real one, nothing written), its first street and that street's largest union."""
    from django.db.models import Count

    from gonghui.accounts.models import Role, User
    from gonghui.accounts.policy import Grant
    from gonghui.members.models import Member
    from gonghui.orgs.models import OrgNode

    root = OrgNode.objects.filter(parent=None).order_by("pk").first()
    admin = User(username="bench", is_active=True)
    admin._gonghui_grants = [Grant(path=root.path, role=Role.FEDERATION_ADMIN, node_id=root.pk)]
    street = OrgNode.objects.filter(parent=root).order_by("code").first()
    biggest = (Member.objects.filter(path__under=street.path).order_by().values("union")
               .annotate(n=Count("id")).order_by("-n").first())
    return root, admin, street, OrgNode.objects.get(pk=biggest["union"])


def scenarios(year: int):
    """(name, callable) — each what a page asks of the database."""
    from django.core.paginator import Paginator

    from gonghui.activities import ledger as activity_ledger
    from gonghui.activities import stats as activity_stats
    from gonghui.care import stats as care_stats
    from gonghui.care.assistance import ledger as assistance_ledger
    from gonghui.care.visits import ledger as visit_ledger
    from gonghui.members import selectors as member_selectors
    from gonghui.members.models import Member
    from gonghui.orgs import selectors as org_selectors
    from gonghui.plans import contrib
    from gonghui.plans.models import Plan
    from gonghui.plans.progress import found_records

    root, admin, street, union = district_sample()
    sample = Member.objects.filter(path__under=street.path).exclude(mobile_hash="").order_by("pk").first()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def member_page(node, search=""):
        page = Paginator(member_selectors.member_list(admin, node, search=search), 25).get_page(1)
        return len(page.object_list), page.paginator.count

    def dashboard(node):
        children = list(Paginator(org_selectors.node_children(node), 25).get_page(1).object_list)
        org_selectors.child_rows(node, children)
        return org_selectors.coverage(node)

    def stats(node):
        rows = org_selectors.child_coverage(node)
        list(Paginator(rows, 50).get_page(1).object_list)
        return care_stats.year_stats(node, year)

    def plan_records(node):
        plan = Plan(node=node, path=node.path, year=year)
        keys = sorted((key, "") for key in contrib.evidence_sources())
        return found_records(plan, keys)

    def plan_children(node):
        return {key: source.day_counts_by_child(node, start, end, "")
                for key, source in contrib.evidence_sources().items() if source.dated is not None}

    def activity_page(node):
        # what the page reads: one page of rows, the totals and 人数 (the .xlsx reads every row)
        return activity_ledger.build_activity_ledger(node, start, end, paged=True).page(1)

    mobile = _sample_mobile(sample)
    citizen_tail = (sample.card_no or "")[-6:]
    cases = [
        ("member search: name (区)", lambda: member_page(root, sample.name)),
        ("member search: pinyin initials (区)", lambda: member_page(root, sample.name_initials[:3] or "zs")),
        ("member search: card/身份证 tail digits (区)", lambda: member_page(root, citizen_tail)),
        ("member search: mobile (区)", lambda: member_page(root, mobile)),
        ("member list: a union", lambda: member_page(union)),
        ("member list: a street", lambda: member_page(street)),
        ("member list: district root", lambda: member_page(root)),
        ("dashboard: district root", lambda: dashboard(root)),
        ("dashboard: street", lambda: dashboard(street)),
        ("statistics page: district root", lambda: stats(root)),
        ("statistics page: street", lambda: stats(street)),
        ("activity year figures: district root", lambda: activity_stats.activity_year_stats(root, year)),
        ("activity year figures: street", lambda: activity_stats.activity_year_stats(street, year)),
        ("activity ledger: district root", lambda: activity_page(root)),
        ("activity ledger: street", lambda: activity_page(street)),
        ("assistance ledger: district root", lambda: (assistance_ledger.assistance_ledger(admin, root, start, end)
                                                      .page(1),
                                                      assistance_ledger.drill_down(admin, root, start, end))),
        ("visit ledger: district root", lambda: visit_ledger.visit_ledger(admin, root, start, end)),
        ("plan progress: district root's records", lambda: plan_records(root)),
        ("plan progress: a union's records", lambda: plan_records(union)),
        ("submissions: children's records by day (street)", lambda: plan_children(street)),
    ]
    return cases, {"root": root, "street": street, "union": union, "admin": admin}


def _sample_mobile(member) -> str:
    """A mobile number that is in the data (decrypted from a sample member), else any well-formed one."""
    try:
        from gonghui.members.models import Member

        value = Member.objects.get(pk=member.pk).mobile_clear
        return str(value) if value else "13900000000"
    except Exception:  # an encrypted field without its key: any number shows the plan
        return "13900000000"


def old_activity_year_stats(node, year: int) -> dict:
    """The year figures as read before issue 6 (for --compare): the same results, slower at the district root."""
    from django.db.models import Count, Q

    from gonghui.activities.models import Activity, ActivityStatus, Participation
    from gonghui.activities.stats import year_moments

    start, end = year_moments(year)
    activities = (Activity.objects.filter(path__under=node.path, starts_at__gte=start, starts_at__lt=end)
                  .exclude(status=ActivityStatus.CANCELLED))
    attended = Q(participations__checked_in_at__isnull=False)
    rows = {row["kind"]: row for row in activities.order_by().values("kind").annotate(
        activities=Count("id", distinct=True), person_times=Count("participations", filter=attended),
        participants=Count("participations__member", filter=attended, distinct=True))}
    total = (Participation.objects.filter(activity__in=activities, checked_in_at__isnull=False)
             .aggregate(n=Count("member", distinct=True))["n"])
    return {"rows": rows, "participants": total}


def old_member_page(user, node) -> tuple[int, int]:
    """A union's member list as read before issue 6: the user's scope and the node each as an OR of ranges."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    from gonghui.members.models import Member, Status
    from gonghui.members.selectors import visible_q

    queryset = (Member.objects.filter(visible_q(user))
                .filter(Q(path__under=node.path) | Q(status=Status.IN_TRANSFER, transfer_to_path__under=node.path))
                .filter(status__in=[Status.ACTIVE, Status.IN_TRANSFER, Status.RETAINED, Status.APPLICANT])
                .select_related("union", "group", "unit").order_by("path", "name", "id"))
    page = Paginator(queryset, 25).get_page(1)
    return len(page.object_list), page.paginator.count


def old_visit_rows(user, node, start, end) -> list[dict]:
    """The visit ledger's rows as built before issue 6: a model instance and three related ones per visit."""
    from gonghui.care.visits import selectors
    from gonghui.care.visits.services import reason_label

    return [{"visited_on": visit.visited_on, "member": visit.member.name, "union": visit.union.name,
             "reason": reason_label(visit.reason), "visitors": visit.visitors, "place": visit.place,
             "gift": visit.gift, "value": visit.gift_value}
            for visit in selectors.visits(user, node, start=start, end=end).order_by("visited_on", "id")]


def old_activity_rows(node, start, end) -> list[dict]:
    """The activity ledger's rows as built before issue 6: instances, get_kind_display() per row."""
    from django.utils import timezone

    from gonghui.activities.ledger import activities_in

    return [{"date": timezone.localtime(a.starts_at).date(), "title": a.title, "kind": a.get_kind_display(),
             "organiser": a.organiser.name, "place": a.place, "signed_up": a.signed_up_count,
             "attended": a.attended_count, "budget": a.budget, "actual_cost": a.actual_cost}
            for a in activities_in(node, start, end).select_related("organiser").order_by("starts_at", "id")
            .only("starts_at", "title", "kind", "organiser__name", "place", "signed_up_count", "attended_count",
                  "budget", "actual_cost")]


def _old_union_per_path(queryset, paths: list[str], aggregates: dict) -> dict[str, dict]:
    """Aggregates per subtree as read before issue 6: a UNION ALL of one query per path."""
    from django.db.models import CharField, Value

    parts = [queryset.filter(path__under=path).annotate(subtree=Value(path, output_field=CharField()))
             .values("subtree").annotate(**aggregates).order_by() for path in paths]
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return {row.pop("subtree"): row for row in rows}


def old_activity_drill_down(node, start, end) -> list[tuple]:
    """The activity ledger's drill-down as read before issue 6: a UNION ALL of one range scan per child."""
    from decimal import Decimal

    from django.db.models import Count, Sum
    from django.db.models.functions import Coalesce

    from gonghui.activities.ledger import _bounds
    from gonghui.activities.models import Activity, ActivityStatus
    from gonghui.orgs.models import OrgNode

    children = list(OrgNode.objects.filter(parent=node).order_by("name").only("id", "name", "path", "level"))
    low, high = _bounds(start, end)
    base = Activity.objects.filter(starts_at__gte=low, starts_at__lt=high).exclude(status=ActivityStatus.CANCELLED)
    aggregates = {"activities": Count("id"), "attended": Coalesce(Sum("attended_count"), 0),
                  "cost": Coalesce(Sum("actual_cost"), Decimal("0"))}
    figures = _old_union_per_path(base, [child.path for child in children], aggregates)
    own = base.filter(path=node.path).aggregate(**aggregates)
    rows = [(child.pk, figures.get(child.path, {}).get("activities", 0), figures.get(child.path, {}).get("attended", 0),
             Decimal(figures.get(child.path, {}).get("cost") or 0)) for child in children]
    return [*rows, (None, own["activities"], own["attended"], Decimal(own["cost"] or 0))]


def new_activity_drill_down(node, start, end) -> list[tuple]:
    from gonghui.activities.ledger import drill_down

    return [(row.node.pk if row.node else None, row.activities, row.attended, row.cost)
            for row in drill_down(node, start, end)]


def old_child_rows(node, children) -> list[tuple]:
    """The dashboard's figures for a page of children as read before issue 6 (UNION ALL per child)."""
    from django.db.models import Count, Sum

    from gonghui.members.models import MemberTally
    from gonghui.orgs.models import OrgNode, Unit

    paths = [child.path for child in children]
    nodes = _old_union_per_path(OrgNode.objects.all(), paths, {"nodes": Count("id")})
    units = _old_union_per_path(Unit.objects.all(), paths, {"units": Count("id")})
    members = _old_union_per_path(MemberTally.objects.all(), paths, {"members": Sum("members")})
    return [(child.pk, (nodes.get(child.path, {}).get("nodes") or 1) - 1, units.get(child.path, {}).get("units", 0),
             members.get(child.path, {}).get("members") or 0) for child in children]


def new_child_rows(node, children) -> list[tuple]:
    from gonghui.orgs import selectors

    return [(row.node.pk, row.nodes, row.units, row.members) for row in selectors.child_rows(node, children)]


def old_activity_ledger_page(node, start, end):
    """The activity ledger page as built before issue 6: every row of the period, then one page of them."""
    from gonghui.activities.ledger import build_activity_ledger

    ledger = build_activity_ledger(node, start, end)
    page = ledger.page(1)
    return list(page.object_list), page.paginator.count, ledger.totals, ledger.persons, ledger.notes


def new_activity_ledger_page(node, start, end):
    from gonghui.activities.ledger import build_activity_ledger

    ledger = build_activity_ledger(node, start, end, paged=True)
    page = ledger.page(1)
    return list(page.object_list), page.paginator.count, ledger.totals, ledger.persons, ledger.notes


def _line(label: str, before, after, same: bool) -> None:
    print(f"  {label:36} before {before[0]:8.0f} ms (median {before[1]:.0f})   after {after[0]:8.0f} ms "
          f"(median {after[1]:.0f})   same result: {'yes' if same else 'NO'}")


def compare(year: int, nodes: dict, repeat: int) -> None:
    """The pages' reads as they were before issue 6 and as they are now, on the same data in the same run."""
    from django.core.paginator import Paginator

    from gonghui.activities import ledger as activity_ledger
    from gonghui.activities import stats as activity_stats
    from gonghui.care.visits import ledger as visit_ledger
    from gonghui.members import selectors as member_selectors
    from gonghui.orgs import selectors as org_selectors

    admin, union = nodes["admin"], nodes["union"]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def new_member_page():
        page = Paginator(member_selectors.member_list(admin, union), 25).get_page(1)
        return len(page.object_list), page.paginator.count

    print("\n== before/after (the code before issue 6, kept here, against the present code)")
    _line("member list of a union", timed(lambda: old_member_page(admin, union), repeat),
          timed(new_member_page, repeat), old_member_page(admin, union) == new_member_page())
    root = nodes["root"]

    def search_page(whole_tree: bool, text: str = "zhw"):
        queryset = (member_selectors.member_list(admin, root).filter(
            member_selectors.search_q(text, whole_tree=whole_tree)))
        page = Paginator(queryset, 25).get_page(1)
        return len(page.object_list), page.paginator.count

    _line("pinyin search “zhw”: root", timed(lambda: search_page(False), repeat),
          timed(lambda: search_page(True), repeat), search_page(False) == search_page(True))
    old_rows = old_visit_rows(admin, root, start, end)
    _line("visit ledger: district root", timed(lambda: old_visit_rows(admin, root, start, end), repeat),
          timed(lambda: visit_ledger.visit_ledger(admin, root, start, end), repeat),
          old_rows == visit_ledger.visit_ledger(admin, root, start, end)[0].rows)
    old_rows = old_activity_rows(root, start, end)
    _line("activity ledger rows: root", timed(lambda: old_activity_rows(root, start, end), repeat),
          timed(lambda: activity_ledger.build_activity_ledger(root, start, end), repeat),
          old_rows == activity_ledger.build_activity_ledger(root, start, end).rows)
    from django.db.models import Count

    from gonghui.orgs.models import OrgNode

    # the street with the most children (264 on the district data): one range scan per child before
    widest = (OrgNode.objects.filter(parent__parent=root).values("parent").annotate(n=Count("id")).order_by("-n")
              .first())
    nodes = {**nodes, "widest street": OrgNode.objects.get(pk=widest["parent"]) if widest else nodes["street"]}
    for label in ("root", "street", "widest street"):
        node = nodes[label]
        _line(f"activity drill-down: {label}",
              timed(lambda node=node: old_activity_drill_down(node, start, end), repeat),
              timed(lambda node=node: new_activity_drill_down(node, start, end), repeat),
              old_activity_drill_down(node, start, end) == new_activity_drill_down(node, start, end))
        children = list(Paginator(org_selectors.node_children(node), 25).get_page(1).object_list)
        _line(f"dashboard children: {label}",
              timed(lambda node=node, children=children: old_child_rows(node, children), repeat),
              timed(lambda node=node, children=children: new_child_rows(node, children), repeat),
              old_child_rows(node, children) == new_child_rows(node, children))
        _line(f"activity ledger page: {label}",
              timed(lambda node=node: old_activity_ledger_page(node, start, end), repeat),
              timed(lambda node=node: new_activity_ledger_page(node, start, end), repeat),
              old_activity_ledger_page(node, start, end) == new_activity_ledger_page(node, start, end))
    for label in ("root", "street"):
        node = nodes[label]
        new = activity_stats.activity_year_stats(node, year)
        old = old_activity_year_stats(node, year)
        same = (old["participants"] == new["total"]["participants"]
                and all(old["rows"][kind]["participants"] == row["participants"]
                        and old["rows"][kind]["person_times"] == row["person_times"]
                        for kind, row in new["by_kind"].items()))
        _line(f"activity year figures: {label}", timed(lambda node=node: old_activity_year_stats(node, year), repeat),
              timed(lambda node=node: activity_stats.activity_year_stats(node, year), repeat), same)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "var" / "bench5"), help="GONGHUI_VAR_DIR of the data")
    parser.add_argument("--write", action="store_true", help="open the SQLite data read-write (a copy only)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=None, help="the year of the records (default: the latest)")
    parser.add_argument("--only", default="", help="only the scenarios whose name contains this")
    parser.add_argument("--compare", action="store_true", help="time the year figures before/after issue 6")
    parser.add_argument("--plans", action="store_true", help="print every plan line (default: the first 12)")
    args = parser.parse_args()
    data = Path(args.data).resolve()
    if "DATABASE_URL" not in os.environ and not (data / "gonghui.sqlite3").exists():
        print(f"{data}/gonghui.sqlite3 not found: build it with `gonghui seed --scale district` and a year of "
              f"records, or give --data.", file=sys.stderr)
        return 2
    setup(data, read_only=not args.write)

    from django.db import connection

    from gonghui.activities.models import Activity

    latest = Activity.objects.order_by("-starts_at").values_list("starts_at", flat=True).first()
    year = args.year or (latest.year if latest else datetime.date.today().year)
    sizes = _sizes()
    engine = connection.vendor
    print(f"# bench/explain.py — {engine}, data {data if engine == 'sqlite' else '(DATABASE_URL)'}, year {year}")
    print("# rows: " + ", ".join(f"{table} {count:,}" for table, count in sorted(sizes.items(), key=lambda x: -x[1])
                                 if count > 10_000))
    cases, nodes = scenarios(year)
    flagged, slow = [], []
    for name, fn in cases:
        if args.only and args.only not in name:
            continue
        recorder = Statements()
        with connection.execute_wrapper(recorder):
                result = fn()
        best, median = timed(fn, args.repeat)
        shown = f" → {result}" if isinstance(result, tuple) and all(isinstance(x, int) for x in result) else ""
        print(f"\n== {name}: {best:.0f} ms (median {median:.0f}), {len(recorder.seen)} statements{shown}")
        for sql, params in recorder.seen:
            lines, scans = explain(sql, params, sizes)
            took = statement_ms(sql, params)
            print(f"  -- {took:6.0f} ms  {sql[:220]}{'…' if len(sql) > 220 else ''}")
            for line in lines if args.plans else lines[:12]:
                print(f"       {line}")
            for line in scans:
                print(f"     ! FULL SCAN of a big table: {line}")
                flagged.append((name, line))
            if took > SLOW_MS and not scans:
                print(f"     ! SLOW: {took:.0f} ms over the index ranges above (a whole district's rows)")
                slow.append((name, f"{took:.0f} ms {sql[:100]}…"))
    if args.compare:
        compare(year, nodes, args.repeat)
    print(f"\n# {len(flagged)} full scans of big tables" + "".join(f"\n#   {name}: {line}" for name, line in flagged))
    print(f"# {len(slow)} statements over {SLOW_MS} ms through an index" + "".join(f"\n#   {name}: {what}"
                                                                          for name, what in slow))
    return 0


if __name__ == "__main__":
    sys.exit(main())
