"""Coverage statistics (issue 3 §8): figures derived from the unit and member records, kept in per-node tallies
by the member services, shown on the dashboard and printed by `gonghui stats`."""

from __future__ import annotations

import json
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.demo import identifiers
from gonghui.members import services as member_services
from gonghui.members import tally
from gonghui.members.models import MEMBER_STATUSES, Member, MemberTally, RetainReason, Status
from gonghui.orgs import selectors
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Coverage, Level, Unit

from .conftest import VALID_CODES, make_member, make_node


def expected_figures(path: str) -> dict:
    """The figures of a subtree counted the slow way, straight from the unit and member rows."""
    units = [unit for unit in Unit.objects.all() if unit.path.startswith(path)]
    members = [member for member in Member.objects.all() if member.path.startswith(path)]
    counted = [member for member in members if member.status in MEMBER_STATUSES]
    working = [member for member in counted if member.status != Status.RETAINED]
    covered = [unit for unit in units if unit.coverage != Coverage.NONE]
    large = [unit for unit in units if unit.staff_count >= 25]
    large_covered = [unit for unit in large if unit.coverage != Coverage.NONE]
    staff = sum(unit.staff_count for unit in covered)

    def rate(part, whole):
        return round(part / whole, 4) if whole else None

    return {
        "units": len(units),
        "units_with_union": len(covered),
        "units_independent": sum(unit.coverage == Coverage.INDEPENDENT for unit in units),
        "units_joint": sum(unit.coverage == Coverage.JOINT for unit in units),
        "units_without_union": len(units) - len(covered),
        "founding_rate": rate(len(covered), len(units)),
        "min_staff": 25,
        "units_min_staff": len(large),
        "units_min_staff_with_union": len(large_covered),
        "founding_rate_min_staff": rate(len(large_covered), len(large)),
        "staff_covered": staff,
        "members": len(counted),
        "working_members": len(working),
        "membership_rate": rate(len(working), staff),
        "women_members": sum(m.gender == "F" for m in counted),
        "migrant_members": sum(m.employment_type == "migrant" for m in counted),
        "new_form_members": sum(m.new_form_group != "" for m in counted),
        "front_line_members": sum(m.is_front_line for m in counted),
        "retired_members": sum(m.employment_type == "retired" or m.retain_reason == "retired" for m in counted),
        "members_by_status": {status: sum(m.status == status for m in members) for status in Status.values},
    }


@pytest.fixture
def people(world):
    """Members of every kind in unions A, the joint union and B, and one unit without a union."""
    w = world
    made = {
        "a_woman": make_member(w.union_a, "李娜", female=True, group=w.group_a, unit=w.unit_a, is_front_line=True),
        "a_migrant": make_member(w.union_a, "王五", employment_type="migrant", unit=w.unit_a),
        "a_courier": make_member(w.union_a, "赵六", new_form_group="courier", is_front_line=True),
        "a_retiree": make_member(w.union_a, "钱七", employment_type="retired"),
        "a_applicant": make_member(w.union_a, "孙八", status=Status.APPLICANT),
        "j_woman": make_member(w.joint_a, "周九", female=True, employment_type="migrant",
                               new_form_group="food_delivery"),
        "j_man": make_member(w.joint_a, "吴十"),
        "b_woman": make_member(w.union_b, "郑一", female=True),
        "b_man": make_member(w.union_b, "冯二", unit=w.unit_b),
    }
    member_services.member_withdraw(actor=None, member=made["j_man"])
    member_services.member_retain(actor=None, member=made["a_retiree"], reason=RetainReason.RETIRED)
    org_services.unit_create(actor=None, name="甲无工会厂", credit_code=VALID_CODES[3], kind="enterprise",
                             ownership="private", industry="C", staff_count=40, women_count=10,
                             area_node=w.street_a)
    return made


def test_it_counts_every_figure_of_a_subtree_as_the_records_say(world, people):
    for node in (world.county, world.street_a, world.street_b, world.union_a, world.joint_a, world.group_a):
        assert selectors.coverage(node).as_dict() == expected_figures(node.path), node.code


def test_it_counts_the_figures_a_federation_reports(world, people):
    figures = selectors.coverage(world.street_a).as_dict()
    # 甲中学 (125 staff, own union), 甲便利店 (12, joint), 甲无工会厂 (40, none)
    assert (figures["units"], figures["units_with_union"], figures["units_min_staff"]) == (3, 2, 2)
    assert (figures["units_independent"], figures["units_joint"], figures["units_without_union"]) == (1, 1, 1)
    assert figures["founding_rate_min_staff"] == 0.5
    assert figures["staff_covered"] == 137
    # members: union A's four (the applicant is not one yet) and the joint union's woman (the man withdrew)
    assert figures["members"] == 5
    # 入会率 over staff: the retiree keeps 保留会籍 but is not staff of a covered unit
    assert figures["working_members"] == 4
    assert figures["membership_rate"] == round(4 / 137, 4)
    assert (figures["women_members"], figures["migrant_members"], figures["new_form_members"]) == (2, 2, 2)
    assert (figures["front_line_members"], figures["retired_members"]) == (2, 1)
    assert figures["members_by_status"]["applicant"] == 1
    assert figures["members_by_status"]["withdrawn"] == 1
    assert figures["members_by_status"]["retained"] == 1


