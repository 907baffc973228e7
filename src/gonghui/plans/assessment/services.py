"""Writes of assessments (考核): schemes, their criteria, the values entered by hand, and the export of the
ranked table. A scheme belongs to a federation; the caller has checked plans.assess on it (views use
plans.selectors.get_scheme_for_user / orgs.selectors.get_node_for_user with "plans.assess"). Every write is in
the audit log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.ledger import ledger_xlsx
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import FEDERATION_LEVELS, OrgNode
from gonghui.plans import contrib
from gonghui.plans.models import (
    AssessedUnits,
    AssessmentCriterion,
    AssessmentScheme,
    AssessmentScore,
    Comparator,
    ScoringRule,
)

from . import scoring
from .ledger import score_ledger

MAX_VALUE = Decimal("9999999999.99")


def _check_federation(node: OrgNode) -> None:
    if node.level not in FEDERATION_LEVELS:
        raise ValidationError({"node": _("Only a federation assesses its subordinate unions; %(node)s is not "
                                         "a federation.") % {"node": node.name}})


def _check_year(year) -> None:
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError({"year": _("“%(value)s” is not a year.") % {"value": year}})


def _check_subjects(node: OrgNode, subjects: str) -> None:
    if subjects not in AssessedUnits.values:
        raise ValidationError({"subjects": _("Choose whom the scheme assesses.")})
    if subjects == AssessedUnits.CHILDREN and not scoring.assessed_queryset(node, subjects).exists():
        raise ValidationError({"subjects": _("%(node)s has no federations directly under it: assess its unions.")
                               % {"node": node.name}})


@transaction.atomic
def scheme_create(*, actor, node: OrgNode, year: int, name: str, description: str = "",
                  subjects: str = AssessedUnits.UNIONS) -> AssessmentScheme:
    _check_federation(node)
    _check_year(year)
    _check_subjects(node, subjects)
    scheme = AssessmentScheme(node=node, path=node.path, year=year, name=name.strip(),
                              description=description.strip(), subjects=subjects)
    scheme.full_clean()
    scheme.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=scheme, org_path=scheme.path,
                 after=audit.snapshot(scheme))
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme: AssessmentScheme, year: int, name: str, description: str = "",
                  subjects: str | None = None) -> AssessmentScheme:
    """Changing whom the scheme assesses drops the values entered for those it no longer assesses."""
    _check_year(year)
    scheme = AssessmentScheme.objects.select_for_update().select_related("node").get(pk=scheme.pk)
    subjects = scheme.subjects if subjects is None else subjects
    _check_subjects(scheme.node, subjects)
    before = audit.snapshot(scheme)
    scheme.year, scheme.name, scheme.description = year, name.strip(), description.strip()
    scheme.subjects = subjects
    scheme.full_clean()
    scheme.save()
    after = audit.snapshot(scheme)
    dropped, _counts = (AssessmentScore.objects.filter(criterion__scheme=scheme)
                        .exclude(union__in=scoring.assessed_queryset(scheme.node, subjects).values("pk")).delete())
    if dropped:
        after["scores_dropped"] = dropped
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=scheme, org_path=scheme.path,
                 before=before, after=after)
    return scheme


@transaction.atomic
def scheme_delete(*, actor, scheme: AssessmentScheme) -> None:
    """Deletes the scheme with its criteria and the values entered for them."""
    before = audit.snapshot(scheme)
    before["criteria"] = list(scheme.criteria.values_list("label", flat=True))
    before["scores"] = AssessmentScore.objects.filter(criterion__scheme=scheme).count()
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=scheme, org_path=scheme.path,
                 before=before)
    scheme.delete()


def _criterion_fields(*, label: str, metric: str, comparator: str, target, unit: str, weight, rule: str,
                      order: int) -> dict:
    errors: dict[str, list[str]] = {}
    if metric and metric not in contrib.metrics():
        errors["metric"] = [_("“%(value)s” is not a figure computed from the records.") % {"value": metric}]
    if comparator not in Comparator.values:
        errors["comparator"] = [_("Choose ≥ or ≤.")]
    if rule not in ScoringRule.values:
        errors["rule"] = [_("Choose a scoring rule.")]
    if target is None or Decimal(target) < 0:
        errors["target"] = [_("The target cannot be negative.")]
    if weight is None or Decimal(weight) <= 0:
        errors["weight"] = [_("The points must be more than 0.")]
    if errors:
        raise ValidationError(errors)
    if metric and not unit.strip():
        unit = contrib.metrics()[metric].unit
    return {"label": label.strip(), "metric": metric, "comparator": comparator, "target": Decimal(target),
            "unit": unit.strip(), "weight": Decimal(weight), "rule": rule, "order": order}


@transaction.atomic
def criterion_create(*, actor, scheme: AssessmentScheme, label: str, metric: str = "", comparator: str = "gte",
                     target, unit: str = "", weight, rule: str = ScoringRule.PROPORTIONAL,
                     order: int | None = None) -> AssessmentCriterion:
    if order is None:
        order = (scheme.criteria.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    criterion = AssessmentCriterion(scheme=scheme, **_criterion_fields(
        label=label, metric=metric, comparator=comparator, target=target, unit=unit, weight=weight, rule=rule,
        order=order))
    criterion.full_clean()
    criterion.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=criterion, org_path=scheme.path,
                 after=audit.snapshot(criterion))
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion: AssessmentCriterion, label: str, metric: str = "",
                     comparator: str = "gte", target, unit: str = "", weight, rule: str = ScoringRule.PROPORTIONAL,
                     order: int | None = None) -> AssessmentCriterion:
    """A criterion that becomes computed from a metric drops the values entered for it by hand."""
    criterion = AssessmentCriterion.objects.select_for_update().select_related("scheme").get(pk=criterion.pk)
    before = audit.snapshot(criterion)
    fields = _criterion_fields(label=label, metric=metric, comparator=comparator, target=target, unit=unit,
                               weight=weight, rule=rule, order=criterion.order if order is None else order)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.full_clean()
    criterion.save()
    after = audit.snapshot(criterion)
    if criterion.metric:
        dropped, _counts = criterion.scores.all().delete()
        if dropped:
            after["scores_dropped"] = dropped
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=criterion, org_path=criterion.scheme.path,
                 before=before, after=after)
    return criterion


@transaction.atomic
def criterion_delete(*, actor, criterion: AssessmentCriterion) -> None:
    before = audit.snapshot(criterion)
    before["scores"] = criterion.scores.count()
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=criterion, org_path=criterion.scheme.path,
                 before=before)
    criterion.delete()


def parse_value(text: str) -> Decimal | None:
    """A value typed into the grid: None when empty; ValueError with the reason when it is not a number
    the table can hold."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number") % {"value": text})
    if value < 0:
        raise ValueError(_("%(value)s is negative") % {"value": text})
    if value > MAX_VALUE:
        raise ValueError(_("%(value)s is too large") % {"value": text})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("%(value)s has more than two decimals") % {"value": text})
    return value


