import json
import os
import stat
import subprocess
import sys

from django.core.management import call_command
from stdnum.cn import uscc

from gonghui.accounts.models import Role, User
from gonghui.orgs.models import Level, OrgNode, Unit


def test_it_builds_the_demo_county_deterministically_and_keeps_it_on_a_second_run(db, capsys):
    call_command("seed", "--scale", "demo")
    first = capsys.readouterr().out
    nodes = list(OrgNode.objects.order_by("code").values_list("code", "name", "level"))
    units = list(Unit.objects.order_by("credit_code").values_list("credit_code", "name", "staff_count"))
    assert 50 <= len(units) <= 70
    assert OrgNode.objects.filter(level=Level.STREET_FEDERATION).count() == 3
    assert OrgNode.objects.filter(level=Level.JOINT_UNION).count() >= 3
    assert Unit.objects.filter(covering_union__isnull=True).exists()
    assert all(uscc.is_valid(code) for code, _, _ in units)
    assert {role for role in User.objects.values_list("assignments__role", flat=True)} == set(Role.values)
    for username in ("qu_admin", "chair", "member"):
        assert username in first

    call_command("seed", "--scale", "demo")
    assert "已存在" in capsys.readouterr().out
    assert list(OrgNode.objects.order_by("code").values_list("code", "name", "level")) == nodes
    assert list(Unit.objects.order_by("credit_code").values_list("credit_code", "name", "staff_count")) == units


def test_it_lists_nodes_as_json(world, capsys):
    call_command("orgs", "--json")
    rows = json.loads(capsys.readouterr().out)
    by_code = {row["code"]: row for row in rows}
    assert by_code["UA"] == {"code": "UA", "name": "甲中学工会", "level": "grassroots_union", "parent": "SA",
                             "depth": 2}
    assert by_code["QX"]["parent"] is None


def test_it_generates_the_secret_key_once_with_mode_0600(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env["GONGHUI_VAR_DIR"] = str(tmp_path)
    code = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG, settings.TIME_ZONE)"
    env["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    second = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first[0] == second[0] == key_file.read_text().strip()
    assert first[1:] == ["False", "Asia/Shanghai"]