def tally_of(node) -> dict[str, int]:
    return tally.totals(MemberTally.objects.filter(path__under=node.path))


def test_a_transfer_moves_the_member_between_the_tallies_of_both_unions(world, people):
    member = people["a_migrant"]
    before_a, before_b = tally_of(world.union_a), tally_of(world.union_b)
    member_services.member_transfer_out(actor=None, member=member, to_union=world.union_b)
    # in transfer: still counted by the sending union, as in transfer
    after_a = tally_of(world.union_a)
    assert after_a["members"] == before_a["members"]
    assert (after_a["active"], after_a["in_transfer"]) == (before_a["active"] - 1, before_a["in_transfer"] + 1)
    member_services.member_transfer_receive(actor=None, member=member)
    after_a, after_b = tally_of(world.union_a), tally_of(world.union_b)
    assert after_a["members"] == before_a["members"] - 1 and after_a["migrant"] == before_a["migrant"] - 1
    assert after_b["members"] == before_b["members"] + 1 and after_b["migrant"] == before_b["migrant"] + 1
    assert after_a["in_transfer"] == 0


def test_retaining_after_a_unit_closed_moves_the_member_to_the_union_above(world, people):
    member = people["b_man"]
    member_services.member_retain(actor=None, member=member, reason=RetainReason.UNIT_CLOSED)
    assert tally_of(world.union_b)["members"] == 1
    street = MemberTally.objects.get(node=world.street_b)
    assert (street.members, street.retained) == (1, 1)
    assert tally_of(world.street_b)["members"] == 2
    assert selectors.coverage(world.street_b).as_dict() == expected_figures(world.street_b.path)


def test_withdrawing_and_restoring_change_the_counts(world, people):
    member = people["a_woman"]
    before = tally_of(world.union_a)
    member_services.member_withdraw(actor=None, member=member)
    after = tally_of(world.union_a)
    assert (after["members"], after["women"], after["front_line"]) == (
        before["members"] - 1, before["women"] - 1, before["front_line"] - 1)
    assert after["withdrawn"] == before["withdrawn"] + 1
    member_services.member_reapply(actor=None, member=member)
    member_services.member_approve(actor=None, member=member)
    assert tally_of(world.union_a)["members"] == before["members"]


def test_an_update_recounts_the_member(world, people):
    member = people["b_woman"]
    member_services.member_update(actor=None, member=member, employment_type="migrant", new_form_group="courier")
    assert (tally_of(world.union_b)["migrant"], tally_of(world.union_b)["new_form"]) == (1, 1)


def rows() -> list[tuple]:
    fields = ("union_id", "node_id", "path", *tally.FIGURES)
    return sorted(MemberTally.objects.values_list(*fields))


def test_rebuilding_every_tally_gives_what_the_services_kept(world, people):
    member_services.member_transfer_out(actor=None, member=people["a_courier"], to_union=world.joint_a)
    member_services.member_transfer_receive(actor=None, member=people["a_courier"])
    member_services.member_retain(actor=None, member=people["b_man"], reason=RetainReason.UNIT_CLOSED)
    member_services.member_expel(actor=None, member=people["j_woman"], reason="严重违纪")
    incremental = rows()
    assert incremental
    assert tally.rebuild_all() == len(incremental)
    assert rows() == incremental


def test_a_refresh_drops_the_rows_of_a_union_left_without_members(world):
    member = make_member(world.union_b, "陈一", group=None)
    member_services.member_transfer_out(actor=None, member=member, to_union=world.union_a)
    member_services.member_transfer_receive(actor=None, member=member, group=world.group_a)
    assert not MemberTally.objects.filter(union=world.union_b).exists()
    assert MemberTally.objects.get(union=world.union_a, node=world.group_a).members == 1


def test_a_move_carries_the_members_and_tallies_of_the_subtree(world, people):
    org_services.node_move(actor=None, node=world.joint_a, new_parent=world.street_b)
    world.joint_a.refresh_from_db()
    assert all(tally.path.startswith(world.joint_a.path) for tally in MemberTally.objects.filter(union=world.joint_a))
    assert all(m.path.startswith(world.street_b.path) for m in Member.objects.filter(union=world.joint_a))
    for node in (world.county, world.street_a, world.street_b):
        assert selectors.coverage(node).as_dict() == expected_figures(node.path), node.code


