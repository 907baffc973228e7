"""The accounts and records the load bench (bench/load.py) needs on top of the district data, and the plan of
pages its clients request: written as JSON to the file named on the command line.

Run with the environment of the server (GONGHUI_VAR_DIR, DATABASE_URL):

    python bench/load_setup.py PLAN.json

The district data (`gonghui seed --scale district` and `--scale district-year`) has no user accounts. This adds,
once (a second run finds them and only writes the plan again):
- load_admin: federation admin of the district's root node;
- load_street_NN: federation admin of each street federation;
- load_chair_NN: chair of one of 64 grassroots unions spread over the streets, each union with an activity open
  for sign-up (starting in 2030) and six members put on its list by the chair, whom the chair ticks in and out;
- load_member_NN: the account of one member of each of those unions (role `member` on the member's group or
  union), who signs up for the open activity and cancels again.
All passwords are PASSWORD. Users are written through the model with one password hash computed once (Argon2
takes about half a second per hash here); roles, activities and sign-ups go through the services.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

PASSWORD = "Load-bench-2026"
UNIONS = 64
ON_LIST = 6
SEED = 6


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: load_setup.py PLAN.json")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    started = time.perf_counter()
    plan = build_plan()
    Path(sys.argv[1]).write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    print(f"load setup: {len(plan['chairs'])} unions, {len(plan['streets'])} streets, "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def build_plan() -> dict:
    from django.db import transaction
    from django.db.models import Count

    from gonghui.accounts.models import Role, User
    from gonghui.members.models import MEMBER_STATUSES, Member
    from gonghui.orgs.models import Level, OrgNode

    root = OrgNode.objects.get(parent__isnull=True)
    streets = list(OrgNode.objects.filter(parent=root, level=Level.STREET_FEDERATION).order_by("code"))
    if not streets:
        sys.exit("load setup: no street federations under the root: is this the district data?")
    if User.objects.filter(username=f"load_chair_{UNIONS:02d}").exists():
        return _plan(root, streets)
    from django.contrib.auth.hashers import make_password

    password_hash = make_password(PASSWORD)
    if not User.objects.filter(username="load_admin").exists():
        with transaction.atomic():
            _account(password_hash, "load_admin", "负载测试区管理员", root, Role.FEDERATION_ADMIN)
            for number, street in enumerate(streets, start=1):
                _account(password_hash, f"load_street_{number:02d}", f"负载测试街道管理员{number}", street,
                         Role.FEDERATION_ADMIN)
    candidates = sorted(
        Member.objects.filter(status__in=MEMBER_STATUSES, union__level=Level.GRASSROOTS_UNION)
        .values("union_id").annotate(n=Count("id")).filter(n__gte=40).values_list("union_id", flat=True))
    random.Random(SEED).shuffle(candidates)
    unions = list(OrgNode.objects.filter(pk__in=candidates[:UNIONS]).order_by("path"))
    for number, union in enumerate(unions, start=1):
        if User.objects.filter(username=f"load_chair_{number:02d}").exists():
            continue
        with transaction.atomic():
            _union_setup(password_hash, number, union, random.Random(SEED * 1000 + number))
    return _plan(root, streets)


def _account(password_hash: str, username: str, full_name: str, node, role: str):
    from gonghui.accounts import services as account_services
    from gonghui.accounts.models import User

    user = User(username=username, full_name=full_name, language="zh-hans", password=password_hash)
    user.full_clean(exclude=["password"])
    user.save()
    account_services.role_grant(actor=None, user=user, node=node, role=role)
    return user


def _union_setup(password_hash: str, number: int, union, rng: random.Random) -> None:
    from django.utils import timezone

    from gonghui.accounts.models import Role
    from gonghui.activities import services as activity_services
    from gonghui.activities.models import ActivityKind, ActivityStatus, Audience
    from gonghui.members.models import MEMBER_STATUSES, Member

    chair = _account(password_hash, f"load_chair_{number:02d}", f"负载测试主席{number}", union, Role.UNION_CHAIR)
    tz = timezone.get_current_timezone()
    starts = datetime.datetime(2030, 5, 1 + number % 28, 9, 0, tzinfo=tz)
    activity = activity_services.activity_create(
        actor=chair, organiser=union, title=f"负载测试：{union.name}健步走", kind=ActivityKind.SPORTS_CULTURE,
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), place="体育公园", audience=Audience.ALL,
        audience_group=None, include_subtree=False, capacity=None, signup_deadline=None, budget=None,
        actual_cost=None, description="负载测试用的活动。")
    if activity.status != ActivityStatus.OPEN:
        activity_services.activity_set_status(actor=chair, activity=activity, status=ActivityStatus.OPEN)
    members = list(Member.objects.filter(union=union, status__in=MEMBER_STATUSES, user__isnull=True)
                   .order_by("id")[:200])
    chosen = rng.sample(members, ON_LIST + 1)
    for member in chosen[:ON_LIST]:
        activity_services.signup(actor=chair, activity=activity, member=member, by_officer=True)
    linked = chosen[ON_LIST]
    user = _account(password_hash, f"load_member_{number:02d}", linked.name, linked.group or union, Role.MEMBER)
    Member.objects.filter(pk=linked.pk).update(user=user)


def _plan(root, streets) -> dict:
    from gonghui.accounts.models import RoleAssignment
    from gonghui.activities.models import Activity, Participation
    from gonghui.members.models import MEMBER_STATUSES, Member

    def terms(node, count=6) -> dict:
        """Search words that find someone under `node`: a surname-and-given-name fragment, pinyin initials and
        the tail of a card number, taken from members there."""
        sample = list(Member.objects.filter(path__under=node.path, status__in=MEMBER_STATUSES)
                      .order_by("id").values_list("name", "name_initials", "card_no")[:count * 20:20])
        return {"name": sorted({name[1:] if len(name) > 2 else name for name, _i, _c in sample}),
                "initials": sorted({initials[:2] for _n, initials, _c in sample if len(initials) >= 2}),
                "card": sorted({card[-6:] for _n, _i, card in sample})}

    chairs = []
    assignments = (RoleAssignment.objects.filter(user__username__startswith="load_chair_")
                   .select_related("user", "node").order_by("user__username"))
    for assignment in assignments:
        union = assignment.node
        activity = Activity.objects.filter(organiser=union, title__startswith="负载测试").order_by("id").first()
        on_list = list(Participation.objects.filter(activity=activity, added_by=assignment.user)
                       .values_list("id", flat=True).order_by("id"))
        visitable = list(Member.objects.filter(union=union, status__in=MEMBER_STATUSES, user__isnull=True)
                         .order_by("id").values_list("id", flat=True)[:40])
        member_user = Member.objects.filter(union=union, user__username__startswith="load_member_") \
            .values_list("user__username", flat=True).first()
        street = next(s for s in streets if union.path.startswith(s.path))
        chairs.append({"username": assignment.user.username, "union": union.pk, "street": street.pk,
                       "activity": activity.pk, "participations": on_list, "visit_members": visitable,
                       "member_username": member_user, "search": terms(union)})
    street_rows = []
    for number, street in enumerate(streets, start=1):
        street_rows.append({"username": f"load_street_{number:02d}", "node": street.pk, "search": terms(street, 4)})
    return {"password": PASSWORD, "root": root.pk, "admin": "load_admin", "streets": street_rows, "chairs": chairs}


if __name__ == "__main__":
    main()
