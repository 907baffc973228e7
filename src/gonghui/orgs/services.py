"""Every write to the organisation tree, its units and officers. Views, commands and the demo seed all
call these; each validates, saves and writes its audit entry in one transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEntry

from .models import (
    ALLOWED_CHILDREN,
    FEDERATION_LEVELS,
    UNION_LEVELS,
    Coverage,
    Formation,
    Level,
    Officer,
    OrgNode,
    Unit,
    path_ids,
    path_segment,
)

NODE_FIELDS = (
    "name", "code", "formation", "founded_on", "approved_on", "approval_ref", "term_start", "term_years",
    "women_committee_established", "address",
)
UNIT_FIELDS = (
    "name", "credit_code", "kind", "ownership", "industry", "staff_count", "women_count",
    "migrant_worker_count", "address", "area_node", "covering_union",
)
OFFICER_FIELDS = ("name", "gender", "role", "is_full_time", "term_start", "term_end")


def normalize_code(code: str) -> str:
    """Codes are compared and stored upper-case, so "sb" and "SB" can never name two nodes."""
    return (code or "").strip().upper()


def _check_placement(level: str, parent: OrgNode | None) -> None:
    if parent is None:
        if level not in FEDERATION_LEVELS:
            raise ValidationError({"parent": _("Only a federation can stand at the top of the tree.")})
        return
    if level not in ALLOWED_CHILDREN[parent.level]:
        raise ValidationError({
            "level": _("A %(child)s cannot be placed under a %(parent)s.")
            % {"child": Level(level).label, "parent": Level(parent.level).label}
        })


def _default_formation(node: OrgNode) -> None:
    if node.level == Level.JOINT_UNION:
        if node.formation and node.formation != Formation.JOINT:
            raise ValidationError({"formation": _("A joint union is always formed jointly.")})
        node.formation = Formation.JOINT
    elif node.level == Level.GRASSROOTS_UNION:
        node.formation = node.formation or Formation.INDEPENDENT
    else:
        node.formation = ""


@transaction.atomic
def node_create(*, actor, parent: OrgNode | None, level: str, **fields: Any) -> OrgNode:
    _check_placement(level, parent)
    node = OrgNode(parent=parent, level=level, **{k: v for k, v in fields.items() if k in NODE_FIELDS})
    node.code = normalize_code(node.code)
    _default_formation(node)
    node.path = f"~{uuid.uuid4().hex}"  # placeholder until the id is known
    node.depth = parent.depth + 1 if parent else 0
    node.full_clean(exclude=["path"])
    node.save()
    node.path = (parent.path if parent else "") + path_segment(node.pk)
    OrgNode.objects.filter(pk=node.pk).update(path=node.path)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=node, org_path=node.path,
                 after=audit.snapshot(node))
    return node


@transaction.atomic
def node_update(*, actor, node: OrgNode, **fields: Any) -> OrgNode:
    before = audit.snapshot(node)
    for name, value in fields.items():
        if name not in NODE_FIELDS:
            raise ValueError(f"field {name!r} cannot be changed here")
        setattr(node, name, value)
    node.code = normalize_code(node.code)
    _default_formation(node)
    node.full_clean()
    covered = Unit.objects.filter(covering_union=node)
    if before["formation"] != node.formation:
        count = covered.count() if node.formation == Formation.INDEPENDENT else 0
        if count > 1:
            raise ValidationError({"formation": _(
                "%(name)s covers %(count)d units; an independent union covers one. Move the other units to "
                "their own or a joint union first.") % {"name": node.name, "count": count}})
        covered.update(coverage=Coverage.JOINT if node.formation == Formation.JOINT else Coverage.INDEPENDENT)
    node.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=node, org_path=node.path,
                 before=before, after=audit.snapshot(node))
    return node


def _rewrite_prefix(queryset, old: str, new: str, field: str = "path") -> int:
    """Replace the leading `old` of every `field` path in `queryset` by `new`, in one UPDATE."""
    return queryset.filter(**{f"{field}__under": old}).update(**{
        field: Concat(Value(new), Substr(field, len(old) + 1, output_field=OrgNode._meta.get_field("path")))
    })


# Records of other apps that carry an org path (app label, model, path fields): moved with the subtree.
PATH_CARRIERS = (
    ("members", "Member", ("path", "transfer_to_path")),
    ("members", "MemberTally", ("path",)),
    ("members", "WomenRecord", ("path",)),
    ("members", "Transfer", ("from_path", "to_path")),
    ("members", "ImportJob", ("path",)),
)


@transaction.atomic
def node_move(*, actor, node: OrgNode, new_parent: OrgNode) -> OrgNode:
    """Put `node` and its whole subtree under `new_parent`: paths of nodes, units and the member records
    under them are rewritten by prefix, one statement each, whatever the size of the subtree."""
    locked = {n.pk: n for n in OrgNode.objects.select_for_update().filter(pk__in=[node.pk, new_parent.pk])
              .order_by("pk")}
    node, new_parent = locked[node.pk], locked[new_parent.pk]
    if new_parent.path.startswith(node.path):
        raise ValidationError({"parent": _("A union cannot be moved under itself or one of its own subunits.")})
    if new_parent.pk == node.parent_id:
        raise ValidationError({"parent": _("The union is already under %(name)s.") % {"name": new_parent.name}})
    _check_placement(node.level, new_parent)
    old_parent_name = str(node.parent) if node.parent_id else None
    old_path = node.path
    new_path = new_parent.path + path_segment(node.pk)
    depth_change = new_parent.depth + 1 - node.depth
    _rewrite_prefix(OrgNode.objects.all(), old_path, new_path)
    OrgNode.objects.filter(path__under=new_path).update(depth=F("depth") + depth_change)
    _rewrite_prefix(Unit.objects.all(), old_path, new_path)
    for app_label, model_name, fields in PATH_CARRIERS:
        model = apps.get_model(app_label, model_name)
        for field in fields:
            _rewrite_prefix(model.objects.all(), old_path, new_path, field)
    OrgNode.objects.filter(pk=node.pk).update(parent=new_parent)
    node.refresh_from_db()
    # Covered units now lie in the area of their union's new place.
    areas: dict[int, OrgNode] = {}  # one ancestor lookup per union, not per unit
    for unit in Unit.objects.filter(path__under=new_path, covering_union__isnull=False).select_related(
            "covering_union", "area_node"):
        if unit.covering_union_id not in areas:
            areas[unit.covering_union_id] = area_of(unit.covering_union)
        area = areas[unit.covering_union_id]
        if area.pk != unit.area_node_id:
            before = audit.snapshot(unit)
            Unit.objects.filter(pk=unit.pk).update(area_node=area)
            unit.area_node = area
            audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=unit, org_path=unit.path,
                         before=before, after=audit.snapshot(unit))
    # Logged on both sides: the old parent's admins see the union leave, the new parent's see it arrive.
    for path in {old_path, node.path}:
        audit.record(actor=actor, action=AuditEntry.Action.MOVE, instance=node, org_path=path,
                     before={"parent": old_parent_name}, after={"parent": new_parent.name})
    return node


def area_of(union: OrgNode) -> OrgNode:
    """The area a union's units lie in: a joint union is its own area; otherwise the nearest federation or
    joint union above it."""
    if union.level == Level.JOINT_UNION:
        return union
    ancestors = OrgNode.objects.filter(pk__in=path_ids(union.path)[:-1],
                                       level__in=FEDERATION_LEVELS | {Level.JOINT_UNION})
    nearest = ancestors.order_by("-depth").first()
    if nearest is None:
        raise ValidationError({"covering_union": _("%(name)s has no federation above it.") % {"name": union.name}})
    return nearest


def _place_unit(unit: Unit) -> None:
    """Derive where the unit answers: a covered unit lies in its union's area (so a grassroots chair can
    keep their unit without seeing the street); a unit without a union needs its area given."""
    if unit.covering_union_id:
        unit.area_node = area_of(unit.covering_union)
    elif unit.area_node_id is None:
        raise ValidationError({"area_node": _("A unit without a union needs the federation or joint union "
                                              "whose area it lies in.")})
    unit.path = unit.covering_union.path if unit.covering_union_id else unit.area_node.path
    unit.coverage = unit.coverage_from_union()


def _check_unit_links(unit: Unit) -> None:
    errors: dict[str, str] = {}
    # A covered unit's area is derived from its union (_place_unit); only a given area is checked.
    area = unit.area_node if unit.area_node_id and not unit.covering_union_id else None
    if area is not None and area.level not in FEDERATION_LEVELS | {Level.JOINT_UNION}:
        errors["area_node"] = _("The area must be a federation or a joint union.")
    union = unit.covering_union
    if union is not None:
        if union.level not in UNION_LEVELS:
            errors["covering_union"] = _("Only a grassroots or joint union can cover a unit.")
        elif union.formation == Formation.INDEPENDENT:
            others = Unit.objects.filter(covering_union=union).exclude(pk=unit.pk)
            other = others.first()
            if other is not None:
                errors["covering_union"] = _(
                    "%(union)s is an independent union and already covers %(unit)s; choose a joint union "
                    "or change its formation."
                ) % {"union": union.name, "unit": other.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def unit_create(*, actor, **fields: Any) -> Unit:
    unit = Unit(**{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    _check_unit_links(unit)
    _place_unit(unit)
    unit.full_clean(exclude=["path"])
    unit.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=unit, org_path=unit.path,
                 after=audit.snapshot(unit))
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields: Any) -> Unit:
    before = audit.snapshot(unit)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise ValueError(f"field {name!r} cannot be changed here")
        setattr(unit, name, value)
    _check_unit_links(unit)
    old_path = unit.path
    _place_unit(unit)
    unit.full_clean(exclude=["path"])
    unit.save()
    # Logged under both places when the unit changes hands, so both sides see it.
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=unit, org_path=unit.path,
                 before=before, after=audit.snapshot(unit))
    if old_path != unit.path and not unit.path.startswith(old_path):
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=unit, org_path=old_path,
                     before=before, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def officer_create(*, actor, node: OrgNode, **fields: Any) -> Officer:
    officer = Officer(node=node, **{k: v for k, v in fields.items() if k in OFFICER_FIELDS})
    officer.full_clean()
    officer.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=officer, org_path=node.path,
                 after=audit.snapshot(officer))
    return officer


@transaction.atomic
def officer_update(*, actor, officer: Officer, **fields: Any) -> Officer:
    before = audit.snapshot(officer)
    for name, value in fields.items():
        if name not in OFFICER_FIELDS:
            raise ValueError(f"field {name!r} cannot be changed here")
        setattr(officer, name, value)
    officer.full_clean()
    officer.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=officer, org_path=officer.node.path,
                 before=before, after=audit.snapshot(officer))
    return officer


@transaction.atomic
def officer_delete(*, actor, officer: Officer) -> None:
    before = audit.snapshot(officer)
    path = officer.node.path
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, instance=officer, org_path=path, before=before)
    officer.delete()
