from django.urls import reverse

from gonghui.accounts.models import RoleAssignment, User
from gonghui.core.models import AuditEntry


def test_it_grants_a_role_to_a_new_account(client, world):
    client.force_login(world.street_admin)
    response = client.post(reverse("accounts:role_list", args=[world.street_a.pk]), {
        "username": "zhangmin", "full_name": "张敏", "password": "Lakeside-2026x", "role": "union_officer",
        "node": "UA"})
    assert response.status_code == 302
    user = User.objects.get(username="zhangmin")
    assert user.full_name == "张敏" and user.check_password("Lakeside-2026x")
    assert user.assignments.get().node == world.union_a
    entry = AuditEntry.objects.filter(action="grant").latest("id")
    assert entry.actor == world.street_admin and entry.org_path == world.union_a.path


def test_it_grants_a_second_role_to_an_existing_account_without_touching_its_password(client, world):
    client.force_login(world.street_admin)
    before = User.objects.get(username="chair_a").password
    client.post(reverse("accounts:role_list", args=[world.street_a.pk]),
                {"username": "chair_a", "role": "union_officer", "node": "JA"})
    chair = User.objects.get(username="chair_a")
    assert chair.password == before
    assert set(chair.assignments.values_list("node__code", "role")) == {("UA", "union_chair"), ("JA", "union_officer")}


def test_it_refuses_a_weak_password_for_a_new_account_and_creates_nothing(client, world):
    client.force_login(world.street_admin)
    response = client.post(reverse("accounts:role_list", args=[world.street_a.pk]), {
        "username": "weak", "full_name": "弱", "password": "12345678", "role": "member", "node": "UA"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(username="weak").exists()


def test_it_refuses_to_grant_on_a_node_outside_the_admins_subtree(client, world):
    client.force_login(world.street_admin)
    response = client.post(reverse("accounts:role_list", args=[world.street_a.pk]),
                           {"username": "chair_a", "role": "federation_admin", "node": "QX"})
    assert response.status_code == 200
    assert "node" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user__username="chair_a", node=world.county).exists()


def test_it_lists_only_roles_in_the_subtree_and_revokes_one(client, world):
    client.force_login(world.street_admin)
    response = client.get(reverse("accounts:role_list", args=[world.street_a.pk]))
    listed = {a.user.username for a in response.context["page"].object_list}
    assert listed == {"street_admin", "chair_a", "women_officer", "member"}
    assignment = world.women_officer.assignments.get()
    response = client.post(reverse("accounts:role_revoke", args=[assignment.pk]), {"node": world.street_a.pk})
    assert response["Location"] == reverse("accounts:role_list", args=[world.street_a.pk])
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="revoke").exists()


def test_it_will_not_attach_a_role_to_an_account_managed_elsewhere(client, world):
    client.force_login(world.street_admin)
    response = client.post(reverse("accounts:role_list", args=[world.street_a.pk]),
                           {"username": "chair_b", "role": "union_officer", "node": "UA"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert "乙主席" not in response.content.decode()
    assert not RoleAssignment.objects.filter(user=world.chair_b, node=world.union_a).exists()


def test_it_logs_the_creation_of_an_account(client, world):
    client.force_login(world.street_admin)
    client.post(reverse("accounts:role_list", args=[world.street_a.pk]), {
        "username": "newbie", "full_name": "新人", "password": "Lakeside-2026x", "role": "member", "node": "GA"})
    entry = AuditEntry.objects.get(action="create", content_type__model="user")
    assert entry.changes["username"] == [None, "newbie"] and entry.org_path == world.group_a.path
    assert "password" not in entry.changes


def test_it_shows_the_login_page_in_chinese_to_an_english_browser_until_english_is_chosen(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()
    client.post(reverse("accounts:set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()
