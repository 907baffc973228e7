"""Roster imports (issue 3 §3): upload → check (the dry run, a report by row) → import, as a job.

`import_job_create` stores the upload; `import_check` reads and checks it and keeps the report;
`import_run` checks it again against the registry as it is now and writes the valid rows (mode "valid-rows")
or, in mode "all-or-nothing", writes only when no row was rejected. The write is one transaction with one
audit entry for the whole job: an interrupted or failing import leaves the registry as it was, and the job
says so and can be run again. Large files run through the task queue (tasks.py) with a progress bar.

The report holds the values of rejected rows (an officer needs them to correct the file): it is stored
encrypted, like every 身份证号. The uploaded file is removed once its import has been written.
"""

from __future__ import annotations

import datetime
import io
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto
from gonghui.core.models import AuditEntry
from gonghui.members import tally
from gonghui.members.models import ImportJob, ImportMode, ImportStatus
from gonghui.members.services import MEMBERSHIP_LEVELS
from gonghui.orgs.models import OrgNode

from . import load
from .parse import SUFFIXES, RosterError, read_table

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Above this many member rows the import runs in the worker, with a progress bar.
BACKGROUND_ROWS = 2000
# A file this large is checked in the worker too (about 2,000 rows of a typical roster).
BACKGROUND_CHECK_BYTES = 256 * 1024


def _check_union(union: OrgNode) -> None:
    if union.level not in MEMBERSHIP_LEVELS:
        raise ValidationError(_("Rosters are imported into a grassroots, joint or branch union."))


def _check_name(name: str) -> None:
    if Path(name).suffix.lower() not in SUFFIXES:
        raise ValidationError({"file": _("Upload an .xlsx, .xls or .csv file; “%(name)s” is none of these.")
                                       % {"name": name}})


@transaction.atomic
def import_job_create(*, actor, union: OrgNode, upload, mode: str = ImportMode.VALID_ROWS) -> ImportJob:
    """Store an uploaded roster as a job waiting to be checked."""
    _check_union(union)
    name = Path(getattr(upload, "name", "") or "roster").name
    _check_name(name)
    if getattr(upload, "size", 0) and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose how to import.")})
    job = ImportJob(union=union, path=union.path, original_name=name[:255], mode=mode,
                    created_by=actor if getattr(actor, "pk", None) else None)
    job.file.save(name, upload if isinstance(upload, File) else File(upload, name=name), save=False)
    job.save()
    return job


# ---- the report, sealed --------------------------------------------------------------------------------

def _cell_json(cell):
    if isinstance(cell, datetime.datetime):
        return {"dt": cell.isoformat()}
    if isinstance(cell, datetime.date):
        return {"d": cell.isoformat()}
    if isinstance(cell, (datetime.time, datetime.timedelta)):
        return str(cell)
    return cell


def cell_from_json(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return datetime.date.fromisoformat(value["d"])
    return value


def _store_report(job: ImportJob, report: load.Report, *, written: bool | None = None) -> None:
    job.rows, job.rejected = report.rows, report.rejected
    job.created, job.updated = report.created, report.updated
    details = {
        "errors": report.errors,
        "warnings": report.warnings,
        "header": report.header,
        "bad_rows": [[row, [_cell_json(c) for c in (cells or [])], reasons] for row, cells, reasons in report.bad_rows],
    }
    job.report = {
        "sheet": report.sheet,
        "header_row": report.header_row,
        "notes": report.notes,
        "error_count": len(report.errors),
        "warning_count": len(report.warnings),
        "written": written,
        "sealed": crypto.encrypt_json(details),
    }


def report_details(job: ImportJob) -> dict:
    """The errors, warnings and rejected rows of a job's report (decrypted)."""
    sealed = (job.report or {}).get("sealed")
    details = crypto.decrypt_json(sealed, default=None) if sealed else None
    return details or {"errors": [], "warnings": [], "header": [], "bad_rows": []}


def report_json(report: load.Report) -> dict:
    """The CLI's --json answer."""
    return {**report.counts(), "errors": report.errors}


# ---- check and run -------------------------------------------------------------------------------------

def _progress(job: ImportJob):
    def update(processed: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=processed)
    return update


def _read(job: ImportJob):
    with job.file.open("rb") as handle:
        path = getattr(handle, "name", None)
        if path and Path(path).exists():
            return read_table(path, job.original_name)
        data = handle.read()
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=Path(job.original_name).suffix) as copy:
        copy.write(data)
        copy.flush()
        return read_table(copy.name, job.original_name)


