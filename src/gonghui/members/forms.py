from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import DATE_INPUT
from gonghui.orgs.models import Level, OrgNode, Unit

from .models import EmploymentType, Member, RetainReason, Status
from .services import MEMBERSHIP_LEVELS

MEMBER_FIELDS = [
    "name", "citizen_id", "gender", "birth_date", "ethnicity", "mobile", "education", "political_status",
    "employment_type", "new_form_group", "is_front_line", "post", "unit", "group", "join_date", "card_no",
    "last_active_on", "notes",
]


class MemberForm(forms.ModelForm):
    """A member's record. The 身份证号 and mobile arrive in clear and are encrypted by the service."""

    citizen_id = forms.CharField(label=gettext_lazy("Citizen ID number"), max_length=24)
    mobile = forms.CharField(label=gettext_lazy("Mobile"), max_length=20, required=False)
    as_application = forms.BooleanField(
        label=gettext_lazy("Record as an application to join (the union approves it later)"), required=False
    )

    class Meta:
        model = Member
        fields = [name for name in MEMBER_FIELDS if name not in {"citizen_id", "mobile"}]
        widgets = {"birth_date": DATE_INPUT, "join_date": DATE_INPUT, "last_active_on": DATE_INPUT}

    def __init__(self, *args, union: OrgNode, reveal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["gender"].help_text = _("Taken from the citizen ID number when left empty.")
        self.fields["card_no"].required = False
        self.fields["card_no"].help_text = _("Generated as <union code>-<6 digits> when left empty.")
        self.fields["group"].queryset = OrgNode.objects.filter(path__under=union.path, level=Level.UNION_GROUP)
        covering = [union.path[:end] for end in range(8, len(union.path) + 1, 8)]
        self.fields["unit"].queryset = Unit.objects.filter(covering_union__path__in=covering) | Unit.objects.filter(
            covering_union__path__under=union.path)
        if self.instance.pk:
            del self.fields["as_application"]
            if reveal:
                # the numbers are not put into the page (that would be an unlogged reveal): typing a new
                # one replaces the stored one, leaving the field empty keeps it
                for name, masked in (("citizen_id", self.instance.citizen_id_masked),
                                     ("mobile", self.instance.mobile_masked)):
                    self.fields[name].required = False
                    self.fields[name].widget.attrs["placeholder"] = masked
                    self.fields[name].help_text = _("Leave empty to keep %(masked)s.") % {"masked": masked or "—"}
                if self.instance.mobile:  # a member who gave up their number: the stored one can be removed
                    self.fields["clear_mobile"] = forms.BooleanField(
                        label=_("Delete the stored mobile number"), required=False)
            else:
                # without the right to see them in clear, the identifiers are not part of the form at all
                del self.fields["citizen_id"], self.fields["mobile"]
        order = [name for name in MEMBER_FIELDS if name in self.fields] + (
            ["as_application"] if "as_application" in self.fields else [])
        if "clear_mobile" in self.fields:
            order.insert(order.index("mobile") + 1, "clear_mobile")
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_mobile") and cleaned.get("mobile"):
            self.add_error("clear_mobile", _("Either type a new mobile number or delete the stored one, not both."))
        return cleaned

    def changes(self) -> dict:
        """What member_update() is given: the fields that changed, and an empty mobile when it is deleted."""
        data = {name: value for name, value in self.cleaned_data.items()
                if name in self.changed_data and name != "clear_mobile"}
        if self.cleaned_data.get("clear_mobile"):
            data["mobile"] = ""
        return data


class TransferForm(forms.Form):
    to_union = forms.CharField(
        label=gettext_lazy("Receiving union (its code)"), max_length=32,
        help_text=gettext_lazy("The code of the union at the member's new workplace, in any district."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def clean_to_union(self) -> OrgNode:
        code = self.cleaned_data["to_union"].strip().upper()
        node = OrgNode.objects.filter(code=code, level__in=MEMBERSHIP_LEVELS).first()
        if node is None:
            raise forms.ValidationError(_("No grassroots, joint or branch union has the code “%(code)s”.")
                                        % {"code": code})
        return node


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].error_messages["required"] = _("Give the reason.")


class RetainForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=[("", "---------"), *RetainReason.choices],
                               help_text=gettext_lazy("When the unit has closed, the union above keeps the "
                                                      "membership."))


class DateForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Date"), widget=DATE_INPUT)


class ReceiveForm(forms.Form):
    group = forms.ModelChoiceField(label=gettext_lazy("Union group"), queryset=OrgNode.objects.none(),
                                   required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, union: OrgNode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = OrgNode.objects.filter(path__under=union.path, level=Level.UNION_GROUP)
        self.fields["unit"].queryset = Unit.objects.filter(covering_union=union)


class EmptyForm(forms.Form):
    pass


class FilterForm(forms.Form):
    """The member list's filters, read from GET parameters."""

    q = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *list(Status.choices)])
    employment_type = forms.ChoiceField(required=False, choices=[("", ""), *list(EmploymentType.choices)])
    group = forms.IntegerField(required=False)
    new_form = forms.BooleanField(required=False)
