import pytest
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.orgs import services
from gonghui.orgs.models import Level, Unit

from .conftest import VALID_CODES, make_member, make_node


def test_it_shows_a_node_with_its_checks_coverage_and_committee(client, world):
    for index in range(25):
        make_member(world.union_a, f"会员{index:02d}", group=world.group_a if index % 2 else None)
    client.force_login(world.street_admin)
    response = client.get(reverse("orgs:node_detail", args=[world.union_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "甲中学工会" in page and "林晓梅" in page
    assert "建会率" in page and "入会率" in page
    # 25 members (counted from the member records, the group's included) need a committee of 3 and an
    # audit committee; only the chair is recorded
    assert 'data-finding="committee_size"' in page
    assert "依据" in page and "工会法" in page


def test_it_keeps_the_node_page_to_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.district_admin)
    url = reverse("orgs:node_detail", args=[world.street_a.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(30):
        union = make_node(world.street_a, Level.GRASSROOTS_UNION, f"MANY{index}", f"工会{index:02d}")
        group = make_node(union, Level.UNION_GROUP, f"MANY{index}G", f"小组{index:02d}")
        make_member(union, f"会员{index:02d}", group=group)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 32
    assert 'href="?page=2"' in response.content.decode()
    searched = client.get(url, {"q": "工会"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="children").content.decode()
    assert 'hx-get="?q=%E5%B7%A5%E4%BC%9A&amp;page=2"' in searched


def test_it_answers_an_htmx_search_with_the_children_fragment_only(client, world):
    client.force_login(world.district_admin)
    response = client.get(reverse("orgs:node_detail", args=[world.county.pk]), {"q": "乙"},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="children")
    page = response.content.decode()
    assert "<html" not in page
    assert "乙街道总工会" in page and "甲街道总工会" not in page


def test_it_lists_units_with_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.district_admin)
    url = reverse("orgs:unit_list", args=[world.county.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(10):
        union = make_node(world.street_a, Level.JOINT_UNION, f"J{index}", f"联合工会{index}")
        services.unit_create(actor=None, name=f"单位{index}", credit_code=_code(index), kind="enterprise",
                             ownership="private", industry="C", staff_count=30, area_node=world.street_a,
                             covering_union=union)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 13


def _code(index: int) -> str:
    from stdnum.cn import uscc

    first17 = f"91320115{index:08d}0"
    return first17 + uscc.calc_check_digit(first17)


def test_it_filters_units_without_a_union(client, world):
    client.force_login(world.district_admin)
    services.unit_create(actor=None, name="无工会厂", credit_code=VALID_CODES[4], kind="enterprise",
                         ownership="private", industry="C", staff_count=60, area_node=world.street_a)
    response = client.get(reverse("orgs:unit_list", args=[world.county.pk]), {"coverage": "none"})
    assert [unit.name for unit in response.context["page"].object_list] == ["无工会厂"]


def test_it_shows_a_chinese_error_for_a_wrong_credit_code_and_saves_after_the_fix(client, world):
    client.force_login(world.street_admin)
    url = reverse("orgs:unit_create", args=[world.street_a.pk])
    data = {"name": "新开餐馆", "credit_code": "91110000600037341A", "kind": "enterprise", "ownership": "private",
            "industry": "H", "staff_count": 30, "women_count": 12, "migrant_worker_count": 3,
            "area_node": "SA", "covering_union": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "统一社会信用代码的校验位" in response.content.decode()
    assert not Unit.objects.filter(name="新开餐馆").exists()
    data["credit_code"] = " 9131 0000 1321 4923 7g "  # a real code, typed with spaces and a small letter
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    unit = Unit.objects.get(name="新开餐馆")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:unit_detail", args=[unit.pk])
    assert unit.area_node == world.street_a and unit.covering_union is None
    assert unit.credit_code == "91310000132149237G"


def test_it_names_the_field_when_women_outnumber_staff(client, world):
    client.force_login(world.street_admin)
    response = client.post(reverse("orgs:unit_edit", args=[world.unit_a.pk]), {
        "name": "甲中学", "credit_code": world.unit_a.credit_code, "kind": "public_institution",
        "ownership": "non_profit", "industry": "P", "staff_count": 10, "women_count": 20,
        "migrant_worker_count": 0, "area_node": "SA", "covering_union": "UA"})
    assert response.status_code == 200
    assert "women_count" in response.context["form"].errors


def test_it_edits_a_node_and_records_the_change(client, world):
    client.force_login(world.chair_a)
    response = client.post(reverse("orgs:node_edit", args=[world.union_a.pk]), {
        "name": "甲中学工会", "code": "UA", "formation": "independent", "address": "人民路1号",
        "women_committee_established": "on", "term_start": "2024-03-01",
        "term_years": 5, "approved_on": "2024-03-01"})
    assert response.status_code == 302
    world.union_a.refresh_from_db()
    assert world.union_a.address == "人民路1号"


def test_it_adds_and_removes_an_officer(client, world):
    client.force_login(world.chair_a)
    client.post(reverse("orgs:officer_create", args=[world.union_a.pk]),
                {"name": "周敏", "gender": "F", "role": "vice_chair", "term_start": "2024-03-01"})
    officer = world.union_a.officers.get(name="周敏")
    client.post(reverse("orgs:officer_delete", args=[officer.pk]))
    assert not world.union_a.officers.filter(name="周敏").exists()


def test_it_refuses_an_officer_term_that_ends_before_it_starts(client, world):
    client.force_login(world.chair_a)
    response = client.post(reverse("orgs:officer_create", args=[world.union_a.pk]),
                           {"name": "周敏", "role": "vice_chair", "term_start": "2024-03-01",
                            "term_end": "2023-01-01"})
    assert response.status_code == 200
    assert "term_end" in response.context["form"].errors


def test_it_moves_a_node_from_the_move_page(client, world):
    client.force_login(world.district_admin)
    response = client.post(reverse("orgs:node_move", args=[world.joint_a.pk]), {"new_parent": "SB"})
    assert response.status_code == 302
    world.joint_a.refresh_from_db()
    assert world.joint_a.parent_id == world.street_b.pk


@pytest.mark.parametrize("value", ["", "abc", "99999999", "1 OR 1=1"])
def test_it_never_fails_on_malformed_input(client, world, value):
    client.force_login(world.district_admin)
    assert client.post(reverse("accounts:switch_node"), {"node": value}).status_code == 404
    assert client.get(reverse("audit_log"), {"node": value, "since": value, "page": value}).status_code in (200, 404)
    units = reverse("orgs:unit_list", args=[world.county.pk])
    assert client.get(units, {"page": value, "kind": value}).status_code == 200
    assert client.get(reverse("orgs:node_picker"), {"perm": value, "level": value, "q": value}).status_code == 200


def test_it_shows_chinese_error_pages(client, world):
    client.force_login(world.chair_b)
    response = client.get(reverse("orgs:node_detail", args=[world.union_a.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.fixture
def password_user(world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.get(username="chair_a")
    user.set_password("Lakeside-2026")
    user.save()
    return user


def test_it_stores_passwords_with_argon2(password_user):
    assert password_user.password.startswith("argon2")


def test_it_signs_in_and_lands_on_the_users_union(client, password_user):
    response = client.post(reverse("accounts:login"), {"username": "chair_a", "password": "Lakeside-2026"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:node_detail", args=[password_user.assignments.get().node_id])


def test_it_locks_an_account_after_repeated_failures(client, password_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "chair_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "chair_a", "password": "Lakeside-2026"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_it_tells_a_wrong_password_in_chinese(client, password_user):
    response = client.post(reverse("accounts:login"), {"username": "chair_a", "password": "wrong"})
    assert "请输入一个正确的" in response.content.decode()


def test_it_switches_to_english_and_remembers_it_on_the_account(client, world):
    client.force_login(world.chair_a)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    world.chair_a.refresh_from_db()
    assert world.chair_a.language == "en"
    response = client.get(reverse("orgs:node_detail", args=[world.union_a.pk]))
    assert "Committee and officers" in response.content.decode()


def test_it_refuses_to_redirect_to_another_site_after_a_language_change(client, world):
    client.force_login(world.chair_a)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_lists_the_org_switcher_choices_for_a_user_with_two_roles(client, world):
    from gonghui.accounts import services as account_services

    account_services.role_grant(actor=None, user=world.chair_a, node=world.joint_a, role="union_officer")
    client.force_login(world.chair_a)
    client.post(reverse("accounts:switch_node"), {"node": world.joint_a.pk})
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("orgs:node_detail", args=[world.joint_a.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="org-switcher"' in page


def test_it_lets_a_grassroots_chair_add_and_edit_their_units_without_seeing_the_street(client, world):
    client.force_login(world.chair_a)
    data = {"name": "甲中学", "credit_code": world.unit_a.credit_code, "kind": "public_institution",
            "ownership": "non_profit", "industry": "P", "staff_count": 130, "women_count": 75,
            "migrant_worker_count": 0, "area_node": "", "covering_union": "UA"}
    response = client.post(reverse("orgs:unit_edit", args=[world.unit_a.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    world.unit_a.refresh_from_db()
    assert world.unit_a.staff_count == 130 and world.unit_a.area_node == world.street_a
    page = client.get(reverse("orgs:unit_create", args=[world.union_a.pk])).content.decode()
    assert 'value="UA"' in page


def test_it_keeps_the_approval_for_the_level_above(client, world):
    client.force_login(world.chair_a)
    form = client.get(reverse("orgs:node_edit", args=[world.union_a.pk])).context["form"]
    assert "approved_on" not in form.fields
    client.post(reverse("orgs:node_edit", args=[world.union_a.pk]), {
        "name": "甲中学工会", "code": "UA", "formation": "independent",
        "women_committee_established": "on", "approved_on": "2030-01-01"})
    world.union_a.refresh_from_db()
    assert str(world.union_a.approved_on) == "2024-03-01"
    client.force_login(world.street_admin)
    assert "approved_on" in client.get(reverse("orgs:node_edit", args=[world.union_a.pk])).context["form"].fields


def test_it_shows_audit_changes_with_field_names_and_labels_in_chinese(client, world):
    services.node_update(actor=world.district_admin, node=world.union_a, formation="joint", address="人民路1号")
    client.force_login(world.district_admin)
    page = client.get(reverse("audit_log"), {"kind": "orgnode", "action": "update"}).content.decode()
    assert "建会方式" in page and "独立建会 → 联合建会" in page
    assert "地址" in page and "人民路1号" in page
    assert "address" not in page


def test_it_marks_pages_with_fragments_as_varying_by_htmx(client, world):
    client.force_login(world.district_admin)
    for url in (reverse("orgs:node_detail", args=[world.county.pk]), reverse("orgs:unit_list", args=[world.county.pk]),
                reverse("audit_log")):
        assert "HX-Request" in client.get(url)["Vary"]


def test_it_answers_a_server_error_with_a_chinese_page_that_needs_no_database(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode() and "数据没有被改动" in response.content.decode()


def test_it_lists_the_committee_chair_first(world):
    from gonghui.orgs.selectors import node_officers

    services.officer_create(actor=None, node=world.union_a, name="艾委员", role="committee_member",
                            term_start=world.officer_a.term_start)
    services.officer_create(actor=None, node=world.union_a, name="白审", role="audit_director",
                            term_start=world.officer_a.term_start)
    assert [o.role for o in node_officers(world.union_a)] == ["chair", "committee_member", "audit_director"]
