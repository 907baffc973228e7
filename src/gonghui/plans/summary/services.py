"""Writes of 工作总结: create (drafted from the records at once), redraft (the records' text replaces the
officer's), update (the officer's edits of headings and paragraphs; the tables stay as drawn from the
records), and the .docx export, logged. Submission and review are plans/review/services.py's."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts import policy
from gonghui.core import audit
from gonghui.core.models import AuditEntry
from gonghui.orgs.models import OrgNode

from ..contrib import Period
from ..models import Half, Summary
from . import docx, draft

MAX_HEADING = 60
MAX_PARAGRAPH = 4000


def _require(actor, path: str) -> None:
    if actor is not None and not policy.has_perm(actor, "plans.change", path):
        raise PermissionDenied


def _require_editable(summary: Summary) -> None:
    if not summary.editable:
        raise ValidationError(_("This summary has been submitted or accepted and can no longer be changed."))


def check_period(year, half, *, today: datetime.date | None = None) -> tuple[int, int]:
    """(year, half) as integers, or a ValidationError naming the field. A summary tells the work done: a period
    that has not begun has none."""
    today = today or timezone.localdate()
    last = today.year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year such as %(year)s.") % {"year": last - 1}}) from None
    if not 2000 <= year <= last:
        raise ValidationError({"year": _("The year must be between 2000 and %(last)s.") % {"last": last}})
    try:
        half = int(half or 0)
    except (TypeError, ValueError):
        half = -1
    if half not in Half.values:
        raise ValidationError({"half": _("Choose the whole year or one of its halves.")})
    period = Period(year, half)
    if period.start > today:
        raise ValidationError({"half" if year == today.year else "year": _(
            "%(period)s has not begun: a summary reports the work done in its period.") % {"period": period.label}})
    return year, half


def _snapshot(summary: Summary) -> dict:
    return audit.snapshot(summary)


@transaction.atomic
def summary_create(*, actor, node: OrgNode, year: int, half: int = Half.WHOLE_YEAR,
                   today: datetime.date | None = None) -> Summary:
    _require(actor, node.path)
    year, half = check_period(year, half, today=today)
    if Summary.objects.filter(node=node, year=year, half=half).exists():
        raise ValidationError({"year": _("%(node)s already has a summary for this period.") % {"node": node.name}})
    period = Period(year, half)
    summary = Summary(node=node, path=node.path, year=year, half=half, title=draft.title_for(node, period),
                      sections=draft.draft_sections(node, period, today=today), drafted_at=timezone.now())
    summary.full_clean()
    summary.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, instance=summary, org_path=summary.path,
                 after=_snapshot(summary))
    return summary


def _locked(summary: Summary) -> Summary:
    return Summary.objects.select_for_update(of=("self",)).select_related("node").get(pk=summary.pk)


@transaction.atomic
def summary_redraft(*, actor, summary: Summary, today: datetime.date | None = None) -> Summary:
    """Write the text again from the records, replacing the officer's edits (the page asks first)."""
    _require(actor, summary.path)
    summary = _locked(summary)
    _require_editable(summary)
    before = _snapshot(summary)
    summary.sections = draft.draft_sections(summary.node, Period(summary.year, summary.half), today=today)
    summary.drafted_at = timezone.now()
    summary.full_clean()
    summary.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=summary, org_path=summary.path,
                 before=before, after=_snapshot(summary))
    return summary


def _clean_paragraphs(text) -> list[str]:
    if isinstance(text, str):
        text = text.replace("\r\n", "\n").split("\n")
    return [line.strip() for line in text or [] if line and line.strip()]


@transaction.atomic
def summary_update(*, actor, summary: Summary, title: str | None = None,
                   sections: dict[str, dict]) -> Summary:
    """`sections`: {section key: {"heading": str, "paragraphs": str (one paragraph a line) or [str]}} for the
    sections edited; the others, and every section's tables, stay as they are."""
    _require(actor, summary.path)
    summary = _locked(summary)
    _require_editable(summary)
    before = _snapshot(summary)
    keys = {section["key"] for section in summary.sections}
    errors: dict[str, list[str]] = {}
    unknown = set(sections) - keys
    if unknown:
        errors["sections"] = [_("The summary has no section %(key)s; reload the page.")
                              % {"key": ", ".join(sorted(unknown))}]
    updated = []
    for section in summary.sections:
        section = dict(section)
        change = sections.get(section["key"])
        if change is not None:
            heading = docx.xml_text(change.get("heading", section["heading"]), breaks=False).strip()
            paragraphs = _clean_paragraphs(change.get("paragraphs", section["paragraphs"]))
            if not heading:
                errors.setdefault(section["key"], []).append(_("The heading of a section cannot be empty."))
            elif len(heading) > MAX_HEADING:
                errors.setdefault(section["key"], []).append(
                    _("The heading “%(heading)s…” is longer than %(max)s characters.")
                    % {"heading": heading[:10], "max": MAX_HEADING})
            long = [p for p in paragraphs if len(p) > MAX_PARAGRAPH]
            if long:
                errors.setdefault(section["key"], []).append(
                    _("A paragraph of “%(heading)s” is longer than %(max)s characters.")
                    % {"heading": heading or section["heading"], "max": MAX_PARAGRAPH})
            section["heading"], section["paragraphs"] = heading, paragraphs
        updated.append(section)
    if title is not None:
        title = docx.xml_text(title, breaks=False).strip()
        if not title:
            errors["title"] = [_("The title cannot be empty.")]
        summary.title = title
    if errors:
        raise ValidationError(errors)
    # a cleared section loses its number and the others close up (（一）（二）…), as the .docx prints them
    summary.sections = draft.numbered(updated)
    summary.edited_at = timezone.now()
    summary.edited_by = actor if getattr(actor, "pk", None) else None
    summary.full_clean()
    summary.save()
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, instance=summary, org_path=summary.path,
                 before=before, after=_snapshot(summary))
    return summary


@transaction.atomic
def summary_export(*, actor, summary: Summary) -> bytes:
    """The stored summary as .docx, the export logged."""
    content = docx.summary_docx(summary)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=summary, org_path=summary.path,
                 after={"export": f"{summary}.docx"})
    return content


@transaction.atomic
def draft_export(*, actor, node: OrgNode, year: int, half: int = Half.WHOLE_YEAR,
                 today: datetime.date | None = None) -> bytes:
    """A plain draft of a node's period from the records as they stand, as .docx (nothing stored but the log
    entry)."""
    year, half = check_period(year, half, today=today)
    content = docx.draft_docx(node, Period(year, half), today=today)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=node, org_path=node.path,
                 after={"export": f"{draft.title_for(node, Period(year, half))}.docx"})
    return content
