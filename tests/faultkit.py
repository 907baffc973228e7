"""Test-only helper for tests/test_faults.py and bench/faults.py: each command runs in a process of its own
against the database named by the environment (DATABASE_URL, or SQLite in GONGHUI_VAR_DIR), so a test can kill it.

    python tests/faultkit.py setup                      migrate, a small tree, members, an approved assistance
    python tests/faultkit.py roster ROWS [SEED]         a roster file of ROWS rows, checked, queued for the worker
    python tests/faultkit.py requeue JOB                run a failed import again (queued for the worker)
    python tests/faultkit.py worker [--hang WHERE]      run `gonghui worker` (WHERE: write | tally)
                            [--mark] [--batch]          --mark: signal when an import starts and ends
    python tests/faultkit.py transfer|pay [--hang]      a member transfer / an assistance payment
    python tests/faultkit.py state                      counts and statuses, as JSON
    python tests/faultkit.py session                    a logged-in session key, for page requests

--hang: once the service has written everything inside its transaction (the audit entry included), create the
file named by FAULT_SIGNAL and sleep, for the parent to kill the process before the commit.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import uuid  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db.models import Sum  # noqa: E402


def hang_after(module, name: str) -> None:
    """Replace module.name by a wrapper that calls it, then signals and sleeps (inside the caller's transaction)."""
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        Path(os.environ["FAULT_SIGNAL"]).write_text(str(os.getpid()))
        while True:
            time.sleep(60)
        return result
    setattr(module, name, wrapper)


def ids() -> dict:
    return json.loads((Path(os.environ["GONGHUI_VAR_DIR"]) / "faultkit.json").read_text())


def setup() -> None:
    from gonghui.accounts.models import Role
    from gonghui.care.assistance import services as care
    from gonghui.care.hardship import services as hardship
    from gonghui.orgs.models import Level
    from tests.conftest import make_member, make_node, make_user

    call_command("migrate", verbosity=0)
    term = datetime.date(2024, 3, 1)
    county = make_node(None, Level.COUNTY_FEDERATION, "QX", "区总工会", term_start=term, term_years=5)
    street = make_node(county, Level.STREET_FEDERATION, "SA", "甲街道总工会", term_start=term, term_years=5,
                       approved_on=term)
    union_a = make_node(street, Level.GRASSROOTS_UNION, "UA", "甲中学工会", term_start=term, term_years=5,
                        approved_on=term)
    union_b = make_node(street, Level.GRASSROOTS_UNION, "UB", "乙医院工会", term_start=term, term_years=5,
                        approved_on=term)
    chair = make_user("chair_a", Role.UNION_CHAIR, union_a, "甲主席")
    finance = make_user("finance_a", Role.FINANCE_OFFICER, union_a, "甲财务")
    moving = make_member(union_a, "李调动", actor=chair)
    paid = make_member(union_a, "王慰问", actor=chair)
    today = datetime.date.today()
    hardship.budget_create(actor=None, node=union_a, year=today.year, kind="", amount=Decimal("50000"))
    record, _created = care.assistance_request(actor=chair, union=union_a, member=paid, kind="marriage",
                                               amount=Decimal("800"), on=today, submission=uuid.uuid4())
    care.assistance_approve(actor=chair, record=record)
    data = {"union_a": union_a.pk, "union_b": union_b.pk, "chair": chair.pk, "finance": finance.pk,
            "moving": moving.pk, "assistance": record.pk}
    (Path(os.environ["GONGHUI_VAR_DIR"]) / "faultkit.json").write_text(json.dumps(data))
    print(json.dumps(data))


def roster(rows: int, seed: int = 20240101) -> None:
    import roster_file
    from django.core.files import File

    from gonghui.accounts.models import User
    from gonghui.members.imports import services, tasks
    from gonghui.orgs.models import OrgNode

    path = Path(os.environ["GONGHUI_VAR_DIR"]) / f"roster_{rows}_{seed}.xlsx"
    if not path.exists():
        roster_file.generate(rows, path, seed=seed)
    chair = User.objects.get(pk=ids()["chair"])
    union = OrgNode.objects.get(pk=ids()["union_a"])
    with open(path, "rb") as handle:
        job = services.import_job_create(actor=chair, union=union, upload=File(handle, name=path.name))
    services.import_check(job=job)
    services.import_queue(job=job, mode="valid-rows")
    tasks.enqueue_import(job, chair)
    print(json.dumps({"job": job.pk, "rows": job.rows}))


def requeue(job_id: int) -> None:
    from gonghui.accounts.models import User
    from gonghui.members.imports import services, tasks
    from gonghui.members.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    services.import_queue(job=job, mode="valid-rows")
    tasks.enqueue_import(job, User.objects.get(pk=ids()["chair"]))


def mark_import() -> None:
    """Write FAULT_SIGNAL when the import starts and FAULT_SIGNAL.done when it ends (the time in each)."""
    from gonghui.members.imports import services

    real = services.import_run

    def wrapper(*args, **kwargs):
        Path(os.environ["FAULT_SIGNAL"]).write_text(repr(time.time()))
        try:
            return real(*args, **kwargs)
        finally:
            Path(os.environ["FAULT_SIGNAL"] + ".done").write_text(repr(time.time()))
    services.import_run = wrapper


def worker(hang: str | None, *, mark: bool = False, batch: bool = False) -> None:
    if mark:
        mark_import()
    if hang == "write":
        from gonghui.members.imports import load
        hang_after(load, "write")
    elif hang == "tally":
        from gonghui.members.imports import services
        hang_after(services.tally, "refresh")
    call_command("worker", "--no-startup-delay", "--interval", "0.1", *(["--batch"] if batch else []), verbosity=0)


def transfer(hang: bool) -> None:
    from gonghui.accounts.models import User
    from gonghui.core import audit
    from gonghui.members import services
    from gonghui.members.models import Member
    from gonghui.orgs.models import OrgNode

    if hang:
        hang_after(audit, "record")
    services.member_transfer_out(actor=User.objects.get(pk=ids()["chair"]),
                                 member=Member.objects.get(pk=ids()["moving"]),
                                 to_union=OrgNode.objects.get(pk=ids()["union_b"]), reason="调动")


def pay(hang: bool) -> None:
    from gonghui.accounts.models import User
    from gonghui.care.assistance import services
    from gonghui.care.models import Assistance
    from gonghui.core import audit

    if hang:
        hang_after(audit, "record")
    services.assistance_pay(actor=User.objects.get(pk=ids()["finance"]),
                            record=Assistance.objects.get(pk=ids()["assistance"]), payment_ref="PZ-1")


def state() -> None:
    from django_tasks_db.models import DBTaskResult

    from gonghui.care import caps
    from gonghui.care.models import Assistance
    from gonghui.core.models import AuditEntry, WorkerHeartbeat
    from gonghui.members.models import ImportJob, Member, MembershipEvent, MemberTally, Transfer

    known = ids()
    moving = Member.objects.get(pk=known["moving"])
    record = Assistance.objects.get(pk=known["assistance"])
    line = caps.budget_line(record.union, record.on.year, record.kind)
    tallies = MemberTally.objects.aggregate(members=Sum("members"), active=Sum("active"), women=Sum("women"))
    print(json.dumps({
        "members": Member.objects.count(),
        "tallies": {k: v or 0 for k, v in tallies.items()},
        "jobs": list(ImportJob.objects.order_by("pk").values("pk", "status", "error", "created", "rows")),
        "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
        "heartbeats": WorkerHeartbeat.objects.count(),
        "moving": {"union": moving.union_id, "status": moving.status, "transfer_to": moving.transfer_to_id},
        "transfers": Transfer.objects.filter(member=moving).count(),
        "events": MembershipEvent.objects.filter(member=moving).count(),
        "assistance": {"status": record.status, "paid_at": bool(record.paid_at), "ref": record.payment_ref},
        "budget_spent": str(caps.budget_spent(line)),
        "audit": AuditEntry.objects.count(),
    }, ensure_ascii=False))


def session() -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from gonghui.accounts.models import User

    user = User.objects.get(pk=ids()["chair"])
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print(store.session_key)


def main() -> None:
    command, args = sys.argv[1], sys.argv[2:]
    hang = "--hang" in args
    if command == "setup":
        setup()
    elif command == "roster":
        roster(*map(int, args))
    elif command == "requeue":
        requeue(int(args[0]))
    elif command == "worker":
        worker(args[args.index("--hang") + 1] if hang else None, mark="--mark" in args, batch="--batch" in args)
    elif command == "transfer":
        transfer(hang)
    elif command == "pay":
        pay(hang)
    elif command == "state":
        state()
    elif command == "session":
        session()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
