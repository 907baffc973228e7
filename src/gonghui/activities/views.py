"""Thin views of activities: an access helper, one service or selector call, render or redirect.

Officers reach activities through their scope (`activities.view` to look, `activities.change` to run them);
a member reaches the activities open to them through their own account (request.user.member)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.core import evidence, evidence_views
from gonghui.members import selectors as member_selectors
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import FEDERATION_LEVELS
from gonghui.orgs.views import _apply_errors

from . import checkin, selectors, services
from .forms import ActivityForm, AddParticipantForm, AttachmentForm, EntryForm, FilterForm, StatusForm
from .models import ActivityKind, ActivityStatus, CheckInMethod, ParticipationStatus

PAGE_SIZE = 25
STATUS_ACTIONS = [  # (status, label, button style) offered on an activity's page when the status allows it
    (ActivityStatus.OPEN, gettext_lazy("Open sign-up"), "outline-success"),
    (ActivityStatus.CLOSED, gettext_lazy("Close sign-up"), "outline-secondary"),
    (ActivityStatus.FINISHED, gettext_lazy("Mark as held"), "outline-primary"),
    (ActivityStatus.CANCELLED, gettext_lazy("Cancel the activity"), "outline-danger"),
]


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _crumbs(user, node):
    return org_selectors.breadcrumbs(user, node) if policy.has_perm(user, "orgs.view", node.path) else []


# ---- lists and the activity itself ----------------------------------------------------------------------

@login_required
@vary_on_headers("HX-Request")
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = org_selectors.get_node_for_user(request.user, pk, "activities.view")
    form = FilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {"kind": data.get("kind", ""), "status": data.get("status", ""), "year": data.get("year"),
               "search": data.get("q", "")}
    page = Paginator(selectors.activity_list(request.user, node, **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"node": node, "page": page, "filters": filters,
               "perms": policy.permissions_at(request.user, node.path, ["activities.change"])}
    if request.htmx and request.htmx.target == "activity-results":
        return render(request, "activities/_activity_results.html", context)
    this_year = timezone.localdate().year
    context.update({"crumbs": org_selectors.breadcrumbs(request.user, node), "kinds": ActivityKind.choices,
                    "statuses": ActivityStatus.choices, "years": list(range(this_year + 1, this_year - 5, -1))})
    return render(request, "activities/activity_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    organiser = org_selectors.get_node_for_user(request.user, pk, "activities.change")
    form = ActivityForm(request.POST or None, organiser=organiser,
                        initial={"include_subtree": organiser.level in FEDERATION_LEVELS})
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=request.user, organiser=organiser, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(title)s was created.") % {"title": activity.title})
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {
        "form": form, "node": organiser, "crumbs": org_selectors.breadcrumbs(request.user, organiser),
        "title": _("New activity of %(name)s") % {"name": organiser.name},
    })


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    officer = policy.has_perm(request.user, "activities.view", activity.path)
    may_change = policy.has_perm(request.user, "activities.change", activity.path)
    member = selectors.member_of(request.user)
    mine = None
    if member is not None:
        mine = activity.participations.filter(member=member).exclude(status=ParticipationStatus.CANCELLED).first()
    files = selectors.attachments(activity)
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "officer": officer, "may_change": may_change, "member": member, "mine": mine,
        "may_sign_up": member is not None and mine is None
        and selectors.open_to_member(member).filter(pk=activity.pk).exists(),
        "photos": [f for f in files if f.kind == "photo"], "documents": [f for f in files if f.kind != "photo"],
        "status_actions": [(value, label, style) for value, label, style in STATUS_ACTIONS
                           if activity.status in services.STATUS_FROM[value]] if may_change else [],
        "upload_action": reverse("activities:attachment_upload", args=[activity.pk]) if may_change else "",
        "max_mb": evidence.max_attachment_bytes() // 1024 // 1024,
        "crumbs": _crumbs(request.user, activity.organiser) if officer else [],
        "crumb_link_last": True,
        "is_competition": activity.kind == ActivityKind.COMPETITION,
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk, "activities.change")
    form = ActivityForm(request.POST or None, instance=activity, organiser=activity.organiser)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            # the form wrote the values onto `activity`; the service starts again from the stored row
            activity.refresh_from_db()
            services.activity_update(actor=request.user, activity=activity, **data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _apply_errors(form, error)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Changes to %(title)s were saved.") % {"title": activity.title})
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {
        "form": form, "node": activity.organiser, "activity": activity,
        "crumbs": org_selectors.breadcrumbs(request.user, activity.organiser), "crumb_link_last": True,
        "title": _("Edit %(title)s") % {"title": activity.title},
    })


@login_required
@require_POST
def activity_status(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk, "activities.change")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status; an actual cost is a non-negative amount."))
        return redirect("activities:activity_detail", pk=activity.pk)
    try:
        services.activity_set_status(actor=request.user, activity=activity, status=form.cleaned_data["status"],
                                     actual_cost=form.cleaned_data["actual_cost"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(title)s is now: %(status)s.")
                         % {"title": activity.title, "status": activity.get_status_display()})
    return redirect("activities:activity_detail", pk=activity.pk)


# ---- photos and documents -------------------------------------------------------------------------------

@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk, "activities.change")
    page = reverse("activities:activity_detail", args=[activity.pk]) + "#evidence"
    return evidence_views.uploaded(
        request, form_class=AttachmentForm, next_url=page,
        add=lambda data: services.attachment_add(actor=request.user, activity=activity, upload=data["file"],
                                                 caption=data["caption"]))


@login_required
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of an attachment, for whoever may see its activity; never a public URL."""
    attachment, _activity = selectors.get_attachment_for_user(request.user, pk)
    return evidence.evidence_file(attachment)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, activity = selectors.get_attachment_for_user(request.user, pk, "activities.change")
    page = reverse("activities:activity_detail", args=[activity.pk]) + "#evidence"
    return evidence_views.removed(
        request, attachment=attachment, next_url=page,
        delete=lambda: services.attachment_delete(actor=request.user, attachment=attachment))


