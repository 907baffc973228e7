"""考核 (issue 5 §7): scoring rules, ranking, hand scores, the ranked table's .xlsx, who may define a scheme."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.orgs.models import Level
from gonghui.plans import contrib
from gonghui.plans.assessment import scoring, services
from gonghui.plans.models import AssessmentCriterion, AssessmentScheme, AssessmentScore

from .conftest import make_node

D = Decimal


def _criterion(**fields) -> AssessmentCriterion:
    values = {"label": "指标", "target": D("10"), "weight": D("20"), "comparator": "gte", "rule": "proportional"}
    values.update(fields)
    return AssessmentCriterion(**values)


class _Counting(contrib.Contribution):
    """A metric of the test: a fixed value per union code, counting its calls."""

    domain = "zz_assessment_test"

    def __init__(self, values):
        self.values, self.calls = values, []

    def metrics(self):
        def compute(node, period):
            self.calls.append((node.code, period.year))
            return self.values.get(node.code)

        return [contrib.Metric(key="zz.figure", label="测试数", unit="次", section="culture", kind="count",
                               compute=compute)]


@pytest.fixture
def figure(monkeypatch):
    contrib.contributions()  # discover the real ones first
    contribution = _Counting({"UA": D("8"), "JA": D("12")})
    monkeypatch.setitem(contrib._registry, contribution.domain, contribution)
    return contribution


@pytest.fixture
def scheme(world):
    return services.scheme_create(actor=world.street_admin, node=world.street_a, year=2025, name="2025年度考核")


def test_it_scores_in_proportion_to_the_target_capped_at_the_points():
    criterion = _criterion()
    assert scoring.points(criterion, D("5")) == D("10.00")
    assert scoring.points(criterion, D("10")) == D("20.00")
    assert scoring.points(criterion, D("30")) == D("20.00")
    assert scoring.points(criterion, D("0")) == D("0.00")
    assert scoring.points(_criterion(target=D("3"), weight=D("10")), D("1")) == D("3.33")
    assert scoring.points(_criterion(target=D("0")), D("0")) == D("20.00")


def test_it_scores_at_most_criteria_by_the_target_over_the_value():
    criterion = _criterion(comparator="lte", target=D("2"), weight=D("10"))
    assert scoring.points(criterion, D("4")) == D("5.00")
    assert scoring.points(criterion, D("2")) == D("10.00")
    assert scoring.points(criterion, D("1")) == D("10.00")
    assert scoring.points(criterion, D("0")) == D("10.00")  # none at all: full points


def test_it_gives_threshold_points_only_when_the_target_is_reached():
    criterion = _criterion(rule="threshold")
    assert scoring.points(criterion, D("9.99")) == D("0")
    assert scoring.points(criterion, D("10")) == D("20.00")
    at_most = _criterion(rule="threshold", comparator="lte", target=D("1"))
    assert scoring.points(at_most, D("1")) == D("20.00")
    assert scoring.points(at_most, D("2")) == D("0")


def test_it_gives_no_points_without_a_value():
    assert scoring.points(_criterion(), None) == D("0")
    assert scoring.points(_criterion(rule="threshold", comparator="lte"), None) == D("0")
    assert scoring.met(_criterion(), None) is None


def test_it_gives_equal_totals_the_same_rank():
    class Union:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    rows = [scoring.Row(union=Union(index, name), cells=[], total=D(total)) for index, (name, total) in
            enumerate([("丁", "70"), ("甲", "90"), ("乙", "80"), ("丙", "80"), ("戊", "60")])]
    ranked = scoring.rank(rows)
    assert [(row.union.name, row.rank) for row in ranked] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4),
                                                              ("戊", 5)]


def test_it_scores_the_federations_unions_from_metrics_and_hand_scores(world, scheme, figure):
    computed = services.criterion_create(actor=world.street_admin, scheme=scheme, label="开展活动", metric="zz.figure",
                                         target=D("10"), weight=D("40"))
    hand = services.criterion_create(actor=world.street_admin, scheme=scheme, label="信息报送", target=D("4"),
                                     unit="篇", weight=D("10"), rule="threshold")
    services.criterion_create(actor=world.street_admin, scheme=scheme, label="活动同一数", metric="zz.figure",
                              comparator="lte", target=D("8"), weight=D("10"))
    services.scores_save(actor=world.street_admin, scheme=scheme, entries={(hand.pk, world.union_a.pk): "5"})
    table = scoring.score_table(scheme)
    # the street's grassroots and joint unions: not its union groups, not another street's unions
    assert {row.union.code for row in table.rows} == {"UA", "JA"}
    by_code = {row.union.code: row for row in table.rows}
    assert [cell.value for cell in by_code["UA"].cells] == [D("8"), D("5"), D("8")]
    assert [cell.points for cell in by_code["UA"].cells] == [D("32.00"), D("10.00"), D("10.00")]
    assert by_code["UA"].total == D("52.00")
    assert [cell.value for cell in by_code["JA"].cells] == [D("12"), None, D("12")]
    assert [cell.points for cell in by_code["JA"].cells] == [D("40.00"), D("0"), D("6.67")]
    assert by_code["JA"].cells[1].missing and by_code["JA"].missing == 1
    assert [(row.union.code, row.rank) for row in table.rows] == [("UA", 1), ("JA", 2)]
    assert unit_of(computed) == "次"  # the metric's unit when none is given
    # each metric once per union, for the scheme's year, although two criteria use it
    assert sorted(figure.calls) == [("JA", 2025), ("UA", 2025)]


def unit_of(criterion):
    criterion.refresh_from_db()
    return criterion.unit


def test_it_counts_a_county_schemes_unions_under_every_street(world, figure):
    scheme = services.scheme_create(actor=world.district_admin, node=world.county, year=2025, name="区考核")
    services.criterion_create(actor=world.district_admin, scheme=scheme, label="数", metric="zz.figure",
                              target=D("10"), weight=D("10"))
    assert {row.union.code for row in scoring.score_table(scheme).rows} == {"UA", "JA", "UB"}


def test_it_matches_an_independent_count_for_a_real_metric(world, scheme):
    metric = contrib.metric("activities.activities")
    if metric is None:
        pytest.fail("activities.activities is one of the fixed metric keys and must be registered")
    import datetime

    from django.utils import timezone

    from gonghui.activities import services as activity_services
    from gonghui.activities.models import Activity

    zone = timezone.get_current_timezone()
    for index, (union, day) in enumerate([(world.union_a, datetime.date(2025, 3, 1)),
                                          (world.union_a, datetime.date(2025, 9, 1)),
                                          (world.group_a, datetime.date(2025, 5, 1)),
                                          (world.union_a, datetime.date(2024, 12, 30)),
                                          (world.joint_a, datetime.date(2025, 6, 1))]):
        activity_services.activity_create(actor=None, organiser=union, title=f"活动{index}", kind="sports_culture",
                                          starts_at=datetime.datetime.combine(day, datetime.time(9), zone))
    services.criterion_create(actor=world.street_admin, scheme=scheme, label="开展活动",
                              metric="activities.activities", target=D("4"), weight=D("20"))
    table = scoring.score_table(scheme)
    low = datetime.datetime(2025, 1, 1, tzinfo=zone)
    high = datetime.datetime(2026, 1, 1, tzinfo=zone)
    for row in table.rows:
        expected = (Activity.objects.filter(path__under=row.union.path, starts_at__gte=low, starts_at__lt=high)
                    .exclude(status="cancelled").count())
        assert row.cells[0].value == D(expected), row.union.code
    assert {row.union.code: row.cells[0].value for row in table.rows} == {"UA": D("3"), "JA": D("1")}


@pytest.fixture
def hand_scheme(world, scheme):
    first = services.criterion_create(actor=world.street_admin, scheme=scheme, label="信息报送", target=D("4"),
                                      weight=D("10"))
    second = services.criterion_create(actor=world.street_admin, scheme=scheme, label="职工满意度", target=D("90"),
                                       unit="%", weight=D("20"), rule="threshold")
    return scheme, first, second


def test_it_saves_the_hand_score_grid_and_logs_each_value(client, world, hand_scheme):
    scheme, first, second = hand_scheme
    client.force_login(world.street_admin)
    url = reverse("plans:scheme_scores", args=[scheme.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"s-{first.pk}-{world.union_a.pk}": "3", f"s-{second.pk}-{world.union_a.pk}": "95",
                                 f"s-{first.pk}-{world.joint_a.pk}": "4.5", f"s-{second.pk}-{world.joint_a.pk}": ""})
    assert response.status_code == 302
    assert dict(AssessmentScore.objects.values_list("union__code", "criterion__label").annotate()
                .values_list("union__code", "value").filter(criterion=first)) == {"UA": D("3"), "JA": D("4.5")}
    assert AssessmentScore.objects.get(criterion=second).union == world.union_a
    creates = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, content_type__model="assessmentscore")
    assert creates.count() == 3
    # clearing a value deletes it, and is logged
    client.post(url, {f"s-{first.pk}-{world.union_a.pk}": "", f"s-{second.pk}-{world.union_a.pk}": "95"})
    assert not AssessmentScore.objects.filter(criterion=first, union=world.union_a).exists()
    deletes = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, content_type__model="assessmentscore")
    assert deletes.count() == 1
    page = client.get(reverse("plans:scheme_detail", args=[scheme.pk])).content.decode()
    assert "未录入" in page


@pytest.mark.parametrize("text", ["abc", "-1", "1.234", "1e20", "NaN"])
def test_it_refuses_a_bad_hand_score_naming_the_union_and_the_criterion(client, world, hand_scheme, text):
    scheme, first, second = hand_scheme
    client.force_login(world.street_admin)
    before = AuditEntry.objects.count()
    response = client.post(reverse("plans:scheme_scores", args=[scheme.pk]),
                           {f"s-{first.pk}-{world.union_a.pk}": "3", f"s-{second.pk}-{world.joint_a.pk}": text})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 1 and "甲社区联合工会" in errors[0] and "职工满意度" in errors[0]
    assert "Nothing was saved" not in response.content.decode()  # shown in Chinese
    assert AssessmentScore.objects.count() == 0  # the good value was not written either
    assert AuditEntry.objects.count() == before
    assert f'value="{text}"' in response.content.decode()  # what was typed stays in the grid


def test_it_refuses_a_hand_score_for_a_union_outside_the_scheme(world, hand_scheme):
    from django.core.exceptions import ValidationError

    scheme, first, _second = hand_scheme
    with pytest.raises(ValidationError):
        services.scores_save(actor=world.street_admin, scheme=scheme, entries={(first.pk, world.union_b.pk): "3"})
    assert AssessmentScore.objects.count() == 0


def test_it_drops_hand_scores_when_a_criterion_becomes_computed(world, hand_scheme, figure):
    scheme, first, _second = hand_scheme
    services.scores_save(actor=world.street_admin, scheme=scheme, entries={(first.pk, world.union_a.pk): "3"})
    services.criterion_update(actor=world.street_admin, criterion=first, label="活动", metric="zz.figure",
                              target=D("4"), weight=D("10"))
    assert not AssessmentScore.objects.exists()


def test_it_exports_the_ranked_table_as_a_formatted_workbook(client, world, hand_scheme):
    scheme, first, second = hand_scheme
    services.scores_save(actor=world.street_admin, scheme=scheme, entries={
        (first.pk, world.union_a.pk): "2", (second.pk, world.union_a.pk): "80",
        (first.pk, world.joint_a.pk): "4", (second.pk, world.joint_a.pk): "92"})
    client.force_login(world.readonly_leader)
    response = client.get(reverse("plans:scheme_xlsx", args=[scheme.pk]))
    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "2025年度考核"
    header = [cell.value for cell in sheet[3]]
    assert header[0] == "名次" and header[1] == "工会" and header[-1] == "总分"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4, max_row=5)]
    assert [(row[0], row[1], row[-1]) for row in rows] == [(1, "甲社区联合工会", 30), (2, "甲中学工会", 5)]
    assert rows[0][2:6] == [4, 10, 92, 20]
    assert sheet.freeze_panes == "A4"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert entry.actor == world.readonly_leader and entry.org_path == world.street_a.path


def test_it_creates_edits_and_deletes_a_scheme_and_its_criteria_through_the_pages(client, world):
    client.force_login(world.street_admin)
    response = client.post(reverse("plans:scheme_create", args=[world.street_a.pk]),
                           {"name": "2025年度考核", "year": "2025", "description": ""})
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and scheme.node == world.street_a and scheme.path == world.street_a.path
    response = client.post(reverse("plans:criterion_create", args=[scheme.pk]), {
        "label": "建会率", "metric": "", "comparator": "gte", "target": "95", "unit": "%", "weight": "20",
        "rule": "proportional"})
    assert response.status_code == 302
    criterion = scheme.criteria.get()
    response = client.post(reverse("plans:criterion_edit", args=[criterion.pk]), {
        "label": "建会率", "metric": "", "comparator": "gte", "target": "95", "unit": "%", "weight": "0",
        "rule": "proportional"})
    assert response.status_code == 400  # 0 points
    response = client.post(reverse("plans:criterion_create", args=[scheme.pk]), {
        "label": "X", "metric": "no.such", "comparator": "gte", "target": "1", "weight": "5", "rule": "threshold"})
    assert response.status_code == 400 and scheme.criteria.count() == 1
    response = client.post(reverse("plans:scheme_edit", args=[scheme.pk]), {"name": "改名", "year": "2026"})
    scheme.refresh_from_db()
    assert response.status_code == 302 and (scheme.name, scheme.year) == ("改名", 2026)
    assert client.get(reverse("plans:scheme_list", args=[world.street_a.pk])).status_code == 200
    node_page = client.get(reverse("orgs:node_detail", args=[world.street_a.pk])).content.decode()
    assert reverse("plans:scheme_list", args=[world.street_a.pk]) in node_page
    assert client.post(reverse("plans:criterion_delete", args=[criterion.pk])).status_code == 302
    assert client.post(reverse("plans:scheme_delete", args=[scheme.pk])).status_code == 302
    assert not AssessmentScheme.objects.exists()
    actions = list(AuditEntry.objects.filter(content_type__model__in=["assessmentscheme", "assessmentcriterion"])
                   .order_by("pk").values_list("content_type__model", "action"))
    assert actions == [("assessmentscheme", "create"), ("assessmentcriterion", "create"),
                       ("assessmentscheme", "update"), ("assessmentcriterion", "delete"),
                       ("assessmentscheme", "delete")]


def test_it_refuses_a_scheme_on_a_node_that_is_not_a_federation(client, world):
    client.force_login(world.district_admin)
    url = reverse("plans:scheme_create", args=[world.union_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "考核", "year": "2025"})
    assert response.status_code == 400
    assert "联合会" in response.content.decode() or "总工会" in response.content.decode()
    assert not AssessmentScheme.objects.exists()


def test_it_requires_the_assessment_permission(client, world, scheme):
    client.force_login(world.chair_a)
    assert client.get(reverse("plans:scheme_create", args=[world.union_a.pk])).status_code == 403
    assert client.post(reverse("plans:scheme_create", args=[world.union_a.pk]),
                       {"name": "考核", "year": "2025"}).status_code == 403
    assert client.get(reverse("plans:scheme_create", args=[world.union_b.pk])).status_code == 404
    assert client.get(reverse("plans:scheme_detail", args=[scheme.pk])).status_code == 404  # the street's
    client.force_login(world.readonly_leader)
    assert client.get(reverse("plans:scheme_detail", args=[scheme.pk])).status_code == 200
    assert client.get(reverse("plans:scheme_scores", args=[scheme.pk])).status_code == 403
    edit = reverse("plans:scheme_edit", args=[scheme.pk])
    assert client.post(edit, {"name": "改", "year": "2025"}).status_code == 403
    client.force_login(world.chair_b)
    assert client.get(reverse("plans:scheme_create", args=[world.street_a.pk])).status_code == 404
    assert not AssessmentScheme.objects.exclude(pk=scheme.pk).exists()


def test_it_shows_the_ranking_and_the_lists_in_a_fixed_number_of_queries(client, world, hand_scheme,
                                                                        django_assert_num_queries):
    scheme, _first, _second = hand_scheme
    client.force_login(world.street_admin)
    detail = reverse("plans:scheme_detail", args=[scheme.pk])
    listing = reverse("plans:scheme_list", args=[world.street_a.pk])
    scores = reverse("plans:scheme_scores", args=[scheme.pk])
    client.get(detail)

    def counts():
        result = []
        for url in (detail, listing, scores):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            result.append(len(context.captured_queries))
        return result

    few = counts()
    for index in range(6):
        make_node(world.street_a, Level.GRASSROOTS_UNION, f"UX{index}", f"新增工会{index}")
    services.scheme_create(actor=world.street_admin, node=world.street_a, year=2024, name="2024年度考核")
    more = counts()
    assert more == few
    with django_assert_num_queries(few[0]):
        client.get(detail)


def test_it_lets_a_county_assess_its_streets_instead_of_their_unions(client, world, figure):
    from django.core.exceptions import ValidationError

    figure.values.update({"SA": D("20"), "SB": D("5")})
    scheme = services.scheme_create(actor=world.district_admin, node=world.county, year=2025, name="街道考核",
                                    subjects="children")
    services.criterion_create(actor=world.district_admin, scheme=scheme, label="数", metric="zz.figure",
                              target=D("10"), weight=D("10"))
    hand = services.criterion_create(actor=world.district_admin, scheme=scheme, label="报送", target=D("2"),
                                     weight=D("10"))
    services.scores_save(actor=world.district_admin, scheme=scheme, entries={(hand.pk, world.street_b.pk): "2"})
    table = scoring.score_table(scheme)
    # each street over its whole subtree: SA 20 of 10 → 10 points, nothing entered; SB 5 of 10 → 5, entered 2 → 10
    assert [(row.union.code, row.total, row.rank) for row in table.rows] == [("SB", D("15.00"), 1),
                                                                            ("SA", D("10.00"), 2)]
    # back to the unions: the values entered for the streets are dropped
    scheme = services.scheme_update(actor=world.district_admin, scheme=scheme, year=2025, name="街道考核",
                                    subjects="unions")
    assert not AssessmentScore.objects.exists()
    assert {row.union.code for row in scoring.score_table(scheme).rows} == {"UA", "JA", "UB"}
    with pytest.raises(ValidationError) as error:
        services.scheme_create(actor=world.street_admin, node=world.street_a, year=2025, name="X", subjects="children")
    assert "subjects" in error.value.error_dict
    client.force_login(world.district_admin)
    response = client.post(reverse("plans:scheme_create", args=[world.county.pk]),
                           {"name": "区对街道考核", "year": "2025", "subjects": "children"})
    assert response.status_code == 302
    assert AssessmentScheme.objects.get(name="区对街道考核").subjects == "children"


def test_it_gives_full_points_where_a_computed_figure_has_nothing_to_measure(world, scheme, monkeypatch):
    """A union without hardship files has no 帮扶覆盖率 (0 ÷ 0): the criterion does not apply to it and costs it
    nothing (无此项工作不扣分), unlike a value left unentered by hand, which scores 0."""
    contrib.contributions()
    contribution = _Counting({"UA": D("100"), "JA": None})
    monkeypatch.setitem(contrib._registry, contribution.domain, contribution)
    services.criterion_create(actor=world.street_admin, scheme=scheme, label="覆盖率", metric="zz.figure",
                              target=D("100"), weight=D("15"))
    by_code = {row.union.code: row for row in scoring.score_table(scheme).rows}
    cell = by_code["JA"].cells[0]
    assert cell.value is None and cell.not_applicable and not cell.missing
    assert cell.points == D("15.00") == by_code["UA"].cells[0].points
    assert by_code["JA"].missing == 0