def _plan(job: ImportJob, *, progress=None, ciphers: bool = False) -> tuple[load.Plan, object]:
    table = _read(job)
    ImportJob.objects.filter(pk=job.pk).update(rows=len(table.rows))
    result = load.plan(table, job.union, progress=progress, ciphers=ciphers)
    load.bad_row_cells(result, table)
    return result, table


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.status = ImportStatus.FAILED
    job.error = message
    job.save(update_fields=["status", "error", "updated_at"])
    return job


@load.without_gc()
def import_check(*, job: ImportJob) -> ImportJob:
    """The dry run: read and check every row, keep the report; nothing is written to the registry."""
    job.status = ImportStatus.CHECKING
    job.error = ""
    job.save(update_fields=["status", "error", "updated_at"])
    try:
        result, _table = _plan(job, progress=_progress(job))
    except RosterError as error:
        return _fail(job, str(error))
    except Exception:
        logger.exception("roster check %s failed", job.pk)
        return _fail(job, _("The file could not be checked: it may be damaged. Save it again from Excel or WPS "
                            "and upload it again."))
    _store_report(job, result.report)
    job.processed = job.rows
    job.status = ImportStatus.CHECKED
    job.save()
    return job


def _check_runnable(job: ImportJob, mode: str | None) -> None:
    if job.status not in (ImportStatus.CHECKED, ImportStatus.FAILED, ImportStatus.UPLOADED):
        raise ValidationError(_("This roster has already been imported or is being imported."))
    if not job.file:
        raise ValidationError(_("The file of this roster is no longer kept: upload it again."))
    if mode is not None:
        if mode not in ImportMode.values:
            raise ValidationError({"mode": _("Choose how to import.")})
        job.mode = mode


def import_queue(*, job: ImportJob, mode: str | None = None) -> ImportJob:
    """Mark a large roster's import as started, for the worker to run (tasks.import_roster)."""
    _check_runnable(job, mode)
    job.status, job.error, job.processed = ImportStatus.RUNNING, "", 0
    job.save(update_fields=["mode", "status", "error", "processed", "updated_at"])
    return job


@load.without_gc()
def import_run(*, job: ImportJob, actor, mode: str | None = None, queued: bool = False) -> ImportJob:
    """Check the file again against the registry as it is now, then write the valid rows in one transaction.
    `queued`: the worker runs a job that import_queue() marked as started."""
    if not (queued and job.status == ImportStatus.RUNNING):
        _check_runnable(job, mode)
    job.status, job.error, job.processed = ImportStatus.RUNNING, "", 0
    job.save(update_fields=["mode", "status", "error", "processed", "updated_at"])
    try:
        result, _table = _plan(job, progress=_progress(job), ciphers=True)
    except RosterError as error:
        return _fail(job, str(error))
    except Exception:
        logger.exception("roster import %s failed while checking", job.pk)
        return _fail(job, _("The import stopped while reading the file; nothing was written. Try again."))
    report = result.report
    ImportJob.objects.filter(pk=job.pk).update(processed=report.rows)
    if job.mode == ImportMode.ALL_OR_NOTHING and report.rejected:
        report.created = report.updated = 0
        _store_report(job, report, written=False)
        job.processed, job.status = report.rows, ImportStatus.DONE
        job.save()
        _discard_file(job)  # a finished job does not run again: the corrected file is uploaded anew
        return job
    try:
        with load.checkpoint_after(), transaction.atomic():
            created, updated = load.write(result, actor=actor, reason=_("Roster %(name)s") % {
                "name": job.original_name})
            report.created, report.updated = created, updated
            _store_report(job, report, written=True)
            job.processed, job.status = report.rows, ImportStatus.DONE
            job.save()
            audit.record(actor=actor, action=AuditEntry.Action.IMPORT, instance=job, org_path=job.union.path,
                         after={"file": job.original_name, "mode": job.get_mode_display(), **report.counts()})
            tally.refresh([job.union_id])
    except Exception:
        logger.exception("roster import %s failed while writing", job.pk)
        job.refresh_from_db()
        return _fail(job, _("The import was interrupted and nothing was written: the registry is as it was "
                            "before. Run the import again."))
    _discard_file(job)
    return job


