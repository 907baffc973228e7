"""Roster import at scale: a generated 100,000-row roster (.xlsx, 15 columns, 1% bad rows) imported end to end
(read, check, dedupe, write) into a fresh SQLite database, then the same kind of file imported with
django-import-export, the library a Django developer would reach for, and the ratio of the two.

    .venv/bin/python bench/import_members.py [--rows 100000] [--library-rows 10000] [--repeat 1]

The roster is generated once into var/bench/ (bench/roster_file.py) and reused. django-import-export handles
about 1,700 rows a second, so by default it imports the first 10,000 rows of the same roster (the same
generator and seed) and its time is extrapolated linearly to the full file; the output says so. Pass
`--library-rows 100000` to time it on the whole file (about a minute).

Uses SQLite in a temporary directory unless DATABASE_URL is set (point it at an empty database).
Prints figures; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import roster_file  # noqa: E402
from benchsetup import setup_django  # noqa: E402


def make_union():
    from gonghui.orgs import services
    from gonghui.orgs.models import Level

    county = services.node_create(actor=None, parent=None, level=Level.COUNTY_FEDERATION, code="BQX",
                                  name="城东区总工会")
    return services.node_create(actor=None, parent=county, level=Level.JOINT_UNION, code="CDGY",
                                name="城东工业园区联合工会")


def clear_members() -> None:
    from django.db import connection

    from gonghui.members.models import ImportJob, Member, MembershipEvent

    with connection.cursor() as cursor:
        for model in (MembershipEvent, Member, ImportJob):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def ours(path: Path, union) -> tuple[float, dict]:
    from gonghui.members.imports import services

    started = time.perf_counter()
    report, _job = services.import_file(actor=None, union=union, path=path)
    return time.perf_counter() - started, report.counts()


def phases(path: Path, union) -> dict[str, float]:
    """Each part of the import on its own, into an empty registry: reading, checking (a dry run), hashing and
    encrypting the IDs and mobiles (the helper process's work, timed here in this process), and writing
    (members, their history, the indexes, the audit entry, the union's tally and the commit: one transaction,
    as import_run() writes it)."""
    from django.db import transaction

    from gonghui.members import tally
    from gonghui.members.imports import load
    from gonghui.members.imports.parse import read_table
    from gonghui.members.imports.sealing import Sealer

    with load.without_gc():  # as the import runs them
        started = time.perf_counter()
        table = read_table(path)
        read = time.perf_counter()
        result = load.plan(table, union)
        checked = time.perf_counter()
        ids, mobiles = result.values["citizen_id"], result.values["mobile"]
        before = time.perf_counter()
        result.sealed = Sealer.from_settings().seal(ids, mobiles)
        sealed = time.perf_counter()
        inserting = []
        insert_many = load._insert_many

        def timed_insert(*args):
            begun = time.perf_counter()
            insert_many(*args)
            inserting.append((begun, time.perf_counter()))

        load._insert_many = timed_insert
        try:
            with load.checkpoint_after(), transaction.atomic():
                load.write(result, actor=None, reason="bench")
                tally.refresh([union.pk])
        finally:
            load._insert_many = insert_many
        written = time.perf_counter()
    return {"read (python-calamine)": read - started, "check and dedupe": checked - read,
            "hash and encrypt (the helper's share)": sealed - before, "write and commit": written - sealed,
            "   of which the members' INSERTs": sum(end - begun for begun, end in inserting),
            "   of which after the last INSERT (indexes, history, tally, commit)": written - inserting[-1][1]}


def floor(parts: dict[str, float], cores: int) -> str:
    """The least time any arrangement of these parts can take on this machine. Nothing is checked before the
    file is read (calamine parses the whole sheet first); the index builds, the history rows, the tally and the
    commit come after the last member is inserted; one SQLite connection writes. At best every check, hash and
    INSERT in between is shared perfectly between the cores, rows streamed from checker to writer for free."""
    read, check, seal, write, inserts, tail = parts.values()
    before = write - inserts - tail  # the columns put together for the INSERTs
    middle = max(inserts, (check + seal + before + inserts) / cores)
    return (f"   at best on {cores} cores: read {read:.2f} + (check, hash and INSERTs shared) {middle:.2f} + "
            f"after the last INSERT {tail:.2f} = {read + middle + tail:.2f} s")


def member_resource():
    """A ModelResource as the django-import-export documentation shows it, with what the model needs computed
    per row: the 身份证号 checked (the registry's own validator), encrypted and hashed, gender and birth date
    from it, pinyin keys, the generated or given card number, the union; rows that fail are reported."""
    from import_export import fields, resources

    from gonghui.core import crypto
    from gonghui.core.validators import citizen_id_birth_date, citizen_id_gender, clean_citizen_id
    from gonghui.members.identity import clean_mobile, clean_name, name_search_keys
    from gonghui.members.models import Member

    class MemberResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        citizen_id = fields.Field(attribute="citizen_id", column_name="身份证号")
        mobile = fields.Field(attribute="mobile", column_name="手机号")
        post = fields.Field(attribute="post", column_name="岗位")
        join_date = fields.Field(attribute="join_date", column_name="入会时间")
        card_no = fields.Field(attribute="card_no", column_name="会员证号")

        class Meta:
            model = Member
            fields = ("name", "citizen_id", "mobile", "post", "join_date", "card_no")
            import_id_fields = ("card_no",)
            skip_unchanged = False

        def __init__(self, union):
            super().__init__()
            self.union = union

        def before_import_row(self, row, **kwargs):
            number = clean_citizen_id(row["身份证号"] if isinstance(row["身份证号"], str) else "E+")
            row["身份证号"] = number
            row["姓名"] = clean_name(row["姓名"] or "")
            if not row["姓名"]:
                raise ValueError("姓名为空")
            row["手机号"] = clean_mobile(row["手机号"]) if row["手机号"] else ""
            joined = row["入会时间"]
            if isinstance(joined, str):
                raise ValueError("入会时间无法识别")
            if Member.objects.filter(citizen_id_hash=crypto.lookup_hash(number)).exists():
                raise ValueError("重复的身份证号")

        def before_save_instance(self, instance, row, **kwargs):
            number = instance.citizen_id
            instance.union = self.union
            instance.path = self.union.path
            instance.gender = citizen_id_gender(number)
            instance.birth_date = citizen_id_birth_date(number)
            instance.citizen_id, instance.citizen_id_hash = crypto.encrypt(number), crypto.lookup_hash(number)
            mobile = instance.mobile
            instance.mobile, instance.mobile_hash = crypto.encrypt(mobile), crypto.lookup_hash(mobile)
            instance.name_pinyin, instance.name_initials = name_search_keys(instance.name)
            if hasattr(instance.join_date, "date"):
                instance.join_date = instance.join_date.date()

    return MemberResource


def library(path: Path, union) -> tuple[float, dict]:
    import tablib

    started = time.perf_counter()
    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx", skip_lines=1)
    resource = member_resource()(union)
    result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True,
                                  collect_failed_rows=True)
    elapsed = time.perf_counter() - started
    totals = result.totals
    return elapsed, {"rows": len(dataset), "created": totals.get("new", 0), "rejected": totals.get("error", 0)
                     + totals.get("invalid", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--library-rows", type=int, default=10_000,
                        help="rows django-import-export imports (its time is extrapolated to --rows)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of our import (the best is reported)")
    parser.add_argument("--no-helper", action="store_true",
                        help="hash and encrypt in this process instead of a helper process on the other core")
    args = parser.parse_args()

    path = roster_file.default_path(args.rows)
    if not path.exists():
        print(f"generating {path} …", flush=True)
        roster_file.generate(args.rows, path)
    setup_django()
    from django.db import connection

    if args.no_helper:
        from gonghui.members.imports import sealing

        sealing.HELPER_ROWS = 10**12
    union = make_union()
    size = path.stat().st_size / 1e6
    print(f"roster: {path.relative_to(ROOT)} ({args.rows:,} rows, 15 columns, 1% bad rows, {size:.1f} MB); "
          f"database: {connection.vendor}, fresh; CPUs: {os.cpu_count()}, load average: "
          f"{', '.join(f'{value:.1f}' for value in os.getloadavg())}; hashing and encryption "
          f"{'in this process' if args.no_helper else 'in a helper process'}")

    runs = []
    for _ in range(args.repeat):
        clear_members()
        runs.append(ours(path, union))
    best, counts = min(runs)
    print(f"gonghui import-members: {best:.2f} s end to end ({args.rows / best:,.0f} rows/s) {counts}")
    again, counts_again = ours(path, union)
    print(f"   the same roster again (every row matched, nothing changed): {again:.2f} s {counts_again}")
    clear_members()
    parts = phases(path, union)
    for label, seconds in parts.items():
        print(f"   {label}: {seconds:.2f} s")
    print(floor(parts, os.cpu_count() or 1))

    library_path = path
    if args.library_rows < args.rows:
        library_path = roster_file.default_path(args.library_rows)
        if not library_path.exists():
            roster_file.generate(args.library_rows, library_path)
    clear_members()
    subset_ours, _ = ours(library_path, union)
    clear_members()
    seconds, library_counts = library(library_path, union)
    print(f"django-import-export on {args.library_rows:,} rows: {seconds:.2f} s "
          f"({args.library_rows / seconds:,.0f} rows/s) {library_counts}; gonghui on the same file: "
          f"{subset_ours:.2f} s ({seconds / subset_ours:.0f}×)")
    if args.library_rows < args.rows:
        estimate = seconds * args.rows / args.library_rows
        print(f"django-import-export extrapolated to {args.rows:,} rows: {estimate:.1f} s (linear in rows; "
              f"run with --library-rows {args.rows} to measure it)")
    else:
        estimate = seconds
    print(f"ratio: {estimate / best:.0f}× faster than django-import-export (target ≥ 20×); "
          f"target ≤ 3 s: {'met' if best <= 3 else 'not met'}")


if __name__ == "__main__":
    main()
