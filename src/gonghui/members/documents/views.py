"""Roster export, member cards and the public card verification page. Thin views: an access helper, one
selector or document call, a file or a page."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors

from .. import selectors
from ..models import MEMBER_STATUSES, Member
from . import cards, export
from .forms import ExportForm, describe_filters, filters_query, list_filters
from .selectors import card_is_valid, check_card
from .tokens import BadCardToken, card_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# One request draws at most this many cards (100 A4 pages, about 8 s here at 7 ms a card); larger
# selections are split by a filter or a union group.
MAX_CARDS = 1000


def _verify_url(request: HttpRequest):
    """The address the QR code opens: GONGHUI_PUBLIC_URL when set (cards printed from an intranet address
    must still open from a phone), else the address this request came in on."""
    base = getattr(settings, "GONGHUI_PUBLIC_URL", "").rstrip("/")

    def url(member: Member) -> str:
        path = reverse("members:card_verify", args=[card_token(member)])
        return f"{base}{path}" if base else request.build_absolute_uri(path)

    return url


def _pdf(content: bytes, filename: str) -> FileResponse:
    # inline: the browser opens it for printing; the name is used when it is saved
    return FileResponse(io.BytesIO(content), as_attachment=False, filename=filename, content_type="application/pdf")


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the column form (a fragment for htmx). POST, or GET with format=xlsx: the roster file."""
    node = org_selectors.get_node_for_user(request.user, pk, "members.view")
    data = request.POST if request.method == "POST" else request.GET
    filters = list_filters(request, node, data)
    may_reveal = policy.has_perm(request.user, "members.reveal", node.path)
    wants_file = request.method == "POST" or data.get("format") == "xlsx"
    form = ExportForm(data if wants_file else None, may_reveal=may_reveal)
    members = selectors.member_list(request.user, node, **filters)
    count = members.count()
    if wants_file and count > export.MAX_ROWS:
        form.is_valid()
        form.add_error(None, _("%(count)s members do not fit on one Excel sheet (at most %(max)s rows): narrow "
                               "the list with a filter.") % {"count": count, "max": export.MAX_ROWS})
    if wants_file and form.is_valid():
        result = export.export_roster(
            actor=request.user, node=node, members=members,
            columns=export.ordered_columns(form.cleaned_data["columns"]),
            unmask=form.cleaned_data.get("unmask", False), filters_text=describe_filters(filters),
        )
        return FileResponse(result.file, as_attachment=True, filename=result.filename, content_type=XLSX)
    params = filters_query(filters)
    query = "?" + urlencode(params) if params else ""
    context = {
        "node": node, "form": form, "filters": filters, "filter_params": params,
        "filters_text": describe_filters(filters), "count": count, "may_reveal": may_reveal,
        "list_url": reverse("members:member_list", args=[node.pk]) + query,
        "cards_url": reverse("members:card_sheet", args=[node.pk]) + query,
    }
    if request.htmx:
        return render(request, "members/documents/_export_form.html", context)
    context["crumbs"] = org_selectors.breadcrumbs(request.user, node)
    return render(request, "members/documents/export.html", context)


@login_required
@require_GET
def member_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One member's card on a card-sized page (?layout=sheet: on an A4 sheet with cut marks)."""
    member = selectors.get_member_for_user(request.user, pk)
    if not card_is_valid(member):
        messages.error(request, _("%(name)s is not a member now (%(status)s): no card can be printed.")
                       % {"name": member.name, "status": member.get_status_display()})
        if selectors.can(request.user, "members.view", member):
            return redirect("members:member_detail", pk=member.pk)
        return redirect("home")
    layout = request.GET.get("layout") if request.GET.get("layout") in cards.LAYOUTS else "card"
    content, _count = cards.cards_pdf([member], _verify_url(request), layout=layout,
                                      title=_("Member card of %(name)s") % {"name": member.name})
    return _pdf(content, _("Member card %(card)s.pdf") % {"card": member.card_no})


@login_required
@require_GET
def card_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Cards for the members of a node's list as filtered (?q=&status=…), or for the chosen ones (?m=<id>…),
    ten to an A4 page (?layout=card: one card a page). Only people who are members now get a card."""
    node = org_selectors.get_node_for_user(request.user, pk, "members.view")
    filters = list_filters(request, node)
    members = selectors.member_list(request.user, node, **filters).filter(status__in=MEMBER_STATUSES)
    chosen = [int(value) for value in request.GET.getlist("m") if value.isdigit()]
    if chosen:
        members = members.filter(pk__in=chosen)
    count = members.count()
    if not count or count > MAX_CARDS:
        if count:
            messages.error(request, _("%(count)s cards are too many for one file (at most %(max)s): narrow the "
                                      "list with a filter or a union group.") % {"count": count, "max": MAX_CARDS})
        else:
            messages.error(request, _("No one in this list is a member now: there is no card to print."))
        params = filters_query(filters)
        return redirect(reverse("members:member_list", args=[node.pk]) + ("?" + urlencode(params) if params else ""))
    layout = request.GET.get("layout") if request.GET.get("layout") in cards.LAYOUTS else "sheet"
    content, _count = cards.cards_pdf(members.iterator(chunk_size=500), _verify_url(request), layout=layout,
                                      title=_("Member cards of %(name)s") % {"name": node.name})
    return _pdf(content, _("Member cards %(name)s %(date)s.pdf")
                % {"name": node.name, "date": timezone.localdate().isoformat()})


@never_cache
@require_GET
def card_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login): what a scanned card's QR code opens. Says whether the card is valid, with the card
    number, the name masked to its first character, the union and the 会籍 status, and nothing more."""
    try:
        check = check_card(token)
    except BadCardToken:
        response = render(request, "members/documents/card_verify.html", {"check": None}, status=404)
    else:
        response = render(request, "members/documents/card_verify.html", {"check": check,
                                                                           "checked_at": timezone.localtime()})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
