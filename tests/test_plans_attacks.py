"""What an attacker's review of issue 5 (plans, summaries, indicators, assessment, collective contracts) found,
kept as tests of the correct behaviour: care records hidden from officers without care.view on an item's
ledger, malformed numbers, control characters in a summary, and ledger .xlsx titles and formulas."""

from __future__ import annotations

import contextlib
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from gonghui.plans.models import Plan, PlanItem, Section, Timing

from .conftest import make_member

D = datetime.date


def _plan(node, year=2025, **fields):
    return Plan.objects.create(node=node, path=node.path, year=year, title=f"{node.name}计划", **fields)


def _visit(union, name="赵困难"):
    from gonghui.care.visits import services as visit_services

    return visit_services.visit_create(actor=None, node=union, member=make_member(union, name), reason="illness",
                                       visited_on=D(2025, 6, 2), visitors="工会主席")


def _edited_summary(client, world, text):
    """A summary of union A whose first section chair A edited (through the page) to `text`."""
    from gonghui.plans.summary import services as summary_services

    summary = summary_services.summary_create(actor=None, node=world.union_a, year=2025)
    data = {"title": summary.title}
    for section in summary.sections:
        data[f"s-{section['key']}-heading"] = section["heading"]
        data[f"s-{section['key']}-paragraphs"] = "\n".join(section["paragraphs"])
    data[f"s-{summary.sections[0]['key']}-paragraphs"] = text
    client.force_login(world.chair_a)
    assert client.post(reverse("plans:summary_edit", args=[summary.pk]), data).status_code == 302
    summary.refresh_from_db()
    assert text in summary.sections[0]["paragraphs"]  # the page accepted and stored it
    return summary


# ---- care records on the 台账 page of a plan item, to roles without care.view ----------------------------

def test_it_does_not_show_care_records_on_an_item_ledger_to_an_officer_without_care_view(client, world):
    # WRONG: plans/links/views.py item_evidence needs only plans.view (every officer but a member), and lists
    # every record the item's evidence source finds in the subtree (progress.found_records → source.find), plus
    # the hand links' stored labels. For care sources that is the visit/assistance register: the member's
    # (masked) name, the reason (illness…), the amount and a link to the record. The women's officer (and a
    # group leader) hold plans.view but not care.view (accounts/policy.py): the care page itself is 403 for
    # them. CORRECT: records of a source are listed only to a user who may see them (the source's own
    # permission, e.g. a `visible(user, records)`/`permission` on EvidenceSource), the others see counts only.
    visit = _visit(world.union_a)
    plan = _plan(world.union_a)
    item = PlanItem.objects.create(plan=plan, section=Section.CARE, title="走访慰问生病职工", timing=Timing.YEARLY,
                                   evidence="care.visit")
    client.force_login(world.women_officer)
    assert client.get(reverse("care:visit_detail", args=[visit.pk])).status_code == 403
    response = client.get(reverse("plans:item_evidence", args=[item.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("care:visit_detail", args=[visit.pk]) not in body
    assert "赵**" not in body and "生病住院" not in body


# ---- 500s from malformed input ---------------------------------------------------------------------------

def test_it_ignores_a_non_ascii_digit_year_on_the_plan_list(client, world):
    # WRONG: plans/views.py:119 tests `year.isdigit()` and then calls int(year); "²".isdigit() is True but
    # int("²") raises ValueError → 500. CORRECT: an unusable ?year= falls back to the latest year (200).
    client.force_login(world.street_admin)
    response = client.get(reverse("plans:plan_list", args=[world.street_a.pk]) + "?year=²")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["?year=²", "?year=2026&half=²"])
def test_it_ignores_a_non_ascii_digit_period_when_drafting_a_plan(client, world, query):
    # WRONG: plans/views.py:141-142 (_period_from): the same isdigit()/int() pair for year and half → 500 on
    # GET and POST of plan_create. CORRECT: fall back to the default year / whole year (use
    # `s.isascii() and s.isdigit()` or try/except ValueError).
    client.force_login(world.chair_a)
    response = client.get(reverse("plans:plan_create", args=[world.union_a.pk]) + query)
    assert response.status_code == 200


def test_it_exports_a_summary_whose_text_holds_a_control_character(client, world):
    # WRONG: the section form (SectionForm, a CharField) accepts control characters such as \x0b (a vertical tab,
    # what Word's "line break" pastes as) and \x01; summary_update stores them; summary/docx.py writes them into
    # python-docx, whose lxml refuses them ("All strings must be XML compatible") → 500 on export.docx, and the
    # stored summary can no longer be exported at all. CORRECT: strip (or refuse with a message) the characters
    # XML 1.0 does not allow, on input and/or when writing the .docx; the export answers 200.
    summary = _edited_summary(client, world, "全年开展活动\x0b共12次\x01")
    response = client.get(reverse("plans:summary_export", args=[summary.pk]))
    assert response.status_code == 200


def test_the_report_command_exports_a_summary_whose_text_holds_a_control_character(client, world, tmp_path):
    # WRONG: the same stored summary makes `gonghui report summary` die with a ValueError traceback (not a
    # CommandError with a message). CORRECT: the document is written.
    _edited_summary(client, world, "全年开展活动\x0b共12次")
    out = tmp_path / "summary.docx"
    with contextlib.suppress(CommandError):
        call_command("report", "summary", "--org", world.union_a.code, "--year", "2025", "--out", str(out),
                     stdout=io.StringIO())
    assert out.exists() and out.stat().st_size > 0


@pytest.mark.parametrize("name", ["2025年度考核（上/下半年）", "考核:基层工会", "考核[试行]", "考核?"])
def test_it_exports_an_assessment_whose_name_has_a_character_excel_refuses_in_sheet_names(client, world, name):
    # WRONG: assessment/ledger.py passes the scheme's name (free text from SchemeForm) as the ledger title and
    # core/ledger.py sets `sheet.title = ledger.title[:31]`; openpyxl raises ValueError for / \ ? * : [ ] in a
    # sheet title → 500 on the .xlsx of such a scheme. CORRECT: the sheet title is sanitised (those characters
    # replaced), the export answers 200.
    from gonghui.plans.assessment import services as assessment_services

    scheme = assessment_services.scheme_create(actor=None, node=world.street_a, year=2025, name=name)
    client.force_login(world.street_admin)
    assert client.get(reverse("plans:scheme_xlsx", args=[scheme.pk])).status_code == 200


def test_it_writes_an_assessment_name_and_criterion_label_to_xlsx_as_text_not_formulas(client, world):
    # WRONG: the scheme's name goes into row 1 (the title) and each criterion's label starts a header of row 3;
    # core/ledger.py only forces data rows of "text" columns to strings, so a name or label starting with "="
    # is written as a formula (spreadsheet formula injection: =HYPERLINK(...) to a phishing page, DDE payloads)
    # in a file every officer of the federation downloads. CORRECT: every user-supplied string cell is
    # written as text (data_type "s"), as the data rows already are.
    from openpyxl import load_workbook

    from gonghui.plans.assessment import services as assessment_services

    scheme = assessment_services.scheme_create(actor=None, node=world.street_a, year=2025,
                                               name='=HYPERLINK("evil.example","点击查看")')
    assessment_services.criterion_create(actor=None, scheme=scheme, label="=1+2", target=2, weight=10)
    client.force_login(world.street_admin)
    response = client.get(reverse("plans:scheme_xlsx", args=[scheme.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []
