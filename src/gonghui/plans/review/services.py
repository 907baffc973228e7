"""Submission and review of plans and summaries (报送与审核).

A union (or a federation) submits its plan or summary to the node above — from draft, or again after it was
returned. The node above (plans.review there: selectors.check_reviewer) returns it with a comment saying
what to change, or accepts it, with an optional comment; it may also comment without deciding. Each step
writes a ReviewEvent (the history shown with the document), the document's status fields and an audit entry.
The views check who may act; these functions check the state and refuse a step that does not fit it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEntry

from ..models import Plan, ReviewAction, ReviewEvent, ReviewStatus, Summary

Document = Plan | Summary


def _locked(document: Document) -> Document:
    fresh = type(document).objects.select_for_update(of=("self",)).select_related("node", "node__parent").get(
        pk=document.pk)
    return fresh


def _kind(document: Document) -> str:
    return _("plan") if isinstance(document, Plan) else _("summary")


def _event(*, actor, document: Document, action: str, comment: str) -> ReviewEvent:
    name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""
    event = ReviewEvent(action=action, actor=actor if getattr(actor, "pk", None) else None, actor_name=name[:150],
                        comment=comment, **({"plan": document} if isinstance(document, Plan) else
                                            {"summary": document}))
    event.full_clean()
    event.save()
    return event


def _save(*, actor, document: Document, before: dict, fields: list[str]) -> None:
    document.full_clean()
    document.save(update_fields=[*fields, "updated_at"] if hasattr(document, "updated_at") else fields)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=document, org_path=document.path,
                 before=before, after={"status": document.status, "review_comment": document.review_comment})


def _state(document: Document) -> dict:
    return {"status": document.status, "review_comment": document.review_comment}


@transaction.atomic
def submit(*, actor, document: Document) -> Document:
    """Send a draft or returned plan/summary to the node above."""
    document = _locked(document)
    if document.node.parent_id is None:
        raise ValidationError(_("%(node)s has no union above it to submit to.") % {"node": document.node.name})
    if document.status == ReviewStatus.SUBMITTED:
        raise ValidationError(_("This %(kind)s has already been submitted and is waiting for review.")
                              % {"kind": _kind(document)})
    if document.status == ReviewStatus.ACCEPTED:
        raise ValidationError(_("This %(kind)s has been accepted; it cannot be submitted again.")
                              % {"kind": _kind(document)})
    if isinstance(document, Plan) and not document.items.exists():
        raise ValidationError(_("The plan has no work items yet: add them before submitting it."))
    if isinstance(document, Summary) and not document.sections:
        raise ValidationError(_("The summary has no text yet: draft it before submitting it."))
    before = _state(document)
    document.status = ReviewStatus.SUBMITTED
    document.submitted_at = timezone.now()
    document.submitted_by = actor if getattr(actor, "pk", None) else None
    _save(actor=actor, document=document, before=before, fields=["status", "submitted_at", "submitted_by"])
    _event(actor=actor, document=document, action=ReviewAction.SUBMITTED, comment="")
    return document


def _decide(*, actor, document: Document, status: str, action: str, comment: str) -> Document:
    document = _locked(document)
    if document.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted %(kind)s can be returned or accepted; this one is “%(status)s”.")
                              % {"kind": _kind(document), "status": document.get_status_display()})
    before = _state(document)
    document.status = status
    document.reviewed_at = timezone.now()
    document.reviewed_by = actor if getattr(actor, "pk", None) else None
    document.review_comment = comment
    _save(actor=actor, document=document, before=before,
          fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
    _event(actor=actor, document=document, action=action, comment=comment)
    return document


@transaction.atomic
def return_for_changes(*, actor, document: Document, comment: str) -> Document:
    """Send a submitted plan/summary back to its union, saying what to change (the comment is required)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be changed: a comment is required to return it.")})
    return _decide(actor=actor, document=document, status=ReviewStatus.RETURNED, action=ReviewAction.RETURNED,
                   comment=comment)


@transaction.atomic
def accept(*, actor, document: Document, comment: str = "") -> Document:
    return _decide(actor=actor, document=document, status=ReviewStatus.ACCEPTED, action=ReviewAction.ACCEPTED,
                   comment=(comment or "").strip())


@transaction.atomic
def comment(*, actor, document: Document, comment: str) -> ReviewEvent:
    """A reviewer's remark without a decision (the status stays)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write the comment.")})
    if document.status == ReviewStatus.DRAFT:
        raise ValidationError(_("The %(kind)s has not been submitted yet.") % {"kind": _kind(document)})
    event = _event(actor=actor, document=document, action=ReviewAction.COMMENTED, comment=comment)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=event, org_path=document.path,
                 after={"comment": comment})
    return event
