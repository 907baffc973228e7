from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.accounts import policy
from gonghui.core.validators import clean_credit_code

from .models import ALLOWED_CHILDREN, FEDERATION_LEVELS, UNION_LEVELS, Level, Officer, OrgNode, Unit
from .services import NODE_FIELDS, OFFICER_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NodeCodeField(forms.CharField):
    """Picks an org node by its short code, with suggestions from the picker endpoint (the tree can hold
    hundreds of thousands of nodes, too many for a drop-down). Only nodes where the user holds
    `permission`, at one of `levels`, are accepted."""

    def __init__(self, *, user, permission: str, levels, **kwargs):
        self.user = user
        self.permission = permission
        self.levels = frozenset(levels)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        list_id = f"picker-{id(self)}"
        self.widget.attrs.update({
            "list": list_id,
            "autocomplete": "off",
            "data-picker-list": list_id,
            "hx-get": reverse("orgs:node_picker") + "?" + "&".join(
                [f"perm={permission}"] + [f"level={level}" for level in sorted(self.levels)]
            ),
            "hx-trigger": "input changed delay:250ms, focus once",
            "hx-target": f"#{list_id}",
            "hx-swap": "innerHTML",
            "placeholder": gettext_lazy("Type a name or code"),
        })

    def prepare_value(self, value):
        if isinstance(value, OrgNode):
            return value.code
        if isinstance(value, int):
            node = OrgNode.objects.filter(pk=value).only("code").first()
            return node.code if node else ""
        return value

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        code = code.strip().split(" ")[0].upper()
        node = OrgNode.objects.filter(code=code).first()
        if node is None or not policy.has_perm(self.user, "orgs.view", node.path):
            raise forms.ValidationError(_("No union with the code “%(code)s” was found.") % {"code": code})
        if not policy.has_perm(self.user, self.permission, node.path):
            raise forms.ValidationError(_("You may not make changes under %(name)s.") % {"name": node.name})
        if node.level not in self.levels:
            raise forms.ValidationError(
                _("%(name)s is a %(level)s; choose one of: %(allowed)s.")
                % {"name": node.name, "level": node.get_level_display(),
                   "allowed": "、".join(str(Level(level).label) for level in sorted(self.levels))}
            )
        return node


class NodeForm(forms.ModelForm):
    class Meta:
        model = OrgNode
        fields = ("level", *NODE_FIELDS)
        widgets = {"founded_on": DATE_INPUT, "approved_on": DATE_INPUT, "term_start": DATE_INPUT}

    def __init__(self, *args, parent: OrgNode | None = None, may_approve: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_approve:
            # Approval is the level above's act (工会法 §12): a union cannot record its own.
            del self.fields["approved_on"], self.fields["approval_ref"]
        if self.instance.pk:
            del self.fields["level"]
        else:
            allowed = ALLOWED_CHILDREN[parent.level] if parent else FEDERATION_LEVELS
            self.fields["level"].choices = [(value, label) for value, label in Level.choices if value in allowed]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class MoveForm(forms.Form):
    def __init__(self, *args, user, node: OrgNode, **kwargs):
        super().__init__(*args, **kwargs)
        parents = {level for level, children in ALLOWED_CHILDREN.items() if node.level in children}
        self.node = node
        self.fields["new_parent"] = NodeCodeField(
            user=user, permission="orgs.move", levels=parents, label=gettext_lazy("New parent (code)")
        )


class UnitForm(forms.ModelForm):
    # Longer than 18 on purpose: codes pasted with spaces or full-width characters are normalised in
    # clean_credit_code, then checked for their real length there.
    credit_code = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=60)

    class Meta:
        model = Unit
        fields = (
            "name", "credit_code", "kind", "ownership", "industry", "staff_count", "women_count",
            "migrant_worker_count", "address", "area_node", "covering_union",
        )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_node"] = NodeCodeField(
            user=user, permission="units.change", levels=FEDERATION_LEVELS | {Level.JOINT_UNION},
            label=gettext_lazy("Area: federation or joint union (code)"), required=False,
            help_text=gettext_lazy("Only for a unit without a union; a covered unit lies in its union's area."),
            initial=self.initial.get("area_node"),
        )
        self.fields["covering_union"] = NodeCodeField(
            user=user, permission="units.change", levels=UNION_LEVELS, required=False,
            label=gettext_lazy("Covering union (code)"),
            help_text=gettext_lazy("Its own grassroots union, or the joint union that covers it; "
                                   "leave empty if it has no union."),
            initial=self.initial.get("covering_union"),
        )
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def _get_validation_exclusions(self):
        # The area of a covered unit is derived by the service from its union; checked there.
        return {*super()._get_validation_exclusions(), "area_node"}

    def clean_credit_code(self):
        return clean_credit_code(self.cleaned_data.get("credit_code", ""))

    def clean(self):
        data = super().clean()
        if not data.get("covering_union") and not data.get("area_node") and "area_node" not in self.errors:
            self.add_error("area_node", _("A unit without a union needs the federation or joint union whose "
                                          "area it lies in."))
        staff = data.get("staff_count")
        for name in ("women_count", "migrant_worker_count"):
            if staff is not None and data.get(name) is not None and data[name] > staff:
                self.add_error(name, _("Cannot be more than the staff count (%(staff)d).") % {"staff": staff})
        return data


class OfficerForm(forms.ModelForm):
    class Meta:
        model = Officer
        fields = OFFICER_FIELDS
        widgets = {"term_start": DATE_INPUT, "term_end": DATE_INPUT}

    def clean(self):
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term cannot end before it starts."))
        return data
