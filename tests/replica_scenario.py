"""Run by tests/test_replicas.py in its own process, against a real PostgreSQL primary (DATABASE_URL) and a
streaming replica of it (DATABASE_REPLICA_URLS), both started by the test on loopback. Prints one JSON object:
what each step saw. The replica's replay is paused and resumed to make its lag certain instead of a race."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from pgcluster import PgServer  # noqa: E402

from gonghui.accounts.models import Role  # noqa: E402
from gonghui.core.db import PIN_COOKIE  # noqa: E402
from gonghui.core.health import check_database  # noqa: E402
from gonghui.orgs.models import Level  # noqa: E402
from tests.conftest import make_citizen_id, make_member, make_node, make_user  # noqa: E402


def sql(alias: str, statement: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone() if cursor.description else None


def wait_caught_up() -> None:
    (target,) = sql("default", "SELECT pg_current_wal_insert_lsn()::text")
    for _ in range(600):
        (done,) = sql("replica1", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.05)
    raise TimeoutError("the replica did not catch up")


def names(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}})
def main() -> None:
    call_command("migrate", verbosity=0)
    seen: dict[str, object] = {}
    county = make_node(None, Level.COUNTY_FEDERATION, "QX", "区总工会")
    street = make_node(county, Level.STREET_FEDERATION, "SA", "甲街道总工会")
    union = make_node(street, Level.GRASSROOTS_UNION, "UA", "甲中学工会")
    chair = make_user("chair", Role.UNION_CHAIR, union, "甲主席")
    admin = make_user("admin", Role.FEDERATION_ADMIN, county, "区管理员")
    make_member(union, "王芳")
    writer, reader = Client(), Client()
    writer.force_login(chair)
    reader.force_login(admin)
    members = reverse("members:member_list", args=[union.pk])

    with override_settings(REPLICA_CHECK_SECONDS=0, REPLICA_MAX_LAG_SECONDS=60):
        wait_caught_up()
        seen["replica_is_a_standby"] = sql("replica1", "SELECT pg_is_in_recovery()")[0]
        state = check_database("replica1")
        seen["health_sees_a_streaming_standby"] = bool(state["ok"] and state["standby"] and state["streaming"])
        seen["list_shows_existing"] = "王芳" in names(reader, members)

        # the replica stops replaying: what the primary gets from now on is not on the replica yet
        sql("replica1", "SELECT pg_wal_replay_pause()")
        late = make_member(union, "李四")
        seen["list_reads_the_replica"] = "李四" not in names(reader, members)
        seen["detail_reads_the_primary"] = "李四" in names(reader, reverse("members:member_detail", args=[late.pk]))

        # the chair registers a member through the form: her own next pages read the primary
        response = writer.post(reverse("members:member_create", args=[union.pk]), {
            "name": "赵敏", "citizen_id": make_citizen_id(female=True), "employment_type": "employed",
            "join_date": "2021-03-01",
        })
        seen["write_redirects"] = response.status_code == 302
        seen["write_pins_the_writer"] = PIN_COOKIE in response.cookies
        seen["writer_sees_own_write"] = "赵敏" in names(writer, members)
        seen["others_read_the_replica"] = "赵敏" not in names(reader, members)

        sql("replica1", "SELECT pg_wal_replay_resume()")
        wait_caught_up()
        seen["others_see_it_once_replayed"] = "赵敏" in names(reader, members)

    # a replica further behind than REPLICA_MAX_LAG_SECONDS is left out: its pages read the primary
    with override_settings(REPLICA_CHECK_SECONDS=0, REPLICA_MAX_LAG_SECONDS=0.5):
        sql("replica1", "SELECT pg_wal_replay_pause()")
        make_member(union, "钱七")
        time.sleep(1.2)
        seen["lagging_replica_left_out"] = "钱七" in names(reader, members)
        sql("replica1", "SELECT pg_wal_replay_resume()")
        wait_caught_up()

        # a replica that is down: the pages still answer, from the primary
        replica = PgServer(os.environ["REPLICA_DATADIR"], int(os.environ["REPLICA_PORT"]))
        replica.stop("immediate")
        make_member(union, "孙八")
        page = reader.get(members)
        seen["replica_down_page_answers"] = page.status_code == 200 and "孙八" in page.content.decode()

    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main()
