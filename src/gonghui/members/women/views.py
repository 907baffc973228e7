"""女职工 pages: the women workers of a node, and one member's record (issue 3 §6). Only the women's officer
and the chair reach them; for everyone else they do not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.views import _apply_errors

from ..models import FivePeriod
from . import rules, selectors, services
from .forms import RECORD_FIELDS, CheckForm, WomenRecordForm

PAGE_SIZE = 25


def _sources() -> list[str]:
    return [str(rules.SOURCE_MATERNITY), str(rules.SOURCE_PROTECTION), str(rules.SOURCE_FIRST_BIRTHDAY),
            rules.checks_source()]


@login_required
@vary_on_headers("HX-Request")
def women_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = selectors.get_node_for_women(request.user, pk)
    today = timezone.localdate()
    tab = request.GET.get("tab", "all")
    tab = tab if tab in selectors.TABS else "all"
    stage = request.GET.get("stage", "")
    stage = stage if stage in FivePeriod.values and stage and tab == "all" else ""
    if tab == "leave" or stage:
        # the 五期 lists need the encrypted details: ids are selected in Python, one page of members loaded
        ids = (selectors.member_ids_on_leave_or_nursing(request.user, node, today) if tab == "leave"
               else selectors.member_ids_by_stage(request.user, node, stage))
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        members = selectors.members_by_ids(request.user, node, list(page.object_list))
    else:
        queryset = (selectors.check_due(request.user, node, tab, today) if tab in ("gynaecological", "general")
                    else selectors.women_members(request.user, node))
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        members = list(page.object_list)
    context = {
        "node": node, "tab": tab, "stage": stage, "stages": [c for c in FivePeriod.choices if c[0]],
        "page": page, "rows": selectors.rows_for(members, today), "today": today,
        "may_change": policy.has_perm(request.user, "women.change", node.path),
        "gynaecological_months": rules.gynaecological_check_months(),
        "general_months": rules.general_check_months(),
    }
    if request.htmx and request.htmx.target == "women-results":
        return render(request, "members/women/_results.html", context)
    context.update({"crumbs": org_selectors.breadcrumbs(request.user, node), "sources": _sources()})
    return render(request, "members/women/list.html", context)


@login_required
def women_record(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for_women(request.user, pk)
    today = timezone.localdate()
    row = selectors.rows_for([member], today)[0]
    check_rows = [
        ("gynaecological", _("Gynaecological check"), row.record.last_gynaecological_check if row.record else None,
         row.gynaecological_due, row.gynaecological_next, rules.gynaecological_check_months()),
        ("general", _("General health check"), row.record.last_general_check if row.record else None,
         row.general_due, row.general_next, rules.general_check_months()),
    ]
    return render(request, "members/women/record.html", {
        "member": member, "row": row, "details": row.details, "figures": row.figures, "today": today,
        "crumbs": org_selectors.breadcrumbs(request.user, member.union), "crumb_link_last": True,
        "may_change": policy.has_perm(request.user, "women.change", member.path),
        "sources": _sources(), "check_rows": check_rows,
    })


@login_required
@require_http_methods(["GET", "POST"])
def women_record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for_women(request.user, pk, "women.change")
    record = selectors.record_for(member)
    details = services.record_details(record)
    initial = {**details, "last_gynaecological_check": record.last_gynaecological_check if record else None,
               "last_general_check": record.last_general_check if record else None}
    form = WomenRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in RECORD_FIELDS}
        try:
            services.women_record_update(actor=request.user, member=member, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The women worker record of %(name)s was saved.") % {"name": member.name})
            return redirect("members:women_record", pk=member.pk)
    return render(request, "members/women/record_form.html", {
        "form": form, "member": member,
        "crumbs": org_selectors.breadcrumbs(request.user, member.union), "crumb_link_last": True,
        "sources": _sources(),
    })


@login_required
@require_POST
def women_check_record(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_member_for_women(request.user, pk, "women.change")
    form = CheckForm(request.POST)
    if form.is_valid():
        try:
            services.women_check_record(actor=request.user, member=member, kind=form.cleaned_data["kind"],
                                        on=form.cleaned_data["on"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            label = dict(form.fields["kind"].choices)[form.cleaned_data["kind"]]
            messages.success(request, _("%(check)s of %(name)s recorded.") % {"check": label, "name": member.name})
    else:
        messages.error(request, _("The check could not be recorded: %(errors)s")
                       % {"errors": " ".join(e for errors in form.errors.values() for e in errors)})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("members:women_record", pk=member.pk)
