from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import DATE_INPUT

from ..models import Campaign, Funding, GiftForm, HardshipCategory


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Campaign.Kind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120, required=False,
                            help_text=gettext_lazy("Empty: the year and the kind."))
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DATE_INPUT, required=False,
                                help_text=gettext_lazy("Empty: 送温暖 from 30 days before the Spring Festival holiday "
                                                       "to its last day, 送清凉 June–August, 金秋助学 July–September."))
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=DATE_INPUT, required=False)
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Hardship categories selected (with an approved file)"), required=False,
        choices=HardshipCategory.choices, widget=forms.CheckboxSelectMultiple)
    front_line = forms.BooleanField(label=gettext_lazy("Front-line workers"), required=False)
    new_form = forms.BooleanField(label=gettext_lazy("New forms of employment (riders, drivers …)"), required=False)
    amount_per_person = forms.DecimalField(label=gettext_lazy("Standard per person (yuan)"), required=False,
                                           min_value=0, max_digits=12, decimal_places=2)
    target_amount = forms.DecimalField(label=gettext_lazy("Target or budget (yuan)"), required=False, min_value=0,
                                       max_digits=12, decimal_places=2)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class GiveForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount or value (yuan)"), required=False, min_value=0,
                                max_digits=12, decimal_places=2)
    form = forms.ChoiceField(label=gettext_lazy("Given as"), choices=GiftForm.choices, initial=GiftForm.CASH)
    funding = forms.ChoiceField(label=gettext_lazy("Paid from"), choices=Funding.choices,
                                initial=Funding.UNION_FUNDS)
    on = forms.DateField(label=gettext_lazy("Given on"), widget=DATE_INPUT, required=False)
    goods = forms.CharField(label=gettext_lazy("Goods"), max_length=200, required=False)
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)


class DonationForm(forms.Form):
    member = forms.CharField(label=gettext_lazy("Member (card no. or full name)"), max_length=64, required=False)
    donor_name = forms.CharField(label=gettext_lazy("Or another donor (a unit, a person)"), max_length=100,
                                 required=False)
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    donated_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("donated_on", timezone.localdate())


class BulkDonationForm(forms.Form):
    lines = forms.CharField(label=gettext_lazy("One donation a line: card no. or name, amount"),
                            widget=forms.Textarea(attrs={"rows": 6, "placeholder": "张三, 100\nGH0001 200"}))
    donated_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("donated_on", timezone.localdate())


def new_submission() -> uuid.UUID:
    return uuid.uuid4()
