import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditEntry
from gonghui.orgs import services
from gonghui.orgs.models import Level, OrgNode, Unit, path_ids, path_segment

from .conftest import VALID_CODES, make_node


def test_it_builds_paths_from_ids_so_a_subtree_is_a_prefix(world):
    assert world.union_a.path == world.county.path + path_segment(world.street_a.pk) + path_segment(world.union_a.pk)
    assert path_ids(world.group_a.path) == [world.county.pk, world.street_a.pk, world.union_a.pk, world.group_a.pk]
    under_a = set(OrgNode.objects.filter(path__startswith=world.street_a.path).values_list("code", flat=True))
    assert under_a == {"SA", "UA", "GA", "JA"}


def test_it_refuses_a_level_that_does_not_belong_under_the_parent(world):
    with pytest.raises(ValidationError) as caught:
        services.node_create(actor=None, parent=world.group_a, level=Level.GRASSROOTS_UNION, name="x", code="X1")
    assert "level" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.node_create(actor=None, parent=None, level=Level.GRASSROOTS_UNION, name="x", code="X2")


def test_it_refuses_a_duplicate_code(world):
    with pytest.raises(ValidationError) as caught:
        make_node(world.street_a, Level.GRASSROOTS_UNION, "UA", "重复")
    assert "code" in caught.value.message_dict
    assert not OrgNode.objects.filter(name="重复").exists()


def test_it_moves_a_subtree_with_its_units_and_logs_the_move(world):
    moved = services.node_move(actor=world.district_admin, node=world.union_a, new_parent=world.street_b)
    assert moved.parent_id == world.street_b.pk
    assert moved.path.startswith(world.street_b.path)
    world.group_a.refresh_from_db()
    assert world.group_a.path.startswith(moved.path) and world.group_a.depth == 3
    world.unit_a.refresh_from_db()
    assert world.unit_a.path == moved.path
    # the shop under the joint union did not move
    world.shop_a.refresh_from_db()
    assert world.shop_a.path.startswith(world.street_a.path)
    entries = AuditEntry.objects.filter(action="move")
    # logged on both sides, so the old street's admins see the union leave
    assert {e.org_path for e in entries} == {world.street_a.path + path_segment(moved.pk), moved.path}
    assert all(e.changes == {"parent": ["甲街道总工会", "乙街道总工会"]} for e in entries)
    assert all(e.actor == world.district_admin for e in entries)
    # its covered unit now lies in the new street's area
    assert world.unit_a.area_node_id == world.street_b.pk


def test_it_refuses_to_move_a_node_under_its_own_subtree(world):
    with pytest.raises(ValidationError):
        services.node_move(actor=None, node=world.street_a, new_parent=world.union_a)
    world.street_a.refresh_from_db()
    assert world.street_a.parent_id == world.county.pk


def test_it_logs_fields_before_and_after_an_update(world):
    services.node_update(actor=world.chair_a, node=world.union_a, name="甲中学工会委员会", address="人民路1号")
    entry = AuditEntry.objects.filter(action="update", object_id=str(world.union_a.pk)).get()
    assert entry.changes["name"] == ["甲中学工会", "甲中学工会委员会"]
    assert entry.changes["address"] == ["", "人民路1号"]
    assert entry.org_path == world.union_a.path
    assert entry.actor_name == "甲主席"


def test_it_puts_a_unit_where_its_covering_union_is(world):
    unit = services.unit_create(actor=None, name="新店", credit_code=VALID_CODES[4], kind="enterprise",
                                ownership="private", industry="F", staff_count=8, women_count=3,
                                area_node=world.joint_a, covering_union=None)
    assert unit.path == world.joint_a.path
    services.unit_update(actor=None, unit=unit, covering_union=world.joint_a)
    assert unit.path == world.joint_a.path and unit.coverage == "joint"


def test_it_refuses_a_second_unit_for_an_independent_union(world):
    with pytest.raises(ValidationError) as caught:
        services.unit_create(actor=None, name="第二家", credit_code=VALID_CODES[4], kind="enterprise",
                             ownership="private", industry="F", staff_count=8, women_count=3,
                             area_node=world.street_a, covering_union=world.union_a)
    assert "covering_union" in caught.value.message_dict
    assert not Unit.objects.filter(name="第二家").exists()


def test_it_refuses_an_invalid_credit_code_and_stores_nothing(world):
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.unit_create(actor=None, name="错码", credit_code="91110000600037341A", kind="enterprise",
                             ownership="private", industry="F", staff_count=8, area_node=world.street_a)
    assert "credit_code" in caught.value.message_dict
    assert AuditEntry.objects.count() == count


