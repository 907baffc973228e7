"""Summary pages: the summaries of a node with their status, a new summary (drafted at once), the summary
laid out as the document, its sections edited one at a time (htmx) or all together, the text drafted again
from the records, and the .docx (the stored summary, or a draft of a period that has none).

plans.view to read, plans.change to write (while the summary is a draft or returned); outside the user's
subtree nothing exists (404). Submitting, returning and accepting are the review pages' (plans/review)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from .. import selectors
from ..contrib import Period
from ..models import Half, ReviewStatus
from ..review.selectors import panel_context
from . import services
from .draft import title_for
from .forms import PeriodForm, SectionForm, TitleForm

PAGE_SIZE = 25
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def summary_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.view")
    page = Paginator(selectors.summaries_of(request.user, node), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/summary/list.html", {
        "node": node, "page": page, "crumbs": org_selectors.breadcrumbs(request.user, node),
        "may_change": policy.has_perm(request.user, "plans.change", node.path),
        "form": PeriodForm(), "statuses": ReviewStatus,
    })


@login_required
@require_http_methods(["GET", "POST"])
def summary_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "plans.change")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.summary_create(actor=request.user, node=node, year=form.cleaned_data["year"],
                                              half=form.cleaned_data["half"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The summary was drafted from the records. Read it and edit what needs it."))
            return redirect("plans:summary_detail", summary.pk)
    return render(request, "plans/summary/create.html", {
        "node": node, "form": form, "crumbs": org_selectors.breadcrumbs(request.user, node),
        "crumb_link_last": True})


@login_required
@require_GET
def summary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.get_summary_for_user(request.user, pk)
    may_change = summary.editable and policy.has_perm(request.user, "plans.change", summary.path)
    context = {"summary": summary, "may_change": may_change,
               "crumbs": org_selectors.breadcrumbs(request.user, summary.node), "crumb_link_last": True,
               **panel_context(request.user, summary)}
    return render(request, "plans/summary/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """All sections in one form; with ?section=KEY (htmx) one section's form in place of its text."""
    summary = selectors.get_summary_for_user(request.user, pk, "plans.change")
    if not summary.editable:
        messages.error(request, _("This summary has been submitted or accepted and can no longer be changed."))
        if request.htmx:
            return HttpResponse(status=409)
        return redirect("plans:summary_detail", summary.pk)
    key = request.GET.get("section") or request.POST.get("section") or ""
    sections = summary.sections or []
    if key:
        sections = [s for s in sections if s["key"] == key]
        if not sections:
            return redirect("plans:summary_edit", summary.pk)
    data = request.POST if request.method == "POST" else None
    forms = [SectionForm(data, section=section) for section in sections]
    title_form = None if key else TitleForm(data, initial={"title": summary.title or str(summary)})
    if request.method == "POST" and all(f.is_valid() for f in forms) and (title_form is None or title_form.is_valid()):
        changes = {f.section["key"]: {"heading": f.cleaned_data["heading"], "paragraphs": f.cleaned_data["paragraphs"]}
                   for f in forms}
        try:
            summary = services.summary_update(actor=request.user, summary=summary, sections=changes,
                                              title=title_form.cleaned_data["title"] if title_form else None)
        except ValidationError as error:
            for form in forms:
                for message in error.message_dict.get(form.section["key"], []) if hasattr(error, "error_dict") else []:
                    form.add_error("heading", message)
            if title_form is not None and hasattr(error, "error_dict") and "title" in error.error_dict:
                title_form.add_error("title", error.error_dict["title"])
            if not any(f.errors for f in forms) and not (title_form and title_form.errors):
                messages.error(request, " ".join(error.messages))
        else:
            if request.htmx and key:
                section = next(s for s in summary.sections if s["key"] == key)
                return render(request, "plans/summary/_section.html",
                              {"summary": summary, "section": section, "may_change": True})
            messages.success(request, _("The summary was saved."))
            return redirect("plans:summary_detail", summary.pk)
    context = {"summary": summary, "forms": forms, "title_form": title_form, "key": key,
               "crumbs": org_selectors.breadcrumbs(request.user, summary.node), "crumb_link_last": True}
    if request.htmx and key:
        return render(request, "plans/summary/_section_form.html", {**context, "form": forms[0]})
    return render(request, "plans/summary/edit.html", context)


@login_required
@require_GET
def summary_section(request: HttpRequest, pk: int) -> HttpResponse:
    """One section as text (htmx: what 'cancel' on a section's form puts back); without ?section, all of them."""
    summary = selectors.get_summary_for_user(request.user, pk)
    key = request.GET.get("section")
    sections = [s for s in summary.sections or [] if not key or s["key"] == key]
    if key and not sections:
        raise Http404
    may_change = summary.editable and policy.has_perm(request.user, "plans.change", summary.path)
    return render(request, "plans/summary/_sections.html",
                  {"summary": summary, "sections": sections, "may_change": may_change})


@login_required
@require_POST
def summary_redraft(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.get_summary_for_user(request.user, pk, "plans.change")
    try:
        services.summary_redraft(actor=request.user, summary=summary)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The summary was drafted again from the records; earlier edits were replaced."))
    return redirect("plans:summary_detail", summary.pk)


@login_required
@require_GET
def summary_export(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.get_summary_for_user(request.user, pk)
    content = services.summary_export(actor=request.user, summary=summary)
    return _download(content, f"{summary}.docx")


@login_required
@require_GET
def summary_draft_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft of a period written from the records as they stand and downloaded at once, nothing stored (a stored
    summary of the period, edited or drafted earlier, is downloaded from its own page)."""
    node = get_node_for_user(request.user, pk, "plans.view")
    form = PeriodForm(request.GET if "year" in request.GET else None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose the year and the period of the draft."))
        return redirect("plans:summary_list", node.pk)
    if form.is_bound:
        year, half = form.cleaned_data["year"], form.cleaned_data["half"]
    else:  # the year so far
        year, half = form.initial["year"], Half.WHOLE_YEAR
    content = services.draft_export(actor=request.user, node=node, year=year, half=half)
    return _download(content, f"{title_for(node, Period(year, half))}（草稿）.docx")
