"""Campaign pages: the campaigns of a node, a new campaign (dates from the holiday library), a campaign with
its recipients and progress or, for a 一日捐 drive, its donations and totals. care.view to look, care.change
to act; outside the user's subtree nothing exists (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.accounts import policy
from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.selectors import get_node_for_user
from gonghui.orgs.views import _apply_errors

from ..models import Campaign
from ..visits import selectors as visit_selectors
from . import selectors, services
from .forms import BulkDonationForm, CampaignForm, DonationForm, GiveForm, new_submission


@login_required
def campaign_list(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.view")
    kind = request.GET.get("kind", "")
    kind = kind if kind in Campaign.Kind.values else ""
    return render(request, "care/campaigns/list.html", {
        "node": node, "campaigns": list(selectors.campaigns(request.user, node, kind=kind)), "kind": kind,
        "kinds": Campaign.Kind.choices, "may_change": policy.has_perm(request.user, "care.change", node.path),
        "crumbs": org_selectors.breadcrumbs(request.user, node),
    })


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest, pk: int) -> HttpResponse:
    node = get_node_for_user(request.user, pk, "care.change")
    form = CampaignForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user, node=node, kind=data["kind"], year=data["year"], title=data["title"],
                starts_on=data["starts_on"], ends_on=data["ends_on"],
                rule={"categories": data["categories"], "front_line": data["front_line"],
                      "new_form": data["new_form"]},
                amount_per_person=data["amount_per_person"], target_amount=data["target_amount"],
                notes=data["notes"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The campaign “%(title)s” was created (%(start)s — %(end)s).") % {
                "title": campaign.title, "start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()})
            return redirect("care:campaign_detail", pk=campaign.pk)
    return render(request, "care/campaigns/form.html", {
        "node": node, "form": form, "crumbs": org_selectors.breadcrumbs(request.user, node), "crumb_link_last": True,
    })


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk)
    context = {"campaign": campaign, "node": campaign.node,
               "may_change": policy.has_perm(request.user, "care.change", campaign.path),
               "crumbs": org_selectors.breadcrumbs(request.user, campaign.node), "crumb_link_last": True,
               "today": timezone.localdate()}
    if campaign.kind == Campaign.Kind.DONATION:
        by_node, overall = selectors.donation_totals(campaign)
        context.update({"by_node": by_node, "overall": overall, "donations": list(selectors.donations(campaign))})
    else:
        context.update({"progress": selectors.progress(campaign), "recipients": list(selectors.recipients(campaign)),
                        "give_form": GiveForm(initial={"on": timezone.localdate()}),
                        "submission": new_submission()})
    return render(request, "care/campaigns/detail.html", context)


@login_required
@require_POST
def campaign_select(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk, "care.change")
    try:
        added = services.campaign_select(actor=request.user, campaign=campaign)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)d recipients added by the rule.") % {"n": added})
    return redirect("care:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def recipient_give(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = selectors.get_recipient(request.user, pk)
    form = GiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not recorded: %(errors)s")
                       % {"errors": " ".join(e for errors in form.errors.values() for e in errors)})
        return redirect("care:campaign_detail", pk=recipient.campaign_id)
    data = form.cleaned_data
    try:
        services.recipient_give(actor=request.user, recipient=recipient, on=data["on"] or timezone.localdate(),
                                amount=data["amount"], form=data["form"], funding=data["funding"],
                                goods=data["goods"], submission=data["submission"])
    except ValidationError as error:
        messages.error(request, _("%(name)s: not given. %(errors)s")
                       % {"name": recipient.member.name, "errors": " ".join(error.messages)})
    else:
        messages.success(request, _("Given to %(name)s.") % {"name": recipient.member.name})
    return redirect("care:campaign_detail", pk=recipient.campaign_id)


@login_required
@require_http_methods(["GET", "POST"])
def donation_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.get_campaign(request.user, pk, "care.change")
    if campaign.kind != Campaign.Kind.DONATION:
        messages.error(request, _("Donations are recorded on a donation drive (一日捐)."))
        return redirect("care:campaign_detail", pk=campaign.pk)
    bulk = request.method == "POST" and "lines" in request.POST
    form = DonationForm(request.POST if request.method == "POST" and not bulk else None)
    bulk_form = BulkDonationForm(request.POST if bulk else None)

    def find(text):
        return visit_selectors.find_members(request.user, campaign.node, text)

    if bulk and bulk_form.is_valid():
        try:
            count = services.donations_bulk(actor=request.user, campaign=campaign,
                                            text=bulk_form.cleaned_data["lines"],
                                            donated_on=bulk_form.cleaned_data["donated_on"], find_member=find)
        except ValidationError as error:
            _apply_errors(bulk_form, error)
        else:
            messages.success(request, _("%(n)d donations recorded.") % {"n": count})
            return redirect("care:campaign_detail", pk=campaign.pk)
    elif request.method == "POST" and not bulk and form.is_valid():
        data = form.cleaned_data
        member = None
        if data["member"].strip():
            matches = find(data["member"])
            if len(matches) != 1:
                form.add_error("member", _("No single member under %(node)s has this card number or name.")
                               % {"node": campaign.node.name})
            else:
                member = matches[0]
        if not form.errors:
            try:
                services.donation_create(actor=request.user, campaign=campaign, member=member,
                                         donor_name=data["donor_name"], amount=data["amount"],
                                         donated_on=data["donated_on"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The donation was recorded."))
                return redirect("care:campaign_detail", pk=campaign.pk)
    return render(request, "care/campaigns/donation_form.html", {
        "campaign": campaign, "node": campaign.node, "form": form, "bulk_form": bulk_form,
        "crumbs": org_selectors.breadcrumbs(request.user, campaign.node), "crumb_link_last": True,
    })
