from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from gonghui.core.forms import EvidenceForm
from gonghui.members.models import Member
from gonghui.orgs.models import Level, OrgNode

from .models import Activity, ActivityKind, ActivityStatus, CompetitionEntry

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "starts_at", "ends_at", "place", "audience", "audience_group",
                  "include_subtree", "capacity", "signup_deadline", "budget", "actual_cost", "description"]
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT, "signup_deadline": DATETIME_INPUT,
                   "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organiser: OrgNode, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "signup_deadline"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.fields["audience_group"].queryset = OrgNode.objects.filter(path__under=organiser.path,
                                                                        level=Level.UNION_GROUP).order_by("name")
        self.fields["audience_group"].required = False
        self.fields["budget"].required = False
        if organiser.level == Level.UNION_GROUP:
            del self.fields["include_subtree"]


class FilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", ""), *ActivityKind.choices], required=False)
    status = forms.ChoiceField(choices=[("", ""), *ActivityStatus.choices], required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    q = forms.CharField(required=False, max_length=50)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActivityStatus.choices)
    actual_cost = forms.DecimalField(label=gettext_lazy("actual cost (yuan)"), required=False, min_value=0,
                                     max_digits=12, decimal_places=2)


AttachmentForm = EvidenceForm


class AddParticipantForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=Member.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class EntryForm(forms.ModelForm):
    class Meta:
        model = CompetitionEntry
        fields = ["event", "member", "team", "score", "rank", "prize", "notes"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].required = False
