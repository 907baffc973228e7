"""`gonghui import-members FILE --union CODE [--dry-run] [--mode valid-rows|all-or-nothing] [--json]`.

The command is registered as `import-members` by the module of that name next to this one (Django names a
command after its file; a module whose name starts with "_" is not listed, so only the hyphenated name is).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from gonghui.members.imports import services
from gonghui.members.imports.parse import RosterError
from gonghui.members.models import ImportMode
from gonghui.orgs.models import OrgNode


class Command(BaseCommand):
    help = ("Import a member roster (.xlsx, .xls or .csv) into a union; --dry-run only checks it. "
            "--json prints {rows, created, updated, rejected, errors: [{row, column, value, message}]}.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roster file")
        parser.add_argument("--union", required=True, metavar="CODE", help="code of the union the members join")
        parser.add_argument("--dry-run", action="store_true", help="check only: report what would be imported")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.VALID_ROWS,
                            help="valid-rows (default): import the valid rows; all-or-nothing: import only if "
                                 "no row is rejected")
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **options):
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        code = options["union"].strip().upper()
        union = OrgNode.objects.filter(code=code).first()
        if union is None:
            raise CommandError(_("No union has the code %(code)s.") % {"code": code})
        try:
            report, _job = services.import_file(actor=None, union=union, path=path, mode=options["mode"],
                                                dry_run=options["dry_run"])
        except (RosterError, ValidationError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            raise CommandError(message) from None
        if options["json"]:
            self.stdout.write(json.dumps(services.report_json(report), ensure_ascii=False, indent=1))
            return
        self.stdout.write(self._summary(report, union, dry_run=options["dry_run"], mode=options["mode"]))

    def _summary(self, report, union, *, dry_run: bool, mode: str) -> str:
        lines = []
        if dry_run:
            lines.append(_("Dry run for %(union)s: nothing was written.") % {"union": union.name})
            lines.append(_("%(rows)d member rows: %(created)d would be created, %(updated)d updated, "
                           "%(rejected)d rejected.") % report.counts())
        else:
            lines.append(_("Import into %(union)s:") % {"union": union.name})
            lines.append(_("%(rows)d member rows: %(created)d created, %(updated)d updated, %(rejected)d rejected.")
                         % report.counts())
            if mode == ImportMode.ALL_OR_NOTHING and report.rejected:
                lines.append(_("All or nothing: rows were rejected, so nothing was imported."))
        for error in report.errors:
            lines.append(_("Row %(row)s, %(column)s “%(value)s”: %(message)s") % error)
        for warning in report.warnings:
            lines.append(_("Row %(row)s, %(column)s “%(value)s” (note): %(message)s") % warning)
        lines.extend(report.notes)
        return "\n".join(lines)
