"""Writes of plans and their items (issue 5 §1, and the applying of §2's suggestions).

A plan is drafted blank, from a template of plans/catalog.py, or copied from an earlier plan of the same
node and period (items and indicators with their targets, dates moved to the new year; the records linked
to last year's items and the values entered by hand are not copied). Suggested items (contrib.suggestions)
are added with their key and source, never twice.

Only a draft or a returned plan is edited (`Plan.editable`): every write locks the plan's row and checks it
there, so an item cannot be added while the plan is being submitted. Every write is audited.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import OfficerRole, OrgNode

from . import catalog, contrib
from .models import Half, Indicator, Plan, PlanItem, PlanTemplate, Section, Timing, period_bounds
from .timing import validate_timing

ITEM_FIELDS = ("section", "title", "target", "measures", "timing", "due_on", "months", "quarters",
               "responsible_name", "responsible_role", "evidence")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _locked(plan: Plan) -> Plan:
    """The plan's row locked for the rest of the transaction, refused unless it is a draft or returned."""
    locked = Plan.objects.select_for_update(of=("self",)).select_related("node").get(pk=plan.pk)
    if not locked.editable:
        raise ValidationError(_("This plan is %(status)s and can no longer be changed; it can be changed again "
                                "if the reviewer returns it.") % {"status": locked.get_status_display()})
    return locked


def _check_period(year, half) -> tuple[int, int]:
    try:
        year, half = int(year), int(half)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year like 2026.")}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("Enter a year like 2026.")})
    if half not in Half.values:
        raise ValidationError({"half": _("Choose the whole year or one of its halves.")})
    return year, half


