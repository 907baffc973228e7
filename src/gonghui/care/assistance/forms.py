from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy

from gonghui.members.models import Member
from gonghui.orgs.forms import DATE_INPUT

from ..hardship.forms import MONEY_ATTRS
from ..models import AssistanceKind, Funding, GiftForm


class AssistanceForm(forms.Form):
    """A request. `submission` is the form's one-time key (a hidden field made when the form is shown)."""

    submission = forms.UUIDField(widget=forms.HiddenInput)
    member = forms.ModelChoiceField(label=gettext_lazy("Recipient of assistance"), queryset=Member.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind of assistance"), choices=AssistanceKind.choices)
    amount = forms.DecimalField(label=gettext_lazy("Amount or value (yuan)"), min_value=0, max_digits=12,
                                decimal_places=2, widget=forms.NumberInput(attrs=MONEY_ATTRS))
    form = forms.ChoiceField(label=gettext_lazy("Given as"), choices=GiftForm.choices)
    goods = forms.CharField(label=gettext_lazy("Goods"), required=False, max_length=200)
    funding = forms.ChoiceField(label=gettext_lazy("Paid from"), choices=Funding.choices)
    case = forms.CharField(label=gettext_lazy("Illness (for illness visits)"), required=False, max_length=100)
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.none()
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.card_no}）"
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)
    payment_ref = forms.CharField(label=gettext_lazy("Payment reference"), required=False, max_length=64)
    how = forms.CharField(label=gettext_lazy("Confirmed how"), required=False, max_length=100)
