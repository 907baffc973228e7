"""The year-end summary and the indicator panel at district scale (issue 5, Speed).

    .venv/bin/python bench/summary.py [--var-dir var/bench5] [--repeat 5] [--year 2025]
    bash scripts/with-postgres.sh .venv/bin/python bench/summary.py      # the same on PostgreSQL

The data: with --var-dir, the district database already in that directory (as `gonghui seed --scale district`
left it, e.g. by bench/coverage_stats.py or another bench run with GONGHUI_VAR_DIR set there); without it, a
throw-away SQLite database in a temporary directory filled by `gonghui seed --scale district` (several minutes).

Timed, after one warm-up run (min / median):
  summary .docx   plans/summary/docx.py `draft_docx` of the district root for the year: every domain's summary
                  part over the whole district, the plan's progress and indicators if the root has a plan, and
                  the Word file written. Target ≤ 3 s.
  indicator rows  plans/indicators/status.py `indicator_rows` of a plan on the district root carrying one
                  indicator for each registered metric (建会率, 入会率, activities, 人次, visits …).
  indicator panel the same through the test client: GET plans:indicator_panel as htmx, rendered. Target ≤ 200 ms.
The plan, its indicators and the bench user are written inside a transaction that is rolled back at the end:
the database is left as it was.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsetup import setup_django


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return min(samples), statistics.median(samples)


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", help="a directory holding a district database (gonghui.sqlite3) to reuse")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, help="the year summarised (default: last year)")
    args = parser.parse_args()
    if args.var_dir:
        var_dir = Path(args.var_dir).resolve()
        if not (var_dir / "gonghui.sqlite3").exists():
            parser.error(f"no gonghui.sqlite3 in {var_dir}")
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # tables of apps added since the database was built
    else:
        setup_django()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from gonghui.accounts.models import User
    from gonghui.members.models import Member
    from gonghui.orgs.models import OrgNode, Unit
    from gonghui.plans import contrib
    from gonghui.plans.indicators.status import indicator_rows
    from gonghui.plans.models import Indicator, Plan
    from gonghui.plans.summary import docx, draft

    started = time.perf_counter()
    if not args.var_dir:
        call_command("seed", "--scale", "district")
        print(f"seeded the district in {time.perf_counter() - started:.1f} s")
    year = args.year or timezone.localdate().year - 1
    period = contrib.Period(year)
    root = max(OrgNode.objects.filter(parent__isnull=True).order_by("id"),
               key=lambda top: Unit.objects.filter(path__under=top.path).count())
    print(f"database: {connection.vendor}; {OrgNode.objects.count():,} nodes, {Unit.objects.count():,} units, "
          f"{Member.objects.count():,} members; district root {root.name}, year {year}")
    stored_plan = draft.plan_for(root, period)
    print(f"the root's plan for {year}: {stored_plan or 'none'}")

    content = docx.draft_docx(root, period)
    print(f"summary .docx: {len(content):,} bytes")
    summary_ms = timed(lambda: docx.draft_docx(root, period), args.repeat)
    parts_ms = timed(lambda: contrib.summary_parts(root, period), args.repeat)
    print(f"warm timings over {args.repeat} runs after one warm-up; ms (min / median)")
    print(f"  summary parts of the domains  {parts_ms[0]:>9.1f} / {parts_ms[1]:>9.1f}")
    print(f"  summary .docx (draft + write) {summary_ms[0]:>9.1f} / {summary_ms[1]:>9.1f}   target ≤ 3000")

    metrics = contrib.metrics()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        with transaction.atomic():
            # the root's plan of the year if it has one (its own indicators stay), else a new one
            plan = stored_plan if stored_plan is not None and stored_plan.half == 0 else None
            if plan is None:
                plan = Plan.objects.create(node=root, path=root.path, year=year, title="bench plan")
            for order, (key, metric) in enumerate(sorted(metrics.items()), start=100):
                Indicator.objects.create(plan=plan, section=metric.section, order=order, metric=key,
                                         label=str(metric.label)[:120], comparator=metric.comparator,
                                         target=metric.default_target or 1, unit=metric.unit)
            user = User.objects.create(username="bench-summary", full_name="bench", is_superuser=True)
            client = Client()
            client.force_login(user)
            url = reverse("plans:indicator_panel", args=[plan.pk])
            rows = indicator_rows(plan)
            print(f"indicator plan: {len(rows)} indicators, {len(metrics)} of them one per metric: "
                  f"{', '.join(sorted(metrics))}")
            rows_ms = timed(lambda: indicator_rows(plan), args.repeat)
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200, response.status_code
            panel_ms = timed(lambda: client.get(url, headers={"HX-Request": "true"}), args.repeat)
            print(f"  indicator rows                {rows_ms[0]:>9.1f} / {rows_ms[1]:>9.1f}")
            print(f"  indicator panel (htmx GET)    {panel_ms[0]:>9.1f} / {panel_ms[1]:>9.1f}   target ≤ 200")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