def _shift_year(day: datetime.date | None, years: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def _fit_timing(timing: str, due_on, months, quarters, start, end):
    """A 时限 fitted into a period: months and quarters outside it dropped; None when nothing is left."""
    months = [m for m in months or [] if start.month <= int(m) <= end.month]
    quarters = [q for q in quarters or [] if start.month <= 3 * int(q) <= end.month]
    if timing == Timing.DATE and (due_on is None or not start <= due_on <= end):
        return None
    if timing == Timing.MONTHS and not months:
        return None
    if timing == Timing.QUARTERS and not quarters:
        return None
    return due_on, months, quarters


def _next_order(plan: Plan, section: str) -> int:
    # orders run across the plan, sections each keeping their own items in order
    highest = plan.items.aggregate(top=Max("order"))["top"]
    return (highest or 0) + 1


def _check_evidence(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    key, _sep, kind = value.partition(":")
    source = contrib.evidence_source(key)
    if source is None:
        raise ValidationError({"evidence": _("“%(value)s” is not a kind of record that can carry out an item.")
                               % {"value": value}})
    if kind and kind not in {k for k, _label in source.kinds}:
        raise ValidationError({"evidence": _("“%(value)s” is not a kind of record that can carry out an item.")
                               % {"value": value}})
    return value


def _clean_item_fields(plan: Plan, fields: dict, *, check_evidence: bool = True) -> dict:
    data = {name: fields.get(name) for name in ITEM_FIELDS}
    errors: dict[str, list[str]] = {}
    for name in ("title", "target", "measures", "responsible_name"):
        data[name] = (data[name] or "").strip()
    data["responsible_role"] = data["responsible_role"] or ""
    data["timing"] = data["timing"] or Timing.YEARLY
    if data["section"] not in Section.values:
        errors["section"] = [_("Choose one of the plan's sections.")]
    if not data["title"]:
        errors["title"] = [_("Name the work item.")]
    if data["timing"] not in Timing.values:
        errors["timing"] = [_("Choose when the item is due.")]
    if data["responsible_role"] not in ("", *OfficerRole.values):
        errors["responsible_role"] = [_("Choose one of the officers' roles.")]
    if errors:
        raise ValidationError(errors)
    if data["timing"] != Timing.DATE:
        data["due_on"] = None
    data["months"], data["quarters"] = validate_timing(
        timing=data["timing"], due_on=data["due_on"], months=data["months"], quarters=data["quarters"],
        start=plan.start, end=plan.end)
    if data["timing"] not in (Timing.MONTHS, Timing.YEARLY, Timing.HALF_YEARLY, Timing.QUARTERLY):
        data["months"] = []
    if data["timing"] != Timing.QUARTERS:
        data["quarters"] = []
    data["evidence"] = _check_evidence(data["evidence"]) if check_evidence else (data["evidence"] or "")
    return data


def _save_item(actor, plan: Plan, item: PlanItem, *, action: str, before: dict | None = None) -> PlanItem:
    item.full_clean()
    item.save()
    audit.record(actor=actor, action=action, instance=item, org_path=plan.path, before=before,
                 after=audit.snapshot(item))
    return item


def _add_indicator(actor, plan: Plan, *, section: str, order: int, label: str, metric: str, comparator: str,
                   target, unit: str, deadline=None, item: PlanItem | None = None) -> Indicator:
    indicator = Indicator(plan=plan, item=item, section=section, order=order, metric=metric, label=label,
                          comparator=comparator, target=target, unit=unit, deadline=deadline)
    indicator.full_clean()
    indicator.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=indicator, org_path=plan.path,
                 after=audit.snapshot(indicator))
    return indicator


def _from_template(actor, plan: Plan, key: str) -> None:
    chosen = catalog.template(key)
    if chosen is None:
        raise ValidationError({"template": _("Choose one of the templates.")})
    plan.foreword = plan.foreword or chosen.foreword
    order = 0
    made: dict[int, PlanItem] = {}
    for entry in chosen.items:
        due_on = datetime.date(plan.year, *entry.due) if entry.due else None
        fitted = _fit_timing(entry.timing, due_on, entry.months, entry.quarters, plan.start, plan.end)
        if fitted is None:
            continue  # due outside this half-year
        due_on, months, quarters = fitted
        order += 1
        data = _clean_item_fields(plan, {
            "section": entry.section, "title": entry.title, "target": entry.target, "measures": entry.measures,
            "timing": entry.timing, "due_on": due_on, "months": months, "quarters": quarters,
            "responsible_role": entry.role, "evidence": entry.evidence}, check_evidence=False)
        made[id(entry)] = _save_item(actor, plan, PlanItem(plan=plan, order=order, topic=entry.topic, **data),
                                     action=AuditEntry.Action.CREATE)
    for position, (section, indicator, entry) in enumerate(chosen.all_indicators(), start=1):
        item = made.get(id(entry)) if entry is not None else None
        if entry is not None and item is None:
            continue
        _add_indicator(actor, plan, section=section, order=position, label=indicator.label,
                       metric=indicator.metric, comparator=indicator.comparator,
                       target=_period_target(plan, indicator), unit=indicator.unit, item=item)


def _period_target(plan: Plan, indicator) -> Decimal:
    """A template's yearly target for the plan's period: a count (activities ≥ 12, visits, 信息报送) is halved for
    a half-year plan, rounded up; a rate (建会率 95%) stays as it is."""
    target = indicator.target_value()
    if plan.half == Half.WHOLE_YEAR or indicator.unit == "%":
        return target
    metric = contrib.metric(indicator.metric) if indicator.metric else None
    if metric is not None and metric.kind != contrib.MetricKind.COUNT:
        return target
    return (target / 2).to_integral_value(rounding=ROUND_CEILING)


def _copy(actor, plan: Plan, source: Plan) -> None:
    if source.node_id != plan.node_id or source.half != plan.half or source.year >= plan.year:
        raise ValidationError({"copy_from": _("Copy a plan of the same organisation and period from an earlier "
                                              "year.")})
    years = plan.year - source.year
    plan.foreword = plan.foreword or source.foreword
    made: dict[int, PlanItem] = {}
    for old in source.items.order_by("order", "pk"):
        due_on = _shift_year(old.due_on, years)
        fitted = _fit_timing(old.timing, due_on, old.months, old.quarters, plan.start, plan.end)
        if fitted is None:
            continue
        due_on, months, quarters = fitted
        item = PlanItem(plan=plan, section=old.section, order=old.order, title=old.title, target=old.target,
                        measures=old.measures, timing=old.timing, due_on=due_on, months=months, quarters=quarters,
                        responsible_name=old.responsible_name, responsible_role=old.responsible_role,
                        evidence=old.evidence, topic=old.topic or suggestion_topic(old.suggestion_key))
        made[old.pk] = _save_item(actor, plan, item, action=AuditEntry.Action.CREATE)
    for old in source.indicators.order_by("order", "pk"):
        _add_indicator(actor, plan, section=old.section, order=old.order, label=old.label, metric=old.metric,
                       comparator=old.comparator, target=old.target, unit=old.unit,
                       deadline=_shift_year(old.deadline, years), item=made.get(old.item_id))


@transaction.atomic
def plan_create(*, actor, node: OrgNode, year, half=Half.WHOLE_YEAR, title: str = "", template: str = "",
                copy_from: Plan | None = None, suggestions=(), foreword: str = "") -> Plan:
    """A plan of `node` for the year (or half-year): blank, from a template, or copied from an earlier plan;
    with the chosen suggestions (keys of contrib.suggestions) added as items."""
    year, half = _check_period(year, half)
    if template and copy_from is not None:
        raise ValidationError({"template": _("Start from a template or from an earlier plan, not both.")})
    if template and template not in PlanTemplate.values:
        raise ValidationError({"template": _("Choose one of the templates.")})
    plan = Plan(node=node, path=node.path, year=year, half=half, title=(title or "").strip(),
                template=template, copied_from=copy_from, foreword=(foreword or "").strip())
    if not plan.title:
        plan.title = f"{node.name}{plan.period_label}工作计划"
    if Plan.objects.filter(node=node, year=year, half=half).exists():
        raise ValidationError({"year": _("%(node)s already has a plan for %(period)s.")
                               % {"node": node.name, "period": plan.period_label}})
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # the same plan created at the same moment
        raise ValidationError({"year": _("%(node)s already has a plan for %(period)s.")
                               % {"node": node.name, "period": plan.period_label}}) from None
    if copy_from is not None:
        _copy(actor, plan, copy_from)
    elif template:
        _from_template(actor, plan, template)
    plan.save(update_fields=["foreword", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=plan, org_path=plan.path,
                 after=audit.snapshot(plan))
    if suggestions:
        _apply(actor, plan, list(suggestions))
    return plan


def previous_plan(node: OrgNode, year: int, half: int = Half.WHOLE_YEAR) -> Plan | None:
    """The node's latest plan of the same period in an earlier year (what "copy last year's" copies)."""
    return (Plan.objects.filter(node=node, half=half, year__lt=year).order_by("-year").first())


@transaction.atomic
def plan_update(*, actor, plan: Plan, title: str, foreword: str = "") -> Plan:
    plan = _locked(plan)
    before = audit.snapshot(plan)
    plan.title = (title or "").strip() or f"{plan.node.name}{plan.period_label}工作计划"
    plan.foreword = (foreword or "").strip()
    plan.full_clean(validate_constraints=False)
    plan.save(update_fields=["title", "foreword", "updated_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=plan, org_path=plan.path, before=before,
                 after=audit.snapshot(plan))
    return plan


@transaction.atomic
def item_create(*, actor, plan: Plan, section: str, title: str, target: str = "", measures: str = "",
                timing: str = Timing.YEARLY, due_on: datetime.date | None = None, months=(), quarters=(),
                responsible_name: str = "", responsible_role: str = "", evidence: str = "") -> PlanItem:
    plan = _locked(plan)
    data = _clean_item_fields(plan, locals())
    item = PlanItem(plan=plan, order=_next_order(plan, data["section"]), **data)
    return _save_item(actor, plan, item, action=AuditEntry.Action.CREATE)


@transaction.atomic
def item_update(*, actor, item: PlanItem, section: str, title: str, target: str = "", measures: str = "",
                timing: str = Timing.YEARLY, due_on: datetime.date | None = None, months=(), quarters=(),
                responsible_name: str = "", responsible_role: str = "", evidence: str = "") -> PlanItem:
    plan = _locked(item.plan)
    item = PlanItem.objects.select_for_update().get(pk=item.pk, plan=plan)
    values = locals()
    if values["evidence"] == item.evidence:
        data = _clean_item_fields(plan, values, check_evidence=False)  # kept as it was (a suggestion's key)
    else:
        data = _clean_item_fields(plan, values)
    before = audit.snapshot(item)
    moved = data["section"] != item.section
    for name, value in data.items():
        setattr(item, name, value)
    if moved:
        item.order = _next_order(plan, data["section"])
    item.plan = plan
    _save_item(actor, plan, item, action=AuditEntry.Action.UPDATE, before=before)
    if moved:
        Indicator.objects.filter(item=item).update(section=item.section)
    return item


@transaction.atomic
def item_delete(*, actor, item: PlanItem) -> None:
    """Deletes the item with the records linked to it; an indicator of the item stays, without the item."""
    plan = _locked(item.plan)
    item = PlanItem.objects.select_for_update().get(pk=item.pk, plan=plan)
    before = audit.snapshot(item)
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=item, org_path=plan.path, before=before)
    item.delete()


@transaction.atomic
def item_move(*, actor, item: PlanItem, direction: str) -> PlanItem:
    """Moves the item one place up or down within its section."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    plan = _locked(item.plan)
    siblings = list(PlanItem.objects.select_for_update().filter(plan=plan, section=item.section)
                    .order_by("order", "pk"))
    position = next(index for index, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = position - 1 if direction == "up" else position + 1
    if not 0 <= other < len(siblings):
        return siblings[position]
    orders = sorted(sibling.order for sibling in siblings)
    if len(set(orders)) != len(orders):  # equal orders (hand-made data): spread them first
        base = max(orders)
        orders = [base + index + 1 for index in range(len(siblings))]
    siblings[position], siblings[other] = siblings[other], siblings[position]
    for sibling, order in zip(siblings, orders, strict=True):
        if sibling.order != order:
            before = audit.snapshot(sibling)
            sibling.order = order
            sibling.save(update_fields=["order", "updated_at"])
            audit.record(actor=actor, action=AuditEntry.Action.MOVE, instance=sibling, org_path=plan.path,
                         before=before, after=audit.snapshot(sibling))
    return next(sibling for sibling in siblings if sibling.pk == item.pk)


def fitting_suggestions(node: OrgNode, year: int, half: int = Half.WHOLE_YEAR,
                        applied: set[str] | frozenset[str] = frozenset()) -> list[contrib.Suggestion]:
    """The suggestions of the node's year whose 时限 falls within the period, minus those already applied."""
    start, end = period_bounds(year, half)
    fitting = []
    for suggestion in contrib.suggestions(node, year):
        if suggestion.key in applied:
            continue
        timing = suggestion.timing
        if _fit_timing(timing.timing, timing.due_on, timing.months, timing.quarters, start, end) is not None:
            fitting.append(suggestion)
    return fitting


def suggestion_topic(key: str) -> str:
    """What a suggestion is about, the same from year to year: its key without the year ("orgs.congress:12:2026"
    → "orgs.congress:12")."""
    head, _sep, tail = (key or "").rpartition(":")
    return head if head and tail.isdigit() else (key or "")


def _covering(items: list[PlanItem], key: str) -> PlanItem | None:
    """The plan's item that already stands for this suggestion: one of the same topic (copied from last year's
    plan), or a template item whose topic the suggestion's narrows ("orgs.congress" covers "orgs.congress:12")."""
    topic = suggestion_topic(key)
    for item in items:
        if item.topic and (topic == item.topic or topic.startswith(item.topic + ":")):
            return item
    return None


def remaining_suggestions(plan: Plan) -> list[contrib.Suggestion]:
    items = list(plan.items.all())
    applied = {item.suggestion_key for item in items if item.suggestion_key}
    return [s for s in fitting_suggestions(plan.node, plan.year, plan.half, applied)
            if _covering(items, s.key) is None or _covering(items, s.key).suggestion_key == ""]


def _apply(actor, plan: Plan, keys: list[str]) -> list[PlanItem]:
    wanted = list(dict.fromkeys(str(key) for key in keys))
    available = {s.key: s for s in remaining_suggestions(plan)}
    applied = set(plan.items.exclude(suggestion_key="").values_list("suggestion_key", flat=True))
    unknown = [key for key in wanted if key not in available and key not in applied]
    if unknown:
        raise ValidationError({"suggestions": _("“%(key)s” is no longer among the suggested items; reload the page.")
                               % {"key": unknown[0]}})
    made = []
    items = list(plan.items.all())
    for key in wanted:
        if key in applied:
            continue  # never twice
        suggestion = available[key]
        covering = _covering(items, key)
        if covering is not None:
            # the plan has this work already (from the template or last year's plan): it takes the suggestion's
            # key and source (a second suggestion of the topic adds its source) instead of a second item
            before = audit.snapshot(covering)
            covering.source = "；".join(filter(None, [covering.source if covering.suggestion_key else "",
                                                     str(suggestion.source)]))
            covering.suggestion_key = covering.suggestion_key or key[:120]
            made.append(_save_item(actor, plan, covering, action=AuditEntry.Action.UPDATE, before=before))
            applied.add(key)
            continue
        timing = suggestion.timing
        due_on, months, quarters = _fit_timing(timing.timing, timing.due_on, timing.months, timing.quarters,
                                               plan.start, plan.end)
        data = _clean_item_fields(plan, {
            "section": suggestion.section, "title": str(suggestion.title)[:200], "target": str(suggestion.target),
            "measures": str(suggestion.measures), "timing": timing.timing, "due_on": due_on, "months": months,
            "quarters": quarters, "responsible_role": suggestion.responsible_role,
            "evidence": suggestion.evidence}, check_evidence=False)
        item = PlanItem(plan=plan, order=_next_order(plan, data["section"]), suggestion_key=key[:120],
                        source=str(suggestion.source), topic=suggestion_topic(key), **data)
        made.append(_save_item(actor, plan, item, action=AuditEntry.Action.CREATE))
        items.append(item)
        applied.add(key)
    return made


@transaction.atomic
def suggestions_apply(*, actor, plan: Plan, keys) -> list[PlanItem]:
    """Adds the chosen suggestions as items (with their key and source); one already in the plan is skipped."""
    plan = _locked(plan)
    return _apply(actor, plan, list(keys))