def test_it_refuses_more_women_than_staff(world):
    with pytest.raises(ValidationError):
        services.unit_update(actor=None, unit=world.unit_a, women_count=500)
    world.unit_a.refresh_from_db()
    assert world.unit_a.women_count == 75


def test_it_grants_and_logs_roles(world):
    from gonghui.accounts import services as account_services
    from gonghui.accounts.models import Role

    account_services.role_grant(actor=world.district_admin, user=world.chair_b, node=world.union_a,
                                role=Role.UNION_OFFICER)
    entry = AuditEntry.objects.filter(action="grant").latest("at")
    assert entry.actor == world.district_admin
    assert entry.org_path == world.union_a.path


def test_it_keeps_each_units_coverage_in_step_with_its_union(world):
    assert world.unit_a.coverage == "independent" and world.shop_a.coverage == "joint"
    services.node_update(actor=None, node=world.union_a, formation="joint")
    world.unit_a.refresh_from_db()
    assert world.unit_a.coverage == "joint"
    services.unit_update(actor=None, unit=world.unit_a, covering_union=None)
    assert Unit.objects.get(pk=world.unit_a.pk).coverage == "none"


def test_it_derives_a_covered_units_area_from_its_union(world):
    unit = services.unit_create(actor=None, name="新厂", credit_code=VALID_CODES[4], kind="enterprise",
                                ownership="private", industry="C", staff_count=40,
                                covering_union=make_node(world.street_b, Level.GRASSROOTS_UNION, "NEWU", "新厂工会"))
    assert unit.area_node == world.street_b


def test_it_needs_an_area_for_a_unit_without_a_union(world):
    with pytest.raises(ValidationError) as caught:
        services.unit_create(actor=None, name="无处", credit_code=VALID_CODES[4], kind="enterprise",
                             ownership="private", industry="C", staff_count=4)
    assert "area_node" in caught.value.message_dict


def test_it_stores_codes_upper_case_so_they_cannot_shadow_each_other(world):
    group = make_node(world.union_a, Level.UNION_GROUP, "ga3", "小组三")
    assert group.code == "GA3"
    with pytest.raises(ValidationError) as caught:
        make_node(world.union_a, Level.UNION_GROUP, "sb", "伪装小组")
    assert "code" in caught.value.message_dict


def test_it_refuses_to_make_a_union_covering_several_units_independent(world):
    services.unit_create(actor=None, name="甲二店", credit_code=VALID_CODES[4], kind="enterprise",
                         ownership="private", industry="F", staff_count=9, covering_union=world.joint_a)
    services.node_update(actor=None, node=world.joint_a, formation="joint")
    union = make_node(world.street_a, Level.GRASSROOTS_UNION, "MULTI", "联合基层工会", formation="joint")
    for index, code in enumerate(VALID_CODES[5:7]):
        services.unit_create(actor=None, name=f"小厂{index}", credit_code=code, kind="enterprise",
                             ownership="private", industry="C", staff_count=9, covering_union=union)
    with pytest.raises(ValidationError) as caught:
        services.node_update(actor=None, node=union, formation="independent")
    assert "formation" in caught.value.message_dict
    assert set(Unit.objects.filter(covering_union=union).values_list("coverage", flat=True)) == {"joint"}


def test_it_ignores_a_stale_area_given_for_a_covered_unit(world):
    # the area of a covered unit follows its union, whatever a form sent along
    services.unit_update(actor=None, unit=world.unit_a, area_node=world.union_b)
    assert world.unit_a.area_node == world.street_a


def test_it_looks_up_each_unions_area_once_when_moving_a_subtree(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    union = make_node(world.street_a, Level.GRASSROOTS_UNION, "JG", "联合基层工会", formation="joint")
    for index in range(6):
        services.unit_create(actor=None, name=f"小店{index}", credit_code=_code(index), kind="enterprise",
                             ownership="private", industry="F", staff_count=5, covering_union=union)
    with CaptureQueriesContext(connection) as queries:
        services.node_move(actor=None, node=union, new_parent=world.street_b)
    area_lookups = [q for q in queries.captured_queries if 'ORDER BY "orgs_orgnode"."depth" DESC' in q["sql"]]
    assert len(area_lookups) == 1
    assert set(Unit.objects.filter(covering_union=union).values_list("area_node", flat=True)) == {world.street_b.pk}


def _code(index: int) -> str:
    from stdnum.cn import uscc

    first17 = f"91320115{index:08d}1"
    return first17 + uscc.calc_check_digit(first17)
