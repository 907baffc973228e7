"""Roster export and member cards at size: the time to write a union's whole roster to .xlsx and to draw a
sheet of cards, as the views do them.

Builds one union with N members (bulk-inserted, identifiers encrypted as the services store them) in a
throw-away database, then times `export_roster` with every column and the identifiers in clear (the
heaviest case: two decryptions a row), and `cards_pdf` for the largest selection one request may draw.

    .venv/bin/python bench/member_export.py [--rows 100000] [--cards 2000]

Uses SQLite in a temporary directory unless DATABASE_URL is set (point it at an empty database).
Prints the figures; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from benchsetup import setup_django


def build(rows: int):
    from gonghui.accounts import services as account_services
    from gonghui.accounts.models import Role, User
    from gonghui.core import crypto
    from gonghui.demo.identifiers import citizen_id
    from gonghui.demo.names import person_name
    from gonghui.members.identity import name_search_keys
    from gonghui.members.models import Member
    from gonghui.orgs import services as org_services
    from gonghui.orgs.models import Level

    county = org_services.node_create(actor=None, parent=None, level=Level.COUNTY_FEDERATION, code="BX",
                                      name="城东区总工会")
    union = org_services.node_create(actor=None, parent=county, level=Level.JOINT_UNION, code="BU",
                                     name="城东工业园区联合工会")
    groups = [org_services.node_create(actor=None, parent=union, level=Level.UNION_GROUP, code=f"BG{i}",
                                       name=f"第{i}工会小组") for i in range(1, 11)]
    chair = User.objects.create(username="bench_chair", full_name="主席")
    account_services.role_grant(actor=None, user=chair, node=union, role=Role.UNION_CHAIR)

    rng = random.Random(7)
    seen: set[str] = set()
    batch: list[Member] = []
    for index in range(rows):
        female = rng.random() < 0.45
        while True:
            number = citizen_id(rng, area="320106", birth_year=rng.randint(1965, 2004), female=female)
            if number not in seen:
                seen.add(number)
                break
        name = person_name(rng, female=female)
        pinyin, initials = name_search_keys(name)
        mobile = f"13{rng.randint(0, 999999999):09d}"
        group = rng.choice(groups)
        batch.append(Member(
            name=name, name_pinyin=pinyin, name_initials=initials, gender="F" if female else "M", ethnicity="汉族",
            birth_date=datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
            citizen_id=crypto.encrypt(number), citizen_id_hash=crypto.lookup_hash(number),
            mobile=crypto.encrypt(mobile), mobile_hash=crypto.lookup_hash(mobile), education="college",
            political_status="masses", employment_type=rng.choice(["employed", "migrant", "dispatched"]),
            post="操作工", union=union, group=group, path=group.path, join_date=datetime.date(2015, 1, 1)
            + datetime.timedelta(days=rng.randint(0, 3000)), card_no=f"BU-{index + 1:06d}", status="active",
        ))
        if len(batch) == 5000:
            Member.objects.bulk_create(batch)
            batch = []
    Member.objects.bulk_create(batch)
    return union, chair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.utils import translation

    from gonghui.members import selectors
    from gonghui.members.documents import cards, export
    from gonghui.members.documents.tokens import card_token

    translation.activate("zh-hans")
    started = time.perf_counter()
    union, chair = build(args.rows)
    print(f"built {args.rows:,} members in {time.perf_counter() - started:.1f} s")

    members = selectors.member_list(chair, union)
    started = time.perf_counter()
    result = export.export_roster(actor=chair, node=union, members=members, columns=export.COLUMNS, unmask=True)
    elapsed = time.perf_counter() - started
    size = result.file.seek(0, os.SEEK_END)
    result.file.close()
    print(f"export: {result.rows:,} rows × {len(export.COLUMNS)} columns, identifiers in clear: {elapsed:.2f} s "
          f"({result.rows / elapsed:,.0f} rows/s), {size / 1e6:.1f} MB")

    started = time.perf_counter()
    result = export.export_roster(actor=chair, node=union, members=members,
                                  columns=export.ordered_columns(["card_no", "name", "gender", "union", "status"]),
                                  unmask=False)
    elapsed = time.perf_counter() - started
    result.file.close()
    print(f"export: {result.rows:,} rows × 5 columns: {elapsed:.2f} s")

    chosen = list(members[: args.cards])
    started = time.perf_counter()
    pdf, count = cards.cards_pdf(chosen, lambda m: f"https://gonghui.example.cn/members/verify/{card_token(m)}/",
                                 layout="sheet")
    elapsed = time.perf_counter() - started
    print(f"cards: {count:,} cards on {-(-count // cards.CARDS_PER_SHEET)} A4 pages: {elapsed:.2f} s "
          f"({count / elapsed:,.0f} cards/s), {len(pdf) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
