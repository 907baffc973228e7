"""The year-end summary and the indicator panel at district scale (issue 5, Speed).

    .venv/bin/python bench/summary.py [--var-dir var/bench5] [--repeat 5] [--year 2025]
    bash scripts/with-postgres.sh .venv/bin/python bench/summary.py      # the same on PostgreSQL

The data: with --var-dir, the district database already in that directory (as `gonghui seed --scale district`
left it, e.g. GONGHUI_VAR_DIR=var/bench5 gonghui seed --scale district); without it, a throw-away database
(SQLite in a temporary directory, or the DATABASE_URL given) filled by `gonghui seed --scale district`. When the
district has no records in the year, `gonghui seed --scale district-year --year Y` adds them first (44,000
activities with 2,000,000 check-ins, hardship files, assistance, visits).

The district root gets the plan a federation would draft: the federation template with every suggestion of the
records, and one indicator per registered metric (written in a transaction rolled back at the end, unless the
root has a plan of its own). Then, timed after one warm-up run (min / median, ms):
  summary parts        every domain's part of the summary for the district and year (plans/contrib.py)
  plan progress        plans/progress.py `plan_progress` of the root's plan
  summary .docx        plans/summary/docx.py `draft_docx` of the root: parts, progress, indicators, the Word
                       file written. Target ≤ 3 s.
  indicator rows       plans/indicators/status.py `indicator_rows` of the root's plan
  indicator panel      GET plans:indicator_panel as htmx through the test client, rendered, for the root and
                       for a street. Target ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsetup import setup_django, timed


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
    from gonghui.activities.models import Activity
    from gonghui.members.models import Member
    from gonghui.orgs.models import OrgNode, Unit
    from gonghui.plans import contrib
    from gonghui.plans import services as plan_services
    from gonghui.plans.indicators.status import indicator_rows
    from gonghui.plans.models import Indicator
    from gonghui.plans.progress import plan_progress
    from gonghui.plans.summary import docx, draft

    started = time.perf_counter()
    if not args.var_dir:
        call_command("seed", "--scale", "district")
        print(f"seeded the district in {time.perf_counter() - started:.1f} s")
    year = args.year or timezone.localdate().year - 1
    period = contrib.Period(year)
    root = max(OrgNode.objects.filter(parent__isnull=True).order_by("id"),
               key=lambda top: Unit.objects.filter(path__under=top.path).count())
    if root.code == "YXQ" and not Activity.objects.filter(path__under=root.path, starts_at__year=year).exists():
        started = time.perf_counter()
        call_command("seed", "--scale", "district-year", "--year", str(year))
        print(f"added the district's year of records in {time.perf_counter() - started:.1f} s")
    print(f"database: {connection.vendor}; {OrgNode.objects.count():,} nodes, {Unit.objects.count():,} units, "
          f"{Member.objects.count():,} members; district root {root.name}, year {year}")
    metrics = contrib.metrics()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        with transaction.atomic():
            # The root's plan as a federation drafts it: the federation template, every suggestion of the
            # records (换届 due, congresses, reviews …), and one indicator per registered metric. Written inside
            # this transaction and rolled back at the end, unless the root already has its own plan.
            plan = draft.plan_for(root, period)
            if plan is None:
                started = time.perf_counter()
                keys = [suggestion.key for suggestion in plan_services.fitting_suggestions(root, year)]
                plan = plan_services.plan_create(actor=None, node=root, year=year, template="federation",
                                                 suggestions=keys)
                print(f"the root's plan for {year}: drafted from the federation template with {len(keys)} "
                      f"suggestions in {(time.perf_counter() - started) * 1000:.0f} ms")
            else:
                print(f"the root's plan for {year}: {plan}")
            present = set(plan.indicators.values_list("metric", flat=True))
            for order, (key, metric) in enumerate(sorted(metrics.items()), start=100):
                if key not in present:
                    Indicator.objects.create(plan=plan, section=metric.section, order=order, metric=key,
                                             label=str(metric.label)[:120], comparator=metric.comparator,
                                             target=metric.default_target or 1, unit=metric.unit)
            print(f"  {plan.items.count()} items, {plan.indicators.count()} indicators "
                  f"({', '.join(sorted(metrics))})")

            content = docx.draft_docx(root, period)
            print(f"summary .docx: {len(content):,} bytes")
            summary_ms = timed(lambda: docx.draft_docx(root, period), args.repeat)
            parts_ms = timed(lambda: contrib.summary_parts(root, period), args.repeat)
            progress_ms = timed(lambda: plan_progress(plan), args.repeat)
            rows_ms = timed(lambda: indicator_rows(plan), args.repeat)
            user = User.objects.create(username="bench-summary", full_name="bench", is_superuser=True)
            client = Client()
            client.force_login(user)
            url = reverse("plans:indicator_panel", args=[plan.pk])
            response = client.get(url, headers={"HX-Request": "true"})
            assert response.status_code == 200, response.status_code
            panel_ms = timed(lambda: client.get(url, headers={"HX-Request": "true"}), args.repeat)
            street = OrgNode.objects.filter(parent=root).order_by("code").first()
            street_plan = plan_services.plan_create(actor=None, node=street, year=year, template="federation")
            for order, (key, metric) in enumerate(sorted(metrics.items()), start=100):
                Indicator.objects.create(plan=street_plan, section=metric.section, order=order, metric=key,
                                         label=str(metric.label)[:120], comparator=metric.comparator,
                                         target=metric.default_target or 1, unit=metric.unit)
            street_url = reverse("plans:indicator_panel", args=[street_plan.pk])
            client.get(street_url, headers={"HX-Request": "true"})
            street_ms = timed(lambda: client.get(street_url, headers={"HX-Request": "true"}), args.repeat)
            print(f"warm timings over {args.repeat} runs after one warm-up; ms (min / median)")
            print(f"  summary parts of the domains      {parts_ms[0]:>9.1f} / {parts_ms[1]:>9.1f}")
            print(f"  plan progress of the root's plan  {progress_ms[0]:>9.1f} / {progress_ms[1]:>9.1f}")
            print(f"  summary .docx (draft + write)     {summary_ms[0]:>9.1f} / {summary_ms[1]:>9.1f}   "
                  f"target ≤ 3000  ({3000 / summary_ms[1]:.1f}× under)")
            print(f"  indicator rows                    {rows_ms[0]:>9.1f} / {rows_ms[1]:>9.1f}")
            print(f"  indicator panel, district root    {panel_ms[0]:>9.1f} / {panel_ms[1]:>9.1f}   "
                  f"target ≤ 200  ({200 / panel_ms[1]:.1f}× under)")
            print(f"  indicator panel, {street.code} (street)   {street_ms[0]:>9.1f} / {street_ms[1]:>9.1f}   "
                  f"target ≤ 200")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
