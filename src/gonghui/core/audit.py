"""Writing the audit log. Services call these inside their transaction, so an entry exists exactly when
the write it describes does."""

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry

# Fields never copied into the log in clear (they would leak what encryption protects).
SECRET_FIELDS = {"password", "citizen_id", "citizen_id_hash", "mobile", "mobile_hash", "details"}
# Derived or internal columns that say nothing to a reader of the log.
INTERNAL_FIELDS = {"id", "created_at", "updated_at", "path", "name_pinyin", "name_initials", "transfer_to_path",
                   "submission"}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of `instance` as JSON-friendly values, foreign keys shown by their label."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS or field.name in INTERNAL_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, field.name)
            data[field.name] = str(related) if related is not None else None
        else:
            data[field.name] = _plain(field.value_from_object(instance))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = sorted(set(before) | set(after))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    org_path: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry | None:
    changes = diff(before or {}, after or {})
    if action == AuditEntry.Action.UPDATE and not changes:
        return None  # a save that changed nothing is not an event
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else "",
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        org_path=org_path,
        changes=changes,
    )


# Labels for what exports, imports and reveals record besides model fields.
EXTRA_LABELS = {
    "export": gettext_lazy("Export"),
    "rows": gettext_lazy("Rows"),
    "columns": gettext_lazy("Columns"),
    "filters": gettext_lazy("Filters"),
    "sensitive_in_clear": gettext_lazy("Identifiers in clear"),
    "rows with errors": gettext_lazy("Rows with errors"),
    "reason": gettext_lazy("Reason"),
    "revealed": gettext_lazy("Shown in clear"),
}


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    return str(value)


def readable_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field label, before, after) in the reader's language: verbose names for field names and choice
    labels for stored values, so the log reads as the forms do."""
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes or {}).items():
        before, after = values  # diff() stores [before, after]
        label = name
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if field is None and name in EXTRA_LABELS:
            label = str(EXTRA_LABELS[name])
        if field is not None and hasattr(field, "verbose_name"):
            label = capfirst(field.verbose_name)
            if field.choices:
                choices = {str(key): text for key, text in field.flatchoices}
                before = choices.get(str(before), before) if before is not None else None
                after = choices.get(str(after), after) if after is not None else None
        rows.append((str(label), _display(before), _display(after)))
    return rows
