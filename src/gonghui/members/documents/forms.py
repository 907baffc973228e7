from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.orgs import selectors as org_selectors
from gonghui.orgs.models import OrgNode

from ..models import EmploymentType, Status
from .export import COLUMNS


class ListFilterForm(forms.Form):
    """The member list's filters, as the list sends them in its GET parameters (q, status, group,
    employment_type, new_form=1). Invalid values are dropped, as the list does."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])
    employment_type = forms.ChoiceField(required=False, choices=[("", ""), *EmploymentType.choices])
    group = forms.IntegerField(required=False)
    new_form = forms.BooleanField(required=False)


FILTER_PARAMETERS = tuple(ListFilterForm.base_fields)


def list_filters(request: HttpRequest, node: OrgNode, data=None) -> dict[str, Any]:
    """Keyword arguments for `selectors.member_list` from the list's parameters; a group outside `node` or
    not visible to the user is ignored."""
    form = ListFilterForm(request.GET if data is None else data)
    form.is_valid()
    cleaned = form.cleaned_data  # the fields that were valid
    group = None
    if cleaned.get("group"):
        group = org_selectors.visible_nodes(request.user).filter(pk=cleaned["group"], path__under=node.path).first()
    return {"search": (cleaned.get("q") or "").strip(), "status": cleaned.get("status") or "", "group": group,
            "employment_type": cleaned.get("employment_type") or "", "new_form": bool(cleaned.get("new_form"))}


def filters_query(filters: dict[str, Any]) -> dict[str, str]:
    """The filters back as GET parameters (for links and hidden fields)."""
    params = {"q": filters["search"], "status": filters["status"],
              "group": str(filters["group"].pk) if filters["group"] else "",
              "employment_type": filters["employment_type"], "new_form": "1" if filters["new_form"] else ""}
    return {name: value for name, value in params.items() if value}


def describe_filters(filters: dict[str, Any]) -> str:
    """The filters in words, for the export's summary line and the audit log."""
    parts = []
    if filters["search"]:
        parts.append(_("search “%(text)s”") % {"text": filters["search"]})
    if filters["status"]:
        parts.append(str(Status(filters["status"]).label))
    if filters["group"] is not None:
        parts.append(filters["group"].name)
    if filters["employment_type"]:
        parts.append(str(EmploymentType(filters["employment_type"]).label))
    if filters["new_form"]:
        parts.append(_("new forms of employment"))
    return "、".join(parts)


class ExportForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"),
        choices=[(column.key, column.label) for column in COLUMNS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one column.")},
    )
    unmask = forms.BooleanField(
        label=gettext_lazy("Citizen ID and mobile in clear (the export is logged)"), required=False,
    )

    def __init__(self, *args, may_reveal: bool, **kwargs):
        kwargs.setdefault("initial", {"columns": [column.key for column in COLUMNS], "unmask": False})
        super().__init__(*args, **kwargs)
        if not may_reveal:
            del self.fields["unmask"]