# ---- a member's own sign-up ----------------------------------------------------------------------------

@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    """What a member sees: activities open to them now, their own sign-ups, and their 人次 this year."""
    member = selectors.member_of(request.user)
    if member is None:
        raise Http404
    year = timezone.localdate().year
    open_now = list(selectors.open_to_member(member)[:50])
    mine = selectors.participation_by_activity(member, open_now)
    return render(request, "activities/my_activities.html", {
        "member": member, "open_rows": [(activity, mine.get(activity.pk)) for activity in open_now],
        "history": list(selectors.member_participations(member)[:100]), "year": year,
        "attended_this_year": selectors.attendance_count(member, year),
        "eligible": member.status in services.MEMBER_STATUSES,
    })


@login_required
@require_POST
def activity_signup(request: HttpRequest, pk: int) -> HttpResponse:
    """A member signs up for an activity, or cancels their own sign-up (action=cancel)."""
    activity = selectors.get_activity_for_user(request.user, pk)
    member = selectors.member_of(request.user)
    if member is None:
        raise PermissionDenied  # an officer's account with no member record: officers add members on the list
    try:
        if request.POST.get("action") == "cancel":
            participation = activity.participations.filter(member=member).exclude(
                status=ParticipationStatus.CANCELLED).first()
            if participation is None:
                raise ValidationError(_("You are not on the list of %(title)s.") % {"title": activity.title})
            services.cancel_participation(actor=request.user, participation=participation)
            messages.success(request, _("Your sign-up for %(title)s was cancelled.") % {"title": activity.title})
        else:
            participation = services.signup(actor=request.user, activity=activity, member=member)
            if participation.status == ParticipationStatus.WAITING:
                messages.warning(request, _("%(title)s is full: you are on the waiting list and get a place when "
                                            "someone cancels.") % {"title": activity.title})
            else:
                messages.success(request, _("You are signed up for %(title)s.") % {"title": activity.title})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("activities:activity_detail", pk=activity.pk)


# ---- the officer's list: add, tick, cancel --------------------------------------------------------------