@transaction.atomic
def scores_save(*, actor, scheme: AssessmentScheme, entries: dict[tuple[int, int], str]) -> dict[str, int]:
    """Save the values typed into the grid: (criterion id, union id) → text ("" clears the value). Every
    value is checked first; one bad value names its union and criterion and nothing is written.
    Returns how many values were created, changed and cleared."""
    criteria = {c.pk: c for c in scheme.criteria.filter(metric="")}
    unions = {u.pk: u for u in scoring.assessed_unions(scheme)}
    errors: list[str] = []
    parsed: dict[tuple[int, int], Decimal | None] = {}
    for (criterion_id, union_id), text in entries.items():
        criterion, union = criteria.get(criterion_id), unions.get(union_id)
        if criterion is None or union is None:
            errors.append(_("A value was sent for a union or criterion this scheme does not score by hand."))
            continue
        try:
            parsed[(criterion_id, union_id)] = parse_value(text)
        except ValueError as error:
            errors.append(_("%(union)s · %(criterion)s: %(reason)s.") % {
                "union": union.name, "criterion": criterion.label, "reason": error})
    if errors:
        raise ValidationError(errors)
    existing = {(s.criterion_id, s.union_id): s for s in
                AssessmentScore.objects.select_for_update().filter(criterion__scheme=scheme)}
    counts = {"created": 0, "changed": 0, "cleared": 0}
    for key, value in parsed.items():
        score = existing.get(key)
        criterion, union = criteria[key[0]], unions[key[1]]
        if value is None:
            if score is not None:
                before = audit.snapshot(score)
                score.delete()
                audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=score, org_path=union.path,
                             before=before)
                counts["cleared"] += 1
            continue
        if score is None:
            score = AssessmentScore(criterion=criterion, union=union, value=value, entered_by=actor)
            score.full_clean()
            score.save()
            audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=score, org_path=union.path,
                         after=audit.snapshot(score))
            counts["created"] += 1
        elif score.value != value:
            before = audit.snapshot(score)
            score.value, score.entered_by = value, actor
            score.full_clean()
            score.save()
            audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=score, org_path=union.path,
                         before=before, after=audit.snapshot(score))
            counts["changed"] += 1
    return counts


@transaction.atomic
def export_xlsx(*, actor, scheme: AssessmentScheme, table: scoring.ScoreTable | None = None) -> tuple[bytes, str]:
    """The ranked table as a formatted .xlsx (bytes, file name); the export is logged."""
    table = table or scoring.score_table(scheme)
    ledger = score_ledger(table)
    content = ledger_xlsx(ledger)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=scheme, org_path=scheme.path, after={
        "export": ledger.title, "rows": len(ledger.rows), "filters": str(scheme.year)})
    return content, f"{scheme.name}-{scheme.node.name}-{scheme.year}.xlsx"
