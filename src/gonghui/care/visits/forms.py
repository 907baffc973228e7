from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import DATE_INPUT

from ..models import Funding, GiftForm
from . import services


def _reason_choices(codes=None):
    return [(code, label) for code, (label, _kind) in services.visit_reasons().items()
            if codes is None or code in codes]


class VisitForm(forms.Form):
    member = forms.CharField(label=gettext_lazy("Member (card no. or full name)"), max_length=64, required=False)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"))
    visited_on = forms.DateField(label=gettext_lazy("Visited on"), widget=DATE_INPUT)
    visitors = forms.CharField(label=gettext_lazy("Visited by"), max_length=200,
                               help_text=gettext_lazy("The officers who went."))
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100, required=False,
                            help_text=gettext_lazy("e.g. 市一院, at home"))
    gift = forms.CharField(label=gettext_lazy("What was given"), max_length=200, required=False)
    gift_value = forms.DecimalField(label=gettext_lazy("Value given (yuan)"), min_value=0, max_digits=12,
                                    decimal_places=2, initial=0, required=False,
                                    help_text=gettext_lazy("A value above 0 is paid as assistance, under the "
                                                           "spending caps and the budget."))
    form = forms.ChoiceField(label=gettext_lazy("Given as"), choices=GiftForm.choices, initial=GiftForm.GOODS)
    funding = forms.ChoiceField(label=gettext_lazy("Paid from"), choices=Funding.choices,
                                initial=Funding.UNION_FUNDS)
    case = forms.CharField(label=gettext_lazy("Illness (for a hospital visit)"), max_length=100, required=False,
                           help_text=gettext_lazy("The same illness is helped at most once a year."))
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notice = forms.CharField(required=False, widget=forms.HiddenInput)
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, fixed_member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _reason_choices()
        if fixed_member is not None:
            del self.fields["member"]
        else:
            self.fields["member"].required = True
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())
            self.initial.setdefault("submission", uuid.uuid4())


class NoticeForm(forms.Form):
    member = forms.CharField(label=gettext_lazy("Member (card no. or full name)"), max_length=64)
    reason = forms.ChoiceField(label=gettext_lazy("Event"))
    since = forms.DateField(label=gettext_lazy("Since"), widget=DATE_INPUT,
                            help_text=gettext_lazy("e.g. the day the member went into hospital"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _reason_choices(services.NOTICE_REASONS)
        if not self.is_bound:
            self.initial.setdefault("since", timezone.localdate())
