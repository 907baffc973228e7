import datetime

import pytest
from django.utils import translation

from gonghui.orgs.models import Level, Officer, OfficerRole, OrgNode
from gonghui.orgs.rules import committee_size_range, node_findings

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def union(member_count: int = 60, women_member_count: int = 0, **fields) -> OrgNode:
    defaults = {"level": Level.GRASSROOTS_UNION, "parent_id": 1, "approved_on": datetime.date(2020, 1, 1),
                "term_start": datetime.date(2024, 1, 1), "term_years": 5, "women_committee_established": False,
                "formation": "independent"}
    defaults.update(fields)
    node = OrgNode(**defaults)
    # the member figures the selectors derive from the member records
    node.counts = {"members": member_count, "women_members": women_member_count}
    return node


def findings_of(node, officers):
    return node_findings(node, officers, TODAY, **node.counts)


def committee(size: int, *extra_roles) -> list[Officer]:
    roles = [OfficerRole.CHAIR] + [OfficerRole.COMMITTEE_MEMBER] * (size - 1) + list(extra_roles)
    return [Officer(name=f"委员{i}", role=role, term_start=datetime.date(2024, 1, 1)) for i, role in enumerate(roles)]


def codes(node, officers):
    return {finding.code for finding in findings_of(node, officers)}


@pytest.mark.parametrize(
    ("members", "expected"),
    [(10, None), (11, (3, 3)), (25, (3, 3)), (26, (3, 5)), (100, (3, 5)), (101, (5, 7)), (500, (7, 9)),
     (1000, (9, 15)), (5000, (15, 21)), (10000, (21, 29)), (50000, (29, 37)), (50001, (37, 45))],
)
def test_it_knows_the_committee_size_for_each_band_of_members(members, expected):
    size = committee_size_range(members)
    assert (size[:2] if size else None) == expected


def test_it_finds_nothing_wrong_with_a_well_kept_union():
    assert codes(union(), committee(3, OfficerRole.AUDIT_DIRECTOR)) == set()


def test_it_flags_an_overdue_term_with_the_law_as_source():
    node = union(term_start=datetime.date(2020, 6, 1), term_years=5)
    findings = findings_of(node, committee(3, OfficerRole.AUDIT_DIRECTOR))
    overdue = next(f for f in findings if f.code == "term_overdue")
    assert "2025-06-01" in overdue.message
    assert "第十六条" in overdue.source or "16" in overdue.source


def test_it_requires_a_womens_committee_from_the_threshold():
    assert "women_committee_missing" in codes(union(women_member_count=10), committee(3))
    assert "women_committee_missing" not in codes(union(women_member_count=9), committee(3))
    assert "women_committee_missing" not in codes(
        union(women_member_count=40, women_committee_established=True), committee(3)
    )


def test_it_follows_the_womens_committee_threshold_setting(settings):
    settings.GONGHUI_RULES = {**settings.GONGHUI_RULES, "WOMEN_COMMITTEE_THRESHOLD": 25}
    assert "women_committee_missing" not in codes(union(women_member_count=20), committee(3))
    finding = next(f for f in findings_of(union(women_member_count=25), committee(3))
                   if f.code == "women_committee_missing")
    assert "25" in finding.source


def test_it_flags_a_committee_too_small_or_too_large_for_its_members():
    assert "committee_size" in codes(union(member_count=300), committee(5))  # 201–500 → 7–9
    assert "committee_size" in codes(union(member_count=60), committee(7))  # 26–100 → 3–5
    assert "committee_size" not in codes(union(member_count=300), committee(7))


def test_it_flags_an_even_committee():
    assert "committee_even" in codes(union(member_count=600), committee(10))


def test_it_counts_only_officers_whose_term_is_current():
    officers = committee(3)
    officers[0].term_end = datetime.date(2025, 1, 1)
    assert "committee_size" in codes(union(member_count=60), officers)


def test_it_requires_a_committee_from_25_members():
    assert "committee_missing" in codes(union(member_count=25), [])
    assert "committee_missing" not in codes(union(member_count=24, women_member_count=0), [])


def test_it_flags_a_missing_approval_by_the_level_above():
    assert "approval_missing" in codes(union(approved_on=None), committee(3))