def test_a_unions_rules_read_its_own_members_but_not_those_of_unions_below(world):
    below = make_node(world.joint_a, Level.GRASSROOTS_UNION, "JAU", "甲社区某厂工会")
    for index in range(25):
        make_member(below, f"厂会员{index:02d}", female=index < 10)
    make_member(world.joint_a, "社区会员", female=True)
    assert selectors.own_member_counts(world.joint_a) == (1, 1)
    assert selectors.own_member_counts(below) == (25, 10)
    codes = {finding.code for finding in selectors.findings_for(below, [])}
    assert {"committee_missing", "women_committee_missing"} <= codes
    assert "committee_missing" not in {finding.code for finding in selectors.findings_for(world.joint_a, [])}
    assert selectors.coverage(world.joint_a).members == 26


def test_the_node_page_shows_members_counted_from_the_records(client, world, people):
    client.force_login(world.chair_a)
    page = client.get(reverse("orgs:node_detail", args=[world.union_a.pk])).content.decode()
    assert 'data-testid="own-members">4（女 1）' in page
    assert reverse("orgs:node_stats", args=[world.union_a.pk]) in page


def test_the_dashboard_shows_the_figures_and_opens_each_child(client, world, people):
    client.force_login(world.district_admin)
    response = client.get(reverse("orgs:node_stats", args=[world.street_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "建会率" in page and "入会率" in page and "农民工" in page and "新就业形态" in page
    assert 'data-figure="units">3<' in page and 'data-figure="members">5<' in page
    assert "vendor/echarts/echarts.min.js" in page
    chart = response.context["chart"]
    assert chart["children"]["names"] == ["甲中学工会", "甲社区联合工会"]
    assert chart["children"]["urls"] == [reverse("orgs:node_stats", args=[world.union_a.pk]),
                                         reverse("orgs:node_stats", args=[world.joint_a.pk])]
    assert chart["children"]["founding"] == [100.0, 100.0]
    assert {item["name"] for item in chart["status"]} >= {"会员", "保留会籍", "申请入会"}
    # the unit without a union answers to the street itself: its own row
    rows = response.context["rows"]
    assert [row.node.code if row.node else None for row in rows] == ["UA", "JA", None]
    assert rows[2].coverage.units_without_union == 1
    for child in (world.union_a, world.joint_a):
        assert f'data-child="{child.code}"' in page


def test_the_echarts_script_is_loaded_on_the_dashboard_only(client, world):
    client.force_login(world.district_admin)
    assert "echarts" not in client.get(reverse("orgs:node_detail", args=[world.county.pk])).content.decode()


def test_the_dashboard_answers_its_children_table_as_an_htmx_fragment(client, world, people):
    client.force_login(world.district_admin)
    response = client.get(reverse("orgs:node_stats", args=[world.county.pk]),
                          headers={"HX-Request": "true", "HX-Target": "stats-children"})
    page = response.content.decode()
    assert "<html" not in page and 'data-child="SA"' in page and 'data-child="SB"' in page


def test_the_outsider_cannot_see_another_streets_statistics(client, world):
    client.force_login(world.chair_b)
    for node in (world.street_a, world.union_a, world.county):
        assert client.get(reverse("orgs:node_stats", args=[node.pk])).status_code == 404
    assert client.get(reverse("orgs:node_stats", args=[world.union_b.pk])).status_code == 200


def test_the_dashboard_runs_a_fixed_number_of_queries(client, world, people):
    client.force_login(world.district_admin)
    url = reverse("orgs:node_stats", args=[world.street_a.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(8):
        union = make_node(world.street_a, Level.GRASSROOTS_UNION, f"MORE{index}", f"新工会{index}")
        group = make_node(union, Level.UNION_GROUP, f"MORE{index}G", f"新小组{index}")
        org_services.unit_create(actor=None, name=f"新单位{index}", credit_code=_credit_code(index),
                                 kind="enterprise", ownership="private", industry="C", staff_count=30,
                                 covering_union=union)
        make_member(union, f"新会员{index}", group=group)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def _credit_code(index: int) -> str:
    return identifiers.credit_code(random.Random(index), kind="enterprise", area="320106")


def test_the_command_prints_the_dashboards_figures_as_json(world, people, capsys):
    call_command("stats", "--org", "sa", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"code": "SA", "name": "甲街道总工会", "level": "street_federation",
                       **expected_figures(world.street_a.path)}


def test_the_command_prints_a_chinese_table(world, people, capsys):
    call_command("stats", "--org", "QX")
    out = capsys.readouterr().out
    assert "区总工会（QX）覆盖统计" in out
    assert "建会率（25人以上）" in out and "入会率" in out and "会籍：保留会籍" in out


def test_the_command_refuses_an_unknown_code(world, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("stats", "--org", "NOPE", "--json")
    assert exit_info.value.code == 1
    assert "没有代码为 NOPE 的工会组织" in capsys.readouterr().err
