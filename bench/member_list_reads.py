"""The reads the member list page (members:member_list) makes beside its page of members, before and after issue 6's
fixes, on the district data, opened read-only (nothing is written).

    .venv/bin/python bench/member_list_reads.py                      # var/bench_h3 (a migrated copy of var/bench5)
    .venv/bin/python bench/member_list_reads.py --data var/bench5 --repeat 3
    DATABASE_URL=postgres://… .venv/bin/python bench/member_list_reads.py

For the district root, its first street and that street's largest union, as the district's federation admin held in
memory: the inactive-members count (the old `created_at__date__lte` cutoff, which has SQLite convert every row's
timestamp in Python, against the new `created_at__lt` start of the next day) and the pending transfers (the old read
of every pending transfer with its member and both unions, against the two counts the page shows). Each pair is
checked to give the same figures. Times: best and median of --repeat runs after one warm-up, in milliseconds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsetup import timed
from explain import district_sample, setup


def old_inactive_q(today=None):
    from dateutil.relativedelta import relativedelta
    from django.db.models import Q
    from django.utils import timezone

    from gonghui.members.models import Status
    from gonghui.members.selectors import INACTIVITY_MONTHS

    cutoff = (today or timezone.localdate()) - relativedelta(months=INACTIVITY_MONTHS)
    last_seen = Q(last_active_on__lte=cutoff) | Q(
        last_active_on__isnull=True, join_date__lte=cutoff, created_at__date__lte=cutoff)
    not_reviewed = Q(inactivity_reviewed_on__isnull=True) | Q(inactivity_reviewed_on__lte=cutoff)
    return Q(status=Status.ACTIVE) & last_seen & not_reviewed


def old_inactive_count(user, node) -> int:
    from gonghui.accounts import policy
    from gonghui.members.models import Member

    return Member.objects.filter(policy.subtree_q(user, "members.view", node.path)).filter(old_inactive_q()).count()


def old_pending_transfers(user, node) -> dict:
    from gonghui.accounts import policy
    from gonghui.members.models import Transfer, TransferStatus

    base = Transfer.objects.filter(status=TransferStatus.PENDING).select_related("member", "from_union", "to_union")
    incoming = base.filter(policy.subtree_q(user, "members.view", node.path, "to_path"))
    outgoing = base.filter(policy.subtree_q(user, "members.view", node.path, "from_path"))
    return {"incoming": list(incoming.order_by("sent_on")), "outgoing": list(outgoing.order_by("sent_on"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="var/bench_h3", help="the district data's GONGHUI_VAR_DIR (read-only)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup(Path(args.data), read_only=True)

    from django.db import connection

    from gonghui.members import selectors
    from gonghui.members.models import Member

    root, admin, street, union = district_sample()
    print(f"{connection.vendor}, {args.data if connection.vendor == 'sqlite' else connection.settings_dict['NAME']}:"
          f" {Member.objects.count():,} members; best / median of {args.repeat} in ms")

    def new_inactive(node):
        return selectors.inactive_members(admin, node).count()

    def new_transfers(node):
        counts = selectors.pending_transfer_counts(admin, node)
        return counts["incoming"], counts["outgoing"]

    def old_transfers(node):
        found = old_pending_transfers(admin, node)
        return len(found["incoming"]), len(found["outgoing"])

    failures = 0
    for label, node in (("union", union), ("street", street), ("district root", root)):
        for what, before, after in (("inactive count", lambda n=node: old_inactive_count(admin, n),
                                     lambda n=node: new_inactive(n)),
                                    ("pending transfers", lambda n=node: old_transfers(n),
                                     lambda n=node: new_transfers(n))):
            old_result, new_result = before(), after()
            old_best, old_median = timed(before, args.repeat)
            new_best, new_median = timed(after, args.repeat)
            same = old_result == new_result
            failures += not same
            print(f"  {what:18} {label:14} before {old_best:9.1f} / {old_median:9.1f}   after {new_best:8.1f} / "
                  f"{new_median:8.1f}   {old_result} {'==' if same else '!='} {new_result}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
