"""Roster import pages: upload on a union's page, the check's report (the dry run), the import and its
progress, and the error workbook. A job is reached through `_job_for_user`: 404 outside the user's subtree,
403 where they may look at members but not change them."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.members.models import ImportJob, ImportStatus
from gonghui.members.services import MEMBERSHIP_LEVELS
from gonghui.orgs import selectors as org_selectors

from . import services, tasks
from .forms import RunForm, UploadForm

PAGE_SIZE = 50
RECENT_JOBS = 10


def _union_for_user(user, pk: int):
    node = org_selectors.get_node_for_user(user, pk, "members.change")
    if node.level not in MEMBERSHIP_LEVELS:
        raise Http404(_("Rosters are imported into a grassroots, joint or branch union."))
    return node


def _job_for_user(user, pk: int, permission: str = "members.change") -> ImportJob:
    job = ImportJob.objects.select_related("union", "created_by").filter(pk=pk).first()
    policy.check(user, job.path if job else None, permission, view_permission="members.view")
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    union = _union_for_user(request.user, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(actor=request.user, union=union, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file" if hasattr(error, "error_dict") and "file" in error.error_dict else None,
                           error.messages)
        else:
            if services.checks_in_background(job):
                job.status = ImportStatus.CHECKING
                job.save(update_fields=["status", "updated_at"])
                tasks.enqueue_check(job)
            else:
                services.import_check(job=job)
            return redirect("members:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(union=union).select_related("created_by")[:RECENT_JOBS]
    return render(request, "members/imports/start.html", {
        "union": union, "form": form, "jobs": jobs, "crumbs": org_selectors.breadcrumbs(request.user, union),
    })


def _problems(job: ImportJob, details: dict) -> list[dict]:
    rows = [{**item, "level": "error"} for item in details.get("errors", [])]
    rows += [{**item, "level": "warning"} for item in details.get("warnings", [])]
    rows.sort(key=lambda item: (item["row"], item["level"] != "error"))
    return rows


@login_required
@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for_user(request.user, pk)
    busy = job.status in (ImportStatus.CHECKING, ImportStatus.RUNNING)
    context = {"job": job, "busy": busy, "union": job.union}
    if request.htmx and request.htmx.target == "job-progress":
        if not busy:  # finished: reload the whole page to show the report
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "members/imports/_progress.html", context)
    details = services.report_details(job) if job.report.get("sealed") else {}
    page = Paginator(_problems(job, details), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update({
        "page": page,
        "notes": job.report.get("notes", []),
        "error_count": job.report.get("error_count", 0),
        "warning_count": job.report.get("warning_count", 0),
        "written": job.report.get("written"),
        "form": RunForm(initial={"mode": job.mode}),
        "crumbs": org_selectors.breadcrumbs(request.user, job.union),
        "upload_hours": settings.GONGHUI_RULES["IMPORT_UPLOAD_HOURS"],
    })
    if request.htmx and request.htmx.target == "problems":
        return render(request, "members/imports/_problems.html", context)
    return render(request, "members/imports/detail.html", context)


@login_required
@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for_user(request.user, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to import."))
        return redirect("members:import_detail", pk=job.pk)
    if services.runs_in_background(job):
        try:
            services.import_queue(job=job, mode=form.cleaned_data["mode"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            tasks.enqueue_import(job, request.user)
        return redirect("members:import_detail", pk=job.pk)
    try:
        services.import_run(job=job, actor=request.user, mode=form.cleaned_data["mode"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("members:import_detail", pk=job.pk)


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for_user(request.user, pk)
    data = services.import_errors_export(actor=request.user, job=job)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stem = job.original_name.rsplit(".", 1)[0]
    filename = _("%(name)s-errors.xlsx") % {"name": stem}
    response["Content-Disposition"] = f"attachment; filename=\"errors.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