def _discard_file(job: ImportJob) -> None:
    """The upload holds every 身份证号 of the roster in clear: once imported, it is not kept."""
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("could not remove the upload of roster import %s", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def discard_stale_uploads(now=None) -> int:
    """Delete the uploads of jobs that were checked (or failed, or finished without writing) and then left for
    GONGHUI_IMPORT_UPLOAD_HOURS: a roster holds every 身份证号 in clear, so it is not kept in case. The job and
    its report stay; importing it later asks for the file again. Run by the background worker's sweep."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.GONGHUI_RULES["IMPORT_UPLOAD_HOURS"])
    waiting = [ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.RUNNING]  # the worker will read it
    stale = ImportJob.objects.exclude(file="").exclude(status__in=waiting).filter(updated_at__lt=cutoff)
    count = 0
    for job in stale.only("pk", "file"):
        _discard_file(job)
        count += 1
    if count:
        logger.info("deleted the uploaded rosters of %d import jobs left for more than %s hours", count,
                    settings.GONGHUI_RULES["IMPORT_UPLOAD_HOURS"])
    return count


def runs_in_background(job: ImportJob) -> bool:
    return job.rows > BACKGROUND_ROWS


def checks_in_background(job: ImportJob) -> bool:
    try:
        return job.file.size > BACKGROUND_CHECK_BYTES
    except (OSError, ValueError):
        return False


# ---- the error workbook --------------------------------------------------------------------------------

@transaction.atomic
def import_errors_export(*, actor, job: ImportJob) -> bytes:
    """The error workbook for a person: it holds the rejected rows' personal data, so the download is logged."""
    data = error_workbook(job)
    audit.record(actor=actor, action=AuditEntry.Action.EXPORT, instance=job, org_path=job.union.path,
                 after={"file": job.original_name, "rows with errors": job.rejected})
    return data


def error_workbook(job: ImportJob) -> bytes:
    """The rejected rows as they were in the file, with a 错误原因 column, as .xlsx."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    details = report_details(job)
    header = list(details.get("header") or [])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rows with errors")[:31]
    sheet.append([_("Row"), *header, _("Reason for rejection")])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    red = PatternFill("solid", fgColor="FDE2E1")
    for row, cells, reasons in details.get("bad_rows", []):
        values = [cell_from_json(c) for c in cells][:len(header)] if header else [cell_from_json(c) for c in cells]
        values += [""] * (len(header) - len(values))
        sheet.append([row, *values, reasons])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
        sheet.cell(row=sheet.max_row, column=len(header) + 2).fill = red
    for index in range(1, len(header) + 3):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.column_dimensions[get_column_letter(len(header) + 2)].width = 60
    for row in sheet.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- one call for the command line and the benchmark ---------------------------------------------------

def import_file(*, actor, union: OrgNode, path: str | Path, mode: str = ImportMode.VALID_ROWS,
                dry_run: bool = False, name: str = "") -> tuple[load.Report, ImportJob | None]:
    """Import (or, with dry_run, only check) the roster at `path` into `union`."""
    _check_union(union)
    name = name or Path(path).name
    _check_name(name)
    if dry_run:
        with load.without_gc():
            table = read_table(path, name)
            return load.plan(table, union).report, None
    with open(path, "rb") as handle:
        job = import_job_create(actor=actor, union=union, upload=File(handle, name=name), mode=mode)
    job = import_run(job=job, actor=actor)
    if job.status == ImportStatus.FAILED:
        raise RosterError(job.error)
    details = report_details(job)
    report = load.Report(rows=job.rows, created=job.created, updated=job.updated, rejected=job.rejected,
                         errors=details["errors"], warnings=details["warnings"], notes=job.report.get("notes", []))
    return report, job
