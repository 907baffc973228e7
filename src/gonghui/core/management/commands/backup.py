from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gonghui.core import backup
from gonghui.core.commands import DescribedCommand


class Command(DescribedCommand):
    help = """Write one backup archive (.tar.gz, mode 0600) of the database, the uploaded files and the field key.

  gonghui backup                      → VAR_DIR/backups/gonghui-<engine>-YYYYmmdd-HHMMSS.tar.gz
  gonghui backup --out /srv/backups/  → that folder, same name
  gonghui backup --out nightly.tar.gz → that file

SQLite is copied with its online backup API and PostgreSQL with pg_dump, both consistent while the server and
the worker keep writing. The archive holds manifest.json: versions, migrations, the rows of every table and the
sha256 of every file. The field key (encrypted ID and mobile numbers) is included when it comes from
VAR_DIR/field_key; a key from GONGHUI_FIELD_KEY is not: keep it yourself. Restore with `gonghui restore`."""

    def add_arguments(self, parser):
        parser.add_argument("--out", help="the archive file, or a folder for it (default: VAR_DIR/backups/)")

    def handle(self, *args, **options):
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            result = backup.create_backup(out=options["out"], progress=progress)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        for line in summary_lines(result):
            self.stdout.write(line)


def summary_lines(result: backup.BackupResult) -> list[str]:
    lines = [
        _("Backup written: %(path)s (%(size)s, %(seconds).1f s).")
        % {"path": result.path, "size": backup.human_size(result.size), "seconds": result.seconds},
        _("Database (%(engine)s): %(tables)d tables, %(rows)s rows, %(size)s.")
        % {"engine": backup.ENGINE_NAMES[result.engine], "tables": len(result.tables), "rows": f"{result.rows:,}",
           "size": backup.human_size(result.database_bytes)},
        _("Uploaded files: %(count)d files, %(size)s.")
        % {"count": result.files, "size": backup.human_size(result.file_bytes)},
    ]
    if result.key_source == "file":
        lines.append(_("Field key: included (from %(path)s); whoever has this archive can read the ID and mobile "
                       "numbers, so keep it as safe as the key.") % {"path": result.key_path})
    else:
        lines.append(_("Field key: NOT included (it comes from GONGHUI_FIELD_KEY); keep that key yourself: without "
                       "it the ID and mobile numbers in this backup cannot be read."))
    return lines
