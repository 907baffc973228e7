from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import HonourKind


class NominationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Honour"), choices=HonourKind.choices)
    year = forms.IntegerField(label=_("Year"))
    member_card_no = forms.CharField(
        label=_("Member card no."), required=False, max_length=32,
        help_text=_("For an honour given to one member: the member card number of a member under this node."))
    collective_code = forms.CharField(
        label=_("Collective: union or group code"), required=False, max_length=32,
        help_text=_("For an honour given to a collective: the short code of a union or group under this node."))
    collective_name = forms.CharField(
        label=_("Collective: team name"), required=False, max_length=120,
        help_text=_("Or a team or department that is not an org node, e.g. 内科护理组."))
    title = forms.CharField(label=_("Title of the honour"), required=False, max_length=120,
                            help_text=_("Empty: the year and the honour, e.g. 2025年度优秀工会会员."))
    citation = forms.CharField(label=_("Deeds (事迹)"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Award")),
                                                              ("reject", _("Do not approve"))])
    note = forms.CharField(label=_("Note on the decision"), required=False, max_length=200)
    awarded_on = forms.DateField(label=_("Awarded on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
