"""Writes of a plan's indicators (issue 5 §3).

The indicators themselves (which figure, the target, the deadline) are part of the plan: they are added,
changed and removed only while the plan is a draft or returned, like its items. Recording progress is not
a change of the plan: the actual value of a hand-entered indicator (one without a metric) and the files that
back it are recorded at any status, also once the plan is submitted or accepted, since that is how the year's
progress on it is shown. An indicator with a metric has no hand-entered value: its actual is computed live.
Every write is in the audit log.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, evidence
from gonghui.core.models import Attachment, AuditEntry

from .. import contrib
from ..models import Comparator, Indicator, Plan, PlanItem, Section
from .status import number_text

FIELDS = ("label", "metric", "section", "comparator", "target", "unit", "deadline", "item", "order")


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _check_editable(plan: Plan) -> None:
    if not plan.editable:
        raise ValidationError(_("The plan is %(status)s: its indicators are changed only while it is a draft or "
                                "returned for changes.") % {"status": plan.get_status_display()})


def _decimal(value, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}}) from None
    if not number.is_finite():
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    return number


def _messages(field: str) -> dict[str, str]:
    if field == "target":
        return {"negative": _("The target cannot be negative."),
                "percent": _("The target is a percentage: at most 100."),
                "decimals": _("Enter the target with at most two decimals.")}
    return {"negative": _("The value reached cannot be negative."),
            "percent": _("The value reached is a percentage: at most 100."),
            "decimals": _("Enter the value reached with at most two decimals.")}


def _check_value(value, *, field: str, unit: str) -> Decimal:
    number = _decimal(value, field)
    messages = _messages(field)
    if number < 0:
        raise ValidationError({field: messages["negative"]})
    if unit.strip() == "%" and number > 100:
        raise ValidationError({field: messages["percent"]})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: messages["decimals"]})
    return number


def _prepare(indicator: Indicator, plan: Plan, data: dict) -> None:
    """Apply `data` to `indicator`, defaults from its metric, and check it against the plan."""
    registered = contrib.metrics()
    metric_key = (data.get("metric", indicator.metric) or "").strip()
    metric = None
    if metric_key:
        metric = registered.get(metric_key)
        if metric is None:
            raise ValidationError({"metric": _("“%(key)s” is not a figure any installed module computes.")
                                   % {"key": metric_key}})
    indicator.metric = metric_key
    for name in ("label", "section", "comparator", "unit", "deadline", "item", "order"):
        if name in data:
            setattr(indicator, name, data[name].strip() if isinstance(data[name], str) else data[name])
    if metric is not None:
        indicator.label = indicator.label or str(metric.label)
        indicator.unit = metric.unit  # the figure's own unit: a computed value has no other
        indicator.section = indicator.section or metric.section
        if "comparator" not in data or not data["comparator"]:
            indicator.comparator = metric.comparator
    indicator.comparator = indicator.comparator or Comparator.AT_LEAST
    if not indicator.label:
        raise ValidationError({"label": _("Name the indicator.")})
    if indicator.section not in Section.values:
        raise ValidationError({"section": _("Choose the section of the plan the indicator belongs to.")})
    target = data.get("target", indicator.target)
    if target in (None, ""):
        if metric is not None and metric.default_target is not None:
            target = metric.default_target
        else:
            raise ValidationError({"target": _("Enter the target.")})
    indicator.target = _check_value(target, field="target", unit=indicator.unit)
    if indicator.deadline is not None and not plan.start <= indicator.deadline <= plan.end:
        raise ValidationError({"deadline": _("The deadline must fall within the plan's period (%(start)s to "
                                             "%(end)s).") % {"start": plan.start, "end": plan.end}})
    item = indicator.item
    if item is not None:
        if item.plan_id != plan.pk:
            raise ValidationError({"item": _("The item is not in this plan.")})
        taken = Indicator.objects.filter(item=item).exclude(pk=indicator.pk).first()
        if taken is not None:
            raise ValidationError({"item": _("The item “%(item)s” already has the indicator “%(label)s”.")
                                   % {"item": item.title, "label": taken.label}})
    indicator.full_clean(exclude=["plan"])


@transaction.atomic
def indicator_create(*, actor, plan: Plan, label: str = "", target=None, metric: str = "", section: str = "",
                     comparator: str = "", unit: str = "", deadline: datetime.date | None = None,
                     item: PlanItem | None = None, order: int | None = None) -> Indicator:
    """Add an indicator to a draft or returned plan. With a metric, its unit is the metric's and the label,
    section, comparison and target default to the metric's."""
    plan = _locked_plan(plan)
    _check_editable(plan)
    if order is None:
        order = (plan.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    indicator = Indicator(plan=plan)
    _prepare(indicator, plan, {"label": label, "metric": metric, "section": section, "comparator": comparator,
                               "unit": unit, "deadline": deadline, "item": item, "order": order, "target": target})
    indicator.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=indicator, org_path=plan.path,
                 after=audit.snapshot(indicator))
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **changes) -> Indicator:
    """Change an indicator of a draft or returned plan (fields: label, metric, section, comparator, target,
    unit, deadline, item, order)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"indicator_update: unknown fields {sorted(unknown)}")
    plan = _locked_plan(indicator.plan)
    _check_editable(plan)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = audit.snapshot(indicator)
    _prepare(indicator, plan, changes)
    indicator.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=indicator, org_path=plan.path,
                 before=before, after=audit.snapshot(indicator))
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    """Remove an indicator of a draft or returned plan, with the files kept for it."""
    plan = _locked_plan(indicator.plan)
    _check_editable(plan)
    for attachment in evidence.evidence_of(indicator):
        evidence.evidence_delete(actor=actor, attachment=attachment)
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=indicator, org_path=plan.path,
                 before=audit.snapshot(indicator))
    indicator.delete()


@transaction.atomic
def indicator_record_actual(*, actor, indicator: Indicator, value, note: str) -> Indicator:
    """Record the actual value reached on a hand-entered indicator, with how it was reached. Allowed at any
    status of the plan (module docstring)."""
    indicator = Indicator.objects.select_for_update().select_related("plan").get(pk=indicator.pk)
    if indicator.metric:
        raise ValidationError(_("“%(label)s” is computed from the records; its value is not entered by hand.")
                              % {"label": indicator.label})
    if value in (None, ""):
        raise ValidationError({"value": _("Enter the value reached.")})
    number = _check_value(value, field="value", unit=indicator.unit)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say how the value was reached (which records or documents show it).")})
    before = audit.snapshot(indicator)
    indicator.manual_actual = number
    indicator.manual_note = note
    indicator.manual_updated_at = timezone.now()
    indicator.manual_updated_by = actor if getattr(actor, "pk", None) else None
    indicator.full_clean(exclude=["plan"])
    indicator.save(update_fields=["manual_actual", "manual_note", "manual_updated_at", "manual_updated_by",
                                  "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=indicator, org_path=indicator.plan.path,
                 before=before, after=audit.snapshot(indicator))
    return indicator


def evidence_add(*, actor, indicator: Indicator, upload, caption: str = "") -> Attachment:
    """Keep a photo or document backing the indicator's value (at any status of the plan)."""
    return evidence.evidence_add(actor=actor, instance=indicator, path=indicator.plan.path, upload=upload,
                                 caption=caption)


def evidence_delete(*, actor, attachment: Attachment) -> None:
    evidence.evidence_delete(actor=actor, attachment=attachment)


def describe(indicator: Indicator) -> str:
    """"建会率 ≥ 95%" for messages."""
    return f"{indicator.label} {indicator.get_comparator_display()} {number_text(indicator.target)}{indicator.unit}"
