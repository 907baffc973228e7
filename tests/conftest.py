"""Personas and a small tree built in code (DESIGN.md, Tests).

    QX 区总工会 (county federation)                     ← district_admin
    ├── SA 甲街道总工会 (street A)                       ← street_admin
    │   ├── UA 甲中学工会 (grassroots, covers 甲中学)     ← chair_a, women_officer
    │   │   └── GA 语文组工会小组 (union group)           ← member
    │   └── JA 甲社区联合工会 (joint, covers two shops)
    └── SB 乙街道总工会 (street B)
        └── UB 乙医院工会 (grassroots, covers 乙医院)     ← chair_b, the outsider
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

import pytest

from gonghui.accounts import services as account_services
from gonghui.accounts.models import Role, User
from gonghui.demo import identifiers
from gonghui.members import services as member_services
from gonghui.members.models import Member
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Level, Officer, OfficerRole, OrgNode, Unit

VALID_CODES = [
    "91110000600037341L",
    "914403001922038216",
    "9144030071526726XG",
    "91100000100003962T",
    "91110108551385082Q",
    "91330100799655058B",
    "12100000400000624D",
    "91310000132149237G",
]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (Chinese): a request or command in English earlier in the
    run must not leave this thread translating into English for the next test's service messages."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@dataclass
class World:
    county: OrgNode
    street_a: OrgNode
    street_b: OrgNode
    union_a: OrgNode
    group_a: OrgNode
    joint_a: OrgNode
    union_b: OrgNode
    unit_a: Unit
    shop_a: Unit
    unit_b: Unit
    officer_a: Officer
    officer_b: Officer
    district_admin: User
    street_admin: User
    chair_a: User
    chair_b: User
    women_officer: User
    member: User
    readonly_leader: User

    @property
    def personas(self) -> dict[str, User]:
        return {
            "district_admin": self.district_admin,
            "street_admin": self.street_admin,
            "chair_a": self.chair_a,
            "chair_b": self.chair_b,
            "women_officer": self.women_officer,
            "member": self.member,
            "readonly_leader": self.readonly_leader,
        }


def make_node(parent, level, code, name, **fields):
    return org_services.node_create(actor=None, parent=parent, level=level, code=code, name=name, **fields)


_member_rng = random.Random(20261123)


def make_citizen_id(*, female: bool = False, birth_year: int = 1985, area: str = "320106") -> str:
    """A valid 身份证号 (check digit included) that no other call returned in this test run."""
    while True:
        number = identifiers.citizen_id(_member_rng, area=area, birth_year=birth_year, female=female)
        if number not in _issued_ids:
            _issued_ids.add(number)
            return number


_issued_ids: set[str] = set()


def make_member(union: OrgNode, name: str = "张三", *, female: bool = False, birth_year: int = 1985,
                actor=None, **fields) -> Member:
    """A member registered through the service, as a form or an import would."""
    citizen_id = fields.pop("citizen_id", None) or make_citizen_id(female=female, birth_year=birth_year)
    return member_services.member_create(actor=actor, union=union, name=name, citizen_id=citizen_id, **fields)


def make_user(username: str, role: str, node: OrgNode, name: str = "") -> User:
    user = User.objects.create(username=username, full_name=name or username)
    user.set_unusable_password()
    user.save()
    account_services.role_grant(actor=None, user=user, node=node, role=role)
    return user


@pytest.fixture
def world(db) -> World:
    term = datetime.date(2024, 3, 1)
    county = make_node(None, Level.COUNTY_FEDERATION, "QX", "区总工会", term_start=term, term_years=5)
    street_a = make_node(county, Level.STREET_FEDERATION, "SA", "甲街道总工会", term_start=term, term_years=5,
                         approved_on=term)
    street_b = make_node(county, Level.STREET_FEDERATION, "SB", "乙街道总工会", term_start=term, term_years=5,
                         approved_on=term)
    union_a = make_node(street_a, Level.GRASSROOTS_UNION, "UA", "甲中学工会", term_start=term, term_years=5,
                        approved_on=term, women_committee_established=True)
    group_a = make_node(union_a, Level.UNION_GROUP, "GA", "语文组工会小组")
    joint_a = make_node(street_a, Level.JOINT_UNION, "JA", "甲社区联合工会", term_start=term, term_years=5,
                        approved_on=term, women_committee_established=True)
    union_b = make_node(street_b, Level.GRASSROOTS_UNION, "UB", "乙医院工会", term_start=term, term_years=5,
                        approved_on=term, women_committee_established=True)
    unit_a = org_services.unit_create(actor=None, name="甲中学", credit_code=VALID_CODES[0], kind="public_institution",
                                      ownership="non_profit", industry="P", staff_count=125, women_count=75,
                                      area_node=street_a, covering_union=union_a)
    shop_a = org_services.unit_create(actor=None, name="甲便利店", credit_code=VALID_CODES[1], kind="enterprise",
                                      ownership="private", industry="F", staff_count=12, women_count=6,
                                      area_node=joint_a, covering_union=joint_a)
    unit_b = org_services.unit_create(actor=None, name="乙医院", credit_code=VALID_CODES[2], kind="public_institution",
                                      ownership="non_profit", industry="Q", staff_count=320, women_count=210,
                                      area_node=street_b, covering_union=union_b)
    officer_a = org_services.officer_create(actor=None, node=union_a, name="林晓梅", gender="F",
                                            role=OfficerRole.CHAIR, term_start=term)
    officer_b = org_services.officer_create(actor=None, node=union_b, name="王强", gender="M",
                                            role=OfficerRole.CHAIR, term_start=term)
    return World(
        county=county, street_a=street_a, street_b=street_b, union_a=union_a, group_a=group_a, joint_a=joint_a,
        union_b=union_b, unit_a=unit_a, shop_a=shop_a, unit_b=unit_b, officer_a=officer_a, officer_b=officer_b,
        district_admin=make_user("district_admin", Role.FEDERATION_ADMIN, county, "区管理员"),
        street_admin=make_user("street_admin", Role.FEDERATION_ADMIN, street_a, "甲街道管理员"),
        chair_a=make_user("chair_a", Role.UNION_CHAIR, union_a, "甲主席"),
        chair_b=make_user("chair_b", Role.UNION_CHAIR, union_b, "乙主席"),
        women_officer=make_user("women_officer", Role.WOMEN_OFFICER, union_a, "女工委员"),
        member=make_user("member", Role.MEMBER, group_a, "会员"),
        readonly_leader=make_user("readonly_leader", Role.READONLY_LEADER, county, "区领导"),
    )