@login_required
def activity_roster(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    if not policy.has_perm(request.user, "activities.view", activity.path):
        raise PermissionDenied  # a member sees the activity, not who else signed up
    return render(request, "activities/activity_roster.html", {
        "activity": activity, "rows": list(selectors.participants(activity)),
        "may_change": policy.has_perm(request.user, "activities.change", activity.path),
        "crumbs": _crumbs(request.user, activity.organiser), "crumb_link_last": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk, "activities.change")
    search = request.GET.get("q", "").strip()
    candidates = selectors.eligible_members(activity, search)
    form = AddParticipantForm(request.POST or None, members=selectors.eligible_members(activity))
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"]
        try:
            participation = services.signup(actor=request.user, activity=activity, member=member, by_officer=True)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if participation.status == ParticipationStatus.WAITING:
                messages.warning(request, _("%(name)s is on the waiting list: all places are taken.")
                                 % {"name": member.name})
            else:
                messages.success(request, _("%(name)s was added.") % {"name": member.name})
        return redirect(reverse("activities:participant_add", args=[activity.pk])
                        + (f"?q={search}" if search else ""))
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"activity": activity, "page": page, "search": search, "form": form,
               "crumbs": _crumbs(request.user, activity.organiser), "crumb_link_last": True}
    if request.htmx and request.htmx.target == "candidate-results":
        return render(request, "activities/_candidates.html", context)
    return render(request, "activities/participant_add.html", context)


@login_required
@require_POST
def participant_update(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer ticks someone as come, undoes it, or takes them off the list; htmx swaps the row."""
    activity = selectors.get_activity_for_user(request.user, pk, "activities.change")
    participation = selectors.get_participation(activity, request.POST.get("participation", ""))
    action = request.POST.get("action", "")
    error = None
    try:
        if action == "checkin":
            participation, _new = services.check_in(actor=request.user, activity=activity,
                                                    member=participation.member, method=CheckInMethod.OFFICER)
        elif action == "uncheck":
            participation = services.undo_check_in(actor=request.user, participation=participation)
        elif action == "cancel":
            services.cancel_participation(actor=request.user, participation=participation)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        error = _error_text(exc)
    if request.htmx and action in ("checkin", "uncheck") and error is None:
        participation.refresh_from_db()
        activity.refresh_from_db()
        return render(request, "activities/_roster_row.html", {
            "row": participation, "activity": activity, "may_change": True, "oob_counts": True})
    if error:
        messages.error(request, error)
    return redirect("activities:activity_roster", pk=activity.pk)


# ---- the venue's QR code and the member's check-in ------------------------------------------------------

@login_required
def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk, "activities.change")
    url = request.build_absolute_uri(reverse("activities:activity_checkin", args=[activity.pk])) + \
        "?t=" + checkin.make_token(activity)
    hours = checkin.max_age_seconds() / 3600
    return render(request, "activities/activity_qr.html", {
        "activity": activity, "url": url, "svg": checkin.qr_svg(url), "hours": f"{hours:g}",
        "valid_until": timezone.localtime() + timezone.timedelta(seconds=checkin.max_age_seconds()),
        "check_in_open": activity.status in (ActivityStatus.OPEN, ActivityStatus.CLOSED, ActivityStatus.FINISHED),
    })


@login_required
@require_http_methods(["GET", "POST"])
def activity_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """What the venue's QR code opens on the member's phone: the activity and the member's name, and a button.
    Only the button (a POST carrying the code, with the CSRF token) checks the member in: a link alone, opened
    by a chat app's preview or planted in another page, checks no one in."""
    token = (request.POST if request.method == "POST" else request.GET).get("t", "")
    activity, visible = selectors.get_activity_for_checkin(request.user, pk, token)
    member = selectors.member_of(request.user)
    context = {"activity": activity, "member": member, "token": token, "ok": False, "new": False, "error": "",
               "confirm": False, "visible": visible}
    if member is None:
        context["error"] = _("This account is not linked to a member record: sign in with your own member "
                             "account to check in.")
        return render(request, "activities/checkin_result.html", context)
    if not visible:
        context["error"] = services.not_open_reason(activity, member) or _(
            "%(title)s is not open for check-in yet.") % {"title": activity.title}
        return render(request, "activities/checkin_result.html", context)
    try:
        checkin.check_token(activity, token)
    except checkin.TokenRefused as refused:
        context["error"] = str(refused)
        return render(request, "activities/checkin_result.html", context)
    if request.method == "GET":
        participation = selectors.participation_by_activity(member, [activity]).get(activity.pk)
        if participation is not None and participation.checked_in_at is not None:
            context.update(ok=True, participation=participation,
                           attended_this_year=selectors.attendance_count(member, timezone.localdate().year))
        else:
            context["confirm"] = True
        return render(request, "activities/checkin_result.html", context)
    try:
        participation, new = services.check_in(actor=request.user, activity=activity, member=member,
                                               method=CheckInMethod.QR)
    except ValidationError as error:
        context["error"] = _error_text(error)
    else:
        context.update({"ok": True, "new": new, "participation": participation,
                        "attended_this_year": selectors.attendance_count(member, timezone.localdate().year)})
    return render(request, "activities/checkin_result.html", context)


# ---- competitions ---------------------------------------------------------------------------------------

def _competition(request: HttpRequest, pk: int, permission: str = "activities.view"):
    activity = selectors.get_activity_for_user(request.user, pk, permission)
    if activity.kind != ActivityKind.COMPETITION:
        raise Http404
    return activity


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results table of a competition: by event, ranked; seen by officers and by the members it is for."""
    activity = _competition(request, pk)
    rows = selectors.entries(activity)
    events: dict[str, list] = {}
    for entry in rows:
        events.setdefault(entry.event or "", []).append(entry)
    officer = policy.has_perm(request.user, "activities.view", activity.path)
    return render(request, "activities/results.html", {
        "activity": activity, "events": events, "count": len(rows),
        "may_change": policy.has_perm(request.user, "activities.change", activity.path),
        "crumbs": _crumbs(request.user, activity.organiser) if officer else [], "crumb_link_last": True,
    })


def _entry_members(activity):
    return selectors.eligible_members(activity, exclude_listed=False)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _competition(request, pk, "activities.change")
    form = EntryForm(request.POST or None, members=_entry_members(activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_save(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The entry was saved."))
            if "another" in request.POST:
                return redirect("activities:entry_create", pk=activity.pk)
            return redirect("activities:results", pk=activity.pk)
    return render(request, "activities/entry_form.html", {
        "form": form, "activity": activity, "title": _("New entry in %(title)s") % {"title": activity.title},
        "crumbs": _crumbs(request.user, activity.organiser), "crumb_link_last": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_entry_for_user(request.user, pk, "activities.change")
    activity = entry.activity
    form = EntryForm(request.POST or None, instance=entry, members=_entry_members(activity))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        entry.refresh_from_db()
        try:
            services.entry_save(actor=request.user, activity=activity, entry=entry, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The entry was saved."))
            return redirect("activities:results", pk=activity.pk)
    return render(request, "activities/entry_form.html", {
        "form": form, "activity": activity, "entry": entry,
        "title": _("Edit the entry of %(name)s") % {"name": str(entry)},
        "crumbs": _crumbs(request.user, activity.organiser), "crumb_link_last": True,
    })


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.get_entry_for_user(request.user, pk, "activities.change")
    activity = entry.activity
    services.entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("The entry of %(name)s was removed.") % {"name": str(entry)})
    return redirect("activities:results", pk=activity.pk)


@login_required
@require_POST
def entry_rank(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _competition(request, pk, "activities.change")
    try:
        count = services.rank_by_score(actor=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(n)d entries were ranked by score within their events.") % {"n": count})
    return redirect("activities:results", pk=activity.pk)


# ---- one member's participation ------------------------------------------------------------------------

@login_required
def member_activities(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's activities and 人次 in a year: for the officers who see the member, and the member."""
    member = member_selectors.get_member_for_user(request.user, pk)
    own = member.user_id == request.user.pk
    if not own and not policy.has_perm(request.user, "activities.view", member.path):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    return render(request, "activities/member_activities.html", {
        "member": member, "year": year, "years": list(range(today.year, today.year - 5, -1)),
        "rows": list(selectors.member_participations(member, year)),
        "attended": selectors.attendance_count(member, year),
        "crumbs": _crumbs(request.user, member.union) if not own else [], "crumb_link_last": True,
    })

