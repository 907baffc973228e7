import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gonghui.core import backup
from gonghui.core.commands import DescribedCommand


class Command(DescribedCommand):
    help = """Restore a `gonghui backup` archive: the database, the uploaded files and the field key.

  gonghui restore var/backups/gonghui-sqlite-20260101-020000.tar.gz --yes

Before touching anything it checks the archive: the engine (a SQLite backup goes into SQLite, a PostgreSQL one
into PostgreSQL), the sha256 of every member against manifest.json, and the field key. A database that is not
empty is replaced only with --yes (or after a yes at the prompt). SQLite is restored with its backup API,
PostgreSQL with pg_restore --clean --single-transaction; MEDIA_ROOT then holds exactly the archive's files.
Afterwards the rows of every table are counted against the manifest. Stop the server and the worker first."""

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive written by `gonghui backup`")
        parser.add_argument("--yes", action="store_true", help="replace a database that is not empty")

    def handle(self, *args, **options):
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            result = backup.restore_backup(path=options["path"], confirm=self.confirm(options["yes"]),
                                           progress=progress)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Restored %(path)s (made %(created)s): %(tables)d tables, %(rows)s rows, %(files)d files "
              "(%(removed)d files not in the backup removed), in %(seconds).1f s.")
            % {"path": result.path, "created": result.created_at[:19].replace("T", " "),
               "tables": len(result.tables), "rows": f"{result.rows:,}", "files": result.files,
               "removed": result.files_removed, "seconds": result.seconds})
        self.stdout.write(_("Checked: every table holds the rows the backup recorded."))
        if result.key_installed:
            self.stdout.write(_("The backup's field key was installed."))
        for warning in result.warnings:
            self.stderr.write(_("Note: %(warning)s") % {"warning": warning})

    def confirm(self, yes: bool):
        if yes:
            return lambda _counts: True
        if not sys.stdin.isatty():
            return None

        def ask(counts):
            answer = input(_("The database holds %(rows)s rows; restoring replaces all of them. Type yes to go "
                             "ahead: ") % {"rows": f"{sum(counts.values()):,}"})
            return answer.strip().lower() in {"yes", "y", "是"}

        return ask
