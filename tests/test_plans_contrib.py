"""The contribution interface of plans (plans/contrib.py): every domain is found through its own report.py,
the fixed metric keys exist, and figures shared within one read are read once."""

from gonghui.plans import contrib

FIXED_METRICS = {
    "orgs.founding_rate", "orgs.founding_rate_min_staff", "orgs.new_unions", "members.membership_rate",
    "members.new_members", "activities.activities", "activities.participants", "activities.honours",
    "care.visits", "care.assistance_amount", "care.hardship_coverage", "rights.wage_agreement_rate",
}


def test_it_finds_every_domain_through_its_own_report_module():
    domains = {contribution.domain for contribution in contrib.contributions()}
    assert {"orgs", "members", "activities", "care", "rights"} <= domains


def test_it_offers_the_metric_keys_plans_and_assessments_name():
    assert set(contrib.metrics()) >= FIXED_METRICS
    assert {"activities.activity", "care.visit", "care.assistance", "care.campaign", "activities.honour",
            "rights.contract"} <= set(contrib.evidence_sources())
    assert contrib.evidence_source("activities.activity:training").key == "activities.activity"


def test_it_reads_a_shared_figure_once_within_one_read_and_every_time_outside():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    assert contrib.shared(("x",), read) == 1 and contrib.shared(("x",), read) == 2
    with contrib.sharing():
        assert contrib.shared(("x",), read) == 3
        with contrib.sharing():  # nested: the same block
            assert contrib.shared(("x",), read) == 3
        assert contrib.shared(("y",), read) == 4
    assert contrib.shared(("x",), read) == 5
